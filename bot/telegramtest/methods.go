package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// dispatch records the call, applies injected failures, and runs the method.
func (s *Server) dispatch(req *request) (any, *apiError) {
	if req.method == "getUpdates" {
		return s.getUpdates(req)
	}
	chatID, _ := strconv.ParseInt(req.params["chat_id"], 10, 64)
	s.mu.Lock()
	failure, delay := s.failureFor(req.method, chatID)
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-req.ctx.Done():
		case <-time.After(delay):
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var result any
	apiErr := failure
	if apiErr == nil {
		result, apiErr = s.call(req, chatID)
	}
	c := Call{Method: req.method, Params: req.params, Files: req.files, At: s.opts.Now()}
	if apiErr != nil {
		c.ErrorCode = apiErr.code
	}
	s.calls = append(s.calls, c)
	s.changed.Broadcast()
	return result, apiErr
}

// call runs a method with s.mu held.
func (s *Server) call(req *request, chatID int64) (any, *apiError) {
	p := req.params
	switch req.method {
	case "getMe":
		return s.bot, nil
	case "sendMessage":
		if err := s.canSend(chatID); err != nil {
			return nil, err
		}
		if err := checkText(p["text"], p["parse_mode"], maxText, "text"); err != nil {
			return nil, err
		}
		kb, markup, err := parseKeyboard(p["reply_markup"])
		if err != nil {
			return nil, err
		}
		m := s.record(chatID, &SentMessage{Text: p["text"], ParseMode: p["parse_mode"], Keyboard: kb, markup: markup, ReplyToMessageID: replyTo(p)})
		return s.asMessage(m), nil
	case "editMessageText", "editMessageReplyMarkup":
		m, err := s.botMessage(chatID, p["message_id"])
		if err != nil {
			return nil, err
		}
		text, mode := m.Text, m.ParseMode
		if req.method == "editMessageText" {
			text, mode = p["text"], p["parse_mode"]
			if err := checkText(text, mode, maxText, "text"); err != nil {
				return nil, err
			}
		}
		kb, markup, err := parseKeyboard(p["reply_markup"])
		if err != nil {
			return nil, err
		}
		if text == m.Text && mode == m.ParseMode && sameKeyboard(kb, m.Keyboard) {
			return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
		}
		m.Text, m.ParseMode, m.Keyboard, m.markup = text, mode, kb, markup
		m.Edits++
		return s.asMessage(m), nil
	case "deleteMessage":
		m, err := s.botMessage(chatID, p["message_id"])
		if err != nil {
			return nil, badRequest("message to delete not found")
		}
		m.Deleted = true
		return true, nil
	case "answerCallbackQuery":
		id := p["callback_query_id"]
		answered, known := s.callbacks[id]
		if !known || answered {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		if n := len([]rune(p["text"])); n > 200 {
			return nil, badRequest("MESSAGE_TOO_LONG")
		}
		s.callbacks[id] = true
		s.answers[id] = CallbackAnswer{Text: p["text"], ShowAlert: p["show_alert"] == "true"}
		return true, nil
	case "sendPhoto", "sendDocument", "sendVideo":
		field := map[string]string{"sendPhoto": "photo", "sendDocument": "document", "sendVideo": "video"}[req.method]
		if err := s.canSend(chatID); err != nil {
			return nil, err
		}
		if p["caption"] != "" {
			if err := checkText(p["caption"], p["parse_mode"], maxCaption, "caption"); err != nil {
				return nil, err
			}
		}
		f, err := s.inputFile(req, field)
		if err != nil {
			return nil, err
		}
		kb, markup, aerr := parseKeyboard(p["reply_markup"])
		if aerr != nil {
			return nil, aerr
		}
		m := &SentMessage{Caption: p["caption"], ParseMode: p["parse_mode"], Keyboard: kb, markup: markup, ReplyToMessageID: replyTo(p)}
		setMedia(m, field, f.id)
		return s.asMessage(s.record(chatID, m)), nil
	case "sendMediaGroup":
		return s.sendMediaGroup(req, chatID)
	case "getFile":
		f, ok := s.files[p["file_id"]]
		if !ok {
			return nil, badRequest("invalid file_id")
		}
		return models.File{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: int64(len(f.content)), FilePath: f.path}, nil
	case "setMyCommands":
		var cmds []models.BotCommand
		if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
			return nil, badRequest("can't parse commands JSON object")
		}
		if len(cmds) > 100 {
			return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
		}
		for _, c := range cmds {
			if !validCommand(c.Command) {
				return nil, badRequest("BOT_COMMAND_INVALID")
			}
			if n := len([]rune(c.Description)); n < 1 || n > 256 {
				return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
			}
		}
		s.commands[scopeType(p["scope"])+"/"+p["language_code"]] = cmds
		return true, nil
	case "getMyCommands":
		cmds := s.commands[scopeType(p["scope"])+"/"+p["language_code"]]
		if cmds == nil {
			cmds = []models.BotCommand{}
		}
		return cmds, nil
	case "deleteMyCommands":
		delete(s.commands, scopeType(p["scope"])+"/"+p["language_code"])
		return true, nil
	case "setWebhook":
		s.webhookURL, s.webhookTok = p["url"], p["secret_token"]
		return true, nil
	case "deleteWebhook":
		s.webhookURL, s.webhookTok = "", ""
		return true, nil
	case "getWebhookInfo":
		return models.WebhookInfo{URL: s.webhookURL, PendingUpdateCount: len(s.queue)}, nil
	case "sendChatAction", "logOut", "close":
		return true, nil
	}
	for _, m := range knownMethods {
		if m == req.method {
			return true, nil
		}
	}
	if strings.HasPrefix(req.method, "get") || strings.HasPrefix(req.method, "set") || strings.HasPrefix(req.method, "send") {
		return true, nil // a method the fake does not model: recorded and accepted
	}
	return nil, &apiError{code: 404, description: "Not Found"}
}

