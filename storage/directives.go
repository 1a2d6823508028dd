package storage

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Publication is a directive ready to publish: its metadata, the tasks taken from it, and the
// schools that receive them.
type Publication struct {
	Directive Directive
	Tasks     []NewTask
	SchoolIDs []int64
}

// Published tells what publishing did.
type Published struct {
	Directive   Directive
	Tasks       []Task
	Assignments int
	Heads       int // heads told, one message each
	Groups      int // linked groups told
}

// PublishDirective creates the directive, its tasks and their assignments in one transaction,
// subscribes the schools' heads, and queues one message for each head (listing the school's new
// tasks) and one announcement for each group linked to a receiving school or a unit above it.
func (s *Store) PublishDirective(ctx context.Context, p Publication) (Published, error) {
	var out Published
	schoolIDs := uniqueIDs(p.SchoolIDs)
	if len(schoolIDs) == 0 || len(p.Tasks) == 0 {
		return out, ErrNoSchools
	}
	err := s.Tx(ctx, func(tx *Store) error {
		var n int64
		if err := tx.q(ctx).Model(&Unit{}).Where("id IN ? AND kind = ?", schoolIDs, KindSchool).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(schoolIDs) {
			return ErrNoSchools
		}
		d := p.Directive
		d.ID, d.PublishedAt = 0, tx.clock()
		if err := tx.q(ctx).Create(&d).Error; err != nil {
			return err
		}
		out.Directive = d
		for _, nt := range p.Tasks {
			task, as, err := tx.createTask(ctx, nt, &d.ID, schoolIDs)
			if err != nil {
				return err
			}
			out.Tasks = append(out.Tasks, task)
			out.Assignments += len(as)
		}
		key := "directive:" + itoa(d.ID)
		if err := tx.notifyHeads(ctx, KindDirectiveNotice, d.ID, key, schoolIDs); err != nil {
			return err
		}
		if err := tx.q(ctx).Model(&OutboxMessage{}).Where("kind = ? AND ref_id = ?", KindDirectiveNotice, d.ID).Count(&n).Error; err != nil {
			return err
		}
		out.Heads = int(n)
		groups, err := tx.GroupsAbove(ctx, schoolIDs)
		if err != nil {
			return err
		}
		var msgs []OutboxMessage
		for _, g := range groups {
			msgs = append(msgs, OutboxMessage{Kind: KindDirectiveAnnounce, ChatID: g.ChatID, RefID: d.ID, Key: key + ":g" + itoa(g.ChatID)})
		}
		out.Groups = len(msgs)
		return tx.Enqueue(ctx, msgs)
	})
	if errors.Is(err, ErrNoSchools) {
		return Published{}, err
	}
	return out, wrap("publish directive", err)
}

// DirectiveSummary is a directive with how its schools stand.
type DirectiveSummary struct {
	Directive Directive
	Tasks     int
	Schools   int
	Acked     int
}

// Directives lists directives with a task for a school beneath the units (every directive with
// all), newest first.
func (s *Store) Directives(ctx context.Context, under []int64, all bool, offset, limit int) ([]DirectiveSummary, int, error) {
	scope, args := "", []any{}
	if !all {
		if len(under) == 0 {
			return nil, 0, nil
		}
		scope = " AND a.unit_id IN (" + subtreeCTE + " SELECT id FROM sub)"
		args = append(args, under)
	}
	var ids []int64
	if err := s.q(ctx).Raw(`SELECT DISTINCT t.directive_id FROM tasks t JOIN assignments a ON a.task_id = t.id
		WHERE t.directive_id IS NOT NULL`+scope+` ORDER BY t.directive_id DESC`, args...).Scan(&ids).Error; err != nil {
		return nil, 0, wrap("directives", err)
	}
	total := len(ids)
	if offset >= len(ids) {
		return nil, total, nil
	}
	ids = ids[offset:min(len(ids), offset+limit)]
	out := make([]DirectiveSummary, 0, len(ids))
	for _, id := range ids {
		sum, err := s.directiveSummary(ctx, id, under, all)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, sum)
	}
	return out, total, nil
}

func (s *Store) directiveSummary(ctx context.Context, id int64, under []int64, all bool) (DirectiveSummary, error) {
	var sum DirectiveSummary
	if err := s.q(ctx).Take(&sum.Directive, id).Error; err != nil {
		return sum, wrap("directive", err)
	}
	schools, err := s.DirectiveSchools(ctx, id, under, all)
	if err != nil {
		return sum, err
	}
	sum.Schools = len(schools)
	for _, sc := range schools {
		if sc.Acked != nil {
			sum.Acked++
		}
	}
	var n int64
	err = s.q(ctx).Model(&Task{}).Where("directive_id = ?", id).Count(&n).Error
	sum.Tasks = int(n)
	return sum, wrap("directive", err)
}

// Republished is what an earlier publication of a directive with the same kind and number did
// to some schools: the first such directive, and how many of the schools it reached.
type Republished struct {
	Directive Directive
	Schools   int
}

