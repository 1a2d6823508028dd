package scheduler_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"nhacviec/scheduler"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

// at is a local time in Vietnam.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

type remindEnv struct {
	t     *testing.T
	ctx   context.Context
	clock *storagetest.Clock
	st    *storage.Store
	s     *scheduler.Scheduler
	u     map[string]storage.Unit
}

func newRemindEnv(t *testing.T, st *storage.Store, clock *storagetest.Clock) *remindEnv {
	u := storagetest.Province(t, st)
	s := scheduler.New(scheduler.Options{Store: st, Now: clock.Now, Location: hcm})
	return &remindEnv{t: t, ctx: context.Background(), clock: clock, st: st, s: s, u: u}
}

// run ticks at the local time and returns what was queued: for each message, its kind, member
// and items as "assignment:rule@day".
func (e *remindEnv) run(when string) []string {
	e.t.Helper()
	before, err := e.st.Outbox(e.ctx, storage.OutboxPending, 100000)
	if err != nil {
		e.t.Fatal(err)
	}
	n, err := e.s.RemindAt(e.ctx, at(when))
	if err != nil {
		e.t.Fatal(err)
	}
	after, err := e.st.Outbox(e.ctx, storage.OutboxPending, 100000)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(after)-len(before) != n {
		e.t.Fatalf("RemindAt said %d, the outbox grew by %d", n, len(after)-len(before))
	}
	var out []string
	for _, m := range after[:n] { // newest first
		items, _, err := e.st.RemindersInBatch(e.ctx, m.Key)
		if err != nil {
			e.t.Fatal(err)
		}
		var parts []string
		for _, it := range items {
			parts = append(parts, fmt.Sprintf("%d:%s@%s", it.AssignmentID, it.Rule, it.RuleDate))
		}
		out = append(out, fmt.Sprintf("%s %d %s", m.Kind, *m.MemberID, strings.Join(parts, ",")))
	}
	sort.Strings(out)
	return out
}

func (e *remindEnv) expect(when string, want ...string) {
	e.t.Helper()
	got := e.run(when)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		e.t.Errorf("at %s:\n got %q\nwant %q", when, got, want)
	}
}

// The ladder end to end on the database: the time of day, weekends, one message per member, a
// tick run twice, catching up after downtime with the latest reminder only, escalation once,
// snoozing, and a finished task falling silent.
func TestRemindersOnTheDatabase(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, st *storage.Store) {
		clock := storagetest.NewClock(at("2026-11-23 08:00"))
		e := newRemindEnv(t, st, clock)
		lan := storagetest.Join(t, st, 1001, "Lan", e.u["TH_A"], storage.RoleHead)
		nam := storagetest.Join(t, st, 1002, "Nam", e.u["THCS_A"], storage.RoleHead)
		sup := storagetest.Join(t, st, 1003, "Bình", e.u["XA_A"], storage.RoleSupervisor)
		_, a := storagetest.Task(t, st, "Tập huấn", "2026-12-18", e.u["TH_A"], e.u["THCS_A"])
		_, b := storagetest.Task(t, st, "Kiểm tra", "2026-12-18", e.u["TH_A"])
		la, na, lb := a[0].ID, a[1].ID, b[0].ID
		if a[0].UnitID != e.u["TH_A"].ID {
			la, na = na, la
		}
		id := func(n int64) string { return fmt.Sprint(n) }

		e.expect("2026-12-08 09:00") // nothing due yet
		e.expect("2026-12-09 07:00") // d-7, but before 07:30
		e.expect("2026-12-09 07:30",
			"reminder "+id(lan.ID)+" "+id(la)+":d-7@2026-12-09,"+id(lb)+":d-7@2026-12-09",
			"reminder "+id(nam.ID)+" "+id(na)+":d-7@2026-12-09")
		e.expect("2026-12-09 07:35") // run again: nothing twice
		e.expect("2026-12-12 09:00") // Saturday
		// Down from 9 to 17 December: d-3 is skipped, d-1 comes once.
		e.expect("2026-12-17 10:00",
			"reminder "+id(lan.ID)+" "+id(la)+":d-1@2026-12-17,"+id(lb)+":d-1@2026-12-17",
			"reminder "+id(nam.ID)+" "+id(na)+":d-1@2026-12-17")
		e.expect("2026-12-17 22:00") // quiet hours, and nothing new anyway

		// Nam finishes; Lan snoozes task b for three days.
		if _, err := st.CreateReport(e.ctx, storage.NewReport{AssignmentID: na, MemberID: nam.ID, Progress: 100, Result: "Xong", Source: storage.SourceLine}); err != nil {
			t.Fatal(err)
		}
		if err := st.Snooze(e.ctx, lan.ID, []int64{lb}, storage.Date{Year: 2026, Month: 12, Day: 21}); err != nil {
			t.Fatal(err)
		}
		e.expect("2026-12-18 07:30", "reminder "+id(lan.ID)+" "+id(la)+":d0@2026-12-18")
		e.expect("2026-12-21 07:30", "reminder "+id(lan.ID)+" "+id(lb)+":snooze@2026-12-21")
		e.expect("2026-12-23 07:30", "reminder "+id(lan.ID)+" "+id(la)+":od1@2026-12-23,"+id(lb)+":od1@2026-12-23")
		// The second overdue reminder tells the commune's supervisor, once per school and task.
		e.expect("2026-12-28 07:30",
			"escalation "+id(sup.ID)+" "+id(la)+":escalate@2026-12-18,"+id(lb)+":escalate@2026-12-18",
			"reminder "+id(lan.ID)+" "+id(la)+":od2@2026-12-28,"+id(lb)+":od2@2026-12-28")
		e.expect("2026-12-31 07:30", "reminder "+id(lan.ID)+" "+id(la)+":od3@2026-12-31,"+id(lb)+":od3@2026-12-31")
		e.expect("2027-01-01 07:30") // New Year's Day
	})
}

