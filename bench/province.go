package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh even on a machine without a zone database

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver, for seeding the reports in bulk

	"nhacviec/digest"
	"nhacviec/export"
	"nhacviec/storage"
)

// The province benchmark measures the requirement "a province of 1,200 schools under 100
// communes, 60 tasks and 40 weekly periods of reports: all supervisors' digests computed in under
// 2 s on SQLite with peak RSS under 200 MB, and that province exported in under 5 s".
//
// The parent seeds a SQLite file: the unit tree, the members (through invites), the directives and
// tasks go through storage as the bot would write them, with the store's clock set to the moment
// each happened; a school year of reports and evidence is written in bulk with database/sql, and
// each assignment's progress, latest report and completion are set the way CreateReport sets
// them. A child process (-province-measure) then opens the database and does the measured work,
// so that its VmHWM covers only that.

// The province's shape.
const (
	provCommunes       = 100
	provSchoolsPer     = 12
	provOnceTasks      = 56
	provWeeks          = 40
	provReportChance   = 0.6  // a one-off assignment still open is reported on in a week
	provRecurringSkip  = 0.04 // a recurring assignment is not reported on in a week
	provIssueChance    = 0.05 // a report raises difficulties or proposals
	provEvidenceChance = 0.12 // a report comes with photos
	provSeed1          = 20250908
	provSeed2          = 1200
	provTZ             = "Asia/Ho_Chi_Minh"
)

// provYearStart is the Monday of the school year's first week.
var provYearStart = storage.Date{Year: 2025, Month: time.September, Day: 8}

// provResult is what the child measured, handed to the parent as JSON.
type provResult struct {
	Supervisors     int
	Digests         int
	DigestsWall     time.Duration
	DigestMax       time.Duration
	DigestMaxUnit   string
	DigestTop       time.Duration // the Sở's
	DigestTopRows   int           // the assignments the Sở's digest covers
	DigestHTMLBytes int
	TopSilent       int
	TopIssues       int
	TopHTML         string
	HWMOpen         int // KB, after opening the database
	HWMDigests      int // KB
	RSSDigests      int // KB
	XLSXRowsWall    time.Duration
	XLSXWall        time.Duration
	XLSXRows        int
	XLSXBytes       int
	CSVRowsWall     time.Duration
	CSVWall         time.Duration
	CSVRows         int
	CSVBytes        int
	HWMXLSX         int // KB, after the XLSX export
	HWMExports      int // KB, after both
	Statuses        map[storage.Status]int
}

// provTask is one task of the seed.
type provTask struct {
	id        int64
	title     string
	cadence   storage.Cadence
	start     int // the week it was given
	due       int // the week of its deadline (Friday)
	directive int // 0: none; 1..3
}

// provAssignment is one assignment as the seed writes its reports.
type provAssignment struct {
	id, member, chat int64
	task             *provTask
	start, target    int // target: the week it reaches 100 %; -1 never
	cap              int // for those never done: the progress they stop at
	progress         int
	lastID           int64
	lastAt           time.Time
	completedAt      time.Time
}

// provReport is one generated report.
type provReport struct {
	a                       *provAssignment
	id                      int64
	progress                int
	result, diff, proposals string
	source                  string
	messageID               int64
	mediaGroup              string
	at                      time.Time
	photos                  int
	document                bool
}

