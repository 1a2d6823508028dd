package storage

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Enqueue queues messages to send. A message whose key is already queued (sent or not) is not
// queued again, so whatever causes a message may run twice.
func (s *Store) Enqueue(ctx context.Context, msgs []OutboxMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	now := s.clock()
	for i := range msgs {
		msgs[i].ID = 0
		msgs[i].Status = OutboxPending
		if msgs[i].NotBefore.IsZero() {
			msgs[i].NotBefore = now
		}
	}
	err := s.q(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).
		CreateInBatches(&msgs, 200).Error
	return wrap("enqueue", err)
}

// DueMessages lists pending messages whose time has come, oldest first, leaving out the chats
// given (those the sender must not write to yet).
func (s *Store) DueMessages(ctx context.Context, now time.Time, limit int, skipChats []int64) ([]OutboxMessage, error) {
	q := s.q(ctx).Where("status = ? AND not_before <= ?", OutboxPending, now.UTC())
	if len(skipChats) > 0 {
		q = q.Where("chat_id NOT IN ?", skipChats)
	}
	var msgs []OutboxMessage
	err := q.Order("not_before").Order("id").Limit(limit).Find(&msgs).Error
	return msgs, wrap("due messages", err)
}

// ClaimMessage marks a pending message as being sent, just before it is handed to Telegram, and
// reports whether this sender got it. A message left "sending" by a process that died may or may
// not have reached Telegram: it is never sent again (see AbandonInterrupted).
func (s *Store) ClaimMessage(ctx context.Context, id int64) (bool, error) {
	res := s.q(ctx).Model(&OutboxMessage{}).Where("id = ? AND status = ?", id, OutboxPending).
		Updates(map[string]any{"status": OutboxSending, "updated_at": s.clock()})
	return res.RowsAffected == 1, wrap("claim message", res.Error)
}

// InterruptedReason is kept with a message whose sending was cut off.
const InterruptedReason = "interrupted while sending: it may have reached Telegram, so it is not sent again"

// AbandonInterrupted gives up on messages left "sending" since before the time given (their
// sender died): they are kept as failed, with the reason, rather than risk a duplicate.
func (s *Store) AbandonInterrupted(ctx context.Context, before time.Time) (int64, error) {
	res := s.q(ctx).Model(&OutboxMessage{}).Where("status = ? AND updated_at < ?", OutboxSending, before.UTC()).
		Updates(map[string]any{"status": OutboxFailed, "last_error": InterruptedReason, "updated_at": s.clock()})
	return res.RowsAffected, wrap("abandon interrupted", res.Error)
}

// MarkSent records that a message went out as Telegram message sentID.
func (s *Store) MarkSent(ctx context.Context, id, sentID int64) error {
	now := s.clock()
	err := s.q(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": OutboxSent, "sent_at": now, "sent_id": sentID, "attempts": clause.Expr{SQL: "attempts + 1"}, "updated_at": now}).Error
	return wrap("mark sent", err)
}

// Sent is a message that went out as Telegram message SentID.
type Sent struct{ ID, SentID int64 }

// MarkSentAll records several messages as sent, in one transaction: at a thousand messages a
// second, one write each would keep the database busy.
func (s *Store) MarkSentAll(ctx context.Context, sent []Sent) error {
	if len(sent) == 0 {
		return nil
	}
	return wrap("mark sent", s.atomic(ctx, func(tx *Store) error {
		for _, m := range sent {
			if err := tx.MarkSent(ctx, m.ID, m.SentID); err != nil {
				return err
			}
		}
		return nil
	}))
}

// Retry puts a message back for a later attempt, with the reason it failed.
func (s *Store) Retry(ctx context.Context, id int64, at time.Time, reason string) error {
	err := s.q(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": OutboxPending, "not_before": at.UTC(), "last_error": reason, "attempts": clause.Expr{SQL: "attempts + 1"}, "updated_at": s.clock()}).Error
	return wrap("retry", err)
}

// Defer puts a message back, unchanged, until a time (the recipient's quiet hours end).
func (s *Store) Defer(ctx context.Context, id int64, until time.Time) error {
	err := s.q(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": OutboxPending, "not_before": until.UTC(), "updated_at": s.clock()}).Error
	return wrap("defer", err)
}

// MarkFailed gives up on a message, keeping the reason.
func (s *Store) MarkFailed(ctx context.Context, id int64, reason string) error {
	err := s.q(ctx).Model(&OutboxMessage{}).Where("id = ?", id).
		Updates(map[string]any{"status": OutboxFailed, "last_error": reason, "attempts": clause.Expr{SQL: "attempts + 1"}, "updated_at": s.clock()}).Error
	return wrap("mark failed", err)
}

// MoveChat follows a group that became a supergroup: pending messages and the group's link move
// to the new chat id.
func (s *Store) MoveChat(ctx context.Context, from, to int64) error {
	return wrap("move chat", s.atomic(ctx, func(tx *Store) error {
		if err := tx.q(ctx).Model(&OutboxMessage{}).Where("chat_id = ? AND status IN ?", from, []string{OutboxPending, OutboxSending}).
			Update("chat_id", to).Error; err != nil {
			return err
		}
		var g GroupChat
		if err := tx.q(ctx).Where("chat_id = ?", from).Take(&g).Error; err != nil {
			return nil // not a group we know
		}
		if err := tx.q(ctx).Where("chat_id = ?", to).Delete(&GroupChat{}).Error; err != nil {
			return err
		}
		return tx.q(ctx).Model(&GroupChat{}).Where("chat_id = ?", from).Updates(map[string]any{"chat_id": to, "updated_at": tx.clock()}).Error
	}))
}

// Outbox lists messages in a status, newest first.
func (s *Store) Outbox(ctx context.Context, status string, limit int) ([]OutboxMessage, error) {
	var msgs []OutboxMessage
	err := s.q(ctx).Where("status = ?", status).Order("id DESC").Limit(limit).Find(&msgs).Error
	return msgs, wrap("outbox", err)
}

// SentAbout lists the messages of a kind about one thing that reached Telegram, with the ids
// Telegram gave them: to update the copies others got once something was decided. It finds them
// by their keys, "kind:ref:…" (as extension requests are keyed), on the keys' unique index: the
// outbox keeps every message ever sent.
func (s *Store) SentAbout(ctx context.Context, kind string, refID int64) ([]OutboxMessage, error) {
	prefix := kind + ":" + itoa(refID) + ":"
	upper := kind + ":" + itoa(refID) + ";" // ';' follows ':'
	var msgs []OutboxMessage
	err := s.q(ctx).Where("key >= ? AND key < ? AND status = ? AND sent_id <> 0", prefix, upper, OutboxSent).Order("id").Find(&msgs).Error
	return msgs, wrap("sent about", err)
}

// OutboxByID returns one queued message.
func (s *Store) OutboxByID(ctx context.Context, id int64) (OutboxMessage, error) {
	var m OutboxMessage
	err := s.q(ctx).Take(&m, id).Error
	return m, wrap("outbox by id", err)
}

// Backlog is how many queued messages wait to be sent (or are being sent).
func (s *Store) Backlog(ctx context.Context) (int64, error) {
	var n int64
	err := s.q(ctx).Model(&OutboxMessage{}).Where("status IN ?", []string{OutboxPending, OutboxSending}).Count(&n).Error
	return n, wrap("backlog", err)
}
