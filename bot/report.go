package bot

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// The guided report flow (/baocao): choose the task → progress → result → difficulties →
// proposals → evidence → confirm. Its state lives in the database, so a restart loses nothing.

const (
	flowReport = "report"
	flowEdit   = "edit"
)

const (
	stepTask         = "task"
	stepProgress     = "progress"
	stepResult       = "result"
	stepDifficulties = "difficulties"
	stepProposals    = "proposals"
	stepEvidence     = "evidence"
	stepConfirm      = "confirm"
	stepReplace      = "replace" // a new flow was asked for while this one is open
)

// Limits on what a report holds, each with its own message.
const (
	maxResultLen   = 3000
	maxNoteLen     = 2000 // difficulties, proposals
	maxEvidence    = 10
	reportPageSize = 8 // tasks per page when choosing
)

// reportDraft is a report being written.
type reportDraft struct {
	Step         string             `json:"step"`
	AssignmentID int64              `json:"a,omitempty"`
	Progress     *int               `json:"p,omitempty"`
	Result       string             `json:"r,omitempty"`
	Difficulties *string            `json:"d,omitempty"` // nil: not asked yet; "": none
	Proposals    *string            `json:"o,omitempty"`
	Evidence     []storage.Evidence `json:"e,omitempty"`
	EvidenceDone bool               `json:"ed,omitempty"`
	Page         int                `json:"pg,omitempty"`
	MediaGroup   string             `json:"mg,omitempty"` // the album the last file came from
	PendingDraft *reportDraft       `json:"pd,omitempty"` // the report asked for while this one was open
	PendingEdit  bool               `json:"pe,omitempty"` // or: a correction was asked for
	ResumeStep   string             `json:"rs,omitempty"`
	Caption      string             `json:"-"`
}

// next is the first step still to do.
func (d *reportDraft) next() string {
	switch {
	case d.AssignmentID == 0:
		return stepTask
	case d.Progress == nil:
		return stepProgress
	case d.Result == "":
		return stepResult
	case d.Difficulties == nil:
		return stepDifficulties
	case d.Proposals == nil:
		return stepProposals
	case !d.EvidenceDone:
		return stepEvidence
	}
	return stepConfirm
}

func loadDraft(conv storage.Conversation) (reportDraft, error) {
	var d reportDraft
	err := json.Unmarshal([]byte(conv.State), &d)
	return d, err
}

// saveFlow stores the flow's state.
func (t *turn) saveFlow(conv *storage.Conversation, state any) error {
	data, err := json.Marshal(state)
	if err != nil {
		return err
	}
	conv.State = string(data)
	return t.st.SaveConversation(t.ctx, conv)
}

// reportCommand is /baocao: with "n p% text" it reports at once; with less it opens the guided
// flow with what was given; without anything it opens (or resumes) the flow.
func (t *turn) reportCommand(args string, msg *models.Message) error {
	if !t.hasSchool() {
		t.send(t.m.ReportSchoolsOnly, nil)
		return nil
	}
	ev := evidenceOf(msg)
	if args == "" && len(ev) == 0 {
		conv, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID)
		switch {
		case err == nil && conv.Flow == flowReport:
			return t.resumeFlow(conv)
		case err != nil && !isNotFound(err):
			return err
		}
		return t.startReport(reportDraft{}, msg)
	}
	line, perr := parseReportLine(args)
	if perr != "" {
		t.send(t.lineError(perr), nil)
		if len(ev) > 0 {
			// The files are kept: the guided report asks for what the line got wrong, and the
			// album's other photos join it.
			return t.startReport(reportDraft{Evidence: ev}, msg)
		}
		return nil
	}
	if tooLong := t.checkLengths(line.text, line.difficulties, line.proposals); tooLong != "" {
		t.send(tooLong, nil)
		if len(ev) > 0 {
			return t.startReport(reportDraft{Evidence: ev}, msg) // the files wait for the rest
		}
		return nil
	}
	d := reportDraft{Evidence: ev, Progress: line.progress, Result: line.text, Difficulties: optional(line.difficulties), Proposals: optional(line.proposals)}
	if line.seq == 0 {
		return t.startReport(d, msg)
	}
	a, ok, err := t.assignmentBySeq(line.seq)
	if err != nil {
		return err
	}
	if !ok {
		if len(ev) > 0 {
			return t.startReport(d, msg) // said why; the files wait for the right task
		}
		return nil
	}
	d.AssignmentID = a.ID
	if line.progress != nil && line.text != "" {
		return t.submitReport(a, storage.NewReport{
			AssignmentID: a.ID, MemberID: t.member.ID, Progress: *line.progress, Result: line.text,
			Difficulties: line.difficulties, Proposals: line.proposals,
			Source: storage.SourceLine, ChatID: t.chat.ID, MessageID: int64(msg.ID), MediaGroupID: msg.MediaGroupID, Evidence: ev,
		})
	}
	return t.startReport(d, msg)
}

