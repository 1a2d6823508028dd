package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
)

// maxFile is the largest file :tep sends: what a bot may download from Telegram.
const maxFile = 20 << 20

// maxJump is how far :thoigian moves the clock at once.
const maxJump = 31 * 24 * time.Hour

// tick is how often the reminder job runs while the clock moves: serve runs it every five
// minutes; a quarter of an hour keeps a month's jump quick and a reminder at most that late.
const tick = 15 * time.Minute

// line is one line of input, or its end.
type line struct {
	text string
	ok   bool
}

// Chat talks with the user: the welcome, then one line at a time until :thoat, the end of the
// input, or ctx.
func (s *Session) Chat(ctx context.Context) error {
	want := make(chan struct{})
	lines := make(chan line)
	go func() {
		sc := bufio.NewScanner(s.o.In)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for range want { // a line is read only when the prompt asks for one
			ok := sc.Scan()
			select {
			case lines <- line{sc.Text(), ok}:
			case <-ctx.Done():
				return
			}
			if !ok {
				return
			}
		}
	}()
	defer close(want)

	s.welcome()
	var pending []string // the lines of a message continued with a backslash
	for {
		if len(pending) > 0 {
			s.printf("%s> ", strings.Repeat(".", len(s.current().Key)))
		} else {
			s.printf("\n%s> ", s.current().Key)
		}
		select {
		case want <- struct{}{}:
		case <-ctx.Done():
			s.printf("\n")
			s.bye()
			return nil
		}
		var l line
		select {
		case l = <-lines:
		case <-ctx.Done():
			s.printf("\n")
			s.bye()
			return nil
		}
		if !l.ok {
			s.printf("\n")
			s.bye()
			return nil
		}
		if s.o.Echo {
			s.printf("%s\n", l.text)
		}
		// A line ending with a backslash goes on in the next one, as in a shell: a message of
		// several lines ("Khó khăn: …" on a line of its own).
		if more, ok := strings.CutSuffix(l.text, "\\"); ok {
			pending = append(pending, strings.TrimRight(more, " \t"))
			continue
		}
		text := strings.Join(append(pending, l.text), "\n")
		pending = nil
		quit, err := s.handle(ctx, text)
		if err != nil && ctx.Err() == nil {
			s.printf("%v\n", err)
		}
		if quit {
			s.bye()
			return nil
		}
	}
}

func (s *Session) printf(format string, args ...any) { fmt.Fprintf(s.o.Out, format, args...) }

func (s *Session) current() *persona { return s.personas[s.cur] }

// welcome says what the sandbox is, who the user can be, and shows the first persona's news.
func (s *Session) welcome() {
	tx := s.tx
	s.printf("%s\n\n%s\n", tx.Title, tx.Intro)
	if s.Temporary() {
		s.printf(tx.DBTemp+"\n", s.dbPath)
	} else {
		s.printf(tx.DBKept+"\n", s.dbPath)
	}
	s.printf(tx.Clock+"\n", s.when(s.clock.Now()), s.o.Location)
	communes, schools := 0, 0
	for _, u := range demoUnits {
		switch u.Kind {
		case storage.KindCommune:
			communes++
		case storage.KindSchool:
			schools++
		}
	}
	s.printf(tx.Demo+"\n", demoUnits[0].Name, communes, schools, s.directive, s.tasks)
	s.printf(tx.SampleFile+"\n\n", s.sampleFile)
	s.who()
	s.printf("\n%s\n\n", tx.HowTo)
	for _, p := range s.personas {
		s.view(p).told = len(s.news(p)) // listed above: not news to announce again
	}
	p := s.current()
	s.printf(tx.NowAs+"\n", s.cur+1, p.name(s.o.Lang), p.roleName(tx), p.unitName)
	if s.show(p) == 0 {
		s.printf("%s\n", tx.NothingNew)
	}
}

func (s *Session) bye() {
	if s.Temporary() {
		s.printf("%s\n", s.tx.ByeTemp)
		return
	}
	s.printf(s.tx.ByeKept+"\n", s.dbPath, s.dbPath)
}

// who lists the personas, with how much is new for each.
func (s *Session) who() {
	s.printf("%s\n", s.tx.PersonasHeader)
	for i, p := range s.personas {
		s.printf(s.tx.PersonaLine, i+1, p.Key, p.name(s.o.Lang), p.roleName(s.tx), p.unitName)
		if n := len(s.news(p)); n > 0 && i != s.cur {
			s.printf(s.tx.PersonaUnread, n)
		}
		if i == s.cur {
			s.printf("%s", s.tx.Current)
		}
		s.printf("\n")
	}
}

