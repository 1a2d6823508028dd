package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"nhacviec/calendar"
	"nhacviec/scheduler"
)

// Config is the whole configuration: flag over environment over default.
type Config struct {
	DB              string
	Location        *time.Location
	Token           string // from NHACVIEC_TELEGRAM_TOKEN or NHACVIEC_TELEGRAM_TOKEN_FILE only; never printed
	APIURL          string
	BotUsername     string
	Workers         int
	PollTimeout     time.Duration
	ShutdownTimeout time.Duration
	KeepUpdates     time.Duration
	LogLevel        slog.Level
	LogFormat       string
	Lang            string
	ReminderSpec    string              // the reminder tick's cron spec; empty: no reminders
	DigestSpec      string              // the weekly digest's cron spec; empty: none
	Ladder          scheduler.Ladder    // when reminders go, relative to the deadline
	Holidays        []calendar.Override // from the holidays file
	Rates           scheduler.Rates     // the sender's limits
	MonthlyCutoff   int                 // monthly reports are due on this day
	LeaseTTL        time.Duration       // how long an instance's hold on the scheduled work lasts
	HealthAddr      string              // where /healthz and /metrics listen; empty: nowhere
	WebhookURL      string              // where Telegram posts updates; empty: long polling
	WebhookListen   string              // the address the webhook's HTTP server listens on
	WebhookSecret   string              // from NHACVIEC_WEBHOOK_SECRET only; never printed
}

// setting is one configuration key: its flag, its environment variable and its default. The
// README's configuration table lists the same.
type setting struct {
	flag, env, def, usage string
}

var settings = []setting{
	{"db", "NHACVIEC_DB", "nhacviec.db", "SQLite file, or a postgres:// URL"},
	{"tz", "NHACVIEC_TZ", "Asia/Ho_Chi_Minh", "time zone for dates and times shown to people"},
	{"telegram-api-url", "NHACVIEC_TELEGRAM_API_URL", "", "another Bot API server (a local one, or a test server)"},
	{"bot-username", "NHACVIEC_BOT_USERNAME", "", "the bot's username, for invite links (asked with getMe when empty)"},
	{"workers", "NHACVIEC_WORKERS", "8", "updates handled at once"},
	{"poll-timeout", "NHACVIEC_POLL_TIMEOUT", "50s", "long-poll wait for updates"},
	{"shutdown-timeout", "NHACVIEC_SHUTDOWN_TIMEOUT", "15s", "how long running handlers may finish at shutdown"},
	{"keep-updates", "NHACVIEC_KEEP_UPDATES", "168h", "how long handled updates are kept"},
	{"reminder-spec", "NHACVIEC_REMINDER_SPEC", "*/5 * * * *", "cron spec of the reminder tick (\"off\": no reminders)"},
	{"digest-spec", "NHACVIEC_DIGEST_SPEC", "0 7 * * 1", "cron spec of the weekly digest to supervisors (\"off\": none)"},
	{"ladder", "NHACVIEC_LADDER", "7,3,1/3/2", "working days before the deadline / overdue every / escalate after"},
	{"monthly-cutoff", "NHACVIEC_MONTHLY_CUTOFF", "25", "day of the month monthly reports are due"},
	{"holidays-file", "NHACVIEC_HOLIDAYS_FILE", "", "extra days off or worked, one a line: 2026-12-24 off Name"},
	{"send-rate", "NHACVIEC_SEND_RATE", "25", "messages per second the bot sends on its own, in total"},
	{"lease-ttl", "NHACVIEC_LEASE_TTL", "1m", "with several instances: how soon another takes over the scheduled work from one that died"},
	{"private-gap", "NHACVIEC_PRIVATE_GAP", "1s", "time between two messages to one person"},
	{"group-gap", "NHACVIEC_GROUP_GAP", "3s", "time between two messages to one group"},
	{"webhook-url", "NHACVIEC_WEBHOOK_URL", "", "https address Telegram posts updates to (empty: long polling)"},
	{"webhook-listen", "NHACVIEC_WEBHOOK_LISTEN", ":8080", "with webhook-url: the address the webhook's HTTP server listens on"},
	{"health-addr", "NHACVIEC_HEALTH_ADDR", "", "listen address of /healthz and /metrics, e.g. 127.0.0.1:9464 (empty: off)"},
	{"log-level", "NHACVIEC_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"log-format", "NHACVIEC_LOG_FORMAT", "text", "text or json"},
	{"lang", "NHACVIEC_LANG", "vi", "language of this command line: vi or en"},
}

// The token has no flag: a flag would show it in the process list.
const (
	envToken     = "NHACVIEC_TELEGRAM_TOKEN"
	envTokenFile = "NHACVIEC_TELEGRAM_TOKEN_FILE"
	envSecret    = "NHACVIEC_WEBHOOK_SECRET" // the webhook's secret token, for the same reason
)

// addSettings declares the configuration flags on fs and returns the values they will hold.
func addSettings(fs *flag.FlagSet) map[string]*string {
	vals := make(map[string]*string, len(settings))
	for _, s := range settings {
		vals[s.flag] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def))
	}
	return vals
}