// reportLine is the one-line form: /baocao 3 80% Đã tập huấn xong cho 45 giáo viên.
type reportLine struct {
	seq                     int
	progress                *int
	text                    string
	difficulties, proposals string // from lines that start "Khó khăn:" or "Đề xuất:"
}

// noteLabels are the words that start a line of difficulties (false) or proposals (true) in a
// typed report, compared without case and diacritics.
var noteLabels = []struct {
	word     string
	proposal bool
}{
	{"kho khan, vuong mac", false}, {"kho khan", false}, {"vuong mac", false}, {"difficulties", false}, {"difficulty", false},
	{"de xuat, kien nghi", true}, {"de xuat", true}, {"kien nghi", true}, {"proposals", true}, {"proposal", true},
}

// splitNotes takes the lines that start with "Khó khăn:" or "Đề xuất:" (and the lines after
// them, up to the next such line) out of a report's text.
func splitNotes(text string) (result, difficulties, proposals string) {
	var parts [3][]string
	cur := 0
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if label, rest, ok := strings.Cut(trimmed, ":"); ok {
			key := strings.ToLower(foldVietnamese(strings.TrimSpace(label)))
			for _, l := range noteLabels {
				if key == l.word {
					cur, line = 1, rest
					if l.proposal {
						cur = 2
					}
					break
				}
			}
		}
		parts[cur] = append(parts[cur], strings.TrimSpace(line))
	}
	j := func(ls []string) string { return strings.TrimSpace(strings.Join(ls, "\n")) }
	return j(parts[0]), j(parts[1]), j(parts[2])
}

// optional is nil for "" (not given: the guided report asks), else the text.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// parseReportLine reads "n [p%] [text]". It returns the problem's catalog name when the line
// cannot be read; an empty line or a line of text alone is fine (the flow asks for the rest).
func parseReportLine(s string) (reportLine, string) {
	var r reportLine
	rest := strings.TrimSpace(s)
	tok, after := nextToken(rest)
	seq, ok := parseTaskNumber(tok)
	if !ok {
		if tok != "" && isDigits(strings.TrimSuffix(tok, "%")) {
			return r, "badNumber"
		}
		r.text, r.difficulties, r.proposals = splitNotes(rest)
		return r, ""
	}
	r.seq, rest = seq, after
	tok, after = nextToken(rest)
	if tok == "" {
		return r, ""
	}
	if next, after2 := nextToken(after); next == "%" && isDigits(tok) {
		tok, after = tok+"%", after2
	}
	switch p, isPct, ok := parsePercent(tok); {
	case !ok && isPct:
		return r, "badPercent"
	case ok && (isPct || strings.TrimSpace(after) == ""):
		r.progress, rest = &p, after
	case ok:
		return r, "needPercent" // "3 80 Đã tập huấn…": is 80 the progress or the start of the text?
	}
	r.text, r.difficulties, r.proposals = splitNotes(strings.TrimSpace(rest))
	return r, ""
}

func (t *turn) lineError(code string) string {
	switch code {
	case "badNumber":
		return t.m.ReportLineBadNumber
	case "badPercent":
		return t.m.ProgressInvalid
	}
	return t.m.ReportLineNeedPercent
}

// nextToken splits off the first whitespace-separated word.
func nextToken(s string) (string, string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseTaskNumber reads a task's short number: 3, #3, nv3.
func parseTaskNumber(s string) (int, bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(s), "nv"), "#")
	if !isDigits(s) || len(s) > 6 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// parsePercent reads 80 or 80%: ok when it is a whole number from 0 to 100; isPct when the token
// was meant as a percentage (it ends with %).
func parsePercent(s string) (p int, isPct, ok bool) {
	isPct = strings.HasSuffix(s, "%")
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	if !isDigits(s) || len(s) > 3 {
		return 0, isPct, false
	}
	p, _ = strconv.Atoi(s)
	return p, isPct, p >= 0 && p <= 100
}

