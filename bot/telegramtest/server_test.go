package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

type kb struct {
	InlineKeyboard [][]btn `json:"inline_keyboard"`
}

type btn struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
}

func setup(t *testing.T) (*telegramtest.Server, *tg.Bot, models.User) {
	t.Helper()
	srv := telegramtest.New(telegramtest.Options{})
	t.Cleanup(srv.Close)
	b, err := tg.New(srv.Token(), tg.WithServerURL(srv.URL()), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	u := srv.NewUser("Nguyễn Thị", "Lan")
	return srv, b, u
}

var ctx = context.Background()

func TestGetMeAndToken(t *testing.T) {
	srv, b, _ := setup(t)
	me, err := b.GetMe(ctx)
	if err != nil || me.Username != "nhacviec_test_bot" || !me.IsBot {
		t.Fatalf("getMe: %+v %v", me, err)
	}
	wrong, _ := tg.New("999:WRONG", tg.WithServerURL(srv.URL()), tg.WithSkipGetMe())
	if _, err := wrong.GetMe(ctx); !errors.Is(err, tg.ErrorUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
}

func TestSendMessageValidation(t *testing.T) {
	srv, b, u := setup(t)
	send := func(text string, markup any) error {
		_, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
		return err
	}
	if err := send("<b>Chào</b> Thầy/Cô &amp; các em", kb{[][]btn{{{Text: "Xem", CallbackData: "t:v:1"}}}}); err != nil {
		t.Fatal(err)
	}
	m, _ := srv.LastSent(u.ID)
	if m.PlainText() != "Chào Thầy/Cô & các em" || m.Keyboard[0][0].Data != "t:v:1" {
		t.Fatalf("sent: %+v", m)
	}
	cases := map[string]struct {
		text   string
		markup any
		want   string
	}{
		"empty":              {" ", nil, "message text is empty"},
		"too long in UTF-16": {strings.Repeat("😀", 2049), nil, "message is too long"},
		"unclosed tag":       {"<b>Chào", nil, "can't parse entities"},
		"unknown tag":        {"<div>x</div>", nil, "unsupported start tag"},
		"bare ampersand":     {"A & B", nil, "can't parse entities"},
		"bare <":             {"3 < 5", nil, "can't parse entities"},
		"65-byte callback":   {"x", kb{[][]btn{{{Text: "x", CallbackData: strings.Repeat("ệ", 22)}}}}, "BUTTON_DATA_INVALID"},
		"text-only button":   {"x", kb{[][]btn{{{Text: "x"}}}}, "Text buttons are unallowed"},
		"library keyboard":   {"x", models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x", CallbackData: "y"}}}}, "BUTTON_COPY_TEXT_INVALID"},
	}
	for name, tc := range cases {
		if err := send(tc.text, tc.markup); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	if err := send(strings.Repeat("😀", 2048), nil); err != nil {
		t.Fatalf("4096 UTF-16 units must fit: %v", err)
	}
	stranger := models.User{ID: 777}
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: stranger.ID, Text: "x"}); !errors.Is(err, tg.ErrorForbidden) {
		t.Fatalf("a user who never wrote: %v", err)
	}
}

func TestEditAndCallbacks(t *testing.T) {
	srv, b, u := setup(t)
	msg, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "Trang 1", ReplyMarkup: kb{[][]btn{{{Text: "▶", CallbackData: "p:2"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: u.ID, MessageID: msg.ID, Text: "Trang 1", ReplyMarkup: kb{[][]btn{{{Text: "▶", CallbackData: "p:2"}}}}}); err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Fatalf("unchanged edit: %v", err)
	}
	if _, err := b.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: u.ID, MessageID: msg.ID, Text: "Trang 2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: u.ID, MessageID: 999, Text: "x"}); err == nil || !strings.Contains(err.Error(), "message to edit not found") {
		t.Fatalf("missing message: %v", err)
	}
	sent := srv.Sent(u.ID)
	if len(sent) != 1 || sent[0].Text != "Trang 2" || sent[0].Edits != 1 || sent[0].Keyboard != nil {
		t.Fatalf("after edit: %+v", sent)
	}
	srv.Press(u, sent[0].Message(), "p:2")
	cbID := fetch(t, srv, 0)[0].CallbackQuery.ID
	if len(srv.UnansweredCallbacks()) != 1 {
		t.Fatal("the press is not pending")
	}
	if _, err := b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: cbID, Text: "Đã lưu", ShowAlert: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: cbID}); err == nil || !strings.Contains(err.Error(), "query is too old") {
		t.Fatalf("second answer: %v", err)
	}
	if a := srv.CallbackAnswers()[cbID]; a.Text != "Đã lưu" || !a.ShowAlert || len(srv.UnansweredCallbacks()) != 0 {
		t.Fatalf("answer: %+v", a)
	}
}

