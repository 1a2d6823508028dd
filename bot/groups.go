package bot

import (
	"fmt"
	"strings"

	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// Group chats: the bot follows being added and removed and a group turning into a supergroup; an
// officer links a group to a unit with /lienket; published directives are announced there with a
// button for each school to acknowledge. A group never sees one school's reports.

// onMembership follows the bot's own membership in a chat.
func (t *turn) onMembership() error {
	u := t.upd.MyChatMember
	if u.Chat.Type == models.ChatTypePrivate {
		return nil // a person blocked or unblocked the bot: nothing to record yet
	}
	switch u.NewChatMember.Type {
	case models.ChatMemberTypeMember, models.ChatMemberTypeAdministrator, models.ChatMemberTypeRestricted:
		if err := t.st.GroupJoined(t.ctx, u.Chat.ID, u.Chat.Title); err != nil {
			return err
		}
		if u.OldChatMember.Type == models.ChatMemberTypeLeft || u.OldChatMember.Type == models.ChatMemberTypeBanned || u.OldChatMember.Type == "" {
			t.send(t.m.GroupHello, nil)
		}
	case models.ChatMemberTypeLeft, models.ChatMemberTypeBanned:
		return t.st.GroupLeft(t.ctx, u.Chat.ID)
	}
	return nil
}

// onGroupService handles what a group's service messages say: it became a supergroup, or its
// title changed. It reports whether the message was one.
func (t *turn) onGroupService(msg *models.Message) (bool, error) {
	switch {
	case msg.MigrateToChatID != 0:
		return true, t.st.MoveChat(t.ctx, msg.Chat.ID, msg.MigrateToChatID)
	case msg.MigrateFromChatID != 0:
		return true, t.st.MoveChat(t.ctx, msg.MigrateFromChatID, msg.Chat.ID)
	case msg.NewChatTitle != "":
		if _, err := t.st.Group(t.ctx, msg.Chat.ID); err == nil {
			return true, t.st.GroupJoined(t.ctx, msg.Chat.ID, msg.NewChatTitle)
		}
		return true, nil
	}
	return false, nil
}

// inGroup answers in group chats: /lienket from an officer, the acknowledge button, and for any
// other command of ours a pointer to the private chat.
func (t *turn) inGroup() error {
	if cq := t.upd.CallbackQuery; cq != nil {
		c := parseCallback(cq.Data)
		switch c.str(0) {
		case "a":
			return t.acknowledge(c.id(1))
		case "g":
			return t.linkGroupTo(c.id(1))
		}
		t.answer("", false)
		return nil
	}
	if t.upd.Message == nil {
		return nil
	}
	text, entities := textOf(t.upd.Message)
	cmd, ok := parseCommand(text, entities, t.b.username)
	if !ok || !cmd.known() {
		return nil
	}
	switch cmd.Name {
	case "lienket":
		return t.linkGroup(cmd.Args)
	case "tenquahan":
		return t.lateNamesCommand(cmd.Args)
	}
	t.send(t.m.GroupUsePrivate, rows([]button{{Text: t.m.BtnOpenPrivate, URL: "https://t.me/" + t.b.username}}))
	return nil
}

// linkGroup is /lienket [code]: an officer links the group to a unit they oversee.
func (t *turn) linkGroup(args string) error {
	if t.member == nil || !t.canPublish() {
		t.send(t.m.LinkOfficersOnly, nil)
		return nil
	}
	if code := strings.TrimSpace(args); code != "" {
		u, err := t.st.UnitByCode(t.ctx, strings.Fields(code)[0])
		if isNotFound(err) {
			t.send(fmt.Sprintf(t.m.LinkNoUnit, esc(code)), nil)
			return nil
		}
		if err != nil {
			return err
		}
		return t.linkGroupTo(u.ID)
	}
	roots, err := t.pickerRoots()
	if err != nil {
		return err
	}
	if len(roots) == 1 {
		return t.linkGroupTo(roots[0].ID)
	}
	var bs []button
	for _, u := range roots[:min(len(roots), 10)] {
		bs = append(bs, btn(clip(u.Name, 40), "g", u.ID))
	}
	t.send(t.m.LinkChoose, rows(grid(bs, 1)...))
	return nil
}

// linkGroupTo links the group to the unit after checking the officer oversees it.
func (t *turn) linkGroupTo(unitID int64) error {
	if t.member == nil || !t.canPublish() {
		t.answer(t.m.LinkOfficersOnly, true)
		if t.upd.CallbackQuery == nil {
			t.send(t.m.LinkOfficersOnly, nil)
		}
		return nil
	}
	ok, err := t.inScope(unitID)
	if err != nil {
		return err
	}
	u, err := t.st.UnitByID(t.ctx, unitID)
	if !ok || isNotFound(err) {
		t.denyOrSay()
		return nil
	}
	if err != nil {
		return err
	}
	if err := t.st.LinkGroup(t.ctx, t.chat.ID, t.chat.Title, u.ID, t.member.ID); err != nil {
		return err
	}
	t.answer(t.m.LinkedShort, false)
	t.show(fmt.Sprintf(t.m.Linked, esc(u.Name)), rows())
	return nil
}

// acknowledge records "Đã nhận" for the presser's schools that received the directive.
func (t *turn) acknowledge(directiveID int64) error {
	if t.member == nil {
		t.answer(t.m.StrangerShort, true)
		return nil
	}
	schools := t.schoolIDs()
	if len(schools) == 0 {
		t.answer(t.m.AckSchoolsOnly, true)
		return nil
	}
	fresh, err := t.st.AckDirective(t.ctx, directiveID, t.member.ID, t.chat.ID, schools)
	switch {
	case isNotFound(err):
		t.answer(t.m.AckNotRecipient, true)
		return nil
	case err != nil:
		return err
	case len(fresh) == 0:
		t.answer(t.m.AckAlready, false)
		return nil
	}
	var names []string
	for _, u := range fresh {
		names = append(names, u.Name)
	}
	t.answer(fmt.Sprintf(t.m.Acked, strings.Join(names, ", ")), false)
	return nil
}

// schoolAckLine shows one school's acknowledgement in /vanban.
func (t *turn) schoolAckLine(s storage.SchoolAck) string {
	if s.Acked == nil {
		return "⬜ " + esc(s.Unit.Name)
	}
	return "✅ " + esc(s.Unit.Name) + " · " + s.Acked.CreatedAt.In(t.b.loc).Format("15:04 02/01")
}
