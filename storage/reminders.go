package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// OpenAssignment is an assignment the reminder tick looks at: an open one, or a recurring one
// whose series has not long ended (its windows are chased whatever its progress says).
type OpenAssignment struct {
	ID, UnitID int64
	Due        Date // the deadline; for a recurring task, the end of the series
	Cadence    Cadence
	AssignedAt time.Time // when the task was given
}

// Follower is a member who follows an open assignment and may be reminded: still of the school,
// not muted, reminders on, reachable.
type Follower struct {
	AssignmentID, MemberID, TelegramID int64
	RemindAt, QuietFrom, QuietTo       int
	SnoozedUntil                       Date
}

// ReminderCandidates lists what the reminder tick works on: the open assignments (recurring ones
// until a while after their series ended), and who follows them, both by assignment id. It runs on every tick over
// every open assignment, so it reads members and tasks once and the rest with as few columns as
// it can.
func (s *Store) ReminderCandidates(ctx context.Context, seriesEndedSince Date) ([]OpenAssignment, []Follower, error) {
	type task struct {
		cadence Cadence
		created time.Time
	}
	tasks := map[int64]task{}
	rows, err := s.q(ctx).Raw(`SELECT id, cadence, created_at FROM tasks
		WHERE cadence <> ? OR id IN (SELECT DISTINCT task_id FROM assignments WHERE completed_at IS NULL)`, CadenceOnce).Rows()
	if err != nil {
		return nil, nil, wrap("reminder candidates", err)
	}
	for rows.Next() {
		var id int64
		var t task
		if err := rows.Scan(&id, &t.cadence, &t.created); err != nil {
			rows.Close()
			return nil, nil, wrap("reminder candidates", err)
		}
		tasks[id] = t
	}
	rows.Close()

	var n int64
	if err := s.q(ctx).Model(&Assignment{}).Where("completed_at IS NULL").Count(&n).Error; err != nil {
		return nil, nil, wrap("reminder candidates", err)
	}
	open := make([]OpenAssignment, 0, n)
	index := make(map[int64]bool, n)
	rows, err = s.q(ctx).Raw(`SELECT a.id, a.unit_id, a.task_id, a.due FROM assignments a
		WHERE a.completed_at IS NULL
		OR (a.due >= ? AND a.task_id IN (SELECT id FROM tasks WHERE cadence <> ?))
		ORDER BY a.id`, seriesEndedSince, CadenceOnce).Rows()
	if err != nil {
		return nil, nil, wrap("reminder candidates", err)
	}
	for rows.Next() {
		var a OpenAssignment
		var taskID int64
		if err := rows.Scan(&a.ID, &a.UnitID, &taskID, &a.Due); err != nil {
			rows.Close()
			return nil, nil, wrap("reminder candidates", err)
		}
		t := tasks[taskID]
		a.Cadence, a.AssignedAt = t.cadence, t.created
		open = append(open, a)
		index[a.ID] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, wrap("reminder candidates", err)
	}

	type member struct {
		telegramID                   int64
		remindAt, quietFrom, quietTo int
	}
	members := map[int64]member{}
	rows, err = s.q(ctx).Raw(`SELECT id, telegram_id, remind_at, quiet_from, quiet_to FROM members
		WHERE reminders_off = ? AND unreachable_at IS NULL`, false).Rows()
	if err != nil {
		return nil, nil, wrap("reminder candidates", err)
	}
	for rows.Next() {
		var id int64
		var m member
		if err := rows.Scan(&id, &m.telegramID, &m.remindAt, &m.quietFrom, &m.quietTo); err != nil {
			rows.Close()
			return nil, nil, wrap("reminder candidates", err)
		}
		members[id] = m
	}
	rows.Close()

	rows, err = s.q(ctx).Raw(`SELECT s.assignment_id, s.member_id, s.snoozed_until
		FROM subscriptions s
		JOIN assignments a ON a.id = s.assignment_id
		JOIN memberships ms ON ms.member_id = s.member_id AND ms.unit_id = a.unit_id
		WHERE s.muted = ? AND (a.completed_at IS NULL OR a.due >= ?)
		ORDER BY s.assignment_id`, false, seriesEndedSince).Rows()
	if err != nil {
		return nil, nil, wrap("reminder candidates", err)
	}
	defer rows.Close()
	followers := make([]Follower, 0, n)
	for rows.Next() {
		var f Follower
		if err := rows.Scan(&f.AssignmentID, &f.MemberID, &f.SnoozedUntil); err != nil {
			return nil, nil, wrap("reminder candidates", err)
		}
		m, ok := members[f.MemberID]
		if !ok || !index[f.AssignmentID] {
			continue
		}
		f.TelegramID, f.RemindAt, f.QuietFrom, f.QuietTo = m.telegramID, m.remindAt, m.quietFrom, m.quietTo
		followers = append(followers, f)
	}
	return open, followers, wrap("reminder candidates", rows.Err())
}

