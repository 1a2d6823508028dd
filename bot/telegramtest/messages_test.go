package telegramtest_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

func TestSendMessage(t *testing.T) {
	f := setup(t)
	msg, err := f.b.SendMessage(f.ctx, sendKB(f.lan.ID, `<b>Chào</b> Thầy/Cô &amp; các em, <a href="https://t.me/nhacviec_test_bot?start=nv12">nhiệm vụ 12</a>`,
		keyboard(row(cbButton{"Xem ✅", "t:v:12"}, cbButton{"Báo cáo", "t:r:12"}))))
	if err != nil {
		t.Fatal(err)
	}
	plain := "Chào Thầy/Cô & các em, nhiệm vụ 12"
	if msg.ID != 1 || msg.From == nil || msg.From.ID != f.srv.BotUser().ID || msg.Chat.ID != f.lan.ID || msg.Date != int(t0.Unix()) || msg.Text != plain {
		t.Fatalf("returned message: %+v", msg)
	}
	wantEntities := []models.MessageEntity{
		{Type: models.MessageEntityTypeBold, Offset: 0, Length: 4},
		{Type: models.MessageEntityTypeTextLink, Offset: 23, Length: 11, URL: "https://t.me/nhacviec_test_bot?start=nv12"},
	}
	if !reflect.DeepEqual(msg.Entities, wantEntities) {
		t.Fatalf("entities %+v", msg.Entities)
	}
	if msg.ReplyMarkup == nil || msg.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "t:r:12" {
		t.Fatalf("reply_markup not echoed: %+v", msg.ReplyMarkup)
	}
	m, ok := f.srv.LastSent(f.lan.ID)
	if !ok || m.MessageID != msg.ID || m.ChatID != f.lan.ID || m.ParseMode != "HTML" || m.PlainText() != plain || m.Date != int(t0.Unix()) {
		t.Fatalf("sent: %+v", m)
	}
	if b, ok := m.Button("Báo"); !ok || b != (telegramtest.Button{Text: "Báo cáo", Data: "t:r:12"}) {
		t.Fatalf("button: %+v %v", b, ok)
	}
	if _, ok := m.Button("Xoá"); ok {
		t.Fatal("a button that is not there")
	}
	if got := m.Message(); got.Text != plain || !reflect.DeepEqual(got.Entities, wantEntities) || got.ReplyMarkup == nil || got.From.ID != f.srv.BotUser().ID {
		t.Fatalf("Message(): %+v", got)
	}
	if _, ok := f.srv.LastSent(-42); ok {
		t.Fatal("LastSent of an unknown chat")
	}
}

