package telegramtest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// state is everything the server remembers. It is guarded by Server.mu.
type state struct {
	nextUser, nextGroup, nextSupergroup int64
	nextUpdate                          int64
	nextFile, nextCallback, nextAlbum   int

	chats map[int64]*chatState
	files map[string]*storedFile // by file_id
	paths map[string]*storedFile // by file_path

	queue        []queued         // updates not yet acknowledged, in delivery order
	history      map[int64]queued // every update ever queued, for Redeliver
	allowed      map[string]bool  // the last allowed_updates; nil: Telegram's default
	pollSeq      int              // increases with every getUpdates; an older waiting poll loses
	waitingPolls int              // getUpdates requests parked with nothing to return

	calls     []Call
	callCount map[string]int // per method, since the last Reset
	resets    int            // increases with every Reset, so waiters rescan

	callbacks map[string]bool // callback query id → answered
	pressed   []string        // callback query ids in the order they were queued
	answers   map[string]CallbackAnswer

	failures []*failureRule
	blocked  map[int64]bool
	statuses map[[2]int64]string            // chat and user: "creator", "administrator", … (getChatMember)
	commands map[string][]models.BotCommand // scope type + "/" + language code

	webhookURL, webhookSecret string
}

// chatState is one chat: its messages, both the users' and the bot's.
type chatState struct {
	chat     models.Chat
	lastID   int                     // the last message id used in the chat
	userMsgs map[int]*models.Message // messages users sent, as they stand after edits
	deleted  map[int]bool            // users' messages the bot deleted
	sent     []*SentMessage          // the bot's messages, in order
	byID     map[int]*SentMessage    // the bot's messages by id
}

type queued struct {
	id     int64
	kind   string // "message", "callback_query"…: the update's field
	raw    json.RawMessage
	forced bool // Redeliver: delivered once more whatever the offset says
}

// storedFile is a file the server knows: uploaded by the bot or sent by a user.
type storedFile struct {
	id, uniqueID, path string
	kind               string // photo, document, video, audio, voice, animation
	name, mimeType     string
	content            []byte
	width, height      int
	sizes              []models.PhotoSize // a photo: every size of the photo this file is one of
}

func newState() state {
	return state{
		nextUser:       1000000,
		nextGroup:      -1000000,
		nextSupergroup: -1001000000000,
		chats:          map[int64]*chatState{},
		files:          map[string]*storedFile{},
		paths:          map[string]*storedFile{},
		history:        map[int64]queued{},
		callCount:      map[string]int{},
		callbacks:      map[string]bool{},
		answers:        map[string]CallbackAnswer{},
		blocked:        map[int64]bool{},
		statuses:       map[[2]int64]string{},
		commands:       map[string][]models.BotCommand{},
	}
}

// NewUser makes a Telegram user (ids from 1000001 on, language_code "vi") and their private chat
// with the bot, so the bot can write to them.
func (s *Server) NewUser(firstName, lastName string) models.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUser++
	u := models.User{ID: s.nextUser, FirstName: firstName, LastName: lastName, LanguageCode: "vi"}
	s.ensureChat(privateChat(u))
	return u
}

// NewGroup makes a group chat (type "group", negative id) the bot is a member of.
func (s *Server) NewGroup(title string) models.Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextGroup--
	c := models.Chat{ID: s.nextGroup, Type: models.ChatTypeGroup, Title: title}
	s.ensureChat(c)
	return c
}

// NewSupergroup makes a supergroup (type "supergroup", id -100…) the bot is a member of: the
// chat a group becomes after migrate_to_chat_id.
func (s *Server) NewSupergroup(title string) models.Chat {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextSupergroup--
	c := models.Chat{ID: s.nextSupergroup, Type: models.ChatTypeSupergroup, Title: title}
	s.ensureChat(c)
	return c
}

