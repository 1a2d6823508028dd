package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"nhacviec/bot"
	"nhacviec/bot/telegramtest"
	"nhacviec/scheduler"
	"nhacviec/storage"
)

// benchSend measures the outbox sender against a fake Bot API server that enforces a rate limit
// the way Telegram does, answering 429 with retry_after when it is exceeded: n heads are each
// sent the notice of a new task, with the sender set to the server's limit. It returns the
// achieved rate and the number of 429 answers.
func benchSend(ctx context.Context, dir string, n int, limit float64) (float64, int64, time.Duration) {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	var tooMany atomic.Int64
	// Telegram tolerates a short burst; a twentieth of a second's worth here.
	lim := rate.NewLimiter(rate.Limit(limit), max(1, int(limit/20)))
	handler := srv.Handler()
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/sendMessage") && !lim.Allow() {
			tooMany.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
			return
		}
		handler.ServeHTTP(w, r)
	}))
	defer limited.Close()

	st, err := storage.Open(ctx, storage.Options{DSN: filepath.Join(dir, "send.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	check(err)
	defer st.Close()
	check(st.Migrate(ctx))
	schools := make([]storage.UnitRow, 0, n+1)
	schools = append(schools, storage.UnitRow{Line: 2, Code: "SO", Name: "Sở GD&ĐT", Kind: storage.KindDepartment})
	for i := range n {
		schools = append(schools, storage.UnitRow{Line: i + 3, Code: fmt.Sprintf("TH%05d", i), Name: fmt.Sprintf("Trường %d", i),
			Kind: storage.KindSchool, Parent: "SO", Level: storage.LevelPrimary})
	}
	_, err = st.ImportUnits(ctx, schools)
	check(err)
	var ids []int64
	for i := range n {
		u, err := st.UnitByCode(ctx, fmt.Sprintf("TH%05d", i))
		check(err)
		ids = append(ids, u.ID)
		user := srv.NewUser("Hiệu trưởng", fmt.Sprint(i))
		inv, err := st.CreateInvite(ctx, storage.NewInvite{UnitID: u.ID, Role: storage.RoleHead, MaxUses: 1})
		check(err)
		_, err = st.RedeemInvite(ctx, inv.Code, storage.TelegramUser{ID: user.ID, FirstName: user.FirstName})
		check(err)
	}
	due, _ := storage.ParseDate(time.Now().AddDate(0, 1, 0).Format("2006-01-02"))
	_, _, err = st.CreateTask(ctx, storage.NewTask{Title: "Rà soát thiết bị dạy học", Due: due, Notify: true}, ids)
	check(err)

	b, err := bot.New(ctx, bot.Options{Token: srv.Token(), APIURL: limited.URL, Store: st,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: time.UTC})
	check(err)
	defer b.Close(time.Second)
	sch := scheduler.New(scheduler.Options{Store: st, Deliverer: b, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Rates: scheduler.Rates{PerSecond: limit, PrivateGap: time.Second, GroupGap: 3 * time.Second}})
	start := time.Now()
	check(sch.DrainOutbox(ctx))
	wall := time.Since(start)
	var first, last time.Time
	sent := 0
	for _, c := range srv.CallsTo("sendMessage") {
		if c.ErrorCode != 0 {
			continue
		}
		sent++
		if first.IsZero() || c.At.Before(first) {
			first = c.At
		}
		if c.At.After(last) {
			last = c.At
		}
	}
	if sent != n {
		check(fmt.Errorf("sent %d of %d", sent, n))
	}
	// n messages over the time from the first to the last: n-1 intervals.
	return float64(sent-1) / last.Sub(first).Seconds(), tooMany.Load(), wall
}
