package telegramtest

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"unicode/utf16"
)

// The checks Telegram makes on what a bot sends.

const (
	maxText    = 4096
	maxCaption = 1024
)

// parsedLength is the length Telegram counts: UTF-16 units of the text after entity parsing.
func parsedLength(text, parseMode string) (int, *apiError) {
	if parseMode == "HTML" {
		plain, err := parseHTML(text)
		if err != nil {
			return 0, badRequest("can't parse entities: %v", err)
		}
		text = plain
	}
	return len(utf16.Encode([]rune(text))), nil
}

var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true, "strike": true,
	"del": true, "a": true, "code": true, "pre": true, "tg-spoiler": true, "span": true, "blockquote": true,
	"tg-emoji": true,
}

// parseHTML checks Telegram's HTML subset and returns the plain text.
func parseHTML(s string) (string, error) {
	var plain strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+j]
			closing := strings.HasPrefix(tag, "/")
			name := strings.TrimPrefix(tag, "/")
			if k := strings.IndexAny(name, " \t\n"); k >= 0 {
				name = name[:k]
			}
			name = strings.ToLower(name)
			if !htmlTags[name] {
				return "", fmt.Errorf("unsupported start tag \"%s\" at byte offset %d", name, i)
			}
			if closing {
				if len(open) == 0 || open[len(open)-1] != name {
					return "", fmt.Errorf("unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, last(open), name)
				}
				open = open[:len(open)-1]
			} else {
				open = append(open, name)
			}
			i += j + 1
		case '>':
			return "", fmt.Errorf("character '>' is reserved at byte offset %d", i)
		case '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 || j > 10 {
				return "", fmt.Errorf("character '&' is reserved at byte offset %d", i)
			}
			ent := s[i : i+j+1]
			dec := html.UnescapeString(ent)
			switch {
			case ent == "&lt;" || ent == "&gt;" || ent == "&amp;" || ent == "&quot;":
			case strings.HasPrefix(ent, "&#") && dec != ent:
			default:
				return "", fmt.Errorf("unsupported HTML entity %q at byte offset %d", ent, i)
			}
			plain.WriteString(dec)
			i += j + 1
		default:
			plain.WriteByte(c)
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("can't find end tag corresponding to start tag \"%s\"", last(open))
	}
	return plain.String(), nil
}

func last(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[len(ss)-1]
}

// checkText applies sendMessage's rules to a text.
func checkText(text, parseMode string, limit int, what string) *apiError {
	if parseMode != "" && parseMode != "HTML" && parseMode != "MarkdownV2" && parseMode != "Markdown" {
		return badRequest("unsupported parse_mode")
	}
	n, err := parsedLength(text, parseMode)
	if err != nil {
		return err
	}
	if what == "text" && strings.TrimSpace(text) == "" {
		return badRequest("message text is empty")
	}
	if n > limit {
		if what == "caption" {
			return badRequest("message caption is too long")
		}
		return badRequest("message is too long")
	}
	return nil
}

// parseKeyboard checks an inline keyboard as Telegram does and returns its buttons.
func parseKeyboard(raw string) ([][]Button, json.RawMessage, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil, nil
	}
	var kb struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if kb.InlineKeyboard == nil {
		return nil, json.RawMessage(raw), nil // another kind of markup: not checked
	}
	var rows [][]Button
	for _, row := range kb.InlineKeyboard {
		var r []Button
		for _, fields := range row {
			var b Button
			if err := json.Unmarshal(fields["text"], &b.Text); err != nil || b.Text == "" {
				return nil, nil, badRequest("can't parse inline keyboard button: Text must be non-empty")
			}
			kinds := 0
			for k, v := range fields {
				switch k {
				case "text", "icon_custom_emoji_id", "style":
				case "callback_data":
					kinds++
					_ = json.Unmarshal(v, &b.Data)
					if len(b.Data) == 0 || len(b.Data) > 64 {
						return nil, nil, badRequest("BUTTON_DATA_INVALID")
					}
				case "url":
					kinds++
					_ = json.Unmarshal(v, &b.URL)
					if !strings.HasPrefix(b.URL, "http://") && !strings.HasPrefix(b.URL, "https://") && !strings.HasPrefix(b.URL, "tg://") {
						return nil, nil, badRequest("BUTTON_URL_INVALID")
					}
				case "copy_text":
					kinds++
					var ct struct {
						Text string `json:"text"`
					}
					_ = json.Unmarshal(v, &ct)
					if ct.Text == "" {
						return nil, nil, badRequest("BUTTON_COPY_TEXT_INVALID")
					}
				default:
					kinds++
				}
			}
			if kinds == 0 {
				return nil, nil, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			r = append(r, b)
		}
		rows = append(rows, r)
	}
	return rows, json.RawMessage(raw), nil
}
