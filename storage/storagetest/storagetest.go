// Package storagetest gives each test a fresh, migrated database and builders for units, members,
// tasks and reports. SQLite is always available; PostgreSQL is used when NHACVIEC_TEST_POSTGRES
// holds a DSN (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable), each test in
// a schema of its own that is dropped afterwards.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"nhacviec/storage"
)

// PostgresEnv names the environment variable that holds the PostgreSQL DSN for tests.
const PostgresEnv = "NHACVIEC_TEST_POSTGRES"

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Options adjust the store a test gets.
type Options struct {
	Now    func() time.Time // default: time.Now
	Logger *slog.Logger     // default: discard
}

func (o Options) storageOptions(dsn string) storage.Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return storage.Options{DSN: dsn, Now: o.Now, Logger: o.Logger}
}

// SQLite returns a migrated store on a new SQLite file in the test's temporary directory.
func SQLite(t testing.TB, o Options) *storage.Store {
	t.Helper()
	return open(t, o.storageOptions(filepath.Join(t.TempDir(), "test.db")))
}

// Postgres returns a migrated store in a new schema of the PostgreSQL database named by
// NHACVIEC_TEST_POSTGRES, and skips the test when that is unset.
func Postgres(t testing.TB, o Options) *storage.Store {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s is not set", PostgresEnv)
	}
	ctx := context.Background()
	schema := "t_" + randomHex(6)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("storagetest: connect to PostgreSQL: %v", err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatalf("storagetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storagetest: drop schema: %v", err)
		}
		conn.Close(context.Background())
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storagetest: %s is not a URL: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, o.storageOptions(u.String()))
}

func open(t testing.TB, opts storage.Options) *storage.Store {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, opts)
	if err != nil {
		t.Fatalf("storagetest: open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("storagetest: migrate: %v", err)
	}
	return s
}

// Each runs fn as a subtest on SQLite and, when NHACVIEC_TEST_POSTGRES is set, on PostgreSQL.
func Each(t *testing.T, o Options, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, o)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, o)) })
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Tree imports units given as "code,name,kind,parent,level" lines (the CSV format without a
// header) and returns them by code.
func Tree(t testing.TB, s *storage.Store, lines ...string) map[string]storage.Unit {
	t.Helper()
	rows := make([]storage.UnitRow, 0, len(lines))
	for i, l := range lines {
		f := splitComma(l, 5)
		rows = append(rows, storage.UnitRow{Line: i + 1, Code: f[0], Name: f[1], Kind: storage.UnitKind(f[2]), Parent: f[3], Level: storage.Level(f[4])})
	}
	ctx := context.Background()
	if _, err := s.ImportUnits(ctx, rows); err != nil {
		t.Fatalf("storagetest: import units: %v", err)
	}
	units, err := s.Units(ctx)
	if err != nil {
		t.Fatalf("storagetest: units: %v", err)
	}
	out := make(map[string]storage.Unit, len(units))
	for _, u := range units {
		out[u.Code] = u
	}
	return out
}

func splitComma(s string, n int) []string {
	out := make([]string, n)
	i := 0
	for start := 0; i < n; i++ {
		end := start
		for end < len(s) && s[end] != ',' {
			end++
		}
		out[i] = s[start:end]
		if end >= len(s) {
			break
		}
		start = end + 1
	}
	return out
}

// ProvinceLines is a small province: a Sở, two communes, five schools of several levels.
var ProvinceLines = []string{
	"SO,Sở GD&ĐT Tỉnh Mẫu,department,,",
	"XA_A,UBND xã An Phú,commune,SO,",
	"XA_B,UBND phường Bình Minh,commune,SO,",
	"MN_A,Trường Mầm non An Phú,school,XA_A,mam_non",
	"TH_A,Trường Tiểu học An Phú,school,XA_A,tieu_hoc",
	"THCS_A,Trường THCS An Phú,school,XA_A,thcs",
	"TH_B,Trường Tiểu học Bình Minh,school,XA_B,tieu_hoc",
	"THPT_1,Trường THPT Chuyên Tỉnh Mẫu,school,SO,thpt",
}

// Province imports ProvinceLines.
func Province(t testing.TB, s *storage.Store) map[string]storage.Unit {
	t.Helper()
	return Tree(t, s, ProvinceLines...)
}

// Join makes a Telegram user a member of the unit with the role, through a one-use invite, and
// returns the member.
func Join(t testing.TB, s *storage.Store, telegramID int64, firstName string, unit storage.Unit, role storage.Role) storage.Member {
	t.Helper()
	ctx := context.Background()
	inv, err := s.CreateInvite(ctx, storage.NewInvite{UnitID: unit.ID, Role: role, MaxUses: 1})
	if err != nil {
		t.Fatalf("storagetest: create invite: %v", err)
	}
	r, err := s.RedeemInvite(ctx, inv.Code, storage.TelegramUser{ID: telegramID, FirstName: firstName})
	if err != nil {
		t.Fatalf("storagetest: redeem invite: %v", err)
	}
	return r.Member
}

// Task creates a task due on the date (YYYY-MM-DD) for the schools.
func Task(t testing.TB, s *storage.Store, title, due string, schools ...storage.Unit) (storage.Task, []storage.Assignment) {
	t.Helper()
	d, err := storage.ParseDate(due)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	ids := make([]int64, len(schools))
	for i, u := range schools {
		ids[i] = u.ID
	}
	task, as, err := s.CreateTask(context.Background(), storage.NewTask{Title: title, Due: d}, ids)
	if err != nil {
		t.Fatalf("storagetest: create task: %v", err)
	}
	return task, as
}

// Must takes a call's two results and returns a function that fails the test on the error and
// otherwise returns the value: got := storagetest.Must(s.UnitByCode(ctx, "SO"))(t).
func Must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%v", fmt.Errorf("unexpected error: %w", err))
		}
		return v
	}
}

// Itoa writes a number, for building keys and callback data in tests.
func Itoa(n int64) string { return fmt.Sprint(n) }
