package directive

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func decodeUTF16(u []uint16) []rune { return utf16.Decode(u) }

// paragraphs turns text into its paragraphs: NFC-normalised, spaces collapsed, web-page
// boilerplate dropped, the recipients and signature cut off, and a paragraph broken by a page
// (or by a wrapped line) joined again.
func paragraphs(text string) []string {
	text = norm.NFC.String(text)
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00a0", " ", "\t", " ", "\u200b", "", "\ufeff", "", "\f", "\n\n").Replace(text)
	var out []string
	blank := true // a blank line came before the current line
	for _, raw := range strings.Split(text, "\n") {
		line := collapseSpaces(raw)
		if line == "" {
			blank = true
			continue
		}
		if isCutMarker(line) {
			break
		}
		if isBoilerplate(line) {
			continue
		}
		if n := len(out); n > 0 && continues(out[n-1], line, blank) {
			out[n-1] += " " + line
		} else {
			out = append(out, line)
		}
		blank = false
	}
	return trimSignature(out)
}

func collapseSpaces(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == 0 {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// continues reports whether line goes on with the paragraph prev. A line that starts in lower
// case always does (no paragraph starts so), unless it is a numbered part. Otherwise prev must
// stop mid-sentence: after a blank line (a page break, or a paragraph mark) only when its last
// word cannot end a phrase; without one (a wrapped line, as text taken from a PDF often is)
// whenever prev is a body paragraph.
func continues(prev, line string, afterBlank bool) bool {
	if startsMarker(line) || subjectLine.MatchString(line) || numberOnly.MatchString(line) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(line)
	if unicode.IsLower(r) {
		return true // "…năm học 2021-2022;" / "chuẩn bị các điều kiện…": no paragraph starts in lower case
	}
	if numberOnly.MatchString(prev) || (subjectLine.MatchString(prev) && !endsWithFunctionWord(prev)) {
		return false // the header's lines stand alone, even in a text pasted without blank lines
	}
	if endsSentence(prev) {
		return false
	}
	if afterBlank {
		// A paragraph cut by a page in the middle of a phrase: "Phối hợp với các" / "Nhà xuất bản…".
		return endsWithFunctionWord(prev) && !isAllCaps(prev) && !isAllCaps(line)
	}
	return !startsMarker(prev) && !isAllCaps(prev) && !isAllCaps(line)
}

// functionWords cannot end a Vietnamese sentence or heading: a paragraph that ends with one was
// cut.
var functionWords = map[string]bool{
	"các": true, "những": true, "của": true, "và": true, "với": true, "cho": true, "trong": true, "theo": true,
	"về": true, "để": true, "là": true, "có": true, "được": true, "bị": true, "mọi": true, "từng": true,
	"một": true, "tại": true, "từ": true, "đến": true, "như": true, "nhằm": true, "do": true, "bởi": true,
	"vì": true, "khi": true, "nếu": true, "thì": true, "mà": true, "nhưng": true, "hoặc": true, "hay": true,
	"cùng": true, "đối": true, "phải": true, "sẽ": true, "đã": true, "đang": true, "các:": false, "ở": true,
	"trên": true, "dưới": true, "giữa": true, "qua": true, "vào": true, "ra": true,
	"nhất": false, "đồng": true, "cũng": true, "còn": true, "này": false, "số": true, "ngày": true, "tháng": true,
	"năm": true, "thành": true, "nhà": true, "tổ": true, "giáo": true, "học": false, "người": true, "cơ": true,
}

func endsWithFunctionWord(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	return functionWords[strings.ToLower(f[len(f)-1])]
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".;:!?…", r)
}

// sentenceEnd is the byte index just after the first sentence of s, or 0.
func sentenceEnd(s string) int {
	for i, r := range s {
		if r != '.' && r != ';' && r != '!' && r != '?' {
			continue
		}
		rest := s[i+1:]
		if rest == "" {
			return i + 1
		}
		next, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, " "))
		// "năm 2021. Tiếp tục" ends a sentence; "Thông tư số 17, 18, 19/TT-BGDĐT" or "TP. Hải
		// Phòng" do not.
		if strings.HasPrefix(rest, " ") && (unicode.IsUpper(next) || r == ';') && !abbreviationBefore(s[:i]) {
			return i + 1
		}
	}
	return 0
}

func abbreviationBefore(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	w := f[len(f)-1]
	switch w {
	case "TP", "Tp", "tp", "ThS", "TS", "PGS", "GS", "Q", "TX", "TT", "St", "Số", "số":
		return true
	}
	return utf8.RuneCountInString(w) == 1
}

// looksLikeHeading: short, no sentence inside, no end punctuation.
func looksLikeHeading(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && utf8.RuneCountInString(s) <= 250 && !strings.ContainsAny(strings.TrimRight(s, ":"), ".;!?") || isAllCaps(s)
}

