package directive

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DOCXText extracts the text of a .docx (Office Open XML): one paragraph per line with a blank
// line between, automatic numbering written out ("I.", "2.", "b)") as Word shows it, and each
// table row as one paragraph whose cells are separated by " – ". A row whose first cell is a
// number reads as a numbered item.
func DOCXText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%w: not a .docx (%v)", ErrBroken, err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	doc, ok := files["word/document.xml"]
	if !ok {
		return "", fmt.Errorf("%w: no word/document.xml", ErrBroken)
	}
	num := &numbering{counters: map[string][]int{}}
	if f, ok := files["word/numbering.xml"]; ok {
		if err := num.load(f); err != nil {
			return "", err
		}
	}
	if f, ok := files["word/styles.xml"]; ok {
		num.loadStyles(f)
	}
	rc, err := doc.Open()
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBroken, err)
	}
	defer rc.Close()
	return readDocument(io.LimitReader(rc, 200<<20), num)
}

// readDocument walks document.xml.
func readDocument(r io.Reader, num *numbering) (string, error) {
	dec := xml.NewDecoder(r)
	var out strings.Builder
	var para strings.Builder
	var numID, ilvl, pStyle string
	inPara, inText := false, false
	tableDepth := 0
	var row []string
	var cell strings.Builder
	flushPara := func() {
		text := collapseSpaces(para.String())
		para.Reset()
		if text == "" {
			return
		}
		if tableDepth > 0 {
			if cell.Len() > 0 {
				cell.WriteByte(' ')
			}
			cell.WriteString(text)
			return
		}
		if label := num.label(numID, ilvl, pStyle); label != "" {
			text = label + " " + text
		}
		out.WriteString(text)
		out.WriteString("\n\n")
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrBroken, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				inPara, numID, ilvl, pStyle = true, "", "", ""
			case "numId":
				numID = attr(t, "val")
			case "ilvl":
				ilvl = attr(t, "val")
			case "pStyle":
				pStyle = attr(t, "val")
			case "t":
				inText = true
			case "tab":
				para.WriteByte(' ')
			case "br", "cr":
				para.WriteByte(' ')
			case "tbl":
				tableDepth++
			case "tr":
				row = row[:0]
			case "tc":
				cell.Reset()
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if inPara {
					flushPara()
				}
				inPara = false
			case "tc":
				row = append(row, collapseSpaces(cell.String()))
			case "tr":
				if line := tableRow(row); line != "" && tableDepth == 1 {
					out.WriteString(line)
					out.WriteString("\n\n")
				}
			case "tbl":
				tableDepth--
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
	return out.String(), nil
}

// tableRow writes a table row as a paragraph: "1. Tổ chức tập huấn – Tháng 10 – Các trường".
func tableRow(cells []string) string {
	var parts []string
	for _, c := range cells {
		if c != "" {
			parts = append(parts, c)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if n, err := strconv.Atoi(strings.TrimRight(parts[0], ".)")); err == nil && n > 0 && len(parts) > 1 {
		return strconv.Itoa(n) + ". " + strings.Join(parts[1:], " – ")
	}
	return strings.Join(parts, " – ")
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// numbering is Word's automatic numbering: what each list level looks like, and the counters as
// the document goes.
type numbering struct {
	nums     map[string]string               // numId → abstractNumId
	levels   map[string]map[string]*numLevel // abstractNumId → ilvl → level
	styles   map[string][2]string            // paragraph style → numId, ilvl
	counters map[string][]int                // abstractNumId → counter per level
}

type numLevel struct {
	start int
	fmt   string // decimal, upperRoman, lowerRoman, upperLetter, lowerLetter, bullet, none
	text  string // lvlText, e.g. "%1." or "%1.%2"
}

func (n *numbering) load(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBroken, err)
	}
	defer rc.Close()
	n.nums, n.levels = map[string]string{}, map[string]map[string]*numLevel{}
	dec := xml.NewDecoder(io.LimitReader(rc, 50<<20))
	var abstract, num, lvl string
	var cur *numLevel
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: numbering: %v", ErrBroken, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "abstractNum":
			abstract, num = attr(se, "abstractNumId"), ""
			n.levels[abstract] = map[string]*numLevel{}
		case "lvl":
			lvl = attr(se, "ilvl")
			cur = &numLevel{start: 1, fmt: "decimal", text: "%" + strconv.Itoa(atoi(lvl)+1) + "."}
			if num == "" && n.levels[abstract] != nil {
				n.levels[abstract][lvl] = cur
			}
		case "start":
			if cur != nil {
				cur.start = atoi(attr(se, "val"))
			}
		case "numFmt":
			if cur != nil {
				cur.fmt = attr(se, "val")
			}
		case "lvlText":
			if cur != nil {
				cur.text = attr(se, "val")
			}
		case "num":
			num, cur = attr(se, "numId"), nil
		case "abstractNumId":
			if num != "" {
				n.nums[num] = attr(se, "val")
			}
		}
	}
}

