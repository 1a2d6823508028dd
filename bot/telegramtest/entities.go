package telegramtest

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// Telegram's text formatting: the HTML, MarkdownV2 and Markdown parse modes of what a bot sends,
// and the bot_command entities of what users send. Offsets and lengths are in UTF-16 code units.
// The parsers follow Telegram's own (tdlib's) step by step, with its error messages.

// utf16Len is the length of s in UTF-16 code units, the unit of Telegram's offsets and limits.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// commandEntities finds the bot commands in a user's text as Telegram does: "/" and 1–64 of
// [A-Za-z0-9_], optionally "@" and a 3–32 character bot username, neither preceded nor followed
// by a letter, digit, "_", "/", "<" or ">".
func commandEntities(text string) []models.MessageEntity {
	var out []models.MessageEntity
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '/')
		if j < 0 {
			break
		}
		start := i + j
		if start > 0 {
			prev, _ := utf8.DecodeLastRuneInString(text[:start])
			if isCommandBoundary(prev) {
				i = start + 1
				continue
			}
		}
		p := start + 1
		for p < len(text) && isCommandByte(text[p]) {
			p++
		}
		if size := p - start - 1; size < 1 || size > 64 {
			i = max(p, start+1)
			continue
		}
		if p < len(text) && text[p] == '@' {
			q := p + 1
			for q < len(text) && isCommandByte(text[q]) {
				q++
			}
			if size := q - p - 1; size < 3 || size > 32 {
				i = q
				continue
			}
			p = q
		}
		if p < len(text) {
			if next, _ := utf8.DecodeRuneInString(text[p:]); isCommandBoundary(next) {
				i = p
				continue
			}
		}
		out = append(out, models.MessageEntity{Type: models.MessageEntityTypeBotCommand, Offset: utf16Len(text[:start]), Length: utf16Len(text[start:p])})
		i = p
	}
	return out
}

// isCommandBoundary reports whether r next to a command keeps it from being one.
func isCommandBoundary(r rune) bool {
	return r == '_' || r == '/' || r == '<' || r == '>' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

func isCommandByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// parseText parses a text in a parse mode (case-insensitive, as Telegram takes it) into the
// plain text and its entities.
func parseText(text, parseMode string) (string, []models.MessageEntity, *apiError) {
	var (
		plain    string
		entities []models.MessageEntity
		err      error
	)
	switch strings.ToLower(parseMode) {
	case "":
		return text, nil, nil
	case "html":
		plain, entities, err = parseHTML(text)
	case "markdownv2":
		plain, entities, err = parseMarkdownV2(text)
	case "markdown":
		plain, entities, err = parseMarkdown(text)
	default:
		return "", nil, badRequest("unsupported parse_mode")
	}
	if err != nil {
		return "", nil, badRequest("can't parse entities: %v", err)
	}
	return plain, entities, nil
}

// renderText is the text and entities a message shows. A text that does not parse (which the
// server never stores) shows as it is.
func renderText(text, parseMode string) (string, []models.MessageEntity) {
	plain, entities, err := parseText(text, parseMode)
	if err != nil {
		return text, nil
	}
	return plain, entities
}

// textBuilder collects a parsed text and counts its UTF-16 length.
type textBuilder struct {
	sb    strings.Builder
	units int
}

func (b *textBuilder) WriteString(s string) {
	b.sb.WriteString(s)
	b.units += utf16Len(s)
}

func (b *textBuilder) WriteRune(r rune) {
	b.sb.WriteRune(r)
	if r >= 0x10000 {
		b.units += 2
	} else {
		b.units++
	}
}

// since is the text written since byte position pos.
func (b *textBuilder) since(pos int) string { return b.sb.String()[pos:] }

// sortEntities orders entities as Telegram does: by offset, the longer (outer) one first.
func sortEntities(es []models.MessageEntity) []models.MessageEntity {
	sort.SliceStable(es, func(a, b int) bool {
		if es[a].Offset != es[b].Offset {
			return es[a].Offset < es[b].Offset
		}
		return es[a].Length > es[b].Length
	})
	return es
}

// linkEntity is the entity of a link: a text_mention for tg://user?id=N, a text_link for a URL
// (a bare domain gets http://), nil for something that is no link.
func linkEntity(link string) *models.MessageEntity {
	link = strings.TrimSpace(link)
	if rest, ok := strings.CutPrefix(link, "tg://user?id="); ok {
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil && id > 0 {
			return &models.MessageEntity{Type: models.MessageEntityTypeTextMention, User: &models.User{ID: id}}
		}
		return nil
	}
	u, err := url.Parse(link)
	if err != nil || link == "" || strings.ContainsAny(link, " \n\t") {
		return nil
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp", "tg", "ton", "tonsite":
		return &models.MessageEntity{Type: models.MessageEntityTypeTextLink, URL: link}
	case "":
		host, _, _ := strings.Cut(link, "/")
		if strings.Contains(host, ".") && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".") {
			return &models.MessageEntity{Type: models.MessageEntityTypeTextLink, URL: "http://" + link}
		}
	}
	return nil
}

