package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"

	"nhacviec/storage"
)

// decodePage reads every QR code on a PNG page, in no particular order.
func decodePage(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	results, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	for _, r := range results {
		out = append(out, r.GetText())
	}
	return out
}

var sheetLink = regexp.MustCompile(`^https://t\.me/nhacviec_test_bot\?start=([A-Z2-9]{10})$`)

// invite sheet writes a card for every school beneath the unit; every QR code on the pictures is
// a new head invite of one of those schools; what exists is not overwritten without --force;
// --skip-joined leaves out the schools whose head joined; a unit without schools, an unknown
// extension and a missing bot name create nothing.
func TestInviteSheet(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.Options{DSN: c.env["NHACVIEC_DB"], Now: func() time.Time { return c.now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	invites := func() int64 {
		n, err := st.Count(ctx, &storage.Invite{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// redeem joins a new head with each code and returns the schools they joined, by code.
	nextUser := int64(5000)
	redeem := func(links []string) []string {
		t.Helper()
		var schools []string
		for _, l := range links {
			m := sheetLink.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("not an invite link: %q", l)
			}
			nextUser++
			r, err := st.RedeemInvite(ctx, m[1], storage.TelegramUser{ID: nextUser, FirstName: "Hiệu trưởng"})
			if err != nil || r.Role != storage.RoleHead {
				t.Fatalf("redeem %s: %+v %v", l, r, err)
			}
			schools = append(schools, r.Unit.Code)
		}
		slices.Sort(schools)
		return schools
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "thư mời.png")

	// The communes' schools and the upper-secondary school directly under the Sở: six, one page.
	code, stdout, errOut := c.run("invite", "sheet", "--unit", "SO", "-o", out)
	if code != 0 || !strings.Contains(stdout, "Đã tạo 6 mã mời Hiệu trưởng") || !strings.Contains(stdout, "Đã ghi 1 trang vào "+out) ||
		!strings.Contains(stdout, "tạo bộ mã mới") || !strings.Contains(stdout, "Số lượt:   1 · thời hạn: 09:00 23/12/2026") {
		t.Fatalf("%d\n%s\n%s", code, stdout, errOut)
	}
	if fileExists(filepath.Join(dir, "thư mời-2.png")) {
		t.Fatal("a second page for six schools")
	}
	first, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	links := decodePage(t, out)
	want := []string{"MN_A", "THCS_A", "THPT_1", "TH_A", "TH_B", "TH_THCS_B"}
	if got := redeem(links); !slices.Equal(got, want) {
		t.Fatalf("the QR codes invite to %v, want %v", got, want)
	}

	// Again into the same file: refused, the file untouched, no code created.
	before := invites()
	code, _, errOut = c.run("invite", "sheet", "--unit", "SO", "-o", out)
	if now, _ := os.ReadFile(out); code != 1 || !strings.Contains(errOut, "--force") || !bytes.Equal(now, first) || invites() != before {
		t.Fatalf("over an existing file: %d %q", code, errOut)
	}
	// Every head has joined now: with --skip-joined there is nothing to print.
	code, stdout, errOut = c.run("invite", "sheet", "--unit", "SO", "-o", out, "--force", "--skip-joined")
	if now, _ := os.ReadFile(out); code != 0 || !strings.Contains(stdout, "Cả 6 trường") || !bytes.Equal(now, first) || invites() != before {
		t.Fatalf("all joined: %d %q %q", code, stdout, errOut)
	}
	// Without it, --force overwrites with new codes, and says that the heads joined already.
	code, stdout, _ = c.run("invite", "sheet", "--unit", "XA_A", "-o", out, "--force", "--uses", "0", "--expires", "0")
	if code != 0 || !strings.Contains(stdout, "3 trường trong số này đã có hiệu trưởng") || !strings.Contains(stdout, "Số lượt:   không giới hạn · thời hạn: không giới hạn") {
		t.Fatalf("--force: %d\n%s", code, stdout)
	}
	if got := redeem(decodePage(t, out)); !slices.Equal(got, []string{"MN_A", "THCS_A", "TH_A"}) {
		t.Fatalf("after --force the QR codes invite to %v", got)
	}

	// Ten more schools in a new commune, two of them without a head: with --skip-joined, ten
	// cards on two pictures; the PDF of the commune is one file of two pages.
	var csv strings.Builder
	csv.WriteString("code,name,kind,parent,level\nXA_C,UBND xã Đắk Ơ,commune,SO,\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&csv, "TH_C%d,Trường Tiểu học Đắk Ơ số %d,school,XA_C,tieu_hoc\n", i, i)
	}
	if code, _, errOut := c.run("units", "import", c.file("more.csv", csv.String())); code != 0 {
		t.Fatal(errOut)
	}
	code, stdout, _ = c.run("invite", "sheet", "--unit", "SO", "-o", out, "--force", "--skip-joined")
	page2 := filepath.Join(dir, "thư mời-2.png")
	if code != 0 || !strings.Contains(stdout, "Đã tạo 10 mã mời") || !strings.Contains(stdout, "Đã ghi 2 trang vào "+out+", "+page2) || !strings.Contains(stdout, "Đã bỏ qua 6 trường") {
		t.Fatalf("two pages: %d\n%s", code, stdout)
	}
	p1, p2 := decodePage(t, out), decodePage(t, page2)
	if len(p1) != 8 || len(p2) != 2 {
		t.Fatalf("%d and %d QR codes on the pages, want 8 and 2", len(p1), len(p2))
	}
	var wantC []string
	for i := 1; i <= 10; i++ {
		wantC = append(wantC, fmt.Sprintf("TH_C%d", i))
	}
	slices.Sort(wantC)
	if got := redeem(append(p1, p2...)); !slices.Equal(got, wantC) {
		t.Fatalf("the two pages invite to %v", got)
	}

	// One page over a sheet of two: the second picture of the old sheet is pointed out.
	code, stdout, _ = c.run("invite", "sheet", "--unit", "XA_B", "-o", out, "--force")
	if code != 0 || !strings.Contains(stdout, "Lưu ý: "+page2+" còn lại từ một lần in trước") {
		t.Fatalf("a page left from before: %d\n%s", code, stdout)
	}

	sheet := filepath.Join(dir, "moi.PDF")
	code, stdout, errOut = c.run("invite", "sheet", "--unit", "XA_C", "-o", sheet)
	if code != 0 || !strings.Contains(stdout, "Đã ghi 2 trang vào "+sheet) {
		t.Fatalf("pdf: %d %s %s", code, stdout, errOut)
	}
	f, r, err := pdf.Open(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var text strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		s, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(s)
	}
	found := regexp.MustCompile(`https://t\.me/nhacviec_test_bot\?start=[A-Z2-9]{10}`).FindAllString(strings.Join(strings.Fields(text.String()), ""), -1)
	if r.NumPage() != 2 || len(found) != 10 {
		t.Fatalf("pdf: %d pages, %d links", r.NumPage(), len(found))
	}
	if got := redeem(found); !slices.Equal(got, wantC) {
		t.Fatalf("the PDF's links invite to %v", got)
	}
	// The cards are for the heads: in Vietnamese, whatever the command line speaks, unless asked.
	if !strings.Contains(text.String(), "Mã m") {
		t.Errorf("the cards are not in Vietnamese:\n%s", text.String())
	}
	c.env["NHACVIEC_LANG"] = "en"
	sheetEN := filepath.Join(dir, "invites.pdf")
	code, stdout, _ = c.run("invite", "sheet", "--unit", "XA_C", "-o", sheetEN, "--card-lang", "en")
	if code != 0 || !strings.Contains(stdout, "Wrote 2 page(s) to "+sheetEN) {
		t.Fatalf("English: %d %s", code, stdout)
	}
	fEN, rEN, err := pdf.Open(sheetEN)
	if err != nil {
		t.Fatal(err)
	}
	defer fEN.Close()
	if s, _ := rEN.Page(1).GetPlainText(nil); !strings.Contains(s, "Invite code: ") {
		t.Errorf("--card-lang en:\n%s", s)
	}
	delete(c.env, "NHACVIEC_LANG")

	// Nothing is created when nothing can be printed.
	if code, _, errOut := c.run("units", "import", c.file("empty.csv", "code,name,kind,parent,level\nXA_D,UBND xã Trống,commune,SO,\n")); code != 0 {
		t.Fatal(errOut)
	}
	before = invites()
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--unit", "XA_D", "-o", filepath.Join(dir, "trong.pdf")}, "không có trường nào"},
		{[]string{"--unit", "SO", "-o", filepath.Join(dir, "moi.jpg")}, "chỉ ghi được tệp .pdf"},
		{[]string{"--unit", "SO", "-o", filepath.Join(dir, "không có", "moi.pdf")}, "Không ghi được"},
		{[]string{"--unit", "NOPE", "-o", filepath.Join(dir, "nope.pdf")}, "Không có đơn vị mã: NOPE"},
		{[]string{"--unit", "SO", "-o", filepath.Join(dir, "x.pdf"), "--uses", "-1"}, "--uses -1 không hợp lệ"},
		{[]string{"--unit", "SO", "-o", filepath.Join(dir, "x.pdf"), "--card-lang", "fr"}, `--card-lang: "fr"`},
		{[]string{"--unit", "SO"}, "Cách dùng: nhacviec invite sheet"},
	} {
		code, _, errOut := c.run(append([]string{"invite", "sheet"}, bad.args...)...)
		if code != 1 || !strings.Contains(errOut, bad.want) {
			t.Errorf("%v: %d %q, want %q", bad.args, code, errOut, bad.want)
		}
	}
	delete(c.env, "NHACVIEC_BOT_USERNAME")
	if code, _, errOut := c.run("invite", "sheet", "--unit", "SO", "-o", filepath.Join(dir, "x.pdf")); code != 1 || !strings.Contains(errOut, "NHACVIEC_BOT_USERNAME") {
		t.Errorf("without a bot name: %d %q", code, errOut)
	}
	if n := invites(); n != before {
		t.Errorf("%d invites were created by refused commands", n-before)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, l := range leftovers {
		if b := filepath.Base(l); b != "thư mời.png" && b != "thư mời-2.png" && b != "moi.PDF" && b != "invites.pdf" {
			t.Errorf("left behind: %s", b)
		}
	}
}

// The cards come out grouped by the unit above the school, in Vietnamese order with numbers by
// value ("Số 2" before "Số 10", "Đ" after "D"), so a commune's cards are printed together.
func TestSheetSchoolsOrder(t *testing.T) {
	c := newCLI(t)
	csv := `code,name,kind,parent,level
SO,Sở GD&ĐT,department,,
X10,UBND xã Số 10,commune,SO,
X2,UBND xã Số 2,commune,SO,
A,Trường Tiểu học Đông Hà,school,X10,tieu_hoc
B,Trường Tiểu học Dương Minh Châu,school,X10,tieu_hoc
C,Trường Mầm non số 10,school,X2,mam_non
D,Trường Mầm non số 9,school,X2,mam_non
E,Trường THPT Số 1,school,SO,thpt
`
	if code, _, errOut := c.run("units", "import", c.file("units.csv", csv)); code != 0 {
		t.Fatal(errOut)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.Options{DSN: c.env["NHACVIEC_DB"]})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	so, err := st.UnitByCode(ctx, "SO")
	if err != nil {
		t.Fatal(err)
	}
	schools, joined, err := sheetSchools(&env{ctx: ctx}, st, so)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range schools {
		got = append(got, s.parent+" / "+s.Code)
	}
	want := []string{"Sở GD&ĐT / E", "UBND xã Số 2 / D", "UBND xã Số 2 / C", "UBND xã Số 10 / B", "UBND xã Số 10 / A"}
	if !slices.Equal(got, want) || joined != 0 {
		t.Fatalf("order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