// privateChat is a user's private chat with the bot. A user seen only in a group has none: they
// never started the bot.
func privateChat(u models.User) models.Chat {
	return models.Chat{ID: u.ID, Type: models.ChatTypePrivate, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
}

// ensureChat returns a chat's state, making it the first time the chat is seen.
func (s *Server) ensureChat(c models.Chat) *chatState {
	if cs, ok := s.chats[c.ID]; ok {
		return cs
	}
	cs := &chatState{chat: c, userMsgs: map[int]*models.Message{}, deleted: map[int]bool{}, byID: map[int]*SentMessage{}}
	s.chats[c.ID] = cs
	return cs
}

// seeUpdate remembers the chats an injected update shows.
func (s *Server) seeUpdate(u *models.Update) {
	for _, m := range []*models.Message{u.Message, u.EditedMessage} {
		if m == nil {
			continue
		}
		s.ensureChat(m.Chat)
	}
	if cq := u.CallbackQuery; cq != nil {
		if m := cq.Message.Message; m != nil {
			s.ensureChat(m.Chat)
		} else if m := cq.Message.InaccessibleMessage; m != nil {
			s.ensureChat(m.Chat)
		}
	}
	if cm := u.MyChatMember; cm != nil {
		s.ensureChat(cm.Chat)
	}
}

// MessageOpts describe a message a user sends.
type MessageOpts struct {
	From models.User
	// Chat is where the message is sent; nil is the private chat with From.
	Chat *models.Chat
	// Text of the message. bot_command entities are computed as Telegram does, with UTF-16
	// offsets, for every /command or /command@botname that stands on word boundaries.
	Text string
	// Caption of a photo or document, with entities computed the same way. When a photo or
	// document has no Caption, Text is used as its caption.
	Caption string
	// ReplyTo becomes reply_to_message (without its own reply_to_message, as Telegram sends it).
	ReplyTo *models.Message
	// Photo attaches a photo: three sizes (90, 320 and 1280 pixels wide) with fresh file ids,
	// which getFile and the download route serve.
	Photo bool
	// Document attaches a document, served by getFile and the download route.
	Document *DocumentOpts
	// MediaGroupID puts the message in an album.
	MediaGroupID string
}

// DocumentOpts describe a document a user sends.
type DocumentOpts struct {
	FileName, MimeType string
	Content            []byte
}

// Send queues a "message" update from opts.From and returns its update_id and the message.
func (s *Server) Send(opts MessageOpts) (updateID int64, msg models.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg = s.userMessage(opts)
	m := msg
	return s.enqueue(models.Update{Message: &m}), msg
}

// SendText queues a text message from the user in their private chat and returns its update_id.
func (s *Server) SendText(from models.User, text string) int64 {
	id, _ := s.Send(MessageOpts{From: from, Text: text})
	return id
}

func (s *Server) userMessage(o MessageOpts) models.Message {
	var cs *chatState
	if o.Chat != nil {
		cs = s.ensureChat(*o.Chat)
	} else {
		cs = s.ensureChat(privateChat(o.From))
	}
	cs.lastID++
	from := o.From
	msg := models.Message{ID: cs.lastID, From: &from, Date: s.now(), Chat: cs.chat, MediaGroupID: o.MediaGroupID}
	if o.ReplyTo != nil {
		r := *o.ReplyTo
		r.ReplyToMessage = nil
		msg.ReplyToMessage = &r
	}
	if o.Photo || o.Document != nil {
		caption := o.Caption
		if caption == "" {
			caption = o.Text
		}
		msg.Caption, msg.CaptionEntities = caption, commandEntities(caption)
	} else {
		msg.Text, msg.Entities = o.Text, commandEntities(o.Text)
	}
	if o.Photo {
		msg.Photo = s.newPhoto(nil).sizes
	}
	if d := o.Document; d != nil {
		f := s.addFile("document", d.FileName, d.MimeType, d.Content)
		msg.Document = &models.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mimeType, FileSize: int64(len(f.content))}
	}
	stored := msg
	cs.userMsgs[msg.ID] = &stored
	return msg
}

// EditText queues an "edited_message" update: the user changed the text (or caption) of msg, a
// message they sent, to newText.
func (s *Server) EditText(from models.User, msg models.Message, newText string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat := msg.Chat
	if chat.ID == 0 {
		chat = privateChat(from)
	}
	cs := s.ensureChat(chat)
	edited := msg
	if cur, ok := cs.userMsgs[msg.ID]; ok {
		edited = *cur
	}
	edited.Chat = cs.chat
	f := from
	edited.From = &f
	if hasMedia(&edited) {
		edited.Caption, edited.CaptionEntities = newText, commandEntities(newText)
	} else {
		edited.Text, edited.Entities = newText, commandEntities(newText)
	}
	edited.EditDate = s.now()
	stored := edited
	cs.userMsgs[edited.ID] = &stored
	return s.enqueue(models.Update{EditedMessage: &edited})
}

