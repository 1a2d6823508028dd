package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"nhacviec/bot/telegramtest"
	"nhacviec/scheduler"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// The real binary is killed (SIGKILL) in the middle of sending 2,000 reminders, while Telegram
// holds the answers to the messages in flight; restarted, it sends the rest, and every head ends
// with exactly one reminder: the ones in flight reached Telegram and are not sent again, the
// ones queued are sent once.
func TestCrashWhileSendingReminders(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	const heads, killAfter = 2000, 1000
	dir := t.TempDir()
	bin := filepath.Join(dir, "nhacviec")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	// Telegram, holding its answers once killAfter messages have arrived.
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	var mu sync.Mutex
	arrived, held := 0, 0
	heldCh := make(chan struct{}, heads)
	release := make(chan struct{})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/sendMessage") {
			srv.Handler().ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, r) // Telegram has the message from here on
		mu.Lock()
		arrived++
		hold := arrived > killAfter
		if hold {
			held++
		}
		mu.Unlock()
		if hold {
			heldCh <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	defer front.Close()

	c := newCLI(t)
	c.env["NHACVIEC_TELEGRAM_TOKEN"] = srv.Token()
	c.env["NHACVIEC_TELEGRAM_API_URL"] = front.URL
	c.env["NHACVIEC_SEND_RATE"] = "1000"
	c.env["NHACVIEC_LEASE_TTL"] = "3s" // the restart waits for the killed process's lease to run out
	var csv strings.Builder
	csv.WriteString("code,name,kind,parent,level\nSO,Sở GD&ĐT,department,,\n")
	for i := range heads {
		fmt.Fprintf(&csv, "TH%04d,Trường %d,school,SO,tieu_hoc\n", i, i)
	}
	if code, _, errOut := c.run("units", "import", c.file("units.csv", csv.String())); code != 0 {
		t.Fatal(errOut)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.Options{DSN: c.env["NHACVIEC_DB"]})
	if err != nil {
		t.Fatal(err)
	}
	var users []int64
	var schools []storage.Unit
	for i := range heads {
		u := storagetest.Must(st.UnitByCode(ctx, fmt.Sprintf("TH%04d", i)))(t)
		user := srv.NewUser("Hiệu trưởng", fmt.Sprint(i))
		m := storagetest.Join(t, st, user.ID, user.FirstName, u, storage.RoleHead)
		// No quiet hours: the binary's sender runs on the wall clock, and this test must not
		// depend on the time of day it runs at.
		if err := st.SetReminderSettings(ctx, m.ID, storage.ReminderSettings{RemindAt: 450}); err != nil {
			t.Fatal(err)
		}
		users = append(users, user.ID)
		schools = append(schools, u)
	}
	storagetest.Task(t, st, "Kiểm tra nội bộ", "2026-12-18", schools...)
	st.Close()

	env := os.Environ()
	for k, v := range c.env {
		env = append(env, k+"="+v)
	}
	run := func() *exec.Cmd {
		cmd := exec.Command(bin, "run-job", "reminders", "--at", "2026-12-09T07:30")
		cmd.Env = env
		return cmd
	}
	first := run()
	var firstOut strings.Builder
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once every message it has in flight is waiting for Telegram's answer.
	timeout := time.After(2 * time.Minute)
	for range scheduler.MaxInFlight {
		select {
		case <-heldCh:
		case <-timeout:
			_ = first.Process.Kill()
			_ = first.Wait() // its output is complete only then
			t.Fatalf("the sender never filled its slots:\n%s", firstOut.String())
		}
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	close(release)
	mu.Lock()
	t.Logf("killed with %d messages arrived, %d of them unanswered", arrived, held)
	mu.Unlock()

	second := run()
	if out, err := second.CombinedOutput(); err != nil {
		t.Fatalf("restart: %v\n%s", err, out)
	}
	for i, id := range users {
		n := 0
		for _, m := range srv.Sent(id) {
			if strings.Contains(m.PlainText(), "Nhắc việc") {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("head %d got %d reminders", i, n)
		}
	}
}
