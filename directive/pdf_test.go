package directive

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// buildPDF writes a PDF whose text is drawn with a composite (Type0, Identity-H) font and a
// ToUnicode map, as office software does for Vietnamese. Each element of lines is one line on the
// page; "" leaves a blank line. A new page starts at "\f".
func buildPDF(t testing.TB, lines []string) []byte {
	t.Helper()
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
	return writePDF(objs, catalog)
}

func writePDF(objs []string, root int) []byte {
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

func TestPDF(t *testing.T) {
	// Lines as a PDF lays them out: a long paragraph wrapped over two lines and over a page break,
	// headings on lines of their own.
	data := buildPDF(t, []string{
		"CHỈ THỊ",
		"",
		"Về tăng cường an toàn giao thông cho học sinh năm học 2026-2027",
		"",
		"I. NHIỆM VỤ TRỌNG TÂM",
		"1. Tổ chức tuyên truyền Luật Giao thông đường bộ cho học sinh vào",
		"tuần đầu năm học; phối hợp với Công an xã kiểm tra việc đội mũ",
		"\f",
		"bảo hiểm của học sinh đi xe đạp điện.",
		"2. Không để học sinh chưa đủ tuổi điều khiển xe máy đến trường.",
		"II. TỔ CHỨC THỰC HIỆN",
		"Các trường báo cáo kết quả trước ngày 30/10/2026.",
	})
	d, err := Parse("chi-thi.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "Chỉ thị" || d.Title != "Về tăng cường an toàn giao thông cho học sinh năm học 2026-2027" || d.SchoolYear != "2026-2027" {
		t.Fatalf("metadata: %+v", d)
	}
	tasks := d.Tasks()
	if len(tasks) != 2 || tasks[0].Citation != "I.1" || tasks[1].Citation != "I.2" {
		t.Fatalf("tasks: %+v", tasks)
	}
	if want := "vào tuần đầu năm học; phối hợp với Công an xã kiểm tra việc đội mũ bảo hiểm của học sinh đi xe đạp điện."; !strings.Contains(tasks[0].Text, want) {
		t.Fatalf("the wrapped paragraph was not put together:\n%q", tasks[0].Text)
	}
	if it := d.Find("II"); it == nil || it.Role != RoleContext {
		t.Fatalf("II: %+v", it)
	}
}

func TestScannedPDF(t *testing.T) {
	// A page with an image and no text: what a scanner makes.
	objs := []string{
		"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream",
		"<< /Length 30 >>\nstream\nq 500 0 0 700 50 50 cm /Im1 Do Q\nendstream",
		"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 1 0 R >> >> /Contents 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Catalog /Pages 4 0 R >>",
	}
	if _, err := Parse("scan.pdf", writePDF(objs, 5)); !errors.Is(err, ErrScanned) {
		t.Fatalf("a scan: %v", err)
	}
	if _, err := Parse("hong.pdf", []byte("%PDF-1.4\ngarbage")); !errors.Is(err, ErrBroken) {
		t.Fatalf("a broken PDF: %v", err)
	}
}
