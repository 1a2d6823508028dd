package sandbox

import (
	"fmt"
	"time"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

// The demo province: a Sở, two communes, five schools. The upper-secondary school answers to the
// Sở directly, as it does since the district level was abolished.
var demoUnits = []storage.UnitRow{
	{Code: "SO", Name: "Sở Giáo dục và Đào tạo tỉnh Mẫu", Kind: storage.KindDepartment},
	{Code: "XA_AP", Name: "UBND xã An Phú", Kind: storage.KindCommune, Parent: "SO"},
	{Code: "XA_BS", Name: "UBND xã Bình Sơn", Kind: storage.KindCommune, Parent: "SO"},
	{Code: "TH_AP", Name: "Trường Tiểu học An Phú", Kind: storage.KindSchool, Parent: "XA_AP", Level: storage.LevelPrimary},
	{Code: "THCS_AP", Name: "Trường THCS An Phú", Kind: storage.KindSchool, Parent: "XA_AP", Level: storage.LevelLowerSec},
	{Code: "MN_BS", Name: "Trường Mầm non Bình Sơn", Kind: storage.KindSchool, Parent: "XA_BS", Level: storage.LevelPreschool},
	{Code: "TH_BS", Name: "Trường Tiểu học Bình Sơn", Kind: storage.KindSchool, Parent: "XA_BS", Level: storage.LevelPrimary},
	{Code: "THPT_M", Name: "Trường THPT Tỉnh Mẫu", Kind: storage.KindSchool, Parent: "SO", Level: storage.LevelUpperSec},
}

// persona is someone the user can speak as: a Telegram user who joined the bot with an invite.
type persona struct {
	Key       string // what :la takes besides the number
	Family    string // Telegram first name: family and middle names ("Nguyễn Thị")
	Given     string // Telegram last name: the given name ("Lan")
	Female    bool
	Role      storage.Role
	Unit      string // unit code
	Publisher bool   // the demo directive is published in their name

	unitName string
	id       int64 // Telegram id, which is also their private chat's id
	memberID int64
	// send queues a message from them (o.From is filled in); press queues their press of a
	// button. They hold the Telegram user, whose type belongs to the bot's library.
	send  func(o telegramtest.MessageOpts)
	press func(m telegramtest.SentMessage, data string)
}

// demoPersonas are the people of the demo: a head at each school, an officer of a commune and
// one of the Sở. The first is who the user starts as.
var demoPersonas = []persona{
	{Key: "lan", Family: "Nguyễn Thị", Given: "Lan", Female: true, Role: storage.RoleHead, Unit: "TH_AP"},
	{Key: "minh", Family: "Trần Văn", Given: "Minh", Role: storage.RoleHead, Unit: "THCS_AP"},
	{Key: "hoa", Family: "Phạm Thị", Given: "Hoa", Female: true, Role: storage.RoleHead, Unit: "MN_BS"},
	{Key: "tuan", Family: "Lê Anh", Given: "Tuấn", Role: storage.RoleHead, Unit: "TH_BS"},
	{Key: "hung", Family: "Đỗ Quốc", Given: "Hùng", Role: storage.RoleHead, Unit: "THPT_M"},
	{Key: "mai", Family: "Vũ Thị", Given: "Mai", Female: true, Role: storage.RoleSupervisor, Unit: "XA_AP"},
	{Key: "son", Family: "Hoàng Văn", Given: "Sơn", Role: storage.RoleSupervisor, Unit: "SO", Publisher: true},
}

// name is the persona as the sandbox shows them: "Cô Nguyễn Thị Lan", "Ms Nguyễn Thị Lan".
func (p *persona) name(lang string) string {
	full := p.Family + " " + p.Given
	switch {
	case lang == "en" && p.Female:
		return "Ms " + full
	case lang == "en":
		return "Mr " + full
	case p.Role == storage.RoleHead && p.Female:
		return "Cô " + full
	case p.Role == storage.RoleHead:
		return "Thầy " + full
	case p.Female:
		return "Chị " + full
	}
	return "Anh " + full
}

func (p *persona) roleName(tx *texts) string {
	if p.Role == storage.RoleHead {
		return tx.RoleHead
	}
	return tx.RoleSupervisor
}

// demoTask is how one proposed task of the demo directive is published: its deadline, in days
// after the directive's date, and its report cadence. The directive has as many proposed tasks.
type demoTask struct {
	days    int
	cadence storage.Cadence
}

var demoTasks = []demoTask{
	{3, storage.CadenceOnce},    // II.1: the staff meeting, due soon (its text names the date)
	{11, storage.CadenceOnce},   // II.2: the safety review, with photo evidence (its text names the date)
	{56, storage.CadenceOnce},   // II.3: the reading movement, to the end of the term
	{56, storage.CadenceWeekly}, // II.4: the weekly safety report, every Friday to the end of the term
}

// demoDirectiveFile is the name the demo directive is published from, and the sample file's.
const demoDirectiveFile = "ke-hoach-07-KH-SGDDT.txt"

// demoDirective is the text of the demo directive, dated day: a short plan of the Sở in the
// shape of a real one (header, number, place and date, kind, title, grounds, numbered sections,
// recipients, signature). Everything in it is made up.
func demoDirective(day time.Time) string {
	due := func(i int) string { return dueDate(day, demoTasks[i].days).Format("02/01/2006") }
	year := day.Year()
	if day.Month() < time.August {
		year--
	}
	return fmt.Sprintf(`ỦY BAN NHÂN DÂN TỈNH MẪU
SỞ GIÁO DỤC VÀ ĐÀO TẠO

Số: 07/KH-SGDĐT

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Tỉnh Mẫu, ngày %02d tháng %02d năm %d

KẾ HOẠCH

Tăng cường an toàn trường học và phát triển văn hóa đọc năm học %d-%d

(Văn bản mẫu để chạy thử nhacviec: tỉnh Mẫu, các đơn vị và con người trong văn bản đều là hư cấu.)

Căn cứ Kế hoạch thời gian năm học %d-%d của Ủy ban nhân dân tỉnh Mẫu;

Sở Giáo dục và Đào tạo ban hành Kế hoạch tăng cường an toàn trường học và phát triển văn hóa đọc như sau:

I. MỤC ĐÍCH, YÊU CẦU

1. Bảo đảm môi trường giáo dục an toàn, lành mạnh, thân thiện; phòng ngừa tai nạn thương tích cho học sinh.

2. Hình thành thói quen đọc sách hằng ngày cho học sinh; các hoạt động thiết thực, không hình thức.

II. NHIỆM VỤ TRỌNG TÂM

1. Tổ chức họp hội đồng sư phạm quán triệt Kế hoạch này, phân công cán bộ, giáo viên phụ trách từng nội dung; hoàn thành trước ngày %s.

2. Rà soát an toàn cơ sở vật chất: phòng học, nhà vệ sinh, hệ thống điện, thiết bị phòng cháy, chữa cháy; lập biên bản kèm ảnh minh chứng các hạng mục cần sửa chữa; hoàn thành trước ngày %s.

3. Phát động phong trào "Mỗi tuần một cuốn sách": bổ sung tủ sách lớp học, tổ chức ít nhất một buổi giới thiệu sách mỗi tháng.

4. Báo cáo hằng tuần tình hình an toàn trường học (sự cố, tai nạn thương tích nếu có, biện pháp khắc phục) vào thứ Sáu hằng tuần.

III. TỔ CHỨC THỰC HIỆN

1. Ủy ban nhân dân các xã hướng dẫn, kiểm tra các trường mầm non, tiểu học, trung học cơ sở trên địa bàn thực hiện Kế hoạch này.

2. Thủ trưởng các đơn vị trường học định kỳ báo cáo kết quả thực hiện, khó khăn, vướng mắc và đề xuất qua hệ thống Nhắc việc.

Nơi nhận:
- Như mục III;
- Lưu: VT.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Nguyễn Văn Mẫu
`, day.Day(), int(day.Month()), day.Year(), year, year+1, year, year+1, due(0), due(1))
}

// dueDate is days after day, moved to the Monday after when it falls on a weekend.
func dueDate(day time.Time, days int) time.Time {
	d := day.AddDate(0, 0, days)
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, 2)
	case time.Sunday:
		d = d.AddDate(0, 0, 1)
	}
	return d
}
