package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

func TestUpdateIDsOffsetAndPending(t *testing.T) {
	f := setup(t)
	var ids []int64
	for _, text := range []string{"một", "hai", "ba"} {
		ids = append(ids, f.srv.SendText(f.lan, text))
	}
	if !reflect.DeepEqual(ids, []int64{1, 2, 3}) {
		t.Fatalf("update ids %v, want 1 2 3", ids)
	}
	if n := f.srv.PendingUpdates(); n != 3 {
		t.Fatalf("pending %d", n)
	}
	if got := updateIDs(poll(t, f.srv, map[string]any{"limit": 2})); !reflect.DeepEqual(got, []int64{1, 2}) {
		t.Fatalf("limit 2: %v", got)
	}
	if got := updateIDs(poll(t, f.srv, nil)); !reflect.DeepEqual(got, []int64{1, 2, 3}) {
		t.Fatalf("without an offset nothing is acknowledged: %v", got)
	}
	if got := updateIDs(poll(t, f.srv, map[string]any{"offset": 3})); !reflect.DeepEqual(got, []int64{3}) {
		t.Fatalf("offset 3: %v", got)
	}
	if n := f.srv.PendingUpdates(); n != 1 {
		t.Fatalf("offset 3 acknowledged 1 and 2: pending %d, want 1", n)
	}
	if got := poll(t, f.srv, map[string]any{"offset": 4}); len(got) != 0 || f.srv.PendingUpdates() != 0 {
		t.Fatalf("offset 4: %v, pending %d", updateIDs(got), f.srv.PendingUpdates())
	}
	if got := poll(t, f.srv, map[string]any{"offset": 1}); len(got) != 0 {
		t.Fatalf("acknowledged updates came back: %v", updateIDs(got))
	}
	if id := f.srv.SendText(f.lan, "bốn"); id != 4 {
		t.Fatalf("next id %d", id)
	}
	if calls := f.srv.CallsTo("getUpdates"); len(calls) != 5 {
		t.Fatalf("%d getUpdates recorded", len(calls))
	}
}

func TestNegativeOffset(t *testing.T) {
	f := setup(t)
	for i := 0; i < 5; i++ {
		f.srv.SendText(f.lan, "x")
	}
	if got := updateIDs(poll(t, f.srv, map[string]any{"offset": -2})); !reflect.DeepEqual(got, []int64{4, 5}) {
		t.Fatalf("offset -2: %v", got)
	}
	if f.srv.PendingUpdates() != 2 {
		t.Fatalf("the older updates were not forgotten: %d pending", f.srv.PendingUpdates())
	}
}

func TestMessagesAsDelivered(t *testing.T) {
	f := setup(t)
	g := f.srv.NewGroup("Hiệu trưởng xã An Phú")
	minh := f.srv.NewUser("Trần Văn", "Minh")
	if g.ID >= 0 || g.Type != models.ChatTypeGroup || minh.ID != f.lan.ID+1 || f.lan.ID != 1000001 || f.lan.LanguageCode != "vi" {
		t.Fatalf("group %+v, users %+v %+v", g, f.lan, minh)
	}
	_, m1 := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Text: "/start"})
	sent, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "Chào"))
	if err != nil {
		t.Fatal(err)
	}
	_, m3 := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Text: "trả lời", ReplyTo: sent})
	_, g1 := f.srv.Send(telegramtest.MessageOpts{From: minh, Chat: &g, Text: "/nhiemvu@nhacviec_test_bot"})
	if m1.ID != 1 || sent.ID != 2 || m3.ID != 3 || g1.ID != 1 {
		t.Fatalf("message ids %d %d %d, group %d: per chat, shared by users and the bot", m1.ID, sent.ID, m3.ID, g1.ID)
	}
	ups := poll(t, f.srv, nil)
	if len(ups) != 3 {
		t.Fatalf("%d updates", len(ups))
	}
	got := ups[1].Message
	if got.Chat.ID != f.lan.ID || got.Chat.Type != models.ChatTypePrivate || got.Chat.FirstName != "Nguyễn Thị" ||
		got.From == nil || got.From.ID != f.lan.ID || got.Date != int(t0.Unix()) {
		t.Fatalf("private message: %+v", got)
	}
	if r := got.ReplyToMessage; r == nil || r.ID != sent.ID || r.From == nil || r.From.ID != f.srv.BotUser().ID || r.Text != "Chào" {
		t.Fatalf("reply_to_message: %+v", r)
	}
	if gm := ups[2].Message; gm.Chat.ID != g.ID || gm.From.ID != minh.ID || len(gm.Entities) != 1 || gm.Entities[0].Length != 26 {
		t.Fatalf("group message: %+v", gm)
	}
}

