package bot

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"nhacviec/storage"
)

// One chat's updates run one at a time in order; other chats run beside them; no more than the
// pool's size run at once.
func TestDispatcherOrdersPerChatAndBoundsThePool(t *testing.T) {
	const workers = 3
	var mu sync.Mutex
	seen := map[int64][]int64{}
	running, peak := map[int64]int{}, 0
	total := 0
	release := make(chan struct{})
	started := make(chan int64, 100)
	othersDone := make(chan struct{})
	others := 0
	d := newDispatcher(dispatchOptions{workers: workers, maxQueue: 1000}, func(u storage.InboundUpdate) {
		mu.Lock()
		running[u.ChatID]++
		if running[u.ChatID] > 1 {
			t.Errorf("two updates of chat %d at once", u.ChatID)
		}
		total++
		n := 0
		for _, r := range running {
			n += r
		}
		peak = max(peak, n)
		seen[u.ChatID] = append(seen[u.ChatID], u.UpdateID)
		if u.ChatID != 10 {
			if others++; others == 60 {
				close(othersDone)
			}
		}
		mu.Unlock()
		if u.UpdateID == 1 {
			started <- u.ChatID
			<-release // chat 10's first update waits until another chat has run
		}
		mu.Lock()
		running[u.ChatID]--
		mu.Unlock()
	})
	defer d.close()
	id := int64(0)
	for round := 0; round < 20; round++ {
		for _, chat := range []int64{10, 20, 30, 40} {
			id++
			if id == 1 && chat != 10 {
				t.Fatal("setup")
			}
			d.submit(storage.InboundUpdate{UpdateID: id, ChatID: chat})
		}
	}
	if chat := <-started; chat != 10 {
		t.Fatalf("first started: %d", chat)
	}
	// While chat 10 is stuck, the other chats are handled to the end.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	select {
	case <-othersDone:
	case <-ctx.Done():
		t.Fatal("other chats were blocked by one slow chat")
	}
	close(release)
	if err := d.waitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	for chat, ids := range seen {
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] {
				t.Fatalf("chat %d out of order: %v", chat, ids)
			}
		}
	}
	if total != 80 || peak > workers {
		t.Fatalf("handled %d, peak %d workers", total, peak)
	}
}

// A full queue makes submit wait instead of growing without bound; close releases it.
func TestDispatcherBackpressure(t *testing.T) {
	block := make(chan struct{})
	d := newDispatcher(dispatchOptions{workers: 1, maxQueue: 2}, func(storage.InboundUpdate) { <-block })
	for i := int64(1); i <= 3; i++ { // one running, two queued
		d.submit(storage.InboundUpdate{UpdateID: i, ChatID: i})
	}
	accepted := make(chan bool)
	go func() { accepted <- d.submit(storage.InboundUpdate{UpdateID: 4, ChatID: 4}) }()
	d.mu.Lock()
	for d.waiting == 0 {
		d.cond.Wait()
	}
	d.mu.Unlock()
	select {
	case <-accepted:
		t.Fatal("submit did not wait on a full queue")
	default:
	}
	close(block)
	if !<-accepted {
		t.Fatal("the update was refused")
	}
	d.close()
	if d.submit(storage.InboundUpdate{UpdateID: 5, ChatID: 5}) {
		t.Fatal("a closed dispatcher took work")
	}
	if err := d.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// handledLog records what a dispatcher handled, like the database does: an update is handled
// once, however often it is queued.
type handledLog struct {
	mu      sync.Mutex
	pending map[int64][]storage.InboundUpdate // by chat, oldest first
	order   map[int64][]int64
	twice   int
}

func (l *handledLog) store(u storage.InboundUpdate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending[u.ChatID] = append(l.pending[u.ChatID], u)
}

func (l *handledLog) handle(u storage.InboundUpdate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.pending[u.ChatID]
	for i, q := range p {
		if q.UpdateID == u.UpdateID {
			l.pending[u.ChatID] = append(p[:i:i], p[i+1:]...)
			l.order[u.ChatID] = append(l.order[u.ChatID], u.UpdateID)
			return
		}
	}
	l.twice++ // already handled: the claim in the database says so, and nothing happens
}

func (l *handledLog) load(chat int64, n int) ([]storage.InboundUpdate, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.pending[chat]
	return append([]storage.InboundUpdate(nil), p[:min(n, len(p))]...), nil
}

func (l *handledLog) handled(chat int64) []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int64(nil), l.order[chat]...)
}

