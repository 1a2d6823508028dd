package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm/clause"
)

// UnitRow is one unit as an operator describes it in an import file.
type UnitRow struct {
	Line   int // where it stands in the file, for messages
	Code   string
	Name   string
	Kind   UnitKind
	Parent string // the parent's code; empty for a root
	Level  Level
}

// Why an import row was refused.
const (
	ProblemMissingCode    = "missing_code"
	ProblemMissingName    = "missing_name"
	ProblemBadCode        = "bad_code"
	ProblemBadKind        = "bad_kind"
	ProblemBadLevel       = "bad_level"
	ProblemMissingLevel   = "missing_level"
	ProblemLevelNotSchool = "level_not_school"
	ProblemDuplicateCode  = "duplicate_code"
	ProblemUnknownParent  = "unknown_parent"
	ProblemSelfParent     = "self_parent"
	ProblemParentIsSchool = "parent_is_school"
	ProblemCycle          = "cycle"
	ProblemSchoolHasWork  = "school_has_work" // a school with tasks cannot become another kind
	ProblemHasChildren    = "has_children"    // a unit with units beneath it cannot become a school
)

// ImportProblem is one reason an import was refused.
type ImportProblem struct {
	Line   int
	Code   string
	Reason string // one of the Problem* constants
	Value  string // the offending value (a parent code, a kind, the first line of a duplicate...)
}

// ImportError refuses a whole import; nothing was written.
type ImportError struct{ Problems []ImportProblem }

func (e *ImportError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, fmt.Sprintf("line %d: %s %q", p.Line, p.Reason, p.Value))
	}
	return "storage: import units: " + strings.Join(parts, "; ")
}

// ImportResult counts what an import did.
type ImportResult struct{ Created, Updated, Unchanged int }

// maxCodeLen bounds unit codes; they travel in commands and files.
const maxCodeLen = 64

// ImportUnits creates and updates units from rows, matching existing units by code. Units not in
// rows stay as they are. Rows are checked together with the units already stored (a parent may
// be in the database, a cycle may run through it); if anything is wrong nothing is written and the
// error is an *ImportError listing every problem.
func (s *Store) ImportUnits(ctx context.Context, rows []UnitRow) (ImportResult, error) {
	var res ImportResult
	err := s.Tx(ctx, func(tx *Store) error {
		var existing []Unit
		if err := tx.q(ctx).Order("id").Find(&existing).Error; err != nil {
			return err
		}
		plan, problems := planImport(rows, existing)
		if len(problems) == 0 {
			problems = tx.checkSchoolsWithWork(ctx, plan, existing)
		}
		if len(problems) > 0 {
			sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
			return &ImportError{Problems: problems}
		}
		var err error
		res, err = tx.applyImport(ctx, plan, existing)
		return err
	})
	var ie *ImportError
	if errors.As(err, &ie) {
		return ImportResult{}, ie
	}
	return res, wrap("import units", err)
}

type importNode struct {
	code, parent string
	kind         UnitKind
	line         int // 0 for units only in the database
}

