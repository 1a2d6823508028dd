package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// Reminders, escalations and extension requests: how they read, and what their buttons do.

const flowExtension = "extension"

// maxReminderButtons is how many tasks of one reminder get buttons of their own.
const maxReminderButtons = 6

// reminderText lists a member's tasks that need a report, with buttons to report, snooze or ask
// for more time. Tasks finished since the tick are left out; with none left there is nothing to
// say.
func (t *turn) reminderText(m storage.OutboxMessage) (string, *keyboard, error) {
	items, as, err := t.st.RemindersInBatch(t.ctx, m.Key)
	if err != nil {
		return "", nil, err
	}
	type entry struct {
		it storage.Reminder
		a  storage.Assignment
	}
	var open []entry
	for i, a := range as {
		if a.Open() || recurring(a) {
			open = append(open, entry{items[i], a})
		}
	}
	if len(open) == 0 {
		return "", nil, nil
	}
	var sb strings.Builder
	if len(open) == 1 {
		sb.WriteString(t.m.RemindTitleOne)
	} else {
		fmt.Fprintf(&sb, t.m.RemindTitleMany, len(open))
	}
	for _, e := range open {
		a := e.a
		fmt.Fprintf(&sb, "\n\n<a href=\"%s\"><b>%d.</b></a> %s", t.taskLink(a.ID), a.Seq, esc(clip(oneLine(a.Task.Title), 200)))
		if t.manySchools() {
			sb.WriteString(" <i>(" + esc(a.Unit.Name) + ")</i>")
		}
		period := a
		if !e.it.Due.IsZero() {
			period.Due = e.it.Due
		}
		if period.Due != a.Due {
			sb.WriteString("\n    🔁 " + fmt.Sprintf(t.m.RemindPeriod, t.dueText(period)))
		} else {
			sb.WriteString("\n    ⏰ " + t.dueText(a))
		}
		sb.WriteString("\n    📈 " + t.progressText(a))
	}
	snooze := func(days int, label string) button {
		return btn(label, "z", open[0].it.ID, days)
	}
	var kb *keyboard
	if len(open) == 1 {
		a := open[0].a
		sb.WriteString("\n\n" + t.m.RemindFooterOne)
		rs := [][]button{
			{btn(t.m.BtnReportNow, "r", "s", a.ID)},
			{snooze(1, t.m.BtnSnooze1), snooze(3, t.m.BtnSnooze3)},
		}
		if !recurring(a) && t.canAskExtension(a) {
			rs = append(rs, []button{btn(t.m.BtnExtend, "x", "n", a.ID)})
		}
		kb = rows(rs...)
	} else {
		sb.WriteString("\n\n" + t.m.RemindFooterMany)
		var rs [][]button
		for _, e := range open[:min(len(open), maxReminderButtons)] {
			row := []button{btn(fmt.Sprintf(t.m.BtnReportTask, e.a.Seq), "r", "s", e.a.ID)}
			if !recurring(e.a) && t.canAskExtension(e.a) {
				row = append(row, btn(fmt.Sprintf(t.m.BtnExtendTask, e.a.Seq), "x", "n", e.a.ID))
			}
			rs = append(rs, row)
		}
		rs = append(rs, []button{snooze(1, t.m.BtnSnooze1), snooze(3, t.m.BtnSnooze3)})
		kb = rows(rs...)
	}
	return sb.String(), kb, nil
}

// escalationText tells a supervisor which schools are still late after the overdue reminders.
func (t *turn) escalationText(m storage.OutboxMessage) (string, *keyboard, error) {
	items, as, err := t.st.RemindersInBatch(t.ctx, m.Key)
	if err != nil {
		return "", nil, err
	}
	var sb strings.Builder
	n := 0
	for i, a := range as {
		if !a.Open() && !recurring(a) {
			continue
		}
		n++
		due := t.dueText(a)
		if recurring(a) && !items[i].Due.IsZero() {
			period := a
			period.Due = items[i].Due
			due = fmt.Sprintf(t.m.RemindPeriod, t.dueText(period))
		}
		fmt.Fprintf(&sb, "\n\n🏫 <b>%s</b>\n<a href=\"%s\">%s %d</a>: %s\n    ⏰ %s · 📈 %s",
			esc(a.Unit.Name), t.taskLink(a.ID), t.m.TaskShort, a.Seq, esc(clip(oneLine(a.Task.Title), 160)), due, t.progressText(a))
	}
	if n == 0 {
		return "", nil, nil
	}
	return fmt.Sprintf(t.m.EscalateTitle, n) + sb.String() + "\n\n" + t.m.EscalateFooter, nil, nil
}

