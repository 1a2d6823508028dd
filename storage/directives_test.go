package storage_test

import (
	"errors"
	"testing"
	"time"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

func TestPublishDirective(t *testing.T) {
	clock := storagetest.NewClock(t0)
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, s *storage.Store) {
		clock.Set(t0)
		u := storagetest.Province(t, s)
		lan := storagetest.Join(t, s, 1, "Lan", u["TH_A"], storage.RoleHead)
		storagetest.Join(t, s, 2, "Minh", u["TH_A"], storage.RoleDeputy)
		hoa := storagetest.Join(t, s, 3, "Hoa", u["THCS_A"], storage.RoleHead)
		// Lan also heads a second school: she gets one message, not two.
		inv := storagetest.Must(s.CreateInvite(ctx, storage.NewInvite{UnitID: u["TH_B"].ID, Role: storage.RoleHead, MaxUses: 1}))(t)
		storagetest.Must(s.RedeemInvite(ctx, inv.Code, storage.TelegramUser{ID: 1, FirstName: "Lan"}))(t)
		officer := storagetest.Join(t, s, 9, "Quang", u["XA_A"], storage.RoleSupervisor)
		if err := s.GroupJoined(ctx, -100, "Hiệu trưởng xã An Phú"); err != nil {
			t.Fatal(err)
		}
		if err := s.LinkGroup(ctx, -100, "Hiệu trưởng xã An Phú", u["XA_A"].ID, officer.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.LinkGroup(ctx, -200, "Sở", u["SO"].ID, officer.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.LinkGroup(ctx, -300, "Bình Minh", u["XA_B"].ID, officer.ID); err != nil {
			t.Fatal(err)
		}
		due := storagetest.Must(storage.ParseDate("2026-12-15"))(t)
		pub, err := s.PublishDirective(ctx, storage.Publication{
			Directive: storage.Directive{Kind: "Chỉ thị", Number: "23/CT-UBND", Title: "Về nhiệm vụ năm học", SchoolYear: "2026-2027", PublishedBy: &officer.ID},
			Tasks: []storage.NewTask{
				{Title: "Rà soát mạng lưới", Due: due, Citation: "¶2.1", Cadence: storage.CadenceMonthly},
				{Title: "Tập huấn giáo viên", Due: due, Citation: "¶2.2"},
			},
			SchoolIDs: []int64{u["TH_A"].ID, u["THCS_A"].ID, u["TH_B"].ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(pub.Tasks) != 2 || pub.Assignments != 6 || pub.Heads != 2 || pub.Groups != 3 {
			t.Fatalf("published: %+v", pub)
		}
		// Published before: to which of the schools, found by kind and number.
		// (Published with no date of issue: any date matches it.)
		before, ok, err := s.PublishedBefore(ctx, "Chỉ thị", "23/CT-UBND", storage.Date{Year: 2026, Month: 9, Day: 1}, []int64{u["TH_A"].ID, u["MN_A"].ID, u["TH_B"].ID})
		if err != nil || !ok || before.Directive.ID != pub.Directive.ID || before.Schools != 2 {
			t.Fatalf("published before: %+v %v %v", before, ok, err)
		}
		for _, q := range [][2]string{{"Chỉ thị", "24/CT-UBND"}, {"Kế hoạch", "23/CT-UBND"}, {"Chỉ thị", ""}} {
			if _, ok, err := s.PublishedBefore(ctx, q[0], q[1], storage.Date{}, []int64{u["TH_A"].ID}); ok || err != nil {
				t.Fatalf("%v: found %v %v", q, ok, err)
			}
		}
		if _, ok, _ := s.PublishedBefore(ctx, "Chỉ thị", "23/CT-UBND", storage.Date{}, []int64{u["MN_A"].ID}); ok {
			t.Fatal("found for a school it did not reach")
		}
		if tk := pub.Tasks[0]; tk.DirectiveID == nil || *tk.DirectiveID != pub.Directive.ID || tk.Citation != "¶2.1" || tk.Cadence != storage.CadenceMonthly || pub.Tasks[1].Cadence != storage.CadenceOnce {
			t.Fatalf("task: %+v", tk)
		}
		// The heads follow the new tasks; Lan's message lists her two schools' tasks.
		a := storagetest.Must(s.AssignmentBySeq(ctx, u["THCS_A"].ID, 1))(t)
		if a.Task.DirectiveID == nil || *a.Task.DirectiveID != pub.Directive.ID || a.Task.Citation != "¶2.1" || a.Task.Cadence != storage.CadenceMonthly {
			t.Fatalf("an assignment's task lost where it came from: %+v", a.Task)
		}
		if subs := storagetest.Must(s.Subscribers(ctx, a.ID))(t); len(subs) != 1 || subs[0].ID != hoa.ID {
			t.Fatalf("subscribers: %v", subs)
		}
		items := storagetest.Must(s.NoticeItems(ctx, storage.KindDirectiveNotice, pub.Directive.ID, lan.ID))(t)
		if len(items) != 4 {
			t.Fatalf("Lan's notice: %d items", len(items))
		}
		due2 := storagetest.Must(s.DueMessages(ctx, clock.Now(), 100, nil))(t)
		if len(due2) != 5 {
			t.Fatalf("queued: %+v", due2)
		}
		if got := storagetest.Must(s.DueMessages(ctx, clock.Now(), 100, []int64{-100, -200, -300}))(t); len(got) != 2 {
			t.Fatalf("leaving out the groups: %d", len(got))
		}
		// Enqueueing the same key again changes nothing.
		if err := s.Enqueue(ctx, []storage.OutboxMessage{{Kind: storage.KindDirectiveAnnounce, ChatID: -100, RefID: pub.Directive.ID, Key: "directive:" + itoa(pub.Directive.ID) + ":g-100"}}); err != nil {
			t.Fatal(err)
		}
		if got := storagetest.Must(s.DueMessages(ctx, clock.Now(), 100, nil))(t); len(got) != 5 {
			t.Fatalf("a key queued twice: %d", len(got))
		}
		// Acknowledgements, per school, once.
		fresh := storagetest.Must(s.AckDirective(ctx, pub.Directive.ID, lan.ID, -100, []int64{u["TH_A"].ID, u["TH_B"].ID, u["MN_A"].ID}))(t)
		if len(fresh) != 2 {
			t.Fatalf("acked: %v", fresh)
		}
		if again := storagetest.Must(s.AckDirective(ctx, pub.Directive.ID, lan.ID, -100, []int64{u["TH_A"].ID}))(t); len(again) != 0 {
			t.Fatalf("acked twice: %v", again)
		}
		if _, err := s.AckDirective(ctx, pub.Directive.ID, 99, -100, []int64{u["MN_A"].ID}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a school that did not receive it: %v", err)
		}
		// The commune officer sees the two schools of the commune; an admin all three.
		sum := storagetest.Must(s.DirectiveByID(ctx, pub.Directive.ID, []int64{u["XA_A"].ID}, false))(t)
		if sum.Schools != 2 || sum.Acked != 1 || sum.Tasks != 2 {
			t.Fatalf("summary for the commune: %+v", sum)
		}
		list, total, err := s.Directives(ctx, nil, true, 0, 10)
		if err != nil || total != 1 || list[0].Schools != 3 || list[0].Acked != 2 {
			t.Fatalf("all: %+v %d %v", list, total, err)
		}
		if list, total, _ := s.Directives(ctx, []int64{u["XA_B"].ID, u["THPT_1"].ID}, false, 0, 10); total != 1 || list[0].Schools != 1 {
			t.Fatalf("XA_B: %+v", list)
		}
		if _, total, _ := s.Directives(ctx, []int64{u["THPT_1"].ID}, false, 0, 10); total != 0 {
			t.Fatal("a unit with no recipient sees the directive")
		}
		// Sending: sent, retried, failed; a group that became a supergroup.
		m := due2[0]
		if err := s.MarkSent(ctx, m.ID, 77); err != nil {
			t.Fatal(err)
		}
		if err := s.Retry(ctx, due2[1].ID, clock.Now().Add(time.Minute), "429"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkFailed(ctx, due2[2].ID, "403 blocked"); err != nil {
			t.Fatal(err)
		}
		if got := storagetest.Must(s.DueMessages(ctx, clock.Now(), 100, nil))(t); len(got) != 2 {
			t.Fatalf("after sending: %d due", len(got))
		}
		clock.Advance(time.Minute)
		if got := storagetest.Must(s.DueMessages(ctx, clock.Now(), 100, nil))(t); len(got) != 3 {
			t.Fatalf("after the retry time: %d due", len(got))
		}
		if err := s.MoveChat(ctx, -100, -1001234); err != nil {
			t.Fatal(err)
		}
		g := storagetest.Must(s.Group(ctx, -1001234))(t)
		if g.Unit == nil || g.Unit.Code != "XA_A" {
			t.Fatalf("moved group: %+v", g)
		}
		if failed := storagetest.Must(s.Outbox(ctx, storage.OutboxFailed, 10))(t); len(failed) != 1 || failed[0].LastError != "403 blocked" {
			t.Fatalf("failed: %+v", failed)
		}
	})
}

func TestTaskNotices(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		u := storagetest.Province(t, s)
		storagetest.Join(t, s, 1, "Lan", u["TH_A"], storage.RoleHead)
		due := storagetest.Must(storage.ParseDate("2026-12-15"))(t)
		if _, _, err := s.CreateTask(ctx, storage.NewTask{Title: "Không báo", Due: due}, []int64{u["TH_A"].ID}); err != nil {
			t.Fatal(err)
		}
		task, _, err := s.CreateTask(ctx, storage.NewTask{Title: "Có báo", Due: due, Notify: true}, []int64{u["TH_A"].ID, u["TH_B"].ID})
		if err != nil {
			t.Fatal(err)
		}
		msgs := storagetest.Must(s.DueMessages(ctx, time.Now().Add(time.Hour), 10, nil))(t)
		if len(msgs) != 1 || msgs[0].Kind != storage.KindTaskNotice || msgs[0].RefID != task.ID || msgs[0].ChatID != 1 {
			t.Fatalf("notices: %+v", msgs)
		}
	})
}

func itoa(n int64) string {
	return storagetest.Itoa(n)
}

// Numbers start again each year: next year's plan of the same number is another directive.
func TestPublishedBeforeByDate(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		u := storagetest.Province(t, s)
		due := storagetest.Must(storage.ParseDate("2026-12-15"))(t)
		dated := storagetest.Must(s.PublishDirective(ctx, storage.Publication{
			Directive: storage.Directive{Kind: "Kế hoạch", Number: "01/KH-SGDĐT", IssuedOn: storage.Date{Year: 2026, Month: 1, Day: 5}},
			Tasks:     []storage.NewTask{{Title: "Rà soát", Due: due}}, SchoolIDs: []int64{u["TH_A"].ID}}))(t)
		if _, ok, _ := s.PublishedBefore(ctx, "Kế hoạch", "01/KH-SGDĐT", storage.Date{Year: 2027, Month: 1, Day: 4}, []int64{u["TH_A"].ID}); ok {
			t.Fatal("next year's plan of the same number was taken for this one")
		}
		if got, ok, _ := s.PublishedBefore(ctx, "Kế hoạch", "01/KH-SGDĐT", storage.Date{Year: 2026, Month: 1, Day: 5}, []int64{u["TH_A"].ID}); !ok || got.Directive.ID != dated.Directive.ID {
			t.Fatalf("the same plan: %+v %v", got, ok)
		}
	})
}