// A deadline on a holiday is reminded that morning all the same; a member's own time and quiet
// hours are kept; reminders off means none.
func TestRemindersTimeAndSettings(t *testing.T) {
	clock := storagetest.NewClock(at("2026-11-23 08:00"))
	st := storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	e := newRemindEnv(t, st, clock)
	lan := storagetest.Join(t, st, 1001, "Lan", e.u["TH_A"], storage.RoleHead)
	hoa := storagetest.Join(t, st, 1002, "Hoa", e.u["TH_B"], storage.RoleHead)
	_, a := storagetest.Task(t, st, "Báo cáo cuối năm", "2027-01-01", e.u["TH_A"], e.u["TH_B"])
	if err := st.SetReminderSettings(e.ctx, lan.ID, storage.ReminderSettings{RemindAt: 13 * 60, QuietFrom: 22 * 60, QuietTo: 6 * 60}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetReminderSettings(e.ctx, hoa.ID, storage.ReminderSettings{RemindAt: 450, QuietFrom: 1260, QuietTo: 390, Off: true}); err != nil {
		t.Fatal(err)
	}
	e.expect("2027-01-01 12:59")
	e.expect("2027-01-01 13:00", fmt.Sprintf("reminder %d %d:d0@2027-01-01", lan.ID, a[0].ID))
}

// Computing the due set does not depend on when the process started: a weekly task is chased per
// week, and a week reported in is quiet.
func TestRemindersWeekly(t *testing.T) {
	e, clock, st, lan, a := weeklyTask(t)
	// Week of 16–20 November: d-3 on Tuesday 17, d-1 Thursday 19, d0 Friday 20.
	e.expect("2026-11-17 08:00", fmt.Sprintf("reminder %d %d:d-3@2026-11-17", lan.ID, a))
	clock.Set(at("2026-11-18 09:00"))
	if _, err := st.CreateReport(e.ctx, storage.NewReport{AssignmentID: a, MemberID: lan.ID, Progress: 20, Result: "Tuần này đã họp tổ", Source: storage.SourceLine}); err != nil {
		t.Fatal(err)
	}
	e.expect("2026-11-19 08:00") // this week is reported
	e.expect("2026-11-20 08:00")
	// Next week: nothing reported; Friday 27 is its deadline, then it is chased as overdue.
	e.expect("2026-11-24 08:00", fmt.Sprintf("reminder %d %d:d-3@2026-11-24", lan.ID, a))
	e.expect("2026-11-27 08:00", fmt.Sprintf("reminder %d %d:d0@2026-11-27", lan.ID, a))
	e.expect("2026-12-02 08:00", fmt.Sprintf("reminder %d %d:od1@2026-12-02", lan.ID, a))
}

// Supervisors are told of a late school whoever its members are and whenever they are reminded:
// at the supervisor's own time, and even when the head muted the task.
func TestEscalationDoesNotDependOnTheHead(t *testing.T) {
	clock := storagetest.NewClock(at("2026-11-23 08:00"))
	st := storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	e := newRemindEnv(t, st, clock)
	lan := storagetest.Join(t, st, 1001, "Lan", e.u["TH_A"], storage.RoleHead)
	sup := storagetest.Join(t, st, 1003, "Bình", e.u["XA_A"], storage.RoleSupervisor)
	_, a := storagetest.Task(t, st, "Kiểm tra", "2026-12-18", e.u["TH_A"])
	if err := st.SetReminderSettings(e.ctx, sup.ID, storage.ReminderSettings{RemindAt: 8 * 60, QuietFrom: 1260, QuietTo: 390}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetFollowing(e.ctx, lan.ID, a[0].ID, false); err != nil {
		t.Fatal(err)
	}
	e.expect("2026-12-28 07:30")
	e.expect("2026-12-28 08:00", fmt.Sprintf("escalation %d %d:escalate@2026-12-18", sup.ID, a[0].ID))
	e.expect("2026-12-29 08:00")
}

// A late report for one week makes up for that week, not for the next one as well; a weekly
// task is not reminded on Monday of a rung that fell in the week before.
func TestWeeklyWindowsCountTheirOwnReports(t *testing.T) {
	e, clock, st, lan, a := weeklyTask(t)
	e.expect("2026-11-17 08:00", fmt.Sprintf("reminder %d %d:d-3@2026-11-17", lan.ID, a))
	e.expect("2026-11-20 08:00", fmt.Sprintf("reminder %d %d:d0@2026-11-20", lan.ID, a))
	// Monday 23: the week of the 20th was not reported: chased as overdue, not d-7 of the 27th.
	e.expect("2026-11-23 08:00")
	clock.Set(at("2026-11-23 09:00"))
	if _, err := st.CreateReport(e.ctx, storage.NewReport{AssignmentID: a, MemberID: lan.ID, Progress: 30, Result: "Báo cáo tuần trước", Source: storage.SourceLine}); err != nil {
		t.Fatal(err)
	}
	// That report made up for last week; this week still wants its own.
	e.expect("2026-11-24 08:00", fmt.Sprintf("reminder %d %d:d-3@2026-11-24", lan.ID, a))
	clock.Set(at("2026-11-25 09:00"))
	if _, err := st.CreateReport(e.ctx, storage.NewReport{AssignmentID: a, MemberID: lan.ID, Progress: 100, Result: "Tuần này", Source: storage.SourceLine}); err != nil {
		t.Fatal(err)
	}
	e.expect("2026-11-26 08:00")
	e.expect("2026-11-27 08:00")
	// A 100 % report does not end a weekly task: next week is chased.
	e.expect("2026-12-01 08:00", fmt.Sprintf("reminder %d %d:d-3@2026-12-01", lan.ID, a))
}

// weeklyTask is a weekly report for TH_A until May, its head Lan, on Monday 16 November 2026.
func weeklyTask(t *testing.T) (*remindEnv, *storagetest.Clock, *storage.Store, storage.Member, int64) {
	t.Helper()
	clock := storagetest.NewClock(at("2026-11-16 08:00"))
	st := storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	e := newRemindEnv(t, st, clock)
	lan := storagetest.Join(t, st, 1001, "Lan", e.u["TH_A"], storage.RoleHead)
	d, _ := storage.ParseDate("2027-05-28")
	_, as, err := st.CreateTask(e.ctx, storage.NewTask{Title: "Báo cáo tuần", Due: d, Cadence: storage.CadenceWeekly}, []int64{e.u["TH_A"].ID})
	if err != nil {
		t.Fatal(err)
	}
	return e, clock, st, lan, as[0].ID
}