func hasMedia(m *models.Message) bool {
	return len(m.Photo) > 0 || m.Document != nil || m.Video != nil || m.Audio != nil || m.Voice != nil || m.Animation != nil
}

// Press queues a "callback_query" update: the user pressed the button carrying data on msg, and
// returns its update_id. msg is normally a message the bot sent (SentMessage.Message); the query
// carries that message as it stands now, after the bot's edits, as Telegram does. The query id
// is new and unique; UnansweredCallbacks lists it until the bot answers it.
func (s *Server) Press(from models.User, msg models.Message, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat := msg.Chat
	if chat.ID == 0 {
		chat = privateChat(from)
	}
	cs := s.ensureChat(chat)
	chatID := cs.chat.ID
	m := msg
	if sm, ok := cs.byID[msg.ID]; ok {
		m = sm.Message()
	} else {
		m.Chat = cs.chat
		if m.Date == 0 {
			m.Date = s.now() // a zero date would make it an InaccessibleMessage
		}
	}
	cq := &models.CallbackQuery{
		ID:           s.newCallbackID(),
		From:         from,
		Message:      models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: &m},
		ChatInstance: chatInstance(chatID),
		Data:         data,
	}
	return s.enqueue(models.Update{CallbackQuery: cq})
}

func (s *Server) newCallbackID() string {
	s.nextCallback++
	id := strconv.FormatInt(4_300_000_000_000_000_000+int64(s.nextCallback), 10)
	s.callbacks[id] = false
	s.pressed = append(s.pressed, id)
	return id
}

// chatInstance is the stable chat_instance Telegram sends with callback queries from a chat.
func chatInstance(chatID int64) string {
	return strconv.FormatUint(uint64(chatID)*2654435761%1_000_000_000_000_000_000, 10)
}

// QueueUpdate queues an update as it is and returns its update_id; a zero ID gets the next one.
// A callback query without an id gets one, and its id counts as pending for answerCallbackQuery.
// The chats it shows (of its message, callback query or my_chat_member) become known, so the
// bot may write to them.
func (s *Server) QueueUpdate(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.CallbackQuery != nil {
		cq := *u.CallbackQuery
		if cq.ID == "" {
			cq.ID = s.newCallbackID()
		} else if _, known := s.callbacks[cq.ID]; !known {
			s.callbacks[cq.ID] = false
			s.pressed = append(s.pressed, cq.ID)
		}
		u.CallbackQuery = &cq
	}
	s.seeUpdate(&u)
	return s.enqueue(u)
}

// QueueRaw queues an update given as JSON, byte for byte, and returns its update_id. Without an
// update_id (or with 0) it gets the next one. It returns 0, and queues nothing, when raw is not a
// JSON object.
func (s *Server) QueueRaw(raw []byte) int64 {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var id int64
	_ = json.Unmarshal(fields["update_id"], &id)
	data := append(json.RawMessage(nil), raw...)
	if id == 0 {
		s.nextUpdate++
		id = s.nextUpdate
		fields["update_id"] = json.RawMessage(strconv.FormatInt(id, 10))
		data, _ = json.Marshal(fields)
	} else if id > s.nextUpdate {
		s.nextUpdate = id
	}
	var u models.Update
	if json.Unmarshal(data, &u) == nil {
		s.seeUpdate(&u)
		if cq := u.CallbackQuery; cq != nil && cq.ID != "" {
			if _, known := s.callbacks[cq.ID]; !known {
				s.callbacks[cq.ID] = false
				s.pressed = append(s.pressed, cq.ID)
			}
		}
	}
	s.push(queued{id: id, kind: updateKind(fields), raw: data})
	return id
}

// Redeliver queues an update that was delivered before, even one already acknowledged, once
// more with the same update_id, as Telegram sometimes does: the next getUpdates returns it
// whatever its offset. An update still waiting in the queue is not doubled. An unknown id is
// ignored.
func (s *Server) Redeliver(updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.queue {
		if s.queue[i].id == updateID {
			s.queue[i].forced = true
			s.changed.Broadcast()
			return
		}
	}
	q, ok := s.history[updateID]
	if !ok {
		return
	}
	q.forced = true
	s.queue = append(s.queue, q)
	s.changed.Broadcast()
}

