package main

import (
	"flag"
	"fmt"

	"nhacviec/digest"
)

// digestFlags is "nhacviec digest --unit CODE [--at TIME]": the digest a supervisor of the unit
// gets, as plain text, as of a time (now by default), with the week before it.
func digestFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	unit := fs.String("unit", "", "the unit (required)")
	atFlag := fs.String("at", "", "as of this local time, 2026-12-14T07:00 (default: now)")
	return func(e *env, args []string) int {
		if len(args) > 0 || *unit == "" {
			return e.fail("%s", e.tx.DigestUsage)
		}
		at, ok := e.at(*atFlag)
		if !ok {
			return e.fail(e.tx.BadAt, *atFlag)
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
		d, err := digest.Compute(e.ctx, st, digest.Query{Unit: u, Since: at.AddDate(0, 0, -7), At: at, Loc: e.cfg.Location, Periods: e.periods()})
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		fmt.Fprintln(e.stdout, d.Text(digest.For(e.cfg.Lang), e.cfg.Location))
		return 0
	}
}