// onSnoozeButton is "Nhắc lại sau": the reminder's tasks are not reminded again before the day.
func (t *turn) onSnoozeButton(c callback) error {
	days := c.num(2)
	if days != 1 && days != 3 {
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	items, err := t.st.ReminderItems(t.ctx, c.id(1))
	if err != nil {
		return err
	}
	var ids []int64
	for _, it := range items {
		if t.member != nil && it.MemberID == t.member.ID {
			ids = append(ids, it.AssignmentID)
		}
	}
	if len(ids) == 0 {
		t.answer(t.m.NotAllowed, true)
		return nil
	}
	until := t.today().AddDays(days)
	if err := t.st.Snooze(t.ctx, t.member.ID, ids, until); err != nil {
		return err
	}
	t.answer(fmt.Sprintf(t.m.Snoozed, until.Format()), false)
	return nil
}

// extensionDraft is an extension request being written.
type extensionDraft struct {
	AssignmentID int64  `json:"a"`
	Proposed     string `json:"d,omitempty"`
}

// onExtensionButton handles "Xin gia hạn" (n) and the supervisor's answers (y, k).
func (t *turn) onExtensionButton(c callback) error {
	switch c.str(1) {
	case "n":
		a, ok, err := t.assignmentFor(c.id(2), t.canAskExtension)
		switch {
		case err != nil:
			return err
		case !ok && a.ID != 0 && t.canReport(a):
			t.answer(t.m.ExtHeadOnly, true) // a deputy: the head asks
			return nil
		case !ok:
			t.answer(t.m.NotAllowed, true)
			return nil
		}
		return t.startExtension(a)
	case "y", "k":
		return t.decideExtension(c.id(2), c.str(1) == "y")
	}
	t.answer(t.m.ButtonExpired, false)
	return nil
}

// recurring reports whether the assignment is reported on in windows (weekly, monthly, …).
func recurring(a storage.Assignment) bool {
	return a.Task.Cadence != "" && a.Task.Cadence != storage.CadenceOnce
}

// startExtension asks for the date the head proposes.
func (t *turn) startExtension(a storage.Assignment) error {
	if !a.Open() {
		t.answer(t.m.ExtDone, true)
		return nil
	}
	if recurring(a) {
		// One window cannot be moved on its own: the series' end would move instead.
		t.answer(t.m.ExtRecurring, true)
		return nil
	}
	if _, err := t.st.PendingExtension(t.ctx, a.ID); err == nil {
		t.answer(t.m.ExtPending, true)
		if t.upd.CallbackQuery == nil {
			t.send(t.m.ExtPending, nil)
		}
		return nil
	} else if !isNotFound(err) {
		return err
	}
	if old, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID); err == nil && old.Flow != flowExtension {
		t.answer(t.m.FinishFlowFirst, true)
		return nil
	} else if err != nil && !isNotFound(err) {
		return err
	}
	conv := storage.Conversation{ChatID: t.chat.ID, UserID: t.from.ID, Flow: flowExtension}
	if err := t.saveFlow(&conv, extensionDraft{AssignmentID: a.ID}); err != nil {
		return err
	}
	t.answer("", false)
	t.sendPrompt(conv.ID, fmt.Sprintf(t.m.ExtAskDate, a.Seq, esc(clip(oneLine(a.Task.Title), 200)), a.Due.Format()), nil)
	return nil
}

