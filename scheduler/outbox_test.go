package scheduler_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"nhacviec/scheduler"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// fakeDeliverer records what it was asked to send and answers with scripted errors per chat.
type fakeDeliverer struct {
	mu     sync.Mutex
	script map[int64][]error // per chat: the answers to the next attempts; nil means sent
	sent   []delivery
	failed []delivery // attempts answered with an error
	next   int64
	notify chan struct{} // when set, told of every delivery
}

type delivery struct {
	key  string
	chat int64
	at   time.Time // real time, for pacing
}

func (f *fakeDeliverer) Deliver(_ context.Context, m storage.OutboxMessage) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.script[m.ChatID]; len(s) > 0 {
		f.script[m.ChatID] = s[1:]
		if s[0] != nil {
			f.failed = append(f.failed, delivery{key: m.Key, chat: m.ChatID, at: time.Now()})
			return 0, s[0]
		}
	}
	f.next++
	f.sent = append(f.sent, delivery{key: m.Key, chat: m.ChatID, at: time.Now()})
	if f.notify != nil {
		f.notify <- struct{}{}
	}
	return f.next, nil
}

// attempt is when the message with key was tried, among ds.
func (f *fakeDeliverer) attempt(t *testing.T, ds []delivery, key string) time.Time {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range ds {
		if d.key == key {
			return d.at
		}
	}
	t.Fatalf("%s was never tried", key)
	return time.Time{}
}

func (f *fakeDeliverer) deliveries() []delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]delivery(nil), f.sent...)
}

type retryAfter time.Duration

func (r retryAfter) Error() string {
	return fmt.Sprintf("Too Many Requests: retry after %v", time.Duration(r))
}
func (r retryAfter) RetryAfter() time.Duration { return time.Duration(r) }
func (permanent) Permanent() bool              { return true }
func (p permanent) Error() string              { return string(p) }
func (m migrated) MigrateTo() int64            { return int64(m) }
func (m migrated) Error() string               { return "group chat was upgraded to a supergroup chat" }
func (transient) Error() string                { return "Bad Gateway" }

type (
	permanent string
	migrated  int64
	transient struct{}
)

type outboxEnv struct {
	ctx   context.Context
	clock *storagetest.Clock
	st    *storage.Store
	d     *fakeDeliverer
	s     *scheduler.Scheduler
}

func newOutboxEnv(t *testing.T, rates scheduler.Rates) *outboxEnv {
	t.Helper()
	clock := storagetest.NewClock(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC))
	st := storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	d := &fakeDeliverer{script: map[int64][]error{}}
	s := scheduler.New(scheduler.Options{Store: st, Deliverer: d, Rates: rates, Now: clock.Now})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return &outboxEnv{ctx: ctx, clock: clock, st: st, d: d, s: s}
}

func (e *outboxEnv) enqueue(t *testing.T, msgs ...storage.OutboxMessage) {
	t.Helper()
	for i := range msgs {
		if msgs[i].Kind == "" {
			msgs[i].Kind = storage.KindTaskNotice
		}
	}
	if err := e.st.Enqueue(e.ctx, msgs); err != nil {
		t.Fatal(err)
	}
}

func (e *outboxEnv) drain(t *testing.T) {
	t.Helper()
	if err := e.s.DrainOutbox(e.ctx); err != nil {
		t.Fatal(err)
	}
}

func (e *outboxEnv) status(t *testing.T, key string) storage.OutboxMessage {
	t.Helper()
	for _, st := range []string{storage.OutboxPending, storage.OutboxSent, storage.OutboxFailed} {
		msgs, err := e.st.Outbox(e.ctx, st, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Key == key {
				return m
			}
		}
	}
	t.Fatalf("no outbox message %q", key)
	return storage.OutboxMessage{}
}

var fastRates = scheduler.Rates{PerSecond: 1000, PrivateGap: 30 * time.Millisecond, GroupGap: 60 * time.Millisecond}