// The HTML parse mode.

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
	"strike": true, "del": true, "code": true, "pre": true, "tg-spoiler": true, "span": true,
	"blockquote": true, "tg-emoji": true,
}

var errSurrogate = errors.New("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units")

// htmlParser parses one text in the HTML parse mode.
type htmlParser struct {
	text     string
	i        int // byte offset in text
	out      textBuilder
	open     []htmlTag
	entities []models.MessageEntity
}

// htmlTag is an open tag.
type htmlTag struct {
	name, arg  string // arg: the link, the code language, the custom emoji id
	expandable bool   // <blockquote expandable>
	offset     int    // UTF-16 offset in the plain text
	pos        int    // byte offset in the plain text
}

// parseHTML parses Telegram's HTML subset and returns the plain text and its entities. It is
// stricter than Telegram on one point: in text, a '&' must start a complete character reference
// and a '>' must be written &gt; (Telegram keeps both as they are), so that user text the bot
// forgot to escape is caught even when Telegram would have let that one through.
func parseHTML(text string) (string, []models.MessageEntity, error) {
	p := &htmlParser{text: text}
	for p.i < len(text) {
		var err error
		switch c := text[p.i]; {
		case c == '&':
			err = p.charRef()
		case c == '>':
			err = fmt.Errorf("Character '>' at byte offset %d must be written as &gt;", p.i)
		case c == '<' && p.at(p.i+1) == '/':
			err = p.endTag()
		case c == '<':
			err = p.startTag()
		default:
			j := p.i + 1
			for j < len(text) && text[j] != '<' && text[j] != '>' && text[j] != '&' {
				j++
			}
			p.out.WriteString(text[p.i:j])
			p.i = j
		}
		if err != nil {
			return "", nil, err
		}
	}
	if len(p.open) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", p.open[len(p.open)-1].name)
	}
	for i := range p.entities {
		if p.entities[i].Type == models.MessageEntityTypeCode {
			p.entities[i].Language = "" // a language only counts on <pre><code>
		}
	}
	return p.out.sb.String(), sortEntities(p.entities), nil
}

// at is the byte at i, 0 past the end.
func (p *htmlParser) at(i int) byte {
	if i < len(p.text) {
		return p.text[i]
	}
	return 0
}

func (p *htmlParser) skipSpaces() {
	for p.i < len(p.text) && isHTMLSpace(p.text[p.i]) {
		p.i++
	}
}

// charRef decodes a character reference in text.
func (p *htmlParser) charRef() error {
	r, next, ok := htmlCharRef(p.text, p.i)
	if !ok {
		return fmt.Errorf("Character '&' at byte offset %d must start an HTML entity: &amp;, &lt;, &gt;, &quot; or &#N;", p.i)
	}
	if 0xd800 <= r && r <= 0xdfff {
		return errSurrogate
	}
	p.out.WriteRune(r)
	p.i = next
	return nil
}

