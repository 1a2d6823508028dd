package main

import (
	"errors"
	"flag"
	"os"

	"nhacviec/storage"
)

// backupFlags is "nhacviec backup -o FILE": a consistent copy of the SQLite database, made while
// the bot runs, checked, never over an existing file. PostgreSQL is backed up with pg_dump.
func backupFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	out := fs.String("o", "", "the backup file to write (required; never overwritten)")
	return func(e *env, args []string) int {
		if len(args) > 0 || *out == "" {
			return e.fail("%s", e.tx.BackupUsage)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		err = st.Backup(e.ctx, *out)
		switch {
		case errors.Is(err, storage.ErrBackupPostgres):
			return e.fail("%s", e.tx.BackupPostgres)
		case errors.Is(err, storage.ErrBackupExists):
			return e.fail(e.tx.BackupExists, *out)
		case err != nil:
			return e.fail(e.tx.BackupFailed, err)
		}
		info, err := os.Stat(*out)
		if err != nil {
			return e.fail(e.tx.BackupFailed, err)
		}
		e.out(e.tx.BackedUp, *out, float64(info.Size())/(1<<20))
		return 0
	}
}
