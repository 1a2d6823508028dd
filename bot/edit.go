package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// The correction flow (/sua): the member's last report can be corrected within 24 hours, field by
// field; each change keeps the replaced values as a revision.

type editDraft struct {
	ReportID int64  `json:"r"`
	Field    string `json:"f,omitempty"` // "": choosing; p, r, d, o: typing the new value; ev: sending files
}

// editCommand is /sua: "/sua 90% text" corrects at once; "/sua" opens the menu.
func (t *turn) editCommand(args string, msg *models.Message) error {
	r, err := t.st.LastReportBy(t.ctx, t.member.ID)
	if isNotFound(err) {
		t.send(t.m.EditNoReport, nil)
		return nil
	}
	if err != nil {
		return err
	}
	if t.now.Sub(r.CreatedAt) > storage.CorrectionWindow {
		t.send(fmt.Sprintf(t.m.EditTooLate, t.fmtTime(r.CreatedAt)), nil)
		return nil
	}
	if args = strings.TrimSpace(args); args != "" || len(evidenceOf(msg)) > 0 {
		var c storage.Correction
		if tok, rest := nextToken(args); tok != "" {
			switch p, isPct, ok := parsePercent(tok); {
			case ok && (isPct || strings.TrimSpace(rest) == ""):
				c.Progress, args = &p, strings.TrimSpace(rest)
			case isPct:
				t.send(t.m.ProgressInvalid, nil)
				return nil
			case ok:
				t.send(t.m.EditNeedPercent, nil) // "90 Đã xong": the progress, or the text?
				return nil
			}
		}
		if args != "" {
			if m := t.checkLengths(args, "", ""); m != "" {
				t.send(m, nil)
				return nil
			}
			c.Result = &args
		}
		c.AddEvidence = evidenceOf(msg)
		if len(r.Evidence)+len(c.AddEvidence) > maxEvidence {
			t.send(fmt.Sprintf(t.m.TooManyFiles, maxEvidence), nil)
			return nil
		}
		return t.applyCorrection(r, c, nil)
	}
	if old, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID); err == nil && old.Flow == flowReport {
		return t.askReplace(old, nil)
	} else if err != nil && !isNotFound(err) {
		return err
	}
	conv := storage.Conversation{ChatID: t.chat.ID, UserID: t.from.ID, Flow: flowEdit}
	if err := t.saveFlow(&conv, editDraft{ReportID: r.ID}); err != nil {
		return err
	}
	return t.showEdit(&conv, r, editDraft{ReportID: r.ID}, true)
}

// applyCorrection stores a correction and shows the report as it now stands.
func (t *turn) applyCorrection(r storage.Report, c storage.Correction, conv *storage.Conversation) error {
	fixed, err := t.st.CorrectReport(t.ctx, r.ID, t.member.ID, c)
	if errors.Is(err, storage.ErrTooLate) {
		if conv != nil {
			if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
				return err
			}
			t.clearKeyboard(conv.MessageID)
		}
		t.send(fmt.Sprintf(t.m.EditTooLate, t.fmtTime(r.CreatedAt)), nil)
		return nil
	}
	if err != nil {
		return err
	}
	if conv == nil {
		t.send(t.m.Corrected+"\n\n"+t.reportSummary(fixed.Assignment, fixed.Progress, fixed.Result, fixed.Difficulties, fixed.Proposals, len(fixed.Evidence)), nil)
		return nil
	}
	d := editDraft{ReportID: r.ID}
	if err := t.saveFlow(conv, d); err != nil {
		return err
	}
	t.answer(t.m.CorrectedShort, false)
	return t.showEdit(conv, fixed, d, t.upd.CallbackQuery == nil)
}

// showEdit shows the report being corrected and what can be changed, or the prompt for a field.
func (t *turn) showEdit(conv *storage.Conversation, r storage.Report, d editDraft, fresh bool) error {
	f := func(action string, arg ...any) []any { return append([]any{"f", conv.ID, action}, arg...) }
	var sb strings.Builder
	var kb *keyboard
	switch d.Field {
	case "":
		deadline := r.CreatedAt.Add(storage.CorrectionWindow)
		fmt.Fprintf(&sb, t.m.EditTitle, t.fmtTime(r.CreatedAt), t.fmtTime(deadline))
		sb.WriteString("\n\n" + t.reportSummary(r.Assignment, r.Progress, r.Result, r.Difficulties, r.Proposals, len(r.Evidence)))
		sb.WriteString("\n\n" + t.m.EditChoose)
		kb = rows(
			[]button{btn(t.m.BtnEditProgress, f("f", "p")...), btn(t.m.BtnEditResult, f("f", "r")...)},
			[]button{btn(t.m.BtnEditDifficulties, f("f", "d")...), btn(t.m.BtnEditProposals, f("f", "o")...)},
			[]button{btn(t.m.BtnAddEvidence, f("f", "ev")...)},
			[]button{btn(t.m.BtnDone, f("done")...)},
		)
	case "p":
		fmt.Fprintf(&sb, t.m.FlowCurrentProgress, r.Progress)
		sb.WriteString("\n" + t.m.FlowAskProgress)
		var ps []button
		for _, p := range []int{0, 25, 50, 75, 100} {
			ps = append(ps, btn(strconv.Itoa(p)+"%", f("p", p)...))
		}
		kb = rows(ps, []button{btn(t.m.BtnBack, f("back")...)})
	case "r", "d", "o":
		cur, ask := r.Result, t.m.FlowAskResult
		if d.Field == "d" {
			cur, ask = r.Difficulties, t.m.FlowAskDifficulties
		} else if d.Field == "o" {
			cur, ask = r.Proposals, t.m.FlowAskProposals
		}
		sb.WriteString(ask)
		if cur != "" {
			sb.WriteString("\n\n" + fmt.Sprintf(t.m.FlowCurrentValue, esc(clip(cur, 500))))
		}
		var clear []button
		if d.Field != "r" && cur != "" {
			clear = []button{btn(t.m.BtnClearField, f("clr")...)}
		}
		kb = rows(clear, []button{btn(t.m.BtnBack, f("back")...)})
	case "ev":
		sb.WriteString(t.m.EditAskEvidence)
		if n := len(r.Evidence); n > 0 {
			sb.WriteString("\n\n📎 " + fmt.Sprintf(t.m.FlowEvidenceCount, n))
		}
		kb = rows([]button{btn(t.m.BtnBack, f("back")...)})
	}
	if id := t.callbackMessageID(); id != 0 && !fresh && int64(id) == conv.MessageID {
		t.edit(id, sb.String(), kb)
		return nil
	}
	t.clearKeyboard(conv.MessageID)
	t.sendPrompt(conv.ID, sb.String(), kb)
	return nil
}

