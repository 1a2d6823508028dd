package bot

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// command is a bot command found in a message: /name@mention args.
type command struct {
	Name    string // lower case, without the slash, aliases resolved
	Mention string // the @bot it was addressed to, if any
	Args    string // the text after the command, trimmed
}

// aliases maps every accepted command name to the canonical one. Command names are short
// unaccented Vietnamese, with English aliases.
var aliases = map[string]string{
	"start":      "start",
	"nhiemvu":    "nhiemvu",
	"tasks":      "nhiemvu",
	"baocao":     "baocao",
	"report":     "baocao",
	"lichsu":     "lichsu",
	"history":    "lichsu",
	"sua":        "sua",
	"edit":       "sua",
	"huy":        "huy",
	"cancel":     "huy",
	"ngonngu":    "ngonngu",
	"language":   "ngonngu",
	"trogiup":    "trogiup",
	"help":       "trogiup",
	"vanban":     "vanban",
	"directives": "vanban",
	"lienket":    "lienket",
	"link":       "lienket",
	"caidat":     "caidat",
	"settings":   "caidat",
	"tinloi":     "tinloi",
	"failures":   "tinloi",
	"xuat":       "xuat",
	"export":     "xuat",
	"tonghop":    "tonghop",
	"digest":     "tonghop",
	"tenquahan":  "tenquahan",
	"latenames":  "tenquahan",
}

// parseCommand finds the first bot command in a message's text (or caption) for this bot. Entity
// offsets count UTF-16 code units, so they are applied to the UTF-16 form of the text: a command
// after Vietnamese letters or emoji is found where Telegram says it is. A command addressed to
// another bot (/lenh@OtherBot) is not ours. Without entities, a text that starts with a slash is
// read as a command too.
func parseCommand(text string, entities []models.MessageEntity, botUsername string) (command, bool) {
	if text == "" {
		return command{}, false
	}
	u16 := utf16.Encode([]rune(text))
	start, end := -1, -1
	for _, e := range entities {
		if e.Type == models.MessageEntityTypeBotCommand && e.Offset >= 0 && e.Length > 1 && e.Offset+e.Length <= len(u16) {
			start, end = e.Offset, e.Offset+e.Length
			break
		}
	}
	if start < 0 {
		if len(entities) > 0 || !strings.HasPrefix(text, "/") {
			return command{}, false
		}
		start = 0
		end = 1
		for end < len(u16) && !isSpaceUnit(u16[end]) {
			end++
		}
	}
	token := string(utf16.Decode(u16[start:end]))
	rest := string(utf16.Decode(u16[end:]))
	name, mention, _ := strings.Cut(strings.TrimPrefix(token, "/"), "@")
	if mention != "" && !strings.EqualFold(mention, botUsername) {
		return command{}, false
	}
	name = strings.ToLower(name)
	if canonical, ok := aliases[name]; ok {
		name = canonical
	}
	if name == "" {
		return command{}, false
	}
	return command{Name: name, Mention: mention, Args: strings.TrimSpace(rest)}, true
}

func isSpaceUnit(u uint16) bool { return u < 0x80 && unicode.IsSpace(rune(u)) }

// known reports whether the command is one of ours.
func (c command) known() bool {
	_, ok := aliases[c.Name]
	return ok
}