// benchProvince seeds the province, runs the measurement in a child process and prints the figures.
func benchProvince(ctx context.Context, dir string) {
	loc, err := time.LoadLocation(provTZ)
	check(err)
	path := filepath.Join(dir, "province.db")
	fmt.Printf("seeding a province into %s …\n", path)
	start := time.Now()
	sum := seedProvince(ctx, path, loc)
	seeding := time.Since(start)
	info, err := os.Stat(path)
	check(err)
	fmt.Printf("seeded in %.1fs (units, members, tasks through storage %.1fs; reports in bulk %.1fs)\n\n",
		seeding.Seconds(), sum.apiTime.Seconds(), sum.bulkTime.Seconds())

	self, err := os.Executable()
	check(err)
	args := []string{"-province-measure", path}
	if profile != "" {
		args = append(args, "-cpuprofile", profile) // the child profiles the measured work
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	check(err)
	var r provResult
	check(json.Unmarshal(out, &r))

	now := provNow(loc)
	mb := func(kb int) float64 { return float64(kb) / 1024 }
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "FAIL"
	}
	fmt.Printf("machine: %s/%s, %d CPUs (%s), %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), runtime.Version())
	fmt.Printf("province: 1 Sở, %d communes, %s schools (%s); %d supervisors (Sở + one per commune), %s heads\n",
		provCommunes, thousands(sum.schools), sum.levels, sum.supervisors, thousands(sum.heads))
	fmt.Printf("tasks: %d (%d once, %d weekly, %d monthly; %d under %d directives), school year from %s, %d weeks; %s assignments\n",
		sum.tasks, sum.once, sum.weekly, sum.monthly, sum.inDirectives, sum.directives, provYearStart.Format(), provWeeks, thousands(sum.assignments))
	fmt.Printf("reports: %s (%s with difficulties or proposals), %s evidence files; DB %.1f MB; seeding %.1fs (not measured)\n",
		thousands(sum.reports), thousands(sum.issues), thousands(sum.evidence), float64(info.Size())/(1<<20), seeding.Seconds())
	fmt.Printf("export rows by status on %s: %s\n", now.Format("02/01/2006"), statusLine(r.Statuses))
	fmt.Printf("now %s %s; digests since %s\n\n", now.Format("Mon 02/01/2006 15:04"), provTZ, now.AddDate(0, 0, -7).Format("02/01/2006 15:04"))
	fmt.Printf("digests:     %d (for %d supervisions) in %.3fs wall, max %.3fs (%s); the Sở's (%s assignments) %.3fs; %s bytes of HTML  %s (< 2 s)\n",
		r.Digests, r.Supervisors, r.DigestsWall.Seconds(), r.DigestMax.Seconds(), r.DigestMaxUnit, thousands(r.DigestTopRows), r.DigestTop.Seconds(),
		thousands(r.DigestHTMLBytes), verdict(r.DigestsWall < 2*time.Second))
	fmt.Printf("  peak RSS:  VmHWM %.1f MB after opening, %.1f MB after the digests (VmRSS %.1f MB)  %s (< 200 MB)\n",
		mb(r.HWMOpen), mb(r.HWMDigests), mb(r.RSSDigests), verdict(r.HWMDigests < 200*1024))
	fmt.Printf("export XLSX: %s rows, %.1f MB in %.3fs (ExportRows %.3fs)  %s (< 5 s)\n",
		thousands(r.XLSXRows), float64(r.XLSXBytes)/(1<<20), r.XLSXWall.Seconds(), r.XLSXRowsWall.Seconds(), verdict(r.XLSXWall < 5*time.Second))
	fmt.Printf("export CSV:  %s rows, %.1f MB in %.3fs (ExportRows %.3fs)  %s (< 5 s)\n",
		thousands(r.CSVRows), float64(r.CSVBytes)/(1<<20), r.CSVWall.Seconds(), r.CSVRowsWall.Seconds(), verdict(r.CSVWall < 5*time.Second))
	// The 200 MB bound is the digests'; the exports' memory is shown for what it is.
	fmt.Printf("  peak RSS:  VmHWM %.1f MB after the XLSX export, %.1f MB after both\n", mb(r.HWMXLSX), mb(r.HWMExports))
	fmt.Printf("\nthe Sở's digest (%d silent schools, %d issues):\n%s\n", r.TopSilent, r.TopIssues, clipLines(r.TopHTML, 40))
}

// provNow is the moment measured: the Monday after the 40th week, 07:00.
func provNow(loc *time.Location) time.Time {
	d := provYearStart.AddDays(7 * provWeeks)
	return time.Date(d.Year, d.Month, d.Day, 7, 0, 0, 0, loc)
}

// --- the measured work: one small function per call, so that the calls are easy to adapt ---

func provDigest(ctx context.Context, st *storage.Store, u storage.Unit, since, at time.Time, loc *time.Location) (digest.Digest, error) {
	return digest.Compute(ctx, st, digest.Query{Unit: u, Since: since, At: at, Loc: loc})
}

func provExportRows(ctx context.Context, st *storage.Store, unitID int64, at time.Time, loc *time.Location) ([]storage.ExportRow, error) {
	return st.ExportRows(ctx, storage.ExportQuery{Under: []int64{unitID}, Today: storage.DateOf(at, loc), Loc: loc})
}

func provXLSX(w io.Writer, rows []storage.ExportRow, loc *time.Location) error {
	return export.XLSX(w, rows, export.VI, loc)
}

func provCSV(w io.Writer, rows []storage.ExportRow, loc *time.Location) error {
	return export.CSV(w, rows, export.VI, loc)
}

// runProvinceMeasure is the child: it opens the database, computes every supervisor's digest and
// exports the province, and writes what it measured to stdout as JSON.
func runProvinceMeasure(path string) {
	ctx := context.Background()
	loc, err := time.LoadLocation(provTZ)
	check(err)
	now := provNow(loc)
	since := now.AddDate(0, 0, -7)
	var r provResult

	st, err := storage.Open(ctx, storage.Options{DSN: path, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	check(err)
	defer st.Close()
	check(st.Migrate(ctx))
	r.HWMOpen, _ = memStatus()
	if profile != "" {
		out, err := os.Create(profile)
		check(err)
		check(pprof.StartCPUProfile(out))
		defer out.Close()
		defer pprof.StopCPUProfile()
	}

	// Every supervisor's digest of every unit they oversee, one after another, as the Monday job does.
	runtime.GC()
	start := time.Now()
	sups, err := st.Supervisions(ctx)
	check(err)
	r.Supervisors = len(sups)
	for _, sp := range sups {
		t0 := time.Now()
		u, err := st.UnitByID(ctx, sp.UnitID)
		check(err)
		d, err := provDigest(ctx, st, u, since, now, loc)
		check(err)
		html := d.HTML(digest.VI, loc)
		took := time.Since(t0)
		r.Digests++
		r.DigestHTMLBytes += len(html)
		if took > r.DigestMax {
			r.DigestMax, r.DigestMaxUnit = took, u.Code
		}
		if u.ParentID == nil {
			r.DigestTop, r.TopHTML, r.TopSilent, r.TopIssues = took, html, len(d.Silent), len(d.Issues)
			for _, b := range d.Directives {
				for _, t := range b.Tasks {
					r.DigestTopRows += t.Schools
				}
			}
		}
	}
	r.DigestsWall = time.Since(start)
	r.HWMDigests, r.RSSDigests = memStatus()

	so, err := st.UnitByCode(ctx, "SO")
	check(err)

	// The province as a workbook, then as CSV, each from a fresh ExportRows.
	r.XLSXRowsWall, r.XLSXWall, r.XLSXRows, r.XLSXBytes, r.Statuses = measureExport(ctx, st, filepath.Dir(path), so.ID, now, loc, provXLSX)
	r.HWMXLSX, _ = memStatus()
	r.CSVRowsWall, r.CSVWall, r.CSVRows, r.CSVBytes, _ = measureExport(ctx, st, filepath.Dir(path), so.ID, now, loc, provCSV)
	r.HWMExports, _ = memStatus()

	check(json.NewEncoder(os.Stdout).Encode(r))
}

// measureExport exports the unit's schools into a file in dir with write, after a GC, and returns
// the time ExportRows took, the time of the whole, the rows, the bytes and the rows per status.
func measureExport(ctx context.Context, st *storage.Store, dir string, unitID int64, now time.Time, loc *time.Location,
	write func(io.Writer, []storage.ExportRow, *time.Location) error) (rowsWall, wall time.Duration, n, size int, statuses map[storage.Status]int) {
	runtime.GC()
	start := time.Now()
	rows, err := provExportRows(ctx, st, unitID, now, loc)
	check(err)
	rowsWall = time.Since(start)
	// Into a file, as nhacviec export writes it.
	f, err := os.CreateTemp(dir, "export-*")
	check(err)
	defer os.Remove(f.Name())
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	check(write(bw, rows, loc))
	check(bw.Flush())
	wall = time.Since(start)
	info, err := f.Stat()
	check(err)
	statuses = map[storage.Status]int{}
	for _, row := range rows {
		statuses[row.Status]++
	}
	return rowsWall, wall, len(rows), int(info.Size()), statuses
}

// memStatus reads VmHWM and VmRSS of this process, in KB.
func memStatus() (hwm, rss int) {
	status, err := os.ReadFile("/proc/self/status")
	check(err)
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "VmHWM:" {
			hwm, _ = strconv.Atoi(f[1])
		}
		if len(f) >= 2 && f[0] == "VmRSS:" {
			rss, _ = strconv.Atoi(f[1])
		}
	}
	return hwm, rss
}

// cpuModel is the processor's name as /proc/cpuinfo gives it.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// --- seeding ---

// provSummary counts what was seeded.
type provSummary struct {
	schools, supervisors, heads            int
	levels                                 string
	tasks, once, weekly, monthly           int
	directives, inDirectives               int
	assignments, reports, issues, evidence int
	apiTime, bulkTime                      time.Duration
}

// seedProvince writes the province into a new SQLite file.
func seedProvince(ctx context.Context, path string, loc *time.Location) provSummary {
	var sum provSummary
	rng := rand.New(rand.NewPCG(provSeed1, provSeed2))
	t0 := time.Now()
	// The store's clock stands where each event of the year happened.
	clock := provYearStart.AddDays(-7).Time(loc).Add(8 * time.Hour)
	st, err := storage.Open(ctx, storage.Options{DSN: path, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return clock }})
	check(err)
	check(st.Migrate(ctx))

	// The tree.
	rows := []storage.UnitRow{{Line: 1, Code: "SO", Name: "Sở GD&ĐT Tỉnh Mẫu", Kind: storage.KindDepartment}}
	levels := map[storage.Level]int{}
	for c := range provCommunes {
		code, name := provCommune(c)
		rows = append(rows, storage.UnitRow{Line: len(rows) + 1, Code: code, Name: name, Kind: storage.KindCommune, Parent: "SO"})
		for s := range provSchoolsPer {
			scode, sname, level := provSchool(c, s)
			rows = append(rows, storage.UnitRow{Line: len(rows) + 1, Code: scode, Name: sname, Kind: storage.KindSchool, Parent: code, Level: level})
			levels[level]++
		}
	}
	_, err = st.ImportUnits(ctx, rows)
	check(err)
	units, err := st.Units(ctx)
	check(err)
	var schoolIDs []int64
	var offices []storage.Unit // the Sở first, then the communes
	for _, u := range units {
		switch u.Kind {
		case storage.KindSchool:
			schoolIDs = append(schoolIDs, u.ID)
		case storage.KindDepartment:
			offices = append([]storage.Unit{u}, offices...)
		default:
			offices = append(offices, u)
		}
	}
	sum.schools = len(schoolIDs)
	var parts []string
	for _, l := range storage.Levels {
		if levels[l] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", levels[l], export.VI.Levels[l]))
		}
	}
	sum.levels = strings.Join(parts, ", ")

	// The people, through invites, before any task: heads are subscribed as tasks are given.
	join := func(tgID int64, u storage.Unit, role storage.Role) {
		first, last := provPerson(rng)
		inv, err := st.CreateInvite(ctx, storage.NewInvite{UnitID: u.ID, Role: role, MaxUses: 1})
		check(err)
		_, err = st.RedeemInvite(ctx, inv.Code, storage.TelegramUser{ID: tgID, FirstName: first, LastName: last})
		check(err)
		clock = clock.Add(time.Second)
	}
	for i, u := range offices {
		join(5_000_000_000+int64(i), u, storage.RoleSupervisor)
		sum.supervisors++
	}
	for _, u := range units {
		if u.Kind == storage.KindSchool {
			join(6_000_000_000+u.ID, u, storage.RoleHead)
			sum.heads++
		}
	}

	// The tasks, in the order they were given.
	tasks := provTasks(rng)
	sum.tasks = len(tasks)
	for _, t := range tasks {
		switch t.cadence {
		case storage.CadenceWeekly:
			sum.weekly++
		case storage.CadenceMonthly:
			sum.monthly++
		default:
			sum.once++
		}
		if t.directive != 0 {
			sum.inDirectives++
		}
	}
	sum.directives = len(provDirectives)
	for w := range provWeeks {
		monday := provYearStart.AddDays(7 * w).Time(loc).Add(8 * time.Hour)
		clock = monday
		for di, d := range provDirectives {
			if d.week != w {
				continue
			}
			var in []*provTask
			p := storage.Publication{Directive: d.directive, SchoolIDs: schoolIDs}
			for _, t := range tasks {
				if t.directive == di+1 {
					in = append(in, t)
					p.Tasks = append(p.Tasks, storage.NewTask{Title: t.title, Body: provBody(t), Due: provFriday(t.due),
						Citation: fmt.Sprintf("%s.%d", d.part, len(in)), Cadence: t.cadence, Notify: true})
				}
			}
			pub, err := st.PublishDirective(ctx, p)
			check(err)
			for i, t := range pub.Tasks {
				in[i].id = t.ID
			}
			clock = clock.Add(5 * time.Minute)
		}
		for _, t := range tasks {
			if t.directive != 0 || t.start != w {
				continue
			}
			task, _, err := st.CreateTask(ctx, storage.NewTask{Title: t.title, Body: provBody(t), Due: provFriday(t.due), Cadence: t.cadence, Notify: true}, schoolIDs)
			check(err)
			t.id = task.ID
			clock = clock.Add(5 * time.Minute)
		}
	}
	check(st.Close())
	sum.apiTime = time.Since(t0)

	// A school year of reports, in bulk.
	t1 := time.Now()
	seedReports(ctx, path, loc, rng, tasks, &sum)
	sum.bulkTime = time.Since(t1)
	return sum
}