func loadEdit(conv storage.Conversation) (editDraft, error) {
	var d editDraft
	err := json.Unmarshal([]byte(conv.State), &d)
	return d, err
}

// editReport loads the report of a correction flow, checking it is still the member's.
func (t *turn) editReport(d editDraft) (storage.Report, error) {
	r, err := t.st.ReportByID(t.ctx, d.ReportID)
	if err == nil && r.MemberID != t.member.ID {
		err = fmt.Errorf("bot: report %d is not the member's: %w", r.ID, storage.ErrNotFound)
	}
	return r, err
}

// resumeEdit shows the correction flow again.
func (t *turn) resumeEdit(conv storage.Conversation) error {
	d, err := loadEdit(conv)
	if err != nil {
		return err
	}
	r, err := t.editReport(d)
	if err != nil {
		return err
	}
	return t.showEdit(&conv, r, d, true)
}

// continueEdit takes the typed new value of a field, or files.
func (t *turn) continueEdit(conv storage.Conversation, msg *models.Message) error {
	d, err := loadEdit(conv)
	if err != nil {
		return err
	}
	r, err := t.editReport(d)
	if err != nil {
		return err
	}
	if ev := evidenceOf(msg); len(ev) > 0 {
		if len(r.Evidence)+len(ev) > maxEvidence {
			t.send(fmt.Sprintf(t.m.TooManyFiles, maxEvidence), nil)
			return nil
		}
		return t.applyCorrection(r, storage.Correction{AddEvidence: ev}, &conv)
	}
	text := strings.TrimSpace(msg.Text)
	var c storage.Correction
	switch d.Field {
	case "p":
		p, _, ok := parsePercent(strings.ReplaceAll(text, " ", ""))
		if !ok {
			t.send(t.m.ProgressInvalid, nil)
			return nil
		}
		c.Progress = &p
	case "r", "d", "o":
		if text == "" {
			t.send(t.m.FlowTextOrFiles, nil)
			return nil
		}
		if m := t.checkLengths(text, "", ""); d.Field == "r" && m != "" {
			t.send(m, nil)
			return nil
		}
		if m := t.checkLengths("", text, ""); d.Field != "r" && m != "" {
			t.send(m, nil)
			return nil
		}
		switch d.Field {
		case "r":
			c.Result = &text
		case "d":
			c.Difficulties = &text
		default:
			c.Proposals = &text
		}
	case "ev":
		t.send(t.m.EditAskEvidence, nil)
		return nil
	default:
		t.send(t.m.EditChooseHint, nil)
		return nil
	}
	return t.applyCorrection(r, c, &conv)
}

// onEditButton handles the buttons of the correction flow.
func (t *turn) onEditButton(conv storage.Conversation, c callback) error {
	d, err := loadEdit(conv)
	if err != nil {
		return err
	}
	r, err := t.editReport(d)
	if err != nil {
		return err
	}
	switch c.str(2) {
	case "f":
		switch field := c.str(3); field {
		case "p", "r", "d", "o", "ev":
			d.Field = field
		default:
			t.answer(t.m.ButtonExpired, false)
			return nil
		}
	case "back":
		d.Field = ""
	case "p":
		p := c.num(3)
		if d.Field != "p" || p < 0 || p > 100 {
			t.answer(t.m.ButtonExpired, false)
			return nil
		}
		return t.applyCorrection(r, storage.Correction{Progress: &p}, &conv)
	case "clr":
		empty := ""
		switch d.Field {
		case "d":
			return t.applyCorrection(r, storage.Correction{Difficulties: &empty}, &conv)
		case "o":
			return t.applyCorrection(r, storage.Correction{Proposals: &empty}, &conv)
		}
		t.answer(t.m.ButtonExpired, false)
		return nil
	case "done":
		if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
			return err
		}
		t.show(t.m.Corrected+"\n\n"+t.reportSummary(r.Assignment, r.Progress, r.Result, r.Difficulties, r.Proposals, len(r.Evidence)), rows())
		return nil
	case "x":
		if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
			return err
		}
		t.show(t.m.EditClosed, rows())
		return nil
	default:
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	if err := t.saveFlow(&conv, d); err != nil {
		return err
	}
	return t.showEdit(&conv, r, d, false)
}
