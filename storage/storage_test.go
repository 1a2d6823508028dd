package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

var ctx = context.Background()

var t0 = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) // 09:00 in Hà Nội

func TestMigrateIsRepeatable(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		got, err := s.AppliedMigrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != strings.Join(storage.MigrationIDs(), ",") {
			t.Fatalf("applied %v, want %v", got, storage.MigrationIDs())
		}
	})
}

func TestSchemaMatchesModels(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		if missing := s.SchemaDrift(ctx); len(missing) > 0 {
			t.Fatalf("the migrations do not create what the models need: %v", missing)
		}
	})
}

func TestImportUnits(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		rows := []storage.UnitRow{
			{Line: 2, Code: "SO", Name: "Sở GD&ĐT", Kind: "department"},
			{Line: 3, Code: "TH_A", Name: "Tiểu học A", Kind: "school", Parent: "XA_A", Level: "tieu_hoc"}, // parent defined below
			{Line: 4, Code: "XA_A", Name: "UBND xã A", Kind: "commune", Parent: "SO"},
		}
		res, err := s.ImportUnits(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		if res != (storage.ImportResult{Created: 3}) {
			t.Fatalf("first import: %+v", res)
		}
		rows[1].Name = "Trường Tiểu học A"
		res, err = s.ImportUnits(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		if res != (storage.ImportResult{Updated: 1, Unchanged: 2}) {
			t.Fatalf("re-import: %+v", res)
		}
		units := storagetest.Must(s.Units(ctx))(t)
		if len(units) != 3 {
			t.Fatalf("re-import duplicated units: %d", len(units))
		}
		th := storagetest.Must(s.UnitByCode(ctx, "TH_A"))(t)
		xa := storagetest.Must(s.UnitByCode(ctx, "XA_A"))(t)
		if th.Name != "Trường Tiểu học A" || th.ParentID == nil || *th.ParentID != xa.ID || th.Level != storage.LevelPrimary {
			t.Fatalf("school after re-import: %+v", th)
		}
		// A partial file moves a school to another commune and leaves the rest alone.
		res, err = s.ImportUnits(ctx, []storage.UnitRow{
			{Line: 2, Code: "XA_B", Name: "UBND xã B", Kind: "commune", Parent: "SO"},
			{Line: 3, Code: "TH_A", Name: "Trường Tiểu học A", Kind: "school", Parent: "XA_B", Level: "tieu_hoc"},
		})
		if err != nil || res != (storage.ImportResult{Created: 1, Updated: 1}) {
			t.Fatalf("partial import: %+v %v", res, err)
		}
		xb := storagetest.Must(s.UnitByCode(ctx, "XA_B"))(t)
		if got := storagetest.Must(s.SchoolsUnder(ctx, []int64{xb.ID}, nil))(t); len(got) != 1 || got[0].Code != "TH_A" {
			t.Fatalf("schools under XA_B: %v", got)
		}
	})
}

