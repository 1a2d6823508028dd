package bot

import (
	"nhacviec/storage"
)

// The member's reach. Every command and every button asks these on the server; what a button
// carries is only a claim.

// schoolIDs are the schools where the member is head or deputy.
func (t *turn) schoolIDs() []int64 {
	var ids []int64
	if t.member == nil {
		return nil
	}
	for _, ms := range t.member.Memberships {
		if ms.Role.AtSchool() {
			ids = append(ids, ms.UnitID)
		}
	}
	return ids
}

// hasSchool reports whether the member works in a school.
func (t *turn) hasSchool() bool { return len(t.schoolIDs()) > 0 }

// manySchools reports whether the member works in more than one school, so that school names must
// be shown beside task numbers.
func (t *turn) manySchools() bool { return len(t.schoolIDs()) > 1 }

// roleAt returns the member's role in the unit, or "".
func (t *turn) roleAt(unitID int64) storage.Role {
	if t.member == nil {
		return ""
	}
	for _, ms := range t.member.Memberships {
		if ms.UnitID == unitID {
			return ms.Role
		}
	}
	return ""
}

// isAdmin reports whether the member runs the installation.
func (t *turn) isAdmin() bool {
	if t.member == nil {
		return false
	}
	for _, ms := range t.member.Memberships {
		if ms.Role == storage.RoleAdmin {
			return true
		}
	}
	return false
}

// supervised are the units whose subtrees the member oversees.
func (t *turn) supervised() []int64 {
	var ids []int64
	if t.member == nil {
		return nil
	}
	for _, ms := range t.member.Memberships {
		if ms.Role == storage.RoleSupervisor {
			ids = append(ids, ms.UnitID)
		}
	}
	return ids
}

// canReport reports whether the member may report on (and follow, and see the history of) the
// assignment: they are head or deputy of its school.
func (t *turn) canReport(a storage.Assignment) bool { return t.roleAt(a.UnitID).AtSchool() }

// canHandOver reports whether the member may hand the assignment to a deputy: they are its
// school's head.
func (t *turn) canHandOver(a storage.Assignment) bool { return t.roleAt(a.UnitID) == storage.RoleHead }

// canAskExtension reports whether the member may ask for more time on the assignment: they are
// its school's head. A deputy reports; the head asks for extensions.
func (t *turn) canAskExtension(a storage.Assignment) bool {
	return t.roleAt(a.UnitID) == storage.RoleHead
}

// canView reports whether the member may see the assignment and its reports: its school's staff,
// a supervisor of a unit above it, or an admin.
func (t *turn) canView(a storage.Assignment) (bool, error) {
	if t.canReport(a) || t.isAdmin() {
		return true, nil
	}
	for _, root := range t.supervised() {
		in, err := t.st.Within(t.ctx, a.UnitID, root)
		if err != nil || in {
			return in, err
		}
	}
	return false, nil
}

// assignmentFor loads an assignment named by a button and checks that the member may act on it
// with check. A forged or stale id gets the same answer as one of another school: nothing is
// revealed.
func (t *turn) assignmentFor(id int64, check func(storage.Assignment) bool) (storage.Assignment, bool, error) {
	a, err := t.st.AssignmentByID(t.ctx, id)
	if err != nil {
		if isNotFound(err) {
			return a, false, nil
		}
		return a, false, err
	}
	return a, check(a), nil
}

// unitName is the name of one of the member's units.
func (t *turn) unitName(unitID int64) string {
	for _, ms := range t.member.Memberships {
		if ms.UnitID == unitID {
			return ms.Unit.Name
		}
	}
	return ""
}
