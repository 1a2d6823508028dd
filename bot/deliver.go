package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/digest"
	"nhacviec/storage"
)

// Deliver renders and sends a queued message (a new task, a published directive, an
// announcement). The scheduler calls it, paced; its errors say whether to wait, follow a group
// that moved, give up, or try again later.
func (b *Bot) Deliver(ctx context.Context, m storage.OutboxMessage) (int64, error) {
	var member *storage.Member
	if m.MemberID != nil {
		mem, err := b.st.MemberByID(ctx, *m.MemberID)
		if isNotFound(err) {
			return 0, nil // the member left: nothing to say, settled
		}
		if err != nil {
			return 0, err
		}
		// Nothing the bot says on its own reaches a person in their quiet hours.
		if until, quiet := b.quietUntil(mem); quiet {
			return 0, deferred{until}
		}
		member = &mem
	}
	if m.Kind == storage.KindDigestChart {
		return b.deliverChart(ctx, m, member)
	}
	text, kb, err := b.render(ctx, m, member)
	if err != nil {
		return 0, err
	}
	if text == "" {
		return 0, nil // nothing left to say (the member left the school): settled
	}
	ids, err := b.sendText(ctx, outgoing{kind: outSend, chatID: m.ChatID, text: text, kb: kb})
	if err != nil {
		return 0, classify(err)
	}
	return int64(ids[len(ids)-1]), nil
}

// outboxTurn is the turn a queued message is written in: its recipient's language, or
// Vietnamese for a group.
func (b *Bot) outboxTurn(ctx context.Context, m storage.OutboxMessage, member *storage.Member) *turn {
	t := &turn{ctx: ctx, b: b, st: b.st, now: b.now(), m: &vi, chat: chatFor(m.ChatID)}
	if member != nil {
		t.member, t.m = member, catalogFor(member.Language)
	}
	return t
}

// render writes a queued message in its recipient's language.
func (b *Bot) render(ctx context.Context, m storage.OutboxMessage, member *storage.Member) (string, *keyboard, error) {
	t := b.outboxTurn(ctx, m, member)
	switch m.Kind {
	case storage.KindTaskNotice, storage.KindDirectiveNotice:
		return t.noticeText(m)
	case storage.KindDirectiveAnnounce:
		return t.announcement(m.RefID)
	case storage.KindTaskHandover:
		return t.handoverText(m.RefID)
	case storage.KindReminder:
		return t.reminderText(m)
	case storage.KindEscalation:
		return t.escalationText(m)
	case storage.KindExtensionAsk:
		return t.extensionAskText(m.RefID)
	case storage.KindExtensionDecided:
		return t.extensionDecidedText(m.RefID)
	case storage.KindDigest:
		return t.weeklyDigest(m)
	case storage.KindReportAnswer:
		return t.answerText(m.RefID)
	case storage.KindGroupSummary:
		return t.groupSummary(m)
	}
	return "", nil, permanent{fmt.Errorf("bot: unknown message kind %q", m.Kind)}
}

// noticeText lists a head's new tasks.
func (t *turn) noticeText(m storage.OutboxMessage) (string, *keyboard, error) {
	items, err := t.st.NoticeItems(t.ctx, m.Kind, m.RefID, t.member.ID)
	if err != nil || len(items) == 0 {
		return "", nil, err
	}
	var sb strings.Builder
	if m.Kind == storage.KindDirectiveNotice {
		d, err := t.st.DirectiveOf(t.ctx, items[0].Task)
		if err != nil {
			return "", nil, err
		}
		name, title := "", ""
		if d != nil {
			name, title = d.Name(), d.Title
		}
		fmt.Fprintf(&sb, t.m.NoticeDirective, esc(name), esc(clip(oneLine(title), 300)), len(items))
	} else {
		fmt.Fprintf(&sb, t.m.NoticeTask, len(items))
	}
	for _, a := range items {
		fmt.Fprintf(&sb, "\n\n<a href=\"%s\"><b>%d.</b></a> %s", t.taskLink(a.ID), a.Seq, esc(clip(oneLine(a.Task.Title), 200)))
		if t.manySchools() {
			sb.WriteString(" <i>(" + esc(a.Unit.Name) + ")</i>")
		}
		sb.WriteString("\n    ⏰ " + t.dueText(a))
		if a.Task.Citation != "" {
			sb.WriteString(" · " + fmt.Sprintf(t.m.CitationShort, esc(a.Task.Citation)))
		}
	}
	sb.WriteString("\n\n" + t.m.NoticeFooter)
	return sb.String(), rows([]button{btn(t.m.BtnTaskList, "t", "l", 0)}), nil
}

