// Package sandbox lets a newcomer try nhacviec without Telegram and without a token. It runs the
// real bot, with its real database code and its real scheduler jobs, against the fake Bot API
// server of bot/telegramtest in the same process, on a database of its own seeded with a demo
// province (a Sở, two communes, five schools, their heads and two officers, and a short demo
// directive published to the schools), and it offers a terminal chat in which the user speaks
// as any of those people: what they type goes to the bot as a Telegram message from that person,
// the bot's answers are printed as plain text, and inline buttons become numbered choices.
//
// The sandbox waits for the bot deterministically after each input — until the bot's long poll
// is parked with nothing left to fetch, its handlers are idle and the outbox is drained — so what
// the bot answered is printed before the next prompt. Time is a clock of its own that the user
// moves forward (:thoigian +1d); the reminder ticks and the weekly digest run as they would have
// in a running bot over that time.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"nhacviec/bot"
	"nhacviec/bot/telegramtest"
	"nhacviec/calendar"
	"nhacviec/directive"
	"nhacviec/scheduler"
	"nhacviec/storage"
)

// Options configure a sandbox session.
type Options struct {
	In   io.Reader // the user's lines; EOF ends the session
	Out  io.Writer // the chat, as the user reads it
	Echo bool      // print each line read after the prompt (the input is not a terminal)
	Lang string    // "vi" (default) or "en": the sandbox's texts, and the language the personas chose

	// Keep is a SQLite file to create and keep after the session; it must not exist. Empty: a
	// temporary file, removed when the session closes.
	Keep string

	Location *time.Location   // Asia/Ho_Chi_Minh by default
	Now      func() time.Time // the real clock; time.Now by default
	// Start is the sandbox's time when it starts; zero: 08:00 today in Location. The sandbox's
	// clock then runs with the real one, and :thoigian moves it forward.
	Start time.Time

	Logger   *slog.Logger // the bot's, the database's and the scheduler's log; discarded when nil
	Ladder   scheduler.Ladder
	Periods  calendar.Periods
	Holidays []calendar.Override

	// Timeout bounds the wait for the bot after one input; 60 s by default.
	Timeout time.Duration
}

// ErrExists is returned by New when Options.Keep names a file that exists: the sandbox never
// writes into a database it did not create.
var ErrExists = errors.New("sandbox: the file exists")

// Session is a running sandbox: the fake Telegram server, the bot polling it, the database and
// the people of the demo.
type Session struct {
	o      Options
	tx     *texts
	dir    string // the temporary directory, removed by Close
	dbPath string
	clock  *clock
	st     *storage.Store
	srv    *telegramtest.Server
	bot    *bot.Bot
	sch    *scheduler.Scheduler

	cancel  context.CancelFunc
	runDone chan struct{} // closed when the bot's Run returns
	runErr  error

	personas   []*persona
	cur        int // index of the persona the user speaks as
	views      map[int64]*chatView
	directive  string // the demo directive's name
	tasks      int    // and its number of tasks
	sampleFile string // the demo directive as a file, for :tep
	unanswered int    // button presses the bot never answered, already warned of
	closeOnce  sync.Once
}

// clock is the sandbox's time: the real clock shifted; the shift only grows.
type clock struct {
	mu    sync.Mutex
	base  func() time.Time
	shift time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.shift)
}

// set moves the clock to t, if t is later than now.
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := t.Sub(c.base().Add(c.shift)); d > 0 {
		c.shift += d
	}
}

// pollTimeout is the bot's long-poll wait against the fake server: short enough that a stop is
// quick, long enough that an idle sandbox does not spin.
const pollTimeout = 10 * time.Second

