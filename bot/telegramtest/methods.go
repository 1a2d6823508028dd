package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

const (
	conflictOtherPoller = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	conflictWebhook     = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)

// dispatch applies injected failures, runs the method and records the call.
func (s *Server) dispatch(ctx context.Context, method string, p map[string]string, files map[string]UploadedFile) (any, *apiError) {
	chatID, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	s.mu.Lock()
	failure := s.matchFailure(method, chatID)
	s.mu.Unlock()
	if failure != nil && failure.Delay > 0 {
		timer := time.NewTimer(failure.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			s.recordCall(method, p, files, statusClientClosed)
			return nil, &apiError{code: statusClientClosed, description: "Client Closed Request"}
		case <-s.done:
			s.recordCall(method, p, files, statusClientClosed)
			return nil, &apiError{code: http.StatusServiceUnavailable, description: "Service Unavailable"}
		}
	}
	if failure != nil && failure.Code != 0 {
		e := failure.apiError()
		s.recordCall(method, p, files, e.code)
		return nil, e
	}
	if method == "getUpdates" {
		return s.getUpdates(ctx, p, files)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	result, err := s.call(method, p, files)
	code := 0
	if err != nil {
		code = err.code
	}
	s.record(method, p, files, code)
	return result, err
}

// mediaMethods maps the methods that send one file to the kind of file (and its field).
var mediaMethods = map[string]string{
	"sendPhoto": "photo", "sendDocument": "document", "sendVideo": "video", "sendAudio": "audio",
	"sendVoice": "voice", "sendAnimation": "animation",
}

// sendsToChat says whether a method sends or changes a message in a chat: what a user who
// blocked the bot refuses.
func sendsToChat(method string) bool {
	return strings.HasPrefix(method, "send") || strings.HasPrefix(method, "editMessage") ||
		method == "copyMessage" || method == "copyMessages" || method == "forwardMessage" || method == "forwardMessages"
}

// call runs a method; s.mu is held.
func (s *Server) call(method string, p map[string]string, files map[string]UploadedFile) (any, *apiError) {
	if sendsToChat(method) {
		if id, err := strconv.ParseInt(p["chat_id"], 10, 64); err == nil && s.blocked[id] {
			return nil, forbidden("bot was blocked by the user")
		}
	}
	if kind, ok := mediaMethods[method]; ok {
		return s.sendMedia(kind, p, files)
	}
	switch method {
	case "getMe":
		return s.bot, nil
	case "sendMessage":
		return s.sendMessage(p)
	case "editMessageText", "editMessageCaption", "editMessageReplyMarkup":
		return s.editMessage(method, p)
	case "deleteMessage":
		return s.deleteMessage(p)
	case "deleteMessages":
		return s.deleteMessages(p)
	case "answerCallbackQuery":
		return s.answerCallbackQuery(p)
	case "sendMediaGroup":
		return s.sendMediaGroup(p, files)
	case "getFile":
		f, ok := s.files[p["file_id"]]
		if !ok {
			return nil, badRequest("invalid file_id")
		}
		return models.File{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: int64(len(f.content)), FilePath: f.path}, nil
	case "setMyCommands", "getMyCommands", "deleteMyCommands":
		return s.myCommands(method, p)
	case "sendChatAction":
		if _, err := s.target(p); err != nil {
			return nil, err
		}
		if !chatActions[p["action"]] {
			return nil, badRequest("wrong parameter action in request")
		}
		return true, nil
	case "setWebhook":
		return s.setWebhook(p)
	case "deleteWebhook":
		s.webhookURL, s.webhookSecret = "", ""
		if p["drop_pending_updates"] == "true" {
			s.queue = nil
		}
		return true, nil
	case "getChatMember":
		return s.chatMember(p)
	case "getWebhookInfo":
		return models.WebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.queue)}, nil
	}
	return true, nil // logOut, close, and every method the fake does not model
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true, "record_voice": true,
	"upload_voice": true, "upload_document": true, "choose_sticker": true, "find_location": true,
	"record_video_note": true, "upload_video_note": true,
}

// target is the chat a message goes to: one the server knows (a user made with NewUser or seen
// in an update, a group made with NewGroup or seen in an update).
func (s *Server) target(p map[string]string) (*chatState, *apiError) {
	raw := p["chat_id"]
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	cs, ok := s.chats[id]
	if !ok {
		if id > 0 {
			return nil, forbidden("bot can't initiate conversation with a user")
		}
		return nil, badRequest("chat not found")
	}
	return cs, nil
}

