package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"nhacviec/directive"
	"nhacviec/storage"
)

// directiveImportFlags is "nhacviec directive import FILE": it prints what the bot reads in a
// directive; with --publish it publishes the proposed tasks exactly as the chat flow does.
func directiveImportFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	asJSON := fs.Bool("json", false, "print the parse as one JSON object")
	assign := fs.String("assign", "", "with --publish: unit codes, comma-separated: schools, or departments and communes for every school beneath")
	levels := fs.String("levels", "", "with --publish: only schools of these levels: mam_non,tieu_hoc,thcs,thpt,lien_cap,gdtx")
	due := fs.String("due", "", "with --publish: the deadline of every task, YYYY-MM-DD or dd/mm/yyyy")
	cadence := fs.String("cadence", string(storage.CadenceOnce), "with --publish: how often schools report: once, weekly, monthly, semester")
	publish := fs.Bool("publish", false, "publish the proposed tasks to the schools")
	return func(e *env, args []string) int {
		var problems []string
		if len(args) != 1 {
			return e.fail("%s", e.tx.DirectiveUsage)
		}
		file := args[0]
		cad := storage.Cadence(*cadence)
		if !cad.Valid() {
			problems = append(problems, fmt.Sprintf(e.tx.BadCadence, *cadence))
		}
		var lv []storage.Level
		var d storage.Date
		codes := splitList(*assign)
		if *publish {
			if len(codes) == 0 {
				problems = append(problems, fmt.Sprintf(e.tx.Required, "--assign"))
			}
			lv, problems = e.levels(*levels, problems)
			d, problems = e.due(*due, problems)
		} else if len(codes) > 0 || *due != "" || *levels != "" {
			problems = append(problems, e.tx.OnlyWithPublish)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			problems = append(problems, fmt.Sprintf(e.tx.CannotRead, file, err))
		}
		if len(problems) > 0 {
			return e.fail("%s", strings.Join(problems, "\n"))
		}
		doc, err := directive.Parse(filepath.Base(file), data)
		if err != nil {
			return e.fail("%s: %s", file, e.tx.directiveError(err))
		}
		if !*publish {
			if *asJSON {
				return e.printJSON(parseJSON(doc))
			}
			e.printParse(doc)
			return 0
		}

		tasks := doc.Tasks()
		if len(tasks) == 0 {
			return e.fail("%s: %s", file, e.tx.NoTasksFound)
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
		if len(schoolIDs) == 0 {
			return e.fail("%s", e.tx.NoSchools)
		}
		issued, _ := storage.ParseDate(doc.Date.String()) // zero when the text gives no date
		p := storage.Publication{
			Directive: storage.Directive{Kind: doc.Kind, Number: doc.Number, IssuedOn: issued, Issuer: doc.Issuer,
				Title: doc.Title, SchoolYear: doc.SchoolYear, Source: filepath.Base(file)},
			SchoolIDs: schoolIDs,
		}
		for _, it := range tasks {
			p.Tasks = append(p.Tasks, storage.NewTask{Title: it.Title(), Body: it.Text, Due: d, Citation: it.Citation, Cadence: cad})
		}
		pub, err := st.PublishDirective(e.ctx, p)
		if errors.Is(err, storage.ErrNoSchools) {
			return e.fail("%s", e.tx.NoSchools)
		}
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		if *asJSON {
			return e.printJSON(map[string]any{"directive_id": pub.Directive.ID, "name": pub.Directive.Name(),
				"tasks": len(pub.Tasks), "schools": len(schoolIDs), "assignments": pub.Assignments, "heads": pub.Heads, "groups": pub.Groups})
		}
		e.out(e.tx.DirectivePublished, pub.Directive.ID, pub.Directive.Name(), len(pub.Tasks), len(schoolIDs), d.Format())
		e.out(e.tx.DirectiveMessages, pub.Heads, pub.Groups)
		e.skippedMulti(st, roots, lv)
		return 0
	}
}

// directiveError explains why a document cannot be read.
func (tx *cliText) directiveError(err error) string {
	switch {
	case errors.Is(err, directive.ErrScanned):
		return tx.DocScanned
	case errors.Is(err, directive.ErrUnsupported):
		return tx.DocUnsupported
	case errors.Is(err, directive.ErrEmpty):
		return tx.DocEmpty
	}
	return fmt.Sprintf(tx.DocBroken, err)
}

// printParse prints the metadata, the proposed tasks and the context, as the officer would see
// them in the chat.
func (e *env) printParse(doc *directive.Document) {
	field := func(label, v string) {
		if v != "" {
			fmt.Fprintf(e.stdout, "%-12s %s\n", label+":", v)
		}
	}
	field(e.tx.FieldKind, doc.Kind)
	field(e.tx.FieldNumber, doc.Number)
	field(e.tx.FieldDate, doc.Date.String())
	field(e.tx.FieldIssuer, doc.Issuer)
	field(e.tx.FieldTitle, doc.Title)
	field(e.tx.FieldYear, doc.SchoolYear)
	tasks := doc.Tasks()
	e.out("\n"+e.tx.ProposedTasks, len(tasks))
	for i, it := range tasks {
		fmt.Fprintf(e.stdout, "%3d. [%s] %s\n", i+1, it.Citation, it.Title())
	}
	var context []*directive.Item
	for _, it := range doc.All() {
		if !it.Proposed() {
			context = append(context, it)
		}
	}
	if len(context) > 0 {
		e.out("\n"+e.tx.ContextItems, len(context))
		for _, it := range context {
			fmt.Fprintf(e.stdout, "     [%s] %s\n", it.Citation, it.Title())
		}
	}
}

// parseOut is the JSON form of a parse.
type parseOut struct {
	Kind       string    `json:"kind"`
	Number     string    `json:"number"`
	Date       string    `json:"date"`
	Issuer     string    `json:"issuer"`
	Title      string    `json:"title"`
	SchoolYear string    `json:"school_year"`
	Narrative  bool      `json:"narrative"`
	Items      []itemOut `json:"items"`
}

type itemOut struct {
	Citation string    `json:"citation"`
	Title    string    `json:"title"`
	Text     string    `json:"text"`
	Role     string    `json:"role"`
	Proposed bool      `json:"proposed"`
	Children []itemOut `json:"children,omitempty"`
}

func parseJSON(doc *directive.Document) parseOut {
	out := parseOut{Kind: doc.Kind, Number: doc.Number, Issuer: doc.Issuer, Title: doc.Title,
		SchoolYear: doc.SchoolYear, Narrative: doc.Narrative, Items: itemsJSON(doc.Items)}
	if !doc.Date.IsZero() {
		out.Date = fmt.Sprintf("%04d-%02d-%02d", doc.Date.Year, doc.Date.Month, doc.Date.Day)
	}
	return out
}

func itemsJSON(items []*directive.Item) []itemOut {
	out := make([]itemOut, 0, len(items))
	for _, it := range items {
		out = append(out, itemOut{Citation: it.Citation, Title: it.Title(), Text: it.Text, Role: string(it.Role),
			Proposed: it.Proposed(), Children: itemsJSON(it.Children)})
	}
	return out
}

func (e *env) printJSON(v any) int {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return e.fail("%v", err)
	}
	return 0
}
