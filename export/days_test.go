package export

import (
	"testing"
	"time"
)

// Excel's day numbers: the deadline test's 10/12/2026 is 46366; a mistyped year far ahead is
// still its own day, not the end of time.Duration.
func TestExcelDays(t *testing.T) {
	if d := excelDays(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)); d != 46366 {
		t.Fatalf("10/12/2026: %v", d)
	}
	if d := excelDays(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)); d != 46357.375 {
		t.Fatalf("01/12/2026 09:00: %v", d)
	}
	if d := excelDays(time.Date(2926, 1, 1, 0, 0, 0, 0, time.UTC)); d != 374741 {
		t.Fatalf("01/01/2926: %v", d)
	}
}
