package export_test

import (
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"nhacviec/export"
	"nhacviec/storage"
)

// province makes n rows that look like a province's: long Vietnamese titles and paths, most done,
// some with difficulties and proposals.
func province(n int) []storage.ExportRow {
	rows := make([]storage.ExportRow, n)
	statuses := []storage.Status{storage.StatusDoneOnTime, storage.StatusDoneOnTime, storage.StatusDoneOnTime, storage.StatusDoneLate, storage.StatusOverdue}
	for i := range rows {
		at := time.Date(2026, 5, 1+i%28, 9, i%60, 0, 0, time.UTC)
		r := &rows[i]
		r.TaskID = int64(i % 60)
		r.Seq = i%60 + 1
		r.Title = fmt.Sprintf("Xây dựng kế hoạch giáo dục nhà trường năm học 2025-2026 (đợt %d)", i%4+1)
		r.Citation = "Mục II.3"
		r.Directive = "Kế hoạch 1250/KH-SGDĐT"
		r.SchoolID = int64(i / 60)
		r.Path = []string{"Sở GD&ĐT Tỉnh Mẫu", fmt.Sprintf("UBND xã Tân Hiệp %d", i/720)}
		r.SchoolCode = fmt.Sprintf("TH%05d", i/60)
		r.SchoolName = fmt.Sprintf("Trường Tiểu học Tân Hiệp số %d", i/60)
		r.Level = storage.LevelPrimary
		r.Due = storage.Date{Year: 2026, Month: 6, Day: 1 + i%28}
		r.Status = statuses[i%len(statuses)]
		r.Progress = 100
		r.ReportAt = &at
		r.Result = "Đã tổ chức họp hội đồng sư phạm, phân công giáo viên phụ trách và hoàn thành kế hoạch."
		if i%20 == 0 {
			r.Difficulties = "Thiếu giáo viên Tin học, chưa bố trí được người phụ trách."
			r.Proposals = "Đề nghị tổ chức tập huấn trực tiếp thay vì trực tuyến."
		}
		r.Evidence = i % 3
	}
	return rows
}

// go test -run '^$' -bench XLSX -benchmem ./export
func BenchmarkXLSX(b *testing.B) {
	rows := province(50_000)
	before := cpuTime()
	for b.Loop() {
		if err := export.XLSX(io.Discard, rows, export.VI, hcm); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time (user and system, all threads, the collector's too) steadies the figure on a busy
	// machine, where wall time does not.
	b.ReportMetric(float64(cpuTime()-before)/float64(b.N)/1e6, "cpu-ms/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
