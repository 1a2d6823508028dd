package storage

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// The statement cache must behave like plain database/sql: a statement whose rows are still open
// is not reused under them, scripts of several statements run whole, and old statements are
// evicted.
func TestStatementCache(t *testing.T) {
	registerSQLite()
	db, err := sql.Open(sqliteDriver, sqliteDSN(filepath.Join(t.TempDir(), "cache.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // every query on the same connection, so the cache is shared
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES ('a'); INSERT INTO t (v) VALUES ('b');"); err != nil {
		t.Fatalf("a script of several statements: %v", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = "SELECT id, v FROM t WHERE id >= ? ORDER BY id"
	outer, err := tx.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var id int
		var v string
		if err := outer.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		// The same query while the outer rows are open.
		inner, err := tx.QueryContext(ctx, q, id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for inner.Next() {
			n++
		}
		inner.Close()
		got = append(got, fmt.Sprintf("%s:%d", v, n))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if fmt.Sprint(got) != "[a:2 b:1]" {
		t.Fatalf("nested use of a cached statement: %v", got)
	}
	// More distinct statements than the cache holds, each run twice.
	for round := 0; round < 2; round++ {
		for i := 0; i < stmtCacheSize+10; i++ {
			var n int
			if err := tx.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) + %d FROM t", i)).Scan(&n); err != nil || n != 2+i {
				t.Fatalf("query %d: %d %v", i, n, err)
			}
		}
	}
	res, err := tx.ExecContext(ctx, "UPDATE t SET v = ? WHERE id = ?", "c", 1)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("exec: %v %d", err, n)
	}
	res, err = tx.ExecContext(ctx, "UPDATE t SET v = ? WHERE id = ?", "d", 1)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("exec again through the cache: %v %d", err, n)
	}
}
