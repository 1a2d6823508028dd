package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"nhacviec/storage"
)

// cli runs the program like an operator would, with its own environment and a fixed clock.
type cli struct {
	t   *testing.T
	env map[string]string
	now time.Time
	dir string
}

func newCLI(t *testing.T) *cli {
	dir := t.TempDir()
	return &cli{t: t, dir: dir, now: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC), env: map[string]string{
		"NHACVIEC_DB":           filepath.Join(dir, "nhacviec.db"),
		"NHACVIEC_BOT_USERNAME": "nhacviec_test_bot",
		"NHACVIEC_LOG_LEVEL":    "error",
	}}
}

func (c *cli) run(args ...string) (int, string, string) {
	c.t.Helper()
	return c.run2(context.Background(), args...)
}

func (c *cli) run2(ctx context.Context, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := runAt(ctx, args, func(k string) string { return c.env[k] }, func() time.Time { return c.now }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func (c *cli) file(name, content string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

const provinceCSV = `code,name,kind,parent,level
SO,Sở GD&ĐT Tỉnh Mẫu,department,,
XA_A,UBND xã An Phú,commune,SO,
XA_B,UBND phường Bình Minh,commune,SO,
MN_A,Trường Mầm non An Phú,school,XA_A,mam_non
TH_A,Trường Tiểu học An Phú,school,XA_A,tieu_hoc
THCS_A,Trường THCS An Phú,school,XA_A,thcs
TH_B,Trường Tiểu học Bình Minh,school,XA_B,tieu_hoc
TH_THCS_B,Trường TH và THCS Bình Minh,school,XA_B,lien_cap
THPT_1,Trường THPT Chuyên Tỉnh Mẫu,school,SO,thpt
`

func TestUnitsImport(t *testing.T) {
	c := newCLI(t)
	code, out, errOut := c.run("units", "import", c.file("units.csv", provinceCSV))
	if code != 0 || !strings.Contains(out, "Đã nhập 9 đơn vị: 9 mới, 0 cập nhật, 0 không đổi.") {
		t.Fatalf("first import: %d %q %q", code, out, errOut)
	}
	// Excel on Vietnamese Windows: byte-order mark, semicolons, CRLF; one school renamed.
	excel := "\ufeff" + strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(provinceCSV, ",", ";"), "\n", "\r\n"), "Trường Tiểu học An Phú", "Trường TH An Phú")
	code, out, errOut = c.run("units", "import", c.file("excel.csv", excel))
	if code != 0 || !strings.Contains(out, "9 đơn vị: 0 mới, 1 cập nhật, 8 không đổi") {
		t.Fatalf("re-import: %d %q %q", code, out, errOut)
	}
	code, out, _ = c.run("units", "list")
	if code != 0 || !strings.Contains(out, "    TH_A             school/tieu_hoc      Trường TH An Phú") || strings.Count(out, "\n") != 9 {
		t.Fatalf("list:\n%s", out)
	}
}

func TestUnitsImportRejectsBadFiles(t *testing.T) {
	cases := []struct {
		name, content string
		want          []string
	}{
		{"unknown parent and bad kind", "code,name,kind,parent,level\nSO,Sở,department,,\nX,Xã,ward,SO,\nT,Trường,school,NOPE,thcs\n",
			[]string{`bad.csv:3: đơn vị "X" có loại "ward" không hợp lệ`, `bad.csv:4: đơn vị "T" trực thuộc đơn vị cấp trên "NOPE", nhưng`}},
		{"cycle", "code,name,kind,parent,level\nA,A,department,B,\nB,B,department,A,\n",
			[]string{`bad.csv:2: đơn vị "A" nằm trong một vòng trực thuộc khép kín: A → B → A`, `bad.csv:3: đơn vị "B" nằm trong một vòng trực thuộc`}},
		{"duplicate code", "code,name,kind,parent,level\nA,A,department,,\nA,A2,department,,\n",
			[]string{`bad.csv:3: mã "A" trùng với dòng 2`}},
		{"wrong encoding", "code,name,kind,parent,level\nA,Tr\xf0\xf5\xe1ng,school,,thcs\n",
			[]string{"bad.csv:2: dòng này không phải UTF-8"}},
		{"utf-16", "\xff\xfec\x00o\x00", []string{"bad.csv:1: tệp đang ở mã UTF-16"}},
		{"header", "ma,ten,loai\nA,A,department\n", []string{`bad.csv:1: dòng tiêu đề là "ma,ten,loai"`}},
		{"columns", "code,name,kind,parent,level\nA,A,department,,\nB,B\n", []string{"bad.csv:3: dòng có 2 cột, cần 5"}},
		{"quote", "code,name,kind,parent,level\nA,\"A,department,,\n", []string{"bad.csv:2: không đọc được CSV"}},
		{"empty", "code,name,kind,parent,level\n", []string{"bad.csv:1: tệp không có đơn vị nào"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			code, _, errOut := c.run("units", "import", c.file("bad.csv", tc.content))
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if !strings.Contains(errOut, "chưa nhập đơn vị nào") {
				t.Errorf("stderr does not say nothing was imported:\n%s", errOut)
			}
			_, out, _ := c.run("units", "list")
			if !strings.Contains(out, "Chưa có đơn vị nào") {
				t.Fatalf("a refused file imported something:\n%s", out)
			}
		})
	}
}

func TestTaskCreate(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := c.run("task", "create", "--title", "Tập huấn chuyển đổi số", "--assign", "XA_A,TH_B", "--due", "15/12/2026")
	if code != 0 {
		t.Fatalf("%d %s", code, errOut)
	}
	for _, w := range []string{"Đã tạo nhiệm vụ #1 «Tập huấn chuyển đổi số», hạn 15/12/2026, giao cho 4 trường:", "MN_A", "TH_A", "THCS_A", "TH_B"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "THPT_1") {
		t.Errorf("assigned a school outside the units:\n%s", out)
	}
	// Levels under the Sở: primary only; the multi-level school is pointed out.
	code, out, errOut = c.run("task", "create", "--title", "Kiểm tra", "--assign", "SO", "--levels", "tieu_hoc", "--due", "2026-12-20")
	if code != 0 || !strings.Contains(out, "giao cho 2 trường") || !strings.Contains(out, "nhiệm vụ số 2 của trường") || !strings.Contains(out, "1 trường liên cấp") {
		t.Fatalf("levels: %d %s %s", code, out, errOut)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--title", "x", "--assign", "NOPE", "--due", "2026-12-20"}, "Không có đơn vị mã: NOPE"},
		{[]string{"--title", "x", "--assign", "SO", "--due", "2026-11-22"}, "hạn 22/11/2026 đã qua (hôm nay là 23/11/2026)"},
		{[]string{"--title", "x", "--assign", "SO", "--due", "31/02/2027"}, `hạn "31/02/2027" không đúng`},
		{[]string{"--assign", "SO", "--levels", "dai_hoc", "--due", "2026-12-20"}, `thiếu --title`},
		{[]string{"--title", "x", "--assign", "SO", "--levels", "dai_hoc", "--due", "2026-12-20"}, `cấp học "dai_hoc" không hợp lệ`},
		{[]string{"--title", "x", "--assign", "XA_B", "--levels", "thpt", "--due", "2026-12-20"}, "Không có trường nào"},
	} {
		code, _, errOut := c.run(append([]string{"task", "create"}, bad.args...)...)
		if code != 1 || !strings.Contains(errOut, bad.want) {
			t.Errorf("%v: %d %q, want %q", bad.args, code, errOut, bad.want)
		}
	}
}

func TestInviteCreate(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := c.run("invite", "create", "--unit", "TH_A", "--role", "head", "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var inv struct {
		Code, Link, Unit, Role string
		MaxUses                int       `json:"max_uses"`
		ExpiresAt              time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(out), &inv); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if len(inv.Code) != 10 || inv.Link != "https://t.me/nhacviec_test_bot?start="+inv.Code || inv.Unit != "TH_A" || inv.MaxUses != 1 || !inv.ExpiresAt.Equal(c.now.Add(720*time.Hour)) {
		t.Fatalf("invite: %+v", inv)
	}
	code, out, _ = c.run("invite", "create", "--unit", "SO", "--role", "supervisor", "--uses", "0", "--expires", "0")
	if code != 0 || !strings.Contains(out, "không giới hạn") || !strings.Contains(out, "thời hạn: không giới hạn") || !strings.Contains(out, "https://t.me/nhacviec_test_bot?start=") {
		t.Fatalf("text output:\n%s", out)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--unit", "SO", "--role", "head"}, "Vai trò head chỉ dành cho trường"},
		{[]string{"--unit", "TH_A", "--role", "supervisor"}, "Vai trò supervisor dành cho Sở"},
		{[]string{"--unit", "TH_A", "--role", "boss"}, `vai trò "boss" không hợp lệ`},
		{[]string{"--unit", "NOPE", "--role", "head"}, "Không có đơn vị mã: NOPE"},
		{[]string{"--unit", "TH_A", "--role", "head", "--uses", "-1"}, "--uses -1 không hợp lệ"},
	} {
		code, _, errOut := c.run(append([]string{"invite", "create"}, bad.args...)...)
		if code != 1 || !strings.Contains(errOut, bad.want) {
			t.Errorf("%v: %d %q, want %q", bad.args, code, errOut, bad.want)
		}
	}
	delete(c.env, "NHACVIEC_BOT_USERNAME")
	if code, _, errOut := c.run("invite", "create", "--unit", "TH_A", "--role", "head"); code != 1 || !strings.Contains(errOut, "NHACVIEC_BOT_USERNAME") {
		t.Fatalf("without a username: %d %q", code, errOut)
	}
}

func TestConfigReportsEveryProblemAtOnce(t *testing.T) {
	c := newCLI(t)
	c.env["NHACVIEC_TZ"] = "Mars/Olympus"
	c.env["NHACVIEC_WORKERS"] = "0"
	c.env["NHACVIEC_POLL_TIMEOUT"] = "soon"
	c.env["NHACVIEC_TELEGRAM_API_URL"] = "ftp://x"
	code, _, errOut := c.run("serve")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"Mars/Olympus", "workers", "poll-timeout", "ftp://x", "chưa có token Telegram"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	// A flag wins over the environment; the token never comes from a flag.
	c = newCLI(t)
	c.env["NHACVIEC_TELEGRAM_TOKEN"] = "not a token"
	code, _, errOut = c.run("serve", "--tz", "Asia/Tokyo", "--lang", "en")
	if code != 1 || !strings.Contains(errOut, "does not look like") || strings.Contains(errOut, "not a token") {
		t.Fatalf("malformed token: %d %q", code, errOut)
	}
	tokenFile := c.file("token", "123456:ABCDEF-ghij\n")
	c.env["NHACVIEC_TELEGRAM_TOKEN"] = ""
	c.env["NHACVIEC_TELEGRAM_TOKEN_FILE"] = tokenFile
	cfg, _, err := loadConfig(map[string]string{"workers": "3"}, func(k string) string { return c.env[k] }, true)
	if err != nil || cfg.Token != "123456:ABCDEF-ghij" || cfg.Workers != 3 || cfg.Location.String() != "Asia/Ho_Chi_Minh" {
		t.Fatalf("config: %+v %v", cfg, err)
	}
}

func TestMigrateAndUsage(t *testing.T) {
	c := newCLI(t)
	code, out, errOut := c.run("migrate")
	ids := storage.MigrationIDs()
	if code != 0 || !strings.Contains(out, ids[len(ids)-1]) {
		t.Fatalf("migrate: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := c.run("frobnicate"); code != 2 || !strings.Contains(errOut, "Cách dùng: nhacviec") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
}

// Flags may stand before or after the arguments; after "--" everything is an argument.
func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	j := fs.Bool("json", false, "")
	due := fs.String("due", "", "")
	args, err := parseInterspersed(fs, []string{"a.txt", "--json", "b", "--due", "15/12/2026", "--", "--json"})
	if err != nil || !*j || *due != "15/12/2026" || strings.Join(args, " ") != "a.txt b --json" {
		t.Fatalf("%v %v %q %v", args, err, *due, *j)
	}
}

// Every text of the command line exists in both languages.
func TestCLITextsComplete(t *testing.T) {
	for lang, tx := range cliTexts {
		v := reflect.ValueOf(*tx)
		for i := 0; i < v.NumField(); i++ {
			if strings.TrimSpace(v.Field(i).String()) == "" {
				t.Errorf("%s: %s is empty", lang, v.Type().Field(i).Name)
			}
		}
	}
}
