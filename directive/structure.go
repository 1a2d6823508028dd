package directive

import (
	"regexp"
	"strconv"
	"strings"
)

// style is a kind of marker. A document nests styles in the order it first uses them: whatever
// comes first is the outer level, whatever appears inside it the next, and a style seen again
// closes the levels opened after it.
type style int

const (
	styleNone   style = iota
	stylePart         // Phần I, Chương II, Mục 3
	styleRoman        // I., II.
	styleUpper        // A., B.
	styleDieu         // Điều 1.
	styleArabic       // 1., 2), 1.1.
	styleLower        // a), b.
	styleDash         // -, •
	stylePlus         // +
)

var (
	partRE   = regexp.MustCompile(`^(?i)(phần|chương|mục)\s+([IVXLC]+|\d{1,3})\s*[.:\-–]?\s*`)
	romanRE  = regexp.MustCompile(`^([IVXLC]{1,7})\s*[.)/]\s*`)
	upperRE  = regexp.MustCompile(`^([A-ZĐ])\s*[.)/]\s+`)
	dieuRE   = regexp.MustCompile(`^(?i)điều\s+(\d{1,3})\s*[.:\-–]?\s*`)
	arabicRE = regexp.MustCompile(`^(\d{1,3}(?:\.\d{1,3})*)\s*[.)/]\s*`)
	lowerRE  = regexp.MustCompile(`^([a-zđ])\s*[.)/]\s+`)
	dashRE   = regexp.MustCompile(`^[-–—•·▪●◦∙*]\s*`)
	plusRE   = regexp.MustCompile(`^\+\s*`)
	romanOK  = regexp.MustCompile(`^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$`)
)

// marker is a numbered part's marker at the start of a paragraph.
type marker struct {
	style style
	label string // I, 2, b, Điều 3, Phần II; empty for - and +
	raw   string // as written
	rest  string // the paragraph after it
}

// parseMarker recognises a marker at the start of a paragraph.
func parseMarker(p string) (marker, bool) {
	try := func(re *regexp.Regexp, st style) (marker, bool) {
		m := re.FindStringSubmatchIndex(p)
		if m == nil {
			return marker{}, false
		}
		mk := marker{style: st, raw: strings.TrimSpace(p[:m[1]]), rest: strings.TrimSpace(p[m[1]:])}
		if len(m) >= 4 && m[2] >= 0 {
			mk.label = p[m[2]:m[3]]
		}
		if mk.rest == "" {
			return marker{}, false
		}
		return mk, true
	}
	if m, ok := try(partRE, stylePart); ok {
		sub := partRE.FindStringSubmatch(p)
		m.label = capitalise(strings.ToLower(sub[1])) + " " + strings.ToUpper(sub[2])
		return m, true
	}
	if m, ok := try(dieuRE, styleDieu); ok {
		m.label = "Điều " + m.label
		return m, true
	}
	if m, ok := try(romanRE, styleRoman); ok && romanOK.MatchString(m.label) && startsText(m.rest) && !subjectLine.MatchString(p) {
		return m, true
	}
	if m, ok := try(arabicRE, styleArabic); ok && startsText(m.rest) {
		return m, true
	}
	if m, ok := try(upperRE, styleUpper); ok && startsText(m.rest) {
		return m, true
	}
	if m, ok := try(lowerRE, styleLower); ok {
		return m, true
	}
	if m, ok := try(plusRE, stylePlus); ok {
		return m, true
	}
	if m, ok := try(dashRE, styleDash); ok {
		return m, true
	}
	return marker{}, false
}

// startsText: after "2." comes a word, not another number ("2.500 giáo viên") or a date.
func startsText(s string) bool {
	for _, r := range s {
		return !(r >= '0' && r <= '9') && r != '%' && r != ','
	}
	return false
}

