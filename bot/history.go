package bot

import (
	"context"
	"fmt"
	"strings"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// historyPageSize is how many reports a page of /lichsu shows.
const historyPageSize = 4

// historyCommand is /lichsu [n]: the school's reports, or those of task n.
func (t *turn) historyCommand(args string) error {
	args = strings.TrimSpace(args)
	if args == "" {
		return t.showHistory(0, 0)
	}
	n, ok := parseTaskNumber(args)
	if !ok {
		t.send(t.m.TaskNumberInvalid, nil)
		return nil
	}
	if !t.hasSchool() {
		t.send(t.m.HistoryNumberSchoolsOnly, nil)
		return nil
	}
	a, found, err := t.assignmentBySeq(n)
	if err != nil || !found {
		return err
	}
	return t.showHistory(a.ID, 0)
}

// showHistory shows a page of reports: of one assignment, of the member's schools, or of the
// schools a supervisor oversees.
func (t *turn) showHistory(assignmentID int64, page int) error {
	f := storage.ReportFilter{AssignmentID: assignmentID, Offset: page * historyPageSize, Limit: historyPageSize}
	var a storage.Assignment
	switch {
	case assignmentID != 0:
		var ok bool
		var err error
		a, ok, err = t.assignmentFor(assignmentID, func(storage.Assignment) bool { return true })
		if err != nil {
			return err
		}
		if ok {
			ok, err = t.canView(a)
			if err != nil {
				return err
			}
		}
		if !ok {
			t.denyOrSay()
			return nil
		}
		f.UnitIDs = []int64{a.UnitID}
	case t.hasSchool():
		f.UnitIDs = t.schoolIDs()
	case t.isAdmin():
		f.All = true
	default:
		f.Under = t.supervised()
		if len(f.Under) == 0 {
			t.send(t.m.NotAllowed, nil)
			return nil
		}
	}
	rs, total, err := t.st.Reports(t.ctx, f)
	if err != nil {
		return err
	}
	pages := pageCount(total, historyPageSize)
	if page >= pages && page > 0 {
		return t.showHistory(assignmentID, pages-1)
	}
	var sb strings.Builder
	if assignmentID != 0 {
		fmt.Fprintf(&sb, t.m.HistoryTitleTask, t.taskLink(a.ID), a.Seq, esc(clip(oneLine(a.Task.Title), 200)), total)
	} else {
		fmt.Fprintf(&sb, t.m.HistoryTitle, total)
	}
	if total == 0 {
		sb.WriteString("\n\n" + t.m.HistoryEmpty)
	}
	showSchool := !t.hasSchool() || t.manySchools()
	var files []button
	for _, r := range rs {
		sb.WriteString("\n\n" + t.historyEntry(r, showSchool))
		if n := len(r.Evidence); n > 0 {
			label := fmt.Sprintf("📎 %s %d · %s", t.m.TaskShort, r.Assignment.Seq, r.CreatedAt.In(t.b.loc).Format("15:04 02/01"))
			if n > 1 {
				label += fmt.Sprintf(" (%d)", n)
			}
			files = append(files, btn(label, "h", "e", r.ID))
		}
	}
	kb := rows(append(grid(files, 2), pager(page, pages, "h", "l", assignmentID))...)
	t.show(sb.String(), kb)
	return nil
}

// denyOrSay refuses, as an alert for a button or as a message for a command.
func (t *turn) denyOrSay() {
	if t.upd.CallbackQuery != nil {
		t.answer(t.m.NotAllowed, true)
	} else {
		t.send(t.m.NotAllowed, nil)
	}
}

// historyEntry is one report in the history.
func (t *turn) historyEntry(r storage.Report, showSchool bool) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, `<a href="%s"><b>%s %d</b></a> · %s`, t.taskLink(r.AssignmentID), t.m.TaskShort, r.Assignment.Seq, esc(clip(oneLine(r.Assignment.Task.Title), 80)))
	if showSchool {
		sb.WriteString("\n🏫 " + esc(r.Assignment.Unit.Name))
	}
	sb.WriteString("\n🕘 " + t.fmtTime(r.CreatedAt) + " · " + esc(r.Member.Name()))
	if r.EditedAt != nil {
		sb.WriteString(" · " + t.m.Edited)
	}
	fmt.Fprintf(&sb, "\n📈 %d%%", r.Progress)
	if r.Result != "" {
		sb.WriteString(" — " + esc(clip(r.Result, 300)))
	}
	if r.Difficulties != "" {
		sb.WriteString("\n⚠️ " + fmt.Sprintf(t.m.SummaryDifficulties, esc(clip(r.Difficulties, 200))))
	}
	if r.Proposals != "" {
		sb.WriteString("\n💡 " + fmt.Sprintf(t.m.SummaryProposals, esc(clip(r.Proposals, 200))))
	}
	if n := len(r.Evidence); n > 0 {
		sb.WriteString("\n📎 " + fmt.Sprintf(t.m.FlowEvidenceCount, n))
	}
	for _, a := range r.Answers {
		sb.WriteString("\n💬 " + fmt.Sprintf(t.m.HistoryAnswer, esc(a.Member.Name()), t.fmtTime(a.CreatedAt), esc(clip(a.Text, 500))))
	}
	return sb.String()
}

