package bot

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"nhacviec/storage"
)

// /xuat sends a supervisor the table of their commune's schools as an Excel file; heads may not.
func TestExportAsDocument(t *testing.T) {
	h := newHarness(t)
	officer, lan := h.user("Trần Văn", "Bình"), h.user("Nguyễn Thị", "Lan")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A", "THCS_A", "TH_B")
	h.say(lan, "/baocao 1 60% Đã kiểm tra 3 tổ")

	contains(t, one(t, h.say(lan, "/xuat")), vi.ExportOfficersOnly)
	out := h.say(officer, "/xuat")
	if len(out) != 2 {
		t.Fatalf("%d messages", len(out))
	}
	contains(t, out[0], "Đang chuẩn bị tệp")
	doc := out[1]
	if doc.MediaType != "document" {
		t.Fatalf("not a document: %+v", doc)
	}
	contains(t, doc, "UBND xã An Phú", "23/11/2026", "2 dòng")
	calls := h.srv.CallsTo("sendDocument")
	file := calls[len(calls)-1].Files["document"]
	if file.FileName != "nhacviec-xa_a-20261123.xlsx" {
		t.Fatalf("file name %q", file.FileName)
	}
	f, err := excelize.OpenReader(bytes.NewReader(file.Content))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, _ := f.GetRows("Chi tiết")
	if len(rs) != 3 {
		t.Fatalf("%d rows: %v", len(rs), rs)
	}
	var th []string
	for _, r := range rs {
		if len(r) > 1 && r[1] == "TH_A" {
			th = r
		}
	}
	if th == nil || th[10] != "60" || th[12] != "Đã kiểm tra 3 tổ" {
		t.Fatalf("TH_A row: %v", th)
	}
	for _, r := range rs {
		if strings.Contains(strings.Join(r, "|"), "Bình Minh") {
			t.Fatal("a school of another commune in the export")
		}
	}
	// CSV on request.
	h.say(officer, "/export csv")
	calls = h.srv.CallsTo("sendDocument")
	if csv := calls[len(calls)-1].Files["document"]; !strings.HasSuffix(csv.FileName, ".csv") || !bytes.HasPrefix(csv.Content, []byte("\ufeff")) {
		t.Fatalf("csv: %q", csv.FileName)
	}
}

// /tonghop shows a supervisor where their commune's schools stand; heads may not.
func TestDigestOnDemand(t *testing.T) {
	h := newHarness(t)
	officer, lan := h.user("Trần Văn", "Bình"), h.user("Nguyễn Thị", "Lan")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.join(lan, "TH_A", storage.RoleHead)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A", "THCS_A", "TH_B")
	// A week on (a task given this week makes no school silent yet), one school reports.
	h.clock.Advance(8 * 24 * time.Hour)
	h.say(lan, "/baocao 1 60% Đã kiểm tra 3 tổ\nKhó khăn: thiếu người")
	contains(t, one(t, h.say(lan, "/tonghop")), vi.DigestOfficersOnly)
	d, _ := h.digestOf(h.say(officer, "/digest"))
	contains(t, d, "Tổng hợp tình hình thực hiện nhiệm vụ — UBND xã An Phú", "2 trường có nhiệm vụ", "Kiểm tra nội bộ", "⏳ 2",
		"Chưa báo cáo từ ngày 24/11/2026", "Trường THCS An Phú")
	lacks(t, d, "Bình Minh")
}

// A file over what Telegram takes from a bot is not sent; the officer is told what to do instead.
func TestExportTooLarge(t *testing.T) {
	h := newHarness(t)
	officer := h.user("Trần Văn", "Bình")
	h.join(officer, "XA_A", storage.RoleSupervisor)
	h.task("Kiểm tra nội bộ", "2026-12-18", "TH_A", "THCS_A")
	h.bot.maxSend = 100 // bytes
	out := h.say(officer, "/xuat csv")
	contains(t, out[len(out)-1], "vượt giới hạn", "nhacviec export --unit MÃ_ĐƠN_VỊ -o tep.xlsx")
	if n := len(h.srv.CallsTo("sendDocument")); n != 0 {
		t.Fatalf("%d documents sent", n)
	}
}
