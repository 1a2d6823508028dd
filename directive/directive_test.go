package directive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// expect describes what a document should read as, written by hand from reading it.
type expect struct {
	kind, number, date, issuer, year, title string
	narrative                               bool
	tasks                                   []string // citations proposed as tasks, in order
	context                                 []string // some citations that must be context
	texts                                   map[string][]string
}

func check(t *testing.T, d *Document, e expect) {
	t.Helper()
	if d.Kind != e.kind || d.Number != e.number || d.Date.String() != e.date || d.Issuer != e.issuer || d.SchoolYear != e.year || d.Narrative != e.narrative {
		t.Errorf("metadata: kind %q number %q date %q issuer %q year %q narrative %v", d.Kind, d.Number, d.Date, d.Issuer, d.SchoolYear, d.Narrative)
	}
	if e.title != "" && d.Title != e.title {
		t.Errorf("title %q, want %q", d.Title, e.title)
	}
	var got []string
	for _, it := range d.Tasks() {
		got = append(got, it.Citation)
	}
	if strings.Join(got, " ") != strings.Join(e.tasks, " ") {
		t.Errorf("tasks\n got  %v\n want %v", got, e.tasks)
	}
	for _, c := range e.context {
		if it := d.Find(c); it == nil || it.Role != RoleContext {
			t.Errorf("%s should be context: %+v", c, it)
		}
	}
	for c, wants := range e.texts {
		it := d.Find(c)
		if it == nil {
			t.Errorf("no item %s", c)
			continue
		}
		for _, w := range wants {
			if !strings.Contains(it.Text, w) && !strings.Contains(it.Title(), w) {
				t.Errorf("%s lacks %q:\n%s", c, w, it.Text)
			}
		}
	}
	// Nothing of the web page, the recipients or the signature may survive anywhere.
	for _, it := range d.All() {
		for _, junk := range []string{"Nơi nhận", "Lưu: VT", "Đang online", "Thống kê truy cập", "Địa chỉ:", "Ảnh minh họa", "Ảnh: Minh Anh", "KT. GIÁM ĐỐC"} {
			if strings.Contains(it.Text, junk) {
				t.Errorf("%s keeps %q", it.Citation, junk)
			}
		}
	}
}

func TestFixtures(t *testing.T) {
	cases := map[string]expect{
		"ke_hoach.txt": {
			kind: "Kế hoạch", number: "45/KH-SGDĐT", date: "05/09/2026", issuer: "Sở Giáo dục và Đào tạo", year: "2026-2027",
			title:   "Triển khai công tác chuyển đổi số trong các cơ sở giáo dục năm học 2026-2027",
			tasks:   []string{"II.1.a", "II.1.b-1", "II.1.b-2+1", "II.1.b-2+2", "II.2", "II.3.a", "II.3.b"},
			context: []string{"I", "I.1", "I.2", "III", "III.1", "III.2"},
			texts: map[string][]string{
				"II.1.a": {"các điểm trường lẻ ở vùng khó khăn và các trường có đông học sinh bán trú"}, // joined across a page
				"II.2":   {"Bồi dưỡng đội ngũ", "Tổ chức tập huấn kỹ năng số cho 100% giáo viên"},
				"II.1.b": {"Trang bị phòng học thông minh"},
			},
		},
		"quyet_dinh.txt": {
			kind: "Quyết định", number: "120/QĐ-UBND", issuer: "Ủy ban nhân dân xã An Phú",
			tasks:   []string{"Điều 1.1", "Điều 1.2", "Điều 1.3", "Điều 2"},
			context: []string{"Điều 3"},
		},
		"phan.txt": {
			kind: "Hướng dẫn", year: "2026-2027",
			tasks:   []string{"B.I.1", "B.I.2", "B.II.1", "B.II.2"},
			context: []string{"A", "C"},
			texts:   map[string][]string{"A": {"98% trường"}},
		},
		"thong_bao.txt": {
			kind: "Chỉ thị", number: "30/CT-UBND", date: "10/09/2026", issuer: "Ủy ban nhân dân tỉnh", year: "2026-2027", narrative: true,
			title:   "Tỉnh Mẫu triển khai nhiệm vụ năm học 2026-2027",
			tasks:   []string{"¶2.1", "¶2.2", "¶2.3", "¶2.4", "¶2.5", "¶2.6", "¶2.7", "¶2.8", "¶2.9", "¶3.1", "¶3.2", "¶3.3", "¶3.4", "¶3.5", "¶5"},
			context: []string{"¶4"},
			texts:   map[string][]string{"¶2.1": {"Rà soát mạng lưới trường lớp"}, "¶3.5": {"Đẩy mạnh thi đua khen thưởng"}},
		},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(name, data)
			if err != nil {
				t.Fatal(err)
			}
			check(t, d, e)
		})
	}
}