var (
	buttonRe = regexp.MustCompile(`^(#?)(\d{1,3})(?:@(\d{1,9}))?$`)
	commands = map[string]string{
		"giup": "help", "help": "help", "h": "help", "?": "help",
		"ai": "who", "who": "who",
		"la": "as", "as": "as",
		"anh": "photo", "photo": "photo",
		"tep": "file", "file": "file",
		"traloi": "reply", "reply": "reply",
		"gui": "send", "send": "send",
		"thoigian": "time", "time": "time",
		"thoat": "quit", "quit": "quit", "q": "quit", "exit": "quit",
	}
)

// handle acts on one line of input and reports whether the user quits.
func (s *Session) handle(ctx context.Context, text string) (quit bool, err error) {
	text = strings.TrimSpace(text)
	p := s.current()
	if strings.Contains(text, "\n") {
		return false, s.exchange(ctx, func() { p.send(telegramtest.MessageOpts{Text: text}) })
	}
	switch {
	case text == "":
		return false, nil
	case strings.HasPrefix(text, ":"):
		name, arg, _ := strings.Cut(text[1:], " ")
		arg = strings.TrimSpace(arg)
		switch commands[strings.ToLower(name)] {
		case "help":
			s.help()
		case "who":
			s.who()
		case "as":
			s.switchTo(arg)
		case "photo":
			return false, s.exchange(ctx, func() { p.send(telegramtest.MessageOpts{Photo: true, Caption: arg}) })
		case "file":
			return false, s.sendFile(ctx, arg)
		case "reply":
			return false, s.reply(ctx, arg)
		case "send":
			if arg == "" {
				s.printf(s.tx.Usage+"\n", s.tx.UsageSend)
				return false, nil
			}
			return false, s.exchange(ctx, func() { p.send(telegramtest.MessageOpts{Text: arg}) })
		case "time":
			return false, s.moveClock(ctx, arg)
		case "quit":
			return true, nil
		default:
			s.printf(s.tx.UnknownCommand+"\n", ":"+name, text)
		}
		return false, nil
	}
	if m := buttonRe.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[2])
		msg, buttons, ok := s.lastKeyboard(p)
		if m[3] != "" { // N@ID: a button of an earlier message
			id, _ := strconv.Atoi(m[3])
			if msg, buttons, ok = s.keyboardOf(p, id); !ok {
				s.printf(s.tx.NoSuchMessage+"\n", id)
				return false, nil
			}
			m[1] = "#"
		}
		switch {
		case ok && n >= 1 && n <= len(buttons):
			return false, s.pressButton(ctx, msg, buttons[n-1])
		case m[1] == "#" && !ok:
			s.printf("%s\n", s.tx.NoButtons)
			return false, nil
		case m[1] == "#":
			s.printf(s.tx.NoSuchButton+"\n", n, len(buttons))
			return false, nil
		}
		// A bare number that is no button's is a message: a percentage, a task number.
	}
	return false, s.exchange(ctx, func() { p.send(telegramtest.MessageOpts{Text: text}) })
}

// exchange queues what the current persona does, waits for the bot, and prints what came back:
// the persona's new messages, the answers to their button presses, and a note for every other
// persona who got something.
func (s *Session) exchange(ctx context.Context, act func()) error {
	s.srv.Reset()
	act()
	err := s.settle(ctx)
	s.answers()
	s.show(s.current())
	s.notices()
	return err
}

// help prints the sandbox's commands and the bot's command menu.
func (s *Session) help() {
	s.printf("%s\n\n%s\n", s.tx.Help, s.tx.BotMenu)
	lang := "vi"
	if s.o.Lang == "en" {
		lang = "en"
	}
	for _, c := range s.srv.Commands("all_private_chats", lang) {
		s.printf("  /%-12s %s\n", c.Command, c.Description)
	}
}

// switchTo makes another persona the current one and shows what is new for them.
func (s *Session) switchTo(arg string) {
	if arg == "" {
		s.printf(s.tx.Usage+"\n", s.tx.UsageAs)
		return
	}
	i, ok := s.findPersona(arg)
	if !ok {
		s.printf(s.tx.UnknownPersona+"\n", arg)
		return
	}
	s.cur = i
	p := s.current()
	s.printf(s.tx.Switched+"\n", i+1, p.name(s.o.Lang), p.roleName(s.tx), p.unitName)
	if s.show(p) == 0 {
		s.printf("%s\n", s.tx.NothingNew)
	}
}

