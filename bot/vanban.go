package bot

import (
	"fmt"
	"strconv"
	"strings"

	"nhacviec/storage"
)

const (
	directivesPageSize = 5
	acksPageSize       = 30
)

// scope is what the member oversees: their schools, the units they supervise, or everything.
func (t *turn) scope() (under []int64, all bool) {
	if t.isAdmin() {
		return nil, true
	}
	return append(t.supervised(), t.schoolIDs()...), false
}

// directivesCommand is /vanban [n]: the directives that reached the member's scope, or one.
func (t *turn) directivesCommand(args string) error {
	if args = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(args), "#")); args != "" {
		id, err := strconv.ParseInt(args, 10, 64)
		if err != nil || id <= 0 {
			t.send(t.m.DirNumberInvalid, nil)
			return nil
		}
		return t.showDirective(id, 0)
	}
	return t.showDirectives(0)
}

func (t *turn) showDirectives(page int) error {
	under, all := t.scope()
	list, total, err := t.st.Directives(t.ctx, under, all, page*directivesPageSize, directivesPageSize)
	if err != nil {
		return err
	}
	pages := pageCount(total, directivesPageSize)
	var sb strings.Builder
	fmt.Fprintf(&sb, t.m.DirListTitle, total)
	if total == 0 {
		sb.WriteString("\n\n" + t.m.DirListEmpty)
	}
	var bs []button
	for _, s := range list {
		fmt.Fprintf(&sb, "\n\n<b>#%d</b> %s", s.Directive.ID, esc(s.Directive.Name()))
		if s.Directive.Title != "" && s.Directive.Title != s.Directive.Name() {
			sb.WriteString("\n<i>" + esc(clip(oneLine(s.Directive.Title), 150)) + "</i>")
		}
		sb.WriteString("\n" + fmt.Sprintf(t.m.DirListCounts, s.Tasks, s.Schools, s.Acked, s.Schools))
		bs = append(bs, btn("#"+strconv.FormatInt(s.Directive.ID, 10), "v", "d", s.Directive.ID, 0))
	}
	t.show(sb.String(), rows(append(grid(bs, 5), pager(page, pages, "v", "l"))...))
	return nil
}

// showDirective shows a directive: its tasks, and which schools acknowledged it.
func (t *turn) showDirective(id int64, page int) error {
	under, all := t.scope()
	schools, err := t.st.DirectiveSchools(t.ctx, id, under, all)
	if err != nil {
		return err
	}
	sum, err := t.st.DirectiveByID(t.ctx, id, under, all)
	if isNotFound(err) || (err == nil && len(schools) == 0) {
		t.denyOrSay()
		return nil
	}
	if err != nil {
		return err
	}
	tasks, err := t.st.DirectiveTasks(t.ctx, id)
	if err != nil {
		return err
	}
	d := sum.Directive
	var sb strings.Builder
	fmt.Fprintf(&sb, "📄 <b>#%d %s</b>", d.ID, esc(d.Name()))
	if !d.IssuedOn.IsZero() {
		sb.WriteString(" · " + d.IssuedOn.Format())
	}
	if d.Issuer != "" {
		sb.WriteString(" · " + esc(d.Issuer))
	}
	if d.Title != "" && d.Title != d.Name() {
		sb.WriteString("\n<i>" + esc(clip(oneLine(d.Title), 300)) + "</i>")
	}
	sb.WriteString("\n" + fmt.Sprintf(t.m.DirPublishedOn, t.fmtTime(d.PublishedAt)))
	fmt.Fprintf(&sb, "\n\n"+t.m.DirTasksTitle, len(tasks))
	for i, tk := range tasks[:min(len(tasks), 15)] {
		fmt.Fprintf(&sb, "\n%d. [%s] %s · %s", i+1, esc(tk.Citation), esc(clip(oneLine(tk.Title), 100)), tk.Due.Format())
	}
	if len(tasks) > 15 {
		sb.WriteString("\n" + fmt.Sprintf(t.m.DirMoreTasks, len(tasks)-15))
	}
	pages := pageCount(len(schools), acksPageSize)
	page = min(page, pages-1)
	fmt.Fprintf(&sb, "\n\n"+t.m.DirAcksTitle, sum.Acked, sum.Schools)
	for _, s := range schools[page*acksPageSize : min((page+1)*acksPageSize, len(schools))] {
		sb.WriteString("\n" + t.schoolAckLine(s))
	}
	t.show(sb.String(), rows(pager(page, pages, "v", "d", id), []button{btn(t.m.BtnDirectives, "v", "l", 0)}))
	return nil
}

// onDirectivesButton pages the list and the acknowledgements.
func (t *turn) onDirectivesButton(c callback) error {
	switch c.str(1) {
	case "l":
		return t.showDirectives(max(c.num(2), 0))
	case "d":
		return t.showDirective(c.id(2), max(c.num(3), 0))
	}
	t.answer(t.m.ButtonExpired, false)
	return nil
}

// citationText names where a task comes from: "Mục I.2.b, Chỉ thị 23/CT-UBND".
func (t *turn) citationText(task storage.Task) (string, error) {
	d, err := t.st.DirectiveOf(t.ctx, task)
	if err != nil || d == nil {
		return "", err
	}
	if task.Citation == "" {
		return esc(d.Name()), nil
	}
	return fmt.Sprintf(t.m.Citation, esc(task.Citation), esc(d.Name())), nil
}
