package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// SaveUpdates stores updates that arrived from Telegram, in one statement, and returns those
// that were new: an update delivered again is already stored and is not returned.
func (s *Store) SaveUpdates(ctx context.Context, us []InboundUpdate) ([]InboundUpdate, error) {
	if len(us) == 0 {
		return nil, nil
	}
	now := s.clock()
	rows := make([]InboundUpdate, len(us))
	values := make([]string, len(us))
	args := make([]any, 0, 4*len(us))
	for i, u := range us {
		u.ReceivedAt, u.HandledAt, u.Error = now, nil, ""
		rows[i] = u
		values[i] = "(?, ?, ?, ?, NULL, '')"
		args = append(args, u.UpdateID, u.ChatID, u.Payload, now)
	}
	// One statement for the batch; RETURNING names the rows that were really inserted.
	var ids []int64
	err := s.q(ctx).Raw("INSERT INTO updates (update_id, chat_id, payload, received_at, handled_at, error) VALUES "+
		strings.Join(values, ", ")+" ON CONFLICT DO NOTHING RETURNING update_id", args...).Scan(&ids).Error
	if err != nil {
		return nil, wrap("save updates", err)
	}
	isNew := make(map[int64]bool, len(ids))
	for _, id := range ids {
		isNew[id] = true
	}
	var fresh []InboundUpdate
	for _, u := range rows {
		if isNew[u.UpdateID] {
			fresh = append(fresh, u)
			delete(isNew, u.UpdateID) // the same update twice in one batch is one update
		}
	}
	return fresh, nil
}

// PendingFilter chooses stored updates that were never handled.
type PendingFilter struct {
	After  int64  // only updates with a greater id
	ChatID *int64 // only this chat's
	Limit  int
}

// PendingUpdates lists stored updates that were never handled, oldest first.
func (s *Store) PendingUpdates(ctx context.Context, f PendingFilter) ([]InboundUpdate, error) {
	q := s.q(ctx).Where("handled_at IS NULL AND update_id > ?", f.After)
	if f.ChatID != nil {
		q = q.Where("chat_id = ?", *f.ChatID)
	}
	var us []InboundUpdate
	err := q.Order("update_id").Limit(f.Limit).Find(&us).Error
	return us, wrap("pending updates", err)
}

// ClaimUpdate marks the update handled, with errText when handling failed. It reports false when
// the update was already handled, so that inside the handler's transaction it guards against
// handling anything twice.
func (s *Store) ClaimUpdate(ctx context.Context, updateID int64, errText string) (bool, error) {
	res := s.q(ctx).Exec("UPDATE updates SET handled_at = ?, error = ? WHERE update_id = ? AND handled_at IS NULL",
		s.clock(), errText, updateID)
	return res.RowsAffected == 1, wrap("claim update", res.Error)
}

// UpdateByID returns a stored update.
func (s *Store) UpdateByID(ctx context.Context, updateID int64) (InboundUpdate, error) {
	var u InboundUpdate
	err := s.q(ctx).Take(&u, "update_id = ?", updateID).Error
	return u, wrap("update by id", err)
}

// PruneUpdates deletes updates handled without error before the given time; failed ones are kept
// for the operator.
func (s *Store) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	res := s.q(ctx).Where("handled_at IS NOT NULL AND handled_at < ? AND error = ''", before.UTC()).Delete(&InboundUpdate{})
	return res.RowsAffected, wrap("prune updates", res.Error)
}

// Conversation returns the member's flow in the chat, or ErrNotFound.
func (s *Store) Conversation(ctx context.Context, chatID, userID int64) (Conversation, error) {
	var c Conversation
	err := s.q(ctx).Where("chat_id = ? AND user_id = ?", chatID, userID).Take(&c).Error
	return c, wrap("conversation", err)
}

// SaveConversation creates or replaces the flow of the member in the chat. A new flow (ID 0) gets a
// new ID, which its buttons carry so that buttons of an older flow are recognised as stale.
func (s *Store) SaveConversation(ctx context.Context, c *Conversation) error {
	if c.ID != 0 {
		res := s.q(ctx).Model(&Conversation{}).Where("id = ?", c.ID).
			Updates(map[string]any{"flow": c.Flow, "state": c.State, "updated_at": s.clock()})
		if res.Error != nil {
			return wrap("save conversation", res.Error)
		}
		if res.RowsAffected == 1 {
			return nil
		}
	}
	return wrap("save conversation", s.atomic(ctx, func(tx *Store) error {
		if err := tx.q(ctx).Where("chat_id = ? AND user_id = ?", c.ChatID, c.UserID).Delete(&Conversation{}).Error; err != nil {
			return err
		}
		c.ID = 0
		return tx.q(ctx).Create(c).Error
	}))
}

// SetConversationMessage remembers the flow's latest prompt message.
func (s *Store) SetConversationMessage(ctx context.Context, id, messageID int64) error {
	err := s.q(ctx).Model(&Conversation{}).Where("id = ?", id).Update("message_id", messageID).Error
	return wrap("set conversation message", err)
}

// DeleteConversation ends the member's flow in the chat. It reports whether there was one.
func (s *Store) DeleteConversation(ctx context.Context, chatID, userID int64) (bool, error) {
	res := s.q(ctx).Where("chat_id = ? AND user_id = ?", chatID, userID).Delete(&Conversation{})
	return res.RowsAffected > 0, wrap("delete conversation", res.Error)
}

// SaveMessageRefs remembers the bot's confirmations of reports.
func (s *Store) SaveMessageRefs(ctx context.Context, refs []MessageRef) error {
	if len(refs) == 0 {
		return nil
	}
	err := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&refs).Error
	return wrap("save message refs", err)
}
