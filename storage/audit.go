package storage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The audit log answers "who did what, when": joins and role changes, reports and corrections,
// publications, extension decisions, answers, and the operator's changes to members. What has a
// record of its own (a report, a revision, a decision, an answer, a publication) is read from
// it; the rest is written to audit_events in the transaction that does it.

// AuditEvent is a row of audit_events: something with no record of its own.
type AuditEvent struct {
	ID        int64     `gorm:"primaryKey"`
	CreatedAt time.Time `gorm:"not null;index:ix_audit_events_created"`
	MemberID  *int64    // who did it, when a member did
	Actor     string    `gorm:"size:64;not null;default:''"` // or: "operator" (the command line)
	UnitID    *int64    `gorm:"index:ix_audit_events_unit"`
	Action    string    `gorm:"size:32;not null"`
	Detail    string    `gorm:"type:text;not null;default:''"`
}

// The actions.
const (
	AuditJoin         = "join"          // joined a unit with an invite
	AuditRoleChange   = "role"          // an invite changed the member's role in a unit
	AuditMemberMove   = "member.move"   // the operator moved a membership
	AuditMemberRemove = "member.remove" // the operator removed a membership
	AuditInviteRevoke = "invite.revoke" // the operator ended invites that could still be used
	AuditReport       = "report"
	AuditCorrection   = "correction"
	AuditPublish      = "publish"
	AuditDecision     = "decision" // an extension request approved or denied
	AuditAnswer       = "answer"
)

// audit writes an event, in the caller's transaction.
func (s *Store) audit(ctx context.Context, e AuditEvent) error {
	e.CreatedAt = s.clock()
	return s.q(ctx).Create(&e).Error
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At     time.Time
	Who    string // "Nguyễn Thị Lan (1000001)", or "operator"
	Action string
	Unit   string // the unit's code, or ""
	Detail string
}

// AuditLog lists what happened from since on, oldest first; with under, only what concerns the
// units beneath those (a school's reports, a commune's joins, a directive given to them).
func (s *Store) AuditLog(ctx context.Context, since time.Time, under []int64) ([]AuditEntry, error) {
	since = since.UTC()
	scope, args := "", []any{}
	if len(under) > 0 {
		scope, args = " AND %s IN ("+subtreeCTE+" SELECT id FROM sub)", []any{under}
	}
	in := func(col string) string {
		if scope == "" {
			return ""
		}
		return fmt.Sprintf(scope, col)
	}
	with := func(first ...any) []any { return append(first, args...) }
	// Each part: time, member (id, names, telegram id), actor, unit code, action, detail.
	parts := []struct {
		sql  string
		args []any
	}{
		{`SELECT e.created_at, m.first_name, m.last_name, m.telegram_id, e.actor, COALESCE(u.code, ''), e.action, e.detail
			FROM audit_events e LEFT JOIN members m ON m.id = e.member_id LEFT JOIN units u ON u.id = e.unit_id
			WHERE e.created_at >= ?` + in("e.unit_id"), with(since)},
		// A report as it was sent: a correction keeps the old values in its first revision.
		{`SELECT r.created_at, m.first_name, m.last_name, m.telegram_id, '', u.code, '` + AuditReport + `',
			'NV ' || CAST(a.seq AS TEXT) || ': ' ||
			CAST(COALESCE((SELECT v.progress FROM report_revisions v WHERE v.report_id = r.id ORDER BY v.id LIMIT 1), r.progress) AS TEXT) || '% ' ||
			COALESCE((SELECT v.result FROM report_revisions v WHERE v.report_id = r.id ORDER BY v.id LIMIT 1), r.result)
			FROM reports r JOIN members m ON m.id = r.member_id JOIN assignments a ON a.id = r.assignment_id JOIN units u ON u.id = a.unit_id
			WHERE r.created_at >= ?` + in("a.unit_id"), with(since)},
		{`SELECT v.created_at, m.first_name, m.last_name, m.telegram_id, '', u.code, '` + AuditCorrection + `',
			'NV ' || CAST(a.seq AS TEXT) || ': ' || CAST(v.progress AS TEXT) || '% → ' || CAST(r.progress AS TEXT) || '%'
			FROM report_revisions v JOIN reports r ON r.id = v.report_id JOIN members m ON m.id = r.member_id
			JOIN assignments a ON a.id = r.assignment_id JOIN units u ON u.id = a.unit_id
			WHERE v.created_at >= ?` + in("a.unit_id"), with(since)},
		{`SELECT x.decided_at, m.first_name, m.last_name, m.telegram_id, '', u.code, '` + AuditDecision + `',
			'NV ' || CAST(a.seq AS TEXT) || ': ' || x.status || ' ' || x.old_due || ' → ' || x.proposed_due
			FROM extension_requests x JOIN members m ON m.id = x.decided_by JOIN assignments a ON a.id = x.assignment_id JOIN units u ON u.id = a.unit_id
			WHERE x.decided_at >= ?` + in("a.unit_id"), with(since)},
		{`SELECT w.created_at, m.first_name, m.last_name, m.telegram_id, '', u.code, '` + AuditAnswer + `',
			'NV ' || CAST(a.seq AS TEXT) || ': ' || w.text
			FROM answers w JOIN members m ON m.id = w.member_id JOIN reports r ON r.id = w.report_id
			JOIN assignments a ON a.id = r.assignment_id JOIN units u ON u.id = a.unit_id
			WHERE w.created_at >= ?` + in("a.unit_id"), with(since)},
		{`SELECT d.published_at, m.first_name, m.last_name, m.telegram_id, '', '', '` + AuditPublish + `',
			d.kind || ' ' || d.number || ': ' || d.title
			FROM directives d JOIN members m ON m.id = d.published_by
			WHERE d.published_at >= ?` + inDirective(scope), with(since)},
	}
	var out []AuditEntry
	for _, p := range parts {
		rows, err := s.q(ctx).Raw(p.sql, p.args...).Rows()
		if err != nil {
			return nil, wrap("audit log", err)
		}
		for rows.Next() {
			var e AuditEntry
			var first, last *string
			var tid *int64
			var actor string
			if err := rows.Scan(&e.At, &first, &last, &tid, &actor, &e.Unit, &e.Action, &e.Detail); err != nil {
				rows.Close()
				return nil, wrap("audit log", err)
			}
			e.Who = actor
			if first != nil && tid != nil {
				e.Who = strings.TrimSpace(*first+" "+deref(last)) + fmt.Sprintf(" (%d)", *tid)
			}
			e.Detail = strings.Join(strings.Fields(e.Detail), " ")
			out = append(out, e)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrap("audit log", err)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// inDirective limits publications to those that gave a task to a school in scope.
func inDirective(scope string) string {
	if scope == "" {
		return ""
	}
	return fmt.Sprintf(" AND EXISTS (SELECT 1 FROM tasks t JOIN assignments a ON a.task_id = t.id WHERE t.directive_id = d.id"+scope+")", "a.unit_id")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
