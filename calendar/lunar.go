// Package calendar knows Vietnam's working days: the Vietnamese lunar calendar (computed, for
// any year), the public holidays of the Labour Code with their days in lieu, and the extra days
// off (or working days) an installation adds. It knows nothing of the bot or the database.
//
// Dates are time.Time values at midnight UTC that stand for a civil day; Day builds one.
package calendar

import (
	"errors"
	"math"
	"time"
)

// Day is the civil day y-m-d.
func Day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// DayOf is the civil day of t in loc.
func DayOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return Day(y, m, d)
}

// The Vietnamese calendar is reckoned at UTC+7 (since 1968).
const zone = 7.0 / 24

// meanMonth is the mean synodic month, in days.
const meanMonth = 29.530588861

// jdn is the Julian day number of a civil day.
func jdn(t time.Time) int {
	y, m, d := t.Date()
	a := (14 - int(m)) / 12
	yy := y + 4800 - a
	mm := int(m) + 12*a - 3
	return d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
}

// fromJDN is the civil day of a Julian day number.
func fromJDN(n int) time.Time {
	a := n + 32044
	b := (4*a + 3) / 146097
	c := a - 146097*b/4
	d := (4*c + 3) / 1461
	e := c - 1461*d/4
	m := (5*e + 2) / 153
	day := e - (153*m+2)/5 + 1
	month := m + 3 - 12*(m/10)
	year := 100*b + d - 4800 + m/10
	return Day(year, time.Month(month), day)
}

func sin(deg float64) float64 { return math.Sin(deg * math.Pi / 180) }

// newMoon is the instant (Julian Ephemeris Day) of the k-th new moon after that of 6 January
// 2000, by the method of Jean Meeus, Astronomical Algorithms, 2nd ed., chapter 49.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t
	jde := 2451550.09766 + meanMonth*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4
	e := 1 - 0.002516*t - 0.0000074*t2
	m := 2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3
	mp := 201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4
	f := 160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4
	om := 124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3
	c := -0.40720*sin(mp) + 0.17241*e*sin(m) + 0.01608*sin(2*mp) + 0.01039*sin(2*f) +
		0.00739*e*sin(mp-m) - 0.00514*e*sin(mp+m) + 0.00208*e*e*sin(2*m) - 0.00111*sin(mp-2*f) -
		0.00057*sin(mp+2*f) + 0.00056*e*sin(2*mp+m) - 0.00042*sin(3*mp) + 0.00042*e*sin(m+2*f) +
		0.00038*e*sin(m-2*f) - 0.00024*e*sin(2*mp-m) - 0.00017*sin(om) - 0.00007*sin(mp+2*m) +
		0.00004*sin(2*mp-2*f) + 0.00004*sin(3*m) + 0.00003*sin(mp+m-2*f) + 0.00003*sin(2*mp+2*f) -
		0.00003*sin(mp+m+2*f) + 0.00003*sin(mp-m+2*f) - 0.00002*sin(mp-m-2*f) - 0.00002*sin(3*mp+m) +
		0.00002*sin(4*mp)
	// The planetary arguments.
	a := [14]float64{
		299.77 + 0.107408*kf - 0.009173*t2, 251.88 + 0.016321*kf, 251.83 + 26.651886*kf,
		349.42 + 36.412478*kf, 84.66 + 18.206239*kf, 141.74 + 53.303771*kf, 207.14 + 2.453732*kf,
		154.84 + 7.306860*kf, 34.52 + 27.261239*kf, 207.19 + 0.121824*kf, 291.34 + 1.844379*kf,
		161.72 + 24.198154*kf, 239.56 + 25.513099*kf, 331.55 + 3.592518*kf,
	}
	w := [14]float64{0.000325, 0.000165, 0.000164, 0.000126, 0.000110, 0.000062, 0.000060, 0.000056,
		0.000047, 0.000042, 0.000040, 0.000037, 0.000035, 0.000023}
	for i := range a {
		c += w[i] * sin(a[i])
	}
	return jde + c
}

