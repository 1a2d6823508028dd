package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

// One person's flood is answered at the chat's pace and told once; someone else is answered
// meanwhile; nothing the flood held is lost or answered twice.
func TestAFloodIsSlowedNotLost(t *testing.T) {
	h := newHarness(t)
	lan, binh := h.user("Lan", "Nguyễn"), h.user("Bình", "Trần")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(binh, "TH_B", storage.RoleHead)
	// Three at once, then one a minute; two held in memory, the rest read back from the database.
	h.bot = h.newBotWith(ChatLimit{Burst: 3, Every: time.Minute, Queued: 2})
	h.srv.Reset()
	before := len(h.srv.Sent(lan.ID))
	for i := 0; i < 6; i++ {
		h.srv.SendText(lan, "/trogiup")
	}
	h.srv.SendText(binh, "/trogiup")

	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	for h.srv.PendingUpdates() > 0 {
		if _, err := h.bot.PollOnce(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	// Lan's three answers, the notice, and Bình's answer.
	if err := h.srv.WaitCalls(ctx, "sendMessage", 5); err != nil {
		t.Fatal(err)
	}
	if err := waitParked(ctx, h.bot.disp); err != nil {
		t.Fatal(err)
	}
	if got := helps(h.srv.Sent(binh.ID)); got != 2 { // the welcome's help, and this one
		t.Fatalf("Bình was held up by Lan's flood: %d help messages", got)
	}
	sent := h.srv.Sent(lan.ID)[before:]
	if helps(sent) != 3 || notices(sent) != 1 {
		t.Fatalf("before the wait: %d answers, %d notices: %v", helps(sent), notices(sent), sent)
	}
	if !strings.Contains(sent[3].PlainText(), "không cần gửi lại") {
		t.Fatalf("the notice came at the wrong place: %v", sent[3].PlainText())
	}

	h.clock.Advance(10 * time.Minute)
	h.bot.disp.wake()
	if err := h.bot.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	sent = h.srv.Sent(lan.ID)[before:]
	if helps(sent) != 6 || notices(sent) != 1 {
		t.Fatalf("after the wait: %d answers, %d notices", helps(sent), notices(sent))
	}
	if pend, err := h.st.PendingUpdates(h.ctx, storage.PendingFilter{Limit: 10}); err != nil || len(pend) != 0 {
		t.Fatalf("left unhandled: %v %v", pend, err)
	}
}

// A report takes ten files; the eleventh of an album is refused with a message, and the ten are
// kept.
func TestEleventhFileIsRefused(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Kiểm tra nội bộ", "2026-12-20", "TH_A")
	var outs []telegramtest.SentMessage
	for i := range maxEvidence + 1 {
		caption := ""
		if i == 0 {
			caption = "/baocao 1 100% Đã kiểm tra xong"
		}
		outs = append(outs, h.send(telegramtest.MessageOpts{From: lan, Photo: true, Caption: caption, MediaGroupID: "g11"})...)
	}
	refused := 0
	for _, m := range outs {
		if strings.Contains(m.PlainText(), "tối đa 10 tệp minh chứng") {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("refusals: %d in %v", refused, outs)
	}
	rs := h.reports(as[0].ID)
	if len(rs) != 1 || len(rs[0].Evidence) != maxEvidence {
		t.Fatalf("reports: %+v", rs)
	}
}

func waitParked(ctx context.Context, d *dispatcher) error {
	stop := context.AfterFunc(ctx, func() { d.mu.Lock(); d.cond.Broadcast(); d.mu.Unlock() })
	defer stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	busy := func() bool {
		for _, c := range d.chats {
			if c.running {
				return true
			}
		}
		return false
	}
	for len(d.parked) == 0 || len(d.ready) > 0 || busy() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d.cond.Wait()
	}
	return nil
}

func helps(ms []telegramtest.SentMessage) int {
	n := 0
	for _, m := range ms {
		if strings.Contains(m.PlainText(), "/baocao") && strings.Contains(m.PlainText(), "/nhiemvu") {
			n++
		}
	}
	return n
}

func notices(ms []telegramtest.SentMessage) int {
	n := 0
	for _, m := range ms {
		if strings.Contains(m.PlainText(), "gửi nhiều tin liên tiếp") {
			n++
		}
	}
	return n
}
