package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"nhacviec/bot"
	"nhacviec/calendar"
	"nhacviec/scheduler"
	"nhacviec/storage"
)

// newScheduler builds the scheduler serve and run-job share, from the configuration.
func (e *env) newScheduler(st *storage.Store, d scheduler.Deliverer, now func() time.Time) *scheduler.Scheduler {
	return scheduler.New(scheduler.Options{
		Store: st, Deliverer: d, Logger: e.log, Now: now, Location: e.cfg.Location,
		KeepUpdates: e.cfg.KeepUpdates, Rates: e.cfg.Rates, ReminderSpec: e.cfg.ReminderSpec, DigestSpec: e.cfg.DigestSpec,
		Ladder: e.cfg.Ladder, Periods: e.periods(), Holidays: e.cfg.Holidays, LeaseTTL: e.cfg.LeaseTTL, Metrics: e.metrics,
	})
}

// at reads an --at flag, a local time like 2026-12-01T07:30; empty means now.
func (e *env) at(s string) (time.Time, bool) {
	if s == "" {
		return e.now(), true
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, e.cfg.Location)
	return t, err == nil
}

// newBot connects the bot to Telegram (or the configured Bot API server).
func (e *env) newBot(st *storage.Store) (*bot.Bot, error) {
	return bot.New(e.ctx, bot.Options{
		Token: e.cfg.Token, APIURL: e.cfg.APIURL, Username: e.cfg.BotUsername, Store: st, Logger: e.log,
		Location: e.cfg.Location, Now: e.now, Workers: e.cfg.Workers, PollTimeout: e.cfg.PollTimeout, Periods: e.periods(),
		Metrics: e.metrics,
	})
}

// periods are the report windows of recurring tasks, with the configured monthly cut-off.
func (e *env) periods() calendar.Periods {
	p := calendar.DefaultPeriods
	p.MonthlyDay = e.cfg.MonthlyCutoff
	return p
}

// runJobFlags is "nhacviec run-job reminders|digest [--at TIME]": one reminder tick (or the
// weekly digests) as if at that time, then everything queued is sent, and it exits.
func runJobFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	atFlag := fs.String("at", "", "run as if at this local time, 2026-12-01T07:30 (default: now)")
	return func(e *env, args []string) int {
		if len(args) != 1 || args[0] != "reminders" && args[0] != "digest" {
			return e.fail("%s", e.tx.RunJobUsage)
		}
		at, ok := e.at(*atFlag)
		if !ok {
			return e.fail(e.tx.BadAt, *atFlag)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		b, err := e.newBot(st)
		if err != nil {
			return e.fail(e.tx.BotError, err)
		}
		defer b.Close(e.cfg.ShutdownTimeout)
		// The tick sees the time asked for; sending keeps real time, so that what it queued is due.
		sch := e.newScheduler(st, b, e.now)
		// Two senders would go over Telegram's limits together: this one waits for the lease, held
		// by a running serve (which then does this work itself), or by a process that died and
		// whose lease runs out.
		waitCtx, cancelWait := context.WithTimeout(e.ctx, e.cfg.LeaseTTL+5*time.Second)
		defer cancelWait()
		if err := sch.WaitLead(waitCtx, func() { e.out("%s", e.tx.LeaseWaiting) }); err != nil {
			return e.fail("%s", e.tx.LeaseHeld)
		}
		defer sch.Stop()
		if args[0] == "digest" {
			n, err := sch.QueueDigests(e.ctx, at)
			if err != nil {
				return e.fail(e.tx.DBError, err)
			}
			e.out(e.tx.DigestsQueued, at.In(e.cfg.Location).Format("02/01/2006 15:04"), n)
		} else {
			n, err := sch.RemindAt(e.ctx, at)
			if err != nil {
				return e.fail(e.tx.DBError, err)
			}
			e.out(e.tx.RemindersQueued, at.In(e.cfg.Location).Format("02/01/2006 15:04"), n)
		}
		if err := sch.DrainOutbox(e.ctx); err != nil {
			return e.fail(e.tx.BotError, err)
		}
		// What is not due yet (a recipient's quiet hours, a retry) stays for serve: say so.
		left, err := st.Backlog(e.ctx)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		if left > 0 {
			e.out(e.tx.OutboxLeft, left)
			return 0
		}
		e.out("%s", e.tx.OutboxDrained)
		return 0
	}
}

