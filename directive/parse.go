package directive

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseText reads a document's text.
func ParseText(text string) *Document {
	d := &Document{}
	body := header(paragraphs(text), d)
	fillMeta(d, body)
	if structured(body) {
		d.Preamble, d.Items = structure(body)
		assignRoles(d)
	} else {
		d.Narrative = true
		d.Preamble, d.Items = narrative(body)
	}
	for _, it := range d.All() {
		it.Text = strings.TrimSpace(it.Text)
	}
	return d
}

// structured: at least two paragraphs start with a numbered marker (dashes alone make a list,
// not a structure).
func structured(ps []string) bool {
	n := 0
	for _, p := range ps {
		if m, ok := parseMarker(p); ok && m.style != styleDash && m.style != stylePlus {
			n++
		}
	}
	return n >= 2
}

var (
	// Matched against lower-cased headings.
	taskHeading    = regexp.MustCompile(`nhiệm vụ|giải pháp|nội dung|công việc|hoạt động|chỉ tiêu|biện pháp`)
	contextHeading = regexp.MustCompile(`^(tổ chức thực hiện|phương hướng chung|mục đích|yêu cầu|mục tiêu|căn cứ|quan điểm|đánh giá|kết quả|tình hình|bối cảnh|phân công|trách nhiệm|hiệu lực|điều khoản|kinh phí|chế độ báo cáo|thông tin|khen thưởng)`)
	contextText    = regexp.MustCompile(`(có hiệu lực (thi hành )?(kể )?từ|chịu trách nhiệm thi hành|bãi bỏ)`)
)

// assignRoles marks each item of a structured document as a task or as context. A part whose
// heading is about carrying out, aims, grounds, results or responsibilities is context, with all
// beneath it; a part about tasks or solutions is work. A list of grounds ("Căn cứ …:") before
// the first heading is context too.
func assignRoles(d *Document) {
	preambleGrounds := len(d.Preamble) > 0 && strings.HasPrefix(strings.ToLower(d.Preamble[len(d.Preamble)-1]), "căn cứ")
	var mark func(items []*Item, inherited Role)
	mark = func(items []*Item, inherited Role) {
		for _, it := range items {
			role := inherited
			h := strings.ToLower(firstWords(it.Heading, 30))
			switch {
			case contextHeading.MatchString(h) && !taskHeading.MatchString(firstWords(h, 4)):
				role = RoleContext
			case contextText.MatchString(h):
				role = RoleContext
			case taskHeading.MatchString(firstWords(h, 8)) && inherited != RoleContext:
				role = RoleTask
			}
			it.Role = role
			mark(it.Children, role)
		}
	}
	top := RoleTask
	if preambleGrounds {
		top = RoleContext
	}
	for _, it := range d.Items {
		r := top
		if top == RoleContext && !strings.HasPrefix(it.Label, "-") && !strings.HasPrefix(it.Label, "+") {
			r, top = RoleTask, RoleTask // the grounds end where the headings begin
		}
		mark([]*Item{it}, r)
	}
}

// firstWords returns the first n words of s, reading no further than it must.
func firstWords(s string, n int) string {
	s = strings.TrimSpace(s)
	words := 0
	for i, r := range s {
		if r == ' ' {
			if words++; words == n {
				return s[:i]
			}
		}
	}
	return s
}

var (
	connector  = regexp.MustCompile(`(?i)^(theo đó|bên cạnh đó|ngoài ra|đồng thời|cùng với đó|bên cạnh|trong đó|cụ thể|mặt khác)\s*,?\s*`)
	agencyOpen = regexp.MustCompile(`^(?i)(sở\s|các sở|công an|đề nghị|ubnd|ủy ban|uỷ ban|chủ tịch|các phòng|phòng\s|các trường|trung tâm|đài\s|báo\s|các cơ quan|các ban|thủ trưởng|bộ\s|ban\s|hội\s|đoàn\s|mặt trận|liên đoàn|kho bạc|bảo hiểm|các đơn vị|các địa phương|các doanh nghiệp|các tổ chức|ngân hàng|văn phòng|thanh tra)`)
	enumLead   = regexp.MustCompile(`(?i)nhiệm vụ|giải pháp|nội dung|công việc|yêu cầu|chỉ tiêu|biện pháp|việc sau|như sau|gồm|đó là`)
	imperative = map[string]bool{
		"tiếp": true, "triển": true, "thực": true, "tăng": true, "nâng": true, "đẩy": true, "phát": true, "chỉ": true,
		"tham": true, "xây": true, "tổ": true, "chú": true, "quan": true, "rà": true, "đổi": true, "bảo": true,
		"đảm": true, "củng": true, "duy": true, "hoàn": true, "kiện": true, "ưu": true, "khuyến": true, "giao": true,
		"huy": true, "chủ": true, "tập": true, "kiểm": true, "đánh": true, "bồi": true, "tuyên": true, "phấn": true,
		"khắc": true, "chuẩn": true, "ứng": true, "mở": true, "sắp": true, "thường": true, "kịp": true, "nghiêm": true,
		"tiến": true, "hỗ": true, "vận": true, "thúc": true, "siết": true, "cải": true, "giáo": true, "xử": true,
		"phòng": true, "bố": true, "lựa": true, "tích": true, "số": true, "giảm": true, "hướng": true, "công": true,
	}
)