// provDirective is a directive of the seed and the week it was published.
type provDirective struct {
	week      int
	part      string // the citation's first part
	from, to  int    // the deadline weeks of the one-off tasks it gives
	directive storage.Directive
}

var provDirectives = []provDirective{
	{week: 0, part: "II", from: 1, to: 11, directive: storage.Directive{Kind: "Kế hoạch", Number: "1250/KH-SGDĐT",
		IssuedOn: storage.Date{Year: 2025, Month: 9, Day: 5}, Issuer: "Sở Giáo dục và Đào tạo",
		Title: "Kế hoạch thực hiện nhiệm vụ năm học 2025-2026", SchoolYear: "2025-2026"}},
	{week: 12, part: "I", from: 13, to: 25, directive: storage.Directive{Kind: "Chỉ thị", Number: "15/CT-UBND",
		IssuedOn: storage.Date{Year: 2025, Month: 11, Day: 28}, Issuer: "UBND tỉnh",
		Title: "Về tăng cường công tác phòng, chống dịch bệnh trong trường học", SchoolYear: "2025-2026"}},
	{week: 26, part: "III", from: 27, to: 39, directive: storage.Directive{Kind: "Công văn", Number: "842/SGDĐT-GDTrH",
		IssuedOn: storage.Date{Year: 2026, Month: 3, Day: 6}, Issuer: "Sở Giáo dục và Đào tạo",
		Title: "Về tổ chức ôn tập, kiểm tra, đánh giá cuối năm học", SchoolYear: "2025-2026"}},
}

