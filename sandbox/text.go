package sandbox

// texts is what the sandbox itself says in the terminal, in one language. The bot's own messages
// come from the bot's catalogs, in the language of the persona's member record.
type texts struct {
	Title, Intro, DBTemp, DBKept, Clock, Demo, SampleFile             string
	PersonasHeader, PersonaLine, PersonaUnread, HowTo, NowAs, Current string
	Help, BotMenu                                                     string
	BotSays, BotEdited, BotDeleted, ButtonsRemoved, ButtonsChanged    string
	Photo, Document, Media, URLButton, Toast, Alert, Unanswered       string
	OthersNew, NoButtons, NoSuchButton, URLPressed, Pressed           string
	NoSuchMessage                                                     string
	UnknownCommand, Usage, UnknownPersona, Switched, NothingNew       string
	FileError, FileTooBig, TimeNow, TimeMoved, TimeBad, TimeBackwards string
	TimeTooFar, Reminders, Digests, BotSlow, BotStopped, ByeTemp      string
	ByeKept                                                           string

	UsageAs, UsageFile, UsageReply, UsageSend, NothingToReply string

	RoleHead, RoleSupervisor string
	Weekdays                 [7]string // Sunday first
	DateTime                 string    // weekday, time, date
}

var textsVI = texts{
	Title:          "nhacviec · hộp cát (sandbox)",
	Intro:          "Bot thật đang chạy với một máy chủ Telegram giả ngay trong chương trình này: không cần Telegram, không cần token, không tin nhắn nào ra ngoài.",
	DBTemp:         "Cơ sở dữ liệu: %s (tệp tạm, sẽ xóa khi thoát).",
	DBKept:         "Cơ sở dữ liệu: %s (được giữ lại sau khi thoát).",
	Clock:          "Giờ trong hộp cát: %s (%s). :thoigian +1d để cho thời gian trôi.",
	Demo:           "Dữ liệu mẫu: %s, %d xã, %d trường; %s gồm %d nhiệm vụ đã được phát hành cho các trường.",
	SampleFile:     "Văn bản mẫu (thử gửi văn bản khi nhập vai cán bộ Sở): :tep %s",
	PersonasHeader: "Thầy/Cô có thể nhập vai:",
	PersonaLine:    "  [%d] %-5s %s — %s, %s",
	PersonaUnread:  " (%d tin mới)",
	HowTo:          "Gõ như khi nhắn cho bot trên Telegram (/nhiemvu, /baocao, /tonghop …); gõ số của nút để bấm nút; :la SỐ để đổi vai; :giup để xem mọi lệnh.",
	NowAs:          "Thầy/Cô đang là [%d] %s (%s, %s).",
	Current:        " ← đang nhập vai",
	Help: `Lệnh của hộp cát (bắt đầu bằng dấu hai chấm, để không lẫn với lệnh của bot):
  :ai                    danh sách các vai và số tin mới
  :la SỐ | :la TÊN       đổi vai (ví dụ :la 6, :la mai)
  SỐ hoặc #SỐ            bấm nút số đó của tin gần nhất có nút
  SỐ@TIN                 bấm nút số đó của tin @TIN (số @ ở đầu mỗi tin có nút)
  :anh [CHÚ THÍCH]       gửi một ảnh (minh chứng); chú thích có thể là /baocao 1 100% Đã xong
  :tep TỆP [CHÚ THÍCH]   gửi một tệp từ máy (.docx, .pdf, .txt …)
  :traloi VĂN BẢN        trả lời (reply) tin gần nhất của bot
  :gui VĂN BẢN           gửi nguyên văn, kể cả một con số hay dòng bắt đầu bằng ":"
  … \                    dòng kết thúc bằng \ được nối với dòng sau thành một tin nhiều dòng
                         (ví dụ dòng "Khó khăn: …" của một báo cáo)
  :thoigian [+1d|+2h|+30m|HH:MM|dd/mm/yyyy HH:MM]
                         xem giờ, hoặc cho đồng hồ chạy tới: nhắc việc và tổng hợp tuần
                         được gửi như khi bot chạy thật
  :giup                  trợ giúp này
  :thoat                 thoát (Ctrl-D cũng được)
Mọi dòng khác được gửi cho bot như một tin nhắn của vai đang nhập.`,
	BotMenu:        "Lệnh của bot (menu / trong Telegram):",
	BotSays:        "🤖 [%s]",
	BotEdited:      "🤖 [%s] (sửa tin)",
	BotDeleted:     "🤖 (bot đã xóa một tin nhắn)",
	ButtonsRemoved: "🤖 (tin «%s» không còn nút)",
	ButtonsChanged: "🤖 (các nút của tin «%s» đổi thành:)",
	Photo:          "[ảnh]",
	Document:       "[tệp %s, %d byte]",
	Media:          "[%s]",
	URLButton:      "[%d] %s ↗",
	Toast:          "   💬 %s",
	Alert:          "   ⚠️  %s",
	Unanswered:     "   (bot chưa trả lời lần bấm nút này)",
	OthersNew:      "📩 %s có %d tin mới: :la %d để xem.",
	NoButtons:      "Chưa có tin nào có nút để bấm.",
	NoSuchButton:   "Không có nút số %d: tin đó có %d nút.",
	NoSuchMessage:  "Không có tin @%d có nút: số sau @ là số hiện ở đầu tin có nút.",
	URLPressed:     "Nút «%s» mở liên kết %s; hộp cát không mở liên kết.",
	Pressed:        "(bấm «%s»)",
	UnknownCommand: "Không có lệnh hộp cát %q. Gõ :giup để xem các lệnh; muốn gửi nguyên dòng này cho bot: :gui %s",
	Usage:          "Cách dùng: %s",
	UnknownPersona: "Không có vai %q. Gõ :ai để xem danh sách.",
	Switched:       "Thầy/Cô giờ là [%d] %s (%s, %s).",
	NothingNew:     "(không có tin mới)",
	FileError:      "Không đọc được tệp %s: %v",
	FileTooBig:     "Tệp %s lớn hơn %d MB.",
	TimeNow:        "Giờ trong hộp cát: %s.",
	TimeMoved:      "Đồng hồ đã chạy từ %s đến %s.",
	TimeBad:        "Không hiểu %q. Ví dụ: :thoigian +1d, :thoigian +2h30m, :thoigian 07:30, :thoigian 01/12/2026 07:30",
	TimeBackwards:  "Đồng hồ hộp cát chỉ chạy tới, không lùi.",
	TimeTooFar:     "Mỗi lần chạy tới tối đa %d ngày.",
	Reminders:      "Nhắc việc: %d tin đã được xếp lịch gửi.",
	Digests:        "Tổng hợp tuần (thứ Hai 07:00): %d bản đã được xếp lịch gửi.",
	BotSlow:        "Bot chưa trả lời sau %s; có thể bot đang bị lỗi (xem nhật ký ở stderr).",
	BotStopped:     "Bot đã dừng: %v",
	ByeTemp:        "Tạm biệt! Đã xóa cơ sở dữ liệu tạm.",
	ByeKept:        "Tạm biệt! Cơ sở dữ liệu vẫn ở %s; xem lại, ví dụ: NHACVIEC_DB=%s nhacviec digest --unit XA_AP",
	UsageAs:        ":la SỐ | :la TÊN",
	UsageFile:      ":tep TỆP [CHÚ THÍCH]",
	UsageReply:     ":traloi VĂN BẢN",
	UsageSend:      ":gui VĂN BẢN",
	NothingToReply: "Bot chưa gửi tin nào cho vai này để trả lời.",
	RoleHead:       "Hiệu trưởng",
	RoleSupervisor: "Cán bộ phụ trách",
	Weekdays:       [7]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"},
	DateTime:       "%[2]s %[1]s, %[3]s",
}