// continueExtension takes the proposed date, then the reason, then sends the request.
func (t *turn) continueExtension(conv storage.Conversation, msg *models.Message) error {
	var d extensionDraft
	if err := json.Unmarshal([]byte(conv.State), &d); err != nil {
		return err
	}
	a, ok, err := t.assignmentFor(d.AssignmentID, t.canAskExtension)
	if err != nil {
		return err
	}
	if !ok || !a.Open() {
		if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
			return err
		}
		t.send(t.m.ExtDone, nil)
		return nil
	}
	text := strings.TrimSpace(msg.Text)
	if text == "" {
		t.send(t.m.ExtTextOnly, nil)
		return nil
	}
	if d.Proposed == "" {
		due, err := storage.ParseDate(text)
		if err != nil || !due.After(a.Due) || due.Before(t.today()) {
			t.send(fmt.Sprintf(t.m.ExtBadDate, a.Due.Format()), nil)
			return nil
		}
		d.Proposed = due.String()
		if err := t.saveFlow(&conv, d); err != nil {
			return err
		}
		t.sendPrompt(conv.ID, fmt.Sprintf(t.m.ExtAskReason, due.Format()), nil)
		return nil
	}
	if n := utf8.RuneCountInString(text); n > 1000 {
		t.send(fmt.Sprintf(t.m.TextTooLong, n, 1000), nil)
		return nil
	}
	due, _ := storage.ParseDate(d.Proposed)
	sups, err := t.st.SupervisorsOf(t.ctx, a.UnitID)
	if err != nil {
		return err
	}
	if len(sups) == 0 {
		if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
			return err
		}
		t.send(t.m.ExtNoSupervisor, nil)
		return nil
	}
	_, err = t.st.RequestExtension(t.ctx, storage.ExtensionRequest{AssignmentID: a.ID, MemberID: t.member.ID,
		OldDue: a.Due, ProposedDue: due, Reason: text}, sups)
	if errors.Is(err, storage.ErrExtensionPending) {
		err = nil
	}
	if err != nil {
		return err
	}
	if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
		return err
	}
	t.send(fmt.Sprintf(t.m.ExtSent, a.Seq, due.Format()), nil)
	return nil
}

// extensionAskText is the request as a supervisor sees it, with the answer buttons while it waits.
func (t *turn) extensionAskText(requestID int64) (string, *keyboard, error) {
	r, err := t.st.ExtensionByID(t.ctx, requestID)
	if isNotFound(err) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	text := t.extensionSummary(r)
	if r.Status != storage.ExtensionPending {
		return text + "\n\n" + t.decisionLine(r), nil, nil
	}
	return text, rows([]button{btn(t.m.BtnApprove, "x", "y", r.ID), btn(t.m.BtnDeny, "x", "k", r.ID)}), nil
}

func (t *turn) extensionSummary(r storage.ExtensionRequest) string {
	a := r.Assignment
	return fmt.Sprintf(t.m.ExtAsk, esc(a.Unit.Name), esc(r.Member.Name()), t.taskLink(a.ID), t.m.TaskShort, a.Seq,
		esc(clip(oneLine(a.Task.Title), 200)), r.OldDue.Format(), r.ProposedDue.Format(), esc(clip(r.Reason, 1000)))
}

func (t *turn) decisionLine(r storage.ExtensionRequest) string {
	who := ""
	if r.DecidedBy != nil {
		if m, err := t.st.MemberByID(t.ctx, *r.DecidedBy); err == nil {
			who = m.Name()
		}
	}
	if r.Status == storage.ExtensionApproved {
		return fmt.Sprintf(t.m.ExtApprovedBy, r.ProposedDue.Format(), esc(who))
	}
	return fmt.Sprintf(t.m.ExtDeniedBy, esc(who))
}

