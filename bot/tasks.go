package bot

import (
	"fmt"
	"strconv"
	"strings"

	"nhacviec/storage"
)

// tasksPageSize is how many tasks a page of /nhiemvu shows: enough to scan, short enough for a
// phone screen.
const tasksPageSize = 6

// tasksCommand is /nhiemvu [n]: the list of open tasks, or task n.
func (t *turn) tasksCommand(args string) error {
	if !t.hasSchool() {
		return t.showSummaries(0)
	}
	if args = strings.TrimSpace(args); args != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(args, "#"))
		if err != nil || n <= 0 {
			t.send(t.m.TaskNumberInvalid, nil)
			return nil
		}
		a, ok, err := t.assignmentBySeq(n)
		if err != nil || !ok {
			return err
		}
		return t.showTask(a)
	}
	return t.showTaskList(0)
}

// assignmentBySeq finds the member's school task with short number n, telling the member when
// there is none or when the number is ambiguous across their schools.
func (t *turn) assignmentBySeq(n int) (storage.Assignment, bool, error) {
	var found []storage.Assignment
	for _, id := range t.schoolIDs() {
		a, err := t.st.AssignmentBySeq(t.ctx, id, n)
		switch {
		case err == nil:
			found = append(found, a)
		case !isNotFound(err):
			return a, false, err
		}
	}
	switch len(found) {
	case 0:
		t.send(fmt.Sprintf(t.m.TaskNotFound, n), nil)
		return storage.Assignment{}, false, nil
	case 1:
		return found[0], true, nil
	}
	t.send(fmt.Sprintf(t.m.TaskNumberAmbiguous, n), nil)
	return storage.Assignment{}, false, nil
}

// showTaskList shows a page of the school's open tasks, with a button per task.
func (t *turn) showTaskList(page int) error {
	schools := t.schoolIDs()
	as, total, err := t.st.Assignments(t.ctx, storage.AssignmentFilter{UnitIDs: schools, OpenOnly: true, Offset: page * tasksPageSize, Limit: tasksPageSize})
	if err != nil {
		return err
	}
	all, done, err := t.st.CountAssignments(t.ctx, schools)
	if err != nil {
		return err
	}
	pages := pageCount(total, tasksPageSize)
	if page >= pages && page > 0 {
		return t.showTaskList(pages - 1)
	}
	var sb strings.Builder
	if len(schools) == 1 {
		fmt.Fprintf(&sb, t.m.TasksTitle, esc(t.unitName(schools[0])), total)
	} else {
		fmt.Fprintf(&sb, t.m.TasksTitleMany, total)
	}
	if total == 0 {
		sb.WriteString("\n\n" + t.m.NoOpenTasks)
	}
	var nums []button
	for _, a := range as {
		sb.WriteString("\n\n" + t.taskLine(a))
		nums = append(nums, btn(strconv.Itoa(a.Seq), "t", "v", a.ID))
	}
	if done > 0 {
		sb.WriteString("\n\n" + fmt.Sprintf(t.m.TasksDoneCount, done, all))
	}
	if total > 0 {
		sb.WriteString("\n\n" + t.m.TasksHint)
	}
	kb := rows(append(grid(nums, 6), pager(page, pages, "t", "l"))...)
	t.show(sb.String(), kb)
	return nil
}

// taskLine is one task in the list: number, title, deadline, progress, who is in charge.
func (t *turn) taskLine(a storage.Assignment) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "<b>%d.</b> %s", a.Seq, esc(clip(oneLine(a.Task.Title), 140)))
	if t.manySchools() {
		fmt.Fprintf(&sb, " <i>(%s)</i>", esc(a.Unit.Name))
	}
	sb.WriteString("\n    ⏰ " + t.dueText(a))
	sb.WriteString("\n    📈 " + t.progressText(a))
	if a.Assignee != nil {
		sb.WriteString(" · 👤 " + esc(a.Assignee.Name()))
	}
	return sb.String()
}

