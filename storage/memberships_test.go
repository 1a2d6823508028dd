package storage_test

import (
	"context"
	"errors"
	"testing"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// On both databases: the last admin stays, a move onto a unit the member is already in is a
// conflict, and a removed head no longer follows the school's tasks.
func TestMemberships(t *testing.T) {
	storagetest.Each(t, storagetest.Options{}, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		u := storagetest.Province(t, st)
		admin := storagetest.Join(t, st, 3001, "A", u["SO"], storage.RoleAdmin)
		head := storagetest.Join(t, st, 3002, "H", u["TH_A"], storage.RoleHead)
		storagetest.Join(t, st, 3002, "H", u["THCS_A"], storage.RoleHead)
		_, as := storagetest.Task(t, st, "Kiểm tra", "2026-12-18", u["TH_A"])
		if _, err := st.RemoveMembership(ctx, admin.ID, 0); !errors.Is(err, storage.ErrLastAdmin) {
			t.Fatalf("last admin: %v", err)
		}
		if err := st.MoveMembership(ctx, head.ID, u["TH_A"].ID, u["THCS_A"].ID); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("move onto a unit already held: %v", err)
		}
		if n, err := st.RemoveMembership(ctx, head.ID, u["TH_A"].ID); err != nil || n != 1 {
			t.Fatalf("remove: %d %v", n, err)
		}
		if _, err := st.Subscription(ctx, head.ID, as[0].ID); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("still following: %v", err)
		}
		rows, err := st.MemberRows(ctx, 0)
		if err != nil || len(rows) != 2 {
			t.Fatalf("rows: %+v %v", rows, err)
		}
	})
}
