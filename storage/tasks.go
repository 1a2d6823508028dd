package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrNoSchools means a task's recipients contain no school.
var ErrNoSchools = errors.New("storage: no school among the recipients")

// NewTask describes a task to create.
type NewTask struct {
	Title    string
	Body     string
	Due      Date
	Citation string  // the directive's item it comes from, e.g. I.2.b
	Cadence  Cadence // how often schools report; once by default
	Notify   bool    // tell the schools' heads (through the outbox)
}

// CreateTask creates the task and assigns it to the schools, in one transaction. Each school gives
// the task its next short number, and the school's heads are subscribed to it.
func (s *Store) CreateTask(ctx context.Context, nt NewTask, schoolIDs []int64) (Task, []Assignment, error) {
	schoolIDs = uniqueIDs(schoolIDs)
	if len(schoolIDs) == 0 {
		return Task{}, nil, ErrNoSchools
	}
	var (
		task Task
		as   []Assignment
	)
	err := s.Tx(ctx, func(tx *Store) error {
		var n int64
		if err := tx.q(ctx).Model(&Unit{}).Where("id IN ? AND kind = ?", schoolIDs, KindSchool).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(schoolIDs) {
			return ErrNoSchools
		}
		var err error
		task, as, err = tx.createTask(ctx, nt, nil, schoolIDs)
		if err != nil || !nt.Notify {
			return err
		}
		return tx.notifyHeads(ctx, KindTaskNotice, task.ID, "task:"+itoa(task.ID), schoolIDs)
	})
	if errors.Is(err, ErrNoSchools) {
		return Task{}, nil, err
	}
	return task, as, wrap("create task", err)
}

// createTask writes a task and its assignments.
func (s *Store) createTask(ctx context.Context, nt NewTask, directiveID *int64, schoolIDs []int64) (Task, []Assignment, error) {
	if nt.Cadence == "" {
		nt.Cadence = CadenceOnce
	}
	task := Task{Title: strings.TrimSpace(nt.Title), Body: strings.TrimSpace(nt.Body), Due: nt.Due,
		DirectiveID: directiveID, Citation: citationOK(nt.Citation), Cadence: nt.Cadence}
	if err := s.q(ctx).Omit(clause.Associations).Create(&task).Error; err != nil {
		return Task{}, nil, err
	}
	as, err := s.assign(ctx, task, schoolIDs)
	return task, as, err
}

// notifyHeads queues one message of the kind for each head of the schools, keyed so that it is
// queued once: key is the message's subject ("task:12"), the head's id is added.
func (s *Store) notifyHeads(ctx context.Context, kind string, refID int64, key string, schoolIDs []int64) error {
	var heads []struct {
		MemberID   int64
		TelegramID int64
	}
	for _, chunk := range chunks(schoolIDs, 500) {
		var part []struct {
			MemberID   int64
			TelegramID int64
		}
		if err := s.q(ctx).Raw(`SELECT DISTINCT m.id AS member_id, m.telegram_id FROM memberships ms JOIN members m ON m.id = ms.member_id
			WHERE ms.unit_id IN ? AND ms.role = ? ORDER BY m.id`, chunk, RoleHead).Scan(&part).Error; err != nil {
			return err
		}
		heads = append(heads, part...)
	}
	seen := map[int64]bool{}
	msgs := make([]OutboxMessage, 0, len(heads))
	for _, h := range heads {
		if seen[h.MemberID] {
			continue
		}
		seen[h.MemberID] = true
		id := h.MemberID
		msgs = append(msgs, OutboxMessage{Kind: kind, ChatID: h.TelegramID, MemberID: &id, RefID: refID, Key: key + ":m" + itoa(id)})
	}
	return s.Enqueue(ctx, msgs)
}

// assign gives the task to the schools: next short number per school, assignments, heads subscribed.
func (s *Store) assign(ctx context.Context, task Task, schoolIDs []int64) ([]Assignment, error) {
	var as []Assignment
	for _, chunk := range chunks(schoolIDs, 500) {
		// Taking the numbers with an UPDATE locks the schools' rows on PostgreSQL until commit, so
		// two tasks created at once cannot get the same number in a school.
		if err := s.q(ctx).Model(&Unit{}).Where("id IN ?", chunk).
			Update("task_seq", gorm.Expr("task_seq + 1")).Error; err != nil {
			return nil, err
		}
		var units []Unit
		if err := s.q(ctx).Where("id IN ?", chunk).Order("code").Find(&units).Error; err != nil {
			return nil, err
		}
		batch := make([]Assignment, 0, len(units))
		for _, u := range units {
			batch = append(batch, Assignment{TaskID: task.ID, UnitID: u.ID, Seq: u.TaskSeq, Due: task.Due})
		}
		if err := s.q(ctx).CreateInBatches(&batch, 200).Error; err != nil {
			return nil, err
		}
		for i := range batch {
			batch[i].Task = task
			batch[i].Unit = units[i]
		}
		as = append(as, batch...)
	}
	now := s.clock()
	err := s.q(ctx).Exec(`INSERT INTO subscriptions (member_id, assignment_id, muted, reason, created_at, updated_at)
		SELECT m.member_id, a.id, ?, ?, ?, ? FROM memberships m JOIN assignments a ON a.unit_id = m.unit_id
		WHERE a.task_id = ? AND m.role = ?
		ON CONFLICT DO NOTHING`, false, SubscribedAsHead, now, now, task.ID, RoleHead).Error
	return as, err
}