// findPersona finds a persona by number, key or the start of a key.
func (s *Session) findPersona(arg string) (int, bool) {
	if n, err := strconv.Atoi(arg); err == nil {
		return n - 1, n >= 1 && n <= len(s.personas)
	}
	arg = strings.ToLower(arg)
	var found []int
	for i, p := range s.personas {
		if p.Key == arg {
			return i, true
		}
		if strings.HasPrefix(p.Key, arg) {
			found = append(found, i)
		}
	}
	if len(found) != 1 {
		return 0, false // none, or more than one
	}
	return found[0], true
}

// sendFile sends a file of this computer as a document, with an optional caption.
func (s *Session) sendFile(ctx context.Context, arg string) error {
	path, caption := splitPath(arg)
	if path == "" {
		s.printf(s.tx.Usage+"\n", s.tx.UsageFile)
		return nil
	}
	info, err := os.Stat(path)
	if err == nil && info.Size() > maxFile {
		s.printf(s.tx.FileTooBig+"\n", path, maxFile>>20)
		return nil
	}
	var data []byte
	if err == nil {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		s.printf(s.tx.FileError+"\n", path, err)
		return nil
	}
	doc := &telegramtest.DocumentOpts{FileName: filepath.Base(path), Content: data}
	p := s.current()
	return s.exchange(ctx, func() { p.send(telegramtest.MessageOpts{Document: doc, Caption: caption}) })
}

// splitPath takes a path, in double quotes when it has spaces, and the rest.
func splitPath(arg string) (path, rest string) {
	if strings.HasPrefix(arg, `"`) {
		if end := strings.Index(arg[1:], `"`); end >= 0 {
			return arg[1 : end+1], strings.TrimSpace(arg[end+2:])
		}
	}
	path, rest, _ = strings.Cut(arg, " ")
	return path, strings.TrimSpace(rest)
}

// reply answers, as Telegram's "reply" does, the bot's message shown last to the current
// persona (a message edited in place counts when it was shown again).
func (s *Session) reply(ctx context.Context, text string) error {
	p := s.current()
	if text == "" {
		s.printf(s.tx.Usage+"\n", s.tx.UsageReply)
		return nil
	}
	v := s.view(p)
	byID := map[int]telegramtest.SentMessage{}
	for _, m := range s.srv.Sent(p.id) {
		byID[m.MessageID] = m
	}
	for i := len(v.order) - 1; i >= 0; i-- {
		if sm, ok := byID[v.order[i]]; ok && !sm.Deleted {
			m := sm.Message()
			return s.exchange(ctx, func() { p.send(telegramtest.MessageOpts{Text: text, ReplyTo: &m}) })
		}
	}
	s.printf("%s\n", s.tx.NothingToReply)
	return nil
}

// pressButton presses a button of a bot message, or says where a link button leads.
func (s *Session) pressButton(ctx context.Context, m telegramtest.SentMessage, b telegramtest.Button) error {
	if b.Data == "" {
		s.printf(s.tx.URLPressed+"\n", b.Text, b.URL)
		return nil
	}
	s.printf(s.tx.Pressed+"\n", b.Text)
	p := s.current()
	return s.exchange(ctx, func() { p.press(m, b.Data) })
}

// lastKeyboard is the latest message shown to the persona that has buttons, and its buttons in
// the order they are numbered.
func (s *Session) lastKeyboard(p *persona) (telegramtest.SentMessage, []telegramtest.Button, bool) {
	v := s.view(p)
	byID := map[int]telegramtest.SentMessage{}
	for _, m := range s.srv.Sent(p.id) {
		byID[m.MessageID] = m
	}
	for i := len(v.order) - 1; i >= 0; i-- {
		m, ok := byID[v.order[i]]
		if !ok || m.Deleted {
			continue
		}
		if bs := flatten(m.Keyboard); len(bs) > 0 {
			return m, bs, true
		}
	}
	return telegramtest.SentMessage{}, nil, false
}

// keyboardOf is a message shown to the persona, by id, and its buttons, if it has any.
func (s *Session) keyboardOf(p *persona, id int) (telegramtest.SentMessage, []telegramtest.Button, bool) {
	if !slices.Contains(s.view(p).order, id) {
		return telegramtest.SentMessage{}, nil, false
	}
	for _, m := range s.srv.Sent(p.id) {
		if m.MessageID == id && !m.Deleted && len(m.Keyboard) > 0 {
			return m, flatten(m.Keyboard), true
		}
	}
	return telegramtest.SentMessage{}, nil, false
}

