package main

import (
	"flag"
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
		b, err := e.newBot(st)
		if err != nil {
			return e.fail(e.tx.BotError, err)
		}
		sch := e.newScheduler(st, b, e.now)
		sch.Start()
		defer sch.Stop() // after the bot: a running job finishes before the database closes
		e.log.Info("nhacviec is running", "bot", b.Username(), "db", st.Dialect())
		if err := b.Run(e.ctx, e.cfg.ShutdownTimeout); err != nil {
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
