package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// Call is one request the bot made, successful or not.
type Call struct {
	// Method is Telegram's camelCase name, such as "sendMessage", whatever case the request
	// used; an unknown method keeps the name it was called by (and ErrorCode 404).
	Method string
	// Params are the request's parameters as strings; JSON-valued ones (reply_markup, media,
	// commands…) as JSON text.
	Params map[string]string
	// Files are the uploaded file parts by field name.
	Files map[string]UploadedFile
	// ErrorCode is the HTTP status of an error answer, 0 when the call succeeded. 499 means the
	// client went away during an injected Failure.Delay and the call was not carried out.
	ErrorCode int
	// At is Options.Now when the call was answered.
	At time.Time
}

func (c Call) clone() Call {
	c.Params = maps.Clone(c.Params)
	c.Files = maps.Clone(c.Files)
	return c
}

// CallbackAnswer is how the bot answered a callback query.
type CallbackAnswer struct {
	Text      string
	ShowAlert bool
	URL       string
}

// SentMessage is a message the bot sent, as it stands now: after edits, and marked when deleted.
type SentMessage struct {
	ChatID    int64
	MessageID int
	Text      string // as the bot sent it, markup included; see PlainText
	ParseMode string
	// Keyboard is the inline keyboard; nil when there is none.
	Keyboard         [][]Button
	ReplyToMessageID int
	// MediaType is "photo", "document", "video", "audio", "voice" or "animation" for a media
	// message, "" for a text message; FileID is then the file_id the bot sent (the largest size
	// of an uploaded photo).
	MediaType string
	FileID    string
	// Photo, DocumentFileID and VideoFileID repeat FileID for their media type.
	Photo          string
	DocumentFileID string
	VideoFileID    string
	Caption        string
	MediaGroupID   string
	Edits          int  // how many times the bot edited it
	Deleted        bool // the bot deleted it
	Date           int  // unix time, from Options.Now

	chat     models.Chat
	bot      models.User
	editDate int
	markup   json.RawMessage // the inline keyboard as canonical JSON, nil when there is none
	media    media
	replyTo  *models.Message
}

// media is the file part of a media message, as Telegram describes it.
type media struct {
	photo     []models.PhotoSize
	document  *models.Document
	video     *models.Video
	audio     *models.Audio
	voice     *models.Voice
	animation *models.Animation
}

// Button is a button of an inline keyboard: Data is its callback_data, URL its url.
type Button struct{ Text, Data, URL string }

// Message is the message as Telegram embeds it in a callback query or a reply_to_message: from
// the bot, with its chat and date, the text (or caption) after entity parsing with its
// entities, the media, reply_to_message and the inline keyboard.
func (m SentMessage) Message() models.Message {
	bot := m.bot
	msg := models.Message{ID: m.MessageID, From: &bot, Date: m.Date, EditDate: m.editDate, Chat: m.chat, MediaGroupID: m.MediaGroupID}
	if m.MediaType == "" {
		msg.Text, msg.Entities = renderText(m.Text, m.ParseMode)
	} else {
		msg.Caption, msg.CaptionEntities = renderText(m.Caption, m.ParseMode)
		msg.Photo = slices.Clone(m.media.photo)
		msg.Document = clonePtr(m.media.document)
		msg.Video = clonePtr(m.media.video)
		msg.Audio = clonePtr(m.media.audio)
		msg.Voice = clonePtr(m.media.voice)
		msg.Animation = clonePtr(m.media.animation)
	}
	if m.replyTo != nil {
		r := *m.replyTo
		msg.ReplyToMessage = &r
	}
	if len(m.markup) > 0 {
		var kb models.InlineKeyboardMarkup
		if json.Unmarshal(m.markup, &kb) == nil {
			msg.ReplyMarkup = &kb
		}
	}
	return msg
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Button returns the first button whose text contains textContains.
func (m SentMessage) Button(textContains string) (Button, bool) {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.Contains(b.Text, textContains) {
				return b, true
			}
		}
	}
	return Button{}, false
}

// PlainText is the text (or caption) as a person reads it: markup removed, entities decoded.
func (m SentMessage) PlainText() string {
	if m.MediaType != "" || (m.Text == "" && m.Caption != "") {
		text, _ := renderText(m.Caption, m.ParseMode)
		return text
	}
	text, _ := renderText(m.Text, m.ParseMode)
	return text
}