// ReportCounts counts, for each assignment of a recurring cadence, its reports made from since
// on: those before split, and all of them.
func (s *Store) ReportCounts(ctx context.Context, cadence Cadence, since, split time.Time) (map[int64][2]int, error) {
	rows, err := s.q(ctx).Raw(`SELECT r.assignment_id, SUM(CASE WHEN r.created_at < ? THEN 1 ELSE 0 END), COUNT(*)
		FROM reports r JOIN assignments a ON a.id = r.assignment_id JOIN tasks t ON t.id = a.task_id
		WHERE t.cadence = ? AND r.created_at >= ? GROUP BY r.assignment_id`, split.UTC(), cadence, since.UTC()).Rows()
	if err != nil {
		return nil, wrap("report counts", err)
	}
	defer rows.Close()
	out := map[int64][2]int{}
	for rows.Next() {
		var id int64
		var before, all int
		if err := rows.Scan(&id, &before, &all); err != nil {
			return nil, wrap("report counts", err)
		}
		out[id] = [2]int{before, all}
	}
	return out, wrap("report counts", rows.Err())
}

// ReminderKey names one reminder item: member, assignment, rule and the day of the rule.
type ReminderKey struct {
	MemberID, AssignmentID int64
	Rule                   string
	RuleDate               Date
}

// RemindersSince lists the reminder items recorded for rule days from since on.
func (s *Store) RemindersSince(ctx context.Context, since Date) (map[ReminderKey]bool, error) {
	rows, err := s.q(ctx).Raw(`SELECT member_id, assignment_id, rule, rule_date FROM reminders WHERE rule_date >= ?`, since).Rows()
	if err != nil {
		return nil, wrap("reminders since", err)
	}
	defer rows.Close()
	out := map[ReminderKey]bool{}
	for rows.Next() {
		var k ReminderKey
		if err := rows.Scan(&k.MemberID, &k.AssignmentID, &k.Rule, &k.RuleDate); err != nil {
			return nil, wrap("reminders since", err)
		}
		out[k] = true
	}
	return out, wrap("reminders since", rows.Err())
}

// ReminderBatch is one message: the items it carries and the message itself.
type ReminderBatch struct {
	Items   []Reminder
	Message OutboxMessage
}

// RecordReminders records the items of each batch and queues its message, all in one
// transaction. Items already recorded (a tick run twice) are skipped, and a batch with nothing
// new queues nothing. It returns how many messages it queued.
func (s *Store) RecordReminders(ctx context.Context, batches []ReminderBatch) (int, error) {
	queued := 0
	err := s.atomic(ctx, func(tx *Store) error {
		now := tx.clock()
		for _, b := range batches {
			for i := range b.Items {
				b.Items[i].ID, b.Items[i].Batch, b.Items[i].CreatedAt = 0, b.Message.Key, now
			}
			res := tx.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&b.Items, 200)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				continue
			}
			if err := tx.Enqueue(ctx, []OutboxMessage{b.Message}); err != nil {
				return err
			}
			queued++
		}
		return nil
	})
	return queued, wrap("record reminders", err)
}

// RemindersInBatch lists the items a reminder message carries, with their assignments.
func (s *Store) RemindersInBatch(ctx context.Context, batch string) ([]Reminder, []Assignment, error) {
	var items []Reminder
	if err := s.q(ctx).Where("batch = ?", batch).Order("id").Find(&items).Error; err != nil {
		return nil, nil, wrap("reminders in batch", err)
	}
	as := make([]Assignment, 0, len(items))
	for _, it := range items {
		a, err := s.AssignmentByID(ctx, it.AssignmentID)
		if err != nil {
			return nil, nil, err
		}
		as = append(as, a)
	}
	return items, as, nil
}

// Snooze holds a member's reminders about the assignments until the day given.
func (s *Store) Snooze(ctx context.Context, memberID int64, assignmentIDs []int64, until Date) error {
	err := s.q(ctx).Model(&Subscription{}).Where("member_id = ? AND assignment_id IN ?", memberID, assignmentIDs).
		Updates(map[string]any{"snoozed_until": until, "updated_at": s.clock()}).Error
	return wrap("snooze", err)
}