// PendingUpdates counts the updates queued and not yet acknowledged by a getUpdates offset.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// enqueue marshals an update, giving it the next update_id when it has none, and queues it.
func (s *Server) enqueue(u models.Update) int64 {
	if u.ID == 0 {
		s.nextUpdate++
		u.ID = s.nextUpdate
	} else if u.ID > s.nextUpdate {
		s.nextUpdate = u.ID
	}
	raw, err := json.Marshal(u)
	if err != nil {
		return 0 // cannot happen with the models types; nothing is queued
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	s.push(queued{id: u.ID, kind: updateKind(fields), raw: raw})
	return u.ID
}

func (s *Server) push(q queued) {
	s.history[q.id] = q
	s.queue = append(s.queue, q)
	s.changed.Broadcast()
}

// updateKind is the name of an update's one field besides update_id.
func updateKind(fields map[string]json.RawMessage) string {
	for k := range fields {
		if k != "update_id" {
			return k
		}
	}
	return ""
}

func (s *Server) now() int { return int(s.opts.Now().Unix()) }

// File ids start like Telegram's for their kind, which some code looks at.
var fileIDPrefix = map[string]string{
	"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI", "video": "BAACAgIAAxkBAAI",
	"audio": "CQACAgIAAxkBAAI", "voice": "AwACAgIAAxkBAAI", "animation": "CgACAgIAAxkBAAI",
}

var fileFolder = map[string]string{
	"photo": "photos", "document": "documents", "video": "videos", "audio": "music", "voice": "voice",
	"animation": "animations",
}

var defaultExt = map[string]string{
	"photo": ".jpg", "video": ".mp4", "audio": ".mp3", "voice": ".oga", "animation": ".mp4",
}

// addFile registers a file and returns it.
func (s *Server) addFile(kind, name, mimeType string, content []byte) *storedFile {
	s.nextFile++
	n := s.nextFile
	ext := strings.ToLower(path.Ext(name))
	if ext == "" {
		ext = defaultExt[kind]
	}
	if mimeType == "" && ext != "" {
		mimeType, _, _ = strings.Cut(mime.TypeByExtension(ext), ";")
	}
	f := &storedFile{
		id:       fmt.Sprintf("%s%08d_%s", fileIDPrefix[kind], n, kind),
		uniqueID: fmt.Sprintf("AQAD%08d", n),
		path:     fmt.Sprintf("%s/file_%d%s", fileFolder[kind], n, ext),
		kind:     kind,
		name:     name,
		mimeType: mimeType,
		content:  content,
	}
	s.files[f.id] = f
	s.paths[f.path] = f
	return f
}

// newPhoto registers a photo in three sizes, 90, 320 and 1280 pixels wide, and returns the
// largest. Without content each size gets a small made-up JPEG-like content of its own.
func (s *Server) newPhoto(content []byte) *storedFile {
	var sizes []models.PhotoSize
	var files []*storedFile
	for _, w := range []int{90, 320, 1280} {
		data := content
		if data == nil {
			data = fmt.Appendf([]byte("\xff\xd8\xff"), "fake JPEG %dx%d #%d\xff\xd9", w, w*3/4, s.nextFile+1)
		}
		f := s.addFile("photo", "", "image/jpeg", data)
		f.width, f.height = w, w*3/4
		files = append(files, f)
		sizes = append(sizes, models.PhotoSize{FileID: f.id, FileUniqueID: f.uniqueID, Width: f.width, Height: f.height, FileSize: len(data)})
	}
	for _, f := range files {
		f.sizes = sizes
	}
	return files[len(files)-1]
}

// serveFile answers the download route /file/bot<token>/<file_path>.
func (s *Server) serveFile(w http.ResponseWriter, filePath string) {
	s.mu.Lock()
	f := s.paths[filePath]
	s.mu.Unlock()
	if f == nil {
		writeError(w, errNotFound)
		return
	}
	if f.mimeType != "" {
		w.Header().Set("Content-Type", f.mimeType)
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(f.content)))
	_, _ = w.Write(f.content) // content never changes once registered
}