// startTag reads a start tag and its attributes.
func (p *htmlParser) startTag() error {
	begin := p.i
	p.i++
	for p.i < len(p.text) && !isHTMLSpace(p.text[p.i]) && p.text[p.i] != '>' {
		p.i++
	}
	if p.i >= len(p.text) {
		return fmt.Errorf("Unclosed start tag at byte offset %d", begin)
	}
	name := strings.ToLower(p.text[begin+1 : p.i])
	if !htmlTags[name] {
		return fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, begin)
	}
	tag := htmlTag{name: name, offset: p.out.units, pos: p.out.sb.Len()}
	for p.i < len(p.text) && p.text[p.i] != '>' {
		p.skipSpaces()
		if p.at(p.i) == '>' {
			break
		}
		if err := p.attribute(&tag, begin); err != nil {
			return err
		}
	}
	if p.i >= len(p.text) {
		return fmt.Errorf("Unclosed start tag at byte offset %d", begin)
	}
	if name == "span" && tag.arg != "spoiler" {
		return fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
	}
	p.open = append(p.open, tag)
	p.i++ // '>'
	return nil
}

// attribute reads one attribute of tag, whose '<' is at begin.
func (p *htmlParser) attribute(tag *htmlTag, begin int) error {
	attrBegin := p.i
	for p.i < len(p.text) && !isHTMLSpace(p.text[p.i]) && p.text[p.i] != '=' && p.text[p.i] != '>' {
		p.i++
	}
	attr := strings.ToLower(p.text[attrBegin:p.i])
	if attr == "" {
		return fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", tag.name, begin)
	}
	p.skipSpaces()
	if p.at(p.i) != '=' {
		switch {
		case tag.name == "blockquote" && attr == "expandable":
			tag.expandable = true
			return nil
		case p.i >= len(p.text):
			return fmt.Errorf("Unclosed start tag \"%s\" at byte offset %d", tag.name, begin)
		}
		return fmt.Errorf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", tag.name, begin)
	}
	p.i++
	p.skipSpaces()
	if p.i >= len(p.text) {
		return fmt.Errorf("Unclosed start tag \"%s\" at byte offset %d", tag.name, begin)
	}
	value, err := p.attributeValue()
	if err != nil {
		return err
	}
	if p.i >= len(p.text) {
		return fmt.Errorf("Unclosed start tag at byte offset %d", begin)
	}
	switch {
	case tag.name == "a" && attr == "href":
		tag.arg = value
	case tag.name == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
		tag.arg = strings.TrimPrefix(value, "language-")
	case tag.name == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
		tag.arg = strings.TrimPrefix(value, "tg-")
	case tag.name == "tg-emoji" && attr == "emoji-id":
		tag.arg = value
	}
	return nil
}

// attributeValue reads a quoted string, whose character references are decoded (a '&' that
// starts none stays as it is, as Telegram takes it), or a name token, lowercased.
func (p *htmlParser) attributeValue() (string, error) {
	if q := p.text[p.i]; q == '"' || q == '\'' {
		p.i++
		var v strings.Builder
		for p.i < len(p.text) && p.text[p.i] != q {
			if p.text[p.i] == '&' {
				if r, next, ok := htmlCharRef(p.text, p.i); ok {
					v.WriteRune(r)
					p.i = next
					continue
				}
			}
			v.WriteByte(p.text[p.i])
			p.i++
		}
		if p.i < len(p.text) {
			p.i++ // the closing quote
		}
		return v.String(), nil
	}
	tokenBegin := p.i
	for p.i < len(p.text) && (isAlnum(p.text[p.i]) || p.text[p.i] == '.' || p.text[p.i] == '-') {
		p.i++
	}
	if p.i < len(p.text) && !isHTMLSpace(p.text[p.i]) && p.text[p.i] != '>' {
		return "", fmt.Errorf("Unexpected end of name token at byte offset %d", tokenBegin)
	}
	return strings.ToLower(p.text[tokenBegin:p.i]), nil
}

