package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"nhacviec/scheduler"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// Of two instances on one database, one leads; when it stops renewing (it died), the other takes
// over once the lease has run out, within the TTL.
func TestOneInstanceLeads(t *testing.T) {
	clock := storagetest.NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		a := scheduler.New(scheduler.Options{Store: st, Now: clock.Now, Instance: "a", LeaseTTL: time.Minute})
		b := scheduler.New(scheduler.Options{Store: st, Now: clock.Now, Instance: "b", LeaseTTL: time.Minute})
		if !a.TryLead(ctx) || b.TryLead(ctx) {
			t.Fatal("a leads, b waits")
		}
		clock.Advance(40 * time.Second)
		if !a.TryLead(ctx) || b.TryLead(ctx) {
			t.Fatal("a renews")
		}
		clock.Advance(61 * time.Second) // a died: no renewal
		if !b.TryLead(ctx) || a.TryLead(ctx) || !b.Leading() || a.Leading() {
			t.Fatal("b takes over; a, back, follows")
		}
	})
}

// Two running instances send every queued message once between them; when the leader stops, the
// other sends what comes next.
func TestOnlyTheLeaderSends(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, st *storage.Store) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		da := &fakeDeliverer{script: map[int64][]error{}, notify: make(chan struct{}, 100)}
		db := &fakeDeliverer{script: map[int64][]error{}, notify: make(chan struct{}, 100)}
		opts := func(name string, d scheduler.Deliverer) scheduler.Options {
			// A TTL far above any stall of a loaded test machine: the take-over here comes from
			// the leader giving the lease up, not from it expiring.
			return scheduler.Options{Store: st, Deliverer: d, Instance: name, LeaseTTL: 3 * time.Second,
				OutboxPoll: 5 * time.Millisecond, Rates: fastRates}
		}
		a := scheduler.New(opts("a", da))
		a.Start()
		defer a.Stop() // stopping twice is harmless
		b := scheduler.New(opts("b", db))
		b.Start()
		defer b.Stop()
		if !a.Leading() || b.Leading() {
			t.Fatal("a started first and leads")
		}
		var msgs []storage.OutboxMessage
		for i := range 20 {
			msgs = append(msgs, storage.OutboxMessage{Kind: storage.KindTaskNotice, ChatID: int64(100 + i), Key: fmt.Sprint("first", i)})
		}
		if err := st.Enqueue(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			select {
			case <-da.notify:
			case <-db.notify:
				t.Fatal("the follower sent")
			case <-ctx.Done():
				t.Fatal("not all sent")
			}
		}
		a.Stop() // gives the lease up
		if err := st.Enqueue(ctx, []storage.OutboxMessage{{Kind: storage.KindTaskNotice, ChatID: 500, Key: "second"}}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-db.notify:
		case <-da.notify:
			t.Fatal("a stopped but sent")
		case <-ctx.Done():
			t.Fatal("b never took over")
		}
		if len(da.deliveries()) != 20 || len(db.deliveries()) != 1 {
			t.Fatalf("a sent %d, b %d", len(da.deliveries()), len(db.deliveries()))
		}
	})
}
