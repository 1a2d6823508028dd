package bot

import (
	"bytes"
	"context"
	"fmt"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/chart"
	"nhacviec/digest"
	"nhacviec/storage"
)

// digestPageSize is how many units or tasks a page of the digest's filter offers.
const digestPageSize = 20

// digestCommand is /tonghop (alias /digest): where the schools of each unit the officer oversees
// stand now, with the week before, and buttons to narrow it to a unit or a task beneath.
func (t *turn) digestCommand() error {
	if !t.canPublish() {
		t.send(t.m.DigestOfficersOnly, nil)
		return nil
	}
	roots, err := t.pickerRoots()
	if err != nil {
		return err
	}
	for _, u := range roots {
		t.queueDigest(u, 0)
	}
	return nil
}

// queueDigest works out a digest after the update's transaction (a province takes a moment) and
// sends it with its chart.
func (t *turn) queueDigest(u storage.Unit, taskID int64) {
	chatID, m, lang, now := t.chat.ID, t.m, t.lang(), t.now
	t.outs = append(t.outs, outgoing{kind: outWork, work: func(ctx context.Context, b *Bot) {
		d, err := digest.Compute(ctx, b.st, digest.Query{Unit: u, TaskID: taskID, Since: now.AddDate(0, 0, -7), At: now, Loc: b.loc, Periods: b.periods})
		if err != nil {
			b.log.Error("cannot work out a digest", "unit", u.Code, "err", err)
			b.sendPlain(ctx, chatID, m.Apology)
			return
		}
		if _, err := b.sendText(ctx, outgoing{kind: outSend, chatID: chatID, text: d.HTML(digest.For(lang), b.loc), kb: digestKeyboard(m, d)}); err != nil {
			b.log.Warn("cannot send a digest", "chat_id", chatID, "err", err)
			return
		}
		if png, caption, err := b.digestChart(d, m, lang); err != nil {
			b.log.Error("cannot draw a digest's chart", "unit", u.Code, "err", err)
		} else if png != nil {
			if _, err := b.sendPhoto(ctx, chatID, png, caption); err != nil {
				b.log.Warn("cannot send a digest's chart", "chat_id", chatID, "err", err)
			}
		}
	}})
}

// digestKeyboard is the digest's buttons: an answer for each difficulty or proposal listed, and
// the filters by unit and by task.
func digestKeyboard(m *catalog, d digest.Digest) *keyboard {
	var answers []button
	for n, i := range d.ShownIssues() {
		answers = append(answers, btn(fmt.Sprintf(m.BtnAnswer, n+1), "q", i.ReportID))
	}
	rs := grid(answers, 3)
	if len(d.Directives) > 0 {
		filters := []button{btn(m.BtnDigestTasks, "o", "T", d.Unit.ID, 0)}
		if d.Unit.Kind != storage.KindSchool {
			filters = append([]button{btn(m.BtnDigestUnits, "o", "U", d.Unit.ID, 0)}, filters...)
		}
		rs = append(rs, filters)
	}
	return rows(rs...)
}

// digestChart draws the digest's completion by unit; nil when there is nothing to draw.
func (b *Bot) digestChart(d digest.Digest, m *catalog, lang string) ([]byte, string, error) {
	if len(d.ByUnit) == 0 {
		return nil, "", nil
	}
	bars := make([]chart.Bar, len(d.ByUnit))
	for i, u := range d.ByUnit {
		bars[i] = chart.Bar{Label: u.Name, Counts: u.Counts}
	}
	labels := chart.VI
	if lang == "en" {
		labels = chart.EN
	}
	name := d.Unit.Name
	if d.Task != "" {
		name = clip(oneLine(d.Task), 60)
	}
	labels.Title = fmt.Sprintf(m.ChartTitle, name)
	png, err := chart.PNG(bars, labels)
	return png, fmt.Sprintf(m.ChartCaption, esc(name)), err
}

