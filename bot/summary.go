package bot

import (
	"context"
	"fmt"
	"strings"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/digest"
	"nhacviec/storage"
)

// maxLateNames is how many late schools a group's summary names.
const maxLateNames = 30

// groupSummary is the weekly summary for a group linked to a unit: the counts in each status;
// the schools with overdue tasks only when an admin of the group turned that on.
func (t *turn) groupSummary(m storage.OutboxMessage) (string, *keyboard, error) {
	g, err := t.st.Group(t.ctx, m.ChatID)
	if isNotFound(err) || err == nil && (g.UnitID == nil || g.Unit == nil) {
		return "", nil, nil // left, or no longer linked: nothing to say
	}
	if err != nil {
		return "", nil, err
	}
	d, err := digest.Compute(t.ctx, t.st, digest.Query{Unit: *g.Unit, Since: t.now.AddDate(0, 0, -7), At: t.now, Loc: t.b.loc, Periods: t.b.periods})
	if err != nil {
		return "", nil, err
	}
	if d.Schools == 0 {
		return "", nil, nil
	}
	n := d.Totals()
	text := fmt.Sprintf(t.m.GroupSummary, esc(g.Unit.Name), t.now.In(t.b.loc).Format("02/01/2006"), d.Schools, d.Tasks(), n[0], n[1], n[2], n[3])
	if g.LateNames && len(d.Overdue) > 0 {
		names := make([]string, 0, maxLateNames)
		for _, s := range d.Overdue[:min(len(d.Overdue), maxLateNames)] {
			names = append(names, esc(s))
		}
		text += "\n\n" + fmt.Sprintf(t.m.GroupSummaryLate, len(d.Overdue), strings.Join(names, ", "))
		if more := len(d.Overdue) - maxLateNames; more > 0 {
			text += " " + fmt.Sprintf(t.m.GroupSummaryMore, more)
		}
	}
	return text + "\n\n" + t.m.GroupSummaryFooter, nil, nil
}

// lateNamesCommand is /tenquahan [bat|tat] in a linked group: whether the weekly summary names
// the schools with overdue tasks. Only the group's admins may turn it on or off; Telegram is
// asked who they are after the update's transaction.
func (t *turn) lateNamesCommand(args string) error {
	g, err := t.st.Group(t.ctx, t.chat.ID)
	if isNotFound(err) || err == nil && g.UnitID == nil {
		t.send(t.m.LateNamesUnlinked, nil)
		return nil
	}
	if err != nil {
		return err
	}
	var on bool
	switch strings.ToLower(strings.TrimSpace(args)) {
	case "bat", "bật", "on":
		on = true
	case "tat", "tắt", "off":
	default:
		state := t.m.LateNamesStateOff
		if g.LateNames {
			state = t.m.LateNamesStateOn
		}
		t.send(fmt.Sprintf(t.m.LateNamesUsage, state), nil)
		return nil
	}
	chatID, userID, m := t.chat.ID, t.from.ID, t.m
	anonymousAdmin := t.upd.Message != nil && t.upd.Message.SenderChat != nil && t.upd.Message.SenderChat.ID == chatID
	t.outs = append(t.outs, outgoing{kind: outWork, work: func(ctx context.Context, b *Bot) {
		admin := anonymousAdmin // an admin writing as the group
		if !admin {
			var cm *models.ChatMember
			err := retrying(ctx, true, func() error {
				var err error
				cm, err = b.api.client.GetChatMember(ctx, &tg.GetChatMemberParams{ChatID: chatID, UserID: userID})
				return b.api.redact(err)
			})
			if err != nil {
				b.log.Warn("cannot ask Telegram who the group's admins are", "chat_id", chatID, "err", err)
				b.sendPlain(ctx, chatID, m.Apology)
				return
			}
			admin = cm.Type == models.ChatMemberTypeOwner || cm.Type == models.ChatMemberTypeAdministrator
		}
		if !admin {
			b.sendPlain(ctx, chatID, m.LateNamesAdminsOnly)
			return
		}
		if err := b.st.SetGroupLateNames(ctx, chatID, on); err != nil {
			b.log.Error("cannot save the group's setting", "chat_id", chatID, "err", err)
			b.sendPlain(ctx, chatID, m.Apology)
			return
		}
		if on {
			b.sendPlain(ctx, chatID, m.LateNamesOn)
		} else {
			b.sendPlain(ctx, chatID, m.LateNamesOff)
		}
	}})
	return nil
}
