// Package directive reads the documents that assign work to schools — chỉ thị, kế hoạch, công
// văn, quyết định, and the news articles that summarise them — into their metadata and a tree of
// items, each with its citation ("I.2.b", "Điều 3", "¶2.4"). It knows nothing of Telegram or the
// database: text (or .docx, or a .pdf with a text layer) in, a Document out.
//
// Structured documents are read by their headings (I./II., A./B., 1./2., a)/b), -, +, Điều 1.,
// Phần/Chương); narrative announcements by their enumerations ("… những nhiệm vụ chủ yếu: A; B;
// C") and their paragraphs. Web-page boilerplate, the recipients and the signature are dropped.
// Parts that are not tasks (the preamble, the general direction, "tổ chức thực hiện", what other
// agencies must do) are kept as context and not proposed as tasks.
package directive

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Errors a caller tells the user about.
var (
	ErrEmpty       = errors.New("directive: the document has no text")
	ErrScanned     = errors.New("directive: the PDF has no text layer (a scan)")
	ErrUnsupported = errors.New("directive: unsupported file type")
	ErrBroken      = errors.New("directive: the file cannot be read")
)

// MaxSize is the largest document accepted, in bytes.
const MaxSize = 20 << 20

// Document is a parsed directive.
type Document struct {
	Kind       string // Chỉ thị, Kế hoạch, Công văn, Quyết định, …; empty when unknown
	Number     string // e.g. 23/CT-UBND
	Date       Date   // the date it was issued, when the text says
	Issuer     string // e.g. UBND thành phố
	Title      string
	SchoolYear string // e.g. 2021-2022
	Narrative  bool   // read as an announcement, by paragraphs and enumerations
	Preamble   []string
	Items      []*Item
}

// Date is a calendar day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// String is dd/mm/yyyy, or "" when unknown.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// Role says what an item is for.
type Role string

// The roles.
const (
	RoleTask    Role = "task"    // work for the recipients
	RoleContext Role = "context" // kept for reference, not proposed
)

// Item is one numbered (or enumerated) part of a document.
type Item struct {
	Citation string  // I.2.b, II.7, Điều 1.3, III.2-1, ¶2.4
	Label    string  // the marker as written: "2.", "b)", "-"
	Heading  string  // the text on the marker's line
	Text     string  // the heading with everything beneath it that is not a sub-item
	Role     Role    // task or context
	Children []*Item // sub-items
}

// Proposed reports whether the item is offered as a task: a task-role item without sub-items.
func (it *Item) Proposed() bool { return it.Role == RoleTask && len(it.Children) == 0 }

// Title is a short name for the item: its heading when that reads as one, otherwise the first
// sentence of its text, at most 200 characters.
func (it *Item) Title() string {
	t := strings.TrimSpace(it.Heading)
	if t == "" {
		t = it.Text
	}
	if !looksLikeHeading(t) {
		if i := sentenceEnd(t); i > 0 {
			t = t[:i]
		}
	}
	t = strings.TrimRight(strings.TrimSpace(t), ".;:")
	return clip(capitalise(t), 200)
}

// Tasks lists the items proposed as tasks, in document order.
func (d *Document) Tasks() []*Item {
	var out []*Item
	walk(d.Items, func(it *Item) {
		if it.Proposed() {
			out = append(out, it)
		}
	})
	return out
}

// All lists every item, in document order.
func (d *Document) All() []*Item {
	var out []*Item
	walk(d.Items, func(it *Item) { out = append(out, it) })
	return out
}

// Find returns the item with the citation, or nil.
func (d *Document) Find(citation string) *Item {
	var found *Item
	walk(d.Items, func(it *Item) {
		if found == nil && it.Citation == citation {
			found = it
		}
	})
	return found
}

func walk(items []*Item, fn func(*Item)) {
	for _, it := range items {
		fn(it)
		walk(it.Children, fn)
	}
}

// Name is the document as people cite it: "Chỉ thị 23/CT-UBND", or its kind and title.
func (d *Document) Name() string {
	switch {
	case d.Kind != "" && d.Number != "":
		return d.Kind + " " + d.Number
	case d.Kind != "" && d.Title != "":
		if strings.HasPrefix(strings.ToLower(d.Title), strings.ToLower(d.Kind)) {
			return clip(d.Title, 120)
		}
		return d.Kind + " " + clip(lowerFirst(d.Title), 120)
	case d.Title != "":
		return clip(d.Title, 120)
	}
	return d.Kind
}

// Parse reads a document from its bytes. The file name's extension (or the content) says the
// format: .docx, .pdf, or text (UTF-8, or UTF-16 with a byte-order mark).
func Parse(name string, data []byte) (*Document, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: larger than %d MB", ErrBroken, MaxSize>>20)
	}
	var text string
	var err error
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".docx" || (ext == "" && bytes.HasPrefix(data, []byte("PK\x03\x04"))):
		text, err = DOCXText(data)
	case ext == ".pdf" || bytes.HasPrefix(data, []byte("%PDF")):
		text, err = PDFText(data)
	case ext == ".doc":
		return nil, fmt.Errorf("%w: .doc (save it as .docx or .pdf)", ErrUnsupported)
	case ext == "" || ext == ".txt" || ext == ".text" || ext == ".md":
		text, err = decodeText(data)
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, ext)
	}
	if err != nil {
		return nil, err
	}
	doc := ParseText(text)
	if len(doc.Items) == 0 && doc.Title == "" && len(doc.Preamble) == 0 {
		return nil, ErrEmpty
	}
	return doc, nil
}

// decodeText reads UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark.
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return utf16Text(data[2:], false), nil
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return utf16Text(data[2:], true), nil
	}
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%w: the text is not UTF-8", ErrBroken)
	}
	return string(data), nil
}

func utf16Text(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return string(decodeUTF16(u))
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToLower(string(r)) + s[size:]
}