// sendPhoto sends a picture made by the bot. Only a 429 is retried: after a 5xx or a timeout
// Telegram may have sent it.
func (b *Bot) sendPhoto(ctx context.Context, chatID int64, png []byte, caption string) (int, error) {
	var id int
	err := retrying(ctx, false, func() error {
		msg, err := b.api.client.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: chatID, Caption: caption, ParseMode: models.ParseModeHTML,
			Photo: &models.InputFileUpload{Filename: "tonghop.png", Data: bytes.NewReader(png)}})
		if err == nil {
			id = msg.ID
		}
		return b.api.redact(err)
	})
	return id, err
}

// onDigestButton narrows the digest: "o:u:unit" a unit's digest, "o:t:unit:task" a task's;
// "o:U:unit:0" and "o:T:unit:0" under a digest send the units or tasks to choose from, and
// "o:P:unit:page", "o:Q:unit:page" turn that message's pages.
func (t *turn) onDigestButton(c callback) error {
	unitID := c.id(2)
	ok, err := t.inScope(unitID) // an admin, or a supervisor above the unit
	if err != nil {
		return err
	}
	u, uerr := t.st.UnitByID(t.ctx, unitID)
	if !ok || isNotFound(uerr) {
		t.answer(t.m.NotAllowed, true)
		return nil
	}
	if uerr != nil {
		return uerr
	}
	switch c.str(1) {
	case "u":
		t.answer("", false)
		t.queueDigest(u, 0)
	case "t":
		t.answer("", false)
		t.queueDigest(u, c.id(3))
	case "U", "P":
		return t.digestUnitPicker(u, c.num(3), c.str(1) == "P")
	case "T", "Q":
		return t.digestTaskPicker(u, c.num(3), c.str(1) == "Q")
	default:
		t.answer(t.m.ButtonExpired, false)
	}
	return nil
}

// digestUnitPicker offers the units right beneath u.
func (t *turn) digestUnitPicker(u storage.Unit, page int, turn bool) error {
	children, err := t.st.Children(t.ctx, u.ID)
	if err != nil {
		return err
	}
	if len(children) == 0 {
		t.answer(t.m.DigestNoUnits, true)
		return nil
	}
	pages := pageCount(len(children), digestPageSize)
	page = max(0, min(page, pages-1))
	var bs []button
	for _, ch := range children[page*digestPageSize : min(len(children), (page+1)*digestPageSize)] {
		bs = append(bs, btn(clip(ch.Name, 32), "o", "u", ch.ID))
	}
	kb := rows(append(append([][]button{{btn(fmt.Sprintf(t.m.BtnDigestWhole, clip(u.Name, 40)), "o", "u", u.ID)}},
		grid(bs, 2)...), pager(page, pages, "o", "P", u.ID))...)
	t.answer("", false)
	t.sendOrShow(turn, fmt.Sprintf(t.m.DigestPickUnit, esc(u.Name)), kb)
	return nil
}

// digestTaskPicker offers the tasks given to schools beneath u, newest first.
func (t *turn) digestTaskPicker(u storage.Unit, page int, turn bool) error {
	tasks, err := t.st.TasksUnder(t.ctx, u.ID)
	if err != nil {
		return err
	}
	if len(tasks) == 0 {
		t.answer(t.m.DigestNoTasks, true)
		return nil
	}
	pages := pageCount(len(tasks), digestPageSize)
	page = max(0, min(page, pages-1))
	var bs []button
	for _, tk := range tasks[page*digestPageSize : min(len(tasks), (page+1)*digestPageSize)] {
		bs = append(bs, btn(clip(oneLine(tk.Title), 60), "o", "t", u.ID, tk.ID))
	}
	kb := rows(append(grid(bs, 1), pager(page, pages, "o", "Q", u.ID))...)
	t.answer("", false)
	t.sendOrShow(turn, fmt.Sprintf(t.m.DigestPickTask, esc(u.Name)), kb)
	return nil
}

// sendOrShow sends a new message, or with turn edits the one whose button was pressed.
func (t *turn) sendOrShow(turn bool, text string, kb *keyboard) {
	if turn {
		t.show(text, kb)
		return
	}
	t.send(text, kb)
}
