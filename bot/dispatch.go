package bot

import (
	"context"
	"sync"
	"time"

	"nhacviec/storage"
)

// ChatLimit is how much of the bot one chat may take, so that one person's flood (a script, a
// stuck phone resending, hundreds of forwarded photos) cannot starve the others. Nothing beyond
// the limit is dropped: every update is stored before it is dispatched, and the rest is handled
// later, at the chat's pace.
type ChatLimit struct {
	Burst  int           // updates of a chat handled without waiting
	Every  time.Duration // then one more each Every
	Queued int           // a chat's updates held in memory; later ones wait in the database
}

// DefaultChatLimit lets a head send a few albums of photos at once and then thirty messages a
// minute; people typing never reach it. The pace applies to private chats; the cap on what is held
// in memory to every chat. The pace is kept on the bot's clock (Options.Now): on a clock a test
// holds still, a chat past its burst waits until the clock moves.
var DefaultChatLimit = ChatLimit{Burst: 40, Every: 2 * time.Second, Queued: 50}

// chatQueue is one chat's share of the dispatcher.
type chatQueue struct {
	q        []storage.InboundUpdate
	running  bool      // a worker is on it
	ready    bool      // in the ready list
	parked   bool      // waiting for its rate, or to read the database again
	until    time.Time // when it may go on
	tokens   float64   // updates it may start now
	counted  time.Time // when tokens were last counted
	overflow bool      // some of its updates wait in the database only
	missed   bool      // an update was left in the database while it was being read
	warned   bool      // told that it sends too fast, since its queue was last empty
	seen     int64     // the newest update submitted for it
}

// dispatcher runs handlers in a bounded pool of workers. Updates of one chat are handled one at a
// time, in the order they arrived; different chats run in parallel and take turns. A chat that
// sends faster than its limit waits, and is told once that its messages will be answered in turn.
type dispatcher struct {
	handle func(storage.InboundUpdate)
	now    func() time.Time
	limit  ChatLimit
	// load reads up to n of a chat's stored, unhandled updates, oldest first.
	load func(chat int64, n int) ([]storage.InboundUpdate, error)
	// warn tells a chat, once per flood, that it is being slowed down.
	warn func(chat int64)

	mu       sync.Mutex
	cond     *sync.Cond
	chats    map[int64]*chatQueue
	ready    []int64              // chats with work, free to run, and no worker on them
	parked   map[int64]*chatQueue // chats waiting for their rate, or to read the database again
	created  int                  // chats met, for sweeping the forgotten ones now and then
	timer    *time.Timer
	wakeAt   time.Time // when the timer fires, on the real clock; zero when it is not set
	queued   int
	maxQueue int
	waiting  int // submitters held back by a full queue
	closed   bool
	workers  sync.WaitGroup
}

// dispatchOptions are a dispatcher's collaborators; only handle is required.
type dispatchOptions struct {
	workers, maxQueue int
	limit             ChatLimit
	now               func() time.Time
	load              func(chat int64, n int) ([]storage.InboundUpdate, error)
	warn              func(chat int64)
}

func newDispatcher(o dispatchOptions, handle func(storage.InboundUpdate)) *dispatcher {
	if o.workers < 1 {
		o.workers = 1
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.limit.Queued < 1 {
		o.limit.Queued = 1 << 30 // nothing to read back from: keep everything in memory
	}
	if o.load == nil {
		o.limit.Queued = 1 << 30
	}
	if o.warn == nil {
		o.warn = func(int64) {}
	}
	d := &dispatcher{
		handle:   handle,
		now:      o.now,
		limit:    o.limit,
		load:     o.load,
		warn:     o.warn,
		chats:    map[int64]*chatQueue{},
		parked:   map[int64]*chatQueue{},
		maxQueue: o.maxQueue,
	}
	d.cond = sync.NewCond(&d.mu)
	d.workers.Add(o.workers)
	for i := 0; i < o.workers; i++ {
		go d.work()
	}
	return d
}

// submit queues an update. It blocks while the queue is full, so a flood slows intake down
// instead of filling memory; the update is already stored, so nothing is lost meanwhile. A chat
// with many updates queued keeps the newer ones in the database, to be read back in turn. It
// reports false once the dispatcher is closed.
func (d *dispatcher) submit(u storage.InboundUpdate) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		if d.closed {
			return false
		}
		// Looked up afresh after each wait: a worker may have forgotten the chat meanwhile.
		c := d.chat(u.ChatID)
		c.seen = max(c.seen, u.UpdateID)
		if c.overflow || len(c.q) >= d.limit.Queued {
			c.overflow, c.missed = true, true
			d.makeReady(u.ChatID, c) // nothing of it in memory: a worker reads it back
			d.cond.Broadcast()
			return true
		}
		if d.queued < d.maxQueue {
			d.enqueue(u.ChatID, c, []storage.InboundUpdate{u})
			return true
		}
		d.waiting++
		d.cond.Broadcast()
		d.cond.Wait()
		d.waiting--
	}
}

