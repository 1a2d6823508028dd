package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrLastAdmin refuses a change that would leave the installation without an admin.
var ErrLastAdmin = errors.New("storage: the last admin cannot be removed")

// MemberRow is one membership as the operator lists it.
type MemberRow struct {
	MemberID, TelegramID int64
	Name, Username       string
	Role                 Role
	UnitCode, UnitName   string
}

// MemberRows lists the memberships, of one unit when unitID is not 0: by unit code, role, name.
func (s *Store) MemberRows(ctx context.Context, unitID int64) ([]MemberRow, error) {
	q := `SELECT m.id, m.telegram_id, m.first_name, m.last_name, m.username, ms.role, u.code, u.name
		FROM memberships ms JOIN members m ON m.id = ms.member_id JOIN units u ON u.id = ms.unit_id`
	var args []any
	if unitID != 0 {
		q += ` WHERE ms.unit_id = ?`
		args = append(args, unitID)
	}
	rows, err := s.q(ctx).Raw(q+` ORDER BY u.code, ms.role, m.first_name, m.id`, args...).Rows()
	if err != nil {
		return nil, wrap("member rows", err)
	}
	defer rows.Close()
	var out []MemberRow
	for rows.Next() {
		var r MemberRow
		var first, last string
		if err := rows.Scan(&r.MemberID, &r.TelegramID, &first, &last, &r.Username, &r.Role, &r.UnitCode, &r.UnitName); err != nil {
			return nil, wrap("member rows", err)
		}
		r.Name = strings.TrimSpace(first + " " + last)
		out = append(out, r)
	}
	return out, wrap("member rows", rows.Err())
}

// RemoveMembership takes the member out of the unit (every unit when unitID is 0): their
// subscriptions to its schools' tasks go, and tasks handed to them go back to the head. The last
// admin is never removed. It reports how many memberships went.
func (s *Store) RemoveMembership(ctx context.Context, memberID, unitID int64) (int, error) {
	n := 0
	err := s.atomic(ctx, func(tx *Store) error {
		var ms []Membership
		q := tx.q(ctx).Where("member_id = ?", memberID)
		if unitID != 0 {
			q = q.Where("unit_id = ?", unitID)
		}
		if err := q.Find(&ms).Error; err != nil {
			return err
		}
		if len(ms) == 0 {
			return ErrNotFound
		}
		for _, m := range ms {
			if err := tx.leaveUnit(ctx, m, true); err != nil {
				return err
			}
			unit := m.UnitID
			if err := tx.audit(ctx, AuditEvent{Actor: "operator", UnitID: &unit, Action: AuditMemberRemove,
				Detail: fmt.Sprintf("member %d, %s", memberID, m.Role)}); err != nil {
				return err
			}
		}
		n = len(ms)
		return nil
	})
	if errors.Is(err, ErrLastAdmin) || errors.Is(err, ErrNotFound) {
		return 0, err
	}
	return n, wrap("remove membership", err)
}

// MoveMembership moves the member's membership from one unit to another, keeping the role: a
// head moved to another school follows its tasks instead of the old school's.
func (s *Store) MoveMembership(ctx context.Context, memberID, fromUnit, toUnit int64) error {
	err := s.atomic(ctx, func(tx *Store) error {
		var m Membership
		if err := tx.q(ctx).Where("member_id = ? AND unit_id = ?", memberID, fromUnit).Take(&m).Error; err != nil {
			return err
		}
		if err := tx.leaveUnit(ctx, m, false); err != nil { // an admin moved stays an admin
			return err
		}
		now := tx.clock()
		moved := Membership{MemberID: memberID, UnitID: toUnit, Role: m.Role, InviteID: m.InviteID, CreatedAt: now, UpdatedAt: now}
		if err := tx.q(ctx).Omit("Unit").Create(&moved).Error; err != nil {
			return err
		}
		var from Unit
		if err := tx.q(ctx).Select("code").Take(&from, fromUnit).Error; err != nil {
			return err
		}
		if err := tx.audit(ctx, AuditEvent{Actor: "operator", UnitID: &toUnit, Action: AuditMemberMove,
			Detail: fmt.Sprintf("member %d, %s, from %s", memberID, m.Role, from.Code)}); err != nil {
			return err
		}
		if m.Role == RoleHead {
			return tx.subscribeHeadToSchool(ctx, memberID, toUnit)
		}
		return nil
	})
	return wrap("move membership", err)
}

// leaveUnit deletes a membership and what hangs on it; with lastAdmin, not the last admin's.
func (s *Store) leaveUnit(ctx context.Context, m Membership, lastAdmin bool) error {
	if m.Role == RoleAdmin && lastAdmin {
		var others int64
		if err := s.q(ctx).Model(&Membership{}).Where("role = ? AND id <> ?", RoleAdmin, m.ID).Count(&others).Error; err != nil {
			return err
		}
		if others == 0 {
			return ErrLastAdmin
		}
	}
	if err := s.q(ctx).Delete(&Membership{}, m.ID).Error; err != nil {
		return err
	}
	if !m.Role.AtSchool() {
		return nil
	}
	if err := s.q(ctx).Exec(`DELETE FROM subscriptions WHERE member_id = ? AND assignment_id IN
		(SELECT id FROM assignments WHERE unit_id = ?)`, m.MemberID, m.UnitID).Error; err != nil {
		return err
	}
	return s.q(ctx).Model(&Assignment{}).Where("unit_id = ? AND assignee_id = ?", m.UnitID, m.MemberID).
		Update("assignee_id", nil).Error
}
