package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// state is everything the server remembers. It is guarded by Server.mu.
type state struct {
	nextUser    int64
	nextGroup   int64
	nextUpdate  int64
	nextFile    int
	nextCB      int
	users       map[int64]models.User
	chats       map[int64]models.Chat
	lastMsgID   map[int64]int             // per chat: the last message id used
	sent        map[int64][]*SentMessage  // per chat: the bot's messages
	userMsgs    map[int64]map[int]bool    // per chat: ids of messages users sent
	files       map[string]storedFile     // file_id → file
	queue       []queued                  // updates not yet acknowledged
	delivered   map[int64]json.RawMessage // every update ever queued, for Redeliver
	calls       []Call
	callbacks   map[string]bool // callback ids queued → answered
	answers     map[string]CallbackAnswer
	failures    []*Failure
	blocked     map[int64]bool
	commands    map[string][]models.BotCommand // scope type + "/" + language
	webhookURL  string
	webhookTok  string
	pollSeq     int // increases with every getUpdates; the older poll of two loses
	activePolls int
}

type queued struct {
	id     int64
	kind   string
	raw    json.RawMessage
	forced bool // delivered again whatever the offset, once
}

type storedFile struct {
	id, uniqueID, path string
	content            []byte
}

func newState() state {
	return state{
		nextUser:  1000000,
		nextGroup: -1000000,
		users:     map[int64]models.User{},
		chats:     map[int64]models.Chat{},
		lastMsgID: map[int64]int{},
		sent:      map[int64][]*SentMessage{},
		userMsgs:  map[int64]map[int]bool{},
		files:     map[string]storedFile{},
		delivered: map[int64]json.RawMessage{},
		callbacks: map[string]bool{},
		answers:   map[string]CallbackAnswer{},
		blocked:   map[int64]bool{},
		commands:  map[string][]models.BotCommand{},
	}
}

// Call is one request the bot made.
type Call struct {
	Method    string
	Params    map[string]string
	Files     map[string]UploadedFile
	ErrorCode int // 0 when the call succeeded
	At        time.Time
}

// CallbackAnswer is how the bot answered a button press.
type CallbackAnswer struct {
	Text      string
	ShowAlert bool
}

// SentMessage is a message the bot sent, as it stands after edits.
type SentMessage struct {
	ChatID           int64
	MessageID        int
	Text             string
	ParseMode        string
	Keyboard         [][]Button
	ReplyToMessageID int
	Photo            string // file_id, for a photo
	DocumentFileID   string
	VideoFileID      string
	Caption          string
	MediaGroupID     string
	Edits            int
	Deleted          bool
	Date             int
	chat             models.Chat
	bot              models.User
	markup           json.RawMessage
}

// Button is a button of an inline keyboard.
type Button struct{ Text, Data, URL string }

// Message is the message as Telegram embeds it in a callback query or a reply: plain text with
// entities (bold, links…) in UTF-16 offsets.
func (m SentMessage) Message() models.Message {
	bot := m.bot
	msg := models.Message{ID: m.MessageID, From: &bot, Date: m.Date, Chat: m.chat}
	text, entities := m.Text, []models.MessageEntity(nil)
	if text == "" {
		text = m.Caption
	}
	if m.ParseMode == "HTML" {
		if plain, ents, err := parseHTML(text); err == nil {
			text, entities = plain, ents
		}
	}
	if m.Caption != "" {
		msg.Caption, msg.CaptionEntities = text, entities
	} else {
		msg.Text, msg.Entities = text, entities
	}
	if len(m.markup) > 0 {
		var kb models.InlineKeyboardMarkup
		if json.Unmarshal(m.markup, &kb) == nil {
			msg.ReplyMarkup = &kb
		}
	}
	return msg
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

var tagRE = regexp.MustCompile(`<[^>]*>`)

// PlainText is the text as a person reads it: without HTML tags, entities decoded.
func (m SentMessage) PlainText() string {
	t := m.Text
	if t == "" {
		t = m.Caption
	}
	if m.ParseMode == "HTML" {
		return html.UnescapeString(tagRE.ReplaceAllString(t, ""))
	}
	return t
}

// NewUser makes a Telegram user who can write to the bot.
func (s *Server) NewUser(firstName, lastName string) models.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUser++
	u := models.User{ID: s.nextUser, FirstName: firstName, LastName: lastName, LanguageCode: "vi"}
	s.users[u.ID] = u
	s.chats[u.ID] = models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: firstName, LastName: lastName}
	return u
}

