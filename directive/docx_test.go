package directive

import (
	"strings"
	"testing"

	"nhacviec/directive/directivetest"
)

func TestDOCX(t *testing.T) {
	data := directivetest.DOCX([]directivetest.Para{
		{Text: "KẾ HOẠCH"},
		{Text: "Tổ chức Tuần lễ học tập suốt đời năm 2026"},
		{Text: "MỤC ĐÍCH, YÊU CẦU", NumID: 1, Ilvl: 0},
		{Text: "Nâng cao nhận thức về học tập suốt đời.", NumID: 1, Ilvl: 1},
		{Text: "NỘI DUNG", NumID: 1, Ilvl: 0},
		{Text: "Tổ chức lễ khai mạc", NumID: 1, Ilvl: 1},
		{Text: "Treo băng rôn tại cổng trường.", NumID: 1, Ilvl: 2},
		{Text: "Phát động đọc sách trong học sinh.", NumID: 1, Ilvl: 2},
		{Text: "Mỗi lớp có một tủ sách.", NumID: 2},
		{Text: "Trưng bày sản phẩm học tập.", NumID: 1, Ilvl: 1},
		{Text: "Danh mục công việc:"},
	}, [][]string{
		{"STT", "Nội dung", "Thời gian", "Đơn vị thực hiện"},
		{"1", "Báo cáo kết quả về Phòng GD&ĐT", "Trước 15/10/2026", "Các trường"},
		{"2", "Tổng hợp báo cáo", "Trước 20/10/2026", "Phòng GD&ĐT"},
	})
	d, err := Parse("ke-hoach.docx", data)
	if err != nil {
		t.Fatal(err)
	}
	want := "II.1.a II.1.b-1 II.2.1 II.2.2"
	var got []string
	for _, it := range d.Tasks() {
		got = append(got, it.Citation)
	}
	if d.Kind != "Kế hoạch" || d.Title != "Tổ chức Tuần lễ học tập suốt đời năm 2026" {
		t.Fatalf("metadata: %+v", d)
	}
	if strings.Join(got, " ") != want {
		t.Fatalf("tasks %v, want %s", got, want)
	}
	if it := d.Find("II.1.a"); it.Title() != "Treo băng rôn tại cổng trường" {
		t.Fatalf("a run boundary changed the text: %q", it.Title())
	}
	if it := d.Find("II.2.1"); !strings.Contains(it.Text, "Báo cáo kết quả về Phòng GD&ĐT – Trước 15/10/2026 – Các trường") {
		t.Fatalf("table row: %q", it.Text)
	}
	if it := d.Find("I.1"); it == nil || it.Role != RoleContext {
		t.Fatalf("the aims are context: %+v", it)
	}
	if _, err := Parse("hong.docx", []byte("PK\x03\x04 not really a zip")); err == nil {
		t.Fatal("a broken .docx was accepted")
	}
}