// replyTarget is the message a new message replies to (reply_parameters, or the older
// reply_to_message_id), nil for none.
func (s *Server) replyTarget(cs *chatState, p map[string]string) (*models.Message, *apiError) {
	var rp struct {
		MessageID                int  `json:"message_id"`
		AllowSendingWithoutReply bool `json:"allow_sending_without_reply"`
	}
	if raw := p["reply_parameters"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &rp); err != nil {
			return nil, badRequest("can't parse reply parameters JSON object")
		}
	}
	if rp.MessageID == 0 {
		rp.MessageID, _ = strconv.Atoi(p["reply_to_message_id"])
		rp.AllowSendingWithoutReply = p["allow_sending_without_reply"] == "true"
	}
	if rp.MessageID == 0 {
		return nil, nil
	}
	if sm, ok := cs.byID[rp.MessageID]; ok && !sm.Deleted {
		m := sm.Message()
		m.ReplyToMessage = nil
		return &m, nil
	}
	if um, ok := cs.userMsgs[rp.MessageID]; ok && !cs.deleted[rp.MessageID] {
		m := *um
		m.ReplyToMessage = nil
		return &m, nil
	}
	if rp.AllowSendingWithoutReply {
		return nil, nil
	}
	return nil, badRequest("message to be replied not found")
}

// addBotMessage stores a message the bot sent to a chat, giving it the chat's next id.
func (s *Server) addBotMessage(cs *chatState, m *SentMessage) *SentMessage {
	cs.lastID++
	m.ChatID, m.MessageID, m.Date = cs.chat.ID, cs.lastID, s.now()
	m.chat, m.bot = cs.chat, s.bot
	if m.replyTo != nil {
		m.ReplyToMessageID = m.replyTo.ID
	}
	cs.sent = append(cs.sent, m)
	cs.byID[m.MessageID] = m
	return m
}

// messageJSON is a message as Telegram returns it, its reply_markup the inline keyboard the bot
// sent (in canonical form) rather than the go-telegram/bot struct's rendering of it.
func messageJSON(m *SentMessage) json.RawMessage {
	msg := m.Message()
	msg.ReplyMarkup = nil
	data, _ := json.Marshal(msg)
	if len(m.markup) > 0 {
		data = append(data[:len(data)-1], `,"reply_markup":`...)
		data = append(data, m.markup...)
		data = append(data, '}')
	}
	return data
}

func (s *Server) sendMessage(p map[string]string) (any, *apiError) {
	cs, err := s.target(p)
	if err != nil {
		return nil, err
	}
	if err := checkText(p["text"], p["parse_mode"], false); err != nil {
		return nil, err
	}
	kb, markup, err := parseReplyMarkup(p["reply_markup"], false)
	if err != nil {
		return nil, err
	}
	reply, err := s.replyTarget(cs, p)
	if err != nil {
		return nil, err
	}
	m := s.addBotMessage(cs, &SentMessage{Text: p["text"], ParseMode: p["parse_mode"], Keyboard: kb, markup: markup, replyTo: reply})
	return messageJSON(m), nil
}

func (s *Server) editMessage(method string, p map[string]string) (any, *apiError) {
	if p["inline_message_id"] != "" {
		return nil, badRequest("MESSAGE_ID_INVALID")
	}
	id, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	cs, ok := s.chats[id]
	if !ok {
		return nil, badRequest("chat not found")
	}
	msgID, _ := strconv.Atoi(p["message_id"])
	if msgID == 0 {
		return nil, badRequest("message identifier is not specified")
	}
	cur, ok := cs.byID[msgID]
	if !ok || cur.Deleted {
		if _, isUsers := cs.userMsgs[msgID]; isUsers && !cs.deleted[msgID] {
			return nil, badRequest("message can't be edited")
		}
		return nil, badRequest("message to edit not found")
	}
	next := *cur
	switch method {
	case "editMessageText":
		if cur.MediaType != "" {
			return nil, badRequest("there is no text in the message to edit")
		}
		if err := checkText(p["text"], p["parse_mode"], false); err != nil {
			return nil, err
		}
		next.Text, next.ParseMode = p["text"], p["parse_mode"]
	case "editMessageCaption":
		if cur.MediaType == "" {
			return nil, badRequest("there is no caption in the message to edit")
		}
		if err := checkText(p["caption"], p["parse_mode"], true); err != nil {
			return nil, err
		}
		next.Caption, next.ParseMode = p["caption"], p["parse_mode"]
	}
	kb, markup, err := parseReplyMarkup(p["reply_markup"], true)
	if err != nil {
		return nil, err
	}
	next.Keyboard, next.markup = kb, markup // no reply_markup removes the keyboard, as in Telegram
	if sameContent(cur, &next) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	next.Edits++
	next.editDate = s.now()
	*cur = next
	return messageJSON(cur), nil
}

