package telegramtest

import (
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// The checks Telegram makes on what a bot sends.

const (
	maxText    = 4096
	maxCaption = 1024
)

// parsedLength is the length Telegram counts: UTF-16 units of the text after entity parsing.
func parsedLength(text, parseMode string) (int, *apiError) {
	if parseMode == "HTML" {
		plain, _, err := parseHTML(text)
		if err != nil {
			return 0, badRequest("can't parse entities: %v", err)
		}
		text = plain
	}
	return len(utf16.Encode([]rune(text))), nil
}

// htmlTags maps the tags Telegram accepts to the entities they make.
var htmlTags = map[string]models.MessageEntityType{
	"b": models.MessageEntityTypeBold, "strong": models.MessageEntityTypeBold,
	"i": models.MessageEntityTypeItalic, "em": models.MessageEntityTypeItalic,
	"u": models.MessageEntityTypeUnderline, "ins": models.MessageEntityTypeUnderline,
	"s": models.MessageEntityTypeStrikethrough, "strike": models.MessageEntityTypeStrikethrough, "del": models.MessageEntityTypeStrikethrough,
	"a": models.MessageEntityTypeTextLink, "code": models.MessageEntityTypeCode, "pre": models.MessageEntityTypePre,
	"tg-spoiler": models.MessageEntityTypeSpoiler, "span": models.MessageEntityTypeSpoiler,
	"blockquote": models.MessageEntityTypeBlockquote, "tg-emoji": models.MessageEntityTypeCustomEmoji,
}

var hrefRE = regexp.MustCompile(`href\s*=\s*"([^"]*)"`)

// parseHTML checks Telegram's HTML subset and returns the plain text and its entities, with
// offsets in UTF-16 units, as Telegram would put them in the message.
func parseHTML(s string) (string, []models.MessageEntity, error) {
	var plain strings.Builder
	type openTag struct {
		name   string
		offset int
		url    string
	}
	var open []openTag
	var entities []models.MessageEntity
	units := 0
	write := func(text string) {
		plain.WriteString(text)
		units += len(utf16.Encode([]rune(text)))
	}
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return "", nil, fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+j]
			closing := strings.HasPrefix(tag, "/")
			name := strings.TrimPrefix(tag, "/")
			if k := strings.IndexAny(name, " \t\n"); k >= 0 {
				name = name[:k]
			}
			name = strings.ToLower(name)
			typ, ok := htmlTags[name]
			if !ok {
				return "", nil, fmt.Errorf("unsupported start tag \"%s\" at byte offset %d", name, i)
			}
			if closing {
				if len(open) == 0 || open[len(open)-1].name != name {
					want := ""
					if len(open) > 0 {
						want = open[len(open)-1].name
					}
					return "", nil, fmt.Errorf("unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, want, name)
				}
				o := open[len(open)-1]
				open = open[:len(open)-1]
				if units > o.offset {
					entities = append(entities, models.MessageEntity{Type: typ, Offset: o.offset, Length: units - o.offset, URL: o.url})
				}
			} else {
				o := openTag{name: name, offset: units}
				if name == "a" {
					m := hrefRE.FindStringSubmatch(tag)
					if m == nil {
						return "", nil, fmt.Errorf("the <a> tag at byte offset %d has no href", i)
					}
					o.url = html.UnescapeString(m[1])
				}
				open = append(open, o)
			}
			i += j + 1
		case '>':
			return "", nil, fmt.Errorf("character '>' is reserved at byte offset %d", i)
		case '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 || j > 10 {
				return "", nil, fmt.Errorf("character '&' is reserved at byte offset %d", i)
			}
			ent := s[i : i+j+1]
			dec := html.UnescapeString(ent)
			switch {
			case ent == "&lt;" || ent == "&gt;" || ent == "&amp;" || ent == "&quot;":
			case strings.HasPrefix(ent, "&#") && dec != ent:
			default:
				return "", nil, fmt.Errorf("unsupported HTML entity %q at byte offset %d", ent, i)
			}
			write(dec)
			i += j + 1
		default:
			k := i + 1
			for k < len(s) && s[k] != '<' && s[k] != '>' && s[k] != '&' {
				k++
			}
			write(s[i:k])
			i = k
		}
	}
	if len(open) > 0 {
		return "", nil, fmt.Errorf("can't find end tag corresponding to start tag \"%s\"", open[len(open)-1].name)
	}
	sort.SliceStable(entities, func(a, b int) bool { return entities[a].Offset < entities[b].Offset })
	return plain.String(), entities, nil
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
