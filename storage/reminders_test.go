package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// One instance holds a lease until it expires or is released; the other takes it then.
func TestLease(t *testing.T) {
	clock := storagetest.NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		take := func(holder string) bool {
			ok, err := s.AcquireLease(ctx, "scheduler", holder, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !take("a") || take("b") || !take("a") {
			t.Fatal("a first, b refused, a renews")
		}
		clock.Advance(59 * time.Second)
		if take("b") {
			t.Fatal("b took an unexpired lease")
		}
		clock.Advance(2 * time.Second)
		if !take("b") || take("a") {
			t.Fatal("b takes the expired lease; a is refused")
		}
		if err := s.ReleaseLease(ctx, "scheduler", "b"); err != nil {
			t.Fatal(err)
		}
		if !take("a") {
			t.Fatal("a takes a released lease")
		}
	})
}

// Days off, unreachable members and reminder settings round-trip.
func TestReminderSettingsAndDaysOff(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		u := storagetest.Province(t, s)
		m := storagetest.Join(t, s, 1001, "Lan", u["TH_A"], storage.RoleHead)
		if err := s.SetReminderSettings(ctx, m.ID, storage.ReminderSettings{RemindAt: 600, QuietFrom: 1320, QuietTo: 360, Off: true}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkUnreachable(ctx, 1001); err != nil {
			t.Fatal(err)
		}
		got := storagetest.Must(s.MemberByID(ctx, m.ID))(t)
		if got.RemindAt != 600 || got.QuietFrom != 1320 || got.QuietTo != 360 || !got.RemindersOff || got.UnreachableAt == nil {
			t.Fatalf("%+v", got)
		}
		if err := s.MarkReachable(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		if got := storagetest.Must(s.MemberByID(ctx, m.ID))(t); got.UnreachableAt != nil {
			t.Fatal("still unreachable")
		}
		d := storage.Date{Year: 2026, Month: 12, Day: 24}
		for _, off := range []bool{true, false} {
			if err := s.SetDayOff(ctx, storage.DayOff{Date: d, Off: off, Name: "Nghỉ"}); err != nil {
				t.Fatal(err)
			}
		}
		ds := storagetest.Must(s.DaysOff(ctx))(t)
		if len(ds) != 1 || ds[0].Off || ds[0].Date != d {
			t.Fatalf("%+v", ds)
		}
		if ok, err := s.RemoveDayOff(ctx, d); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if ok, _ := s.RemoveDayOff(ctx, d); ok {
			t.Fatal("removed twice")
		}
	})
}

// A message is claimed once; one left "sending" by a dead sender is given up, not sent again.
func TestClaimAndAbandon(t *testing.T) {
	clock := storagetest.NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.Enqueue(ctx, []storage.OutboxMessage{{Kind: storage.KindTaskNotice, ChatID: 5, Key: "k"}}); err != nil {
			t.Fatal(err)
		}
		m := storagetest.Must(s.Outbox(ctx, storage.OutboxPending, 1))(t)[0]
		if ok, err := s.ClaimMessage(ctx, m.ID); !ok || err != nil {
			t.Fatal("first claim", ok, err)
		}
		if ok, _ := s.ClaimMessage(ctx, m.ID); ok {
			t.Fatal("claimed twice")
		}
		if due := storagetest.Must(s.DueMessages(ctx, clock.Now(), 10, nil))(t); len(due) != 0 {
			t.Fatal("a message being sent is due")
		}
		if n, _ := s.AbandonInterrupted(ctx, clock.Now().Add(-time.Minute)); n != 0 {
			t.Fatal("abandoned a fresh one")
		}
		clock.Advance(3 * time.Minute)
		if n, _ := s.AbandonInterrupted(ctx, clock.Now().Add(-2*time.Minute)); n != 1 {
			t.Fatal("not abandoned")
		}
		got := storagetest.Must(s.OutboxByID(ctx, m.ID))(t)
		if got.Status != storage.OutboxFailed || got.LastError != storage.InterruptedReason {
			t.Fatalf("%+v", got)
		}
	})
}

// One extension request waits per assignment; an answer moves only the deadline asked about.
func TestExtensionRequests(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		u := storagetest.Province(t, s)
		lan := storagetest.Join(t, s, 1001, "Lan", u["TH_A"], storage.RoleHead)
		sup := storagetest.Join(t, s, 1002, "Bình", u["XA_A"], storage.RoleSupervisor)
		_, as := storagetest.Task(t, s, "Kiểm tra", "2026-12-18", u["TH_A"])
		a := as[0]
		ask := func(to string) (storage.ExtensionRequest, error) {
			d, _ := storage.ParseDate(to)
			return s.RequestExtension(ctx, storage.ExtensionRequest{AssignmentID: a.ID, MemberID: lan.ID, OldDue: a.Due, ProposedDue: d, Reason: "thi"}, []storage.Member{sup})
		}
		r, err := ask("2026-12-28")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ask("2026-12-30"); !errors.Is(err, storage.ErrExtensionPending) {
			t.Fatalf("second request: %v", err)
		}
		// The supervisor's copy is found once it went out, with Telegram's id for it.
		if sent := storagetest.Must(s.SentAbout(ctx, storage.KindExtensionAsk, r.ID))(t); len(sent) != 0 {
			t.Fatalf("before sending: %+v", sent)
		}
		for _, m := range storagetest.Must(s.Outbox(ctx, storage.OutboxPending, 10))(t) {
			if m.Kind == storage.KindExtensionAsk && m.RefID == r.ID {
				if err := s.MarkSent(ctx, m.ID, 777); err != nil {
					t.Fatal(err)
				}
			}
		}
		if sent := storagetest.Must(s.SentAbout(ctx, storage.KindExtensionAsk, r.ID))(t); len(sent) != 1 || sent[0].SentID != 777 || sent[0].ChatID != 1002 {
			t.Fatalf("after sending: %+v", sent)
		}
		if ok, err := s.DecideExtension(ctx, r.ID, sup.ID, true); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if ok, _ := s.DecideExtension(ctx, r.ID, sup.ID, false); ok {
			t.Fatal("decided twice")
		}
		if got := storagetest.Must(s.AssignmentByID(ctx, a.ID))(t); got.Due.String() != "2026-12-28" {
			t.Fatalf("due %s", got.Due)
		}
		// A request about the old deadline, answered after the deadline moved, moves nothing.
		r2, err := s.RequestExtension(ctx, storage.ExtensionRequest{AssignmentID: a.ID, MemberID: lan.ID, OldDue: a.Due,
			ProposedDue: storage.Date{Year: 2027, Month: 1, Day: 5}, Reason: "x"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.DecideExtension(ctx, r2.ID, sup.ID, true); !ok {
			t.Fatal("not decided")
		}
		if got := storagetest.Must(s.AssignmentByID(ctx, a.ID))(t); got.Due.String() != "2026-12-28" {
			t.Fatalf("a stale request moved the deadline to %s", got.Due)
		}
	})
}