// provTasks plans the 60 tasks: 56 once, due on Fridays spread over the year, a third of them
// under the directive of their term; 3 weekly and 1 monthly for the whole year.
func provTasks(rng *rand.Rand) []*provTask {
	var out []*provTask
	for i := range provOnceTasks {
		title := provTitles[i*len(provTitles)/provOnceTasks]
		if i*len(provTitles)%provOnceTasks >= provOnceTasks/2 {
			title += " (đợt 2)"
		}
		t := &provTask{title: title, cadence: storage.CadenceOnce, due: 1 + i*(provWeeks-2)/(provOnceTasks-1)}
		t.start = max(0, t.due-2-rng.IntN(4))
		if i%3 == 0 {
			for di, d := range provDirectives {
				if t.due >= d.from && t.due <= d.to {
					t.directive, t.start = di+1, d.week
				}
			}
		}
		out = append(out, t)
	}
	last := provWeeks - 1
	out = append(out,
		&provTask{title: "Báo cáo tình hình dạy và học hằng tuần", cadence: storage.CadenceWeekly, due: last, directive: 1},
		&provTask{title: "Báo cáo tiến độ chuyển đổi số, cập nhật cơ sở dữ liệu ngành", cadence: storage.CadenceMonthly, due: last, directive: 1},
		&provTask{title: "Báo cáo công tác bán trú, an toàn thực phẩm", cadence: storage.CadenceWeekly, due: last},
		&provTask{title: "Báo cáo số liệu chuyên cần, học sinh nghỉ học", cadence: storage.CadenceWeekly, due: last},
	)
	return out
}

