package storage

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"

	"github.com/mattn/go-sqlite3"
)

// sqliteDriver is mattn/go-sqlite3 with a cache of prepared statements on each connection.
// database/sql prepares a statement for every query and throws it away, and SQLite spends more
// time parsing our queries than running them; the cache keeps the most recent ones ready.
const sqliteDriver = "nhacviec-sqlite3"

// stmtCacheSize bounds the statements kept per connection.
const stmtCacheSize = 256

var registerDriver sync.Once

func registerSQLite() {
	registerDriver.Do(func() { sql.Register(sqliteDriver, cachingDriver{}) })
}

type cachingDriver struct{}

func (cachingDriver) Open(dsn string) (driver.Conn, error) {
	c, err := (&sqlite3.SQLiteDriver{}).Open(dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{SQLiteConn: c.(*sqlite3.SQLiteConn), stmts: map[string]*list.Element{}, lru: list.New()}, nil
}

// cachingConn is one connection with its statement cache. database/sql uses a connection from one
// goroutine at a time, so the cache needs no lock.
type cachingConn struct {
	*sqlite3.SQLiteConn
	stmts map[string]*list.Element // query → element of lru holding *cachedStmt
	lru   *list.List
}

type cachedStmt struct {
	query string
	stmt  *sqlite3.SQLiteStmt
	busy  bool // rows still open on it
}

// cacheable reports whether a query is a single statement that can be kept prepared.
func cacheable(query string) bool {
	q := strings.TrimRight(strings.TrimSpace(query), ";")
	return q != "" && !strings.Contains(q, ";")
}

// get returns a free cached statement for the query, preparing it if needed, or nil when the
// query is not cached.
func (c *cachingConn) get(ctx context.Context, query string) (*cachedStmt, error) {
	if !cacheable(query) {
		return nil, nil
	}
	if e, ok := c.stmts[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil // in use by open rows: run this one uncached
		}
		c.lru.MoveToFront(e)
		return cs, nil
	}
	st, err := c.SQLiteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{query: query, stmt: st.(*sqlite3.SQLiteStmt)}
	c.stmts[query] = c.lru.PushFront(cs)
	// Evict the least recently used statement that no open rows are reading.
	for e := c.lru.Back(); c.lru.Len() > stmtCacheSize && e != nil; {
		prev := e.Prev()
		if old := e.Value.(*cachedStmt); !old.busy {
			c.lru.Remove(e)
			delete(c.stmts, old.query)
			_ = old.stmt.Close()
		}
		e = prev
	}
	return cs, nil
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.get(ctx, query)
	if err != nil || cs == nil {
		if err != nil {
			return nil, err
		}
		return c.SQLiteConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{SQLiteRows: rows.(*sqlite3.SQLiteRows), cs: cs}, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.get(ctx, query)
	if err != nil || cs == nil {
		if err != nil {
			return nil, err
		}
		return c.SQLiteConn.ExecContext(ctx, query, args)
	}
	return cs.stmt.ExecContext(ctx, args)
}

func (c *cachingConn) Close() error {
	for e := c.lru.Front(); e != nil; e = e.Next() {
		_ = e.Value.(*cachedStmt).stmt.Close()
	}
	c.stmts, c.lru = nil, list.New()
	return c.SQLiteConn.Close()
}

// cachedRows frees its statement for the next query when closed.
type cachedRows struct {
	*sqlite3.SQLiteRows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	r.cs.busy = false
	return r.SQLiteRows.Close()
}
