package bot

import (
	"context"
	"sync"

	"nhacviec/storage"
)

// dispatcher runs handlers in a bounded pool of workers. Updates of one chat are handled one at a
// time, in the order they arrived; different chats run in parallel.
type dispatcher struct {
	handle func(storage.InboundUpdate)

	mu       sync.Mutex
	cond     *sync.Cond
	queues   map[int64][]storage.InboundUpdate
	running  map[int64]bool
	ready    []int64 // chats with queued updates and no worker on them
	queued   int
	maxQueue int
	waiting  int // submitters held back by a full queue
	closed   bool
	workers  sync.WaitGroup
}

func newDispatcher(workers, maxQueue int, handle func(storage.InboundUpdate)) *dispatcher {
	if workers < 1 {
		workers = 1
	}
	d := &dispatcher{
		handle:   handle,
		queues:   map[int64][]storage.InboundUpdate{},
		running:  map[int64]bool{},
		maxQueue: maxQueue,
	}
	d.cond = sync.NewCond(&d.mu)
	d.workers.Add(workers)
	for i := 0; i < workers; i++ {
		go d.work()
	}
	return d
}

// submit queues an update. It blocks while the queue is full, so a flood slows intake down
// instead of filling memory; the update is already stored, so nothing is lost meanwhile. It
// reports false once the dispatcher is closed.
func (d *dispatcher) submit(u storage.InboundUpdate) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.queued >= d.maxQueue && !d.closed {
		d.waiting++
		d.cond.Broadcast()
		d.cond.Wait()
		d.waiting--
	}
	if d.closed {
		return false
	}
	q := d.queues[u.ChatID]
	if len(q) == 0 && !d.running[u.ChatID] {
		d.ready = append(d.ready, u.ChatID)
	}
	d.queues[u.ChatID] = append(q, u)
	d.queued++
	d.cond.Broadcast()
	return true
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
		chat := d.ready[0]
		d.ready = d.ready[1:]
		q := d.queues[chat]
		u := q[0]
		if len(q) == 1 {
			delete(d.queues, chat)
		} else {
			d.queues[chat] = q[1:]
		}
		d.queued--
		d.running[chat] = true
		d.cond.Broadcast()
		d.mu.Unlock()

		d.handle(u)

		d.mu.Lock()
		delete(d.running, chat)
		if len(d.queues[chat]) > 0 {
			d.ready = append(d.ready, chat) // to the back: one busy chat cannot starve the others
		}
		d.cond.Broadcast()
		d.mu.Unlock()
	}
}

// waitIdle blocks until nothing is queued or running, or ctx ends.
func (d *dispatcher) waitIdle(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.cond.Broadcast()
		d.mu.Unlock()
	})
	defer stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for (d.queued > 0 || len(d.running) > 0) && ctx.Err() == nil {
		d.cond.Wait()
	}
	return ctx.Err()
}

// close stops taking work: handlers already running finish (wait for them with wait); queued
// updates stay in the database for the next start.
func (d *dispatcher) close() {
	d.mu.Lock()
	d.closed = true
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