// holidayFlags is "nhacviec holiday list|add|remove|year": the installation's extra days off (a
// provincial decision, a bridge day) and weekend days worked in exchange.
func holidayFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	work := fs.Bool("work", false, "with add: the day is a working day (a weekend day worked in exchange)")
	name := fs.String("name", "", "with add: what the day is")
	return func(e *env, args []string) int {
		if len(args) == 0 {
			return e.fail("%s", e.tx.HolidayUsage)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		date := func() (storage.Date, bool) {
			if len(args) != 2 {
				return storage.Date{}, false
			}
			d, err := storage.ParseDate(args[1])
			return d, err == nil
		}
		kind := func(off bool) string {
			if off {
				return e.tx.Off
			}
			return e.tx.Work
		}
		switch args[0] {
		case "list":
			days, err := st.DaysOff(e.ctx)
			if err != nil {
				return e.fail(e.tx.DBError, err)
			}
			for _, d := range days {
				e.out(e.tx.HolidayLine, d.Date.Format(), kind(d.Off), d.Name)
			}
			return 0
		case "add":
			d, ok := date()
			if !ok {
				return e.fail("%s", e.tx.HolidayUsage)
			}
			if err := st.SetDayOff(e.ctx, storage.DayOff{Date: d, Off: !*work, Name: *name}); err != nil {
				return e.fail(e.tx.DBError, err)
			}
			e.out(e.tx.HolidaySet, d.Format(), kind(!*work))
			return 0
		case "remove":
			d, ok := date()
			if !ok {
				return e.fail("%s", e.tx.HolidayUsage)
			}
			removed, err := st.RemoveDayOff(e.ctx, d)
			if err != nil {
				return e.fail(e.tx.DBError, err)
			}
			if !removed {
				return e.fail(e.tx.HolidayNone, d.Format())
			}
			e.out(e.tx.HolidayRemoved, d.Format())
			return 0
		case "year":
			var y int
			if len(args) != 2 {
				return e.fail("%s", e.tx.HolidayUsage)
			}
			if _, err := fmt.Sscan(args[1], &y); err != nil || y < 1900 || y > 2199 {
				return e.fail("%s", e.tx.HolidayUsage)
			}
			cal, err := e.newScheduler(st, nil, e.now).Calendar(e.ctx)
			if err != nil {
				return e.fail(e.tx.DBError, err)
			}
			for d := calendar.Day(y, time.January, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
				if name, off := cal.Holiday(d); off {
					e.out(e.tx.HolidayLine, d.Format("02/01/2006"), strings.Split(e.tx.Weekdays, ",")[d.Weekday()], name)
				}
			}
			return 0
		}
		return e.fail("%s", e.tx.HolidayUsage)
	}
}

// outboxFlags is "nhacviec outbox failed": the messages that could not be sent, with the reason.
func outboxFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	limit := fs.Int("limit", 50, "how many, newest first")
	return func(e *env, args []string) int {
		if len(args) != 1 || args[0] != "failed" {
			return e.fail("%s", e.tx.OutboxUsage)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		msgs, err := st.Outbox(e.ctx, storage.OutboxFailed, *limit)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		if len(msgs) == 0 {
			e.out("%s", e.tx.FailuresNone)
		}
		for _, m := range msgs {
			e.out(e.tx.FailureLine, m.ID, m.UpdatedAt.In(e.cfg.Location).Format("02/01 15:04"), m.Kind, m.ChatID, m.Attempts, m.LastError)
		}
		return 0
	}
}