// showTask shows one task with what can be done with it.
func (t *turn) showTask(a storage.Assignment) error {
	var sb strings.Builder
	sb.WriteString(t.taskHeader(a))
	if t.manySchools() || !t.canReport(a) {
		sb.WriteString("\n🏫 " + esc(a.Unit.Name))
	}
	cite, err := t.citationText(a.Task)
	if err != nil {
		return err
	}
	if cite != "" {
		sb.WriteString("\n📚 " + cite)
	}
	if a.Task.Body != "" && a.Task.Body != a.Task.Title {
		sb.WriteString("\n\n" + esc(clip(a.Task.Body, 1500)))
	}
	sb.WriteString("\n\n⏰ " + t.dueText(a))
	sb.WriteString("\n📊 " + t.statusText(a))
	sb.WriteString("\n📈 " + progressBar(a.Progress) + " " + strconv.Itoa(a.Progress) + "%")
	if a.LastReportID != nil {
		r, err := t.st.ReportByID(t.ctx, *a.LastReportID)
		if err != nil {
			return err
		}
		sb.WriteString("\n" + fmt.Sprintf(t.m.LastReportBy, t.fmtTime(r.CreatedAt), esc(r.Member.Name())))
		if r.Result != "" {
			sb.WriteString("\n<i>" + esc(clip(oneLine(r.Result), 300)) + "</i>")
		}
	} else {
		sb.WriteString("\n🕘 " + t.m.NotReportedYet)
	}
	if a.Assignee != nil {
		sb.WriteString("\n👤 " + fmt.Sprintf(t.m.AssigneeIs, esc(a.Assignee.Name())))
	}
	if !t.canReport(a) {
		// A supervisor looking at a school's task: what it stands at and its reports, nothing to
		// do on the school's behalf.
		t.show(sb.String(), rows([]button{btn(t.m.BtnHistory, "h", "l", a.ID, 0)}))
		return nil
	}
	following, err := t.following(a.ID)
	if err != nil {
		return err
	}
	if following {
		sb.WriteString("\n🔔 " + t.m.Following)
	} else {
		sb.WriteString("\n🔕 " + t.m.NotFollowing)
	}
	sb.WriteString("\n\n" + t.m.ReplyToReport)

	follow := btn(t.m.BtnUnfollow, "t", "f", a.ID, 0)
	if !following {
		follow = btn(t.m.BtnFollow, "t", "f", a.ID, 1)
	}
	second := []button{follow}
	if t.canHandOver(a) {
		second = append(second, btn(t.m.BtnHandOver, "t", "h", a.ID))
	}
	kb := rows(
		[]button{btn(t.m.BtnReport, "r", "s", a.ID), btn(t.m.BtnHistory, "h", "l", a.ID, 0)},
		second,
		[]button{btn(t.m.BtnBackToList, "t", "l", 0)},
	)
	t.show(sb.String(), kb)
	return nil
}

// following reports whether the member hears about the assignment.
func (t *turn) following(assignmentID int64) (bool, error) {
	sub, err := t.st.Subscription(t.ctx, t.member.ID, assignmentID)
	switch {
	case isNotFound(err):
		return false, nil
	case err != nil:
		return false, err
	}
	return !sub.Muted, nil
}

// onTaskButton handles the buttons of the task list and task view.
func (t *turn) onTaskButton(c callback) error {
	if !t.hasSchool() {
		if c.str(1) == "s" { // pages of the supervisor's summary
			return t.showSummaries(max(c.num(2), 0))
		}
		t.answer(t.m.NotAllowed, true)
		return nil
	}
	switch c.str(1) {
	case "l":
		return t.showTaskList(max(c.num(2), 0))
	case "v":
		a, ok, err := t.assignmentFor(c.id(2), t.canReport)
		if err != nil || !ok {
			t.denyUnlessErr(err)
			return err
		}
		return t.showTask(a)
	case "f":
		a, ok, err := t.assignmentFor(c.id(2), t.canReport)
		if err != nil || !ok {
			t.denyUnlessErr(err)
			return err
		}
		follow := c.num(3) == 1
		if err := t.st.SetFollowing(t.ctx, t.member.ID, a.ID, follow); err != nil {
			return err
		}
		if follow {
			t.answer(t.m.NowFollowing, false)
		} else {
			t.answer(t.m.NowMuted, false)
		}
		return t.showTask(a)
	case "h":
		a, ok, err := t.assignmentFor(c.id(2), t.canHandOver)
		if err != nil || !ok {
			t.denyUnlessErr(err)
			return err
		}
		return t.showHandOver(a)
	case "H":
		a, ok, err := t.assignmentFor(c.id(2), t.canHandOver)
		if err != nil || !ok {
			t.denyUnlessErr(err)
			return err
		}
		return t.handOver(a, c.id(3))
	}
	t.answer(t.m.ButtonExpired, false)
	return nil
}

