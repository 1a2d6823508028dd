package storage_test

import (
	"errors"
	"testing"
	"time"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// On both databases: the invites that can still be used are listed by unit; revoking ends them
// (by unit and role, or one code) without touching those used up, expired or elsewhere, and a
// revoked code no longer lets anyone in.
func TestInvitesListAndRevoke(t *testing.T) {
	clock := storagetest.NewClock(t0)
	storagetest.Each(t, storagetest.Options{Now: clock.Now}, func(t *testing.T, s *storage.Store) {
		clock.Set(t0)
		u := storagetest.Province(t, s)
		invite := func(unit string, role storage.Role, uses int, ttl time.Duration) storage.Invite {
			return storagetest.Must(s.CreateInvite(ctx, storage.NewInvite{UnitID: u[unit].ID, Role: role, MaxUses: uses, TTL: ttl}))(t)
		}
		headA := invite("TH_A", storage.RoleHead, 1, 720*time.Hour)
		deputyA := invite("TH_A", storage.RoleDeputy, 1, 0)
		headB := invite("TH_B", storage.RoleHead, 1, 720*time.Hour)
		used := invite("THCS_A", storage.RoleHead, 1, 0)
		storagetest.Must(s.RedeemInvite(ctx, used.Code, storage.TelegramUser{ID: 1, FirstName: "Nam"}))(t)
		invite("MN_A", storage.RoleHead, 0, time.Hour)
		clock.Set(t0.Add(2 * time.Hour)) // MN_A's has expired

		rows := storagetest.Must(s.InviteRows(ctx, storage.InviteScope{Under: []int64{u["XA_A"].ID}}))(t)
		if len(rows) != 2 || rows[0].UnitCode != "TH_A" || rows[1].UnitCode != "TH_A" {
			t.Fatalf("commune A's usable invites: %+v", rows)
		}
		if all := storagetest.Must(s.InviteRows(ctx, storage.InviteScope{}))(t); len(all) != 3 {
			t.Fatalf("every usable invite: %+v", all)
		}
		// Commune A's head invites: one, TH_A's; the deputy's and commune B's stay.
		n := storagetest.Must(s.RevokeInvites(ctx, storage.InviteScope{Under: []int64{u["XA_A"].ID}, Role: storage.RoleHead}))(t)
		if n != 1 {
			t.Fatalf("revoked %d", n)
		}
		if _, err := s.RedeemInvite(ctx, headA.Code, storage.TelegramUser{ID: 2, FirstName: "Lan"}); !errors.Is(err, storage.ErrInviteExpired) {
			t.Fatalf("a revoked code: %v", err)
		}
		left := storagetest.Must(s.InviteRows(ctx, storage.InviteScope{}))(t)
		if len(left) != 2 {
			t.Fatalf("left: %+v", left)
		}
		// One code, typed as people type it.
		if n := storagetest.Must(s.RevokeInvites(ctx, storage.InviteScope{Code: " " + headB.Code + " "}))(t); n != 1 {
			t.Fatalf("by code: %d", n)
		}
		if n := storagetest.Must(s.RevokeInvites(ctx, storage.InviteScope{Code: headB.Code}))(t); n != 0 {
			t.Fatalf("again: %d", n)
		}
		storagetest.Must(s.RedeemInvite(ctx, deputyA.Code, storage.TelegramUser{ID: 3, FirstName: "Minh"}))(t)
		log := storagetest.Must(s.AuditLog(ctx, t0, nil))(t)
		revokes := 0
		for _, e := range log {
			if e.Action == storage.AuditInviteRevoke {
				revokes++
			}
		}
		if revokes != 2 {
			t.Fatalf("audit: %+v", log)
		}
	})
}