func TestImportUnitsRejectsWholeFile(t *testing.T) {
	cases := []struct {
		name   string
		stored []storage.UnitRow
		rows   []storage.UnitRow
		want   []string // "line:reason"
	}{
		{
			name: "unknown parent",
			rows: []storage.UnitRow{{Line: 2, Code: "A", Name: "A", Kind: "department"}, {Line: 3, Code: "B", Name: "B", Kind: "school", Parent: "NOPE", Level: "thcs"}},
			want: []string{"3:unknown_parent"},
		},
		{
			name: "bad kind and level",
			rows: []storage.UnitRow{{Line: 2, Code: "A", Name: "A", Kind: "ministry"}, {Line: 3, Code: "B", Name: "B", Kind: "school", Level: "dai_hoc"}, {Line: 4, Code: "C", Name: "C", Kind: "commune", Level: "thcs"}, {Line: 5, Code: "D", Name: "D", Kind: "school"}},
			want: []string{"2:bad_kind", "3:bad_level", "4:level_not_school", "5:missing_level"},
		},
		{
			name: "duplicate code",
			rows: []storage.UnitRow{{Line: 2, Code: "A", Name: "A", Kind: "department"}, {Line: 3, Code: "A", Name: "A2", Kind: "department"}},
			want: []string{"3:duplicate_code"},
		},
		{
			name: "cycle in the file",
			rows: []storage.UnitRow{{Line: 2, Code: "A", Name: "A", Kind: "department", Parent: "B"}, {Line: 3, Code: "B", Name: "B", Kind: "department", Parent: "A"}},
			want: []string{"2:cycle", "3:cycle"},
		},
		{
			name:   "cycle through stored units",
			stored: []storage.UnitRow{{Line: 2, Code: "A", Name: "A", Kind: "department"}, {Line: 3, Code: "B", Name: "B", Kind: "commune", Parent: "A"}},
			rows:   []storage.UnitRow{{Line: 2, Code: "A", Name: "A", Kind: "department", Parent: "B"}},
			want:   []string{"2:cycle"},
		},
		{
			name: "self parent, missing code and name",
			rows: []storage.UnitRow{{Line: 2, Code: "A", Name: "A", Kind: "department", Parent: "A"}, {Line: 3, Code: "", Name: "", Kind: "department"}, {Line: 4, Code: "bad code", Name: "X", Kind: "department"}},
			want: []string{"2:self_parent", "3:missing_code", "3:missing_name", "4:bad_code"},
		},
		{
			name: "school as parent",
			rows: []storage.UnitRow{{Line: 2, Code: "S", Name: "S", Kind: "school", Level: "thcs"}, {Line: 3, Code: "T", Name: "T", Kind: "school", Parent: "S", Level: "thcs"}},
			want: []string{"3:parent_is_school"},
		},
		{
			name:   "unit with children cannot become a school",
			stored: []storage.UnitRow{{Line: 2, Code: "A", Name: "A", Kind: "commune"}, {Line: 3, Code: "S", Name: "S", Kind: "school", Parent: "A", Level: "thcs"}},
			rows:   []storage.UnitRow{{Line: 7, Code: "A", Name: "A", Kind: "school", Level: "thcs"}},
			want:   []string{"7:has_children"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := storagetest.SQLite(t, storagetest.Options{})
			if tc.stored != nil {
				if _, err := s.ImportUnits(ctx, tc.stored); err != nil {
					t.Fatal(err)
				}
			}
			before := storagetest.Must(s.Units(ctx))(t)
			_, err := s.ImportUnits(ctx, tc.rows)
			var ie *storage.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("want *ImportError, got %v", err)
			}
			var got []string
			for _, p := range ie.Problems {
				got = append(got, fmt.Sprintf("%d:%s", p.Line, p.Reason))
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("problems %v, want %v", got, tc.want)
			}
			after := storagetest.Must(s.Units(ctx))(t)
			if fmt.Sprint(unitCodes(before)) != fmt.Sprint(unitCodes(after)) {
				t.Fatalf("a refused import changed the units: %v → %v", unitCodes(before), unitCodes(after))
			}
		})
	}
}

func unitCodes(us []storage.Unit) []string {
	var out []string
	for _, u := range us {
		p := int64(0)
		if u.ParentID != nil {
			p = *u.ParentID
		}
		out = append(out, fmt.Sprintf("%s/%s/%d", u.Code, u.Kind, p))
	}
	return out
}

func TestSchoolsUnderAnyDepth(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		lines := []string{"L0,Level 0,department,,"}
		for i := 1; i <= 12; i++ {
			lines = append(lines, fmt.Sprintf("L%d,Level %d,department,L%d,", i, i, i-1))
		}
		lines = append(lines, "DEEP,Deep school,school,L12,thcs", "TOP,Top school,school,L0,tieu_hoc")
		u := storagetest.Tree(t, s, lines...)
		got := storagetest.Must(s.SchoolsUnder(ctx, []int64{u["L0"].ID}, nil))(t)
		if len(got) != 2 {
			t.Fatalf("schools under the root: %v", got)
		}
		got = storagetest.Must(s.SchoolsUnder(ctx, []int64{u["L0"].ID}, []storage.Level{storage.LevelLowerSec}))(t)
		if len(got) != 1 || got[0].Code != "DEEP" {
			t.Fatalf("thcs under the root: %v", got)
		}
		if in := storagetest.Must(s.Within(ctx, u["DEEP"].ID, u["L3"].ID))(t); !in {
			t.Fatal("DEEP should be within L3")
		}
		if in := storagetest.Must(s.Within(ctx, u["TOP"].ID, u["L3"].ID))(t); in {
			t.Fatal("TOP is not within L3")
		}
	})
}

