package bot

import (
	"strings"
	"testing"
	"time"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

func TestGuidedReportButtonByButton(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Rà soát cơ sở vật chất", "2026-12-01", "TH_A")
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")

	choose := one(t, h.say(lan, "/baocao"))
	contains(t, choose, "báo cáo cho nhiệm vụ nào")
	for _, b := range []string{"1. Rà soát cơ sở vật chất", "2. Tập huấn chuyển đổi số", "Hủy"} {
		if _, ok := choose.Button(b); !ok {
			t.Fatalf("no button %q: %v", b, choose.Keyboard)
		}
	}
	h.press(lan, choose, "2. Tập huấn")
	progress := h.message(lan, choose.MessageID)
	contains(t, progress, "Nhiệm vụ 2: Tập huấn chuyển đổi số", "mức tiến độ")
	h.press(lan, progress, "75%")
	result := h.message(lan, choose.MessageID)
	contains(t, result, "kết quả thực hiện")

	// Typed answers: each prompt comes as a new message, and the old one loses its buttons.
	diff := one(t, h.say(lan, "Đã tập huấn cho 45/60 giáo viên"))
	contains(t, diff, "Khó khăn, vướng mắc")
	if len(h.message(lan, choose.MessageID).Keyboard) != 0 {
		t.Fatal("the old prompt kept its buttons")
	}
	prop := one(t, h.say(lan, "Thiếu máy chiếu ở 2 phòng"))
	contains(t, prop, "Đề xuất, kiến nghị")
	h.press(lan, prop, "Không có")
	ev := h.message(lan, prop.MessageID)
	contains(t, ev, "minh chứng")

	// An album of two photos: one prompt, updated in place.
	out := h.send(telegramtest.MessageOpts{From: lan, Photo: true, MediaGroupID: "album-1"})
	evPrompt := one(t, out)
	contains(t, evPrompt, "1 tệp minh chứng")
	out = h.send(telegramtest.MessageOpts{From: lan, Photo: true, MediaGroupID: "album-1"})
	if len(out) != 0 {
		t.Fatalf("the second photo of an album got %d new messages", len(out))
	}
	contains(t, h.message(lan, evPrompt.MessageID), "2 tệp minh chứng")
	pdf := &telegramtest.DocumentOpts{FileName: "bien-ban-tap-huan.pdf", MimeType: "application/pdf", Content: []byte("%PDF-1.4")}
	evPrompt = one(t, h.send(telegramtest.MessageOpts{From: lan, Document: pdf}))
	contains(t, evPrompt, "3 tệp minh chứng")
	h.press(lan, evPrompt, "Tiếp tục")
	confirm := h.message(lan, evPrompt.MessageID)
	contains(t, confirm, "Xác nhận báo cáo", "75%", "Đã tập huấn cho 45/60 giáo viên", "Khó khăn, vướng mắc: Thiếu máy chiếu", "3 tệp minh chứng")
	lacks(t, confirm, "Đề xuất:")
	if len(h.reports(as[0].ID)) != 0 {
		t.Fatal("a report was stored before confirmation")
	}

	// Change the progress from the confirmation, then send.
	h.press(lan, confirm, "Tiến độ")
	h.press(lan, h.message(lan, confirm.MessageID), "100%")
	confirm = h.message(lan, confirm.MessageID)
	contains(t, confirm, "Xác nhận báo cáo", "100%")
	ans, out := h.press(lan, confirm, "Gửi báo cáo")
	if ans.Text != vi.ReportSavedShort {
		t.Fatalf("answer %+v", ans)
	}
	saved := one(t, out)
	contains(t, saved, "Đã ghi nhận báo cáo", "Nhiệm vụ 2: Tập huấn chuyển đổi số", "100%", "3 tệp minh chứng", "09:00 23/11/2026", "/sua")
	if len(h.message(lan, confirm.MessageID).Keyboard) != 0 {
		t.Fatal("the confirmation kept its buttons")
	}
	rs := h.reports(as[0].ID)
	if len(rs) != 1 {
		t.Fatalf("%d reports", len(rs))
	}
	r := rs[0]
	if r.Progress != 100 || r.Result != "Đã tập huấn cho 45/60 giáo viên" || r.Difficulties != "Thiếu máy chiếu ở 2 phòng" || r.Proposals != "" || r.Source != storage.SourceFlow || len(r.Evidence) != 3 {
		t.Fatalf("report: %+v", r)
	}
	if r.Evidence[0].Kind != storage.EvidencePhoto || r.Evidence[0].Width != 1280 || r.Evidence[2].FileName != "bien-ban-tap-huan.pdf" || r.Evidence[2].MimeType != "application/pdf" {
		t.Fatalf("evidence: %+v", r.Evidence)
	}
	if a, _ := h.st.AssignmentByID(h.ctx, as[0].ID); a.Progress != 100 || a.CompletedAt == nil {
		t.Fatalf("assignment: %+v", a)
	}
	// The flow is over: its old buttons do nothing.
	ans, out = h.press(lan, confirm, "")
	_ = out
	if _, err := h.st.Conversation(h.ctx, lan.ID, lan.ID); !isNotFound(err) {
		t.Fatalf("the flow is still open: %v", err)
	}
	if ans.Text != vi.ButtonExpired {
		t.Fatalf("old button: %+v", ans)
	}
	if len(h.reports(as[0].ID)) != 1 {
		t.Fatal("an old button made another report")
	}
}

func TestOneLineReport(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Rà soát cơ sở vật chất", "2026-12-01", "TH_A")
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")

	m := one(t, h.say(lan, "/baocao 2 80% Đã tập huấn xong cho 45 giáo viên"))
	contains(t, m, "Đã ghi nhận báo cáo", "Nhiệm vụ 2", "80%", "Đã tập huấn xong cho 45 giáo viên")
	rs := h.reports(as[0].ID)
	if len(rs) != 1 || rs[0].Progress != 80 || rs[0].Source != storage.SourceLine {
		t.Fatalf("reports: %+v", rs)
	}
	// In a caption, with the photo as evidence; the English alias; @bot form.
	m = one(t, h.send(telegramtest.MessageOpts{From: lan, Photo: true, Caption: "/report@nhacviec_test_bot 2 90% Ảnh buổi tập huấn"}))
	contains(t, m, "90%", "1 tệp minh chứng")
	// Bad input: a clear message, nothing stored.
	for text, want := range map[string]string{
		"/baocao 2 80 Đã tập huấn 45 giáo viên":        "kèm dấu %",
		"/baocao 2 150% quá nhiều":                     "từ 0 đến 100",
		"/baocao 9 50% không có":                       "Không tìm thấy nhiệm vụ số 9",
		"/baocao 0 50% số không":                       "Số nhiệm vụ không hợp lệ",
		"/baocao 2 50% " + strings.Repeat("dài ", 800): "Nội dung quá dài (3199 ký tự)",
	} {
		contains(t, one(t, h.say(lan, text)), want)
	}
	if n := len(h.reports(as[0].ID)); n != 2 {
		t.Fatalf("%d reports after bad input, want 2", n)
	}
	// Partial forms open the flow at the first missing step with what was given.
	m = one(t, h.say(lan, "/baocao 2 95%"))
	contains(t, m, "Nhiệm vụ 2", "kết quả thực hiện")
	h.say(lan, "/huy")
	m = one(t, h.say(lan, "/baocao 2 Đã hoàn thiện biên bản"))
	contains(t, m, "mức tiến độ")
	h.press(lan, m, "100%")
	contains(t, h.message(lan, m.MessageID), "Khó khăn")
}

func TestReplyToABotMessageReports(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Rà soát cơ sở vật chất", "2026-12-01", "TH_A")
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	view := one(t, h.say(lan, "/nhiemvu 2"))

	saved := one(t, h.send(replyTo(lan, view, "60% Đã tập huấn 2 buổi")))
	contains(t, saved, "Đã ghi nhận báo cáo", "Nhiệm vụ 2", "60%", "Đã tập huấn 2 buổi")
	// A reply without a percentage keeps the progress; a reply to the confirmation works too.
	saved = one(t, h.send(replyTo(lan, saved, "Bổ sung: đã gửi tài liệu cho giáo viên")))
	contains(t, saved, "60%", "Bổ sung")
	// An album in reply: one report, its confirmation updated as the photos arrive.
	msg := saved.Message()
	out := h.send(telegramtest.MessageOpts{From: lan, Photo: true, Caption: "Ảnh buổi 3", MediaGroupID: "g7", ReplyTo: &msg})
	conf := one(t, out)
	contains(t, conf, "1 tệp minh chứng")
	if out := h.send(telegramtest.MessageOpts{From: lan, Photo: true, MediaGroupID: "g7", ReplyTo: &msg}); len(out) != 0 {
		t.Fatalf("the album's second photo got %d messages", len(out))
	}
	contains(t, h.message(lan, conf.MessageID), "2 tệp minh chứng")
	rs := h.reports(as[0].ID)
	if len(rs) != 3 || rs[0].Source != storage.SourceReply || len(rs[0].Evidence) != 2 || rs[0].Result != "Ảnh buổi 3" || rs[0].Progress != 60 {
		t.Fatalf("reports: %d %+v", len(rs), rs[0])
	}
	// A reply to a message that is not about a task is ordinary text.
	help := one(t, h.say(lan, "/trogiup"))
	h.send(replyTo(lan, help, "Cảm ơn"))
	if len(h.reports(as[0].ID)) != 3 {
		t.Fatal("a reply to the help made a report")
	}
	// Editing a message that carried a report: the report stays, with a hint.
	line := h.srv.SendText(lan, "/baocao 2 70% Đã làm")
	_ = line
	h.step()
	var carrier telegramtest.SentMessage
	_ = carrier
	rs = h.reports(as[0].ID)
	r, _ := h.st.ReportByID(h.ctx, rs[0].ID)
	edited := h.srv.EditText(lan, userMessage(r), "/baocao 2 90% Đã làm xong")
	_ = edited
	h.step()
	contains(t, h.last(lan), "Sửa tin nhắn không làm thay đổi báo cáo", "/sua")
	if got, _ := h.st.ReportByID(h.ctx, r.ID); got.Progress != 70 {
		t.Fatalf("an edited message changed the report: %+v", got)
	}
}

func TestPhotoOrTextWithoutContextStartsAReport(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")

	m := one(t, h.send(telegramtest.MessageOpts{From: lan, Photo: true, Caption: "Ảnh tập huấn sáng nay"}))
	contains(t, m, "báo cáo cho nhiệm vụ nào", "1 tệp minh chứng")
	h.press(lan, m, "1. Tập huấn")
	p := h.message(lan, m.MessageID)
	h.press(lan, p, "50%")
	// The caption became the result, so the flow asks for difficulties next.
	contains(t, h.message(lan, m.MessageID), "Khó khăn")
	h.say(lan, "/huy")

	contains(t, one(t, h.say(lan, "ok")), "Hướng dẫn sử dụng")
	m = one(t, h.say(lan, "Trường đã tổ chức tập huấn cho toàn bộ giáo viên"))
	contains(t, m, "báo cáo cho nhiệm vụ nào")
	h.press(lan, m, "1. Tập huấn")
	h.press(lan, h.message(lan, m.MessageID), "100%")
	contains(t, h.message(lan, m.MessageID), "Khó khăn")
	if len(h.reports(as[0].ID)) != 0 {
		t.Fatal("a report before confirmation")
	}
}

func TestCancelAndDrafts(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	h.task("Kiểm tra nội bộ", "2026-12-20", "TH_A")

	contains(t, one(t, h.say(lan, "/huy")), "Không có thao tác nào")
	one(t, h.say(lan, "/baocao 1 30%"))
	h.say(lan, "Đã lên kế hoạch")
	// A command that only shows something keeps the draft and says so.
	out := h.say(lan, "/nhiemvu")
	if len(out) != 2 {
		t.Fatalf("%d messages", len(out))
	}
	contains(t, out[1], "đang soạn dở một báo cáo")
	// Starting another report asks before dropping the draft.
	ask := one(t, h.say(lan, "/baocao 2"))
	contains(t, ask, "soạn dở một báo cáo")
	h.press(lan, ask, "Tiếp tục soạn")
	contains(t, h.message(lan, ask.MessageID), "Khó khăn")
	ask = one(t, h.say(lan, "/baocao 2"))
	_, out = h.press(lan, ask, "Bỏ bản nháp")
	contains(t, h.message(lan, ask.MessageID), "Đã bỏ bản báo cáo")
	contains(t, one(t, out), "Nhiệm vụ 2: Kiểm tra nội bộ", "mức tiến độ")
	// The progress step also takes the result, and the difficulties, after the percentage.
	h.say(lan, "/huy")
	one(t, h.say(lan, "/baocao 2"))
	contains(t, one(t, h.say(lan, "ba mươi")), "Tiến độ phải là một số nguyên")
	contains(t, one(t, h.say(lan, "2 buổi tập huấn đã xong")), "Tiến độ phải là một số nguyên")
	next := one(t, h.say(lan, "40 % Đã họp hội đồng sư phạm\nKhó khăn: thiếu phòng họp"))
	contains(t, next, "Đề xuất, kiến nghị")
	h.press(lan, next, "Không có")
	h.press(lan, h.last(lan), "Không có minh chứng")
	contains(t, h.last(lan), "Xác nhận báo cáo", "40%", "Đã họp hội đồng sư phạm", "Khó khăn, vướng mắc: thiếu phòng họp")
	h.say(lan, "/huy")
	ask = one(t, h.say(lan, "/baocao 2"))
	// The draft survives a restart of the bot.
	h.bot.Close(time.Second)
	h.bot = h.newBot()
	h.press(lan, h.last(lan), "25%")
	contains(t, h.last(lan), "kết quả thực hiện")
	// /huy leaves the flow; its buttons then do nothing.
	prompt := h.last(lan)
	contains(t, one(t, h.say(lan, "/huy")), "Đã hủy báo cáo")
	if len(prompt.Keyboard) == 0 {
		t.Fatalf("the prompt has no buttons:\n%s", prompt.PlainText())
	}
	ans, _ := h.pressData(lan, prompt, prompt.Keyboard[0][0].Data)
	if ans.Text != vi.ButtonExpired {
		t.Fatalf("%+v", ans)
	}
	if len(h.reports(as[0].ID)) != 0 {
		t.Fatal("a cancelled draft was stored")
	}
	// Cancel with the button.
	m := one(t, h.say(lan, "/baocao"))
	h.press(lan, m, "Hủy")
	contains(t, h.message(lan, m.MessageID), "Đã hủy báo cáo")

	// A photo with "/baocao 2" while a draft is open: dropping the draft starts the new report
	// with the photo in it.
	h.say(lan, "/baocao 1 10%")
	ask = one(t, h.send(telegramtest.MessageOpts{From: lan, Photo: true, Caption: "/baocao 2"}))
	contains(t, ask, "soạn dở một báo cáo")
	_, out = h.press(lan, ask, "Bỏ bản nháp")
	contains(t, one(t, out), "Nhiệm vụ 2: Kiểm tra nội bộ", "mức tiến độ", "1 tệp minh chứng")
	// /sua while a draft is open, after one report: dropping the draft opens the correction.
	h.say(lan, "/huy")
	h.say(lan, "/baocao 1 20% Đã họp")
	h.say(lan, "/baocao 2")
	ask = one(t, h.say(lan, "/sua"))
	contains(t, ask, "soạn dở một báo cáo")
	_, out = h.press(lan, ask, "Bỏ bản nháp")
	contains(t, one(t, out), "Sửa báo cáo", "Đã họp")
}

func TestCorrectLastReport(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")

	contains(t, one(t, h.say(lan, "/sua")), "chưa gửi báo cáo nào")
	h.say(lan, "/baocao 1 80% Đã tập huấn 45 giáo viên")
	h.clock.Advance(3 * time.Hour)

	// One line: progress and result.
	m := one(t, h.say(lan, "/sua 90% Đã tập huấn 54 giáo viên"))
	contains(t, m, "Đã cập nhật báo cáo", "90%", "54 giáo viên")
	// The menu: difficulties, then evidence.
	menu := one(t, h.say(lan, "/sua"))
	contains(t, menu, "Sửa báo cáo gửi lúc 09:00 23/11/2026 (sửa được đến 09:00 24/11/2026)")
	h.press(lan, menu, "Khó khăn")
	contains(t, h.message(lan, menu.MessageID), "Khó khăn, vướng mắc")
	m = one(t, h.say(lan, "Thiếu phòng máy"))
	contains(t, m, "Khó khăn, vướng mắc: Thiếu phòng máy", "Thầy/Cô muốn sửa mục nào")
	h.press(lan, m, "Thêm minh chứng")
	m = one(t, h.send(telegramtest.MessageOpts{From: lan, Photo: true}))
	contains(t, m, "1 tệp minh chứng")
	h.press(lan, m, "Xong")
	contains(t, h.message(lan, m.MessageID), "Đã cập nhật báo cáo")
	r := h.reports(as[0].ID)[0]
	if r.Progress != 90 || r.Difficulties != "Thiếu phòng máy" || len(r.Evidence) != 1 || r.EditedAt == nil {
		t.Fatalf("report: %+v", r)
	}
	revs, _ := h.st.Revisions(h.ctx, r.ID)
	if len(revs) != 2 || revs[0].Progress != 80 || revs[0].Result != "Đã tập huấn 45 giáo viên" {
		t.Fatalf("revisions: %+v", revs)
	}
	// After 24 hours: refused, nothing changes.
	h.clock.Advance(22 * time.Hour)
	contains(t, one(t, h.say(lan, "/sua 10%")), "đã quá 24 giờ")
	if got := h.reports(as[0].ID)[0]; got.Progress != 90 {
		t.Fatalf("a late correction changed the report: %+v", got)
	}
}

func TestHistoryAndEvidenceResent(t *testing.T) {
	h := newHarness(t)
	lan, minh := h.user("Nguyễn Thị", "Lan"), h.user("Trần Văn", "Minh")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(minh, "TH_A", storage.RoleDeputy)
	h.task("Rà soát cơ sở vật chất", "2026-12-01", "TH_A")
	h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	h.send(telegramtest.MessageOpts{From: minh, Photo: true, Caption: "/baocao 2 50% Buổi 1"})
	h.clock.Advance(time.Hour)
	h.say(lan, "/baocao 1 100% Đã rà soát xong")
	h.clock.Advance(time.Hour)
	for i := 0; i < 5; i++ {
		h.say(minh, "/baocao 2 60% Cập nhật thêm")
	}

	hist := one(t, h.say(lan, "/lichsu"))
	contains(t, hist, "Lịch sử báo cáo (7 báo cáo)", "Trần Văn Minh", "Cập nhật thêm")
	lacks(t, hist, "Buổi 1")
	h.press(lan, hist, "▶")
	page2 := h.message(lan, hist.MessageID)
	contains(t, page2, "Đã rà soát xong", "Nguyễn Thị Lan", "Buổi 1", "1 tệp minh chứng")
	before := len(h.srv.CallsTo("sendPhoto"))
	h.press(lan, page2, "📎 Nhiệm vụ 2")
	photos := h.srv.CallsTo("sendPhoto")
	if len(photos) != before+1 || photos[len(photos)-1].Params["chat_id"] != itoa(lan.ID) {
		t.Fatalf("evidence not sent again: %v", photos)
	}
	sent := h.srv.Sent(lan.ID)
	contains(t, sent[len(sent)-2], "Minh chứng báo cáo nhiệm vụ 2", "Trần Văn Minh")
	if last := sent[len(sent)-1]; last.Photo == "" || last.Caption != "" {
		t.Fatalf("the evidence: %+v", last)
	}

	task1 := one(t, h.say(lan, "/lichsu 1"))
	contains(t, task1, "Lịch sử báo cáo nhiệm vụ 1", "(1 báo cáo)", "Đã rà soát xong")
	lacks(t, task1, "Cập nhật thêm")
	contains(t, one(t, h.say(lan, "/lichsu 7")), "Không tìm thấy nhiệm vụ số 7")
}
