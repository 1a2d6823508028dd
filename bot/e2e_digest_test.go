package bot

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

// digestOf picks out of the bot's messages the digest's text message and its chart.
func (h *harness) digestOf(out []telegramtest.SentMessage) (telegramtest.SentMessage, telegramtest.SentMessage) {
	h.t.Helper()
	var text, chart telegramtest.SentMessage
	for _, m := range out {
		switch m.MediaType {
		case "":
			text = m
		case "photo":
			chart = m
		}
	}
	if text.MessageID == 0 {
		h.t.Fatalf("no digest text among %d messages", len(out))
	}
	return text, chart
}

// The reply loop: a head raises a difficulty; the commune's officer sees it in /tonghop with a
// "Trả lời 1" button, answers; the head gets the answer and it is kept with the report. Bad
// input changes nothing, and nobody outside the commune can answer.
func TestDigestAnswerLoop(t *testing.T) {
	h := newHarness(t)
	officer, lan, other := h.user("Trần Văn", "Bình"), h.user("Nguyễn Thị", "Lan"), h.user("Lê Văn", "Cường")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.join(other, "XA_B", storage.RoleSupervisor)
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A", "THCS_A")
	h.say(lan, "/baocao 1 60% Đã kiểm tra 3 tổ\nKhó khăn: thiếu người chấm\nĐề xuất: mời cốt cán huyện hỗ trợ")

	d, chart := h.digestOf(h.say(officer, "/tonghop"))
	contains(t, d, "1. Trường Tiểu học An Phú — NV 1: Kiểm tra nội bộ", "Khó khăn: thiếu người chấm")
	if chart.MediaType != "photo" || !strings.Contains(chart.Caption, "Tỷ lệ hoàn thành theo đơn vị") {
		t.Fatalf("chart: %+v", chart)
	}
	// Neither the other commune's officer nor the head can answer, even with the button's data.
	btn, ok := d.Button("Trả lời 1")
	if !ok {
		t.Fatalf("no answer button: %v", d.Keyboard)
	}
	ans, out := h.pressData(other, d, btn.Data)
	if ans.Text != vi.NotAllowed || len(out) != 0 {
		t.Fatalf("other commune: %+v %v", ans, out)
	}
	ans, _ = h.pressData(lan, d, btn.Data)
	if ans.Text != vi.NotAllowed {
		t.Fatalf("head: %+v", ans)
	}

	_, out = h.press(officer, d, "Trả lời 1")
	contains(t, one(t, out), "Trả lời trường", "Trường Tiểu học An Phú", "thiếu người chấm", "mời cốt cán", "tối đa 2000 ký tự")
	// A photo is not an answer; nor is a text over the limit.
	contains(t, one(t, h.send(telegramtest.MessageOpts{From: officer, Photo: true})), vi.AnswerTextOnly)
	contains(t, one(t, h.say(officer, strings.Repeat("a", 2001))), "2001")
	if n, _ := h.st.Count(h.ctx, &storage.Answer{}); n != 0 {
		t.Fatalf("%d answers after bad input", n)
	}
	// Other commands leave the answer open and say so.
	contains(t, h.say(officer, "/nhiemvu")[1], vi.AnswerStillOpen)
	contains(t, one(t, h.say(officer, "Phòng sẽ cử 2 giáo viên cốt cán hỗ trợ từ thứ Hai.")), "Đã gửi câu trả lời đến Trường Tiểu học An Phú")

	before := len(h.srv.Sent(lan.ID))
	h.drain()
	got := one(t, h.srv.Sent(lan.ID)[before:])
	contains(t, got, "Trần Văn Bình đã trả lời báo cáo của trường", "Kiểm tra nội bộ", "thiếu người chấm", "Phòng sẽ cử 2 giáo viên cốt cán")
	h.drain() // nothing twice
	if n := len(h.srv.Sent(lan.ID)) - before; n != 1 {
		t.Fatalf("the head got the answer %d times", n)
	}
	// The answer is kept with the report: the head's history and the officer's task view show it.
	contains(t, one(t, h.say(lan, "/lichsu")), "Trả lời của Trần Văn Bình", "Phòng sẽ cử 2 giáo viên")
	var rs []storage.Report
	for _, a := range as {
		if a.UnitID == h.units["TH_A"].ID {
			rs = h.reports(a.ID)
		}
	}
	if len(rs) != 1 || len(rs[0].Answers) != 1 || rs[0].Answers[0].Text != "Phòng sẽ cử 2 giáo viên cốt cán hỗ trợ từ thứ Hai." {
		t.Fatalf("reports: %+v", rs)
	}

	// /huy drops an answer begun; nothing is sent.
	h.press(officer, d, "Trả lời 1")
	contains(t, one(t, h.say(officer, "/huy")), vi.AnswerCancelled)
	before = len(h.srv.Sent(lan.ID))
	h.drain()
	if n := len(h.srv.Sent(lan.ID)) - before; n != 0 {
		t.Fatalf("%d messages after a cancelled answer", n)
	}
}