func TestInvites(t *testing.T) {
	clock := storagetest.NewClock(t0)
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, s *storage.Store) {
		clock.Set(t0)
		u := storagetest.Province(t, s)
		inv := storagetest.Must(s.CreateInvite(ctx, storage.NewInvite{UnitID: u["TH_A"].ID, Role: storage.RoleHead, MaxUses: 1, TTL: 72 * time.Hour}))(t)
		if !storage.LooksLikeInviteCode(inv.Code) || inv.Unit.Code != "TH_A" {
			t.Fatalf("invite: %+v", inv)
		}
		// Typed by hand, in lower case with a space.
		typed := strings.ToLower(inv.Code[:5]) + " " + inv.Code[5:]
		r, err := s.RedeemInvite(ctx, typed, storage.TelegramUser{ID: 42, FirstName: "Lan"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Unit.Code != "TH_A" || r.Role != storage.RoleHead || len(r.Member.Memberships) != 1 {
			t.Fatalf("redeemed: %+v", r)
		}
		// The same person again: nothing is used up, no error.
		again, err := s.RedeemInvite(ctx, inv.Code, storage.TelegramUser{ID: 42, FirstName: "Lan"})
		if err != nil || !again.AlreadyHad {
			t.Fatalf("second redeem by the same person: %+v %v", again, err)
		}
		// Someone else: used up.
		if _, err := s.RedeemInvite(ctx, inv.Code, storage.TelegramUser{ID: 43}); !errors.Is(err, storage.ErrInviteUsedUp) {
			t.Fatalf("used-up invite: %v", err)
		}
		if _, err := s.MemberByTelegramID(ctx, 43); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a refused invite created a member: %v", err)
		}
		if _, err := s.RedeemInvite(ctx, "ZZZZZZZZZZ", storage.TelegramUser{ID: 44}); !errors.Is(err, storage.ErrInviteUnknown) {
			t.Fatalf("unknown invite: %v", err)
		}
		exp := storagetest.Must(s.CreateInvite(ctx, storage.NewInvite{UnitID: u["TH_B"].ID, Role: storage.RoleDeputy, MaxUses: 5, TTL: time.Hour}))(t)
		clock.Advance(time.Hour)
		if _, err := s.RedeemInvite(ctx, exp.Code, storage.TelegramUser{ID: 45}); !errors.Is(err, storage.ErrInviteExpired) {
			t.Fatalf("expired invite: %v", err)
		}
	})
}

func TestInviteLastUseRace(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		u := storagetest.Province(t, s)
		inv := storagetest.Must(s.CreateInvite(ctx, storage.NewInvite{UnitID: u["TH_A"].ID, Role: storage.RoleDeputy, MaxUses: 3}))(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, lost := 0, 0
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func(id int64) {
				defer wg.Done()
				_, err := s.RedeemInvite(ctx, inv.Code, storage.TelegramUser{ID: id})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errors.Is(err, storage.ErrInviteUsedUp):
					lost++
				default:
					t.Errorf("redeem: %v", err)
				}
			}(int64(100 + i))
		}
		wg.Wait()
		if won != 3 || lost != 7 {
			t.Fatalf("won %d lost %d, want 3 and 7", won, lost)
		}
	})
}