func TestTextValidation(t *testing.T) {
	f := setup(t)
	tests := []struct {
		name, text, parseMode, want string // want "" is accepted
	}{
		{"plain", "Chào", "", ""},
		{"empty", "", "", "message text is empty"},
		{"only spaces", " \n ", "", "message text is empty"},
		{"empty after markup", "<b> </b>", "HTML", "message text is empty"},
		{"4096 letters", strings.Repeat("a", 4096), "", ""},
		{"4097 letters", strings.Repeat("a", 4097), "", "message is too long"},
		{"4096 Vietnamese letters", strings.Repeat("ệ", 4096), "", ""},
		{"2048 emoji are 4096 UTF-16 units", strings.Repeat("😀", 2048), "", ""},
		{"4096 emoji are 8192 UTF-16 units", strings.Repeat("😀", 4096), "", "message is too long"},
		{"tags do not count", "<b>" + strings.Repeat("a", 4096) + "</b>", "HTML", ""},
		{"entities count once", strings.Repeat("&amp;", 4096), "HTML", ""},
		{"entities count once, too long", strings.Repeat("&amp;", 4097), "HTML", "message is too long"},
		{"unclosed tag", "<b>Chào", "HTML", `can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"unknown tag", "<div>x</div>", "HTML", `can't parse entities: Unsupported start tag "div" at byte offset 0`},
		{"bare <", "3 < 5", "HTML", `Unsupported start tag "" at byte offset 2`},
		{"bare >", "5 > 3", "HTML", "Character '>' at byte offset 2"},
		{"bare &", "Toán & Tin", "HTML", "Character '&' at byte offset 6"}, // "á" is 2 bytes
		{"unknown entity", "&nbsp;", "HTML", "Character '&' at byte offset 0"},
		{"entity without ;", "a &lt b", "HTML", "Character '&' at byte offset 2"},
		{"crossed tags", "<b><i>x</b></i>", "HTML", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"span without class", "<span>x</span>", "HTML", `Tag "span" must have class "tg-spoiler"`},
		{"all the tags", `<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>i</ins><s>s</s><strike>s</strike><del>d</del>` +
			`<a href="https://x.vn">a</a><code>c</code><pre>p</pre><tg-spoiler>t</tg-spoiler><span class="tg-spoiler">s</span>` +
			`<blockquote expandable>q</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&amp;&quot;&#39;&#x1F600;`, "HTML", ""},
		{"MarkdownV2", `*Chào* _Thầy\/Cô_ \- 80%`, "MarkdownV2", ""},
		{"MarkdownV2 reserved", "Hạn 15.12", "MarkdownV2", "can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"},
		{"MarkdownV2 unclosed", "*đậm", "MarkdownV2", "can't parse entities: Can't find end of Bold entity at byte offset 0"},
		{"Markdown", "*đậm* _nghiêng_", "Markdown", ""},
		{"unknown parse mode", "x", "BBCode", "unsupported parse_mode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.b.SendMessage(f.ctx, &tg.SendMessageParams{ChatID: f.lan.ID, Text: tc.text, ParseMode: models.ParseMode(tc.parseMode)})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantBadRequest(t, err, tc.want)
		})
	}
	// Only what was accepted was sent.
	var accepted int
	for _, tc := range tests {
		if tc.want == "" {
			accepted++
		}
	}
	if n := len(f.srv.Sent(f.lan.ID)); n != accepted {
		t.Fatalf("%d messages stored, want %d", n, accepted)
	}
}