// SupervisorsOf lists the members who supervise a unit: supervisors of the unit or of a unit
// above it.
func (s *Store) SupervisorsOf(ctx context.Context, unitID int64) ([]Member, error) {
	ancestors, err := s.Ancestors(ctx, unitID)
	if err != nil {
		return nil, err
	}
	ids := []int64{unitID}
	for _, u := range ancestors {
		ids = append(ids, u.ID)
	}
	var memberIDs []int64
	if err := s.q(ctx).Model(&Membership{}).Where("unit_id IN ? AND role = ?", ids, RoleSupervisor).
		Distinct().Order("member_id").Pluck("member_id", &memberIDs).Error; err != nil {
		return nil, wrap("supervisors of", err)
	}
	out := make([]Member, 0, len(memberIDs))
	for _, id := range memberIDs {
		m, err := s.MemberByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// ReminderSettings are what a member chooses with /caidat.
type ReminderSettings struct {
	RemindAt, QuietFrom, QuietTo int
	Off                          bool
}

// SetReminderSettings stores a member's reminder settings.
func (s *Store) SetReminderSettings(ctx context.Context, memberID int64, rs ReminderSettings) error {
	err := s.q(ctx).Model(&Member{}).Where("id = ?", memberID).Updates(map[string]any{
		"remind_at": rs.RemindAt, "quiet_from": rs.QuietFrom, "quiet_to": rs.QuietTo, "reminders_off": rs.Off, "updated_at": s.clock(),
	}).Error
	return wrap("set reminder settings", err)
}

// MarkUnreachable records that Telegram refused to deliver to a private chat (the person blocked
// the bot); nothing more is sent to them until they write again.
func (s *Store) MarkUnreachable(ctx context.Context, telegramID int64) error {
	err := s.q(ctx).Model(&Member{}).Where("telegram_id = ? AND unreachable_at IS NULL", telegramID).
		Update("unreachable_at", s.clock()).Error
	return wrap("mark unreachable", err)
}

// MarkReachable clears the mark when the person writes again.
func (s *Store) MarkReachable(ctx context.Context, memberID int64) error {
	err := s.q(ctx).Model(&Member{}).Where("id = ? AND unreachable_at IS NOT NULL", memberID).
		Update("unreachable_at", nil).Error
	return wrap("mark reachable", err)
}

// DaysOff lists the installation's extra days off and working days.
func (s *Store) DaysOff(ctx context.Context) ([]DayOff, error) {
	var ds []DayOff
	err := s.q(ctx).Order("date").Find(&ds).Error
	return ds, wrap("days off", err)
}

// SetDayOff adds or changes an extra day off (or working day).
func (s *Store) SetDayOff(ctx context.Context, d DayOff) error {
	d.CreatedAt = s.clock()
	err := s.q(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "date"}},
		DoUpdates: clause.AssignmentColumns([]string{"off", "name"})}).Create(&d).Error
	return wrap("set day off", err)
}

// RemoveDayOff forgets an extra day; it reports whether there was one.
func (s *Store) RemoveDayOff(ctx context.Context, d Date) (bool, error) {
	res := s.q(ctx).Where("date = ?", d).Delete(&DayOff{})
	return res.RowsAffected > 0, wrap("remove day off", res.Error)
}

// AcquireLease takes or renews the named lease for holder until now+ttl, unless another holder
// has it and it has not expired. It reports whether holder has the lease.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := s.clock().UTC()
	until := now.Add(ttl)
	var got bool
	err := s.atomic(ctx, func(tx *Store) error {
		if err := tx.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).
			Create(&Lease{Name: name, Holder: holder, ExpiresAt: until, UpdatedAt: now}).Error; err != nil {
			return err
		}
		res := tx.q(ctx).Model(&Lease{}).Where("name = ? AND (holder = ? OR expires_at < ?)", name, holder, now).
			Updates(map[string]any{"holder": holder, "expires_at": until, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		got = res.RowsAffected > 0
		return nil
	})
	return got, wrap("acquire lease", err)
}

// ReleaseLease gives the lease up, so another instance need not wait for it to expire.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	err := s.q(ctx).Model(&Lease{}).Where("name = ? AND holder = ?", name, holder).
		Update("expires_at", time.Unix(0, 0).UTC()).Error
	return wrap("release lease", err)
}

// ErrExtensionPending is returned when an assignment already has a request waiting.
var ErrExtensionPending = errors.New("storage: an extension request is already waiting")