// progressAnswer reads the answer to the progress step: a percentage ("80%", "80 %", "80"), and
// what follows it. Text after a number needs the %, as in a one-line report: in «2 buổi tập huấn
// đã xong» the 2 is no progress.
func progressAnswer(text string) (p int, rest string, ok bool) {
	if p, _, ok := parsePercent(strings.ReplaceAll(text, " ", "")); ok {
		return p, "", true
	}
	tok, after := nextToken(text)
	if next, after2 := nextToken(after); next == "%" && isDigits(tok) {
		tok, after = tok+"%", after2
	}
	p, isPct, ok := parsePercent(tok)
	return p, strings.TrimSpace(after), ok && isPct
}

// checkLengths returns the message for a text that is too long, or "".
func (t *turn) checkLengths(result, difficulties, proposals string) string {
	if n := utf8.RuneCountInString(result); n > maxResultLen {
		return fmt.Sprintf(t.m.TextTooLong, n, maxResultLen)
	}
	for _, s := range []string{difficulties, proposals} {
		if n := utf8.RuneCountInString(s); n > maxNoteLen {
			return fmt.Sprintf(t.m.TextTooLong, n, maxNoteLen)
		}
	}
	return ""
}

// startReport opens the guided flow with what is already known and shows its first open step.
func (t *turn) startReport(d reportDraft, msg *models.Message) error {
	if !t.hasSchool() {
		t.send(t.m.ReportSchoolsOnly, nil)
		return nil
	}
	if d.Result == "" && d.Caption != "" {
		d.Result = strings.TrimSpace(d.Caption)
	}
	if msg != nil {
		d.MediaGroup = msg.MediaGroupID
	}
	if old, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID); err == nil && old.Flow == flowReport {
		return t.askReplace(old, &d)
	} else if err != nil && !isNotFound(err) {
		return err
	}
	if len(d.Evidence) > maxEvidence {
		d.Evidence = d.Evidence[:maxEvidence]
	}
	d.Step = d.next()
	conv := storage.Conversation{ChatID: t.chat.ID, UserID: t.from.ID, Flow: flowReport}
	if err := t.saveFlow(&conv, d); err != nil {
		return err
	}
	return t.promptStep(&conv, d, false)
}

// askReplace asks whether to drop the report being written for what the member just asked: the
// report next (with everything it already holds, files included), or a correction when next is
// nil. Nothing is lost either way: the answer keeps one or starts the other.
func (t *turn) askReplace(conv storage.Conversation, next *reportDraft) error {
	d, err := loadDraft(conv)
	if err != nil {
		return err
	}
	if d.Step != stepReplace {
		d.ResumeStep = d.Step
	}
	d.Step = stepReplace
	d.PendingDraft, d.PendingEdit = next, next == nil
	if err := t.saveFlow(&conv, d); err != nil {
		return err
	}
	return t.promptStep(&conv, d, false)
}

// resumeFlow shows the open flow's current step again.
func (t *turn) resumeFlow(conv storage.Conversation) error {
	if conv.Flow == flowEdit {
		return t.resumeEdit(conv)
	}
	if conv.Flow == flowDirective {
		d, err := loadDirectiveDraft(conv)
		if err != nil {
			return err
		}
		return t.showDraft(&conv, d, true)
	}
	d, err := loadDraft(conv)
	if err != nil {
		return err
	}
	return t.promptStep(&conv, d, false)
}

// cancelFlow is /huy: it leaves any flow, saying what was dropped.
func (t *turn) cancelFlow() error {
	conv, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID)
	if isNotFound(err) {
		t.send(t.m.NothingToCancel, nil)
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
		return err
	}
	t.clearKeyboard(conv.MessageID)
	switch conv.Flow {
	case flowEdit:
		t.send(t.m.EditClosed, nil)
	case flowDirective:
		t.send(t.m.DirCancelled, nil)
	case flowExtension:
		t.send(t.m.ExtCancelled, nil)
	case flowAnswer:
		t.send(t.m.AnswerCancelled, nil)
	default:
		t.send(t.m.ReportCancelled, nil)
	}
	return nil
}

// clearKeyboard removes the buttons of a flow's old prompt, so they cannot be pressed by mistake.
func (t *turn) clearKeyboard(messageID int64) {
	if messageID != 0 {
		t.outs = append(t.outs, outgoing{kind: outClear, chatID: t.chat.ID, messageID: int(messageID)})
	}
}

