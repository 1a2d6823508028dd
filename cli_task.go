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
		var lv []storage.Level
		for _, l := range splitList(*levels) {
			if !storage.Level(l).Valid() {
				problems = append(problems, fmt.Sprintf(e.tx.BadLevel, l))
			}
			lv = append(lv, storage.Level(l))
		}
		var d storage.Date
		if strings.TrimSpace(*due) == "" {
			problems = append(problems, fmt.Sprintf(e.tx.Required, "--due"))
		} else if v, err := storage.ParseDate(*due); err != nil {
			problems = append(problems, fmt.Sprintf(e.tx.BadDate, *due))
		} else if today := storage.DateOf(e.now(), e.cfg.Location); v.Before(today) {
			problems = append(problems, fmt.Sprintf(e.tx.DateInPast, v.Format(), today.Format()))
		} else {
			d = v
		}
		if len(problems) > 0 {
			return e.fail("%s", strings.Join(problems, "\n"))
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()

		var schoolIDs, roots []int64
		var unknown []string
		for _, c := range codes {
			u, err := st.UnitByCode(e.ctx, c)
			switch {
			case errors.Is(err, storage.ErrNotFound):
				unknown = append(unknown, c)
			case err != nil:
				return e.fail(e.tx.DBError, err)
			case u.Kind == storage.KindSchool:
				schoolIDs = append(schoolIDs, u.ID) // named explicitly: assigned whatever its level
			default:
				roots = append(roots, u.ID)
			}
		}
		if len(unknown) > 0 {
			return e.fail(e.tx.UnknownUnits, strings.Join(unknown, ", "))
		}
		under, err := st.SchoolsUnder(e.ctx, roots, lv)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		for _, u := range under {
			schoolIDs = append(schoolIDs, u.ID)
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
		if len(lv) > 0 && !containsLevel(lv, storage.LevelMulti) {
			multi, err := st.SchoolsUnder(e.ctx, roots, []storage.Level{storage.LevelMulti})
			if err == nil && len(multi) > 0 {
				e.out(e.tx.SkippedMulti, len(multi))
			}
		}
		return 0
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
