package bot

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"nhacviec/storage"
)

// maxMessageLen is Telegram's limit for a message, in UTF-16 code units after entity parsing. We
// measure the HTML source, which is never shorter, so a message we send always fits.
const maxMessageLen = 4096

// esc makes a user's or the database's text safe inside an HTML message.
func esc(s string) string { return html.EscapeString(s) }

// clip shortens s to at most n characters, ending with "…" when it cut.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// oneLine turns line breaks into spaces, for previews.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// utf16Len is the length Telegram measures.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// splitMessage cuts an HTML message into parts of at most limit UTF-16 units. It cuts between
// lines, where our messages never leave a tag open; a single line longer than the limit is cut
// between characters outside tags and entities.
func splitMessage(text string, limit int) []string {
	if utf16Len(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimRight(cur.String(), "\n"); strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf16Len(line)
		if curLen+n > limit {
			flush()
		}
		for n > limit {
			head, tail := cutLine(line, limit)
			parts = append(parts, head)
			line, n = tail, utf16Len(tail)
		}
		cur.WriteString(line)
		curLen += n
	}
	flush()
	return parts
}

// cutLine cuts a long line of HTML at the last safe place before limit UTF-16 units: a space if
// there is one, outside any tag or entity. Tags opened before the cut are closed and reopened.
func cutLine(line string, limit int) (string, string) {
	var open []string // tags open at the current position
	lastSafe, lastSpace := 0, 0
	var safeOpen, spaceOpen []string
	n := 0
	for i := 0; i < len(line); {
		c := line[i]
		switch c {
		case '<':
			j := strings.IndexByte(line[i:], '>')
			if j < 0 {
				j = len(line) - i - 1
			}
			tag := line[i+1 : i+j]
			if strings.HasPrefix(tag, "/") {
				if len(open) > 0 {
					open = open[:len(open)-1]
				}
			} else {
				open = append(open, tag)
			}
			i += j + 1
			n += j + 1
			continue
		case '&':
			j := strings.IndexByte(line[i:], ';')
			if j < 0 {
				j = 0
			}
			i += j + 1
			n += j + 1
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		w := utf16.RuneLen(r)
		closing := 0
		for _, t := range open {
			closing += len(tagName(t)) + 3
		}
		if n+w+closing > limit {
			break
		}
		i += size
		n += w
		lastSafe = i
		safeOpen = append(safeOpen[:0], open...)
		if r == ' ' {
			lastSpace = i
			spaceOpen = append(spaceOpen[:0], open...)
		}
	}
	cut, stillOpen := lastSafe, safeOpen
	if lastSpace > lastSafe/2 {
		cut, stillOpen = lastSpace, spaceOpen
	}
	if cut == 0 {
		cut = len(line) // nothing fits: should not happen with sane limits
	}
	head, tail := line[:cut], line[cut:]
	for i := len(stillOpen) - 1; i >= 0; i-- {
		head += "</" + tagName(stillOpen[i]) + ">"
	}
	reopen := ""
	for _, t := range stillOpen {
		reopen += "<" + t + ">"
	}
	return strings.TrimRight(head, " "), reopen + tail
}

func tagName(tag string) string {
	name, _, _ := strings.Cut(tag, " ")
	return name
}

// progressBar draws 10 cells for a percentage.
func progressBar(p int) string {
	full := (p + 5) / 10
	if full > 10 {
		full = 10
	}
	if full < 0 {
		full = 0
	}
	return strings.Repeat("▰", full) + strings.Repeat("▱", 10-full)
}

// dueText says how far the deadline is: days left, today, or days overdue.
func (t *turn) dueText(a storage.Assignment) string {
	if !a.Open() {
		return fmt.Sprintf(t.m.DueOn, a.Due.Format())
	}
	days := t.today().DaysUntil(a.Due)
	switch {
	case days > 1:
		return fmt.Sprintf(t.m.DueInDays, a.Due.Format(), days)
	case days == 1:
		return fmt.Sprintf(t.m.DueTomorrow, a.Due.Format())
	case days == 0:
		return fmt.Sprintf(t.m.DueToday, a.Due.Format())
	}
	return fmt.Sprintf(t.m.DueOverdue, a.Due.Format(), -days)
}

// statusText names the assignment's status in the government's words.
func (t *turn) statusText(a storage.Assignment) string {
	switch a.Status(t.today(), t.b.loc) {
	case storage.StatusDoneOnTime:
		return t.m.StatusDoneOnTime
	case storage.StatusDoneLate:
		return t.m.StatusDoneLate
	case storage.StatusOverdue:
		return t.m.StatusOverdue
	}
	return t.m.StatusInProgress
}

// progressText shows the latest progress, or that nothing was reported yet.
func (t *turn) progressText(a storage.Assignment) string {
	if a.LastReportAt == nil {
		return t.m.NotReportedYet
	}
	return fmt.Sprintf(t.m.ProgressAt, a.Progress, a.LastReportAt.In(t.b.loc).Format("02/01"))
}

// taskLinkPrefix starts the deep link of a task: /start nv<id> opens it. Messages about a task
// carry it on the task's name, so that a reply to any of them names the task it is about.
const taskLinkPrefix = "nv"

// taskLink is the deep link that opens the assignment in the bot.
func (t *turn) taskLink(assignmentID int64) string {
	return "https://t.me/" + t.b.username + "?start=" + taskLinkPrefix + strconv.FormatInt(assignmentID, 10)
}

// taskHeader names the task with its number, linked, and its title.
func (t *turn) taskHeader(a storage.Assignment) string {
	return fmt.Sprintf(t.m.TaskHeader, t.taskLink(a.ID), a.Seq, esc(clip(oneLine(a.Task.Title), 300)))
}

// linkedTask finds the task a bot message is about, from the task links it carries: exactly one
// task, or none.
func (t *turn) linkedTask(msg *models.Message) (int64, bool) {
	prefix := "https://t.me/" + t.b.username + "?start=" + taskLinkPrefix
	var found int64
	for _, e := range append(msg.Entities, msg.CaptionEntities...) {
		if e.Type != models.MessageEntityTypeTextLink || !strings.HasPrefix(e.URL, prefix) {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimPrefix(e.URL, prefix), 10, 64)
		if err != nil || id <= 0 || (found != 0 && found != id) {
			return 0, false
		}
		found = id
	}
	return found, found != 0
}
