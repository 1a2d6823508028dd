package directive

import (
	"errors"
	"strings"
	"testing"

	"nhacviec/directive/directivetest"
)

func TestPDF(t *testing.T) {
	// Lines as a PDF lays them out: a long paragraph wrapped over two lines and over a page break,
	// headings on lines of their own.
	data := directivetest.PDF([]string{
		"CHỈ THỊ",
		"",
		"Về tăng cường an toàn giao thông cho học sinh năm học 2026-2027",
		"",
		"I. NHIỆM VỤ TRỌNG TÂM",
		"1. Tổ chức tuyên truyền Luật Giao thông đường bộ cho học sinh vào",
		"tuần đầu năm học; phối hợp với Công an xã kiểm tra việc đội mũ",
		"\f",
		"bảo hiểm của học sinh đi xe đạp điện.",
		"2. Không để học sinh chưa đủ tuổi điều khiển xe máy đến trường.",
		"II. TỔ CHỨC THỰC HIỆN",
		"Các trường báo cáo kết quả trước ngày 30/10/2026.",
	})
	d, err := Parse("chi-thi.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "Chỉ thị" || d.Title != "Về tăng cường an toàn giao thông cho học sinh năm học 2026-2027" || d.SchoolYear != "2026-2027" {
		t.Fatalf("metadata: %+v", d)
	}
	tasks := d.Tasks()
	if len(tasks) != 2 || tasks[0].Citation != "I.1" || tasks[1].Citation != "I.2" {
		t.Fatalf("tasks: %+v", tasks)
	}
	if want := "vào tuần đầu năm học; phối hợp với Công an xã kiểm tra việc đội mũ bảo hiểm của học sinh đi xe đạp điện."; !strings.Contains(tasks[0].Text, want) {
		t.Fatalf("the wrapped paragraph was not put together:\n%q", tasks[0].Text)
	}
	if it := d.Find("II"); it == nil || it.Role != RoleContext {
		t.Fatalf("II: %+v", it)
	}
}

func TestScannedPDF(t *testing.T) {
	// A page with an image and no text: what a scanner makes.
	objs := []string{
		"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream",
		"<< /Length 30 >>\nstream\nq 500 0 0 700 50 50 cm /Im1 Do Q\nendstream",
		"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 1 0 R >> >> /Contents 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Catalog /Pages 4 0 R >>",
	}
	if _, err := Parse("scan.pdf", directivetest.WritePDF(objs, 5)); !errors.Is(err, ErrScanned) {
		t.Fatalf("a scan: %v", err)
	}
	if _, err := Parse("hong.pdf", []byte("%PDF-1.4\ngarbage")); !errors.Is(err, ErrBroken) {
		t.Fatalf("a broken PDF: %v", err)
	}
}