// sameContent compares what a person sees: the parsed text with its entities, and the keyboard.
func sameContent(a, b *SentMessage) bool {
	textA, entA := renderText(a.Text+a.Caption, a.ParseMode)
	textB, entB := renderText(b.Text+b.Caption, b.ParseMode)
	return textA == textB && reflect.DeepEqual(entA, entB) && bytes.Equal(a.markup, b.markup)
}

func (s *Server) deleteMessage(p map[string]string) (any, *apiError) {
	id, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	cs, ok := s.chats[id]
	if !ok {
		return nil, badRequest("chat not found")
	}
	msgID, _ := strconv.Atoi(p["message_id"])
	if !s.deleteOne(cs, msgID) {
		return nil, badRequest("message to delete not found")
	}
	return true, nil
}

func (s *Server) deleteMessages(p map[string]string) (any, *apiError) {
	id, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	cs, ok := s.chats[id]
	if !ok {
		return nil, badRequest("chat not found")
	}
	var ids []int
	if err := json.Unmarshal([]byte(p["message_ids"]), &ids); err != nil || len(ids) < 1 || len(ids) > 100 {
		return nil, badRequest("message_ids must be an array of 1-100 message identifiers")
	}
	for _, msgID := range ids {
		s.deleteOne(cs, msgID) // messages that cannot be found are skipped
	}
	return true, nil
}

func (s *Server) deleteOne(cs *chatState, msgID int) bool {
	if m, ok := cs.byID[msgID]; ok && !m.Deleted {
		m.Deleted = true
		return true
	}
	if _, ok := cs.userMsgs[msgID]; ok && !cs.deleted[msgID] {
		cs.deleted[msgID] = true
		return true
	}
	return false
}

