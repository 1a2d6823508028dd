package scheduler

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// BenchmarkDueReminders computes the due set for 45,000 open assignments (1,500 schools with a
// head each, 30 tasks each) on SQLite, at a time when every one of them is due a reminder.
//
//	go test -run '^$' -bench DueReminders -benchmem ./scheduler
func BenchmarkDueReminders(b *testing.B) {
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	clock := storagetest.NewClock(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC))
	st := storagetest.SQLite(b, storagetest.Options{Now: clock.Now})
	ctx := context.Background()
	lines := []string{"SO,Sở GD&ĐT,department,,"}
	for c := range 50 {
		lines = append(lines, fmt.Sprintf("XA%02d,UBND xã %d,commune,SO,", c, c))
		for s := range 30 {
			lines = append(lines, fmt.Sprintf("TH%02d_%02d,Trường %d-%d,school,XA%02d,tieu_hoc", c, s, c, s, c))
		}
	}
	units := storagetest.Tree(b, st, lines...)
	var schools []int64
	for code, u := range units {
		if strings.HasPrefix(code, "TH") {
			schools = append(schools, u.ID)
			storagetest.Join(b, st, 100000+u.ID, "Hiệu trưởng", u, storage.RoleHead)
		}
	}
	for i := range 30 {
		due, _ := storage.ParseDate(fmt.Sprintf("2026-11-%02d", 10+i%10))
		if _, _, err := st.CreateTask(ctx, storage.NewTask{Title: fmt.Sprintf("Nhiệm vụ %d", i), Due: due}, schools); err != nil {
			b.Fatal(err)
		}
	}
	s := New(Options{Store: st, Now: clock.Now, Location: hcm})
	at := time.Date(2026, 11, 16, 8, 0, 0, 0, hcm)
	batches, err := s.dueReminders(ctx, at)
	if err != nil {
		b.Fatal(err)
	}
	items := 0
	for _, bt := range batches {
		items += len(bt.Items)
	}
	if len(batches) != 1500 || items != 45000 {
		b.Fatalf("%d messages, %d items", len(batches), items)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.dueReminders(ctx, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(items), "items")
}
