package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// Tết by the Vietnamese calendar, from the published calendars. 1985 and 2007 are years in which
// Vietnam's Tết differs from China's (UTC+7 against UTC+8); 2028 and 2030 from Korea's.
func TestLunarNewYear(t *testing.T) {
	for y, want := range map[int]string{
		1985: "1985-01-21", 2007: "2007-02-17", 2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12",
		2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
		2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-02", 2031: "2031-01-23",
		2035: "2035-02-08", 2040: "2040-02-12", 2050: "2050-01-23",
	} {
		if got := LunarNewYear(y); !got.Equal(day(want)) {
			t.Errorf("Tết %d: %s, want %s", y, got.Format("2006-01-02"), want)
		}
	}
}

// Lunar dates to civil days, including leap months: 2023 had a leap second month, 2025 a leap
// sixth month, 2020 a leap fourth month.
func TestFromLunar(t *testing.T) {
	for _, c := range []struct {
		y, m, d int
		leap    bool
		want    string
	}{
		{2023, 3, 10, false, "2023-04-29"}, // Giỗ Tổ
		{2024, 3, 10, false, "2024-04-18"},
		{2025, 3, 10, false, "2025-04-07"},
		{2026, 3, 10, false, "2026-04-26"},
		{2023, 2, 1, true, "2023-03-22"},   // tháng 2 nhuận
		{2023, 3, 1, false, "2023-04-20"},  // after the leap month
		{2025, 6, 1, true, "2025-07-25"},   // tháng 6 nhuận
		{2025, 8, 15, false, "2025-10-06"}, // Trung thu
		{2020, 4, 1, true, "2020-05-23"},
		{2024, 8, 15, false, "2024-09-17"},
		{2025, 12, 29, false, "2026-02-16"}, // the last day of the lunar year Ất Tỵ: tháng Chạp has 29 days
	} {
		got, err := FromLunar(c.y, c.m, c.d, c.leap)
		if err != nil || !got.Equal(day(c.want)) {
			t.Errorf("%d/%d/%d leap=%v: %s %v, want %s", c.d, c.m, c.y, c.leap, got.Format("2006-01-02"), err, c.want)
		}
	}
	for _, c := range []struct {
		y, m, d int
		leap    bool
	}{
		{2024, 2, 1, true}, // 2024 has no leap month
		{2023, 3, 1, true}, // 2023's leap month is the second
		{2026, 13, 1, false},
		{2026, 1, 0, false},
		{2025, 12, 30, false}, // no "30 Tết" in Ất Tỵ
	} {
		if _, err := FromLunar(c.y, c.m, c.d, c.leap); err == nil {
			t.Errorf("%d/%d/%d leap=%v: no error", c.d, c.m, c.y, c.leap)
		}
	}
}

