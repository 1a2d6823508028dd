package bot

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"nhacviec/storage"
)

func TestTaskListPagesAndDetails(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	for i := 1; i <= 14; i++ {
		h.task(fmt.Sprintf("Nhiệm vụ thử số %d về công tác chuyên môn", i), fmt.Sprintf("2026-12-%02d", i), "TH_A")
	}
	h.task("Việc của trường khác", "2026-12-01", "TH_B")
	h.clock.Set(time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)) // 03/12: tasks 1 and 2 are overdue, 3 is due today

	list := one(t, h.say(lan, "/nhiemvu"))
	contains(t, list, "Nhiệm vụ của Trường Tiểu học An Phú", "14 nhiệm vụ chưa hoàn thành",
		"1. Nhiệm vụ thử số 1", "Hạn 01/12/2026 · quá hạn 2 ngày", "Hạn 03/12/2026 · đến hạn hôm nay", "Hạn 04/12/2026 · còn 1 ngày", "Chưa có báo cáo")
	lacks(t, list, "Việc của trường khác", "7. Nhiệm vụ")
	if _, ok := list.Button("1/3"); !ok {
		t.Fatalf("no pager: %v", list.Keyboard)
	}
	_, _ = h.press(lan, list, "▶")
	page2 := h.message(lan, list.MessageID)
	contains(t, page2, "7. Nhiệm vụ thử số 7", "12. Nhiệm vụ thử số 12")
	lacks(t, page2, "6. Nhiệm vụ thử số 6")
	_, _ = h.press(lan, page2, "▶")
	page3 := h.message(lan, list.MessageID)
	contains(t, page3, "14. Nhiệm vụ thử số 14")
	if _, ok := page3.Button("▶"); ok {
		t.Fatal("a next button on the last page")
	}

	// Open a task from the list: the same message becomes the task's view.
	_, _ = h.press(lan, page3, "13")
	view := h.message(lan, list.MessageID)
	contains(t, view, "Nhiệm vụ 13: Nhiệm vụ thử số 13", "Hạn 13/12/2026 · còn 10 ngày", "Đang thực hiện trong hạn", "Thầy/Cô đang theo dõi nhiệm vụ này", "Trả lời (reply)")
	for _, b := range []string{"Báo cáo", "Lịch sử", "Bỏ theo dõi", "Phân công", "Danh sách"} {
		if _, ok := view.Button(b); !ok {
			t.Fatalf("no %q button: %v", b, view.Keyboard)
		}
	}
	ans, _ := h.press(lan, view, "Bỏ theo dõi")
	if ans.Text != vi.NowMuted {
		t.Fatalf("answer %+v", ans)
	}
	view = h.message(lan, list.MessageID)
	contains(t, view, "chưa theo dõi")
	a13, _ := h.st.AssignmentBySeq(h.ctx, h.units["TH_A"].ID, 13)
	if subs, _ := h.st.Subscribers(h.ctx, a13.ID); len(subs) != 0 {
		t.Fatalf("still subscribed: %v", subs)
	}
	_, _ = h.press(lan, view, "Theo dõi")
	if subs, _ := h.st.Subscribers(h.ctx, a13.ID); len(subs) != 1 {
		t.Fatalf("not subscribed again: %v", subs)
	}

	// Numbers typed: a task, a number that is not a task, not a number.
	contains(t, one(t, h.say(lan, "/nhiemvu 2")), "Nhiệm vụ 2:", "Quá hạn chưa hoàn thành", "quá hạn 1 ngày")
	contains(t, one(t, h.say(lan, "/nhiemvu 99")), "Không tìm thấy nhiệm vụ số 99")
	contains(t, one(t, h.say(lan, "/nhiemvu hai")), "Số nhiệm vụ không hợp lệ")
}

func TestNumbersStayStable(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Việc A", "2026-12-10", "TH_A")
	h.task("Việc B", "2026-12-11", "TH_A")
	h.say(lan, fmt.Sprintf("/baocao 1 100%% Xong việc A"))
	h.task("Việc C", "2026-12-05", "TH_A") // earlier deadline, created later
	list := one(t, h.say(lan, "/nhiemvu"))
	contains(t, list, "2. Việc B", "3. Việc C", "Đã hoàn thành 1/3 nhiệm vụ")
	lacks(t, list, "Việc A")
	if a, _ := h.st.AssignmentByID(h.ctx, as[0].ID); a.Seq != 1 || a.Progress != 100 {
		t.Fatalf("task 1: %+v", a)
	}
	contains(t, one(t, h.say(lan, "/nhiemvu 1")), "Nhiệm vụ 1: Việc A", "Hoàn thành đúng hạn")
}

