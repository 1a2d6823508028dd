// Package export writes the school × task table that supervisors pass on: CSV (UTF-8 with a
// byte-order mark, so that Excel shows Vietnamese) and XLSX (header row, frozen panes, column
// widths, real dates, a summary sheet and a sheet per status). It is the only package that knows
// excelize.
package export

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"

	"nhacviec/storage"
)

// Labels are the words of an export, in one language.
type Labels struct {
	Columns          []string
	Details, Summary string // sheet names
	SummaryColumns   []string
	Statuses         map[storage.Status]string
	Levels           map[storage.Level]string
	Total            string
}

// statuses in the order the sheets and columns show them.
var statuses = []storage.Status{storage.StatusOverdue, storage.StatusInProgress, storage.StatusDoneLate, storage.StatusDoneOnTime}

// Vietnamese and English labels.
var (
	VI = Labels{
		Columns: []string{"Đơn vị cấp trên", "Mã trường", "Trường", "Cấp học", "Số NV", "Nhiệm vụ", "Trích dẫn", "Văn bản",
			"Hạn", "Trạng thái", "Tiến độ (%)", "Báo cáo gần nhất", "Kết quả", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị", "Số minh chứng", "Kỳ báo cáo"},
		Details: "Chi tiết", Summary: "Tổng hợp",
		SummaryColumns: []string{"Nhiệm vụ", "Văn bản", "Số lượt (trường × kỳ)", "Quá hạn chưa hoàn thành", "Đang thực hiện trong hạn",
			"Hoàn thành quá hạn", "Hoàn thành đúng hạn", "Tỷ lệ hoàn thành"},
		Statuses: map[storage.Status]string{
			storage.StatusDoneOnTime: "Hoàn thành đúng hạn", storage.StatusDoneLate: "Hoàn thành quá hạn",
			storage.StatusInProgress: "Đang thực hiện trong hạn", storage.StatusOverdue: "Quá hạn chưa hoàn thành",
		},
		Levels: map[storage.Level]string{
			storage.LevelPreschool: "Mầm non", storage.LevelPrimary: "Tiểu học", storage.LevelLowerSec: "THCS",
			storage.LevelUpperSec: "THPT", storage.LevelMulti: "Liên cấp", storage.LevelContinuing: "GDTX",
		},
		Total: "Tổng cộng",
	}
	EN = Labels{
		Columns: []string{"Units above", "School code", "School", "Level", "Task no.", "Task", "Citation", "Directive",
			"Deadline", "Status", "Progress (%)", "Latest report", "Result", "Difficulties", "Proposals", "Evidence files", "Report period"},
		Details: "Details", Summary: "Summary",
		SummaryColumns: []string{"Task", "Directive", "Rows (school × period)", "Overdue, not done", "In progress, on time",
			"Done late", "Done on time", "Completion"},
		Statuses: map[storage.Status]string{
			storage.StatusDoneOnTime: "Done on time", storage.StatusDoneLate: "Done late",
			storage.StatusInProgress: "In progress, on time", storage.StatusOverdue: "Overdue, not done",
		},
		Levels: map[storage.Level]string{
			storage.LevelPreschool: "Preschool", storage.LevelPrimary: "Primary", storage.LevelLowerSec: "Lower secondary",
			storage.LevelUpperSec: "Upper secondary", storage.LevelMulti: "Multi-level", storage.LevelContinuing: "Continuing",
		},
		Total: "Total",
	}
)

// For returns the labels of a language, Vietnamese by default.
func For(lang string) Labels {
	if lang == "en" {
		return EN
	}
	return VI
}

// record is a row as text, for CSV.
func (l Labels) record(r storage.ExportRow, loc *time.Location) []string {
	report := ""
	if r.ReportAt != nil {
		report = r.ReportAt.In(loc).Format("02/01/2006 15:04")
	}
	return []string{strings.Join(r.Path, " › "), r.SchoolCode, r.SchoolName, l.Levels[r.Level], strconv.Itoa(r.Seq), r.Title,
		r.Citation, r.Directive, r.Due.Format(), l.Statuses[r.Status], strconv.Itoa(r.Progress), report,
		r.Result, r.Difficulties, r.Proposals, strconv.Itoa(r.Evidence), period(r)}
}

// period is a recurring task's report period, "21/11–27/11/2026"; "" for a task done once.
func period(r storage.ExportRow) string {
	if r.PeriodStart.IsZero() {
		return ""
	}
	return r.PeriodStart.Time(time.UTC).Format("02/01") + "–" + r.Due.Format()
}

// CSV writes the rows as CSV in UTF-8 with a byte-order mark.
func CSV(w io.Writer, rows []storage.ExportRow, l Labels, loc *time.Location) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(l.Columns); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(l.record(r, loc)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// widths of the detail columns, in characters.
var widths = []float64{34, 12, 34, 12, 7, 48, 12, 22, 12, 24, 11, 17, 48, 36, 36, 12, 20}

// XLSX writes the rows as a workbook: the details, a summary per task, and a sheet for each status
// still to follow up (overdue, in progress).
func XLSX(w io.Writer, rows []storage.ExportRow, l Labels, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	// The zip goes straight to w: excelize would build the whole file in a buffer of its own first
	// (what it passes here), only to copy it to w. It adds nothing to that buffer but the zip64
	// markers of parts over 4 GB, which a sheet of a million rows does not reach, and the
	// encryption of a workbook with a password, which ours never have (this would break both). Deflate runs at
	// its fastest, with klauspost's flate, which is twice as quick as the standard library's: a
	// province's sheet is 150 MB of XML, and the default level spends seconds on a few percent of
	// size.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	if err != nil {
		return err
	}
	stamp, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy hh:mm")})
	if err != nil {
		return err
	}
	percent, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	styles := sheetStyles{bold: bold, date: date, stamp: stamp, wrap: wrap}

	if err := f.SetSheetName("Sheet1", l.Details); err != nil {
		return err
	}
	// The details and the sheets of the statuses to follow up (the done rows stay in the details,
	// where the header's filter finds them: at the end of a year they are most of a province's
	// rows). The sheets are opened one after the other, filled at the same time (a stream writer
	// touches its own sheet only), and closed one after the other.
	details, err := openSheet(f, l.Details, l, styles)
	if err != nil {
		return err
	}
	if err := writeSummary(f, rows, l, percent, styles); err != nil {
		return err
	}
	follow := []storage.Status{storage.StatusOverdue, storage.StatusInProgress}
	parts := make([]*sheetWriter, len(follow))
	for i, st := range follow {
		if _, err := f.NewSheet(l.Statuses[st]); err != nil {
			return err
		}
		if parts[i], err = openSheet(f, l.Statuses[st], l, styles); err != nil {
			return err
		}
	}
	done := make(chan error, 1)
	go func() { done <- details.rows(rows, nil, loc) }()
	var errs []error
	for i, st := range follow {
		errs = append(errs, parts[i].rows(rows, func(r *storage.ExportRow) bool { return r.Status == st }, loc))
	}
	errs = append(errs, <-done)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := details.close("Rows"); err != nil {
		return err
	}
	for i, p := range parts {
		if err := p.close(fmt.Sprintf("Rows%d", i+1)); err != nil {
			return err
		}
	}
	return f.Write(w)
}

type sheetStyles struct{ bold, date, stamp, wrap int }

// orNil is the text, or nil (no cell) when empty.
func orNil(text string) any {
	if text == "" {
		return nil
	}
	return text
}

func ptr[T any](v T) *T { return &v }

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// excelDays is a time as Excel keeps it: days since 30 December 1899, the time of day as the
// fraction. Excel has no time zones: t's wall time is what it shows.
func excelDays(t time.Time) float64 {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	return float64(wall.Unix()-excelEpoch.Unix()) / (24 * 60 * 60) // seconds: a Duration ends in 2262
}

var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// sheetWriter streams one sheet of rows: one row per school and task (and period), with the
// header frozen and filtered.
type sheetWriter struct {
	sw *excelize.StreamWriter
	l  Labels
	s  sheetStyles
	n  int // rows written
}

func openSheet(f *excelize.File, sheet string, l Labels, s sheetStyles) (*sheetWriter, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 3, YSplit: 1, TopLeftCell: "D2", ActivePane: "bottomRight"}); err != nil {
		return nil, err
	}
	header := make([]any, len(l.Columns))
	for i, c := range l.Columns {
		header[i] = excelize.Cell{StyleID: s.bold, Value: c}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	return &sheetWriter{sw: sw, l: l, s: s}, nil
}