func startsMarker(p string) bool {
	_, ok := parseMarker(p)
	return ok
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// builder assembles the item tree from paragraphs.
type builder struct {
	stack  []*level
	items  []*Item
	counts map[*Item]map[style]int // dashes and pluses are numbered among their siblings
	top    map[style]int
}

// resolve settles a letter that is both a Roman numeral and a capital letter by what comes
// next in the open lists: C after B is a letter, X after IX a number, a lone I a number.
func (b *builder) resolve(m marker) marker {
	if m.style != styleRoman || len(m.label) != 1 {
		return m
	}
	romanNext, upperNext, romanOpen := false, false, false
	for _, l := range b.stack {
		prev := strings.TrimRight(strings.TrimSpace(l.item.Label), ".)/")
		switch l.style {
		case styleRoman:
			romanOpen = true
			romanNext = roman(romanValue(prev)+1) == m.label
		case styleUpper:
			upperNext = len(prev) == 1 && prev[0]+1 == m.label[0]
		}
	}
	switch {
	case romanNext:
	case upperNext:
		m.style = styleUpper
	case m.label != "I" && !romanOpen:
		m.style = styleUpper
	}
	return m
}

type level struct {
	style style
	item  *Item
}

// romanValue reads a Roman numeral.
func romanValue(s string) int {
	vals := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	n := 0
	for i := 0; i < len(s); i++ {
		v := vals[s[i]]
		if i+1 < len(s) && vals[s[i+1]] > v {
			n -= v
		} else {
			n += v
		}
	}
	return n
}

// structure reads paragraphs into a tree. It returns the paragraphs before the first item (the
// preamble) and the items.
func structure(ps []string) ([]string, []*Item) {
	b := &builder{counts: map[*Item]map[style]int{}, top: map[style]int{}}
	var preamble []string
	for _, p := range ps {
		m, ok := parseMarker(p)
		if ok && len(b.stack) == 0 && len(b.items) == 0 && (m.style == styleDash || m.style == stylePlus) {
			ok = false // a list before the first heading ("Căn cứ: - Luật …") belongs to the preamble
		}
		if ok {
			m = b.resolve(m)
		}
		if !ok {
			if len(b.stack) == 0 {
				preamble = append(preamble, p)
				continue
			}
			cur := b.stack[len(b.stack)-1].item
			cur.Text += "\n" + p
			continue
		}
		b.add(m)
	}
	return preamble, b.items
}

func (b *builder) add(m marker) {
	label := m.label
	if m.style == styleArabic && strings.Contains(m.label, ".") {
		// 1.2 and 1.2.3: each depth is a level of its own, cited by its last number.
		m.style += style(100 * strings.Count(m.label, "."))
		label = m.label[strings.LastIndex(m.label, ".")+1:]
	}
	// A style already open closes everything opened after it — unless the list starts over
	// ("1." again after "1.", "2."), which opens a new list inside the current item (a table of
	// work under a heading).
	for i := len(b.stack) - 1; i >= 0; i-- {
		l := b.stack[i]
		if l.style != m.style {
			continue
		}
		if restarts(label, l.item) && i == len(b.stack)-1 && len(l.item.Children) == 0 {
			break // "1." after a childless "2.": a new list beneath it
		}
		b.stack = b.stack[:i]
		break
	}
	var parent *Item
	if n := len(b.stack); n > 0 {
		parent = b.stack[n-1].item
	}
	if m.style == styleDash || m.style == stylePlus {
		counts := b.top
		if parent != nil {
			if b.counts[parent] == nil {
				b.counts[parent] = map[style]int{}
			}
			counts = b.counts[parent]
		}
		counts[m.style]++
		sign := "-"
		if m.style == stylePlus {
			sign = "+"
		}
		label = sign + strconv.Itoa(counts[m.style])
	}
	it := &Item{Citation: join(parent, label), Label: m.raw, Heading: m.rest, Text: m.rest}
	if parent == nil {
		b.items = append(b.items, it)
	} else {
		parent.Children = append(parent.Children, it)
	}
	b.stack = append(b.stack, &level{style: m.style, item: it})
}

// restarts reports whether label begins a list again after the sibling prev, which was not its
// first item.
func restarts(label string, prev *Item) bool {
	first := label == "1" || label == "a" || label == "A" || label == "I"
	return first && !strings.HasSuffix(prev.Citation, "."+label) && prev.Citation != label
}

// join builds a citation: I.2.b, III.2-1, Điều 3.2.
func join(parent *Item, label string) string {
	if parent == nil {
		return label
	}
	if strings.HasPrefix(label, "-") || strings.HasPrefix(label, "+") {
		return parent.Citation + label
	}
	return parent.Citation + "." + label
}