// PublishedBefore finds whether a directive of this kind, number and date of issue was already
// published to any of the schools, so that publishing it again, by mistake, is caught before it
// gives them every task twice. Numbers start again each year, so a known date must match too (or
// be unknown on the earlier one). It returns the first such directive and how many of the
// schools any of them reached; ok is false when none did (or the number is unknown).
func (s *Store) PublishedBefore(ctx context.Context, kind, number string, issued Date, schoolIDs []int64) (r Republished, ok bool, err error) {
	kind, number = strings.TrimSpace(kind), strings.TrimSpace(number)
	if number == "" || len(schoolIDs) == 0 {
		return r, false, nil
	}
	match, args := "d.kind = ? AND d.number = ?", []any{kind, number}
	if !issued.IsZero() {
		match += " AND (d.issued_on = ? OR d.issued_on = '')"
		args = append(args, issued)
	}
	var hit struct {
		First   int64
		Schools int
	}
	err = s.q(ctx).Raw(`SELECT MIN(d.id) AS first, COUNT(DISTINCT a.unit_id) AS schools FROM directives d
		JOIN tasks t ON t.directive_id = d.id JOIN assignments a ON a.task_id = t.id
		WHERE `+match+` AND a.unit_id IN ?`, append(args, uniqueIDs(schoolIDs))...).Scan(&hit).Error
	if err != nil || hit.Schools == 0 {
		return r, false, wrap("published before", err)
	}
	if err := s.q(ctx).Take(&r.Directive, hit.First).Error; err != nil {
		return r, false, wrap("published before", err)
	}
	r.Schools = hit.Schools
	return r, true, nil
}

// DirectiveByID returns a directive with how its schools beneath the units stand.
func (s *Store) DirectiveByID(ctx context.Context, id int64, under []int64, all bool) (DirectiveSummary, error) {
	return s.directiveSummary(ctx, id, under, all)
}

// DirectiveTasks lists a directive's tasks.
func (s *Store) DirectiveTasks(ctx context.Context, id int64) ([]Task, error) {
	var ts []Task
	err := s.q(ctx).Where("directive_id = ?", id).Order("id").Find(&ts).Error
	return ts, wrap("directive tasks", err)
}

// SchoolAck is a school that received a directive, and whether it acknowledged it.
type SchoolAck struct {
	Unit  Unit
	Acked *DirectiveAck
}

// DirectiveSchools lists the schools beneath the units (all with all) that received the
// directive, by code, each with its acknowledgement if any.
func (s *Store) DirectiveSchools(ctx context.Context, id int64, under []int64, all bool) ([]SchoolAck, error) {
	q := s.q(ctx).Model(&Unit{}).Where("id IN (SELECT a.unit_id FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.directive_id = ?)", id)
	if !all {
		if len(under) == 0 {
			return nil, nil
		}
		q = q.Where("id IN ("+subtreeCTE+" SELECT id FROM sub)", under)
	}
	var units []Unit
	if err := q.Order("code").Find(&units).Error; err != nil {
		return nil, wrap("directive schools", err)
	}
	var acks []DirectiveAck
	if err := s.q(ctx).Where("directive_id = ?", id).Find(&acks).Error; err != nil {
		return nil, wrap("directive schools", err)
	}
	byUnit := map[int64]*DirectiveAck{}
	for i := range acks {
		byUnit[acks[i].UnitID] = &acks[i]
	}
	out := make([]SchoolAck, len(units))
	for i, u := range units {
		out[i] = SchoolAck{Unit: u, Acked: byUnit[u.ID]}
	}
	return out, nil
}

// AckDirective records that the member's schools among those that received the directive
// acknowledged it, and returns the schools newly recorded. Pressing again changes nothing.
func (s *Store) AckDirective(ctx context.Context, directiveID, memberID, chatID int64, schoolIDs []int64) ([]Unit, error) {
	if len(schoolIDs) == 0 {
		return nil, nil
	}
	var receiving []Unit
	if err := s.q(ctx).Where("id IN ? AND id IN (SELECT a.unit_id FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE t.directive_id = ?)",
		schoolIDs, directiveID).Order("code").Find(&receiving).Error; err != nil {
		return nil, wrap("ack directive", err)
	}
	var fresh []Unit
	for _, u := range receiving {
		res := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&DirectiveAck{DirectiveID: directiveID, UnitID: u.ID, MemberID: memberID, ChatID: chatID})
		if res.Error != nil {
			return nil, wrap("ack directive", res.Error)
		}
		if res.RowsAffected == 1 {
			fresh = append(fresh, u)
		}
	}
	if len(receiving) == 0 {
		return nil, wrap("ack directive", ErrNotFound)
	}
	return fresh, nil
}

// DirectiveOf returns the directive a task came from, if any.
func (s *Store) DirectiveOf(ctx context.Context, t Task) (*Directive, error) {
	if t.DirectiveID == nil {
		return nil, nil
	}
	var d Directive
	err := s.q(ctx).Take(&d, *t.DirectiveID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &d, wrap("directive of task", err)
}

// NoticeItems lists what a head's message about a task or a directive shows: the member's
// schools' assignments of that task, or of that directive's tasks, by school and number.
func (s *Store) NoticeItems(ctx context.Context, kind string, refID, memberID int64) ([]Assignment, error) {
	where := "a.task_id = ?"
	if kind == KindDirectiveNotice {
		where = "t.directive_id = ?"
	}
	var ids []int64
	if err := s.q(ctx).Raw(`SELECT a.id FROM assignments a JOIN tasks t ON t.id = a.task_id
		JOIN memberships ms ON ms.unit_id = a.unit_id AND ms.member_id = ?
		WHERE `+where+` AND ms.role IN ? ORDER BY a.unit_id, a.seq`, memberID, refID, []Role{RoleHead, RoleDeputy}).Scan(&ids).Error; err != nil {
		return nil, wrap("notice items", err)
	}
	out := make([]Assignment, 0, len(ids))
	for _, id := range ids {
		a, err := s.AssignmentByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// citationOK trims a citation to what the column holds.
func citationOK(c string) string {
	c = strings.TrimSpace(c)
	if len(c) > 128 {
		c = c[:128]
	}
	return c
}
