package telegramtest

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/go-telegram/bot/models"
)

// The checks Telegram makes on what a bot sends: text lengths, inline keyboards, commands.

const (
	maxTextLen         = 4096 // UTF-16 code units of a message text, after entity parsing
	maxCaptionLen      = 1024 // the same for a caption
	maxCallbackData    = 64   // bytes
	maxCallbackAnswer  = 200  // characters of answerCallbackQuery's text
	maxCommands        = 100
	maxCommandLen      = 32
	maxCommandDescrLen = 256
)

// checkText applies Telegram's rules to a message text (caption false) or a caption: the markup
// parses, a text is not empty, and the parsed length fits.
func checkText(text, parseMode string, caption bool) *apiError {
	plain, _, err := parseText(text, parseMode)
	if err != nil {
		return err
	}
	n := utf16Len(plain)
	if caption {
		if n > maxCaptionLen {
			return badRequest("message caption is too long")
		}
		return nil
	}
	if strings.TrimSpace(plain) == "" {
		return badRequest("message text is empty")
	}
	if n > maxTextLen {
		return badRequest("message is too long")
	}
	return nil
}

// parseReplyMarkup checks reply_markup as Telegram does. For an inline keyboard it returns the
// buttons and the keyboard as canonical JSON (keys sorted), which the message echoes; other
// markups (reply keyboards, remove_keyboard, force_reply) are accepted unless inlineOnly, and
// echo nothing. An empty inline keyboard is no keyboard.
func parseReplyMarkup(raw string, inlineOnly bool) ([][]Button, json.RawMessage, *apiError) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	rawRows, ok := obj["inline_keyboard"]
	if !ok {
		if inlineOnly {
			return nil, nil, badRequest("inline keyboard expected")
		}
		for _, k := range []string{"keyboard", "remove_keyboard", "force_reply"} {
			if _, ok := obj[k]; ok {
				return nil, nil, nil
			}
		}
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	var rows [][]map[string]json.RawMessage
	if err := json.Unmarshal(rawRows, &rows); err != nil {
		return nil, nil, badRequest("can't parse inline keyboard button: field \"inline_keyboard\" must be an Array of Arrays of Objects")
	}
	var keyboard [][]Button
	buttons := 0
	for _, row := range rows {
		var r []Button
		for _, fields := range row {
			b, err := parseButton(fields)
			if err != nil {
				return nil, nil, err
			}
			r = append(r, b)
			buttons++
		}
		keyboard = append(keyboard, r)
	}
	if buttons > 100 {
		return nil, nil, badRequest("too many buttons in the inline keyboard")
	}
	if buttons == 0 {
		return nil, nil, nil
	}
	canonical, err := json.Marshal(map[string]any{"inline_keyboard": rows})
	if err != nil {
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	return keyboard, canonical, nil
}

// parseButton checks one inline keyboard button: a non-empty text and exactly one action, of
// which callback_data is 1–64 bytes, url a link, and copy_text a non-empty text.
func parseButton(fields map[string]json.RawMessage) (Button, *apiError) {
	var b Button
	if fields == nil {
		return b, badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
	}
	if err := json.Unmarshal(fields["text"], &b.Text); err != nil {
		return b, badRequest("can't parse inline keyboard button: Field \"text\" must be of type String")
	}
	if strings.TrimSpace(b.Text) == "" {
		return b, badRequest("can't parse inline keyboard button: Text must be non-empty")
	}
	// copy_text is checked first: go-telegram/bot sends "copy_text":{"text":""} on every button,
	// and Telegram rejects that whatever else the button has.
	if v, ok := fields["copy_text"]; ok {
		var ct struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(v, &ct); err != nil || ct.Text == "" {
			return b, badRequest("BUTTON_COPY_TEXT_INVALID")
		}
	}
	actions := 0
	for k, v := range fields {
		switch k {
		case "text", "icon_custom_emoji_id", "style":
		case "callback_data":
			actions++
			if err := json.Unmarshal(v, &b.Data); err != nil || len(b.Data) < 1 || len(b.Data) > maxCallbackData {
				return b, badRequest("BUTTON_DATA_INVALID")
			}
		case "url":
			actions++
			if err := json.Unmarshal(v, &b.URL); err != nil || !validButtonURL(b.URL) {
				return b, badRequest("BUTTON_URL_INVALID")
			}
		case "pay":
			var pay bool
			if json.Unmarshal(v, &pay) == nil && pay {
				actions++
			}
		case "copy_text", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
			"switch_inline_query_chosen_chat", "callback_game":
			actions++
		}
	}
	switch {
	case actions == 0:
		return b, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	case actions > 1:
		return b, badRequest("can't parse inline keyboard button: exactly one of the optional fields must be used to specify type of the button")
	}
	return b, nil
}

func validButtonURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || strings.ContainsAny(s, " \n\t") {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "tg":
		return true
	}
	return false
}

// checkCommands applies setMyCommands' rules.
func checkCommands(cmds []models.BotCommand) *apiError {
	if len(cmds) > maxCommands {
		return badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, c := range cmds {
		if len(c.Command) < 1 || len(c.Command) > maxCommandLen {
			return badRequest("BOT_COMMAND_INVALID")
		}
		for i := 0; i < len(c.Command); i++ {
			if ch := c.Command[i]; !(ch == '_' || 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9') {
				return badRequest("BOT_COMMAND_INVALID")
			}
		}
		if n := utf16Len(strings.TrimSpace(c.Description)); n < 1 || n > maxCommandDescrLen {
			return badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	return nil
}