func TestTasksNumbersAndSubscriptions(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		u := storagetest.Province(t, s)
		head := storagetest.Join(t, s, 1, "Lan", u["TH_A"], storage.RoleHead)
		deputy := storagetest.Join(t, s, 2, "Minh", u["TH_A"], storage.RoleDeputy)
		_, a1 := storagetest.Task(t, s, "Tập huấn", "2026-12-15", u["TH_A"], u["TH_B"])
		_, a2 := storagetest.Task(t, s, "Kiểm tra", "2026-12-20", u["TH_B"], u["TH_A"])
		seq := func(as []storage.Assignment, code string) int {
			for _, a := range as {
				if a.Unit.Code == code {
					return a.Seq
				}
			}
			t.Fatalf("no assignment for %s", code)
			return 0
		}
		if seq(a1, "TH_A") != 1 || seq(a1, "TH_B") != 1 || seq(a2, "TH_A") != 2 || seq(a2, "TH_B") != 2 {
			t.Fatalf("numbers: %v %v", a1, a2)
		}
		subs := storagetest.Must(s.Subscribers(ctx, a1[0].ID))(t)
		if len(subs) != 1 || subs[0].ID != head.ID {
			t.Fatalf("subscribers of a new task: %v", subs)
		}
		// A head who joins later follows the tasks already there.
		head2 := storagetest.Join(t, s, 3, "Hoa", u["TH_B"], storage.RoleHead)
		thb := storagetest.Must(s.AssignmentBySeq(ctx, u["TH_B"].ID, 2))(t)
		if subs := storagetest.Must(s.Subscribers(ctx, thb.ID))(t); len(subs) != 1 || subs[0].ID != head2.ID {
			t.Fatalf("late head's subscriptions: %v", subs)
		}
		// Hand over to the deputy, then back.
		tha := storagetest.Must(s.AssignmentBySeq(ctx, u["TH_A"].ID, 1))(t)
		if err := s.SetAssignee(ctx, tha.ID, &deputy.ID); err != nil {
			t.Fatal(err)
		}
		if subs := storagetest.Must(s.Subscribers(ctx, tha.ID))(t); len(subs) != 2 {
			t.Fatalf("after hand-over: %v", subs)
		}
		tha = storagetest.Must(s.AssignmentBySeq(ctx, u["TH_A"].ID, 1))(t)
		if tha.Assignee == nil || tha.Assignee.ID != deputy.ID {
			t.Fatalf("assignee: %+v", tha.Assignee)
		}
		if err := s.SetAssignee(ctx, tha.ID, nil); err != nil {
			t.Fatal(err)
		}
		if subs := storagetest.Must(s.Subscribers(ctx, tha.ID))(t); len(subs) != 1 {
			t.Fatalf("after taking back: %v", subs)
		}
		// Mute and follow again.
		if err := s.SetFollowing(ctx, head.ID, tha.ID, false); err != nil {
			t.Fatal(err)
		}
		if subs := storagetest.Must(s.Subscribers(ctx, tha.ID))(t); len(subs) != 0 {
			t.Fatalf("after mute: %v", subs)
		}
		if err := s.SetFollowing(ctx, head.ID, tha.ID, true); err != nil {
			t.Fatal(err)
		}
		if subs := storagetest.Must(s.Subscribers(ctx, tha.ID))(t); len(subs) != 1 {
			t.Fatalf("after unmute: %v", subs)
		}
		if _, _, err := s.CreateTask(ctx, storage.NewTask{Title: "x", Due: tha.Due}, []int64{u["XA_A"].ID}); !errors.Is(err, storage.ErrNoSchools) {
			t.Fatalf("a task for a commune itself: %v", err)
		}
	})
}

func TestConcurrentTasksGetDistinctNumbers(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		u := storagetest.Province(t, s)
		ids := []int64{u["TH_A"].ID, u["TH_B"].ID, u["THCS_A"].ID}
		due := storagetest.Must(storage.ParseDate("2026-12-31"))(t)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if _, _, err := s.CreateTask(ctx, storage.NewTask{Title: fmt.Sprint("Task ", i), Due: due}, ids); err != nil {
					t.Errorf("create task: %v", err)
				}
			}(i)
		}
		wg.Wait()
		as, total, err := s.Assignments(ctx, storage.AssignmentFilter{UnitIDs: []int64{u["TH_B"].ID}})
		if err != nil || total != 8 {
			t.Fatalf("%d assignments, %v", total, err)
		}
		var seqs []int
		for _, a := range as {
			seqs = append(seqs, a.Seq)
		}
		sort.Ints(seqs)
		if fmt.Sprint(seqs) != "[1 2 3 4 5 6 7 8]" {
			t.Fatalf("numbers %v", seqs)
		}
	})
}