func TestHandOverToDeputy(t *testing.T) {
	h := newHarness(t)
	lan, minh := h.user("Nguyễn Thị", "Lan"), h.user("Trần Văn", "Minh")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(minh, "TH_A", storage.RoleDeputy)
	as := h.task("Kiểm tra nội bộ", "2026-12-20", "TH_A")

	// The deputy sees the task but cannot hand it over.
	dv := one(t, h.say(minh, "/nhiemvu 1"))
	if _, ok := dv.Button("Phân công"); ok {
		t.Fatal("a deputy may not hand over")
	}
	view := one(t, h.say(lan, "/nhiemvu 1"))
	h.press(lan, view, "Phân công")
	choose := h.message(lan, view.MessageID)
	contains(t, choose, "Phân công phụ trách nhiệm vụ 1")
	before := len(h.srv.Sent(minh.ID))
	ans, _ := h.press(lan, choose, "Trần Văn Minh")
	if ans.Text != "Đã phân công cho Trần Văn Minh." {
		t.Fatalf("answer %q", ans.Text)
	}
	contains(t, h.message(lan, view.MessageID), "Phụ trách: Trần Văn Minh")
	h.drain()
	h.drain() // twice: still one message
	told := h.srv.Sent(minh.ID)[before:]
	contains(t, one(t, told), "Thầy/Cô được phân công phụ trách nhiệm vụ 1 của Trường Tiểu học An Phú: Kiểm tra nội bộ", "Hạn 20/12/2026")
	if subs, _ := h.st.Subscribers(h.ctx, as[0].ID); len(subs) != 2 {
		t.Fatalf("subscribers after hand-over: %v", subs)
	}
	// The deputy replies to the hand-over message: that reports on the task.
	h.send(replyTo(minh, told[0], "50% Đã họp tổ chuyên môn"))
	if rs := h.reports(as[0].ID); len(rs) != 1 || rs[0].Progress != 50 || rs[0].MemberID == 0 {
		t.Fatalf("reports: %+v", rs)
	}
	// A forged hand-over by the deputy to himself changes nothing.
	ans, _ = h.pressData(minh, dv, "t:H:"+strconv.FormatInt(as[0].ID, 10)+":0")
	if !ans.ShowAlert || ans.Text != vi.NotAllowed {
		t.Fatalf("forged hand-over: %+v", ans)
	}
	if a, _ := h.st.AssignmentByID(h.ctx, as[0].ID); a.AssigneeID == nil {
		t.Fatal("the forged button took the task back")
	}
	// Take it back.
	view = one(t, h.say(lan, "/nhiemvu 1"))
	h.press(lan, view, "Phân công")
	h.press(lan, h.message(lan, view.MessageID), "Thu hồi")
	if subs, _ := h.st.Subscribers(h.ctx, as[0].ID); len(subs) != 1 {
		t.Fatalf("subscribers after taking back: %v", subs)
	}
}

// Every button names what it acts on; the server checks the member may act on it.
func TestForgedButtonsForAnotherSchool(t *testing.T) {
	h := newHarness(t)
	lan, hoa := h.user("Nguyễn Thị", "Lan"), h.user("Lê Thị", "Hoa")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(hoa, "TH_B", storage.RoleHead)
	mine := h.task("Việc của An Phú", "2026-12-20", "TH_A")
	theirs := h.task("Việc của Bình Minh", "2026-12-20", "TH_B")
	h.say(hoa, "/baocao 1 40% Bí mật của Bình Minh")
	r := h.reports(theirs[0].ID)[0]
	view := one(t, h.say(lan, "/nhiemvu 1"))
	other := strconv.FormatInt(theirs[0].ID, 10)
	for _, data := range []string{"t:v:" + other, "t:f:" + other + ":0", "t:h:" + other, "t:H:" + other + ":1", "r:s:" + other,
		"h:l:" + other + ":0", "h:e:" + strconv.FormatInt(r.ID, 10), "t:v:999999", "zzz", "t:v:-1", "f:1:ok"} {
		before := len(h.srv.Sent(lan.ID))
		ans, _ := h.pressData(lan, view, data)
		if data == "zzz" || strings.HasPrefix(data, "f:") || data == "t:v:-1" {
			if ans.Text != vi.ButtonExpired && ans.Text != vi.NotAllowed {
				t.Fatalf("%s: %+v", data, ans)
			}
		} else if !ans.ShowAlert || ans.Text != vi.NotAllowed {
			t.Fatalf("%s: answer %+v", data, ans)
		}
		for _, m := range h.srv.Sent(lan.ID) {
			lacks(t, m, "Bình Minh")
		}
		if n := len(h.srv.Sent(lan.ID)); n != before {
			t.Fatalf("%s: sent %d messages", data, n-before)
		}
	}
	if subs, _ := h.st.Subscribers(h.ctx, theirs[0].ID); len(subs) != 1 {
		t.Fatalf("the other school's subscriptions changed: %v", subs)
	}
	if a, _ := h.st.AssignmentByID(h.ctx, theirs[0].ID); a.AssigneeID != nil {
		t.Fatal("the other school's task was handed over")
	}
	if len(h.reports(mine[0].ID)) != 0 || len(h.reports(theirs[0].ID)) != 1 {
		t.Fatal("reports changed")
	}
}

