package telegramtest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	tg "github.com/go-telegram/bot"

	"nhacviec/bot/telegramtest"
)

func TestGetMe(t *testing.T) {
	f := setup(t)
	me, err := f.b.GetMe(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != 123456 || !me.IsBot || me.FirstName != "Nhắc việc" || me.Username != "nhacviec_test_bot" {
		t.Fatalf("getMe: %+v", me)
	}
	if *me != f.srv.BotUser() {
		t.Fatalf("getMe %+v, BotUser %+v", me, f.srv.BotUser())
	}
	if f.b.ID() != me.ID {
		t.Fatalf("the client reads bot id %d from the token, getMe says %d", f.b.ID(), me.ID)
	}
	if f.srv.Token() != telegramtest.DefaultToken {
		t.Fatalf("token %q", f.srv.Token())
	}

	other := telegramtest.New(telegramtest.Options{Token: "777:other", BotUsername: "truong_bot"})
	defer other.Close()
	me, err = client(t, other, "777:other").GetMe(f.ctx)
	if err != nil || me.ID != 777 || me.Username != "truong_bot" {
		t.Fatalf("custom options: %+v %v", me, err)
	}
}

func TestWrongToken(t *testing.T) {
	f := setup(t)
	_, err := client(t, f.srv, "123456:WRONG").GetMe(f.ctx)
	if !errors.Is(err, tg.ErrorUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	a := do(t, f.ctx, http.MethodPost, f.srv.URL()+"/bot123456:WRONG/getMe", "", nil)
	if a.Status != 401 || a.OK || a.ErrorCode != 401 || a.Description != "Unauthorized" {
		t.Fatalf("wrong token answer: %+v", a)
	}
	if len(f.srv.Calls()) != 0 {
		t.Fatalf("a call with a wrong token was recorded: %+v", f.srv.Calls())
	}
	a = do(t, f.ctx, http.MethodGet, f.srv.URL()+"/file/bot123456:WRONG/photos/file_1.jpg", "", nil)
	if a.Status != 401 {
		t.Fatalf("download with a wrong token: %+v", a)
	}
}

func TestRoutes(t *testing.T) {
	f := setup(t)
	base := f.srv.URL() + "/bot" + f.srv.Token()
	tests := []struct {
		name, method, url string
		status            int
		description       string
		recorded          string // the method recorded, "" for none
	}{
		{"unknown method", http.MethodPost, base + "/sendTelepathy", 404, "Not Found", "sendTelepathy"},
		{"no method", http.MethodPost, base + "/", 404, "Not Found", ""},
		{"not a bot path", http.MethodGet, f.srv.URL() + "/foo", 404, "Not Found", ""},
		{"unknown file", http.MethodGet, f.srv.URL() + "/file/bot" + f.srv.Token() + "/photos/nope.jpg", 404, "Not Found", ""},
		{"lower case", http.MethodPost, base + "/getme", 200, "", "getMe"},
		{"upper case", http.MethodGet, base + "/GETME", 200, "", "getMe"},
		{"test environment", http.MethodPost, base + "/test/getMe", 200, "", "getMe"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.srv.Reset()
			a := do(t, f.ctx, tc.method, tc.url, "", nil)
			if a.Status != tc.status || a.OK != (tc.status == 200) {
				t.Fatalf("answer: %+v", a)
			}
			if tc.status != 200 && (a.ErrorCode != tc.status || a.Description != tc.description) {
				t.Fatalf("error answer: %+v", a)
			}
			calls := f.srv.Calls()
			switch {
			case tc.recorded == "" && len(calls) != 0:
				t.Fatalf("recorded: %+v", calls)
			case tc.recorded != "" && (len(calls) != 1 || calls[0].Method != tc.recorded):
				t.Fatalf("recorded %+v, want one %s", calls, tc.recorded)
			case tc.recorded != "" && tc.status != 200 && calls[0].ErrorCode != tc.status:
				t.Fatalf("recorded error code %d", calls[0].ErrorCode)
			}
		})
	}
}

// Every encoding a client may use arrives as the same parameters.
func TestRequestEncodings(t *testing.T) {
	srv := telegramtest.New(telegramtest.Options{Now: fixedNow})
	defer srv.Close()
	g := srv.NewSupergroup("Tổ chuyên môn Toán")
	chatID := strconv.FormatInt(g.ID, 10) // a JSON number must arrive exactly as written
	markup := `{"inline_keyboard":[[{"text":"Xem ✅","callback_data":"t:v:1"}]]}`
	text := "Chào Thầy/Cô & các em 👋"
	form := url.Values{"chat_id": {chatID}, "text": {text}, "reply_markup": {markup}, "disable_notification": {"true"}}
	endpoint := srv.URL() + "/bot" + srv.Token() + "/sendMessage"

	multipartBody := func() (string, io.Reader) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for k, v := range form {
			if err := w.WriteField(k, v[0]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return w.FormDataContentType(), &buf
	}
	tests := []struct {
		name string
		send func() apiAnswer
	}{
		{"multipart", func() apiAnswer {
			ct, body := multipartBody()
			return do(t, context.Background(), http.MethodPost, endpoint, ct, body)
		}},
		{"json", func() apiAnswer {
			body := `{"chat_id":` + chatID + `,"text":"` + text + `","reply_markup":` + markup + `,"disable_notification":true,"protect_content":null}`
			return do(t, context.Background(), http.MethodPost, endpoint, "application/json; charset=utf-8", strings.NewReader(body))
		}},
		{"urlencoded", func() apiAnswer {
			return do(t, context.Background(), http.MethodPost, endpoint, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		}},
		{"query string", func() apiAnswer {
			return do(t, context.Background(), http.MethodGet, endpoint+"?"+form.Encode(), "", nil)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			if a := tc.send(); !a.OK {
				t.Fatalf("answer: %+v", a)
			}
			calls := srv.CallsTo("sendMessage")
			if len(calls) != 1 {
				t.Fatalf("calls: %+v", calls)
			}
			p := calls[0].Params
			if p["chat_id"] != chatID || p["text"] != text || p["disable_notification"] != "true" {
				t.Fatalf("params: %q", p)
			}
			if _, ok := p["protect_content"]; ok {
				t.Fatal("a JSON null became a parameter")
			}
			if !strings.Contains(p["reply_markup"], `"callback_data":"t:v:1"`) {
				t.Fatalf("reply_markup: %q", p["reply_markup"])
			}
			m, _ := srv.LastSent(g.ID)
			if b, ok := m.Button("Xem"); !ok || b.Data != "t:v:1" || m.Text != text {
				t.Fatalf("sent: %+v", m)
			}
		})
	}
}

func TestMalformedBodies(t *testing.T) {
	f := setup(t)
	endpoint := f.srv.URL() + "/bot" + f.srv.Token() + "/sendMessage"
	a := do(t, f.ctx, http.MethodPost, endpoint, "application/json", strings.NewReader(`[1,2]`))
	if a.Status != 400 || !strings.HasPrefix(a.Description, "Bad Request: ") {
		t.Fatalf("JSON that is no object: %+v", a)
	}
	a = do(t, f.ctx, http.MethodPost, endpoint, "multipart/form-data; boundary=xyz", strings.NewReader("--xyz\r\nbroken"))
	if a.Status != 400 {
		t.Fatalf("broken multipart: %+v", a)
	}
	if calls := f.srv.CallsTo("sendMessage"); len(calls) != 2 || calls[0].ErrorCode != 400 {
		t.Fatalf("malformed calls are recorded as failed: %+v", calls)
	}
}

func TestErrorShape(t *testing.T) {
	f := setup(t)
	f.srv.Fail(telegramtest.Failure{Method: "sendMessage", Code: 429, RetryAfter: 5, Times: 1})
	a := callJSON(t, f.srv, "sendMessage", map[string]any{"chat_id": f.lan.ID, "text": "x"})
	if a.Status != 429 || a.OK || a.ErrorCode != 429 || a.Description != "Too Many Requests: retry after 5" ||
		a.Parameters == nil || a.Parameters.RetryAfter != 5 || a.Header.Get("Retry-After") != "5" {
		t.Fatalf("429: %+v %+v", a, a.Parameters)
	}
	a = callJSON(t, f.srv, "sendMessage", map[string]any{"chat_id": f.lan.ID, "text": ""})
	if a.Status != 400 || a.ErrorCode != 400 || a.Description != "Bad Request: message text is empty" || a.Parameters != nil {
		t.Fatalf("400: %+v", a)
	}
	a = callJSON(t, f.srv, "sendMessage", map[string]any{"chat_id": f.lan.ID, "text": "x"})
	if a.Status != 200 || !a.OK || !strings.HasPrefix(string(a.Result), `{"message_id":1,`) {
		t.Fatalf("ok: %+v %s", a, a.Result)
	}
}

// Methods the fake does not model are recorded and answered with true.
func TestOtherMethods(t *testing.T) {
	f := setup(t)
	ok, err := f.b.PinChatMessage(f.ctx, &tg.PinChatMessageParams{ChatID: f.lan.ID, MessageID: 1})
	if err != nil || !ok {
		t.Fatalf("pinChatMessage: %v %v", ok, err)
	}
	for _, m := range []string{"logOut", "close"} {
		if a := callJSON(t, f.srv, m, map[string]any{}); !a.OK || string(a.Result) != "true" {
			t.Fatalf("%s: %+v", m, a)
		}
	}
	calls := f.srv.Calls()
	if len(calls) != 3 || calls[0].Method != "pinChatMessage" || calls[0].Params["message_id"] != "1" {
		t.Fatalf("calls: %+v", calls)
	}
}
