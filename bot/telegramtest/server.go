// Package telegramtest is a fake Telegram Bot API server for end-to-end tests, benchmarks and the
// in-process sandbox. It is built on net/http/httptest and does not import package testing.
//
// A test starts a server, points the bot at it, plays the users and then looks at what the bot
// did:
//
//	srv := telegramtest.New(telegramtest.Options{Now: clock.Now})
//	defer srv.Close()
//	// The bot uses srv.URL() as its API server and srv.Token() as its token, e.g.
//	// bot.New(srv.Token(), bot.WithServerURL(srv.URL())) or NHACVIEC_TELEGRAM_API_URL.
//	lan := srv.NewUser("Nguyễn Thị", "Lan")
//	srv.SendText(lan, "/start")                // queued; the bot fetches it with getUpdates
//	srv.WaitCalls(ctx, "sendMessage", 1)       // wait until the bot has answered
//	m, _ := srv.LastSent(lan.ID)               // the bot's message, as it stands after edits
//	b, _ := m.Button("Xem")                    // a button of its inline keyboard
//	srv.Press(lan, m.Message(), b.Data)        // the user presses it: a callback_query
//	srv.Fail(telegramtest.Failure{Code: 429, RetryAfter: 3, Times: 1}) // Telegram is busy once
//
// Users and chats come from NewUser, NewGroup and NewSupergroup. Their messages are queued as
// updates with Send, SendText, EditText, Press, QueueUpdate and QueueRaw, and delivered by
// getUpdates with Telegram's semantics: an offset acknowledges, long polls wait, a second poller
// makes the first fail with 409, allowed_updates filters. Redeliver hands an update out again, as
// Telegram sometimes does. WaitPolling tells when the bot has fetched everything and waits for
// more.
//
// Every request the bot makes is recorded as a Call (Calls, CallsTo, WaitFor, WaitCalls). The
// messages the bot sent are kept per chat as SentMessage values (Sent, LastSent), with edits and
// deletions applied. CallbackAnswers, UnansweredCallbacks, Commands and Webhook show the rest.
//
// Requests are checked the way Telegram checks them where it matters to a bot: message length in
// UTF-16 code units after entity parsing, HTML, MarkdownV2 and Markdown markup (with Telegram's
// error messages), callback_data of at most 64 bytes, inline keyboard buttons (including the
// empty copy_text that go-telegram/bot's models.InlineKeyboardButton always sends), "message is
// not modified", callback queries answered once, unknown file ids, replies to missing messages,
// and no message to a chat the server has never seen: a user exists for the bot once made with
// NewUser or once they wrote to it privately; a user seen only in a group has not started the
// bot. The HTML check is stricter than Telegram on purpose: a bare '&' or '>' in text is an
// error, so a user's text the bot forgot to escape is caught even when Telegram would have let
// that one through.
//
// Fail makes calls fail as Telegram does (403, 429 with retry_after, 5xx, 400 with
// migrate_to_chat_id, slow answers) and Block makes a user block the bot.
//
// A Server is safe for concurrent use. Handler serves the same fake API for mounting elsewhere.
package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
)

// DefaultToken is the token a server accepts unless Options.Token says otherwise.
const DefaultToken = "123456:TEST-token"

// DefaultBotUsername is the bot's username unless Options.BotUsername says otherwise.
const DefaultBotUsername = "nhacviec_test_bot"

// maxRequestBytes is the largest request body accepted: Telegram takes uploads up to 50 MB.
const maxRequestBytes = 50<<20 + 1<<20

// Options configure a Server.
type Options struct {
	// Token is the only token the server accepts; other tokens get 401 Unauthorized. Default
	// DefaultToken. The bot's user id is the token's numeric prefix (123456 for DefaultToken), as
	// with Telegram.
	Token string
	// BotUsername is the bot's username in getMe. Default DefaultBotUsername.
	BotUsername string
	// Now is the clock for message dates and Call.At. Default time.Now. Long-poll timeouts and
	// Failure.Delay use real time.
	Now func() time.Time
}

