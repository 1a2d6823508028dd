// Package digest works out what a supervisor needs to know about the schools beneath a unit —
// per directive and task, how many schools stand in each status; the units with most overdue;
// the schools silent since the last digest; the difficulties and proposals raised; the extension
// requests waiting — and writes it as a message (Telegram HTML) or as plain text.
package digest

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"
	"time"

	"nhacviec/calendar"
	"nhacviec/storage"
)

// Store is what the digest reads.
type Store interface {
	ExportRows(ctx context.Context, q storage.ExportQuery) ([]storage.ExportRow, error)
	IssuesSince(ctx context.Context, schools []int64, since time.Time) ([]storage.Issue, error)
	WaitingExtensions(ctx context.Context, schools []int64) ([]storage.WaitingExtension, error)
}

// Digest is where the schools beneath a unit stand.
type Digest struct {
	Unit       storage.Unit
	Task       string // the task it is limited to, or ""
	At, Since  time.Time
	Schools    int // schools with tasks
	Directives []Block
	Late       []UnitCount  // the units beneath with most overdue, most first
	ByUnit     []UnitStatus // each unit right beneath (or each school), in name order: for the chart
	Silent     []string     // schools with open tasks given before Since and no report since
	Overdue    []string     // schools with an overdue task, by name
	Issues     []storage.Issue
	Extensions []storage.WaitingExtension
}

// Block is one directive's tasks (or the tasks given without one).
type Block struct {
	Directive string // "" for tasks without a directive
	Tasks     []Task
}

// Task is one task with how many schools stand in each status.
type Task struct {
	ID      int64
	Title   string
	Schools int
	Counts  map[storage.Status]int
}

// UnitCount is a unit with its overdue assignments.
type UnitCount struct {
	Name    string
	Overdue int
}

// UnitStatus is a unit beneath with its assignments in each status: done on time, done late,
// in progress, overdue.
type UnitStatus struct {
	ID     int64
	Name   string
	Counts [4]int
}

// Statuses are the four statuses in the order of UnitStatus.Counts.
var Statuses = [4]storage.Status{storage.StatusDoneOnTime, storage.StatusDoneLate, storage.StatusInProgress, storage.StatusOverdue}

// maxLate is how many late units a digest names.
const maxLate = 5

// Query says which digest to compute: of the unit at the time At, with what happened since
// Since; of one task only when TaskID is set.
type Query struct {
	Unit      storage.Unit
	TaskID    int64
	Since, At time.Time
	Loc       *time.Location
	Periods   calendar.Periods // the report windows of recurring tasks; each counts in its period under way
}