// deltaT is TT − UT in days near the given year (Espenak and Meeus's polynomials).
func deltaT(year float64) float64 {
	var s float64
	switch t := year - 2000; {
	case year < 1941 || year >= 2150:
		u := (year - 1820) / 100
		s = -20 + 32*u*u
	case year < 1961:
		t = year - 1950
		s = 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case year < 1986:
		t = year - 1975
		s = 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case year < 2005:
		s = 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case year < 2050:
		s = 62.92 + 0.32217*t + 0.005589*t*t
	default:
		u := (year - 1820) / 100
		s = -20 + 32*u*u - 0.5628*(2150-year)
	}
	return s / 86400
}

// newMoonDay is the Julian day number of the civil day (at UTC+7) of the k-th new moon.
func newMoonDay(k int) int {
	jde := newMoon(k)
	year := 2000 + (jde-2451545)/365.25
	return int(math.Floor(jde - deltaT(year) + 0.5 + zone))
}

// sunSector is which twelfth of the ecliptic (0: 0°–30°, … 11: 330°–360°) the sun is in at the
// start of the civil day n, by Meeus's low-accuracy solar coordinates (chapter 25).
func sunSector(n int) int {
	jd := float64(n) - 0.5 - zone // UT; ΔT moves the sun by well under a thousandth of a degree
	t := (jd - 2451545) / 36525
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t*t
	m := 357.52911 + 35999.05029*t - 0.0001537*t*t
	c := (1.914602-0.004817*t-0.000014*t*t)*sin(m) + (0.019993-0.000101*t)*sin(2*m) + 0.000289*sin(3*m)
	l := l0 + c - 0.00569 - 0.00478*sin(125.04-1934.136*t)
	l = math.Mod(l, 360)
	if l < 0 {
		l += 360
	}
	return int(l / 30)
}

// lunation is the index k of the new moon on or just before the civil day n.
func lunation(n int) int {
	k := int(math.Floor((float64(n) - 2451550.1) / meanMonth))
	for newMoonDay(k+1) <= n {
		k++
	}
	for newMoonDay(k) > n {
		k--
	}
	return k
}

// month11 is the lunation that begins month 11 (tháng Mười một) of lunar year y: the month in
// which the winter solstice of solar year y falls.
func month11(y int) int {
	k := lunation(jdn(Day(y, time.December, 31)))
	if sunSector(newMoonDay(k)) >= 9 { // the sun passed 270° before this month began
		k--
	}
	return k
}

// leapOffset is, for a lunar year of 13 months that follows month 11 at lunation k11, how many
// months after k11 the leap month comes: the first month in which the sun enters no new
// twelfth (no major solar term).
func leapOffset(k11 int) int {
	for i := 1; i < 14; i++ {
		if sunSector(newMoonDay(k11+i)) == sunSector(newMoonDay(k11+i+1)) {
			return i
		}
	}
	return 13
}

// ErrNoSuchDay is returned for a lunar date that does not exist (a leap month that is not the
// year's, or day 30 of a short month).
var ErrNoSuchDay = errors.New("calendar: no such lunar date")

// FromLunar is the civil day of lunar date day/month (leap: of the leap month) of lunar year y.
func FromLunar(y, month, day int, leap bool) (time.Time, error) {
	if month < 1 || month > 12 || day < 1 || day > 30 {
		return time.Time{}, ErrNoSuchDay
	}
	a11, b11 := month11(y-1), month11(y)
	if month >= 11 {
		a11, b11 = b11, month11(y+1)
	}
	off := month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 == 13 { // a leap year
		lo := leapOffset(a11)
		leapMonth := (lo + 10) % 12 // the month number the leap month repeats
		if leapMonth == 0 {
			leapMonth = 12
		}
		if leap && month != leapMonth {
			return time.Time{}, ErrNoSuchDay
		}
		if leap || off >= lo {
			off++
		}
	} else if leap {
		return time.Time{}, ErrNoSuchDay
	}
	start := newMoonDay(a11 + off)
	if day > newMoonDay(a11+off+1)-start {
		return time.Time{}, ErrNoSuchDay
	}
	return fromJDN(start + day - 1), nil
}

// LunarNewYear is the first day of Tết (mùng 1 tháng Giêng) of the lunar year that begins in
// solar year y.
func LunarNewYear(y int) time.Time {
	d, _ := FromLunar(y, 1, 1, false)
	return d
}
