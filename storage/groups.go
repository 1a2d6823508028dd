package storage

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// GroupJoined records a group the bot was added to (or whose title changed).
func (s *Store) GroupJoined(ctx context.Context, chatID int64, title string) error {
	now := s.clock()
	err := s.q(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "chat_id"}},
		DoUpdates: clause.Assignments(map[string]any{"title": title, "updated_at": now})}).
		Create(&GroupChat{ChatID: chatID, Title: title}).Error
	return wrap("group joined", err)
}

// GroupLeft forgets a group the bot was removed from.
func (s *Store) GroupLeft(ctx context.Context, chatID int64) error {
	return wrap("group left", s.q(ctx).Where("chat_id = ?", chatID).Delete(&GroupChat{}).Error)
}

// LinkGroup links a group to a unit; announcements for schools beneath it go there.
func (s *Store) LinkGroup(ctx context.Context, chatID int64, title string, unitID, memberID int64) error {
	now := s.clock()
	g := GroupChat{ChatID: chatID, Title: title, UnitID: &unitID, LinkedBy: &memberID, LinkedAt: &now}
	err := s.q(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "chat_id"}},
		DoUpdates: clause.Assignments(map[string]any{"title": title, "unit_id": unitID, "linked_by": memberID, "linked_at": now, "updated_at": now})}).
		Create(&g).Error
	return wrap("link group", err)
}

// Group returns a group the bot is in, with its unit.
func (s *Store) Group(ctx context.Context, chatID int64) (GroupChat, error) {
	var g GroupChat
	err := s.q(ctx).Preload("Unit").Where("chat_id = ?", chatID).Take(&g).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return g, wrap("group", ErrNotFound)
	}
	return g, wrap("group", err)
}

// GroupsAbove lists the linked groups of the schools and of every unit above them.
func (s *Store) GroupsAbove(ctx context.Context, schoolIDs []int64) ([]GroupChat, error) {
	if len(schoolIDs) == 0 {
		return nil, nil
	}
	var gs []GroupChat
	err := s.q(ctx).Raw(`WITH RECURSIVE up(id) AS (
			SELECT id FROM units WHERE id IN ?
			UNION
			SELECT u.parent_id FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL
		)
		SELECT * FROM group_chats WHERE unit_id IN (SELECT id FROM up) ORDER BY chat_id`, schoolIDs).Scan(&gs).Error
	return gs, wrap("groups above", err)
}
