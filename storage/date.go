package storage

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// Date is a calendar day without a time of day or a zone: a deadline is "15/12/2026" wherever the
// server runs. It is stored as the text YYYY-MM-DD, which sorts correctly on SQLite and PostgreSQL.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day that t falls on in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD, or the Vietnamese dd/mm/yyyy, and rejects days that do not exist.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	layout := "2006-01-02"
	if strings.Contains(s, "/") {
		layout = "2/1/2006"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("storage: parse date %q: %w", s, err)
	}
	return DateOf(t, time.UTC), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String returns YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Format returns dd/mm/yyyy, the way Vietnamese documents write dates.
func (d Date) Format() string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// DaysUntil returns how many days lie from d to other (negative when other is earlier).
func (d Date) DaysUntil(other Date) int {
	return int(other.Time(time.UTC).Sub(d.Time(time.UTC)).Hours() / 24)
}

// Before reports whether d is earlier than other.
func (d Date) Before(other Date) bool { return d.ordinal() < other.ordinal() }

// After reports whether d is later than other.
func (d Date) After(other Date) bool { return d.ordinal() > other.ordinal() }

// ordinal orders dates: larger is later.
func (d Date) ordinal() int { return d.Year*512 + int(d.Month)*32 + d.Day }

// AddDays returns the day n days after d.
func (d Date) AddDays(n int) Date { return DateOf(d.Time(time.UTC).AddDate(0, 0, n), time.UTC) }

// Value stores the date as YYYY-MM-DD.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return "", nil
	}
	return d.String(), nil
}

// Scan reads a date written by Value (or a DATE column, should an operator have made one).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v, time.UTC)
		return nil
	case []byte:
		return d.scanString(string(v))
	case string:
		return d.scanString(v)
	}
	return fmt.Errorf("storage: scan date from %T", src)
}

func (d *Date) scanString(s string) error {
	if s == "" {
		*d = Date{}
		return nil
	}
	if len(s) > 10 {
		s = s[:10]
	}
	if v, ok := fastDate(s); ok {
		*d = v
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// fastDate reads a valid YYYY-MM-DD without allocating: every reminder tick scans tens of
// thousands of dates. Anything else falls back to ParseDate.
func fastDate(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	n := func(b string) int {
		v := 0
		for i := 0; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return -1
			}
			v = v*10 + int(b[i]-'0')
		}
		return v
	}
	y, m, d := n(s[:4]), n(s[5:7]), n(s[8:])
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 28 && time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d {
		return Date{}, false
	}
	return Date{y, time.Month(m), d}, true
}

// GormDataType makes GORM create a short text column for dates.
func (Date) GormDataType() string { return "string" }
