package main

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"nhacviec/storage"
)

// nhacviec backup copies the database while someone writes to it; the copy opens, passes its
// integrity check and holds what was there; an existing file is never overwritten, and a
// PostgreSQL database is pointed to pg_dump.
func TestBackupWhileWriting(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("migrate"); code != 0 {
		t.Fatal(errOut)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.Options{DSN: c.env["NHACVIEC_DB"]})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Someone adds days off the whole time the backup runs.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			d := storage.Date{Year: 2030 + i/336, Month: time.Month(1 + i/28%12), Day: 1 + i%28}
			if err := st.SetDayOff(ctx, storage.DayOff{Date: d, Off: true, Name: "thử"}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	out := filepath.Join(t.TempDir(), "sao luu #1.db") // a space and a '#' in the name
	code, stdout, errOut := c.run("backup", "-o", out)
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(stdout, "Đã sao lưu vào") || !strings.Contains(stdout, "tốt") {
		t.Fatalf("%d %s %s", code, stdout, errOut)
	}
	copy, err := sql.Open("sqlite3", "file:"+url.PathEscape(out)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	var n int
	if err := copy.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != len(storage.MigrationIDs()) {
		t.Fatalf("the copy's migrations: %d %v", n, err)
	}
	if _, err := os.Stat(out + "-wal"); err == nil {
		t.Fatal("the copy has a write-ahead log beside it")
	}
	// Never over a file.
	if code, _, errOut := c.run("backup", "-o", out); code != 1 || !strings.Contains(errOut, "đã có") {
		t.Fatalf("overwrite: %d %s", code, errOut)
	}
	if code, _, _ := c.run("backup"); code != 1 {
		t.Fatal("no -o accepted")
	}
}

func TestBackupPostgres(t *testing.T) {
	dsn := os.Getenv("NHACVIEC_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("NHACVIEC_TEST_POSTGRES is not set")
	}
	c := newCLI(t)
	c.env["NHACVIEC_DB"] = dsn
	if code, _, errOut := c.run("backup", "-o", filepath.Join(t.TempDir(), "x.db")); code != 1 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("%d %s", code, errOut)
	}
}