// promptStep shows the draft's current step: by editing the message whose button was pressed, or
// (after typed input, or when asked to) as a new message, whose id the flow then remembers.
func (t *turn) promptStep(conv *storage.Conversation, d reportDraft, fresh bool) error {
	text, kb, err := t.stepPrompt(conv, d)
	if err != nil {
		return err
	}
	t.showPrompt(conv, text, kb, fresh)
	return nil
}

// showPrompt shows a flow's prompt: by editing the flow's live message when its button was
// pressed, otherwise (or when fresh) as a new message that becomes the live one, the old one
// losing its buttons.
func (t *turn) showPrompt(conv *storage.Conversation, text string, kb *keyboard, fresh bool) {
	if id := t.callbackMessageID(); id != 0 && !fresh && int64(id) == conv.MessageID {
		t.edit(id, text, kb)
		return
	}
	t.clearKeyboard(conv.MessageID)
	t.sendPrompt(conv.ID, text, kb)
}

// sendPrompt sends a flow's prompt and remembers it as the flow's live message.
func (t *turn) sendPrompt(convID int64, text string, kb *keyboard) {
	t.outs = append(t.outs, outgoing{kind: outSend, chatID: t.chat.ID, text: text, kb: kb, after: func(b *Bot, ids []int) error {
		if len(ids) == 0 {
			return nil
		}
		return b.st.SetConversationMessage(t.ctx, convID, int64(ids[len(ids)-1]))
	}})
}

