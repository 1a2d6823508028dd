package storage

import (
	"context"
	"strconv"
	"time"
)

// InviteRow is an invite that can still be used, as the operator lists it.
type InviteRow struct {
	Code      string
	UnitCode  string
	UnitName  string
	Role      Role
	MaxUses   int // 0: unlimited
	Uses      int
	ExpiresAt *time.Time
	CreatedAt time.Time
}

// InviteScope chooses invites: those of the units at or beneath Under (every unit when nil), of
// Role when set, or the one with Code.
type InviteScope struct {
	Under []int64
	Role  Role
	Code  string
}

// usable is the condition of an invite that can still be used at now.
const usable = `(i.expires_at IS NULL OR i.expires_at > ?) AND (i.max_uses = 0 OR i.uses < i.max_uses)`

func (s *Store) inviteWhere(sc InviteScope, now time.Time) (string, []any) {
	where, args := usable, []any{now.UTC()}
	if len(sc.Under) > 0 {
		where += ` AND i.unit_id IN (` + subtreeCTE + ` SELECT id FROM sub)`
		args = append(args, sc.Under)
	}
	if sc.Role != "" {
		where += ` AND i.role = ?`
		args = append(args, sc.Role)
	}
	if sc.Code != "" {
		where += ` AND i.code = ?`
		args = append(args, NormalizeInviteCode(sc.Code))
	}
	return where, args
}

// InviteRows lists the invites that can still be used, by unit code and then newest first.
func (s *Store) InviteRows(ctx context.Context, sc InviteScope) ([]InviteRow, error) {
	where, args := s.inviteWhere(sc, s.clock())
	var out []InviteRow
	err := s.q(ctx).Raw(`SELECT i.code, u.code AS unit_code, u.name AS unit_name, i.role, i.max_uses, i.uses, i.expires_at, i.created_at
		FROM invites i JOIN units u ON u.id = i.unit_id WHERE `+where+` ORDER BY u.code, i.created_at DESC, i.id DESC`, args...).
		Scan(&out).Error
	return out, wrap("invites", err)
}

// RevokeInvites ends the invites that can still be used (they expire now): a lost invite sheet,
// a code sent to the wrong person. A person who already joined stays. It returns how many were
// ended, and records it in the audit log.
func (s *Store) RevokeInvites(ctx context.Context, sc InviteScope) (int64, error) {
	var n int64
	err := s.Tx(ctx, func(tx *Store) error {
		now := tx.clock()
		where, args := tx.inviteWhere(sc, now)
		res := tx.q(ctx).Exec(`UPDATE invites SET expires_at = ? WHERE id IN (SELECT i.id FROM invites i WHERE `+where+`)`,
			append([]any{now.UTC()}, args...)...)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		if n == 0 {
			return nil
		}
		e := AuditEvent{Actor: "operator", Action: AuditInviteRevoke, Detail: strconv.FormatInt(n, 10)}
		if len(sc.Under) == 1 {
			e.UnitID = &sc.Under[0]
		}
		if sc.Code != "" {
			e.Detail += " " + NormalizeInviteCode(sc.Code)
		} else if sc.Role != "" {
			e.Detail += " " + string(sc.Role)
		}
		return tx.audit(ctx, e)
	})
	return n, wrap("revoke invites", err)
}