// fetch polls like a bot: getUpdates with an offset, as JSON.
func fetch(t *testing.T, srv *telegramtest.Server, offset int64) []models.Update {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"offset": offset, "timeout": 0})
	resp, err := http.Post(srv.URL()+"/bot"+srv.Token()+"/getUpdates", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		OK     bool            `json:"ok"`
		Result []models.Update `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || !r.OK {
		t.Fatalf("getUpdates: %v %+v", err, r)
	}
	return r.Result
}

func TestGetUpdates(t *testing.T) {
	srv, _, u := setup(t)
	id1 := srv.SendText(u, "Chào 👋 /baocao@nhacviec_test_bot 3 80%")
	id2 := srv.SendText(u, "/nhiemvu")
	got := fetch(t, srv, 0)
	if len(got) != 2 || got[0].ID != id1 || got[1].ID != id2 {
		t.Fatalf("updates: %+v", got)
	}
	e := got[0].Message.Entities
	if len(e) != 1 || e[0].Offset != 8 || e[0].Length != 25 || e[0].Type != models.MessageEntityTypeBotCommand {
		t.Fatalf("entities (UTF-16): %+v", e)
	}
	if got := fetch(t, srv, id2); len(got) != 1 || got[0].ID != id2 {
		t.Fatalf("offset did not acknowledge the first: %+v", got)
	}
	if fetch(t, srv, id2+1); srv.PendingUpdates() != 0 {
		t.Fatal("offset did not acknowledge")
	}
	srv.Redeliver(id1)
	if got := fetch(t, srv, id2+1); len(got) != 1 || got[0].ID != id1 {
		t.Fatalf("redelivered: %+v", got)
	}

	// A long poll returns as soon as an update is queued.
	done := make(chan []models.Update)
	go func() {
		body := `{"offset":0,"timeout":30}`
		resp, err := http.Post(srv.URL()+"/bot"+srv.Token()+"/getUpdates", "application/json", strings.NewReader(body))
		if err != nil {
			done <- nil
			return
		}
		defer resp.Body.Close()
		var r struct{ Result []models.Update }
		_ = json.NewDecoder(resp.Body).Decode(&r)
		done <- r.Result
	}()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := srv.WaitFor(gone, func(c telegramtest.Call) bool { return false }); err == nil {
		t.Fatal("WaitFor without a match returned no error")
	}
	srv.Press(u, models.Message{ID: 1, Chat: models.Chat{ID: u.ID, Type: "private"}}, "x")
	select {
	case got := <-done:
		if len(got) == 0 {
			t.Fatal("the long poll returned nothing")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll did not return")
	}
}

func TestTwoPollersConflict(t *testing.T) {
	srv, _, _ := setup(t)
	first := make(chan int)
	go func() {
		resp, err := http.Post(srv.URL()+"/bot"+srv.Token()+"/getUpdates", "application/json", strings.NewReader(`{"timeout":30}`))
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// The first poll is waiting once the server has seen no call yet but one request is in: poll
	// again until the first answers with 409.
	var code int
	for code == 0 {
		resp, err := http.Post(srv.URL()+"/bot"+srv.Token()+"/getUpdates", "application/json", strings.NewReader(`{"timeout":0}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		select {
		case code = <-first:
		case <-wctx.Done():
			t.Fatal("the first poller never lost")
		default:
		}
	}
	if code != http.StatusConflict {
		t.Fatalf("first poller: %d", code)
	}
}

