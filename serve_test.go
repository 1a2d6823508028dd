package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"nhacviec/bot/telegramtest"
)

// serve runs the whole program against the fake Bot API server until its context ends.
func TestServe(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	c := newCLI(t)
	delete(c.env, "NHACVIEC_BOT_USERNAME") // asked with getMe
	c.env["NHACVIEC_TELEGRAM_TOKEN"] = srv.Token()
	c.env["NHACVIEC_TELEGRAM_API_URL"] = srv.URL()
	c.env["NHACVIEC_POLL_TIMEOUT"] = "2s"
	c.env["NHACVIEC_LOG_LEVEL"] = "info"
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	// invite create learns the bot's username with getMe.
	code, out, errOut := c.run("invite", "create", "--unit", "TH_A", "--role", "head", "--json")
	if code != 0 || !strings.Contains(out, `"link":"https://t.me/nhacviec_test_bot?start=`) {
		t.Fatalf("invite: %d %s %s", code, out, errOut)
	}
	start := strings.Index(out, `"code":"`) + len(`"code":"`)
	inviteCode := out[start : start+10]

	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		code         int
		stdout, logs string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := c.run2(ctx, "serve")
		done <- result{code, out, errOut}
	}()
	lan := srv.NewUser("Nguyễn Thị", "Lan")
	srv.SendText(lan, "/start "+inviteCode)
	wait, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	if _, err := srv.WaitFor(wait, func(call telegramtest.Call) bool {
		return call.Method == "sendMessage" && strings.Contains(call.Params["text"], "Trường Tiểu học An Phú")
	}); err != nil {
		t.Fatalf("no welcome: %v", err)
	}
	cancel()
	var r result
	select {
	case r = <-done:
	case <-wait.Done():
		t.Fatal("serve did not stop")
	}
	if r.code != 0 || !strings.Contains(r.logs, "nhacviec is running") || !strings.Contains(r.logs, "nhacviec stopped") {
		t.Fatalf("serve: %d\n%s", r.code, r.logs)
	}
	if strings.Contains(r.logs, srv.Token()) {
		t.Fatal("the token is in the log")
	}
	if len(srv.Commands("all_private_chats", "vi")) == 0 {
		t.Fatal("serve did not register the command menu")
	}
}
