package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// turn is the handling of one update: the update, who sent it, the transaction everything is read
// and written in, and the messages to send once that transaction has committed.
type turn struct {
	ctx    context.Context
	b      *Bot
	st     *storage.Store // bound to the update's transaction
	upd    *models.Update
	now    time.Time
	from   *models.User
	chat   models.Chat
	member *storage.Member // nil for someone who has not joined
	m      *catalog

	outs     []outgoing
	answered bool
}

// outgoing is one call to make after commit.
type outgoing struct {
	kind      outKind
	chatID    int64
	messageID int // edit: the message to change; send: the message to reply to
	text      string
	kb        *keyboard
	callback  string // answer: the callback query id
	alert     bool
	media     []storage.Evidence
	confirms  *storage.Report                   // the report a sent message confirms, remembered to update it
	onlyEdit  bool                              // edit: if the message cannot be edited, send nothing
	after     func(b *Bot, sent []int) error    // run after delivery with the ids of the messages sent
	work      func(ctx context.Context, b *Bot) // outWork: slow work that must not hold the transaction
}

type outKind int

const (
	outSend outKind = iota
	outEdit
	outAnswer
	outMedia
	outClear // remove the buttons of a message
	outWork  // run work (a download, say) after the transaction
)

// send queues a message to the chat of the update.
func (t *turn) send(text string, kb *keyboard) { t.sendTo(t.chat.ID, text, kb) }

// sendTo queues a message to another member's private chat.
func (t *turn) sendTo(chatID int64, text string, kb *keyboard) {
	t.outs = append(t.outs, outgoing{kind: outSend, chatID: chatID, text: text, kb: kb})
}

// edit queues a change of one of the bot's messages in this chat.
func (t *turn) edit(messageID int, text string, kb *keyboard) {
	t.outs = append(t.outs, outgoing{kind: outEdit, chatID: t.chat.ID, messageID: messageID, text: text, kb: kb})
}

// show edits the message whose button was pressed, or sends a new message for a typed command.
func (t *turn) show(text string, kb *keyboard) {
	if id := t.callbackMessageID(); id != 0 {
		t.edit(id, text, kb)
		return
	}
	t.send(text, kb)
}

// answer answers the pressed button; with alert the text is shown in a box to dismiss.
func (t *turn) answer(text string, alert bool) {
	if t.upd.CallbackQuery == nil || t.answered {
		return
	}
	t.answered = true
	t.outs = append([]outgoing{{kind: outAnswer, callback: t.upd.CallbackQuery.ID, text: text, alert: alert}}, t.outs...)
}

// sendMedia queues evidence files to be sent again to this chat.
func (t *turn) sendMedia(files []storage.Evidence) {
	t.outs = append(t.outs, outgoing{kind: outMedia, chatID: t.chat.ID, media: files})
}

// callbackMessageID is the message that carried the pressed button, if there is one to edit.
func (t *turn) callbackMessageID() int {
	if cq := t.upd.CallbackQuery; cq != nil && cq.Message.Message != nil {
		return cq.Message.Message.ID
	}
	return 0
}

// lang is the language of the person the bot answers.
func (t *turn) lang() string {
	if t.member != nil {
		return t.member.Language
	}
	return "vi"
}

// fmtTime shows a stored time as HH:MM dd/mm/yyyy in the bot's zone.
func (t *turn) fmtTime(at time.Time) string { return at.In(t.b.loc).Format("15:04 02/01/2006") }

// today is the current day in the bot's zone.
func (t *turn) today() storage.Date { return storage.DateOf(t.now, t.b.loc) }

// errHandled means another worker already handled the update.
var errHandled = errors.New("bot: update already handled")

