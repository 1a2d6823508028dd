package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
	"nhacviec/directive/directivetest"
	"nhacviec/storage"
)

// planDOCX is a plan as a Sở writes it in Word: automatic numbering (I., 1., a)), a context part
// and a part that organises the work.
func planDOCX() []byte {
	p := func(text string) directivetest.Para { return directivetest.Para{Text: text} }
	n := func(level int, text string) directivetest.Para {
		return directivetest.Para{Text: text, NumID: 1, Ilvl: level}
	}
	return directivetest.DOCX([]directivetest.Para{
		p("ỦY BAN NHÂN DÂN TỈNH MẪU"),
		p("SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
		p("Số: 45/KH-SGDĐT"),
		p("Tỉnh Mẫu, ngày 05 tháng 9 năm 2026"),
		p("KẾ HOẠCH"),
		p("Triển khai công tác chuyển đổi số trong các cơ sở giáo dục năm học 2026-2027"),
		n(0, "MỤC ĐÍCH, YÊU CẦU"),
		n(1, "Nâng cao nhận thức của cán bộ quản lý, giáo viên về chuyển đổi số."),
		n(0, "NHIỆM VỤ VÀ GIẢI PHÁP"),
		n(1, "Rà soát, bổ sung thiết bị kết nối Internet tại các phòng học."),
		n(1, "Tổ chức tập huấn kỹ năng số cho 100% giáo viên."),
		n(1, "Số hóa hồ sơ, sổ sách"),
		n(2, "Triển khai sổ điểm điện tử đối với cấp tiểu học."),
		n(2, "Cập nhật đầy đủ dữ liệu ngành trước ngày 15 hằng tháng."),
		n(1, "Xây dựng kho học liệu số dùng chung của trường."),
		n(0, "TỔ CHỨC THỰC HIỆN"),
		n(1, "Các trường xây dựng kế hoạch và báo cáo kết quả về Sở trước ngày 25 hằng tháng."),
		p("Nơi nhận:"),
		p("- Như trên;"),
		p("- Lưu: VT."),
	}, nil)
}

// groupEnv is a group chat the bot was added to.
func (h *harness) addToGroup(by models.User, title string) models.Chat {
	h.t.Helper()
	g := h.srv.NewGroup(title)
	h.srv.QueueRaw([]byte(fmt.Sprintf(`{"my_chat_member":{"chat":{"id":%d,"type":"group","title":%q},"from":{"id":%d,"is_bot":false,"first_name":%q},"date":%d,
		"old_chat_member":{"status":"left","user":{"id":%d,"is_bot":true,"first_name":"Nhắc việc"}},
		"new_chat_member":{"status":"member","user":{"id":%d,"is_bot":true,"first_name":"Nhắc việc"}}}}`,
		g.ID, title, by.ID, by.FirstName, h.clock.Now().Unix(), h.srv.BotUser().ID, h.srv.BotUser().ID)))
	h.step()
	return g
}

// inGroup sends text from u in the group and returns the bot's messages in the group after it.
func (h *harness) inGroup(u models.User, g models.Chat, text string) []telegramtest.SentMessage {
	h.t.Helper()
	before := len(h.srv.Sent(g.ID))
	h.srv.Send(telegramtest.MessageOpts{From: u, Chat: &g, Text: text})
	h.step()
	return h.srv.Sent(g.ID)[before:]
}

// upload sends a document from u and returns the bot's messages after it.
func (h *harness) upload(u models.User, name string, content []byte, caption string) []telegramtest.SentMessage {
	h.t.Helper()
	return h.send(telegramtest.MessageOpts{From: u, Caption: caption, Document: &telegramtest.DocumentOpts{FileName: name, Content: content}})
}

// The same directive published again to schools that already have it is flagged before it gives
// them every task twice; publishing to other schools is not.
func TestDirectivePublishedTwiceIsFlagged(t *testing.T) {
	h := newHarness(t)
	officer := h.user("Trần Văn", "Bình")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	publish := func(level string) string {
		h.upload(officer, "ke-hoach-45.docx", planDOCX(), "")
		draft := one(t, h.say(officer, "hạn 15/12/2026"))
		h.press(officer, draft, "Nơi nhận")
		h.press(officer, h.message(officer, draft.MessageID), "UBND xã An Phú")
		h.press(officer, h.message(officer, draft.MessageID), level)
		h.press(officer, h.message(officer, draft.MessageID), "Xong")
		h.press(officer, h.message(officer, draft.MessageID), "Phát hành")
		confirm := h.message(officer, draft.MessageID)
		if ans, _ := h.press(officer, confirm, "Xác nhận phát hành"); ans.Text != "Đã phát hành." {
			t.Fatalf("publish: %+v", ans)
		}
		return confirm.PlainText()
	}
	if first := publish("Tiểu học"); strings.Contains(first, "đã được phát hành") {
		t.Fatalf("a first publication flagged:\n%s", first)
	}
	if other := publish("THCS"); strings.Contains(other, "đã được phát hành") {
		t.Fatalf("other schools flagged:\n%s", other)
	}
	again := publish("Tiểu học")
	if !strings.Contains(again, "Kế hoạch 45/KH-SGDĐT đã được phát hành ngày 23/11/2026 cho 1 trong 1 trường này") {
		t.Fatalf("not flagged:\n%s", again)
	}
}

// The whole way: a commune officer links a group, uploads a plan, edits the proposed tasks,
// chooses the primary and lower-secondary schools of the commune, a monthly cadence, publishes;
// the heads hear of their tasks, the group of the directive; heads acknowledge in the group and
// the officer sees who did.
func TestDirectiveUploadEditPublishAnnounceAcknowledge(t *testing.T) {
	h := newHarness(t)
	officer := h.user("Trần Văn", "Bình")
	lan, nam, hoa, mai := h.user("Nguyễn Thị", "Lan"), h.user("Lê Văn", "Nam"), h.user("Lê Thị", "Hoa"), h.user("Phạm Thị", "Mai")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(nam, "THCS_A", storage.RoleHead)
	h.join(mai, "MN_A", storage.RoleHead) // in the commune, but a level not chosen
	h.join(hoa, "TH_B", storage.RoleHead) // another commune

	// The group of the commune's heads.
	g := h.addToGroup(officer, "Hiệu trưởng xã An Phú")
	contains(t, h.srv.Sent(g.ID)[0], "Cán bộ phụ trách gõ /lienket")
	contains(t, one(t, h.inGroup(lan, g, "/lienket")), "Chỉ cán bộ phụ trách")
	contains(t, one(t, h.inGroup(officer, g, "/lienket XA_B")), "không có quyền")
	contains(t, one(t, h.inGroup(officer, g, "/lienket@nhacviec_test_bot")), "Đã liên kết nhóm với UBND xã An Phú")
	contains(t, one(t, h.inGroup(lan, g, "/nhiemvu")), "nhắn riêng cho bot")

	// Upload.
	out := h.upload(officer, "ke-hoach-45.docx", planDOCX(), "")
	if len(out) != 2 {
		t.Fatalf("%d messages after the upload", len(out))
	}
	contains(t, out[0], "Đang đọc văn bản")
	draft := out[1]
	contains(t, draft, "Kế hoạch 45/KH-SGDĐT", "05/09/2026", "Năm học 2026-2027", "chưa chọn nơi nhận",
		"1. [II.1] Rà soát, bổ sung thiết bị", "2. [II.2] Tổ chức tập huấn", "[II.3.a] Triển khai sổ điểm điện tử",
		"[II.3.b] Cập nhật đầy đủ dữ liệu", "[II.4] Xây dựng kho học liệu số")
	lacks(t, draft, "Nâng cao nhận thức", "Các trường xây dựng kế hoạch", "Nơi nhận")
	if n := h.count(&storage.Task{}); n != 0 {
		t.Fatalf("%d tasks before publishing", n)
	}

	// The context part holds what was not proposed.
	h.press(officer, draft, "Mục bối cảnh")
	contains(t, h.message(officer, draft.MessageID), "I.1", "Nâng cao nhận thức", "III.1")
	h.press(officer, h.message(officer, draft.MessageID), "Quay lại")

	// Typed edits; a bad one changes nothing.
	contains(t, one(t, h.say(officer, "bỏ 9")), "từ 1 đến 5")
	contains(t, one(t, h.say(officer, "hạn 01/01/2026")), "đã qua")
	contains(t, one(t, h.say(officer, "gì đây")), "Các lệnh sửa")
	contains(t, one(t, h.say(officer, "gộp 3 4")), "3. [II.3.a, II.3.b] Triển khai sổ điểm điện tử", "4. [II.4]")
	v := one(t, h.say(officer, "đổi 1: Bổ sung thiết bị kết nối Internet"))
	contains(t, v, "1. [II.1] Bổ sung thiết bị kết nối Internet")
	v = one(t, h.say(officer, "thêm III.1"))
	contains(t, v, "5. [III.1] Các trường xây dựng kế hoạch")
	contains(t, one(t, h.say(officer, "bỏ 5")), "4 nhiệm vụ đề xuất")
	h.say(officer, "hạn 15/12/2026")
	v = one(t, h.say(officer, "hạn 2 20/12/2026"))
	contains(t, v, "Hạn 15/12/2026", "2. [II.2] Tổ chức tập huấn kỹ năng số cho 100% giáo viên ⏰ 20/12/2026")

	// Publishing without recipients is refused with the reason.
	ans, _ := h.press(officer, v, "Phát hành")
	if !ans.ShowAlert || !strings.Contains(ans.Text, "chưa chọn nơi nhận") {
		t.Fatalf("publish without recipients: %+v", ans)
	}

	// Recipients: the commune, primary and lower secondary only.
	h.press(officer, v, "Nơi nhận")
	picker := h.message(officer, v.MessageID)
	contains(t, picker, "Chọn nơi nhận")
	h.press(officer, picker, "UBND xã An Phú")
	h.press(officer, h.message(officer, v.MessageID), "Tiểu học")
	h.press(officer, h.message(officer, v.MessageID), "THCS")
	picker = h.message(officer, v.MessageID)
	contains(t, picker, "Số trường nhận: 2")
	h.press(officer, picker, "Xong")
	h.press(officer, h.message(officer, v.MessageID), "Chu kỳ báo cáo")
	h.press(officer, h.message(officer, v.MessageID), "hằng tháng")
	v = h.message(officer, v.MessageID)
	contains(t, v, "UBND xã An Phú (Tiểu học, THCS)", "hằng tháng")

	// Publish: a confirmation first, then the real thing.
	h.press(officer, v, "Phát hành")
	confirm := h.message(officer, v.MessageID)
	contains(t, confirm, "Xác nhận phát hành", "4 nhiệm vụ", "2 trường nhận")
	ans, _ = h.press(officer, confirm, "Xác nhận phát hành")
	if ans.Text != "Đã phát hành." {
		t.Fatalf("publish: %+v", ans)
	}
	done := h.message(officer, v.MessageID)
	contains(t, done, "Đã phát hành Kế hoạch 45/KH-SGDĐT: 4 nhiệm vụ cho 2 trường", "2 hiệu trưởng", "1 nhóm", "/vanban")
	if len(done.Keyboard) != 0 {
		t.Fatalf("buttons left on the published draft: %v", done.Keyboard)
	}
	if n := h.count(&storage.Task{}); n != 4 {
		t.Fatalf("%d tasks", n)
	}
	if n := h.count(&storage.Assignment{}); n != 8 {
		t.Fatalf("%d assignments", n)
	}
	// Pressing the old confirm again does not publish twice.
	ans, _ = h.press(officer, confirm, "Xác nhận phát hành")
	if ans.Text != vi.ButtonExpired || h.count(&storage.Task{}) != 4 {
		t.Fatalf("second publish: %+v", ans)
	}

	// Heads and the group hear of it, once, when the outbox is sent.
	before := map[int64]int{}
	for _, u := range []models.User{lan, nam, hoa, mai} {
		before[u.ID] = len(h.srv.Sent(u.ID))
	}
	groupBefore := len(h.srv.Sent(g.ID))
	h.drain()
	h.drain()
	notice := one(t, h.srv.Sent(lan.ID)[before[lan.ID]:])
	contains(t, notice, "Văn bản mới: Kế hoạch 45/KH-SGDĐT", "trường được giao 4 nhiệm vụ",
		"Bổ sung thiết bị kết nối Internet", "Hạn 20/12/2026", "Mục II.3.a, II.3.b")
	one(t, h.srv.Sent(nam.ID)[before[nam.ID]:])
	for _, u := range []models.User{hoa, mai} {
		if got := h.srv.Sent(u.ID)[before[u.ID]:]; len(got) != 0 {
			t.Fatalf("%s was told: %v", u.FirstName, got[0].PlainText())
		}
	}
	ann := one(t, h.srv.Sent(g.ID)[groupBefore:])
	contains(t, ann, "Văn bản mới: Kế hoạch 45/KH-SGDĐT", "4 nhiệm vụ · 🏫 2 trường")
	lacks(t, ann, "Trường Tiểu học An Phú")

	// The head's task keeps its citation.
	contains(t, one(t, h.say(lan, "/nhiemvu 3")), "Triển khai sổ điểm điện tử", "II.3.a, II.3.b", "Kế hoạch 45/KH-SGDĐT")

	// Acknowledgements in the group.
	press := func(u models.User, m telegramtest.SentMessage) telegramtest.CallbackAnswer {
		b, ok := m.Button("Đã nhận")
		if !ok {
			t.Fatalf("no acknowledge button: %v", m.Keyboard)
		}
		a, _ := h.pressData(u, m, b.Data)
		return a
	}
	if a := press(lan, ann); a.Text != "Đã ghi nhận: Trường Tiểu học An Phú đã nhận văn bản. Trân trọng cảm ơn Thầy/Cô." {
		t.Fatalf("ack: %+v", a)
	}
	if a := press(lan, ann); a.Text != vi.AckAlready {
		t.Fatalf("ack again: %+v", a)
	}
	if a := press(hoa, ann); a.Text != vi.AckNotRecipient {
		t.Fatalf("ack by a school that did not receive it: %+v", a)
	}
	if a := press(officer, ann); a.Text != vi.AckSchoolsOnly {
		t.Fatalf("ack by the officer: %+v", a)
	}
	if a := press(h.user("Người", "Lạ"), ann); a.Text != vi.StrangerShort {
		t.Fatalf("ack by a stranger: %+v", a)
	}
	if got := h.srv.Sent(g.ID)[groupBefore:]; len(got) != 1 {
		t.Fatalf("the group got %d messages; acknowledgements are answered privately", len(got))
	}

	// The officer sees who acknowledged.
	list := one(t, h.say(officer, "/vanban"))
	contains(t, list, "Văn bản đã phát hành", "Kế hoạch 45/KH-SGDĐT", "1/2 đã nhận")
	id := h.lastDirectiveID()
	detail := one(t, h.say(officer, "/vanban "+itoa(id)))
	contains(t, detail, "Xác nhận đã nhận: 1/2 trường", "✅ Trường Tiểu học An Phú", "⬜ Trường THCS An Phú")
	lacks(t, detail, "Trường Mầm non An Phú", "Bình Minh")
	// The other commune's head and a head of the commune see nothing of the publisher's view.
	contains(t, one(t, h.say(hoa, "/vanban "+itoa(id))), vi.NotAllowed)
}

// A head's document is evidence for a report, never a directive; a forged publish button does
// nothing; strangers learn nothing; an unreadable file says why and leaves nothing behind.
func TestDirectiveRefusals(t *testing.T) {
	h := newHarness(t)
	officer, lan := h.user("Trần Văn", "Bình"), h.user("Nguyễn Thị", "Lan")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Kiểm tra nội bộ", "2026-12-20", "TH_A")

	// The officer starts a draft; the head cannot drive it, even with its button data.
	out := h.upload(officer, "ke-hoach.docx", planDOCX(), "")
	draft := out[len(out)-1]
	pub, ok := draft.Button("Phát hành")
	if !ok {
		t.Fatalf("no publish button: %v", draft.Keyboard)
	}
	convData := strings.Replace(pub.Data, ":pub", ":ok", 1)
	ans, _ := h.pressData(lan, draft, convData)
	if ans.Text != vi.ButtonExpired {
		t.Fatalf("a head pressed the officer's publish: %+v", ans)
	}

	// The head's .docx starts a report with the file as evidence.
	rep := one(t, h.upload(lan, "bien-ban.docx", planDOCX(), ""))
	contains(t, rep, "báo cáo cho nhiệm vụ nào", "1 tệp minh chứng")
	lacks(t, rep, "Kế hoạch 45")
	h.say(lan, "/huy")
	// /vanban with a file from a head is still not a directive.
	out = h.upload(lan, "ke-hoach.docx", planDOCX(), "/vanban")
	for _, m := range out {
		lacks(t, m, "Kế hoạch 45", "Nhiệm vụ đề xuất")
	}
	h.say(lan, "/huy")

	// A stranger's file: the one explanation.
	stranger := h.user("Người", "Lạ")
	if m := one(t, h.upload(stranger, "ke-hoach.docx", planDOCX(), "")); m.Text != vi.Stranger {
		t.Fatalf("stranger: %q", m.PlainText())
	}

	// Files the officer sends that cannot be read. Each replaces the open draft only if it reads.
	scan := directivetest.WritePDF([]string{
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
		"<< /Type /Pages /Kids [1 0 R] /Count 1 >>",
		"<< /Length 0 >>\nstream\n\nendstream",
		"<< /Type /Catalog /Pages 2 0 R >>",
	}, 4)
	for _, c := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"scan.pdf", scan, "bản scan"},
		{"cong-van.doc", []byte("\xd0\xcf\x11\xe0 old Word"), "lưu lại dạng .docx"},
		{"hong.docx", []byte("PK\x03\x04 broken"), "Không đọc được tệp này"},
		{"trong.txt", []byte("   \n\n "), "Không tìm thấy nội dung"},
		{"qua-lon.docx", make([]byte, maxUpload+1), "Tệp quá lớn; bot nhận tệp đến 20 MB."},
	} {
		out := h.upload(officer, c.name, c.content, "")
		contains(t, out[len(out)-1], c.want)
	}
	if n := h.count(&storage.Directive{}); n != 0 {
		t.Fatalf("%d directives", n)
	}
	if n := h.count(&storage.Task{}); n != 1 {
		t.Fatalf("%d tasks", n)
	}
}