func TestReportsAndCorrections(t *testing.T) {
	clock := storagetest.NewClock(t0)
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, s *storage.Store) {
		clock.Set(t0)
		u := storagetest.Province(t, s)
		head := storagetest.Join(t, s, 1, "Lan", u["TH_A"], storage.RoleHead)
		deputy := storagetest.Join(t, s, 2, "Minh", u["TH_A"], storage.RoleDeputy)
		_, as := storagetest.Task(t, s, "Tập huấn", "2026-12-15", u["TH_A"])
		a := as[0]
		r1 := storagetest.Must(s.CreateReport(ctx, storage.NewReport{AssignmentID: a.ID, MemberID: head.ID, Progress: 50, Result: "Đã tập huấn một nửa", Source: storage.SourceLine,
			Evidence: []storage.Evidence{{Kind: storage.EvidencePhoto, FileID: "ph1", Width: 1280, Height: 960}, {Kind: storage.EvidenceDocument, FileID: "doc1", FileName: "bien-ban.pdf", MimeType: "application/pdf"}}}))(t)
		got := storagetest.Must(s.AssignmentByID(ctx, a.ID))(t)
		if got.Progress != 50 || got.LastReportID == nil || *got.LastReportID != r1.ID || got.CompletedAt != nil {
			t.Fatalf("after 50 %%: %+v", got)
		}
		clock.Advance(time.Hour)
		r2 := storagetest.Must(s.CreateReport(ctx, storage.NewReport{AssignmentID: a.ID, MemberID: deputy.ID, Progress: 100, Result: "Xong", Source: storage.SourceFlow}))(t)
		clock.Advance(time.Hour)
		storagetest.Must(s.CreateReport(ctx, storage.NewReport{AssignmentID: a.ID, MemberID: deputy.ID, Progress: 100, Result: "Bổ sung biên bản", Source: storage.SourceReply}))(t)
		got = storagetest.Must(s.AssignmentByID(ctx, a.ID))(t)
		if got.Progress != 100 || got.CompletedAt == nil || !got.CompletedAt.Equal(r2.CreatedAt) {
			t.Fatalf("completion should date from the first of the 100 %% reports: %+v (r2 at %v)", got, r2.CreatedAt)
		}
		rs, total, err := s.Reports(ctx, storage.ReportFilter{UnitIDs: []int64{u["TH_A"].ID}, Limit: 2})
		if err != nil || total != 3 || len(rs) != 2 || rs[0].Result != "Bổ sung biên bản" || rs[0].Member.ID != deputy.ID || rs[0].Assignment.Task.Title != "Tập huấn" {
			t.Fatalf("reports: %d %+v", total, rs)
		}
		last := storagetest.Must(s.LastReportBy(ctx, head.ID))(t)
		if last.ID != r1.ID || len(last.Evidence) != 2 || last.Evidence[1].FileName != "bien-ban.pdf" {
			t.Fatalf("head's last report: %+v", last)
		}
		// The head corrects within 24 hours: the old values are kept.
		p, res := 60, "Đã tập huấn 60 %"
		fixed, err := s.CorrectReport(ctx, r1.ID, head.ID, storage.Correction{Progress: &p, Result: &res, AddEvidence: []storage.Evidence{{Kind: storage.EvidencePhoto, FileID: "ph2"}}})
		if err != nil {
			t.Fatal(err)
		}
		if fixed.Progress != 60 || fixed.Result != res || fixed.EditedAt == nil || len(fixed.Evidence) != 3 {
			t.Fatalf("corrected: %+v", fixed)
		}
		revs := storagetest.Must(s.Revisions(ctx, r1.ID))(t)
		if len(revs) != 1 || revs[0].Progress != 50 || revs[0].Result != "Đã tập huấn một nửa" {
			t.Fatalf("revisions: %+v", revs)
		}
		// Someone else cannot correct it; nobody can after 24 hours.
		if _, err := s.CorrectReport(ctx, r1.ID, deputy.ID, storage.Correction{Progress: &p}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("correction by another member: %v", err)
		}
		clock.Advance(23 * time.Hour)
		if _, err := s.CorrectReport(ctx, r1.ID, head.ID, storage.Correction{Progress: &p}); !errors.Is(err, storage.ErrTooLate) {
			t.Fatalf("late correction: %v", err)
		}
		// Correcting the latest report below 100 % reopens the task.
		last = storagetest.Must(s.LastReportBy(ctx, deputy.ID))(t)
		p = 90
		if _, err := s.CorrectReport(ctx, last.ID, deputy.ID, storage.Correction{Progress: &p}); err != nil {
			t.Fatal(err)
		}
		got = storagetest.Must(s.AssignmentByID(ctx, a.ID))(t)
		if got.Progress != 90 || got.CompletedAt != nil {
			t.Fatalf("after correcting the latest report to 90 %%: %+v", got)
		}
	})
}