func (s *Server) answerCallbackQuery(p map[string]string) (any, *apiError) {
	id := p["callback_query_id"]
	answered, known := s.callbacks[id]
	if !known || answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf16Len(p["text"]) > maxCallbackAnswer {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.callbacks[id] = true
	s.answers[id] = CallbackAnswer{Text: p["text"], ShowAlert: p["show_alert"] == "true", URL: p["url"]}
	return true, nil
}

// sendMedia serves sendPhoto, sendDocument and the other methods that send one file.
func (s *Server) sendMedia(kind string, p map[string]string, files map[string]UploadedFile) (any, *apiError) {
	cs, err := s.target(p)
	if err != nil {
		return nil, err
	}
	if err := checkText(p["caption"], p["parse_mode"], true); err != nil {
		return nil, err
	}
	var f *storedFile
	if up, ok := files[kind]; ok {
		f, err = s.upload(kind, up)
	} else {
		f, err = s.fileRef(kind, p[kind], files)
	}
	if err != nil {
		return nil, err
	}
	kb, markup, err := parseReplyMarkup(p["reply_markup"], false)
	if err != nil {
		return nil, err
	}
	reply, err := s.replyTarget(cs, p)
	if err != nil {
		return nil, err
	}
	m := &SentMessage{Caption: p["caption"], ParseMode: p["parse_mode"], Keyboard: kb, markup: markup, replyTo: reply}
	setMedia(m, kind, f)
	return messageJSON(s.addBotMessage(cs, m)), nil
}

// upload registers a file the bot uploaded.
func (s *Server) upload(kind string, up UploadedFile) (*storedFile, *apiError) {
	if len(up.Content) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	if kind == "photo" {
		return s.newPhoto(up.Content), nil
	}
	return s.addFile(kind, up.FileName, "", up.Content), nil
}

// fileRef resolves a file given as a string: "attach://<part>", an HTTP URL (registered as a new
// file, not fetched) or the file_id of a file the server knows. A photo's file_id cannot be sent
// as another kind of file, nor another file's as a photo.
func (s *Server) fileRef(kind, ref string, files map[string]UploadedFile) (*storedFile, *apiError) {
	switch {
	case ref == "":
		return nil, badRequest("there is no %s in the request", kind)
	case strings.HasPrefix(ref, "attach://"):
		up, ok := files[strings.TrimPrefix(ref, "attach://")]
		if !ok {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		return s.upload(kind, up)
	case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://"):
		return s.upload(kind, UploadedFile{FileName: path.Base(ref), Content: []byte("downloaded from " + ref)})
	}
	f, ok := s.files[ref]
	if !ok {
		return nil, badRequest("wrong file identifier/HTTP URL specified")
	}
	if (f.kind == "photo") != (kind == "photo") {
		return nil, badRequest("type of file mismatch")
	}
	return f, nil
}

// setMedia makes m a media message of the file f.
func setMedia(m *SentMessage, kind string, f *storedFile) {
	m.MediaType, m.FileID = kind, f.id
	size := int64(len(f.content))
	switch kind {
	case "photo":
		m.Photo = f.id
		m.media.photo = f.sizes
	case "document":
		m.DocumentFileID = f.id
		m.media.document = &models.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mimeType, FileSize: size}
	case "video":
		m.VideoFileID = f.id
		m.media.video = &models.Video{FileID: f.id, FileUniqueID: f.uniqueID, Width: 1280, Height: 720, Duration: 10, FileName: f.name, MimeType: f.mimeType, FileSize: size}
	case "audio":
		m.media.audio = &models.Audio{FileID: f.id, FileUniqueID: f.uniqueID, Duration: 10, FileName: f.name, MimeType: f.mimeType, FileSize: size}
	case "voice":
		m.media.voice = &models.Voice{FileID: f.id, FileUniqueID: f.uniqueID, Duration: 10, MimeType: f.mimeType, FileSize: size}
	case "animation":
		m.media.animation = &models.Animation{FileID: f.id, FileUniqueID: f.uniqueID, Width: 480, Height: 360, Duration: 3, FileName: f.name, MimeType: f.mimeType, FileSize: size}
	}
}

func (s *Server) sendMediaGroup(p map[string]string, files map[string]UploadedFile) (any, *apiError) {
	cs, err := s.target(p)
	if err != nil {
		return nil, err
	}
	var items []struct {
		Type      string `json:"type"`
		Media     string `json:"media"`
		Caption   string `json:"caption"`
		ParseMode string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(p["media"]), &items); err != nil {
		return nil, badRequest("can't parse media JSON object")
	}
	switch {
	case len(items) < 2:
		return nil, badRequest("media group must contain 2-10 items")
	case len(items) > 10:
		return nil, badRequest("Too many messages to send as an album")
	}
	kinds := map[string]bool{}
	for _, it := range items {
		switch it.Type {
		case "photo", "video", "document", "audio":
			kinds[it.Type] = true
		default:
			return nil, badRequest("can't parse InputMedia: unsupported media type %q", it.Type)
		}
	}
	for _, only := range []string{"document", "audio"} {
		if kinds[only] && len(kinds) > 1 {
			return nil, badRequest("%s can't be mixed with other media types", only)
		}
	}
	resolved := make([]*storedFile, len(items))
	for i, it := range items {
		if err := checkText(it.Caption, it.ParseMode, true); err != nil {
			return nil, err
		}
		if resolved[i], err = s.fileRef(it.Type, it.Media, files); err != nil {
			return nil, err
		}
	}
	reply, err := s.replyTarget(cs, p)
	if err != nil {
		return nil, err
	}
	s.nextAlbum++
	group := strconv.FormatInt(13_000_000_000_000_000+int64(s.nextAlbum), 10)
	var out bytes.Buffer
	out.WriteByte('[')
	for i, it := range items {
		m := &SentMessage{Caption: it.Caption, ParseMode: it.ParseMode, MediaGroupID: group, replyTo: reply}
		setMedia(m, it.Type, resolved[i])
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(messageJSON(s.addBotMessage(cs, m)))
	}
	out.WriteByte(']')
	return json.RawMessage(out.Bytes()), nil
}

// scopeTypes are the bot command scope types.
var scopeTypes = map[string]bool{
	"default": true, "all_private_chats": true, "all_group_chats": true, "all_chat_administrators": true,
	"chat": true, "chat_administrators": true, "chat_member": true,
}

func (s *Server) myCommands(method string, p map[string]string) (any, *apiError) {
	scope := "default"
	if raw := p["scope"]; raw != "" {
		var sc struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(raw), &sc); err != nil {
			return nil, badRequest("can't parse BotCommandScope JSON object")
		}
		if !scopeTypes[sc.Type] {
			return nil, badRequest("unsupported bot command scope type %q", sc.Type)
		}
		scope = sc.Type
	}
	key := scope + "/" + p["language_code"]
	switch method {
	case "getMyCommands":
		cmds := append([]models.BotCommand{}, s.commands[key]...)
		return cmds, nil
	case "deleteMyCommands":
		delete(s.commands, key)
		return true, nil
	}
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if err := checkCommands(cmds); err != nil {
		return nil, err
	}
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	return true, nil
}