// process handles one stored update exactly once. The handler's reads and writes and the mark
// that the update is handled commit together; the replies go out after the commit. A handler that
// fails or panics changes nothing, is logged with the update id, and the user gets an apology.
func (b *Bot) process(u storage.InboundUpdate) {
	start, ok := time.Now(), false
	defer func() { b.metrics.Handled(time.Since(start), ok) }()
	ctx := context.Background()
	var upd models.Update
	if err := json.Unmarshal([]byte(u.Payload), &upd); err != nil {
		b.log.Error("cannot read a stored update", "update_id", u.UpdateID, "err", err)
		b.markFailed(ctx, u.UpdateID, "unreadable: "+err.Error())
		return
	}
	var t *turn
	err := b.st.Tx(ctx, func(tx *storage.Store) (err error) {
		claimed, err := tx.ClaimUpdate(ctx, u.UpdateID, "")
		if err != nil {
			return err
		}
		if !claimed {
			return errHandled
		}
		t = b.newTurn(ctx, tx, &upd)
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		return b.handler(t)
	})
	switch {
	case errors.Is(err, errHandled):
		ok = true
		return
	case err != nil:
		b.log.Error("handling an update failed", "update_id", u.UpdateID, "err", err)
		b.markFailed(ctx, u.UpdateID, firstLine(err.Error()))
		b.apologise(ctx, &upd)
		return
	}
	b.flush(ctx, t)
	ok = true
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func (b *Bot) markFailed(ctx context.Context, updateID int64, reason string) {
	if _, err := b.st.ClaimUpdate(ctx, updateID, reason); err != nil {
		b.log.Error("cannot mark a failed update", "update_id", updateID, "err", err)
	}
}

func (b *Bot) newTurn(ctx context.Context, tx *storage.Store, upd *models.Update) *turn {
	t := &turn{ctx: ctx, b: b, st: tx, upd: upd, now: b.now(), m: catalogs["vi"]}
	switch {
	case upd.Message != nil:
		t.from, t.chat = upd.Message.From, upd.Message.Chat
	case upd.EditedMessage != nil:
		t.from, t.chat = upd.EditedMessage.From, upd.EditedMessage.Chat
	case upd.CallbackQuery != nil:
		t.from = &upd.CallbackQuery.From
		switch m := upd.CallbackQuery.Message; {
		case m.Message != nil:
			t.chat = m.Message.Chat
		case m.InaccessibleMessage != nil && m.InaccessibleMessage.Chat.ID != 0:
			t.chat = m.InaccessibleMessage.Chat
		default:
			t.chat = models.Chat{ID: upd.CallbackQuery.From.ID, Type: models.ChatTypePrivate}
		}
	case upd.MyChatMember != nil:
		t.from, t.chat = &upd.MyChatMember.From, upd.MyChatMember.Chat
	}
	return t
}

// apologise tells the user that something went wrong, without details.
func (b *Bot) apologise(ctx context.Context, upd *models.Update) {
	t := b.newTurn(ctx, b.st, upd)
	if t.from != nil {
		if m, err := b.st.MemberByTelegramID(ctx, t.from.ID); err == nil {
			t.member = &m
			t.m = catalogFor(m.Language)
		}
	}
	switch {
	case upd.CallbackQuery != nil:
		t.answer(t.m.Apology, true)
	case t.chat.ID != 0 && t.chat.Type == models.ChatTypePrivate:
		t.send(t.m.Apology, nil)
	}
	b.flush(ctx, t)
}

// warnTooFast tells a person, once per flood, that their messages will be answered in turn. A
// group is not told: its flood is many people's.
func (b *Bot) warnTooFast(chatID int64) {
	if chatID <= 0 {
		return
	}
	ctx := context.Background()
	var member *storage.Member
	if m, err := b.st.MemberByTelegramID(ctx, chatID); err == nil {
		member = &m
	}
	t := b.outboxTurn(ctx, storage.OutboxMessage{ChatID: chatID}, member)
	t.upd = &models.Update{}
	t.send(t.m.TooFast, nil)
	b.flush(ctx, t)
}

// flush makes the calls a committed turn queued, in order, and remembers the confirmations of
// reports whose album is still arriving. A button press is always answered, even with nothing to
// say.
func (b *Bot) flush(ctx context.Context, t *turn) {
	if t.upd.CallbackQuery != nil && !t.answered {
		t.answer("", false)
	}
	var refs []storage.MessageRef
	for _, o := range t.outs {
		if o.kind == outWork {
			o.work(ctx, b)
			continue
		}
		ids, err := b.deliver(ctx, o)
		if err != nil {
			b.log.Warn("cannot send a reply", "method", o.kind.String(), "chat_id", o.chatID, "err", err)
			continue
		}
		if r := o.confirms; r != nil && len(ids) > 0 {
			refs = append(refs, storage.MessageRef{ChatID: o.chatID, MessageID: int64(ids[len(ids)-1]), AssignmentID: r.AssignmentID, ReportID: r.ID})
		}
		if o.after != nil {
			if err := o.after(b, ids); err != nil {
				b.log.Warn("cannot record a sent message", "chat_id", o.chatID, "err", err)
			}
		}
	}
	if err := b.st.SaveMessageRefs(ctx, refs); err != nil {
		b.log.Warn("cannot remember a report's confirmation", "err", err)
	}
}

func (k outKind) String() string {
	switch k {
	case outSend:
		return "sendMessage"
	case outEdit:
		return "editMessageText"
	case outAnswer:
		return "answerCallbackQuery"
	case outClear:
		return "editMessageReplyMarkup"
	}
	return "sendMedia"
}

// deliver makes the call, retrying only when Telegram said it did nothing (429, 502–504), so
// nothing is sent twice. It returns the ids of the messages it sent or edited.
func (b *Bot) deliver(ctx context.Context, o outgoing) ([]int, error) {
	if o.kind == outSend {
		return b.sendText(ctx, o)
	}
	var ids []int
	err := retrying(ctx, true, func() error {
		var err error
		ids, err = b.deliverOnce(ctx, o)
		return err
	})
	return ids, err
}

// retrying makes a call again when Telegram said to wait (429) and, with gateway, after a 502–504
// (for calls that may safely run twice: edits, answers).
func retrying(ctx context.Context, gateway bool, call func() error) error {
	for attempt := 0; ; attempt++ {
		err := call()
		if err == nil || attempt >= 3 {
			return err
		}
		var wait time.Duration
		var tooMany *tg.TooManyRequestsError
		switch {
		case errors.As(err, &tooMany):
			wait = time.Duration(tooMany.RetryAfter) * time.Second
			if wait > 30*time.Second {
				return err // the outbox (proactive messages) deals with long bans; a reply this late is useless
			}
		case gateway && isGatewayError(err):
			wait = time.Duration(attempt+1) * 500 * time.Millisecond
		default:
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

func isGatewayError(err error) bool {
	s := err.Error()
	return strings.Contains(s, " 502 ") || strings.Contains(s, " 503 ") || strings.Contains(s, " 504 ")
}

func (b *Bot) deliverOnce(ctx context.Context, o outgoing) ([]int, error) {
	c := b.api.client
	switch o.kind {
	case outAnswer:
		_, err := c.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: o.callback, Text: clip(o.text, 200), ShowAlert: o.alert})
		return nil, b.api.redact(err)
	case outEdit:
		// A message edited in place cannot be split: keep what fits (views are built to fit).
		text := o.text
		if parts := splitMessage(text, maxMessageLen); len(parts) > 1 {
			text = strings.TrimRight(parts[0], "\n") + "\n…"
		}
		p := &tg.EditMessageTextParams{ChatID: o.chatID, MessageID: o.messageID, Text: text, ParseMode: models.ParseModeHTML,
			LinkPreviewOptions: noPreview()}
		if o.kb != nil {
			p.ReplyMarkup = o.kb
		}
		_, err := c.EditMessageText(ctx, p)
		switch {
		case err == nil:
			return []int{o.messageID}, nil
		case strings.Contains(err.Error(), "message is not modified"):
			return []int{o.messageID}, nil
		case errors.Is(err, tg.ErrorBadRequest) && o.onlyEdit:
			return nil, nil // deleted, or the chat is gone: an update to it is not worth a new message
		case errors.Is(err, tg.ErrorBadRequest):
			// Too old to edit, or deleted: send it as a new message instead.
			o.kind = outSend
			return b.sendText(ctx, o)
		}
		return nil, b.api.redact(err)
	case outMedia:
		return b.sendEvidence(ctx, o.chatID, o.media)
	case outClear:
		_, err := c.EditMessageReplyMarkup(ctx, &tg.EditMessageReplyMarkupParams{ChatID: o.chatID, MessageID: o.messageID, ReplyMarkup: rows()})
		if err != nil && errors.Is(err, tg.ErrorBadRequest) {
			return nil, nil // already without buttons, or gone: nothing to do
		}
		return nil, b.api.redact(err)
	}
	return nil, fmt.Errorf("bot: deliver: unexpected kind %d", o.kind)
}

// sendText sends a message, split at line ends when it is longer than Telegram allows; the
// keyboard goes with the last part. Each part is retried on its own.
func (b *Bot) sendText(ctx context.Context, o outgoing) ([]int, error) {
	var ids []int
	parts := splitMessage(o.text, maxMessageLen)
	for i, part := range parts {
		p := &tg.SendMessageParams{ChatID: o.chatID, Text: part, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview()}
		if i == len(parts)-1 && o.kb != nil {
			p.ReplyMarkup = o.kb
		}
		// Only a 429 is retried: after a 5xx or a timeout Telegram may have sent the message.
		err := retrying(ctx, false, func() error {
			msg, err := b.api.client.SendMessage(ctx, p)
			if err == nil {
				ids = append(ids, msg.ID)
			}
			return b.api.redact(err)
		})
		if err != nil {
			return ids, err
		}
	}
	return ids, nil
}

func noPreview() *models.LinkPreviewOptions {
	t := true
	return &models.LinkPreviewOptions{IsDisabled: &t}
}
