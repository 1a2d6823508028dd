package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"nhacviec/bot"
	"nhacviec/invite"
	"nhacviec/storage"
)

// inviteSheetFlags is "nhacviec invite sheet --unit CODE -o FILE.pdf|FILE.png": a head invite for
// every school at or beneath the unit, rendered as cards to print and cut, or to forward.
//
// Every run creates new codes (with the limits of invite create: one use, 30 days); codes printed
// before keep working until they expire or are used, and the command says so. --skip-joined
// leaves out the schools whose head has already joined, which is what a second run usually
// wants. Nothing is overwritten without --force. A PDF is one file; a PNG is one picture per
// page: FILE.png, FILE-2.png, … The files are written only once the codes exist, and the codes
// are created only once the files can be written. The cards are for the heads, so they are in
// Vietnamese whatever the language of the command line, unless --card-lang says otherwise.
func inviteSheetFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	unit := fs.String("unit", "", "the unit whose schools get an invite (required)")
	out := fs.String("o", "", "the file to write: .pdf, or .png for one picture per page (FILE.png, FILE-2.png, …)")
	limits := inviteLimitFlags(fs)
	skipJoined := fs.Bool("skip-joined", false, "leave out schools whose head has already joined")
	force := fs.Bool("force", false, "overwrite files that already exist")
	cardLang := fs.String("card-lang", "vi", "the language printed on the cards, for the heads: vi or en")
	return func(e *env, args []string) int {
		if len(args) > 0 || strings.TrimSpace(*unit) == "" || *out == "" {
			return e.fail("%s", e.tx.InviteSheetUsage)
		}
		ext := strings.ToLower(filepath.Ext(*out))
		var problems []error
		if ext != ".pdf" && ext != ".png" {
			problems = append(problems, fmt.Errorf(e.tx.BadSheetExt, *out))
		}
		problems = append(problems, limits.check(e)...)
		if *cardLang != "vi" && *cardLang != "en" {
			problems = append(problems, fmt.Errorf(e.tx.BadCardLang, *cardLang))
		}
		if len(problems) > 0 {
			return e.fail("%v", errors.Join(problems...))
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		u, code := e.unitByCode(st, *unit)
		if code != 0 {
			return code
		}
		schools, joined, err := sheetSchools(e, st, u)
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		switch {
		case len(schools) == 0:
			return e.fail(e.tx.NoSchoolsBelow, u.Name, u.Code)
		case *skipJoined && len(schools) == joined:
			e.out(e.tx.AllJoined, joined, u.Name, u.Code)
			return 0
		}
		if *skipJoined {
			schools = slices.DeleteFunc(schools, func(s sheetSchool) bool { return s.joined })
		}

		paths := sheetPaths(*out, ext, invite.Pages(len(schools)))
		if !*force {
			for _, p := range paths {
				if _, err := os.Stat(p); err == nil {
					return e.fail(e.tx.SheetExists, p)
				}
			}
		}
		username, code := e.botUsername()
		if code != 0 {
			return code
		}
		// Make sure the files can be written before any code exists.
		files, err := newTempFiles(paths)
		defer files.remove()
		if err != nil {
			return e.fail(e.tx.CannotWrite, *out, err)
		}

		cards := make([]invite.Card, len(schools))
		var first storage.Invite
		err = st.Tx(e.ctx, func(tx *storage.Store) error {
			for i, s := range schools {
				inv, err := tx.CreateInvite(e.ctx, storage.NewInvite{UnitID: s.ID, Role: storage.RoleHead, MaxUses: *limits.uses, TTL: *limits.expires})
				if err != nil {
					return err
				}
				if i == 0 {
					first = inv
				}
				cards[i] = invite.Card{School: s.Name, Parent: s.parent, Link: bot.InviteLink(username, inv.Code), Code: inv.Code}
				if inv.ExpiresAt != nil {
					cards[i].Expires = inv.ExpiresAt.In(e.cfg.Location).Format("02/01/2006")
				}
			}
			return nil
		})
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		sheet := invite.Sheet{Title: u.Name, Cards: cards, Labels: invite.For(*cardLang)}
		var pages [][]byte
		if ext == ".pdf" {
			var buf bytes.Buffer
			err = sheet.PDF(&buf)
			pages = [][]byte{buf.Bytes()}
		} else {
			pages, err = sheet.PNG()
		}
		if err == nil {
			err = files.commit(pages)
		}
		if err != nil {
			return e.fail(e.tx.SheetNotWritten, len(cards), err)
		}

		e.out(e.tx.SheetInvites, len(cards), e.tx.roleName(storage.RoleHead), u.Name, u.Code)
		usesText := strconv.Itoa(first.MaxUses)
		if first.MaxUses == 0 {
			usesText = e.tx.Unlimited
		}
		expiry := e.tx.Never
		if first.ExpiresAt != nil {
			expiry = first.ExpiresAt.In(e.cfg.Location).Format("15:04 02/01/2006")
		}
		e.out(e.tx.InviteLimits, usesText, expiry)
		written := paths[0]
		if len(paths) > 1 {
			written = strings.Join(paths, ", ")
			if len(paths) > 3 {
				written = paths[0] + ", " + paths[1] + ", …, " + paths[len(paths)-1]
			}
		}
		e.out(e.tx.SheetWritten, invite.Pages(len(cards)), written)
		if ext == ".png" {
			if next := sheetPaths(*out, ext, len(paths)+1)[len(paths)]; fileExists(next) {
				e.out(e.tx.SheetStale, next)
			}
		}
		switch {
		case *skipJoined && joined > 0:
			e.out(e.tx.SheetSkipped, joined)
		case joined > 0:
			e.out(e.tx.SheetJoined, joined)
		}
		e.out("%s", e.tx.SheetRerun)
		return 0
	}
}

