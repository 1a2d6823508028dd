package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// A weekly task gives a row per week since it was assigned, each with its own status: on time
// when the school reported in the week, late when the next week has a second report to make up
// for it, overdue when neither, in progress for the week under way. The digest's one row is the
// week that matters now.
func TestExportRowsPeriods(t *testing.T) {
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	clock := storagetest.NewClock(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)) // Monday 2 November, 09:00
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		clock.Set(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
		u := storagetest.Province(t, st)
		lan := storagetest.Join(t, st, 1001, "Lan", u["TH_A"], storage.RoleHead)
		_, as, err := st.CreateTask(ctx, storage.NewTask{Title: "Báo cáo an toàn trường học", Due: storage.Date{Year: 2026, Month: 12, Day: 31},
			Cadence: storage.CadenceWeekly}, []int64{u["TH_A"].ID})
		if err != nil {
			t.Fatal(err)
		}
		report := func(day int, text string) {
			clock.Set(time.Date(2026, 11, day, 3, 0, 0, 0, time.UTC))
			if _, err := st.CreateReport(ctx, storage.NewReport{AssignmentID: as[0].ID, MemberID: lan.ID, Progress: 50, Result: text,
				Source: storage.SourceLine}); err != nil {
				t.Fatal(err)
			}
		}
		// Weeks end on Fridays: 6, 13, 20, 27 November.
		report(5, "tuần 1")  // week 1, on time
		report(16, "tuần 2") // week 3 has two reports: one makes up for week 2, late
		report(18, "tuần 3") // week 3, on time
		// week 4 (to 27/11) has none; today is 30 November, in week 5.
		today := storage.Date{Year: 2026, Month: 11, Day: 30}
		rows, err := st.ExportRows(ctx, storage.ExportQuery{Under: []int64{u["XA_A"].ID}, Today: today, Loc: hcm})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%s–%s %s %q", r.PeriodStart.Format(), r.Due.Format(), r.Status, r.Result))
		}
		want := []string{
			`31/10/2026–06/11/2026 done_on_time "tuần 1"`,
			`07/11/2026–13/11/2026 done_late "tuần 2"`,
			`14/11/2026–20/11/2026 done_on_time "tuần 3"`,
			`21/11/2026–27/11/2026 overdue ""`,
			`28/11/2026–04/12/2026 in_progress ""`,
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("rows:\n%s\nwant:\n%s", got, want)
		}
		// The digest counts the missed week while the next one runs.
		cur, err := st.ExportRows(ctx, storage.ExportQuery{Under: []int64{u["XA_A"].ID}, Today: today, Loc: hcm, Current: true})
		if err != nil || len(cur) != 1 || cur[0].Status != storage.StatusOverdue || cur[0].Due.Format() != "27/11/2026" {
			t.Fatalf("current: %+v %v", cur, err)
		}
		// One report in week 5 is week 5's: week 4 stays missed. A second one makes it up, and the
		// week under way is then the one that counts.
		report(30, "tuần 5")
		cur, err = st.ExportRows(ctx, storage.ExportQuery{Under: []int64{u["XA_A"].ID}, Today: today, Loc: hcm, Current: true})
		if err != nil || len(cur) != 1 || cur[0].Status != storage.StatusOverdue {
			t.Fatalf("current after one report: %+v %v", cur, err)
		}
		report(30, "bù tuần 4")
		cur, err = st.ExportRows(ctx, storage.ExportQuery{Under: []int64{u["XA_A"].ID}, Today: today, Loc: hcm, Current: true})
		if err != nil || len(cur) != 1 || cur[0].Status != storage.StatusDoneOnTime || cur[0].Due.Format() != "04/12/2026" {
			t.Fatalf("current after the make-up: %+v %v", cur, err)
		}
		// After weeks of one report each, one missed week stays the only late one.
		all, err := st.ExportRows(ctx, storage.ExportQuery{Under: []int64{u["XA_A"].ID}, Today: today, Loc: hcm})
		if err != nil || len(all) != 5 || all[3].Status != storage.StatusDoneLate || all[4].Status != storage.StatusDoneOnTime {
			t.Fatalf("after the make-up: %+v %v", all, err)
		}
		// The digest's row keeps when the school last reported at all, for "silent".
		if cur[0].ReportAt == nil || !cur[0].ReportAt.Equal(clock.Now().Truncate(time.Microsecond)) {
			t.Fatalf("current row's latest report: %v", cur[0].ReportAt)
		}

		// A series over: its last period counts, with the reports it had, weeks later.
		clock.Set(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC))
		_, short, err := st.CreateTask(ctx, storage.NewTask{Title: "Báo cáo tháng 11", Due: storage.Date{Year: 2026, Month: 11, Day: 20},
			Cadence: storage.CadenceWeekly}, []int64{u["TH_A"].ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, day := range []int{5, 12, 19} {
			clock.Set(time.Date(2026, 11, day, 3, 0, 0, 0, time.UTC))
			if _, err := st.CreateReport(ctx, storage.NewReport{AssignmentID: short[0].ID, MemberID: lan.ID, Progress: 50, Source: storage.SourceLine}); err != nil {
				t.Fatal(err)
			}
		}
		late := storage.Date{Year: 2026, Month: 12, Day: 15}
		cur, err = st.ExportRows(ctx, storage.ExportQuery{Under: []int64{u["XA_A"].ID}, TaskID: short[0].TaskID, Today: late, Loc: hcm, Current: true})
		if err != nil || len(cur) != 1 || cur[0].Status != storage.StatusDoneOnTime || cur[0].Due.Format() != "20/11/2026" {
			t.Fatalf("a series over, in a digest: %+v %v", cur, err)
		}
	})
}