func TestTextEncodings(t *testing.T) {
	const text = "CHỈ THỊ\n\nVề an toàn trường học\n\n1. Kiểm tra phòng cháy chữa cháy.\n\n2. Tập huấn sơ cứu.\n"
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range text {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	for name, data := range map[string][]byte{
		"plain.txt":   []byte(text),
		"bom.txt":     append([]byte{0xEF, 0xBB, 0xBF}, text...),
		"utf16le.txt": utf16le,
		"windows.txt": []byte(strings.ReplaceAll(text, "\n", "\r\n")),
	} {
		d, err := Parse(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.Kind != "Chỉ thị" || d.Title != "Về an toàn trường học" || len(d.Tasks()) != 2 || d.Tasks()[1].Title() != "Tập huấn sơ cứu" {
			t.Fatalf("%s: %+v %v", name, d, d.Tasks())
		}
	}
	if _, err := Parse("latin1.txt", []byte("Tr\xf0\xf5\xe1ng h\xf4c")); err == nil {
		t.Fatal("text that is not UTF-8 was accepted")
	}
	if _, err := Parse("empty.txt", []byte("  \n\n ")); err != ErrEmpty {
		t.Fatalf("empty: %v", err)
	}
	if _, err := Parse("bang.xlsx", []byte("PK")); err == nil {
		t.Fatal("an .xlsx was accepted")
	}
}

func TestMarkers(t *testing.T) {
	for _, tc := range []struct {
		in    string
		style style
		label string
	}{
		{"I. NHIỆM VỤ", styleRoman, "I"},
		{"IV. TỔ CHỨC THỰC HIỆN", styleRoman, "IV"},
		{"2. Tập huấn", styleArabic, "2"},
		{"2) Tập huấn", styleArabic, "2"},
		{"1.2. Dạy đủ tiết", styleArabic, "1.2"},
		{"b) Trang bị", styleLower, "b"},
		{"đ) Bồi dưỡng", styleLower, "đ"},
		{"- Mỗi trường", styleDash, ""},
		{"• Mỗi trường", styleDash, ""},
		{"+ ưu tiên", stylePlus, ""},
		{"Điều 3. Hiệu lực", styleDieu, "Điều 3"},
		{"PHẦN II. NHIỆM VỤ", stylePart, "Phần II"},
		{"A. ĐÁNH GIÁ", styleUpper, "A"},
		{"V/ KẾT QUẢ", styleRoman, "V"},
	} {
		m, ok := parseMarker(tc.in)
		if !ok || m.style != tc.style || m.label != tc.label {
			t.Errorf("%q: %+v %v", tc.in, m, ok)
		}
	}
	for _, no := range []string{"2.500 giáo viên được tập huấn", "10/2026 hoàn thành", "Internet", "I", "-", "Ivan", "V/v báo cáo công tác phòng chống bão lũ", "V/V: triển khai"} {
		if _, ok := parseMarker(no); ok {
			t.Errorf("%q read as a marker", no)
		}
	}
}

// A công văn names its subject "V/v …": that is its title, not a heading V.
func TestSubjectLine(t *testing.T) {
	d := ParseText("SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 12/CV-SGDĐT\nV/v báo cáo công tác phòng chống bão lũ\n" +
		"Sở đề nghị các đơn vị thực hiện:\n1. Rà soát cơ sở vật chất.\n2. Báo cáo thiệt hại.")
	if d.Title != "V/v báo cáo công tác phòng chống bão lũ" || d.Number != "12/CV-SGDĐT" {
		t.Fatalf("title %q, number %q", d.Title, d.Number)
	}
	var cites []string
	for _, it := range d.Tasks() {
		cites = append(cites, it.Citation)
	}
	if strings.Join(cites, " ") != "1 2" {
		t.Fatalf("citations %v", cites)
	}
}

// A heading without a title line: the first numbered item is a task, not the title.
func TestNoTitleLine(t *testing.T) {
	d := ParseText("CHỈ THỊ\nSố: 3/CT-SGDĐT\n1. Tổ chức sinh hoạt chuyên môn theo cụm trường.\n2. Báo cáo kết quả về Sở.")
	if d.Kind != "Chỉ thị" || d.Number != "3/CT-SGDĐT" || d.Title != "" || len(d.Tasks()) != 2 {
		t.Fatalf("%+v, %d tasks", d, len(d.Tasks()))
	}
}
