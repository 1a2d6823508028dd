package scheduler

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"nhacviec/observe"
	"nhacviec/storage"
)

// Deliverer sends one queued message: the bot renders it and calls Telegram. An error may tell
// more by its methods:
//
//	RetryAfter() time.Duration — Telegram said to wait (429)
//	MigrateTo() int64          — the group became a supergroup with this id
//	Permanent() bool           — it will never go (blocked, chat gone, bad request)
//
// Anything else (5xx, a timeout) is tried again later.
type Deliverer interface {
	Deliver(ctx context.Context, m storage.OutboxMessage) (sentID int64, err error)
}

// Rates are Telegram's limits, kept with a margin.
type Rates struct {
	PerSecond  float64       // messages per second in total (Telegram: about 30)
	PrivateGap time.Duration // between two messages to one person (Telegram: about 1 s)
	GroupGap   time.Duration // between two messages to one group (Telegram: 20 a minute)
}

// DefaultRates stay under Telegram's limits.
var DefaultRates = Rates{PerSecond: 25, PrivateGap: time.Second, GroupGap: 3 * time.Second}

// giveUpAfter is how long a message that keeps failing for passing reasons (5xx, timeouts,
// the network) is tried before it is kept as failed: long enough to outlast an outage of the
// morning, short enough that a reminder does not arrive a day late.
const giveUpAfter = 12 * time.Hour

// maxBackoff caps the wait between two tries.
const maxBackoff = 30 * time.Minute

// MaxInFlight is how many messages are in flight at once: each waits for Telegram's answer and a
// database write, so one at a time could not reach the total rate.
const MaxInFlight = 16

// interruptedAfter is how long a message may stay "sending" before it is taken for one whose
// sender died; far longer than any answer from Telegram takes.
const interruptedAfter = 2 * time.Minute

// batchSize is how many due messages one query fetches; between batches the sender waits for the
// ones in flight, so a batch spans about a second at the highest rates.
const batchSize = 1000

// outbox sends what is queued, paced.
type outbox struct {
	store   OutboxStore
	deliver Deliverer
	rates   Rates
	now     func() time.Time // decides what is due and stamps retries (the injected clock)
	pace    func() time.Time // paces the sending: Telegram's limits are in real time
	log     logger
	metrics *observe.Metrics

	mu        sync.Mutex
	limiter   *rate.Limiter
	nextChat  map[int64]time.Time // when each chat may get its next message
	holdUntil time.Time           // Telegram asked the whole bot to wait (429) until then
	sent      []storage.Sent      // sent, to record together (see flushSent)
}

// sentBatch is how many sent messages are recorded in one transaction. Until they are, they
// stay "sending": if the process dies meanwhile they are not sent again.
const sentBatch = 50

// flushSent records the messages sent so far; all is false to record only a full batch.
func (o *outbox) flushSent(ctx context.Context, all bool) {
	o.mu.Lock()
	if len(o.sent) == 0 || !all && len(o.sent) < sentBatch {
		o.mu.Unlock()
		return
	}
	batch := o.sent
	o.sent = nil
	o.mu.Unlock()
	if err := o.store.MarkSentAll(context.WithoutCancel(ctx), batch); err != nil {
		o.log.Error("cannot record sent messages", "count", len(batch), "err", err)
		return
	}
	o.metrics.Sent(len(batch))
}

// OutboxStore is what sending needs from storage.
type OutboxStore interface {
	DueMessages(ctx context.Context, now time.Time, limit int, skipChats []int64) ([]storage.OutboxMessage, error)
	MarkSent(ctx context.Context, id, sentID int64) error
	Retry(ctx context.Context, id int64, at time.Time, reason string) error
	MarkFailed(ctx context.Context, id int64, reason string) error
	MoveChat(ctx context.Context, from, to int64) error
	MarkUnreachable(ctx context.Context, telegramID int64) error
	ClaimMessage(ctx context.Context, id int64) (bool, error)
	AbandonInterrupted(ctx context.Context, before time.Time) (int64, error)
	Defer(ctx context.Context, id int64, until time.Time) error
	MarkSentAll(ctx context.Context, sent []storage.Sent) error
}

