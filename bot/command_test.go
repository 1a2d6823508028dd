package bot

import (
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// entity returns a bot_command entity for the first occurrence of cmd in text, in UTF-16 units as
// Telegram counts them.
func entity(text, cmd string) []models.MessageEntity {
	u := utf16.Encode([]rune(text))
	c := utf16.Encode([]rune(cmd))
	for i := 0; i+len(c) <= len(u); i++ {
		if string(utf16.Decode(u[i:i+len(c)])) == cmd {
			return []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: i, Length: len(c)}}
		}
	}
	panic("no " + cmd + " in " + text)
}

func TestParseCommand(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		entities []models.MessageEntity
		want     command
		ok       bool
	}{
		{"plain", "/baocao", entity("/baocao", "/baocao"), command{Name: "baocao"}, true},
		{"args", "/baocao 3 80% Đã xong", entity("/baocao 3 80% Đã xong", "/baocao"), command{Name: "baocao", Args: "3 80% Đã xong"}, true},
		{"alias", "/report 3", entity("/report 3", "/report"), command{Name: "baocao", Args: "3"}, true},
		{"upper case", "/NhiemVu", entity("/NhiemVu", "/NhiemVu"), command{Name: "nhiemvu"}, true},
		{"addressed to us", "/nhiemvu@nhacviec_test_bot", entity("/nhiemvu@nhacviec_test_bot", "/nhiemvu@nhacviec_test_bot"), command{Name: "nhiemvu", Mention: "nhacviec_test_bot"}, true},
		{"addressed to us, other case", "/nhiemvu@NhacViec_Test_Bot 2", entity("/nhiemvu@NhacViec_Test_Bot 2", "/nhiemvu@NhacViec_Test_Bot"), command{Name: "nhiemvu", Mention: "NhacViec_Test_Bot", Args: "2"}, true},
		{"addressed to another bot", "/nhiemvu@OtherBot", entity("/nhiemvu@OtherBot", "/nhiemvu@OtherBot"), command{}, false},
		{"after Vietnamese and emoji", "Chào 👋 thầy /baocao@nhacviec_test_bot 3 80% Đã tập huấn", entity("Chào 👋 thầy /baocao@nhacviec_test_bot 3 80% Đã tập huấn", "/baocao@nhacviec_test_bot"),
			command{Name: "baocao", Mention: "nhacviec_test_bot", Args: "3 80% Đã tập huấn"}, true},
		{"emoji inside args", "/baocao 3 100% Xong 🎉 rồi", entity("/baocao 3 100% Xong 🎉 rồi", "/baocao"), command{Name: "baocao", Args: "3 100% Xong 🎉 rồi"}, true},
		{"no entities, slash first", "/lichsu 2", nil, command{Name: "lichsu", Args: "2"}, true},
		{"no entities, no slash", "lichsu 2", nil, command{}, false},
		{"other entities only", "xem https://moet.gov.vn", []models.MessageEntity{{Type: models.MessageEntityTypeURL, Offset: 4, Length: 20}}, command{}, false},
		{"unknown command kept", "/xyz", entity("/xyz", "/xyz"), command{Name: "xyz"}, true},
		{"broken entity", "/baocao", []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 3, Length: 40}}, command{}, false},
		{"empty", "", nil, command{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseCommand(tc.text, tc.entities, "nhacviec_test_bot")
			if ok != tc.ok || got != tc.want {
				t.Fatalf("parseCommand(%q) = %+v, %v; want %+v, %v", tc.text, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseReportLine(t *testing.T) {
	p := func(n int) *int { return &n }
	cases := []struct {
		in       string
		seq      int
		progress *int
		text     string
		problem  string
	}{
		{"3 80% Đã tập huấn xong cho 45 giáo viên", 3, p(80), "Đã tập huấn xong cho 45 giáo viên", ""},
		{"#3 80 % Đã xong", 3, p(80), "Đã xong", ""},
		{"nv12 100%", 12, p(100), "", ""},
		{"3 80", 3, p(80), "", ""},
		{"3", 3, nil, "", ""},
		{"3 Đã tập huấn xong", 3, nil, "Đã tập huấn xong", ""},
		{"3 0% Chưa triển khai\nvì thiếu kinh phí", 3, p(0), "Chưa triển khai\nvì thiếu kinh phí", ""},
		{"3 80 Đã tập huấn 45 giáo viên", 0, nil, "", "needPercent"},
		{"3 120% quá", 0, nil, "", "badPercent"},
		{"3 -5% âm", 0, nil, "", "badPercent"},
		{"0 50% x", 0, nil, "", "badNumber"},
		{"Đã tập huấn xong", 0, nil, "Đã tập huấn xong", ""},
		{"", 0, nil, "", ""},
	}
	for _, tc := range cases {
		got, problem := parseReportLine(tc.in)
		if problem != tc.problem {
			t.Errorf("%q: problem %q, want %q", tc.in, problem, tc.problem)
			continue
		}
		if problem != "" {
			continue
		}
		if got.seq != tc.seq || got.text != tc.text || (got.progress == nil) != (tc.progress == nil) || (got.progress != nil && *got.progress != *tc.progress) {
			t.Errorf("%q: got %d %v %q", tc.in, got.seq, got.progress, got.text)
		}
	}
}

func TestSplitMessage(t *testing.T) {
	line := "<b>Nhiệm vụ 3</b>: Tập huấn giáo viên về chuyển đổi số &amp; an toàn thông tin 🎓\n"
	var long string
	for utf16Len(long) < 3*maxMessageLen {
		long += line
	}
	parts := splitMessage(long, maxMessageLen)
	if len(parts) < 3 {
		t.Fatalf("%d parts", len(parts))
	}
	joined := ""
	for _, p := range parts {
		if utf16Len(p) > maxMessageLen {
			t.Fatalf("a part has %d UTF-16 units", utf16Len(p))
		}
		if p[len(p)-1] == '\n' || p[:3] != "<b>" {
			t.Fatalf("a part was not cut between lines: %q…", p[:20])
		}
		joined += p + "\n"
	}
	if joined != long {
		t.Fatal("splitting lost or changed text")
	}

	// One enormous line of user text inside a tag: cut outside entities, tags closed and reopened.
	huge := "<i>" + repeat("Khó khăn &amp; vướng mắc 😀 ", 400) + "</i>"
	parts = splitMessage(huge, 1000)
	for i, p := range parts {
		if utf16Len(p) > 1000 {
			t.Fatalf("part %d has %d units", i, utf16Len(p))
		}
		if p[:3] != "<i>" || p[len(p)-4:] != "</i>" {
			t.Fatalf("part %d does not keep the tag balanced: %q … %q", i, p[:10], p[len(p)-10:])
		}
		for j := 0; j < len(p); j++ {
			if p[j] == '&' && !(len(p) >= j+5 && p[j:j+5] == "&amp;") {
				t.Fatalf("part %d cuts an entity: %q", i, p[j:])
			}
		}
	}
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func TestCallbackDataFitsAndRoundTrips(t *testing.T) {
	b := btn("x", "f", int64(9223372036854775807), "t", int64(9223372036854775807))
	if len(b.CallbackData) > maxCallbackData {
		t.Fatalf("%d bytes", len(b.CallbackData))
	}
	c := parseCallback(b.CallbackData)
	if c.str(0) != "f" || c.id(1) != 9223372036854775807 || c.str(2) != "t" || c.id(3) != 9223372036854775807 || c.id(9) != 0 || c.num(9) != -1 {
		t.Fatalf("round trip: %v", c)
	}
	if parseCallback(string(make([]byte, 65))) != nil {
		t.Fatal("over-long data accepted")
	}
}

// Lines that start "Khó khăn:" or "Đề xuất:" (with or without diacritics) in a typed report
// are its difficulties and proposals; the lines after one belong to it.
func TestSplitNotes(t *testing.T) {
	cases := []struct{ in, result, difficulties, proposals string }{
		{"Đã kiểm tra 3 tổ", "Đã kiểm tra 3 tổ", "", ""},
		{"Đã kiểm tra 3 tổ\nKhó khăn: thiếu người", "Đã kiểm tra 3 tổ", "thiếu người", ""},
		{"Xong 2 lớp\nkho khan: mạng yếu\nở điểm lẻ\nĐề xuất, kiến nghị: cấp thêm kinh phí", "Xong 2 lớp", "mạng yếu\nở điểm lẻ", "cấp thêm kinh phí"},
		{"KIẾN NGHỊ: hỗ trợ", "", "", "hỗ trợ"},
		{"Vướng mắc : đường xa", "", "đường xa", ""},
		{"Ghi chú: họp lúc 8:00", "Ghi chú: họp lúc 8:00", "", ""},
	}
	for _, c := range cases {
		r, d, p := splitNotes(c.in)
		if r != c.result || d != c.difficulties || p != c.proposals {
			t.Errorf("%q: %q / %q / %q, want %q / %q / %q", c.in, r, d, p, c.result, c.difficulties, c.proposals)
		}
	}
}

// A report typed without a task number splits its notes too.
func TestReportLineNotesWithoutNumber(t *testing.T) {
	got, problem := parseReportLine("Đã xong 2 lớp\nKhó khăn: mạng yếu\nĐề xuất: thêm máy")
	if problem != "" || got.seq != 0 || got.text != "Đã xong 2 lớp" || got.difficulties != "mạng yếu" || got.proposals != "thêm máy" {
		t.Fatalf("%+v %q", got, problem)
	}
}
