package directive

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// kinds are the document kinds, as written in a heading, by their lower-case form.
var kinds = map[string]string{
	"chỉ thị": "Chỉ thị", "kế hoạch": "Kế hoạch", "công văn": "Công văn", "quyết định": "Quyết định",
	"thông báo": "Thông báo", "hướng dẫn": "Hướng dẫn", "nghị quyết": "Nghị quyết", "chương trình": "Chương trình",
	"đề án": "Đề án", "thông tư": "Thông tư", "công điện": "Công điện",
}

// kindCodes read a kind from the code in a number: 23/CT-UBND is a Chỉ thị.
var kindCodes = map[string]string{
	"CT": "Chỉ thị", "KH": "Kế hoạch", "QĐ": "Quyết định", "QD": "Quyết định", "TB": "Thông báo",
	"HD": "Hướng dẫn", "NQ": "Nghị quyết", "CTr": "Chương trình", "ĐA": "Đề án", "TT": "Thông tư", "CĐ": "Công điện",
}

var (
	nationalMotto = regexp.MustCompile(`(?i)^(cộng hòa|cộng hoà) xã hội chủ nghĩa việt nam|^độc lập\s*[-–]\s*tự do\s*[-–]\s*hạnh phúc`)
	issuerHeader  = regexp.MustCompile(`^(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|SỞ |PHÒNG |BỘ |TRƯỜNG |BAN |HỘI ĐỒNG )`)
	numberLine    = regexp.MustCompile(`(?i)^số\s*[:.]?\s*([0-9]+[^\s,;]*)`)
	numberCode    = regexp.MustCompile(`^\d+[/-]([A-ZĐa-z]+)`)
	dateWords     = regexp.MustCompile(`(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})`)
	dateSlash     = regexp.MustCompile(`(?i)ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})`)
	issued        = regexp.MustCompile(`(?i)ban hành\s+(chỉ thị|kế hoạch|công văn|quyết định|thông báo|hướng dẫn|nghị quyết|chương trình|đề án|công điện)(?:\s+số\s+([0-9]+[^\s,;]*))?(?:\s+ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}))?`)
	issuerPhrase  = regexp.MustCompile(`((?:Chủ tịch\s+)?(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Sở Giáo dục và Đào tạo|Sở GD&ĐT|Sở GD-ĐT|Sở GDĐT|Phòng Giáo dục và Đào tạo|Phòng GD&ĐT|Phòng GD-ĐT|Bộ Giáo dục và Đào tạo)(?:\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)(?:\s+[A-ZĐÂĂÊÔƠƯ][\p{L}]*)*)?)\s+(?:vừa\s+|đã\s+)?(?:ban hành|yêu cầu|chỉ đạo)`)
	schoolYear    = regexp.MustCompile(`(?i)năm học\s+(\d{4})\s*[-–]\s*(\d{4})`)
	// subjectLine is a công văn's subject, "V/v báo cáo …" (về việc), which stands for its title.
	subjectLine = regexp.MustCompile(`^[Vv]\s*/\s*[Vv][\s.:]+(\S.*)$`)
	// numberOnly is a line that holds nothing but the document's number.
	numberOnly = regexp.MustCompile(`(?i)^số\s*[:.]?\s*\d+[^\s,;]*\s*$`)
)

