// Package scheduler runs nhacviec's timed work on cron ticks. It is the only package that knows
// robfig/cron. A tick only triggers: each job works out from the database what is due, so a
// restart, a missed tick or a job run twice does no harm.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"nhacviec/calendar"
	"nhacviec/observe"
)

// Store is what the scheduler needs from storage.
type Store interface {
	OutboxStore
	ReminderStore
	PruneUpdates(ctx context.Context, before time.Time) (int64, error)
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Options configure a Scheduler.
type Options struct {
	Store       Store
	Deliverer   Deliverer // sends queued messages; nil leaves the outbox alone
	Rates       Rates     // DefaultRates when zero
	OutboxPoll  time.Duration
	Logger      *slog.Logger
	Location    *time.Location
	Now         func() time.Time
	KeepUpdates time.Duration // handled updates older than this are deleted; 0 keeps them

	// ReminderSpec is the cron spec of the reminder tick ("*/5 * * * *"); empty runs no tick.
	ReminderSpec string
	// DigestSpec is the cron spec of the weekly digest ("0 7 * * 1"); empty sends none.
	DigestSpec string
	Ladder     Ladder              // DefaultLadder when zero
	Periods    calendar.Periods    // calendar.DefaultPeriods when zero
	Holidays   []calendar.Override // from the holidays file

	// Instance names this process for the lease that lets one of several instances run the ticks
	// and the sender; LeaseTTL is how long the lease lasts unless renewed (a minute by default),
	// so another instance takes over within that time if this one dies.
	Instance string
	LeaseTTL time.Duration

	Metrics *observe.Metrics // sent, failed and due messages for /metrics; nil records nothing
}

// leaseName is the lease the scheduled work runs under.
const leaseName = "scheduler"

// Scheduler owns the cron and the outbox sender.
type Scheduler struct {
	o      Options
	cron   *cron.Cron
	outbox *outbox
	cancel context.CancelFunc
	wg     sync.WaitGroup
	leader atomic.Bool // this instance holds the lease
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
	if len(o.Ladder.Before) == 0 && o.Ladder.OverdueEvery == 0 {
		o.Ladder = DefaultLadder
	}
	if o.Periods.MonthlyDay == 0 {
		o.Periods = calendar.DefaultPeriods
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = time.Minute
	}
	if o.Instance == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		o.Instance = host + "/" + hex.EncodeToString(b)
	}
	s := &Scheduler{o: o, cron: c}
	if o.Deliverer != nil {
		if o.OutboxPoll <= 0 {
			o.OutboxPoll = time.Second
		}
		s.outbox = newOutbox(o.Store, o.Deliverer, o.Rates, o.Now, o.Logger.With("component", "outbox"))
		s.outbox.metrics = o.Metrics
	}
	if o.KeepUpdates > 0 {
		c.Schedule(mustParse("30 3 * * *"), cron.FuncJob(func() {
			if s.leader.Load() {
				s.PruneUpdates(context.Background())
			}
		}))
	}
	if o.ReminderSpec != "" {
		c.Schedule(mustParse(o.ReminderSpec), cron.FuncJob(func() {
			if !s.leader.Load() {
				return // another instance holds the lease
			}
			n, err := s.RunReminders(context.Background())
			if err != nil {
				o.Logger.Error("cannot work out the reminders", "err", err)
				return
			}
			o.Metrics.RemindersDue(n)
			if n > 0 {
				o.Logger.Info("reminders queued", "messages", n)
			}
		}))
	}
	if o.DigestSpec != "" {
		c.Schedule(mustParse(o.DigestSpec), cron.FuncJob(func() {
			if !s.leader.Load() {
				return
			}
			n, err := s.QueueDigests(context.Background(), o.Now())
			if err != nil {
				o.Logger.Error("cannot queue the digests", "err", err)
				return
			}
			o.Logger.Info("digests queued", "messages", n)
		}))
	}
	return s
}

// ValidSpec reports whether a cron spec can be used for a tick.
func ValidSpec(spec string) error {
	_, err := cron.ParseStandard(spec)
	return err
}

func mustParse(spec string) cron.Schedule {
	sch, err := cron.ParseStandard(spec)
	if err != nil {
		panic(err)
	}
	return sch
}

// Start runs the jobs, and the outbox sender, in the background, while this instance holds the
// lease: it tries to take the lease at once and renews it three times per TTL.
func (s *Scheduler) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.TryLead(ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for sleep(ctx, s.o.LeaseTTL/3) == nil {
			s.TryLead(ctx)
		}
	}()
	s.cron.Start()
	if s.outbox != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.outbox.run(ctx, s.o.OutboxPoll, s.leader.Load)
		}()
	}
}

// TryLead takes or renews the lease and reports whether this instance now leads.
func (s *Scheduler) TryLead(ctx context.Context) bool {
	ok, err := s.o.Store.AcquireLease(ctx, leaseName, s.o.Instance, s.o.LeaseTTL)
	if err != nil {
		if ctx.Err() == nil {
			s.o.Logger.Error("cannot renew the scheduler's lease", "err", err)
		}
		ok = false
	}
	if was := s.leader.Swap(ok); was != ok {
		s.o.Logger.Info("scheduler lease", "instance", s.o.Instance, "leading", ok)
	}
	return ok
}

// WaitLead takes the lease, trying every second until ctx ends (waiting is called once, when it
// must wait), and keeps renewing it until Stop.
func (s *Scheduler) WaitLead(ctx context.Context, waiting func()) error {
	for first := true; !s.TryLead(ctx); first = false {
		if first && waiting != nil {
			waiting()
		}
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
	}
	keep, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for sleep(keep, s.o.LeaseTTL/3) == nil {
			s.TryLead(keep)
		}
	}()
	return nil
}

// Leading reports whether this instance runs the ticks and the sender.
func (s *Scheduler) Leading() bool { return s.leader.Load() }

// Stop stops the ticks and the sender, waits for what is running to finish, and gives the lease
// up so that another instance takes over at once.
func (s *Scheduler) Stop() {
	<-s.cron.Stop().Done()
	if s.cancel != nil {
		s.cancel()
		s.wg.Wait()
	}
	if s.leader.Swap(false) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.o.Store.ReleaseLease(ctx, leaseName, s.o.Instance); err != nil {
			s.o.Logger.Warn("cannot give the scheduler's lease up", "err", err)
		}
	}
}

// DrainOutbox sends every queued message that is due, within the rate limits, and returns when
// none is left.
func (s *Scheduler) DrainOutbox(ctx context.Context) error {
	if s.outbox == nil {
		return nil
	}
	return s.outbox.drain(ctx)
}

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
