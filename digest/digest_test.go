package digest_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nhacviec/digest"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

// province: a directive with two tasks and a task of its own for the commune's schools, reports
// on time, late and missing, difficulties and proposals, an extension waiting.
func province(t *testing.T) (*storage.Store, map[string]storage.Unit, *storagetest.Clock) {
	t.Helper()
	ctx := context.Background()
	clock := storagetest.NewClock(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	st := storagetest.SQLite(t, storagetest.Options{Now: clock.Now})
	u := storagetest.Province(t, st)
	lan := storagetest.Join(t, st, 1001, "Lan", u["TH_A"], storage.RoleHead)
	nam := storagetest.Join(t, st, 1002, "Nam", u["THCS_A"], storage.RoleHead)
	storagetest.Join(t, st, 1003, "Bình", u["XA_A"], storage.RoleSupervisor)
	due, _ := storage.ParseDate("2026-12-10")
	schools := []int64{u["MN_A"].ID, u["TH_A"].ID, u["THCS_A"].ID}
	pub, err := st.PublishDirective(ctx, storage.Publication{
		Directive: storage.Directive{Kind: "Kế hoạch", Number: "45/KH-SGDĐT", Title: "Chuyển đổi số"},
		Tasks: []storage.NewTask{{Title: "Rà soát thiết bị kết nối Internet", Due: due, Citation: "II.1"},
			{Title: "Tập huấn kỹ năng số cho giáo viên", Due: due, Citation: "II.2"}},
		SchoolIDs: schools,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, own, err := st.CreateTask(ctx, storage.NewTask{Title: "Kiểm tra nội bộ", Due: storage.Date{Year: 2026, Month: 12, Day: 20}}, schools)
	if err != nil {
		t.Fatal(err)
	}
	seq := func(unit string, task storage.Task) int64 {
		a := storagetest.Must(st.AssignmentBySeq(ctx, u[unit].ID, 1))(t)
		for n := 1; a.TaskID != task.ID; n++ {
			a = storagetest.Must(st.AssignmentBySeq(ctx, u[unit].ID, n))(t)
		}
		return a.ID
	}
	report := func(unit string, m storage.Member, task storage.Task, progress int, diff, prop string) {
		if _, err := st.CreateReport(ctx, storage.NewReport{AssignmentID: seq(unit, task), MemberID: m.ID, Progress: progress,
			Result: "Đã thực hiện", Difficulties: diff, Proposals: prop, Source: storage.SourceLine}); err != nil {
			t.Fatal(err)
		}
	}
	report("TH_A", lan, pub.Tasks[0], 100, "", "")
	report("TH_A", lan, pub.Tasks[1], 100, "", "")
	clock.Set(time.Date(2026, 12, 9, 3, 0, 0, 0, time.UTC))
	report("THCS_A", nam, pub.Tasks[0], 40, "Đường truyền yếu ở điểm trường lẻ", "Đề nghị hỗ trợ kinh phí lắp cáp quang")
	clock.Set(time.Date(2026, 12, 11, 3, 0, 0, 0, time.UTC))
	report("THCS_A", nam, pub.Tasks[0], 100, "", "")
	report("TH_A", lan, storage.Task{ID: own[0].TaskID}, 50, "Thiếu giáo viên tin học", "")
	a := storagetest.Must(st.AssignmentByID(ctx, seq("THCS_A", pub.Tasks[1])))(t)
	if _, err := st.RequestExtension(ctx, storage.ExtensionRequest{AssignmentID: a.ID, MemberID: nam.ID, OldDue: a.Due,
		ProposedDue: storage.Date{Year: 2026, Month: 12, Day: 20}, Reason: "Giáo viên đi tập huấn"}, nil); err != nil {
		t.Fatal(err)
	}
	return st, u, clock
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// The commune's digest on Monday 14 December, in both languages and as plain text.
func TestDigestGolden(t *testing.T) {
	st, u, _ := province(t)
	at := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC) // 07:00 in Vietnam
	d, err := digest.Compute(context.Background(), st, digest.Query{Unit: u["XA_A"], Since: at.AddDate(0, 0, -7), At: at, Loc: hcm})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "xa_a_vi.html", d.HTML(digest.VI, hcm))
	golden(t, "xa_a_en.html", d.HTML(digest.EN, hcm))
	golden(t, "xa_a_vi.txt", d.Text(digest.VI, hcm))
	// The Sở sees the commune as its late unit; the other commune has nothing.
	so, err := digest.Compute(context.Background(), st, digest.Query{Unit: u["SO"], Since: at.AddDate(0, 0, -7), At: at, Loc: hcm})
	if err != nil {
		t.Fatal(err)
	}
	if len(so.Late) != 1 || so.Late[0].Name != "UBND xã An Phú" || so.Late[0].Overdue != 3 {
		t.Fatalf("late under the Sở: %+v", so.Late)
	}
	empty, err := digest.Compute(context.Background(), st, digest.Query{Unit: u["XA_B"], Since: at.AddDate(0, 0, -7), At: at, Loc: hcm})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "xa_b_vi.html", empty.HTML(digest.VI, hcm))
}

// The chart's counts per unit beneath, the schools with overdue tasks for the groups, and a
// digest narrowed to one task.
func TestDigestByUnitAndTask(t *testing.T) {
	st, u, _ := province(t)
	at := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	so, err := digest.Compute(ctx, st, digest.Query{Unit: u["SO"], Since: at.AddDate(0, 0, -7), At: at, Loc: hcm})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, b := range so.Directives {
		for _, tk := range b.Tasks {
			total += tk.Schools
		}
	}
	sum := 0
	for _, n := range so.Totals() {
		sum += n
	}
	if len(so.ByUnit) == 0 || so.ByUnit[0].Name != "UBND xã An Phú" || sum != total {
		t.Fatalf("by unit %+v, totals %v, rows %d", so.ByUnit, so.Totals(), total)
	}
	if len(so.Overdue) == 0 {
		t.Fatal("no school with an overdue task")
	}
	for _, name := range so.Overdue {
		if !strings.Contains(name, "Trường") {
			t.Fatalf("overdue %q is not a school", name)
		}
	}
	first := so.Directives[0].Tasks[0]
	one, err := digest.Compute(ctx, st, digest.Query{Unit: u["SO"], TaskID: first.ID, Since: at.AddDate(0, 0, -7), At: at, Loc: hcm})
	if err != nil {
		t.Fatal(err)
	}
	if one.Tasks() != 1 || one.Task != first.Title || !strings.Contains(one.HTML(digest.VI, hcm), "Riêng nhiệm vụ: "+first.Title) {
		t.Fatalf("narrowed: %d tasks, %q", one.Tasks(), one.Task)
	}
	for _, i := range one.Issues {
		if i.TaskID != first.ID {
			t.Fatalf("an issue of another task: %+v", i)
		}
	}
}

// A school is silent when it said nothing for a whole period on a task it had all along; a task
// given this week does not make it silent yet.
func TestSilentOnlyForTasksItHad(t *testing.T) {
	st, u, clock := province(t)
	ctx := context.Background()
	at := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	clock.Set(at.Add(-2 * time.Hour)) // Monday morning, before the digest
	if _, _, err := st.CreateTask(ctx, storage.NewTask{Title: "Báo cáo nhanh sĩ số", Due: storage.Date{Year: 2026, Month: 12, Day: 18}}, []int64{u["TH_B"].ID}); err != nil {
		t.Fatal(err)
	}
	q := digest.Query{Unit: u["XA_B"], Since: at.AddDate(0, 0, -7), At: at, Loc: hcm}
	d, err := digest.Compute(ctx, st, q)
	if err != nil {
		t.Fatal(err)
	}
	if d.Schools != 1 || len(d.Silent) != 0 {
		t.Fatalf("a task given this morning: %d schools, silent %v", d.Schools, d.Silent)
	}
	// A week later, with still no word, it is.
	q.Since, q.At = at, at.AddDate(0, 0, 7)
	if d, err = digest.Compute(ctx, st, q); err != nil {
		t.Fatal(err)
	}
	if len(d.Silent) != 1 || d.Silent[0] != u["TH_B"].Name {
		t.Fatalf("a week later: silent %v", d.Silent)
	}
}
