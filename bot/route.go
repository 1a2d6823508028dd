package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// route decides what an update is and who may do what with it.
func (b *Bot) route(t *turn) error {
	if t.upd.MyChatMember != nil {
		b.log.Info("the bot's membership in a chat changed", "chat_id", t.chat.ID, "status", t.upd.MyChatMember.NewChatMember.Type)
		return t.onMembership()
	}
	if msg := t.upd.Message; msg != nil && t.chat.Type != models.ChatTypePrivate {
		if done, err := t.onGroupService(msg); done || err != nil {
			return err
		}
	}
	if t.from == nil || t.from.IsBot {
		return nil // channel posts and service messages are not for us
	}
	m, err := t.st.MemberByTelegramID(t.ctx, t.from.ID)
	switch {
	case err == nil:
		t.member = &m
		t.m = catalogFor(m.Language)
		if err := t.st.TouchMember(t.ctx, t.member, telegramUser(t.from)); err != nil {
			return err
		}
	case !errors.Is(err, storage.ErrNotFound):
		return err
	}
	if t.chat.Type != models.ChatTypePrivate {
		return t.inGroup()
	}
	if t.member == nil {
		return t.stranger()
	}
	if t.member.UnreachableAt != nil {
		// They blocked the bot and have come back: the bot may write to them again.
		if err := t.st.MarkReachable(t.ctx, t.member.ID); err != nil {
			return err
		}
		t.member.UnreachableAt = nil
	}
	switch {
	case t.upd.CallbackQuery != nil:
		return t.onCallback()
	case t.upd.EditedMessage != nil:
		return t.onEdited()
	case t.upd.Message != nil:
		return t.onMessage()
	}
	return nil
}