// RequestExtension records a head's request for a later deadline and queues one message to each
// supervisor given, in one transaction.
func (s *Store) RequestExtension(ctx context.Context, r ExtensionRequest, supervisors []Member) (ExtensionRequest, error) {
	err := s.atomic(ctx, func(tx *Store) error {
		var n int64
		if err := tx.q(ctx).Model(&ExtensionRequest{}).Where("assignment_id = ? AND status = ?", r.AssignmentID, ExtensionPending).
			Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrExtensionPending
		}
		now := tx.clock()
		r.ID, r.Status, r.CreatedAt, r.UpdatedAt = 0, ExtensionPending, now, now
		if err := tx.q(ctx).Omit("Assignment", "Member", "Decider").Create(&r).Error; err != nil {
			if errors.Is(wrap("", err), ErrConflict) {
				return ErrExtensionPending // another request got in first
			}
			return err
		}
		msgs := make([]OutboxMessage, 0, len(supervisors))
		for _, sup := range supervisors {
			id := sup.ID
			msgs = append(msgs, OutboxMessage{Kind: KindExtensionAsk, ChatID: sup.TelegramID, MemberID: &id, RefID: r.ID,
				Key: fmt.Sprintf("%s:%d:%d", KindExtensionAsk, r.ID, sup.ID)})
		}
		return tx.Enqueue(ctx, msgs)
	})
	if errors.Is(err, ErrExtensionPending) {
		return r, err
	}
	return r, wrap("request extension", err)
}

// ExtensionByID returns a request with its assignment and the member who asked.
func (s *Store) ExtensionByID(ctx context.Context, id int64) (ExtensionRequest, error) {
	var r ExtensionRequest
	if err := s.q(ctx).Take(&r, id).Error; err != nil {
		return r, wrap("extension by id", err)
	}
	a, err := s.AssignmentByID(ctx, r.AssignmentID)
	if err != nil {
		return r, err
	}
	m, err := s.MemberByID(ctx, r.MemberID)
	if err != nil {
		return r, err
	}
	r.Assignment, r.Member = a, m
	return r, nil
}

// PendingExtension returns the request waiting for an assignment, if any.
func (s *Store) PendingExtension(ctx context.Context, assignmentID int64) (ExtensionRequest, error) {
	var r ExtensionRequest
	err := s.q(ctx).Where("assignment_id = ? AND status = ?", assignmentID, ExtensionPending).Take(&r).Error
	return r, wrap("pending extension", err)
}

// DecideExtension records a supervisor's answer, the first one only: approved moves the
// assignment's deadline (and the reminders with it). The member who asked is told through the
// outbox, in the same transaction. It reports whether this answer was the one recorded.
func (s *Store) DecideExtension(ctx context.Context, id, deciderID int64, approve bool) (bool, error) {
	var decided bool
	err := s.atomic(ctx, func(tx *Store) error {
		status := ExtensionDenied
		if approve {
			status = ExtensionApproved
		}
		now := tx.clock()
		res := tx.q(ctx).Model(&ExtensionRequest{}).Where("id = ? AND status = ?", id, ExtensionPending).
			Updates(map[string]any{"status": status, "decided_by": deciderID, "decided_at": now, "updated_at": now})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		decided = true
		var r ExtensionRequest
		if err := tx.q(ctx).Take(&r, id).Error; err != nil {
			return err
		}
		if approve {
			// Only from the deadline the head asked about: one moved meanwhile stays.
			if err := tx.q(ctx).Model(&Assignment{}).Where("id = ? AND due = ?", r.AssignmentID, r.OldDue).
				Update("due", r.ProposedDue).Error; err != nil {
				return err
			}
			if err := tx.q(ctx).Model(&Subscription{}).Where("assignment_id = ?", r.AssignmentID).Update("snoozed_until", Date{}).Error; err != nil {
				return err
			}
		}
		var m Member
		if err := tx.q(ctx).Take(&m, r.MemberID).Error; err != nil {
			return err
		}
		return tx.Enqueue(ctx, []OutboxMessage{{Kind: KindExtensionDecided, ChatID: m.TelegramID, MemberID: &m.ID, RefID: r.ID,
			Key: fmt.Sprintf("%s:%d", KindExtensionDecided, r.ID)}})
	})
	return decided, wrap("decide extension", err)
}

// ReminderItems lists the items of the message that carried the reminder item id.
func (s *Store) ReminderItems(ctx context.Context, id int64) ([]Reminder, error) {
	var first Reminder
	if err := s.q(ctx).Take(&first, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		return nil, wrap("reminder items", err)
	}
	var items []Reminder
	err := s.q(ctx).Where("batch = ?", first.Batch).Order("id").Find(&items).Error
	return items, wrap("reminder items", err)
}

// Quiet reports whether minute (after midnight) falls in the quiet hours from–to, which may
// wrap past midnight; from = to means none.
func Quiet(minute, from, to int) bool {
	switch {
	case from == to:
		return false
	case from < to:
		return minute >= from && minute < to
	}
	return minute >= from || minute < to
}