func newHandledLog() *handledLog {
	return &handledLog{pending: map[int64][]storage.InboundUpdate{}, order: map[int64][]int64{}}
}

// A chat that sends faster than its limit is handled at its pace, in order, and told once; the
// other chats are not held up; nothing is dropped.
func TestDispatcherLimitsAFloodingChat(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	log := newHandledLog()
	var warned []int64
	var wmu sync.Mutex
	d := newDispatcher(dispatchOptions{workers: 2, maxQueue: 1000, now: clock.now, load: log.load,
		limit: ChatLimit{Burst: 3, Every: time.Second, Queued: 4},
		warn:  func(chat int64) { wmu.Lock(); warned = append(warned, chat); wmu.Unlock() }}, log.handle)
	defer d.close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	submit := func(id, chat int64) {
		u := storage.InboundUpdate{UpdateID: id, ChatID: chat}
		log.store(u)
		d.submit(u)
	}
	for id := int64(1); id <= 10; id++ {
		submit(id, 10)
	}
	submit(11, 20)
	submit(12, 20)
	// A group is not paced: its updates are many people's.
	for id := int64(13); id <= 20; id++ {
		submit(id, -100)
	}
	// Chat 10 spends its burst and waits; chat 20 goes on.
	told := func() int { wmu.Lock(); defer wmu.Unlock(); return len(warned) }
	waitFor(ctx, t, d, func() bool {
		return len(log.handled(10)) == 3 && len(log.handled(20)) == 2 && len(log.handled(-100)) == 8 && told() == 1
	})
	d.mu.Lock()
	parked := len(d.parked)
	d.mu.Unlock()
	if parked != 1 {
		t.Fatalf("parked chats: %d", parked)
	}
	wmu.Lock()
	if len(warned) != 1 || warned[0] != 10 {
		t.Fatalf("warned: %v", warned)
	}
	wmu.Unlock()
	d.wake() // no time has passed: still waiting
	if got := log.handled(10); len(got) != 3 {
		t.Fatalf("handled before its time: %v", got)
	}
	clock.add(time.Second)
	d.wake()
	waitFor(ctx, t, d, func() bool { return len(log.handled(10)) == 4 })
	// From now on one a second: each second of the clock lets one more through.
	for n := 5; n <= 10; n++ {
		clock.add(time.Second)
		d.wake()
		waitFor(ctx, t, d, func() bool { return len(log.handled(10)) == n })
	}
	if err := d.waitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if got := log.handled(10); len(got) != 10 {
		t.Fatalf("chat 10 handled: %v", got)
	}
	for i, id := range log.handled(10) {
		if id != int64(i+1) {
			t.Fatalf("out of order: %v", log.handled(10))
		}
	}
	wmu.Lock()
	if len(warned) != 1 {
		t.Fatalf("told more than once: %v", warned)
	}
	wmu.Unlock()
	if log.twice != 0 {
		t.Fatalf("%d updates queued twice", log.twice)
	}
}

// A chat's flood stays in the database beyond a few updates in memory, and is read back in order.
func TestDispatcherReadsBackWhatWaitsInTheDatabase(t *testing.T) {
	log := newHandledLog()
	block := make(chan struct{})
	first := true
	d := newDispatcher(dispatchOptions{workers: 1, maxQueue: 1000, load: log.load,
		limit: ChatLimit{Queued: 3}}, func(u storage.InboundUpdate) {
		if first {
			first = false
			<-block
		}
		log.handle(u)
	})
	defer d.close()
	for id := int64(1); id <= 20; id++ {
		u := storage.InboundUpdate{UpdateID: id, ChatID: 10}
		log.store(u)
		d.submit(u)
	}
	d.mu.Lock()
	held := d.queued
	d.mu.Unlock()
	if held > 3 {
		t.Fatalf("%d updates of one chat held in memory", held)
	}
	close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.waitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	got := log.handled(10)
	if len(got) != 20 {
		t.Fatalf("handled %d of 20: %v", len(got), got)
	}
	for i, id := range got {
		if id != int64(i+1) {
			t.Fatalf("out of order: %v", got)
		}
	}
}