// rows writes the rows that keep accepts (all when nil). Two sheets are filled at once: a stream
// writer then touches its own sheet only, as long as no time.Time or time.Duration is given to
// it (those read the workbook's settings), so dates go in as day numbers. What repeats from row to row (a school's
// path, a task's words, the labels) is made into a cell once.
func (w *sheetWriter) rows(rows []storage.ExportRow, keep func(*storage.ExportRow) bool, loc *time.Location) error {
	s, l := w.s, w.l
	wrapped := func(text string) any {
		if text == "" {
			return nil
		}
		return excelize.Cell{StyleID: s.wrap, Value: text}
	}
	type schoolCells struct{ path, code, name, level any }
	type taskCells struct{ title, citation, directive any }
	schools := map[int64]schoolCells{}
	tasks := map[int64]taskCells{}
	statuses := map[storage.Status]any{}
	for st, label := range l.Statuses {
		statuses[st] = label
	}
	values := make([]any, len(l.Columns))
	for i := range rows {
		r := &rows[i]
		if keep != nil && !keep(r) {
			continue
		}
		sc, ok := schools[r.SchoolID]
		if !ok {
			sc = schoolCells{strings.Join(r.Path, " › "), r.SchoolCode, r.SchoolName, l.Levels[r.Level]}
			schools[r.SchoolID] = sc
		}
		tc, ok := tasks[r.TaskID]
		if !ok {
			tc = taskCells{wrapped(r.Title), orNil(r.Citation), orNil(r.Directive)}
			tasks[r.TaskID] = tc
		}
		var stamp any
		if r.ReportAt != nil {
			stamp = excelize.Cell{StyleID: s.stamp, Value: excelDays(r.ReportAt.In(loc))}
		}
		values = append(values[:0], sc.path, sc.code, sc.name, sc.level, r.Seq,
			tc.title, tc.citation, tc.directive, excelize.Cell{StyleID: s.date, Value: excelDays(r.Due.Time(time.UTC))},
			statuses[r.Status], r.Progress, stamp, wrapped(r.Result),
			wrapped(r.Difficulties), wrapped(r.Proposals), r.Evidence, orNil(period(*r)))
		w.n++
		if err := w.sw.SetRow(cell(1, w.n+1), values); err != nil {
			return err
		}
	}
	return nil
}

