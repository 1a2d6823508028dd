package sandbox

import (
	"fmt"
	"strings"
	"time"

	"nhacviec/bot/telegramtest"
)

// chatView is what the user has been shown of one persona's chat with the bot.
type chatView struct {
	seen  map[int]shown // by message id
	order []int         // message ids, in the order they were last shown
	told  int           // news announced to the user while speaking as someone else
}

// shown is a message as it was last shown.
type shown struct {
	edits    int
	text     string
	keyboard string
	deleted  bool
}

func (s *Session) view(p *persona) *chatView {
	v := s.views[p.id]
	if v == nil {
		v = &chatView{seen: map[int]shown{}}
		s.views[p.id] = v
	}
	return v
}

// news lists the persona's messages that are new or changed since they were last shown.
func (s *Session) news(p *persona) []telegramtest.SentMessage {
	v := s.view(p)
	var out []telegramtest.SentMessage
	for _, m := range s.srv.Sent(p.id) {
		if old, ok := v.seen[m.MessageID]; !ok && !m.Deleted || ok && (old.edits != m.Edits || old.deleted != m.Deleted) {
			out = append(out, m)
		}
	}
	return out
}

// markSeen takes every message of the persona as shown, without showing it; their buttons
// cannot be pressed by number, nor can they be replied to, since the user never saw them.
func (s *Session) markSeen(p *persona) {
	v := s.view(p)
	for _, m := range s.news(p) {
		v.seen[m.MessageID] = shownOf(m)
	}
}

func shownOf(m telegramtest.SentMessage) shown {
	text := m.MediaType + "\x00" + m.FileID + "\x00" + m.PlainText()
	return shown{edits: m.Edits, text: text, keyboard: fmt.Sprint(m.Keyboard), deleted: m.Deleted}
}

// show prints what is new in the persona's chat and returns how many messages it printed.
func (s *Session) show(p *persona) int {
	v := s.view(p)
	news := s.news(p)
	for _, m := range news {
		old, seen := v.seen[m.MessageID]
		now := shownOf(m)
		switch {
		case m.Deleted:
			s.printf("%s\n", s.tx.BotDeleted)
		case !seen:
			s.printMessage(fmt.Sprintf(s.tx.BotSays, s.stamp(time.Unix(int64(m.Date), 0))), m)
		case old.text == now.text && now.keyboard != old.keyboard && len(m.Keyboard) == 0:
			s.printf(s.tx.ButtonsRemoved+"\n", firstLine(m))
		case old.text == now.text && now.keyboard != old.keyboard:
			s.printf(s.tx.ButtonsChanged+" @%d\n", firstLine(m), m.MessageID)
			s.printButtons(m.Keyboard)
		case old.text == now.text:
			// an edit that changed nothing the user can see
		default:
			s.printMessage(fmt.Sprintf(s.tx.BotEdited, s.stamp(s.clock.Now())), m)
		}
		v.seen[m.MessageID] = now
		v.order = moveToEnd(v.order, m.MessageID)
	}
	v.told = 0
	return len(news)
}

func moveToEnd(ids []int, id int) []int {
	out := ids[:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return append(out, id)
}

// stamp is when a message came: its time, and its date unless it is the sandbox's today.
func (s *Session) stamp(t time.Time) string {
	t = t.In(s.o.Location)
	y, m, d := s.clock.Now().In(s.o.Location).Date()
	if ty, tm, td := t.Date(); ty == y && tm == m && td == d {
		return t.Format("15:04")
	}
	return t.Format("15:04 02/01")
}

// firstLine is the start of a message's text, to name it.
func firstLine(m telegramtest.SentMessage) string {
	l, _, _ := strings.Cut(m.PlainText(), "\n")
	if r := []rune(l); len(r) > 40 {
		l = string(r[:39]) + "…"
	}
	return l
}

// printMessage prints one bot message: a header, what is attached, the text indented, the
// buttons numbered.
func (s *Session) printMessage(header string, m telegramtest.SentMessage) {
	if len(m.Keyboard) > 0 {
		header += fmt.Sprintf(" @%d", m.MessageID) // for N@ID, pressing a button of an older message
	}
	s.printf("%s\n", header)
	if m.MediaType != "" {
		s.printf("   %s\n", s.mediaLabel(m))
	}
	if text := m.PlainText(); text != "" || m.MediaType == "" {
		for _, l := range strings.Split(text, "\n") {
			if l == "" {
				s.printf("\n")
				continue
			}
			s.printf("   %s\n", l)
		}
	}
	s.printButtons(m.Keyboard)
}

// mediaLabel names what is attached to a message.
func (s *Session) mediaLabel(m telegramtest.SentMessage) string {
	switch m.MediaType {
	case "photo":
		return s.tx.Photo
	case "document":
		msg := m.Message()
		if d := msg.Document; d != nil {
			return fmt.Sprintf(s.tx.Document, d.FileName, d.FileSize)
		}
	}
	return fmt.Sprintf(s.tx.Media, m.MediaType)
}

// printButtons prints a keyboard, a row a line, each button with its number.
func (s *Session) printButtons(kb [][]telegramtest.Button) {
	n := 0
	for _, row := range kb {
		var cells []string
		for _, b := range row {
			n++
			if b.Data == "" && b.URL != "" {
				cells = append(cells, fmt.Sprintf(s.tx.URLButton, n, b.Text))
				continue
			}
			cells = append(cells, fmt.Sprintf("[%d] %s", n, b.Text))
		}
		s.printf("   %s\n", strings.Join(cells, "  "))
	}
}

// answers prints how the bot answered the button presses of the last exchange, and a warning
// for a press it never answered.
func (s *Session) answers() {
	for _, c := range s.srv.CallsTo("answerCallbackQuery") {
		text := c.Params["text"]
		switch {
		case text == "":
		case c.Params["show_alert"] == "true":
			s.printf(s.tx.Alert+"\n", text)
		default:
			s.printf(s.tx.Toast+"\n", text)
		}
	}
	if n := len(s.srv.UnansweredCallbacks()); n > s.unanswered {
		s.unanswered = n
		s.printf("%s\n", s.tx.Unanswered)
	}
}

// notices tells the user that other personas got messages, once for each new batch.
func (s *Session) notices() {
	for i, p := range s.personas {
		if i == s.cur {
			continue
		}
		v := s.view(p)
		if n := len(s.news(p)); n > v.told {
			s.printf(s.tx.OthersNew+"\n", p.name(s.o.Lang), n, i+1)
			v.told = n
		}
	}
}
