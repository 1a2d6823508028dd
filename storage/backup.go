package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// ErrBackupPostgres says that a PostgreSQL database is backed up with its own tools (pg_dump).
var ErrBackupPostgres = errors.New("storage: a PostgreSQL database is backed up with pg_dump")

// ErrBackupExists says that the backup file is already there; it is never overwritten.
var ErrBackupExists = errors.New("storage: the backup file already exists")

// Backup writes a consistent copy of a SQLite database to path while it is in use (VACUUM INTO:
// one read transaction, so writes made meanwhile are either wholly in the copy or not at all),
// then checks the copy's integrity. The copy is compact and has no write-ahead log: it is a
// database file that can be put in place of the original as it is.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != DialectSQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return ErrBackupExists
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("storage: backup: %w", err)
	}
	if err := s.q(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return wrap("backup", err)
	}
	registerSQLite()
	uri := "file:" + strings.ReplaceAll(url.PathEscape(path), "%2F", "/") + "?mode=ro" // read only: the copy stays as written
	copy, err := sql.Open(sqliteDriver, uri)
	if err != nil {
		return fmt.Errorf("storage: backup: open the copy: %w", err)
	}
	defer copy.Close()
	var result string
	if err := copy.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return fmt.Errorf("storage: backup: check the copy: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("storage: backup: the copy failed its integrity check: %s", result)
	}
	return nil
}
