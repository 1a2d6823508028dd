// Command bench measures nhacviec end to end, for BENCHMARKS.md:
//
//   - reports handled per second: 1,000 one-line reports from 200 heads, through the fake Bot API
//     server, with a SQLite file database, and the CPU time they cost;
//   - in the same run, a bare go-telegram/bot echo bot on the same fake server, for comparison;
//   - the resident memory of an idle "nhacviec serve";
//   - with -province, a province of 1,200 schools and a school year of reports: every
//     supervisor's digest and the province's export, with their peak memory (province.go).
//
// Run it with: go run ./bench   (see BENCHMARKS.md for the figures).
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/bot"
	"nhacviec/storage"
)

func main() {
	reports := flag.Int("reports", 1000, "one-line reports to send")
	heads := flag.Int("heads", 200, "school heads sending them")
	workers := flag.Int("workers", 8, "the bot's handler pool")
	idle := flag.Duration("idle", 10*time.Second, "how long serve idles before its memory is read")
	skipRSS := flag.Bool("skip-rss", false, "do not build and run serve for the idle memory")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the nhacviec run to this file")
	fakeMode := flag.Bool("fake", false, "internal: run the fake Bot API server for the parent")
	send := flag.Int("send", 0, "only measure the outbox sender: this many messages against a rate-limited fake server")
	limit := flag.Float64("limit", 1000, "with -send: the fake server's limit, messages per second")
	province := flag.Bool("province", false, "only measure a province of 1,200 schools: every supervisor's digest and the export")
	provinceMeasure := flag.String("province-measure", "", "measure the digests and exports of this province database (as -province does after seeding; prints JSON)")
	keep := flag.Bool("keep", false, "keep the working directory (the province database, for -province-measure) and print its path")
	flag.Parse()
	profile = *cpuProfile
	if *fakeMode {
		runFake()
		return
	}
	if *provinceMeasure != "" {
		runProvinceMeasure(*provinceMeasure)
		return
	}

	ctx := context.Background()
	dir, err := os.MkdirTemp("", "nhacviec-bench")
	check(err)
	if *keep {
		defer fmt.Printf("kept %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if *province {
		benchProvince(ctx, dir)
		return
	}
	if *send > 0 {
		fmt.Printf("machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
		r, n429, wall := benchSend(ctx, dir, *send, *limit)
		fmt.Printf("outbox sender: %d messages to %d people, server limit %.0f/s (burst %.0f), sender set to the limit\n", *send, *send, *limit, max(1, *limit/20))
		fmt.Printf("  achieved %.1f messages/s = %.1f%% of the limit; 429 answers: %d; drain took %v\n", r, 100*r / *limit, n429, wall.Round(time.Millisecond))
		return
	}

	fmt.Printf("machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Printf("workload: %d one-line reports from %d heads, SQLite file database, %d workers;\n", *reports, *heads, *workers)
	fmt.Printf("the fake Bot API server runs in a child process: CPU time is the bot's alone\n\n")

	n, wall, cpu := benchReports(ctx, dir, *reports, *heads, *workers)
	fmt.Printf("nhacviec:  %5d updates in %7.3fs = %7.1f updates/s, CPU %6.3fs = %7.1f µs/update\n",
		n, wall.Seconds(), float64(n)/wall.Seconds(), cpu.Seconds(), float64(cpu.Microseconds())/float64(n))

	en, ewall, ecpu := benchEcho(*reports, *heads)
	fmt.Printf("echo bot:  %5d updates in %7.3fs = %7.1f updates/s, CPU %6.3fs = %7.1f µs/update\n",
		en, ewall.Seconds(), float64(en)/ewall.Seconds(), ecpu.Seconds(), float64(ecpu.Microseconds())/float64(en))
	fmt.Printf("CPU per update, nhacviec ÷ echo bot: %.2f×\n", (float64(cpu)/float64(n))/(float64(ecpu)/float64(en)))

	if !*skipRSS {
		rss, hwm := idleRSS(ctx, dir, *idle)
		fmt.Printf("\nidle serve after %s: VmRSS %.1f MB, VmHWM %.1f MB\n", *idle, float64(rss)/1024, float64(hwm)/1024)
	}
}

var profile string

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	check(syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportTexts are the one-line reports, a few per head, spread over five tasks.
func reportTexts(users []int64, n int) []message {
	msgs := make([]message, n)
	for i := range msgs {
		msgs[i] = message{From: users[i%len(users)], Text: fmt.Sprintf("/baocao %d %d%% Đã tập huấn xong cho %d giáo viên", i/len(users)%5+1, (i*7)%101, 10+i%50)}
	}
	return msgs
}

// benchReports sets up a province of heads with five tasks each, queues the reports on the fake
// server, starts the bot and measures until every report is confirmed.
func benchReports(ctx context.Context, dir string, reports, heads, workers int) (int, time.Duration, time.Duration) {
	f := startFake()
	defer f.stop()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := storage.Open(ctx, storage.Options{DSN: filepath.Join(dir, "bench.db"), Logger: quiet})
	check(err)
	defer st.Close()
	check(st.Migrate(ctx))

	rows := []storage.UnitRow{{Line: 1, Code: "SO", Name: "Sở GD&ĐT", Kind: storage.KindDepartment}}
	for i := 0; i < heads; i++ {
		rows = append(rows, storage.UnitRow{Line: i + 2, Code: fmt.Sprintf("S%04d", i), Name: fmt.Sprintf("Trường số %d", i), Kind: storage.KindSchool, Parent: "SO", Level: storage.LevelPrimary})
	}
	_, err = st.ImportUnits(ctx, rows)
	check(err)
	so, err := st.UnitByCode(ctx, "SO")
	check(err)
	schools, err := st.SchoolsUnder(ctx, []int64{so.ID}, nil)
	check(err)
	var ids []int64
	for _, s := range schools {
		ids = append(ids, s.ID)
	}
	for i := 1; i <= 5; i++ {
		_, _, err := st.CreateTask(ctx, storage.NewTask{Title: fmt.Sprintf("Nhiệm vụ %d", i), Due: storage.Date{Year: 2030, Month: 1, Day: i}}, ids)
		check(err)
	}
	users := f.users(len(schools))
	for i, s := range schools {
		inv, err := st.CreateInvite(ctx, storage.NewInvite{UnitID: s.ID, Role: storage.RoleHead, MaxUses: 1})
		check(err)
		_, err = st.RedeemInvite(ctx, inv.Code, storage.TelegramUser{ID: users[i], FirstName: "Hiệu trưởng", LastName: strconv.Itoa(i)})
		check(err)
	}
	f.queue(reportTexts(users, reports))
	b, err := bot.New(ctx, bot.Options{Token: f.token, APIURL: f.api, Store: st, Logger: quiet, Workers: workers, PollTimeout: time.Second})
	check(err)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	if profile != "" {
		out, err := os.Create(profile)
		check(err)
		check(pprof.StartCPUProfile(out))
		defer out.Close()
	}
	startCPU, start := cpuTime(), time.Now()
	go func() { done <- b.Run(runCtx, 10*time.Second) }()
	f.wait("sendMessage", reports) // one confirmation per report
	wall, cpu := time.Since(start), cpuTime()-startCPU
	if profile != "" {
		pprof.StopCPUProfile()
	}
	cancel()
	check(<-done)
	_, stored, err := st.Reports(ctx, storage.ReportFilter{All: true, Limit: 1})
	check(err)
	if stored != reports {
		check(fmt.Errorf("%d reports stored, want %d", stored, reports))
	}
	return reports, wall, cpu
}

// benchEcho runs go-telegram/bot as it comes, echoing every text, on the same fake server.
func benchEcho(messages, users int) (int, time.Duration, time.Duration) {
	f := startFake()
	defer f.stop()
	f.queue(reportTexts(f.users(users), messages))
	b, err := tg.New(f.token, tg.WithServerURL(f.api), tg.WithErrorsHandler(func(error) {}),
		tg.WithDefaultHandler(func(ctx context.Context, b *tg.Bot, u *models.Update) {
			if u.Message != nil {
				_, _ = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: u.Message.Chat.ID, Text: u.Message.Text})
			}
		}))
	check(err)
	runCtx, cancel := context.WithCancel(context.Background())
	startCPU, start := cpuTime(), time.Now()
	go b.Start(runCtx)
	f.wait("sendMessage", messages)
	wall, cpu := time.Since(start), cpuTime()-startCPU
	cancel()
	return messages, wall, cpu
}

// idleRSS builds nhacviec, runs serve against a fake server, lets it idle, and reads its memory.
func idleRSS(ctx context.Context, dir string, idle time.Duration) (rss, hwm int) {
	bin := filepath.Join(dir, "nhacviec")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	check(build.Run())
	f := startFake()
	defer f.stop()
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = append(os.Environ(),
		"NHACVIEC_DB="+filepath.Join(dir, "idle.db"),
		"NHACVIEC_TELEGRAM_TOKEN="+f.token,
		"NHACVIEC_TELEGRAM_API_URL="+f.api,
		"NHACVIEC_POLL_TIMEOUT=50s",
	)
	stderr, err := cmd.StderrPipe()
	check(err)
	check(cmd.Start())
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.Contains(sc.Text(), "polling for updates") {
				close(ready)
				signalled = true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(time.Minute):
		check(fmt.Errorf("serve did not start"))
	}
	time.Sleep(idle) // a benchmark program, not a test: it measures a process at rest
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	check(err)
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "VmRSS:" {
			rss, _ = strconv.Atoi(f[1])
		}
		if len(f) >= 2 && f[0] == "VmHWM:" {
			hwm, _ = strconv.Atoi(f[1])
		}
	}
	check(cmd.Process.Signal(syscall.SIGTERM))
	_ = cmd.Wait()
	return rss, hwm
}