// Everything queued is sent once, a key queued twice goes once, and one chat's messages keep the
// chat's gap while other chats do not wait for it.
func TestOutboxPacesEachChat(t *testing.T) {
	e := newOutboxEnv(t, fastRates)
	e.enqueue(t,
		storage.OutboxMessage{ChatID: 10, Key: "a1"},
		storage.OutboxMessage{ChatID: 10, Key: "a2"},
		storage.OutboxMessage{ChatID: 10, Key: "a3"},
		storage.OutboxMessage{ChatID: 20, Key: "b1"},
		storage.OutboxMessage{ChatID: -30, Key: "g1"},
		storage.OutboxMessage{ChatID: -30, Key: "g2"},
	)
	e.enqueue(t, storage.OutboxMessage{ChatID: 10, Key: "a1"}) // caused twice: queued once
	e.drain(t)
	e.drain(t) // nothing left: sends nothing more

	got := e.d.deliveries()
	if len(got) != 6 {
		t.Fatalf("sent %d messages, want 6: %+v", len(got), got)
	}
	last := map[int64]delivery{}
	order := map[int64][]string{}
	for _, d := range got {
		if p, ok := last[d.chat]; ok {
			gap := fastRates.PrivateGap
			if d.chat < 0 {
				gap = fastRates.GroupGap
			}
			if d.at.Sub(p.at) < gap {
				t.Errorf("chat %d: %s %v after %s, want at least %v", d.chat, d.key, d.at.Sub(p.at), p.key, gap)
			}
		}
		last[d.chat] = d
		order[d.chat] = append(order[d.chat], d.key)
	}
	if fmt.Sprint(order[10]) != "[a1 a2 a3]" || fmt.Sprint(order[-30]) != "[g1 g2]" {
		t.Errorf("order per chat: %v", order)
	}
	at := map[string]time.Time{}
	for _, d := range got {
		at[d.key] = d.at
	}
	if !at["b1"].Before(at["a2"]) {
		t.Errorf("chat 20 waited behind chat 10's gap: %v", order)
	}
	for _, k := range []string{"a1", "a2", "a3", "b1", "g1", "g2"} {
		if m := e.status(t, k); m.Status != storage.OutboxSent || m.SentID == 0 || m.SentAt == nil || m.Attempts != 1 {
			t.Errorf("%s: %+v", k, m)
		}
	}
}

// The total rate holds across chats.
func TestOutboxTotalRate(t *testing.T) {
	rates := scheduler.Rates{PerSecond: 200, PrivateGap: time.Second, GroupGap: time.Second}
	e := newOutboxEnv(t, rates)
	var msgs []storage.OutboxMessage
	for i := range 400 {
		msgs = append(msgs, storage.OutboxMessage{ChatID: int64(1000 + i), Key: fmt.Sprint("k", i)})
	}
	e.enqueue(t, msgs...)
	e.drain(t)
	got := e.d.deliveries()
	if len(got) != 400 {
		t.Fatalf("sent %d, want 400", len(got))
	}
	// A burst of up to PerSecond may go at once; the other 200 need at least a second.
	if span := got[len(got)-1].at.Sub(got[0].at); span < 900*time.Millisecond {
		t.Errorf("400 messages in %v at 200/s", span)
	}
}

// 429 waits for retry_after (by the clock that decides what is due), a 5xx is tried again later
// and given up after six attempts, a blocked chat fails at once with its reason kept, and a group
// that became a supergroup gets the message at its new id.
func TestOutboxErrors(t *testing.T) {
	e := newOutboxEnv(t, fastRates)
	e.d.script[1] = []error{retryAfter(300 * time.Millisecond)}
	for range 30 {
		e.d.script[2] = append(e.d.script[2], transient{})
	}
	e.d.script[3] = []error{permanent("Forbidden: bot was blocked by the user")}
	e.d.script[-4] = []error{migrated(-1004)}
	e.enqueue(t,
		storage.OutboxMessage{ChatID: 1, Key: "slow"},
		storage.OutboxMessage{ChatID: 2, Key: "flaky"},
		storage.OutboxMessage{ChatID: 3, Key: "blocked"},
		storage.OutboxMessage{ChatID: -4, Kind: storage.KindDirectiveAnnounce, Key: "moved"},
	)
	if err := e.st.GroupJoined(e.ctx, -4, "Tổ trưởng"); err != nil {
		t.Fatal(err)
	}
	e.drain(t)

	if m := e.status(t, "blocked"); m.Status != storage.OutboxFailed || m.LastError != "Forbidden: bot was blocked by the user" {
		t.Errorf("blocked: %+v", m)
	}
	if m := e.status(t, "moved"); m.Status != storage.OutboxSent || m.ChatID != -1004 {
		t.Errorf("moved: %+v", m)
	}
	if _, err := e.st.Group(e.ctx, -1004); err != nil {
		t.Errorf("the group did not move: %v", err)
	}
	slow := e.status(t, "slow")
	if slow.Status != storage.OutboxPending || !slow.NotBefore.Equal(e.clock.Now().Add(300*time.Millisecond)) || slow.Attempts != 1 {
		t.Errorf("slow after 429: %+v", slow)
	}
	e.clock.Advance(299 * time.Millisecond)
	e.drain(t)
	if m := e.status(t, "slow"); m.Status != storage.OutboxPending {
		t.Errorf("sent before retry_after: %+v", m)
	}
	e.clock.Advance(time.Millisecond)
	e.drain(t)
	if first, again := e.d.attempt(t, e.d.failed, "slow"), e.d.attempt(t, e.d.deliveries(), "slow"); again.Sub(first) < 300*time.Millisecond {
		t.Errorf("the chat was written to again after %v; Telegram asked for 300ms", again.Sub(first))
	}
	if m := e.status(t, "slow"); m.Status != storage.OutboxSent || m.Attempts != 2 {
		t.Errorf("slow after waiting: %+v", m)
	}

	for range 30 { // back off, then give up after 12 hours
		if m := e.status(t, "flaky"); m.Status != storage.OutboxPending {
			break
		}
		e.clock.Advance(time.Hour)
		e.drain(t)
	}
	if m := e.status(t, "flaky"); m.Status != storage.OutboxFailed || m.Attempts < 10 || m.LastError != "Bad Gateway" ||
		m.UpdatedAt.Sub(m.CreatedAt) < 12*time.Hour {
		t.Errorf("flaky: %+v", m)
	}
	for _, d := range e.d.deliveries() {
		if d.key == "flaky" || d.key == "blocked" {
			t.Errorf("%s was delivered", d.key)
		}
	}
}

