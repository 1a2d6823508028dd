package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"nhacviec/directive/directivetest"
	"nhacviec/storage"
)

const planText = `SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 45/KH-SGDĐT
Tỉnh Mẫu, ngày 05 tháng 9 năm 2026

KẾ HOẠCH
Triển khai công tác chuyển đổi số năm học 2026-2027

I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức về chuyển đổi số.

II. NHIỆM VỤ
1. Rà soát thiết bị kết nối Internet tại các phòng học.
2. Tổ chức tập huấn kỹ năng số cho giáo viên.
3. Số hóa hồ sơ, sổ sách:
a) Triển khai sổ điểm điện tử;
b) Cập nhật dữ liệu ngành trước ngày 15 hằng tháng.

III. TỔ CHỨC THỰC HIỆN
Các trường báo cáo về Sở trước ngày 25 hằng tháng.
`

// The parse is printed as the officer would see it, and as JSON.
func TestDirectiveImportPrints(t *testing.T) {
	c := newCLI(t)
	file := c.file("ke-hoach.txt", planText)
	code, out, errOut := c.run("directive", "import", file)
	if code != 0 {
		t.Fatalf("%d %s", code, errOut)
	}
	for _, w := range []string{"Loại:        Kế hoạch", "Số:          45/KH-SGDĐT", "Ngày:        05/09/2026", "Năm học:     2026-2027",
		"Nhiệm vụ đề xuất (4):", "1. [II.1] Rà soát thiết bị", "3. [II.3.a] Triển khai sổ điểm điện tử", "Mục bối cảnh", "[I.1] Nâng cao nhận thức"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	code, out, errOut = c.run("directive", "import", "--json", file)
	var p parseOut
	if err := json.Unmarshal([]byte(out), &p); code != 0 || err != nil {
		t.Fatalf("%d %v %s\n%s", code, err, errOut, out)
	}
	if p.Kind != "Kế hoạch" || p.Number != "45/KH-SGDĐT" || p.Date != "2026-09-05" || len(p.Items) != 3 ||
		p.Items[1].Citation != "II" || p.Items[1].Children[2].Children[1].Citation != "II.3.b" || !p.Items[1].Children[0].Proposed || p.Items[0].Children[0].Proposed {
		t.Fatalf("json: %+v", p)
	}
	// A .docx reads the same way.
	docx := directivetest.DOCX([]directivetest.Para{{Text: "CHỈ THỊ"}, {Text: "Về công tác phòng chống bão lũ"},
		{Text: "Rà soát phòng học.", NumID: 1, Ilvl: 1}, {Text: "Báo cáo thiệt hại.", NumID: 1, Ilvl: 1}}, nil)
	if code, out, errOut := c.run("directive", "import", c.file("ct.docx", string(docx))); code != 0 || !strings.Contains(out, "[2] Báo cáo thiệt hại") {
		t.Fatalf("docx: %d %s %s", code, out, errOut)
	}
}

// --publish publishes like the chat flow: tasks with citations for the schools, notices queued.
func TestDirectiveImportPublishes(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := c.run("directive", "import", c.file("ke-hoach.txt", planText),
		"--assign", "XA_A", "--levels", "tieu_hoc,thcs", "--due", "15/12/2026", "--cadence", "monthly", "--publish")
	if code != 0 || !strings.Contains(out, "Đã phát hành văn bản #1 Kế hoạch 45/KH-SGDĐT: 4 nhiệm vụ cho 2 trường, hạn 15/12/2026.") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
	st, err := storage.Open(context.Background(), storage.Options{DSN: c.env["NHACVIEC_DB"]})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tasks, err := st.DirectiveTasks(context.Background(), 1)
	if err != nil || len(tasks) != 4 || tasks[2].Citation != "II.3.a" || tasks[2].Cadence != storage.CadenceMonthly {
		t.Fatalf("tasks: %+v %v", tasks, err)
	}
	if n, _ := st.Count(context.Background(), &storage.Assignment{}); n != 8 {
		t.Fatalf("%d assignments", n)
	}
}

// Wrong use changes nothing and says why.
func TestDirectiveImportRefuses(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	file := c.file("ke-hoach.txt", planText)
	scan := directivetest.WritePDF([]string{
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
		"<< /Type /Pages /Kids [1 0 R] /Count 1 >>",
		"<< /Length 0 >>\nstream\n\nendstream",
		"<< /Type /Catalog /Pages 2 0 R >>",
	}, 4)
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{}, "Cách dùng: nhacviec directive import"},
		{[]string{file, "--assign", "XA_A"}, "chỉ dùng cùng --publish"},
		{[]string{file, "--publish"}, "thiếu --assign"},
		{[]string{file, "--publish", "--assign", "XA_A", "--due", "2026-11-01"}, "đã qua"},
		{[]string{file, "--publish", "--assign", "NOPE", "--due", "2026-12-15"}, "Không có đơn vị mã: NOPE"},
		{[]string{file, "--publish", "--assign", "XA_A", "--due", "2026-12-15", "--cadence", "daily"}, `"daily" không phải`},
		{[]string{c.file("scan.pdf", string(scan))}, "bản scan"},
		{[]string{c.file("cv.doc", "old word")}, "chỉ đọc được tệp .docx"},
		{[]string{c.dir + "/missing.txt"}, "missing.txt"},
	} {
		code, _, errOut := c.run(append([]string{"directive", "import"}, bad.args...)...)
		if code != 1 || !strings.Contains(errOut, bad.want) {
			t.Errorf("%v: %d %q, want %q", bad.args, code, errOut, bad.want)
		}
	}
	st, err := storage.Open(context.Background(), storage.Options{DSN: c.env["NHACVIEC_DB"]})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.Count(context.Background(), &storage.Directive{}); n != 0 {
		t.Fatalf("%d directives after refusals", n)
	}
}
