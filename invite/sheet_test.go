package invite

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"github.com/ledongthuc/pdf"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// testCards are n cards of schools with Vietnamese names, one far too long for two lines, and
// links with distinct codes; one name is typed with combining marks (NFD).
func testCards(n int) []Card {
	names := []string{
		"Trường Mầm non Hoa Sen",
		"Trường Tiểu học và Trung học cơ sở Nguyễn Văn Trỗi thuộc xã Đắk Glong, tỉnh Lâm Đồng, cơ sở 2",
		norm.NFD.String("Trường THCS Lê Quý Đôn"),
		"Trường THPT Chuyên Nguyễn Bỉnh Khiêm",
		"Trường Tiểu học Ỷ Lan",
		"Trường Phổ thông Dân tộc Nội trú Ưu Đàm",
	}
	parents := []string{"UBND xã Ea Kao", "UBND phường Đống Đa", "Sở GD&ĐT Tỉnh Mẫu"}
	cards := make([]Card, n)
	for i := range cards {
		code := fmt.Sprintf("QRTEST%04d", i)
		cards[i] = Card{
			School:  fmt.Sprintf("%s %d", names[i%len(names)], i+1),
			Parent:  parents[i%len(parents)],
			Link:    "https://t.me/nhacviec_tinh_mau_bot?start=" + code,
			Code:    code,
			Expires: "23/12/2026",
		}
	}
	return cards
}

func links(cards []Card) []string {
	out := make([]string, len(cards))
	for i, c := range cards {
		out[i] = c.Link
	}
	return out
}

// decodeQR reads the one QR code in img.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "error: " + err.Error()
	}
	return res.GetText()
}

// The PNG pages hold every card in order: the QR code in each card's box decodes to its link.
func TestPNGQRCodesDecodeToLinks(t *testing.T) {
	cards := testCards(PerPage + 3) // a full page and a part of one
	pages, err := Sheet{Title: "Sở GD&ĐT Tỉnh Mẫu", Cards: cards, Labels: VI}.PNG()
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 {
		t.Fatalf("%d pages, want 2", len(pages))
	}
	var got []string
	for p, data := range pages {
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("page %d: %v", p+1, err)
		}
		if b := img.Bounds(); b.Dx() != 1654 || b.Dy() != 2339 {
			t.Fatalf("page %d is %v, want A4 at %d dpi", p+1, b, PNGDPI)
		}
		sub := img.(interface {
			SubImage(image.Rectangle) image.Image
		})
		for i := p * PerPage; i < min(len(cards), (p+1)*PerPage); i++ {
			x, y := cell(i)
			r := image.Rect(int(px(x+qrX-1)), int(px(y+qrY-1)), int(math.Ceil(px(x+qrX+qrSize+1))), int(math.Ceil(px(y+qrY+qrSize+1))))
			got = append(got, decodeQR(t, sub.SubImage(r)))
		}
	}
	if want := links(cards); !slices.Equal(got, want) {
		t.Fatalf("decoded:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The PDF has the right number of A4 pages, its text holds every school's name (with its
// diacritics), unit and link, and its embedded QR images decode to exactly the links.
func TestPDFPagesTextAndQRCodes(t *testing.T) {
	cards := testCards(2*PerPage + 1)
	var buf bytes.Buffer
	if err := (Sheet{Title: "Sở GD&ĐT Tỉnh Mẫu", Cards: cards, Labels: VI}).PDF(&buf); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	r, err := pdf.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("not a PDF the reader accepts: %v", err)
	}
	if r.NumPage() != 3 {
		t.Fatalf("%d pages, want 3", r.NumPage())
	}
	var ascii, text strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		box := p.V.Key("MediaBox")
		if box.IsNull() {
			box = p.V.Key("Parent").Key("MediaBox")
		}
		if math.Abs(box.Index(2).Float64()-595.28) > 0.5 || math.Abs(box.Index(3).Float64()-841.89) > 0.5 {
			t.Errorf("page %d media box %v, want A4", i, box)
		}
		content := pageContent(t, p)
		if n, want := len(drawImage.FindAll(content, -1)), min(PerPage, len(cards)-(i-1)*PerPage); n != want {
			t.Errorf("page %d draws %d images, want %d", i, n, want)
		}
		s, err := p.GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		ascii.WriteString(s)
		text.WriteString(pageText(content))
	}
	// Lines break anywhere in a name or a link: compare without spaces. What is expected is put in
	// NFC, what the PDF holds is not: a name typed with combining marks must be printed in NFC.
	flat := func(s string) string { return strings.Join(strings.Fields(s), "") }
	shown, shownASCII := flat(text.String()), flat(ascii.String())
	for _, c := range cards {
		// The reader decodes the links and codes (ASCII) itself.
		if !strings.Contains(shownASCII, c.Link) || !strings.Contains(shownASCII, groupCode(c.Code)) {
			t.Errorf("text lacks the link or code of %q", c.School)
		}
		if !strings.Contains(c.School, "Nguyễn Văn Trỗi") && !strings.Contains(shown, flat(norm.NFC.String(c.School))) { // the long one is cut with "…"
			t.Errorf("text lacks the school %q", c.School)
		}
		if !strings.Contains(shown, flat(c.Parent)) {
			t.Errorf("text lacks the unit of %q", c.School)
		}
	}
	for _, want := range []string{"Trường Tiểu học và Trung học cơ sở Nguyễn Văn", "Trang 3/3", VI.Instruction, VI.Heading} {
		if !strings.Contains(shown, flat(want)) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}

	got := pdfQRCodes(t, raw)
	want := links(cards)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("decoded:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// pageText is the text a page shows. The PDF reader's own text extraction cannot be used for
// Vietnamese here: fpdf maps its Identity-H codes back to Unicode with one range
// <0000> <FFFF> <0000>, and the reader applies a range to the last byte only, so "ư" (U+01B0)
// comes out as "°" (U+00B0). The codes are the characters' UTF-16 units, so the strings of the
// page's Tj operators are decoded here.
func pageText(content []byte) string {
	var out strings.Builder
	for _, m := range tjString.FindAllSubmatch(content, -1) {
		var units []uint16
		raw := unescapePDF(m[1])
		for i := 0; i+1 < len(raw); i += 2 {
			units = append(units, uint16(raw[i])<<8|uint16(raw[i+1]))
		}
		out.WriteString(string(utf16.Decode(units)) + "\n")
	}
	return out.String()
}

// pageContent is a page's content stream, uncompressed.
func pageContent(t *testing.T, p pdf.Page) []byte {
	t.Helper()
	rd := p.V.Key("Contents").Reader()
	defer rd.Close()
	content, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return content
}

var drawImage = regexp.MustCompile(`/I\w+ Do\b`)

var tjString = regexp.MustCompile(`\(((?:[^\\()]|\\.)*)\) Tj`)

// unescapePDF undoes the escapes of a PDF literal string.
func unescapePDF(s []byte) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			out = append(out, s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		default:
			if c >= '0' && c <= '7' {
				v, n := 0, 0
				for ; n < 3 && i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '7'; n++ {
					v = v*8 + int(s[i+n]-'0')
				}
				out = append(out, byte(v))
				i += n - 1
				continue
			}
			out = append(out, c) // \( \) \\
		}
	}
	return out
}