// Compute works out the digest the query asks for.
func Compute(ctx context.Context, st Store, q Query) (Digest, error) {
	unit, since, at, loc := q.Unit, q.Since, q.At, q.Loc
	d := Digest{Unit: unit, At: at, Since: since}
	rows, err := st.ExportRows(ctx, storage.ExportQuery{Under: []int64{unit.ID}, TaskID: q.TaskID, Today: storage.DateOf(at, loc), Loc: loc,
		Periods: q.Periods, Current: true})
	if err != nil {
		return d, err
	}
	byUnit := map[int64]*UnitStatus{}
	blocks := map[string]*Block{}
	var blockOrder []string
	tasks := map[int64]*Task{}
	late := map[int64]*UnitCount{}
	type school struct {
		name       string
		open, late bool
		lastReport time.Time
	}
	schools := map[int64]*school{}
	var schoolIDs []int64
	for _, r := range rows {
		t := tasks[r.TaskID]
		if t == nil {
			t = &Task{ID: r.TaskID, Title: r.Title, Counts: map[storage.Status]int{}}
			tasks[r.TaskID] = t
			b := blocks[r.Directive]
			if b == nil {
				b = &Block{Directive: r.Directive}
				blocks[r.Directive] = b
				blockOrder = append(blockOrder, r.Directive)
			}
			b.Tasks = append(b.Tasks, *t) // placeholder, filled below
		}
		t.Schools++
		t.Counts[r.Status]++
		d.Task = r.Title

		// The unit right beneath the digest's unit on the school's path, or the school.
		uid, uname := r.SchoolID, r.SchoolName
		for i, p := range r.PathIDs {
			if p == unit.ID && i+1 < len(r.PathIDs) {
				uid, uname = r.PathIDs[i+1], r.Path[i+1]
			}
		}
		us := byUnit[uid]
		if us == nil {
			us = &UnitStatus{ID: uid, Name: uname}
			byUnit[uid] = us
		}
		for i, st := range Statuses {
			if r.Status == st {
				us.Counts[i]++
			}
		}

		s := schools[r.SchoolID]
		if s == nil {
			s = &school{name: r.SchoolName}
			schools[r.SchoolID] = s
			schoolIDs = append(schoolIDs, r.SchoolID)
		}
		// Silent means a whole period without a word on a task it had all along: a task given
		// this week does not count yet.
		s.open = s.open || (r.Status == storage.StatusInProgress || r.Status == storage.StatusOverdue) && r.AssignedAt.Before(since)
		s.late = s.late || r.Status == storage.StatusOverdue
		if r.ReportAt != nil && r.ReportAt.After(s.lastReport) {
			s.lastReport = *r.ReportAt
		}
		if r.Status == storage.StatusOverdue {
			if late[uid] == nil {
				late[uid] = &UnitCount{Name: uname}
			}
			late[uid].Overdue++
		}
	}
	// Directives by name, the tasks without one last; tasks by title.
	sort.SliceStable(blockOrder, func(i, j int) bool {
		a, b := blockOrder[i], blockOrder[j]
		if (a == "") != (b == "") {
			return b == ""
		}
		return a < b
	})
	for _, name := range blockOrder {
		b := blocks[name]
		for i := range b.Tasks {
			b.Tasks[i] = *tasks[b.Tasks[i].ID]
		}
		sort.SliceStable(b.Tasks, func(i, j int) bool { return b.Tasks[i].ID < b.Tasks[j].ID })
		d.Directives = append(d.Directives, *b)
	}
	for _, u := range late {
		d.Late = append(d.Late, *u)
	}
	sort.Slice(d.Late, func(i, j int) bool {
		if d.Late[i].Overdue != d.Late[j].Overdue {
			return d.Late[i].Overdue > d.Late[j].Overdue
		}
		return d.Late[i].Name < d.Late[j].Name
	})
	if len(d.Late) > maxLate {
		d.Late = d.Late[:maxLate]
	}
	if q.TaskID == 0 {
		d.Task = ""
	}
	for _, us := range byUnit {
		d.ByUnit = append(d.ByUnit, *us)
	}
	sort.Slice(d.ByUnit, func(i, j int) bool {
		if d.ByUnit[i].Name != d.ByUnit[j].Name {
			return d.ByUnit[i].Name < d.ByUnit[j].Name
		}
		return d.ByUnit[i].ID < d.ByUnit[j].ID
	})
	d.Schools = len(schools)
	for _, id := range schoolIDs {
		s := schools[id]
		if s.open && s.lastReport.Before(since) {
			d.Silent = append(d.Silent, s.name)
		}
		if s.late {
			d.Overdue = append(d.Overdue, s.name)
		}
	}
	sort.Strings(d.Silent)
	sort.Strings(d.Overdue)
	if d.Issues, err = st.IssuesSince(ctx, schoolIDs, since); err != nil {
		return d, err
	}
	if d.Extensions, err = st.WaitingExtensions(ctx, schoolIDs); err != nil {
		return d, err
	}
	if q.TaskID != 0 {
		d.Issues = keep(d.Issues, func(i storage.Issue) bool { return i.TaskID == q.TaskID })
		d.Extensions = keep(d.Extensions, func(x storage.WaitingExtension) bool { return x.TaskID == q.TaskID })
	}
	return d, nil
}