// close gives the header its filter buttons, as a table (without reading the streamed sheet
// back), and ends the sheet.
func (w *sheetWriter) close(table string) error {
	noStripes := false
	if err := w.sw.AddTable(&excelize.Table{Range: "A1:" + cell(len(w.l.Columns), max(2, w.n+1)), Name: table,
		ShowRowStripes: &noStripes}); err != nil {
		return err
	}
	return w.sw.Flush()
}

// writeSummary counts, per task, the schools in each status.
func writeSummary(f *excelize.File, rows []storage.ExportRow, l Labels, percent int, s sheetStyles) error {
	sheet := l.Summary
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A1", &l.SummaryColumns); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", cell(len(l.SummaryColumns), 1), s.bold); err != nil {
		return err
	}
	type task struct {
		title, directive string
		counts           map[storage.Status]int
		schools          int
	}
	var order []int64
	tasks := map[int64]*task{}
	total := &task{counts: map[storage.Status]int{}}
	for _, r := range rows {
		t := tasks[r.TaskID]
		if t == nil {
			t = &task{title: r.Title, directive: r.Directive, counts: map[storage.Status]int{}}
			tasks[r.TaskID] = t
			order = append(order, r.TaskID)
		}
		t.counts[r.Status]++
		t.schools++
		total.counts[r.Status]++
		total.schools++
	}
	write := func(n int, title, directive string, t *task) error {
		values := []any{title, directive, t.schools}
		for _, st := range statuses {
			values = append(values, t.counts[st])
		}
		done := 0.0
		if t.schools > 0 {
			done = float64(t.counts[storage.StatusDoneOnTime]+t.counts[storage.StatusDoneLate]) / float64(t.schools)
		}
		values = append(values, done)
		if err := f.SetSheetRow(sheet, cell(1, n), &values); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell(8, n), cell(8, n), percent)
	}
	for i, id := range order {
		if err := write(i+2, tasks[id].title, tasks[id].directive, tasks[id]); err != nil {
			return err
		}
	}
	n := len(order) + 2
	if err := write(n, l.Total, "", total); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, cell(1, n), cell(3, n), s.bold); err != nil {
		return err
	}
	for col, wd := range []float64{52, 22, 10, 16, 16, 16, 16, 12} {
		name, _ := excelize.ColumnNumberToName(col + 1)
		if err := f.SetColWidth(sheet, name, name, wd); err != nil {
			return err
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// FileName is a name for an export made at t: nhacviec-<unit>-<yyyymmdd>.<ext>.
func FileName(unitCode, ext string, t time.Time) string {
	return fmt.Sprintf("nhacviec-%s-%s.%s", strings.ToLower(unitCode), t.Format("20060102"), ext)
}