// pastedDirective is a short directive an officer pastes into the chat.
var pastedDirective = strings.Join([]string{
	"SỞ GIÁO DỤC VÀ ĐÀO TẠO",
	"Số: 12/CV-SGDĐT",
	"V/v báo cáo công tác phòng chống bão lũ",
	"Sở Giáo dục và Đào tạo đề nghị các đơn vị thực hiện các nội dung sau:",
	"1. Rà soát cơ sở vật chất, chằng chống phòng học trước mùa mưa bão.",
	"2. Xây dựng phương án di dời tài sản, hồ sơ khi có lũ.",
	"3. Báo cáo thiệt hại (nếu có) về Sở trong vòng 24 giờ.",
}, "\n")

// A pasted text becomes a draft that survives a restart; /huy discards it and nothing is created.
func TestDirectivePastedDraftSurvivesRestart(t *testing.T) {
	h := newHarness(t)
	officer := h.user("Trần Văn", "Bình")
	h.join(officer, "SO", storage.RoleSupervisor)
	d := one(t, h.say(officer, pastedDirective))
	contains(t, d, "Công văn 12/CV-SGDĐT", "V/v báo cáo công tác phòng chống bão lũ", "1. [1] Rà soát cơ sở vật chất", "3. [3] Báo cáo thiệt hại")
	h.bot.Close(0)
	h.bot = h.newBot()
	contains(t, one(t, h.say(officer, "bỏ 2")), "2 nhiệm vụ đề xuất")
	contains(t, one(t, h.say(officer, "/huy")), "Đã hủy")
	if n := h.count(&storage.Conversation{}); n != 0 {
		t.Fatalf("the draft was kept: %d", n)
	}
	if n := h.count(&storage.Task{}); n != 0 {
		t.Fatalf("%d tasks", n)
	}
}

