package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"nhacviec/storage"
)

// taskCreateFlags is "nhacviec task create": a task without a directive, assigned to schools, or
// to every school beneath a department or commune (optionally only some levels).
func taskCreateFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	title := fs.String("title", "", "the task's title (required)")
	body := fs.String("body", "", "what is to be done, in more words")
	assign := fs.String("assign", "", "unit codes, comma-separated: schools, or departments and communes for every school beneath (required)")
	levels := fs.String("levels", "", "only schools of these levels: mam_non,tieu_hoc,thcs,thpt,lien_cap,gdtx")
	due := fs.String("due", "", "the deadline, YYYY-MM-DD or dd/mm/yyyy (required)")
	return func(e *env, args []string) int {
		var problems []string
		if len(args) > 0 {
			problems = append(problems, fmt.Sprintf(e.tx.UnexpectedArgs, args))
		}
		if strings.TrimSpace(*title) == "" {
			problems = append(problems, fmt.Sprintf(e.tx.Required, "--title"))
		}
		codes := splitList(*assign)
		if len(codes) == 0 {
			problems = append(problems, fmt.Sprintf(e.tx.Required, "--assign"))
		}
		lv, problems := e.levels(*levels, problems)
		d, problems := e.due(*due, problems)
		if len(problems) > 0 {
			return e.fail("%s", strings.Join(problems, "\n"))
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()

		schoolIDs, roots, status := e.schools(st, codes, lv)
		if status != 0 {
			return status
		}
		task, as, err := st.CreateTask(e.ctx, storage.NewTask{Title: *title, Body: *body, Due: d, Notify: true}, schoolIDs)
		if errors.Is(err, storage.ErrNoSchools) {
			return e.fail(e.tx.NoSchools)
		}
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		e.out(e.tx.TaskCreated, task.ID, task.Title, task.Due.Format(), len(as))
		for _, a := range as {
			fmt.Fprintf(e.stdout, "  %-16s %-10s %s  → %s\n", a.Unit.Code, a.Unit.Level, a.Unit.Name, fmt.Sprintf(e.tx.TaskNumber, a.Seq))
		}
		e.skippedMulti(st, roots, lv)
		return 0
	}
}

// levels reads --levels, adding what is wrong to problems.
func (e *env) levels(s string, problems []string) ([]storage.Level, []string) {
	var lv []storage.Level
	for _, l := range splitList(s) {
		if !storage.Level(l).Valid() {
			problems = append(problems, fmt.Sprintf(e.tx.BadLevel, l))
		}
		lv = append(lv, storage.Level(l))
	}
	return lv, problems
}

// due reads --due, which must be given and not in the past, adding what is wrong to problems.
func (e *env) due(s string, problems []string) (storage.Date, []string) {
	if strings.TrimSpace(s) == "" {
		return storage.Date{}, append(problems, fmt.Sprintf(e.tx.Required, "--due"))
	}
	v, err := storage.ParseDate(s)
	if err != nil {
		return storage.Date{}, append(problems, fmt.Sprintf(e.tx.BadDate, s))
	}
	if today := storage.DateOf(e.now(), e.cfg.Location); v.Before(today) {
		return storage.Date{}, append(problems, fmt.Sprintf(e.tx.DateInPast, v.Format(), today.Format()))
	}
	return v, problems
}

// schools resolves --assign: schools named are assigned whatever their level; departments and
// communes stand for their schools of the levels. A non-zero status means it failed and said why.
func (e *env) schools(st *storage.Store, codes []string, lv []storage.Level) (schoolIDs, roots []int64, status int) {
	var unknown []string
	for _, c := range codes {
		u, err := st.UnitByCode(e.ctx, c)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			unknown = append(unknown, c)
		case err != nil:
			return nil, nil, e.fail(e.tx.DBError, err)
		case u.Kind == storage.KindSchool:
			schoolIDs = append(schoolIDs, u.ID)
		default:
			roots = append(roots, u.ID)
		}
	}
	if len(unknown) > 0 {
		return nil, nil, e.fail(e.tx.UnknownUnits, strings.Join(unknown, ", "))
	}
	under, err := st.SchoolsUnder(e.ctx, roots, lv)
	if err != nil {
		return nil, nil, e.fail(e.tx.DBError, err)
	}
	for _, u := range under {
		schoolIDs = append(schoolIDs, u.ID)
	}
	return schoolIDs, roots, 0
}

// skippedMulti says when choosing levels left out multi-level schools beneath the units.
func (e *env) skippedMulti(st *storage.Store, roots []int64, lv []storage.Level) {
	if len(lv) > 0 && !containsLevel(lv, storage.LevelMulti) {
		multi, err := st.SchoolsUnder(e.ctx, roots, []storage.Level{storage.LevelMulti})
		if err == nil && len(multi) > 0 {
			e.out(e.tx.SkippedMulti, len(multi))
		}
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func containsLevel(ls []storage.Level, l storage.Level) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}
