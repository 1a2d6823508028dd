package bot

import (
	"strings"
	"testing"
	"time"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

func TestOnboarding(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	good, _ := h.st.CreateInvite(h.ctx, storage.NewInvite{UnitID: h.units["TH_A"].ID, Role: storage.RoleHead, MaxUses: 1, TTL: 48 * time.Hour})
	h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")

	t.Run("good code", func(t *testing.T) {
		m := one(t, h.say(lan, "/start "+good.Code))
		contains(t, m, "Kính chào Thầy/Cô Nguyễn Thị Lan!", "Hiệu trưởng", "Trường Tiểu học An Phú", "1 nhiệm vụ chưa hoàn thành", "/nhiemvu")
		member, err := h.st.MemberByTelegramID(h.ctx, lan.ID)
		if err != nil || len(member.Memberships) != 1 || member.Memberships[0].Role != storage.RoleHead {
			t.Fatalf("member: %+v %v", member, err)
		}
	})
	t.Run("same person again", func(t *testing.T) {
		contains(t, one(t, h.say(lan, "/start "+good.Code)), "đã là Hiệu trưởng của Trường Tiểu học An Phú")
	})
	t.Run("used code", func(t *testing.T) {
		minh := h.user("Trần Văn", "Minh")
		m := one(t, h.say(minh, "/start "+good.Code))
		contains(t, m, "đã được sử dụng hết lượt")
		if _, err := h.st.MemberByTelegramID(h.ctx, minh.ID); !isNotFound(err) {
			t.Fatalf("a used code bound someone: %v", err)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		inv, _ := h.st.CreateInvite(h.ctx, storage.NewInvite{UnitID: h.units["TH_B"].ID, Role: storage.RoleHead, MaxUses: 1, TTL: time.Hour})
		h.clock.Advance(2 * time.Hour)
		hoa := h.user("Lê Thị", "Hoa")
		contains(t, one(t, h.say(hoa, "/start "+inv.Code)), "đã hết hạn")
		if _, err := h.st.MemberByTelegramID(h.ctx, hoa.ID); !isNotFound(err) {
			t.Fatalf("an expired code bound someone: %v", err)
		}
	})
	t.Run("unknown code", func(t *testing.T) {
		contains(t, one(t, h.say(h.user("Phạm", "Nam"), "/start ABCDEFGHJK")), "Mã mời không đúng")
	})
	t.Run("code typed without /start", func(t *testing.T) {
		inv, _ := h.st.CreateInvite(h.ctx, storage.NewInvite{UnitID: h.units["TH_A"].ID, Role: storage.RoleDeputy, MaxUses: 1})
		typed := strings.ToLower(inv.Code[:5]) + " " + inv.Code[5:]
		contains(t, one(t, h.say(h.user("Đỗ", "Hùng"), typed)), "Phó Hiệu trưởng", "Trường Tiểu học An Phú")
	})
}

// A stranger gets one short explanation, whatever they do, and nothing about tasks, schools or
// people.
func TestStrangersLearnNothing(t *testing.T) {
	h := newHarness(t)
	head := h.user("Nguyễn Thị", "Lan")
	h.join(head, "TH_A", storage.RoleHead)
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	detail := h.say(head, "/nhiemvu 1")[0]

	x := h.user("Người", "Lạ")
	for _, text := range []string{"/nhiemvu", "/nhiemvu 1", "/baocao 1 100% xong", "/lichsu", "/sua", "/tasks", "xin chào", "/start", "1", "/ngonngu"} {
		m := one(t, h.say(x, text))
		if m.Text != vi.Stranger {
			t.Fatalf("%q: the stranger got %q", text, m.PlainText())
		}
	}
	lacks(t, h.last(x), "Tập huấn", "An Phú", "Lan")
	// Pressing buttons copied from a member's messages.
	for _, b := range detail.Keyboard {
		for _, btn := range b {
			ans, out := h.pressData(x, detail, btn.Data)
			if !ans.ShowAlert || ans.Text != vi.StrangerShort || len(out) != 0 {
				t.Fatalf("button %q: %+v, %d messages", btn.Data, ans, len(out))
			}
		}
	}
	if rs := h.reports(as[0].ID); len(rs) != 0 {
		t.Fatalf("a stranger made reports: %v", rs)
	}
	// A photo from a stranger changes nothing either.
	m := one(t, h.send(telegramtest.MessageOpts{From: x, Photo: true, Caption: "/baocao 1 100%"}))
	if m.Text != vi.Stranger {
		t.Fatalf("photo: %q", m.PlainText())
	}
}

func TestGroupChatsGetOnlyAPointer(t *testing.T) {
	h := newHarness(t)
	head := h.user("Nguyễn Thị", "Lan")
	h.join(head, "TH_A", storage.RoleHead)
	h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	g := h.srv.NewGroup("Hiệu trưởng xã An Phú")
	h.srv.Send(telegramtest.MessageOpts{From: head, Chat: &g, Text: "/nhiemvu@nhacviec_test_bot"})
	h.srv.Send(telegramtest.MessageOpts{From: head, Chat: &g, Text: "chào cả nhà"})
	h.srv.Send(telegramtest.MessageOpts{From: head, Chat: &g, Text: "/nhiemvu@OtherBot"})
	h.step()
	sent := h.srv.Sent(g.ID)
	if len(sent) != 1 {
		t.Fatalf("the group got %d messages", len(sent))
	}
	contains(t, sent[0], "nhắn riêng cho bot")
	lacks(t, sent[0], "Tập huấn", "Lan")
	if b, ok := sent[0].Button("Nhắn riêng"); !ok || b.URL != "https://t.me/nhacviec_test_bot" {
		t.Fatalf("button: %+v", sent[0].Keyboard)
	}
}

func TestLanguageAndHelp(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")

	help := one(t, h.say(lan, "/trogiup"))
	contains(t, help, "/nhiemvu", "/baocao 3 80% Đã tập huấn xong", "/lichsu", "/sua", "/huy", "/ngonngu")
	menu := one(t, h.say(lan, "/ngonngu"))
	_, _ = h.press(lan, menu, "English")
	contains(t, h.message(lan, menu.MessageID), "Language set to English", "/tasks")
	list := one(t, h.say(lan, "/tasks"))
	contains(t, list, "Tasks of Trường Tiểu học An Phú", "1 open tasks", "Due 15/12/2026 · 22 days left", "No report yet")
	contains(t, one(t, h.say(lan, "/xyz")), "does not know this command")
	menu = one(t, h.say(lan, "/language"))
	_, _ = h.press(lan, menu, "Tiếng Việt")
	contains(t, one(t, h.say(lan, "/nhiemvu")), "Nhiệm vụ của Trường Tiểu học An Phú", "còn 22 ngày")
	contains(t, one(t, h.say(lan, "/start")), "Kính chào Thầy/Cô Nguyễn Thị Lan!", "Hướng dẫn sử dụng")
}

func TestCommandMenuInBothLanguages(t *testing.T) {
	h := newHarness(t)
	h.bot.registerCommands(h.ctx)
	def := h.srv.Commands("all_private_chats", "")
	viCmds := h.srv.Commands("all_private_chats", "vi")
	enCmds := h.srv.Commands("all_private_chats", "en")
	if len(def) == 0 || len(viCmds) != len(def) || len(enCmds) != len(def) {
		t.Fatalf("menus: %v / %v / %v", def, viCmds, enCmds)
	}
	if def[0].Command != "nhiemvu" || def[0].Description != "Danh sách nhiệm vụ" || enCmds[0].Command != "tasks" {
		t.Fatalf("menu: %+v %+v", def[0], enCmds[0])
	}
}