// The bot follows its membership: a group it was removed from is forgotten, a group that became
// a supergroup keeps its link under the new id, and an announcement goes there.
func TestGroupMembershipAndMigration(t *testing.T) {
	h := newHarness(t)
	officer := h.user("Trần Văn", "Bình")
	h.join(officer, "SO", storage.RoleSupervisor)
	g := h.addToGroup(officer, "Cán bộ quản lý toàn tỉnh")
	contains(t, one(t, h.inGroup(officer, g, "/lienket SO")), "Đã liên kết nhóm với Sở GD&ĐT Tỉnh Mẫu")

	super := h.srv.NewSupergroup("Cán bộ quản lý toàn tỉnh")
	h.srv.QueueRaw([]byte(fmt.Sprintf(`{"message":{"message_id":900,"date":%d,"chat":{"id":%d,"type":"group","title":"x"},"from":{"id":%d,"is_bot":false,"first_name":"B"},"migrate_to_chat_id":%d}}`,
		h.clock.Now().Unix(), g.ID, officer.ID, super.ID)))
	h.step()
	if _, err := h.st.Group(h.ctx, g.ID); err == nil {
		t.Fatal("the old group id is still linked")
	}
	moved, err := h.st.Group(h.ctx, super.ID)
	if err != nil || moved.UnitID == nil || *moved.UnitID != h.units["SO"].ID {
		t.Fatalf("the supergroup: %+v %v", moved, err)
	}

	// A directive for the whole province is announced in the supergroup.
	h.upload(officer, "chi-thi-3.txt", []byte(strings.Join([]string{"CHỈ THỊ", "Số: 3/CT-SGDĐT", "1. Tổ chức sinh hoạt chuyên môn theo cụm trường.", "2. Báo cáo kết quả về Sở."}, "\n")), "")
	h.say(officer, "hạn 15/12/2026")
	v := h.last(officer)
	h.press(officer, v, "Nơi nhận")
	h.press(officer, h.message(officer, v.MessageID), "Sở GD&ĐT")
	h.press(officer, h.message(officer, v.MessageID), "Xong")
	h.press(officer, h.message(officer, v.MessageID), "Phát hành")
	h.press(officer, h.message(officer, v.MessageID), "Xác nhận phát hành")
	h.drain()
	contains(t, one(t, h.srv.Sent(super.ID)), "Chỉ thị 3/CT-SGDĐT", "5 trường")

	// Removed from the group: forgotten, and nothing is announced there any more.
	h.srv.QueueRaw([]byte(fmt.Sprintf(`{"my_chat_member":{"chat":{"id":%d,"type":"supergroup","title":"x"},"from":{"id":%d,"is_bot":false,"first_name":"B"},"date":%d,
		"old_chat_member":{"status":"member","user":{"id":%d,"is_bot":true,"first_name":"N"}},
		"new_chat_member":{"status":"left","user":{"id":%d,"is_bot":true,"first_name":"N"}}}}`,
		super.ID, officer.ID, h.clock.Now().Unix(), h.srv.BotUser().ID, h.srv.BotUser().ID)))
	h.step()
	if _, err := h.st.Group(h.ctx, super.ID); err == nil {
		t.Fatal("a group the bot left is still known")
	}
}

