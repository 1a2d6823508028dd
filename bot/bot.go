// Package bot is nhacviec's Telegram side: intake of updates that loses nothing and does nothing
// twice, routing with our own command matcher, the conversations of school heads (tasks, reports,
// history, corrections), keyboards, rendering and the message catalogs. It is the only package
// that knows go-telegram/bot.
package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tg "github.com/go-telegram/bot"

	"nhacviec/calendar"
	"nhacviec/observe"
	"nhacviec/storage"
)

// Options configure a Bot.
type Options struct {
	Token       string // the bot token; never logged
	APIURL      string // another Bot API server (a local one, or the fake one in tests); "" for Telegram
	Username    string // the bot's username; asked with getMe when empty
	Store       *storage.Store
	Logger      *slog.Logger
	Now         func() time.Time // the clock; time.Now by default
	Location    *time.Location   // where dates and times are shown; Asia/Ho_Chi_Minh by default
	Workers     int              // handlers running at once; 8 by default
	PollTimeout time.Duration    // long-poll wait; 50 s by default
	Periods     calendar.Periods // the report windows of recurring tasks; calendar.DefaultPeriods by default
	Metrics     *observe.Metrics // what the handlers record for /metrics; nil records nothing
	ChatLimit   ChatLimit        // how much of the bot one chat may take; DefaultChatLimit when zero
}

// Bot is the running Telegram bot.
type Bot struct {
	api      *api
	st       *storage.Store
	log      *slog.Logger
	now      func() time.Time
	loc      *time.Location
	periods  calendar.Periods
	maxSend  int // the largest file the bot may upload: Telegram's 50 MB (tests lower it)
	metrics  *observe.Metrics
	lastPoll atomic.Int64 // unix nanoseconds of the last answer from getUpdates
	// What the webhook stores before HandlePending has handed over what was stored before the
	// start is held here, and handed over after it.
	catchUp  sync.Mutex
	caughtUp bool
	held     []storage.InboundUpdate
	username string
	poll     time.Duration
	disp     *dispatcher
	offset   int64
	handler  func(*turn) error // route; tests wrap it to make a handler fail

	closeOnce sync.Once
}

// New connects to the Bot API server and, unless Username is given, asks who the bot is.
func New(ctx context.Context, o Options) (*Bot, error) {
	if o.Store == nil {
		return nil, errors.New("bot: no store")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			return nil, fmt.Errorf("bot: %w", err)
		}
		o.Location = loc
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.PollTimeout <= 0 {
		o.PollTimeout = 50 * time.Second
	}
	a, err := newAPI(o.Token, o.APIURL, o.PollTimeout, o.Logger)
	if err != nil {
		return nil, err
	}
	b := &Bot{
		api:      a,
		st:       o.Store,
		log:      o.Logger,
		now:      o.Now,
		loc:      o.Location,
		periods:  o.Periods,
		maxSend:  50 << 20,
		metrics:  o.Metrics,
		username: strings.TrimPrefix(o.Username, "@"),
		poll:     o.PollTimeout,
	}
	b.handler = b.route
	if b.username == "" {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		me, err := a.getMe(ctx)
		if err != nil {
			if errors.Is(err, tg.ErrorUnauthorized) || errors.Is(err, tg.ErrorNotFound) {
				return nil, fmt.Errorf("%w: check NHACVIEC_TELEGRAM_TOKEN", errUnauthorized)
			}
			return nil, fmt.Errorf("bot: getMe: %w", err)
		}
		b.username = me.Username
	}
	if o.ChatLimit == (ChatLimit{}) {
		o.ChatLimit = DefaultChatLimit
	}
	b.disp = newDispatcher(dispatchOptions{
		workers:  o.Workers,
		maxQueue: 4 * o.Workers * 100,
		limit:    o.ChatLimit,
		now:      o.Now,
		load: func(chat int64, n int) ([]storage.InboundUpdate, error) {
			return b.st.PendingUpdates(context.Background(), storage.PendingFilter{ChatID: &chat, Limit: n})
		},
		warn: b.warnTooFast,
	}, b.process)
	return b, nil
}

// Username returns the bot's username, without the @.
func (b *Bot) Username() string { return b.username }

// Username asks the Bot API server for the bot's username (for invite links made outside serve).
func Username(ctx context.Context, token, apiURL string, log *slog.Logger) (string, error) {
	a, err := newAPI(token, apiURL, time.Second, log)
	if err != nil {
		return "", err
	}
	me, err := a.getMe(ctx)
	if err != nil {
		return "", fmt.Errorf("bot: getMe: %w", err)
	}
	return me.Username, nil
}