var imageObject = regexp.MustCompile(`<</Type /XObject\n/Subtype /Image\n/Width (\d+)\n/Height (\d+)\n/ColorSpace \[/Indexed /DeviceRGB 1 (\d+) 0 R\]\n/BitsPerComponent 1\n/Filter /FlateDecode\n/DecodeParms <<[^>]*>>\n/Length (\d+)>>\nstream\n`)

// pdfQRCodes decodes every image of the PDF as a QR code. The images are one-bit PNG data as
// fpdf embeds them (zlib with PNG row filters) with a palette of black and white, so each is
// wrapped back into a one-bit greyscale PNG file to decode.
func pdfQRCodes(t *testing.T, raw []byte) []string {
	t.Helper()
	var out []string
	for _, m := range imageObject.FindAllSubmatchIndex(raw, -1) {
		num := func(i int) int {
			n, _ := strconv.Atoi(string(raw[m[2*i]:m[2*i+1]]))
			return n
		}
		w, h, palette, n := num(1), num(2), num(3), num(4)
		if pal := pdfStream(t, raw, palette); !bytes.Equal(pal, []byte{0, 0, 0, 0xff, 0xff, 0xff}) {
			t.Fatalf("image %d: palette %x, want black and white", len(out)+1, pal)
		}
		img, err := png.Decode(bytes.NewReader(pngFile(w, h, raw[m[1]:m[1]+n])))
		if err != nil {
			t.Fatalf("image %d: %v", len(out)+1, err)
		}
		out = append(out, decodeQR(t, img))
	}
	if len(out) == 0 || bytes.Count(raw, []byte("/Subtype /Image")) != len(out) {
		t.Fatalf("found %d of %d images", len(out), bytes.Count(raw, []byte("/Subtype /Image")))
	}
	return out
}

