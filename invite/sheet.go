// Package invite renders invite sheets: one card per school, eight to an A4 page in a grid with
// dashed cut lines, each with the school's name, the unit above it, a QR code of the school's
// deep link, the link as text, the invite code and a one-line instruction — to print and cut, or
// to forward as pictures.
//
// It is pure rendering: plain values in, PDF or PNG bytes out. One layout drives both outputs
// (see layout), so a card looks the same on paper and on a screen. QR codes come from
// github.com/boombuler/barcode and are drawn from the same module matrix in both outputs; text
// uses Liberation Sans (codeberg.org/go-fonts/liberation), which has a glyph for every
// Vietnamese letter. The PDF is written with codeberg.org/go-pdf/fpdf, the PNG pages with
// golang.org/x/image's font drawing.
package invite

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Card is one school's invite.
type Card struct {
	School  string // "Trường Tiểu học An Phú"
	Parent  string // the unit above it: "UBND xã An Phú"
	Link    string // the deep link, https://t.me/<bot>?start=<code>
	Code    string // the invite code, printed for typing; empty to leave the line out
	Expires string // when the code stops working, already formatted; empty to leave the line out
}

// Sheet is the cards to render and the words around them.
type Sheet struct {
	Title  string // shown in every page's footer, e.g. the unit's name; may be empty
	Cards  []Card
	Labels Labels
}

// Labels are a sheet's words in one language.
type Labels struct {
	Heading     string // above the school's name: who the card is for
	Instruction string // what to do with the card
	Code        string // "Mã mời: %s"
	Expires     string // "Dùng được đến hết %s"
	Page        string // "Trang %d/%d"
	DocTitle    string // the PDF's title
}

// VI are the Vietnamese labels.
var VI = Labels{
	Heading:     "THƯ MỜI HIỆU TRƯỞNG",
	Instruction: "Quét mã QR hoặc mở đường dẫn bằng Telegram để nhận nhiệm vụ của trường.",
	Code:        "Mã mời: %s",
	Expires:     "Dùng được đến %s",
	Page:        "Trang %d/%d",
	DocTitle:    "Thư mời tham gia nhắc việc",
}

// EN are the English labels.
var EN = Labels{
	Heading:     "INVITATION FOR THE HEAD OF SCHOOL",
	Instruction: "Scan the QR code or open the link in Telegram to receive your school's tasks.",
	Code:        "Invite code: %s",
	Expires:     "Valid until %s",
	Page:        "Page %d/%d",
	DocTitle:    "Invitations to nhacviec",
}

// For returns the labels of a language: vi (the default) or en.
func For(lang string) Labels {
	if lang == "en" {
		return EN
	}
	return VI
}

// ErrNoCards is returned when there is nothing to render.
var ErrNoCards = errors.New("invite: no cards")

// PerPage is how many cards one A4 page holds.
const PerPage = cols * rows

// Pages is how many pages n cards take.
func Pages(n int) int { return (n + PerPage - 1) / PerPage }

// The page, in millimetres: A4 portrait, a margin printers leave alone, and a grid of cards.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 10.0
	cols, rows   = 2, 4
	cardW        = (pageW - 2*margin) / cols // 95
	cardH        = (pageH - 2*margin) / rows // 69.25
	pad          = 5.0

	qrX, qrY, qrSize = 3.0, 25.0, 40.0 // the QR box within a card, quiet zone included
	colX             = qrX + qrSize + 2.0
	colW             = cardW - colX - pad
)

// ptMM converts points to millimetres.
const ptMM = 25.4 / 72

// The type styles of a card.
var (
	headingStyle = style{size: 7, bold: true, gray: 0x70}
	parentStyle  = style{size: 9, gray: 0x40}
	instrStyle   = style{size: 9}
	linkStyle    = style{size: 8.5}
	codeStyle    = style{size: 10, bold: true}
	noteStyle    = style{size: 8, gray: 0x50}
	footerStyle  = style{size: 7, gray: 0x80}
	titleSizes   = []float64{12, 11, 10, 9}
)

// styles lists every style the layout uses.
func styles() []style {
	out := []style{headingStyle, parentStyle, instrStyle, linkStyle, codeStyle, noteStyle, footerStyle}
	for _, size := range titleSizes {
		out = append(out, style{size: size, bold: true})
	}
	return out
}

// style is how a piece of text looks.
type style struct {
	size float64 // in points
	bold bool
	gray uint8 // 0 is black
}

// lineH is the distance between two baselines of a style, in millimetres.
func (s style) lineH() float64 { return s.size * ptMM * 1.25 }

