package storage

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"
)

// ExportRow is one school and one task, as an export lists them.
type ExportRow struct {
	SchoolID               int64
	PathIDs                []int64  // the units above the school, from the top
	Path                   []string // their names
	SchoolCode, SchoolName string
	Level                  Level
	TaskID                 int64
	Seq                    int // the task's short number in the school
	Title, Citation        string
	Directive              string // "Chỉ thị 23/CT-UBND", or ""
	Cadence                Cadence
	Due                    Date
	Status                 Status
	Progress               int
	ReportAt               *time.Time // the latest report
	Result                 string
	Difficulties           string
	Proposals              string
	Evidence               int // files over all the school's reports on the task
}

// ExportRows lists every assignment of the schools beneath the units (or of every school when
// all), optionally of one task, with its latest report: by unit path, school and task number.
// today and loc decide the statuses.
func (s *Store) ExportRows(ctx context.Context, under []int64, all bool, taskID int64, today Date, loc *time.Location) ([]ExportRow, error) {
	var units []Unit
	if err := s.q(ctx).Select("id", "parent_id", "code", "name", "kind", "level").Find(&units).Error; err != nil {
		return nil, wrap("export", err)
	}
	byID := make(map[int64]Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	var schools []int64
	if all {
		for _, u := range units {
			if u.Kind == KindSchool {
				schools = append(schools, u.ID)
			}
		}
	} else {
		us, err := s.SchoolsUnder(ctx, under, nil)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			schools = append(schools, u.ID)
		}
	}
	if len(schools) == 0 {
		return nil, nil
	}
	where, args := "a.unit_id IN ?", []any{schools}
	if taskID != 0 {
		where += " AND a.task_id = ?"
		args = append(args, taskID)
	}
	rows, err := s.q(ctx).Raw(`SELECT a.unit_id, a.task_id, a.seq, a.due, a.progress, a.completed_at,
		t.title, t.citation, t.cadence, COALESCE(d.kind, ''), COALESCE(d.number, ''),
		r.created_at, COALESCE(r.result, ''), COALESCE(r.difficulties, ''), COALESCE(r.proposals, ''),
		(SELECT COUNT(*) FROM evidences e JOIN reports rr ON rr.id = e.report_id WHERE rr.assignment_id = a.id)
		FROM assignments a
		JOIN tasks t ON t.id = a.task_id
		LEFT JOIN directives d ON d.id = t.directive_id
		LEFT JOIN reports r ON r.id = a.last_report_id
		WHERE `+where, args...).Rows()
	if err != nil {
		return nil, wrap("export", err)
	}
	defer rows.Close()
	type chain struct {
		ids   []int64
		names []string
	}
	paths := map[int64]chain{}
	path := func(id int64) chain {
		if p, ok := paths[id]; ok {
			return p
		}
		var p chain
		for u, ok := byID[id]; ok && u.ParentID != nil; {
			u, ok = byID[*u.ParentID]
			if ok {
				p.ids = append([]int64{u.ID}, p.ids...)
				p.names = append([]string{u.Name}, p.names...)
			}
		}
		paths[id] = p
		return p
	}
	var out []ExportRow
	for rows.Next() {
		var (
			r                   ExportRow
			unitID              int64
			completed, reportAt sql.NullTime
			kind, number        string
		)
		if err := rows.Scan(&unitID, &r.TaskID, &r.Seq, &r.Due, &r.Progress, &completed,
			&r.Title, &r.Citation, &r.Cadence, &kind, &number,
			&reportAt, &r.Result, &r.Difficulties, &r.Proposals, &r.Evidence); err != nil {
			return nil, wrap("export", err)
		}
		u := byID[unitID]
		p := path(unitID)
		r.SchoolID, r.PathIDs, r.Path, r.SchoolCode, r.SchoolName, r.Level = unitID, p.ids, p.names, u.Code, u.Name, u.Level
		a := Assignment{Due: r.Due}
		if completed.Valid {
			a.CompletedAt = &completed.Time
		}
		r.Status = a.Status(today, loc)
		if reportAt.Valid {
			t := reportAt.Time
			r.ReportAt = &t
		}
		r.Directive = strings.TrimSpace(kind + " " + number)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("export", err)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if pa, pb := strings.Join(a.Path, "\x00"), strings.Join(b.Path, "\x00"); pa != pb {
			return pa < pb
		}
		if a.SchoolName != b.SchoolName {
			return a.SchoolName < b.SchoolName
		}
		return a.Seq < b.Seq
	})
	return out, nil
}

