// Package scheduler runs nhacviec's timed work on cron ticks. It is the only package that knows
// robfig/cron. A tick only triggers: each job works out from the database what is due, so a
// restart, a missed tick or a job run twice does no harm.
package scheduler

import (
	"context"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Store is what the scheduler needs from storage.
type Store interface {
	PruneUpdates(ctx context.Context, before time.Time) (int64, error)
}

// Options configure a Scheduler.
type Options struct {
	Store       Store
	Logger      *slog.Logger
	Location    *time.Location
	Now         func() time.Time
	KeepUpdates time.Duration // handled updates older than this are deleted; 0 keeps them
}

// Scheduler owns the cron.
type Scheduler struct {
	o    Options
	cron *cron.Cron
}

// New builds the scheduler and its jobs; Start runs them.
func New(o Options) *Scheduler {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	l := cronLogger{o.Logger.With("component", "scheduler")}
	// SkipIfStillRunning outside Recover: with the opposite order, robfig/cron v3.0.1 skips a job
	// forever after it panicked once.
	c := cron.New(cron.WithLocation(o.Location), cron.WithLogger(l),
		cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))
	s := &Scheduler{o: o, cron: c}
	if o.KeepUpdates > 0 {
		c.Schedule(mustParse("30 3 * * *"), cron.FuncJob(func() { s.PruneUpdates(context.Background()) }))
	}
	return s
}

func mustParse(spec string) cron.Schedule {
	sch, err := cron.ParseStandard(spec)
	if err != nil {
		panic(err)
	}
	return sch
}

// Start runs the jobs in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops the ticks and waits for a running job to finish.
func (s *Scheduler) Stop() { <-s.cron.Stop().Done() }

// PruneUpdates deletes handled updates older than KeepUpdates. Telegram never delivers an update
// again after a day, so a week's record is ample to recognise one delivered twice.
func (s *Scheduler) PruneUpdates(ctx context.Context) {
	before := s.o.Now().Add(-s.o.KeepUpdates)
	n, err := s.o.Store.PruneUpdates(ctx, before)
	if err != nil {
		s.o.Logger.Error("cannot prune handled updates", "err", err)
		return
	}
	s.o.Logger.Info("pruned handled updates", "deleted", n, "before", before.UTC().Format(time.RFC3339))
}

// cronLogger routes cron's own messages into slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug(msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error(msg, append(kv, "err", err)...)
}