// onHistoryButton pages the history and sends a report's evidence again.
func (t *turn) onHistoryButton(c callback) error {
	switch c.str(1) {
	case "l":
		return t.showHistory(c.id(2), max(c.num(3), 0))
	case "e":
		r, err := t.st.ReportByID(t.ctx, c.id(2))
		if isNotFound(err) {
			t.answer(t.m.NotAllowed, true)
			return nil
		}
		if err != nil {
			return err
		}
		ok, err := t.canView(r.Assignment)
		if err != nil {
			return err
		}
		if !ok {
			t.answer(t.m.NotAllowed, true)
			return nil
		}
		if len(r.Evidence) == 0 {
			t.answer(t.m.NoEvidence, false)
			return nil
		}
		t.answer(t.m.SendingEvidence, false)
		t.send(fmt.Sprintf(t.m.EvidenceOf, t.taskLink(r.AssignmentID), r.Assignment.Seq, esc(clip(oneLine(r.Assignment.Task.Title), 120)), t.fmtTime(r.CreatedAt), esc(r.Member.Name())), nil)
		t.sendMedia(r.Evidence)
		return nil
	}
	t.answer(t.m.ButtonExpired, false)
	return nil
}

// sendEvidence sends stored evidence again by file_id: photos and videos in albums of up to ten,
// documents in albums of their own (Telegram does not mix them). The message before them says
// which report they belong to; captions are left off, since a caption was usually the report's
// own text.
func (b *Bot) sendEvidence(ctx context.Context, chatID int64, files []storage.Evidence) ([]int, error) {
	var visual, docs []storage.Evidence
	for _, f := range files {
		if f.Kind == storage.EvidenceDocument {
			docs = append(docs, f)
		} else {
			visual = append(visual, f)
		}
	}
	var ids []int
	for _, group := range [][]storage.Evidence{visual, docs} {
		for len(group) > 0 {
			n := min(len(group), 10)
			sent, err := b.sendGroup(ctx, chatID, group[:n])
			ids = append(ids, sent...)
			if err != nil {
				return ids, err
			}
			group = group[n:]
		}
	}
	return ids, nil
}

func (b *Bot) sendGroup(ctx context.Context, chatID int64, files []storage.Evidence) ([]int, error) {
	c := b.api.client
	var ids []int
	err := retrying(ctx, false, func() error {
		if len(files) == 1 {
			f := files[0]
			var msg *models.Message
			var err error
			switch f.Kind {
			case storage.EvidencePhoto:
				msg, err = c.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: chatID, Photo: &models.InputFileString{Data: f.FileID}})
			case storage.EvidenceVideo:
				msg, err = c.SendVideo(ctx, &tg.SendVideoParams{ChatID: chatID, Video: &models.InputFileString{Data: f.FileID}})
			default:
				msg, err = c.SendDocument(ctx, &tg.SendDocumentParams{ChatID: chatID, Document: &models.InputFileString{Data: f.FileID}})
			}
			if err == nil {
				ids = []int{msg.ID}
			}
			return b.api.redact(err)
		}
		media := make([]models.InputMedia, len(files))
		for i, f := range files {
			switch f.Kind {
			case storage.EvidencePhoto:
				media[i] = &models.InputMediaPhoto{Media: f.FileID}
			case storage.EvidenceVideo:
				media[i] = &models.InputMediaVideo{Media: f.FileID}
			default:
				media[i] = &models.InputMediaDocument{Media: f.FileID}
			}
		}
		msgs, err := c.SendMediaGroup(ctx, &tg.SendMediaGroupParams{ChatID: chatID, Media: media})
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		return b.api.redact(err)
	})
	return ids, err
}
