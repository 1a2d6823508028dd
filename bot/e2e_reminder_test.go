package bot

import (
	"strings"
	"testing"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

// A reminder arrives at 07:30 of a working day, lists the school's tasks, and "Báo cáo ngay"
// opens the report on its task; a snoozed task waits; a second tick sends nothing more.
func TestReminderReportNowAndSnooze(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Tập huấn chuyển đổi số", "2026-12-18", "TH_A")
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A")

	before := len(h.srv.Sent(lan.ID))
	h.remind("2026-12-09 07:00")
	if n := len(h.srv.Sent(lan.ID)) - before; n != 0 {
		t.Fatalf("%d messages before 07:30", n)
	}
	h.remind("2026-12-09 07:30")
	h.remind("2026-12-09 08:30")
	rem := one(t, h.srv.Sent(lan.ID)[before:])
	contains(t, rem, "Nhắc việc", "trường có 2 nhiệm vụ chưa hoàn thành", "1. Tập huấn chuyển đổi số", "2. Kiểm tra nội bộ",
		"Hạn 18/12/2026 · còn 9 ngày", "Chưa có báo cáo")
	// "Báo cáo NV 2" opens the report on task 2.
	_, out := h.press(lan, rem, "Báo cáo NV 2")
	contains(t, one(t, out), "Nhiệm vụ 2: Kiểm tra nội bộ", "mức tiến độ")
	h.say(lan, "/huy")

	// Snooze for three days: the 12th is a Saturday, so the snoozed reminder comes on Monday.
	ans, _ := h.press(lan, rem, "Sau 3 ngày")
	if ans.Text != "Bot sẽ nhắc lại vào ngày 12/12/2026." {
		t.Fatalf("snooze: %+v", ans)
	}
	before = len(h.srv.Sent(lan.ID))
	h.remind("2026-12-10 07:30")
	h.remind("2026-12-12 07:30") // Saturday
	if n := len(h.srv.Sent(lan.ID)) - before; n != 0 {
		t.Fatalf("%d messages while snoozed or at the weekend", n)
	}
	h.remind("2026-12-14 07:30")
	contains(t, one(t, h.srv.Sent(lan.ID)[before:]), "2 nhiệm vụ")

	// Task 1 is done; the next reminder is about task 2 alone, and a reply to it reports.
	h.say(lan, "/baocao 1 100% Đã tập huấn xong cho 45 giáo viên")
	before = len(h.srv.Sent(lan.ID))
	h.remind("2026-12-15 07:30")
	single := one(t, h.srv.Sent(lan.ID)[before:])
	contains(t, single, "nhiệm vụ sau của trường chưa hoàn thành", "Kiểm tra nội bộ", "còn 3 ngày")
	lacks(t, single, "Tập huấn")
	out = h.send(replyTo(lan, single, "60% Đã kiểm tra 3 tổ chuyên môn"))
	contains(t, one(t, out), "60%", "Kiểm tra nội bộ")
}

// Xin gia hạn: the head gives a date and a reason, the commune's supervisor approves, the head
// is told and the deadline moves; a second request is denied; a head cannot decide.
func TestExtensionApproveAndDeny(t *testing.T) {
	h := newHarness(t)
	lan, officer := h.user("Nguyễn Thị", "Lan"), h.user("Trần Văn", "Bình")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(officer, "XA_A", storage.RoleSupervisor)
	so := h.user("Lê Văn", "Sở")
	h.join(so, "SO", storage.RoleSupervisor) // also oversees the school: gets the request too
	as := h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A")
	h.remind("2026-12-17 07:30")
	rem := h.last(lan)
	contains(t, rem, "Kiểm tra nội bộ")

	_, out := h.press(lan, rem, "Xin gia hạn")
	contains(t, one(t, out), "Xin gia hạn nhiệm vụ 1", "Hạn hiện tại: 18/12/2026", "đến ngày nào")
	contains(t, one(t, h.say(lan, "17/12/2026")), "không sau hạn hiện tại")
	contains(t, one(t, h.say(lan, "28/12/2026")), "lý do")
	contains(t, one(t, h.say(lan, "Trường đang tổ chức thi học kỳ")), "Đã gửi đề nghị gia hạn nhiệm vụ 1 đến ngày 28/12/2026")
	// A second request while one waits.
	ans, _ := h.press(lan, rem, "Xin gia hạn")
	if ans.Text != vi.ExtPending {
		t.Fatalf("second request: %+v", ans)
	}

	before, beforeSo := len(h.srv.Sent(officer.ID)), len(h.srv.Sent(so.ID))
	h.drain()
	ask := one(t, h.srv.Sent(officer.ID)[before:])
	askSo := one(t, h.srv.Sent(so.ID)[beforeSo:])
	contains(t, ask, "Đề nghị gia hạn", "Trường Tiểu học An Phú", "Nguyễn Thị Lan", "18/12/2026 → đề nghị 28/12/2026", "thi học kỳ")
	// The head cannot answer her own request, even with the button's data.
	b, _ := ask.Button("Đồng ý")
	if a, _ := h.pressData(lan, ask, b.Data); a.Text != vi.NotAllowed {
		t.Fatalf("the head decided: %+v", a)
	}
	h.press(officer, ask, "Đồng ý")
	contains(t, h.message(officer, ask.MessageID), "Đã đồng ý gia hạn đến 28/12/2026 (Trần Văn Bình)")
	// The Sở officer's copy shows the decision, without buttons that can decide nothing now.
	closed := h.message(so, askSo.MessageID)
	contains(t, closed, "Đã đồng ý gia hạn đến 28/12/2026 (Trần Văn Bình)")
	if len(closed.Keyboard) != 0 {
		t.Fatalf("the other copy kept its buttons: %v", closed.Keyboard)
	}
	if a, _ := h.pressData(officer, ask, b.Data); a.Text != vi.ExtAlreadyDecided {
		t.Fatalf("decided twice: %+v", a)
	}
	before = len(h.srv.Sent(lan.ID))
	h.drain()
	contains(t, one(t, h.srv.Sent(lan.ID)[before:]), "đã được đồng ý", "Hạn mới: 28/12/2026")
	a, err := h.st.AssignmentByID(h.ctx, as[0].ID)
	if err != nil || a.Due.String() != "2026-12-28" {
		t.Fatalf("due after approval: %v %v", a.Due, err)
	}
	// The ladder moved with the deadline: the 18th is no longer the deadline's morning.
	before = len(h.srv.Sent(lan.ID))
	h.remind("2026-12-18 07:30")
	for _, m := range h.srv.Sent(lan.ID)[before:] {
		contains(t, m, "Hạn 28/12/2026 · còn 10 ngày")
	}

	// Another request, denied.
	h.remind("2026-12-23 07:30")
	rem = h.last(lan)
	h.press(lan, rem, "Xin gia hạn")
	h.say(lan, "31/12/2026")
	h.say(lan, "Cần thêm thời gian")
	before = len(h.srv.Sent(officer.ID))
	h.drain()
	ask = one(t, h.srv.Sent(officer.ID)[before:])
	h.press(officer, ask, "Không đồng ý")
	before = len(h.srv.Sent(lan.ID))
	h.drain()
	denied := one(t, h.srv.Sent(lan.ID)[before:])
	contains(t, denied, "không được đồng ý", "Hạn vẫn là 28/12/2026")
	if _, ok := denied.Button("Báo cáo ngay"); !ok {
		t.Fatal("no report button on the denial")
	}
}

// After the second overdue reminder the commune's supervisor hears of the late school once.
func TestEscalation(t *testing.T) {
	h := newHarness(t)
	lan, officer, other := h.user("Nguyễn Thị", "Lan"), h.user("Trần Văn", "Bình"), h.user("Phạm Văn", "Cường")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.join(other, "XA_B", storage.RoleSupervisor)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A")
	before := len(h.srv.Sent(officer.ID))
	h.remind("2026-12-23 07:30") // first overdue reminder
	if n := len(h.srv.Sent(officer.ID)) - before; n != 0 {
		t.Fatal("escalated after one overdue reminder")
	}
	h.remind("2026-12-28 07:30")
	esc := one(t, h.srv.Sent(officer.ID)[before:])
	contains(t, esc, "Trường chậm báo cáo", "Trường Tiểu học An Phú", "Kiểm tra nội bộ", "quá hạn 10 ngày")
	h.remind("2026-12-31 07:30")
	if n := len(h.srv.Sent(officer.ID)) - before; n != 1 {
		t.Fatalf("escalated %d times", n)
	}
	if n := len(h.srv.Sent(other.ID)); n != 1 { // only the welcome
		t.Fatalf("the other commune's supervisor got %d messages", n)
	}
	contains(t, h.last(lan), "quá hạn")
}

// A head who blocked the bot gets nothing more until they write again; a 429 waits and the
// reminder still arrives once.
func TestReminder403And429(t *testing.T) {
	h := newHarness(t)
	lan, hoa := h.user("Nguyễn Thị", "Lan"), h.user("Lê Thị", "Hoa")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(hoa, "TH_B", storage.RoleHead)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A", "TH_B")

	h.srv.Block(lan.ID)
	h.srv.Fail(telegramtest.Failure{Method: "sendMessage", ChatID: hoa.ID, Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1, Times: 1})
	beforeHoa := len(h.srv.Sent(hoa.ID))
	h.remind("2026-12-09 07:30")
	m, err := h.st.MemberByTelegramID(h.ctx, lan.ID)
	if err != nil || m.UnreachableAt == nil {
		t.Fatalf("not marked unreachable: %+v %v", m.UnreachableAt, err)
	}
	failed, _ := h.st.Outbox(h.ctx, storage.OutboxFailed, 10)
	if len(failed) != 1 || !strings.Contains(failed[0].LastError, "Forbidden") {
		t.Fatalf("failed: %+v", failed)
	}
	// Hoa's reminder waits for retry_after, then goes once.
	h.clock.Advance(2e9)
	h.drain()
	contains(t, one(t, h.srv.Sent(hoa.ID)[beforeHoa:]), "Kiểm tra nội bộ")

	// Lan is skipped while unreachable.
	h.srv.Unblock(lan.ID)
	before := len(h.srv.Sent(lan.ID))
	h.remind("2026-12-15 07:30")
	if n := len(h.srv.Sent(lan.ID)) - before; n != 0 {
		t.Fatal("reminded an unreachable head")
	}
	// She writes again: reachable, and the next rung comes.
	h.say(lan, "/nhiemvu")
	before = len(h.srv.Sent(lan.ID))
	h.remind("2026-12-17 07:30")
	contains(t, one(t, h.srv.Sent(lan.ID)[before:]), "Kiểm tra nội bộ", "còn 1 ngày")
}

// /caidat shows and changes the reminder time, quiet hours and turns reminders off.
func TestSettings(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A")
	s := one(t, h.say(lan, "/caidat"))
	contains(t, s, "Cài đặt nhắc việc", "Giờ nhận nhắc việc: 07:30", "Không nhắc từ 21:00 đến 06:30", "đang bật")
	h.press(lan, s, "13:30")
	contains(t, h.message(lan, s.MessageID), "Giờ nhận nhắc việc: 13:30")
	contains(t, one(t, h.say(lan, "/caidat 25:00")), "Chưa hiểu giờ này")
	contains(t, one(t, h.say(lan, "/caidat 22:00")), "nằm trong giờ yên lặng")
	contains(t, one(t, h.say(lan, "/caidat 12:00-14:00")), "nằm trong giờ yên lặng") // 13:30 would be quiet
	contains(t, one(t, h.say(lan, "/settings 7h15")), "Giờ nhận nhắc việc: 07:15")

	before := len(h.srv.Sent(lan.ID))
	h.remind("2026-12-09 07:14")
	h.remind("2026-12-09 07:15")
	if n := len(h.srv.Sent(lan.ID)) - before; n != 1 {
		t.Fatalf("%d reminders around 07:15", n)
	}
	s = one(t, h.say(lan, "/caidat"))
	h.press(lan, s, "Tắt nhắc việc")
	contains(t, h.message(lan, s.MessageID), "đang tắt")
	before = len(h.srv.Sent(lan.ID))
	h.remind("2026-12-15 07:30")
	if n := len(h.srv.Sent(lan.ID)) - before; n != 0 {
		t.Fatal("reminded with reminders off")
	}
}

// /tinloi lists, for admins only, what the bot could not send.
func TestFailuresForAdmins(t *testing.T) {
	h := newHarness(t)
	lan, admin := h.user("Nguyễn Thị", "Lan"), h.user("Quản", "Trị")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(admin, "SO", storage.RoleAdmin)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A")
	contains(t, one(t, h.say(admin, "/tinloi")), vi.FailuresNone)
	h.srv.Block(lan.ID)
	h.remind("2026-12-09 07:30")
	contains(t, one(t, h.say(admin, "/failures")), "gửi không thành công", "reminder", "Nguyễn Thị Lan", "Forbidden")
	h.srv.Unblock(lan.ID)
	contains(t, one(t, h.say(lan, "/tinloi")), vi.AdminsOnly)
}
