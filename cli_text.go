package main

import (
	"fmt"

	"nhacviec/storage"
)

// cliText holds what the command line says, in one language (NHACVIEC_LANG: vi by default).
type cliText struct {
	Usage, ConfigProblems                                                  string
	BadLang, BadDuration, BadTZ, BadWorkers, BadPollTimeout, BadLogLevel   string
	BadLogFormat, BadAPIURL, EmptyDB, TwoTokens, TokenFileUnreadable       string
	TokenFileEmpty, TokenMalformed, NoToken                                string
	UnexpectedArgs, DBError, BotError, Migrated, Required                  string
	UnitsImportUsage, CannotRead, NothingImported, Imported, NoUnits       string
	UTF16, NotUTF8, EmptyFile, BadCSV, BadHeader, WrongColumns             string
	MissingCode, MissingName, BadCode, BadKind, BadUnitLevel, MissingLevel string
	LevelNotSchool, DuplicateCode, UnknownParent, SelfParent               string
	ParentIsSchool, Cycle, SchoolHasWork, HasChildren                      string
	BadLevel, BadDate, DateInPast, UnknownUnits, NoSchools                 string
	TaskCreated, TaskNumber, SkippedMulti                                  string
	BadRole, BadUses, BadExpires, RoleNeedsSchool, RoleNeedsOffice         string
	NeedUsername, InviteCode, InviteLink, InviteFor, InviteLimits          string
	Unlimited, Never                                                       string
	InviteSheetUsage, BadSheetExt, SheetExists, NoSchoolsBelow, AllJoined  string
	SheetInvites, SheetWritten, SheetRerun, SheetJoined, SheetSkipped      string
	SheetNotWritten, SheetStale, BadCardLang                               string
	NoInvites, InviteHeader, InviteCount, RevokeUsage, NoSuchInvite        string
	InvitesRevoked                                                         string
	DirectiveUsage, BadCadence, OnlyWithPublish, NoTasksFound              string
	BadSpec, BadLadder, BadCutoff, BadHolidays, BadRate                    string
	RunJobUsage, BadAt, RemindersQueued, OutboxDrained, OutboxLeft         string
	HolidayUsage, HolidaySet, HolidayRemoved, HolidayNone, HolidayLine     string
	FailuresNone, FailureLine, Off, Work, Weekdays, OutboxUsage            string
	LeaseHeld, LeaseWaiting                                                string
	ExportUsage, BadFormat, CannotWrite, Exported, DigestUsage             string
	DigestsQueued                                                          string
	BackupUsage, BackupPostgres, BackupExists, BackupFailed, BackedUp      string
	MemberUsage, NoMembers, MemberHeader, NoSuchMember, NotInUnit          string
	AlreadyInUnit, MemberMoved, LastAdmin, MemberRemoved, BadHealthAddr    string
	BadWebhookURL, BadWebhookSecret, AuditUsage, AuditNone, BadSince       string
	DocScanned, DocUnsupported, DocEmpty, DocBroken                        string
	FieldKind, FieldNumber, FieldDate, FieldIssuer, FieldTitle, FieldYear  string
	ProposedTasks, ContextItems, DirectivePublished, DirectiveMessages     string
	RoleHead, RoleDeputy, RoleSupervisor, RoleAdmin                        string
	SandboxExists, SandboxPostgres, SandboxDBIgnored, SandboxTwoFiles      string
	SandboxFailed                                                          string
}

// roleName names a role for the operator.
func (tx *cliText) roleName(r storage.Role) string {
	switch r {
	case storage.RoleHead:
		return tx.RoleHead
	case storage.RoleDeputy:
		return tx.RoleDeputy
	case storage.RoleSupervisor:
		return tx.RoleSupervisor
	}
	return tx.RoleAdmin
}

var cliTexts = map[string]*cliText{"vi": &cliVI, "en": &cliEN}

// importProblem explains why an import row was refused.
func (tx *cliText) importProblem(p storage.ImportProblem) string {
	format := map[string]string{
		storage.ProblemMissingCode:    tx.MissingCode,
		storage.ProblemMissingName:    tx.MissingName,
		storage.ProblemBadCode:        tx.BadCode,
		storage.ProblemBadKind:        tx.BadKind,
		storage.ProblemBadLevel:       tx.BadUnitLevel,
		storage.ProblemMissingLevel:   tx.MissingLevel,
		storage.ProblemLevelNotSchool: tx.LevelNotSchool,
		storage.ProblemDuplicateCode:  tx.DuplicateCode,
		storage.ProblemUnknownParent:  tx.UnknownParent,
		storage.ProblemSelfParent:     tx.SelfParent,
		storage.ProblemParentIsSchool: tx.ParentIsSchool,
		storage.ProblemCycle:          tx.Cycle,
		storage.ProblemSchoolHasWork:  tx.SchoolHasWork,
		storage.ProblemHasChildren:    tx.HasChildren,
	}[p.Reason]
	if format == "" {
		return p.Reason + " " + p.Value
	}
	return fmt.Sprintf(format, p.Code, p.Value)
}