// Run handles what was stored but not handled before (a crash), registers the command menu, and
// then polls for updates until ctx ends. On the way out it stops fetching, lets running handlers
// finish within drain, and returns; updates not yet handled stay stored for the next start.
func (b *Bot) Run(ctx context.Context, drain time.Duration) error {
	defer b.shutdown(drain)
	if err := b.HandlePending(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while catching up: what is left stays stored
		}
		return err
	}
	b.registerCommands(ctx)
	b.log.Info("polling for updates", "bot", b.username)
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		_, err := b.PollOnce(ctx, b.poll)
		switch {
		case err == nil:
			backoff = 0
			continue
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, errUnauthorized):
			return err
		}
		backoff = nextBackoff(backoff, err)
		if errors.Is(err, errConflict) {
			b.log.Error("cannot poll: another instance is polling with this token, or a webhook is set", "retry_in", backoff)
		} else {
			b.log.Warn("poll failed", "err", err, "retry_in", backoff)
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
	}
	return nil
}

func nextBackoff(cur time.Duration, err error) time.Duration {
	var tooMany *tg.TooManyRequestsError
	if errors.As(err, &tooMany) && tooMany.RetryAfter > 0 {
		return time.Duration(tooMany.RetryAfter) * time.Second
	}
	switch {
	case cur == 0:
		return 500 * time.Millisecond
	case cur >= 30*time.Second:
		return 30 * time.Second
	}
	return cur * 2
}

func (b *Bot) shutdown(drain time.Duration) {
	b.closeOnce.Do(func() {
		b.disp.close()
		ctx, cancel := context.WithTimeout(context.Background(), drain)
		defer cancel()
		if err := b.disp.wait(ctx); err != nil {
			b.log.Warn("handlers still running at shutdown; their updates will be handled again at the next start")
		}
	})
}

// Close stops the bot's workers, waiting up to drain for running handlers. Run calls it itself.
func (b *Bot) Close(drain time.Duration) { b.shutdown(drain) }

// PollOnce fetches one batch of updates, waiting up to timeout for one, stores them, and hands the
// new ones to the workers. An update is stored before the next getUpdates acknowledges it to
// Telegram; one delivered again is already stored and is not handled twice.
func (b *Bot) PollOnce(ctx context.Context, timeout time.Duration) (int, error) {
	raws, err := b.api.getUpdates(ctx, b.offset, timeout)
	if err == nil {
		b.lastPoll.Store(b.now().UnixNano())
	}
	if err != nil || len(raws) == 0 {
		return 0, err
	}
	batch := make([]storage.InboundUpdate, len(raws))
	next := b.offset
	for i, r := range raws {
		batch[i] = storage.InboundUpdate{UpdateID: r.ID, ChatID: r.ChatID, Payload: string(r.Payload)}
		if r.ID >= next {
			next = r.ID + 1
		}
	}
	fresh, err := b.st.SaveUpdates(ctx, batch)
	if err != nil {
		// Not stored, so not acknowledged: Telegram sends them again on the next poll.
		return 0, fmt.Errorf("bot: store updates: %w", err)
	}
	b.offset = next
	for _, u := range fresh {
		if !b.disp.submit(u) {
			break
		}
	}
	return len(fresh), nil
}

// LastPoll is when Telegram last answered a poll for updates; zero before the first.
func (b *Bot) LastPoll() time.Time {
	if n := b.lastPoll.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// HandlePending hands every stored but unhandled update to the workers, oldest first. It returns
// when the last is handed over; a long backlog holds it back while the workers' queue is full.
// Updates a webhook stores meanwhile are handed over by it too, after the older ones, and from
// then on by the webhook itself.
func (b *Bot) HandlePending(ctx context.Context) error {
	for after := int64(0); ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		us, err := b.st.PendingUpdates(ctx, storage.PendingFilter{After: after, Limit: 500})
		if err != nil {
			return fmt.Errorf("bot: pending updates: %w", err)
		}
		if len(us) > 0 {
			b.log.Info("handling updates stored before the last stop", "count", len(us), "from", us[0].UpdateID)
		}
		for _, u := range us {
			after = u.UpdateID
			if !b.disp.submit(u) {
				return nil
			}
		}
		if len(us) < 500 {
			break
		}
	}
	// What the webhook stored meanwhile, oldest first (Telegram posts in parallel), handed over
	// before anything newer: the webhook waits for the lock. One the pass above read too is
	// handed over twice and handled once.
	b.catchUp.Lock()
	defer b.catchUp.Unlock()
	b.caughtUp = true
	held := b.held
	b.held = nil
	slices.SortFunc(held, func(a, b storage.InboundUpdate) int { return cmp.Compare(a.UpdateID, b.UpdateID) })
	for _, u := range held {
		if !b.disp.submit(u) {
			return nil
		}
	}
	return nil
}

// WaitIdle blocks until every submitted update has been handled, or ctx ends.
func (b *Bot) WaitIdle(ctx context.Context) error { return b.disp.waitIdle(ctx) }

// InviteLink is the deep link that opens the bot and redeems the code.
func InviteLink(username, code string) string {
	return "https://t.me/" + strings.TrimPrefix(username, "@") + "?start=" + code
}
