package main

import (
	"flag"
	"strconv"

	"nhacviec/storage"
)

// inviteListFlags is "nhacviec invite list [--unit CODE] [--role ROLE]": the invites that can
// still be used, so that the operator knows what is out there.
func inviteListFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	unit := fs.String("unit", "", "only the invites of this unit and the units beneath it")
	role := fs.String("role", "", "only this role: head, deputy, supervisor or admin")
	return func(e *env, args []string) int {
		st, sc, code := e.inviteScope(args, *unit, *role, "")
		if code != 0 {
			return code
		}
		defer st.Close()
		rows, err := st.InviteRows(e.ctx, sc)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		if len(rows) == 0 {
			e.out("%s", e.tx.NoInvites)
			return 0
		}
		e.out(e.tx.InviteHeader)
		for _, r := range rows {
			uses := e.tx.Unlimited
			if r.MaxUses > 0 {
				uses = strconv.Itoa(r.Uses) + "/" + strconv.Itoa(r.MaxUses)
			}
			expires := e.tx.Never
			if r.ExpiresAt != nil {
				expires = r.ExpiresAt.In(e.cfg.Location).Format("02/01/2006 15:04")
			}
			e.out("%-12s %-12s %-16s %-14s %-16s %s", r.Code, r.UnitCode, e.tx.roleName(r.Role), uses, expires, r.UnitName)
		}
		e.out(e.tx.InviteCount, len(rows))
		return 0
	}
}

// inviteRevokeFlags is "nhacviec invite revoke --unit CODE [--role ROLE] | --code CODE": ends
// the invites that can still be used — a lost invite sheet, a code sent to the wrong person.
// Whoever already joined stays.
func inviteRevokeFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	unit := fs.String("unit", "", "the invites of this unit and the units beneath it")
	role := fs.String("role", "", "only this role: head, deputy, supervisor or admin")
	code := fs.String("code", "", "or: this one invite code")
	return func(e *env, args []string) int {
		if (*unit == "") == (*code == "") || (*code != "" && *role != "") {
			return e.fail("%s", e.tx.RevokeUsage)
		}
		st, sc, status := e.inviteScope(args, *unit, *role, *code)
		if status != 0 {
			return status
		}
		defer st.Close()
		n, err := st.RevokeInvites(e.ctx, sc)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		if n == 0 && *code != "" {
			return e.fail(e.tx.NoSuchInvite, *code)
		}
		e.out(e.tx.InvitesRevoked, n)
		return 0
	}
}

// inviteScope opens the store and reads the scope of invite list and invite revoke. On a
// problem it says so and returns the exit status (the store closed); otherwise 0.
func (e *env) inviteScope(args []string, unit, role, code string) (*storage.Store, storage.InviteScope, int) {
	var sc storage.InviteScope
	if len(args) > 0 {
		return nil, sc, e.fail(e.tx.UnexpectedArgs, args)
	}
	if role != "" && !storage.Role(role).Valid() {
		return nil, sc, e.fail(e.tx.BadRole, role)
	}
	if code != "" && !storage.LooksLikeInviteCode(code) {
		return nil, sc, e.fail(e.tx.NoSuchInvite, code)
	}
	st, err := e.openStore()
	if err != nil {
		return nil, sc, e.fail(e.tx.DBError, err)
	}
	sc.Role, sc.Code = storage.Role(role), code
	if unit != "" {
		u, status := e.unitByCode(st, unit)
		if status != 0 {
			st.Close()
			return nil, sc, status
		}
		sc.Under = []int64{u.ID}
	}
	return st, sc, 0
}