// A commune officer's /tonghop covers the commune alone, and narrows to a school or a task with
// buttons; a Sở officer's covers the province and narrows to a commune. A forged filter for a
// unit outside the officer's reach is refused.
func TestDigestScopedAndFiltered(t *testing.T) {
	h := newHarness(t)
	commune, province := h.user("Trần Văn", "Bình"), h.user("Phạm Thị", "Hoa")
	h.join(commune, "XA_A", storage.RoleSupervisor)
	h.join(province, "SO", storage.RoleSupervisor)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A", "THCS_A", "TH_B")
	h.task("Tập huấn chuyển đổi số", "2026-11-20", "TH_A", "TH_B", "THPT_1")

	d, chart := h.digestOf(h.say(commune, "/tonghop"))
	contains(t, d, "UBND xã An Phú", "2 trường có nhiệm vụ", "Kiểm tra nội bộ", "Tập huấn chuyển đổi số")
	lacks(t, d, "Bình Minh", "THPT")
	if chart.MediaType != "photo" {
		t.Fatal("no chart")
	}
	// By unit: the commune's schools.
	_, out := h.press(commune, d, "Theo đơn vị")
	pick := one(t, out)
	contains(t, pick, "chọn đơn vị")
	if _, ok := pick.Button("Bình Minh"); ok {
		t.Fatal("a school of another commune offered")
	}
	_, out = h.press(commune, pick, "Trường THCS An Phú")
	school, _ := h.digestOf(out)
	contains(t, school, "Trường THCS An Phú", "1 trường có nhiệm vụ", "Kiểm tra nội bộ")
	lacks(t, school, "Tập huấn")
	// By task.
	_, out = h.press(commune, d, "Theo nhiệm vụ")
	pick = one(t, out)
	_, out = h.press(commune, pick, "Tập huấn chuyển đổi số")
	task, _ := h.digestOf(out)
	contains(t, task, "Riêng nhiệm vụ: Tập huấn chuyển đổi số", "1 trường có nhiệm vụ", "🔴 1")
	lacks(t, task, "Kiểm tra nội bộ")

	// A forged filter for the other commune.
	ans, out := h.pressData(commune, d, "o:u:"+itoa(h.units["XA_B"].ID))
	if ans.Text != vi.NotAllowed || len(out) != 0 {
		t.Fatalf("forged: %+v %v", ans, out)
	}

	// The Sở sees the province, and its chart has a bar per commune and the school beneath it.
	d, chart = h.digestOf(h.say(province, "/tonghop"))
	contains(t, d, "Sở GD&ĐT Tỉnh Mẫu", "4 trường có nhiệm vụ", "Bình Minh")
	calls := h.srv.CallsTo("sendPhoto")
	img, err := png.Decode(bytes.NewReader(calls[len(calls)-1].Files["photo"].Content))
	if err != nil {
		t.Fatalf("chart: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 200 {
		t.Fatalf("chart size %v", b)
	}
	_, out = h.press(province, d, "Theo đơn vị")
	_, out = h.press(province, one(t, out), "UBND phường Bình Minh")
	ward, _ := h.digestOf(out)
	contains(t, ward, "UBND phường Bình Minh", "1 trường có nhiệm vụ")
	lacks(t, ward, "An Phú")
}

// Every Monday each supervisor gets the digest with its buttons and chart, and each linked group
// a summary with counts only; a group admin may have it name the late schools, nobody else.
func TestWeeklyDigestAndGroupSummary(t *testing.T) {
	h := newHarness(t)
	officer, lan, member := h.user("Trần Văn", "Bình"), h.user("Nguyễn Thị", "Lan"), h.user("Đỗ Văn", "Nam")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Tập huấn chuyển đổi số", "2026-11-20", "TH_A", "THCS_A")
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A", "THCS_A", "MN_A")
	h.say(lan, "/baocao 1 100% Đã tập huấn\nĐề xuất: thêm một buổi thực hành")
	g := h.addToGroup(officer, "Hiệu trưởng xã An Phú")
	h.inGroup(officer, g, "/lienket XA_A")

	// Someone who is not an admin of the group cannot turn the names on.
	contains(t, one(t, h.inGroup(member, g, "/tenquahan bat")), vi.LateNamesAdminsOnly)
	contains(t, one(t, h.inGroup(member, g, "/tenquahan")), "chỉ nêu số liệu")

	before, groupBefore := len(h.srv.Sent(officer.ID)), len(h.srv.Sent(g.ID))
	h.clock.Set(h.clock.Now().AddDate(0, 0, 7)) // Monday 30/11, 09:00
	if n, err := h.scheduler().QueueDigests(h.ctx, h.clock.Now()); err != nil || n != 2 {
		t.Fatalf("queued %d, %v", n, err)
	}
	h.drain()
	out := h.srv.Sent(officer.ID)[before:]
	if len(out) != 2 || out[0].MediaType != "" || out[1].MediaType != "photo" {
		t.Fatalf("weekly digest: %+v", out)
	}
	contains(t, out[0], "UBND xã An Phú", "thêm một buổi thực hành")
	if _, ok := out[0].Button("Trả lời 1"); !ok {
		t.Fatalf("no answer button on the weekly digest: %v", out[0].Keyboard)
	}
	sum := one(t, h.srv.Sent(g.ID)[groupBefore:])
	contains(t, sum, "Tình hình thực hiện nhiệm vụ — UBND xã An Phú", "3 trường · 2 nhiệm vụ", "Hoàn thành quá hạn: 1",
		"Quá hạn chưa hoàn thành: 1", "Đang thực hiện trong hạn: 3")
	lacks(t, sum, "Trường THCS An Phú")

	// The group's admin turns the names on; next week's summary names the late school.
	h.srv.SetChatMemberStatus(g.ID, member.ID, "administrator")
	contains(t, one(t, h.inGroup(member, g, "/tenquahan bat")), vi.LateNamesOn)
	groupBefore = len(h.srv.Sent(g.ID))
	h.clock.Set(h.clock.Now().AddDate(0, 0, 7))
	if _, err := h.scheduler().QueueDigests(h.ctx, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.drain()
	contains(t, one(t, h.srv.Sent(g.ID)[groupBefore:]), "Trường còn nhiệm vụ quá hạn", "Trường THCS An Phú")
	// In a private chat the command only explains itself.
	contains(t, one(t, h.say(officer, "/tenquahan bat")), vi.LateNamesInGroups)
}
