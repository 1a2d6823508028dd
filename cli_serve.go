package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"net/url"
	"time"

	"nhacviec/bot"
	"nhacviec/observe"
	"nhacviec/storage"
)

// serveFlags is "nhacviec serve": the bot with long polling, until SIGINT or SIGTERM.
func serveFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	return func(e *env, args []string) int {
		if len(args) > 0 {
			return e.fail(e.tx.UnexpectedArgs, args)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close() // last: after the bot and the scheduler have stopped
		if e.cfg.HealthAddr != "" {
			e.metrics = observe.New()
		}
		b, err := e.newBot(st)
		if err != nil {
			return e.fail(e.tx.BotError, err)
		}
		if e.cfg.HealthAddr != "" {
			stop, err := e.serveHealth(st, b)
			if err != nil {
				return e.fail(e.tx.BotError, err)
			}
			defer stop()
		}
		sch := e.newScheduler(st, b, e.now)
		sch.Start()
		defer sch.Stop() // after the bot: a running job finishes before the database closes
		e.log.Info("nhacviec is running", "bot", b.Username(), "db", st.Dialect())
		if e.cfg.WebhookURL != "" {
			stop, err := e.serveWebhook(b)
			if err != nil {
				return e.fail(e.tx.BotError, err)
			}
			defer stop()
			err = b.RunWebhook(e.ctx, e.cfg.ShutdownTimeout, e.cfg.WebhookURL, e.cfg.WebhookSecret)
			if err != nil {
				return e.fail(e.tx.BotError, err)
			}
		} else if err := b.Run(e.ctx, e.cfg.ShutdownTimeout); err != nil {
			return e.fail(e.tx.BotError, err)
		}
		e.log.Info("nhacviec stopped")
		return 0
	}
}

// migrateFlags is "nhacviec migrate": bring the schema up to date and exit.
func migrateFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	return func(e *env, args []string) int {
		if len(args) > 0 {
			return e.fail(e.tx.UnexpectedArgs, args)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		ids, err := st.AppliedMigrations(e.ctx)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		e.out(e.tx.Migrated, st.Dialect(), len(ids), ids[len(ids)-1])
		return 0
	}
}

// serveHealth serves /healthz and /metrics on the health address until stop is called.
func (e *env) serveHealth(st *storage.Store, b *bot.Bot) (stop func(), err error) {
	// A long poll answers at least every poll timeout; three of them without one is a problem.
	// Telegram calls a webhook only when there is an update: a quiet hour is no problem then.
	stale := 3*e.cfg.PollTimeout + 30*time.Second
	if e.cfg.WebhookURL != "" {
		stale = 0
	}
	return e.listen(e.cfg.HealthAddr, observe.Handler(e.metrics, probe{st, b}, stale, e.now), "serving /healthz and /metrics")
}

// serveWebhook receives Telegram's posts on the webhook's listen address, at the path of the
// webhook's URL (TLS is a reverse proxy's job), until stop is called.
func (e *env) serveWebhook(b *bot.Bot) (stop func(), err error) {
	u, err := url.Parse(e.cfg.WebhookURL)
	if err != nil {
		return nil, err
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.Handle(path, b.WebhookHandler(e.cfg.WebhookSecret))
	return e.listen(e.cfg.WebhookListen, mux, "listening for Telegram's webhook calls", "path", path)
}

// listen serves h on addr until stop is called, logging where.
func (e *env) listen(addr string, h http.Handler, what string, args ...any) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("an HTTP server stopped", "addr", addr, "err", err)
		}
	}()
	e.log.Info(what, append([]any{"addr", ln.Addr().String()}, args...)...)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// probe answers the health check from the store and the bot.
type probe struct {
	st *storage.Store
	b  *bot.Bot
}

func (p probe) Ping(ctx context.Context) error             { return p.st.Ping(ctx) }
func (p probe) Backlog(ctx context.Context) (int64, error) { return p.st.Backlog(ctx) }
func (p probe) LastPoll() time.Time                        { return p.b.LastPoll() }