type logger interface {
	Warn(msg string, args ...any)
	Info(msg string, args ...any)
	Error(msg string, args ...any)
}

func newOutbox(st OutboxStore, d Deliverer, r Rates, now func() time.Time, log logger) *outbox {
	if r.PerSecond <= 0 {
		r = DefaultRates
	}
	return &outbox{store: st, deliver: d, rates: r, now: now, pace: time.Now, log: log,
		// A burst of one spaces the messages evenly: Telegram counts them over short windows.
		limiter: rate.NewLimiter(rate.Limit(r.PerSecond), 1), nextChat: map[int64]time.Time{}}
}

// busyChats are the chats that must wait, to leave out of the next query.
func (o *outbox) busyChats(now time.Time) []int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	var busy []int64
	for chat, at := range o.nextChat {
		if at.After(now) {
			busy = append(busy, chat)
		} else {
			delete(o.nextChat, chat)
		}
	}
	return busy
}

// sendDue sends the messages whose time has come, within the limits, and reports how many it
// sent or settled.
func (o *outbox) sendDue(ctx context.Context) (int, error) {
	msgs, err := o.store.DueMessages(ctx, o.now(), batchSize, o.busyChats(o.pace()))
	if err != nil {
		return 0, err
	}
	n := 0
	if n, err := o.store.AbandonInterrupted(ctx, o.now().Add(-interruptedAfter)); err != nil {
		return 0, err
	} else if n > 0 {
		o.log.Warn("messages cut off by a stop were not sent again", "count", n)
	}
	sem := make(chan struct{}, MaxInFlight)
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		o.flushSent(ctx, true)
	}()
	for _, m := range msgs {
		o.mu.Lock()
		wait := o.nextChat[m.ChatID].After(o.pace())
		if !wait {
			// Held until the answer comes (send sets the real gap): a second message to the same
			// chat waits for the next round, so one chat's messages keep their order.
			o.nextChat[m.ChatID] = o.pace().Add(time.Hour)
		}
		o.mu.Unlock()
		if wait {
			continue
		}
		o.mu.Lock()
		hold := o.holdUntil.Sub(o.pace())
		o.mu.Unlock()
		if hold > 0 {
			if err := sleep(ctx, hold); err != nil {
				return n, err
			}
		}
		if err := o.limiter.Wait(ctx); err != nil {
			o.mu.Lock()
			delete(o.nextChat, m.ChatID)
			o.mu.Unlock()
			return n, err
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(m storage.OutboxMessage) {
			defer wg.Done()
			defer func() { <-sem }()
			o.send(ctx, m)
		}(m)
		n++
	}
	return n, nil
}