// stepPrompt renders the current step.
func (t *turn) stepPrompt(conv *storage.Conversation, d reportDraft) (string, *keyboard, error) {
	f := func(action string, arg ...any) []any { return append([]any{"f", conv.ID, action}, arg...) }
	cancel := btn(t.m.BtnCancel, f("x")...)
	var a storage.Assignment
	if d.AssignmentID != 0 {
		var err error
		if a, err = t.st.AssignmentByID(t.ctx, d.AssignmentID); err != nil {
			return "", nil, err
		}
	}
	var sb strings.Builder
	if d.AssignmentID != 0 && d.Step != stepConfirm && d.Step != stepReplace {
		sb.WriteString(t.taskHeader(a) + "\n\n")
	}
	var kb *keyboard
	switch d.Step {
	case stepTask:
		as, total, err := t.st.Assignments(t.ctx, storage.AssignmentFilter{UnitIDs: t.schoolIDs(), OpenOnly: true, Offset: d.Page * reportPageSize, Limit: reportPageSize})
		if err != nil {
			return "", nil, err
		}
		if total == 0 {
			sb.WriteString(t.m.FlowNoOpenTasks)
		} else {
			sb.WriteString(t.m.FlowChooseTask)
		}
		var bs [][]button
		for _, x := range as {
			label := fmt.Sprintf("%d. %s", x.Seq, clip(oneLine(x.Task.Title), 48))
			if t.manySchools() {
				label = fmt.Sprintf("%d. %s — %s", x.Seq, clip(oneLine(x.Task.Title), 30), clip(x.Unit.Name, 20))
			}
			bs = append(bs, []button{btn(label, f("t", x.ID)...)})
		}
		bs = append(bs, pager(d.Page, pageCount(total, reportPageSize), f("pg")...), []button{cancel})
		kb = rows(bs...)
	case stepProgress:
		if a.LastReportAt != nil {
			fmt.Fprintf(&sb, t.m.FlowCurrentProgress, a.Progress)
			sb.WriteString("\n")
		}
		sb.WriteString(t.m.FlowAskProgress)
		var ps []button
		for _, p := range []int{0, 25, 50, 75, 100} {
			ps = append(ps, btn(strconv.Itoa(p)+"%", f("p", p)...))
		}
		kb = rows(ps, []button{cancel})
	case stepResult:
		sb.WriteString(t.m.FlowAskResult)
		if d.Result != "" {
			sb.WriteString("\n\n" + fmt.Sprintf(t.m.FlowCurrentValue, esc(clip(d.Result, 500))))
		}
		kb = rows([]button{cancel})
	case stepDifficulties:
		sb.WriteString(t.m.FlowAskDifficulties)
		kb = rows([]button{btn(t.m.BtnNone, f("sk")...)}, []button{cancel})
	case stepProposals:
		sb.WriteString(t.m.FlowAskProposals)
		kb = rows([]button{btn(t.m.BtnNone, f("sk")...)}, []button{cancel})
	case stepEvidence:
		sb.WriteString(t.m.FlowAskEvidence)
		next := btn(t.m.BtnNoEvidence, f("ev")...)
		var clear []button
		if n := len(d.Evidence); n > 0 {
			sb.WriteString("\n\n📎 " + fmt.Sprintf(t.m.FlowEvidenceCount, n))
			next = btn(t.m.BtnContinue, f("ev")...)
			clear = []button{btn(t.m.BtnClearEvidence, f("evx")...)}
		}
		kb = rows([]button{next}, clear, []button{cancel})
	case stepConfirm:
		sb.WriteString(t.m.FlowConfirmTitle + "\n\n")
		sb.WriteString(t.reportSummary(a, *d.Progress, d.Result, deref(d.Difficulties), deref(d.Proposals), len(d.Evidence)))
		kb = rows(
			[]button{btn(t.m.BtnSubmit, f("ok")...)},
			[]button{btn(t.m.BtnEditProgress, f("e", "p")...), btn(t.m.BtnEditResult, f("e", "r")...)},
			[]button{btn(t.m.BtnEditDifficulties, f("e", "d")...), btn(t.m.BtnEditProposals, f("e", "o")...)},
			[]button{btn(t.m.BtnEditEvidence, f("e", "ev")...), cancel},
		)
	case stepReplace:
		sb.WriteString(t.m.FlowReplaceAsk)
		kb = rows([]button{btn(t.m.BtnKeepDraft, f("kp")...)}, []button{btn(t.m.BtnDropDraft, f("rp")...)})
	}
	if d.Step != stepEvidence && d.Step != stepConfirm && len(d.Evidence) > 0 {
		sb.WriteString("\n\n📎 " + fmt.Sprintf(t.m.FlowEvidenceCount, len(d.Evidence)))
	}
	return sb.String(), kb, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// reportSummary shows a report's content.
func (t *turn) reportSummary(a storage.Assignment, progress int, result, difficulties, proposals string, files int) string {
	var sb strings.Builder
	sb.WriteString(t.taskHeader(a))
	if t.manySchools() {
		sb.WriteString(" — " + esc(a.Unit.Name))
	}
	fmt.Fprintf(&sb, "\n📈 %s %d%%", progressBar(progress), progress)
	// Clipped so that a summary always fits one message, even one that is edited in place.
	if result != "" {
		sb.WriteString("\n📝 " + fmt.Sprintf(t.m.SummaryResult, esc(clip(result, 1200))))
	}
	if difficulties != "" {
		sb.WriteString("\n⚠️ " + fmt.Sprintf(t.m.SummaryDifficulties, esc(clip(difficulties, 600))))
	}
	if proposals != "" {
		sb.WriteString("\n💡 " + fmt.Sprintf(t.m.SummaryProposals, esc(clip(proposals, 600))))
	}
	if files > 0 {
		sb.WriteString("\n📎 " + fmt.Sprintf(t.m.FlowEvidenceCount, files))
	}
	return sb.String()
}

// continueFlow feeds a typed message (or a file) to the open flow.
func (t *turn) continueFlow(conv storage.Conversation, msg *models.Message) error {
	switch conv.Flow {
	case flowEdit:
		return t.continueEdit(conv, msg)
	case flowDirective:
		return t.continueDirective(conv, msg)
	case flowExtension:
		return t.continueExtension(conv, msg)
	case flowAnswer:
		return t.continueAnswer(conv, msg)
	}
	d, err := loadDraft(conv)
	if err != nil {
		return err
	}
	if ev := evidenceOf(msg); len(ev) > 0 {
		return t.addDraftEvidence(&conv, d, ev, msg)
	}
	text := strings.TrimSpace(msg.Text)
	if text == "" {
		t.send(t.m.FlowTextOrFiles, nil)
		return nil
	}
	switch d.Step {
	case stepTask:
		n, ok := parseTaskNumber(text)
		if !ok {
			t.send(t.m.FlowChooseTaskHint, nil)
			return nil
		}
		a, found, err := t.assignmentBySeq(n)
		if err != nil || !found {
			return err
		}
		d.AssignmentID = a.ID
	case stepProgress:
		// "80%", or "80% Đã họp hội đồng" with the result (and Khó khăn:/Đề xuất: lines) after it,
		// as a one-line report has it.
		p, rest, ok := progressAnswer(text)
		if !ok {
			t.send(t.m.ProgressInvalid, nil)
			return nil
		}
		result, difficulties, proposals := splitNotes(rest)
		if m := t.checkLengths(result, difficulties, proposals); m != "" {
			t.send(m, nil)
			return nil
		}
		d.Progress = &p
		if result != "" {
			d.Result = result
		}
		if difficulties != "" {
			d.Difficulties = &difficulties
		}
		if proposals != "" {
			d.Proposals = &proposals
		}
	case stepResult:
		if m := t.checkLengths(text, "", ""); m != "" {
			t.send(m, nil)
			return nil
		}
		d.Result = text
	case stepDifficulties, stepProposals:
		if m := t.checkLengths("", text, ""); m != "" {
			t.send(m, nil)
			return nil
		}
		if d.Step == stepDifficulties {
			d.Difficulties = &text
		} else {
			d.Proposals = &text
		}
	case stepEvidence:
		t.send(t.m.FlowEvidenceHint, nil)
		return nil
	case stepConfirm:
		t.send(t.m.FlowConfirmHint, nil)
		return nil
	case stepReplace:
		t.send(t.m.FlowReplaceHint, nil)
		return nil
	}
	d.Step = d.next()
	if err := t.saveFlow(&conv, d); err != nil {
		return err
	}
	return t.promptStep(&conv, d, true)
}

// addDraftEvidence adds files to the draft at any step. Further files of the same album update
// the prompt in place instead of sending one message per photo.
func (t *turn) addDraftEvidence(conv *storage.Conversation, d reportDraft, ev []storage.Evidence, msg *models.Message) error {
	if p := d.PendingDraft; d.Step == stepReplace && p != nil && msg.MediaGroupID != "" && msg.MediaGroupID == p.MediaGroup {
		// The rest of the album whose first photo asked to replace the draft: it belongs to the
		// report waiting for the answer, and the question already stands.
		if len(p.Evidence)+len(ev) > maxEvidence {
			t.send(fmt.Sprintf(t.m.TooManyFiles, maxEvidence), nil)
			return nil
		}
		p.Evidence = append(p.Evidence, ev...)
		return t.saveFlow(conv, d)
	}
	if len(d.Evidence)+len(ev) > maxEvidence {
		t.send(fmt.Sprintf(t.m.TooManyFiles, maxEvidence), nil)
		return nil
	}
	sameAlbum := msg.MediaGroupID != "" && msg.MediaGroupID == d.MediaGroup
	d.Evidence = append(d.Evidence, ev...)
	d.MediaGroup = msg.MediaGroupID
	if d.Result == "" && d.AssignmentID != 0 && msg.Caption != "" && d.Step == stepResult {
		d.Result = strings.TrimSpace(msg.Caption)
		d.Step = d.next()
	}
	if err := t.saveFlow(conv, d); err != nil {
		return err
	}
	if sameAlbum && conv.MessageID != 0 {
		text, kb, err := t.stepPrompt(conv, d)
		if err != nil {
			return err
		}
		t.edit(int(conv.MessageID), text, kb)
		return nil
	}
	return t.promptStep(conv, d, true)
}

// onFlowButton handles the buttons of the report and correction flows. A button of a flow that
// is over, or of another step, changes nothing.
func (t *turn) onFlowButton(c callback) error {
	conv, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID)
	if isNotFound(err) || (err == nil && conv.ID != c.id(1)) {
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	if err != nil {
		return err
	}
	if conv.Flow == flowEdit {
		return t.onEditButton(conv, c)
	}
	d, err := loadDraft(conv)
	if err != nil {
		return err
	}
	action := c.str(2)
	if action == "x" {
		if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
			return err
		}
		t.answer(t.m.ReportCancelledShort, false)
		t.show(t.m.ReportCancelled, rows())
		return nil
	}
	expected := map[string]string{"t": stepTask, "pg": stepTask, "p": stepProgress, "sk": "", "ev": stepEvidence,
		"evx": stepEvidence, "ok": stepConfirm, "e": stepConfirm, "kp": stepReplace, "rp": stepReplace}
	want, known := expected[action]
	if !known || (want != "" && want != d.Step) || (action == "sk" && d.Step != stepDifficulties && d.Step != stepProposals) {
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	switch action {
	case "t":
		a, ok, err := t.assignmentFor(c.id(3), t.canReport)
		if err != nil || !ok {
			t.denyUnlessErr(err)
			return err
		}
		d.AssignmentID = a.ID
	case "pg":
		d.Page = max(c.num(3), 0)
	case "p":
		p := c.num(3)
		if p < 0 || p > 100 {
			t.answer(t.m.ButtonExpired, false)
			return nil
		}
		d.Progress = &p
	case "sk":
		none := ""
		if d.Step == stepDifficulties {
			d.Difficulties = &none
		} else {
			d.Proposals = &none
		}
	case "ev":
		d.EvidenceDone = true
	case "evx":
		d.Evidence = nil
		t.answer(t.m.EvidenceCleared, false)
	case "e":
		switch c.str(3) {
		case "p":
			d.Step = stepProgress
		case "r":
			d.Step = stepResult
		case "d":
			d.Step = stepDifficulties
		case "o":
			d.Step = stepProposals
		case "ev":
			d.Step = stepEvidence
			d.EvidenceDone = false
		default:
			t.answer(t.m.ButtonExpired, false)
			return nil
		}
		if err := t.saveFlow(&conv, d); err != nil {
			return err
		}
		return t.promptStep(&conv, d, false)
	case "ok":
		return t.submitDraft(conv, d)
	case "kp":
		if p := d.PendingDraft; p != nil && len(p.Evidence) > 0 {
			// Nothing sent is lost: the files of the request set aside join this report.
			room := maxEvidence - len(d.Evidence)
			d.Evidence = append(d.Evidence, p.Evidence[:min(len(p.Evidence), max(room, 0))]...)
		}
		d.Step, d.PendingDraft, d.PendingEdit = d.ResumeStep, nil, false
		if d.Step == "" {
			d.Step = d.next()
		}
	case "rp":
		if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
			return err
		}
		t.show(t.m.DraftDropped, rows())
		switch {
		case d.PendingEdit:
			return t.editCommand("", nil)
		case d.PendingDraft != nil:
			return t.startReport(*d.PendingDraft, nil)
		}
		return t.startReport(reportDraft{}, nil)
	}
	if action != "pg" && action != "evx" {
		d.Step = d.next()
	}
	if err := t.saveFlow(&conv, d); err != nil {
		return err
	}
	return t.promptStep(&conv, d, false)
}

