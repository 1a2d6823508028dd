package observe_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nhacviec/observe"
)

type fakeProbe struct {
	down    bool
	backlog int64
	last    time.Time
}

func (p *fakeProbe) Ping(context.Context) error {
	if p.down {
		return errors.New("database is locked")
	}
	return nil
}
func (p *fakeProbe) Backlog(context.Context) (int64, error) { return p.backlog, nil }
func (p *fakeProbe) LastPoll() time.Time                    { return p.last }

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Body)
	return rec.Code, string(body)
}

// /healthz says ok while the database answers and Telegram was heard from lately, and 503 with
// the reason otherwise; the backlog is reported.
func TestHealth(t *testing.T) {
	now := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	p := &fakeProbe{backlog: 12, last: now.Add(-20 * time.Second)}
	h := observe.Handler(observe.New(), p, time.Minute, func() time.Time { return now })
	code, body := get(t, h, "/healthz")
	var got observe.Health
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 || got.Status != "ok" || got.OutboxBacklog != 12 || got.LastPollAgo != 20 {
		t.Fatalf("healthy: %d %s", code, body)
	}
	p.last = now.Add(-2 * time.Minute)
	if code, body := get(t, h, "/healthz"); code != 503 || !strings.Contains(body, "Telegram") {
		t.Fatalf("stale poll: %d %s", code, body)
	}
	p.last, p.down = now, true
	if code, body := get(t, h, "/healthz"); code != 503 || !strings.Contains(body, `"database":"unreachable"`) {
		t.Fatalf("database down: %d %s", code, body)
	}
	p.down, p.last = false, time.Time{}
	if code, _ := get(t, h, "/healthz"); code != 503 {
		t.Fatal("healthy before the first poll")
	}
}

// /metrics shows what was recorded, in Prometheus's format; a nil Metrics records nothing.
func TestMetrics(t *testing.T) {
	m := observe.New()
	m.Handled(30*time.Millisecond, true)
	m.Handled(2*time.Second, false)
	m.Sent(3)
	m.Failed()
	m.RemindersDue(7)
	var none *observe.Metrics
	none.Handled(time.Second, true)
	none.Sent(1)
	none.Failed()
	none.RemindersDue(1)
	code, body := get(t, observe.Handler(m, &fakeProbe{}, time.Minute, time.Now), "/metrics")
	for _, want := range []string{
		`nhacviec_updates_handled_total{outcome="ok"} 1`,
		`nhacviec_updates_handled_total{outcome="failed"} 1`,
		`nhacviec_handler_seconds_bucket{le="0.05"} 1`,
		`nhacviec_handler_seconds_count 2`,
		"nhacviec_outbox_sent_total 3",
		"nhacviec_outbox_failed_total 1",
		"nhacviec_reminders_due 7",
		"nhacviec_reminders_queued_total 7",
		"go_goroutines",
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
