package storage

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"time"

	"nhacviec/calendar"
)

// ExportRow is one school and one task, as an export lists them.
type ExportRow struct {
	SchoolID               int64
	PathIDs                []int64  // the units above the school, from the top
	Path                   []string // their names
	SchoolCode, SchoolName string
	Level                  Level
	TaskID                 int64
	Seq                    int // the task's short number in the school
	Title, Citation        string
	Directive              string // "Chỉ thị 23/CT-UBND", or ""
	Cadence                Cadence
	Due                    Date // for a recurring task, the period's cut-off
	PeriodStart            Date // the period's first day, for a recurring task; zero otherwise
	Status                 Status
	Progress               int
	ReportAt               *time.Time // the latest report
	AssignedAt             time.Time  // when the school was given the task
	Result                 string
	Difficulties           string
	Proposals              string
	Evidence               int // files over all the school's reports on the task

	order int // the school's place in the export, while sorting
}

// ExportQuery says which rows to export.
type ExportQuery struct {
	Under   []int64 // the units whose schools to export
	All     bool    // or: every school
	TaskID  int64   // only this task, when set
	Today   Date    // with Loc, decides the statuses
	Loc     *time.Location
	Periods calendar.Periods // the report windows of recurring tasks; calendar.DefaultPeriods when zero
	// Current keeps, of a recurring task, the one period that matters now: the last one ended
	// when it is overdue, else the period under way. Otherwise every period so far is a row.
	// Current rows carry only the statuses and the latest report's time (no report text, no
	// evidence count), in no particular order: what a digest needs, read quickly.
	Current bool
}

