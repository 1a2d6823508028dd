package scheduler

import (
	"testing"
	"time"

	"nhacviec/calendar"
	"nhacviec/storage"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The ladder for a deadline on Friday 18 December 2026, day by day, and across Tết 2027.
func TestLadderLatest(t *testing.T) {
	cal := calendar.New(nil)
	for _, tc := range []struct {
		due, today string
		rule, day  string // "" when no rung has come
		overdue    int
	}{
		{"2026-12-18", "2026-12-08", "", "", 0},
		{"2026-12-18", "2026-12-09", "d-7", "2026-12-09", 0}, // 7 working days before
		{"2026-12-18", "2026-12-14", "d-7", "2026-12-09", 0},
		{"2026-12-18", "2026-12-15", "d-3", "2026-12-15", 0},
		{"2026-12-18", "2026-12-17", "d-1", "2026-12-17", 0},
		{"2026-12-18", "2026-12-18", "d0", "2026-12-18", 0},
		{"2026-12-18", "2026-12-22", "d0", "2026-12-18", 0},
		{"2026-12-18", "2026-12-23", "od1", "2026-12-23", 1}, // 3 working days after
		{"2026-12-18", "2026-12-28", "od2", "2026-12-28", 2},
		{"2026-12-18", "2027-01-05", "od3", "2026-12-31", 3}, // 1/1 is a holiday
		{"2026-12-18", "2027-01-06", "od4", "2027-01-06", 4},
		// A deadline right after Tết 2027 (4–10 February off): d-1 is 3 February.
		{"2027-02-11", "2027-02-03", "d-1", "2027-02-03", 0},
		{"2027-02-11", "2027-02-01", "d-3", "2027-02-01", 0},
		// A deadline on a Saturday: the morning of the deadline is that Saturday.
		{"2026-12-19", "2026-12-19", "d0", "2026-12-19", 0},
		{"2026-12-19", "2026-12-18", "d-1", "2026-12-18", 0},
	} {
		st, ok := DefaultLadder.latest(cal, d(tc.due), d(tc.today))
		if tc.rule == "" {
			if ok {
				t.Errorf("due %s, today %s: %+v, want none", tc.due, tc.today, st)
			}
			continue
		}
		if !ok || st.rule != tc.rule || !st.day.Equal(d(tc.day)) || st.overdue != tc.overdue {
			t.Errorf("due %s, today %s: %s %s %d, want %s %s %d", tc.due, tc.today, st.rule, st.day.Format("2006-01-02"), st.overdue, tc.rule, tc.day, tc.overdue)
		}
	}
}

func TestParseLadder(t *testing.T) {
	l, err := ParseLadder("1,5,2/2/1")
	if err != nil || len(l.Before) != 3 || l.Before[0] != 5 || l.OverdueEvery != 2 || l.EscalateAfter != 1 {
		t.Fatalf("%+v %v", l, err)
	}
	for _, bad := range []string{"", "7,3,1", "7,x/3/2", "7/0/2", "0/3/2", "7/3/-1"} {
		if _, err := ParseLadder(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestQuietHours(t *testing.T) {
	for _, tc := range []struct {
		minute, from, to int
		want             bool
	}{
		{450, 1260, 390, false}, // 07:30 with quiet 21:00–06:30
		{389, 1260, 390, true},
		{390, 1260, 390, false},
		{1260, 1260, 390, true},
		{1259, 1260, 390, false},
		{0, 1260, 390, true},
		{720, 720, 780, true}, // a lunch break 12:00–13:00
		{780, 720, 780, false},
		{600, 600, 600, false}, // none
	} {
		if got := storage.Quiet(tc.minute, tc.from, tc.to); got != tc.want {
			t.Errorf("quiet(%d, %d–%d) = %v", tc.minute, tc.from, tc.to, got)
		}
	}
}