// endTag reads an end tag ("</>" closes the last open tag) and makes the tag's entity.
func (p *htmlParser) endTag() error {
	begin := p.i
	if len(p.open) == 0 {
		return fmt.Errorf("Unexpected end tag at byte offset %d", begin)
	}
	p.i += 2
	for p.i < len(p.text) && !isHTMLSpace(p.text[p.i]) && p.text[p.i] != '>' {
		p.i++
	}
	name := strings.ToLower(p.text[begin+2 : p.i])
	p.skipSpaces()
	if p.at(p.i) != '>' {
		return fmt.Errorf("Unclosed end tag at byte offset %d", begin)
	}
	p.i++
	tag := p.open[len(p.open)-1]
	if name != "" && name != tag.name {
		return fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, tag.name, name)
	}
	p.open = p.open[:len(p.open)-1]
	length := p.out.units - tag.offset
	if length == 0 {
		return nil
	}
	e, err := htmlTagEntity(tag, p.out.since(tag.pos))
	if e == nil || err != nil {
		return err
	}
	e.Offset, e.Length = tag.offset, length
	if last := len(p.entities) - 1; e.Type == models.MessageEntityTypePre && last >= 0 {
		if c := &p.entities[last]; c.Type == models.MessageEntityTypeCode && c.Language != "" && c.Offset == e.Offset && c.Length == e.Length {
			c.Type = models.MessageEntityTypePre // <pre><code class="language-x">: one pre entity with a language
			return nil
		}
	}
	p.entities = append(p.entities, *e)
	return nil
}

