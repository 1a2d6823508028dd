// Package export writes the school × task table that supervisors pass on: CSV (UTF-8 with a
// byte-order mark, so that Excel shows Vietnamese) and XLSX (header row, frozen panes, column
// widths, real dates, a summary sheet and a sheet per status). It is the only package that knows
// excelize.
package export

import (
	"archive/zip"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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
	// Deflate at its fastest: a province's sheet is 150 MB of XML, and the default level spends
	// seconds on a few percent of size.
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
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
	if err := writeDetails(f, l.Details, "Rows", rows, l, loc, styles); err != nil {
		return err
	}
	if err := writeSummary(f, rows, l, percent, styles); err != nil {
		return err
	}
	// A sheet for each status that needs following up; the done rows stay in the details, where
	// the header's filter finds them (at the end of a year they are most of a province's rows).
	for i, st := range []storage.Status{storage.StatusOverdue, storage.StatusInProgress} {
		var in []storage.ExportRow
		for _, r := range rows {
			if r.Status == st {
				in = append(in, r)
			}
		}
		if _, err := f.NewSheet(l.Statuses[st]); err != nil {
			return err
		}
		if err := writeDetails(f, l.Statuses[st], fmt.Sprintf("Rows%d", i+1), in, l, loc, styles); err != nil {
			return err
		}
	}
	return f.Write(w)
}

type sheetStyles struct{ bold, date, stamp, wrap int }

// wrapped is a text cell that wraps; nil (no cell) when empty.
func wrapped(text string, style int) any {
	if text == "" {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: text}
}

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

// writeDetails writes one row per school and task (and period), with the header frozen and
// filtered. It streams the rows to the file, so that a province's export stays quick and small.
func writeDetails(f *excelize.File, sheet, table string, rows []storage.ExportRow, l Labels, loc *time.Location, s sheetStyles) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 3, YSplit: 1, TopLeftCell: "D2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	header := make([]any, len(l.Columns))
	for i, c := range l.Columns {
		header[i] = excelize.Cell{StyleID: s.bold, Value: c}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	values := make([]any, len(l.Columns))
	paths := map[int64]string{} // each school's path, joined once
	for i, r := range rows {
		var stamp any
		if r.ReportAt != nil {
			local := r.ReportAt.In(loc)
			// Excel has no time zones: the wall time in the installation's zone.
			stamp = excelize.Cell{StyleID: s.stamp, Value: time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), 0, time.UTC)}
		}
		p, ok := paths[r.SchoolID]
		if !ok {
			p = strings.Join(r.Path, " › ")
			paths[r.SchoolID] = p
		}
		values = append(values[:0], p, r.SchoolCode, r.SchoolName, l.Levels[r.Level], r.Seq,
			wrapped(r.Title, s.wrap), orNil(r.Citation), orNil(r.Directive), excelize.Cell{StyleID: s.date, Value: r.Due.Time(time.UTC)},
			l.Statuses[r.Status], r.Progress, stamp, wrapped(r.Result, s.wrap),
			wrapped(r.Difficulties, s.wrap), wrapped(r.Proposals, s.wrap), r.Evidence, orNil(period(r)))
		if err := sw.SetRow(cell(1, i+2), values); err != nil {
			return err
		}
	}
	// A table gives the header its filter buttons without reading the streamed sheet back.
	noStripes := false
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + cell(len(l.Columns), max(2, len(rows)+1)), Name: table,
		ShowRowStripes: &noStripes}); err != nil {
		return err
	}
	return sw.Flush()
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