// Server is a fake Bot API server. Make one with New and stop it with Close.
type Server struct {
	opts      Options
	bot       models.User
	http      *httptest.Server
	done      chan struct{} // closed by Close
	closeOnce sync.Once

	mu      sync.Mutex
	changed *sync.Cond // broadcast on every recorded call, queued update and poll state change
	closed  bool
	state
}

// New starts a server on a local port.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.BotUsername == "" {
		opts.BotUsername = DefaultBotUsername
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts: opts,
		bot:  models.User{ID: botID(opts.Token), IsBot: true, FirstName: "Nhắc việc", Username: opts.BotUsername},
		done: make(chan struct{}),
	}
	s.changed = sync.NewCond(&s.mu)
	s.state = newState()
	s.http = httptest.NewServer(s.Handler())
	return s
}

// botID is the numeric prefix of a token, as Telegram and go-telegram/bot's Bot.ID read it.
func botID(token string) int64 {
	prefix, _, _ := strings.Cut(token, ":")
	if id, err := strconv.ParseInt(prefix, 10, 64); err == nil && id > 0 {
		return id
	}
	return 123456
}

// URL is the server's base URL, such as http://127.0.0.1:41234: the bot's API server URL.
func (s *Server) URL() string { return s.http.URL }

// Token is the token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// BotUser is the bot as getMe describes it; it is the sender of every message the bot sends.
func (s *Server) BotUser() models.User { return s.bot }

// Handler is the server's HTTP handler, for mounting the fake API on another server (an
// in-process sandbox). It serves the same state as URL.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops the server. Long polls in progress return, failure delays end, and WaitFor and
// WaitCalls return ErrClosed. The recorded state can still be read after Close.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.done)
		s.changed.Broadcast()
		s.mu.Unlock()
		s.http.CloseClientConnections()
		s.http.Close()
	})
}

// ErrClosed is returned by WaitFor, WaitCalls and WaitPolling once the server is closed.
var ErrClosed = errors.New("telegramtest: server closed")

// apiError is a Bot API error answer.
type apiError struct {
	code        int
	description string
	retryAfter  int
	migrateTo   int64
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.description) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func forbidden(reason string) *apiError {
	return &apiError{code: http.StatusForbidden, description: "Forbidden: " + reason}
}

var (
	errUnauthorized = &apiError{code: http.StatusUnauthorized, description: "Unauthorized"}
	errNotFound     = &apiError{code: http.StatusNotFound, description: "Not Found"}
	errTooLarge     = &apiError{code: http.StatusRequestEntityTooLarge, description: "Request Entity Too Large"}
)

// statusClientClosed is recorded for a call whose client went away during an injected delay.
const statusClientClosed = 499

// UploadedFile is a file part of a multipart request.
type UploadedFile struct {
	FileName string
	Content  []byte
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		token, filePath, _ := strings.Cut(rest, "/")
		if token != s.opts.Token {
			writeError(w, errUnauthorized)
			return
		}
		s.serveFile(w, filePath)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeError(w, errNotFound)
		return
	}
	token, name, _ := strings.Cut(rest, "/")
	if token != s.opts.Token {
		writeError(w, errUnauthorized)
		return
	}
	name = strings.TrimPrefix(name, "test/") // the test environment's path, as go-telegram/bot builds it
	if name == "" || strings.Contains(name, "/") {
		writeError(w, errNotFound)
		return
	}
	params, files, decodeErr := decodeRequest(w, r)
	method, known := canonicalMethod(name)
	if !known {
		s.recordCall(name, params, files, http.StatusNotFound)
		writeError(w, errNotFound)
		return
	}
	if decodeErr != nil {
		s.recordCall(method, params, files, decodeErr.code)
		writeError(w, decodeErr)
		return
	}
	result, apiErr := s.dispatch(r.Context(), method, params, files)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeResult(w, result)
}

// recordCall records a call that never reached dispatch.
func (s *Server) recordCall(method string, params map[string]string, files map[string]UploadedFile, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record(method, params, files, code)
}

