package main

import (
	"bytes"
	"flag"
	"os"
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
		var buf bytes.Buffer
		labels := export.For(e.cfg.Lang)
		if *format == "csv" {
			err = export.CSV(&buf, rows, labels, e.cfg.Location)
		} else {
			err = export.XLSX(&buf, rows, labels, e.cfg.Location)
		}
		if err == nil {
			err = os.WriteFile(*out, buf.Bytes(), 0o644)
		}
		if err != nil {
			return e.fail(e.tx.CannotWrite, *out, err)
		}
		e.out(e.tx.Exported, len(rows), *out)
		return 0
	}
}