// taskPayload reads the deep-link payload of a task link (nv<id>).
func taskPayload(args string) (int64, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(args), taskLinkPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

func telegramUser(u *models.User) storage.TelegramUser {
	return storage.TelegramUser{ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
}

// textOf returns a message's text and entities, or its caption and caption entities.
func textOf(msg *models.Message) (string, []models.MessageEntity) {
	if msg.Text != "" {
		return msg.Text, msg.Entities
	}
	return msg.Caption, msg.CaptionEntities
}

// stranger answers someone who has not joined: an invite code binds them; anything else gets one
// short explanation of how to get an invite, and nothing about tasks, schools or people.
func (t *turn) stranger() error {
	switch {
	case t.upd.CallbackQuery != nil:
		t.answer(t.m.StrangerShort, true)
		return nil
	case t.upd.Message != nil:
		text, entities := textOf(t.upd.Message)
		if cmd, ok := parseCommand(text, entities, t.b.username); ok && cmd.Name == "start" && cmd.Args != "" {
			if _, isTask := taskPayload(cmd.Args); !isTask {
				return t.redeem(strings.Fields(cmd.Args)[0])
			}
		}
		if storage.LooksLikeInviteCode(strings.TrimSpace(text)) {
			return t.redeem(text)
		}
	}
	t.send(t.m.Stranger, nil)
	return nil
}

// onMessage handles a member's message in the private chat.
func (t *turn) onMessage() error {
	msg := t.upd.Message
	text, entities := textOf(msg)
	if cmd, ok := parseCommand(text, entities, t.b.username); ok {
		return t.onCommand(cmd, msg)
	}
	if ev := evidenceOf(msg); len(ev) > 0 && msg.MediaGroupID != "" {
		// The next photo of an album whose first photo made a report (with /baocao in its caption,
		// or as a reply) joins that report.
		r, err := t.st.ReportInMediaGroup(t.ctx, t.member.ID, msg.MediaGroupID)
		switch {
		case err == nil:
			return t.addToReport(r.Assignment, r, ev)
		case !isNotFound(err):
			return err
		}
	}
	conv, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID)
	hasFlow := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	// A reply to a message about a task reports on it — unless it answers the open flow's own
	// question, which names the task too.
	if r := msg.ReplyToMessage; r != nil && r.From != nil && r.From.ID == t.b.api.client.ID() && !(hasFlow && int64(r.ID) == conv.MessageID) {
		if id, ok := t.linkedTask(r); ok {
			return t.reportFromReply(id, msg)
		}
	}
	if hasFlow {
		return t.continueFlow(conv, msg)
	}
	if storage.LooksLikeInviteCode(strings.TrimSpace(text)) {
		return t.redeem(text)
	}
	if t.wantsDirective(msg) {
		return t.startDirective(msg)
	}
	if len(evidenceOf(msg)) > 0 {
		return t.startReport(reportDraft{Evidence: evidenceOf(msg), Caption: msg.Caption}, msg)
	}
	if text != "" && t.hasSchool() {
		return t.offerTextAsReport(text)
	}
	t.send(t.helpText(), nil)
	return nil
}

// onCommand runs a command. Commands that only show something leave an open flow as it is and
// remind the member of it.
func (t *turn) onCommand(cmd command, msg *models.Message) error {
	var err error
	showOnly := false
	switch cmd.Name {
	case "start":
		if id, ok := taskPayload(cmd.Args); ok {
			a, found, err := t.assignmentFor(id, func(storage.Assignment) bool { return true })
			if err != nil {
				return err
			}
			allowed := false
			if found {
				if allowed, err = t.canView(a); err != nil {
					return err
				}
			}
			if !allowed {
				t.denyOrSay()
				return nil
			}
			return t.showTask(a)
		}
		if cmd.Args != "" {
			return t.redeem(strings.Fields(cmd.Args)[0])
		}
		t.send(fmt.Sprintf(t.m.WelcomeBack, esc(t.member.Name()))+"\n\n"+t.helpText(), nil)
		showOnly = true
	case "trogiup":
		t.send(t.helpText(), nil)
		showOnly = true
	case "nhiemvu":
		err = t.tasksCommand(cmd.Args)
		showOnly = true
	case "lichsu":
		err = t.historyCommand(cmd.Args)
		showOnly = true
	case "ngonngu":
		t.languageMenu()
		showOnly = true
	case "baocao":
		return t.reportCommand(cmd.Args, msg)
	case "sua":
		return t.editCommand(cmd.Args, msg)
	case "huy":
		return t.cancelFlow()
	case "vanban":
		if msg.Document != nil && t.canPublish() {
			return t.startDirective(msg)
		}
		err = t.directivesCommand(cmd.Args)
		showOnly = true
	case "lienket":
		t.send(t.m.LinkInGroups, nil)
		showOnly = true
	case "caidat":
		err = t.settingsCommand(cmd.Args)
		showOnly = true
	case "tinloi":
		err = t.failuresCommand()
		showOnly = true
	case "xuat":
		err = t.exportCommand(cmd.Args)
		showOnly = true
	case "tonghop":
		err = t.digestCommand()
		showOnly = true
	case "tenquahan":
		t.send(t.m.LateNamesInGroups, nil)
		showOnly = true
	default:
		t.send(t.m.UnknownCommand, nil)
		showOnly = true
	}
	if err != nil || !showOnly {
		return err
	}
	return t.remindOpenFlow()
}

// remindOpenFlow adds a line about a flow left open, so the member knows where typed text goes.
func (t *turn) remindOpenFlow() error {
	conv, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	switch conv.Flow {
	case flowEdit:
		t.send(t.m.EditStillOpen, nil)
	case flowDirective:
		t.send(t.m.DirStillOpen, nil)
	case flowAnswer:
		t.send(t.m.AnswerStillOpen, nil)
	default:
		t.send(t.m.ReportStillOpen, nil)
	}
	return nil
}

// onCallback routes a pressed button by its first field.
func (t *turn) onCallback() error {
	c := parseCallback(t.upd.CallbackQuery.Data)
	switch c.str(0) {
	case "t":
		return t.onTaskButton(c)
	case "r":
		return t.onReportButton(c)
	case "f":
		return t.onFlowButton(c)
	case "h":
		return t.onHistoryButton(c)
	case "l":
		return t.onLanguageButton(c)
	case "d":
		return t.onDirectiveButton(c)
	case "v":
		return t.onDirectivesButton(c)
	case "z":
		return t.onSnoozeButton(c)
	case "x":
		return t.onExtensionButton(c)
	case "s":
		return t.onSettingsButton(c)
	case "q":
		return t.onAnswerButton(c)
	case "o":
		return t.onDigestButton(c)
	case "a", "g":
		t.answer(t.m.GroupButtonsInGroups, false)
		return nil
	}
	t.answer(t.m.ButtonExpired, false)
	return nil
}

// onEdited answers an edit of a message that carried a report: the report keeps what was first
// sent, and /sua corrects it.
func (t *turn) onEdited() error {
	msg := t.upd.EditedMessage
	r, err := t.st.ReportByMessage(t.ctx, t.chat.ID, int64(msg.ID))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if r.MemberID == t.member.ID {
		t.send(t.m.EditedMessageHint, nil)
	}
	return nil
}

// redeem binds the sender to the unit and role of an invite code.
func (t *turn) redeem(code string) error {
	r, err := t.st.RedeemInvite(t.ctx, code, telegramUser(t.from))
	switch {
	case errors.Is(err, storage.ErrInviteUnknown):
		t.send(t.m.InviteUnknown, nil)
		return nil
	case errors.Is(err, storage.ErrInviteUsedUp):
		t.send(t.m.InviteUsedUp, nil)
		return nil
	case errors.Is(err, storage.ErrInviteExpired):
		t.send(t.m.InviteExpired, nil)
		return nil
	case err != nil:
		return err
	}
	t.member = &r.Member
	t.m = catalogFor(r.Member.Language)
	role, unit := t.roleName(r.Role), esc(r.Unit.Name)
	if r.AlreadyHad {
		t.send(fmt.Sprintf(t.m.AlreadyMember, role, unit), nil)
		return nil
	}
	text := fmt.Sprintf(t.m.Joined, esc(r.Member.Name()), role, unit)
	if r.PrevRole != "" {
		text = fmt.Sprintf(t.m.RoleChanged, role, unit)
	}
	if r.Role.AtSchool() {
		all, done, err := t.st.CountAssignments(t.ctx, []int64{r.Unit.ID})
		if err != nil {
			return err
		}
		text += "\n\n" + fmt.Sprintf(t.m.JoinedSchoolTasks, all-done)
	}
	t.send(text+"\n\n"+t.helpText(), nil)
	return nil
}

// roleName names a role in the member's language.
func (t *turn) roleName(r storage.Role) string {
	switch r {
	case storage.RoleHead:
		return t.m.RoleHead
	case storage.RoleDeputy:
		return t.m.RoleDeputy
	case storage.RoleSupervisor:
		return t.m.RoleSupervisor
	}
	return t.m.RoleAdmin
}

// helpText lists what the member can do, by role.
func (t *turn) helpText() string {
	switch {
	case t.hasSchool() && t.canPublish():
		return t.m.HelpSchool + "\n\n" + t.m.HelpPublishing
	case t.hasSchool():
		return t.m.HelpSchool
	}
	return t.m.HelpSupervisor + "\n\n" + t.m.HelpPublishing
}