// The public holidays match the days off the Government announced for these years (the
// weekdays off; weekends are off anyway).
func TestPublicHolidaysMatchAnnouncedDaysOff(t *testing.T) {
	for y, want := range map[int][]string{
		// 2023: Tết 20–26/1; Giỗ Tổ 29/4 (Sat) → in lieu; 30/4 (Sun), 1/5; 1–4/9.
		2023: {"01-02", "01-20", "01-23", "01-24", "01-25", "01-26", "05-01", "05-02", "05-03", "09-01", "09-04"},
		// 2024: 1/1; Tết 8–14/2; Giỗ Tổ 18/4; 29/4 swapped is not law; 30/4, 1/5; 2–3/9.
		2024: {"01-01", "02-08", "02-09", "02-12", "02-13", "02-14", "04-18", "04-30", "05-01", "09-02", "09-03"},
		// 2025: 1/1; Tết 27–31/1; Giỗ Tổ 7/4; 30/4, 1/5; 1–2/9.
		2025: {"01-01", "01-27", "01-28", "01-29", "01-30", "01-31", "04-07", "04-30", "05-01", "09-01", "09-02"},
		// 2026: 1/1; Tết 16–20/2; Giỗ Tổ 26/4 (Sun) → 27/4; 30/4, 1/5; 2–3/9.
		2026: {"01-01", "02-16", "02-17", "02-18", "02-19", "02-20", "04-27", "04-30", "05-01", "09-02", "09-03"},
	} {
		var got []string
		for _, h := range PublicHolidays(y) {
			if !weekend(h.Date) {
				got = append(got, h.Date.Format("01-02"))
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%d: weekdays off\n got %v\nwant %v", y, got, want)
		}
	}
}

// Working days skip weekends, holidays and extra days off, and count extra working days.
func TestWorkingDays(t *testing.T) {
	c := New([]Override{
		{Date: day("2026-12-24"), Off: true, Name: "Nghỉ theo quyết định của tỉnh"},
		{Date: day("2027-02-20"), Off: false, Name: "Làm bù"}, // a Saturday worked
	})
	for _, tc := range []struct {
		d    string
		want bool
	}{
		{"2026-11-23", true}, {"2026-11-28", false}, {"2026-11-29", false},
		{"2026-12-24", false}, {"2027-01-01", false}, {"2027-02-05", false}, {"2027-02-20", true},
		{"2026-09-02", false}, {"2026-09-03", false}, {"2026-09-04", true},
	} {
		if got := c.IsWorkingDay(day(tc.d)); got != tc.want {
			t.Errorf("%s working: %v", tc.d, got)
		}
	}
	if name, ok := c.Holiday(day("2026-02-17")); !ok || name != LunarNewYearH {
		t.Errorf("Tết: %q %v", name, ok)
	}
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-23", 0, "2026-11-23"},
		{"2026-11-23", 5, "2026-11-30"},
		{"2026-12-04", -7, "2026-11-25"},
		{"2026-12-31", 1, "2027-01-04"},  // over New Year and a weekend
		{"2027-02-11", -3, "2027-02-01"}, // back over Tết 2027 (4–8/2, in lieu 9–10/2)
		{"2026-12-28", -3, "2026-12-22"}, // back over the extra day off
	} {
		if got := c.AddWorkingDays(day(tc.from), tc.n); !got.Equal(day(tc.want)) {
			t.Errorf("%s %+d working days: %s, want %s", tc.from, tc.n, got.Format("2006-01-02"), tc.want)
		}
	}
	if got := c.NextWorkingDay(day("2027-02-06")); !got.Equal(day("2027-02-11")) {
		t.Errorf("after Tết 2027: %s", got.Format("2006-01-02"))
	}
	if n := c.WorkingDaysBetween(day("2026-11-20"), day("2026-11-27")); n != 5 {
		t.Errorf("between: %d", n)
	}
	if n := c.WorkingDaysBetween(day("2026-11-27"), day("2026-11-20")); n != -5 {
		t.Errorf("between backwards: %d", n)
	}
}

func TestParseOverrides(t *testing.T) {
	got, err := ParseOverrides(strings.NewReader("# ngày nghỉ thêm\n2026-12-24 off Nghỉ theo quyết định của tỉnh\n\n2027-02-20 WORK Làm bù # thứ Bảy\n"))
	if err != nil || len(got) != 2 || !got[0].Off || got[0].Name != "Nghỉ theo quyết định của tỉnh" || got[1].Off || !got[1].Date.Equal(day("2027-02-20")) {
		t.Fatalf("%+v %v", got, err)
	}
	_, err = ParseOverrides(strings.NewReader("2026-13-01 off\n2026-12-01 maybe\nonly\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("bad lines: %v", err)
	}
}

// Every lunar year from 1900 to 2199 has 12 or 13 months of 29 or 30 days, and Tết falls between
// 21 January and 20 February.
func TestLunarYearsAreSane(t *testing.T) {
	for y := 1900; y < 2200; y++ {
		tet := LunarNewYear(y)
		if tet.Year() != y || tet.Before(Day(y, 1, 21)) || tet.After(Day(y, 2, 20)) {
			t.Fatalf("Tết %d on %s", y, tet.Format("2006-01-02"))
		}
		months := month11(y) - month11(y-1)
		if months != 12 && months != 13 {
			t.Fatalf("lunar year %d has %d months", y, months)
		}
		for k := month11(y - 1); k < month11(y); k++ {
			if n := newMoonDay(k+1) - newMoonDay(k); n != 29 && n != 30 {
				t.Fatalf("%d: a month of %d days", y, n)
			}
		}
	}
	if got := fmt.Sprint(fromJDN(jdn(Day(2026, 11, 23))).Format("2006-01-02")); got != "2026-11-23" {
		t.Fatal(got)
	}
}
