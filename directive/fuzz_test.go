package directive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nhacviec/directive/directivetest"
)

// The parser never panics and finishes in bounded time for any input up to 1 MB, whatever it
// is named. Run it with: go test -fuzz=FuzzParse -fuzzminimizetime=2s ./directive (the seed corpus
// runs with go test; a quick minimisation keeps the fuzzer exploring rather than shrinking 1 MB
// inputs).
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "shared", "seeds", "*.txt"))
	for _, name := range append(files, seeds...) {
		if data, err := os.ReadFile(name); err == nil {
			f.Add("doc.txt", data)
		}
	}
	f.Add("doc.txt", []byte("I. A\n\nII. B\n\n1.1. c\n\n- d\n\n+ e\n\nĐiều 1. f\n\nC. g\n\na) h\n\n1. i: j; k; l"))
	f.Add("doc.docx", directivetest.DOCX([]directivetest.Para{{Text: "A", NumID: 1}, {Text: "B", NumID: 1, Ilvl: 1}}, [][]string{{"1", "x"}}))
	f.Add("doc.pdf", directivetest.PDF([]string{"CHỈ THỊ", "", "1. Một", "2. Hai"}))
	f.Add("x", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>"))
	f.Add("doc.txt", []byte(strings.Repeat("I. ", 1000)))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if len(data) > 1<<20 {
			data = data[:1<<20]
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			d, err := Parse(name, data)
			if err == nil {
				for _, it := range d.All() {
					_ = it.Title()
				}
				_ = d.Name()
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // orders of magnitude above what 1 MB takes
			t.Fatalf("Parse of %d bytes did not return", len(data))
		}
	})
}