// bot_command entities carry UTF-16 offsets and lengths, as Telegram computes them.
func TestCommandEntitiesDelivered(t *testing.T) {
	f := setup(t)
	f.srv.SendText(f.lan, "Chào 👋 /baocao@nhacviec_test_bot 3 80%")
	f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true, Caption: "Ảnh 📷 /baocao 1 50%"})
	f.srv.SendText(f.lan, "không có lệnh: a/b, /báo")
	ups := poll(t, f.srv, nil)
	want := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 8, Length: 25}}
	if got := ups[0].Message.Entities; !reflect.DeepEqual(got, want) {
		t.Fatalf("entities %+v, want %+v", got, want)
	}
	want = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 7, Length: 7}}
	if got := ups[1].Message.CaptionEntities; !reflect.DeepEqual(got, want) || ups[1].Message.Text != "" {
		t.Fatalf("caption entities %+v, want %+v", got, want)
	}
	if got := ups[2].Message.Entities; len(got) != 0 {
		t.Fatalf("entities where there is no command: %+v", got)
	}
	// The offsets select the command when the text is read as UTF-16.
	units := utf16.Encode([]rune(ups[0].Message.Text))
	if got := string(utf16.Decode(units[8 : 8+25])); got != "/baocao@nhacviec_test_bot" {
		t.Fatalf("the entity covers %q", got)
	}
}

func TestEditText(t *testing.T) {
	f := setup(t)
	_, msg := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Text: "/baocao 2 50%"})
	f.srv.EditText(f.lan, msg, "Sửa: /baocao 2 90%")
	ups := poll(t, f.srv, nil)
	e := ups[1].EditedMessage
	if ups[1].Message != nil || e == nil || e.ID != msg.ID || e.Text != "Sửa: /baocao 2 90%" || e.Date != msg.Date ||
		e.EditDate != int(t0.Unix()) || len(e.Entities) != 1 || e.Entities[0].Offset != 5 {
		t.Fatalf("edited_message: %+v", ups[1])
	}
	// A photo's caption is what changes.
	_, photo := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true, Caption: "cũ"})
	f.srv.EditText(f.lan, photo, "mới")
	ups = poll(t, f.srv, map[string]any{"offset": ups[1].ID + 1})
	if e := ups[1].EditedMessage; e.Caption != "mới" || e.Text != "" || len(e.Photo) != 3 {
		t.Fatalf("edited photo: %+v", e)
	}
}

func TestPressDeliversTheCurrentMessage(t *testing.T) {
	f := setup(t)
	sent, err := f.b.SendMessage(f.ctx, sendKB(f.lan.ID, "<b>Trang 1</b>", keyboard(row(cbButton{"▶", "p:2"}))))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := f.srv.LastSent(f.lan.ID)
	if _, err := f.b.EditMessageText(f.ctx, editText(f.lan.ID, sent.ID, "<b>Trang 2</b>", keyboard(row(cbButton{"◀", "p:1"})))); err != nil {
		t.Fatal(err)
	}
	id := f.srv.Press(f.lan, m.Message(), "p:2") // m is the first version
	a := callJSON(t, f.srv, "getUpdates", map[string]any{})
	// The raw JSON carries the message as a message, not Go's rendering of the union type.
	if bytes.Contains(a.Result, []byte(`"Type"`)) || !bytes.Contains(a.Result, []byte(`"message":{"message_id":1,`)) {
		t.Fatalf("callback_query JSON: %s", a.Result)
	}
	var ups []models.Update
	if err := json.Unmarshal(a.Result, &ups); err != nil {
		t.Fatal(err)
	}
	cq := ups[0].CallbackQuery
	if ups[0].ID != id || cq == nil || cq.Data != "p:2" || cq.From.ID != f.lan.ID || cq.ID == "" || cq.ChatInstance == "" {
		t.Fatalf("callback_query: %+v", ups[0])
	}
	if cq.Message.Type != models.MaybeInaccessibleMessageTypeMessage || cq.Message.Message == nil {
		t.Fatalf("message: %+v", cq.Message)
	}
	msg := cq.Message.Message
	if msg.Text != "Trang 2" || msg.From.ID != f.srv.BotUser().ID || msg.EditDate == 0 ||
		msg.ReplyMarkup == nil || msg.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "p:1" ||
		len(msg.Entities) != 1 || msg.Entities[0].Type != models.MessageEntityTypeBold {
		t.Fatalf("the pressed message is not the current one: %+v", msg)
	}
	if un := f.srv.UnansweredCallbacks(); !reflect.DeepEqual(un, []string{cq.ID}) {
		t.Fatalf("unanswered %v", un)
	}
	// Two presses on one chat share chat_instance but not their id.
	f.srv.Press(f.lan, m.Message(), "p:2")
	ups = poll(t, f.srv, map[string]any{"offset": id + 1})
	if c2 := ups[0].CallbackQuery; c2.ID == cq.ID || c2.ChatInstance != cq.ChatInstance {
		t.Fatalf("second press %+v", c2)
	}
}

