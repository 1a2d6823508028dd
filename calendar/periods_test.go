package calendar

import (
	"fmt"
	"testing"
	"time"
)

// Report windows: weekly to Friday, monthly to the 25th, semesters to 15 January and 25 May.
func TestPeriods(t *testing.T) {
	p := DefaultPeriods
	for _, tc := range []struct {
		c                    string
		day, start, cut      string
		prevStart, prevCutof string
	}{
		{Weekly, "2026-11-23", "2026-11-21", "2026-11-27", "2026-11-14", "2026-11-20"},
		{Weekly, "2026-11-27", "2026-11-21", "2026-11-27", "2026-11-14", "2026-11-20"},
		{Weekly, "2026-11-28", "2026-11-28", "2026-12-04", "2026-11-21", "2026-11-27"},
		{Monthly, "2026-11-23", "2026-10-26", "2026-11-25", "2026-09-26", "2026-10-25"},
		{Monthly, "2026-11-26", "2026-11-26", "2026-12-25", "2026-10-26", "2026-11-25"},
		{Monthly, "2027-01-10", "2026-12-26", "2027-01-25", "2026-11-26", "2026-12-25"},
		{Semester, "2026-11-23", "2026-05-26", "2027-01-15", "2026-01-16", "2026-05-25"},
		{Semester, "2027-02-01", "2027-01-16", "2027-05-25", "2026-05-26", "2027-01-15"},
	} {
		cur := p.Period(tc.c, day(tc.day))
		prev := p.Previous(tc.c, cur)
		got := []time.Time{cur.Start, cur.Cutoff, prev.Start, prev.Cutoff}
		want := []string{tc.start, tc.cut, tc.prevStart, tc.prevCutof}
		for i := range got {
			if !got[i].Equal(day(want[i])) {
				t.Errorf("%s %s: window %v, previous %v; want %v", tc.c, tc.day, cur, prev, want)
				break
			}
		}
	}
}

// Windows lists the cut-offs between two days, the first window being the one that holds from.
func TestWindows(t *testing.T) {
	ws := DefaultPeriods.Windows(Weekly, day("2026-11-23"), day("2026-12-11"))
	var cuts []string
	for _, w := range ws {
		cuts = append(cuts, w.Cutoff.Format("2006-01-02"))
	}
	if got := fmt.Sprint(cuts); got != "[2026-11-27 2026-12-04 2026-12-11]" {
		t.Fatalf("weekly: %s", got)
	}
	if ws := DefaultPeriods.Windows(Monthly, day("2026-11-26"), day("2026-12-24")); len(ws) != 0 {
		t.Fatalf("monthly: %v", ws)
	}
}
