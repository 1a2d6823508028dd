package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"nhacviec/export"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

// rows makes a commune's schools with a task each in every status, and exports them.
func rows(t *testing.T) []storage.ExportRow {
	t.Helper()
	ctx := context.Background()
	clock := storagetest.NewClock(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	st := storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	u := storagetest.Province(t, st)
	lan := storagetest.Join(t, st, 1001, "Lan", u["TH_A"], storage.RoleHead)
	nam := storagetest.Join(t, st, 1002, "Nam", u["THCS_A"], storage.RoleHead)
	_, as := storagetest.Task(t, st, "Tập huấn chuyển đổi số", "2026-12-10", u["MN_A"], u["TH_A"], u["THCS_A"], u["TH_B"])
	by := map[int64]storage.Assignment{}
	for _, a := range as {
		by[a.UnitID] = a
	}
	report := func(unit string, m storage.Member, progress int, text string, files int) {
		var ev []storage.Evidence
		for range files {
			ev = append(ev, storage.Evidence{Kind: "photo", FileID: "f", FileUniqueID: "u"})
		}
		if _, err := st.CreateReport(ctx, storage.NewReport{AssignmentID: by[u[unit].ID].ID, MemberID: m.ID, Progress: progress,
			Result: text, Difficulties: "Thiếu máy chiếu", Proposals: "Đề nghị hỗ trợ thiết bị", Source: storage.SourceLine, Evidence: ev}); err != nil {
			t.Fatal(err)
		}
	}
	report("TH_A", lan, 100, "Đã tập huấn 45 giáo viên", 2) // on time, 1 December
	clock.Set(time.Date(2026, 12, 12, 2, 0, 0, 0, time.UTC))
	report("THCS_A", nam, 100, "Hoàn thành muộn", 0) // late
	rows, err := st.ExportRows(ctx, storage.ExportQuery{Under: []int64{u["XA_A"].ID}, Today: storage.Date{Year: 2026, Month: 12, Day: 12}, Loc: hcm})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportRows(t *testing.T) {
	rs := rows(t)
	if len(rs) != 3 {
		t.Fatalf("%d rows (TH_B is in another commune)", len(rs))
	}
	got := map[string]storage.ExportRow{}
	for _, r := range rs {
		got[r.SchoolCode] = r
	}
	th := got["TH_A"]
	if th.Status != storage.StatusDoneOnTime || th.Evidence != 2 || th.Progress != 100 || th.Result != "Đã tập huấn 45 giáo viên" ||
		strings.Join(th.Path, "/") != "Sở GD&ĐT Tỉnh Mẫu/UBND xã An Phú" || th.Level != storage.LevelPrimary || th.ReportAt == nil {
		t.Fatalf("TH_A: %+v", th)
	}
	if got["THCS_A"].Status != storage.StatusDoneLate || got["MN_A"].Status != storage.StatusOverdue || got["MN_A"].ReportAt != nil {
		t.Fatalf("statuses: %+v", got)
	}
}

// CSV: a byte-order mark, the header, one line per school and task, Vietnamese intact.
func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := export.CSV(&buf, rows(t), export.VI, hcm); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[0][2] != "Trường" || recs[0][13] != "Khó khăn, vướng mắc" {
		t.Fatalf("%v", recs[0])
	}
	var line []string
	for _, r := range recs {
		if r[1] == "TH_A" {
			line = r
		}
	}
	want := []string{"Sở GD&ĐT Tỉnh Mẫu › UBND xã An Phú", "TH_A", "Trường Tiểu học An Phú", "Tiểu học", "1", "Tập huấn chuyển đổi số",
		"", "", "10/12/2026", "Hoàn thành đúng hạn", "100", "01/12/2026 09:00", "Đã tập huấn 45 giáo viên", "Thiếu máy chiếu", "Đề nghị hỗ trợ thiết bị", "2", ""}
	if strings.Join(line, "|") != strings.Join(want, "|") {
		t.Fatalf("TH_A:\n got %q\nwant %q", line, want)
	}
}

// XLSX read back: the sheets, the header, frozen panes, real dates, the summary counts.
func TestXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := export.XLSX(&buf, rows(t), export.VI, hcm); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := strings.Join(f.GetSheetList(), "|")
	if sheets != "Chi tiết|Tổng hợp|Quá hạn chưa hoàn thành|Đang thực hiện trong hạn" {
		t.Fatalf("sheets: %s", sheets)
	}
	head, _ := f.GetRows("Chi tiết")
	if len(head) != 4 || head[0][0] != "Đơn vị cấp trên" {
		t.Fatalf("rows: %v", head)
	}
	panes, err := f.GetPanes("Chi tiết")
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 3 {
		t.Fatalf("panes: %+v %v", panes, err)
	}
	// The deadline is a real date: a number formatted as a date.
	raw, _ := f.GetCellValue("Chi tiết", "I2", excelize.Options{RawCellValue: true})
	if shown, _ := f.GetCellValue("Chi tiết", "I2"); shown != "10/12/2026" || raw != "46366" {
		t.Fatalf("deadline cell: shown %q raw %q", shown, raw)
	}
	// The latest report's time too, as the wall time in Vietnam.
	found := false
	for i, row := range head {
		if len(row) > 1 && row[1] == "TH_A" {
			found = true
			at := cell(i+1, 12)
			shown, _ := f.GetCellValue("Chi tiết", at)
			raw, _ := f.GetCellValue("Chi tiết", at, excelize.Options{RawCellValue: true})
			if shown != "01/12/2026 09:00" || !strings.HasPrefix(raw, "46357.375") {
				t.Fatalf("report time cell: shown %q raw %q", shown, raw)
			}
		}
	}
	if !found {
		t.Fatalf("no row of TH_A: %v", head)
	}
	if w, _ := f.GetColWidth("Chi tiết", "F"); w < 30 {
		t.Fatalf("task column width %v", w)
	}
	sum, _ := f.GetRows("Tổng hợp")
	if len(sum) != 3 || sum[1][0] != "Tập huấn chuyển đổi số" || strings.Join(sum[1][2:7], ",") != "3,1,0,1,1" || sum[2][0] != "Tổng cộng" {
		t.Fatalf("summary: %v", sum)
	}
	overdue, _ := f.GetRows("Quá hạn chưa hoàn thành")
	if len(overdue) != 2 || overdue[1][1] != "MN_A" {
		t.Fatalf("overdue sheet: %v", overdue)
	}
}

func cell(row, col int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}
