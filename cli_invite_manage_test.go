package main

import (
	"strings"
	"testing"
)

// invite list shows what is still usable; invite revoke ends a unit's (or one code's) invites,
// and a revoked code no longer lets anyone in; bad arguments change nothing.
func TestInviteListAndRevoke(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	codes := map[string]string{}
	for _, unit := range []string{"TH_A", "THCS_A", "TH_B"} {
		code, out, errOut := c.run("invite", "create", "--unit", unit, "--role", "head", "--json")
		if code != 0 {
			t.Fatal(errOut)
		}
		codes[unit] = strings.Split(strings.Split(out, `"code":"`)[1], `"`)[0]
	}
	code, out, _ := c.run("invite", "list", "--unit", "XA_A")
	if code != 0 || !strings.Contains(out, codes["TH_A"]) || !strings.Contains(out, codes["THCS_A"]) || strings.Contains(out, codes["TH_B"]) ||
		!strings.Contains(out, "2 mã mời còn dùng được") {
		t.Fatalf("list:\n%s", out)
	}
	for _, bad := range [][]string{
		{"invite", "revoke"}, // nothing chosen
		{"invite", "revoke", "--unit", "XA_A", "--code", "X"}, // both
		{"invite", "revoke", "--unit", "NOPE"},
		{"invite", "revoke", "--unit", "XA_A", "--role", "boss"},
		{"invite", "revoke", "--code", "not-a-code"},
		{"invite", "list", "extra"},
	} {
		if code, _, errOut := c.run(bad...); code != 1 || errOut == "" {
			t.Errorf("%v: %d %q", bad, code, errOut)
		}
	}
	if code, out, _ := c.run("invite", "list"); code != 0 || !strings.Contains(out, "3 mã mời") {
		t.Fatalf("bad arguments changed something:\n%s", out)
	}
	code, out, errOut := c.run("invite", "revoke", "--unit", "XA_A", "--role", "head")
	if code != 0 || !strings.Contains(out, "Đã hủy 2 mã mời") {
		t.Fatalf("revoke: %d %s %s", code, out, errOut)
	}
	// One code, written as on the card.
	card := codes["TH_B"][:5] + "-" + strings.ToLower(codes["TH_B"][5:])
	if code, out, errOut := c.run("invite", "revoke", "--code", card); code != 0 || !strings.Contains(out, "Đã hủy 1 mã mời") {
		t.Fatalf("revoke a code: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := c.run("invite", "revoke", "--code", card); code != 1 || !strings.Contains(errOut, "Không có mã mời") {
		t.Fatalf("again: %d %s", code, errOut)
	}
	if code, out, _ := c.run("invite", "list"); code != 0 || !strings.Contains(out, "Không có mã mời nào") {
		t.Fatalf("after revoking:\n%s", out)
	}
	if code, out, _ := c.run("audit"); code != 0 || strings.Count(out, "invite.revoke") != 2 {
		t.Fatalf("audit:\n%s", out)
	}
}