func TestFailures(t *testing.T) {
	srv, b, u := setup(t)
	srv.Fail(telegramtest.Failure{Method: "sendMessage", Code: 429, RetryAfter: 7, Times: 1})
	_, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "x"})
	var tooMany *tg.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Fatalf("429: %v", err)
	}
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "x"}); err != nil {
		t.Fatalf("Times did not count down: %v", err)
	}
	srv.Fail(telegramtest.Failure{Code: 400, MigrateToChatID: -1001234, Times: 1})
	_, err = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "x"})
	var migrate *tg.MigrateError
	if !errors.As(err, &migrate) || migrate.MigrateToChatID != -1001234 {
		t.Fatalf("migrate: %v", err)
	}
	srv.Fail(telegramtest.Failure{Method: "sendMessage", Code: 500})
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "x"}); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("500: %v", err)
	}
	srv.ClearFailures()
	srv.Block(u.ID)
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "x"}); !errors.Is(err, tg.ErrorForbidden) {
		t.Fatalf("blocked: %v", err)
	}
	srv.Unblock(u.ID)
	if _, err := b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.ID, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	var failed int
	for _, c := range srv.CallsTo("sendMessage") {
		if c.ErrorCode != 0 {
			failed++
		}
	}
	if failed != 4 {
		t.Fatalf("%d failed calls recorded, want 4", failed)
	}
}

func TestFilesAndMedia(t *testing.T) {
	srv, b, u := setup(t)
	_, msg := srv.Send(telegramtest.MessageOpts{From: u, Photo: true, Caption: "/baocao 1 50%"})
	if len(msg.Photo) != 3 || msg.Caption != "/baocao 1 50%" || len(msg.CaptionEntities) != 1 {
		t.Fatalf("photo message: %+v", msg)
	}
	_, doc := srv.Send(telegramtest.MessageOpts{From: u, Document: &telegramtest.DocumentOpts{FileName: "bien-ban.pdf", MimeType: "application/pdf", Content: []byte("%PDF")}})
	f, err := b.GetFile(ctx, &tg.GetFileParams{FileID: doc.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(data) != "%PDF" {
		t.Fatalf("download: %q", data)
	}
	if _, err := b.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: u.ID, Photo: &models.InputFileString{Data: msg.Photo[2].FileID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: u.ID, Photo: &models.InputFileUpload{Filename: "a.jpg", Data: strings.NewReader("JPEG")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: u.ID, Photo: &models.InputFileString{Data: "nope"}}); err == nil {
		t.Fatal("an unknown file id was accepted")
	}
	msgs, err := b.SendMediaGroup(ctx, &tg.SendMediaGroupParams{ChatID: u.ID, Media: []models.InputMedia{
		&models.InputMediaPhoto{Media: msg.Photo[2].FileID}, &models.InputMediaPhoto{Media: msg.Photo[1].FileID}}})
	if err != nil || len(msgs) != 2 || msgs[0].MediaGroupID == "" {
		t.Fatalf("album: %v %v", msgs, err)
	}
	if _, err := b.SendMediaGroup(ctx, &tg.SendMediaGroupParams{ChatID: u.ID, Media: []models.InputMedia{
		&models.InputMediaPhoto{Media: msg.Photo[2].FileID}, &models.InputMediaDocument{Media: doc.Document.FileID}}}); err == nil {
		t.Fatal("photos and documents were mixed")
	}
	if got := srv.CallsTo("sendPhoto"); len(got) != 3 || got[1].Files["photo"].FileName != "a.jpg" {
		t.Fatalf("calls: %+v", got)
	}
}

func TestCommands(t *testing.T) {
	srv, b, _ := setup(t)
	_, err := b.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "nhiemvu", Description: "Danh sách nhiệm vụ"}},
		Scope: &models.BotCommandScopeAllPrivateChats{}, LanguageCode: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands("all_private_chats", "vi"); len(got) != 1 || got[0].Command != "nhiemvu" {
		t.Fatalf("commands: %v", got)
	}
	if _, err := b.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Báo-cáo", Description: "x"}}}); err == nil {
		t.Fatal("an invalid command name was accepted")
	}
}