// Issue is a report that raised difficulties or proposals.
type Issue struct {
	ReportID                int64
	SchoolID                int64
	School, Member, Task    string
	Seq                     int
	Difficulties, Proposals string
	At                      time.Time
}

// IssuesSince lists the reports of the schools made from since on that raised difficulties or
// proposals, oldest first.
func (s *Store) IssuesSince(ctx context.Context, schools []int64, since time.Time) ([]Issue, error) {
	if len(schools) == 0 {
		return nil, nil
	}
	rows, err := s.q(ctx).Raw(`SELECT r.id, a.unit_id, u.name, m.first_name, m.last_name, t.title, a.seq, r.difficulties, r.proposals, r.created_at
		FROM reports r JOIN assignments a ON a.id = r.assignment_id JOIN tasks t ON t.id = a.task_id
		JOIN units u ON u.id = a.unit_id JOIN members m ON m.id = r.member_id
		WHERE a.unit_id IN ? AND r.created_at >= ? AND (r.difficulties <> '' OR r.proposals <> '')
		ORDER BY r.created_at, r.id`, schools, since.UTC()).Rows()
	if err != nil {
		return nil, wrap("issues since", err)
	}
	defer rows.Close()
	var out []Issue
	for rows.Next() {
		var i Issue
		var first, last string
		if err := rows.Scan(&i.ReportID, &i.SchoolID, &i.School, &first, &last, &i.Task, &i.Seq, &i.Difficulties, &i.Proposals, &i.At); err != nil {
			return nil, wrap("issues since", err)
		}
		i.Member = strings.TrimSpace(first + " " + last)
		out = append(out, i)
	}
	return out, wrap("issues since", rows.Err())
}

// WaitingExtension is an extension request no supervisor has answered yet.
type WaitingExtension struct {
	ID                  int64
	School, Task        string
	Seq                 int
	OldDue, ProposedDue Date
}

// WaitingExtensions lists the unanswered extension requests of the schools, oldest first.
func (s *Store) WaitingExtensions(ctx context.Context, schools []int64) ([]WaitingExtension, error) {
	if len(schools) == 0 {
		return nil, nil
	}
	var out []WaitingExtension
	err := s.q(ctx).Raw(`SELECT x.id, u.name AS school, t.title AS task, a.seq, x.old_due, x.proposed_due
		FROM extension_requests x JOIN assignments a ON a.id = x.assignment_id JOIN tasks t ON t.id = a.task_id
		JOIN units u ON u.id = a.unit_id
		WHERE x.status = ? AND a.unit_id IN ? ORDER BY x.created_at, x.id`, ExtensionPending, schools).Scan(&out).Error
	return out, wrap("waiting extensions", err)
}

// Supervision is a supervisor and the unit they oversee.
type Supervision struct {
	MemberID, TelegramID, UnitID int64
}

// Supervisions lists every supervisor with each unit they oversee.
func (s *Store) Supervisions(ctx context.Context) ([]Supervision, error) {
	var out []Supervision
	err := s.q(ctx).Raw(`SELECT ms.member_id, m.telegram_id, ms.unit_id FROM memberships ms JOIN members m ON m.id = ms.member_id
		WHERE ms.role = ? ORDER BY ms.member_id, ms.unit_id`, RoleSupervisor).Scan(&out).Error
	return out, wrap("supervisions", err)
}

// LastDigest is when the member was last sent the digest of the unit; zero when never.
func (s *Store) LastDigest(ctx context.Context, memberID, unitID int64) (time.Time, error) {
	var m OutboxMessage
	err := s.q(ctx).Where("kind = ? AND member_id = ? AND ref_id = ? AND status = ?", KindDigest, memberID, unitID, OutboxSent).
		Order("sent_at DESC").Limit(1).Find(&m).Error
	if err != nil || m.SentAt == nil {
		return time.Time{}, wrap("last digest", err)
	}
	return *m.SentAt, nil
}