// planImport validates rows against each other and the stored units, without the database.
func planImport(rows []UnitRow, existing []Unit) ([]UnitRow, []ImportProblem) {
	var problems []ImportProblem
	add := func(r UnitRow, reason, value string) {
		problems = append(problems, ImportProblem{Line: r.Line, Code: r.Code, Reason: reason, Value: value})
	}
	byID := make(map[int64]Unit, len(existing))
	for _, u := range existing {
		byID[u.ID] = u
	}
	final := make(map[string]*importNode, len(existing)+len(rows))
	for _, u := range existing {
		n := &importNode{code: u.Code, kind: u.Kind}
		if u.ParentID != nil {
			n.parent = byID[*u.ParentID].Code
		}
		final[u.Code] = n
	}
	firstLine := map[string]int{}
	var plan []UnitRow
	for _, r := range rows {
		r.Code = strings.TrimSpace(r.Code)
		r.Name = strings.TrimSpace(r.Name)
		r.Parent = strings.TrimSpace(r.Parent)
		r.Kind = UnitKind(strings.ToLower(strings.TrimSpace(string(r.Kind))))
		r.Level = Level(strings.ToLower(strings.TrimSpace(string(r.Level))))
		ok := true
		switch {
		case r.Code == "":
			add(r, ProblemMissingCode, "")
			ok = false
		case len(r.Code) > maxCodeLen || strings.ContainsAny(r.Code, " \t,;/?#&") || strings.ContainsRune(r.Code, 0):
			add(r, ProblemBadCode, r.Code)
			ok = false
		}
		if r.Name == "" {
			add(r, ProblemMissingName, "")
		}
		if !r.Kind.Valid() {
			add(r, ProblemBadKind, string(r.Kind)) // still checked below: its parent, its place in the tree
		}
		switch {
		case r.Kind == KindSchool && r.Level == levelUnspecified:
			add(r, ProblemMissingLevel, "")
		case r.Kind == KindSchool && !r.Level.Valid():
			add(r, ProblemBadLevel, string(r.Level))
		case r.Kind.Valid() && r.Kind != KindSchool && r.Level != levelUnspecified:
			add(r, ProblemLevelNotSchool, string(r.Level))
		}
		if r.Parent != "" && r.Parent == r.Code {
			add(r, ProblemSelfParent, r.Parent)
			ok = false
		}
		if line, dup := firstLine[r.Code]; dup && r.Code != "" {
			add(r, ProblemDuplicateCode, fmt.Sprint(line))
			ok = false
		} else if r.Code != "" {
			firstLine[r.Code] = r.Line
		}
		if ok {
			final[r.Code] = &importNode{code: r.Code, parent: r.Parent, kind: r.Kind, line: r.Line}
			plan = append(plan, r)
		}
	}
	for _, r := range plan {
		if r.Parent == "" {
			continue
		}
		p, known := final[r.Parent]
		switch {
		case !known:
			add(r, ProblemUnknownParent, r.Parent)
		case p.kind == KindSchool:
			add(r, ProblemParentIsSchool, r.Parent)
		}
	}
	// A stored unit whose parent this file turns into a school.
	for _, n := range final {
		if n.line != 0 || n.parent == "" {
			continue
		}
		if p := final[n.parent]; p != nil && p.line != 0 && p.kind == KindSchool {
			problems = append(problems, ImportProblem{Line: p.line, Code: p.code, Reason: ProblemHasChildren, Value: n.code})
		}
	}
	// Cycles: walk up from every row; a walk that comes back to where it started is a cycle.
	for _, r := range plan {
		seen := map[string]bool{r.Code: true}
		for cur := final[r.Code].parent; cur != ""; {
			if seen[cur] {
				if cur == r.Code {
					add(r, ProblemCycle, cycleText(final, r.Code))
				}
				break
			}
			seen[cur] = true
			n := final[cur]
			if n == nil {
				break
			}
			cur = n.parent
		}
	}
	return plan, problems
}

// cycleText shows a cycle as A → B → A.
func cycleText(final map[string]*importNode, start string) string {
	parts := []string{start}
	for cur := final[start].parent; cur != "" && len(parts) <= len(final); cur = final[cur].parent {
		parts = append(parts, cur)
		if cur == start {
			break
		}
	}
	return strings.Join(parts, " → ")
}

// checkSchoolsWithWork refuses to turn a school that already has tasks into something else.
func (s *Store) checkSchoolsWithWork(ctx context.Context, plan []UnitRow, existing []Unit) []ImportProblem {
	byCode := make(map[string]Unit, len(existing))
	for _, u := range existing {
		byCode[u.Code] = u
	}
	var problems []ImportProblem
	for _, r := range plan {
		u, ok := byCode[r.Code]
		if !ok || u.Kind != KindSchool || r.Kind == KindSchool {
			continue
		}
		var n int64
		if err := s.q(ctx).Model(&Assignment{}).Where("unit_id = ?", u.ID).Count(&n).Error; err == nil && n > 0 {
			problems = append(problems, ImportProblem{Line: r.Line, Code: r.Code, Reason: ProblemSchoolHasWork, Value: string(r.Kind)})
		}
	}
	return problems
}

