package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"time"

	tg "github.com/go-telegram/bot"

	"nhacviec/storage"
)

// Webhook mode: Telegram posts each update to the bot's address instead of the bot asking for
// them, so several instances behind one address share the work. An update is stored before
// Telegram is answered 200; one Telegram sends again is stored already and not handled twice.

// maxWebhookBody bounds an update's size: Telegram's are a few kilobytes.
const maxWebhookBody = 1 << 20

// WebhookHandler receives updates from Telegram. A request without the secret token Telegram
// was given (compared in constant time) gets 401 and is not stored; an update that cannot be
// stored gets 500, so Telegram sends it again.
func (b *Bot) WebhookHandler(secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			b.log.Warn("a webhook call without the right secret was refused", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
		if err != nil || len(raw) > maxWebhookBody {
			http.Error(w, "unreadable update", http.StatusBadRequest)
			return
		}
		var head updateHead
		if err := json.Unmarshal(raw, &head); err != nil || head.ID == 0 {
			http.Error(w, "not an update", http.StatusBadRequest)
			return
		}
		b.lastPoll.Store(b.now().UnixNano())
		fresh, err := b.st.SaveUpdates(r.Context(), []storage.InboundUpdate{{UpdateID: head.ID, ChatID: head.chat(), Payload: string(raw)}})
		if err != nil {
			b.log.Error("cannot store an update from the webhook", "update_id", head.ID, "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		// Before the catch-up on what was stored before the start is done, a new update stays
		// stored: the catch-up hands it over after the older ones of its chat.
		b.catchUp.Lock()
		if !b.caughtUp {
			b.held = append(b.held, fresh...)
			fresh = nil
		}
		b.catchUp.Unlock()
		for _, u := range fresh {
			b.disp.submit(u)
		}
		w.WriteHeader(http.StatusOK)
	})
}

// RunWebhook handles what was stored but not handled before, registers the command menu, tells
// Telegram to post updates to url with the secret, and then handles what WebhookHandler receives
// until ctx ends. The webhook stays set on the way out: another instance may still be serving it.
func (b *Bot) RunWebhook(ctx context.Context, drain time.Duration, url, secret string) error {
	defer b.shutdown(drain)
	if err := b.HandlePending(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	b.registerCommands(ctx)
	err := retrying(ctx, true, func() error {
		_, err := b.api.client.SetWebhook(ctx, &tg.SetWebhookParams{URL: url, SecretToken: secret, AllowedUpdates: allowedUpdates})
		return b.api.redact(err)
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	b.lastPoll.Store(b.now().UnixNano()) // Telegram accepted the webhook: as good as a poll
	b.log.Info("receiving updates by webhook", "bot", b.username)
	<-ctx.Done()
	return nil
}