// provFriday is the Friday of a week of the school year (0 is the first).
func provFriday(week int) storage.Date { return provYearStart.AddDays(7*week + 4) }

func provBody(t *provTask) string {
	if t.cadence != storage.CadenceOnce {
		return "Các trường báo cáo đúng kỳ hạn, số liệu tính đến ngày báo cáo; nội dung theo biểu mẫu đính kèm."
	}
	return "Các đơn vị triển khai thực hiện, báo cáo kết quả kèm minh chứng (biên bản, hình ảnh) trước thời hạn quy định."
}

var provTitles = []string{
	"Rà soát, cập nhật cơ sở dữ liệu ngành đầu năm học",
	"Xây dựng kế hoạch giáo dục nhà trường năm học 2025-2026",
	"Báo cáo số liệu thống kê đầu năm học",
	"Kiểm tra, rà soát thiết bị dạy học tối thiểu",
	"Tổ chức Hội nghị viên chức, người lao động",
	"Khám sức khỏe định kỳ cho học sinh",
	"Xây dựng kế hoạch phòng, chống thiên tai, bão lũ",
	"Tập huấn chuyển đổi số cho giáo viên",
	"Tổ chức Hội thi giáo viên dạy giỏi cấp trường",
	"Rà soát học sinh có nguy cơ bỏ học",
	"Chào mừng ngày Nhà giáo Việt Nam 20/11",
	"Kiểm tra nội bộ trường học học kỳ I",
	"Tổ chức kiểm tra, đánh giá cuối học kỳ I",
	"Báo cáo sơ kết học kỳ I",
	"Bảo đảm an toàn giao thông cho học sinh dịp Tết",
	"Cập nhật hồ sơ phổ cập giáo dục, xóa mù chữ",
	"Tổ chức Tết trồng cây, vệ sinh môi trường trường học",
	"Đăng ký nhu cầu sách giáo khoa năm học 2026-2027",
	"Tự đánh giá chất lượng giáo dục, kiểm định chất lượng",
	"Báo cáo công khai thu, chi tài chính",
	"Tổ chức Ngày hội đọc sách",
	"Triển khai học bạ số",
	"Phòng, chống bạo lực học đường",
	"Tổ chức kiểm tra, đánh giá cuối năm học",
	"Xét hoàn thành chương trình, công nhận tốt nghiệp",
	"Tổng kết phong trào thi đua năm học",
	"Báo cáo tổng kết năm học 2025-2026",
	"Xây dựng kế hoạch hoạt động hè cho học sinh",
}