// submitDraft stores the confirmed report and ends the flow.
func (t *turn) submitDraft(conv storage.Conversation, d reportDraft) error {
	a, ok, err := t.assignmentFor(d.AssignmentID, t.canReport)
	if err != nil || !ok {
		t.denyUnlessErr(err)
		return err
	}
	if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
		return err
	}
	t.clearKeyboard(conv.MessageID)
	return t.submitReport(a, storage.NewReport{
		AssignmentID: a.ID, MemberID: t.member.ID, Progress: *d.Progress, Result: d.Result,
		Difficulties: deref(d.Difficulties), Proposals: deref(d.Proposals), Source: storage.SourceFlow,
		ChatID: t.chat.ID, Evidence: d.Evidence,
	})
}

// submitReport stores a report and confirms it with a short summary. A reply to the confirmation
// reports again on the same task.
func (t *turn) submitReport(a storage.Assignment, nr storage.NewReport) error {
	r, err := t.st.CreateReport(t.ctx, nr)
	if err != nil {
		return err
	}
	text := t.confirmation(a, r, len(nr.Evidence))
	t.answer(t.m.ReportSavedShort, false)
	o := outgoing{kind: outSend, chatID: t.chat.ID, text: text}
	if nr.MediaGroupID != "" {
		o.confirms = &r // more photos of the album will update it
	}
	t.outs = append(t.outs, o)
	return nil
}