// canvas is what the layout draws on: a PDF or a picture. Lengths are millimetres from the
// page's top left corner; y of text is its baseline.
type canvas interface {
	addPage()
	text(x, y float64, s string, st style)
	width(s string, st style) float64
	qr(x, y, size float64, card *prepared)
	dashed(x1, y1, x2, y2 float64)
}

// cell is the top left corner of the i-th card of a page.
func cell(i int) (x, y float64) {
	i %= PerPage
	return margin + float64(i%cols)*cardW, margin + float64(i/cols)*cardH
}

// prepared is a card with its QR matrix and its text normalised.
type prepared struct {
	Card
	qr    *matrix
	qrPNG []byte // the QR code as a PNG picture, for the PDF
}

// prepare checks the cards and encodes their QR codes, on every CPU: finding the best mask of a
// QR code is most of the work of a sheet. With pngScale > 0 it also encodes each QR code as a PNG
// picture with that many pixels per module. Text is put in NFC, so that a name typed with
// combining marks draws with the font's precomposed Vietnamese letters.
func prepare(cards []Card, pngScale int) ([]prepared, error) {
	if len(cards) == 0 {
		return nil, ErrNoCards
	}
	out := make([]prepared, len(cards))
	errs := make([]error, len(cards))
	workers := min(runtime.GOMAXPROCS(0), len(cards))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			enc := png.Encoder{BufferPool: &onePool{}}
			for i := w; i < len(cards); i += workers {
				out[i], errs[i] = prepareCard(cards[i], pngScale, &enc)
				if errs[i] != nil {
					errs[i] = fmt.Errorf("invite: card %d (%s): %w", i+1, cards[i].School, errs[i])
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func prepareCard(c Card, pngScale int, enc *png.Encoder) (prepared, error) {
	if c.Link == "" {
		return prepared{}, errors.New("no link")
	}
	m, err := encodeQR(c.Link)
	if err != nil {
		return prepared{}, err
	}
	p := prepared{Card: Card{
		School: clean(c.School), Parent: clean(c.Parent), Link: c.Link,
		Code: clean(c.Code), Expires: clean(c.Expires),
	}, qr: m}
	if pngScale > 0 {
		var buf bytes.Buffer
		if err := enc.Encode(&buf, m.image(pngScale)); err != nil {
			return prepared{}, fmt.Errorf("qr image: %w", err)
		}
		p.qrPNG = buf.Bytes()
	}
	return p, nil
}

// onePool keeps one PNG encoder's buffers for the next picture: one pool per goroutine.
type onePool struct{ b *png.EncoderBuffer }

func (p *onePool) Get() *png.EncoderBuffer  { return p.b }
func (p *onePool) Put(b *png.EncoderBuffer) { p.b = b }

// clean puts text in NFC on one line.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "�")
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// layout lays the sheet out on c, page by page.
func layout(c canvas, s Sheet, cards []prepared) {
	pages := Pages(len(cards))
	title := clean(s.Title)
	for i, card := range cards {
		if i%PerPage == 0 {
			c.addPage()
			page := i/PerPage + 1
			footer := fmt.Sprintf(s.Labels.Page, page, pages)
			if title != "" {
				footer = fit(c, title, footerStyle, pageW-2*margin-c.width(footer, footerStyle)-10) + "  ·  " + footer
			}
			c.text(pageW-margin-c.width(footer, footerStyle), pageH-margin+5, footer, footerStyle)
			cutLines(c, min(PerPage, len(cards)-i))
		}
		x, y := cell(i)
		drawCard(c, x, y, card, s.Labels)
	}
}

// cutLines draws the dashed borders of the first n cells of a page, each edge once.
func cutLines(c canvas, n int) {
	used := func(i int) bool { return i < n }
	for i := 0; i < n; i++ {
		x, y := cell(i)
		col, row := i%cols, i/cols
		c.dashed(x, y, x+cardW, y) // top
		c.dashed(x, y, x, y+cardH) // left
		if col == cols-1 || !used(i+1) {
			c.dashed(x+cardW, y, x+cardW, y+cardH) // right
		}
		if row == rows-1 || !used(i+cols) {
			c.dashed(x, y+cardH, x+cardW, y+cardH) // bottom
		}
	}
}

// drawCard draws one card whose top left corner is at x, y.
func drawCard(c canvas, x, y float64, card prepared, l Labels) {
	textW := cardW - 2*pad
	baseline := y + pad + headingStyle.size*ptMM
	c.text(x+pad, baseline, fit(c, l.Heading, headingStyle, textW), headingStyle)

	// The school's name: up to two lines, in the largest size that fits, cut with "…" if even the
	// smallest does not.
	st := style{size: titleSizes[0], bold: true}
	var lines []string
	for _, size := range titleSizes {
		st.size = size
		if lines = wrap(c, card.School, st, textW); len(lines) <= 2 {
			break
		}
	}
	if len(lines) > 2 {
		lines = []string{lines[0], fit(c, strings.Join(lines[1:], " "), st, textW)}
	}
	baseline += 1.5 + titleSizes[0]*ptMM
	for _, line := range lines {
		c.text(x+pad, baseline, line, st)
		baseline += st.lineH()
	}
	if card.Parent != "" {
		baseline += 0.3
		c.text(x+pad, baseline, fit(c, card.Parent, parentStyle, textW), parentStyle)
	}

	c.qr(x+qrX, y+qrY, qrSize, &card)

	// Beside the QR code: what to do, the link, the code, how long it works.
	baseline = y + qrY + 3 + instrStyle.size*ptMM
	for _, line := range limit(c, wrap(c, l.Instruction, instrStyle, colW), 4, instrStyle, colW) {
		c.text(x+colX, baseline, line, instrStyle)
		baseline += instrStyle.lineH()
	}
	baseline += 2
	for _, line := range wrapLink(c, card.Link, linkStyle, colW) {
		c.text(x+colX, baseline, line, linkStyle)
		baseline += linkStyle.lineH()
	}
	if card.Code != "" {
		baseline += 1.5
		c.text(x+colX, baseline, fit(c, fmt.Sprintf(l.Code, groupCode(card.Code)), codeStyle, colW), codeStyle)
		baseline += codeStyle.lineH()
	}
	if card.Expires != "" {
		c.text(x+colX, baseline, fit(c, fmt.Sprintf(l.Expires, card.Expires), noteStyle, colW), noteStyle)
	}
}

// groupCode splits a ten-letter code in two groups, "ABCDE-FGHJK", easier to read aloud and to
// type; the bot ignores the dash.
func groupCode(code string) string {
	if utf8.RuneCountInString(code) == 10 {
		return code[:5] + "-" + code[5:]
	}
	return code
}

// wrap breaks text into lines no wider than w; a word wider than w is broken where it must.
func wrap(c canvas, text string, st style, w float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if c.width(try, st) <= w {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		for c.width(line, st) > w {
			head, tail := breakAt(c, line, st, w)
			lines = append(lines, head)
			line = tail
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// wrapLink breaks a link into lines no wider than w: after a "/" or before a "?" or "&",
// and inside a part only when the part alone is too wide.
func wrapLink(c canvas, link string, st style, w float64) []string {
	var parts []string
	start := 0
	for i := 1; i < len(link); i++ {
		if link[i-1] == '/' && link[i] != '/' || strings.IndexByte("?&", link[i]) >= 0 {
			parts = append(parts, link[start:i])
			start = i
		}
	}
	parts = append(parts, link[start:])
	var lines []string
	line := ""
	for _, part := range parts {
		if c.width(line+part, st) <= w {
			line += part
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = part
		for c.width(line, st) > w {
			head, tail := breakAt(c, line, st, w)
			lines = append(lines, head)
			line = tail
		}
	}
	return append(lines, line)
}

// breakAt splits s after the most runes that fit in w (at least one).
func breakAt(c canvas, s string, st style, w float64) (string, string) {
	cut := 0
	for i := range s {
		if i > 0 && c.width(s[:i], st) > w {
			break
		}
		cut = i
	}
	if cut == 0 {
		_, size := utf8.DecodeRuneInString(s)
		cut = size
	}
	return s[:cut], s[cut:]
}

// limit keeps at most n lines, the last cut with "…" if lines were dropped.
func limit(c canvas, lines []string, n int, st style, w float64) []string {
	if len(lines) <= n {
		return lines
	}
	out := append([]string(nil), lines[:n-1]...)
	return append(out, fit(c, strings.Join(lines[n-1:], " "), st, w))
}

// fit cuts text with "…" so that it is no wider than w.
func fit(c canvas, text string, st style, w float64) string {
	if c.width(text, st) <= w {
		return text
	}
	runes := []rune(text)
	for n := len(runes) - 1; n > 0; n-- {
		s := strings.TrimRight(string(runes[:n]), " ,.;:-") + "…"
		if c.width(s, st) <= w {
			return s
		}
	}
	return "…"
}