func isAllCaps(s string) bool {
	letters, upper := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return letters >= 3 && upper == letters
}

// cut markers end the useful text: after them come recipients, signatures, attachments lists or a
// web page's footer.
var cutMarkers = []string{
	"nơi nhận", "tài liệu đính kèm", "file đính kèm", "tệp đính kèm", "kết quả giải quyết tthc",
	"thống kê truy cập", "tin liên quan", "các tin khác", "tin cùng chuyên mục", "bài viết liên quan",
	"tin đã đăng", "xem thêm",
}

func isCutMarker(line string) bool {
	if len(line) > 80 {
		return false
	}
	l := strings.ToLower(strings.TrimRight(line, ": "))
	for _, m := range cutMarkers {
		if l == m || (strings.HasPrefix(l, m) && utf8.RuneCountInString(l) < len(m)+12) {
			return true
		}
	}
	return false
}

var (
	// boilerPrefixes start the short lines of a web page around an article.
	boilerPrefixes = []string{
		"đang online", "đang truy cập", "hôm nay:", "hôm qua:", "trong tuần", "tuần này:", "tháng này:", "tất cả:",
		"lượt truy cập", "lượt xem", "địa chỉ:", "điện thoại:", "điện thoại :", "email:", "e-mail:", "fax:", "hotline",
		"cơ quan quản lý", "cơ quan chủ quản", "trưởng ban biên tập", "chịu trách nhiệm", "bản quyền", "copyright",
		"giấy phép", "ghi rõ nguồn", "số hồ sơ", "trước & đúng hạn", "trễ hạn", "đến tháng", "( cập nhật lúc",
		"(cập nhật lúc", "cập nhật lúc", "fb.com", "facebook.com", "www.", "http://", "https://",
		"image advertisement", "cổng thông tin điện tử", "trang thông tin điện tử",
	}
	// boilerLines are whole lines of menus and buttons.
	boilerLines = map[string]bool{
		"chi tiết": true, "liên hệ": true, "trang chủ": true, "đăng nhập": true, "chia sẻ": true, "in bài": true,
		"bình luận": true, "quảng cáo": true, "xem thêm": true, "quay lại": true, "lên đầu trang": true,
	}
	imageCaption = regexp.MustCompile(`(?i)(^\(?ảnh[:\s]|[-–(]\s*ảnh(\s+minh\s+họa)?[:)]?.{0,40}$|ảnh minh họa\)?\.?$)`)
	onlyNumbers  = regexp.MustCompile(`^[\d\s.,:%/()+\-–]+$`)
	timestamp    = regexp.MustCompile(`^\(?\d{1,2}/\d{1,2}/\d{4}(\s+\d{1,2}:\d{2}(:\d{2})?)?\)?$|^\d{1,2}:\d{2}(:\d{2})?\s+\d{1,2}/\d{1,2}/\d{4}$`)
	emailLike    = regexp.MustCompile(`^\S+@\S+\.\S+$`)
)

// isBoilerplate recognises the lines of a web page around an article: menus, visitor counters,
// addresses, image captions, share buttons. They are short; a long paragraph is never dropped.
func isBoilerplate(line string) bool {
	if utf8.RuneCountInString(line) > 160 {
		return false
	}
	l := strings.ToLower(strings.TrimRight(line, ": "))
	if boilerLines[l] {
		return true
	}
	l = strings.ToLower(line)
	for _, p := range boilerPrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	switch {
	case onlyNumbers.MatchString(line), timestamp.MatchString(line), emailLike.MatchString(line):
		return true
	case strings.Contains(l, "ảnh") && imageCaption.MatchString(line):
		return true
	case strings.Trim(line, "•·*-–—_=~|. ") == "":
		return true
	}
	return false
}

// signature lines: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", a name.
var signatureLine = regexp.MustCompile(`^(TM|KT|TL|TUQ|Q|Q\.)\.?\s|^\(?(đã ký|ký|ký tên|ký và đóng dấu)[^)]*\)?$|^(PHÓ )?(CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG PHÒNG|HIỆU TRƯỞNG|BỘ TRƯỞNG|THỨ TRƯỞNG)`)

// trimSignature drops a signature block at the end: titles in capitals and the signer's name.
func trimSignature(ps []string) []string {
	for len(ps) > 0 {
		last := ps[len(ps)-1]
		switch {
		case signatureLine.MatchString(last), isAllCaps(last) && utf8.RuneCountInString(last) < 60:
		case isPersonName(last):
		default:
			return ps
		}
		ps = ps[:len(ps)-1]
	}
	return ps
}

// isPersonName: two to five capitalised words and nothing else, like "Nguyễn Mạnh Thắng".
func isPersonName(s string) bool {
	f := strings.Fields(s)
	if len(f) < 2 || len(f) > 5 {
		return false
	}
	for _, w := range f {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || strings.ContainsAny(w, ".,;:!?0123456789") {
			return false
		}
	}
	return true
}