// confirmation is the message that confirms a report.
func (t *turn) confirmation(a storage.Assignment, r storage.Report, files int) string {
	return t.m.ReportSaved + "\n\n" + t.reportSummary(a, r.Progress, r.Result, r.Difficulties, r.Proposals, files) +
		"\n🕘 " + t.fmtTime(r.CreatedAt) + "\n\n" + t.m.ReportSavedFooter
}

// onReportButton handles "Báo cáo" on a task: the flow opens on that task.
func (t *turn) onReportButton(c callback) error {
	if c.str(1) != "s" {
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	a, ok, err := t.assignmentFor(c.id(2), t.canReport)
	if err != nil || !ok {
		t.denyUnlessErr(err)
		return err
	}
	return t.startReport(reportDraft{AssignmentID: a.ID}, nil)
}

// offerTextAsReport turns text typed outside any flow into the start of a report: the member picks
// the task it is about. Short chatter ("cảm ơn", "ok") only gets the help.
func (t *turn) offerTextAsReport(text string) error {
	if utf8.RuneCountInString(strings.TrimSpace(text)) < 15 {
		t.send(t.helpText(), nil)
		return nil
	}
	if m := t.checkLengths(text, "", ""); m != "" {
		t.send(m, nil)
		return nil
	}
	result, difficulties, proposals := splitNotes(strings.TrimSpace(text))
	d := reportDraft{Result: result, Difficulties: optional(difficulties), Proposals: optional(proposals)}
	if line, problem := parseReportLine(text); problem == "" && line.seq != 0 && line.progress != nil {
		// "3 80% Đã tập huấn…" typed without the command. Without a percentage a leading
		// number is part of the text ("45 giáo viên đã…").
		a, ok, err := t.assignmentBySeq(line.seq)
		if err != nil || !ok {
			return err
		}
		d = reportDraft{AssignmentID: a.ID, Progress: line.progress, Result: line.text,
			Difficulties: optional(line.difficulties), Proposals: optional(line.proposals)}
	}
	return t.startReport(d, nil)
}

// reportFromReply reports on the task a bot message was about: the reply's text is the result
// (a leading "80%" sets the progress, which otherwise stays), its photos or files the evidence.
func (t *turn) reportFromReply(assignmentID int64, msg *models.Message) error {
	a, ok, err := t.assignmentFor(assignmentID, t.canReport)
	if err != nil {
		return err
	}
	if !ok {
		t.send(t.m.NotAllowed, nil)
		return nil
	}
	ev := evidenceOf(msg)
	text, _ := textOf(msg)
	text = strings.TrimSpace(text)
	progress := a.Progress
	if tok, rest := nextToken(text); strings.HasSuffix(tok, "%") {
		p, _, ok := parsePercent(tok)
		if !ok {
			t.send(t.m.ProgressInvalid, nil)
			return nil
		}
		progress, text = p, strings.TrimSpace(rest)
	}
	if text == "" && len(ev) == 0 {
		t.send(t.m.ReplyNeedsText, nil)
		return nil
	}
	if m := t.checkLengths(text, "", ""); m != "" {
		t.send(m, nil)
		return nil
	}
	return t.submitReport(a, storage.NewReport{
		AssignmentID: a.ID, MemberID: t.member.ID, Progress: progress, Result: text, Source: storage.SourceReply,
		ChatID: t.chat.ID, MessageID: int64(msg.ID), MediaGroupID: msg.MediaGroupID, Evidence: ev,
	})
}

// addToReport adds an album's further files to the report its first file made, and updates the
// confirmation.
func (t *turn) addToReport(a storage.Assignment, r storage.Report, ev []storage.Evidence) error {
	if len(r.Evidence)+len(ev) > maxEvidence {
		t.send(fmt.Sprintf(t.m.TooManyFiles, maxEvidence), nil)
		return nil
	}
	if err := t.st.AddEvidence(t.ctx, r.ID, ev); err != nil {
		return err
	}
	conf, err := t.st.ReportConfirmation(t.ctx, t.chat.ID, r.ID)
	switch {
	case err == nil:
		t.edit(int(conf.MessageID), t.confirmation(a, r, len(r.Evidence)+len(ev)), nil)
	case !isNotFound(err):
		return err
	}
	return nil
}

// evidenceOf returns the photo, document or video a message carries, as evidence.
func evidenceOf(msg *models.Message) []storage.Evidence {
	if msg == nil {
		return nil
	}
	switch {
	case len(msg.Photo) > 0:
		best := msg.Photo[0]
		for _, p := range msg.Photo {
			if p.Width*p.Height > best.Width*best.Height {
				best = p
			}
		}
		return []storage.Evidence{{Kind: storage.EvidencePhoto, FileID: best.FileID, FileUniqueID: best.FileUniqueID,
			FileSize: int64(best.FileSize), Width: best.Width, Height: best.Height, Caption: msg.Caption}}
	case msg.Document != nil:
		d := msg.Document
		return []storage.Evidence{{Kind: storage.EvidenceDocument, FileID: d.FileID, FileUniqueID: d.FileUniqueID,
			FileName: d.FileName, MimeType: d.MimeType, FileSize: d.FileSize, Caption: msg.Caption}}
	case msg.Video != nil:
		v := msg.Video
		return []storage.Evidence{{Kind: storage.EvidenceVideo, FileID: v.FileID, FileUniqueID: v.FileUniqueID,
			FileName: v.FileName, MimeType: v.MimeType, FileSize: v.FileSize, Width: v.Width, Height: v.Height, Caption: msg.Caption}}
	}
	return nil
}