func (s *Store) applyImport(ctx context.Context, plan []UnitRow, existing []Unit) (ImportResult, error) {
	var res ImportResult
	byCode := make(map[string]Unit, len(existing)+len(plan))
	for _, u := range existing {
		byCode[u.Code] = u
	}
	var fresh []Unit
	for _, r := range plan {
		if _, ok := byCode[r.Code]; !ok {
			fresh = append(fresh, Unit{Code: r.Code, Name: r.Name, Kind: r.Kind, Level: r.Level})
		}
	}
	if len(fresh) > 0 {
		if err := s.q(ctx).CreateInBatches(&fresh, 200).Error; err != nil {
			return res, err
		}
		for _, u := range fresh {
			byCode[u.Code] = u
		}
	}
	isNew := make(map[string]bool, len(fresh))
	for _, u := range fresh {
		isNew[u.Code] = true
	}
	for _, r := range plan {
		u := byCode[r.Code]
		var parentID *int64
		if r.Parent != "" {
			id := byCode[r.Parent].ID
			parentID = &id
		}
		same := u.Name == r.Name && u.Kind == r.Kind && u.Level == r.Level && equalIDs(u.ParentID, parentID)
		switch {
		case isNew[r.Code] && parentID == nil:
			res.Created++
			continue
		case same:
			res.Unchanged++
			continue
		case isNew[r.Code]:
			res.Created++
		default:
			res.Updated++
		}
		err := s.q(ctx).Model(&Unit{}).Where("id = ?", u.ID).Updates(map[string]any{
			"name": r.Name, "kind": r.Kind, "level": r.Level, "parent_id": parentID, "updated_at": s.clock(),
		}).Error
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

func equalIDs(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// UnitByCode finds a unit by its code.
func (s *Store) UnitByCode(ctx context.Context, code string) (Unit, error) {
	var u Unit
	err := s.q(ctx).Where("code = ?", strings.TrimSpace(code)).Take(&u).Error
	return u, wrap("unit by code", err)
}

// UnitByID finds a unit.
func (s *Store) UnitByID(ctx context.Context, id int64) (Unit, error) {
	var u Unit
	err := s.q(ctx).Take(&u, id).Error
	return u, wrap("unit by id", err)
}

// Children lists the units directly beneath a unit: offices first, then schools, by name.
func (s *Store) Children(ctx context.Context, unitID int64) ([]Unit, error) {
	var us []Unit
	err := s.q(ctx).Where("parent_id = ?", unitID).
		Order(clause.OrderByColumn{Column: clause.Column{Name: "kind"}, Desc: false}).Order("name").Find(&us).Error
	return us, wrap("children", err)
}

// Units lists every unit, by code.
func (s *Store) Units(ctx context.Context) ([]Unit, error) {
	var us []Unit
	err := s.q(ctx).Order("code").Find(&us).Error
	return us, wrap("units", err)
}

// subtreeCTE selects the ids of the given units and everything beneath them, at any depth.
const subtreeCTE = `WITH RECURSIVE sub(id) AS (
	SELECT id FROM units WHERE id IN ?
	UNION
	SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id
)`

// SchoolsUnder returns the schools at or beneath the given units, any depth down, ordered by code.
// With levels, only schools of those levels are returned.
func (s *Store) SchoolsUnder(ctx context.Context, unitIDs []int64, levels []Level) ([]Unit, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	sql := subtreeCTE + ` SELECT * FROM units WHERE id IN (SELECT id FROM sub) AND kind = ?`
	args := []any{unitIDs, KindSchool}
	if len(levels) > 0 {
		sql += ` AND level IN ?`
		args = append(args, levels)
	}
	sql += ` ORDER BY code`
	var us []Unit
	err := s.q(ctx).Raw(sql, args...).Scan(&us).Error
	return us, wrap("schools under", err)
}

// Ancestors returns the unit and the units above it, from the unit up to the root.
func (s *Store) Ancestors(ctx context.Context, unitID int64) ([]Unit, error) {
	var out []Unit
	seen := map[int64]bool{}
	for id := unitID; !seen[id]; {
		seen[id] = true
		var u Unit
		if err := s.q(ctx).Take(&u, id).Error; err != nil {
			return nil, wrap("ancestors", err)
		}
		out = append(out, u)
		if u.ParentID == nil {
			break
		}
		id = *u.ParentID
	}
	return out, nil
}

// Within reports whether unitID is ancestorID or lies beneath it.
func (s *Store) Within(ctx context.Context, unitID, ancestorID int64) (bool, error) {
	chain, err := s.Ancestors(ctx, unitID)
	if err != nil {
		return false, err
	}
	for _, u := range chain {
		if u.ID == ancestorID {
			return true, nil
		}
	}
	return false, nil
}