func TestQueueUpdateAndRaw(t *testing.T) {
	f := setup(t)
	hoa := models.User{ID: 555, FirstName: "Hoa"}
	id := f.srv.QueueUpdate(models.Update{MyChatMember: &models.ChatMemberUpdated{
		Chat: models.Chat{ID: hoa.ID, Type: models.ChatTypePrivate}, From: hoa, Date: int(t0.Unix()),
		NewChatMember: models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: &hoa}},
		OldChatMember: models.ChatMember{Type: models.ChatMemberTypeBanned, Banned: &models.ChatMemberBanned{User: &hoa}},
	}})
	if id != 1 {
		t.Fatalf("id %d", id)
	}
	if id := f.srv.QueueUpdate(models.Update{ID: 40, Message: &models.Message{ID: 7, Chat: models.Chat{ID: hoa.ID, Type: "private"}, From: &hoa, Text: "x"}}); id != 40 {
		t.Fatalf("explicit id %d", id)
	}
	cbID := f.srv.QueueUpdate(models.Update{CallbackQuery: &models.CallbackQuery{From: hoa, Data: "x",
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: models.Chat{ID: hoa.ID}, MessageID: 3}}}})
	if cbID != 41 {
		t.Fatalf("the id after an explicit one: %d", cbID)
	}
	raw := []byte(`{"update_id":90,"message":{"message_id":8,"date":1,"chat":{"id":555,"type":"private"},"text":"thô"}}`)
	if id := f.srv.QueueRaw(raw); id != 90 {
		t.Fatalf("raw id %d", id)
	}
	if id := f.srv.QueueRaw([]byte(`{"message":{"message_id":9,"date":1,"chat":{"id":555,"type":"private"},"text":"không id"}}`)); id != 91 {
		t.Fatalf("raw without id: %d", id)
	}
	if id := f.srv.QueueRaw([]byte(`not json`)); id != 0 || f.srv.PendingUpdates() != 5 {
		t.Fatalf("bad raw: %d, pending %d", id, f.srv.PendingUpdates())
	}
	a := callJSON(t, f.srv, "getUpdates", map[string]any{"allowed_updates": []string{"message", "my_chat_member", "callback_query"}})
	if !bytes.Contains(a.Result, raw) {
		t.Fatalf("raw update not delivered byte for byte: %s", a.Result)
	}
	var ups []models.Update
	if err := json.Unmarshal(a.Result, &ups); err != nil {
		t.Fatal(err)
	}
	if got := updateIDs(ups); !reflect.DeepEqual(got, []int64{1, 40, 41, 90, 91}) {
		t.Fatalf("ids %v", got)
	}
	if ups[0].MyChatMember == nil || ups[2].CallbackQuery == nil || ups[2].CallbackQuery.ID == "" ||
		ups[2].CallbackQuery.Message.Type != models.MaybeInaccessibleMessageTypeInaccessibleMessage || ups[4].Message.Text != "không id" {
		t.Fatalf("updates: %+v", ups)
	}
	// The users an update shows can be written to, and the callback query can be answered.
	if _, err := f.b.SendMessage(f.ctx, sendText(hoa.ID, "Chào Hoa")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.AnswerCallbackQuery(f.ctx, answer(ups[2].CallbackQuery.ID, "")); err != nil {
		t.Fatal(err)
	}
}