func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// AssignmentFilter selects assignments.
type AssignmentFilter struct {
	UnitIDs  []int64 // the schools
	OpenOnly bool    // only those not yet at 100 %
	Offset   int
	Limit    int // 0: all
}

// Assignments lists assignments with their task and school, by school and short number.
func (s *Store) Assignments(ctx context.Context, f AssignmentFilter) ([]Assignment, int, error) {
	q := s.q(ctx).Model(&Assignment{}).Where("unit_id IN ?", f.UnitIDs)
	if f.OpenOnly {
		q = q.Where("progress < 100")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, wrap("assignments", err)
	}
	var as []Assignment
	q = q.Preload("Task").Preload("Unit").Preload("Assignee").Order("unit_id").Order("seq").Offset(f.Offset)
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	err := q.Find(&as).Error
	return as, int(total), wrap("assignments", err)
}

// CountAssignments counts the assignments of the schools: all and those done (100 %).
func (s *Store) CountAssignments(ctx context.Context, unitIDs []int64) (all, done int, err error) {
	var row struct{ Total, Done int }
	err = s.q(ctx).Model(&Assignment{}).Select("COUNT(*) AS total, COALESCE(SUM(CASE WHEN progress >= 100 THEN 1 ELSE 0 END), 0) AS done").
		Where("unit_id IN ?", unitIDs).Scan(&row).Error
	return row.Total, row.Done, wrap("count assignments", err)
}

// AssignmentBySeq finds a school's task by its short number.
func (s *Store) AssignmentBySeq(ctx context.Context, unitID int64, seq int) (Assignment, error) {
	return s.assignment(ctx, "assignment by number", "a.unit_id = ? AND a.seq = ?", unitID, seq)
}

// AssignmentByID finds an assignment with its task and school.
func (s *Store) AssignmentByID(ctx context.Context, id int64) (Assignment, error) {
	return s.assignment(ctx, "assignment by id", "a.id = ?", id)
}

// assignment loads one assignment with its task and school in one query, scanned by hand (it
// runs for most updates), and its assignee when it has one.
func (s *Store) assignment(ctx context.Context, op, where string, args ...any) (Assignment, error) {
	var a Assignment
	rows, err := s.q(ctx).Raw(`SELECT a.id, a.task_id, a.unit_id, a.seq, a.due, a.assignee_id, a.progress, a.last_report_id,
		a.last_report_at, a.completed_at, a.created_at,
		t.title, t.body, t.due, t.created_at, t.directive_id, t.citation, t.cadence,
		u.code, u.name, u.kind, u.parent_id, u.level, u.task_seq, u.created_at, u.updated_at
		FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id
		WHERE `+where, args...).Rows()
	if err != nil {
		return a, wrap(op, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return a, wrap(op, err)
		}
		return a, wrap(op, ErrNotFound)
	}
	var assignee, lastReport, parent, directive sql.NullInt64
	var lastAt, completedAt sql.NullTime
	err = rows.Scan(&a.ID, &a.TaskID, &a.UnitID, &a.Seq, &a.Due, &assignee, &a.Progress, &lastReport,
		&lastAt, &completedAt, &a.CreatedAt,
		&a.Task.Title, &a.Task.Body, &a.Task.Due, &a.Task.CreatedAt, &directive, &a.Task.Citation, &a.Task.Cadence,
		&a.Unit.Code, &a.Unit.Name, &a.Unit.Kind, &parent, &a.Unit.Level, &a.Unit.TaskSeq, &a.Unit.CreatedAt, &a.Unit.UpdatedAt)
	if err != nil {
		return a, wrap(op, err)
	}
	_ = rows.Close()
	a.Task.ID, a.Unit.ID = a.TaskID, a.UnitID
	if directive.Valid {
		a.Task.DirectiveID = &directive.Int64
	}
	if parent.Valid {
		a.Unit.ParentID = &parent.Int64
	}
	if lastReport.Valid {
		a.LastReportID = &lastReport.Int64
	}
	if lastAt.Valid {
		a.LastReportAt = &lastAt.Time
	}
	if completedAt.Valid {
		a.CompletedAt = &completedAt.Time
	}
	if assignee.Valid {
		a.AssigneeID = &assignee.Int64
		var m Member
		if err := s.q(ctx).Take(&m, assignee.Int64).Error; err != nil {
			return a, wrap(op, err)
		}
		a.Assignee = &m
	}
	return a, nil
}

