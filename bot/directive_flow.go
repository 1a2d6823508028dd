package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/directive"
	"nhacviec/storage"
)

// The directive flow: an officer sends a document (or pastes its text); the bot answers with its
// metadata and the tasks it proposes; the officer drops, merges, renames and adds items, sets the
// deadline, the recipients and the report cadence, and publishes. Nothing is created before
// publishing; the draft lives in the database, so it survives a restart; /huy discards it.

const flowDirective = "directive"

const (
	draftPageSize  = 10
	pickerPageSize = 8
	maxDraftItems  = 300
	maxUpload      = 20 << 20 // what a bot may download from Telegram
	minPastedText  = 200      // a pasted directive is longer than a chat message
)

type directiveDraft struct {
	Kind       string      `json:"kind,omitempty"`
	Number     string      `json:"num,omitempty"`
	Date       string      `json:"date,omitempty"`
	Issuer     string      `json:"iss,omitempty"`
	Title      string      `json:"title,omitempty"`
	SchoolYear string      `json:"year,omitempty"`
	Source     string      `json:"src,omitempty"`
	Items      []draftItem `json:"items,omitempty"`
	Context    []draftItem `json:"ctx,omitempty"`
	Due        string      `json:"due,omitempty"`
	Units      []int64     `json:"units,omitempty"`
	Levels     []string    `json:"lv,omitempty"`
	Cadence    string      `json:"cad,omitempty"`
	Page       int         `json:"pg,omitempty"`
	Step       string      `json:"step,omitempty"` // "", loading, context, units, cadence, confirm
	Browse     int64       `json:"br,omitempty"`   // the unit whose children the picker shows
	FileID     string      `json:"file,omitempty"` // while loading
	Truncated  bool        `json:"trunc,omitempty"`
}

type draftItem struct {
	Citation string `json:"c"`
	Title    string `json:"t"`
	Text     string `json:"x,omitempty"`
	Due      string `json:"d,omitempty"`
}

// canPublish reports whether the member may publish directives: a supervisor or an admin.
func (t *turn) canPublish() bool { return t.isAdmin() || len(t.supervised()) > 0 }

// wantsDirective reports whether a private message from this member starts a directive: a
// document from an officer who has no school role, or one sent with /vanban in its caption; a
// long pasted text from such an officer.
func (t *turn) wantsDirective(msg *models.Message) bool {
	if !t.canPublish() {
		return false
	}
	text, entities := textOf(msg)
	if cmd, ok := parseCommand(text, entities, t.b.username); ok && cmd.Name == "vanban" && msg.Document != nil {
		return true
	}
	if t.hasSchool() {
		return false
	}
	return msg.Document != nil || utf8.RuneCountInString(msg.Text) >= minPastedText
}

// startDirective opens a draft from a document or a pasted text.
func (t *turn) startDirective(msg *models.Message) error {
	conv := storage.Conversation{ChatID: t.chat.ID, UserID: t.from.ID, Flow: flowDirective}
	if doc := msg.Document; doc != nil {
		ext := strings.ToLower(filepath.Ext(doc.FileName))
		switch {
		case doc.FileSize > maxUpload:
			t.send(fmt.Sprintf(t.m.DirTooLarge, maxUpload>>20), nil)
			return nil
		case ext != ".docx" && ext != ".pdf" && ext != ".txt":
			t.send(t.m.DirUnsupported, nil)
			return nil
		}
		// The file is fetched after this transaction: a download must not hold the database.
		d := directiveDraft{Step: "loading", FileID: doc.FileID, Source: doc.FileName}
		if err := t.saveFlow(&conv, d); err != nil {
			return err
		}
		t.send(t.m.DirReading, nil)
		t.outs = append(t.outs, outgoing{kind: outWork, work: func(ctx context.Context, b *Bot) { b.loadDirective(ctx, t, conv, d) }})
		return nil
	}
	doc := directive.ParseText(msg.Text)
	return t.openDraft(&conv, doc, "", true)
}

