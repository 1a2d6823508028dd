package bot

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/export"
	"nhacviec/storage"
)

// exportCommand is /xuat [csv] (alias /export): the school × task table of the units the
// officer oversees, sent as a file. The file is made after the update's transaction: a large
// province takes a moment, and the database must not wait for it.
func (t *turn) exportCommand(args string) error {
	if !t.canPublish() {
		t.send(t.m.ExportOfficersOnly, nil)
		return nil
	}
	roots, err := t.pickerRoots()
	if err != nil {
		return err
	}
	if len(roots) == 0 {
		t.send(t.m.ExportEmpty, nil)
		return nil
	}
	format := "xlsx"
	if strings.Contains(strings.ToLower(args), "csv") {
		format = "csv"
	}
	ids := make([]int64, len(roots))
	names := make([]string, len(roots))
	for i, u := range roots {
		ids[i], names[i] = u.ID, u.Name
	}
	code := roots[0].Code
	if len(roots) > 1 {
		code = "tonghop"
	}
	chatID, lang, today := t.chat.ID, t.lang(), t.today()
	m := t.m
	t.send(m.ExportPreparing, nil)
	t.outs = append(t.outs, outgoing{kind: outWork, work: func(ctx context.Context, b *Bot) {
		rows, err := b.st.ExportRows(ctx, storage.ExportQuery{Under: ids, Today: today, Loc: b.loc, Periods: b.periods})
		if err == nil && len(rows) == 0 {
			b.sendPlain(ctx, chatID, m.ExportEmpty)
			return
		}
		var buf bytes.Buffer
		if err == nil {
			if format == "csv" {
				err = export.CSV(&buf, rows, export.For(lang), b.loc)
			} else {
				err = export.XLSX(&buf, rows, export.For(lang), b.loc)
			}
		}
		if err == nil && buf.Len() > b.maxSend {
			b.sendPlain(ctx, chatID, fmt.Sprintf(m.ExportTooLarge, buf.Len()>>20, b.maxSend>>20))
			return
		}
		if err == nil {
			caption := fmt.Sprintf(m.ExportCaption, esc(strings.Join(names, ", ")), today.Format(), len(rows))
			err = b.sendFile(ctx, chatID, export.FileName(code, format, b.now().In(b.loc)), buf.Bytes(), caption)
		}
		if err != nil {
			b.log.Error("cannot send an export", "chat_id", chatID, "err", err)
			b.sendPlain(ctx, chatID, m.Apology)
		}
	}})
	return nil
}

// sendFile uploads a file to a chat.
func (b *Bot) sendFile(ctx context.Context, chatID int64, name string, data []byte, caption string) error {
	return retrying(ctx, true, func() error {
		_, err := b.api.client.SendDocument(ctx, &tg.SendDocumentParams{ChatID: chatID, Caption: caption, ParseMode: models.ParseModeHTML,
			Document: &models.InputFileUpload{Filename: name, Data: bytes.NewReader(data)}})
		return b.api.redact(err)
	})
}

// sendPlain sends a short message outside a turn, logging a failure.
func (b *Bot) sendPlain(ctx context.Context, chatID int64, text string) {
	if _, err := b.sendText(ctx, outgoing{kind: outSend, chatID: chatID, text: text}); err != nil {
		b.log.Warn("cannot send a reply", "chat_id", chatID, "err", err)
	}
}
