package main

import (
	"errors"
	"flag"
	"strconv"

	"nhacviec/storage"
)

// memberFlags is "nhacviec member list [--unit CODE] | member move ID --from CODE --to CODE |
// member remove ID [--unit CODE]": who holds which role where, and the changes an operator makes
// when people change jobs. The last admin is never removed.
func memberFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	unit := fs.String("unit", "", "list: only this unit; remove: only the membership in this unit")
	from := fs.String("from", "", "move: the unit the member leaves")
	to := fs.String("to", "", "move: the unit the member joins, in the same role")
	return func(e *env, args []string) int {
		if len(args) == 0 {
			return e.fail("%s", e.tx.MemberUsage)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		memberID := func() (int64, bool) {
			if len(args) != 2 {
				return 0, false
			}
			id, err := strconv.ParseInt(args[1], 10, 64)
			return id, err == nil && id > 0
		}
		switch args[0] {
		case "list":
			if len(args) != 1 {
				return e.fail("%s", e.tx.MemberUsage)
			}
			var unitID int64
			if *unit != "" {
				u, code := e.unitByCode(st, *unit)
				if code != 0 {
					return code
				}
				unitID = u.ID
			}
			rows, err := st.MemberRows(e.ctx, unitID)
			if err != nil {
				return e.fail(e.tx.DBError, err)
			}
			if len(rows) == 0 {
				e.out("%s", e.tx.NoMembers)
				return 0
			}
			e.out(e.tx.MemberHeader)
			for _, r := range rows {
				name := r.Name
				if r.Username != "" {
					name += " (@" + r.Username + ")"
				}
				e.out("%-6d %-12d %-12s %-14s %s", r.MemberID, r.TelegramID, r.UnitCode, e.tx.roleName(r.Role), name)
			}
			return 0
		case "move":
			id, ok := memberID()
			if !ok || *from == "" || *to == "" {
				return e.fail("%s", e.tx.MemberUsage)
			}
			src, code := e.unitByCode(st, *from)
			if code != 0 {
				return code
			}
			dst, code := e.unitByCode(st, *to)
			if code != 0 {
				return code
			}
			m, err := st.MemberByID(e.ctx, id)
			if errors.Is(err, storage.ErrNotFound) {
				return e.fail(e.tx.NoSuchMember, id)
			}
			if err != nil {
				return e.fail(e.tx.DBError, err)
			}
			var role storage.Role
			for _, ms := range m.Memberships {
				if ms.UnitID == src.ID {
					role = ms.Role
				}
			}
			switch {
			case role == "":
				return e.fail(e.tx.NotInUnit, id, src.Code)
			case role.AtSchool() && dst.Kind != storage.KindSchool:
				return e.fail(e.tx.RoleNeedsSchool, role, dst.Code)
			case role == storage.RoleSupervisor && dst.Kind == storage.KindSchool:
				return e.fail(e.tx.RoleNeedsOffice, dst.Code)
			}
			err = st.MoveMembership(e.ctx, id, src.ID, dst.ID)
			if errors.Is(err, storage.ErrConflict) {
				return e.fail(e.tx.AlreadyInUnit, id, dst.Code)
			}
			if err != nil {
				return e.fail(e.tx.DBError, err)
			}
			e.out(e.tx.MemberMoved, m.Name(), e.tx.roleName(role), src.Code, dst.Code)
			return 0
		case "remove":
			id, ok := memberID()
			if !ok {
				return e.fail("%s", e.tx.MemberUsage)
			}
			var unitID int64
			where := ""
			if *unit != "" {
				u, code := e.unitByCode(st, *unit)
				if code != 0 {
					return code
				}
				unitID, where = u.ID, u.Code
			}
			n, err := st.RemoveMembership(e.ctx, id, unitID)
			switch {
			case errors.Is(err, storage.ErrLastAdmin):
				return e.fail("%s", e.tx.LastAdmin)
			case errors.Is(err, storage.ErrNotFound) && where != "":
				return e.fail(e.tx.NotInUnit, id, where)
			case errors.Is(err, storage.ErrNotFound):
				return e.fail(e.tx.NoSuchMember, id)
			case err != nil:
				return e.fail(e.tx.DBError, err)
			}
			e.out(e.tx.MemberRemoved, id, n)
			return 0
		}
		return e.fail("%s", e.tx.MemberUsage)
	}
}