func keep[T any](xs []T, ok func(T) bool) []T {
	out := xs[:0]
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// Totals are the assignments in each status, over every task: done on time, done late, in
// progress, overdue.
func (d Digest) Totals() [4]int {
	var n [4]int
	for _, u := range d.ByUnit {
		for i, c := range u.Counts {
			n[i] += c
		}
	}
	return n
}

// Tasks is how many tasks the digest counts.
func (d Digest) Tasks() int {
	n := 0
	for _, b := range d.Directives {
		n += len(b.Tasks)
	}
	return n
}

// ShownIssues are the difficulties and proposals the message lists, numbered from 1 in this
// order: the newest, as many as fit.
func (d Digest) ShownIssues() []storage.Issue {
	return d.Issues[max(0, len(d.Issues)-maxIssues):]
}

// Labels are the words of a digest, in one language.
type Labels struct {
	Title, Legend, NoTasks, Directiveless                   string
	Counts                                                  string // done on time, done late, in progress, overdue
	LateTitle, LateLine, SilentTitle, SilentMore, AllReport string
	IssuesTitle, IssueDifficulty, IssueProposal, NoIssues   string
	ExtensionsTitle, ExtensionLine, TaskOnly                string
}

// VI and EN are the labels in Vietnamese and English.
var (
	VI = Labels{
		Title:           "📊 <b>Tổng hợp tình hình thực hiện nhiệm vụ — %s</b>\nNgày %s · %d trường có nhiệm vụ · so với ngày %s",
		Legend:          "✅ hoàn thành đúng hạn · 🟡 hoàn thành quá hạn · ⏳ đang thực hiện trong hạn · 🔴 quá hạn chưa hoàn thành",
		NoTasks:         "Chưa có nhiệm vụ nào được giao cho các trường thuộc đơn vị.",
		Directiveless:   "Nhiệm vụ giao riêng",
		Counts:          "✅ %d · 🟡 %d · ⏳ %d · 🔴 %d",
		LateTitle:       "🔴 <b>Nhiều nhiệm vụ quá hạn nhất</b>",
		LateLine:        "%s: %d",
		SilentTitle:     "🔕 <b>Chưa báo cáo từ ngày %s</b> (%d trường)",
		SilentMore:      "… và %d trường khác",
		AllReport:       "✅ Trường nào có nhiệm vụ cũng đã báo cáo từ ngày %s.",
		IssuesTitle:     "💬 <b>Khó khăn, đề xuất mới</b> (%d)",
		IssueDifficulty: "Khó khăn: %s",
		IssueProposal:   "Đề xuất: %s",
		NoIssues:        "💬 Không có khó khăn, đề xuất mới.",
		ExtensionsTitle: "📅 <b>Đề nghị gia hạn chờ trả lời</b> (%d)",
		ExtensionLine:   "%s — NV %d: %s (%s → %s)",
		TaskOnly:        "🔎 Riêng nhiệm vụ: %s",
	}
	EN = Labels{
		Title:           "📊 <b>Where the tasks stand — %s</b>\n%s · %d schools with tasks · since %s",
		Legend:          "✅ done on time · 🟡 done late · ⏳ in progress, on time · 🔴 overdue, not done",
		NoTasks:         "No school of this unit has a task yet.",
		Directiveless:   "Tasks given on their own",
		Counts:          "✅ %d · 🟡 %d · ⏳ %d · 🔴 %d",
		LateTitle:       "🔴 <b>Most overdue</b>",
		LateLine:        "%s: %d",
		SilentTitle:     "🔕 <b>No report since %s</b> (%d schools)",
		SilentMore:      "… and %d more",
		AllReport:       "✅ Every school with tasks has reported since %s.",
		IssuesTitle:     "💬 <b>New difficulties and proposals</b> (%d)",
		IssueDifficulty: "Difficulty: %s",
		IssueProposal:   "Proposal: %s",
		NoIssues:        "💬 No new difficulties or proposals.",
		ExtensionsTitle: "📅 <b>Extension requests waiting</b> (%d)",
		ExtensionLine:   "%s — task %d: %s (%s → %s)",
		TaskOnly:        "🔎 Only the task: %s",
	}
)

// For returns the labels of a language, Vietnamese by default.
func For(lang string) Labels {
	if lang == "en" {
		return EN
	}
	return VI
}

// maxSilent and maxIssues bound the lists, so that a digest stays readable on a phone.
const (
	maxSilent = 20
	maxIssues = 15
)

// HTML writes the digest as a Telegram message (HTML), in paragraphs separated by blank lines so
// that a long one is split between them.
func (d Digest) HTML(l Labels, loc *time.Location) string {
	e := html.EscapeString
	var sb strings.Builder
	fmt.Fprintf(&sb, l.Title, e(d.Unit.Name), d.At.In(loc).Format("02/01/2006"), d.Schools, d.Since.In(loc).Format("02/01/2006"))
	if d.Task != "" {
		sb.WriteString("\n" + fmt.Sprintf(l.TaskOnly, e(clip(d.Task, 120))))
	}
	if len(d.Directives) == 0 {
		sb.WriteString("\n\n" + l.NoTasks)
		return sb.String()
	}
	sb.WriteString("\n" + l.Legend)
	for _, b := range d.Directives {
		name := b.Directive
		if name == "" {
			name = l.Directiveless
		}
		sb.WriteString("\n\n📄 <b>" + e(name) + "</b>")
		for _, t := range b.Tasks {
			fmt.Fprintf(&sb, "\n• %s\n   "+l.Counts, e(clip(t.Title, 90)), t.Counts[storage.StatusDoneOnTime],
				t.Counts[storage.StatusDoneLate], t.Counts[storage.StatusInProgress], t.Counts[storage.StatusOverdue])
		}
	}
	if len(d.Late) > 0 {
		sb.WriteString("\n\n" + l.LateTitle)
		for _, u := range d.Late {
			sb.WriteString("\n• " + fmt.Sprintf(l.LateLine, e(u.Name), u.Overdue))
		}
	}
	since := d.Since.In(loc).Format("02/01/2006")
	if len(d.Silent) == 0 {
		sb.WriteString("\n\n" + fmt.Sprintf(l.AllReport, since))
	} else {
		sb.WriteString("\n\n" + fmt.Sprintf(l.SilentTitle, since, len(d.Silent)))
		for _, s := range d.Silent[:min(len(d.Silent), maxSilent)] {
			sb.WriteString("\n• " + e(s))
		}
		if n := len(d.Silent) - maxSilent; n > 0 {
			sb.WriteString("\n" + fmt.Sprintf(l.SilentMore, n))
		}
	}
	if len(d.Issues) == 0 {
		sb.WriteString("\n\n" + l.NoIssues)
	} else {
		sb.WriteString("\n\n" + fmt.Sprintf(l.IssuesTitle, len(d.Issues)))
		for n, i := range d.ShownIssues() {
			fmt.Fprintf(&sb, "\n<b>%d.</b> <b>%s</b> — NV %d: %s (%s, %s)", n+1, e(i.School), i.Seq, e(clip(i.Task, 60)), e(i.Member), i.At.In(loc).Format("02/01"))
			if i.Difficulties != "" {
				sb.WriteString("\n   " + fmt.Sprintf(l.IssueDifficulty, "<i>"+e(clip(oneLine(i.Difficulties), 300))+"</i>"))
			}
			if i.Proposals != "" {
				sb.WriteString("\n   " + fmt.Sprintf(l.IssueProposal, "<i>"+e(clip(oneLine(i.Proposals), 300))+"</i>"))
			}
		}
	}
	if len(d.Extensions) > 0 {
		sb.WriteString("\n\n" + fmt.Sprintf(l.ExtensionsTitle, len(d.Extensions)))
		for _, x := range d.Extensions {
			sb.WriteString("\n• " + fmt.Sprintf(l.ExtensionLine, e(x.School), x.Seq, e(clip(x.Task, 60)), x.OldDue.Format(), x.ProposedDue.Format()))
		}
	}
	return sb.String()
}

var tag = regexp.MustCompile(`<[^>]+>`)

// Text writes the digest as plain text, for a terminal.
func (d Digest) Text(l Labels, loc *time.Location) string {
	return html.UnescapeString(tag.ReplaceAllString(d.HTML(l, loc), ""))
}

func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
