package bot

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
	"nhacviec/scheduler"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// t0 is Monday 23/11/2026, 09:00 in Hà Nội.
var t0 = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

// harness runs the real bot against the fake Bot API server and a real SQLite database, one
// update at a time, so each test reads like a conversation.
type harness struct {
	t     *testing.T
	ctx   context.Context
	srv   *telegramtest.Server
	st    *storage.Store
	clock *storagetest.Clock
	bot   *Bot
	units map[string]storage.Unit
	logs  *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	clock := storagetest.NewClock(t0)
	h := &harness{t: t, ctx: context.Background(), clock: clock, logs: &syncBuffer{}}
	h.srv = telegramtest.New(telegramtest.Options{Now: clock.Now})
	t.Cleanup(h.srv.Close)
	h.st = storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	h.units = storagetest.Province(t, h.st)
	h.bot = h.newBot()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bot log:\n%s", h.logs.String())
		}
		if strings.Contains(h.logs.String(), h.srv.Token()) {
			t.Errorf("the token appears in the log")
		}
		if un := h.srv.UnansweredCallbacks(); len(un) > 0 {
			t.Errorf("button presses never answered: %v", un)
		}
	})
	return h
}

// newBot starts a bot process against the same server and database (a restart).
func (h *harness) newBot() *Bot {
	h.t.Helper()
	return h.newBotWith(ChatLimit{})
}

// newBotWith is newBot with a chat's limit.
func (h *harness) newBotWith(limit ChatLimit) *Bot {
	h.t.Helper()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	b, err := New(h.ctx, Options{
		Token:       h.srv.Token(),
		APIURL:      h.srv.URL(),
		Store:       h.st,
		Logger:      slog.New(slog.NewTextHandler(io.MultiWriter(h.logs), &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:         h.clock.Now,
		Location:    loc,
		Workers:     4,
		PollTimeout: time.Second,
		ChatLimit:   limit,
	})
	if err != nil {
		h.t.Fatalf("bot.New: %v", err)
	}
	h.t.Cleanup(func() { b.Close(5 * time.Second) })
	return b
}

// step fetches everything queued on the server and waits until it is handled.
func (h *harness) step() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	for {
		n, err := h.bot.PollOnce(ctx, 0)
		if err != nil {
			h.t.Fatalf("poll: %v", err)
		}
		if err := h.bot.WaitIdle(ctx); err != nil {
			h.t.Fatalf("wait: %v", err)
		}
		if n == 0 && h.srv.PendingUpdates() == 0 {
			return
		}
		if n == 0 {
			// Updates the server still holds were acknowledged by this poll's offset; one more poll
			// confirms the queue is empty.
			continue
		}
	}
}

// scheduler is the scheduler serve runs, on the harness's clock, with fast rates.
func (h *harness) scheduler() *scheduler.Scheduler {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	return scheduler.New(scheduler.Options{Store: h.st, Deliverer: h.bot, Now: h.clock.Now, Location: loc,
		Rates: scheduler.Rates{PerSecond: 1000, PrivateGap: time.Millisecond, GroupGap: time.Millisecond}})
}

// drain sends what the outbox holds, as the scheduler's sender does in serve.
func (h *harness) drain() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	if err := h.scheduler().DrainOutbox(ctx); err != nil {
		h.t.Fatalf("drain: %v", err)
	}
}

// remind sets the clock to a local time in Vietnam ("2006-01-02 15:04"), runs the reminder
// tick and sends what it queued.
func (h *harness) remind(local string) {
	h.t.Helper()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	at, err := time.ParseInLocation("2006-01-02 15:04", local, loc)
	if err != nil {
		h.t.Fatal(err)
	}
	h.clock.Set(at)
	if _, err := h.scheduler().RunReminders(h.ctx); err != nil {
		h.t.Fatalf("reminders: %v", err)
	}
	h.drain()
}

// user makes a Telegram user.
func (h *harness) user(first, last string) models.User { return h.srv.NewUser(first, last) }

// say sends text from u and returns the bot's messages that followed, in order.
func (h *harness) say(u models.User, text string) []telegramtest.SentMessage {
	h.t.Helper()
	before := len(h.srv.Sent(u.ID))
	h.srv.SendText(u, text)
	h.step()
	return h.srv.Sent(u.ID)[before:]
}

// send sends a message built by opts and returns the bot's messages that followed.
func (h *harness) send(opts telegramtest.MessageOpts) []telegramtest.SentMessage {
	h.t.Helper()
	before := len(h.srv.Sent(opts.From.ID))
	h.srv.Send(opts)
	h.step()
	return h.srv.Sent(opts.From.ID)[before:]
}

