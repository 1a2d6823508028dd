package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"strings"

	"nhacviec/sandbox"
)

// sandboxStdin is where the sandbox reads the user's lines; tests replace it.
var sandboxStdin io.Reader = os.Stdin

// sandboxFlags is "nhacviec sandbox": the real bot against an in-process fake Telegram, with a
// demo province, and a chat in the terminal. It needs no token and never opens the operator's
// database: NHACVIEC_DB is ignored, and --keep (or an explicit --db) must name a new file.
func sandboxFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	keep := fs.String("keep", "", "keep the sandbox's database in this new SQLite file (default: a temporary file, removed at exit)")
	return func(e *env, args []string) int {
		if len(args) > 0 {
			return e.fail(e.tx.UnexpectedArgs, args)
		}
		dbFlag, logFlag := false, false
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "db":
				dbFlag = true
			case "log-level":
				logFlag = true
			}
		})
		path := strings.TrimSpace(*keep)
		if dbFlag {
			if path != "" && path != e.cfg.DB {
				return e.fail(e.tx.SandboxTwoFiles, e.cfg.DB, path)
			}
			path = e.cfg.DB
		}
		if path != "" {
			if strings.Contains(path, "://") {
				return e.fail(e.tx.SandboxPostgres, path)
			}
			if _, err := os.Stat(path); err == nil {
				return e.fail(e.tx.SandboxExists, path)
			}
		}
		if path == "" && strings.TrimSpace(e.getenv("NHACVIEC_DB")) != "" {
			e.out("%s", e.tx.SandboxDBIgnored)
		}
		// The bot's log would drown the chat: only warnings and errors, unless asked for more.
		level := e.cfg.LogLevel
		if !logFlag && strings.TrimSpace(e.getenv("NHACVIEC_LOG_LEVEL")) == "" {
			level = max(level, slog.LevelWarn)
		}
		logger := newLogger(Config{LogLevel: level, LogFormat: e.cfg.LogFormat}, e.stderr)
		err := sandbox.Run(e.ctx, sandbox.Options{
			In: sandboxStdin, Out: e.stdout, Echo: !isTerminal(sandboxStdin), Lang: e.cfg.Lang, Keep: path,
			Location: e.cfg.Location, Now: e.now, Logger: logger,
			Ladder: e.cfg.Ladder, Periods: e.periods(), Holidays: e.cfg.Holidays,
		})
		if errors.Is(err, sandbox.ErrExists) {
			return e.fail(e.tx.SandboxExists, path)
		}
		if err != nil {
			return e.fail(e.tx.SandboxFailed, err)
		}
		return 0
	}
}

// isTerminal reports whether r is a terminal, where the user's typing is shown already.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
