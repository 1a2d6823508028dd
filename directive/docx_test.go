package directive

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"
)

// docxPara is a paragraph of a test document: text, and its list (numId) and level when numbered.
type docxPara struct {
	text        string
	numID, ilvl int
}

// buildDOCX writes a minimal .docx the way Word does: paragraphs with automatic numbering defined
// in numbering.xml (I., 1., a), bullets), and a table.
func buildDOCX(t testing.TB, paras []docxPara, table [][]string) []byte {
	t.Helper()
	var body strings.Builder
	for _, p := range paras {
		body.WriteString("<w:p>")
		if p.numID != 0 {
			fmt.Fprintf(&body, `<w:pPr><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr></w:pPr>`, p.ilvl, p.numID)
		}
		// Word splits text into runs; a run boundary inside a word must not add a space.
		mid := len(p.text) / 2
		for mid < len(p.text) && (p.text[mid]&0xC0) == 0x80 {
			mid++
		}
		fmt.Fprintf(&body, `<w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>%s</w:t></w:r></w:p>`,
			html.EscapeString(p.text[:mid]), html.EscapeString(p.text[mid:]))
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
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDOCX(t *testing.T) {
	data := buildDOCX(t, []docxPara{
		{text: "KẾ HOẠCH"},
		{text: "Tổ chức Tuần lễ học tập suốt đời năm 2026"},
		{text: "MỤC ĐÍCH, YÊU CẦU", numID: 1, ilvl: 0},
		{text: "Nâng cao nhận thức về học tập suốt đời.", numID: 1, ilvl: 1},
		{text: "NỘI DUNG", numID: 1, ilvl: 0},
		{text: "Tổ chức lễ khai mạc", numID: 1, ilvl: 1},
		{text: "Treo băng rôn tại cổng trường.", numID: 1, ilvl: 2},
		{text: "Phát động đọc sách trong học sinh.", numID: 1, ilvl: 2},
		{text: "Mỗi lớp có một tủ sách.", numID: 2},
		{text: "Trưng bày sản phẩm học tập.", numID: 1, ilvl: 1},
		{text: "Danh mục công việc:"},
	}, [][]string{
		{"STT", "Nội dung", "Thời gian", "Đơn vị thực hiện"},
		{"1", "Báo cáo kết quả về Phòng GD&ĐT", "Trước 15/10/2026", "Các trường"},
		{"2", "Tổng hợp báo cáo", "Trước 20/10/2026", "Phòng GD&ĐT"},
	})
	d, err := Parse("ke-hoach.docx", data)
	if err != nil {
		t.Fatal(err)
	}
	want := "II.1.a II.1.b-1 II.2.1 II.2.2"
	var got []string
	for _, it := range d.Tasks() {
		got = append(got, it.Citation)
	}
	if d.Kind != "Kế hoạch" || d.Title != "Tổ chức Tuần lễ học tập suốt đời năm 2026" {
		t.Fatalf("metadata: %+v", d)
	}
	if strings.Join(got, " ") != want {
		t.Fatalf("tasks %v, want %s", got, want)
	}
	if it := d.Find("II.1.a"); it.Title() != "Treo băng rôn tại cổng trường" {
		t.Fatalf("a run boundary changed the text: %q", it.Title())
	}
	if it := d.Find("II.2.1"); !strings.Contains(it.Text, "Báo cáo kết quả về Phòng GD&ĐT – Trước 15/10/2026 – Các trường") {
		t.Fatalf("table row: %q", it.Text)
	}
	if it := d.Find("I.1"); it == nil || it.Role != RoleContext {
		t.Fatalf("the aims are context: %+v", it)
	}
	if _, err := Parse("hong.docx", []byte("PK\x03\x04 not really a zip")); err == nil {
		t.Fatal("a broken .docx was accepted")
	}
}