func flatten(kb [][]telegramtest.Button) []telegramtest.Button {
	var out []telegramtest.Button
	for _, row := range kb {
		out = append(out, row...)
	}
	return out
}

// moveClock shows the sandbox's time, or moves it forward. While it moves, the reminder job
// runs every quarter of an hour and the weekly digest at 07:00 on Mondays, and what they queue
// is sent at once, as in a bot that kept running.
func (s *Session) moveClock(ctx context.Context, arg string) error {
	now := s.clock.Now()
	if arg == "" {
		s.printf(s.tx.TimeNow+"\n", s.when(now))
		return nil
	}
	to, ok := s.parseTime(now, arg)
	switch {
	case !ok:
		s.printf(s.tx.TimeBad+"\n", arg)
		return nil
	case !to.After(now):
		s.printf("%s\n", s.tx.TimeBackwards)
		return nil
	case to.Sub(now) > maxJump:
		s.printf(s.tx.TimeTooFar+"\n", int(maxJump/(24*time.Hour)))
		return nil
	}
	s.srv.Reset()
	reminders, digests := 0, 0
	for t := now; t.Before(to); {
		next := t.Add(tick)
		if next.After(to) {
			next = to
		}
		if monday := nextDigest(t, s.o.Location); !monday.After(next) {
			s.clock.set(monday)
			n, err := s.sch.QueueDigests(ctx, monday)
			if err != nil {
				return err
			}
			digests += n
			if err := s.sch.DrainOutbox(ctx); err != nil {
				return err
			}
		}
		s.clock.set(next)
		n, err := s.sch.RunReminders(ctx)
		if err != nil {
			return err
		}
		reminders += n
		if err := s.sch.DrainOutbox(ctx); err != nil {
			return err
		}
		t = next
	}
	s.printf(s.tx.TimeMoved+"\n", s.when(now), s.when(s.clock.Now()))
	if digests > 0 {
		s.printf(s.tx.Digests+"\n", digests)
	}
	if reminders > 0 {
		s.printf(s.tx.Reminders+"\n", reminders)
	}
	if s.show(s.current()) == 0 {
		s.printf("%s\n", s.tx.NothingNew)
	}
	s.notices()
	return nil
}

// nextDigest is the first Monday 07:00 after t: when serve's default digest tick runs.
func nextDigest(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), 7, 0, 0, 0, loc)
	for d.Weekday() != time.Monday || !d.After(t) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

var (
	relTime  = regexp.MustCompile(`^\+((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?$`)
	clockRe  = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
	dateTime = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$`)
)

// parseTime reads +1w2d3h4m (any of them), HH:MM (the next time the clock shows it) or
// dd/mm/yyyy [HH:MM] (08:00 when no time is given).
func (s *Session) parseTime(now time.Time, arg string) (time.Time, bool) {
	arg = strings.ToLower(strings.TrimSpace(arg))
	num := func(v string) int { n, _ := strconv.Atoi(v); return n }
	if m := relTime.FindStringSubmatch(arg); m != nil && arg != "+" {
		d := time.Duration(num(m[2]))*7*24*time.Hour + time.Duration(num(m[4]))*24*time.Hour +
			time.Duration(num(m[6]))*time.Hour + time.Duration(num(m[8]))*time.Minute
		return now.Add(d), true
	}
	l := now.In(s.o.Location)
	if m := clockRe.FindStringSubmatch(arg); m != nil {
		h, mi := num(m[1]), num(m[2])
		if h > 23 || mi > 59 {
			return time.Time{}, false
		}
		t := time.Date(l.Year(), l.Month(), l.Day(), h, mi, 0, 0, s.o.Location)
		if !t.After(now) {
			t = t.AddDate(0, 0, 1)
		}
		return t, true
	}
	if m := dateTime.FindStringSubmatch(arg); m != nil {
		h, mi := 8, 0
		if m[4] != "" {
			h, mi = num(m[4]), num(m[5])
		}
		d, mo, y := num(m[1]), num(m[2]), num(m[3])
		t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, s.o.Location)
		if t.Day() != d || int(t.Month()) != mo || h > 23 || mi > 59 {
			return time.Time{}, false
		}
		return t, true
	}
	return time.Time{}, false
}

// when is a time as the sandbox shows it: "08:00 Thứ Hai, 23/11/2026".
func (s *Session) when(t time.Time) string {
	l := t.In(s.o.Location)
	return fmt.Sprintf(s.tx.DateTime, s.tx.Weekdays[l.Weekday()], l.Format("15:04"), l.Format("02/01/2006"))
}