func (m SentMessage) clone() SentMessage {
	if m.Keyboard != nil {
		kb := make([][]Button, len(m.Keyboard))
		for i, row := range m.Keyboard {
			kb[i] = slices.Clone(row)
		}
		m.Keyboard = kb
	}
	return m
}

// Calls returns every recorded call since the last Reset, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		out[i] = c.clone()
	}
	return out
}

// CallsTo returns the recorded calls of one method (case-insensitive), in order.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if strings.EqualFold(c.Method, method) {
			out = append(out, c.clone())
		}
	}
	return out
}

// Sent returns every message the bot sent to a chat, in order, as they stand now (after edits;
// deleted ones are marked Deleted).
func (s *Server) Sent(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[chatID]
	if cs == nil {
		return nil
	}
	out := make([]SentMessage, len(cs.sent))
	for i, m := range cs.sent {
		out[i] = m.clone()
	}
	return out
}

// LastSent returns the last message the bot sent to a chat.
func (s *Server) LastSent(chatID int64) (SentMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[chatID]
	if cs == nil || len(cs.sent) == 0 {
		return SentMessage{}, false
	}
	return cs.sent[len(cs.sent)-1].clone(), true
}

// CallbackAnswers returns the bot's answers to callback queries, by callback query id.
func (s *Server) CallbackAnswers() map[string]CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.answers)
}

// UnansweredCallbacks lists, in the order they were queued, the callback queries (from Press or
// QueueUpdate) the bot has not answered.
func (s *Server) UnansweredCallbacks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range s.pressed {
		if !s.callbacks[id] {
			out = append(out, id)
		}
	}
	return out
}

// Commands returns the command menu the bot set for a scope type ("default",
// "all_private_chats", "chat"…; "" is "default") and a language code ("" for all languages).
// Scopes of one type share a menu here, whatever their chat_id.
func (s *Server) Commands(scopeType, languageCode string) []models.BotCommand {
	if scopeType == "" {
		scopeType = "default"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[scopeType+"/"+languageCode])
}

// Webhook returns the webhook URL and secret token the bot set; "" when none is set.
func (s *Server) Webhook() (url, secretToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookURL, s.webhookSecret
}

// WaitFor returns the first recorded call (since the last Reset) that pred accepts, waiting
// until one is recorded, ctx ends (ctx.Err()) or the server closes (ErrClosed). pred runs
// without the server's lock held, so it may call the server.
func (s *Server) WaitFor(ctx context.Context, pred func(Call) bool) (Call, error) {
	stop := context.AfterFunc(ctx, s.wake)
	defer stop()
	seen, gen := 0, -1
	for {
		s.mu.Lock()
		for {
			if gen != s.resets {
				seen, gen = 0, s.resets
			}
			if len(s.calls) > seen || s.closed || ctx.Err() != nil {
				break
			}
			s.changed.Wait()
		}
		batch := s.calls[seen:len(s.calls):len(s.calls)] // recorded calls are never changed
		seen = len(s.calls)
		closed := s.closed
		s.mu.Unlock()
		for _, c := range batch {
			if pred(c) {
				return c.clone(), nil
			}
		}
		if err := ctx.Err(); err != nil {
			return Call{}, err
		}
		if closed {
			return Call{}, ErrClosed
		}
	}
}

// WaitCalls waits until at least n calls to method (case-insensitive, failed ones included)
// are recorded since the last Reset, ctx ends or the server closes.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) error {
	if m, ok := canonicalMethod(method); ok {
		method = m
	}
	return s.waitUntil(ctx, func() bool { return s.callCount[method] >= n })
}

// WaitPolling waits until a getUpdates long poll is parked on the server with nothing to
// deliver: the bot has fetched everything queued and is waiting for more.
func (s *Server) WaitPolling(ctx context.Context) error {
	return s.waitUntil(ctx, func() bool { return s.waitingPolls > 0 })
}

// waitUntil waits until cond, evaluated with s.mu held, is true.
func (s *Server) waitUntil(ctx context.Context, cond func() bool) error {
	stop := context.AfterFunc(ctx, s.wake)
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for !cond() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.closed {
			return ErrClosed
		}
		s.changed.Wait()
	}
	return nil
}

