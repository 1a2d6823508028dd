package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// run-job reminders ticks as if at the time given, sends everything queued and exits; run again,
// it sends nothing twice.
func TestRunJobReminders(t *testing.T) {
	srv, c := jobEnv(t)
	lan := c.member(srv, "Nguyễn Thị", "Lan", "TH_A", storage.RoleHead)
	if code, _, errOut := c.run("task", "create", "--title", "Kiểm tra nội bộ", "--assign", "TH_A", "--due", "2026-12-18"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := c.run("run-job", "reminders", "--at", "2026-12-09T07:30")
	if code != 0 || !strings.Contains(out, "Nhắc việc lúc 09/12/2026 07:30: đã xếp 1 tin nhắn.") || !strings.Contains(out, "Đã gửi hết") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
	sent := srv.Sent(lan.ID)
	if len(sent) != 2 || !strings.Contains(sent[0].PlainText(), "nhiệm vụ mới") || !strings.Contains(sent[1].PlainText(), "Nhắc việc") {
		var texts []string
		for _, m := range sent {
			texts = append(texts, m.PlainText())
		}
		t.Fatalf("sent: %q", texts)
	}
	code, out, _ = c.run("run-job", "reminders", "--at", "2026-12-09T08:00")
	if code != 0 || !strings.Contains(out, "đã xếp 0 tin nhắn") || len(srv.Sent(lan.ID)) != 2 {
		t.Fatalf("second run: %d %s", code, out)
	}
	for _, bad := range [][]string{{"run-job"}, {"run-job", "frob"}, {"run-job", "reminders", "--at", "mai"}} {
		if code, _, _ := c.run(bad...); code != 1 {
			t.Errorf("%v: %d", bad, code)
		}
	}
	// Run at night, the reminder waits for the end of Lan's quiet hours, and the operator is told.
	c.now = time.Date(2026, 12, 15, 15, 0, 0, 0, time.UTC) // 22:00 in Vietnam
	code, out, errOut = c.run("run-job", "reminders", "--at", "2026-12-15T07:30")
	if code != 0 || !strings.Contains(out, "còn 1 tin chờ đến lúc gửi") || strings.Contains(out, "Đã gửi hết") || len(srv.Sent(lan.ID)) != 2 {
		t.Fatalf("at night: %d %s %s, %d sent", code, out, errOut, len(srv.Sent(lan.ID)))
	}
	c.now = time.Date(2026, 12, 18, 1, 0, 0, 0, time.UTC) // 08:00 on the deadline
	// A message that could not be sent is listed with its reason.
	srv.Block(lan.ID)
	if code, _, errOut := c.run("run-job", "reminders", "--at", "2026-12-18T07:30"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, _ = c.run("outbox", "failed")
	if code != 0 || !strings.Contains(out, "reminder") || !strings.Contains(out, "Forbidden") {
		t.Fatalf("outbox failed: %d %s", code, out)
	}
}

// holiday adds, lists and removes extra days; holiday year prints the days off.
func TestHolidayCommand(t *testing.T) {
	c := newCLI(t)
	code, out, _ := c.run("holiday", "year", "2026")
	for _, w := range []string{"01/01/2026", "17/02/2026  Thứ 3    Tết Nguyên Đán", "27/04/2026", "Giỗ Tổ Hùng Vương (nghỉ bù)", "03/09/2026"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("year lacks %q:\n%s", w, out)
		}
	}
	if code, out, _ := c.run("holiday", "add", "24/12/2026", "--name", "Nghỉ theo quyết định của tỉnh"); code != 0 || !strings.Contains(out, "Đã lưu 24/12/2026: nghỉ.") {
		t.Fatalf("add: %d %s", code, out)
	}
	if code, _, _ := c.run("holiday", "add", "2027-02-20", "--work", "--name", "Làm bù"); code != 0 {
		t.Fatal("add work")
	}
	code, out, _ = c.run("holiday", "list")
	if code != 0 || !strings.Contains(out, "24/12/2026  nghỉ     Nghỉ theo quyết định của tỉnh") || !strings.Contains(out, "20/02/2027  làm việc Làm bù") {
		t.Fatalf("list: %s", out)
	}
	if _, out, _ := c.run("holiday", "year", "2026"); !strings.Contains(out, "24/12/2026") {
		t.Fatalf("the added day is not a holiday:\n%s", out)
	}
	if code, _, _ := c.run("holiday", "remove", "2026-12-24"); code != 0 {
		t.Fatal("remove")
	}
	if code, _, errOut := c.run("holiday", "remove", "2026-12-24"); code != 1 || !strings.Contains(errOut, "Không có ngày 24/12/2026") {
		t.Fatalf("remove twice: %d %s", code, errOut)
	}
	for _, bad := range [][]string{{"holiday"}, {"holiday", "add", "31/02/2026"}, {"holiday", "year", "x"}, {"holiday", "frob"}} {
		if code, _, _ := c.run(bad...); code != 1 {
			t.Errorf("%v: %d", bad, code)
		}
	}
}

// The reminder settings are checked with the rest of the configuration.
func TestReminderConfig(t *testing.T) {
	c := newCLI(t)
	c.env["NHACVIEC_LADDER"] = "7,3,1"
	c.env["NHACVIEC_REMINDER_SPEC"] = "every morning"
	c.env["NHACVIEC_MONTHLY_CUTOFF"] = "31"
	c.env["NHACVIEC_SEND_RATE"] = "0"
	c.env["NHACVIEC_HOLIDAYS_FILE"] = c.file("days.txt", "2026-12-24 maybe\n")
	code, _, errOut := c.run("migrate")
	for _, w := range []string{"ladder:", "reminder-spec:", "monthly-cutoff:", "send-rate:", "holidays-file:"} {
		if code != 1 || !strings.Contains(errOut, w) {
			t.Errorf("lacks %q: %d\n%s", w, code, errOut)
		}
	}
}

// export writes the commune's schools × tasks as XLSX or CSV.
func TestExportCommand(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := c.run("task", "create", "--title", "Kiểm tra nội bộ", "--assign", "XA_A", "--due", "2026-12-18"); code != 0 {
		t.Fatal(errOut)
	}
	xlsx := filepath.Join(c.dir, "xa_a.xlsx")
	code, out, errOut := c.run("export", "--unit", "XA_A", "--format", "xlsx", "-o", xlsx)
	if code != 0 || !strings.Contains(out, "Đã xuất 3 dòng") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
	if data, err := os.ReadFile(xlsx); err != nil || !bytes.HasPrefix(data, []byte("PK")) {
		t.Fatalf("not an xlsx: %v", err)
	}
	csvFile := filepath.Join(c.dir, "xa_a.csv")
	if code, _, errOut := c.run("export", "--unit", "XA_A", "--format", "csv", "-o", csvFile); code != 0 {
		t.Fatal(errOut)
	}
	data, _ := os.ReadFile(csvFile)
	if !bytes.HasPrefix(data, []byte("\ufeff")) || !strings.Contains(string(data), "Trường Tiểu học An Phú") || !strings.Contains(string(data), "Đang thực hiện trong hạn") {
		t.Fatalf("csv:\n%s", data)
	}
	for _, bad := range [][]string{{"export"}, {"export", "--unit", "NOPE", "-o", csvFile}, {"export", "--unit", "XA_A", "--format", "pdf", "-o", csvFile}} {
		if code, _, _ := c.run(bad...); code != 1 {
			t.Errorf("%v: %d", bad, code)
		}
	}
	// A file written over keeps its mode (an operator's private 0600 stays private).
	if err := os.Chmod(csvFile, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := c.run("export", "--unit", "XA_A", "--format", "csv", "-o", csvFile); code != 0 {
		t.Fatal(errOut)
	}
	if info, err := os.Stat(csvFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("mode after export: %v %v", info.Mode(), err)
	}
	// A folder that does not exist: a clear message, and no file.
	missing := filepath.Join(c.dir, "khong-co", "x.xlsx")
	if code, _, errOut := c.run("export", "--unit", "XA_A", "-o", missing); code != 1 || !strings.Contains(errOut, missing) {
		t.Fatalf("into a missing folder: %d %s", code, errOut)
	}
	// Written through a temporary file that is renamed: nothing else is left beside the files.
	entries, _ := os.ReadDir(c.dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".xa_a") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// digest prints a unit's digest as plain text.
func TestDigestCommand(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := c.run("task", "create", "--title", "Kiểm tra nội bộ", "--assign", "XA_A", "--due", "2026-12-18"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := c.run("digest", "--unit", "XA_A", "--at", "2026-12-21T07:00")
	if code != 0 || !strings.Contains(out, "Tổng hợp tình hình thực hiện nhiệm vụ — UBND xã An Phú") || !strings.Contains(out, "🔴 3") ||
		strings.Contains(out, "<b>") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
	if code, _, _ := c.run("digest", "--unit", "NOPE"); code != 1 {
		t.Fatal("unknown unit accepted")
	}
}

// run-job digest sends each supervisor the digest of their unit and its chart, once a day.
func TestRunJobDigest(t *testing.T) {
	srv, c := jobEnv(t)
	officer := c.member(srv, "Trần Văn", "Bình", "XA_A", storage.RoleSupervisor)
	if code, _, errOut := c.run("task", "create", "--title", "Kiểm tra nội bộ", "--assign", "XA_A", "--due", "2026-12-18"); code != 0 {
		t.Fatal(errOut)
	}
	for range 2 {
		if code, out, errOut := c.run("run-job", "digest", "--at", "2026-11-23T07:00"); code != 0 {
			t.Fatalf("%d %s %s", code, out, errOut)
		}
	}
	sent := srv.Sent(officer.ID)
	if len(sent) != 2 || !strings.Contains(sent[0].PlainText(), "Tổng hợp tình hình thực hiện nhiệm vụ — UBND xã An Phú") ||
		sent[1].MediaType != "photo" {
		t.Fatalf("sent %d: %v", len(sent), sent)
	}
}

// jobEnv is the command line against the fake Bot API server, with the province imported.
func jobEnv(t *testing.T) (*telegramtest.Server, *cli) {
	t.Helper()
	srv := telegramtest.New(telegramtest.Options{})
	t.Cleanup(srv.Close)
	c := newCLI(t)
	c.env["NHACVIEC_TELEGRAM_TOKEN"] = srv.Token()
	c.env["NHACVIEC_TELEGRAM_API_URL"] = srv.URL()
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	return srv, c
}

// member makes a Telegram user a member of the unit with the role, in the CLI's database.
func (c *cli) member(srv *telegramtest.Server, first, last, unit string, role storage.Role) models.User {
	c.t.Helper()
	u := srv.NewUser(first, last)
	st, err := storage.Open(context.Background(), storage.Options{DSN: c.env["NHACVIEC_DB"]})
	if err != nil {
		c.t.Fatal(err)
	}
	defer st.Close()
	storagetest.Join(c.t, st, u.ID, last, storagetest.Must(st.UnitByCode(context.Background(), unit))(c.t), role)
	return u
}
