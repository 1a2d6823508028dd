package main

import (
	"bufio"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"

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
// never held in memory whole.
func writeFileAtomically(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