// denyUnlessErr answers a button the member may not use, when the reason is not an error.
func (t *turn) denyUnlessErr(err error) {
	if err == nil {
		t.answer(t.m.NotAllowed, true)
	}
}

// showHandOver lists the school's deputies to hand the task to.
func (t *turn) showHandOver(a storage.Assignment) error {
	deputies, err := t.st.MembersOfUnit(t.ctx, a.UnitID, storage.RoleDeputy)
	if err != nil {
		return err
	}
	text := fmt.Sprintf(t.m.HandOverTitle, a.Seq, esc(clip(oneLine(a.Task.Title), 200)))
	var bs []button
	for _, d := range deputies {
		label := d.Name()
		if a.AssigneeID != nil && *a.AssigneeID == d.ID {
			label = "✓ " + label
		}
		bs = append(bs, btn(label, "t", "H", a.ID, d.ID))
	}
	if len(deputies) == 0 {
		text += "\n\n" + t.m.NoDeputies
	}
	if a.AssigneeID != nil {
		bs = append(bs, btn(t.m.BtnTakeBack, "t", "H", a.ID, 0))
	}
	t.show(text, rows(append(grid(bs, 2), []button{btn(t.m.BtnBack, "t", "v", a.ID)})...))
	return nil
}

// handOver gives the task to the deputy (or takes it back with 0) and tells the deputy.
func (t *turn) handOver(a storage.Assignment, deputyID int64) error {
	if deputyID == 0 {
		if err := t.st.SetAssignee(t.ctx, a.ID, nil); err != nil {
			return err
		}
		t.answer(t.m.TookBack, false)
	} else {
		d, err := t.st.MemberByID(t.ctx, deputyID)
		if isNotFound(err) {
			t.answer(t.m.NotAllowed, true)
			return nil
		}
		if err != nil {
			return err
		}
		isDeputy := false
		for _, ms := range d.Memberships {
			isDeputy = isDeputy || (ms.UnitID == a.UnitID && ms.Role == storage.RoleDeputy)
		}
		if !isDeputy {
			t.answer(t.m.NotAllowed, true)
			return nil
		}
		if err := t.st.SetAssignee(t.ctx, a.ID, &d.ID); err != nil {
			return err
		}
		// The deputy hears of it through the outbox, in the same transaction: never lost, never
		// twice, and paced with everything else the bot sends on its own.
		err = t.st.Enqueue(t.ctx, []storage.OutboxMessage{{Kind: storage.KindTaskHandover, ChatID: d.TelegramID,
			MemberID: &d.ID, RefID: a.ID, Key: fmt.Sprintf("%s:%d:%d", storage.KindTaskHandover, a.ID, t.upd.ID)}})
		if err != nil {
			return err
		}
		t.answer(fmt.Sprintf(t.m.HandedOver, d.Name()), false)
	}
	a, err := t.st.AssignmentByID(t.ctx, a.ID)
	if err != nil {
		return err
	}
	return t.showTask(a)
}

// showSummaries is /nhiemvu for supervisors and admins: each task beneath them with how many
// schools have done it, are late, or have reported.
func (t *turn) showSummaries(page int) error {
	roots, all := t.supervised(), t.isAdmin()
	sums, total, err := t.st.TaskSummaries(t.ctx, roots, all, t.today(), page*tasksPageSize, tasksPageSize)
	if err != nil {
		return err
	}
	pages := pageCount(total, tasksPageSize)
	var sb strings.Builder
	fmt.Fprintf(&sb, t.m.SummaryTitle, total)
	if total == 0 {
		sb.WriteString("\n\n" + t.m.SummaryEmpty)
	}
	for i, s := range sums {
		fmt.Fprintf(&sb, "\n\n<b>%d.</b> %s\n    ⏰ %s\n    ", page*tasksPageSize+i+1, esc(clip(oneLine(s.Task.Title), 140)), fmt.Sprintf(t.m.DueOn, s.Task.Due.Format()))
		fmt.Fprintf(&sb, t.m.SummaryCounts, s.Done, s.Schools, s.Reported, s.Overdue)
	}
	t.show(sb.String(), rows(pager(page, pages, "t", "s")))
	return nil
}
