package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"nhacviec/storage"
)

// unitsImportFlags is "nhacviec units import FILE": create and update the unit tree from a CSV
// file with the header code,name,kind,parent,level. The file is taken whole or not at all.
func unitsImportFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	return func(e *env, args []string) int {
		if len(args) != 1 {
			return e.fail(e.tx.UnitsImportUsage)
		}
		path := args[0]
		data, err := os.ReadFile(path)
		if err != nil {
			return e.fail(e.tx.CannotRead, path, errors.Unwrap(err))
		}
		rows, problems := parseUnitsCSV(data, e.tx)
		if len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintf(e.stderr, "%s:%d: %s\n", path, p.line, p.text)
			}
			return e.fail(e.tx.NothingImported)
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		res, err := st.ImportUnits(e.ctx, rows)
		var ie *storage.ImportError
		if errors.As(err, &ie) {
			for _, p := range ie.Problems {
				fmt.Fprintf(e.stderr, "%s:%d: %s\n", path, p.Line, e.tx.importProblem(p))
			}
			return e.fail(e.tx.NothingImported)
		}
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		e.out(e.tx.Imported, len(rows), res.Created, res.Updated, res.Unchanged)
		return 0
	}
}

type lineProblem struct {
	line int
	text string
}

var unitColumns = []string{"code", "name", "kind", "parent", "level"}

// parseUnitsCSV reads the file's bytes: UTF-8 (with or without a byte-order mark), separated by
// commas, or by semicolons as Excel writes CSV on Vietnamese Windows.
func parseUnitsCSV(data []byte, tx *cliText) ([]storage.UnitRow, []lineProblem) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, []lineProblem{{1, tx.UTF16}}
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			return nil, []lineProblem{{i + 1, tx.NotUTF8}}
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []lineProblem{{1, tx.EmptyFile}}
	}
	header, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, []lineProblem{{1, fmt.Sprintf(tx.BadCSV, err)}}
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var missing []string
	for _, c := range unitColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 || len(head) != len(unitColumns) {
		return nil, []lineProblem{{1, fmt.Sprintf(tx.BadHeader, strings.Join(head, ","), strings.Join(unitColumns, ","))}}
	}
	var rows []storage.UnitRow
	var problems []lineProblem
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			problems = append(problems, lineProblem{pe.Line, fmt.Sprintf(tx.BadCSV, pe.Err)})
			break
		}
		if len(rec) != len(unitColumns) {
			problems = append(problems, lineProblem{line, fmt.Sprintf(tx.WrongColumns, len(rec), len(unitColumns))})
			continue
		}
		f := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		rows = append(rows, storage.UnitRow{Line: line, Code: f("code"), Name: f("name"), Kind: storage.UnitKind(f("kind")), Parent: f("parent"), Level: storage.Level(f("level"))})
	}
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, lineProblem{1, tx.EmptyFile})
	}
	return rows, problems
}

// unitsListFlags is "nhacviec units list": the unit tree, indented.
func unitsListFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	return func(e *env, args []string) int {
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		units, err := st.Units(e.ctx)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		children := map[int64][]storage.Unit{}
		var roots []storage.Unit
		for _, u := range units {
			if u.ParentID == nil {
				roots = append(roots, u)
			} else {
				children[*u.ParentID] = append(children[*u.ParentID], u)
			}
		}
		var walk func(us []storage.Unit, depth int)
		walk = func(us []storage.Unit, depth int) {
			sort.Slice(us, func(i, j int) bool { return us[i].Code < us[j].Code })
			for _, u := range us {
				kind := string(u.Kind)
				if u.Level != "" {
					kind += "/" + string(u.Level)
				}
				fmt.Fprintf(e.stdout, "%s%-16s %-20s %s\n", strings.Repeat("  ", depth), u.Code, kind, u.Name)
				walk(children[u.ID], depth+1)
			}
		}
		walk(roots, 0)
		if len(units) == 0 {
			e.out(e.tx.NoUnits)
		}
		return 0
	}
}

// out prints a line for the operator.
func (e *env) out(format string, args ...any) { fmt.Fprintf(e.stdout, format+"\n", args...) }
