package directive

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/ledongthuc/pdf"
)

// PDFText extracts the text layer of a PDF, page by page: glyphs gathered into lines by their
// height on the page, lines into paragraphs where the spacing grows, a line stops short of the
// margin or a numbered part begins. A PDF without text (a scan) gives ErrScanned.
func PDFText(data []byte) (text string, err error) {
	defer func() {
		if p := recover(); p != nil { // a malformed file must not take the bot down
			text, err = "", fmt.Errorf("%w: %v", ErrBroken, p)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBroken, err)
	}
	var out strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		for _, para := range pageParagraphs(p.Content().Text) {
			out.WriteString(para)
			out.WriteString("\n\n")
		}
	}
	if strings.TrimSpace(out.String()) == "" {
		return "", ErrScanned
	}
	return out.String(), nil
}

type pdfLine struct {
	y, x0, x1, size float64
	text            string
}

// pageParagraphs turns a page's glyphs into paragraphs.
func pageParagraphs(glyphs []pdf.Text) []string {
	if len(glyphs) == 0 {
		return nil
	}
	sort.SliceStable(glyphs, func(i, j int) bool {
		if d := glyphs[i].Y - glyphs[j].Y; d > 1 || d < -1 {
			return glyphs[i].Y > glyphs[j].Y
		}
		return glyphs[i].X < glyphs[j].X
	})
	var lines []pdfLine
	var b strings.Builder
	var cur *pdfLine
	var lastEnd float64
	for _, g := range glyphs {
		size := g.FontSize
		if size <= 0 {
			size = 10
		}
		if cur == nil || abs(g.Y-cur.y) > size*0.5 {
			if cur != nil {
				cur.text = collapseSpaces(b.String())
				lines = append(lines, *cur)
			}
			b.Reset()
			cur = &pdfLine{y: g.Y, x0: g.X, size: size}
		} else if gap := g.X - lastEnd; gap > size*0.2 && !strings.HasSuffix(b.String(), " ") && !strings.HasPrefix(g.S, " ") {
			b.WriteByte(' ')
		}
		b.WriteString(g.S)
		lastEnd = g.X + g.W
		cur.x1 = lastEnd
	}
	if cur != nil {
		cur.text = collapseSpaces(b.String())
		lines = append(lines, *cur)
	}
	return joinLines(lines)
}

// joinLines puts lines together into paragraphs.
func joinLines(lines []pdfLine) []string {
	right, spacing := 0.0, 0.0
	for i, l := range lines {
		if l.x1 > right {
			right = l.x1
		}
		// The line spacing is the smallest step between lines; blank lines make bigger ones.
		if i == 0 {
			continue
		}
		if gap := lines[i-1].y - l.y; gap > l.size*0.5 && (spacing == 0 || gap < spacing) {
			spacing = gap
		}
	}
	var paras []string
	var b strings.Builder
	for i, l := range lines {
		if l.text == "" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			prev := lines[i-1]
			newPara := startsMarker(l.text) ||
				(spacing > 0 && prev.y-l.y > spacing*1.4) ||
				prev.x1 < right-prev.size*4 || // the line before stopped short: its paragraph ended
				l.x0 > prev.x0+prev.size*1.5 // an indented first line
			if newPara {
				paras = append(paras, b.String())
				b.Reset()
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l.text)
	}
	if b.Len() > 0 {
		paras = append(paras, b.String())
	}
	return paras
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