// ExportRows lists every assignment of the schools beneath the units (or of every school), with
// its latest report: by unit path, school, task number and period. A recurring task gives a row
// per report period since it was assigned, each with its own status: done on time when the
// school reported within the period, done late when the first report after it (in the next
// period) made up for it, overdue when neither, in progress while the period runs.
func (s *Store) ExportRows(ctx context.Context, q ExportQuery) ([]ExportRow, error) {
	under, all, taskID, today, loc := q.Under, q.All, q.TaskID, q.Today, q.Loc
	if q.Periods.MonthlyDay == 0 {
		q.Periods = calendar.DefaultPeriods
	}
	units, err := s.unitTree(ctx, under, all)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u.Unit
	}
	var schools []int64
	for _, u := range units {
		if u.Kind == KindSchool && (all || u.inSubtree) {
			schools = append(schools, u.ID)
		}
	}
	if len(schools) == 0 {
		return nil, nil
	}
	where, args := "a.unit_id IN ?", []any{schools}
	if taskID != 0 {
		where += " AND a.task_id = ?"
		args = append(args, taskID)
	}
	// The tasks' words once, not once per school: a province has 72,000 rows and 60 tasks.
	type taskWords struct {
		title, citation, directive string
		cadence                    Cadence
		due                        Date // a recurring task's end
	}
	words := map[int64]taskWords{}
	trows, err := s.q(ctx).Raw(`SELECT t.id, t.title, t.citation, t.cadence, t.due, COALESCE(d.kind, ''), COALESCE(d.number, '')
		FROM tasks t LEFT JOIN directives d ON d.id = t.directive_id
		WHERE t.id IN (SELECT DISTINCT a.task_id FROM assignments a WHERE `+where+`)`, args...).Rows()
	if err != nil {
		return nil, wrap("export", err)
	}
	for trows.Next() {
		var id int64
		var w taskWords
		var kind, number string
		if err := trows.Scan(&id, &w.title, &w.citation, &w.cadence, &w.due, &kind, &number); err != nil {
			trows.Close()
			return nil, wrap("export", err)
		}
		w.directive = strings.TrimSpace(kind + " " + number)
		words[id] = w
	}
	err = trows.Err()
	trows.Close()
	if err != nil {
		return nil, wrap("export", err)
	}
	// The recurring tasks' reports are read alongside the assignments (on a connection of their
	// own, outside a transaction): for a province they take as long again.
	var seriesTasks []int64
	since := today.Time(time.UTC) // the digest needs the periods before and under way alone
	for id, w := range words {
		if w.cadence == "" || w.cadence == CadenceOnce {
			continue
		}
		seriesTasks = append(seriesTasks, id)
		c, ref := string(w.cadence), today.Time(time.UTC)
		if end := w.due.Time(time.UTC); end.Before(ref) {
			ref = end // a series over: its last periods are the ones a digest looks at
		}
		if st := q.Periods.Previous(c, q.Periods.Period(c, ref)).Start; st.Before(since) {
			since = st
		}
	}
	since = since.AddDate(0, 0, -1) // a day's margin for the time zone
	if !q.Current {
		since = time.Time{}
	}
	type seriesResult struct {
		reports map[int64][]*seriesReport
		err     error
	}
	seriesDone := make(chan seriesResult, 1)
	readSeries := func() {
		if len(seriesTasks) == 0 {
			seriesDone <- seriesResult{}
			return
		}
		r, err := s.seriesReports(ctx, where, args, seriesTasks, since, q.Current, loc)
		seriesDone <- seriesResult{r, err}
	}
	if s.inTx {
		readSeries()
	} else {
		go readSeries()
	}
	received := false
	defer func() {
		if !received {
			<-seriesDone // not needed after all, or an early return: the reader finishes first
		}
	}()
	query := `SELECT a.id, a.created_at, a.unit_id, a.task_id, a.seq, a.due, a.progress, a.completed_at,
		r.created_at, COALESCE(r.result, ''), COALESCE(r.difficulties, ''), COALESCE(r.proposals, ''), COALESCE(ev.n, 0)
		FROM assignments a
		LEFT JOIN reports r ON r.id = a.last_report_id
		LEFT JOIN (SELECT rr.assignment_id, COUNT(*) AS n FROM evidences e JOIN reports rr ON rr.id = e.report_id
			WHERE rr.assignment_id IN (SELECT a.id FROM assignments a WHERE ` + where + `)
			GROUP BY rr.assignment_id) ev ON ev.assignment_id = a.id
		WHERE `
	queryArgs := append(append([]any(nil), args...), args...) // the evidence count's, then the rows'
	if q.Current {
		// No texts: each column read costs calls into SQLite, 72,000 rows for a province.
		query = `SELECT a.id, a.created_at, a.unit_id, a.task_id, a.seq, a.due, a.progress, a.completed_at,
		a.last_report_at
		FROM assignments a
		WHERE `
		queryArgs = args
	}
	var n int64 // rows to expect: growing a slice of 72,000 rows costs more than counting them
	if err := s.q(ctx).Raw("SELECT COUNT(*) FROM assignments a WHERE "+where, args...).Scan(&n).Error; err != nil {
		return nil, wrap("export", err)
	}
	rows, err := s.q(ctx).Raw(query+where, queryArgs...).Rows()
	if err != nil {
		return nil, wrap("export", err)
	}
	defer rows.Close()
	type chain struct {
		ids   []int64
		names []string
	}
	paths := map[int64]chain{}
	path := func(id int64) chain {
		if p, ok := paths[id]; ok {
			return p
		}
		var p chain
		for u, ok := byID[id]; ok && u.ParentID != nil; {
			u, ok = byID[*u.ParentID]
			if ok {
				p.ids = append([]int64{u.ID}, p.ids...)
				p.names = append([]string{u.Name}, p.names...)
			}
		}
		paths[id] = p
		return p
	}
	out := make([]ExportRow, 0, n)
	var recurring []series
	var (
		r                   ExportRow
		id, unitID          int64
		assigned            time.Time
		completed, reportAt sql.NullTime
	)
	dest := []any{&id, &assigned, &unitID, &r.TaskID, &r.Seq, &r.Due, &r.Progress, &completed,
		&reportAt, &r.Result, &r.Difficulties, &r.Proposals, &r.Evidence}
	if q.Current {
		dest = dest[:9]
	}
	for rows.Next() {
		r = ExportRow{}
		if err := rows.Scan(dest...); err != nil {
			return nil, wrap("export", err)
		}
		w := words[r.TaskID]
		r.Title, r.Citation, r.Cadence, r.Directive = w.title, w.citation, w.cadence, w.directive
		u := byID[unitID]
		p := path(unitID)
		r.SchoolID, r.PathIDs, r.Path, r.SchoolCode, r.SchoolName, r.Level = unitID, p.ids, p.names, u.Code, u.Name, u.Level
		r.AssignedAt = assigned
		a := Assignment{Due: r.Due}
		if completed.Valid {
			a.CompletedAt = &completed.Time
		}
		r.Status = a.Status(today, loc)
		if reportAt.Valid {
			t := reportAt.Time
			r.ReportAt = &t
		}
		if r.Cadence != "" && r.Cadence != CadenceOnce {
			recurring = append(recurring, series{row: len(out), id: id, assigned: assigned})
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("export", err)
	}
	rows.Close()
	if len(recurring) > 0 {
		got := <-seriesDone
		received = true
		if got.err != nil {
			return nil, got.err
		}
		reports := got.reports
		if q.Current {
			// One row stands for each series: replaced where it is.
			var scratch []ExportRow
			for _, r := range recurring {
				ws := seriesWindows(out[r.row], DateOf(r.assigned, loc), today, q.Periods, true)
				scratch = periodsOf(scratch[:0], out[r.row], ws, today, reports[r.id], true)
				out[r.row] = scratch[0]
			}
		} else {
			out = expandSeries(out, recurring, reports, today, q.Periods, loc)
		}
	}
	if q.Current {
		return out, nil // a digest counts; it does not list
	}
	// By unit path, school, task number, period: the schools are put in order once, and the rows
	// by their school's place (a province sorts 223,000 rows).
	type place struct {
		id         int64
		path, name string
	}
	places := make([]place, 0, len(paths))
	for id, p := range paths {
		places = append(places, place{id, strings.Join(p.names, "\x00"), byID[id].Name})
	}
	slices.SortFunc(places, func(a, b place) int {
		return cmp.Or(strings.Compare(a.path, b.path), strings.Compare(a.name, b.name), cmp.Compare(a.id, b.id))
	})
	order := make(map[int64]int, len(places))
	for i, p := range places {
		order[p.id] = i
	}
	for i := range out {
		out[i].order = order[out[i].SchoolID]
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.order != b.order {
			return a.order < b.order
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		return a.PeriodStart.Before(b.PeriodStart)
	})
	return out, nil
}