func replyTo(p map[string]string) int {
	var rp struct {
		MessageID int `json:"message_id"`
	}
	if p["reply_parameters"] != "" {
		_ = json.Unmarshal([]byte(p["reply_parameters"]), &rp)
	}
	if rp.MessageID == 0 {
		rp.MessageID, _ = strconv.Atoi(p["reply_to_message_id"])
	}
	return rp.MessageID
}

func scopeType(raw string) string {
	var sc struct {
		Type string `json:"type"`
	}
	if raw != "" {
		_ = json.Unmarshal([]byte(raw), &sc)
	}
	if sc.Type == "" {
		return "default"
	}
	return sc.Type
}

func validCommand(c string) bool {
	if len(c) < 1 || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func sameKeyboard(a, b [][]Button) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// canSend says whether the bot may write to the chat: users who blocked it or never wrote to it,
// and groups that do not exist, cannot be written to.
func (s *Server) canSend(chatID int64) *apiError {
	if s.blocked[chatID] {
		return &apiError{code: 403, description: "Forbidden: bot was blocked by the user"}
	}
	if _, ok := s.chats[chatID]; !ok {
		if chatID > 0 {
			return &apiError{code: 403, description: "Forbidden: bot can't initiate conversation with a user"}
		}
		return badRequest("chat not found")
	}
	return nil
}

// botMessage finds a message the bot sent in the chat.
func (s *Server) botMessage(chatID int64, id string) (*SentMessage, *apiError) {
	n, _ := strconv.Atoi(id)
	for _, m := range s.sent[chatID] {
		if m.MessageID == n && !m.Deleted {
			return m, nil
		}
	}
	if s.userMsgs[chatID][n] {
		return nil, badRequest("message can't be edited")
	}
	return nil, badRequest("message to edit not found")
}

// record stores a message the bot sent.
func (s *Server) record(chatID int64, m *SentMessage) *SentMessage {
	m.ChatID = chatID
	m.MessageID = s.nextMessageID(chatID)
	m.Date = int(s.opts.Now().Unix())
	m.chat = s.chats[chatID]
	m.bot = s.bot
	s.sent[chatID] = append(s.sent[chatID], m)
	return m
}

// asMessage is the Message Telegram answers with.
func (s *Server) asMessage(m *SentMessage) models.Message {
	msg := m.Message()
	if m.ReplyToMessageID != 0 {
		msg.ReplyToMessage = &models.Message{ID: m.ReplyToMessageID, Chat: m.chat}
	}
	switch {
	case m.Photo != "":
		f := s.files[m.Photo]
		msg.Photo = []models.PhotoSize{{FileID: f.id, FileUniqueID: f.uniqueID, Width: 1280, Height: 960, FileSize: len(f.content)}}
	case m.DocumentFileID != "":
		f := s.files[m.DocumentFileID]
		msg.Document = &models.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: int64(len(f.content))}
	case m.VideoFileID != "":
		f := s.files[m.VideoFileID]
		msg.Video = &models.Video{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: int64(len(f.content))}
	}
	msg.MediaGroupID = m.MediaGroupID
	return msg
}

func setMedia(m *SentMessage, kind, fileID string) {
	switch kind {
	case "photo":
		m.Photo = fileID
	case "video":
		m.VideoFileID = fileID
	default:
		m.DocumentFileID = fileID
	}
}

// inputFile resolves a file field: a known file_id, a URL, or an uploaded part.
func (s *Server) inputFile(req *request, field string) (storedFile, *apiError) {
	if up, ok := req.files[field]; ok {
		return s.addFile(up.Content, "uploads/"+up.FileName), nil
	}
	return s.fileRef(req, req.params[field])
}

