package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// defaultAPIURL is Telegram's Bot API server.
const defaultAPIURL = "https://api.telegram.org"

// api talks to the Bot API server: go-telegram/bot for the methods we call, and a small getUpdates
// of our own, because the library's poller acknowledges updates before they are stored.
type api struct {
	client *tg.Bot
	http   *http.Client
	url    string
	token  string
	log    *slog.Logger
}

func newAPI(token, url string, pollTimeout time.Duration, log *slog.Logger) (*api, error) {
	if url == "" {
		url = defaultAPIURL
	}
	url = strings.TrimRight(url, "/")
	// One transport for every call, keeping enough connections alive for all the workers: the
	// default keeps two, and each worker beyond would dial a new connection for every message.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	a := &api{
		// A long poll holds the request for pollTimeout; the client waits a good margin longer.
		http:  &http.Client{Timeout: pollTimeout + 30*time.Second, Transport: transport},
		url:   url,
		token: token,
		log:   log,
	}
	opts := []tg.Option{
		tg.WithSkipGetMe(),
		tg.WithServerURL(url),
		tg.WithHTTPClient(pollTimeout, &http.Client{Timeout: 60 * time.Second, Transport: wholeBody{transport}}),
		tg.WithErrorsHandler(func(err error) { log.Warn("telegram client", "err", a.redact(err)) }),
		tg.WithDebugHandler(func(string, ...any) {}),
	}
	c, err := tg.New(token, opts...)
	if err != nil {
		return nil, fmt.Errorf("bot: telegram client: %w", a.redact(err))
	}
	a.client = c
	return a, nil
}

// wholeBody sends each request body in one piece. go-telegram/bot streams its multipart form
// through a pipe, which net/http sends chunked, a write per form field; reading it first gives a
// Content-Length and one write.
type wholeBody struct{ next http.RoundTripper }

func (w wholeBody) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.ContentLength <= 0 {
		data, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(data))
		req.ContentLength = int64(len(data))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
	return w.next.RoundTrip(req)
}

// redact removes the token from an error before it is logged or returned.
func (a *api) redact(err error) error {
	if err == nil || a.token == "" || !strings.Contains(err.Error(), a.token) {
		return err
	}
	return redactedError{msg: strings.ReplaceAll(err.Error(), a.token, "***"), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }

// getMe asks the server who the bot is.
func (a *api) getMe(ctx context.Context) (*models.User, error) {
	u, err := a.client.GetMe(ctx)
	return u, a.redact(err)
}

// rawUpdate is one update as it arrived, with the fields intake needs.
type rawUpdate struct {
	ID      int64
	ChatID  int64
	Payload []byte
}

// errConflict means another poller or a webhook holds the bot's updates.
var errConflict = errors.New("bot: another instance is polling, or a webhook is set")

// errUnauthorized means the server rejected the token.
var errUnauthorized = errors.New("bot: the Bot API server rejected the token")

// allowedUpdates are the update kinds nhacviec handles.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// getUpdates fetches updates from offset on, waiting up to timeout for the first one.
func (a *api) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]rawUpdate, error) {
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(timeout / time.Second),
		"limit":           100,
		"allowed_updates": allowedUpdates,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"/bot"+a.token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, a.redact(fmt.Errorf("bot: getUpdates: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, a.redact(fmt.Errorf("bot: getUpdates: %w", err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, a.redact(fmt.Errorf("bot: getUpdates: %w", err))
	}
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("bot: getUpdates: HTTP %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		switch r.ErrorCode {
		case http.StatusConflict:
			return nil, fmt.Errorf("%w: %s", errConflict, r.Description)
		case http.StatusUnauthorized, http.StatusNotFound:
			return nil, fmt.Errorf("%w: %s", errUnauthorized, r.Description)
		case http.StatusTooManyRequests:
			return nil, &tg.TooManyRequestsError{Message: r.Description, RetryAfter: r.Parameters.RetryAfter}
		}
		return nil, fmt.Errorf("bot: getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	out := make([]rawUpdate, 0, len(r.Result))
	for _, raw := range r.Result {
		var head updateHead
		if err := json.Unmarshal(raw, &head); err != nil || head.ID == 0 {
			// Without an id it cannot be stored or acknowledged; Telegram never sends such a thing.
			a.log.Error("telegram sent an update without an id", "err", err)
			continue
		}
		out = append(out, rawUpdate{ID: head.ID, ChatID: head.chat(), Payload: raw})
	}
	return out, nil
}

// updateHead is the little of an update that intake needs: its id and its chat. The handler reads
// the whole update later.
type updateHead struct {
	ID      int64 `json:"update_id"`
	Message *struct {
		Chat struct{ ID int64 } `json:"chat"`
	} `json:"message"`
	EditedMessage *struct {
		Chat struct{ ID int64 } `json:"chat"`
	} `json:"edited_message"`
	CallbackQuery *struct {
		From    struct{ ID int64 } `json:"from"`
		Message *struct {
			Chat struct{ ID int64 } `json:"chat"`
		} `json:"message"`
	} `json:"callback_query"`
	MyChatMember *struct {
		Chat struct{ ID int64 } `json:"chat"`
	} `json:"my_chat_member"`
}

// chat returns the chat whose updates must be handled in order with this one.
func (h updateHead) chat() int64 {
	switch {
	case h.Message != nil:
		return h.Message.Chat.ID
	case h.EditedMessage != nil:
		return h.EditedMessage.Chat.ID
	case h.CallbackQuery != nil:
		if m := h.CallbackQuery.Message; m != nil && m.Chat.ID != 0 {
			return m.Chat.ID
		}
		return h.CallbackQuery.From.ID
	case h.MyChatMember != nil:
		return h.MyChatMember.Chat.ID
	}
	return 0
}