// treeUnit is a unit with whether it lies at or beneath the units asked about.
type treeUnit struct {
	Unit
	inSubtree bool
}

// unitTree reads the units at and beneath under, and those above them (every unit when all):
// their places in the tree and their names, scanned by hand, as a digest of a commune runs it a
// hundred times on a Monday.
func (s *Store) unitTree(ctx context.Context, under []int64, all bool) ([]treeUnit, error) {
	query, args := `SELECT id, parent_id, code, name, kind, level, 1 FROM units`, []any(nil)
	if !all {
		if len(under) == 0 {
			return nil, nil
		}
		query = `WITH RECURSIVE sub(id) AS (
				SELECT id FROM units WHERE id IN ?
				UNION
				SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id
			), up(id) AS (
				SELECT parent_id FROM units WHERE id IN ? AND parent_id IS NOT NULL
				UNION
				SELECT u.parent_id FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL
			)
			SELECT id, parent_id, code, name, kind, level, CASE WHEN id IN (SELECT id FROM sub) THEN 1 ELSE 0 END
			FROM units WHERE id IN (SELECT id FROM sub) OR id IN (SELECT id FROM up)`
		args = []any{under, under}
	}
	rows, err := s.q(ctx).Raw(query, args...).Rows()
	if err != nil {
		return nil, wrap("export", err)
	}
	defer rows.Close()
	var out []treeUnit
	for rows.Next() {
		var u treeUnit
		var parent sql.NullInt64
		var in int
		if err := rows.Scan(&u.ID, &parent, &u.Code, &u.Name, &u.Kind, &u.Level, &in); err != nil {
			return nil, wrap("export", err)
		}
		if parent.Valid {
			p := parent.Int64
			u.ParentID = &p
		}
		u.inSubtree = in == 1
		out = append(out, u)
	}
	return out, wrap("export", rows.Err())
}