// A transient error backs off: the message is not due again at once.
func TestOutboxBackoff(t *testing.T) {
	e := newOutboxEnv(t, fastRates)
	e.d.script[5] = []error{transient{}}
	e.enqueue(t, storage.OutboxMessage{ChatID: 5, Key: "x"})
	e.drain(t)
	m := e.status(t, "x")
	if m.Status != storage.OutboxPending || !m.NotBefore.After(e.clock.Now()) {
		t.Fatalf("after a 5xx: %+v", m)
	}
	e.clock.Set(m.NotBefore)
	e.drain(t)
	if m := e.status(t, "x"); m.Status != storage.OutboxSent {
		t.Fatalf("after the backoff: %+v", m)
	}
}

// Start sends in the background; Stop waits for it.
func TestOutboxRunsInBackground(t *testing.T) {
	clock := storagetest.NewClock(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC))
	st := storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	d := &fakeDeliverer{script: map[int64][]error{}, notify: make(chan struct{}, 1)}
	s := scheduler.New(scheduler.Options{Store: st, Deliverer: d, Rates: fastRates, Now: clock.Now, OutboxPoll: 5 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s.Start()
	if err := st.Enqueue(ctx, []storage.OutboxMessage{{Kind: storage.KindTaskNotice, ChatID: 7, Key: "bg"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
		t.Fatal("the background sender never sent")
	case <-d.notify:
	}
	s.Stop()
	if got := d.deliveries(); len(got) != 1 {
		t.Fatalf("sent %d", len(got))
	}
	if msgs, err := st.Outbox(context.Background(), storage.OutboxSent, 10); err != nil || len(msgs) != 1 {
		t.Fatalf("a message sent while stopping was not recorded: %v %v", msgs, err)
	}
}

// A 429 is a flood wait for the whole bot: the next message, to another chat, waits for it too.
func TestOutbox429HoldsEveryChat(t *testing.T) {
	e := newOutboxEnv(t, fastRates)
	e.d.script[1] = []error{retryAfter(300 * time.Millisecond)}
	e.enqueue(t, storage.OutboxMessage{ChatID: 1, Key: "first"})
	e.drain(t)
	e.enqueue(t, storage.OutboxMessage{ChatID: 9, Key: "other"})
	e.drain(t)
	if first, other := e.d.attempt(t, e.d.failed, "first"), e.d.attempt(t, e.d.deliveries(), "other"); other.Sub(first) < 300*time.Millisecond {
		t.Fatalf("another chat was written to %v after a 429 asking for 300ms", other.Sub(first))
	}
}

// A message deferred for quiet hours waits without counting as a failure.
func TestOutboxDefer(t *testing.T) {
	e := newOutboxEnv(t, fastRates)
	until := e.clock.Now().Add(8 * time.Hour)
	e.d.script[3] = []error{quietErr(until)}
	e.enqueue(t, storage.OutboxMessage{ChatID: 3, Key: "night"})
	e.drain(t)
	if m := e.status(t, "night"); m.Status != storage.OutboxPending || !m.NotBefore.Equal(until) || m.Attempts != 0 {
		t.Fatalf("deferred: %+v", m)
	}
	e.clock.Set(until)
	e.drain(t)
	if m := e.status(t, "night"); m.Status != storage.OutboxSent {
		t.Fatalf("after the quiet hours: %+v", m)
	}
}

type quietErr time.Time

func (q quietErr) Error() string         { return "quiet" }
func (q quietErr) DeferUntil() time.Time { return time.Time(q) }