// count counts the rows of a model.
func (h *harness) count(model any) int64 {
	h.t.Helper()
	n, err := h.st.Count(h.ctx, model)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// lastDirectiveID is the id of the newest directive.
func (h *harness) lastDirectiveID() int64 {
	h.t.Helper()
	ds, _, err := h.st.Directives(h.ctx, nil, true, 0, 1)
	if err != nil || len(ds) == 0 {
		h.t.Fatalf("no directive: %v", err)
	}
	return ds[0].Directive.ID
}

// A document whose reading was cut off (the bot stopped during the download) does not hold the
// officer forever: after two minutes the next message says to send it again.
func TestDirectiveCutOffReading(t *testing.T) {
	h := newHarness(t)
	officer := h.user("Trần Văn", "Bình")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	conv := storage.Conversation{ChatID: officer.ID, UserID: officer.ID, Flow: flowDirective, State: `{"step":"loading","file":"x","src":"kh.docx"}`}
	if err := h.st.SaveConversation(h.ctx, &conv); err != nil {
		t.Fatal(err)
	}
	contains(t, one(t, h.say(officer, "bỏ 1")), "Đang đọc văn bản")
	h.clock.Advance(3 * time.Minute)
	contains(t, one(t, h.say(officer, "bỏ 1")), vi.DirDownloadFailed)
	if n := h.count(&storage.Conversation{}); n != 0 {
		t.Fatalf("the cut-off draft was kept")
	}
}
