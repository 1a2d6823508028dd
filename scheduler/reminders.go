package scheduler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"time"

	"nhacviec/calendar"
	"nhacviec/storage"
)

// ReminderStore is what reminding needs from storage.
type ReminderStore interface {
	ReminderCandidates(ctx context.Context, seriesEndedSince storage.Date) ([]storage.OpenAssignment, []storage.Follower, error)
	ReportCounts(ctx context.Context, cadence storage.Cadence, since, split time.Time) (map[int64][2]int, error)
	RemindersSince(ctx context.Context, since storage.Date) (map[storage.ReminderKey]bool, error)
	RecordReminders(ctx context.Context, batches []storage.ReminderBatch) (int, error)
	SupervisorsOf(ctx context.Context, unitID int64) ([]storage.Member, error)
	DaysOff(ctx context.Context) ([]storage.DayOff, error)
	Supervisions(ctx context.Context) ([]storage.Supervision, error)
	LinkedGroups(ctx context.Context) ([]storage.GroupChat, error)
	Enqueue(ctx context.Context, msgs []storage.OutboxMessage) error
}

// QueueDigests queues the weekly digest, and its chart, for every supervisor and each unit they
// oversee, and the weekly summary for every group linked to a unit, once per day whatever runs
// it; the text is worked out when it is sent. It returns how many digests and summaries it found
// to queue.
func (s *Scheduler) QueueDigests(ctx context.Context, at time.Time) (int, error) {
	sups, err := s.o.Store.Supervisions(ctx)
	if err != nil {
		return 0, err
	}
	groups, err := s.o.Store.LinkedGroups(ctx)
	if err != nil {
		return 0, err
	}
	day := at.In(s.o.Location).Format("2006-01-02")
	msgs := make([]storage.OutboxMessage, 0, 2*len(sups)+len(groups))
	for _, sp := range sups {
		id := sp.MemberID
		for _, kind := range []string{storage.KindDigest, storage.KindDigestChart} {
			msgs = append(msgs, storage.OutboxMessage{Kind: kind, ChatID: sp.TelegramID, MemberID: &id, RefID: sp.UnitID,
				Key: fmt.Sprintf("%s:%d:%d:%s", kind, sp.MemberID, sp.UnitID, day)})
		}
	}
	for _, g := range groups {
		msgs = append(msgs, storage.OutboxMessage{Kind: storage.KindGroupSummary, ChatID: g.ChatID, RefID: *g.UnitID,
			Key: fmt.Sprintf("%s:%d:%s", storage.KindGroupSummary, g.ChatID, day)})
	}
	return len(sups) + len(groups), s.o.Store.Enqueue(ctx, msgs)
}

// Calendar builds the working-day calendar: the public holidays, the days of the holidays file,
// and the days added with "nhacviec holiday".
func (s *Scheduler) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	overrides := append([]calendar.Override(nil), s.o.Holidays...)
	days, err := s.o.Store.DaysOff(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range days {
		overrides = append(overrides, calendar.Override{Date: calendar.Day(d.Date.Year, d.Date.Month, d.Date.Day), Off: d.Off, Name: d.Name})
	}
	return calendar.New(overrides), nil
}

// RunReminders works out, from the database, which reminders are due now and not yet sent, and
// queues one message per member (and one per supervisor for escalations) in one transaction. It
// returns how many messages it queued. Run twice, it queues nothing the second time; after
// downtime it queues the latest reminder of each task, not the ones missed.
func (s *Scheduler) RunReminders(ctx context.Context) (int, error) { return s.RemindAt(ctx, s.o.Now()) }

// RemindAt is RunReminders as if the time were now.
func (s *Scheduler) RemindAt(ctx context.Context, now time.Time) (int, error) {
	batches, err := s.dueReminders(ctx, now)
	if err != nil {
		return 0, err
	}
	return s.o.Store.RecordReminders(ctx, batches)
}