// pdfStream is the inflated stream of object n.
func pdfStream(t *testing.T, raw []byte, n int) []byte {
	t.Helper()
	m := regexp.MustCompile(fmt.Sprintf(`\n%d 0 obj\n<</Filter /FlateDecode /Length (\d+)>>\nstream\n`, n)).FindSubmatchIndex(raw)
	if m == nil {
		t.Fatalf("no stream object %d", n)
	}
	length, _ := strconv.Atoi(string(raw[m[2]:m[3]]))
	zr, err := zlib.NewReader(bytes.NewReader(raw[m[1] : m[1]+length]))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pngFile makes a one-bit greyscale PNG file of zlib-compressed, row-filtered pixel data.
func pngFile(w, h int, idat []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 1, 0 // one bit, greyscale
	chunk("IHDR", ihdr)
	chunk("IDAT", idat)
	chunk("IEND", nil)
	return b.Bytes()
}

// Both outputs refuse an empty sheet and a link no QR code can hold.
func TestRefusals(t *testing.T) {
	if _, err := (Sheet{Labels: VI}).PNG(); !errors.Is(err, ErrNoCards) {
		t.Errorf("PNG of nothing: %v", err)
	}
	if err := (Sheet{Labels: VI}).PDF(&bytes.Buffer{}); !errors.Is(err, ErrNoCards) {
		t.Errorf("PDF of nothing: %v", err)
	}
	huge := Card{School: "Trường quá dài", Link: "https://t.me/x?start=" + strings.Repeat("A", 4000)}
	if err := (Sheet{Cards: []Card{huge}, Labels: VI}).PDF(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "Trường quá dài") {
		t.Errorf("a link too long for a QR code: %v", err)
	}
	if _, err := (Sheet{Cards: []Card{{School: "Trường"}}, Labels: VI}).PNG(); err == nil {
		t.Error("a card without a link was drawn")
	}
}

func TestPages(t *testing.T) {
	for n, want := range map[int]int{1: 1, PerPage: 1, PerPage + 1: 2, 1200: 150} {
		if got := Pages(n); got != want {
			t.Errorf("Pages(%d) = %d, want %d", n, got, want)
		}
	}
}

// monoCanvas measures every rune as 1 mm wide.
type monoCanvas struct{ canvas }

func (monoCanvas) width(s string, _ style) float64 { return float64(utf8.RuneCountInString(s)) }

func TestWrapping(t *testing.T) {
	c := monoCanvas{}
	st := style{size: 10}
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"words", wrap(c, "Trường Tiểu học  An Phú", st, 12), []string{"Trường Tiểu", "học An Phú"}},
		{"a word wider than the line", wrap(c, "ab abcdefghij", st, 4), []string{"ab", "abcd", "efgh", "ij"}},
		{"a link that fits", wrapLink(c, "https://t.me/b?start=X", st, 30), []string{"https://t.me/b?start=X"}},
		{"a link after a slash, before ?", wrapLink(c, "https://t.me/some_bot?start=ABCDEFGHJK", st, 22), []string{"https://t.me/some_bot", "?start=ABCDEFGHJK"}},
		{"a link part too wide", wrapLink(c, "https://t.me/abcdefghijklmnop", st, 10), []string{"https://", "t.me/", "abcdefghij", "klmnop"}},
		{"limit", limit(c, []string{"một", "hai", "ba bốn"}, 2, st, 6), []string{"một", "hai b…"}},
		{"fit", []string{fit(c, "Trường Tiểu học", st, 8), fit(c, "ngắn", st, 8)}, []string{"Trường…", "ngắn"}},
		{"code", []string{groupCode("ABCDEFGHJK"), groupCode("ABC")}, []string{"ABCDE-FGHJK", "ABC"}},
		{"clean", []string{clean(norm.NFD.String(" Trường\tỶ  Lan\n"))}, []string{"Trường Ỷ Lan"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !slices.Equal(tc.got, tc.want) {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

// Both fonts have a glyph for every Vietnamese letter, precomposed, and for what the cards
// print around the names; a missing one would print as an empty box.
func TestFontsCoverVietnamese(t *testing.T) {
	letters := "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
	all := letters + strings.ToUpper(letters) + "0123456789-–·…:/?=_&.,()«»"
	for name, ttf := range map[string][]byte{"regular": liberationsansregular.TTF, "bold": liberationsansbold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var b sfnt.Buffer
		for _, r := range all {
			if i, err := f.GlyphIndex(&b, r); err != nil || i == 0 {
				t.Errorf("%s: no glyph for %q", name, r)
			}
		}
	}
}

// Rendering 1,200 schools (a province) as a PDF: time and size.
func BenchmarkPDF1200(b *testing.B) {
	s := Sheet{Title: "Sở GD&ĐT Tỉnh Mẫu", Cards: testCards(1200), Labels: VI}
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := s.PDF(&buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/sheet")
}

// Rendering 1,200 schools as PNG pages: time and size.
func BenchmarkPNG1200(b *testing.B) {
	s := Sheet{Title: "Sở GD&ĐT Tỉnh Mẫu", Cards: testCards(1200), Labels: VI}
	var size int
	for b.Loop() {
		pages, err := s.PNG()
		if err != nil {
			b.Fatal(err)
		}
		size = 0
		for _, p := range pages {
			size += len(p)
		}
	}
	b.ReportMetric(float64(size)/1e6, "MB/sheet")
}