func (d *dispatcher) chat(id int64) *chatQueue {
	c := d.chats[id]
	if c == nil {
		if d.created++; d.created%256 == 0 {
			d.sweep()
		}
		c = &chatQueue{tokens: float64(d.limit.Burst), counted: d.now()}
		d.chats[id] = c
	}
	return c
}

// sweep forgets the chats with nothing to do whose whole allowance is back; the caller holds the
// lock.
func (d *dispatcher) sweep() {
	now := d.now()
	for id, c := range d.chats {
		if len(c.q) > 0 || c.running || c.ready || c.parked || c.overflow {
			continue
		}
		if d.limited() {
			d.refill(c, now)
		}
		if !d.limited() || c.tokens >= float64(d.limit.Burst) {
			delete(d.chats, id)
		}
	}
}

// enqueue adds updates to a chat's queue; the caller holds the lock. Should an update be both read
// back and submitted (updates that arrive out of order through a webhook), it is queued twice
// and handled once: the handler claims it in the database.
func (d *dispatcher) enqueue(id int64, c *chatQueue, us []storage.InboundUpdate) {
	c.q = append(c.q, us...)
	d.queued += len(us)
	d.makeReady(id, c)
	d.cond.Broadcast()
}

func (d *dispatcher) makeReady(id int64, c *chatQueue) {
	if (len(c.q) > 0 || c.overflow) && !c.running && !c.ready && !c.parked {
		c.ready = true
		d.ready = append(d.ready, id)
	}
}

// take spends one of the chat's updates, or reports how long it must wait for one.
func (d *dispatcher) take(c *chatQueue, now time.Time) time.Duration {
	if !d.limited() {
		return 0
	}
	d.refill(c, now)
	if c.tokens >= 1 {
		c.tokens--
		return 0
	}
	return time.Duration((1 - c.tokens) * float64(d.limit.Every))
}

func (d *dispatcher) limited() bool { return d.limit.Every > 0 && d.limit.Burst > 0 }

// refill adds what the chat has earned since it was last counted.
func (d *dispatcher) refill(c *chatQueue, now time.Time) {
	if now.After(c.counted) {
		c.tokens += float64(now.Sub(c.counted)) / float64(d.limit.Every)
		c.tokens = min(c.tokens, float64(d.limit.Burst))
		c.counted = now
	}
}

func (d *dispatcher) work() {
	defer d.workers.Done()
	for {
		d.mu.Lock()
		for len(d.ready) == 0 && !d.closed {
			d.cond.Wait()
		}
		if d.closed {
			d.mu.Unlock()
			return
		}
		id := d.ready[0]
		d.ready = d.ready[1:]
		c := d.chats[id]
		c.ready = false
		if len(c.q) == 0 {
			// Its updates wait in the database only: read them back.
			c.running = true
			d.readBack(id, c)
			c.running = false
			d.settle(id, c)
			d.mu.Unlock()
			continue
		}
		now := d.now()
		// Only a person's private chat is paced. A group's updates are many people's: a hundred
		// heads pressing «Đã nhận» under an announcement must not wait for each other, and
		// Telegram's privacy mode already keeps a group's chatter from the bot.
		if wait := d.take(c, now); wait > 0 && id > 0 {
			d.park(id, c, now.Add(wait))
			warn := !c.warned
			c.warned = true
			d.cond.Broadcast()
			d.mu.Unlock()
			if warn {
				d.warn(id)
				d.mu.Lock()
				d.cond.Broadcast() // for those who wait on what the dispatcher did
				d.mu.Unlock()
			}
			continue
		}
		u := c.q[0]
		c.q = c.q[1:]
		d.queued--
		c.running = true
		d.cond.Broadcast()
		d.mu.Unlock()

		d.handle(u)

		d.mu.Lock()
		if len(c.q) == 0 && c.overflow {
			d.readBack(id, c)
		}
		c.running = false
		d.settle(id, c)
		d.mu.Unlock()
	}
}

