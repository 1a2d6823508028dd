package bot

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/xuri/excelize/v2"

	"nhacviec/bot/telegramtest"
	"nhacviec/storage"
	"nhacviec/storage/storagetest"
)

// The authorization matrix: every command and every button, for each role (admin, supervisor of
// the Sở, supervisor of a commune, head, deputy, a person with roles in two schools, someone who
// never joined), against their own unit, a sibling unit and a parent unit. The legitimate way is
// driven where a button exists; everything outside the actor's reach is also forged (ids of
// assignments, reports, units, directives, extension requests, reminders and conversations of
// other units and people). Allowed actions succeed; refused ones get the refusal and change
// nothing in the database; no reply — text, caption, button label, callback answer, file —
// carries a marker of a unit outside the actor's reach.
//
// Every unit has a word of its own (its marker) in its name, its tasks, its reports and its
// people's names, so that a leak is found by searching the replies for other units' markers.
//
//	SO      Sở GD&ĐT Tỉnh Kim Sơn (Kim Sơn)
//	├ XA_A    UBND xã Hồng Lam (Hồng Lam)
//	│ ├ TH_A    Trường Tiểu học Sao Mai (Sao Mai)        "A1": head headA1, deputy depA1
//	│ ├ THCS_A  Trường THCS Bạch Dương (Bạch Dương)       "A2": head dual
//	│ └ MN_A    Trường Mầm non Họa Mi (Họa Mi)
//	├ XA_B    UBND phường Thủy Tiên (Thủy Tiên)
//	│ └ TH_B    Trường Tiểu học Ngọc Lan (Ngọc Lan)       "B1": head headB1, deputy dual
//	└ THPT_P  Trường THPT Phong Vân (Phong Vân)           "P", right under the Sở
//	SO2     Sở GD&ĐT Tỉnh Hải Đăng (Hải Đăng)             another province in the installation
//	└ THPT_H  Trường THPT Hải Đăng (Hải Đăng)             "H"
//
// Targets: "own" is in the actor's reach; "sibling" is the unit next to theirs (the other school
// of the commune, the other commune, the other province); "parent" is a unit above theirs, or
// for an assignment, report or request the school that hangs right under the Sở (THPT_P), which
// only the Sở oversees.
var authzTree = []string{
	"SO,Sở GD&ĐT Tỉnh Kim Sơn,department,,",
	"XA_A,UBND xã Hồng Lam,commune,SO,",
	"XA_B,UBND phường Thủy Tiên,commune,SO,",
	"TH_A,Trường Tiểu học Sao Mai,school,XA_A,tieu_hoc",
	"THCS_A,Trường THCS Bạch Dương,school,XA_A,thcs",
	"MN_A,Trường Mầm non Họa Mi,school,XA_A,mam_non",
	"TH_B,Trường Tiểu học Ngọc Lan,school,XA_B,tieu_hoc",
	"THPT_P,Trường THPT Phong Vân,school,SO,thpt",
	"SO2,Sở GD&ĐT Tỉnh Hải Đăng,department,,",
	"THPT_H,Trường THPT Hải Đăng,school,SO2,thpt",
}

// authzMarker is each unit's marker.
var authzMarker = map[string]string{
	"SO": "Kim Sơn", "XA_A": "Hồng Lam", "XA_B": "Thủy Tiên", "TH_A": "Sao Mai", "THCS_A": "Bạch Dương",
	"MN_A": "Họa Mi", "TH_B": "Ngọc Lan", "THPT_P": "Phong Vân", "SO2": "Hải Đăng", "THPT_H": "Hải Đăng",
}

// authzSchool is the school of each school key.
var authzSchool = map[string]string{"A1": "TH_A", "A2": "THCS_A", "MN": "MN_A", "B1": "TH_B", "P": "THPT_P", "H": "THPT_H"}

// authzActors are the rows' actors, in the order the matrix runs them.
var authzActors = []string{"admin", "supSO", "supA", "headA1", "depA1", "dual", "stranger"}

// authzWorld is the province, its people and what they did, shared by the matrix's rows.
type authzWorld struct {
	t       *testing.T
	h       *harness
	db      *sql.DB // the database, read only, to see that a refusal changed nothing
	users   map[string]models.User
	roles   map[string]map[string]storage.Role // actor → unit code → role
	ids     map[string]int64                   // member ids
	anchor  map[string]telegramtest.SentMessage
	task    map[string]storage.Assignment // each school's own task
	shared  map[string]storage.Assignment // the task every school but MN_A has
	title   map[string]string             // own task titles
	rep     map[string]int64              // each school's report (with a photo)
	ext     map[string]int64              // each school's extension request
	dir     map[string]int64              // directives: A1, A2, B1, P, H to that school; all to A1, A2, B1, P
	dirName map[string]string
	rem     map[string]telegramtest.SentMessage // the reminder each person got
	item    map[string]int64                    // a reminder item of it
	group   map[string]models.Chat              // A (linked to XA_A), B (XA_B), free (not linked)
	hello   telegramtest.SentMessage            // the bot's hello in the free group
	ann     map[string]telegramtest.SentMessage // announcements in group A, by directive
}

