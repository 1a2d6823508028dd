package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

// t0 is the fixed clock of every test server.
var t0 = time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)

func fixedNow() time.Time { return t0 }

// inlineKB is an inline keyboard of callback buttons. go-telegram/bot's own
// models.InlineKeyboardMarkup cannot be used: it sends "copy_text":{"text":""} on every button,
// which Telegram rejects.
type inlineKB struct {
	InlineKeyboard [][]cbButton `json:"inline_keyboard"`
}

type cbButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
}

func keyboard(rows ...[]cbButton) inlineKB { return inlineKB{InlineKeyboard: rows} }

func row(buttons ...cbButton) []cbButton { return buttons }

// fixture is a server, a go-telegram/bot client pointed at it, and one user.
type fixture struct {
	srv *telegramtest.Server
	b   *tg.Bot
	lan models.User
	ctx context.Context
}

func setup(t *testing.T) fixture {
	t.Helper()
	srv := telegramtest.New(telegramtest.Options{Now: fixedNow})
	t.Cleanup(srv.Close)
	return fixture{srv: srv, b: client(t, srv, srv.Token()), lan: srv.NewUser("Nguyễn Thị", "Lan"), ctx: testContext(t)}
}

func client(t *testing.T, srv *telegramtest.Server, token string) *tg.Bot {
	t.Helper()
	b, err := tg.New(token, tg.WithServerURL(srv.URL()), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testContext ends with the test, and after a minute at most, so that a hanging wait fails
// instead of blocking the run.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// apiAnswer is a Bot API answer read as it is on the wire.
type apiAnswer struct {
	Status      int             `json:"-"`
	Header      http.Header     `json:"-"`
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// do sends a raw request and decodes the answer.
func do(t *testing.T, ctx context.Context, method, url, contentType string, body io.Reader) apiAnswer {
	t.Helper()
	a, err := tryDo(ctx, method, url, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// tryDo is do for goroutines other than the test's: it returns its error.
func tryDo(ctx context.Context, method, url, contentType string, body io.Reader) (apiAnswer, error) {
	var a apiAnswer
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return a, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return a, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return a, fmt.Errorf("answer is not JSON: %w: %s", err, data)
	}
	a.Status, a.Header = resp.StatusCode, resp.Header
	return a, nil
}

// callJSON calls a method with a JSON body.
func callJSON(t *testing.T, srv *telegramtest.Server, method string, params any) apiAnswer {
	t.Helper()
	a, err := tryCall(context.Background(), srv, method, params)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func tryCall(ctx context.Context, srv *telegramtest.Server, method string, params any) (apiAnswer, error) {
	body, err := json.Marshal(params)
	if err != nil {
		return apiAnswer{}, err
	}
	return tryDo(ctx, http.MethodPost, srv.URL()+"/bot"+srv.Token()+"/"+method, "application/json", bytes.NewReader(body))
}

// poll calls getUpdates and fails the test unless it succeeds.
func poll(t *testing.T, srv *telegramtest.Server, params map[string]any) []models.Update {
	t.Helper()
	ups, err := tryPoll(context.Background(), srv, params)
	if err != nil {
		t.Fatal(err)
	}
	return ups
}

func tryPoll(ctx context.Context, srv *telegramtest.Server, params map[string]any) ([]models.Update, error) {
	a, err := tryCall(ctx, srv, "getUpdates", params)
	if err != nil {
		return nil, err
	}
	if !a.OK {
		return nil, fmt.Errorf("getUpdates: %d %s", a.ErrorCode, a.Description)
	}
	var ups []models.Update
	err = json.Unmarshal(a.Result, &ups)
	return ups, err
}

func updateIDs(ups []models.Update) []int64 {
	ids := make([]int64, len(ups))
	for i, u := range ups {
		ids[i] = u.ID
	}
	return ids
}

// wantErr checks that err is a Bot API error whose text contains want.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q, want %q", err, want)
	}
}

func wantBadRequest(t *testing.T, err error, want string) {
	t.Helper()
	wantErr(t, err, want)
	if !errors.Is(err, tg.ErrorBadRequest) {
		t.Fatalf("error %q is not a bad request", err)
	}
}

// Parameter builders for the go-telegram/bot client.

func sendText(chatID int64, text string) *tg.SendMessageParams {
	return &tg.SendMessageParams{ChatID: chatID, Text: text}
}

func sendHTML(chatID int64, text string) *tg.SendMessageParams {
	return &tg.SendMessageParams{ChatID: chatID, Text: text, ParseMode: models.ParseModeHTML}
}

func sendKB(chatID int64, text string, markup any) *tg.SendMessageParams {
	return &tg.SendMessageParams{ChatID: chatID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup}
}

func editText(chatID int64, msgID int, text string, markup any) *tg.EditMessageTextParams {
	return &tg.EditMessageTextParams{ChatID: chatID, MessageID: msgID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup}
}

func answer(id, text string) *tg.AnswerCallbackQueryParams {
	return &tg.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text}
}

func setWebhook(url, secret string) *tg.SetWebhookParams {
	return &tg.SetWebhookParams{URL: url, SecretToken: secret}
}

func deleteWebhook(drop bool) *tg.DeleteWebhookParams {
	return &tg.DeleteWebhookParams{DropPendingUpdates: drop}
}
