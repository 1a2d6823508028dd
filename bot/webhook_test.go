package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// An update the webhook receives before the start's catch-up is done waits for it, and is
// handled after the older updates of its chat, not before them.
func TestWebhookWaitsForTheCatchUp(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A")
	message := func(id int64, text string) []byte {
		m := models.Message{ID: int(id), From: &lan, Chat: models.Chat{ID: lan.ID, Type: models.ChatTypePrivate}, Text: text, Date: int(h.clock.Now().Unix())}
		if strings.HasPrefix(text, "/") {
			m.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: len(text)}}
		}
		raw, err := json.Marshal(models.Update{ID: id, Message: &m})
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	// Stored before the stop, never handled.
	if _, err := h.st.SaveUpdates(h.ctx, []storage.InboundUpdate{{UpdateID: 900001, ChatID: lan.ID, Payload: string(message(900001, "/trogiup"))}}); err != nil {
		t.Fatal(err)
	}
	b := h.newBot()
	before := len(h.srv.Sent(lan.ID))
	req := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(string(message(900002, "/nhiemvu"))))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "bí-mật")
	rec := httptest.NewRecorder()
	b.WebhookHandler("bí-mật").ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("webhook: %d %s", rec.Code, rec.Body)
	}
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	if err := b.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(h.srv.Sent(lan.ID)) - before; n != 0 {
		t.Fatalf("%d answers before the catch-up", n)
	}
	if err := b.HandlePending(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	sent := h.srv.Sent(lan.ID)[before:]
	if len(sent) != 2 || !strings.Contains(sent[0].PlainText(), "Hướng dẫn") || !strings.Contains(sent[1].PlainText(), "Kiểm tra nội bộ") {
		var texts []string
		for _, m := range sent {
			texts = append(texts, m.PlainText())
		}
		t.Fatalf("answers: %q", texts)
	}
}