// sheetSchool is a school to invite, with the name of the unit above it.
type sheetSchool struct {
	storage.Unit
	parent string
	joined bool // a head has joined it
}

// sheetSchools lists the schools at or beneath u, grouped by the unit above them and by name in
// Vietnamese order (numbers by value), so that the cards of a commune come out of the printer
// together; and how many of them have a head who joined.
func sheetSchools(e *env, st *storage.Store, u storage.Unit) ([]sheetSchool, int, error) {
	schools, err := st.SchoolsUnder(e.ctx, []int64{u.ID}, nil)
	if err != nil || len(schools) == 0 {
		return nil, 0, err
	}
	units, err := st.Units(e.ctx)
	if err != nil {
		return nil, 0, err
	}
	names := make(map[int64]string, len(units))
	for _, x := range units {
		names[x.ID] = x.Name
	}
	members, err := st.MemberRows(e.ctx, 0)
	if err != nil {
		return nil, 0, err
	}
	hasHead := map[string]bool{}
	for _, m := range members {
		if m.Role == storage.RoleHead {
			hasHead[m.UnitCode] = true
		}
	}
	out := make([]sheetSchool, len(schools))
	joined := 0
	for i, s := range schools {
		out[i] = sheetSchool{Unit: s, joined: hasHead[s.Code]}
		if s.ParentID != nil {
			out[i].parent = names[*s.ParentID]
		}
		if out[i].joined {
			joined++
		}
	}
	col := collate.New(language.Vietnamese, collate.Numeric)
	slices.SortStableFunc(out, func(a, b sheetSchool) int {
		if c := col.CompareString(a.parent, b.parent); c != 0 {
			return c
		}
		if c := col.CompareString(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	return out, joined, nil
}

// sheetPaths names the files of a sheet of n pages: the PDF is one file; PNG pages after the
// first get -2, -3, … before the extension.
func sheetPaths(out, ext string, n int) []string {
	if ext == ".pdf" || n <= 1 {
		return []string{out}
	}
	base, suffix := out[:len(out)-len(ext)], out[len(out)-len(ext):]
	paths := []string{out}
	for i := 2; i <= n; i++ {
		paths = append(paths, base+"-"+strconv.Itoa(i)+suffix)
	}
	return paths
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// tempFiles are the files of a sheet being written: each is written beside its final name and
// renamed to it when complete, so that a failure leaves no half-written sheet behind.
type tempFiles struct {
	final []string
	tmp   []*os.File
}

// newTempFiles creates a temporary file beside each path: proof that they can be written.
func newTempFiles(paths []string) (*tempFiles, error) {
	t := &tempFiles{final: paths}
	for _, p := range paths {
		f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".*.tmp")
		if err != nil {
			return t, err
		}
		t.tmp = append(t.tmp, f)
	}
	return t, nil
}

// commit writes each page to its temporary file and renames it to its final name.
func (t *tempFiles) commit(pages [][]byte) error {
	if len(pages) != len(t.tmp) {
		return fmt.Errorf("invite sheet: %d pages for %d files", len(pages), len(t.tmp))
	}
	for i, f := range t.tmp {
		_, err := f.Write(pages[i])
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(f.Name(), t.final[i])
		}
		if err != nil {
			return err
		}
		t.tmp[i] = nil
	}
	return nil
}

// remove deletes the temporary files not renamed.
func (t *tempFiles) remove() {
	for _, f := range t.tmp {
		if f != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}
}