// loadConfig resolves every setting from the flags that were set, then the environment, then the
// defaults, and checks them all, reporting every problem at once in the configured language.
// needToken asks for a token.
func loadConfig(flags map[string]string, getenv func(string) string, needToken bool) (Config, *cliText, error) {
	get := func(name string) string {
		if v, ok := flags[name]; ok {
			return v
		}
		for _, s := range settings {
			if s.flag == name {
				if v := strings.TrimSpace(getenv(s.env)); v != "" {
					return v
				}
				return s.def
			}
		}
		panic("config: unknown setting " + name)
	}
	var problems []error
	c := Config{Lang: get("lang")}
	tx := cliTexts[c.Lang]
	if tx == nil {
		tx = cliTexts["vi"]
		problems = append(problems, fmt.Errorf(tx.BadLang, c.Lang))
	}
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	duration := func(name string) time.Duration {
		d, err := time.ParseDuration(get(name))
		if err != nil || d < 0 {
			bad(tx.BadDuration, name, get(name))
		}
		return d
	}

	c.DB = get("db")
	c.APIURL = get("telegram-api-url")
	c.BotUsername = strings.TrimPrefix(get("bot-username"), "@")
	c.PollTimeout = duration("poll-timeout")
	c.ShutdownTimeout = duration("shutdown-timeout")
	c.KeepUpdates = duration("keep-updates")
	c.LogFormat = get("log-format")
	loc, err := time.LoadLocation(get("tz"))
	if err != nil {
		bad(tx.BadTZ, get("tz"))
	}
	c.Location = loc
	if c.Workers, err = strconv.Atoi(get("workers")); err != nil || c.Workers < 1 || c.Workers > 256 {
		bad(tx.BadWorkers, get("workers"))
	}
	if c.PollTimeout > 0 && (c.PollTimeout < time.Second || c.PollTimeout > 5*time.Minute) {
		bad(tx.BadPollTimeout, c.PollTimeout)
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("log-level"))); err != nil {
		bad(tx.BadLogLevel, get("log-level"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad(tx.BadLogFormat, c.LogFormat)
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(tx.BadAPIURL, c.APIURL)
		}
	}
	if strings.TrimSpace(c.DB) == "" {
		bad("%s", tx.EmptyDB)
	}
	if c.WebhookURL = get("webhook-url"); c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			bad(tx.BadWebhookURL, c.WebhookURL)
		}
		c.WebhookSecret = strings.TrimSpace(getenv(envSecret))
		if !validSecret(c.WebhookSecret) {
			bad(tx.BadWebhookSecret, envSecret)
		}
		c.WebhookListen = get("webhook-listen")
		if _, port, err := net.SplitHostPort(c.WebhookListen); err != nil || port == "" {
			bad("webhook-listen: "+tx.BadHealthAddr, c.WebhookListen)
		}
	}
	if c.HealthAddr = get("health-addr"); c.HealthAddr != "" {
		if _, port, err := net.SplitHostPort(c.HealthAddr); err != nil || port == "" {
			bad("health-addr: "+tx.BadHealthAddr, c.HealthAddr)
		}
	}
	if c.ReminderSpec = get("reminder-spec"); c.ReminderSpec == "off" {
		c.ReminderSpec = ""
	} else if err := scheduler.ValidSpec(c.ReminderSpec); err != nil {
		bad(tx.BadSpec, "reminder-spec", c.ReminderSpec)
	}
	if c.DigestSpec = get("digest-spec"); c.DigestSpec == "off" {
		c.DigestSpec = ""
	} else if err := scheduler.ValidSpec(c.DigestSpec); err != nil {
		bad(tx.BadSpec, "digest-spec", c.DigestSpec)
	}
	if c.Ladder, err = scheduler.ParseLadder(get("ladder")); err != nil {
		bad(tx.BadLadder, get("ladder"))
	}
	if c.MonthlyCutoff, err = strconv.Atoi(get("monthly-cutoff")); err != nil || c.MonthlyCutoff < 1 || c.MonthlyCutoff > 28 {
		bad(tx.BadCutoff, get("monthly-cutoff"))
	}
	if f := get("holidays-file"); f != "" {
		data, err := os.Open(f)
		if err == nil {
			c.Holidays, err = calendar.ParseOverrides(data)
			data.Close()
		}
		if err != nil {
			bad(tx.BadHolidays, f, err)
		}
	}
	rate, err := strconv.ParseFloat(get("send-rate"), 64)
	if err != nil || rate <= 0 || rate > 1000 {
		bad(tx.BadRate, get("send-rate"))
	}
	c.Rates = scheduler.Rates{PerSecond: rate, PrivateGap: duration("private-gap"), GroupGap: duration("group-gap")}
	if c.LeaseTTL = duration("lease-ttl"); c.LeaseTTL > 0 && c.LeaseTTL < 3*time.Second {
		bad(tx.BadDuration, "lease-ttl", get("lease-ttl"))
	}

	token, file := strings.TrimSpace(getenv(envToken)), strings.TrimSpace(getenv(envTokenFile))
	tokenReported := false
	switch {
	case token != "" && file != "":
		bad(tx.TwoTokens, envToken, envTokenFile)
		tokenReported = true
	case file != "":
		data, err := os.ReadFile(file)
		c.Token = strings.TrimSpace(string(data))
		switch {
		case err != nil:
			bad(tx.TokenFileUnreadable, envTokenFile, file, errors.Unwrap(err))
			tokenReported = true
		case c.Token == "":
			bad(tx.TokenFileEmpty, envTokenFile, file)
			tokenReported = true
		}
	default:
		c.Token = token
	}
	if c.Token != "" && !validToken(c.Token) {
		bad("%s", tx.TokenMalformed)
		c.Token, tokenReported = "", true
	}
	if needToken && c.Token == "" && !tokenReported {
		bad(tx.NoToken, envToken, envTokenFile)
	}
	return c, tx, errors.Join(problems...)
}

// validToken checks the shape of a bot token: digits, a colon, then URL-safe characters.
func validToken(t string) bool {
	id, secret, ok := strings.Cut(t, ":")
	if !ok || id == "" || len(secret) < 5 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	for _, r := range secret {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// validSecret reports whether s is a secret token Telegram accepts: 1 to 256 of A–Z, a–z, 0–9,
// _ and -.
func validSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
