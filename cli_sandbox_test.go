package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nhacviec/storage"
)

// sandboxInput makes the sandbox read script, for one test.
func sandboxInput(t *testing.T, script string) {
	t.Helper()
	old := sandboxStdin
	sandboxStdin = strings.NewReader(script)
	t.Cleanup(func() { sandboxStdin = old })
}

// "nhacviec sandbox" needs no token, leaves NHACVIEC_DB alone, echoes piped input after the
// prompt, and ends at the end of the input with its temporary database removed.
func TestSandboxCommand(t *testing.T) {
	c := newCLI(t)
	sandboxInput(t, "/nhiemvu\n:la mai\n/tonghop\n:khong\n")
	code, out, errOut := c.run("sandbox")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"NHACVIEC_DB không được dùng", "không cần token", "Kế hoạch 07/KH-SGDĐT",
		"lan> /nhiemvu", "Nhiệm vụ của Trường Tiểu học An Phú",
		"mai> /tonghop", "Tổng hợp tình hình thực hiện nhiệm vụ — UBND xã An Phú",
		`Không có lệnh hộp cát ":khong"`, "Tạm biệt! Đã xóa cơ sở dữ liệu tạm.",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("the output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(c.env["NHACVIEC_DB"]); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the sandbox touched NHACVIEC_DB: %v", err)
	}
	_, dir, _ := strings.Cut(out, "Cơ sở dữ liệu: ")
	dir, _, ok := strings.Cut(dir, "/sandbox.db (tệp tạm")
	if !ok || dir == "" {
		t.Fatalf("no database path in:\n%s", out)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary directory %s is still there: %v", dir, err)
	}
}

// --keep creates the database and keeps it; an existing file, a PostgreSQL URL or two different
// files are refused before anything is opened.
func TestSandboxKeep(t *testing.T) {
	c := newCLI(t)
	existing := c.file("nhacviec.db", "the operator's database")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sandbox", "--keep", existing}, "đã có"},
		{[]string{"sandbox", "--db", existing}, "đã có"},
		{[]string{"sandbox", "--keep", "postgres://u@localhost/db"}, "chỉ dùng SQLite"},
		{[]string{"sandbox", "--db", "a.db", "--keep", "b.db"}, "chỉ dùng một"},
		{[]string{"sandbox", "extra"}, "tham số thừa"},
	} {
		sandboxInput(t, "")
		code, _, errOut := c.run(tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want 1 and %q", tc.args, code, errOut, tc.want)
		}
	}
	if data, _ := os.ReadFile(existing); string(data) != "the operator's database" {
		t.Fatal("the existing file was changed")
	}

	kept := filepath.Join(c.dir, "thu.db")
	sandboxInput(t, ":thoat\n")
	code, out, errOut := c.run("sandbox", "--keep", kept)
	if code != 0 || !strings.Contains(out, "Cơ sở dữ liệu vẫn ở "+kept) {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	st, err := storage.Open(context.Background(), storage.Options{DSN: kept})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UnitByCode(context.Background(), "TH_AP"); err != nil {
		t.Fatalf("the kept database has no demo: %v", err)
	}
}