// NewGroup makes a group chat the bot is in.
func (s *Server) NewGroup(title string) models.Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextGroup--
	c := models.Chat{ID: s.nextGroup, Type: models.ChatTypeGroup, Title: title}
	s.chats[c.ID] = c
	return c
}

// MessageOpts describe a message a user sends.
type MessageOpts struct {
	From         models.User
	Chat         *models.Chat // nil: the private chat with From
	Text         string       // bot_command entities are computed as Telegram does
	Caption      string       // for a photo or document, with caption entities
	ReplyTo      *models.Message
	Photo        bool          // attach a photo (three sizes)
	Document     *DocumentOpts // attach a document
	MediaGroupID string
}

// DocumentOpts describe a document a user sends.
type DocumentOpts struct {
	FileName, MimeType string
	Content            []byte
}

// Send queues a "message" update and returns its id and the message.
func (s *Server) Send(o MessageOpts) (int64, models.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := s.buildMessage(o)
	id := s.enqueue("message", models.Update{Message: &msg})
	return id, msg
}

// SendText queues a text message from the user in their private chat.
func (s *Server) SendText(from models.User, text string) int64 {
	id, _ := s.Send(MessageOpts{From: from, Text: text})
	return id
}

// EditText queues an "edited_message" update: the user changed a message they had sent.
func (s *Server) EditText(from models.User, msg models.Message, newText string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat := msg.Chat
	if chat.ID == 0 {
		chat = s.chats[from.ID]
	}
	edited := models.Message{ID: msg.ID, From: &from, Chat: chat, Date: msg.Date, EditDate: int(s.opts.Now().Unix()),
		Text: newText, Entities: commandEntities(newText)}
	return s.enqueue("edited_message", models.Update{EditedMessage: &edited})
}

// Press queues a callback_query: the user pressed a button with data on msg.
func (s *Server) Press(from models.User, msg models.Message, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextCB++
	id := fmt.Sprintf("cb%d", s.nextCB)
	s.callbacks[id] = false
	cq := &models.CallbackQuery{ID: id, From: from, ChatInstance: "ci" + fmt.Sprint(msg.Chat.ID), Data: data,
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: &msg}}
	return s.enqueue("callback_query", models.Update{CallbackQuery: cq})
}

// QueueUpdate queues an update as it is; a zero id gets the next one.
func (s *Server) QueueUpdate(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	kind := "message"
	switch {
	case u.CallbackQuery != nil:
		kind = "callback_query"
	case u.EditedMessage != nil:
		kind = "edited_message"
	case u.MyChatMember != nil:
		kind = "my_chat_member"
	}
	return s.enqueue(kind, u)
}

// QueueRaw queues an update given as JSON; it must carry its update_id.
func (s *Server) QueueRaw(raw []byte) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var head map[string]json.RawMessage
	_ = json.Unmarshal(raw, &head)
	var id int64
	_ = json.Unmarshal(head["update_id"], &id)
	kind := ""
	for k := range head {
		if k != "update_id" {
			kind = k
		}
	}
	if id > s.nextUpdate {
		s.nextUpdate = id
	}
	s.delivered[id] = raw
	s.queue = append(s.queue, queued{id: id, kind: kind, raw: raw})
	s.changed.Broadcast()
	return id
}

// Redeliver queues an update that was delivered before again, with the same id: Telegram sometimes
// does that. The next getUpdates returns it whatever its offset says.
func (s *Server) Redeliver(updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.delivered[updateID]
	if !ok {
		panic(fmt.Sprintf("telegramtest: no update %d to deliver again", updateID))
	}
	var head map[string]json.RawMessage
	_ = json.Unmarshal(raw, &head)
	kind := ""
	for k := range head {
		if k != "update_id" {
			kind = k
		}
	}
	s.queue = append(s.queue, queued{id: updateID, kind: kind, raw: raw, forced: true})
	s.changed.Broadcast()
}

