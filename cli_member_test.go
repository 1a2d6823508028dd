package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// member list shows who holds which role where; member move takes a head to another school with
// its tasks; member remove refuses to remove the last admin and gives a deputy's tasks back.
func TestMemberCommands(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("units", "import", c.file("units.csv", provinceCSV)); code != 0 {
		t.Fatal(errOut)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, storage.Options{DSN: c.env["NHACVIEC_DB"]})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	unit := func(code string) storage.Unit { return storagetest.Must(st.UnitByCode(ctx, code))(t) }
	admin := storagetest.Join(t, st, 2001, "Quản trị", unit("SO"), storage.RoleAdmin)
	lan := storagetest.Join(t, st, 2002, "Lan", unit("TH_A"), storage.RoleHead)
	nam := storagetest.Join(t, st, 2003, "Nam", unit("TH_A"), storage.RoleDeputy)
	_, as := storagetest.Task(t, st, "Kiểm tra nội bộ", "2026-12-18", unit("TH_A"), unit("THCS_A"))
	var thA, thcsA storage.Assignment
	for _, a := range as {
		if a.UnitID == unit("TH_A").ID {
			thA = a
		} else {
			thcsA = a
		}
	}
	if err := st.SetAssignee(ctx, thA.ID, &nam.ID); err != nil {
		t.Fatal(err)
	}
	id := func(m storage.Member) string { return strconv.FormatInt(m.ID, 10) }

	code, out, _ := c.run("member", "list")
	if code != 0 || !strings.Contains(out, "TH_A") || !strings.Contains(out, "Lan") || !strings.Contains(out, "Quản trị") {
		t.Fatalf("list: %d\n%s", code, out)
	}
	if _, out, _ := c.run("member", "list", "--unit", "TH_A"); strings.Contains(out, "Quản trị") || !strings.Contains(out, "Nam") {
		t.Fatalf("list --unit:\n%s", out)
	}

	// A head moved to another school follows that school's tasks, not the old one's.
	if code, out, errOut := c.run("member", "move", id(lan), "--from", "TH_A", "--to", "THCS_A"); code != 0 || !strings.Contains(out, "TH_A sang THCS_A") {
		t.Fatalf("move: %d %s %s", code, out, errOut)
	}
	follows := func(m storage.Member, a storage.Assignment) bool {
		_, err := st.Subscription(ctx, m.ID, a.ID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil
	}
	if follows(lan, thA) || !follows(lan, thcsA) {
		t.Fatal("the moved head's subscriptions did not follow")
	}
	if code, _, errOut := c.run("member", "move", id(lan), "--from", "THCS_A", "--to", "XA_A"); code != 1 || !strings.Contains(errOut, "chỉ dành cho trường") {
		t.Fatalf("head to a commune: %d %s", code, errOut)
	}
	if code, _, errOut := c.run("member", "move", id(lan), "--from", "TH_A", "--to", "THCS_A"); code != 1 || !strings.Contains(errOut, "không thuộc đơn vị TH_A") {
		t.Fatalf("from a unit not theirs: %d %s", code, errOut)
	}

	// The deputy leaves: the task handed to them goes back to the head.
	if code, out, _ := c.run("member", "remove", id(nam)); code != 0 || !strings.Contains(out, "khỏi 1 đơn vị") {
		t.Fatalf("remove: %d %s", code, out)
	}
	a, err := st.AssignmentByID(ctx, thA.ID)
	if err != nil || a.AssigneeID != nil {
		t.Fatalf("assignee after removal: %+v %v", a.AssigneeID, err)
	}

	// The last admin stays; with a second one, the first may go.
	if code, _, errOut := c.run("member", "remove", id(admin)); code != 1 || !strings.Contains(errOut, "quản trị viên cuối cùng") {
		t.Fatalf("last admin: %d %s", code, errOut)
	}
	storagetest.Join(t, st, 2004, "Quản trị 2", unit("SO"), storage.RoleAdmin)
	if code, _, errOut := c.run("member", "remove", id(admin)); code != 0 {
		t.Fatalf("remove an admin with another left: %s", errOut)
	}
	if code, _, errOut := c.run("member", "remove", "999999"); code != 1 || !strings.Contains(errOut, "Không có thành viên số 999999") {
		t.Fatalf("unknown member: %d %s", code, errOut)
	}
	if code, _, _ := c.run("member", "fly"); code != 1 {
		t.Fatal("unknown subcommand accepted")
	}

	// The audit log shows the joins and the operator's changes; a unit narrows it.
	code, out, errOut := c.run("audit", "--since", "2000-01-01")
	for _, want := range []string{"join", "TH_A", "Lan (2002)", "member.move", "head, from TH_A", "operator", "member.remove"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("audit lacks %q: %d\n%s%s", want, code, out, errOut)
		}
	}
	if _, out, _ := c.run("audit", "--since", "2000-01-01", "--unit", "THCS_A"); strings.Contains(out, "Quản trị") || !strings.Contains(out, "member.move") {
		t.Fatalf("audit --unit:\n%s", out)
	}
	if code, _, errOut := c.run("audit", "--since", "hôm qua"); code != 1 || !strings.Contains(errOut, "không phải ngày") {
		t.Fatalf("bad --since: %d %s", code, errOut)
	}
}
