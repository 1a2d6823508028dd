package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Why an invite cannot be redeemed.
var (
	ErrInviteUnknown = errors.New("storage: no such invite")
	ErrInviteUsedUp  = errors.New("storage: invite used up")
	ErrInviteExpired = errors.New("storage: invite expired")
)

// NewInvite describes an invite to create.
type NewInvite struct {
	UnitID  int64
	Role    Role
	MaxUses int           // 0: unlimited
	TTL     time.Duration // 0: never expires
}

// inviteAlphabet has no 0/O or 1/I, so a code read aloud or typed from paper comes out right.
const inviteAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// InviteCodeLen is the length of an invite code: 10 letters, 50 bits.
const InviteCodeLen = 10

func newInviteCode() string {
	b := make([]byte, InviteCodeLen)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	for i := range b {
		b[i] = inviteAlphabet[int(b[i])%len(inviteAlphabet)]
	}
	return string(b)
}

// NormalizeInviteCode makes a code as typed by a person comparable: upper case, no spaces or dashes.
func NormalizeInviteCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '_' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

// LooksLikeInviteCode reports whether s could be an invite code.
func LooksLikeInviteCode(s string) bool {
	s = NormalizeInviteCode(s)
	if len(s) != InviteCodeLen {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(inviteAlphabet, r) {
			return false
		}
	}
	return true
}

// CreateInvite stores a new invite with a fresh random code.
func (s *Store) CreateInvite(ctx context.Context, in NewInvite) (Invite, error) {
	inv := Invite{UnitID: in.UnitID, Role: in.Role, MaxUses: in.MaxUses}
	if in.TTL > 0 {
		t := s.clock().Add(in.TTL)
		inv.ExpiresAt = &t
	}
	for attempt := 0; ; attempt++ {
		inv.ID = 0
		inv.Code = newInviteCode()
		err := s.q(ctx).Create(&inv).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) && attempt < 5 {
			continue
		}
		if err != nil {
			return Invite{}, wrap("create invite", err)
		}
		break
	}
	err := s.q(ctx).Preload("Unit").Take(&inv, inv.ID).Error
	return inv, wrap("create invite", err)
}

// TelegramUser is who is redeeming an invite, as Telegram describes them.
type TelegramUser struct {
	ID        int64
	FirstName string
	LastName  string
	Username  string
}

// Redeemed tells what redeeming an invite did.
type Redeemed struct {
	Member     Member
	Unit       Unit
	Role       Role
	PrevRole   Role // the role the member held in the unit before, if any
	AlreadyHad bool // the member already held exactly this role: nothing was used up
}