// narrative reads an announcement without numbered parts. Each paragraph is numbered (¶1, ¶2, …).
// A paragraph that lists work after a colon ("… những nhiệm vụ chủ yếu: A; B; C. D; E") gives an
// item per listed piece (¶2.1, ¶2.2, …), and so does the paragraph that goes on with the list
// ("Bên cạnh đó, F; G"). A paragraph that starts with what to do is a task; one addressed to
// another agency, or anything else, is context. The first paragraph, which says who issued what,
// is the preamble.
func narrative(body []string) ([]string, []*Item) {
	var preamble []string
	var items []*Item
	lastWasList := false
	for i, p := range body {
		cite := "¶" + strconv.Itoa(i+1)
		if i == 0 && (strings.Contains(strings.ToLower(p), "ban hành") || strings.HasPrefix(p, "(")) {
			preamble = append(preamble, p)
			continue
		}
		stripped := connector.ReplaceAllString(p, "")
		opens := connector.MatchString(p)
		if lead, parts, ok := enumeration(stripped); ok && !agencyOpen.MatchString(lead) {
			items = append(items, listItem(cite, p, lead, parts))
			lastWasList = true
			continue
		}
		if lastWasList && opens && strings.Count(stripped, ";") >= 1 {
			items = append(items, listItem(cite, p, "", splitParts(stripped)))
			continue
		}
		lastWasList = false
		it := &Item{Citation: cite, Heading: p, Text: p, Role: RoleContext}
		if !agencyOpen.MatchString(stripped) && imperative[strings.ToLower(firstWords(stripped, 1))] {
			it.Role = RoleTask
		}
		items = append(items, it)
	}
	return preamble, items
}

// enumeration finds "lead: A; B; C" in a paragraph.
func enumeration(p string) (string, []string, bool) {
	i := strings.Index(p, ":")
	if i < 0 {
		return "", nil, false
	}
	lead, tail := strings.TrimSpace(p[:i]), p[i+1:]
	if !enumLead.MatchString(lead) && utf8.RuneCountInString(lead) < 60 {
		return "", nil, false
	}
	parts := splitParts(tail)
	if len(parts) < 2 {
		return "", nil, false
	}
	return lead, parts, true
}

// splitParts cuts a list at semicolons and at sentence ends.
func splitParts(s string) []string {
	var parts []string
	for _, chunk := range strings.Split(s, ";") {
		for chunk = strings.TrimSpace(chunk); chunk != ""; {
			end := sentenceEnd(chunk)
			if end == 0 || end >= len(chunk) {
				parts = append(parts, strings.TrimRight(strings.TrimSpace(chunk), ".;"))
				break
			}
			parts = append(parts, strings.TrimRight(strings.TrimSpace(chunk[:end]), ".;"))
			chunk = strings.TrimSpace(chunk[end:])
		}
	}
	var out []string
	for _, p := range parts {
		if utf8.RuneCountInString(p) >= 8 {
			out = append(out, capitalise(p))
		}
	}
	return out
}

func listItem(cite, text, lead string, parts []string) *Item {
	parent := &Item{Citation: cite, Heading: lead, Text: text, Role: RoleTask}
	for j, part := range parts {
		parent.Children = append(parent.Children, &Item{Citation: cite + "." + strconv.Itoa(j+1), Heading: part, Text: part, Role: RoleTask})
	}
	return parent
}
