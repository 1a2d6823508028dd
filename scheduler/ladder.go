package scheduler

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"nhacviec/calendar"
	"nhacviec/storage"
)

// Ladder is when a member is reminded of a deadline: some working days before it, on the morning
// of the deadline, then every few working days while it is overdue; after some overdue reminders
// the school's supervisors are told.
type Ladder struct {
	Before        []int // working days before the deadline, e.g. 7, 3, 1
	OverdueEvery  int   // working days between two overdue reminders
	EscalateAfter int   // overdue reminders before the supervisors are told
}

// DefaultLadder is the rule: 7, 3 and 1 working days before, the morning of the deadline,
// then every 3 working days; supervisors after the second overdue reminder.
var DefaultLadder = Ladder{Before: []int{7, 3, 1}, OverdueEvery: 3, EscalateAfter: 2}

// ParseLadder reads "7,3,1/3/2": the days before, the overdue interval, the escalation count.
func ParseLadder(s string) (Ladder, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return Ladder{}, fmt.Errorf("scheduler: ladder %q: want days-before/overdue-every/escalate-after, like 7,3,1/3/2", s)
	}
	var l Ladder
	for _, p := range strings.Split(parts[0], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 60 {
			return Ladder{}, fmt.Errorf("scheduler: ladder %q: %q is not a number of days from 1 to 60", s, p)
		}
		l.Before = append(l.Before, n)
	}
	var err1, err2 error
	l.OverdueEvery, err1 = strconv.Atoi(strings.TrimSpace(parts[1]))
	l.EscalateAfter, err2 = strconv.Atoi(strings.TrimSpace(parts[2]))
	if err1 != nil || err2 != nil || l.OverdueEvery < 1 || l.EscalateAfter < 0 {
		return Ladder{}, fmt.Errorf("scheduler: ladder %q: the overdue interval must be at least 1 and the escalation count at least 0", s)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(l.Before)))
	return l, nil
}

// step is one rung of the ladder reached: its rule and its day.
type step struct {
	rule    string
	day     time.Time
	overdue int // how many overdue reminders this one is (0 before the deadline)
}

// latest is the last rung whose day has come by today, for a deadline; ok is false before the
// first.
func (l Ladder) latest(cal *calendar.Calendar, due, today time.Time) (step, bool) {
	if !today.Before(due) {
		k := 0
		if l.OverdueEvery > 0 {
			k = cal.WorkingDaysBetween(due, today) / l.OverdueEvery
		}
		if k == 0 {
			return step{rule: storage.RuleDueDay, day: due}, true
		}
		return step{rule: storage.RuleOverdue + strconv.Itoa(k), day: cal.AddWorkingDays(due, k*l.OverdueEvery), overdue: k}, true
	}
	var best step
	found := false
	for _, n := range l.Before { // the farthest first
		d := cal.AddWorkingDays(due, -n)
		if !d.After(today) {
			best, found = step{rule: "d-" + strconv.Itoa(n), day: d}, true
		}
	}
	return best, found
}