func TestSupervisorSeesTheirSubtree(t *testing.T) {
	h := newHarness(t)
	lan, hoa, officer := h.user("Nguyễn Thị", "Lan"), h.user("Lê Thị", "Hoa"), h.user("Võ", "Quang")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(hoa, "TH_B", storage.RoleHead)
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A", "THCS_A", "TH_B")
	h.task("Việc riêng của Bình Minh", "2026-12-15", "TH_B")
	h.say(lan, "/baocao 1 100% Xong")
	h.say(hoa, "/baocao 1 60% Bình Minh đang làm")

	m := one(t, h.say(officer, "/nhiemvu"))
	contains(t, m, "Nhiệm vụ của các trường thuộc phạm vi phụ trách (1 nhiệm vụ)", "Tập huấn chuyển đổi số", "1/2 trường hoàn thành", "1 trường đã báo cáo")
	lacks(t, m, "Bình Minh")
	hist := one(t, h.say(officer, "/lichsu"))
	contains(t, hist, "Lịch sử báo cáo (1 báo cáo)", "Trường Tiểu học An Phú", "Nguyễn Thị Lan", "100%")
	lacks(t, hist, "Bình Minh")
	contains(t, one(t, h.say(officer, "/baocao")), "dành cho Ban giám hiệu")
}

// The task's name in a message is a deep link: tapping it opens the task, for its school only.
func TestTaskLinks(t *testing.T) {
	h := newHarness(t)
	lan, hoa := h.user("Nguyễn Thị", "Lan"), h.user("Lê Thị", "Hoa")
	h.join(lan, "TH_A", storage.RoleHead)
	h.join(hoa, "TH_B", storage.RoleHead)
	mine := h.task("Tập huấn chuyển đổi số", "2026-12-15", "TH_A")
	view := one(t, h.say(lan, "/nhiemvu 1"))
	link := "https://t.me/nhacviec_test_bot?start=nv" + itoa(mine[0].ID)
	if !strings.Contains(view.Text, `<a href="`+link+`">`) {
		t.Fatalf("no task link in:\n%s", view.Text)
	}
	contains(t, one(t, h.say(lan, "/start nv"+itoa(mine[0].ID))), "Nhiệm vụ 1: Tập huấn chuyển đổi số", "Hạn 15/12/2026")
	contains(t, one(t, h.say(hoa, "/start nv"+itoa(mine[0].ID))), vi.NotAllowed)
	// The commune's officer sees the task and its reports, with nothing to do for the school;
	// the other commune's officer sees nothing.
	officer, other := h.user("Trần Văn", "Bình"), h.user("Phạm Văn", "Cường")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.join(other, "XA_B", storage.RoleSupervisor)
	h.say(lan, "/baocao 1 40% Đã lập danh sách giáo viên")
	ro := one(t, h.say(officer, "/start nv"+itoa(mine[0].ID)))
	contains(t, ro, "Tập huấn chuyển đổi số", "Trường Tiểu học An Phú", "40%", "Đã lập danh sách giáo viên")
	if len(ro.Keyboard) != 1 || len(ro.Keyboard[0]) != 1 {
		t.Fatalf("a supervisor got the school's buttons: %v", ro.Keyboard)
	}
	h.press(officer, ro, "Lịch sử")
	contains(t, h.last(officer), "Đã lập danh sách giáo viên")
	contains(t, one(t, h.say(other, "/start nv"+itoa(mine[0].ID))), vi.NotAllowed)
	stranger := one(t, h.say(h.user("Người", "Lạ"), "/start nv"+itoa(mine[0].ID)))
	if stranger.Text != vi.Stranger {
		t.Fatalf("stranger: %q", stranger.PlainText())
	}
}