// readBack reads what of the chat waited in the database: with nothing of it in memory and no
// other worker on it, that is everything of it not yet handled. What is submitted meanwhile is
// marked missed and read the next time. The caller holds the lock, which is let go during the
// read.
func (d *dispatcher) readBack(id int64, c *chatQueue) {
	c.missed = false
	d.mu.Unlock()
	us, err := d.load(id, d.limit.Queued)
	d.mu.Lock()
	if err != nil {
		// The updates stay stored; the chat tries again in a second.
		d.park(id, c, d.now().Add(time.Second))
		return
	}
	// Only what was submitted already: one stored but not yet submitted comes by submit, and
	// taking it here too would queue it twice.
	kept := us[:0]
	for _, u := range us {
		if u.UpdateID <= c.seen {
			kept = append(kept, u)
		}
	}
	if len(kept) < d.limit.Queued && !c.missed {
		c.overflow = false
	}
	d.enqueue(id, c, kept)
}

// settle puts a chat whose worker is done back in line, or forgets it when it has nothing to do
// and its whole allowance is back; the caller holds the lock.
func (d *dispatcher) settle(id int64, c *chatQueue) {
	if len(c.q) == 0 && !c.overflow && !c.parked {
		c.warned = false
		if d.limited() && id > 0 {
			d.refill(c, d.now())
		}
		if !d.limited() || id <= 0 || c.tokens >= float64(d.limit.Burst) {
			delete(d.chats, id)
		}
	}
	d.makeReady(id, c) // to the back: one busy chat cannot starve the others
	d.cond.Broadcast()
}

// park holds a chat back until a time; the caller holds the lock.
func (d *dispatcher) park(id int64, c *chatQueue, until time.Time) {
	c.parked, c.until = true, until
	d.parked[id] = c
	d.schedule(until.Sub(d.now()))
}

// schedule wakes parked chats after wait, unless a wake-up comes sooner; the caller holds the
// lock.
func (d *dispatcher) schedule(wait time.Duration) {
	at := time.Now().Add(wait)
	if !d.wakeAt.IsZero() && d.wakeAt.Before(at) {
		return
	}
	d.wakeAt = at
	if d.timer == nil {
		d.timer = time.AfterFunc(wait, d.wake)
		return
	}
	d.timer.Reset(wait)
}

// wake makes the parked chats whose time has come ready, and schedules the next wake-up.
func (d *dispatcher) wake() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.wakeAt = time.Time{}
	now := d.now()
	var next time.Duration
	for id, c := range d.parked {
		if wait := c.until.Sub(now); wait > 0 {
			if next == 0 || wait < next {
				next = wait
			}
			continue
		}
		c.parked = false
		delete(d.parked, id)
		d.makeReady(id, c)
	}
	if next > 0 && !d.closed {
		d.schedule(next)
	}
	d.cond.Broadcast()
}

// waitIdle blocks until nothing is queued, running or waiting for its rate, or ctx ends.
func (d *dispatcher) waitIdle(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.cond.Broadcast()
		d.mu.Unlock()
	})
	defer stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for !d.idle() && ctx.Err() == nil {
		d.cond.Wait()
	}
	return ctx.Err()
}

func (d *dispatcher) idle() bool {
	if d.queued > 0 || len(d.parked) > 0 {
		return false
	}
	for _, c := range d.chats {
		if c.running || c.overflow {
			return false
		}
	}
	return true
}

// close stops taking work: handlers already running finish (wait for them with wait); queued
// updates stay in the database for the next start.
func (d *dispatcher) close() {
	d.mu.Lock()
	d.closed = true
	if d.timer != nil {
		d.timer.Stop()
	}
	d.cond.Broadcast()
	d.mu.Unlock()
}

// wait waits for the workers to stop after close, or for ctx to end.
func (d *dispatcher) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		d.workers.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