// New creates the database, seeds the demo, starts the fake server and the bot, and returns
// once the bot has handled everything and waits for the user's first message.
func New(ctx context.Context, o Options) (_ *Session, err error) {
	if o.Location == nil {
		loc, lerr := time.LoadLocation("Asia/Ho_Chi_Minh")
		if lerr != nil {
			return nil, fmt.Errorf("sandbox: %w", lerr)
		}
		o.Location = loc
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Start.IsZero() {
		y, m, d := o.Now().In(o.Location).Date()
		o.Start = time.Date(y, m, d, 8, 0, 0, 0, o.Location)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Periods.MonthlyDay == 0 {
		o.Periods = calendar.DefaultPeriods
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	s := &Session{o: o, tx: textsFor(o.Lang), views: map[int64]*chatView{}, runDone: make(chan struct{})}
	s.clock = &clock{base: o.Now, shift: o.Start.Sub(o.Now())}

	if o.Keep != "" {
		if _, serr := os.Stat(o.Keep); serr == nil {
			return nil, fmt.Errorf("%w: %s", ErrExists, o.Keep)
		}
	}
	s.dir, err = os.MkdirTemp("", "nhacviec-sandbox-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	defer func() {
		if err != nil {
			s.Close()
			if o.Keep != "" && s.st != nil { // a file it created, half seeded
				for _, suffix := range []string{"", "-wal", "-shm"} {
					_ = os.Remove(o.Keep + suffix)
				}
			}
		}
	}()
	s.dbPath = filepath.Join(s.dir, "sandbox.db")
	if o.Keep != "" {
		s.dbPath = o.Keep
	}
	if s.st, err = storage.Open(ctx, storage.Options{DSN: s.dbPath, Now: s.clock.Now, Logger: o.Logger}); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if err = s.st.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	rows := make([]storage.UnitRow, len(demoUnits))
	for i, r := range demoUnits {
		r.Line = i + 2
		rows[i] = r
	}
	if _, err = s.st.ImportUnits(ctx, rows); err != nil {
		return nil, fmt.Errorf("sandbox: demo units: %w", err)
	}

	s.srv = telegramtest.New(telegramtest.Options{BotUsername: "nhacviec_sandbox_bot", Now: s.clock.Now})
	s.bot, err = bot.New(ctx, bot.Options{
		Token: s.srv.Token(), APIURL: s.srv.URL(), Store: s.st, Logger: o.Logger, Now: s.clock.Now,
		Location: o.Location, Workers: 4, PollTimeout: pollTimeout, Periods: o.Periods,
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	// The scheduler is not started: its cron ticks run on real time. The sandbox runs its jobs
	// itself, on the sandbox's clock: the outbox after every input, the ticks when time moves.
	s.sch = scheduler.New(scheduler.Options{
		Store: s.st, Deliverer: s.bot, Logger: o.Logger, Location: o.Location, Now: s.clock.Now,
		Rates:  scheduler.Rates{PerSecond: 1000, PrivateGap: time.Millisecond, GroupGap: time.Millisecond},
		Ladder: o.Ladder, Periods: o.Periods, Holidays: o.Holidays,
	})
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	go func() {
		defer close(s.runDone)
		s.runErr = s.bot.Run(runCtx, 5*time.Second)
	}()

	if err = s.seedPeople(ctx); err != nil {
		return nil, err
	}
	if err = s.publishDemo(ctx); err != nil {
		return nil, err
	}
	s.sampleFile = filepath.Join(s.dir, demoDirectiveFile)
	if err = os.WriteFile(s.sampleFile, []byte(demoDirective(o.Start)), 0o600); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	return s, nil
}

// seedPeople makes the demo's people: each gets an invite and joins through the chat with
// /start, as a real person does.
func (s *Session) seedPeople(ctx context.Context) error {
	units := map[string]storage.Unit{}
	all, err := s.st.Units(ctx)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	for _, u := range all {
		units[u.Code] = u
	}
	s.srv.Reset()
	for i := range demoPersonas {
		p := demoPersonas[i] // a copy: the session's own
		unit := units[p.Unit]
		p.unitName = unit.Name
		u := s.srv.NewUser(p.Family, p.Given)
		if s.o.Lang == "en" {
			u.LanguageCode = "en"
		}
		p.id = u.ID
		p.send = func(o telegramtest.MessageOpts) {
			o.From = u
			s.srv.Send(o)
		}
		p.press = func(m telegramtest.SentMessage, data string) { s.srv.Press(u, m.Message(), data) }
		inv, err := s.st.CreateInvite(ctx, storage.NewInvite{UnitID: unit.ID, Role: p.Role, MaxUses: 1})
		if err != nil {
			return fmt.Errorf("sandbox: invite: %w", err)
		}
		p.send(telegramtest.MessageOpts{Text: "/start " + inv.Code})
		s.personas = append(s.personas, &p)
	}
	if err := s.settle(ctx); err != nil {
		return err
	}
	for _, p := range s.personas {
		m, err := s.st.MemberByTelegramID(ctx, p.id)
		if err != nil {
			return fmt.Errorf("sandbox: %s did not join: %w", p.Key, err)
		}
		p.memberID = m.ID
		if s.o.Lang == "en" {
			if err := s.st.SetLanguage(ctx, m.ID, "en"); err != nil {
				return fmt.Errorf("sandbox: %w", err)
			}
		}
		s.markSeen(p) // the welcome is not news; the sandbox's own welcome says as much
	}
	return nil
}

// publishDemo reads the demo directive with the bot's parser and publishes its proposed tasks to
// every school as the chat flow does when the Sở's officer presses «Phát hành», with the
// deadlines and the report cadence of demoTasks; the heads' notices go out through the outbox.
func (s *Session) publishDemo(ctx context.Context) error {
	day := s.o.Start.In(s.o.Location)
	doc, err := directive.Parse(demoDirectiveFile, []byte(demoDirective(day)))
	if err != nil {
		return fmt.Errorf("sandbox: demo directive: %w", err)
	}
	items := doc.Tasks()
	if len(items) != len(demoTasks) {
		return fmt.Errorf("sandbox: the demo directive has %d proposed tasks, want %d", len(items), len(demoTasks))
	}
	var publisher *int64
	for _, p := range s.personas {
		if p.Publisher {
			publisher = &p.memberID
		}
	}
	so, err := s.st.UnitByCode(ctx, demoUnits[0].Code)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	schools, err := s.st.SchoolsUnder(ctx, []int64{so.ID}, nil)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	ids := make([]int64, len(schools))
	for i, u := range schools {
		ids[i] = u.ID
	}
	issued, _ := storage.ParseDate(doc.Date.String())
	p := storage.Publication{
		Directive: storage.Directive{Kind: doc.Kind, Number: doc.Number, IssuedOn: issued, Issuer: doc.Issuer,
			Title: doc.Title, SchoolYear: doc.SchoolYear, Source: demoDirectiveFile, PublishedBy: publisher},
		SchoolIDs: ids,
	}
	for i, it := range items {
		due, _ := storage.ParseDate(dueDate(day, demoTasks[i].days).Format("2006-01-02"))
		p.Tasks = append(p.Tasks, storage.NewTask{Title: it.Title(), Body: it.Text, Due: due, Citation: it.Citation, Cadence: demoTasks[i].cadence})
	}
	pub, err := s.st.PublishDirective(ctx, p)
	if err != nil {
		return fmt.Errorf("sandbox: publish the demo directive: %w", err)
	}
	s.directive, s.tasks = pub.Directive.Name(), len(pub.Tasks)
	s.srv.Reset()
	if err := s.sch.DrainOutbox(ctx); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// settle waits until the bot has fetched and handled every update queued, then sends what the
// outbox holds that is due. It never sleeps: it waits on the fake server's and the bot's own
// signals.
func (s *Session) settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
	defer cancel()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-s.runDone:
			cancel()
		case <-stop:
		}
	}()
	fail := func(err error) error {
		select {
		case <-s.runDone:
			return fmt.Errorf(s.tx.BotStopped, s.runErr)
		default:
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf(s.tx.BotSlow, s.o.Timeout)
		}
		return err
	}
	for {
		// A poll parked before the last update was queued still counts as waiting until it
		// wakes and takes the update: then a getUpdates call is recorded, and we look again.
		n := len(s.srv.CallsTo("getUpdates"))
		if err := s.srv.WaitPolling(ctx); err != nil {
			return fail(err)
		}
		if s.srv.PendingUpdates() == 0 {
			break // acknowledged by the parked poll's offset: stored and handed to the workers
		}
		if err := s.srv.WaitCalls(ctx, "getUpdates", n+1); err != nil {
			return fail(err)
		}
	}
	if err := s.bot.WaitIdle(ctx); err != nil {
		return fail(err)
	}
	if err := s.sch.DrainOutbox(ctx); err != nil {
		return fail(err)
	}
	return nil
}

// DBPath is the database file the session uses.
func (s *Session) DBPath() string { return s.dbPath }

// Temporary reports whether the database is removed when the session closes.
func (s *Session) Temporary() bool { return s.o.Keep == "" }

// Close stops the bot and the fake server, closes the database and removes the temporary files
// (the database too, unless it is kept).
func (s *Session) Close() error {
	var errs []error
	s.closeOnce.Do(func() {
		if s.cancel != nil {
			s.cancel()
			<-s.runDone
		}
		if s.srv != nil {
			s.srv.Close()
		}
		if s.st != nil {
			errs = append(errs, s.st.Close())
		}
		if s.dir != "" {
			errs = append(errs, os.RemoveAll(s.dir))
		}
	})
	return errors.Join(errs...)
}

// Run starts a session, talks with the user until they quit or the input ends, and closes it.
func Run(ctx context.Context, o Options) error {
	s, err := New(ctx, o)
	if err != nil {
		return err
	}
	err = s.Chat(ctx)
	return errors.Join(err, s.Close())
}
