package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"nhacviec/export"
	"nhacviec/storage"
)

// exportFlags is "nhacviec export --unit CODE [--task N] --format xlsx|csv -o FILE": one row per
// school and task beneath the unit, with the latest report, for passing on.
func exportFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	unit := fs.String("unit", "", "the unit whose schools to export (required)")
	task := fs.Int64("task", 0, "only this task (the number task create printed)")
	format := fs.String("format", "xlsx", "xlsx or csv")
	out := fs.String("o", "", "the file to write (required)")
	return func(e *env, args []string) int {
		if len(args) > 0 || strings.TrimSpace(*unit) == "" || *out == "" {
			return e.fail("%s", e.tx.ExportUsage)
		}
		if *format != "xlsx" && *format != "csv" {
			return e.fail(e.tx.BadFormat, *format)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		u, code := e.unitByCode(st, *unit)
		if code != 0 {
			return code
		}
		today := storage.DateOf(e.now(), e.cfg.Location)
		rows, err := st.ExportRows(e.ctx, storage.ExportQuery{Under: []int64{u.ID}, TaskID: *task, Today: today, Loc: e.cfg.Location, Periods: e.periods()})
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		labels := export.For(e.cfg.Lang)
		err = writeFileAtomically(*out, func(w io.Writer) error {
			if *format == "csv" {
				return export.CSV(w, rows, labels, e.cfg.Location)
			}
			return export.XLSX(w, rows, labels, e.cfg.Location)
		})
		if err != nil {
			return e.fail(e.tx.CannotWrite, *out, err)
		}
		e.out(e.tx.Exported, len(rows), *out)
		return 0
	}
}

// writeFileAtomically streams what write writes into a temporary file beside path and renames it
// to path once complete, so that a failure leaves no half-written file and a province's export is
// never held in memory whole. A file replaced keeps its mode; a new one gets the umask's. A path
// that is no regular file (a pipe, /dev/stdout) is written to directly.
func writeFileAtomically(path string, write func(io.Writer) error) (err error) {
	mode := os.FileMode(0o666)
	if info, err := os.Stat(path); err == nil {
		if !info.Mode().IsRegular() {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				return err
			}
			bw := bufio.NewWriterSize(f, 1<<20)
			if err := write(bw); err != nil {
				f.Close()
				return err
			}
			if err := bw.Flush(); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}
		mode = info.Mode().Perm()
	}
	tmp := fmt.Sprintf("%s.%d-%d.tmp", filepath.Join(filepath.Dir(path), "."+filepath.Base(path)), os.Getpid(), time.Now().UnixNano())
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if mode != 0o666 {
		if err = f.Chmod(mode); err != nil { // as the file it replaces, whatever the umask
			return err
		}
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