// PendingUpdates counts updates queued and not yet acknowledged.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

func (s *Server) enqueue(kind string, u models.Update) int64 {
	if u.ID == 0 {
		s.nextUpdate++
		u.ID = s.nextUpdate
	} else if u.ID > s.nextUpdate {
		s.nextUpdate = u.ID
	}
	raw, err := json.Marshal(u)
	if err != nil {
		panic("telegramtest: marshal update: " + err.Error())
	}
	s.delivered[u.ID] = raw
	s.queue = append(s.queue, queued{id: u.ID, kind: kind, raw: raw})
	s.changed.Broadcast()
	return u.ID
}

func (s *Server) nextMessageID(chatID int64) int {
	s.lastMsgID[chatID]++
	return s.lastMsgID[chatID]
}

func (s *Server) buildMessage(o MessageOpts) models.Message {
	chat := s.chats[o.From.ID]
	if o.Chat != nil {
		chat = *o.Chat
		s.chats[chat.ID] = chat
	}
	if _, ok := s.users[o.From.ID]; !ok {
		s.users[o.From.ID] = o.From
		s.chats[o.From.ID] = models.Chat{ID: o.From.ID, Type: models.ChatTypePrivate, FirstName: o.From.FirstName, LastName: o.From.LastName}
		if o.Chat == nil {
			chat = s.chats[o.From.ID]
		}
	}
	from := o.From
	msg := models.Message{ID: s.nextMessageID(chat.ID), From: &from, Chat: chat, Date: int(s.opts.Now().Unix()),
		Text: o.Text, Entities: commandEntities(o.Text), ReplyToMessage: o.ReplyTo, MediaGroupID: o.MediaGroupID}
	if s.userMsgs[chat.ID] == nil {
		s.userMsgs[chat.ID] = map[int]bool{}
	}
	s.userMsgs[chat.ID][msg.ID] = true
	if o.Photo {
		msg.Photo = s.newPhoto()
	}
	if o.Document != nil {
		f := s.addFile(o.Document.Content, "documents/"+o.Document.FileName)
		msg.Document = &models.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: o.Document.FileName, MimeType: o.Document.MimeType, FileSize: int64(len(o.Document.Content))}
	}
	if o.Photo || o.Document != nil {
		msg.Text, msg.Entities = "", nil
		msg.Caption, msg.CaptionEntities = o.Caption, commandEntities(o.Caption)
	}
	return msg
}

func (s *Server) newPhoto() []models.PhotoSize {
	var sizes []models.PhotoSize
	for _, w := range []int{90, 320, 1280} {
		content := []byte(fmt.Sprintf("JPEG %dx%d #%d", w, w*3/4, s.nextFile))
		f := s.addFile(content, fmt.Sprintf("photos/file_%d.jpg", s.nextFile+1))
		sizes = append(sizes, models.PhotoSize{FileID: f.id, FileUniqueID: f.uniqueID, Width: w, Height: w * 3 / 4, FileSize: len(content)})
	}
	return sizes
}

func (s *Server) addFile(content []byte, path string) storedFile {
	s.nextFile++
	f := storedFile{id: fmt.Sprintf("AgACAgIAAxk-file-%06d", s.nextFile), uniqueID: fmt.Sprintf("AQAD%06d", s.nextFile), path: path, content: content}
	s.files[f.id] = f
	return f
}

// commandEntities finds /commands the way Telegram does: at the start or after whitespace, up to
// the next space, offsets and lengths in UTF-16 code units.
func commandEntities(text string) []models.MessageEntity {
	var out []models.MessageEntity
	runes := []rune(text)
	offset := 0
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r == '/' && (i == 0 || isSpace(runes[i-1])) && i+1 < len(runes) && isCommandRune(runes[i+1]) {
			j := i + 1
			for j < len(runes) && (isCommandRune(runes[j]) || runes[j] == '@') {
				j++
			}
			length := 0
			for _, x := range runes[i:j] {
				length += utf16.RuneLen(x)
			}
			out = append(out, models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: offset, Length: length})
			for _, x := range runes[i:j] {
				offset += utf16.RuneLen(x)
			}
			i = j - 1
			continue
		}
		offset += utf16.RuneLen(r)
	}
	return out
}

