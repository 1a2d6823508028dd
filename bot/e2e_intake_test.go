package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

// Telegram sometimes delivers an update twice: it is handled once.
func TestUpdateDeliveredAgainIsHandledOnce(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	id := h.srv.SendText(lan, "/baocao 1 80% Đã tập huấn")
	h.step()
	sent := len(h.srv.Sent(lan.ID))
	h.srv.Redeliver(id)
	h.step()
	h.srv.Redeliver(id)
	h.bot = h.newBot() // a restart with offset 0 sees it again, too
	h.step()
	if n := len(h.reports(as[0].ID)); n != 1 {
		t.Fatalf("%d reports, want 1", n)
	}
	if n := len(h.srv.Sent(lan.ID)); n != sent {
		t.Fatalf("%d more messages were sent", n-sent)
	}
}

// The process dies after storing an update and before handling it: the next start handles it,
// exactly once.
func TestStoredButUnhandledUpdateIsHandledAfterRestart(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")

	// What the dying process managed: fetch and store the update (which the next poll acknowledged).
	h.srv.SendText(lan, "/baocao 1 80% Đã tập huấn trước khi máy chủ khởi động lại")
	raws, err := h.bot.api.getUpdates(h.ctx, 0, 0)
	if err != nil || len(raws) != 1 {
		t.Fatalf("getUpdates: %v %v", raws, err)
	}
	if _, err := h.st.SaveUpdates(h.ctx, []storage.InboundUpdate{{UpdateID: raws[0].ID, ChatID: raws[0].ChatID, Payload: string(raws[0].Payload)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.bot.api.getUpdates(h.ctx, raws[0].ID+1, 0); err != nil {
		t.Fatal(err)
	}
	if h.srv.PendingUpdates() != 0 {
		t.Fatal("the update should be acknowledged")
	}
	before := len(h.srv.Sent(lan.ID))

	for i := 0; i < 2; i++ { // two restarts: the second finds nothing to do
		h.bot = h.newBot()
		if err := h.bot.HandlePending(h.ctx); err != nil {
			t.Fatal(err)
		}
		if err := h.bot.WaitIdle(h.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(h.reports(as[0].ID)); n != 1 {
		t.Fatalf("%d reports, want 1", n)
	}
	out := h.srv.Sent(lan.ID)[before:]
	contains(t, one(t, out), "Đã ghi nhận báo cáo", "trước khi máy chủ khởi động lại")
	if pend, _ := h.st.PendingUpdates(h.ctx, storage.PendingFilter{Limit: 10}); len(pend) != 0 {
		t.Fatalf("still pending: %v", pend)
	}
}

// A handler that panics changes nothing, is logged with the update id, and the user gets an
// apology; the bot goes on.
func TestPanicIsRecovered(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	route := h.bot.handler
	h.bot.handler = func(t *turn) error {
		if t.upd.Message != nil && strings.Contains(t.upd.Message.Text, "nổ") {
			if err := route(t); err != nil { // the report is written, then the handler dies
				return err
			}
			panic("handler exploded")
		}
		return route(t)
	}
	id := h.srv.SendText(lan, "/baocao 1 80% nổ")
	h.step()
	contains(t, one(t, h.srv.Sent(lan.ID)[len(h.srv.Sent(lan.ID))-1:]), "hệ thống gặp sự cố")
	if n := len(h.reports(as[0].ID)); n != 0 {
		t.Fatalf("a panicking handler left %d reports", n)
	}
	if !strings.Contains(h.logs.String(), "handler exploded") || !strings.Contains(h.logs.String(), "update_id="+itoa(id)) {
		t.Fatalf("the panic is not logged with the update id:\n%s", h.logs.String())
	}
	u, _ := h.st.UpdateByID(h.ctx, id)
	if u.HandledAt == nil || !strings.Contains(u.Error, "handler exploded") {
		t.Fatalf("stored update: %+v", u)
	}
	// A button press that panics gets the apology as its answer.
	view := one(t, h.say(lan, "/nhiemvu 1"))
	h.bot.handler = func(t *turn) error {
		if t.upd.CallbackQuery != nil {
			panic("button exploded")
		}
		return route(t)
	}
	ans, _ := h.press(lan, view, "Lịch sử")
	if !ans.ShowAlert || !strings.Contains(ans.Text, "hệ thống gặp sự cố") {
		t.Fatalf("answer %+v", ans)
	}
	h.bot.handler = route
	contains(t, one(t, h.say(lan, "/baocao 1 80% Bình thường")), "Đã ghi nhận báo cáo")
}

// The real loop: long polling, the menu registered (its failure is only logged), updates handled,
// and a clean stop that leaves nothing half done.
func TestRunLongPolling(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	h.srv.Fail(telegramtest.Failure{Method: "setMyCommands", Code: 500, Times: 1})
	b := h.newBot()
	h.bot.Close(time.Second)
	ctx, cancel := context.WithCancel(h.ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, 5*time.Second) }()

	wait, stop := context.WithTimeout(h.ctx, 20*time.Second)
	defer stop()
	before := len(h.srv.CallsTo("sendMessage"))
	h.srv.SendText(lan, "/nhiemvu")
	if err := h.srv.WaitCalls(wait, "sendMessage", before+1); err != nil {
		t.Fatalf("no reply through long polling: %v", err)
	}
	contains(t, h.last(lan), "Tập huấn chuyển đổi số")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-wait.Done():
		t.Fatal("Run did not stop")
	}
	if !strings.Contains(h.logs.String(), "cannot register the command menu") {
		t.Fatal("the menu failure is not logged")
	}
	if len(h.srv.Commands("all_private_chats", "en")) == 0 {
		t.Fatal("the other languages' menus were not registered")
	}
}

// A reply that cannot be delivered (the member blocked the bot) is logged; the report stays.
func TestBlockedMemberStillReports(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	h.srv.Block(lan.ID)
	h.srv.SendText(lan, "/baocao 1 50% Đã làm một nửa")
	h.step()
	if len(h.reports(as[0].ID)) != 1 {
		t.Fatal("the report was lost")
	}
	if !strings.Contains(h.logs.String(), "cannot send a reply") {
		t.Fatal("the failed reply is not logged")
	}
	h.srv.Unblock(lan.ID)
	// 429 on a reply: waited out and sent once.
	h.srv.Fail(telegramtest.Failure{Method: "sendMessage", Code: 429, RetryAfter: 1, Times: 1})
	before := len(h.srv.Sent(lan.ID))
	h.srv.SendText(lan, "/baocao 1 60% Tiếp tục")
	h.step()
	if got := len(h.srv.Sent(lan.ID)) - before; got != 1 {
		t.Fatalf("%d replies after a 429, want 1", got)
	}
}

// An unreadable stored update is marked failed and does not block the rest.
func TestUnreadableStoredUpdate(t *testing.T) {
	h := newHarness(t)
	if _, err := h.st.SaveUpdates(h.ctx, []storage.InboundUpdate{{UpdateID: 999999, Payload: "{not json"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.bot.HandlePending(h.ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.bot.WaitIdle(h.ctx); err != nil {
		t.Fatal(err)
	}
	u, err := h.st.UpdateByID(h.ctx, 999999)
	if err != nil || u.HandledAt == nil || !strings.HasPrefix(u.Error, "unreadable") {
		t.Fatalf("%+v %v", u, err)
	}
}

func TestChatOfEveryUpdateKind(t *testing.T) {
	for raw, want := range map[string]int64{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"}}}`:                              42,
		`{"update_id":1,"edited_message":{"message_id":1,"date":1,"chat":{"id":-5,"type":"group"}}}`:                         -5,
		`{"update_id":1,"callback_query":{"id":"c","from":{"id":7},"message":{"message_id":3,"date":0,"chat":{"id":-100}}}}`: -100,
		`{"update_id":1,"callback_query":{"id":"c","from":{"id":7},"inline_message_id":"x"}}`:                                7,
		`{"update_id":1,"my_chat_member":{"chat":{"id":-9},"from":{"id":7},"date":1}}`:                                       -9,
		`{"update_id":1,"poll":{"id":"p"}}`: 0,
	} {
		var h updateHead
		if err := json.Unmarshal([]byte(raw), &h); err != nil || h.ID != 1 {
			t.Fatalf("%s: %v", raw, err)
		}
		if got := h.chat(); got != want {
			t.Errorf("%s: chat %d, want %d", raw, got, want)
		}
	}
}