func (o *outbox) send(ctx context.Context, m storage.OutboxMessage) {
	// Claimed just before it goes: if the process dies now, the message is not sent twice.
	if ok, err := o.store.ClaimMessage(ctx, m.ID); err != nil || !ok {
		o.mu.Lock()
		delete(o.nextChat, m.ChatID)
		o.mu.Unlock()
		if err != nil && ctx.Err() == nil {
			o.log.Error("cannot claim a message", "outbox_id", m.ID, "err", err)
		}
		return
	}
	sentID, err := o.deliver.Deliver(ctx, m)
	// What happened is recorded even when the sender is being stopped: a message that went out
	// but was not marked would go out again after a restart.
	ctx = context.WithoutCancel(ctx)
	now, paced := o.now(), o.pace()
	gap := o.rates.PrivateGap
	if m.ChatID < 0 {
		gap = o.rates.GroupGap
	}
	o.mu.Lock()
	o.nextChat[m.ChatID] = paced.Add(gap)
	o.mu.Unlock()

	var (
		retry  interface{ RetryAfter() time.Duration }
		moved  interface{ MigrateTo() int64 }
		perm   interface{ Permanent() bool }
		block  interface{ Blocked() bool }
		defer_ interface{ DeferUntil() time.Time }
	)
	var serr error
	switch {
	case err == nil:
		o.mu.Lock()
		o.sent = append(o.sent, storage.Sent{ID: m.ID, SentID: sentID})
		o.mu.Unlock()
		o.flushSent(ctx, false)
	case errors.As(err, &defer_) && !defer_.DeferUntil().IsZero():
		// Not a failure: the recipient's quiet hours. It goes when they end.
		o.mu.Lock()
		delete(o.nextChat, m.ChatID)
		o.mu.Unlock()
		serr = o.store.Defer(ctx, m.ID, defer_.DeferUntil())
	case errors.As(err, &retry):
		// A flood wait is the bot's, not the chat's: everything waits.
		o.mu.Lock()
		o.nextChat[m.ChatID] = paced.Add(retry.RetryAfter())
		if until := paced.Add(retry.RetryAfter()); until.After(o.holdUntil) {
			o.holdUntil = until
		}
		o.mu.Unlock()
		serr = o.store.Retry(ctx, m.ID, now.Add(retry.RetryAfter()), err.Error())
		o.log.Warn("telegram asked to wait", "chat_id", m.ChatID, "retry_after", retry.RetryAfter())
	case errors.As(err, &moved) && moved.MigrateTo() != 0:
		if serr = o.store.MoveChat(ctx, m.ChatID, moved.MigrateTo()); serr == nil {
			serr = o.store.Retry(ctx, m.ID, now, err.Error())
		}
		o.log.Info("a group became a supergroup", "from", m.ChatID, "to", moved.MigrateTo())
	case errors.As(err, &block) && block.Blocked() && m.ChatID > 0:
		// The person blocked the bot: nothing more goes to them until they write again.
		if serr = o.store.MarkUnreachable(ctx, m.ChatID); serr == nil {
			serr = o.store.MarkFailed(ctx, m.ID, err.Error())
			o.metrics.Failed()
		}
		o.log.Info("a member blocked the bot", "chat_id", m.ChatID)
	case errors.As(err, &perm) && perm.Permanent(), now.Sub(m.CreatedAt) > giveUpAfter:
		serr = o.store.MarkFailed(ctx, m.ID, err.Error())
		o.metrics.Failed()
		o.log.Warn("a message could not be sent", "outbox_id", m.ID, "kind", m.Kind, "chat_id", m.ChatID, "err", err)
	default:
		backoff := min(time.Duration(1<<min(m.Attempts, 10))*15*time.Second, maxBackoff)
		serr = o.store.Retry(ctx, m.ID, now.Add(backoff), err.Error())
	}
	if serr != nil {
		o.log.Error("cannot record a sent message", "outbox_id", m.ID, "err", serr)
	}
}

// drain sends everything due now, waiting for the limits, until nothing is left or ctx ends.
func (o *outbox) drain(ctx context.Context) error {
	for {
		n, err := o.sendDue(ctx)
		if err != nil {
			return err
		}
		msgs, err := o.store.DueMessages(ctx, o.now(), 1, nil)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			return nil
		}
		if n == 0 {
			// Everything left waits for its chat: wait until the first chat is free.
			paced := o.pace()
			if err := sleep(ctx, o.firstFree(paced).Sub(paced)); err != nil {
				return err
			}
		}
	}
}

// firstFree is the earliest time a waiting chat may be written to again.
func (o *outbox) firstFree(now time.Time) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	first := now
	for _, at := range o.nextChat {
		if at.After(now) && (first.Equal(now) || at.Before(first)) {
			first = at
		}
	}
	return first
}

// run sends until ctx ends, looking for new messages every poll, while lead says this instance
// is the one to send.
func (o *outbox) run(ctx context.Context, poll time.Duration, lead func() bool) {
	for ctx.Err() == nil {
		if !lead() {
			if sleep(ctx, poll) != nil {
				return
			}
			continue
		}
		n, err := o.sendDue(ctx)
		if err != nil && ctx.Err() == nil {
			o.log.Error("cannot send queued messages", "err", err)
		}
		if n == 0 {
			if sleep(ctx, poll) != nil {
				return
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		d = 10 * time.Millisecond
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
