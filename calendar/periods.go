package calendar

import "time"

// The cadences of recurring reports, as tasks name them.
const (
	Weekly   = "weekly"
	Monthly  = "monthly"
	Semester = "semester"
)

// Period is the report window of a recurring task: reports after Start count for it, and Cutoff
// is its deadline.
type Period struct{ Start, Cutoff time.Time }

// Periods are the cut-offs of recurring reports.
type Periods struct {
	WeeklyDay   time.Weekday // weekly reports are due on this day (Friday)
	MonthlyDay  int          // monthly reports are due on this day of the month (25)
	SemesterEnd []time.Month // with SemesterDay: the ends of the semesters (January, May)
	SemesterDay []int        // the days of those months (15, 25)
}

// DefaultPeriods: weekly on Friday, monthly on the 25th, each semester on 15 January and 25 May.
var DefaultPeriods = Periods{WeeklyDay: time.Friday, MonthlyDay: 25,
	SemesterEnd: []time.Month{time.January, time.May}, SemesterDay: []int{15, 25}}

// Period is the report window of a cadence that contains day d (the one whose cut-off is the
// first on or after d).
func (p Periods) Period(c string, d time.Time) Period {
	cut := p.cutoffOnOrAfter(c, d)
	prev := p.cutoffOnOrAfter(c, p.previousAnchor(c, cut))
	return Period{Start: prev.AddDate(0, 0, 1), Cutoff: cut}
}

// Previous is the window before per.
func (p Periods) Previous(c string, per Period) Period {
	return p.Period(c, per.Start.AddDate(0, 0, -1))
}

func (p Periods) cutoffOnOrAfter(c string, d time.Time) time.Time {
	switch c {
	case Weekly:
		return d.AddDate(0, 0, (int(p.WeeklyDay)-int(d.Weekday())+7)%7)
	case Monthly:
		day := min(p.MonthlyDay, 28)
		cut := Day(d.Year(), d.Month(), day)
		if cut.Before(d) {
			cut = Day(d.Year(), d.Month()+1, day)
		}
		return cut
	case Semester:
		for y := d.Year(); ; y++ {
			for i, m := range p.SemesterEnd {
				if cut := Day(y, m, p.SemesterDay[i]); !cut.Before(d) {
					return cut
				}
			}
		}
	}
	return d
}

// previousAnchor is a day inside the window before the one that ends at cut.
func (p Periods) previousAnchor(c string, cut time.Time) time.Time {
	switch c {
	case Weekly:
		return cut.AddDate(0, 0, -13)
	case Monthly:
		return Day(cut.Year(), cut.Month()-1, 1)
	case Semester:
		for d := cut.AddDate(0, 0, -1); ; d = d.AddDate(0, 0, -1) {
			if p.cutoffOnOrAfter(c, d).Before(cut) {
				return d
			}
		}
	}
	return cut
}

// Windows lists the report windows of a cadence whose cut-offs fall from from to to, in order.
func (p Periods) Windows(c string, from, to time.Time) []Period {
	var out []Period
	for w := p.Period(c, from); !w.Cutoff.After(to); w = p.Period(c, w.Cutoff.AddDate(0, 0, 1)) {
		out = append(out, w)
	}
	return out
}