// wake makes every waiter look again.
func (s *Server) wake() {
	s.mu.Lock()
	s.changed.Broadcast()
	s.mu.Unlock()
}

// Reset forgets the recorded calls. Users, chats, messages, files, updates, callback answers,
// commands and failure rules stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.callCount = map[string]int{}
	s.resets++
	s.changed.Broadcast()
}

// record appends a call; s.mu must be held.
func (s *Server) record(method string, params map[string]string, files map[string]UploadedFile, code int) {
	s.calls = append(s.calls, Call{Method: method, Params: params, Files: files, ErrorCode: code, At: s.opts.Now()})
	s.callCount[method]++
	s.changed.Broadcast()
}

// Failure makes matching calls fail the way Telegram fails them.
type Failure struct {
	// Method is the method that fails (case-insensitive); "" is any method but getUpdates.
	Method string
	// ChatID limits the failure to calls with this chat_id; 0 is any chat.
	ChatID int64
	// Code is the error code and HTTP status: 400, 403, 429, 500, 502… With Code 0 the call
	// succeeds after Delay.
	Code int
	// Description is the error description. By default: 403 "Forbidden: bot was blocked by the
	// user", 429 "Too Many Requests: retry after N", 5xx "Internal Server Error", 400 with
	// MigrateToChatID "Bad Request: group chat was upgraded to a supergroup chat".
	Description string
	// RetryAfter is parameters.retry_after of a 429.
	RetryAfter int
	// MigrateToChatID is parameters.migrate_to_chat_id of a 400.
	MigrateToChatID int64
	// Times is how many matching calls fail; 0 means every one until ClearFailures.
	Times int
	// Delay holds the answer back this long (a slow or hanging Telegram). If the request's
	// context ends first, the call is not carried out and is recorded with ErrorCode 499.
	Delay time.Duration
}

type failureRule struct {
	Failure
	used int
}

// Fail adds a failure rule. Rules are tried in the order they were added; the first that
// matches a call and is not used up applies.
func (s *Server) Fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failureRule{Failure: f})
}

// ClearFailures removes every failure rule.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = nil
}

// Block makes the user block the bot: every message the bot sends to, or edits in, their chat
// gets 403 "Forbidden: bot was blocked by the user" until Unblock. The user can still send
// updates.
func (s *Server) Block(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
}

// SetChatMemberStatus sets what getChatMember answers for a user in a chat: "creator",
// "administrator", "member", "restricted", "left" or "kicked" ("member" when never set).
func (s *Server) SetChatMemberStatus(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses[[2]int64{chatID, userID}] = status
}

// Unblock undoes Block.
func (s *Server) Unblock(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, userID)
}

// matchFailure returns the failure rule a call meets, using it up once; s.mu must be held.
func (s *Server) matchFailure(method string, chatID int64) *Failure {
	for _, r := range s.failures {
		if (r.Method == "" && method == "getUpdates") || (r.Method != "" && !strings.EqualFold(r.Method, method)) {
			continue
		}
		if r.ChatID != 0 && r.ChatID != chatID {
			continue
		}
		if r.Times > 0 && r.used >= r.Times {
			continue
		}
		r.used++
		f := r.Failure
		return &f
	}
	return nil
}

// apiError is the answer a failure gives.
func (f *Failure) apiError() *apiError {
	e := &apiError{code: f.Code, description: f.Description, retryAfter: f.RetryAfter, migrateTo: f.MigrateToChatID}
	if e.description != "" {
		return e
	}
	switch {
	case f.Code == http.StatusBadRequest && f.MigrateToChatID != 0:
		e.description = "Bad Request: group chat was upgraded to a supergroup chat"
	case f.Code == http.StatusBadRequest:
		e.description = "Bad Request: injected failure"
	case f.Code == http.StatusUnauthorized:
		e.description = "Unauthorized"
	case f.Code == http.StatusForbidden:
		e.description = "Forbidden: bot was blocked by the user"
	case f.Code == http.StatusNotFound:
		e.description = "Not Found"
	case f.Code == http.StatusConflict:
		e.description = conflictOtherPoller
	case f.Code == http.StatusTooManyRequests:
		e.description = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
	case f.Code >= 500:
		e.description = "Internal Server Error"
	default:
		e.description = http.StatusText(f.Code)
	}
	return e
}
