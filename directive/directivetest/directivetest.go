// Package directivetest builds the documents the tests send: a .docx with automatic numbering
// and a table, and a PDF with a text layer drawn in a composite font, as office software writes
// them.
package directivetest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strings"
)

// Para is a paragraph of a test document: its text, and its list (NumID 1: I., 1., a);
// NumID 2: bullets) and level when numbered.
type Para struct {
	Text        string
	NumID, Ilvl int
}

// DOCX writes a minimal .docx the way Word does: paragraphs with automatic numbering defined
// in numbering.xml (I., 1., a), bullets), and a table.
func DOCX(paras []Para, table [][]string) []byte {
	var body strings.Builder
	for _, p := range paras {
		body.WriteString("<w:p>")
		if p.NumID != 0 {
			fmt.Fprintf(&body, `<w:pPr><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr></w:pPr>`, p.Ilvl, p.NumID)
		}
		// Word splits text into runs; a run boundary inside a word must not add a space.
		mid := len(p.Text) / 2
		for mid < len(p.Text) && (p.Text[mid]&0xC0) == 0x80 {
			mid++
		}
		fmt.Fprintf(&body, `<w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>%s</w:t></w:r></w:p>`,
			html.EscapeString(p.Text[:mid]), html.EscapeString(p.Text[mid:]))
	}
	if table != nil {
		body.WriteString("<w:tbl>")
		for _, row := range table {
			body.WriteString("<w:tr>")
			for _, c := range row {
				fmt.Fprintf(&body, `<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc>`, html.EscapeString(c))
			}
			body.WriteString("</w:tr>")
		}
		body.WriteString("</w:tbl>")
	}
	document := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`
	numbering := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   document,
		"word/numbering.xml":  numbering,
	} {
		w, err := zw.Create(name)
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		if _, err := w.Write([]byte(content)); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PDF writes a PDF whose text is drawn with a composite (Type0, Identity-H) font and a
// ToUnicode map, as office software does for Vietnamese. Each element of lines is one line on the
// page; "" leaves a blank line. A new page starts at "\f".
func PDF(lines []string) []byte {
	glyph := map[rune]int{}
	var runes []rune
	for _, l := range lines {
		for _, r := range l {
			if _, ok := glyph[r]; !ok {
				glyph[r] = len(runes) + 1
				runes = append(runes, r)
			}
		}
	}
	var pages [][]string
	cur := []string{}
	for _, l := range lines {
		if l == "\f" {
			pages = append(pages, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, l)
	}
	pages = append(pages, cur)

	var objs []string // objects 1..n
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Test def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	fmt.Fprintf(&cmap, "%d beginbfchar\n", len(runes))
	for _, r := range runes {
		fmt.Fprintf(&cmap, "<%04X> <%04X>\n", glyph[r], r)
	}
	cmap.WriteString("endbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
	toUnicode := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", cmap.Len(), cmap.String()))
	widths := make([]string, len(runes))
	for i, r := range runes {
		widths[i] = "500"
		if r == ' ' {
			widths[i] = "250"
		}
	}
	descFont := add(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 /W [1 [%s]] >>", strings.Join(widths, " ")))
	font := add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /TestSans /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", descFont, toUnicode))
	pagesObj := len(objs) + 1 + 2*len(pages) // after the page and content objects
	var kids []string
	for _, pl := range pages {
		var content strings.Builder
		y := 800
		for _, l := range pl {
			if l != "" {
				fmt.Fprintf(&content, "BT /F1 10 Tf 50 %d Td <", y)
				for _, r := range l {
					fmt.Fprintf(&content, "%04X", glyph[r])
				}
				content.WriteString("> Tj ET\n")
			}
			y -= 14
		}
		c := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()))
		p := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pagesObj, font, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", p))
	}
	add(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	catalog := add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj))
	return WritePDF(objs, catalog)
}

// WritePDF writes the objects (numbered from 1) as a PDF file whose catalog is object root.
func WritePDF(objs []string, root int) []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, root, xref)
	return buf.Bytes()
}
