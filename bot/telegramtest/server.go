// Package telegramtest is a fake Telegram Bot API server for tests, benchmarks and the sandbox.
//
// A test starts one with New, points the bot at URL() (NHACVIEC_TELEGRAM_API_URL, or the bot's
// APIURL option) with Token(), and then plays the users: NewUser, SendText, Send (photos,
// documents, replies, albums), Press (a button), EditText, Redeliver. The bot fetches those
// updates with getUpdates like it would from Telegram. What the bot did is read back with Sent
// (every bot message in a chat, as it stands after edits), Calls, CallbackAnswers and Commands,
// and waited for with WaitFor and WaitCalls. Fail and Block make calls fail the way Telegram does
// (403, 429 with retry_after, 5xx, migrate_to_chat_id).
//
// The server checks requests the way Telegram does where it matters to a bot: message length in
// UTF-16 units, HTML markup, callback_data of at most 64 bytes, inline keyboards, "message is not
// modified", callback queries answered once, and no message to a user who never wrote.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// DefaultToken is the token the server accepts unless told otherwise.
const DefaultToken = "123456:TEST-token"

// Options configure a Server.
type Options struct {
	Token       string           // default DefaultToken
	BotUsername string           // default "nhacviec_test_bot"
	Now         func() time.Time // clock for message dates; default time.Now
}

// Server is the fake Bot API server. It is safe for concurrent use.
type Server struct {
	opts Options
	http *httptest.Server
	bot  models.User

	mu      sync.Mutex
	changed *sync.Cond // broadcast on every recorded call and every queued update
	closed  bool
	state
}

// New starts a server.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.BotUsername == "" {
		opts.BotUsername = "nhacviec_test_bot"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, bot: models.User{ID: 123456, IsBot: true, FirstName: "Nhắc việc", Username: opts.BotUsername}}
	s.changed = sync.NewCond(&s.mu)
	s.state = newState()
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the server's base URL, to use as the bot's API server.
func (s *Server) URL() string { return s.http.URL }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// BotUser is the bot as getMe describes it.
func (s *Server) BotUser() models.User { return s.bot }

// Close stops the server; pending long polls return.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.changed.Broadcast()
	s.mu.Unlock()
	s.http.CloseClientConnections()
	s.http.Close()
}

// apiError is a Bot API error answer.
type apiError struct {
	code        int
	description string
	retryAfter  int
	migrateTo   int64
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.description) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: 400, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// request is a decoded Bot API call.
type request struct {
	method string
	params map[string]string
	files  map[string]UploadedFile
	ctx    context.Context
}

// UploadedFile is a file part of a multipart request.
type UploadedFile struct {
	FileName string
	Content  []byte
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/file/bot"); ok {
		token, filePath, _ := strings.Cut(rest, "/")
		if token != s.opts.Token {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		s.serveFile(w, filePath)
		return
	}
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		writeError(w, &apiError{code: 404, description: "Not Found"})
		return
	}
	token, method, _ := strings.Cut(rest, "/")
	if token != s.opts.Token {
		writeError(w, &apiError{code: 401, description: "Unauthorized"})
		return
	}
	req, err := decode(r)
	if err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	req.method = canonicalMethod(method)
	req.ctx = r.Context()
	result, apiErr := s.dispatch(req)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	data, err := json.Marshal(result)
	if err != nil {
		writeError(w, &apiError{code: 500, description: "Internal Server Error: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"result":%s}`, data)
}

func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"ok": false, "error_code": e.code, "description": e.description}
	params := map[string]any{}
	if e.retryAfter > 0 {
		params["retry_after"] = e.retryAfter
	}
	if e.migrateTo != 0 {
		params["migrate_to_chat_id"] = e.migrateTo
	}
	if len(params) > 0 {
		body["parameters"] = params
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.code)
	_ = json.NewEncoder(w).Encode(body)
}

// decode reads a call's parameters from multipart/form-data (what go-telegram/bot sends), JSON,
// a url-encoded form, or the query string.
func decode(r *http.Request) (*request, error) {
	req := &request{params: map[string]string{}, files: map[string]UploadedFile{}}
	for k, v := range r.URL.Query() {
		req.params[k] = v[0]
	}
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr := multipart.NewReader(r.Body, ctParams["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break // also a body with no parts at all, as go-telegram/bot sends for getMe
			}
			if err != nil {
				return nil, fmt.Errorf("multipart: %w", err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, err
			}
			if part.FileName() != "" {
				req.files[part.FormName()] = UploadedFile{FileName: part.FileName(), Content: data}
			} else {
				req.params[part.FormName()] = string(data)
			}
		}
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil && err != io.EOF {
			return nil, fmt.Errorf("json: %w", err)
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				req.params[k] = s
				continue
			}
			data, _ := json.Marshal(v)
			req.params[k] = string(data)
		}
	case "application/x-www-form-urlencoded":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range form {
			req.params[k] = v[0]
		}
	}
	return req, nil
}

// canonicalMethod gives a method name Telegram's camelCase spelling; names are case-insensitive.
func canonicalMethod(m string) string {
	for _, known := range knownMethods {
		if strings.EqualFold(known, m) {
			return known
		}
	}
	return m
}

var knownMethods = []string{
	"getMe", "logOut", "close", "getUpdates", "sendMessage", "editMessageText", "editMessageReplyMarkup",
	"deleteMessage", "answerCallbackQuery", "sendPhoto", "sendDocument", "sendVideo", "sendMediaGroup",
	"getFile", "setMyCommands", "getMyCommands", "deleteMyCommands", "sendChatAction", "setWebhook",
	"deleteWebhook", "getWebhookInfo",
}
