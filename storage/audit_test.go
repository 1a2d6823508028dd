package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// The audit log, on both databases: joins and role changes, reports, corrections, decisions,
// answers and the operator's changes, oldest first, limited to a unit's subtree when asked.
func TestAuditLog(t *testing.T) {
	clock := storagetest.NewClock(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		clock.Set(time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
		u := storagetest.Province(t, st)
		step := func() { clock.Advance(time.Minute) }
		sup := storagetest.Join(t, st, 4001, "Bình", u["XA_A"], storage.RoleSupervisor)
		step()
		lan := storagetest.Join(t, st, 4002, "Lan", u["TH_A"], storage.RoleDeputy)
		step()
		storagetest.Join(t, st, 4002, "Lan", u["TH_A"], storage.RoleHead) // promoted
		step()
		storagetest.Join(t, st, 4003, "Hoa", u["TH_B"], storage.RoleHead) // another commune
		_, as := storagetest.Task(t, st, "Kiểm tra nội bộ", "2026-12-18", u["TH_A"])
		step()
		r, err := st.CreateReport(ctx, storage.NewReport{AssignmentID: as[0].ID, MemberID: lan.ID, Progress: 40, Result: "Đã kiểm tra 2 tổ",
			Difficulties: "Thiếu người", Source: storage.SourceLine})
		if err != nil {
			t.Fatal(err)
		}
		step()
		p := 60
		if _, err := st.CorrectReport(ctx, r.ID, lan.ID, storage.Correction{Progress: &p}); err != nil {
			t.Fatal(err)
		}
		step()
		if _, err := st.AnswerReport(ctx, r.ID, sup.ID, "Phòng sẽ hỗ trợ"); err != nil {
			t.Fatal(err)
		}
		step()
		x, err := st.RequestExtension(ctx, storage.ExtensionRequest{AssignmentID: as[0].ID, MemberID: lan.ID, OldDue: as[0].Due,
			ProposedDue: storage.Date{Year: 2026, Month: 12, Day: 30}, Reason: "Thiếu người"}, []storage.Member{sup})
		if err != nil {
			t.Fatal(err)
		}
		step()
		if _, err := st.DecideExtension(ctx, x.ID, sup.ID, true); err != nil {
			t.Fatal(err)
		}
		step()
		if err := st.MoveMembership(ctx, lan.ID, u["TH_A"].ID, u["THCS_A"].ID); err != nil {
			t.Fatal(err)
		}
		step()
		if _, err := st.PublishDirective(ctx, storage.Publication{
			Directive: storage.Directive{Kind: "Chỉ thị", Number: "23/CT-UBND", Title: "Về nhiệm vụ năm học", PublishedBy: &sup.ID},
			Tasks:     []storage.NewTask{{Title: "Rà soát mạng lưới", Due: storage.Date{Year: 2026, Month: 12, Day: 20}}},
			SchoolIDs: []int64{u["MN_A"].ID},
		}); err != nil {
			t.Fatal(err)
		}

		all, err := st.AuditLog(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range all {
			got = append(got, e.Action+" "+e.Unit)
		}
		want := "[join XA_A join TH_A role TH_A join TH_B report TH_A correction TH_A answer TH_A decision TH_A member.move THCS_A publish ]"
		if fmt.Sprint(got) != want {
			t.Fatalf("log:\n%v\nwant\n%s", got, want)
		}
		for _, e := range all {
			switch e.Action {
			case storage.AuditReport:
				if e.Who != "Lan (4002)" || !strings.Contains(e.Detail, "NV 1: 40% Đã kiểm tra 2 tổ") {
					t.Errorf("report: %+v", e)
				}
			case storage.AuditCorrection:
				if !strings.Contains(e.Detail, "40% → 60%") {
					t.Errorf("correction: %+v", e)
				}
			case storage.AuditRoleChange:
				if e.Detail != "deputy → head" {
					t.Errorf("role: %+v", e)
				}
			case storage.AuditPublish:
				if e.Who != "Bình (4001)" || e.Detail != "Chỉ thị 23/CT-UBND: Về nhiệm vụ năm học" {
					t.Errorf("publish: %+v", e)
				}
			case storage.AuditMemberMove:
				if e.Who != "operator" || !strings.Contains(e.Detail, "from TH_A") {
					t.Errorf("move: %+v", e)
				}
			}
		}
		// The commune's log leaves out the other commune and the Sở.
		commune, err := st.AuditLog(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), []int64{u["XA_A"].ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range commune {
			if e.Unit == "TH_B" {
				t.Fatalf("another commune's event: %+v", e)
			}
		}
		if len(commune) != len(all)-1 { // all but TH_B's join; the directive went to MN_A, in the commune
			t.Fatalf("%d events for the commune, %d in all", len(commune), len(all))
		}
		// Since a moment leaves out what came before.
		late, err := st.AuditLog(ctx, time.Date(2026, 11, 23, 2, 6, 30, 0, time.UTC), nil)
		if err != nil || len(late) != 3 { // the decision, the move and the publication
			t.Fatalf("since: %d %v", len(late), err)
		}
	})
}