// loadStyles reads numbering attached to paragraph styles (headings numbered by their style).
func (n *numbering) loadStyles(f *zip.File) {
	rc, err := f.Open()
	if err != nil {
		return
	}
	defer rc.Close()
	n.styles = map[string][2]string{}
	dec := xml.NewDecoder(io.LimitReader(rc, 20<<20))
	var style, numID, ilvl string
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				style, numID, ilvl = attr(t, "styleId"), "", "0"
			case "numId":
				numID = attr(t, "val")
			case "ilvl":
				ilvl = attr(t, "val")
			}
		case xml.EndElement:
			if t.Name.Local == "style" && numID != "" {
				n.styles[style] = [2]string{numID, ilvl}
			}
		}
	}
}

// label advances the counters for a numbered paragraph and returns its label, or "".
func (n *numbering) label(numID, ilvl, pStyle string) string {
	if numID == "" && pStyle != "" {
		if s, ok := n.styles[pStyle]; ok {
			numID, ilvl = s[0], s[1]
		}
	}
	if numID == "" || numID == "0" || n.nums == nil {
		return ""
	}
	abstract, ok := n.nums[numID]
	if !ok {
		return ""
	}
	levels := n.levels[abstract]
	lv := atoi(ilvl)
	if lv < 0 || lv > 8 {
		return ""
	}
	def, ok := levels[strconv.Itoa(lv)]
	if !ok {
		return ""
	}
	counters := n.counters[abstract]
	for len(counters) < 9 {
		counters = append(counters, 0)
	}
	if counters[lv] == 0 {
		counters[lv] = def.start
	} else {
		counters[lv]++
	}
	for deeper := lv + 1; deeper < len(counters); deeper++ {
		counters[deeper] = 0
	}
	n.counters[abstract] = counters
	switch def.fmt {
	case "bullet":
		return "-"
	case "none":
		return ""
	}
	text := def.text
	for i := 0; i <= lv; i++ {
		d := levels[strconv.Itoa(i)]
		if d == nil {
			continue
		}
		c := counters[i]
		if c == 0 {
			c = d.start
		}
		text = strings.ReplaceAll(text, "%"+strconv.Itoa(i+1), formatNumber(c, d.fmt))
	}
	return text
}

func formatNumber(n int, format string) string {
	switch format {
	case "upperRoman":
		return roman(n)
	case "lowerRoman":
		return strings.ToLower(roman(n))
	case "upperLetter":
		return letter(n, 'A')
	case "lowerLetter":
		return letter(n, 'a')
	}
	return strconv.Itoa(n)
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// letter is a, b, … z, aa, bb (as Word counts).
func letter(n int, base rune) string {
	if n <= 0 {
		return strconv.Itoa(n)
	}
	ch := string(base + rune((n-1)%26))
	return strings.Repeat(ch, (n-1)/26+1)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