// header takes the metadata lines off the top of the paragraphs — national motto, issuer,
// number, place and date, kind and title, or a web article's category and headline — and returns
// the body that follows.
func header(ps []string, d *Document) []string {
	i := 0
	titleNext := false
	for ; i < len(ps) && i < 14; i++ {
		p := ps[i]
		lower := strings.ToLower(p)
		switch {
		case nationalMotto.MatchString(p):
		case issuerHeader.MatchString(p) && isAllCaps(p):
			d.Issuer = titleCase(p) // the lower of two header lines is the issuing body
		case numberLine.MatchString(p) && d.Number == "" && utf8.RuneCountInString(p) < 60:
			d.Number = numberLine.FindStringSubmatch(p)[1]
		case dateWords.MatchString(p) && utf8.RuneCountInString(p) < 80 && d.Date.IsZero():
			d.Date = wordsDate(dateWords.FindStringSubmatch(p))
		case kinds[lower] != "" && d.Kind == "":
			d.Kind = kinds[lower]
			titleNext = true
		case titleNext && !startsMarker(p):
			d.Title = p
			titleNext = false
		case subjectLine.MatchString(p) && d.Title == "":
			d.Title = strings.TrimSpace(p)
		case d.Title == "" && d.Kind == "" && !startsMarker(p) && utf8.RuneCountInString(p) < 250 && !endsSentence(p):
			if isAllCaps(p) && len(strings.Fields(p)) <= 5 {
				continue // a web page's section, like "GIÁO DỤC-Y TẾ"
			}
			d.Title = p // a web article's headline
		default:
			return ps[i:]
		}
	}
	return ps[i:]
}

// fillMeta completes the metadata from the text: "vừa ban hành Chỉ thị số 23/CT-UBND ngày
// 16/10/2020", the issuer before "ban hành" or "yêu cầu", the school year.
func fillMeta(d *Document, body []string) {
	if len(body) > 30 {
		body = body[:30] // what a document says about itself, it says near the top
	}
	texts := append([]string{d.Title}, body...)
	for _, p := range texts {
		if m := issued.FindStringSubmatch(p); m != nil {
			if d.Kind == "" {
				d.Kind = kinds[strings.ToLower(m[1])]
			}
			if d.Number == "" && m[2] != "" && strings.EqualFold(kinds[strings.ToLower(m[1])], d.Kind) {
				d.Number = strings.TrimRight(m[2], ".")
			}
			if d.Date.IsZero() && m[3] != "" {
				d.Date = slashDate(m[3], m[4], m[5])
			}
			break
		}
	}
	if d.Kind == "" && d.Number != "" {
		if m := numberCode.FindStringSubmatch(d.Number); m != nil {
			d.Kind = kindCodes[m[1]]
		}
		if d.Kind == "" {
			d.Kind = "Công văn"
		}
	}
	if d.Kind == "" && d.Title != "" {
		for k, v := range kinds {
			if strings.HasPrefix(strings.ToLower(d.Title), k+" ") {
				d.Kind = v
			}
		}
	}
	if d.Issuer == "" {
		for _, p := range texts {
			if m := issuerPhrase.FindStringSubmatch(p); m != nil {
				d.Issuer = strings.TrimSpace(m[1])
				break
			}
		}
	}
	for _, p := range texts {
		if m := schoolYear.FindStringSubmatch(p); m != nil {
			d.SchoolYear = m[1] + "-" + m[2]
			break
		}
	}
}

func wordsDate(m []string) Date {
	return slashDate(m[1], m[2], m[3])
}

func slashDate(day, month, year string) Date {
	d, _ := strconv.Atoi(day)
	mo, _ := strconv.Atoi(month)
	y, _ := strconv.Atoi(year)
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != mo || y < 1945 || y > 2200 {
		return Date{}
	}
	return Date{y, time.Month(mo), d}
}

// titleCase turns "ỦY BAN NHÂN DÂN HUYỆN TIÊN LÃNG" into "Ủy ban nhân dân huyện Tiên Lãng": the
// first word capitalised and a place name after an administrative word kept as a name.
func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	placeAt := -1
	for i, w := range words {
		switch w {
		case "tỉnh", "huyện", "quận", "xã", "phường", "thị", "thành":
			if placeAt < 0 && i+1 < len(words) {
				placeAt = i + 1
				if w == "thị" || w == "thành" { // thị xã, thị trấn, thành phố
					placeAt = i + 2
				}
			}
		}
	}
	for i := range words {
		if i == 0 || (placeAt >= 0 && i >= placeAt) {
			words[i] = capitalise(words[i])
		}
	}
	out := strings.Join(words, " ")
	return strings.NewReplacer("Ubnd", "UBND", "ubnd", "UBND", "gd&đt", "GD&ĐT", "giáo dục và đào tạo", "Giáo dục và Đào tạo").Replace(out)
}
