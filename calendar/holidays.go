package calendar

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Holiday is a day off.
type Holiday struct {
	Date time.Time
	Name string
}

// The names of the public holidays.
const (
	NewYear       = "Tết Dương lịch"
	LunarNewYearH = "Tết Nguyên Đán"
	HungKings     = "Giỗ Tổ Hùng Vương"
	Reunification = "Ngày Chiến thắng 30/4"
	LabourDay     = "Ngày Quốc tế Lao động"
	NationalDay   = "Quốc khánh"
	InLieu        = "nghỉ bù"
)

// PublicHolidays are the days off of solar year y under Article 112 of the Labour Code 2019:
// 1 January; Tết, five days, taken as the last two days of the lunar year and the first three of
// the new one (as the Government has arranged them in recent years); 10/3 of the lunar calendar;
// 30 April and 1 May; 2 September and one day next to it (the working day that joins a
// weekend, or 3 September). A holiday that falls on a Saturday or Sunday gives a day in lieu on
// the next working day. The Government's yearly decisions can move days around; an installation
// records those with Overrides.
func PublicHolidays(y int) []Holiday {
	var hs []Holiday
	add := func(d time.Time, name string) { hs = append(hs, Holiday{d, name}) }
	add(Day(y, time.January, 1), NewYear)
	for _, tet := range []time.Time{LunarNewYear(y), LunarNewYear(y + 1)} {
		for i := -2; i < 3; i++ {
			if d := tet.AddDate(0, 0, i); d.Year() == y {
				add(d, LunarNewYearH)
			}
		}
	}
	if d, err := FromLunar(y, 3, 10, false); err == nil {
		add(d, HungKings)
	}
	add(Day(y, time.April, 30), Reunification)
	add(Day(y, time.May, 1), LabourDay)
	nd := Day(y, time.September, 2)
	add(nd, NationalDay)
	add(nationalDayExtra(nd), NationalDay)
	// Days in lieu: each holiday on a weekend gives the next day that is neither a weekend nor a
	// holiday (nor already given in lieu).
	taken := map[time.Time]bool{}
	for _, h := range hs {
		taken[h.Date] = true
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	var lieu []Holiday
	for _, h := range hs {
		if !weekend(h.Date) {
			continue
		}
		d := h.Date.AddDate(0, 0, 1)
		for weekend(d) || taken[d] {
			d = d.AddDate(0, 0, 1)
		}
		taken[d] = true
		lieu = append(lieu, Holiday{d, h.Name + " (" + InLieu + ")"})
	}
	hs = append(hs, lieu...)
	sort.Slice(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	return hs
}

// nationalDayExtra is the day next to 2 September that is also off: a working day, the one that
// joins a weekend when both are, 3 September otherwise.
func nationalDayExtra(nd time.Time) time.Time {
	before, after := nd.AddDate(0, 0, -1), nd.AddDate(0, 0, 1)
	switch {
	case weekend(after) && !weekend(before):
		return before
	case weekend(before) && !weekend(after):
		return after
	case weekend(before.AddDate(0, 0, -1)) && !weekend(after.AddDate(0, 0, 1)):
		return before
	}
	return after
}

func weekend(d time.Time) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }

// Override changes one day: an extra day off (a decision of the Government or the province), or
// a working day (a weekend day worked in exchange for a bridge day).
type Override struct {
	Date time.Time
	Off  bool
	Name string
}

// ParseOverrides reads a days-off file: one day a line, "2026-12-24 off Tên ngày nghỉ" or
// "2027-02-20 work Làm bù"; "#" starts a comment. Every bad line is reported, with its number.
func ParseOverrides(r io.Reader) ([]Override, error) {
	var out []Override
	var problems []string
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			problems = append(problems, fmt.Sprintf("line %d: want \"YYYY-MM-DD off|work [name]\"", n))
			continue
		}
		d, err := time.Parse("2006-01-02", f[0])
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %q is not a date YYYY-MM-DD", n, f[0]))
			continue
		}
		kind := strings.ToLower(f[1])
		if kind != "off" && kind != "work" {
			problems = append(problems, fmt.Sprintf("line %d: %q is neither off nor work", n, f[1]))
			continue
		}
		out = append(out, Override{Date: d, Off: kind == "off", Name: strings.Join(f[2:], " ")})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("calendar: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

// Calendar tells working days: Monday to Friday, except public holidays and the extra days off,
// plus the extra working days. It is safe for concurrent use.
type Calendar struct {
	overrides map[time.Time]Override

	mu    sync.Mutex
	years map[int]map[time.Time]string // public holidays by year, computed once
}

// New is a calendar with the overrides (later ones win for the same day).
func New(overrides []Override) *Calendar {
	c := &Calendar{overrides: map[time.Time]Override{}, years: map[int]map[time.Time]string{}}
	for _, o := range overrides {
		o.Date = Day(o.Date.Date())
		c.overrides[o.Date] = o
	}
	return c
}

// Holiday names the day off that d is, if it is a public holiday or an extra day off.
func (c *Calendar) Holiday(d time.Time) (string, bool) {
	d = Day(d.Date())
	if o, ok := c.overrides[d]; ok {
		return o.Name, o.Off
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	hs, ok := c.years[d.Year()]
	if !ok {
		hs = map[time.Time]string{}
		for _, h := range PublicHolidays(d.Year()) {
			hs[h.Date] = h.Name
		}
		c.years[d.Year()] = hs
	}
	name, ok := hs[d]
	return name, ok
}

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	d = Day(d.Date())
	if o, ok := c.overrides[d]; ok {
		return !o.Off
	}
	if weekend(d) {
		return false
	}
	_, off := c.Holiday(d)
	return !off
}

// AddWorkingDays moves n working days from d (back when n < 0). With n = 0 it is d itself.
func (c *Calendar) AddWorkingDays(d time.Time, n int) time.Time {
	d = Day(d.Date())
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// NextWorkingDay is d when it is a working day, otherwise the first working day after it.
func (c *Calendar) NextWorkingDay(d time.Time) time.Time {
	d = Day(d.Date())
	for !c.IsWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// WorkingDaysBetween counts the working days after a up to and including b (negative when b is
// before a).
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	a, b = Day(a.Date()), Day(b.Date())
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}