// SetAssignee hands the assignment to a deputy (phân công phụ trách), or takes it back with nil.
// The new assignee is subscribed; a previous assignee who was subscribed only because of the
// hand-over is unsubscribed.
func (s *Store) SetAssignee(ctx context.Context, assignmentID int64, memberID *int64) error {
	return wrap("set assignee", s.atomic(ctx, func(tx *Store) error {
		var a Assignment
		if err := tx.q(ctx).Take(&a, assignmentID).Error; err != nil {
			return err
		}
		if a.AssigneeID != nil && (memberID == nil || *a.AssigneeID != *memberID) {
			if err := tx.q(ctx).Where("member_id = ? AND assignment_id = ? AND reason = ?", *a.AssigneeID, a.ID, SubscribedAsAssignee).
				Delete(&Subscription{}).Error; err != nil {
				return err
			}
		}
		if err := tx.q(ctx).Model(&Assignment{}).Where("id = ?", a.ID).Update("assignee_id", memberID).Error; err != nil {
			return err
		}
		if memberID == nil {
			return nil
		}
		now := tx.clock()
		return tx.q(ctx).Exec(`INSERT INTO subscriptions (member_id, assignment_id, muted, reason, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (member_id, assignment_id) DO UPDATE SET muted = ?, updated_at = ?`,
			*memberID, a.ID, false, SubscribedAsAssignee, now, now, false, now).Error
	}))
}

// Subscription returns the member's subscription to the assignment, or ErrNotFound.
func (s *Store) Subscription(ctx context.Context, memberID, assignmentID int64) (Subscription, error) {
	var sub Subscription
	err := s.q(ctx).Where("member_id = ? AND assignment_id = ?", memberID, assignmentID).Take(&sub).Error
	return sub, wrap("subscription", err)
}

// SetFollowing subscribes the member to the assignment and unmutes it, or mutes it.
func (s *Store) SetFollowing(ctx context.Context, memberID, assignmentID int64, follow bool) error {
	now := s.clock()
	err := s.q(ctx).Exec(`INSERT INTO subscriptions (member_id, assignment_id, muted, reason, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (member_id, assignment_id) DO UPDATE SET muted = ?, updated_at = ?`,
		memberID, assignmentID, !follow, SubscribedBySelf, now, now, !follow, now).Error
	return wrap("set following", err)
}

// Subscribers lists the members who follow the assignment and have not muted it.
func (s *Store) Subscribers(ctx context.Context, assignmentID int64) ([]Member, error) {
	var ms []Member
	err := s.q(ctx).Joins("JOIN subscriptions ON subscriptions.member_id = members.id").
		Where("subscriptions.assignment_id = ? AND subscriptions.muted = ?", assignmentID, false).
		Order("members.id").Find(&ms).Error
	return ms, wrap("subscribers", err)
}

// TaskSummary counts how the schools beneath a unit stand on one task.
type TaskSummary struct {
	Task     Task
	Schools  int
	Done     int
	Overdue  int
	Reported int
}

// TaskSummaries lists the tasks assigned to schools beneath the units (every school with all),
// by deadline, with counts per status as of today.
func (s *Store) TaskSummaries(ctx context.Context, under []int64, all bool, today Date, offset, limit int) ([]TaskSummary, int, error) {
	where, args := "", []any{}
	if !all {
		if len(under) == 0 {
			return nil, 0, nil
		}
		where = "WHERE a.unit_id IN (" + subtreeCTE + " SELECT id FROM sub)"
		args = append(args, under)
	}
	var total int64
	if err := s.q(ctx).Raw("SELECT COUNT(DISTINCT a.task_id) FROM assignments a "+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, wrap("task summaries", err)
	}
	var rows []struct {
		ID                               int64
		Title                            string
		Due                              Date
		Schools, Done, Overdue, Reported int
	}
	sql := `SELECT t.id, t.title, t.due, COUNT(*) AS schools,
		SUM(CASE WHEN a.progress >= 100 THEN 1 ELSE 0 END) AS done,
		SUM(CASE WHEN a.progress < 100 AND a.due < ? THEN 1 ELSE 0 END) AS overdue,
		SUM(CASE WHEN a.last_report_at IS NOT NULL THEN 1 ELSE 0 END) AS reported
		FROM assignments a JOIN tasks t ON t.id = a.task_id ` + where + `
		GROUP BY t.id, t.title, t.due ORDER BY t.due, t.id LIMIT ? OFFSET ?`
	qargs := append([]any{today}, args...)
	qargs = append(qargs, limit, offset)
	if err := s.q(ctx).Raw(sql, qargs...).Scan(&rows).Error; err != nil {
		return nil, 0, wrap("task summaries", err)
	}
	out := make([]TaskSummary, len(rows))
	for i, r := range rows {
		out[i] = TaskSummary{Task: Task{ID: r.ID, Title: r.Title, Due: r.Due}, Schools: r.Schools, Done: r.Done, Overdue: r.Overdue, Reported: r.Reported}
	}
	return out, int(total), nil
}