// dueReminders computes the messages to queue at now.
func (s *Scheduler) dueReminders(ctx context.Context, now time.Time) ([]storage.ReminderBatch, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	loc := s.o.Location
	local := now.In(loc)
	today := calendar.DayOf(now, loc)
	minute := local.Hour()*60 + local.Minute()
	open, followers, err := s.o.Store.ReminderCandidates(ctx, toDate(today.AddDate(0, 0, -60)))
	if err != nil {
		return nil, err
	}
	sent, err := s.o.Store.RemindersSince(ctx, toDate(today.AddDate(0, 0, -60)))
	if err != nil {
		return nil, err
	}
	ladder := s.o.Ladder
	type rung struct {
		st step
		ok bool
	}
	rungs := map[time.Time]rung{} // by deadline: thousands of assignments share a few deadlines
	working := cal.IsWorkingDay(today)

	type member struct {
		telegramID int64
		items      []storage.Reminder
	}
	byMember := map[int64]*member{}
	type escalation struct {
		unitID   int64
		deadline time.Time
	}
	escalate := map[int64]escalation{}
	counts := map[string]map[int64][2]int{}

	next := 0 // followers come in assignment order, as the assignments do
	for _, a := range open {
		for next < len(followers) && followers[next].AssignmentID < a.ID {
			next++
		}
		first := next
		for next < len(followers) && followers[next].AssignmentID == a.ID {
			next++
		}
		follows := followers[first:next]
		if a.Due.IsZero() {
			continue
		}
		assigned := calendar.DayOf(a.AssignedAt, loc)
		deadline, start, ok, err := s.windowToChase(ctx, counts, a, today, assigned)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		r, seen := rungs[deadline]
		if !seen {
			r.st, r.ok = ladder.latest(cal, deadline, today)
			rungs[deadline] = r
		}
		if !r.ok {
			continue
		}
		// The school is late however its members are reminded: the supervisors hear of it
		// whether or not a head muted the task, snoozed it or blocked the bot.
		if ladder.EscalateAfter > 0 && r.st.overdue >= ladder.EscalateAfter && !r.st.day.Before(start) {
			escalate[a.ID] = escalation{unitID: a.UnitID, deadline: deadline}
		}
		for _, f := range follows {
			st := r.st
			if snooze := fromDate(f.SnoozedUntil); !f.SnoozedUntil.IsZero() {
				if snooze.After(today) {
					continue
				}
				if st.day.Before(snooze) {
					st = step{rule: storage.RuleSnooze, day: snooze}
				}
			}
			if st.rule != storage.RuleSnooze && st.day.Before(start) {
				continue // a rung from before the task was given, or from the window before
			}
			if !(working || today.Equal(deadline)) || minute < f.RemindAt || storage.Quiet(minute, f.QuietFrom, f.QuietTo) {
				continue
			}
			key := storage.ReminderKey{MemberID: f.MemberID, AssignmentID: a.ID, Rule: st.rule, RuleDate: toDate(st.day)}
			if sent[key] {
				continue
			}
			sent[key] = true
			m := byMember[f.MemberID]
			if m == nil {
				m = &member{telegramID: f.TelegramID}
				byMember[f.MemberID] = m
			}
			m.items = append(m.items, storage.Reminder{MemberID: f.MemberID, AssignmentID: a.ID,
				Rule: st.rule, RuleDate: toDate(st.day), Due: toDate(deadline)})
		}
	}

	// Escalations: each supervisor of a late school hears of it once per deadline.
	supervisors := map[int64][]storage.Member{}
	escBy := map[int64]*member{}
	assignmentIDs := make([]int64, 0, len(escalate))
	for id := range escalate {
		assignmentIDs = append(assignmentIDs, id)
	}
	sort.Slice(assignmentIDs, func(i, j int) bool { return assignmentIDs[i] < assignmentIDs[j] })
	for _, id := range assignmentIDs {
		e := escalate[id]
		sups, ok := supervisors[e.unitID]
		if !ok {
			if sups, err = s.o.Store.SupervisorsOf(ctx, e.unitID); err != nil {
				return nil, err
			}
			supervisors[e.unitID] = sups
		}
		for _, sup := range sups {
			if sup.RemindersOff || sup.UnreachableAt != nil ||
				!s.deliverable(cal, today, time.Time{}, minute, sup.RemindAt, sup.QuietFrom, sup.QuietTo) {
				continue
			}
			key := storage.ReminderKey{MemberID: sup.ID, AssignmentID: id, Rule: storage.RuleEscalated, RuleDate: toDate(e.deadline)}
			if sent[key] {
				continue
			}
			sent[key] = true
			m := escBy[sup.ID]
			if m == nil {
				m = &member{telegramID: sup.TelegramID}
				escBy[sup.ID] = m
			}
			m.items = append(m.items, storage.Reminder{MemberID: sup.ID, AssignmentID: id,
				Rule: storage.RuleEscalated, RuleDate: toDate(e.deadline), Due: toDate(e.deadline)})
		}
	}

	var batches []storage.ReminderBatch
	// Each message lists its tasks by deadline.
	for _, m := range byMember {
		sort.Slice(m.items, func(i, j int) bool {
			a, b := m.items[i], m.items[j]
			if a.Due != b.Due {
				return a.Due.Before(b.Due)
			}
			return a.AssignmentID < b.AssignmentID
		})
	}
	add := func(kind string, all map[int64]*member) {
		ids := make([]int64, 0, len(all))
		for id := range all {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			m := all[id]
			memberID := id
			batches = append(batches, storage.ReminderBatch{Items: m.items, Message: storage.OutboxMessage{
				Kind: kind, ChatID: m.telegramID, MemberID: &memberID, Key: batchKey(kind, id, today, m.items)}})
		}
	}
	add(storage.KindReminder, byMember)
	add(storage.KindEscalation, escBy)
	return batches, nil
}

