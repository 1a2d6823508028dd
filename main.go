// Command nhacviec is a Telegram bot that reminds Vietnamese school heads of the tasks assigned to
// their schools and takes their progress reports. This file wires the packages together; each
// subcommand lives in a cli_*.go file of this package.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh even on a machine without a zone database

	"nhacviec/observe"
	"nhacviec/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a subcommand works with: its configuration, its output, and its language.
type env struct {
	ctx    context.Context
	cfg    Config
	tx     *cliText
	log    *slog.Logger
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time

	metrics *observe.Metrics // serve's, when /metrics is served; nil otherwise
}

// command is a subcommand: its name(s), whether it needs the token, and what it does with the
// arguments left after its flags.
type command struct {
	name      string // "serve", "units import", ...
	needToken bool
	flags     func(fs *flag.FlagSet) func(e *env, args []string) int
}

var commands = []command{
	{name: "serve", needToken: true, flags: serveFlags},
	{name: "migrate", flags: migrateFlags},
	{name: "units import", flags: unitsImportFlags},
	{name: "units list", flags: unitsListFlags},
	{name: "task create", flags: taskCreateFlags},
	{name: "invite create", flags: inviteCreateFlags},
	{name: "invite sheet", flags: inviteSheetFlags},
	{name: "invite list", flags: inviteListFlags},
	{name: "invite revoke", flags: inviteRevokeFlags},
	{name: "directive import", flags: directiveImportFlags},
	{name: "run-job", needToken: true, flags: runJobFlags},
	{name: "holiday", flags: holidayFlags},
	{name: "outbox", flags: outboxFlags},
	{name: "export", flags: exportFlags},
	{name: "digest", flags: digestFlags},
	{name: "backup", flags: backupFlags},
	{name: "member", flags: memberFlags},
	{name: "audit", flags: auditFlags},
	{name: "sandbox", flags: sandboxFlags},
}

// run is the whole program with its inputs passed in, so tests drive it like a user.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runAt(ctx, args, getenv, time.Now, stdout, stderr)
}

// runAt is run with a clock.
func runAt(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) int {
	cmd, rest, ok := findCommand(args)
	if !ok {
		tx := cliTexts["vi"]
		if getenv("NHACVIEC_LANG") == "en" {
			tx = cliTexts["en"]
		}
		fmt.Fprint(stderr, tx.Usage)
		if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
			return 2
		}
		return 0
	}
	fs := flag.NewFlagSet("nhacviec "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := addSettings(fs)
	action := cmd.flags(fs)
	positional, err := parseInterspersed(fs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	set := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		if v, ok := vals[f.Name]; ok {
			set[f.Name] = *v
		}
	})
	cfg, tx, err := loadConfig(set, getenv, cmd.needToken)
	if err != nil {
		fmt.Fprintln(stderr, tx.ConfigProblems)
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, "  - "+line)
		}
		return 1
	}
	e := &env{ctx: ctx, cfg: cfg, tx: tx, log: newLogger(cfg, stderr), stdout: stdout, stderr: stderr, getenv: getenv, now: now}
	return action(e, positional)
}

// parseInterspersed parses flags wherever they stand among the arguments ("directive import
// FILE --json" as well as "directive import --json FILE"), and returns the other arguments;
// everything after "--" is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return append(positional, tail...), nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// findCommand matches the longest command name at the start of args.
func findCommand(args []string) (command, []string, bool) {
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens and migrates the database.
func (e *env) openStore() (*storage.Store, error) {
	st, err := storage.Open(e.ctx, storage.Options{DSN: e.cfg.DB, Logger: e.log, Now: e.now})
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(e.ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	return st, nil
}

// unitByCode finds the unit an operator named. When there is none, or the database fails, it
// says so and returns the exit status to return (1); otherwise 0.
func (e *env) unitByCode(st *storage.Store, code string) (storage.Unit, int) {
	u, err := st.UnitByCode(e.ctx, strings.TrimSpace(code))
	if errors.Is(err, storage.ErrNotFound) {
		return u, e.fail(e.tx.UnknownUnits, code)
	}
	if err != nil {
		return u, e.fail(e.tx.DBError, err)
	}
	return u, 0
}

// fail prints a message for the operator and returns the exit status 1.
func (e *env) fail(format string, args ...any) int {
	fmt.Fprintf(e.stderr, format+"\n", args...)
	return 1
}