func (s *Server) setWebhook(p map[string]string) (any, *apiError) {
	u := p["url"]
	if u != "" && !strings.HasPrefix(strings.ToLower(u), "https://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	s.webhookURL, s.webhookSecret = u, p["secret_token"]
	if u == "" {
		s.webhookSecret = ""
	}
	if p["drop_pending_updates"] == "true" {
		s.queue = nil
	}
	return true, nil
}

// defaultExcludedUpdates are the update kinds Telegram delivers only when asked for by name.
var defaultExcludedUpdates = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

// getUpdates serves getUpdates: an offset acknowledges (forgets) every update below it; queued
// updates from offset on are returned, oldest first, at most limit; with a timeout and nothing
// to return it waits for an update, the timeout, the request's end or the server's. A newer
// getUpdates makes a waiting one fail with 409.
func (s *Server) getUpdates(ctx context.Context, p map[string]string, files map[string]UploadedFile) (any, *apiError) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	limit, _ := strconv.Atoi(p["limit"])
	if limit < 1 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])
	timeout = max(timeout, 0)
	var allowed []string
	rawAllowed := p["allowed_updates"]
	if rawAllowed != "" {
		if err := json.Unmarshal([]byte(rawAllowed), &allowed); err != nil {
			s.recordCall("getUpdates", p, files, http.StatusBadRequest)
			return nil, badRequest("can't parse allowed updates JSON array")
		}
	}
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)

	s.mu.Lock()
	defer s.mu.Unlock()
	finish := func(result any, err *apiError) (any, *apiError) {
		code := 0
		if err != nil {
			code = err.code
		}
		s.record("getUpdates", p, files, code)
		return result, err
	}
	if s.webhookURL != "" {
		return finish(nil, &apiError{code: http.StatusConflict, description: conflictWebhook})
	}
	if rawAllowed != "" {
		s.allowed = nil
		if len(allowed) > 0 {
			s.allowed = map[string]bool{}
			for _, k := range allowed {
				s.allowed[k] = true
			}
		}
	}
	s.pollSeq++
	me := s.pollSeq
	s.changed.Broadcast() // an older poll still waiting now loses
	if offset < 0 && -offset < int64(len(s.queue)) {
		s.queue = s.queue[len(s.queue)+int(offset):] // the last -offset updates; the rest is forgotten
	}
	if timeout > 0 {
		timer := time.AfterFunc(time.Until(deadline), s.wake)
		defer timer.Stop()
	}
	stop := context.AfterFunc(ctx, s.wake)
	defer stop()
	parked := false
	defer func() {
		if parked {
			s.waitingPolls--
			s.changed.Broadcast()
		}
	}()
	for {
		if s.pollSeq != me {
			return finish(nil, &apiError{code: http.StatusConflict, description: conflictOtherPoller})
		}
		if out := s.takeUpdates(offset, limit); len(out) > 0 {
			return finish(out, nil)
		}
		if s.closed || ctx.Err() != nil || timeout == 0 || !time.Now().Before(deadline) {
			return finish([]json.RawMessage{}, nil)
		}
		if !parked {
			parked = true
			s.waitingPolls++
			s.changed.Broadcast()
		}
		s.changed.Wait()
	}
}

// takeUpdates acknowledges the updates below offset, drops those of kinds the bot did not ask
// for (Telegram would not have kept them), and returns up to limit of the rest.
func (s *Server) takeUpdates(offset int64, limit int) []json.RawMessage {
	var out []json.RawMessage
	kept := s.queue[:0]
	for _, q := range s.queue {
		if offset > 0 && q.id < offset && !q.forced {
			continue // acknowledged
		}
		if s.allowed != nil && !s.allowed[q.kind] || s.allowed == nil && defaultExcludedUpdates[q.kind] {
			continue // never delivered
		}
		if len(out) < limit {
			out = append(out, q.raw)
			q.forced = false
		}
		kept = append(kept, q)
	}
	clear(s.queue[len(kept):])
	s.queue = kept
	return out
}

// chatMember answers getChatMember: the status SetChatMemberStatus gave, "member" otherwise.
func (s *Server) chatMember(p map[string]string) (any, *apiError) {
	chatID, err1 := strconv.ParseInt(p["chat_id"], 10, 64)
	userID, err2 := strconv.ParseInt(p["user_id"], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, badRequest("chat not found")
	}
	if _, ok := s.chats[chatID]; !ok {
		return nil, badRequest("chat not found")
	}
	status := s.statuses[[2]int64{chatID, userID}]
	if status == "" {
		status = "member"
	}
	return map[string]any{"status": status, "user": map[string]any{"id": userID, "is_bot": false, "first_name": "?"}}, nil
}