// RedeemInvite binds the Telegram user to the invite's unit and role, creating the member if
// needed, and uses up one use of the invite. A head is subscribed to every task of the school.
func (s *Store) RedeemInvite(ctx context.Context, code string, who TelegramUser) (Redeemed, error) {
	code = NormalizeInviteCode(code)
	var out Redeemed
	err := s.Tx(ctx, func(tx *Store) error {
		var inv Invite
		if err := tx.q(ctx).Preload("Unit").Where("code = ?", code).Take(&inv).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrInviteUnknown
			}
			return err
		}
		now := tx.clock()
		m, err := tx.upsertMember(ctx, who)
		if err != nil {
			return err
		}
		out = Redeemed{Member: m, Unit: inv.Unit, Role: inv.Role}
		var ms Membership
		err = tx.q(ctx).Where("member_id = ? AND unit_id = ?", m.ID, inv.UnitID).Take(&ms).Error
		switch {
		case err == nil && ms.Role == inv.Role:
			out.AlreadyHad = true
			return nil
		case err == nil:
			out.PrevRole = ms.Role
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		if inv.ExpiresAt != nil && !now.Before(*inv.ExpiresAt) {
			return ErrInviteExpired
		}
		// Use it up atomically: two people racing for the last use cannot both win.
		res := tx.q(ctx).Model(&Invite{}).
			Where("id = ? AND (max_uses = 0 OR uses < max_uses)", inv.ID).
			Update("uses", gorm.Expr("uses + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrInviteUsedUp
		}
		event := AuditEvent{MemberID: &m.ID, UnitID: &inv.UnitID, Action: AuditJoin, Detail: string(inv.Role)}
		if out.PrevRole != "" {
			if err := tx.q(ctx).Model(&ms).Updates(map[string]any{"role": inv.Role, "invite_id": inv.ID}).Error; err != nil {
				return err
			}
			event.Action, event.Detail = AuditRoleChange, string(out.PrevRole)+" → "+string(inv.Role)
		} else {
			ms = Membership{MemberID: m.ID, UnitID: inv.UnitID, Role: inv.Role, InviteID: &inv.ID}
			if err := tx.q(ctx).Create(&ms).Error; err != nil {
				return err
			}
		}
		if err := tx.audit(ctx, event); err != nil {
			return err
		}
		if inv.Role == RoleHead {
			return tx.subscribeHeadToSchool(ctx, m.ID, inv.UnitID)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrInviteUnknown) || errors.Is(err, ErrInviteUsedUp) || errors.Is(err, ErrInviteExpired) {
			return Redeemed{}, err
		}
		return Redeemed{}, wrap("redeem invite", err)
	}
	out.Member, err = s.MemberByTelegramID(ctx, who.ID)
	return out, err
}

func (s *Store) upsertMember(ctx context.Context, who TelegramUser) (Member, error) {
	var m Member
	err := s.q(ctx).Where("telegram_id = ?", who.ID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		m = Member{TelegramID: who.ID, FirstName: who.FirstName, LastName: who.LastName, Username: who.Username, Language: "vi"}
		return m, s.q(ctx).Create(&m).Error
	}
	if err != nil {
		return m, err
	}
	return m, s.touchMember(ctx, &m, who)
}

// subscribeHeadToSchool subscribes a head to every task of the school that they do not follow yet.
func (s *Store) subscribeHeadToSchool(ctx context.Context, memberID, schoolID int64) error {
	now := s.clock()
	return s.q(ctx).Exec(`INSERT INTO subscriptions (member_id, assignment_id, muted, reason, created_at, updated_at)
		SELECT ?, a.id, ?, ?, ?, ? FROM assignments a WHERE a.unit_id = ?
		ON CONFLICT DO NOTHING`, memberID, false, SubscribedAsHead, now, now, schoolID).Error
}

// MemberByTelegramID finds a member with their memberships and units. It runs for every update,
// so it is one query, scanned by hand.
func (s *Store) MemberByTelegramID(ctx context.Context, telegramID int64) (Member, error) {
	m, err := s.member(ctx, "m.telegram_id = ?", telegramID)
	return m, wrap("member by telegram id", err)
}

// MemberByID finds a member with their memberships and units.
func (s *Store) MemberByID(ctx context.Context, id int64) (Member, error) {
	m, err := s.member(ctx, "m.id = ?", id)
	return m, wrap("member by id", err)
}

func (s *Store) member(ctx context.Context, where string, arg any) (Member, error) {
	var m Member
	rows, err := s.q(ctx).Raw(`SELECT m.id, m.telegram_id, m.first_name, m.last_name, m.username, m.language, m.created_at, m.updated_at,
		m.remind_at, m.quiet_from, m.quiet_to, m.reminders_off, m.unreachable_at,
		ms.id, ms.unit_id, ms.role, ms.invite_id, ms.created_at, ms.updated_at,
		u.code, u.name, u.kind, u.parent_id, u.level, u.task_seq, u.created_at, u.updated_at
		FROM members m LEFT JOIN memberships ms ON ms.member_id = m.id LEFT JOIN units u ON u.id = ms.unit_id
		WHERE `+where+` ORDER BY ms.id`, arg).Rows()
	if err != nil {
		return m, err
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var (
			msID, unitID                         sql.NullInt64
			role, code, name, kind, level        sql.NullString
			parentID, inviteID, taskSeq          sql.NullInt64
			msCreated, msUpdated, uCreated, uUpd sql.NullTime
		)
		var unreachable sql.NullTime
		if err := rows.Scan(&m.ID, &m.TelegramID, &m.FirstName, &m.LastName, &m.Username, &m.Language, &m.CreatedAt, &m.UpdatedAt,
			&m.RemindAt, &m.QuietFrom, &m.QuietTo, &m.RemindersOff, &unreachable,
			&msID, &unitID, &role, &inviteID, &msCreated, &msUpdated,
			&code, &name, &kind, &parentID, &level, &taskSeq, &uCreated, &uUpd); err != nil {
			return m, err
		}
		found = true
		if unreachable.Valid {
			m.UnreachableAt = &unreachable.Time
		}
		if !msID.Valid {
			continue
		}
		ms := Membership{ID: msID.Int64, MemberID: m.ID, UnitID: unitID.Int64, Role: Role(role.String),
			CreatedAt: msCreated.Time, UpdatedAt: msUpdated.Time,
			Unit: Unit{ID: unitID.Int64, Code: code.String, Name: name.String, Kind: UnitKind(kind.String), Level: Level(level.String),
				TaskSeq: int(taskSeq.Int64), CreatedAt: uCreated.Time, UpdatedAt: uUpd.Time}}
		if inviteID.Valid {
			ms.InviteID = &inviteID.Int64
		}
		if parentID.Valid {
			ms.Unit.ParentID = &parentID.Int64
		}
		m.Memberships = append(m.Memberships, ms)
	}
	if err := rows.Err(); err != nil {
		return m, err
	}
	if !found {
		return m, ErrNotFound
	}
	return m, nil
}

// TouchMember keeps the member's name and username as Telegram last showed them. It writes only
// when something changed.
func (s *Store) TouchMember(ctx context.Context, m *Member, who TelegramUser) error {
	return wrap("touch member", s.touchMember(ctx, m, who))
}

func (s *Store) touchMember(ctx context.Context, m *Member, who TelegramUser) error {
	if m.FirstName == who.FirstName && m.LastName == who.LastName && m.Username == who.Username {
		return nil
	}
	m.FirstName, m.LastName, m.Username = who.FirstName, who.LastName, who.Username
	return s.q(ctx).Model(&Member{}).Where("id = ?", m.ID).Updates(map[string]any{
		"first_name": who.FirstName, "last_name": who.LastName, "username": who.Username, "updated_at": s.clock(),
	}).Error
}

// SetLanguage stores the member's language ("vi" or "en").
func (s *Store) SetLanguage(ctx context.Context, memberID int64, lang string) error {
	err := s.q(ctx).Model(&Member{}).Where("id = ?", memberID).Updates(map[string]any{"language": lang, "updated_at": s.clock()}).Error
	return wrap("set language", err)
}

// MembersOfUnit lists the members holding one of roles in the unit, by name.
func (s *Store) MembersOfUnit(ctx context.Context, unitID int64, roles ...Role) ([]Member, error) {
	var ms []Member
	q := s.q(ctx).Joins("JOIN memberships ON memberships.member_id = members.id").Where("memberships.unit_id = ?", unitID)
	if len(roles) > 0 {
		q = q.Where("memberships.role IN ?", roles)
	}
	err := q.Order(clause.OrderByColumn{Column: clause.Column{Table: "members", Name: "first_name"}}).
		Order("members.id").Find(&ms).Error
	return ms, wrap("members of unit", err)
}