var textsEN = texts{
	Title:          "nhacviec · sandbox",
	Intro:          "The real bot is running against a fake Telegram server inside this program: no Telegram, no token, and no message leaves this machine.",
	DBTemp:         "Database: %s (a temporary file, removed at exit).",
	DBKept:         "Database: %s (kept after exit).",
	Clock:          "Sandbox time: %s (%s). :time +1d lets time pass.",
	Demo:           "Demo data: %s, %d communes, %d schools; %s with %d tasks has been published to the schools.",
	SampleFile:     "A sample directive (to try sending one as the Sở officer): :file %s",
	PersonasHeader: "You can speak as:",
	PersonaLine:    "  [%d] %-5s %s — %s, %s",
	PersonaUnread:  " (%d new)",
	HowTo:          "Type as you would to the bot in Telegram (/tasks, /report, /digest …); type a button's number to press it; :as N to switch persona; :help for every command.",
	NowAs:          "You are [%d] %s (%s, %s).",
	Current:        " ← you",
	Help: `Sandbox commands (they start with a colon, so they never clash with the bot's):
  :who                   the personas and their new messages
  :as N | :as NAME       speak as another persona (e.g. :as 6, :as mai)
  N or #N                press button N of the latest message with buttons
  N@ID                   press button N of the message @ID (shown in the header of each
                         message with buttons)
  :photo [CAPTION]       send a photo (evidence); the caption may be /report 1 100% Done
  :file FILE [CAPTION]   send a file from this computer (.docx, .pdf, .txt …)
  :reply TEXT            reply to the bot's latest message
  :send TEXT             send the text as it is, even a number or a line starting with ":"
  … \                    a line ending with \ goes on in the next: a message of several
                         lines (e.g. the "Khó khăn: …" line of a report)
  :time [+1d|+2h|+30m|HH:MM|dd/mm/yyyy HH:MM]
                         show the time, or move the clock forward: reminders and the weekly
                         digest go out as they would in a running bot
  :help                  this help
  :quit                  leave (Ctrl-D too)
Any other line goes to the bot as a message from the current persona.`,
	BotMenu:        "The bot's commands (the / menu in Telegram):",
	BotSays:        "🤖 [%s]",
	BotEdited:      "🤖 [%s] (edited)",
	BotDeleted:     "🤖 (the bot deleted a message)",
	ButtonsRemoved: "🤖 (the message «%s» has no buttons any more)",
	ButtonsChanged: "🤖 (the buttons of «%s» are now:)",
	Photo:          "[photo]",
	Document:       "[file %s, %d bytes]",
	Media:          "[%s]",
	URLButton:      "[%d] %s ↗",
	Toast:          "   💬 %s",
	Alert:          "   ⚠️  %s",
	Unanswered:     "   (the bot did not answer this button press)",
	OthersNew:      "📩 %s has %d new: :as %d to read.",
	NoButtons:      "No message with buttons yet.",
	NoSuchButton:   "There is no button %d: that message has %d.",
	NoSuchMessage:  "There is no message @%d with buttons: the number after @ is the one in the header of a message with buttons.",
	URLPressed:     "The button «%s» opens %s; the sandbox does not open links.",
	Pressed:        "(pressed «%s»)",
	UnknownCommand: "There is no sandbox command %q. Type :help for the commands; to send this line to the bot as it is: :send %s",
	Usage:          "Usage: %s",
	UnknownPersona: "There is no persona %q. Type :who for the list.",
	Switched:       "You are now [%d] %s (%s, %s).",
	NothingNew:     "(nothing new)",
	FileError:      "Cannot read %s: %v",
	FileTooBig:     "%s is larger than %d MB.",
	TimeNow:        "Sandbox time: %s.",
	TimeMoved:      "The clock ran from %s to %s.",
	TimeBad:        "Cannot read %q. For example: :time +1d, :time +2h30m, :time 07:30, :time 01/12/2026 07:30",
	TimeBackwards:  "The sandbox clock only runs forward.",
	TimeTooFar:     "At most %d days at a time.",
	Reminders:      "Reminders: %d messages queued.",
	Digests:        "Weekly digest (Monday 07:00): %d queued.",
	BotSlow:        "The bot has not answered after %s; it may have failed (see the log on stderr).",
	BotStopped:     "The bot stopped: %v",
	ByeTemp:        "Goodbye! The temporary database is removed.",
	ByeKept:        "Goodbye! The database stays at %s; look at it with, e.g., NHACVIEC_DB=%s nhacviec digest --unit XA_AP",
	UsageAs:        ":as N | :as NAME",
	UsageFile:      ":file FILE [CAPTION]",
	UsageReply:     ":reply TEXT",
	UsageSend:      ":send TEXT",
	NothingToReply: "The bot has sent this persona nothing to reply to.",
	RoleHead:       "head of school",
	RoleSupervisor: "supervising officer",
	Weekdays:       [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	DateTime:       "%[1]s %[3]s %[2]s",
}

// textsFor returns the catalog of a language: English for "en", Vietnamese otherwise.
func textsFor(lang string) *texts {
	if lang == "en" {
		return &textsEN
	}
	return &textsVI
}