var (
	provPlaces1 = []string{"An", "Bình", "Phú", "Tân", "Hòa", "Long", "Thạnh", "Mỹ", "Vĩnh", "Đông"}
	provPlaces2 = []string{"Phú", "Thành", "Hưng", "Lợi", "Lộc", "Tây", "Bắc", "Nam", "Xuân", "Hiệp"}
)

// provCommune is the c-th commune: a code and a name (a fifth of them wards).
func provCommune(c int) (code, name string) {
	kind := "xã"
	if c%5 == 0 {
		kind = "phường"
	}
	return fmt.Sprintf("X%03d", c+1), fmt.Sprintf("UBND %s %s %s", kind, provPlaces1[c/10%10], provPlaces2[c%10])
}

// provSchool is the s-th school of commune c: 4 preschools, 4 primary, 3 lower secondary and one
// upper secondary, multi-level or continuing-education school.
func provSchool(c, s int) (code, name string, level storage.Level) {
	place := provPlaces1[c/10%10] + " " + provPlaces2[c%10]
	type kind struct {
		abbr, name string
		level      storage.Level
		n          int
	}
	var k kind
	switch {
	case s < 4:
		k = kind{"MN", "Trường Mầm non", storage.LevelPreschool, s + 1}
	case s < 8:
		k = kind{"TH", "Trường Tiểu học", storage.LevelPrimary, s - 3}
	case s < 11:
		k = kind{"THCS", "Trường THCS", storage.LevelLowerSec, s - 7}
	default:
		k = []kind{{"THPT", "Trường THPT", storage.LevelUpperSec, 1}, {"LC", "Trường TH&THCS", storage.LevelMulti, 1},
			{"GDTX", "Trung tâm GDNN-GDTX", storage.LevelContinuing, 1}}[c%3]
	}
	code = fmt.Sprintf("X%03d-%s%d", c+1, k.abbr, k.n)
	name = fmt.Sprintf("%s %s số %d", k.name, place, k.n)
	if s >= 11 {
		name = k.name + " " + place
	}
	return code, name, k.level
}

var (
	provFamily = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	provMiddle = []string{"Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Thu", "Quốc"}
	provGiven  = []string{"An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"}
)

// provPerson is a Vietnamese name as Telegram would hold it: given name first.
func provPerson(rng *rand.Rand) (first, last string) {
	return provGiven[rng.IntN(len(provGiven))], provFamily[rng.IntN(len(provFamily))] + " " + provMiddle[rng.IntN(len(provMiddle))]
}

var (
	provDifficulties = []string{
		"Thiếu giáo viên Tin học, chưa bố trí được người phụ trách.",
		"Kinh phí chưa được cấp nên nhà trường chưa mua sắm được thiết bị.",
		"Đường truyền Internet yếu, việc nhập liệu lên hệ thống bị gián đoạn.",
		"Mưa lớn kéo dài, hai điểm trường bị ngập, học sinh phải nghỉ học.",
		"Phòng học xuống cấp, chưa đủ phòng học bộ môn.",
		"Nhiều phụ huynh đi làm ăn xa, khó phối hợp vận động học sinh ra lớp.",
		"Phần mềm quản lý trường học thường xuyên lỗi khi đồng bộ dữ liệu.",
		"Giáo viên kiêm nhiệm nhiều việc, chưa sắp xếp được thời gian tập huấn.",
	}
	provProposals = []string{
		"Đề nghị Sở bổ sung biên chế giáo viên Tin học cho nhà trường.",
		"Đề nghị UBND xã hỗ trợ kinh phí sửa chữa nhà vệ sinh học sinh.",
		"Đề nghị cho gia hạn thời gian nộp báo cáo thêm một tuần.",
		"Đề nghị tổ chức tập huấn trực tiếp thay vì trực tuyến.",
		"Đề nghị cấp thêm máy tính cho phòng Tin học.",
		"Đề nghị phòng chuyên môn hướng dẫn cụ thể biểu mẫu báo cáo.",
	}
)

// provResultText is what a report says it did.
func provResultText(rng *rand.Rand, progress int) string {
	switch rng.IntN(7) {
	case 0:
		return fmt.Sprintf("Đã triển khai đến %d giáo viên, nhân viên", 10+rng.IntN(60))
	case 1:
		return "Đã họp Hội đồng sư phạm, phân công nhiệm vụ cụ thể cho các tổ chuyên môn"
	case 2:
		return fmt.Sprintf("Đã hoàn thành %d/%d lớp", max(1, progress*20/100), 20)
	case 3:
		return "Đã cập nhật dữ liệu lên hệ thống, đang rà soát lại"
	case 4:
		return "Đang tổng hợp số liệu từ các tổ chuyên môn"
	case 5:
		return fmt.Sprintf("Đã tổ chức cho %d học sinh tham gia", 50+rng.IntN(600))
	}
	return ""
}

const provTokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func provToken(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = provTokenChars[rng.IntN(len(provTokenChars))]
	}
	return string(b)
}

// seedReports writes the reports of 40 weeks and their evidence with database/sql, week by week,
// and then each assignment's progress, latest report and completion as CreateReport leaves them.
func seedReports(ctx context.Context, path string, loc *time.Location, rng *rand.Rand, tasks []*provTask, sum *provSummary) {
	db, err := sql.Open("sqlite3", path+"?_foreign_keys=1&_journal_mode=WAL&_busy_timeout=10000&_synchronous=NORMAL&_cache_size=-262144")
	check(err)
	defer db.Close()
	db.SetMaxOpenConns(1)

	type head struct{ member, chat int64 }
	heads := map[int64]head{}
	rows, err := db.QueryContext(ctx, `SELECT ms.unit_id, ms.member_id, m.telegram_id FROM memberships ms JOIN members m ON m.id = ms.member_id WHERE ms.role = ?`, string(storage.RoleHead))
	check(err)
	for rows.Next() {
		var unit int64
		var h head
		check(rows.Scan(&unit, &h.member, &h.chat))
		heads[unit] = h
	}
	check(rows.Err())
	rows.Close()
	byID := map[int64]*provTask{}
	for _, t := range tasks {
		byID[t.id] = t
	}
	var as []provAssignment
	rows, err = db.QueryContext(ctx, `SELECT id, task_id, unit_id FROM assignments ORDER BY id`)
	check(err)
	for rows.Next() {
		var id, task, unit int64
		check(rows.Scan(&id, &task, &unit))
		t := byID[task]
		a := provAssignment{id: id, member: heads[unit].member, chat: heads[unit].chat, task: t, start: t.start, target: -1}
		if t.cadence == storage.CadenceOnce {
			// Most finish in the last weeks before the deadline, some late, some never.
			switch x := rng.Float64(); {
			case x < 0.72:
				a.target = t.due - rng.IntN(min(3, t.due-t.start)+1)
			case x < 0.90:
				if a.target = t.due + 1 + rng.IntN(5); a.target >= provWeeks {
					a.target, a.cap = -1, 50+5*rng.IntN(9)
				}
			default:
				a.cap = 10 + 5*rng.IntN(17)
			}
		}
		as = append(as, a)
	}
	check(rows.Err())
	rows.Close()
	sum.assignments = len(as)

	messageIDs := map[int64]int64{}
	var nextID, mediaGroup int64 = 1, 14_000_000_000_000_000
	for w := range provWeeks {
		monday := provYearStart.AddDays(7 * w)
		var week []provReport
		for i := range as {
			a := &as[i]
			once := a.task.cadence == storage.CadenceOnce
			if w < a.start || w > a.task.due && !once || once && !a.completedAt.IsZero() {
				continue
			}
			var p int
			lo, hi := 0, 5 // Monday to Saturday
			switch {
			case !once:
				if rng.Float64() < provRecurringSkip {
					continue
				}
				p = min(100, (w+1)*100/provWeeks)
				lo, hi = 2, 4 // due on Friday
			case w == a.target:
				p = 100
				if a.target == a.task.due {
					hi = 4
				}
			default:
				if rng.Float64() >= provReportChance {
					continue
				}
				goal, rem := a.cap, 3
				if a.target >= 0 {
					goal, rem = 95, a.target-w+1
				}
				step := float64(goal-a.progress) * (0.5 + rng.Float64()) / float64(rem)
				p = min(goal, 95, a.progress+5*int(step/5+0.5))
				p = max(p, a.progress)
			}
			if w == a.start {
				lo = max(lo, 1) // the task came on Monday morning
			}
			day := lo + rng.IntN(hi-lo+1)
			d := monday.AddDays(day)
			at := time.Date(d.Year, d.Month, d.Day, 7+rng.IntN(14), rng.IntN(60), rng.IntN(60), 0, loc).UTC()
			r := provReport{a: a, progress: p, at: at, result: provResultText(rng, p)}
			if rng.Float64() < provIssueChance {
				switch rng.IntN(4) {
				case 0, 1:
					r.diff = provDifficulties[rng.IntN(len(provDifficulties))]
				case 2:
					r.proposals = provProposals[rng.IntN(len(provProposals))]
				default:
					r.diff = provDifficulties[rng.IntN(len(provDifficulties))]
					r.proposals = provProposals[rng.IntN(len(provProposals))]
				}
				sum.issues++
			}
			switch x := rng.Float64(); {
			case x < 0.6:
				r.source = storage.SourceLine
			case x < 0.9:
				r.source = storage.SourceFlow
			default:
				r.source = storage.SourceReply
			}
			if rng.Float64() < provEvidenceChance {
				r.photos = 1 + rng.IntN(3)
			}
			r.document = once && p == 100 && rng.IntN(2) == 0
			if r.photos > 1 {
				mediaGroup++
				r.mediaGroup = strconv.FormatInt(mediaGroup, 10)
			}
			week = append(week, r)
		}
		sort.SliceStable(week, func(i, j int) bool { return week[i].at.Before(week[j].at) })
		for i := range week {
			r := &week[i]
			r.id = nextID
			nextID++
			messageIDs[r.a.member]++
			r.messageID = messageIDs[r.a.member]
			a := r.a
			a.progress, a.lastID, a.lastAt = r.progress, r.id, r.at
			// As CreateReport: a run of 100 % reports keeps the moment it began.
			if r.progress >= 100 && a.completedAt.IsZero() {
				a.completedAt = r.at
			} else if r.progress < 100 {
				a.completedAt = time.Time{}
			}
		}
		insertReports(ctx, db, rng, week, sum)
	}

	// Each assignment as its last report left it.
	tx, err := db.BeginTx(ctx, nil)
	check(err)
	stmt, err := tx.PrepareContext(ctx, `UPDATE assignments SET progress = ?, last_report_id = ?, last_report_at = ?, completed_at = ? WHERE id = ?`)
	check(err)
	for _, a := range as {
		if a.lastID == 0 {
			continue
		}
		var completed any
		if !a.completedAt.IsZero() {
			completed = a.completedAt
		}
		_, err := stmt.ExecContext(ctx, a.progress, a.lastID, a.lastAt, completed, a.id)
		check(err)
	}
	check(stmt.Close())
	check(tx.Commit())
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	check(err)
}