// loadDirective downloads and reads a document after the handler's transaction, then shows the
// draft (or says why it cannot).
func (b *Bot) loadDirective(ctx context.Context, prev *turn, conv storage.Conversation, d directiveDraft) {
	t := b.newTurn(ctx, b.st, prev.upd)
	t.member, t.m = prev.member, prev.m
	data, err := b.download(ctx, d.FileID)
	var doc *directive.Document
	if err == nil {
		doc, err = directive.Parse(d.Source, data)
	}
	if err != nil {
		b.log.Info("a directive could not be read", "file", d.Source, "err", err)
		if _, derr := b.st.DeleteConversation(ctx, conv.ChatID, conv.UserID); derr != nil {
			b.log.Error("cannot drop a draft", "err", derr)
		}
		t.send(t.directiveError(err), nil)
		b.flush(ctx, t)
		return
	}
	if err := t.openDraft(&conv, doc, d.Source, true); err != nil {
		b.log.Error("cannot open a draft", "err", err)
		t.send(t.m.Apology, nil)
	}
	b.flush(ctx, t)
}

// download fetches a file the member sent.
func (b *Bot) download(ctx context.Context, fileID string) ([]byte, error) {
	f, err := b.api.client.GetFile(ctx, &tg.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, b.api.redact(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.api.client.FileDownloadLink(f), nil)
	if err != nil {
		return nil, b.api.redact(err)
	}
	resp, err := b.api.http.Do(req)
	if err != nil {
		return nil, b.api.redact(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bot: download: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxUpload+1))
	if err == nil && len(data) > maxUpload {
		err = directive.ErrBroken
	}
	return data, err
}

// directiveError explains why a document cannot be read.
func (t *turn) directiveError(err error) string {
	switch {
	case errors.Is(err, directive.ErrScanned):
		return t.m.DirScanned
	case errors.Is(err, directive.ErrUnsupported):
		return t.m.DirUnsupported
	case errors.Is(err, directive.ErrEmpty):
		return t.m.DirEmpty
	case errors.Is(err, directive.ErrBroken):
		return t.m.DirBroken
	}
	return t.m.DirDownloadFailed
}

// openDraft stores the parsed document as the member's draft and shows it.
func (t *turn) openDraft(conv *storage.Conversation, doc *directive.Document, source string, fresh bool) error {
	if len(doc.Tasks()) == 0 && len(doc.All()) == 0 {
		t.send(t.m.DirEmpty, nil)
		return nil
	}
	d := directiveDraft{Kind: doc.Kind, Number: doc.Number, Date: doc.Date.String(), Issuer: doc.Issuer,
		Title: doc.Title, SchoolYear: doc.SchoolYear, Source: source, Cadence: string(storage.CadenceOnce)}
	for _, it := range doc.All() {
		item := draftItem{Citation: it.Citation, Title: it.Title(), Text: clip(it.Text, 3000)}
		switch {
		case len(d.Items)+len(d.Context) >= maxDraftItems:
			d.Truncated = true
		case it.Proposed():
			d.Items = append(d.Items, item)
		case it.Role == directive.RoleContext || len(it.Children) > 0:
			d.Context = append(d.Context, item)
		}
	}
	if len(d.Items) == 0 && len(d.Context) == 0 {
		t.send(t.m.DirEmpty, nil)
		return nil
	}
	conv.ID = 0 // a new draft replaces any other flow
	if err := t.saveFlow(conv, d); err != nil {
		return err
	}
	return t.showDraft(conv, d, fresh)
}

func loadDirectiveDraft(conv storage.Conversation) (directiveDraft, error) {
	var d directiveDraft
	err := json.Unmarshal([]byte(conv.State), &d)
	return d, err
}

// showDraft shows the draft's current step.
func (t *turn) showDraft(conv *storage.Conversation, d directiveDraft, fresh bool) error {
	text, kb, err := t.draftView(conv, d)
	if err != nil {
		return err
	}
	t.showPrompt(conv, text, kb, fresh)
	return nil
}

func (t *turn) draftView(conv *storage.Conversation, d directiveDraft) (string, *keyboard, error) {
	f := func(action string, arg ...any) []any { return append([]any{"d", conv.ID, action}, arg...) }
	back := btn(t.m.BtnBack, f("back")...)
	switch d.Step {
	case "loading":
		return t.m.DirReading, nil, nil
	case "context":
		var sb strings.Builder
		sb.WriteString(t.m.DirContextTitle)
		pages := pageCount(len(d.Context), draftPageSize)
		page := min(d.Page, pages-1)
		for _, it := range d.Context[min(page*draftPageSize, len(d.Context)):min((page+1)*draftPageSize, len(d.Context))] {
			fmt.Fprintf(&sb, "\n\n<b>%s</b> %s", esc(it.Citation), esc(clip(oneLine(it.Title), 160)))
		}
		if len(d.Context) == 0 {
			sb.WriteString("\n\n" + t.m.DirNoContext)
		}
		sb.WriteString("\n\n" + t.m.DirContextHint)
		return sb.String(), rows(pager(page, pages, f("pg")...), []button{back}), nil
	case "units":
		return t.unitPicker(conv, d)
	case "cadence":
		var bs []button
		for _, c := range storage.Cadences {
			label := t.cadenceName(c)
			if string(c) == d.Cadence {
				label = "✓ " + label
			}
			bs = append(bs, btn(label, f("c", string(c))...))
		}
		return t.m.DirCadenceAsk, rows(append(grid(bs, 2), []button{back})...), nil
	case "confirm":
		schools, err := t.draftSchools(d)
		if err != nil {
			return "", nil, err
		}
		text := fmt.Sprintf(t.m.DirConfirm, esc(t.draftName(d)), len(d.Items), len(schools), t.draftDueText(d), t.cadenceName(storage.Cadence(d.Cadence)))
		// The same directive given to the same schools twice gives them every task twice: say so.
		ids := make([]int64, len(schools))
		for i, u := range schools {
			ids[i] = u.ID
		}
		issued, _ := storage.ParseDate(d.Date)
		if before, ok, err := t.st.PublishedBefore(t.ctx, d.Kind, d.Number, issued, ids); err != nil {
			return "", nil, err
		} else if ok {
			text = fmt.Sprintf(t.m.DirPublishedBefore, esc(before.Directive.Name()),
				before.Directive.PublishedAt.In(t.b.loc).Format("02/01/2006"), before.Schools, len(schools)) + "\n\n" + text
		}
		return text, rows([]button{btn(t.m.BtnPublishConfirm, f("ok")...)}, []button{back}), nil
	}
	// The draft itself.
	var sb strings.Builder
	fmt.Fprintf(&sb, "📄 <b>%s</b>", esc(t.draftName(d)))
	if d.Date != "" {
		sb.WriteString(" · " + esc(d.Date))
	}
	if d.Issuer != "" {
		sb.WriteString(" · " + esc(d.Issuer))
	}
	if d.Title != "" && !strings.HasPrefix(t.draftName(d), d.Title) {
		sb.WriteString("\n<i>" + esc(clip(oneLine(d.Title), 300)) + "</i>")
	}
	sb.WriteString("\n")
	if d.SchoolYear != "" {
		sb.WriteString(fmt.Sprintf(t.m.DirSchoolYear, esc(d.SchoolYear)) + " · ")
	}
	sb.WriteString(fmt.Sprintf(t.m.DirCounts, len(d.Items), len(d.Context)))
	units, err := t.unitNames(d.Units)
	if err != nil {
		return "", nil, err
	}
	recipients := t.m.DirNotChosen
	if len(units) > 0 {
		recipients = esc(strings.Join(units, ", "))
		if len(d.Levels) > 0 {
			recipients += " (" + esc(strings.Join(t.levelNames(d.Levels), ", ")) + ")"
		}
	}
	fmt.Fprintf(&sb, "\n⏰ %s · 🏫 %s · 🔁 %s", t.draftDueText(d), recipients, t.cadenceName(storage.Cadence(d.Cadence)))
	pages := pageCount(len(d.Items), draftPageSize)
	page := min(d.Page, pages-1)
	fmt.Fprintf(&sb, "\n\n"+t.m.DirItemsTitle, page+1, pages)
	if len(d.Items) == 0 {
		sb.WriteString("\n" + t.m.DirNoItems)
	}
	for i := page * draftPageSize; i < min((page+1)*draftPageSize, len(d.Items)); i++ {
		it := d.Items[i]
		fmt.Fprintf(&sb, "\n<b>%d.</b> [%s] %s", i+1, esc(it.Citation), esc(clip(oneLine(it.Title), 140)))
		if it.Due != "" {
			due, _ := storage.ParseDate(it.Due)
			sb.WriteString(" ⏰ " + due.Format())
		}
	}
	if d.Truncated {
		sb.WriteString("\n\n" + fmt.Sprintf(t.m.DirTruncated, maxDraftItems))
	}
	sb.WriteString("\n\n" + t.m.DirEditHint)
	kb := rows(
		pager(page, pages, f("pg")...),
		[]button{btn(t.m.BtnContext, f("ctx")...), btn(t.m.BtnDue, f("due")...)},
		[]button{btn(t.m.BtnRecipients, f("units")...), btn(t.m.BtnCadence, f("cad")...)},
		[]button{btn(t.m.BtnPublish, f("pub")...), btn(t.m.BtnCancel, f("x")...)},
	)
	return sb.String(), kb, nil
}

func (t *turn) draftName(d directiveDraft) string {
	switch {
	case d.Kind != "" && d.Number != "":
		return d.Kind + " " + d.Number
	case d.Title != "":
		return clip(oneLine(d.Title), 200)
	case d.Kind != "":
		return d.Kind
	}
	return t.m.DirUntitled
}

func (t *turn) draftDueText(d directiveDraft) string {
	if d.Due == "" {
		return t.m.DirNoDue
	}
	due, _ := storage.ParseDate(d.Due)
	return fmt.Sprintf(t.m.DueOn, due.Format())
}

func (t *turn) cadenceName(c storage.Cadence) string {
	switch c {
	case storage.CadenceWeekly:
		return t.m.CadenceWeekly
	case storage.CadenceMonthly:
		return t.m.CadenceMonthly
	case storage.CadenceSemester:
		return t.m.CadenceSemester
	}
	return t.m.CadenceOnce
}

func (t *turn) levelNames(levels []string) []string {
	names := map[string]string{"mam_non": t.m.LevelPreschool, "tieu_hoc": t.m.LevelPrimary, "thcs": t.m.LevelLowerSec,
		"thpt": t.m.LevelUpperSec, "lien_cap": t.m.LevelMulti, "gdtx": t.m.LevelContinuing}
	var out []string
	for _, l := range levels {
		out = append(out, names[l])
	}
	return out
}

func (t *turn) unitNames(ids []int64) ([]string, error) {
	var out []string
	for _, id := range ids {
		u, err := t.st.UnitByID(t.ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u.Name)
	}
	return out, nil
}

// pickerRoots are the units an officer chooses recipients among: the units they oversee, or, for
// an admin, the roots of the tree.
func (t *turn) pickerRoots() ([]storage.Unit, error) {
	if t.isAdmin() {
		all, err := t.st.Units(t.ctx)
		if err != nil {
			return nil, err
		}
		var roots []storage.Unit
		for _, u := range all {
			if u.ParentID == nil {
				roots = append(roots, u)
			}
		}
		return roots, nil
	}
	var roots []storage.Unit
	for _, id := range t.supervised() {
		u, err := t.st.UnitByID(t.ctx, id)
		if err != nil {
			return nil, err
		}
		roots = append(roots, u)
	}
	return roots, nil
}

// inScope reports whether the officer may choose the unit.
func (t *turn) inScope(unitID int64) (bool, error) {
	if t.isAdmin() {
		return true, nil
	}
	for _, root := range t.supervised() {
		in, err := t.st.Within(t.ctx, unitID, root)
		if err != nil || in {
			return in, err
		}
	}
	return false, nil
}

// unitPicker shows the units to choose from at the level being browsed, and the school levels.
func (t *turn) unitPicker(conv *storage.Conversation, d directiveDraft) (string, *keyboard, error) {
	f := func(action string, arg ...any) []any { return append([]any{"d", conv.ID, action}, arg...) }
	var units []storage.Unit
	var err error
	if d.Browse == 0 {
		units, err = t.pickerRoots()
	} else {
		units, err = t.st.Children(t.ctx, d.Browse)
	}
	if err != nil {
		return "", nil, err
	}
	chosen := map[int64]bool{}
	for _, id := range d.Units {
		chosen[id] = true
	}
	names, err := t.unitNames(d.Units)
	if err != nil {
		return "", nil, err
	}
	var sb strings.Builder
	sb.WriteString(t.m.DirPickTitle)
	if len(names) > 0 {
		sb.WriteString("\n" + fmt.Sprintf(t.m.DirPicked, esc(strings.Join(names, ", "))))
	}
	schools, err := t.draftSchools(d)
	if err != nil {
		return "", nil, err
	}
	sb.WriteString("\n" + fmt.Sprintf(t.m.DirPickedSchools, len(schools)))
	pages := pageCount(len(units), pickerPageSize)
	page := min(d.Page, pages-1)
	var rs [][]button
	for _, u := range units[min(page*pickerPageSize, len(units)):min((page+1)*pickerPageSize, len(units))] {
		label := clip(u.Name, 40)
		if chosen[u.ID] {
			label = "✓ " + label
		}
		row := []button{btn(label, f("u", u.ID)...)}
		if u.Kind != storage.KindSchool {
			row = append(row, btn("›", f("b", u.ID)...))
		}
		rs = append(rs, row)
	}
	rs = append(rs, pager(page, pages, f("upg")...))
	var lv []button
	for _, l := range storage.Levels {
		label := t.levelNames([]string{string(l)})[0]
		for _, x := range d.Levels {
			if x == string(l) {
				label = "✓ " + label
			}
		}
		lv = append(lv, btn(label, f("lv", string(l))...))
	}
	rs = append(rs, grid(lv, 3)...)
	nav := []button{btn(t.m.BtnDone, f("back")...)}
	if d.Browse != 0 {
		nav = append([]button{btn(t.m.BtnUp, f("up")...)}, nav...)
	}
	rs = append(rs, nav)
	sb.WriteString("\n\n" + t.m.DirPickHint)
	return sb.String(), rows(rs...), nil
}

// draftSchools are the schools the draft's recipients stand for.
func (t *turn) draftSchools(d directiveDraft) ([]storage.Unit, error) {
	var levels []storage.Level
	for _, l := range d.Levels {
		levels = append(levels, storage.Level(l))
	}
	var out []storage.Unit
	seen := map[int64]bool{}
	for _, id := range d.Units {
		u, err := t.st.UnitByID(t.ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var under []storage.Unit
		if u.Kind == storage.KindSchool {
			under = []storage.Unit{u}
		} else if under, err = t.st.SchoolsUnder(t.ctx, []int64{u.ID}, levels); err != nil {
			return nil, err
		}
		for _, s := range under {
			if !seen[s.ID] {
				seen[s.ID] = true
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// onDirectiveButton handles the draft's buttons.
func (t *turn) onDirectiveButton(c callback) error {
	conv, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID)
	if isNotFound(err) || (err == nil && (conv.ID != c.id(1) || conv.Flow != flowDirective)) {
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	if err != nil {
		return err
	}
	if !t.canPublish() {
		t.answer(t.m.NotAllowed, true)
		return nil
	}
	d, err := loadDirectiveDraft(conv)
	if err != nil {
		return err
	}
	if d.Step == "loading" {
		if t.stuckLoading(conv) {
			return t.dropStuckDraft()
		}
		t.answer(t.m.DirReading, false)
		return nil
	}
	switch c.str(2) {
	case "pg":
		d.Page = max(c.num(3), 0)
	case "ctx":
		d.Step, d.Page = "context", 0
	case "back":
		d.Step, d.Page, d.Browse = "", 0, 0
	case "due":
		t.answer(t.m.DirDueHint, true)
		return nil
	case "units":
		d.Step, d.Page, d.Browse = "units", 0, 0
	case "u", "b":
		id := c.id(3)
		ok, err := t.inScope(id)
		if err != nil {
			return err
		}
		if !ok {
			t.answer(t.m.NotAllowed, true)
			return nil
		}
		if c.str(2) == "b" {
			d.Browse, d.Page = id, 0
		} else {
			d.Units = toggle(d.Units, id)
		}
	case "up":
		parent := int64(0)
		if u, err := t.st.UnitByID(t.ctx, d.Browse); err == nil && u.ParentID != nil {
			if ok, _ := t.inScope(*u.ParentID); ok && !t.isRoot(u.ID) {
				parent = *u.ParentID
			}
		}
		d.Browse, d.Page = parent, 0
	case "upg":
		d.Page = max(c.num(3), 0)
	case "lv":
		l := storage.Level(c.str(3))
		if !l.Valid() {
			t.answer(t.m.ButtonExpired, false)
			return nil
		}
		d.Levels = toggleString(d.Levels, string(l))
	case "cad":
		d.Step = "cadence"
	case "c":
		cad := storage.Cadence(c.str(3))
		if !cad.Valid() {
			t.answer(t.m.ButtonExpired, false)
			return nil
		}
		d.Cadence, d.Step = string(cad), ""
	case "pub":
		if problem, err := t.draftProblem(d); err != nil || problem != "" {
			if err == nil {
				t.answer(problem, true)
			}
			return err
		}
		d.Step = "confirm"
	case "ok":
		if problem, err := t.draftProblem(d); err != nil || problem != "" {
			if err == nil {
				t.answer(problem, true)
			}
			return err
		}
		return t.publishDraft(conv, d)
	case "x":
		if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
			return err
		}
		t.show(t.m.DirCancelled, rows())
		return nil
	default:
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	if err := t.saveFlow(&conv, d); err != nil {
		return err
	}
	return t.showDraft(&conv, d, false)
}

// isRoot reports whether the unit is one the picker starts from.
func (t *turn) isRoot(id int64) bool {
	for _, r := range t.supervised() {
		if r == id {
			return true
		}
	}
	return false
}

// draftProblem says what keeps the draft from being published, or "".
func (t *turn) draftProblem(d directiveDraft) (string, error) {
	if len(d.Items) == 0 {
		return t.m.DirNeedItems, nil
	}
	today := t.today()
	for i, it := range d.Items {
		due := it.Due
		if due == "" {
			due = d.Due
		}
		if due == "" {
			return fmt.Sprintf(t.m.DirNeedDue, i+1), nil
		}
		if dd, _ := storage.ParseDate(due); dd.Before(today) {
			return fmt.Sprintf(t.m.DirDuePassed, dd.Format()), nil
		}
	}
	schools, err := t.draftSchools(d)
	if err != nil {
		return "", err
	}
	if len(schools) == 0 {
		return t.m.DirNeedRecipients, nil
	}
	for _, id := range d.Units {
		if ok, err := t.inScope(id); err != nil || !ok {
			return t.m.NotAllowed, err
		}
	}
	return "", nil
}

// publishDraft publishes: tasks, assignments and the messages to heads and groups, in one
// transaction; the messages go out paced, from the outbox.
func (t *turn) publishDraft(conv storage.Conversation, d directiveDraft) error {
	schools, err := t.draftSchools(d)
	if err != nil {
		return err
	}
	ids := make([]int64, len(schools))
	for i, s := range schools {
		ids[i] = s.ID
	}
	issued, _ := storage.ParseDate(d.Date)
	p := storage.Publication{
		Directive: storage.Directive{Kind: d.Kind, Number: d.Number, IssuedOn: issued, Issuer: d.Issuer,
			Title: clip(d.Title, 1000), SchoolYear: d.SchoolYear, Source: d.Source, PublishedBy: &t.member.ID},
		SchoolIDs: ids,
	}
	for _, it := range d.Items {
		due := it.Due
		if due == "" {
			due = d.Due
		}
		dd, _ := storage.ParseDate(due)
		p.Tasks = append(p.Tasks, storage.NewTask{Title: clip(it.Title, 1000), Body: it.Text, Due: dd, Citation: it.Citation, Cadence: storage.Cadence(d.Cadence)})
	}
	pub, err := t.st.PublishDirective(t.ctx, p)
	if err != nil {
		return err
	}
	if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
		return err
	}
	t.answer(t.m.DirPublishedShort, false)
	t.show(fmt.Sprintf(t.m.DirPublished, esc(pub.Directive.Name()), len(pub.Tasks), len(schools), pub.Heads, pub.Groups, pub.Directive.ID), rows())
	return nil
}

var (
	cmdDrop   = regexp.MustCompile(`(?i)^(bỏ|xóa|xoá|drop|remove)\s+([\d,\s\-–]+)$`)
	cmdMerge  = regexp.MustCompile(`(?i)^(gộp|merge)\s+([\d,\s]+)$`)
	cmdRename = regexp.MustCompile(`(?is)^(đổi tên|đổi|rename)\s+(\d+)\s*[:.\-–]\s*(.+)$`)
	cmdAdd    = regexp.MustCompile(`(?is)^(thêm|add)\s*(:\s*(.+)|\s+(\S+))$`)
	cmdDue    = regexp.MustCompile(`(?i)^(hạn|due)\s+(?:(\d+)\s+)?(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})$`)
)

// continueDirective takes a typed edit of the draft.
func (t *turn) continueDirective(conv storage.Conversation, msg *models.Message) error {
	d, err := loadDirectiveDraft(conv)
	if err != nil {
		return err
	}
	if d.Step == "loading" && !t.stuckLoading(conv) {
		t.send(t.m.DirReading, nil)
		return nil
	}
	if d.Step == "loading" {
		if err := t.dropStuckDraft(); err != nil {
			return err
		}
		if msg.Document == nil {
			return nil
		}
	}
	if !t.canPublish() {
		t.send(t.m.NotAllowed, nil)
		return nil
	}
	if msg.Document != nil {
		return t.startDirective(msg) // a new document replaces the draft
	}
	text := strings.TrimSpace(msg.Text)
	problem := ""
	switch m := cmdDrop.FindStringSubmatch(text); {
	case m != nil:
		nums, ok := numberList(m[2], len(d.Items))
		if !ok {
			problem = fmt.Sprintf(t.m.DirBadNumber, len(d.Items))
			break
		}
		var kept []draftItem
		for i, it := range d.Items {
			if !nums[i+1] {
				kept = append(kept, it)
			}
		}
		d.Items = kept
	case cmdMerge.MatchString(text):
		mm := cmdMerge.FindStringSubmatch(text)
		order := orderedNumbers(mm[2])
		if len(order) < 2 || !inRange(order, len(d.Items)) {
			problem = fmt.Sprintf(t.m.DirBadNumber, len(d.Items))
			break
		}
		into := &d.Items[order[0]-1]
		drop := map[int]bool{}
		for _, n := range order[1:] {
			if n == order[0] || drop[n] {
				continue
			}
			it := d.Items[n-1]
			into.Citation += ", " + it.Citation
			into.Text += "\n" + it.Text
			drop[n] = true
		}
		var kept []draftItem
		for i, it := range d.Items {
			if !drop[i+1] {
				kept = append(kept, it)
			}
		}
		d.Items = kept
	case cmdRename.MatchString(text):
		mm := cmdRename.FindStringSubmatch(text)
		n, _ := strconv.Atoi(mm[2])
		title := strings.TrimSpace(mm[3])
		if n < 1 || n > len(d.Items) {
			problem = fmt.Sprintf(t.m.DirBadNumber, len(d.Items))
			break
		}
		if utf8.RuneCountInString(title) > 500 {
			problem = fmt.Sprintf(t.m.TextTooLong, utf8.RuneCountInString(title), 500)
			break
		}
		d.Items[n-1].Title = title
	case cmdAdd.MatchString(text):
		mm := cmdAdd.FindStringSubmatch(text)
		if title := strings.TrimSpace(mm[3]); title != "" {
			if utf8.RuneCountInString(title) > 500 {
				problem = fmt.Sprintf(t.m.TextTooLong, utf8.RuneCountInString(title), 500)
				break
			}
			d.Items = append(d.Items, draftItem{Citation: t.m.DirAddedByOfficer, Title: title, Text: title})
			break
		}
		found := false
		for _, it := range d.Context {
			if strings.EqualFold(it.Citation, mm[4]) {
				d.Items = append(d.Items, it)
				found = true
			}
		}
		if !found {
			problem = fmt.Sprintf(t.m.DirNoSuchItem, esc(mm[4]))
		}
	case cmdDue.MatchString(text):
		mm := cmdDue.FindStringSubmatch(text)
		due, err := storage.ParseDate(mm[3])
		switch {
		case err != nil:
			problem = t.m.DirBadDate
		case due.Before(t.today()):
			problem = fmt.Sprintf(t.m.DirDuePassed, due.Format())
		case mm[2] == "":
			d.Due = due.String()
		default:
			n, _ := strconv.Atoi(mm[2])
			if n < 1 || n > len(d.Items) {
				problem = fmt.Sprintf(t.m.DirBadNumber, len(d.Items))
				break
			}
			d.Items[n-1].Due = due.String()
		}
	default:
		problem = t.m.DirEditHelp
	}
	if problem != "" {
		t.send(problem, nil)
		return nil
	}
	d.Step = ""
	d.Page = min(d.Page, pageCount(len(d.Items), draftPageSize)-1)
	if err := t.saveFlow(&conv, d); err != nil {
		return err
	}
	return t.showDraft(&conv, d, true)
}

// stuckLoading reports whether a document has been "being read" for so long that its reading was
// cut off (the bot stopped while downloading it).
func (t *turn) stuckLoading(conv storage.Conversation) bool {
	return t.now.Sub(conv.UpdatedAt) > 2*time.Minute
}

// dropStuckDraft forgets a document whose reading was cut off and asks for it again.
func (t *turn) dropStuckDraft() error {
	if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
		return err
	}
	t.answer(t.m.DirDownloadFailed, true)
	if t.upd.CallbackQuery == nil {
		t.send(t.m.DirDownloadFailed, nil)
	}
	return nil
}

// numberList reads "3, 5, 7-9" as a set of item numbers from 1 to n.
func numberList(s string, n int) (map[int]bool, bool) {
	out := map[int]bool{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		lo, hi, isRange := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 1 || b > n || a > b {
			return nil, false
		}
		for i := a; i <= b; i++ {
			out[i] = true
		}
	}
	return out, len(out) > 0
}

func orderedNumbers(s string) []int {
	var out []int
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if n, err := strconv.Atoi(part); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func inRange(ns []int, n int) bool {
	for _, x := range ns {
		if x < 1 || x > n {
			return false
		}
	}
	return true
}

func toggle(ids []int64, id int64) []int64 {
	for i, x := range ids {
		if x == id {
			return append(ids[:i:i], ids[i+1:]...)
		}
	}
	return append(ids, id)
}

func toggleString(ss []string, s string) []string {
	for i, x := range ss {
		if x == s {
			return append(ss[:i:i], ss[i+1:]...)
		}
	}
	return append(ss, s)
}