func TestInbox(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		fresh := storagetest.Must(s.SaveUpdates(ctx, []storage.InboundUpdate{{UpdateID: 1, ChatID: 10, Payload: `{"update_id":1}`}, {UpdateID: 2, ChatID: 11, Payload: `{"update_id":2}`}}))(t)
		if len(fresh) != 2 {
			t.Fatalf("fresh: %v", fresh)
		}
		fresh = storagetest.Must(s.SaveUpdates(ctx, []storage.InboundUpdate{{UpdateID: 2, ChatID: 11, Payload: `{"update_id":2}`}, {UpdateID: 3, ChatID: 10, Payload: `{"update_id":3}`}}))(t)
		if len(fresh) != 1 || fresh[0].UpdateID != 3 {
			t.Fatalf("a delivered-again update came back as new: %v", fresh)
		}
		if ok := storagetest.Must(s.ClaimUpdate(ctx, 1, ""))(t); !ok {
			t.Fatal("first claim failed")
		}
		if ok := storagetest.Must(s.ClaimUpdate(ctx, 1, ""))(t); ok {
			t.Fatal("an update was claimed twice")
		}
		pend := storagetest.Must(s.PendingUpdates(ctx, storage.PendingFilter{Limit: 10}))(t)
		if len(pend) != 2 || pend[0].UpdateID != 2 || pend[1].UpdateID != 3 {
			t.Fatalf("pending: %v", pend)
		}
		// A claim inside a transaction that rolls back leaves the update pending.
		_ = s.Tx(ctx, func(tx *storage.Store) error {
			if ok, err := tx.ClaimUpdate(ctx, 2, ""); !ok || err != nil {
				t.Fatalf("claim in tx: %v %v", ok, err)
			}
			return errors.New("handler failed")
		})
		if pend := storagetest.Must(s.PendingUpdates(ctx, storage.PendingFilter{Limit: 10}))(t); len(pend) != 2 {
			t.Fatalf("after rollback: %v", pend)
		}
		// One chat's, and those after an id: how a flood is read back, and a restart catches up.
		chat := int64(10)
		if pend := storagetest.Must(s.PendingUpdates(ctx, storage.PendingFilter{ChatID: &chat, Limit: 10}))(t); len(pend) != 1 || pend[0].UpdateID != 3 {
			t.Fatalf("chat 10's: %v", pend)
		}
		if pend := storagetest.Must(s.PendingUpdates(ctx, storage.PendingFilter{After: 2, Limit: 10}))(t); len(pend) != 1 || pend[0].UpdateID != 3 {
			t.Fatalf("after 2: %v", pend)
		}
		if pend := storagetest.Must(s.PendingUpdates(ctx, storage.PendingFilter{Limit: 1}))(t); len(pend) != 1 || pend[0].UpdateID != 2 {
			t.Fatalf("limit 1: %v", pend)
		}
	})
}

func TestConversations(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, s *storage.Store) {
		c := storage.Conversation{ChatID: 5, UserID: 5, Flow: "report", State: `{"step":1}`}
		if err := s.SaveConversation(ctx, &c); err != nil {
			t.Fatal(err)
		}
		first := c.ID
		c.State = `{"step":2}`
		if err := s.SaveConversation(ctx, &c); err != nil || c.ID != first {
			t.Fatalf("update kept id? %d vs %d, %v", c.ID, first, err)
		}
		got := storagetest.Must(s.Conversation(ctx, 5, 5))(t)
		if got.State != `{"step":2}` {
			t.Fatalf("state %q", got.State)
		}
		fresh := storage.Conversation{ChatID: 5, UserID: 5, Flow: "edit", State: `{}`}
		if err := s.SaveConversation(ctx, &fresh); err != nil || fresh.ID == first {
			t.Fatalf("a new flow must get a new id: %d %v", fresh.ID, err)
		}
		if ok := storagetest.Must(s.DeleteConversation(ctx, 5, 5))(t); !ok {
			t.Fatal("delete reported nothing")
		}
		if _, err := s.Conversation(ctx, 5, 5); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})
}

func TestDates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-12-15", "2026-12-15", true},
		{"15/12/2026", "2026-12-15", true},
		{"5/1/2027", "2027-01-05", true},
		{"2026-02-30", "", false},
		{"31/04/2026", "", false},
		{"mai", "", false},
	} {
		d, err := storage.ParseDate(tc.in)
		if (err == nil) != tc.ok || (tc.ok && d.String() != tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v", tc.in, d, err)
		}
	}
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	// 18:00 UTC on 14/12 is already 15/12 in Việt Nam.
	if d := storage.DateOf(time.Date(2026, 12, 14, 18, 0, 0, 0, time.UTC), hcm); d.String() != "2026-12-15" || d.Format() != "15/12/2026" {
		t.Fatalf("DateOf: %v", d)
	}
	a, b := storage.Date{Year: 2026, Month: 12, Day: 30}, storage.Date{Year: 2027, Month: 1, Day: 2}
	if a.DaysUntil(b) != 3 || b.DaysUntil(a) != -3 || !a.Before(b) || a.AddDays(3) != b {
		t.Fatal("date arithmetic")
	}
}
