package storage_test

import (
	"fmt"
	"testing"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// The queries every report runs, on a SQLite file: go test -bench . -run ^$ ./storage
func benchSchool(b *testing.B) (*storage.Store, storage.Unit, storage.Member) {
	s := storagetest.SQLite(b, storagetest.Options{})
	u := storagetest.Province(b, s)
	head := storagetest.Join(b, s, 1, "Lan", u["TH_A"], storage.RoleHead)
	for i := 0; i < 20; i++ {
		storagetest.Task(b, s, fmt.Sprint("Nhiệm vụ ", i), "2027-01-15", u["TH_A"], u["TH_B"])
	}
	return s, u["TH_A"], head
}

func BenchmarkMemberByTelegramID(b *testing.B) {
	s, _, _ := benchSchool(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.MemberByTelegramID(ctx, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAssignmentBySeq(b *testing.B) {
	s, school, _ := benchSchool(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.AssignmentBySeq(ctx, school.ID, i%20+1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateReport(b *testing.B) {
	s, school, head := benchSchool(b)
	a, err := s.AssignmentBySeq(ctx, school.ID, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.CreateReport(ctx, storage.NewReport{AssignmentID: a.ID, MemberID: head.ID, Progress: i % 100, Result: "Đã tập huấn", Source: storage.SourceLine}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportTurn is what the bot does in the database for one one-line report: claim the
// update, find the member and the task, store the report, all in one transaction.
func BenchmarkReportTurn(b *testing.B) {
	s, school, head := benchSchool(b)
	ups := make([]storage.InboundUpdate, b.N)
	for i := range ups {
		ups[i] = storage.InboundUpdate{UpdateID: int64(i + 1), ChatID: 1, Payload: "{}"}
	}
	for len(ups) > 0 {
		n := min(len(ups), 100)
		if _, err := s.SaveUpdates(ctx, ups[:n]); err != nil {
			b.Fatal(err)
		}
		ups = ups[n:]
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := s.Tx(ctx, func(tx *storage.Store) error {
			if _, err := tx.ClaimUpdate(ctx, int64(i+1), ""); err != nil {
				return err
			}
			if _, err := tx.MemberByTelegramID(ctx, head.TelegramID); err != nil {
				return err
			}
			a, err := tx.AssignmentBySeq(ctx, school.ID, i%20+1)
			if err != nil {
				return err
			}
			_, err = tx.CreateReport(ctx, storage.NewReport{AssignmentID: a.ID, MemberID: head.ID, Progress: i % 100, Result: "Đã tập huấn", Source: storage.SourceLine})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
