package bot

import (
	"context"

	"nhacviec/digest"
)

// digestCommand is /tonghop (alias /digest): where the schools of each unit the officer oversees
// stand now, with the week before. It is worked out after the update's transaction, as a
// province takes a moment.
func (t *turn) digestCommand() error {
	if !t.canPublish() {
		t.send(t.m.DigestOfficersOnly, nil)
		return nil
	}
	roots, err := t.pickerRoots()
	if err != nil {
		return err
	}
	chatID, labels, now := t.chat.ID, digest.For(t.lang()), t.now
	m := t.m
	t.outs = append(t.outs, outgoing{kind: outWork, work: func(ctx context.Context, b *Bot) {
		for _, u := range roots {
			d, err := digest.Compute(ctx, b.st, u, now.AddDate(0, 0, -7), now, b.loc)
			if err != nil {
				b.log.Error("cannot work out a digest", "unit", u.Code, "err", err)
				b.sendPlain(ctx, chatID, m.Apology)
				return
			}
			b.sendPlain(ctx, chatID, d.HTML(labels, b.loc))
		}
	}})
	return nil
}