// insertReports writes a week's reports and their evidence in one transaction, many rows a statement.
func insertReports(ctx context.Context, db *sql.DB, rng *rand.Rand, week []provReport, sum *provSummary) {
	const per = 200
	tx, err := db.BeginTx(ctx, nil)
	check(err)
	defer tx.Rollback()
	multi := func(head string, cols, n int) string {
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
		return head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	}
	const reportCols, evidenceCols = 12, 11
	reportHead := `INSERT INTO reports (id, assignment_id, member_id, progress, result, difficulties, proposals, source, chat_id, message_id, media_group_id, created_at) VALUES `
	evidenceHead := `INSERT INTO evidences (report_id, kind, file_id, file_unique_id, file_name, mime_type, file_size, width, height, caption, created_at) VALUES `
	var evidence []any
	flushEvidence := func(all bool) {
		for len(evidence) >= per*evidenceCols || all && len(evidence) > 0 {
			n := min(per, len(evidence)/evidenceCols)
			_, err := tx.ExecContext(ctx, multi(evidenceHead, evidenceCols, n), evidence[:n*evidenceCols]...)
			check(err)
			evidence = evidence[n*evidenceCols:]
			sum.evidence += n
		}
	}
	for len(week) > 0 {
		n := min(per, len(week))
		args := make([]any, 0, n*reportCols)
		for _, r := range week[:n] {
			args = append(args, r.id, r.a.id, r.a.member, r.progress, r.result, r.diff, r.proposals, r.source,
				r.a.chat, r.messageID, r.mediaGroup, r.at)
			for i := range r.photos {
				caption := ""
				if i == 0 {
					caption = r.result
				}
				w, h := 1280, 960
				if rng.IntN(3) == 0 {
					w, h = h, w
				}
				evidence = append(evidence, r.id, storage.EvidencePhoto, "AgACAgUAAxkBAAI"+provToken(rng, 56), "AQAD"+provToken(rng, 12),
					"", "", int64(60_000+rng.IntN(340_000)), w, h, caption, r.at)
			}
			if r.document {
				evidence = append(evidence, r.id, storage.EvidenceDocument, "BQACAgUAAxkBAAI"+provToken(rng, 56), "AgAD"+provToken(rng, 12),
					fmt.Sprintf("Bao_cao_NV_%d.pdf", r.a.task.id), "application/pdf", int64(90_000+rng.IntN(1_900_000)), 0, 0, "", r.at)
			}
		}
		_, err := tx.ExecContext(ctx, multi(reportHead, reportCols, n), args...)
		check(err)
		sum.reports += n
		week = week[n:]
		flushEvidence(false)
	}
	flushEvidence(true)
	check(tx.Commit())
}

// --- printing ---

// thousands writes n with a comma between thousands.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func statusLine(c map[storage.Status]int) string {
	return fmt.Sprintf("%s done on time, %s done late, %s in progress, %s overdue",
		thousands(c[storage.StatusDoneOnTime]), thousands(c[storage.StatusDoneLate]),
		thousands(c[storage.StatusInProgress]), thousands(c[storage.StatusOverdue]))
}

// clipLines keeps the first n lines of s.
func clipLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… (%d more lines)", len(lines)-n)
}
