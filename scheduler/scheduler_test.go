package scheduler_test

import (
	"context"
	"testing"
	"time"

	"nhacviec/scheduler"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// Handled updates older than the keep period are deleted; recent ones, failed ones and ones not
// yet handled stay.
func TestPruneUpdates(t *testing.T) {
	ctx := context.Background()
	clock := storagetest.NewClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	st := storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	save := func(id int64) {
		if _, err := st.SaveUpdates(ctx, []storage.InboundUpdate{{UpdateID: id, Payload: "{}"}}); err != nil {
			t.Fatal(err)
		}
	}
	save(1)
	save(2)
	save(3)
	if _, err := st.ClaimUpdate(ctx, 1, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimUpdate(ctx, 2, "panic: boom"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * 24 * time.Hour)
	save(4)
	if _, err := st.ClaimUpdate(ctx, 4, ""); err != nil {
		t.Fatal(err)
	}
	s := scheduler.New(scheduler.Options{Store: st, Now: clock.Now, KeepUpdates: 7 * 24 * time.Hour})
	s.PruneUpdates(ctx)
	for id, want := range map[int64]bool{1: false, 2: true, 3: true, 4: true} {
		_, err := st.UpdateByID(ctx, id)
		if got := err == nil; got != want {
			t.Errorf("update %d kept: %v, want %v (%v)", id, got, want, err)
		}
	}
	s.Start()
	s.Stop()
}