// decideExtension records a supervisor's answer; the first answer counts.
func (t *turn) decideExtension(id int64, approve bool) error {
	r, err := t.st.ExtensionByID(t.ctx, id)
	if isNotFound(err) {
		t.answer(t.m.NotAllowed, true)
		return nil
	}
	if err != nil {
		return err
	}
	ok, err := t.inScope(r.Assignment.UnitID)
	if err != nil {
		return err
	}
	if !ok || t.canReport(r.Assignment) && !t.isAdmin() && len(t.supervised()) == 0 {
		t.answer(t.m.NotAllowed, true)
		return nil
	}
	decided, err := t.st.DecideExtension(t.ctx, id, t.member.ID, approve)
	if err != nil {
		return err
	}
	if r, err = t.st.ExtensionByID(t.ctx, id); err != nil {
		return err
	}
	if !decided {
		t.answer(t.m.ExtAlreadyDecided, true)
	} else {
		t.answer(t.m.Saved, false)
	}
	if mid := t.callbackMessageID(); mid != 0 {
		t.edit(mid, t.extensionSummary(r)+"\n\n"+t.decisionLine(r), rows())
	}
	if decided {
		return t.closeOtherAsks(r)
	}
	return nil
}

// closeOtherAsks updates the copies of the request the school's other supervisors got: they show
// the decision instead of buttons that can no longer decide anything.
func (t *turn) closeOtherAsks(r storage.ExtensionRequest) error {
	asks, err := t.st.SentAbout(t.ctx, storage.KindExtensionAsk, r.ID)
	if err != nil {
		return err
	}
	own := t.m
	defer func() { t.m = own }()
	for _, m := range asks {
		if m.ChatID == t.chat.ID {
			continue
		}
		t.m = &vi
		if m.MemberID != nil {
			if other, err := t.st.MemberByID(t.ctx, *m.MemberID); err == nil {
				t.m = catalogFor(other.Language)
			}
		}
		// Only an edit: a new message in someone else's chat would skip the outbox's pacing and
		// their quiet hours, for news that is not theirs to act on.
		t.outs = append(t.outs, outgoing{kind: outEdit, chatID: m.ChatID, messageID: int(m.SentID),
			text: t.extensionSummary(r) + "\n\n" + t.decisionLine(r), kb: rows(), onlyEdit: true})
	}
	return nil
}

// extensionDecidedText tells the head the answer.
func (t *turn) extensionDecidedText(requestID int64) (string, *keyboard, error) {
	r, err := t.st.ExtensionByID(t.ctx, requestID)
	if isNotFound(err) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	a := r.Assignment
	title := esc(clip(oneLine(a.Task.Title), 200))
	if r.Status == storage.ExtensionApproved {
		return fmt.Sprintf(t.m.ExtApproved, t.taskLink(a.ID), a.Seq, title, r.ProposedDue.Format()), nil, nil
	}
	return fmt.Sprintf(t.m.ExtDenied, t.taskLink(a.ID), a.Seq, title, a.Due.Format()),
		rows([]button{btn(t.m.BtnReportNow, "r", "s", a.ID)}), nil
}

// settingsCommand is /caidat: the reminder time, quiet hours and reminders on or off. Typed:
// "/caidat 07:30" sets the time, "/caidat 21:00-06:30" the quiet hours.
func (t *turn) settingsCommand(args string) error {
	s := storage.ReminderSettings{RemindAt: t.member.RemindAt, QuietFrom: t.member.QuietFrom, QuietTo: t.member.QuietTo, Off: t.member.RemindersOff}
	if args = strings.TrimSpace(args); args != "" {
		if from, to, ok := strings.Cut(args, "-"); ok {
			f, ok1 := parseClock(from)
			e, ok2 := parseClock(to)
			if !ok1 || !ok2 {
				t.send(t.m.SettingsBad, nil)
				return nil
			}
			s.QuietFrom, s.QuietTo = f, e
		} else {
			m, ok := parseClock(args)
			if !ok {
				t.send(t.m.SettingsBad, nil)
				return nil
			}
			s.RemindAt = m
		}
		if storage.Quiet(s.RemindAt, s.QuietFrom, s.QuietTo) {
			t.send(fmt.Sprintf(t.m.SettingsInQuiet, clockText(s.RemindAt)), nil)
			return nil
		}
		if err := t.saveSettings(s); err != nil {
			return err
		}
	}
	t.showSettings(s)
	return nil
}

