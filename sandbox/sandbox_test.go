package sandbox

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"nhacviec/directive"
)

// monday is Monday 23/11/2026, 09:00 in Hà Nội: the sandbox starts at 08:00 that day.
var monday = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

// terminal plays the user at the sandbox's terminal: it types a line when the sandbox asks for
// one (its Read is called only after the prompt is printed) and reads what was printed since.
type terminal struct {
	t     *testing.T
	out   syncBuffer
	lines chan string   // what the user types next; closed: end of input
	idle  chan struct{} // the sandbox asks for a line
	done  chan error    // Run's result
	rest  []byte
	mark  int
	sess  *Session
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (tm *terminal) Read(p []byte) (int, error) {
	if len(tm.rest) == 0 {
		tm.idle <- struct{}{}
		l, ok := <-tm.lines
		if !ok {
			return 0, io.EOF
		}
		tm.rest = []byte(l + "\n")
	}
	n := copy(p, tm.rest)
	tm.rest = tm.rest[n:]
	return n, nil
}

// start runs a sandbox session with opts (In and Out are the terminal's) and returns the
// terminal and the welcome.
func start(t *testing.T, opts Options) (*terminal, string) {
	t.Helper()
	tm := &terminal{t: t, lines: make(chan string), idle: make(chan struct{}), done: make(chan error, 1)}
	opts.In, opts.Out = tm, &tm.out
	if opts.Now == nil {
		opts.Now = func() time.Time { return monday }
	}
	s, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	tm.sess = s
	t.Cleanup(func() {
		_ = s.Close()
		if t.Failed() {
			t.Logf("the whole session:\n%s", tm.out.String())
		}
	})
	go func() { tm.done <- s.Chat(context.Background()) }()
	return tm, tm.waitIdle()
}

// waitIdle waits until the sandbox asks for the next line, and returns what it printed since
// the last time.
func (tm *terminal) waitIdle() string {
	tm.t.Helper()
	select {
	case <-tm.idle:
	case err := <-tm.done:
		tm.t.Fatalf("the session ended: %v\n%s", err, tm.out.String())
	case <-time.After(2 * time.Minute): // a guard against a hang, not a synchronisation
		tm.t.Fatalf("the sandbox did not ask for input:\n%s", tm.out.String())
	}
	all := tm.out.String()
	out := all[tm.mark:]
	tm.mark = len(all)
	return out
}

// say types a line and returns what the sandbox printed in answer.
func (tm *terminal) say(line string) string {
	tm.t.Helper()
	tm.lines <- line
	return tm.waitIdle()
}

// end closes the input and waits for the session to end.
func (tm *terminal) end() string {
	tm.t.Helper()
	close(tm.lines)
	select {
	case err := <-tm.done:
		if err != nil {
			tm.t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		tm.t.Fatal("the session did not end at the end of the input")
	}
	return tm.out.String()[tm.mark:]
}

var buttonCell = regexp.MustCompile(`\[(\d+)\] ([^\[\n]*)`)

// button finds, in the last message with buttons of out, the number of the button whose label
// contains label.
func button(t *testing.T, out, label string) string {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		for _, m := range buttonCell.FindAllStringSubmatch(lines[i], -1) {
			if strings.Contains(m[2], label) {
				return m[1]
			}
		}
	}
	t.Fatalf("no button %q in:\n%s", label, out)
	return ""
}

func has(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Fatalf("the output lacks %q:\n%s", w, out)
		}
	}
}

func lacks(t *testing.T, out string, words ...string) {
	t.Helper()
	for _, w := range words {
		if strings.Contains(out, w) {
			t.Fatalf("the output should not contain %q:\n%s", w, out)
		}
	}
}