func TestLongPollReturnsWhenAnUpdateIsQueued(t *testing.T) {
	f := setup(t)
	done := make(chan []models.Update, 1)
	go func() {
		ups, err := tryPoll(f.ctx, f.srv, map[string]any{"timeout": 50})
		if err != nil {
			t.Error(err)
		}
		done <- ups
	}()
	if err := f.srv.WaitPolling(f.ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case ups := <-done:
		t.Fatalf("the long poll returned before an update was queued: %v", ups)
	default:
	}
	id := f.srv.SendText(f.lan, "/start")
	select {
	case ups := <-done:
		if !reflect.DeepEqual(updateIDs(ups), []int64{id}) {
			t.Fatalf("long poll: %v", updateIDs(ups))
		}
	case <-f.ctx.Done():
		t.Fatal("the long poll did not return")
	}
}

func TestLongPollEnds(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		f := setup(t)
		if ups := poll(t, f.srv, map[string]any{"timeout": 1}); len(ups) != 0 {
			t.Fatalf("%v", ups)
		}
	})
	t.Run("request cancelled", func(t *testing.T) {
		f := setup(t)
		ctx, cancel := context.WithCancel(f.ctx)
		errc := make(chan error, 1)
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.srv.URL()+"/bot"+f.srv.Token()+"/getUpdates",
				strings.NewReader(`{"timeout":50}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		if err := f.srv.WaitPolling(f.ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("client: %v", err)
		}
		// The server lets go of the poll.
		if err := f.srv.WaitCalls(f.ctx, "getUpdates", 1); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("server closed", func(t *testing.T) {
		f := setup(t)
		done := make(chan struct{})
		go func() {
			defer close(done)
			body := strings.NewReader(`{"timeout":50}`)
			resp, err := http.Post(f.srv.URL()+"/bot"+f.srv.Token()+"/getUpdates", "application/json", body)
			if err == nil {
				resp.Body.Close()
			}
		}()
		if err := f.srv.WaitPolling(f.ctx); err != nil {
			t.Fatal(err)
		}
		f.srv.Close()
		select {
		case <-done:
		case <-f.ctx.Done():
			t.Fatal("Close did not end the long poll")
		}
		if err := f.srv.WaitPolling(f.ctx); !errors.Is(err, telegramtest.ErrClosed) {
			t.Fatalf("WaitPolling after Close: %v", err)
		}
	})
}

func TestSecondPollerConflicts(t *testing.T) {
	f := setup(t)
	first := make(chan apiAnswer, 1)
	longPoll := func(params map[string]any) {
		a, err := tryCall(f.ctx, f.srv, "getUpdates", params)
		if err != nil {
			t.Error(err)
		}
		first <- a
	}
	go longPoll(map[string]any{"timeout": 50})
	if err := f.srv.WaitPolling(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.srv.SendText(f.lan, "x") // queued while the first poll is waiting: it goes to the first
	a := <-first
	if !a.OK {
		t.Fatalf("first poll: %+v", a)
	}
	go longPoll(map[string]any{"offset": 2, "timeout": 50})
	if err := f.srv.WaitPolling(f.ctx); err != nil {
		t.Fatal(err)
	}
	second := callJSON(t, f.srv, "getUpdates", map[string]any{"offset": 2, "timeout": 0})
	if !second.OK {
		t.Fatalf("the newer poll failed: %+v", second)
	}
	a = <-first
	want := "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	if a.Status != 409 || a.ErrorCode != 409 || a.Description != want {
		t.Fatalf("older poll: %+v", a)
	}
	var failed int
	for _, c := range f.srv.CallsTo("getUpdates") {
		if c.ErrorCode == 409 {
			failed++
		}
	}
	if failed != 1 {
		t.Fatalf("%d conflicts recorded", failed)
	}
}

func TestRedeliver(t *testing.T) {
	f := setup(t)
	id1 := f.srv.SendText(f.lan, "/baocao 1 80%")
	id2 := f.srv.SendText(f.lan, "/nhiemvu")
	poll(t, f.srv, nil)
	poll(t, f.srv, map[string]any{"offset": id2 + 1}) // both acknowledged
	f.srv.Redeliver(id1)
	if f.srv.PendingUpdates() != 1 {
		t.Fatalf("pending %d", f.srv.PendingUpdates())
	}
	ups := poll(t, f.srv, map[string]any{"offset": id2 + 1})
	if len(ups) != 1 || ups[0].ID != id1 || ups[0].Message.Text != "/baocao 1 80%" {
		t.Fatalf("redelivered: %+v", ups)
	}
	if ups := poll(t, f.srv, map[string]any{"offset": id2 + 1}); len(ups) != 0 || f.srv.PendingUpdates() != 0 {
		t.Fatalf("delivered again once only: %v", updateIDs(ups))
	}
	// An update still queued is not doubled.
	id3 := f.srv.SendText(f.lan, "ba")
	f.srv.Redeliver(id3)
	if ups := poll(t, f.srv, nil); !reflect.DeepEqual(updateIDs(ups), []int64{id3}) {
		t.Fatalf("queued and redelivered: %v", updateIDs(ups))
	}
	f.srv.Redeliver(999) // unknown: ignored
	if f.srv.PendingUpdates() != 1 {
		t.Fatalf("pending %d", f.srv.PendingUpdates())
	}
}

func TestAllowedUpdates(t *testing.T) {
	f := setup(t)
	msgID := f.srv.SendText(f.lan, "x")
	sent, _ := f.b.SendMessage(f.ctx, sendKB(f.lan.ID, "y", keyboard(row(cbButton{"a", "a"}))))
	cbID := f.srv.Press(f.lan, *sent, "a")
	reaction := f.srv.QueueRaw([]byte(`{"message_reaction":{"chat":{"id":1000001,"type":"private"},"message_id":1,"date":1,"old_reaction":[],"new_reaction":[]}}`))
	ups := poll(t, f.srv, map[string]any{"allowed_updates": []string{"callback_query"}})
	if !reflect.DeepEqual(updateIDs(ups), []int64{cbID}) {
		t.Fatalf("only callback queries: %v", updateIDs(ups))
	}
	// Updates of other kinds were never kept, and the setting lasts until changed.
	f.srv.SendText(f.lan, "z")
	if ups := poll(t, f.srv, nil); !reflect.DeepEqual(updateIDs(ups), []int64{cbID}) {
		t.Fatalf("the setting did not last: %v", updateIDs(ups))
	}
	last := f.srv.SendText(f.lan, "w")
	f.srv.QueueRaw([]byte(`{"message_reaction":{"chat":{"id":1000001,"type":"private"},"message_id":1,"date":1,"old_reaction":[],"new_reaction":[]}}`))
	// An empty list is Telegram's default: everything but chat_member and reactions.
	if ups := poll(t, f.srv, map[string]any{"allowed_updates": []string{}}); !reflect.DeepEqual(updateIDs(ups), []int64{cbID, last}) {
		t.Fatalf("default kinds: %v", updateIDs(ups))
	}
	if msgID != 1 || reaction != 3 {
		t.Fatalf("ids %d %d", msgID, reaction)
	}
}

func TestWebhook(t *testing.T) {
	f := setup(t)
	f.srv.SendText(f.lan, "x")
	if _, err := f.b.SetWebhook(f.ctx, setWebhook("http://example.com/hook", "")); err == nil {
		t.Fatal("a webhook without HTTPS was accepted")
	}
	if _, err := f.b.SetWebhook(f.ctx, setWebhook("https://example.com/hook", "s3cret")); err != nil {
		t.Fatal(err)
	}
	if u, secret := f.srv.Webhook(); u != "https://example.com/hook" || secret != "s3cret" {
		t.Fatalf("webhook %q %q", u, secret)
	}
	info, err := f.b.GetWebhookInfo(f.ctx)
	if err != nil || info.URL != "https://example.com/hook" || info.PendingUpdateCount != 1 {
		t.Fatalf("info %+v %v", info, err)
	}
	a := callJSON(t, f.srv, "getUpdates", map[string]any{})
	want := "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
	if a.Status != 409 || a.Description != want {
		t.Fatalf("getUpdates with a webhook: %+v", a)
	}
	if _, err := f.b.DeleteWebhook(f.ctx, deleteWebhook(true)); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.srv.Webhook(); u != "" || f.srv.PendingUpdates() != 0 {
		t.Fatalf("after deleteWebhook(drop): %q, %d pending", u, f.srv.PendingUpdates())
	}
	if ups := poll(t, f.srv, nil); len(ups) != 0 {
		t.Fatalf("dropped updates delivered: %v", ups)
	}
}
