// Package storage keeps nhacviec's data: the unit tree, members and invites, tasks and their
// assignments to schools, reports with evidence, and the inbox of Telegram updates. It is the only
// package that knows GORM. The models in models.go are the domain types the rest of the program
// uses.
//
// The default database is a SQLite file (WAL, busy timeout, immediate transactions, foreign keys
// on); a postgres:// DSN selects PostgreSQL with the same schema and behaviour. Times are stored in
// UTC.
package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// Errors callers check with errors.Is.
var (
	ErrNotFound = errors.New("storage: not found")
	ErrConflict = errors.New("storage: already exists")
)

// Options configure Open.
type Options struct {
	// DSN is a SQLite file path (optionally file:path?params) or a postgres:// URL.
	DSN string
	// Now is the clock; it defaults to time.Now.
	Now func() time.Time
	// Logger receives slow queries and database errors; it defaults to slog.Default().
	Logger *slog.Logger
}

// Store is the database. A Store returned to a Tx callback is bound to that transaction.
type Store struct {
	db      *gorm.DB
	now     func() time.Time
	log     *slog.Logger
	dialect string
	inTx    bool
}

// Dialects.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// IsPostgresDSN reports whether dsn selects PostgreSQL.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database. It does not migrate; call Migrate.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if strings.TrimSpace(opts.DSN) == "" {
		return nil, errors.New("storage: open: empty DSN")
	}
	s := &Store{now: opts.Now, log: opts.Logger}
	var dialector gorm.Dialector
	if IsPostgresDSN(opts.DSN) {
		s.dialect = DialectPostgres
		dialector = postgres.Open(opts.DSN)
	} else {
		s.dialect = DialectSQLite
		registerSQLite()
		dialector = sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: sqliteDSN(opts.DSN)})
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		TranslateError: true,
		NowFunc:        s.clock,
		Logger:         gormLogger{log: opts.Logger.With("component", "storage"), slow: 500 * time.Millisecond},
	})
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", s.dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	if s.dialect == DialectSQLite {
		// One writer at a time is SQLite's rule anyway; a few readers run beside it in WAL mode.
		sqlDB.SetMaxOpenConns(4)
		sqlDB.SetMaxIdleConns(4)
	} else {
		sqlDB.SetMaxOpenConns(16)
		sqlDB.SetMaxIdleConns(4)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("storage: open %s: %w", s.dialect, err)
	}
	s.db = db
	return s, nil
}

// sqliteDSN adds the settings nhacviec relies on to a SQLite path, unless the operator set them.
func sqliteDSN(dsn string) string {
	path, rawQuery, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		q = url.Values{}
	}
	defaults := [][2]string{
		{"_foreign_keys", "1"},
		{"_journal_mode", "WAL"},
		{"_busy_timeout", "10000"},
		{"_txlock", "immediate"},
		{"_synchronous", "NORMAL"},
		{"_cache_size", "-32768"}, // 32 MB of pages per connection: a province reads its reports from memory
	}
	for _, kv := range defaults {
		if q.Get(kv[0]) == "" {
			q.Set(kv[0], kv[1])
		}
	}
	return path + "?" + q.Encode()
}

// clock is the time GORM writes into CreatedAt and UpdatedAt: UTC, to the microsecond that
// PostgreSQL keeps, so both databases give back what was written.
func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Now returns the store's clock reading as it would be stored.
func (s *Store) Now() time.Time { return s.clock() }

// Dialect returns DialectSQLite or DialectPostgres.
func (s *Store) Dialect() string { return s.dialect }

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("storage: close: %w", err)
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("storage: ping: %w", err)
	}
	return sqlDB.PingContext(ctx)
}

// Tx runs fn in one transaction: everything fn does through tx commits together or not at all.
// Called on a store that is already in a transaction, it runs fn in a savepoint, so that an error
// from fn undoes fn's writes and leaves the outer transaction usable.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		return fn(&Store{db: g, now: s.now, log: s.log, dialect: s.dialect, inTx: true})
	})
}

// atomic runs fn in a transaction of its own, or simply inside the caller's. It is for writes whose
// only errors are unexpected ones: those fail the caller's whole transaction anyway, so a savepoint
// would buy nothing.
func (s *Store) atomic(ctx context.Context, fn func(tx *Store) error) error {
	if s.inTx {
		return fn(s)
	}
	return s.Tx(ctx, fn)
}

// q returns a session bound to ctx.
func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// wrap maps GORM's not-found and duplicate-key errors to ErrNotFound and ErrConflict, prefixed
// with the operation.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("storage: %s: %w", op, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("storage: %s: %w", op, ErrConflict)
	}
	return fmt.Errorf("storage: %s: %w", op, err)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Count counts the rows of a model's table (a pointer to a model, such as &Task{}).
func (s *Store) Count(ctx context.Context, model any) (int64, error) {
	var n int64
	err := s.q(ctx).Model(model).Count(&n).Error
	return n, wrap("count", err)
}