// last returns the bot's last message to u.
func (h *harness) last(u models.User) telegramtest.SentMessage {
	h.t.Helper()
	m, ok := h.srv.LastSent(u.ID)
	if !ok {
		h.t.Fatalf("the bot sent nothing to %s", u.FirstName)
	}
	return m
}

// press presses the button whose text contains label on message m, and returns the callback
// answer and the bot's messages sent after it (edits show up in h.srv.Sent).
func (h *harness) press(u models.User, m telegramtest.SentMessage, label string) (telegramtest.CallbackAnswer, []telegramtest.SentMessage) {
	h.t.Helper()
	b, ok := m.Button(label)
	if !ok {
		h.t.Fatalf("no button %q on message:\n%s\nbuttons: %v", label, m.PlainText(), m.Keyboard)
	}
	return h.pressData(u, m, b.Data)
}

// pressData presses a button with the given callback data, as a forged client could.
func (h *harness) pressData(u models.User, m telegramtest.SentMessage, data string) (telegramtest.CallbackAnswer, []telegramtest.SentMessage) {
	h.t.Helper()
	before := len(h.srv.Sent(u.ID))
	answers := len(h.srv.CallsTo("answerCallbackQuery"))
	h.srv.Press(u, m.Message(), data)
	h.step()
	calls := h.srv.CallsTo("answerCallbackQuery")
	if len(calls) != answers+1 {
		h.t.Fatalf("the button press got %d answers, want 1", len(calls)-answers)
	}
	a := calls[len(calls)-1].Params
	return telegramtest.CallbackAnswer{Text: a["text"], ShowAlert: a["show_alert"] == "true"}, h.srv.Sent(u.ID)[before:]
}

// message returns the current state of a bot message (after edits).
func (h *harness) message(u models.User, id int) telegramtest.SentMessage {
	h.t.Helper()
	for _, m := range h.srv.Sent(u.ID) {
		if m.MessageID == id {
			return m
		}
	}
	h.t.Fatalf("no bot message %d for %s", id, u.FirstName)
	return telegramtest.SentMessage{}
}

// join makes u a member of the unit with the role through the chat, as a real person would.
func (h *harness) join(u models.User, unit string, role storage.Role) {
	h.t.Helper()
	inv, err := h.st.CreateInvite(h.ctx, storage.NewInvite{UnitID: h.units[unit].ID, Role: role, MaxUses: 1})
	if err != nil {
		h.t.Fatal(err)
	}
	out := h.say(u, "/start "+inv.Code)
	if len(out) == 0 || !strings.Contains(out[0].PlainText(), h.units[unit].Name) {
		h.t.Fatalf("join %s: %v", unit, out)
	}
}

// task creates a task for the schools, due on the date.
func (h *harness) task(title, due string, schools ...string) []storage.Assignment {
	h.t.Helper()
	var us []storage.Unit
	for _, s := range schools {
		us = append(us, h.units[s])
	}
	_, as := storagetest.Task(h.t, h.st, title, due, us...)
	return as
}

// contains fails unless the message's plain text contains every want.
func contains(t *testing.T, m telegramtest.SentMessage, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(m.PlainText(), w) {
			t.Fatalf("message lacks %q:\n%s", w, m.PlainText())
		}
	}
}

// lacks fails if the message's plain text contains any of the words.
func lacks(t *testing.T, m telegramtest.SentMessage, words ...string) {
	t.Helper()
	for _, w := range words {
		if strings.Contains(m.PlainText(), w) {
			t.Fatalf("message should not contain %q:\n%s", w, m.PlainText())
		}
	}
}

// one fails unless exactly one message came, and returns it.
func one(t *testing.T, ms []telegramtest.SentMessage) telegramtest.SentMessage {
	t.Helper()
	if len(ms) != 1 {
		var texts []string
		for _, m := range ms {
			texts = append(texts, m.PlainText())
		}
		t.Fatalf("want one message, got %d: %q", len(ms), texts)
	}
	return ms[0]
}

// reports counts the reports stored for an assignment.
func (h *harness) reports(assignmentID int64) []storage.Report {
	h.t.Helper()
	rs, _, err := h.st.Reports(h.ctx, storage.ReportFilter{All: true, AssignmentID: assignmentID})
	if err != nil {
		h.t.Fatal(err)
	}
	return rs
}

// replyTo builds a reply with text to a bot message.
func replyTo(u models.User, m telegramtest.SentMessage, text string) telegramtest.MessageOpts {
	msg := m.Message()
	return telegramtest.MessageOpts{From: u, Text: text, ReplyTo: &msg}
}

// userMessage is the member's message that carried a report, as Telegram would show it.
func userMessage(r storage.Report) models.Message {
	return models.Message{ID: int(r.MessageID), Chat: models.Chat{ID: r.ChatID, Type: models.ChatTypePrivate}}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