func writeResult(w http.ResponseWriter, result any) {
	data, ok := result.(json.RawMessage)
	if !ok {
		var err error
		if data, err = json.Marshal(result); err != nil {
			writeError(w, &apiError{code: http.StatusInternalServerError, description: "Internal Server Error"})
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	var body bytes.Buffer
	body.WriteString(`{"ok":true,"result":`)
	body.Write(data)
	body.WriteString("}")
	_, _ = w.Write(body.Bytes())
}

func writeError(w http.ResponseWriter, e *apiError) {
	type parameters struct {
		RetryAfter      int   `json:"retry_after,omitempty"`
		MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	}
	body := struct {
		OK          bool        `json:"ok"`
		ErrorCode   int         `json:"error_code"`
		Description string      `json:"description"`
		Parameters  *parameters `json:"parameters,omitempty"`
	}{ErrorCode: e.code, Description: e.description}
	if e.retryAfter > 0 || e.migrateTo != 0 {
		body.Parameters = &parameters{RetryAfter: e.retryAfter, MigrateToChatID: e.migrateTo}
	}
	w.Header().Set("Content-Type", "application/json")
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	w.WriteHeader(e.code)
	_ = json.NewEncoder(w).Encode(body)
}

// decodeRequest reads a call's parameters from the query string and from a multipart/form-data
// (what go-telegram/bot sends), application/json or application/x-www-form-urlencoded body.
// Every parameter becomes a string: JSON-valued ones (reply_markup, media…) as JSON text.
func decodeRequest(w http.ResponseWriter, r *http.Request) (map[string]string, map[string]UploadedFile, *apiError) {
	params := map[string]string{}
	files := map[string]UploadedFile{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	if r.Body == nil {
		return params, files, nil
	}
	body := http.MaxBytesReader(w, r.Body, maxRequestBytes)
	// Read the body to its end even when the parameters end sooner (a multipart reader stops at
	// the closing boundary): only then does net/http notice a client that goes away, and cancel
	// the request's context that long polls and delays wait on.
	defer func() { _, _ = io.Copy(io.Discard, body) }()
	readErr := func(err error, what string) *apiError {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		return badRequest("can't parse %s: %v", what, err)
	}
	contentType, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch contentType {
	case "multipart/form-data":
		mr := multipart.NewReader(body, ctParams["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break // also an empty body, which go-telegram/bot sends for calls without parameters
			}
			if err != nil {
				return params, files, readErr(err, "multipart/form-data")
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return params, files, readErr(err, "multipart/form-data")
			}
			if fileName, isFile := partFileName(part); isFile {
				files[part.FormName()] = UploadedFile{FileName: fileName, Content: data}
			} else {
				params[part.FormName()] = string(data)
			}
		}
	case "application/json":
		data, err := io.ReadAll(body)
		if err != nil {
			return params, files, readErr(err, "JSON")
		}
		if len(bytes.TrimSpace(data)) == 0 {
			break
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(data, &fields); err != nil {
			return params, files, badRequest("can't parse JSON object")
		}
		for k, v := range fields {
			if value, ok := jsonParam(v); ok {
				params[k] = value
			}
		}
	case "application/x-www-form-urlencoded":
		data, err := io.ReadAll(body)
		if err != nil {
			return params, files, readErr(err, "form")
		}
		form, err := url.ParseQuery(string(data))
		if err != nil {
			return params, files, readErr(err, "form")
		}
		for k, v := range form {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
	}
	return params, files, nil
}

// partFileName tells a file part (one with a filename, even an empty one) from a form field.
func partFileName(part *multipart.Part) (string, bool) {
	_, dispParams, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false
	}
	name, ok := dispParams["filename"]
	return name, ok
}

// jsonParam turns one value of a JSON request into a parameter string: strings as they are,
// numbers and booleans as written, objects and arrays as JSON text. null is no parameter.
func jsonParam(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, true
		}
	}
	return string(raw), true
}

// canonicalMethod gives a method Telegram's camelCase name; method names are case-insensitive.
// It reports false for a name that is no Bot API method.
func canonicalMethod(name string) (string, bool) {
	m, ok := methodNames[strings.ToLower(name)]
	return m, ok
}

// methodNames maps lowercased Bot API method names to their canonical spelling.
var methodNames = func() map[string]string {
	m := map[string]string{}
	for _, name := range strings.Fields(botAPIMethods) {
		m[strings.ToLower(name)] = name
	}
	return m
}()

// botAPIMethods lists the Bot API methods (those go-telegram/bot v1.19.0 calls, and getUpdates).
const botAPIMethods = `
addStickerToSet answerCallbackQuery answerInlineQuery answerPreCheckoutQuery answerShippingQuery
answerWebAppQuery approveChatJoinRequest approveSuggestedPost banChatMember banChatSenderChat close
closeForumTopic closeGeneralForumTopic convertGiftToStars copyMessage copyMessages
createChatInviteLink createChatSubscriptionInviteLink createForumTopic createInvoiceLink
createNewStickerSet declineChatJoinRequest declineSuggestedPost deleteBusinessMessages
deleteChatPhoto deleteChatStickerSet deleteForumTopic deleteMessage deleteMessages
deleteMyCommands deleteStickerFromSet deleteStickerSet deleteStory deleteWebhook
editChatInviteLink editChatSubscriptionInviteLink editForumTopic editGeneralForumTopic
editMessageCaption editMessageChecklist editMessageLiveLocation editMessageMedia
editMessageReplyMarkup editMessageText editStory editUserStarSubscription exportChatInviteLink
forwardMessage forwardMessages getAvailableGifts getBusinessAccountGifts
getBusinessAccountStarBalance getBusinessConnection getChat getChatAdministrators getChatGifts
getChatMember getChatMemberCount getChatMenuButton getCustomEmojiStickers getFile
getForumTopicIconStickers getGameHighScores getMe getMyCommands getMyDescription getMyName
getMyShortDescription getMyStarBalance getStarTransactions getStickerSet getUpdates
getUserChatBoosts getUserGifts getUserProfileAudios getUserProfilePhotos getWebhookInfo
giftPremiumSubscription hideGeneralForumTopic leaveChat logOut pinChatMessage postStory
promoteChatMember readBusinessMessage refundStarPayment removeBusinessAccountProfilePhoto
removeChatVerification removeMyProfilePhoto removeUserVerification reopenForumTopic
reopenGeneralForumTopic replaceStickerInSet repostStory restrictChatMember revokeChatInviteLink
savePreparedInlineMessage sendAnimation sendAudio sendChatAction sendChecklist sendContact
sendDice sendDocument sendGame sendGift sendInvoice sendLocation sendMediaGroup sendMessage
sendMessageDraft sendPaidMedia sendPhoto sendPoll sendSticker sendVenue sendVideo sendVideoNote
sendVoice setBusinessAccountBio setBusinessAccountGiftSettings setBusinessAccountName
setBusinessAccountProfilePhoto setBusinessAccountUsername setChatAdministratorCustomTitle
setChatDescription setChatMenuButton setChatPermissions setChatPhoto setChatStickerSet
setChatTitle setCustomEmojiStickerSetThumbnail setGameScore setMessageReaction setMyCommands
setMyDefaultAdministratorRights setMyDescription setMyName setMyProfilePhoto
setMyShortDescription setPassportDataErrors setStickerEmojiList setStickerKeywords
setStickerMaskPosition setStickerPositionInSet setStickerSetThumbnail setStickerSetTitle
setUserEmojiStatus setWebhook stopMessageLiveLocation stopPoll transferBusinessAccountStars
transferGift unbanChatMember unbanChatSenderChat unhideGeneralForumTopic unpinAllChatMessages
unpinAllForumTopicMessages unpinAllGeneralForumTopicMessages unpinChatMessage upgradeGift
uploadStickerFile verifyChat verifyUser
`