// weeklyDigest is the digest of a unit the member still oversees, with what happened since the
// last one they were sent (a week, the first time), and its buttons.
func (t *turn) weeklyDigest(m storage.OutboxMessage) (string, *keyboard, error) {
	d, ok, err := t.weeklyDigestData(m.RefID)
	if err != nil || !ok {
		return "", nil, err
	}
	return d.HTML(digest.For(t.member.Language), t.b.loc), digestKeyboard(t.m, d), nil
}

// weeklyDigestData works out the weekly digest of the unit; ok is false when the member no
// longer oversees it.
func (t *turn) weeklyDigestData(unitID int64) (digest.Digest, bool, error) {
	supervises := false
	for _, ms := range t.member.Memberships {
		supervises = supervises || ms.Role == storage.RoleSupervisor && ms.UnitID == unitID
	}
	if !supervises {
		return digest.Digest{}, false, nil
	}
	u, err := t.st.UnitByID(t.ctx, unitID)
	if isNotFound(err) {
		return digest.Digest{}, false, nil
	}
	if err != nil {
		return digest.Digest{}, false, err
	}
	since, err := t.st.LastDigest(t.ctx, t.member.ID, u.ID)
	if err != nil {
		return digest.Digest{}, false, err
	}
	if weekAgo := t.now.AddDate(0, 0, -7); since.IsZero() || since.Before(weekAgo.AddDate(0, 0, -7)) {
		since = weekAgo
	}
	d, err := digest.Compute(t.ctx, t.st, digest.Query{Unit: u, Since: since, At: t.now, Loc: t.b.loc, Periods: t.b.periods})
	return d, err == nil, err
}

// deliverChart sends the chart of a supervisor's weekly digest, queued right after it.
func (b *Bot) deliverChart(ctx context.Context, m storage.OutboxMessage, member *storage.Member) (int64, error) {
	if member == nil {
		return 0, nil
	}
	t := b.outboxTurn(ctx, m, member)
	d, ok, err := t.weeklyDigestData(m.RefID)
	if err != nil || !ok {
		return 0, err
	}
	png, caption, err := b.digestChart(d, t.m, member.Language)
	if err != nil {
		return 0, permanent{err}
	}
	if png == nil {
		return 0, nil
	}
	id, err := b.sendPhoto(ctx, m.ChatID, png, caption)
	if err != nil {
		return 0, classify(err)
	}
	return int64(id), nil
}

// handoverText tells a deputy that they are in charge of a task, unless the head has since
// taken it back.
func (t *turn) handoverText(assignmentID int64) (string, *keyboard, error) {
	a, err := t.st.AssignmentByID(t.ctx, assignmentID)
	if isNotFound(err) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	if a.AssigneeID == nil || *a.AssigneeID != t.member.ID {
		return "", nil, nil
	}
	text := fmt.Sprintf(t.m.YouWereAssigned, t.taskLink(a.ID), a.Seq, esc(a.Unit.Name), esc(clip(oneLine(a.Task.Title), 300)), a.Due.Format())
	return text, rows([]button{btn(t.m.BtnOpenTask, "t", "v", a.ID), btn(t.m.BtnReport, "r", "s", a.ID)}), nil
}