// remindTimes are the reminder times offered as buttons.
var remindTimes = []int{6*60 + 30, 7 * 60, 7*60 + 30, 8 * 60, 11 * 60, 13*60 + 30, 16 * 60, 19 * 60}

func (t *turn) showSettings(s storage.ReminderSettings) {
	state := t.m.SettingsOn
	if s.Off {
		state = t.m.SettingsOff
	}
	text := fmt.Sprintf(t.m.SettingsTitle, clockText(s.RemindAt), clockText(s.QuietFrom), clockText(s.QuietTo), state)
	var bs []button
	for _, m := range remindTimes {
		label := clockText(m)
		if m == s.RemindAt {
			label = "✓ " + label
		}
		bs = append(bs, btn(label, "s", "t", m))
	}
	toggle := btn(t.m.BtnRemindersOff, "s", "o", 1)
	if s.Off {
		toggle = btn(t.m.BtnRemindersOn, "s", "o", 0)
	}
	t.show(text, rows(append(grid(bs, 4), []button{toggle})...))
}

// onSettingsButton changes the reminder time or turns reminders on or off.
func (t *turn) onSettingsButton(c callback) error {
	s := storage.ReminderSettings{RemindAt: t.member.RemindAt, QuietFrom: t.member.QuietFrom, QuietTo: t.member.QuietTo, Off: t.member.RemindersOff}
	switch c.str(1) {
	case "t":
		m := c.num(2)
		valid := false
		for _, x := range remindTimes {
			valid = valid || x == m
		}
		if !valid {
			t.answer(t.m.ButtonExpired, false)
			return nil
		}
		if storage.Quiet(m, s.QuietFrom, s.QuietTo) {
			t.answer(fmt.Sprintf(t.m.SettingsInQuiet, clockText(m)), true)
			return nil
		}
		s.RemindAt = m
	case "o":
		s.Off = c.num(2) == 1
	default:
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	if err := t.saveSettings(s); err != nil {
		return err
	}
	t.answer(t.m.Saved, false)
	t.showSettings(s)
	return nil
}

func (t *turn) saveSettings(s storage.ReminderSettings) error {
	if err := t.st.SetReminderSettings(t.ctx, t.member.ID, s); err != nil {
		return err
	}
	t.member.RemindAt, t.member.QuietFrom, t.member.QuietTo, t.member.RemindersOff = s.RemindAt, s.QuietFrom, s.QuietTo, s.Off
	return nil
}

// parseClock reads "7:30", "07:30", "7h30", "7h" or "19" as minutes after midnight.
func parseClock(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	h, m, found := strings.Cut(strings.NewReplacer("h", ":", ".", ":").Replace(s), ":")
	hh, err := strconv.Atoi(h)
	if err != nil || hh < 0 || hh > 23 {
		return 0, false
	}
	mm := 0
	if found && m != "" {
		if mm, err = strconv.Atoi(m); err != nil || mm < 0 || mm > 59 || len(m) != 2 {
			return 0, false
		}
	}
	return hh*60 + mm, true
}

func clockText(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// failuresCommand is /tinloi for admins: the latest messages the bot could not send, and why.
func (t *turn) failuresCommand() error {
	if !t.isAdmin() {
		t.send(t.m.AdminsOnly, nil)
		return nil
	}
	msgs, err := t.st.Outbox(t.ctx, storage.OutboxFailed, 15)
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		t.send(t.m.FailuresNone, nil)
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, t.m.FailuresTitle, len(msgs))
	for _, m := range msgs {
		to := strconv.FormatInt(m.ChatID, 10)
		if m.MemberID != nil {
			if mem, err := t.st.MemberByID(t.ctx, *m.MemberID); err == nil {
				to = mem.Name()
			}
		} else if g, err := t.st.Group(t.ctx, m.ChatID); err == nil && g.Title != "" {
			to = g.Title
		}
		fmt.Fprintf(&sb, "\n\n• %s · %s · %s\n  <i>%s</i>", t.fmtTime(m.UpdatedAt), esc(m.Kind), esc(to), esc(clip(m.LastError, 200)))
	}
	t.send(sb.String(), nil)
	return nil
}
