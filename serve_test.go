package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
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

	// /healthz and /metrics on a port of their own.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	healthAddr := ln.Addr().String()
	ln.Close()
	c.env["NHACVIEC_HEALTH_ADDR"] = healthAddr

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
	// One chat's updates are handled one after the other: once the help is answered, the join
	// has been recorded in full.
	sent := len(srv.CallsTo("sendMessage"))
	srv.SendText(lan, "/trogiup")
	if err := srv.WaitCalls(wait, "sendMessage", sent+1); err != nil {
		t.Fatalf("no help: %v", err)
	}
	httpGet := func(path string) (int, string) {
		resp, err := http.Get("http://" + healthAddr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := httpGet("/healthz"); code != 200 || !strings.Contains(body, `"status":"ok"`) || !strings.Contains(body, `"database":"ok"`) {
		t.Fatalf("healthz: %d %s", code, body)
	}
	if code, body := httpGet("/metrics"); code != 200 || !strings.Contains(body, `nhacviec_updates_handled_total{outcome="ok"} `) ||
		!strings.Contains(body, "nhacviec_handler_seconds_count") {
		t.Fatalf("metrics: %d %s", code, body)
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

// In webhook mode serve sets the webhook with its secret and handles what Telegram posts: a post
// without the secret gets 401 and is not handled; one Telegram sends twice is handled once.
func TestServeWebhook(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	c := newCLI(t)
	c.env["NHACVIEC_TELEGRAM_TOKEN"] = srv.Token()
	c.env["NHACVIEC_TELEGRAM_API_URL"] = srv.URL()
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := c.run("invite", "create", "--unit", "TH_A", "--role", "head", "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	start := strings.Index(out, `"code":"`) + len(`"code":"`)
	inviteCode := out[start : start+10]

	// Bad settings are refused before anything starts.
	c.env["NHACVIEC_WEBHOOK_URL"] = "http://bot.example.org/hook"
	if code, _, errOut := c.run("serve"); code != 1 || !strings.Contains(errOut, "https") || !strings.Contains(errOut, "NHACVIEC_WEBHOOK_SECRET") {
		t.Fatalf("bad webhook settings: %d %s", code, errOut)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	ln.Close()
	c.env["NHACVIEC_WEBHOOK_URL"] = "https://bot.example.org/telegram/hook"
	c.env["NHACVIEC_WEBHOOK_LISTEN"] = listen
	c.env["NHACVIEC_WEBHOOK_SECRET"] = "s3cret_Token-1"

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs string
	go func() {
		code, _, errOut := c.run2(ctx, "serve")
		logs = errOut
		done <- code
	}()
	wait, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	set, err := srv.WaitFor(wait, func(call telegramtest.Call) bool { return call.Method == "setWebhook" })
	if err != nil || set.Params["url"] != "https://bot.example.org/telegram/hook" || set.Params["secret_token"] != "s3cret_Token-1" {
		t.Fatalf("setWebhook: %+v %v", set.Params, err)
	}
	lan := srv.NewUser("Nguyễn Thị", "Lan")
	post := func(secret string, id int, text string) int {
		body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private","first_name":"Lan"},
			"from":{"id":%d,"is_bot":false,"first_name":"Lan","language_code":"vi"},"text":%q,"entities":[{"type":"bot_command","offset":0,"length":%d}]}}`,
			id, id, time.Now().Unix(), lan.ID, lan.ID, text, len(strings.Fields(text)[0]))
		req, _ := http.NewRequest(http.MethodPost, "http://"+listen+"/telegram/hook", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("post: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("wrong", 1, "/start "+inviteCode); got != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", got)
	}
	if got := post("", 1, "/start "+inviteCode); got != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", got)
	}
	if got := post("s3cret_Token-1", 2, "/start "+inviteCode); got != http.StatusOK {
		t.Fatalf("right secret: %d", got)
	}
	if _, err := srv.WaitFor(wait, func(call telegramtest.Call) bool {
		return call.Method == "sendMessage" && strings.Contains(call.Params["text"], "Trường Tiểu học An Phú")
	}); err != nil {
		t.Fatalf("no welcome: %v", err)
	}
	// Sent again by Telegram (no answer reached it, say): stored already, not handled again.
	if got := post("s3cret_Token-1", 2, "/start "+inviteCode); got != http.StatusOK {
		t.Fatalf("again: %d", got)
	}
	sent := len(srv.CallsTo("sendMessage"))
	if got := post("s3cret_Token-1", 3, "/trogiup"); got != http.StatusOK {
		t.Fatalf("help: %d", got)
	}
	if err := srv.WaitCalls(wait, "sendMessage", sent+1); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Sent(lan.ID)
	if len(msgs) != 2 || strings.Contains(msgs[1].PlainText(), "Trường Tiểu học An Phú, vai trò") {
		t.Fatalf("messages: %d", len(msgs))
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 || strings.Contains(logs, srv.Token()) || strings.Contains(logs, "s3cret_Token-1") {
			t.Fatalf("serve: %d\n%s", code, logs)
		}
	case <-wait.Done():
		t.Fatal("serve did not stop")
	}
}