var cliVI = cliText{
	Usage: `nhacviec — bot Telegram nhắc việc cho cán bộ quản lý giáo dục

Cách dùng: nhacviec <lệnh> [tùy chọn]

  sandbox         thử bot ngay trong terminal: không cần Telegram, không cần token
  serve           chạy bot (long polling); cần NHACVIEC_TELEGRAM_TOKEN
  migrate         cập nhật cấu trúc cơ sở dữ liệu rồi thoát
  units import F  nhập cây đơn vị từ tệp CSV (code,name,kind,parent,level)
  units list      in cây đơn vị
  task create     tạo nhiệm vụ và giao cho các trường
  invite create   tạo mã mời và đường link tham gia
  invite sheet    in thư mời có mã QR cho mọi trường thuộc một đơn vị (.pdf, .png)
  invite list     các mã mời còn dùng được (--unit MÃ, --role)
  invite revoke   hủy các mã mời còn dùng được (--unit MÃ [--role] hoặc --code MÃ_MỜI)
  directive import F  đọc một văn bản chỉ đạo (.docx, .pdf, .txt); với --publish thì phát hành
  run-job reminders   chạy một lượt nhắc việc (--at để chạy như ở thời điểm khác), gửi hết rồi thoát
  run-job digest      gửi tổng hợp tuần cho các cán bộ phụ trách, gửi hết rồi thoát
  holiday …           ngày nghỉ bổ sung và ngày làm bù; holiday year NĂM in các ngày nghỉ lễ
  outbox failed       các tin nhắn gửi không thành công và lý do
  export              xuất bảng trường × nhiệm vụ ra tệp .xlsx hoặc .csv
  digest              in bản tổng hợp tình hình của một đơn vị
  backup -o TỆP       sao lưu cơ sở dữ liệu SQLite trong khi bot vẫn chạy
  member …            list | move SỐ --from MÃ --to MÃ | remove SỐ: ai giữ vai trò gì ở đâu
  audit               ai đã làm gì (--since NGÀY, --unit MÃ)

Xem tùy chọn của một lệnh: nhacviec <lệnh> -h
`,
	ConfigProblems:      "Cấu hình chưa đúng:",
	BadLang:             "lang: %q không phải vi hoặc en",
	BadDuration:         "%s: %q không phải khoảng thời gian như 30s hoặc 2h",
	BadTZ:               "tz: không có múi giờ %q",
	BadWorkers:          "workers: %q không phải số từ 1 đến 256",
	BadPollTimeout:      "poll-timeout: %s nằm ngoài khoảng 1s–5m",
	BadLogLevel:         "log-level: %q không phải debug, info, warn hoặc error",
	BadLogFormat:        "log-format: %q không phải text hoặc json",
	BadAPIURL:           "telegram-api-url: %q không phải địa chỉ http(s)",
	EmptyDB:             "db: để trống",
	TwoTokens:           "%s và %s đều được đặt; chỉ đặt một trong hai",
	TokenFileUnreadable: "%s: không đọc được %s: %v",
	TokenFileEmpty:      "%s: tệp %s rỗng",
	TokenMalformed:      "token Telegram không đúng dạng 123456789:AA… (lấy từ @BotFather)",
	NoToken:             "chưa có token Telegram: đặt %s (hoặc %s trỏ tới tệp chứa token)",
	UnexpectedArgs:      "tham số thừa: %v",
	DBError:             "Lỗi cơ sở dữ liệu: %v",
	BotError:            "Lỗi kết nối Telegram: %v",
	Migrated:            "Đã cập nhật cấu trúc cơ sở dữ liệu %s: %d bước cập nhật, bước mới nhất là %s.",
	Required:            "thiếu %s",
	UnitsImportUsage:    "Cách dùng: nhacviec units import units.csv",
	CannotRead:          "Không đọc được %s: %v",
	NothingImported:     "Tệp bị từ chối, chưa nhập đơn vị nào.",
	Imported:            "Đã nhập %d đơn vị: %d mới, %d cập nhật, %d không đổi.",
	NoUnits:             "Chưa có đơn vị nào. Nhập bằng: nhacviec units import units.csv",
	UTF16:               "tệp đang ở mã UTF-16; hãy lưu lại dạng «CSV UTF-8»",
	NotUTF8:             "dòng này không phải UTF-8; hãy lưu tệp dạng «CSV UTF-8 (phân cách bằng dấu phẩy)»",
	EmptyFile:           "tệp không có đơn vị nào",
	BadCSV:              "không đọc được CSV: %v",
	BadHeader:           "dòng tiêu đề là %q, cần đúng các cột %s",
	WrongColumns:        "dòng có %d cột, cần %d",
	MissingCode:         "thiếu mã đơn vị (code)%.0s%.0s",
	MissingName:         "đơn vị %q thiếu tên (name)%.0s",
	BadCode:             "mã đơn vị %q không hợp lệ (tối đa 64 ký tự, không có dấu cách, dấu phẩy, chấm phẩy, / ? # &)%.0s",
	BadKind:             "đơn vị %q có loại %q không hợp lệ; dùng department, commune hoặc school",
	BadUnitLevel:        "trường %q có cấp học %q không hợp lệ; dùng mam_non, tieu_hoc, thcs, thpt, lien_cap hoặc gdtx",
	MissingLevel:        "trường %q thiếu cấp học (level)%.0s",
	LevelNotSchool:      "đơn vị %q không phải trường nên không có cấp học (đang ghi %q)",
	DuplicateCode:       "mã %q trùng với dòng %s",
	UnknownParent:       "đơn vị %q trực thuộc đơn vị cấp trên %q, nhưng đơn vị này không có trong tệp lẫn trong cơ sở dữ liệu",
	SelfParent:          "đơn vị %q được ghi là cấp trên của chính nó (%s)",
	ParentIsSchool:      "đơn vị %q không thể trực thuộc trường %q",
	Cycle:               "đơn vị %q nằm trong một vòng trực thuộc khép kín: %s",
	SchoolHasWork:       "trường %q đã có nhiệm vụ nên không đổi được thành %q",
	HasChildren:         "đơn vị %q còn đơn vị trực thuộc (%s) nên không thể là trường",
	BadLevel:            "cấp học %q không hợp lệ; dùng mam_non, tieu_hoc, thcs, thpt, lien_cap hoặc gdtx",
	BadDate:             "hạn %q không đúng; ghi dạng 2026-12-15 hoặc 15/12/2026",
	DateInPast:          "hạn %s đã qua (hôm nay là %s)",
	UnknownUnits:        "Không có đơn vị mã: %s. Xem danh sách bằng: nhacviec units list",
	NoSchools:           "Không có trường nào thuộc các đơn vị đã chọn (với cấp học đã chọn); chưa tạo nhiệm vụ.",
	TaskCreated:         "Đã tạo nhiệm vụ #%d «%s», hạn %s, giao cho %d trường:",
	TaskNumber:          "nhiệm vụ số %d của trường",
	SkippedMulti:        "Lưu ý: %d trường liên cấp không được giao; thêm lien_cap vào --levels nếu cần.",
	BadRole:             "vai trò %q không hợp lệ; dùng head, deputy, supervisor hoặc admin",
	BadUses:             "--uses %d không hợp lệ; dùng 0 (không giới hạn) trở lên",
	BadExpires:          "--expires %s không hợp lệ",
	RoleNeedsSchool:     "Vai trò %s chỉ dành cho trường, nhưng %s không phải trường.",
	RoleNeedsOffice:     "Vai trò supervisor dành cho Sở hoặc xã/phường, nhưng %s là trường.",
	NeedUsername:        "Cần tên bot để tạo đường link: đặt NHACVIEC_BOT_USERNAME, hoặc NHACVIEC_TELEGRAM_TOKEN để hỏi Telegram.",
	InviteCode:          "Mã mời:    %s",
	InviteLink:          "Đường link: %s",
	InviteFor:           "Đơn vị:    %s (%s), vai trò: %s",
	InviteLimits:        "Số lượt:   %s · thời hạn: %s",
	InviteSheetUsage:    "Cách dùng: nhacviec invite sheet --unit MÃ -o TỆP.pdf|TỆP.png [--uses 1] [--expires 720h] [--skip-joined] [--force] [--card-lang vi|en]",
	BadSheetExt:         "-o %s: chỉ ghi được tệp .pdf (để in) hoặc .png (mỗi trang một ảnh)",
	SheetExists:         "Tệp %s đã có; lệnh không ghi đè. Hãy chọn tên khác, hoặc thêm --force để ghi đè (mã mời trong tệp cũ vẫn dùng được).",
	NoSchoolsBelow:      "Đơn vị %s (%s) không có trường nào trực thuộc; không tạo mã mời nào và không ghi tệp.",
	AllJoined:           "Cả %d trường thuộc %s (%s) đều đã có hiệu trưởng tham gia; không tạo mã mời nào và không ghi tệp.",
	SheetInvites:        "Đã tạo %d mã mời %s cho các trường thuộc %s (%s).",
	SheetWritten:        "Đã ghi %d trang vào %s.",
	SheetRerun:          "Lưu ý: mỗi lần chạy lệnh này tạo bộ mã mới; mã trong các tờ in trước vẫn dùng được đến khi hết hạn hoặc hết lượt.",
	SheetJoined:         "%d trường trong số này đã có hiệu trưởng tham gia; thêm --skip-joined để bỏ qua các trường đó.",
	SheetSkipped:        "Đã bỏ qua %d trường đã có hiệu trưởng tham gia.",
	SheetNotWritten:     "Đã tạo %d mã mời nhưng không ghi được tệp: %v\nChưa ai thấy các mã này; hãy chạy lại lệnh để in bộ mã mới.",
	SheetStale:          "Lưu ý: %s còn lại từ một lần in trước, không thuộc bộ này.",
	BadCardLang:         "--card-lang: %q không phải vi hoặc en",
	NoInvites:           "Không có mã mời nào còn dùng được.",
	InviteHeader:        "MÃ           ĐƠN VỊ       VAI TRÒ          ĐÃ DÙNG        HẾT HẠN          TÊN ĐƠN VỊ",
	InviteCount:         "%d mã mời còn dùng được.",
	RevokeUsage:         "Cách dùng: nhacviec invite revoke --unit MÃ_ĐƠN_VỊ [--role head] | invite revoke --code MÃ_MỜI",
	NoSuchInvite:        "Không có mã mời %s còn dùng được.",
	InvitesRevoked:      "Đã hủy %d mã mời; ai đã tham gia bằng các mã đó vẫn giữ vai trò của mình.",
	Unlimited:           "không giới hạn",
	Never:               "không giới hạn",
	BadSpec:             "%s: %q không phải lịch cron (ví dụ \"*/5 * * * *\"), hoặc off",
	BadLadder:           "ladder: %q không đúng dạng 7,3,1/3/2 (số ngày làm việc trước hạn / nhắc quá hạn mỗi / báo cán bộ sau)",
	BadCutoff:           "monthly-cutoff: %q không phải ngày từ 1 đến 28",
	BadHolidays:         "holidays-file: %s: %v",
	BadRate:             "send-rate: %q không phải số tin mỗi giây (lớn hơn 0, tối đa 1000)",
	RunJobUsage:         "Cách dùng: nhacviec run-job reminders|digest [--at 2026-12-01T07:30]",
	BadAt:               "--at: %q không phải thời điểm dạng 2026-12-01T07:30",
	RemindersQueued:     "Nhắc việc lúc %s: đã xếp %d tin nhắn.",
	OutboxDrained:       "Đã gửi hết các tin đang chờ.",
	OutboxLeft:          "Đã gửi các tin đến hạn; còn %d tin chờ đến lúc gửi (giờ yên lặng của người nhận, hoặc gửi lại sau lỗi). nhacviec serve sẽ gửi tiếp.",
	HolidayUsage:        "Cách dùng: nhacviec holiday list | holiday add NGÀY [--work] [--name TÊN] | holiday remove NGÀY | holiday year NĂM",
	HolidaySet:          "Đã lưu %s: %s.",
	HolidayRemoved:      "Đã xóa ngày %s.",
	HolidayNone:         "Không có ngày %s trong danh sách bổ sung.",
	HolidayLine:         "%s  %-8s %s",
	FailuresNone:        "Không có tin nhắn nào gửi không thành công.",
	FailureLine:         "#%d  %s  %-18s chat %d  lần thử %d  %s",
	Off:                 "nghỉ",
	Work:                "làm việc",
	Weekdays:            "CN,Thứ 2,Thứ 3,Thứ 4,Thứ 5,Thứ 6,Thứ 7",
	OutboxUsage:         "Cách dùng: nhacviec outbox failed [--limit N]",
	LeaseHeld:           "Một tiến trình nhacviec serve khác đang chạy việc nhắc và gửi tin; lượt nhắc này để nó làm.",
	LeaseWaiting:        "Đang chờ tiến trình trước trả quyền chạy việc nhắc (tối đa lease-ttl)…",
	ExportUsage:         "Cách dùng: nhacviec export --unit MÃ [--task SỐ] --format xlsx|csv -o TỆP",
	BadFormat:           "--format: %q không phải xlsx hoặc csv",
	CannotWrite:         "Không ghi được %s: %v",
	Exported:            "Đã xuất %d dòng (trường × nhiệm vụ) vào %s.",
	DigestUsage:         "Cách dùng: nhacviec digest --unit MÃ [--at 2026-12-14T07:00]",
	DigestsQueued:       "Tổng hợp tuần lúc %s: đã xếp %d tin nhắn.",
	BackupUsage:         "Cách dùng: nhacviec backup -o TỆP   (sao lưu cơ sở dữ liệu SQLite trong khi bot vẫn chạy)",
	BackupPostgres:      "Cơ sở dữ liệu PostgreSQL được sao lưu bằng công cụ của PostgreSQL, ví dụ:\n  pg_dump --format=custom --file=nhacviec.dump \"$NHACVIEC_DB\"\nvà phục hồi bằng pg_restore (xem README).",
	BackupExists:        "Tệp %s đã có; bản sao lưu không ghi đè lên tệp nào. Hãy chọn tên khác.",
	BackupFailed:        "Không sao lưu được: %v",
	BackedUp:            "Đã sao lưu vào %s (%.1f MB) và kiểm tra toàn vẹn bản sao: tốt.",
	BadHealthAddr:       "%q không phải địa chỉ nghe dạng 127.0.0.1:9464 hoặc :8080",
	BadWebhookURL:       "webhook-url: %q không phải địa chỉ https",
	AuditUsage:          "Cách dùng: nhacviec audit [--since 2026-11-01] [--unit MÃ]",
	AuditNone:           "Không có hoạt động nào từ ngày %s.",
	BadSince:            "--since %q không phải ngày; ghi dạng 2026-11-01 hoặc 01/11/2026",
	BadWebhookSecret:    "với webhook-url, đặt %s: 1–256 ký tự A–Z, a–z, 0–9, _ hoặc -",
	MemberUsage:         "Cách dùng: nhacviec member list [--unit MÃ] | member move SỐ --from MÃ --to MÃ | member remove SỐ [--unit MÃ]\n(SỐ là cột ID của member list)",
	NoMembers:           "Chưa có thành viên nào.",
	MemberHeader:        "ID     Telegram     Đơn vị       Vai trò        Họ tên",
	NoSuchMember:        "Không có thành viên số %d (xem nhacviec member list).",
	NotInUnit:           "Thành viên số %d không thuộc đơn vị %s.",
	AlreadyInUnit:       "Thành viên số %d đã thuộc đơn vị %s; không chuyển.",
	MemberMoved:         "Đã chuyển %s (%s) từ %s sang %s.",
	LastAdmin:           "Không xóa được: đây là quản trị viên cuối cùng. Hãy mời một quản trị viên khác trước (nhacviec invite create --role admin).",
	MemberRemoved:       "Đã xóa thành viên số %d khỏi %d đơn vị; các nhiệm vụ đã giao cho người này trở về hiệu trưởng.",
	DirectiveUsage:      "Cách dùng: nhacviec directive import TỆP [--json] [--assign MÃ[,MÃ] --due NGÀY [--levels …] [--cadence …] --publish]",
	BadCadence:          "cadence: %q không phải once, weekly, monthly hoặc semester",
	OnlyWithPublish:     "--assign, --due và --levels chỉ dùng cùng --publish",
	NoTasksFound:        "không tìm thấy nhiệm vụ nào để giao; chưa phát hành.",
	DocScanned:          "tệp PDF là bản scan (không có lớp chữ); hãy dùng tệp .docx hoặc PDF xuất từ Word.",
	DocUnsupported:      "chỉ đọc được tệp .docx, .pdf (có lớp chữ) và .txt.",
	DocEmpty:            "văn bản không có nội dung.",
	DocBroken:           "không đọc được tệp (%v).",
	FieldKind:           "Loại",
	FieldNumber:         "Số",
	FieldDate:           "Ngày",
	FieldIssuer:         "Cơ quan",
	FieldTitle:          "Trích yếu",
	FieldYear:           "Năm học",
	ProposedTasks:       "Nhiệm vụ đề xuất (%d):",
	ContextItems:        "Mục bối cảnh, không đề xuất thành nhiệm vụ (%d):",
	DirectivePublished:  "Đã phát hành văn bản #%d %s: %d nhiệm vụ cho %d trường, hạn %s.",
	DirectiveMessages:   "%d hiệu trưởng và %d nhóm sẽ nhận thông báo khi bot chạy (nhacviec serve).",
	RoleHead:            "Hiệu trưởng",
	RoleDeputy:          "Phó Hiệu trưởng",
	RoleSupervisor:      "Cán bộ phụ trách",
	RoleAdmin:           "Quản trị hệ thống",
	SandboxExists:       "%s đã có: hộp cát chỉ ghi vào một tệp mới do nó tạo ra (chọn tên khác, hoặc bỏ --keep để dùng tệp tạm).",
	SandboxPostgres:     "hộp cát chỉ dùng SQLite: --keep cần một đường dẫn tệp, không phải %s",
	SandboxDBIgnored:    "(NHACVIEC_DB không được dùng: hộp cát luôn có cơ sở dữ liệu riêng; --keep TỆP để giữ lại.)",
	SandboxTwoFiles:     "--db %s và --keep %s: chỉ dùng một (--keep)",
	SandboxFailed:       "Không khởi động được hộp cát: %v",
}