// newAuthzWorld builds the province, has everyone join, gives tasks, reminds, reports, asks for
// extensions, links groups and publishes directives.
func newAuthzWorld(t *testing.T) *authzWorld {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	clock := storagetest.NewClock(time.Date(2026, 11, 23, 7, 0, 0, 0, loc)) // Monday, before the reminders
	h := &harness{t: t, ctx: context.Background(), clock: clock, logs: &syncBuffer{}}
	h.srv = telegramtest.New(telegramtest.Options{Now: clock.Now})
	t.Cleanup(h.srv.Close)
	// A store of our own (not storagetest's), so that the test knows the file and can read it.
	path := filepath.Join(t.TempDir(), "authz.db")
	st, err := storage.Open(h.ctx, storage.Options{DSN: path, Now: clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Migrate(h.ctx); err != nil {
		t.Fatal(err)
	}
	h.st = st
	h.units = storagetest.Tree(t, st, authzTree...)
	// Each actor sends far more than a person types; the matrix is not about a chat's pace.
	h.bot = h.newBotWith(ChatLimit{Burst: 1 << 20, Every: time.Millisecond})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bot log:\n%s", h.logs.String())
		}
		if strings.Contains(h.logs.String(), h.srv.Token()) {
			t.Errorf("the token appears in the log")
		}
		if un := h.srv.UnansweredCallbacks(); len(un) > 0 {
			t.Errorf("button presses never answered: %v", un)
		}
	})
	// mattn/go-sqlite3, linked in by storage, registers "sqlite3".
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })

	w := &authzWorld{t: t, h: h, db: db, users: map[string]models.User{}, roles: map[string]map[string]storage.Role{},
		ids: map[string]int64{}, anchor: map[string]telegramtest.SentMessage{}, task: map[string]storage.Assignment{},
		shared: map[string]storage.Assignment{}, title: map[string]string{}, rep: map[string]int64{}, ext: map[string]int64{},
		dir: map[string]int64{}, dirName: map[string]string{}, rem: map[string]telegramtest.SentMessage{}, item: map[string]int64{},
		group: map[string]models.Chat{}, ann: map[string]telegramtest.SentMessage{}}

	// People.
	w.join("admin", "Quản", "Trị", "SO", storage.RoleAdmin)
	w.join("supSO", "Chuyên viên", "Kim Sơn", "SO", storage.RoleSupervisor)
	w.join("supA", "Cán bộ", "Hồng Lam", "XA_A", storage.RoleSupervisor)
	w.join("supB", "Cán bộ", "Thủy Tiên", "XA_B", storage.RoleSupervisor)
	w.join("supH", "Chuyên viên", "Hải Đăng", "SO2", storage.RoleSupervisor)
	w.join("headA1", "Hiệu trưởng", "Sao Mai", "TH_A", storage.RoleHead)
	w.join("depA1", "Phó hiệu trưởng", "Sao Mai", "TH_A", storage.RoleDeputy)
	w.join("dual", "Đỗ Song", "Toàn", "THCS_A", storage.RoleHead)
	w.join("dual", "", "", "TH_B", storage.RoleDeputy)
	w.join("headB1", "Hiệu trưởng", "Ngọc Lan", "TH_B", storage.RoleHead)
	w.join("headP", "Hiệu trưởng", "Phong Vân", "THPT_P", storage.RoleHead)
	w.join("headH", "Hiệu trưởng", "Hải Đăng", "THPT_H", storage.RoleHead)
	w.users["stranger"] = h.user("Người", "Lạ")
	h.say(w.users["stranger"], "Xin chào")
	w.users["newcomer"] = h.user("Người", "Mới")
	w.roles["newcomer"] = map[string]storage.Role{"TH_A": storage.RoleDeputy} // joins in the last row
	// The groups see what their unit sees.
	w.roles["groupA"] = map[string]storage.Role{"XA_A": storage.RoleSupervisor}
	w.roles["groupB"] = map[string]storage.Role{"XA_B": storage.RoleSupervisor}

	// Tasks: one of each school's own, due tomorrow, and one for all but the preschool.
	for _, x := range []struct{ key, title, due string }{
		{"A1", "Kiểm kê thư viện Sao Mai", "2026-11-24"},
		{"A2", "Sửa mái nhà Bạch Dương", "2026-11-24"},
		{"MN", "Mua đồ chơi Họa Mi", "2026-12-18"},
		{"B1", "Trồng cây Ngọc Lan", "2026-11-24"},
		{"P", "Thi thử Phong Vân", "2026-11-24"},
		{"H", "Hội thao Hải Đăng", "2026-11-24"},
	} {
		w.task[x.key] = h.task(x.title, x.due, authzSchool[x.key])[0]
		w.title[x.key] = x.title
	}
	for _, a := range h.task("Tổng vệ sinh trường học", "2026-12-18", "TH_A", "THCS_A", "TH_B", "THPT_P", "THPT_H") {
		for key, code := range authzSchool {
			if h.units[code].ID == a.UnitID {
				w.shared[key] = a
			}
		}
	}
	// The deputy follows the school's own task, so the reminder comes to her too.
	h.pressData(w.users["depA1"], h.last(w.users["depA1"]), "t:f:"+itoa(w.task["A1"].ID)+":1")
	h.drain()

	// 07:30: the reminders of the tasks due tomorrow.
	h.remind("2026-11-23 07:30")
	for _, p := range []string{"headA1", "depA1", "dual", "headB1", "headP", "headH"} {
		m := h.last(w.users[p])
		if !strings.Contains(m.PlainText(), "Nhắc việc") {
			t.Fatalf("%s got no reminder: %s", p, m.PlainText())
		}
		w.rem[p] = m
		for _, row := range m.Keyboard {
			for _, b := range row {
				if rest, ok := strings.CutPrefix(b.Data, "z:"); ok {
					id, _ := strconv.ParseInt(strings.Split(rest, ":")[0], 10, 64)
					w.item[p] = id
				}
			}
		}
		if w.item[p] == 0 {
			t.Fatalf("no snooze button on %s's reminder: %v", p, m.Keyboard)
		}
	}

	// 09:00: reports, each with a photo (the dual person's is a reply to her reminder).
	h.clock.Set(t0)
	photo := func(p, caption string) {
		h.send(telegramtest.MessageOpts{From: w.users[p], Photo: true, Caption: caption})
	}
	photo("headA1", "/baocao 1 50% Kết quả Sao Mai\nKhó khăn: thiếu sách Sao Mai\nĐề xuất: thêm tủ sách Sao Mai")
	h.say(w.users["depA1"], "/baocao 2 40% Phó hiệu trưởng báo cáo vệ sinh Sao Mai")
	rem := w.rem["dual"].Message()
	h.send(telegramtest.MessageOpts{From: w.users["dual"], Photo: true, Caption: "50% Kết quả Bạch Dương", ReplyTo: &rem})
	photo("headB1", "/baocao 1 50% Kết quả Ngọc Lan\nKhó khăn: thiếu đất Ngọc Lan")
	photo("headP", "/baocao 1 50% Kết quả Phong Vân\nKhó khăn: thiếu phòng Phong Vân")
	photo("headH", "/baocao 1 50% Kết quả Hải Đăng\nKhó khăn: thiếu sân Hải Đăng")
	for _, key := range []string{"A1", "A2", "B1", "P", "H"} {
		rs := h.reports(w.task[key].ID)
		if len(rs) != 1 || len(rs[0].Evidence) != 1 {
			t.Fatalf("the report of %s: %+v", key, rs)
		}
		w.rep[key] = rs[0].ID
	}

	// Extension requests, from the reminders.
	for _, x := range []struct{ who, key string }{{"headA1", "A1"}, {"headB1", "B1"}, {"headP", "P"}, {"headH", "H"}} {
		u := w.users[x.who]
		h.press(u, w.rem[x.who], "Xin gia hạn")
		h.say(u, "30/11/2026")
		h.say(u, "Lý do: trời mưa lớn ở "+authzMarker[authzSchool[x.key]])
		r, err := h.st.PendingExtension(h.ctx, w.task[x.key].ID)
		if err != nil {
			t.Fatalf("the extension request of %s: %v", x.key, err)
		}
		w.ext[x.key] = r.ID
	}

	// Groups: the commune A's and the ward B's, linked, and one not linked yet.
	w.group["A"] = h.addToGroup(w.users["supA"], "Nhóm cán bộ quản lý xã")
	h.inGroup(w.users["supA"], w.group["A"], "/lienket XA_A")
	w.group["B"] = h.addToGroup(w.users["supB"], "Nhóm cán bộ quản lý phường")
	h.inGroup(w.users["supB"], w.group["B"], "/lienket XA_B")
	w.group["free"] = h.addToGroup(w.users["supA"], "Nhóm chưa liên kết")
	w.hello = h.srv.Sent(w.group["free"].ID)[0]

	// Directives.
	due, _ := storage.ParseDate("2026-12-20")
	for _, x := range []struct {
		key, number, title, task string
		schools                  []string
	}{
		{"A1", "101/CV-SM", "Về việc thư viện Sao Mai", "Chuẩn bị sách Sao Mai", []string{"TH_A"}},
		{"A2", "102/CV-BD", "Về việc mái nhà Bạch Dương", "Lợp mái Bạch Dương", []string{"THCS_A"}},
		{"B1", "103/CV-NL", "Về việc vườn Ngọc Lan", "Chăm cây Ngọc Lan", []string{"TH_B"}},
		{"P", "104/CV-PV", "Về việc thi thử Phong Vân", "Chấm thi Phong Vân", []string{"THPT_P"}},
		{"H", "105/CV-HD", "Về việc hội thao Hải Đăng", "Tổ chức hội thao Hải Đăng", []string{"THPT_H"}},
		{"all", "106/CV-SGD", "Về việc an toàn trường học", "Kiểm tra an toàn", []string{"TH_A", "THCS_A", "TH_B", "THPT_P"}},
	} {
		var ids []int64
		for _, s := range x.schools {
			ids = append(ids, h.units[s].ID)
		}
		p, err := h.st.PublishDirective(h.ctx, storage.Publication{
			Directive: storage.Directive{Kind: "Công văn", Number: x.number, Title: x.title},
			Tasks:     []storage.NewTask{{Title: x.task, Due: due}}, SchoolIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		w.dir[x.key], w.dirName[x.key] = p.Directive.ID, p.Directive.Name()
	}
	h.drain() // notices, extension requests, announcements
	for key, name := range w.dirName {
		for _, m := range h.srv.Sent(w.group["A"].ID) {
			if strings.Contains(m.PlainText(), name) {
				w.ann[key] = m
			}
		}
	}
	if _, ok := w.ann["all"]; !ok {
		t.Fatal("no announcement in the commune's group")
	}

	// A message in each actor's chat to press forged buttons on.
	for _, a := range authzActors {
		if a == "stranger" {
			w.anchor[a] = h.last(w.users[a])
			continue
		}
		w.anchor[a] = one(t, h.say(w.users[a], "/trogiup"))
	}
	return w
}

// join makes the person a member through an invite.
func (w *authzWorld) join(key, first, last, unit string, role storage.Role) {
	u, ok := w.users[key]
	if !ok {
		u = w.h.user(first, last)
		w.users[key] = u
	}
	w.h.join(u, unit, role)
	if w.roles[key] == nil {
		w.roles[key] = map[string]storage.Role{}
	}
	w.roles[key][unit] = role
	m, err := w.h.st.MemberByTelegramID(w.h.ctx, u.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	w.ids[key] = m.ID
}

// within reports whether the unit is anc or lies beneath it.
func (w *authzWorld) within(unit, anc string) bool {
	u := w.h.units[unit]
	for {
		if u.Code == anc {
			return true
		}
		if u.ParentID == nil {
			return false
		}
		parent := *u.ParentID
		for _, p := range w.h.units {
			if p.ID == parent {
				u = p
			}
		}
	}
}

// The policy the issue states, written from the roles alone.

func (w *authzWorld) staff(actor, school string) bool {
	r := w.roles[actor][school]
	return r == storage.RoleHead || r == storage.RoleDeputy
}

func (w *authzWorld) head(actor, school string) bool {
	return w.roles[actor][school] == storage.RoleHead
}

// oversees: an admin oversees everything, a supervisor their unit's subtree.
func (w *authzWorld) oversees(actor, unit string) bool {
	for code, r := range w.roles[actor] {
		if r == storage.RoleAdmin || r == storage.RoleSupervisor && w.within(unit, code) {
			return true
		}
	}
	return false
}

func (w *authzWorld) canView(actor, school string) bool {
	return w.staff(actor, school) || w.oversees(actor, school)
}

func (w *authzWorld) officer(actor string) bool {
	for _, r := range w.roles[actor] {
		if r == storage.RoleAdmin || r == storage.RoleSupervisor {
			return true
		}
	}
	return false
}

func (w *authzWorld) hasSchool(actor string) bool {
	for _, r := range w.roles[actor] {
		if r.AtSchool() {
			return true
		}
	}
	return false
}

// forbidden are the markers of the units the actor may not see: not theirs, not beneath theirs,
// not above theirs.
func (w *authzWorld) forbidden(actor string) []string {
	visible := map[string]bool{}
	for code := range w.h.units {
		for mine, r := range w.roles[actor] {
			beneath := (r == storage.RoleAdmin) || (r == storage.RoleSupervisor && w.within(code, mine))
			if beneath || code == mine || w.within(mine, code) {
				visible[authzMarker[code]] = true
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range authzMarker {
		if !visible[m] && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// conv is the id of the person's open flow, or 0.
func (w *authzWorld) conv(u models.User) int64 {
	c, err := w.h.st.Conversation(w.h.ctx, u.ID, u.ID)
	if err != nil {
		return 0
	}
	return c.ID
}

// current is a bot message as it stands now.
func (w *authzWorld) current(m telegramtest.SentMessage) telegramtest.SentMessage {
	for _, x := range w.h.srv.Sent(m.ChatID) {
		if x.MessageID == m.MessageID {
			return x
		}
	}
	return m
}

// authzOut is what a row's action brought: the callback's answer, the messages to the actor, the
// messages edited, the group's messages, and the files' contents.
type authzOut struct {
	answer *telegramtest.CallbackAnswer
	msgs   []telegramtest.SentMessage
	edited []telegramtest.SentMessage
	group  []telegramtest.SentMessage
	docs   []string
}

func (o authzOut) text() string {
	var sb strings.Builder
	if o.answer != nil {
		sb.WriteString(o.answer.Text + "\n")
	}
	for _, ms := range [][]telegramtest.SentMessage{o.msgs, o.edited, o.group} {
		for _, m := range ms {
			sb.WriteString(messageText(m) + "\n")
		}
	}
	for _, d := range o.docs {
		sb.WriteString(d + "\n")
	}
	return sb.String()
}

// messageText is all a person reads on a message: its text or caption and its buttons.
func messageText(m telegramtest.SentMessage) string {
	var sb strings.Builder
	sb.WriteString(m.PlainText())
	if m.Caption != "" {
		sb.WriteString("\n" + m.Caption)
	}
	for _, row := range m.Keyboard {
		for _, b := range row {
			sb.WriteString("\n[" + b.Text + "]")
		}
	}
	return sb.String()
}

// fileText is the text of a file the bot sent: every cell of every sheet of a workbook.
func fileText(t *testing.T, f telegramtest.UploadedFile) string {
	t.Helper()
	if !strings.HasSuffix(f.FileName, ".xlsx") {
		return string(f.Content)
	}
	x, err := excelize.OpenReader(bytes.NewReader(f.Content))
	if err != nil {
		t.Fatalf("%s: %v", f.FileName, err)
	}
	defer x.Close()
	var sb strings.Builder
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			sb.WriteString(strings.Join(r, "|") + "\n")
		}
	}
	return sb.String()
}

// say sends a private message.
func (w *authzWorld) say(text string) func(*authzWorld, models.User) authzOut {
	return func(w *authzWorld, u models.User) authzOut { return authzOut{msgs: w.h.say(u, text)} }
}

// press presses a button with the data on a message of the actor's chat.
func (w *authzWorld) press(data func(*authzWorld, models.User) string) func(*authzWorld, models.User) authzOut {
	return func(w *authzWorld, u models.User) authzOut {
		for key, usr := range w.users {
			if usr.ID == u.ID {
				return w.pressOn(u, w.anchor[key], data(w, u))
			}
		}
		w.h.t.Fatalf("no anchor for %s", u.FirstName)
		return authzOut{}
	}
}

// pressOn presses a button with the data on the message m (a private or a group message).
func (w *authzWorld) pressOn(u models.User, m telegramtest.SentMessage, data string) authzOut {
	h := w.h
	cur := w.current(m)
	group := cur.ChatID != u.ID
	before := len(h.srv.Sent(cur.ChatID))
	ans, msgs := h.pressData(u, cur, data)
	out := authzOut{answer: &ans, msgs: msgs}
	if now := w.current(cur); now.Edits != cur.Edits {
		out.edited = append(out.edited, now)
	}
	if group {
		out.group = h.srv.Sent(cur.ChatID)[before:]
	}
	return out
}

// sayIn sends text in a group.
func (w *authzWorld) sayIn(g string, text string) func(*authzWorld, models.User) authzOut {
	return func(w *authzWorld, u models.User) authzOut {
		before := len(w.h.srv.Sent(u.ID))
		out := authzOut{group: w.h.inGroup(u, w.group[g], text)}
		out.msgs = w.h.srv.Sent(u.ID)[before:]
		return out
	}
}

// forgedReply replies to a bot message that seems to be about the assignment: a client can send
// any reply_to_message it likes.
func (w *authzWorld) forgedReply(u models.User, assignmentID int64, text string) authzOut {
	bot := w.h.srv.BotUser()
	link := "https://t.me/" + w.h.bot.username + "?start=nv" + itoa(assignmentID)
	msg := models.Message{ID: 900000 + int(assignmentID), From: &bot, Date: int(w.h.clock.Now().Unix()),
		Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}, Text: "NV",
		Entities: []models.MessageEntity{{Type: models.MessageEntityTypeTextLink, Offset: 0, Length: 2, URL: link}}}
	return authzOut{msgs: w.h.send(telegramtest.MessageOpts{From: u, Text: text, ReplyTo: &msg})}
}

// snapshot reads every table but the stored updates.
func (w *authzWorld) snapshot(t *testing.T) map[string]string {
	t.Helper()
	rows, err := w.db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'updates' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, n := range names {
		rs, err := w.db.Query(`SELECT * FROM "` + n + `" ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var sb strings.Builder
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&sb, "%s=%v|", cols[i], v)
			}
			sb.WriteString("\n")
		}
		rs.Close()
		out[n] = sb.String()
	}
	return out
}

// authzRow is one cell of the matrix.
type authzRow struct {
	action string // a command (/nhiemvu) or a callback route (t:v)
	actor  string
	target string
	allow  bool
	mut    bool // an allowed row may change the database; every other row must not
	do     func(w *authzWorld, u models.User) authzOut
	want   []string // allowed: each appears in the reply
	any    []string // allowed: one of these appears
	deny   string   // refused: the refusal the reply carries
	check  func(t *testing.T, w *authzWorld, out authzOut)
	auto   bool                               // added for every route the stranger had not tried: covers nothing
	prep   func(w *authzWorld, u models.User) // before the row (and its snapshot)
	undo   func(w *authzWorld, u models.User) // after the row: closes a flow it opened
}

func (r authzRow) name() string { return r.action + "|" + r.actor + "|" + r.target }

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plain is a catalog text as a person reads it.
func plain(s string) string { return html.UnescapeString(tagRE.ReplaceAllString(s, "")) }

// frag is the start of a catalog text, up to its first verb or line end.
func frag(s string) string {
	p := plain(s)
	if i := strings.IndexAny(p, "%\n"); i >= 0 {
		p = p[:i]
	}
	return strings.TrimSpace(p)
}

// run runs a row and checks it.
func (w *authzWorld) run(t *testing.T, r authzRow) {
	h := w.h
	h.t = t
	defer func() { h.t = w.t }()
	u := w.users[r.actor]
	if r.prep != nil {
		r.prep(w, u)
	}
	var before map[string]string
	if !r.allow || !r.mut {
		before = w.snapshot(t)
	}
	docs := len(h.srv.CallsTo("sendDocument"))
	out := r.do(w, u)
	for _, c := range h.srv.CallsTo("sendDocument")[docs:] {
		out.docs = append(out.docs, fileText(t, c.Files["document"]))
	}
	blob := out.text()
	for _, m := range w.forbidden(r.actor) {
		if strings.Contains(blob, m) {
			t.Errorf("LEAK: the reply carries %q, of a unit outside %s's reach:\n%s", m, r.actor, blob)
		}
	}
	switch {
	case r.check != nil:
		r.check(t, w, out)
	case r.allow:
		for _, s := range r.want {
			if !strings.Contains(blob, s) {
				t.Errorf("allowed, but the reply lacks %q:\n%s", s, blob)
			}
		}
		if len(r.any) > 0 {
			found := false
			for _, s := range r.any {
				found = found || strings.Contains(blob, s)
			}
			if !found {
				t.Errorf("allowed, but the reply has none of %q:\n%s", r.any, blob)
			}
		}
		for _, s := range []string{vi.NotAllowed, vi.ButtonExpired, vi.Stranger, vi.StrangerShort} {
			if strings.Contains(blob, plain(s)) {
				t.Errorf("allowed, but refused:\n%s", blob)
			}
		}
	default:
		if !strings.Contains(blob, plain(r.deny)) {
			t.Errorf("want the refusal %q, got:\n%s", plain(r.deny), blob)
		}
	}
	if before != nil {
		after := w.snapshot(t)
		for n, b := range before {
			if after[n] != b {
				t.Errorf("the table %s changed:\nbefore:\n%s\nafter:\n%s", n, b, after[n])
			}
		}
	}
	if r.undo != nil {
		r.undo(w, u)
	}
}

// authzTargets are the targets each actor is tried against, by kind of target: school keys for
// tasks, shared tasks, reports and extension requests, unit codes for units, directive keys for
// directives, and the person whose reminder it is for reminders.
var authzTargets = map[string]map[string][][2]string{
	"task": {
		"admin":    {{"own", "A1"}, {"own", "H"}},
		"supSO":    {{"own", "B1"}, {"sibling", "H"}},
		"supA":     {{"own", "A1"}, {"sibling", "B1"}, {"parent", "P"}},
		"headA1":   {{"own", "A1"}, {"sibling", "A2"}, {"parent", "P"}},
		"depA1":    {{"own", "A1"}, {"sibling", "A2"}, {"parent", "P"}},
		"dual":     {{"own", "A2"}, {"own-deputy", "B1"}, {"sibling", "A1"}, {"parent", "P"}},
		"stranger": {{"any", "A1"}},
	},
	"ext": {
		"admin":    {{"own", "H"}},
		"supSO":    {{"own", "B1"}, {"sibling", "H"}},
		"supA":     {{"own", "A1"}, {"sibling", "B1"}, {"parent", "P"}},
		"headA1":   {{"own", "A1"}, {"parent", "P"}},
		"depA1":    {{"own", "A1"}},
		"dual":     {{"own-deputy", "B1"}, {"sibling", "A1"}, {"parent", "P"}},
		"stranger": {{"any", "A1"}},
	},
	"unit": {
		"admin":    {{"own", "SO2"}},
		"supSO":    {{"own", "XA_B"}, {"sibling", "SO2"}},
		"supA":     {{"own", "XA_A"}, {"sibling", "XA_B"}, {"parent", "SO"}},
		"headA1":   {{"own", "TH_A"}, {"sibling", "THCS_A"}, {"parent", "XA_A"}},
		"depA1":    {{"own", "TH_A"}, {"sibling", "THCS_A"}, {"parent", "XA_A"}},
		"dual":     {{"own", "THCS_A"}, {"own-deputy", "TH_B"}, {"sibling", "TH_A"}, {"parent", "XA_A"}},
		"stranger": {{"any", "XA_A"}},
	},
	"dir": {
		"admin":    {{"own", "H"}},
		"supSO":    {{"own", "B1"}, {"sibling", "H"}},
		"supA":     {{"own", "A1"}, {"sibling", "B1"}, {"parent", "P"}},
		"headA1":   {{"own", "A1"}, {"sibling", "A2"}, {"parent", "P"}},
		"depA1":    {{"own", "A1"}, {"sibling", "A2"}, {"parent", "P"}},
		"dual":     {{"own", "A2"}, {"own-deputy", "B1"}, {"sibling", "A1"}, {"parent", "P"}},
		"stranger": {{"any", "A1"}},
	},
	"item": {
		"admin":    {{"another's", "headH"}},
		"supSO":    {{"another's", "headB1"}},
		"supA":     {{"another's", "headA1"}},
		"headA1":   {{"own", "headA1"}, {"sibling", "dual"}, {"parent", "headP"}},
		"depA1":    {{"own", "depA1"}, {"colleague's", "headA1"}},
		"dual":     {{"own", "dual"}, {"sibling", "headA1"}},
		"stranger": {{"any", "headA1"}},
	},
}

// authzRoute is an action on a target, expanded into one row per actor and target.
type authzRoute struct {
	action string
	kind   string // of authzTargets; "report" and "shared" use the "task" targets
	may    func(w *authzWorld, actor, key string) bool
	do     func(w *authzWorld, u models.User, actor, key string) authzOut
	want   func(w *authzWorld, actor, key string) []string
	any    []string
	deny   func(w *authzWorld, actor string) string
	// denyOn is the refusal when it depends on the target too; deny is used when it is nil.
	denyOn func(w *authzWorld, actor, key string) string
	mut    bool
	prep   func(w *authzWorld, u models.User, actor string)
	undo   func(w *authzWorld, u models.User, actor string)
}

// The usual refusals: a stranger gets one short explanation, a member "not allowed".
func denyPress(_ *authzWorld, actor string) string {
	if actor == "stranger" {
		return vi.StrangerShort
	}
	return vi.NotAllowed
}

func denySay(_ *authzWorld, actor string) string {
	if actor == "stranger" {
		return vi.Stranger
	}
	return vi.NotAllowed
}

// pressData builds a route's do from its callback data.
func pressData(data func(w *authzWorld, u models.User, key string) string) func(*authzWorld, models.User, string, string) authzOut {
	return func(w *authzWorld, u models.User, actor, key string) authzOut {
		return w.pressOn(u, w.anchor[actor], data(w, u, key))
	}
}

func huy(w *authzWorld, u models.User, _ string) { w.h.say(u, "/huy") }

func (w *authzWorld) unitName(code string) string { return w.h.units[code].Name }

// authzRoutes are the actions on targets.
func authzRoutes() []authzRoute {
	staff := func(w *authzWorld, actor, key string) bool { return w.staff(actor, authzSchool[key]) }
	head := func(w *authzWorld, actor, key string) bool { return w.head(actor, authzSchool[key]) }
	canView := func(w *authzWorld, actor, key string) bool { return w.canView(actor, authzSchool[key]) }
	oversees := func(w *authzWorld, actor, key string) bool { return w.oversees(actor, authzSchool[key]) }
	overseesUnit := func(w *authzWorld, actor, code string) bool { return w.oversees(actor, code) }
	title := func(w *authzWorld, _, key string) []string { return []string{w.title[key]} }
	dirSchools := map[string][]string{"A1": {"TH_A"}, "A2": {"THCS_A"}, "B1": {"TH_B"}, "P": {"THPT_P"}, "H": {"THPT_H"},
		"all": {"TH_A", "THCS_A", "TH_B", "THPT_P"}}
	reaches := func(w *authzWorld, actor, key string) bool {
		for _, s := range dirSchools[key] {
			if w.canView(actor, s) {
				return true
			}
		}
		return false
	}
	return []authzRoute{
		// A task: view, follow, hand over, report, history, deep link, a reply, the report flow.
		{action: "t:v", kind: "task", may: staff, want: title, deny: denyPress,
			do: pressData(func(w *authzWorld, _ models.User, k string) string { return "t:v:" + itoa(w.task[k].ID) })},
		{action: "t:f", kind: "task", may: staff, mut: true, want: func(*authzWorld, string, string) []string { return []string{vi.NowFollowing} },
			deny: denyPress, do: pressData(func(w *authzWorld, _ models.User, k string) string { return "t:f:" + itoa(w.task[k].ID) + ":1" })},
		{action: "t:h", kind: "task", may: head, want: func(*authzWorld, string, string) []string { return []string{frag(vi.HandOverTitle)} },
			deny: denyPress, do: pressData(func(w *authzWorld, _ models.User, k string) string { return "t:h:" + itoa(w.task[k].ID) })},
		// Handing a task to the deputy of Sao Mai: only Sao Mai's head, only Sao Mai's task.
		{action: "t:H", kind: "task", mut: true, may: func(w *authzWorld, actor, key string) bool { return w.head(actor, authzSchool[key]) && key == "A1" },
			want: func(*authzWorld, string, string) []string { return []string{frag(vi.HandedOver)} }, deny: denyPress,
			do: pressData(func(w *authzWorld, _ models.User, k string) string {
				return "t:H:" + itoa(w.task[k].ID) + ":" + itoa(w.ids["depA1"])
			})},
		{action: "r:s", kind: "task", may: staff, mut: true, want: func(*authzWorld, string, string) []string { return []string{frag(vi.FlowAskProgress)} },
			deny: denyPress, do: pressData(func(w *authzWorld, _ models.User, k string) string { return "r:s:" + itoa(w.task[k].ID) }),
			undo: func(w *authzWorld, u models.User, actor string) {
				if w.hasSchool(actor) {
					w.h.say(u, "/huy")
				}
			}},
		{action: "h:l", kind: "task", may: canView, want: title, deny: denyPress,
			do: pressData(func(w *authzWorld, _ models.User, k string) string { return "h:l:" + itoa(w.task[k].ID) + ":0" })},
		{action: "/start nv<id>", kind: "task", may: canView, want: title, deny: denySay,
			do: func(w *authzWorld, u models.User, _, k string) authzOut {
				return authzOut{msgs: w.h.say(u, "/start nv"+itoa(w.task[k].ID))}
			}},
		{action: "reply", kind: "task", may: staff, mut: true, want: func(*authzWorld, string, string) []string { return []string{frag(vi.ReportSaved)} },
			deny: denySay, do: func(w *authzWorld, u models.User, _, k string) authzOut {
				return w.forgedReply(u, w.task[k].ID, "35% Cập nhật qua tin nhắn trả lời")
			}},
		// The report flow's task step, in the actor's own flow (officers have none).
		{action: "f:t", kind: "task", may: staff, mut: true, want: func(*authzWorld, string, string) []string { return []string{frag(vi.FlowAskProgress)} },
			deny: func(w *authzWorld, actor string) string {
				if actor != "stranger" && !w.hasSchool(actor) {
					return vi.ButtonExpired
				}
				return denyPress(w, actor)
			},
			prep: func(w *authzWorld, u models.User, actor string) {
				if w.hasSchool(actor) {
					w.h.say(u, "/baocao")
				}
			},
			do: pressData(func(w *authzWorld, u models.User, k string) string {
				return "f:" + itoa(w.conv(u)) + ":t:" + itoa(w.task[k].ID)
			}),
			undo: func(w *authzWorld, u models.User, actor string) {
				if w.hasSchool(actor) {
					w.h.say(u, "/huy")
				}
			}},
		// An extension request: the school's head asks.
		{action: "x:n", kind: "shared", may: head, mut: true, want: func(*authzWorld, string, string) []string { return []string{frag(vi.ExtAskDate)} },
			denyOn: func(w *authzWorld, actor, key string) string {
				if staff(w, actor, key) {
					return vi.ExtHeadOnly // a deputy is told who asks
				}
				return denyPress(w, actor)
			},
			do: pressData(func(w *authzWorld, _ models.User, k string) string { return "x:n:" + itoa(w.shared[k].ID) }),
			undo: func(w *authzWorld, u models.User, actor string) {
				if w.conv(u) != 0 {
					w.h.say(u, "/huy")
				}
			}},
		// A report: its evidence again; an answer to it.
		{action: "h:e", kind: "report", may: canView, want: func(*authzWorld, string, string) []string { return []string{vi.SendingEvidence} },
			deny: denyPress, do: pressData(func(w *authzWorld, _ models.User, k string) string { return "h:e:" + itoa(w.rep[k]) })},
		{action: "q", kind: "report", may: oversees, mut: true,
			want: func(w *authzWorld, _, k string) []string {
				return []string{frag(vi.AnswerAsk), w.unitName(authzSchool[k])}
			},
			deny: denyPress, do: pressData(func(w *authzWorld, _ models.User, k string) string { return "q:" + itoa(w.rep[k]) }),
			undo: func(w *authzWorld, u models.User, _ string) {
				if w.conv(u) != 0 {
					w.h.say(u, "/huy")
				}
			}},
		// An extension request: approve (the first answer counts), deny.
		{action: "x:y", kind: "ext", may: oversees, mut: true, any: []string{vi.Saved, vi.ExtAlreadyDecided}, deny: denyPress,
			do: pressData(func(w *authzWorld, _ models.User, k string) string { return "x:y:" + itoa(w.ext[k]) })},
		{action: "x:k", kind: "ext", may: oversees, any: []string{vi.ExtAlreadyDecided}, deny: denyPress,
			do: pressData(func(w *authzWorld, _ models.User, k string) string { return "x:k:" + itoa(w.ext[k]) })},
		// A unit: the digest's filters.
		{action: "o:u", kind: "unit", may: overseesUnit, deny: denyPress,
			want: func(w *authzWorld, _, code string) []string { return []string{w.unitName(code)} },
			do:   pressData(func(w *authzWorld, _ models.User, c string) string { return "o:u:" + itoa(w.h.units[c].ID) })},
		// A unit with a task of another province: the unit's digest of that task says nothing of it.
		{action: "o:t", kind: "unit", may: overseesUnit, deny: denyPress,
			want: func(w *authzWorld, _, code string) []string { return []string{w.unitName(code)} },
			do: pressData(func(w *authzWorld, _ models.User, c string) string {
				return "o:t:" + itoa(w.h.units[c].ID) + ":" + itoa(w.task["H"].TaskID)
			})},
		{action: "o:U", kind: "unit", may: overseesUnit, deny: denyPress, want: digestPick(vi.DigestPickUnit, vi.DigestNoUnits),
			do: pressData(func(w *authzWorld, _ models.User, c string) string { return "o:U:" + itoa(w.h.units[c].ID) + ":0" })},
		{action: "o:P", kind: "unit", may: overseesUnit, deny: denyPress, want: digestPick(vi.DigestPickUnit, vi.DigestNoUnits),
			do: pressData(func(w *authzWorld, _ models.User, c string) string { return "o:P:" + itoa(w.h.units[c].ID) + ":0" })},
		{action: "o:T", kind: "unit", may: overseesUnit, deny: denyPress, want: digestPick(vi.DigestPickTask, vi.DigestNoTasks),
			do: pressData(func(w *authzWorld, _ models.User, c string) string { return "o:T:" + itoa(w.h.units[c].ID) + ":0" })},
		{action: "o:Q", kind: "unit", may: overseesUnit, deny: denyPress, want: digestPick(vi.DigestPickTask, vi.DigestNoTasks),
			do: pressData(func(w *authzWorld, _ models.User, c string) string { return "o:Q:" + itoa(w.h.units[c].ID) + ":0" })},
		// A unit as a directive's recipient, in the officer's own draft (others have none).
		{action: "d:u", kind: "unit", may: overseesUnit, mut: true, deny: denyDraft, prep: openDraft, undo: closeDraft,
			want: func(w *authzWorld, _, code string) []string { return []string{w.unitName(code)} },
			do: pressData(func(w *authzWorld, u models.User, c string) string {
				return "d:" + itoa(w.conv(u)) + ":u:" + itoa(w.h.units[c].ID)
			})},
		{action: "d:b", kind: "unit", may: overseesUnit, mut: true, deny: denyDraft, prep: openPicker, undo: closeDraft,
			want: func(*authzWorld, string, string) []string { return []string{frag(vi.DirPickTitle)} },
			do: pressData(func(w *authzWorld, u models.User, c string) string {
				return "d:" + itoa(w.conv(u)) + ":b:" + itoa(w.h.units[c].ID)
			})},
		// A unit to link a group to: the list's button and the typed code.
		{action: "g", kind: "unit", may: overseesUnit, mut: true, deny: denyLink,
			want: func(w *authzWorld, _, code string) []string { return []string{frag(vi.Linked), w.unitName(code)} },
			do: func(w *authzWorld, u models.User, _, c string) authzOut {
				return w.pressOn(u, w.hello, "g:"+itoa(w.h.units[c].ID))
			}},
		{action: "/lienket CODE (group)", kind: "unit", may: overseesUnit, mut: true, deny: denyLink,
			want: func(w *authzWorld, _, code string) []string { return []string{frag(vi.Linked), w.unitName(code)} },
			do: func(w *authzWorld, u models.User, actor, c string) authzOut {
				return w.sayIn("free", "/lienket "+c)(w, u)
			}},
		// A directive: its page, typed or pressed, and the acknowledgement in the group.
		{action: "v:d", kind: "dir", may: reaches, deny: denyPress,
			want: func(w *authzWorld, _, k string) []string { return []string{w.dirName[k]} },
			do:   pressData(func(w *authzWorld, _ models.User, k string) string { return "v:d:" + itoa(w.dir[k]) + ":0" })},
		{action: "/vanban n", kind: "dir", may: reaches, deny: denySay,
			want: func(w *authzWorld, _, k string) []string { return []string{w.dirName[k]} },
			do: func(w *authzWorld, u models.User, _, k string) authzOut {
				return authzOut{msgs: w.h.say(u, "/vanban "+itoa(w.dir[k]))}
			}},
		{action: "a", kind: "dir", mut: true, any: []string{frag(vi.Acked), vi.AckAlready},
			may: func(w *authzWorld, actor, key string) bool {
				for _, s := range dirSchools[key] {
					if w.staff(actor, s) {
						return true
					}
				}
				return false
			},
			deny: func(w *authzWorld, actor string) string {
				switch {
				case actor == "stranger":
					return vi.StrangerShort
				case !w.hasSchool(actor):
					return vi.AckSchoolsOnly
				}
				return vi.AckNotRecipient
			},
			do: func(w *authzWorld, u models.User, _, k string) authzOut {
				return w.pressOn(u, w.ann["all"], "a:"+itoa(w.dir[k]))
			}},
		// A reminder: snooze it.
		{action: "z", kind: "item", may: func(_ *authzWorld, actor, owner string) bool { return actor == owner }, mut: true,
			want: func(*authzWorld, string, string) []string { return []string{frag(vi.Snoozed)} }, deny: denyPress,
			do: pressData(func(w *authzWorld, _ models.User, owner string) string { return "z:" + itoa(w.item[owner]) + ":1" })},
	}
}

func digestPick(pick, none string) func(w *authzWorld, actor, code string) []string {
	return func(w *authzWorld, _, code string) []string {
		if w.h.units[code].Kind == storage.KindSchool && pick == vi.DigestPickUnit {
			return []string{none}
		}
		return []string{fmt.Sprintf(plain(pick), w.unitName(code))}
	}
}

func openDraft(w *authzWorld, u models.User, actor string) {
	if w.officer(actor) {
		w.h.say(u, pastedDirective)
		if w.conv(u) == 0 {
			w.h.t.Fatalf("%s has no draft", actor)
		}
	}
}

// openPicker opens the draft's recipient picker.
func openPicker(w *authzWorld, u models.User, actor string) {
	openDraft(w, u, actor)
	if w.officer(actor) {
		w.pressOn(u, w.anchor[actor], "d:"+itoa(w.conv(u))+":units")
	}
}

func closeDraft(w *authzWorld, u models.User, actor string) {
	if w.officer(actor) {
		w.h.say(u, "/huy")
	}
}

// denyDraft: an officer is refused the unit; anyone else has no draft, so the button is stale.
func denyDraft(w *authzWorld, actor string) string {
	switch {
	case actor == "stranger":
		return vi.StrangerShort
	case w.officer(actor):
		return vi.NotAllowed
	}
	return vi.ButtonExpired
}

// denyLink: only officers link groups, and only to units they oversee.
func denyLink(w *authzWorld, actor string) string {
	if w.officer(actor) {
		return vi.NotAllowed
	}
	return vi.LinkOfficersOnly
}

// authzRows is the whole matrix, in the order it runs.
func authzRows(w *authzWorld, fRoutes, dRoutes []string) []authzRow {
	var rows []authzRow
	add := func(r authzRow) { rows = append(rows, r) }
	each := func(fn func(actor string)) {
		for _, a := range authzActors {
			fn(a)
		}
	}
	member := func(a string) bool { return a != "stranger" }
	// deny for someone who may not use a command: the stranger's explanation, or the message.
	refuse := func(a, msg string) string {
		if a == "stranger" {
			return vi.Stranger
		}
		return msg
	}

	// Commands that show something of the actor's own, or nothing of anyone's.
	for _, c := range []struct{ text, want string }{
		{"/start", frag(vi.WelcomeBack)},
		{"/trogiup", frag(vi.HelpSchool)},
		{"/ngonngu", vi.LanguageAsk},
		{"/caidat", frag(vi.SettingsTitle)},
		{"/huy", vi.NothingToCancel},
		{"/lienket", plain(vi.LinkInGroups)},
		{"/tenquahan", vi.LateNamesInGroups},
	} {
		each(func(a string) {
			add(authzRow{action: c.text, actor: a, target: "none", allow: member(a), do: w.say(c.text), want: []string{c.want}, deny: vi.Stranger})
		})
	}
	// Lists of the actor's scope, with what must be in them.
	lists := map[string]map[string][]string{
		"/nhiemvu": {
			"admin": {"Hội thao Hải Đăng", "Thi thử Phong Vân"}, "supSO": {"Thi thử Phong Vân", "Trồng cây Ngọc Lan", "✅ 0/4 trường hoàn thành"},
			"supA": {"Kiểm kê thư viện Sao Mai", "Mua đồ chơi Họa Mi", "✅ 0/2 trường hoàn thành"}, "headA1": {"Kiểm kê thư viện Sao Mai"},
			"depA1": {"Kiểm kê thư viện Sao Mai"}, "dual": {"Sửa mái nhà Bạch Dương", "Trồng cây Ngọc Lan"},
		},
		"/vanban": {
			"admin": {"105/CV-HD"}, "supSO": {"104/CV-PV", "103/CV-NL"}, "supA": {"101/CV-SM", "102/CV-BD"},
			"headA1": {"101/CV-SM", "106/CV-SGD"}, "depA1": {"101/CV-SM"}, "dual": {"102/CV-BD", "103/CV-NL"},
		},
		"/lichsu": {
			"admin": {"Kết quả Hải Đăng"}, "supSO": {"Kết quả Phong Vân"}, "supA": {"Kết quả Bạch Dương"},
			"headA1": {"Kết quả Sao Mai"}, "depA1": {"Kết quả Sao Mai"}, "dual": {"Kết quả Bạch Dương"},
		},
	}
	for _, cmd := range []string{"/nhiemvu", "/vanban", "/lichsu"} {
		each(func(a string) {
			add(authzRow{action: cmd, actor: a, target: "scope", allow: member(a), do: w.say(cmd), want: lists[cmd][a], deny: vi.Stranger})
		})
	}
	// A task number is a school's: heads get their own; the dual person is asked which school.
	each(func(a string) {
		r := authzRow{action: "/nhiemvu n", actor: a, target: "own", allow: member(a), do: w.say("/nhiemvu 1"), deny: vi.Stranger}
		switch {
		case a == "dual":
			r.want = []string{fmt.Sprintf(plain(vi.TaskNumberAmbiguous), 1)}
		case w.hasSchool(a):
			r.want = []string{w.title["A1"]}
		case member(a):
			r.want = []string{frag(vi.SummaryTitle)} // officers: the summary
		}
		add(r)
	})
	each(func(a string) {
		r := authzRow{action: "/lichsu n", actor: a, target: "own", allow: w.hasSchool(a), do: w.say("/lichsu 1"),
			deny: refuse(a, vi.HistoryNumberSchoolsOnly)}
		if a == "dual" {
			r.want = []string{fmt.Sprintf(plain(vi.TaskNumberAmbiguous), 1)}
		} else {
			r.want = []string{w.title["A1"]}
		}
		add(r)
	})
	// Officers' commands.
	each(func(a string) {
		add(authzRow{action: "/tinloi", actor: a, target: "installation", allow: a == "admin", do: w.say("/tinloi"),
			want: []string{vi.FailuresNone}, deny: refuse(a, vi.AdminsOnly)})
	})
	files := map[string][]string{
		"admin": {"Sao Mai", "Ngọc Lan", "Phong Vân", "Hải Đăng"}, "supSO": {"Sao Mai", "Ngọc Lan", "Phong Vân"},
		"supA": {"Sao Mai", "Bạch Dương", "Họa Mi"},
	}
	each(func(a string) {
		add(authzRow{action: "/xuat", actor: a, target: "scope", allow: w.officer(a), do: w.say("/xuat"),
			want: append([]string{vi.ExportPreparing}, files[a]...), deny: refuse(a, vi.ExportOfficersOnly)})
	})
	add(authzRow{action: "/xuat csv", actor: "supA", target: "scope", allow: true, do: w.say("/xuat csv"), want: files["supA"]})
	add(authzRow{action: "/xuat csv", actor: "headA1", target: "scope", do: w.say("/xuat csv"), deny: vi.ExportOfficersOnly})
	digests := map[string][]string{
		"admin": {w.unitName("SO"), w.unitName("SO2")}, "supSO": {w.unitName("SO"), "thiếu đất Ngọc Lan"}, "supA": {w.unitName("XA_A"), "thiếu sách Sao Mai"},
	}
	each(func(a string) {
		add(authzRow{action: "/tonghop", actor: a, target: "scope", allow: w.officer(a), do: w.say("/tonghop"),
			want: digests[a], deny: refuse(a, vi.DigestOfficersOnly)})
	})
	each(func(a string) {
		add(authzRow{action: "/baocao", actor: a, target: "own", allow: w.hasSchool(a), mut: true, do: w.say("/baocao"),
			want: []string{frag(vi.FlowChooseTask)}, deny: refuse(a, vi.ReportSchoolsOnly), undo: func(w *authzWorld, u models.User) {
				if w.conv(u) != 0 {
					w.h.say(u, "/huy")
				}
			}})
	})

	// Actions on targets: every route × actor × target.
	for _, rt := range authzRoutes() {
		kind := rt.kind
		if kind == "report" || kind == "shared" {
			kind = "task"
		}
		for _, a := range authzActors {
			for _, tg := range authzTargets[kind][a] {
				label, key := tg[0], tg[1]
				r := authzRow{action: rt.action, actor: a, target: label + ":" + key, allow: rt.may(w, a, key), mut: rt.mut, any: rt.any}
				if rt.denyOn != nil {
					r.deny = rt.denyOn(w, a, key)
				} else {
					r.deny = rt.deny(w, a)
				}
				if rt.want != nil {
					r.want = rt.want(w, a, key)
				}
				do, prep, undo := rt.do, rt.prep, rt.undo
				r.do = func(w *authzWorld, u models.User) authzOut { return do(w, u, a, key) }
				if prep != nil {
					r.prep = func(w *authzWorld, u models.User) { prep(w, u, a) }
				}
				if undo != nil {
					r.undo = func(w *authzWorld, u models.User) { undo(w, u, a) }
				}
				add(r)
			}
		}
	}

	// Buttons without a target: the member's own list, summary, directives, settings, language.
	pressRow := func(action, a, data string, allow, mut bool, want []string, deny string) authzRow {
		if a == "stranger" {
			deny = vi.StrangerShort
		}
		return authzRow{action: action, actor: a, target: "none", allow: allow, mut: mut, want: want, deny: deny,
			do: w.press(func(*authzWorld, models.User) string { return data })}
	}
	each(func(a string) {
		add(pressRow("t:l", a, "t:l:0", w.hasSchool(a), false, []string{frag(vi.TasksTitle)}, vi.NotAllowed))
		add(pressRow("t:s", a, "t:s:0", member(a) && !w.hasSchool(a), false, []string{frag(vi.SummaryTitle)}, vi.ButtonExpired))
		add(pressRow("v:l", a, "v:l:0", member(a), false, []string{frag(vi.DirListTitle)}, ""))
		add(pressRow("s:t", a, "s:t:420", member(a), true, []string{vi.Saved}, ""))
		add(pressRow("s:o", a, "s:o:0", member(a), true, []string{vi.Saved}, ""))
		add(pressRow("l:vi", a, "l:vi", member(a), true, []string{vi.LanguageSet}, ""))
		// The group's buttons do nothing in a private chat.
		add(pressRow("a", a, "a:"+itoa(w.dir["A1"]), false, false, nil, vi.GroupButtonsInGroups))
		add(pressRow("g", a, "g:"+itoa(w.h.units["XA_A"].ID), false, false, nil, vi.GroupButtonsInGroups))
	})
	for _, a := range []string{"admin", "stranger"} {
		r := pressRow("l:en", a, "l:en", a == "admin", true, []string{en.LanguageSet}, "")
		r.undo = func(w *authzWorld, u models.User) {
			if a == "admin" {
				w.pressOn(u, w.anchor[a], "l:vi")
			}
		}
		add(r)
	}

	// Someone else's flow: the dual person's report, the Sở officer's draft. Every action of them,
	// pressed by another member, is a stale button and changes nothing.
	for i, act := range fRoutes {
		r := authzRow{action: "f:" + act, actor: "headA1", target: "another's flow", deny: vi.ButtonExpired,
			do: w.press(func(w *authzWorld, _ models.User) string {
				return "f:" + itoa(w.conv(w.users["dual"])) + ":" + act + ":1"
			})}
		if i == 0 {
			r.prep = func(w *authzWorld, _ models.User) { w.h.say(w.users["dual"], "/baocao") }
		}
		if i == len(fRoutes)-1 {
			r.undo = func(w *authzWorld, _ models.User) { w.h.say(w.users["dual"], "/huy") }
		}
		add(r)
	}
	for i, act := range dRoutes {
		r := authzRow{action: "d:" + act, actor: "supA", target: "another's draft", deny: vi.ButtonExpired,
			do: w.press(func(w *authzWorld, _ models.User) string {
				return "d:" + itoa(w.conv(w.users["supSO"])) + ":" + act + ":1"
			})}
		if i == 0 {
			r.prep = func(w *authzWorld, _ models.User) { w.h.say(w.users["supSO"], pastedDirective) }
		}
		if i == len(dRoutes)-1 {
			r.undo = func(w *authzWorld, _ models.User) { w.h.say(w.users["supSO"], "/huy") }
		}
		add(r)
	}

	// Typed reports and corrections: the actor's own school, or nothing.
	each(func(a string) {
		r := authzRow{action: "/baocao n p% text", actor: a, target: "own", allow: w.hasSchool(a), mut: true,
			do: w.say("/baocao 1 60% Báo cáo nhanh"), want: []string{frag(vi.ReportSaved)}, deny: refuse(a, vi.ReportSchoolsOnly)}
		if a == "dual" {
			r.want = []string{fmt.Sprintf(plain(vi.TaskNumberAmbiguous), 1)}
		}
		add(r)
	})
	each(func(a string) {
		r := authzRow{action: "/sua", actor: a, target: "own last report", allow: member(a), mut: true, do: w.say("/sua 65%"),
			want: []string{frag(vi.Corrected)}, deny: vi.Stranger}
		if !w.hasSchool(a) {
			r.want, r.mut = []string{vi.EditNoReport}, false
		}
		add(r)
	})

	// In groups: /lienket without a code, /tenquahan (group admins only), other commands.
	each(func(a string) {
		r := authzRow{action: "/lienket (group)", actor: a, target: "own", allow: w.officer(a), mut: a != "admin",
			do: w.sayIn("free", "/lienket"), deny: vi.LinkOfficersOnly}
		switch a {
		case "admin":
			r.want = []string{plain(vi.LinkChoose), w.unitName("SO"), w.unitName("SO2")}
		case "supSO":
			r.want = []string{w.unitName("SO")}
		case "supA":
			r.want = []string{w.unitName("XA_A")}
		}
		add(r)
	})
	for _, a := range []string{"headA1", "stranger"} {
		add(authzRow{action: "/tenquahan (group)", actor: a, target: "group A", do: w.sayIn("A", "/tenquahan bat"), deny: vi.LateNamesAdminsOnly})
	}
	add(authzRow{action: "/tenquahan (group)", actor: "supA", target: "group A, as its admin", allow: true, mut: true,
		prep: func(w *authzWorld, u models.User) {
			w.h.srv.SetChatMemberStatus(w.group["A"].ID, u.ID, "administrator")
		},
		do: w.sayIn("A", "/tenquahan bat"), want: []string{frag(vi.LateNamesOn)}})
	for _, a := range []string{"headA1", "stranger"} {
		add(authzRow{action: "/nhiemvu (group)", actor: a, target: "group A", do: w.sayIn("A", "/nhiemvu"), deny: vi.GroupUsePrivate})
	}

	// What the bot offers on its own: the extension button is for heads only, and a group's
	// announcement counts the schools of the group's unit only.
	for _, a := range []string{"headA1", "depA1"} {
		allow := a == "headA1"
		add(authzRow{action: "x:n (offered)", actor: a, target: "own reminder", allow: allow,
			do: func(w *authzWorld, _ models.User) authzOut {
				return authzOut{msgs: []telegramtest.SentMessage{w.rem[a]}}
			},
			check: func(t *testing.T, w *authzWorld, out authzOut) {
				offered := false
				for _, row := range out.msgs[0].Keyboard {
					for _, b := range row {
						offered = offered || strings.HasPrefix(b.Data, "x:n:")
					}
				}
				if offered != allow {
					t.Errorf("the extension button offered to %s: %v, want %v", a, offered, allow)
				}
			}})
	}
	add(authzRow{action: "announce (group)", actor: "groupA", target: "directive to A1, A2, B1, P", allow: true,
		do: func(w *authzWorld, _ models.User) authzOut {
			return authzOut{group: []telegramtest.SentMessage{w.ann["all"]}}
		},
		want: []string{"🏫 2 trường"}})

	// Someone joins with an invite: their school's name, nothing else.
	add(authzRow{action: "/start <invite>", actor: "newcomer", target: "own", allow: true, mut: true,
		do: func(w *authzWorld, u models.User) authzOut {
			inv, err := w.h.st.CreateInvite(w.h.ctx, storage.NewInvite{UnitID: w.h.units["TH_A"].ID, Role: storage.RoleDeputy, MaxUses: 1})
			if err != nil {
				w.h.t.Fatal(err)
			}
			return authzOut{msgs: w.h.say(u, "/start "+inv.Code)}
		}, want: []string{w.unitName("TH_A")}})
	return rows
}

// callbackRoutes reads the bot's code for the callback data its buttons carry: the first field,
// and the second when it is a constant ("t:v"), or the action of a flow's buttons ("f:ok",
// "d:u"); and the prefixes its callback routers switch on.
func callbackRoutes(t *testing.T) (routes map[string]bool, prefixes map[string]bool) {
	t.Helper()
	routes, prefixes = map[string]bool{}, map[string]bool{}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			helpers := map[string]string{} // f := func(action string, …) []any { … []any{"d", conv.ID, action} … }
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.AssignStmt:
					if len(x.Lhs) != 1 || len(x.Rhs) != 1 {
						return true
					}
					id, ok1 := x.Lhs[0].(*ast.Ident)
					fl, ok2 := x.Rhs[0].(*ast.FuncLit)
					if !ok1 || !ok2 {
						return true
					}
					ast.Inspect(fl.Body, func(n ast.Node) bool {
						if cl, ok := n.(*ast.CompositeLit); ok && len(cl.Elts) > 0 {
							if p, ok := lit(cl.Elts[0]); ok {
								helpers[id.Name] = p
							}
						}
						return true
					})
				case *ast.SwitchStmt:
					// switch c.str(0) { case "t": … }
					call, ok := x.Tag.(*ast.CallExpr)
					if !ok || len(call.Args) != 1 {
						return true
					}
					sel, ok := call.Fun.(*ast.SelectorExpr)
					if n, isLit := call.Args[0].(*ast.BasicLit); !ok || sel.Sel.Name != "str" || !isLit || n.Value != "0" {
						return true
					}
					for _, s := range x.Body.List {
						for _, e := range s.(*ast.CaseClause).List {
							if p, ok := lit(e); ok {
								prefixes[p] = true
							}
						}
					}
				case *ast.CallExpr:
					fn, ok := x.Fun.(*ast.Ident)
					if !ok {
						return true
					}
					var data []ast.Expr
					switch {
					case fn.Name == "btn" && len(x.Args) > 1:
						data = x.Args[1:]
					case fn.Name == "pager" && len(x.Args) > 2:
						data = x.Args[2:]
					default:
						return true
					}
					if c, ok := data[0].(*ast.CallExpr); ok {
						if h, ok := c.Fun.(*ast.Ident); ok && helpers[h.Name] != "" && len(c.Args) > 0 {
							if act, ok := lit(c.Args[0]); ok {
								routes[helpers[h.Name]+":"+act] = true
							}
						}
						return true
					}
					p, ok := lit(data[0])
					if !ok {
						return true
					}
					if len(data) > 1 {
						if s, ok := lit(data[1]); ok {
							p += ":" + s
						}
					}
					routes[p] = true
				}
				return true
			})
		}
	}
	return routes, prefixes
}

func TestAuthorizationMatrix(t *testing.T) {
	routes, prefixes := callbackRoutes(t)
	if len(routes) < 40 || len(prefixes) < 12 {
		t.Fatalf("the bot's callback routes were not found: %v %v", routes, prefixes)
	}
	var fRoutes, dRoutes []string
	for r := range routes {
		if act, ok := strings.CutPrefix(r, "f:"); ok {
			fRoutes = append(fRoutes, act)
		}
		if act, ok := strings.CutPrefix(r, "d:"); ok {
			dRoutes = append(dRoutes, act)
		}
	}
	sort.Strings(fRoutes)
	sort.Strings(dRoutes)

	w := newAuthzWorld(t)
	rows := authzRows(w, fRoutes, dRoutes)
	// The stranger tries every route the bot has: one short explanation, nothing else.
	tried := map[string]bool{}
	for _, r := range rows {
		if r.actor == "stranger" {
			tried[r.action] = true
		}
	}
	var all []string
	for r := range routes {
		all = append(all, r)
	}
	sort.Strings(all)
	for _, r := range all {
		if !tried[r] {
			rows = append(rows, authzRow{action: r, actor: "stranger", target: "any", deny: vi.StrangerShort, auto: true,
				do: w.press(func(*authzWorld, models.User) string { return r + ":1:1" })})
		}
	}

	results := map[string][]string{}
	var order []string
	for _, r := range rows {
		t.Run(r.name(), func(t *testing.T) { w.run(t, r) })
		if _, ok := results[r.action]; !ok {
			order = append(order, r.action)
		}
		mark := "✗"
		if r.allow {
			mark = "✓"
		}
		results[r.action] = append(results[r.action], r.actor+"/"+r.target+" "+mark)
	}

	// What the bot sends on its own — hand-overs, answers, decisions queued by the rows, and the
	// Monday digests and group summaries — and then everything in every chat and file, once more.
	w.h.t = t
	if _, err := w.h.scheduler().QueueDigests(w.h.ctx, w.h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	before := len(w.h.srv.Sent(w.users["supA"].ID))
	w.h.drain()
	weekly, _ := w.h.digestOf(w.h.srv.Sent(w.users["supA"].ID)[before:])
	contains(t, weekly, "Tổng hợp", w.unitName("XA_A"))
	groupA := w.h.srv.Sent(w.group["A"].ID)
	contains(t, groupA[len(groupA)-1], "Tình hình thực hiện nhiệm vụ — "+w.unitName("XA_A"))
	for _, a := range append(authzActors, "newcomer") {
		u := w.users[a]
		for _, m := range w.h.srv.Sent(u.ID) {
			for _, marker := range w.forbidden(a) {
				if strings.Contains(messageText(m), marker) {
					t.Errorf("LEAK: %s's chat, message %d, carries %q:\n%s", a, m.MessageID, marker, messageText(m))
				}
			}
		}
		for _, c := range w.h.srv.CallsTo("sendDocument") {
			if c.Params["chat_id"] == itoa(u.ID) {
				text := fileText(t, c.Files["document"])
				for _, marker := range w.forbidden(a) {
					if strings.Contains(text, marker) {
						t.Errorf("LEAK: a file sent to %s carries %q", a, marker)
					}
				}
			}
		}
	}
	for g, who := range map[string]string{"A": "groupA", "B": "groupB"} {
		for _, m := range w.h.srv.Sent(w.group[g].ID) {
			for _, marker := range w.forbidden(who) {
				if strings.Contains(messageText(m), marker) {
					t.Errorf("LEAK: group %s, message %d, carries %q:\n%s", g, m.MessageID, marker, messageText(m))
				}
			}
		}
	}

	// Every command and every callback route of the bot has rows.
	covered := map[string]bool{}
	for _, r := range rows {
		if r.auto {
			continue
		}
		if name, ok := strings.CutPrefix(r.action, "/"); ok {
			covered["/"+strings.Fields(name)[0]] = true
			continue
		}
		covered[strings.Fields(r.action)[0]] = true
		p, _, _ := strings.Cut(r.action, ":")
		covered[strings.Fields(p)[0]] = true
	}
	for _, canonical := range aliases {
		if !covered["/"+canonical] {
			t.Errorf("the command /%s has no row in the authorization matrix", canonical)
		}
	}
	for lang, m := range catalogs {
		for _, c := range m.menu() {
			if canonical, ok := aliases[c.Command]; !ok || !covered["/"+canonical] {
				t.Errorf("the %s menu's /%s has no row in the authorization matrix", lang, c.Command)
			}
		}
	}
	for _, r := range all {
		if !covered[r] {
			t.Errorf("the callback route %q has no row in the authorization matrix", r)
		}
	}
	for p := range prefixes {
		if !covered[p] {
			t.Errorf("the callback prefix %q has no row in the authorization matrix", p)
		}
	}

	var sb strings.Builder
	for _, a := range order {
		fmt.Fprintf(&sb, "\n%-22s %s", a, strings.Join(results[a], " · "))
	}
	t.Logf("authorization matrix (✓ allowed, ✗ refused), %d rows:%s", len(rows), sb.String())
}
