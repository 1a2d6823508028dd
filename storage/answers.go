package storage

import (
	"context"
	"fmt"
)

// AnswerReport keeps a supervisor's answer with the report and, in the same transaction, queues
// it for the member who reported and the school's heads.
func (s *Store) AnswerReport(ctx context.Context, reportID, memberID int64, text string) (Answer, error) {
	a := Answer{ReportID: reportID, MemberID: memberID, Text: text}
	err := s.atomic(ctx, func(tx *Store) error {
		var r Report
		if err := tx.q(ctx).Preload("Assignment").Take(&r, reportID).Error; err != nil {
			return err
		}
		a.CreatedAt = tx.clock()
		if err := tx.q(ctx).Omit("Member", "Report").Create(&a).Error; err != nil {
			return err
		}
		heads, err := tx.MembersOfUnit(ctx, r.Assignment.UnitID, RoleHead)
		if err != nil {
			return err
		}
		to := []int64{r.MemberID}
		chats := map[int64]int64{}
		for _, h := range heads {
			to = append(to, h.ID)
			chats[h.ID] = h.TelegramID
		}
		if _, ok := chats[r.MemberID]; !ok {
			m, err := tx.MemberByID(ctx, r.MemberID)
			if err != nil {
				return err
			}
			chats[m.ID] = m.TelegramID
		}
		var msgs []OutboxMessage
		seen := map[int64]bool{}
		for _, id := range to {
			if seen[id] || id == memberID {
				continue
			}
			seen[id] = true
			mid := id
			msgs = append(msgs, OutboxMessage{Kind: KindReportAnswer, ChatID: chats[id], MemberID: &mid, RefID: a.ID,
				Key: fmt.Sprintf("%s:%d:%d", KindReportAnswer, a.ID, id)})
		}
		return tx.Enqueue(ctx, msgs)
	})
	return a, wrap("answer report", err)
}

// AnswerByID returns an answer with who gave it and the report it answers.
func (s *Store) AnswerByID(ctx context.Context, id int64) (Answer, error) {
	var a Answer
	if err := s.q(ctx).Preload("Member").Take(&a, id).Error; err != nil {
		return a, wrap("answer by id", err)
	}
	r, err := s.ReportByID(ctx, a.ReportID)
	if err != nil {
		return a, err
	}
	a.Report = &r
	return a, nil
}

// SetGroupLateNames says whether the group's weekly summary names the late schools.
func (s *Store) SetGroupLateNames(ctx context.Context, chatID int64, on bool) error {
	err := s.q(ctx).Model(&GroupChat{}).Where("chat_id = ?", chatID).
		Updates(map[string]any{"late_names": on, "updated_at": s.clock()}).Error
	return wrap("set group late names", err)
}

// LinkedGroups lists the groups linked to a unit, by chat.
func (s *Store) LinkedGroups(ctx context.Context) ([]GroupChat, error) {
	var gs []GroupChat
	err := s.q(ctx).Where("unit_id IS NOT NULL").Order("chat_id").Find(&gs).Error
	return gs, wrap("linked groups", err)
}