// A whole session through the terminal: the welcome and the people; a head opens her tasks,
// presses buttons by number, reports by replying, and in one line with a difficulty on a second
// line; the commune officer's digest counts it; time passes and a reminder comes; bad sandbox
// commands are explained; the end of the input ends the session and the database goes.
func TestSandboxSession(t *testing.T) {
	tm, welcome := start(t, Options{})
	has(t, welcome, "hộp cát", "không cần token", "tệp tạm, sẽ xóa khi thoát", "08:00 Thứ Hai, 23/11/2026",
		"Sở Giáo dục và Đào tạo tỉnh Mẫu, 2 xã, 5 trường", "Kế hoạch 07/KH-SGDĐT gồm 4 nhiệm vụ",
		"[1] lan   Cô Nguyễn Thị Lan — Hiệu trưởng, Trường Tiểu học An Phú ← đang nhập vai",
		"[2] minh  Thầy Trần Văn Minh — Hiệu trưởng, Trường THCS An Phú (1 tin mới)",
		"[6] mai   Chị Vũ Thị Mai — Cán bộ phụ trách, UBND xã An Phú",
		"[7] son   Anh Hoàng Văn Sơn — Cán bộ phụ trách, Sở Giáo dục và Đào tạo tỉnh Mẫu",
		"Thầy/Cô đang là [1] Cô Nguyễn Thị Lan",
		// Lan's news: the published directive's notice, with its deadlines and a button.
		"🤖 [08:00]", "07/KH-SGDĐT", "26/11/2026", "04/12/2026", "[1] ")
	if !strings.HasSuffix(welcome, "\nlan> ") {
		t.Fatalf("no prompt after the welcome:\n%s", welcome)
	}
	db := tm.sess.DBPath()
	if _, err := os.Stat(db); err != nil {
		t.Fatal(err)
	}

	tasks := tm.say("/nhiemvu")
	has(t, tasks, "Trường Tiểu học An Phú", "Tổ chức họp hội đồng sư phạm", "Báo cáo hằng tuần")
	lacks(t, tasks, "📩") // the other heads' notices were announced in the welcome already

	// Pressing a button by its number: the list becomes the task, an edit of the same message.
	detail := tm.say(button(t, tasks, "1"))
	has(t, detail, "(bấm «1»)", "(sửa tin)", "Nhiệm vụ 1", "Mục II.1")

	// A report by replying to the task's message.
	saved := tm.say(":traloi 50% đã họp hội đồng")
	has(t, saved, "Đã ghi nhận báo cáo", "50%", "đã họp hội đồng")

	// A guided report: the progress prompt has five level buttons and «Hủy»; 75 is no button's
	// number, so it goes to the bot as typed, and the bot takes it as the progress.
	prompt := tm.say("/baocao 3")
	has(t, prompt, "[3] 50%")
	typed := tm.say("75")
	lacks(t, typed, "(bấm", "Tiến độ phải là")
	has(t, typed, "kết quả", "không còn nút") // the progress prompt lost its buttons
	has(t, tm.say("/huy"), "🤖")

	// A one-line report whose difficulty is on a second line (a backslash continues the line).
	cont := tm.say(`/baocao 2 100% Đã rà soát xong các phòng học \`)
	if !strings.HasSuffix(cont, "...> ") || strings.Contains(cont, "🤖") {
		t.Fatalf("a continued line was sent at once:\n%s", cont)
	}
	two := tm.say("Khó khăn: thiếu kinh phí sửa hệ thống điện")
	has(t, two, "Đã ghi nhận báo cáo", "100%", "thiếu kinh phí sửa hệ thống điện")

	// The commune officer sees the school's reports in the digest.
	sw := tm.say(":la mai")
	has(t, sw, "Thầy/Cô giờ là [6] Chị Vũ Thị Mai", "(không có tin mới)")
	has(t, tm.say(":traloi Chào Thầy/Cô"), "Bot chưa gửi tin nào cho vai này")
	digest := tm.say("/tonghop")
	has(t, digest, "UBND xã An Phú", "✅ 1", "thiếu kinh phí sửa hệ thống điện", "[ảnh]")
	// The tasks were given this morning: no school is listed as silent yet.
	lacks(t, digest, "🔕")
	lacks(t, digest, "📩") // nobody else was written to

	// The officer answers the difficulty: the head who reported is told.
	answer := tm.say(button(t, digest, "Trả lời 1"))
	has(t, answer, "🤖")
	told := tm.say("Sở sẽ cấp kinh phí trong tháng 12.")
	has(t, told, "📩 Cô Nguyễn Thị Lan có 1 tin mới: :la 1 để xem.")
	back := tm.say(":la 1")
	has(t, back, "Sở sẽ cấp kinh phí trong tháng 12.")

	// Bad sandbox commands are explained and change nothing.
	has(t, tm.say(":xyz"), `Không có lệnh hộp cát ":xyz"`, ":gui :xyz")
	has(t, tm.say(":la 99"), `Không có vai "99"`)
	has(t, tm.say(":la"), "Cách dùng: :la SỐ")
	has(t, tm.say("#9"), "Không có nút số 9")
	has(t, tm.say(":thoigian -1d"), `Không hiểu "-1d"`)
	has(t, tm.say(":thoigian 01/01/2020"), "chỉ chạy tới")
	has(t, tm.say(":thoigian +40d"), "tối đa 31 ngày")
	has(t, tm.say(":tep /khong/co/tep.docx"), "Không đọc được tệp /khong/co/tep.docx")
	has(t, tm.say(":giup"), ":thoigian", ":traloi", "/nhiemvu", "/tonghop")
	has(t, tm.say(":ai"), "[1] lan", "← đang nhập vai")

	// Time passes: the next morning's reminder tick sends the head her reminder.
	moved := tm.say(":thoigian +1d")
	has(t, moved, "08:00 Thứ Ba, 24/11/2026", "Nhắc việc:", "Báo cáo ngay")
	has(t, tm.say(":thoigian"), "Giờ trong hộp cát: 08:00 Thứ Ba, 24/11/2026")

	bye := tm.end()
	has(t, bye, "Tạm biệt! Đã xóa cơ sở dữ liệu tạm.")
	if err := tm.sess.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary database is still there: %v", err)
	}
}

// The Sở's officer sends the sample directive as a file: the bot reads it and offers a draft
// with its four tasks; a photo goes as evidence; :thoat ends the session.
func TestSandboxDirectiveFileAndQuit(t *testing.T) {
	tm, welcome := start(t, Options{})
	m := regexp.MustCompile(`:tep (\S+)`).FindStringSubmatch(welcome)
	if m == nil {
		t.Fatalf("no sample file in the welcome:\n%s", welcome)
	}
	has(t, tm.say(":la son"), "Anh Hoàng Văn Sơn")
	draft := tm.say(":tep " + m[1])
	has(t, draft, "07/KH-SGDĐT", "II.1", "II.4", "Phát hành")

	has(t, tm.say(":la 2"), "Thầy Trần Văn Minh", "07/KH-SGDĐT") // his unread notice
	photo := tm.say(":anh")
	has(t, photo, "🤖")
	tm.lines <- ":thoat"
	select {
	case err := <-tm.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-tm.idle:
		t.Fatalf(":thoat did not end the session:\n%s", tm.out.String()[tm.mark:])
	case <-time.After(2 * time.Minute):
		t.Fatal(":thoat did not end the session")
	}
	has(t, tm.out.String()[tm.mark:], "Tạm biệt!")
}

// In English the sandbox speaks English and so do the personas' bot chats.
func TestSandboxEnglish(t *testing.T) {
	tm, welcome := start(t, Options{Lang: "en"})
	has(t, welcome, "sandbox", "no token", "You are [1] Ms Nguyễn Thị Lan (head of school, Trường Tiểu học An Phú)",
		"Monday 23/11/2026 08:00")
	has(t, tm.say("/tasks"), "Tasks of Trường Tiểu học An Phú")
	has(t, tm.say(":nope"), `There is no sandbox command ":nope"`)
	tm.end()
}

// A kept database is a new file that stays; an existing file is never opened.
func TestSandboxKeep(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "nhacviec.db")
	if err := os.WriteFile(existing, []byte("the operator's database"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(context.Background(), Options{Keep: existing, Now: func() time.Time { return monday }})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("an existing file: %v", err)
	}
	if data, _ := os.ReadFile(existing); string(data) != "the operator's database" {
		t.Fatal("the existing file was changed")
	}

	kept := filepath.Join(dir, "sandbox.db")
	tm, welcome := start(t, Options{Keep: kept})
	has(t, welcome, kept+" (được giữ lại sau khi thoát)")
	has(t, tm.end(), "Cơ sở dữ liệu vẫn ở "+kept)
	if err := tm.sess.Close(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(kept); err != nil || info.Size() == 0 {
		t.Fatalf("the kept database: %v", err)
	}
}

func TestParseTime(t *testing.T) {
	s := &Session{o: Options{Location: time.FixedZone("ICT", 7*3600)}}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, s.o.Location) // a Monday
	cases := []struct {
		in   string
		want string // "" for refused
	}{
		{"+1d", "2026-11-24 08:00"},
		{"+2h30m", "2026-11-23 10:30"},
		{"+1w", "2026-11-30 08:00"},
		{"+1w1d1h1m", "2026-12-01 09:01"},
		{"07:30", "2026-11-24 07:30"},
		{"17:00", "2026-11-23 17:00"},
		{"01/12/2026", "2026-12-01 08:00"},
		{"1/12/2026 07:15", "2026-12-01 07:15"},
		{"+", ""}, {"+1x", ""}, {"-1d", ""}, {"25:00", ""}, {"31/02/2026", ""}, {"mai", ""},
	}
	for _, c := range cases {
		got, ok := s.parseTime(now, c.in)
		if c.want == "" {
			if ok {
				t.Errorf("%q: got %v, want refused", c.in, got)
			}
			continue
		}
		if !ok || got.Format("2006-01-02 15:04") != c.want {
			t.Errorf("%q: got %v %v, want %s", c.in, got, ok, c.want)
		}
	}
}

func TestNextDigest(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	for in, want := range map[string]string{
		"2026-11-23 06:59": "2026-11-23 07:00", // Monday before 07:00
		"2026-11-23 07:00": "2026-11-30 07:00", // at 07:00: the next one
		"2026-11-25 12:00": "2026-11-30 07:00",
		"2026-11-29 23:59": "2026-11-30 07:00",
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", in, loc)
		if got := nextDigest(at, loc).Format("2006-01-02 15:04"); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}

// The demo directive keeps the shape the parser reads for any start date: four proposed tasks
// with the citations II.1–II.4, and the deadlines its text names.
func TestDemoDirective(t *testing.T) {
	for _, day := range []time.Time{
		time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC),
		time.Date(2027, 3, 5, 8, 0, 0, 0, time.UTC), // a Friday: the first deadline moves to Monday
	} {
		text := demoDirective(day)
		doc, err := directive.Parse(demoDirectiveFile, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		var cites []string
		for _, it := range doc.Tasks() {
			cites = append(cites, it.Citation)
		}
		if strings.Join(cites, " ") != "II.1 II.2 II.3 II.4" || doc.Number != "07/KH-SGDĐT" || doc.Kind != "Kế hoạch" {
			t.Errorf("%s: parsed as %q %q with tasks %v", day.Format("2006-01-02"), doc.Kind, doc.Number, cites)
		}
		if !strings.Contains(text, "hoàn thành trước ngày "+dueDate(day, 3).Format("02/01/2006")) {
			t.Errorf("%s: the text does not name the first deadline", day.Format("2006-01-02"))
		}
		if d := dueDate(day, 3); d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			t.Errorf("a deadline on a weekend: %v", d)
		}
		year := day.Year()
		if day.Month() < time.August {
			year--
		}
		if !strings.Contains(text, "năm học "+strconv.Itoa(year)+"-"+strconv.Itoa(year+1)) {
			t.Errorf("%s: wrong school year", day.Format("2006-01-02"))
		}
	}
}

func TestSplitPath(t *testing.T) {
	for in, want := range map[string][2]string{
		"a.docx":                        {"a.docx", ""},
		"a.docx /vanban":                {"a.docx", "/vanban"},
		`"Kế hoạch 07.docx"  /vanban x`: {"Kế hoạch 07.docx", "/vanban x"},
		`"unclosed.docx`:                {`"unclosed.docx`, ""},
	} {
		if p, r := splitPath(in); p != want[0] || r != want[1] {
			t.Errorf("%q: got %q %q, want %q", in, p, r, want)
		}
	}
}