// announcement tells a group about a published directive, with a button to acknowledge it. A
// group linked to a unit counts the schools of that unit only: the others are none of its
// business.
func (t *turn) announcement(directiveID int64) (string, *keyboard, error) {
	var under []int64
	g, err := t.st.Group(t.ctx, t.chat.ID)
	switch {
	case err == nil && g.UnitID != nil:
		under = []int64{*g.UnitID}
	case err != nil && !isNotFound(err):
		return "", nil, err
	}
	sum, err := t.st.DirectiveByID(t.ctx, directiveID, under, under == nil)
	if isNotFound(err) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	tasks, err := t.st.DirectiveTasks(t.ctx, directiveID)
	if err != nil {
		return "", nil, err
	}
	var first storage.Date
	for _, tk := range tasks {
		if first.IsZero() || tk.Due.Before(first) {
			first = tk.Due
		}
	}
	d := sum.Directive
	text := fmt.Sprintf(t.m.Announce, esc(d.Name()), esc(clip(oneLine(d.Title), 300)), sum.Tasks, sum.Schools, first.Format())
	kb := rows(
		[]button{btn(t.m.BtnAck, "a", directiveID)},
		[]button{{Text: t.m.BtnOpenPrivate, URL: "https://t.me/" + t.b.username}},
	)
	return text, kb, nil
}

// quietUntil reports whether it is the member's quiet time now, and when it ends.
func (b *Bot) quietUntil(m storage.Member) (time.Time, bool) {
	now := b.now().In(b.loc)
	minute := now.Hour()*60 + now.Minute()
	if !storage.Quiet(minute, m.QuietFrom, m.QuietTo) {
		return time.Time{}, false
	}
	end := time.Date(now.Year(), now.Month(), now.Day(), m.QuietTo/60, m.QuietTo%60, 0, 0, b.loc)
	if !end.After(now) {
		end = end.AddDate(0, 0, 1)
	}
	return end, true
}

// The errors Deliver returns, by what the sender should do.
type (
	retryAfter struct {
		error
		wait time.Duration
	}
	migrated struct {
		error
		to int64
	}
	permanent struct{ error }
	blocked   struct{ permanent } // the person blocked the bot (403)
	deferred  struct{ until time.Time }
)

func (e deferred) Error() string         { return "quiet hours until " + e.until.Format(time.RFC3339) }
func (e deferred) DeferUntil() time.Time { return e.until }

func (e retryAfter) RetryAfter() time.Duration { return e.wait }
func (e migrated) MigrateTo() int64            { return e.to }
func (e permanent) Permanent() bool            { return true }
func (e blocked) Blocked() bool                { return true }
func (e retryAfter) Unwrap() error             { return e.error }
func (e migrated) Unwrap() error               { return e.error }
func (e permanent) Unwrap() error              { return e.error }

// classify says what a Telegram error means for a queued message.
func classify(err error) error {
	var tooMany *tg.TooManyRequestsError
	var moved *tg.MigrateError
	switch {
	case errors.As(err, &tooMany):
		return retryAfter{err, time.Duration(max(tooMany.RetryAfter, 1)) * time.Second}
	case errors.As(err, &moved):
		return migrated{err, int64(moved.MigrateToChatID)}
	case errors.Is(err, tg.ErrorForbidden):
		return blocked{permanent{err}}
	case errors.Is(err, tg.ErrorBadRequest), errors.Is(err, tg.ErrorNotFound):
		return permanent{err}
	}
	return err
}

// chatFor is the chat a queued message goes to: a person's private chat, or a group.
func chatFor(id int64) models.Chat {
	if id < 0 {
		return models.Chat{ID: id, Type: models.ChatTypeSupergroup}
	}
	return models.Chat{ID: id, Type: models.ChatTypePrivate}
}