func TestInlineKeyboardValidation(t *testing.T) {
	f := setup(t)
	vietnamese64 := strings.Repeat("ệ", 21) + "a"  // 21×3+1 = 64 bytes, 22 characters
	vietnamese65 := strings.Repeat("ệ", 21) + "ab" // 65 bytes, 23 characters
	type anyButton map[string]any
	kb := func(buttons ...anyButton) any { return map[string]any{"inline_keyboard": [][]anyButton{buttons}} }
	tests := []struct {
		name   string
		markup any
		want   string // "" is accepted
	}{
		{"callback", keyboard(row(cbButton{"Xem", "t:1"})), ""},
		{"64 bytes of Vietnamese", keyboard(row(cbButton{"Xem", vietnamese64})), ""},
		{"65 bytes of Vietnamese", keyboard(row(cbButton{"Xem", vietnamese65})), "BUTTON_DATA_INVALID"},
		{"empty callback data", kb(anyButton{"text": "x", "callback_data": ""}), "BUTTON_DATA_INVALID"},
		{"text only", keyboard(row(cbButton{Text: "Chỉ chữ"})), "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"empty copy_text", kb(anyButton{"text": "x", "callback_data": "a", "copy_text": map[string]string{"text": ""}}), "BUTTON_COPY_TEXT_INVALID"},
		{"copy_text", kb(anyButton{"text": "Sao chép mã", "copy_text": map[string]string{"text": "TH_A-7Q2"}}), ""},
		{"go-telegram's own keyboard type", models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Xem", CallbackData: "t:1"}}}}, "BUTTON_COPY_TEXT_INVALID"},
		{"url", kb(anyButton{"text": "Mở", "url": "https://t.me/nhacviec_test_bot?start=nv1"}), ""},
		{"bad url", kb(anyButton{"text": "Mở", "url": "t.me/x"}), "BUTTON_URL_INVALID"},
		{"two actions", kb(anyButton{"text": "x", "callback_data": "a", "url": "https://x.vn"}), "exactly one of the optional fields"},
		{"empty text", kb(anyButton{"text": "", "callback_data": "a"}), "Text must be non-empty"},
		{"not JSON", "{", "can't parse reply keyboard markup JSON object"},
		{"reply keyboard", map[string]any{"keyboard": [][]map[string]string{{{"text": "Có"}}}, "resize_keyboard": true}, ""},
		{"remove keyboard", map[string]any{"remove_keyboard": true}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.b.SendMessage(f.ctx, sendKB(f.lan.ID, "x", tc.markup))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantBadRequest(t, err, tc.want)
		})
	}
	sent := f.srv.Sent(f.lan.ID)
	if sent[1].Keyboard[0][0].Data != vietnamese64 {
		t.Fatalf("callback data %q", sent[1].Keyboard[0][0].Data)
	}
	if b, ok := sent[3].Button("Mở"); !ok || b.URL != "https://t.me/nhacviec_test_bot?start=nv1" {
		t.Fatalf("url button %+v", sent[3].Keyboard)
	}
	if last := sent[len(sent)-1]; last.Keyboard != nil || last.Message().ReplyMarkup != nil {
		t.Fatalf("a reply keyboard is not an inline keyboard: %+v", last)
	}
}

func TestUnknownChats(t *testing.T) {
	f := setup(t)
	_, err := f.b.SendMessage(f.ctx, sendText(777, "x"))
	if !errors.Is(err, tg.ErrorForbidden) || !strings.Contains(err.Error(), "Forbidden: bot can't initiate conversation with a user") {
		t.Fatalf("a user the server never saw: %v", err)
	}
	_, err = f.b.SendMessage(f.ctx, sendText(-777, "x"))
	wantBadRequest(t, err, "Bad Request: chat not found")
	_, err = f.b.SendMessage(f.ctx, &tg.SendMessageParams{ChatID: "@nobody", Text: "x"})
	wantBadRequest(t, err, "chat not found")
	g := f.srv.NewGroup("Tổ Văn")
	if _, err := f.b.SendMessage(f.ctx, sendText(g.ID, "Chào tổ")); err != nil {
		t.Fatal(err)
	}
	// A user who wrote (without NewUser) can be written to.
	hung := models.User{ID: 424242, FirstName: "Hùng"}
	f.srv.SendText(hung, "/start")
	if _, err := f.b.SendMessage(f.ctx, sendText(hung.ID, "Chào")); err != nil {
		t.Fatal(err)
	}
	// A member of a group who never wrote to the bot privately cannot be written to privately.
	tuan := models.User{ID: 535353, FirstName: "Tuấn"}
	f.srv.Send(telegramtest.MessageOpts{From: tuan, Chat: &g, Text: "/nhiemvu@nhacviec_test_bot"})
	_, err = f.b.SendMessage(f.ctx, sendText(tuan.ID, "x"))
	wantErr(t, err, "Forbidden: bot can't initiate conversation with a user")
	f.srv.SendText(tuan, "/start")
	if _, err := f.b.SendMessage(f.ctx, sendText(tuan.ID, "Chào")); err != nil {
		t.Fatal(err)
	}
	if got := f.srv.Sent(777); got != nil {
		t.Fatalf("Sent of an unknown chat: %+v", got)
	}
}

func TestReplies(t *testing.T) {
	f := setup(t)
	_, userMsg := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Text: "/baocao 1 80%"})
	msg, err := f.b.SendMessage(f.ctx, &tg.SendMessageParams{ChatID: f.lan.ID, Text: "Đã lưu", ReplyParameters: &models.ReplyParameters{MessageID: userMsg.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if r := msg.ReplyToMessage; r == nil || r.ID != userMsg.ID || r.Text != "/baocao 1 80%" || r.From.ID != f.lan.ID {
		t.Fatalf("reply_to_message: %+v", msg.ReplyToMessage)
	}
	if m, _ := f.srv.LastSent(f.lan.ID); m.ReplyToMessageID != userMsg.ID || m.Message().ReplyToMessage.ID != userMsg.ID {
		t.Fatalf("sent: %+v", m)
	}
	_, err = f.b.SendMessage(f.ctx, &tg.SendMessageParams{ChatID: f.lan.ID, Text: "x", ReplyParameters: &models.ReplyParameters{MessageID: 99}})
	wantBadRequest(t, err, "message to be replied not found")
	msg, err = f.b.SendMessage(f.ctx, &tg.SendMessageParams{ChatID: f.lan.ID, Text: "x",
		ReplyParameters: &models.ReplyParameters{MessageID: 99, AllowSendingWithoutReply: true}})
	if err != nil || msg.ReplyToMessage != nil {
		t.Fatalf("allow_sending_without_reply: %+v %v", msg, err)
	}
}

func TestEditMessageText(t *testing.T) {
	f := setup(t)
	kb := keyboard(row(cbButton{"▶", "p:2"}))
	msg, err := f.b.SendMessage(f.ctx, sendKB(f.lan.ID, "<b>Trang 1</b>", kb))
	if err != nil {
		t.Fatal(err)
	}
	notModified := "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	_, err = f.b.EditMessageText(f.ctx, editText(f.lan.ID, msg.ID, "<b>Trang 1</b>", kb))
	wantBadRequest(t, err, notModified)
	_, err = f.b.EditMessageText(f.ctx, editText(f.lan.ID, msg.ID, "<strong>Trang 1</strong>", kb))
	wantBadRequest(t, err, notModified) // the same content, written differently
	edited, err := f.b.EditMessageText(f.ctx, editText(f.lan.ID, msg.ID, "<b>Trang 1</b>", keyboard(row(cbButton{"▶", "p:3"}))))
	if err != nil {
		t.Fatalf("a new keyboard is a change: %v", err)
	}
	if edited.ID != msg.ID || edited.EditDate != int(t0.Unix()) || edited.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "p:3" {
		t.Fatalf("edited: %+v", edited)
	}
	if _, err := f.b.EditMessageText(f.ctx, editText(f.lan.ID, msg.ID, "<b>Trang 2</b>", nil)); err != nil {
		t.Fatal(err)
	}
	sent := f.srv.Sent(f.lan.ID)
	if len(sent) != 1 || sent[0].Text != "<b>Trang 2</b>" || sent[0].PlainText() != "Trang 2" || sent[0].Edits != 2 || sent[0].Keyboard != nil {
		t.Fatalf("after edits (no reply_markup removes the keyboard): %+v", sent)
	}
	tests := []struct {
		name  string
		chat  int64
		msgID int
		text  string
		want  string
	}{
		{"missing message", f.lan.ID, 99, "x", "Bad Request: message to edit not found"},
		{"bad HTML", f.lan.ID, msg.ID, "<b>x", "can't parse entities"},
		{"empty", f.lan.ID, msg.ID, "", "message text is empty"},
		{"too long", f.lan.ID, msg.ID, strings.Repeat("😀", 2049), "message is too long"},
		{"unknown chat", -5, msg.ID, "x", "chat not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.b.EditMessageText(f.ctx, editText(tc.chat, tc.msgID, tc.text, nil))
			wantBadRequest(t, err, tc.want)
		})
	}
	_, userMsg := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Text: "của tôi"})
	_, err = f.b.EditMessageText(f.ctx, editText(f.lan.ID, userMsg.ID, "x", nil))
	wantBadRequest(t, err, "message can't be edited")
	if s := f.srv.Sent(f.lan.ID); s[0].Edits != 2 {
		t.Fatalf("failed edits changed the message: %+v", s[0])
	}
}