func isSpace(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }

func isCommandRune(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// Calls returns every recorded call, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the recorded calls of one method.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the bot's messages in a chat, in order, as they stand after edits.
func (s *Server) Sent(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SentMessage, 0, len(s.sent[chatID]))
	for _, m := range s.sent[chatID] {
		out = append(out, *m)
	}
	return out
}

// LastSent returns the bot's last message in a chat.
func (s *Server) LastSent(chatID int64) (SentMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.sent[chatID]
	if len(ms) == 0 {
		return SentMessage{}, false
	}
	return *ms[len(ms)-1], true
}

// CallbackAnswers returns the answers to button presses by callback id.
func (s *Server) CallbackAnswers() map[string]CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]CallbackAnswer, len(s.answers))
	for k, v := range s.answers {
		out[k] = v
	}
	return out
}

// UnansweredCallbacks lists the button presses the bot never answered.
func (s *Server) UnansweredCallbacks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, answered := range s.callbacks {
		if !answered {
			out = append(out, id)
		}
	}
	return out
}

// Commands returns the command menu set for a scope type ("default", "all_private_chats", …) and
// a language code ("" for all).
func (s *Server) Commands(scopeType, languageCode string) []models.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]models.BotCommand(nil), s.commands[scopeType+"/"+languageCode]...)
}

// WaitFor returns the first recorded call matching pred, waiting until one is recorded or ctx ends.
func (s *Server) WaitFor(ctx context.Context, pred func(Call) bool) (Call, error) {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.changed.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		for _, c := range s.calls {
			if pred(c) {
				return c, nil
			}
		}
		if err := ctx.Err(); err != nil {
			return Call{}, err
		}
		s.changed.Wait()
	}
}

// WaitCalls waits until at least n calls to method are recorded, or ctx ends.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) error {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.changed.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		count := 0
		for _, c := range s.calls {
			if c.Method == method {
				count++
			}
		}
		if count >= n {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		s.changed.Wait()
	}
}

// Reset forgets the recorded calls; users, chats and messages stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// Failure makes matching calls fail the way Telegram does.
type Failure struct {
	Method          string // "" matches every method but getUpdates
	ChatID          int64  // 0 matches every chat
	Code            int    // 400, 403, 429, 500, 502…
	Description     string // a default per code when empty
	RetryAfter      int    // 429: parameters.retry_after
	MigrateToChatID int64  // 400: parameters.migrate_to_chat_id
	Times           int    // how many calls fail; 0 until ClearFailures
	Delay           time.Duration
	used            int
}

// Fail adds a failure rule.
func (s *Server) Fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &f)
}

// ClearFailures removes every failure rule.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = nil
}

// Block makes the user block the bot: every send to them gets 403 until Unblock.
func (s *Server) Block(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
}

// Unblock undoes Block.
func (s *Server) Unblock(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, userID)
}

// failureFor returns the failure a call meets, if any, and uses it up.
func (s *Server) failureFor(method string, chatID int64) (*apiError, time.Duration) {
	for _, f := range s.failures {
		if (f.Method == "" && method == "getUpdates") || (f.Method != "" && f.Method != method) {
			continue
		}
		if f.ChatID != 0 && f.ChatID != chatID {
			continue
		}
		if f.Times > 0 && f.used >= f.Times {
			continue
		}
		f.used++
		e := &apiError{code: f.Code, description: f.Description, retryAfter: f.RetryAfter, migrateTo: f.MigrateToChatID}
		if e.description == "" {
			switch {
			case f.Code == 403:
				e.description = "Forbidden: bot was blocked by the user"
			case f.Code == 429:
				e.description = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
			case f.Code == 400 && f.MigrateToChatID != 0:
				e.description = "Bad Request: group chat was upgraded to a supergroup chat"
			case f.Code >= 500:
				e.description = "Internal Server Error"
			default:
				e.description = "Bad Request: injected failure"
			}
		}
		return e, f.Delay
	}
	return nil, 0
}

func contextAfterFunc(req *request, f func()) func() bool { return context.AfterFunc(req.ctx, f) }
