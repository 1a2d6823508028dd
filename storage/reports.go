package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// ErrTooLate means a report can no longer be corrected.
var ErrTooLate = errors.New("storage: too late to correct")

// CorrectionWindow is how long a member may correct their last report.
const CorrectionWindow = 24 * time.Hour

// NewReport describes a report to store.
type NewReport struct {
	AssignmentID int64
	MemberID     int64
	Progress     int
	Result       string
	Difficulties string
	Proposals    string
	Source       string
	ChatID       int64
	MessageID    int64
	MediaGroupID string
	Evidence     []Evidence
}

// CreateReport stores a report with its evidence and makes it the assignment's latest state.
func (s *Store) CreateReport(ctx context.Context, nr NewReport) (Report, error) {
	r := Report{
		AssignmentID: nr.AssignmentID, MemberID: nr.MemberID, Progress: nr.Progress,
		Result: nr.Result, Difficulties: nr.Difficulties, Proposals: nr.Proposals,
		Source: nr.Source, ChatID: nr.ChatID, MessageID: nr.MessageID, MediaGroupID: nr.MediaGroupID,
	}
	err := s.atomic(ctx, func(tx *Store) error {
		// By hand, as this runs for every report: GORM's Create costs more than the insert.
		r.CreatedAt = tx.clock()
		if err := tx.q(ctx).Raw(`INSERT INTO reports (assignment_id, member_id, progress, result, difficulties, proposals, source,
			chat_id, message_id, media_group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.AssignmentID, r.MemberID, r.Progress, r.Result, r.Difficulties, r.Proposals, r.Source,
			r.ChatID, r.MessageID, r.MediaGroupID, r.CreatedAt).Scan(&r.ID).Error; err != nil {
			return err
		}
		if len(nr.Evidence) > 0 {
			if err := tx.AddEvidence(ctx, r.ID, nr.Evidence); err != nil {
				return err
			}
			r.Evidence = make([]Evidence, len(nr.Evidence))
			copy(r.Evidence, nr.Evidence)
		}
		// The new report is the latest one: no need to look at the others. A run of 100 % reports
		// keeps the moment it began as the completion.
		var completed any
		if r.Progress >= 100 {
			completed = gorm.Expr("CASE WHEN progress >= 100 AND completed_at IS NOT NULL THEN completed_at ELSE ? END", r.CreatedAt)
		}
		return tx.q(ctx).Exec("UPDATE assignments SET progress = ?, last_report_id = ?, last_report_at = ?, completed_at = ? WHERE id = ?",
			r.Progress, r.ID, r.CreatedAt, completed, r.AssignmentID).Error
	})
	return r, wrap("create report", err)
}

// refreshAssignment sets the assignment's progress from its latest report. It is completed from the
// moment the unbroken run of 100 % reports at its end began.
func (s *Store) refreshAssignment(ctx context.Context, assignmentID int64) error {
	var reports []Report
	if err := s.q(ctx).Select("id", "progress", "created_at").Where("assignment_id = ?", assignmentID).
		Order("created_at DESC").Order("id DESC").Find(&reports).Error; err != nil {
		return err
	}
	updates := map[string]any{"progress": 0, "last_report_id": nil, "last_report_at": nil, "completed_at": nil}
	if len(reports) > 0 {
		latest := reports[0]
		updates["progress"] = latest.Progress
		updates["last_report_id"] = latest.ID
		updates["last_report_at"] = latest.CreatedAt
		var completed *time.Time
		for _, r := range reports {
			if r.Progress < 100 {
				break
			}
			t := r.CreatedAt
			completed = &t
		}
		updates["completed_at"] = completed
	}
	return s.q(ctx).Model(&Assignment{}).Where("id = ?", assignmentID).Updates(updates).Error
}

// ReportByID finds a report with its member, assignment (task, school) and evidence.
func (s *Store) ReportByID(ctx context.Context, id int64) (Report, error) {
	var r Report
	err := s.withReportDetails(s.q(ctx)).Take(&r, id).Error
	return r, wrap("report by id", err)
}

func (s *Store) withReportDetails(q *gorm.DB) *gorm.DB {
	return q.Preload("Member").Preload("Assignment").Preload("Assignment.Task").Preload("Assignment.Unit").
		Preload("Evidence", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Preload("Answers", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).Preload("Answers.Member")
}

// LastReportBy returns the member's most recent report.
func (s *Store) LastReportBy(ctx context.Context, memberID int64) (Report, error) {
	var r Report
	err := s.withReportDetails(s.q(ctx)).Where("member_id = ?", memberID).
		Order("created_at DESC").Order("id DESC").Take(&r).Error
	return r, wrap("last report", err)
}

// ReportFilter selects reports.
type ReportFilter struct {
	UnitIDs      []int64 // the schools
	Under        []int64 // or: the schools beneath these units, any depth
	All          bool    // or: every school
	AssignmentID int64   // 0: every assignment
	Offset       int
	Limit        int
}

// Reports lists reports, newest first, with their details.
func (s *Store) Reports(ctx context.Context, f ReportFilter) ([]Report, int, error) {
	q := s.q(ctx).Model(&Report{}).Joins("JOIN assignments ON assignments.id = reports.assignment_id")
	switch {
	case f.All:
	case len(f.Under) > 0:
		q = q.Where("assignments.unit_id IN ("+subtreeCTE+" SELECT id FROM sub)", f.Under)
	default:
		q = q.Where("assignments.unit_id IN ?", f.UnitIDs)
	}
	if f.AssignmentID != 0 {
		q = q.Where("reports.assignment_id = ?", f.AssignmentID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, wrap("reports", err)
	}
	var rs []Report
	q = s.withReportDetails(q).Order("reports.created_at DESC").Order("reports.id DESC").Offset(f.Offset)
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	err := q.Find(&rs).Error
	return rs, int(total), wrap("reports", err)
}

// ReportByMessage finds the report a member's message carried.
func (s *Store) ReportByMessage(ctx context.Context, chatID, messageID int64) (Report, error) {
	var r Report
	err := s.q(ctx).Where("chat_id = ? AND message_id = ?", chatID, messageID).Take(&r).Error
	return r, wrap("report by message", err)
}

// ReportInMediaGroup finds the member's report that started with another item of the same album.
func (s *Store) ReportInMediaGroup(ctx context.Context, memberID int64, mediaGroupID string) (Report, error) {
	var r Report
	if mediaGroupID == "" {
		return r, wrap("report in media group", ErrNotFound)
	}
	err := s.withReportDetails(s.q(ctx)).Where("member_id = ? AND media_group_id = ?", memberID, mediaGroupID).
		Order("id DESC").Take(&r).Error
	return r, wrap("report in media group", err)
}

// ReportConfirmation finds the bot's message that confirmed the report in the chat.
func (s *Store) ReportConfirmation(ctx context.Context, chatID, reportID int64) (MessageRef, error) {
	var r MessageRef
	err := s.q(ctx).Where("chat_id = ? AND report_id = ?", chatID, reportID).Order("message_id DESC").Take(&r).Error
	return r, wrap("report confirmation", err)
}

// AddEvidence attaches more files to a report, whenever they arrive (an album comes as several
// messages).
func (s *Store) AddEvidence(ctx context.Context, reportID int64, ev []Evidence) error {
	if len(ev) == 0 {
		return nil
	}
	files := make([]Evidence, len(ev))
	for i, e := range ev {
		e.ID, e.ReportID = 0, reportID
		files[i] = e
	}
	return wrap("add evidence", s.q(ctx).Create(&files).Error)
}

// Correction holds the new values of a corrected report; nil fields stay as they are.
type Correction struct {
	Progress     *int
	Result       *string
	Difficulties *string
	Proposals    *string
	AddEvidence  []Evidence
}

// CorrectReport changes the member's report within CorrectionWindow of its creation, keeping the
// replaced values as a revision. Only the member who wrote it may correct it.
func (s *Store) CorrectReport(ctx context.Context, reportID, memberID int64, c Correction) (Report, error) {
	err := s.Tx(ctx, func(tx *Store) error {
		var r Report
		if err := tx.q(ctx).Where("id = ? AND member_id = ?", reportID, memberID).Take(&r).Error; err != nil {
			return err
		}
		now := tx.clock()
		if now.Sub(r.CreatedAt) > CorrectionWindow {
			return ErrTooLate
		}
		rev := ReportRevision{ReportID: r.ID, Progress: r.Progress, Result: r.Result, Difficulties: r.Difficulties, Proposals: r.Proposals}
		changes := map[string]any{"edited_at": now}
		if c.Progress != nil {
			changes["progress"] = *c.Progress
		}
		if c.Result != nil {
			changes["result"] = *c.Result
		}
		if c.Difficulties != nil {
			changes["difficulties"] = *c.Difficulties
		}
		if c.Proposals != nil {
			changes["proposals"] = *c.Proposals
		}
		if len(changes) > 1 {
			if err := tx.q(ctx).Create(&rev).Error; err != nil {
				return err
			}
			if err := tx.q(ctx).Model(&Report{}).Where("id = ?", r.ID).Updates(changes).Error; err != nil {
				return err
			}
		}
		if len(c.AddEvidence) > 0 {
			ev := make([]Evidence, len(c.AddEvidence))
			for i, e := range c.AddEvidence {
				e.ID, e.ReportID = 0, r.ID
				ev[i] = e
			}
			if err := tx.q(ctx).Create(&ev).Error; err != nil {
				return err
			}
			if len(changes) == 1 {
				if err := tx.q(ctx).Model(&Report{}).Where("id = ?", r.ID).Update("edited_at", now).Error; err != nil {
					return err
				}
			}
		}
		return tx.refreshAssignment(ctx, r.AssignmentID)
	})
	if errors.Is(err, ErrTooLate) {
		return Report{}, err
	}
	if err != nil {
		return Report{}, wrap("correct report", err)
	}
	return s.ReportByID(ctx, reportID)
}

// Revisions lists what a report said before each correction, oldest first.
func (s *Store) Revisions(ctx context.Context, reportID int64) ([]ReportRevision, error) {
	var rs []ReportRevision
	err := s.q(ctx).Where("report_id = ?", reportID).Order("id").Find(&rs).Error
	return rs, wrap("revisions", err)
}

// EvidenceCount counts the evidence files of each report.
func (s *Store) EvidenceCount(ctx context.Context, reportIDs []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(reportIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ReportID int64
		N        int
	}
	err := s.q(ctx).Model(&Evidence{}).Select("report_id, COUNT(*) AS n").Where("report_id IN ?", reportIDs).
		Group("report_id").Scan(&rows).Error
	for _, r := range rows {
		out[r.ReportID] = r.N
	}
	return out, wrap("evidence count", err)
}
