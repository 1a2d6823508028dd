package bot

import (
	"context"
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
	d := newDispatcher(workers, 1000, func(u storage.InboundUpdate) {
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
	d := newDispatcher(1, 2, func(storage.InboundUpdate) { <-block })
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