// series is an assignment of a recurring task among the rows: replaced by its periods.
type series struct {
	row      int // index in the rows
	id       int64
	assigned time.Time
}

// expandSeries replaces each recurring assignment's row by a row per period, writing the rows
// once into a slice of the right size.
func expandSeries(out []ExportRow, recurring []series, reports map[int64][]*seriesReport, today Date, p calendar.Periods, loc *time.Location) []ExportRow {
	wins := make([][]calendar.Period, len(recurring))
	total := len(out)
	for i, r := range recurring {
		wins[i] = seriesWindows(out[r.row], DateOf(r.assigned, loc), today, p, false)
		total += max(1, len(wins[i])) - 1
	}
	final := make([]ExportRow, 0, total)
	next := 0 // the next recurring row
	for i := range out {
		if next < len(recurring) && recurring[next].row == i {
			final = periodsOf(final, out[i], wins[next], today, reports[recurring[next].id], false)
			next++
			continue
		}
		final = append(final, out[i])
	}
	return final
}

// seriesReport is a report on a recurring task, as its periods need it.
type seriesReport struct {
	day      Date
	at       time.Time
	progress int
	result   string
	diff     string
	prop     string
	evidence int
}

// seriesReports lists the reports made from since on of the assignments that where and args
// select, of the given (recurring) tasks, oldest first, by assignment.
// With brief, only their times and progress.
func (s *Store) seriesReports(ctx context.Context, where string, args []any, tasks []int64, since time.Time, brief bool, loc *time.Location) (map[int64][]*seriesReport, error) {
	out := map[int64][]*seriesReport{}
	// The assignments the export reads (where, args) of the recurring tasks.
	series := `IN (SELECT a.id FROM assignments a WHERE ` + where + ` AND a.task_id IN ?)`
	seriesArgs := append(append([]any(nil), args...), tasks)
	// The evidence counted for those reports only: a commune's export must not count the province's.
	query := `SELECT r.assignment_id, r.created_at, r.progress, r.result, r.difficulties, r.proposals, COALESCE(ev.n, 0)
			FROM reports r LEFT JOIN (SELECT e.report_id, COUNT(*) AS n FROM evidences e JOIN reports r2 ON r2.id = e.report_id
				WHERE r2.assignment_id ` + series + ` GROUP BY e.report_id) ev ON ev.report_id = r.id
			WHERE r.assignment_id ` + series + ` AND r.created_at >= ? ORDER BY r.assignment_id, r.created_at, r.id`
	queryArgs := append(append(append([]any(nil), seriesArgs...), seriesArgs...), since)
	if brief {
		// ix_reports_assignment_created: the last few weeks of each series, not the school year.
		query = `SELECT r.assignment_id, r.created_at, r.progress, '', '', '', 0
			FROM reports r WHERE r.assignment_id ` + series + ` AND r.created_at >= ? ORDER BY r.assignment_id, r.created_at, r.id`
		queryArgs = append(seriesArgs, since)
	}
	rows, err := s.q(ctx).Raw(query, queryArgs...).Rows()
	if err != nil {
		return nil, wrap("export periods", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		r := &seriesReport{}
		if err := rows.Scan(&id, &r.at, &r.progress, &r.result, &r.diff, &r.prop, &r.evidence); err != nil {
			return nil, wrap("export periods", err)
		}
		r.day = DateOf(r.at, loc)
		out[id] = append(out[id], r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("export periods", err)
	}
	return out, nil
}

// seriesWindows are the report periods of a recurring assignment, from the one under way when it
// was assigned to the one under way today (or the last, once the series is over), the last cut
// off at the series' end; with current, the last two only. None for a series that ended before it
// was assigned.
func seriesWindows(base ExportRow, assigned, today Date, p calendar.Periods, current bool) []calendar.Period {
	c := string(base.Cadence)
	end := base.Due.Time(time.UTC)
	last := today.Time(time.UTC)
	if last.After(end) {
		last = end
	}
	ws := p.Windows(c, assigned.Time(time.UTC), p.Period(c, last).Cutoff)
	if current && len(ws) > 2 {
		ws = ws[len(ws)-2:]
	}
	kept := ws[:0]
	for _, w := range ws {
		if w.Cutoff.After(end) {
			w.Cutoff = end
		}
		if !w.Cutoff.Before(assigned.Time(time.UTC)) { // a period cut off before the school had the task is not its
			kept = append(kept, w)
		}
	}
	return kept
}

// periodsOf appends to dst a row per period of a recurring assignment (with current, the one
// that matters now). A period with a report is done on time; one without is done late when the
// next period has two reports (one for itself, one making up), else overdue once it ended. The
// rule looks at two periods only, so a school that missed one week and then reports weekly is
// late for that week alone.
func periodsOf(dst []ExportRow, base ExportRow, ws []calendar.Period, today Date, reports []*seriesReport, current bool) []ExportRow {
	if len(ws) == 0 {
		return append(dst, base) // a series that ended before it was assigned
	}
	// The reports of each period, in order.
	in := make([][]*seriesReport, len(ws))
	k := 0
	for _, rep := range reports {
		d := rep.day.Time(time.UTC)
		for k < len(ws) && d.After(ws[k].Cutoff) {
			k++
		}
		if k < len(ws) && !d.Before(ws[k].Start) {
			in[k] = append(in[k], rep)
		}
	}
	first := len(dst)
	for i, w := range ws {
		r := base
		r.PeriodStart, r.Due = DateOf(w.Start, time.UTC), DateOf(w.Cutoff, time.UTC)
		r.Progress, r.ReportAt, r.Result, r.Difficulties, r.Proposals, r.Evidence = 0, nil, "", "", "", 0
		var got *seriesReport
		switch {
		case len(in[i]) > 0:
			got, r.Status = in[i][len(in[i])-1], StatusDoneOnTime // the period's latest
		case i+1 < len(in) && len(in[i+1]) >= 2:
			got, r.Status = in[i+1][0], StatusDoneLate // the first after it
		case today.After(r.Due):
			r.Status = StatusOverdue
		default:
			r.Status = StatusInProgress
		}
		if got != nil {
			at := got.at
			r.Progress, r.ReportAt, r.Result, r.Difficulties, r.Proposals, r.Evidence = got.progress, &at, got.result, got.diff, got.prop, got.evidence
		}
		dst = append(dst, r)
	}
	if current {
		last := dst[len(dst)-1]
		if len(dst)-first > 1 {
			if prev := dst[len(dst)-2]; prev.Status == StatusOverdue && !today.After(last.Due) {
				last = prev
			}
		}
		last.ReportAt = base.ReportAt // when the school last reported at all, for "silent"
		return append(dst[:first], last)
	}
	return dst
}

// Issue is a report that raised difficulties or proposals.
type Issue struct {
	ReportID                int64
	SchoolID, TaskID        int64
	School, Member, Task    string
	Seq                     int
	Difficulties, Proposals string
	At                      time.Time
}

// IssuesSince lists the reports of the schools made from since on that raised difficulties or
// proposals, oldest first. (The unary plus keeps SQLite from starting with the schools, which
// for a province means every report ever made, instead of the week's reports by date.)
func (s *Store) IssuesSince(ctx context.Context, schools []int64, since time.Time) ([]Issue, error) {
	if len(schools) == 0 {
		return nil, nil
	}
	rows, err := s.q(ctx).Raw(`SELECT r.id, a.unit_id, a.task_id, u.name, m.first_name, m.last_name, t.title, a.seq, r.difficulties, r.proposals, r.created_at
		FROM reports r JOIN assignments a ON a.id = r.assignment_id JOIN tasks t ON t.id = a.task_id
		JOIN units u ON u.id = a.unit_id JOIN members m ON m.id = r.member_id
		WHERE +a.unit_id IN ? AND r.created_at >= ? AND (r.difficulties <> '' OR r.proposals <> '')
		ORDER BY r.created_at, r.id`, schools, since.UTC()).Rows()
	if err != nil {
		return nil, wrap("issues since", err)
	}
	defer rows.Close()
	var out []Issue
	for rows.Next() {
		var i Issue
		var first, last string
		if err := rows.Scan(&i.ReportID, &i.SchoolID, &i.TaskID, &i.School, &first, &last, &i.Task, &i.Seq, &i.Difficulties, &i.Proposals, &i.At); err != nil {
			return nil, wrap("issues since", err)
		}
		i.Member = strings.TrimSpace(first + " " + last)
		out = append(out, i)
	}
	return out, wrap("issues since", rows.Err())
}

// WaitingExtension is an extension request no supervisor has answered yet.
type WaitingExtension struct {
	ID, TaskID          int64
	School, Task        string
	Seq                 int
	OldDue, ProposedDue Date
}

// WaitingExtensions lists the unanswered extension requests of the schools, oldest first.
func (s *Store) WaitingExtensions(ctx context.Context, schools []int64) ([]WaitingExtension, error) {
	if len(schools) == 0 {
		return nil, nil
	}
	var out []WaitingExtension
	err := s.q(ctx).Raw(`SELECT x.id, a.task_id, u.name AS school, t.title AS task, a.seq, x.old_due, x.proposed_due
		FROM extension_requests x JOIN assignments a ON a.id = x.assignment_id JOIN tasks t ON t.id = a.task_id
		JOIN units u ON u.id = a.unit_id
		WHERE x.status = ? AND a.unit_id IN ? ORDER BY x.created_at, x.id`, ExtensionPending, schools).Scan(&out).Error
	return out, wrap("waiting extensions", err)
}

// Supervision is a supervisor and the unit they oversee.
type Supervision struct {
	MemberID, TelegramID, UnitID int64
}

// Supervisions lists every supervisor with each unit they oversee.
func (s *Store) Supervisions(ctx context.Context) ([]Supervision, error) {
	var out []Supervision
	err := s.q(ctx).Raw(`SELECT ms.member_id, m.telegram_id, ms.unit_id FROM memberships ms JOIN members m ON m.id = ms.member_id
		WHERE ms.role = ? ORDER BY ms.member_id, ms.unit_id`, RoleSupervisor).Scan(&out).Error
	return out, wrap("supervisions", err)
}

// LastDigest is when the member was last sent the digest of the unit; zero when never.
func (s *Store) LastDigest(ctx context.Context, memberID, unitID int64) (time.Time, error) {
	var m OutboxMessage
	err := s.q(ctx).Where("kind = ? AND member_id = ? AND ref_id = ? AND status = ?", KindDigest, memberID, unitID, OutboxSent).
		Order("sent_at DESC").Limit(1).Find(&m).Error
	if err != nil || m.SentAt == nil {
		return time.Time{}, wrap("last digest", err)
	}
	return *m.SentAt, nil
}

// TasksUnder lists the tasks assigned to a school beneath the unit, newest first.
func (s *Store) TasksUnder(ctx context.Context, unitID int64) ([]Task, error) {
	var ts []Task
	err := s.q(ctx).Raw(subtreeCTE+` SELECT t.* FROM tasks t WHERE t.id IN
		(SELECT a.task_id FROM assignments a WHERE a.unit_id IN (SELECT id FROM sub))
		ORDER BY t.id DESC`, []int64{unitID}).Scan(&ts).Error
	return ts, wrap("tasks under", err)
}