func TestEditMessageReplyMarkup(t *testing.T) {
	f := setup(t)
	kb := keyboard(row(cbButton{"Xác nhận", "ok:1"}))
	msg, err := f.b.SendMessage(f.ctx, sendKB(f.lan.ID, "Xác nhận?", kb))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.b.EditMessageReplyMarkup(f.ctx, &tg.EditMessageReplyMarkupParams{ChatID: f.lan.ID, MessageID: msg.ID, ReplyMarkup: kb})
	wantBadRequest(t, err, "message is not modified")
	_, err = f.b.EditMessageReplyMarkup(f.ctx, &tg.EditMessageReplyMarkupParams{ChatID: f.lan.ID, MessageID: msg.ID,
		ReplyMarkup: map[string]any{"keyboard": [][]map[string]string{{{"text": "x"}}}}})
	wantBadRequest(t, err, "inline keyboard expected")
	if _, err := f.b.EditMessageReplyMarkup(f.ctx, &tg.EditMessageReplyMarkupParams{ChatID: f.lan.ID, MessageID: msg.ID}); err != nil {
		t.Fatal(err)
	}
	m, _ := f.srv.LastSent(f.lan.ID)
	if m.Keyboard != nil || m.Text != "Xác nhận?" || m.Edits != 1 {
		t.Fatalf("after removing the keyboard: %+v", m)
	}
	_, err = f.b.EditMessageReplyMarkup(f.ctx, &tg.EditMessageReplyMarkupParams{ChatID: f.lan.ID, MessageID: msg.ID})
	wantBadRequest(t, err, "message is not modified")
}