// htmlTagEntity is the entity a closed tag makes, nil for none (such as a link that is no URL).
func htmlTagEntity(tag htmlTag, content string) (*models.MessageEntity, error) {
	e := &models.MessageEntity{}
	switch tag.name {
	case "b", "strong":
		e.Type = models.MessageEntityTypeBold
	case "i", "em":
		e.Type = models.MessageEntityTypeItalic
	case "u", "ins":
		e.Type = models.MessageEntityTypeUnderline
	case "s", "strike", "del":
		e.Type = models.MessageEntityTypeStrikethrough
	case "tg-spoiler", "span":
		e.Type = models.MessageEntityTypeSpoiler
	case "code":
		e.Type, e.Language = models.MessageEntityTypeCode, tag.arg
	case "pre":
		e.Type = models.MessageEntityTypePre
	case "blockquote":
		e.Type = models.MessageEntityTypeBlockquote
		if tag.expandable {
			e.Type = models.MessageEntityTypeExpandableBlockquote
		}
	case "tg-emoji":
		if id, err := strconv.ParseInt(tag.arg, 10, 64); err != nil || id <= 0 {
			return nil, errors.New("Invalid custom emoji identifier specified")
		}
		e.Type, e.CustomEmojiID = models.MessageEntityTypeCustomEmoji, tag.arg
	case "a":
		if tag.arg == "" {
			return linkEntity(content), nil // <a> without href links to its text
		}
		return linkEntity(tag.arg), nil
	}
	return e, nil
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// htmlCharRef decodes the character reference at text[i] ('&'): &lt; &gt; &amp; &quot; &#N; or
// &#xH;, with its ';'. It returns the character and the offset after the reference, and false
// for anything else.
func htmlCharRef(text string, i int) (rune, int, bool) {
	j := i + 1
	if j < len(text) && text[j] == '#' {
		j++
		base := 10
		if j < len(text) && (text[j] == 'x' || text[j] == 'X') {
			base = 16
			j++
		}
		start := j
		var v int64
		for ; j < len(text); j++ {
			d, ok := digitValue(text[j], base)
			if !ok {
				break
			}
			if v = v*int64(base) + int64(d); v > unicode.MaxRune {
				return 0, 0, false
			}
		}
		if j == start || j >= len(text) || text[j] != ';' || v == 0 {
			return 0, 0, false
		}
		return rune(v), j + 1, true
	}
	end := strings.IndexByte(text[j:], ';')
	if end < 0 {
		return 0, 0, false
	}
	r, ok := map[string]rune{"lt": '<', "gt": '>', "amp": '&', "quot": '"'}[text[j:j+end]]
	return r, j + end + 1, ok
}

func digitValue(c byte, base int) (int, bool) {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0'), true
	case base == 16 && 'a' <= c && c <= 'f':
		return int(c-'a') + 10, true
	case base == 16 && 'A' <= c && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// The MarkdownV2 parse mode.

// mdKind is an entity kind of the Markdown parse modes, named as in Telegram's error messages.
type mdKind string

const (
	mdBold          mdKind = "Bold"
	mdItalic        mdKind = "Italic"
	mdUnderline     mdKind = "Underline"
	mdStrikethrough mdKind = "Strikethrough"
	mdSpoiler       mdKind = "Spoiler"
	mdCode          mdKind = "Code"
	mdPre           mdKind = "Pre"
	mdPreCode       mdKind = "PreCode"
	mdTextURL       mdKind = "TextUrl"
	mdCustomEmoji   mdKind = "CustomEmoji"
)

var mdEntityTypes = map[mdKind]models.MessageEntityType{
	mdBold: models.MessageEntityTypeBold, mdItalic: models.MessageEntityTypeItalic,
	mdUnderline: models.MessageEntityTypeUnderline, mdStrikethrough: models.MessageEntityTypeStrikethrough,
	mdSpoiler: models.MessageEntityTypeSpoiler, mdCode: models.MessageEntityTypeCode,
	mdPre: models.MessageEntityTypePre, mdPreCode: models.MessageEntityTypePre,
}

// mdReserved are the characters MarkdownV2 text must escape with '\'; in code only '`'.
const mdReserved = "_*[]()~`>#+-=|{}.!"

// mdParser parses one text in the MarkdownV2 parse mode.
type mdParser struct {
	text     string
	i        int // byte offset in text
	out      textBuilder
	open     []mdOpen
	entities []models.MessageEntity
	quote    *models.MessageEntity // the block quote being read, Length unset
}

// mdOpen is an entity whose end has not been read yet.
type mdOpen struct {
	kind     mdKind
	language string
	offset   int // UTF-16 offset in the plain text
	begin    int // byte offset in text, for errors
	pos      int // byte offset in the plain text
}

// parseMarkdownV2 parses Telegram's MarkdownV2 and returns the plain text and its entities.
// Block quotes are lines that start with '>'; "**>" starts an expandable one, whose last line
// ends with "||".
func parseMarkdownV2(text string) (string, []models.MessageEntity, error) {
	p := &mdParser{text: text}
	for ; p.i < len(text); p.i++ {
		if p.quoteMarker() {
			continue
		}
		c := text[p.i]
		if c == '\\' && p.at(p.i+1) > 0 && p.at(p.i+1) <= 126 {
			p.i++
			p.out.WriteString(text[p.i : p.i+1])
			continue
		}
		reserved := mdReserved
		if p.inCode() {
			reserved = "`"
		}
		if !strings.ContainsRune(reserved, rune(c)) {
			_, size := utf8.DecodeRuneInString(text[p.i:])
			p.out.WriteString(text[p.i : p.i+size])
			p.i += size - 1
			continue
		}
		var err error
		if p.closes(c) {
			err = p.closeEntity()
		} else {
			err = p.openEntity(c)
		}
		if err != nil {
			return "", nil, err
		}
	}
	if len(p.open) > 0 {
		top := p.open[len(p.open)-1]
		return "", nil, fmt.Errorf("Can't find end of %s entity at byte offset %d", top.kind, top.begin)
	}
	p.endQuote(p.out.units)
	return p.out.sb.String(), sortEntities(p.entities), nil
}

func (p *mdParser) at(i int) byte {
	if i < len(p.text) {
		return p.text[i]
	}
	return 0
}

func (p *mdParser) inCode() bool {
	if len(p.open) == 0 {
		return false
	}
	k := p.open[len(p.open)-1].kind
	return k == mdCode || k == mdPre || k == mdPreCode
}

// quoteMarker reads the block quote markers at text[i]: '>' or "**>" at a line start, "||" at
// the end of an expandable quote. A line that starts otherwise ends the quote.
func (p *mdParser) quoteMarker() bool {
	rest := p.text[p.i:]
	if (p.i == 0 || p.text[p.i-1] == '\n') && !p.inCode() {
		switch {
		case rest[0] == '>':
			if p.quote == nil {
				p.quote = &models.MessageEntity{Type: models.MessageEntityTypeBlockquote, Offset: p.out.units}
			}
			return true
		case strings.HasPrefix(rest, "**>") && p.quote == nil:
			p.quote = &models.MessageEntity{Type: models.MessageEntityTypeExpandableBlockquote, Offset: p.out.units}
			p.i += 2
			return true
		case p.quote != nil:
			p.endQuote(p.out.units - 1) // before the line break
		}
	}
	if p.quote != nil && p.quote.Type == models.MessageEntityTypeExpandableBlockquote && strings.HasPrefix(rest, "||") &&
		(len(rest) == 2 || rest[2] == '\n') && (len(p.open) == 0 || p.open[len(p.open)-1].kind != mdSpoiler) {
		p.endQuote(p.out.units)
		p.i++
		return true
	}
	return false
}

func (p *mdParser) endQuote(end int) {
	if q := p.quote; q != nil && end > q.Offset {
		q.Length = end - q.Offset
		p.entities = append(p.entities, *q)
	}
	p.quote = nil
}

// closes reports whether c, a reserved character, ends the innermost open entity.
func (p *mdParser) closes(c byte) bool {
	if len(p.open) == 0 {
		return false
	}
	switch p.open[len(p.open)-1].kind {
	case mdBold:
		return c == '*'
	case mdItalic:
		return c == '_' && p.at(p.i+1) != '_'
	case mdUnderline:
		return c == '_' && p.at(p.i+1) == '_'
	case mdStrikethrough:
		return c == '~'
	case mdSpoiler:
		return c == '|' && p.at(p.i+1) == '|'
	case mdCode:
		return c == '`'
	case mdPre, mdPreCode:
		return c == '`' && p.at(p.i+1) == '`' && p.at(p.i+2) == '`'
	case mdTextURL, mdCustomEmoji:
		return c == ']'
	}
	return false
}

// openEntity reads the start of an entity at text[i]; any other reserved character is an error.
func (p *mdParser) openEntity(c byte) error {
	o := mdOpen{begin: p.i}
	reserved := fmt.Errorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
	switch c {
	case '_':
		o.kind = mdItalic
		if p.at(p.i+1) == '_' {
			o.kind = mdUnderline
			p.i++
		}
	case '*':
		o.kind = mdBold
	case '~':
		o.kind = mdStrikethrough
	case '|':
		if p.at(p.i+1) != '|' {
			return reserved
		}
		o.kind = mdSpoiler
		p.i++
	case '[':
		o.kind = mdTextURL
	case '!':
		if p.at(p.i+1) != '[' {
			return reserved
		}
		o.kind = mdCustomEmoji
		p.i++
	case '`':
		o.kind = mdCode
		if p.at(p.i+1) == '`' && p.at(p.i+2) == '`' {
			o.kind, o.language = p.preStart()
		}
	default:
		return reserved
	}
	o.offset, o.pos = p.out.units, p.out.sb.Len()
	p.open = append(p.open, o)
	return nil
}

// preStart reads "```", a language up to the first space, and one line break; it leaves i on
// the last byte read.
func (p *mdParser) preStart() (mdKind, string) {
	p.i += 3
	kind, language := mdPre, ""
	end := p.i
	for end < len(p.text) && !isHTMLSpace(p.text[end]) && p.text[end] != '`' {
		end++
	}
	if end != p.i && end < len(p.text) && p.text[end] != '`' {
		kind, language, p.i = mdPreCode, p.text[p.i:end], end
	}
	if c := p.at(p.i); c == '\n' || c == '\r' {
		if next := p.at(p.i + 1); (next == '\n' || next == '\r') && next != c {
			p.i += 2
		} else {
			p.i++
		}
	}
	p.i--
	return kind, language
}

// closeEntity reads the end of the innermost open entity and makes its entity.
func (p *mdParser) closeEntity() error {
	o := p.open[len(p.open)-1]
	p.open = p.open[:len(p.open)-1]
	length := p.out.units - o.offset
	e := models.MessageEntity{Type: mdEntityTypes[o.kind], Offset: o.offset, Length: length, Language: o.language}
	switch o.kind {
	case mdUnderline, mdSpoiler:
		p.i++
	case mdPre, mdPreCode:
		p.i += 2
	case mdTextURL, mdCustomEmoji:
		link := p.out.since(o.pos)
		if p.at(p.i+1) == '(' {
			var err error
			if link, err = p.linkTarget(); err != nil {
				return err
			}
		} else if o.kind == mdCustomEmoji {
			return errors.New("Custom emoji entity must contain a tg://emoji URL")
		}
		if o.kind == mdCustomEmoji {
			id, ok := strings.CutPrefix(link, "tg://emoji?id=")
			if n, err := strconv.ParseInt(id, 10, 64); !ok || err != nil || n <= 0 {
				return errors.New("Custom emoji URL must have an emoji identifier")
			}
			e = models.MessageEntity{Type: models.MessageEntityTypeCustomEmoji, CustomEmojiID: id}
		} else {
			le := linkEntity(link)
			if le == nil {
				return nil
			}
			e = *le
		}
		e.Offset, e.Length = o.offset, length
	}
	if length > 0 {
		p.entities = append(p.entities, e)
	}
	return nil
}

// linkTarget reads "(url)" after a link's ']', with '\' escapes; it leaves i on the ')'.
func (p *mdParser) linkTarget() (string, error) {
	p.i += 2
	begin := p.i
	var u strings.Builder
	for ; p.i < len(p.text) && p.text[p.i] != ')'; p.i++ {
		if p.text[p.i] == '\\' && p.at(p.i+1) > 0 && p.at(p.i+1) <= 126 {
			p.i++
		}
		u.WriteByte(p.text[p.i])
	}
	if p.i >= len(p.text) {
		return "", fmt.Errorf("Can't find end of a URL at byte offset %d", begin)
	}
	return u.String(), nil
}

// The legacy Markdown parse mode.

// parseMarkdown parses Telegram's legacy Markdown: *bold*, _italic_, `code`, ```pre``` and
// [text](url), where only _ * ` [ can be escaped, and nothing else is reserved.
func parseMarkdown(text string) (string, []models.MessageEntity, error) {
	var (
		out      textBuilder
		entities []models.MessageEntity
	)
	n := len(text)
	at := func(i int) byte {
		if i < n {
			return text[i]
		}
		return 0
	}
	for i := 0; i < n; i++ {
		c := text[i]
		if c == '\\' && strings.IndexByte("_*`[", at(i+1)) >= 0 {
			i++
			out.WriteString(text[i : i+1])
			continue
		}
		if c != '_' && c != '*' && c != '`' && c != '[' {
			_, size := utf8.DecodeRuneInString(text[i:])
			out.WriteString(text[i : i+size])
			i += size - 1
			continue
		}
		begin, end := i, c
		if c == '[' {
			end = ']'
		}
		i++
		pre, language := false, ""
		if c == '`' && at(i) == '`' && at(i+1) == '`' {
			i += 2
			pre = true
			langEnd := i
			for langEnd < n && !isHTMLSpace(text[langEnd]) && text[langEnd] != '`' {
				langEnd++
			}
			if i != langEnd && langEnd < n && text[langEnd] != '`' {
				language, i = text[i:langEnd], langEnd
			}
			if at(i) == '\n' || at(i) == '\r' {
				if (at(i+1) == '\n' || at(i+1) == '\r') && at(i) != at(i+1) {
					i += 2
				} else {
					i++
				}
			}
		}
		offset, pos := out.units, out.sb.Len()
		for i < n && (text[i] != end || pre && !(at(i+1) == '`' && at(i+2) == '`')) {
			_, size := utf8.DecodeRuneInString(text[i:])
			out.WriteString(text[i : i+size])
			i += size
		}
		if i >= n {
			return "", nil, fmt.Errorf("Can't find end of the entity starting at byte offset %d", begin)
		}
		e := &models.MessageEntity{}
		switch {
		case c == '_':
			e.Type = models.MessageEntityTypeItalic
		case c == '*':
			e.Type = models.MessageEntityTypeBold
		case pre:
			e.Type, e.Language = models.MessageEntityTypePre, language
		case c == '`':
			e.Type = models.MessageEntityTypeCode
		case c == '[':
			link := out.since(pos)
			if at(i+1) == '(' {
				close := strings.IndexByte(text[i+1:], ')')
				if close < 0 {
					close = n - i - 1
				}
				link, i = text[i+2:i+1+close], i+1+close
			}
			e = linkEntity(link)
		}
		if e != nil && out.units > offset {
			e.Offset, e.Length = offset, out.units-offset
			entities = append(entities, *e)
		}
		if pre {
			i += 2
		}
	}
	return out.sb.String(), sortEntities(entities), nil
}