// waitFor waits until cond holds, woken by the dispatcher's own signal. cond runs with the
// dispatcher's lock held, so that no signal is lost between looking and waiting.
func waitFor(ctx context.Context, t *testing.T, d *dispatcher, cond func() bool) {
	t.Helper()
	stop := context.AfterFunc(ctx, func() { d.mu.Lock(); d.cond.Broadcast(); d.mu.Unlock() })
	defer stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for !cond() {
		if ctx.Err() != nil {
			t.Fatal("timed out waiting")
		}
		d.cond.Wait()
	}
}

// A submitter held back by a full queue, whose chat is forgotten meanwhile (its worker finished
// and its allowance came back), queues into the chat as it is then, not into the forgotten one.
func TestDispatcherSubmitAfterItsChatWasForgotten(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	log := newHandledLog()
	started, release := make(chan struct{}), make(chan struct{})
	d := newDispatcher(dispatchOptions{workers: 1, maxQueue: 1, now: clock.now, load: log.load, limit: DefaultChatLimit},
		func(u storage.InboundUpdate) {
			if u.UpdateID == 1 {
				close(started)
				<-release
				clock.add(3 * time.Second) // a slow handler: the chat's allowance is whole again
			}
			log.handle(u)
		})
	defer d.close()
	submit := func(id, chat int64) {
		u := storage.InboundUpdate{UpdateID: id, ChatID: chat}
		log.store(u)
		d.submit(u)
	}
	submit(1, 7)
	<-started
	submit(2, 8) // the queue is full now
	go submit(3, 7)
	d.mu.Lock()
	for d.waiting == 0 {
		d.cond.Wait()
	}
	d.mu.Unlock()
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	waitFor(ctx, t, d, func() bool { return len(log.handled(7)) == 2 && len(log.handled(8)) == 1 })
	if err := d.waitIdle(ctx); err != nil {
		d.mu.Lock()
		for id, c := range d.chats {
			t.Logf("chat %d: %+v", id, *c)
		}
		t.Logf("queued %d parked %d ready %v idle %v waiting %d", d.queued, len(d.parked), d.ready, d.idle(), d.waiting)
		d.mu.Unlock()
		t.Fatal(err)
	}
}

// A chat whose updates wait in the database, when reading them back fails, tries again (here
// after the clock moves) instead of being left with nothing to do and its updates unhandled.
func TestDispatcherReadsBackAgainAfterAnError(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	log := newHandledLog()
	var fmu sync.Mutex
	fail := true
	load := func(chat int64, n int) ([]storage.InboundUpdate, error) {
		fmu.Lock()
		defer fmu.Unlock()
		if fail {
			fail = false
			return nil, errors.New("database is locked")
		}
		return log.load(chat, n)
	}
	gate := make(chan struct{})
	d := newDispatcher(dispatchOptions{workers: 1, maxQueue: 100, now: clock.now, load: load, limit: ChatLimit{Queued: 2}},
		func(u storage.InboundUpdate) {
			if u.UpdateID == 1 {
				<-gate // until the third has been left in the database
			}
			log.handle(u)
		})
	defer d.close()
	submit := func(id int64) {
		u := storage.InboundUpdate{UpdateID: id, ChatID: 7}
		log.store(u)
		d.submit(u)
	}
	for id := int64(1); id <= 4; id++ { // 1 running, 2 and 3 in memory, 4 in the database
		submit(id)
	}
	close(gate)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	waitFor(ctx, t, d, func() bool { return len(d.parked) == 1 })
	submit(5) // waits in the database too
	clock.add(2 * time.Second)
	d.wake()
	if err := d.waitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if got := log.handled(7); len(got) != 5 || got[3] != 4 || got[4] != 5 {
		t.Fatalf("handled %v", got)
	}
}

// Chats with nothing to do are forgotten once their allowance is back: the dispatcher's memory
// does not grow with every person who ever wrote.
func TestDispatcherForgetsIdleChats(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)}
	d := newDispatcher(dispatchOptions{workers: 2, maxQueue: 100, now: clock.now, limit: DefaultChatLimit}, func(storage.InboundUpdate) {})
	defer d.close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := int64(1); i <= 1000; i++ {
		d.submit(storage.InboundUpdate{UpdateID: i, ChatID: i})
	}
	if err := d.waitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	clock.add(time.Hour)
	for i := int64(1001); i <= 1300; i++ {
		d.submit(storage.InboundUpdate{UpdateID: i, ChatID: i})
	}
	if err := d.waitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	n := len(d.chats)
	d.mu.Unlock()
	if n > 300 {
		t.Fatalf("%d chats remembered", n)
	}
}
