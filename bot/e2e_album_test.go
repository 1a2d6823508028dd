package bot

import (
	"testing"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

// An album whose caption line cannot be used keeps its photos: one explanation, one prompt, and
// the album's other photos join the report the prompt opens. An album that asks to replace an
// open draft keeps its photos for the new report, not the old one.
func TestAlbumWithRefusedLine(t *testing.T) {
	h := newHarness(t)
	lan := h.user("Nguyễn Thị", "Lan")
	h.join(lan, "TH_A", storage.RoleHead)
	as := h.task("Kiểm tra nội bộ", "2026-12-20", "TH_A")
	h.task("Tập huấn", "2026-12-21", "TH_A")

	album := func(id, caption string) [][]telegramtest.SentMessage {
		var outs [][]telegramtest.SentMessage
		for i := range 3 {
			c := ""
			if i == 0 {
				c = caption
			}
			outs = append(outs, h.send(telegramtest.MessageOpts{From: lan, Photo: true, Caption: c, MediaGroupID: id}))
		}
		return outs
	}
	outs := album("a1", "/baocao 9 80% Xong")
	if len(outs[0]) != 2 || len(outs[1]) != 0 || len(outs[2]) != 0 {
		t.Fatalf("messages per photo: %d %d %d", len(outs[0]), len(outs[1]), len(outs[2]))
	}
	contains(t, outs[0][0], "Không tìm thấy nhiệm vụ số 9")
	contains(t, outs[0][1], "báo cáo cho nhiệm vụ nào")
	contains(t, h.message(lan, outs[0][1].MessageID), "3 tệp minh chứng")

	outs = album("a2", "/baocao 2 180% Xong")
	if len(outs[0]) != 2 || len(outs[1]) != 0 || len(outs[2]) != 0 {
		t.Fatalf("second album, messages per photo: %d %d %d", len(outs[0]), len(outs[1]), len(outs[2]))
	}
	contains(t, outs[0][0], "Tiến độ phải là một số nguyên")
	ask := outs[0][1]
	contains(t, ask, "đang soạn dở", "3 tệp minh chứng")
	_, out := h.press(lan, ask, "Bỏ bản nháp")
	contains(t, one(t, out), "3 tệp minh chứng")
	// The new report gets the second album, and is sent on task 1.
	h.say(lan, "1")
	h.say(lan, "100%")
	h.say(lan, "Đã kiểm tra xong")
	h.press(lan, h.last(lan), "Không có")
	h.press(lan, h.last(lan), "Không có")
	h.press(lan, h.last(lan), "Tiếp tục")
	h.press(lan, h.last(lan), "Gửi báo cáo")
	rs := h.reports(as[0].ID)
	if len(rs) != 1 || len(rs[0].Evidence) != 3 {
		t.Fatalf("reports: %+v", rs)
	}
}
