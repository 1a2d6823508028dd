package main

import (
	"flag"

	"nhacviec/storage"
)

// auditFlags is "nhacviec audit [--since DATE] [--unit CODE]": who did what, oldest first.
func auditFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	since := fs.String("since", "", "from this day on, 2026-11-01 or 01/11/2026 (default: the last 7 days)")
	unit := fs.String("unit", "", "only what concerns the units beneath this one")
	return func(e *env, args []string) int {
		if len(args) > 0 {
			return e.fail("%s", e.tx.AuditUsage)
		}
		from := e.now().AddDate(0, 0, -7)
		if *since != "" {
			d, err := storage.ParseDate(*since)
			if err != nil {
				return e.fail(e.tx.BadSince, *since)
			}
			from = d.Time(e.cfg.Location)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		var under []int64
		if *unit != "" {
			u, code := e.unitByCode(st, *unit)
			if code != 0 {
				return code
			}
			under = []int64{u.ID}
		}
		entries, err := st.AuditLog(e.ctx, from, under)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		if len(entries) == 0 {
			e.out(e.tx.AuditNone, from.In(e.cfg.Location).Format("02/01/2006"))
			return 0
		}
		for _, a := range entries {
			e.out("%s  %-13s %-10s %-32s %s", a.At.In(e.cfg.Location).Format("02/01/2006 15:04"), a.Action, a.Unit, clipText(a.Who, 32), clipText(a.Detail, 120))
		}
		return 0
	}
}

// clipText shortens s to n characters with "…".
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
