package directive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// go test -run '^$' -bench . -benchmem ./directive
func BenchmarkParseSeed001(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "seeds", "001_1cdd3520dbf33d3e.txt"))
	if err != nil {
		b.Skip("no seeds beside the repository")
	}
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if d, err := Parse("001.txt", data); err != nil || len(d.Tasks()) != 19 {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse1MB parses a 1 MB plan: the fixture's structure repeated under numbered parts.
func BenchmarkParse1MB(b *testing.B) {
	part, err := os.ReadFile(filepath.Join("testdata", "ke_hoach.txt"))
	if err != nil {
		b.Fatal(err)
	}
	body := string(part)
	body = body[strings.Index(body, "II. NHIỆM VỤ"):strings.Index(body, "III. TỔ CHỨC")]
	var sb strings.Builder
	sb.WriteString("KẾ HOẠCH\n\nThử tải một văn bản lớn\n\n")
	for i := 1; sb.Len() < 1<<20; i++ {
		sb.WriteString(strings.Replace(body, "II. NHIỆM VỤ VÀ GIẢI PHÁP", "II. NHIỆM VỤ VÀ GIẢI PHÁP PHẦN "+strings.Repeat("I", i%4+1), 1))
		sb.WriteString("\n\nĐoạn văn giải thích dài, không đánh số, nối tiếp nội dung phía trên để văn bản có những đoạn văn xuôi bình thường.\n\n")
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if d, err := Parse("big.txt", data); err != nil || len(d.Tasks()) < 1000 {
			b.Fatalf("%v %d", err, len(d.Tasks()))
		}
	}
}