// windowToChase says which deadline an assignment is chased for today, and from which day its
// rungs count: for a task done once, its deadline, from the day it was given; for a recurring
// task, the report window that is due. A recurring window counts the reports made in it; a late
// report counts first for the window before it that had none. ok is false when nothing is
// wanted (this window's report is in).
func (s *Scheduler) windowToChase(ctx context.Context, cache map[string]map[int64][2]int, a storage.OpenAssignment, today, assigned time.Time) (deadline, start time.Time, ok bool, err error) {
	due := fromDate(a.Due)
	if a.Cadence == "" || a.Cadence == storage.CadenceOnce {
		return due, assigned, true, nil
	}
	ref := today
	if today.After(due) {
		ref = due // the series is over: its last window is the one left to chase
	}
	cur := s.o.Periods.Period(string(a.Cadence), ref)
	prev := s.o.Periods.Previous(string(a.Cadence), cur)
	if cur.Cutoff.After(due) {
		cur.Cutoff = due
	}
	counts, err := s.reportCounts(ctx, cache, a.Cadence, prev.Start, cur.Start)
	if err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	c := counts[a.ID]
	inPrev, inCur := c[0], c[1]-c[0]
	prevWanted := !prev.Cutoff.Before(assigned)
	late := 0 // a report in this window that made up for the window before
	if prevWanted && inPrev == 0 && inCur > 0 {
		late = 1
	}
	switch {
	case prevWanted && inPrev == 0 && inCur == 0:
		return prev.Cutoff, maxTime(prev.Start, assigned), true, nil
	case inCur-late >= 1:
		return time.Time{}, time.Time{}, false, nil
	}
	return cur.Cutoff, maxTime(cur.Start, assigned), true, nil
}

// reportCounts reads the reports counted per window, once per window in a tick (cache).
func (s *Scheduler) reportCounts(ctx context.Context, cache map[string]map[int64][2]int, c storage.Cadence, prevStart, curStart time.Time) (map[int64][2]int, error) {
	key := fmt.Sprint(c, prevStart.Format("2006-01-02"), curStart.Format("2006-01-02"))
	if m, ok := cache[key]; ok {
		return m, nil
	}
	loc := s.o.Location
	since := time.Date(prevStart.Year(), prevStart.Month(), prevStart.Day(), 0, 0, 0, 0, loc)
	split := time.Date(curStart.Year(), curStart.Month(), curStart.Day(), 0, 0, 0, 0, loc)
	m, err := s.o.Store.ReportCounts(ctx, c, since, split)
	if err != nil {
		return nil, err
	}
	cache[key] = m
	return m, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// deliverable reports whether a member may be written to now: a working day (or the deadline
// itself), at or after their reminder time, outside their quiet hours.
func (s *Scheduler) deliverable(cal *calendar.Calendar, today, deadline time.Time, minute, remindAt, quietFrom, quietTo int) bool {
	if !cal.IsWorkingDay(today) && !today.Equal(deadline) {
		return false
	}
	return minute >= remindAt && !storage.Quiet(minute, quietFrom, quietTo)
}

// batchKey names a message by what it carries, so that the same items make the same key.
func batchKey(kind string, memberID int64, today time.Time, items []storage.Reminder) string {
	h := sha256.New()
	var buf []byte
	for _, it := range items {
		buf = strconv.AppendInt(buf[:0], it.AssignmentID, 10)
		buf = append(buf, '/')
		buf = append(buf, it.Rule...)
		buf = append(buf, '/')
		buf = strconv.AppendInt(buf, int64(it.RuleDate.Year*10000+int(it.RuleDate.Month)*100+it.RuleDate.Day), 10)
		buf = append(buf, ';')
		h.Write(buf)
	}
	return fmt.Sprintf("%s:%d:%s:%s", kind, memberID, today.Format("2006-01-02"), hex.EncodeToString(h.Sum(nil))[:16])
}

func toDate(t time.Time) storage.Date {
	return storage.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
}

func fromDate(d storage.Date) time.Time { return calendar.Day(d.Year, d.Month, d.Day) }