func (s *Server) fileRef(req *request, ref string) (storedFile, *apiError) {
	switch {
	case ref == "":
		return storedFile{}, badRequest("there is no file in the request")
	case strings.HasPrefix(ref, "attach://"):
		up, ok := req.files[strings.TrimPrefix(ref, "attach://")]
		if !ok {
			return storedFile{}, badRequest("wrong remote file identifier specified: can't find attachment")
		}
		return s.addFile(up.Content, "uploads/"+up.FileName), nil
	case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://"):
		return s.addFile([]byte(ref), "urls/"+fmt.Sprint(len(s.files))), nil
	}
	f, ok := s.files[ref]
	if !ok {
		return storedFile{}, badRequest("wrong file identifier/HTTP URL specified")
	}
	return f, nil
}

func (s *Server) sendMediaGroup(req *request, chatID int64) (any, *apiError) {
	if err := s.canSend(chatID); err != nil {
		return nil, err
	}
	var media []struct {
		Type      string `json:"type"`
		Media     string `json:"media"`
		Caption   string `json:"caption"`
		ParseMode string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(req.params["media"]), &media); err != nil {
		return nil, badRequest("can't parse media JSON object")
	}
	if len(media) < 2 || len(media) > 10 {
		return nil, badRequest("MEDIA_GROUP_INVALID: the number of media must be from 2 to 10")
	}
	kinds := map[string]bool{}
	for _, m := range media {
		kinds[m.Type] = true
	}
	if (kinds["document"] && len(kinds) > 1) || (kinds["audio"] && len(kinds) > 1) {
		return nil, badRequest("document can't be mixed with other media types")
	}
	s.nextFile++
	group := fmt.Sprintf("mg%d", s.nextFile)
	var out []models.Message
	for _, m := range media {
		if m.Caption != "" {
			if err := checkText(m.Caption, m.ParseMode, maxCaption, "caption"); err != nil {
				return nil, err
			}
		}
		f, err := s.fileRef(req, m.Media)
		if err != nil {
			return nil, err
		}
		sm := &SentMessage{Caption: m.Caption, ParseMode: m.ParseMode, MediaGroupID: group}
		setMedia(sm, m.Type, f.id)
		out = append(out, s.asMessage(s.record(chatID, sm)))
	}
	return out, nil
}

func (s *Server) serveFile(w http.ResponseWriter, path string) {
	s.mu.Lock()
	var content []byte
	found := false
	for _, f := range s.files {
		if f.path == path {
			content, found = f.content, true
			break
		}
	}
	s.mu.Unlock()
	if !found {
		http.NotFound(w, nil)
		return
	}
	_, _ = w.Write(content)
}

// getUpdates serves a long poll: it acknowledges what lies below offset, answers at once when
// updates wait, and otherwise waits up to timeout for one.
func (s *Server) getUpdates(req *request) (any, *apiError) {
	p := req.params
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])
	var allowed []string
	if p["allowed_updates"] != "" {
		_ = json.Unmarshal([]byte(p["allowed_updates"]), &allowed)
	}
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)

	s.mu.Lock()
	defer s.mu.Unlock()
	record := func(code int) {
		s.calls = append(s.calls, Call{Method: "getUpdates", Params: p, ErrorCode: code, At: s.opts.Now()})
		s.changed.Broadcast()
	}
	if s.webhookURL != "" {
		record(409)
		return nil, &apiError{code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if failure, _ := s.failureFor("getUpdates", 0); failure != nil {
		record(failure.code)
		return nil, failure
	}
	s.pollSeq++
	me := s.pollSeq
	s.changed.Broadcast() // an older poll still waiting loses with 409
	if offset > 0 {
		kept := s.queue[:0]
		for _, q := range s.queue {
			if q.id >= offset || q.forced {
				kept = append(kept, q)
			}
		}
		s.queue = kept
	}
	timer := time.AfterFunc(time.Until(deadline), func() {
		s.mu.Lock()
		s.changed.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	stop := contextAfter(req, s)
	defer stop()
	for {
		var out []json.RawMessage
		for i, q := range s.queue {
			if len(out) == limit {
				break
			}
			if (q.id >= offset || q.forced) && (len(allowed) == 0 || contains(allowed, q.kind)) {
				out = append(out, q.raw)
				s.queue[i].forced = false
			}
		}
		switch {
		case len(out) > 0:
			record(0)
			return out, nil
		case s.pollSeq != me:
			record(409)
			return nil, &apiError{code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		case s.closed || req.ctx.Err() != nil || !time.Now().Before(deadline):
			record(0)
			return []json.RawMessage{}, nil
		}
		s.changed.Wait()
	}
}

// contextAfter wakes waiters when the request's context ends.
func contextAfter(req *request, s *Server) func() bool {
	return contextAfterFunc(req, func() {
		s.mu.Lock()
		s.changed.Broadcast()
		s.mu.Unlock()
	})
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
