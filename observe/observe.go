// Package observe is what an operator's monitoring reads: counters and histograms the bot and
// the scheduler feed (Prometheus, through client_golang), and a health check, served on a listen
// address of their own (NHACVIEC_HEALTH_ADDR):
//
//   - GET /healthz: 200 with {"status":"ok",…} when the database answers and the bot fetched
//     updates recently; 503 with the reason otherwise. The outbox backlog is reported either way.
//   - GET /metrics: the metrics in Prometheus's text format.
package observe

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are nhacviec's counters. A nil *Metrics records nothing, so the packages that feed it
// need no check.
type Metrics struct {
	reg       *prometheus.Registry
	updates   *prometheus.CounterVec
	latency   prometheus.Histogram
	sent      prometheus.Counter
	failed    prometheus.Counter
	reminders prometheus.Counter
	due       prometheus.Gauge
}

// New makes the metrics, with Go's own (memory, goroutines) beside them.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nhacviec_updates_handled_total",
			Help: "Updates from Telegram handled, by outcome (ok, failed)."}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "nhacviec_handler_seconds",
			Help:    "Time to handle one update: its transaction and its replies.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{Name: "nhacviec_outbox_sent_total",
			Help: "Queued messages sent (reminders, notices, digests, announcements)."}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "nhacviec_outbox_failed_total",
			Help: "Queued messages given up on (see nhacviec outbox failed)."}),
		reminders: prometheus.NewCounter(prometheus.CounterOpts{Name: "nhacviec_reminders_queued_total",
			Help: "Reminder and escalation messages queued by the reminder ticks."}),
		due: prometheus.NewGauge(prometheus.GaugeOpts{Name: "nhacviec_reminders_due",
			Help: "Reminder and escalation messages the last reminder tick found due."}),
	}
	m.reg.MustRegister(m.updates, m.latency, m.sent, m.failed, m.reminders, m.due,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handled records an update handled in d; ok is false when its handler failed.
func (m *Metrics) Handled(d time.Duration, ok bool) {
	if m == nil {
		return
	}
	outcome := "ok"
	if !ok {
		outcome = "failed"
	}
	m.updates.WithLabelValues(outcome).Inc()
	m.latency.Observe(d.Seconds())
}

// Sent records n queued messages sent.
func (m *Metrics) Sent(n int) {
	if m != nil {
		m.sent.Add(float64(n))
	}
}

// Failed records a queued message given up on.
func (m *Metrics) Failed() {
	if m != nil {
		m.failed.Inc()
	}
}

// RemindersDue records what a reminder tick queued.
func (m *Metrics) RemindersDue(n int) {
	if m != nil {
		m.due.Set(float64(n))
		m.reminders.Add(float64(n))
	}
}

// Probe is what the health check asks.
type Probe interface {
	Ping(ctx context.Context) error             // the database answers
	Backlog(ctx context.Context) (int64, error) // messages waiting in the outbox
	LastPoll() time.Time                        // when the bot last heard from Telegram
}

// Health is the answer of /healthz.
type Health struct {
	Status        string  `json:"status"` // "ok" or "unhealthy"
	Problem       string  `json:"problem,omitempty"`
	Database      string  `json:"database"`
	LastPollAgo   float64 `json:"last_poll_seconds_ago"` // -1 before the first
	OutboxBacklog int64   `json:"outbox_backlog"`
}

// Handler serves /healthz and /metrics. A poll older than stale makes the bot unhealthy (it
// long-polls, so a healthy bot hears from Telegram at least every poll timeout); with stale 0
// (a webhook, which Telegram calls only when there is something) the age is reported, not
// judged. now is the clock.
func Handler(m *Metrics, p Probe, stale time.Duration, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		h := Health{Status: "ok", Database: "ok", LastPollAgo: -1}
		if err := p.Ping(ctx); err != nil {
			h.Status, h.Database, h.Problem = "unhealthy", "unreachable", "the database does not answer"
		} else if n, err := p.Backlog(ctx); err == nil {
			h.OutboxBacklog = n
		}
		if last := p.LastPoll(); !last.IsZero() {
			h.LastPollAgo = now().Sub(last).Seconds()
		}
		if h.Status == "ok" && stale > 0 && (h.LastPollAgo < 0 || h.LastPollAgo > stale.Seconds()) {
			h.Status, h.Problem = "unhealthy", "no answer from Telegram for too long"
		}
		w.Header().Set("Content-Type", "application/json")
		if h.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(h)
	})
	return mux
}