var cliEN = cliText{
	Usage: `nhacviec — a Telegram task reminder for education managers

Usage: nhacviec <command> [options]

  sandbox         try the bot in this terminal: no Telegram, no token
  serve           run the bot (long polling); needs NHACVIEC_TELEGRAM_TOKEN
  migrate         bring the database schema up to date and exit
  units import F  import the unit tree from a CSV file (code,name,kind,parent,level)
  units list      print the unit tree
  task create     create a task and assign it to schools
  invite create   create an invite code and its link
  invite sheet    print invites with QR codes for every school of a unit (.pdf, .png)
  invite list     the invites that can still be used (--unit CODE, --role)
  invite revoke   end invites that can still be used (--unit CODE [--role] or --code CODE)
  directive import F  read a directive (.docx, .pdf, .txt); with --publish, publish it
  run-job reminders   run one reminder tick (--at: as if at another time), send everything, exit
  run-job digest      send the weekly digest to every supervisor, send everything, exit
  holiday …           extra days off and working days; holiday year YEAR prints the holidays
  outbox failed       messages that could not be sent, and why
  export              write the school × task table to .xlsx or .csv
  digest              print a unit's digest
  backup -o FILE      back up the SQLite database while the bot runs
  member …            list | move ID --from CODE --to CODE | remove ID: who holds which role where
  audit               who did what (--since DATE, --unit CODE)

Options of a command: nhacviec <command> -h
`,
	ConfigProblems:      "The configuration is not right:",
	BadLang:             "lang: %q is not vi or en",
	BadDuration:         "%s: %q is not a duration such as 30s or 2h",
	BadTZ:               "tz: unknown time zone %q",
	BadWorkers:          "workers: %q is not a number from 1 to 256",
	BadPollTimeout:      "poll-timeout: %s is outside 1s–5m",
	BadLogLevel:         "log-level: %q is not debug, info, warn or error",
	BadLogFormat:        "log-format: %q is not text or json",
	BadAPIURL:           "telegram-api-url: %q is not an http(s) URL",
	EmptyDB:             "db: empty",
	TwoTokens:           "%s and %s are both set; set one",
	TokenFileUnreadable: "%s: cannot read %s: %v",
	TokenFileEmpty:      "%s: %s is empty",
	TokenMalformed:      "the Telegram token does not look like 123456789:AA… (from @BotFather)",
	NoToken:             "no Telegram token: set %s (or %s to a file holding it)",
	UnexpectedArgs:      "unexpected arguments: %v",
	DBError:             "Database error: %v",
	BotError:            "Telegram error: %v",
	Migrated:            "The %s database is up to date: %d migrations, the latest %s.",
	Required:            "%s is required",
	UnitsImportUsage:    "Usage: nhacviec units import units.csv",
	CannotRead:          "Cannot read %s: %v",
	NothingImported:     "The file was refused; no unit was imported.",
	Imported:            "Imported %d units: %d new, %d updated, %d unchanged.",
	NoUnits:             "There are no units yet. Import them with: nhacviec units import units.csv",
	UTF16:               "the file is UTF-16; save it as «CSV UTF-8»",
	NotUTF8:             "this line is not UTF-8; save the file as «CSV UTF-8 (comma delimited)»",
	EmptyFile:           "the file holds no unit",
	BadCSV:              "cannot read the CSV: %v",
	BadHeader:           "the header is %q; it must have exactly the columns %s",
	WrongColumns:        "the line has %d columns, not %d",
	MissingCode:         "the unit code is missing%.0s%.0s",
	MissingName:         "unit %q has no name%.0s",
	BadCode:             "unit code %q is not valid (at most 64 characters, no spaces, commas, semicolons, / ? # &)%.0s",
	BadKind:             "unit %q has the kind %q; use department, commune or school",
	BadUnitLevel:        "school %q has the level %q; use mam_non, tieu_hoc, thcs, thpt, lien_cap or gdtx",
	MissingLevel:        "school %q has no level%.0s",
	LevelNotSchool:      "unit %q is not a school, so it has no level (it says %q)",
	DuplicateCode:       "code %q already appears on line %s",
	UnknownParent:       "unit %q names the parent %q, which exists neither in the file nor in the database",
	SelfParent:          "unit %q is its own parent (%s)",
	ParentIsSchool:      "unit %q cannot belong to the school %q",
	Cycle:               "unit %q is in a parent–child cycle: %s",
	SchoolHasWork:       "school %q has tasks, so it cannot become %q",
	HasChildren:         "unit %q has units beneath it (%s), so it cannot be a school",
	BadLevel:            "level %q is not valid; use mam_non, tieu_hoc, thcs, thpt, lien_cap or gdtx",
	BadDate:             "deadline %q is not a date; write 2026-12-15 or 15/12/2026",
	DateInPast:          "the deadline %s has passed (today is %s)",
	UnknownUnits:        "No unit with the code: %s. List them with: nhacviec units list",
	NoSchools:           "No school lies beneath the chosen units (with the chosen levels); no task was created.",
	TaskCreated:         "Created task #%d «%s», due %s, for %d schools:",
	TaskNumber:          "the school's task number %d",
	SkippedMulti:        "Note: %d multi-level schools were not assigned; add lien_cap to --levels to include them.",
	BadRole:             "role %q is not valid; use head, deputy, supervisor or admin",
	BadUses:             "--uses %d is not valid; use 0 (no limit) or more",
	BadExpires:          "--expires %s is not valid",
	RoleNeedsSchool:     "The role %s is for schools, and %s is not a school.",
	RoleNeedsOffice:     "The supervisor role is for departments and communes, and %s is a school.",
	NeedUsername:        "The link needs the bot's username: set NHACVIEC_BOT_USERNAME, or NHACVIEC_TELEGRAM_TOKEN to ask Telegram.",
	InviteCode:          "Code:    %s",
	InviteLink:          "Link:    %s",
	InviteFor:           "Unit:    %s (%s), role: %s",
	InviteLimits:        "Uses:    %s · expires: %s",
	InviteSheetUsage:    "Usage: nhacviec invite sheet --unit CODE -o FILE.pdf|FILE.png [--uses 1] [--expires 720h] [--skip-joined] [--force] [--card-lang vi|en]",
	BadSheetExt:         "-o %s: only a .pdf (to print) or a .png (one picture per page) can be written",
	SheetExists:         "%s already exists and is not overwritten. Choose another name, or add --force to overwrite it (the codes in the old file keep working).",
	NoSchoolsBelow:      "No school lies beneath %s (%s); no invite was created and no file written.",
	AllJoined:           "All %d schools of %s (%s) already have a head who joined; no invite was created and no file written.",
	SheetInvites:        "Created %d invites (%s) for the schools of %s (%s).",
	SheetWritten:        "Wrote %d page(s) to %s.",
	SheetRerun:          "Note: every run creates new codes; the codes on sheets printed before keep working until they expire or are used up.",
	SheetJoined:         "%d of these schools already have a head who joined; add --skip-joined to leave them out.",
	SheetSkipped:        "Left out %d schools that already have a head who joined.",
	SheetNotWritten:     "Created %d invites but could not write the file: %v\nNobody has seen these codes; run the command again to print new ones.",
	SheetStale:          "Note: %s is left from an earlier run and is not part of this sheet.",
	BadCardLang:         "--card-lang: %q is not vi or en",
	NoInvites:           "No invite can still be used.",
	InviteHeader:        "CODE         UNIT         ROLE             USED           EXPIRES          UNIT NAME",
	InviteCount:         "%d invites can still be used.",
	RevokeUsage:         "Usage: nhacviec invite revoke --unit UNIT [--role head] | invite revoke --code CODE",
	NoSuchInvite:        "No usable invite has the code %s.",
	InvitesRevoked:      "Ended %d invites; whoever already joined with them keeps their role.",
	Unlimited:           "unlimited",
	Never:               "never",
	BadSpec:             "%s: %q is not a cron spec (like \"*/5 * * * *\"), nor off",
	BadLadder:           "ladder: %q is not like 7,3,1/3/2 (working days before / overdue every / escalate after)",
	BadCutoff:           "monthly-cutoff: %q is not a day from 1 to 28",
	BadHolidays:         "holidays-file: %s: %v",
	BadRate:             "send-rate: %q is not a number of messages per second (above 0, at most 1000)",
	RunJobUsage:         "Usage: nhacviec run-job reminders|digest [--at 2026-12-01T07:30]",
	BadAt:               "--at: %q is not a time like 2026-12-01T07:30",
	RemindersQueued:     "Reminders at %s: %d messages queued.",
	OutboxDrained:       "Everything waiting was sent.",
	OutboxLeft:          "Sent what was due; %d messages wait for their time (the recipient's quiet hours, or a retry after an error). nhacviec serve sends them.",
	HolidayUsage:        "Usage: nhacviec holiday list | holiday add DATE [--work] [--name NAME] | holiday remove DATE | holiday year YEAR",
	HolidaySet:          "Saved %s: %s.",
	HolidayRemoved:      "Removed %s.",
	HolidayNone:         "%s is not among the added days.",
	HolidayLine:         "%s  %-8s %s",
	FailuresNone:        "No message failed.",
	FailureLine:         "#%d  %s  %-18s chat %d  attempts %d  %s",
	Off:                 "off",
	Work:                "work",
	Weekdays:            "Sun,Mon,Tue,Wed,Thu,Fri,Sat",
	OutboxUsage:         "Usage: nhacviec outbox failed [--limit N]",
	LeaseHeld:           "A running nhacviec serve holds the reminders and the sender; it does this work itself.",
	LeaseWaiting:        "Waiting for the previous process's hold on the reminders to end (at most lease-ttl)…",
	ExportUsage:         "Usage: nhacviec export --unit CODE [--task N] --format xlsx|csv -o FILE",
	BadFormat:           "--format: %q is neither xlsx nor csv",
	CannotWrite:         "Cannot write %s: %v",
	Exported:            "Exported %d rows (school × task) to %s.",
	DigestUsage:         "Usage: nhacviec digest --unit CODE [--at 2026-12-14T07:00]",
	DigestsQueued:       "Weekly digests at %s: %d messages queued.",
	BackupUsage:         "Usage: nhacviec backup -o FILE   (a copy of the SQLite database, made while the bot runs)",
	BackupPostgres:      "A PostgreSQL database is backed up with PostgreSQL's tools, for example:\n  pg_dump --format=custom --file=nhacviec.dump \"$NHACVIEC_DB\"\nand restored with pg_restore (see the README).",
	BackupExists:        "%s already exists; a backup never overwrites a file. Choose another name.",
	BackupFailed:        "The backup failed: %v",
	BackedUp:            "Backed up to %s (%.1f MB); the copy passed its integrity check.",
	BadHealthAddr:       "%q is not a listen address like 127.0.0.1:9464 or :8080",
	BadWebhookURL:       "webhook-url: %q is not an https address",
	AuditUsage:          "Usage: nhacviec audit [--since 2026-11-01] [--unit CODE]",
	AuditNone:           "Nothing happened since %s.",
	BadSince:            "--since %q is not a date; write 2026-11-01 or 01/11/2026",
	BadWebhookSecret:    "with webhook-url, set %s: 1 to 256 of A–Z, a–z, 0–9, _ or -",
	MemberUsage:         "Usage: nhacviec member list [--unit CODE] | member move ID --from CODE --to CODE | member remove ID [--unit CODE]\n(ID is the first column of member list)",
	NoMembers:           "No members yet.",
	MemberHeader:        "ID     Telegram     Unit         Role           Name",
	NoSuchMember:        "There is no member %d (see nhacviec member list).",
	NotInUnit:           "Member %d is not in unit %s.",
	AlreadyInUnit:       "Member %d is already in unit %s; nothing moved.",
	MemberMoved:         "Moved %s (%s) from %s to %s.",
	LastAdmin:           "Not removed: this is the last admin. Invite another admin first (nhacviec invite create --role admin).",
	MemberRemoved:       "Removed member %d from %d unit(s); tasks handed to them went back to the head.",
	DirectiveUsage:      "Usage: nhacviec directive import FILE [--json] [--assign CODE[,CODE] --due DATE [--levels …] [--cadence …] --publish]",
	BadCadence:          "cadence: %q is not once, weekly, monthly or semester",
	OnlyWithPublish:     "--assign, --due and --levels go with --publish only",
	NoTasksFound:        "no task to assign was found; nothing was published.",
	DocScanned:          "the PDF is a scan (it has no text layer); use the .docx, or a PDF saved from Word.",
	DocUnsupported:      "only .docx, .pdf (with a text layer) and .txt files can be read.",
	DocEmpty:            "the document has no text.",
	DocBroken:           "the file cannot be read (%v).",
	FieldKind:           "Kind",
	FieldNumber:         "Number",
	FieldDate:           "Date",
	FieldIssuer:         "Issuer",
	FieldTitle:          "Title",
	FieldYear:           "School year",
	ProposedTasks:       "Proposed tasks (%d):",
	ContextItems:        "Context, not proposed as tasks (%d):",
	DirectivePublished:  "Published directive #%d %s: %d tasks for %d schools, due %s.",
	DirectiveMessages:   "%d heads and %d groups will be told when the bot runs (nhacviec serve).",
	RoleHead:            "head of school",
	RoleDeputy:          "deputy head",
	RoleSupervisor:      "supervising officer",
	RoleAdmin:           "administrator",
	SandboxExists:       "%s exists: the sandbox only writes to a new file of its own (choose another name, or leave --keep out for a temporary one).",
	SandboxPostgres:     "the sandbox uses SQLite only: --keep takes a file path, not %s",
	SandboxDBIgnored:    "(NHACVIEC_DB is not used: the sandbox always has a database of its own; --keep FILE keeps it.)",
	SandboxTwoFiles:     "--db %s and --keep %s: use one (--keep)",
	SandboxFailed:       "The sandbox could not start: %v",
}