func TestDeleteMessage(t *testing.T) {
	f := setup(t)
	msg, _ := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "tạm"))
	if ok, err := f.b.DeleteMessage(f.ctx, &tg.DeleteMessageParams{ChatID: f.lan.ID, MessageID: msg.ID}); err != nil || !ok {
		t.Fatalf("delete: %v %v", ok, err)
	}
	_, err := f.b.DeleteMessage(f.ctx, &tg.DeleteMessageParams{ChatID: f.lan.ID, MessageID: msg.ID})
	wantBadRequest(t, err, "message to delete not found")
	_, err = f.b.EditMessageText(f.ctx, editText(f.lan.ID, msg.ID, "x", nil))
	wantBadRequest(t, err, "message to edit not found")
	if m, _ := f.srv.LastSent(f.lan.ID); !m.Deleted || m.Text != "tạm" {
		t.Fatalf("deleted message: %+v", m)
	}
	_, userMsg := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Text: "xoá tôi"})
	if _, err := f.b.DeleteMessages(f.ctx, &tg.DeleteMessagesParams{ChatID: f.lan.ID, MessageIDs: []int{userMsg.ID, 77}}); err != nil {
		t.Fatal(err)
	}
	_, err = f.b.DeleteMessage(f.ctx, &tg.DeleteMessageParams{ChatID: f.lan.ID, MessageID: userMsg.ID})
	wantBadRequest(t, err, "message to delete not found")
}

func TestAnswerCallbackQuery(t *testing.T) {
	f := setup(t)
	sent, _ := f.b.SendMessage(f.ctx, sendKB(f.lan.ID, "Chọn", keyboard(row(cbButton{"A", "a"}, cbButton{"B", "b"}))))
	m, _ := f.srv.LastSent(f.lan.ID)
	if sent.ID != m.MessageID {
		t.Fatal("ids differ")
	}
	f.srv.Press(f.lan, m.Message(), "a")
	f.srv.Press(f.lan, m.Message(), "b")
	ups := poll(t, f.srv, nil)
	first, second := ups[0].CallbackQuery.ID, ups[1].CallbackQuery.ID
	if un := f.srv.UnansweredCallbacks(); !reflect.DeepEqual(un, []string{first, second}) {
		t.Fatalf("unanswered %v", un)
	}
	_, err := f.b.AnswerCallbackQuery(f.ctx, answer(first, strings.Repeat("ư", 201)))
	wantBadRequest(t, err, "MESSAGE_TOO_LONG")
	if _, err := f.b.AnswerCallbackQuery(f.ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: first, Text: "Đã lưu", ShowAlert: true}); err != nil {
		t.Fatal(err)
	}
	tooOld := "Bad Request: query is too old and response timeout expired or query ID is invalid"
	_, err = f.b.AnswerCallbackQuery(f.ctx, answer(first, ""))
	wantBadRequest(t, err, tooOld)
	_, err = f.b.AnswerCallbackQuery(f.ctx, answer("123", ""))
	wantBadRequest(t, err, tooOld)
	if a := f.srv.CallbackAnswers(); len(a) != 1 || a[first] != (telegramtest.CallbackAnswer{Text: "Đã lưu", ShowAlert: true}) {
		t.Fatalf("answers %+v", a)
	}
	if un := f.srv.UnansweredCallbacks(); !reflect.DeepEqual(un, []string{second}) {
		t.Fatalf("unanswered %v", un)
	}
	if _, err := f.b.AnswerCallbackQuery(f.ctx, answer(second, "")); err != nil {
		t.Fatal(err)
	}
	if un := f.srv.UnansweredCallbacks(); len(un) != 0 {
		t.Fatalf("unanswered %v", un)
	}
}

func TestSendChatAction(t *testing.T) {
	f := setup(t)
	if ok, err := f.b.SendChatAction(f.ctx, &tg.SendChatActionParams{ChatID: f.lan.ID, Action: models.ChatActionTyping}); err != nil || !ok {
		t.Fatalf("typing: %v %v", ok, err)
	}
	_, err := f.b.SendChatAction(f.ctx, &tg.SendChatActionParams{ChatID: f.lan.ID, Action: "dancing"})
	wantBadRequest(t, err, "wrong parameter action in request")
}
