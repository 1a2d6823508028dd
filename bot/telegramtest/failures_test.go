package telegramtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

func TestFailureKinds(t *testing.T) {
	tests := []struct {
		name    string
		failure telegramtest.Failure
		check   func(t *testing.T, err error)
	}{
		{"429 with retry_after", telegramtest.Failure{Method: "sendMessage", Code: 429, RetryAfter: 7}, func(t *testing.T, err error) {
			var tooMany *tg.TooManyRequestsError
			if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 || !strings.Contains(tooMany.Message, "Too Many Requests: retry after 7") {
				t.Fatalf("429: %v", err)
			}
		}},
		{"403", telegramtest.Failure{Method: "sendMessage", Code: 403}, func(t *testing.T, err error) {
			if !errors.Is(err, tg.ErrorForbidden) || !strings.Contains(err.Error(), "Forbidden: bot was blocked by the user") {
				t.Fatalf("403: %v", err)
			}
		}},
		{"500", telegramtest.Failure{Method: "sendMessage", Code: 500}, func(t *testing.T, err error) {
			wantErr(t, err, "500 Internal Server Error")
		}},
		{"502 with a description", telegramtest.Failure{Code: 502, Description: "Bad Gateway"}, func(t *testing.T, err error) {
			wantErr(t, err, "502 Bad Gateway")
		}},
		{"migrate_to_chat_id", telegramtest.Failure{Code: 400, MigrateToChatID: -1001234567890}, func(t *testing.T, err error) {
			var migrate *tg.MigrateError
			if !errors.As(err, &migrate) || migrate.MigrateToChatID != -1001234567890 || !strings.Contains(migrate.Message, "group chat was upgraded to a supergroup chat") {
				t.Fatalf("migrate: %v", err)
			}
		}},
		{"method in another case", telegramtest.Failure{Method: "SENDMESSAGE", Code: 500}, func(t *testing.T, err error) {
			wantErr(t, err, "500")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t)
			tc.failure.Times = 1
			f.srv.Fail(tc.failure)
			_, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "Nhắc việc"))
			tc.check(t, err)
			if _, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "Nhắc việc")); err != nil {
				t.Fatalf("Times 1: the second call failed too: %v", err)
			}
			calls := f.srv.CallsTo("sendMessage")
			if len(calls) != 2 || calls[0].ErrorCode != tc.failure.Code || calls[1].ErrorCode != 0 {
				t.Fatalf("recorded: %+v", calls)
			}
			if sent := f.srv.Sent(f.lan.ID); len(sent) != 1 {
				t.Fatalf("a failed call sent a message: %+v", sent)
			}
		})
	}
}

func TestFailureMatching(t *testing.T) {
	f := setup(t)
	minh := f.srv.NewUser("Trần Văn", "Minh")
	f.srv.Fail(telegramtest.Failure{ChatID: minh.ID, Code: 403, Times: 2})
	f.srv.Fail(telegramtest.Failure{Method: "editMessageText", Code: 500})
	send := func(u models.User) error {
		_, err := f.b.SendMessage(f.ctx, sendText(u.ID, "x"))
		return err
	}
	if err := send(f.lan); err != nil {
		t.Fatalf("another chat failed: %v", err)
	}
	for i := 0; i < 2; i++ {
		if err := send(minh); !errors.Is(err, tg.ErrorForbidden) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if err := send(minh); err != nil {
		t.Fatalf("Times 2 did not run out: %v", err)
	}
	// A rule without a method never touches getUpdates.
	f.srv.Fail(telegramtest.Failure{Code: 500})
	if a := callJSON(t, f.srv, "getUpdates", map[string]any{}); !a.OK {
		t.Fatalf("getUpdates: %+v", a)
	}
	if err := send(f.lan); err == nil {
		t.Fatal("the rule for every method did not apply")
	}
	f.srv.ClearFailures()
	if err := send(f.lan); err != nil {
		t.Fatalf("after ClearFailures: %v", err)
	}
	// getUpdates fails when named.
	f.srv.Fail(telegramtest.Failure{Method: "getUpdates", Code: 502, Times: 1})
	if a := callJSON(t, f.srv, "getUpdates", map[string]any{}); a.Status != 502 || a.Description != "Internal Server Error" {
		t.Fatalf("getUpdates failure: %+v", a)
	}
}

func TestBlock(t *testing.T) {
	f := setup(t)
	msg, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "trước"))
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Block(f.lan.ID)
	blocked := func(err error) {
		t.Helper()
		if !errors.Is(err, tg.ErrorForbidden) || !strings.Contains(err.Error(), "Forbidden: bot was blocked by the user") {
			t.Fatalf("blocked: %v", err)
		}
	}
	_, err = f.b.SendMessage(f.ctx, sendText(f.lan.ID, "x"))
	blocked(err)
	_, err = f.b.EditMessageText(f.ctx, editText(f.lan.ID, msg.ID, "sửa", nil))
	blocked(err)
	_, err = f.b.SendPhoto(f.ctx, &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: "https://x.vn/a.jpg"}})
	blocked(err)
	// The user can still write; the bot still cannot answer.
	f.srv.SendText(f.lan, "/start")
	_, err = f.b.SendMessage(f.ctx, sendText(f.lan.ID, "x"))
	blocked(err)
	f.srv.Unblock(f.lan.ID)
	if _, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "sau")); err != nil {
		t.Fatal(err)
	}
	var forbidden int
	for _, c := range f.srv.Calls() {
		if c.ErrorCode == 403 {
			forbidden++
		}
	}
	if sent := f.srv.Sent(f.lan.ID); forbidden != 4 || len(sent) != 2 || sent[0].Edits != 0 {
		t.Fatalf("%d calls refused, sent %+v", forbidden, sent)
	}
}

func TestFailureDelay(t *testing.T) {
	t.Run("then succeeds", func(t *testing.T) {
		f := setup(t)
		f.srv.Fail(telegramtest.Failure{Method: "sendMessage", Delay: 30 * time.Millisecond, Times: 1})
		start := time.Now()
		if _, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "chậm")); err != nil {
			t.Fatal(err)
		}
		if elapsed := time.Since(start); elapsed < 30*time.Millisecond {
			t.Fatalf("answered after %v", elapsed)
		}
		if len(f.srv.Sent(f.lan.ID)) != 1 {
			t.Fatal("not sent")
		}
	})
	t.Run("then fails", func(t *testing.T) {
		f := setup(t)
		f.srv.Fail(telegramtest.Failure{Method: "sendMessage", Code: 502, Delay: 10 * time.Millisecond, Times: 1})
		_, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "x"))
		wantErr(t, err, "502")
	})
	t.Run("client gives up", func(t *testing.T) {
		f := setup(t)
		f.srv.Fail(telegramtest.Failure{Method: "sendMessage", Delay: time.Hour})
		ctx, cancel := context.WithTimeout(f.ctx, 20*time.Millisecond)
		defer cancel()
		_, err := f.b.SendMessage(ctx, sendText(f.lan.ID, "x"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("client: %v", err)
		}
		c, err := f.srv.WaitFor(f.ctx, func(c telegramtest.Call) bool { return c.Method == "sendMessage" })
		if err != nil || c.ErrorCode != 499 {
			t.Fatalf("recorded %+v %v", c, err)
		}
		if len(f.srv.Sent(f.lan.ID)) != 0 {
			t.Fatal("an abandoned call was carried out")
		}
	})
}
