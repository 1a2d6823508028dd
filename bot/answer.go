package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// The reply loop: a supervisor answers a school's difficulties or proposals from the digest; the
// answer is kept with the report and sent to the school.

const (
	flowAnswer   = "answer"
	maxAnswerLen = 2000
)

// answerDraft is an answer being written.
type answerDraft struct {
	ReportID int64 `json:"r"`
}

// reportToAnswer loads the report a button names and checks that the member oversees its school.
// A forged or stale id gets the same answer as a school outside their reach.
func (t *turn) reportToAnswer(id int64) (storage.Report, bool, error) {
	r, err := t.st.ReportByID(t.ctx, id)
	if isNotFound(err) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	ok, err := t.inScope(r.Assignment.UnitID) // an admin, or a supervisor above the school
	return r, ok, err
}

// onAnswerButton is "Trả lời" under a digest: it asks for the answer.
func (t *turn) onAnswerButton(c callback) error {
	r, ok, err := t.reportToAnswer(c.id(1))
	if err != nil || !ok {
		t.denyUnlessErr(err)
		return err
	}
	if old, err := t.st.Conversation(t.ctx, t.chat.ID, t.from.ID); err == nil && old.Flow != flowAnswer {
		t.answer(t.m.FinishFlowFirst, true)
		return nil
	} else if err != nil && !isNotFound(err) {
		return err
	}
	conv := storage.Conversation{ChatID: t.chat.ID, UserID: t.from.ID, Flow: flowAnswer}
	if err := t.saveFlow(&conv, answerDraft{ReportID: r.ID}); err != nil {
		return err
	}
	t.answer("", false)
	t.sendPrompt(conv.ID, t.m.AnswerAsk+"\n\n"+t.reportQuote(r)+"\n\n"+fmt.Sprintf(t.m.AnswerAskHint, maxAnswerLen), nil)
	return nil
}

// reportQuote is the report being answered, as the supervisor and the school see it.
func (t *turn) reportQuote(r storage.Report) string {
	a := r.Assignment
	var sb strings.Builder
	fmt.Fprintf(&sb, "🏫 <b>%s</b> · %s · %s\n<a href=\"%s\">%s %d</a>: %s", esc(a.Unit.Name), esc(r.Member.Name()), t.fmtTime(r.CreatedAt),
		t.taskLink(a.ID), t.m.TaskShort, a.Seq, esc(clip(oneLine(a.Task.Title), 200)))
	if r.Difficulties != "" {
		sb.WriteString("\n⚠️ " + fmt.Sprintf(t.m.SummaryDifficulties, esc(clip(r.Difficulties, 600))))
	}
	if r.Proposals != "" {
		sb.WriteString("\n💡 " + fmt.Sprintf(t.m.SummaryProposals, esc(clip(r.Proposals, 600))))
	}
	return sb.String()
}

// continueAnswer takes the answer typed, keeps it with the report and queues it for the school.
func (t *turn) continueAnswer(conv storage.Conversation, msg *models.Message) error {
	var d answerDraft
	if err := json.Unmarshal([]byte(conv.State), &d); err != nil {
		return err
	}
	r, ok, err := t.reportToAnswer(d.ReportID)
	if err != nil {
		return err
	}
	if !ok {
		if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
			return err
		}
		t.send(t.m.AnswerGone, nil)
		return nil
	}
	text := strings.TrimSpace(msg.Text)
	if text == "" {
		t.send(t.m.AnswerTextOnly, nil)
		return nil
	}
	if n := utf8.RuneCountInString(text); n > maxAnswerLen {
		t.send(fmt.Sprintf(t.m.TextTooLong, n, maxAnswerLen), nil)
		return nil
	}
	if _, err := t.st.AnswerReport(t.ctx, r.ID, t.member.ID, text); err != nil {
		return err
	}
	if _, err := t.st.DeleteConversation(t.ctx, t.chat.ID, t.from.ID); err != nil {
		return err
	}
	t.send(fmt.Sprintf(t.m.AnswerSent, esc(r.Assignment.Unit.Name)), nil)
	return nil
}

// answerText is a supervisor's answer as the school receives it.
func (t *turn) answerText(answerID int64) (string, *keyboard, error) {
	a, err := t.st.AnswerByID(t.ctx, answerID)
	if isNotFound(err) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	r := *a.Report
	if !t.canReport(r.Assignment) && r.MemberID != t.member.ID {
		return "", nil, nil // no longer at the school
	}
	text := fmt.Sprintf(t.m.AnswerReceived, esc(a.Member.Name())) + "\n\n" + t.reportQuote(r) + "\n\n💬 " + esc(a.Text) +
		"\n\n" + t.m.AnswerReplyHint
	return text, rows([]button{btn(t.m.BtnOpenTask, "t", "v", r.AssignmentID)}), nil
}
