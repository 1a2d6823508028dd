package storage

import "time"

// UnitKind says what a unit of the organisation is.
type UnitKind string

// The kinds of unit. The tree has any depth: a department may hold communes, schools or further
// departments; only schools are leaves.
const (
	KindDepartment UnitKind = "department" // Sở GD&ĐT or any office above schools
	KindCommune    UnitKind = "commune"    // UBND xã/phường
	KindSchool     UnitKind = "school"
)

// Valid reports whether k is one of the known kinds.
func (k UnitKind) Valid() bool {
	return k == KindDepartment || k == KindCommune || k == KindSchool
}

// Level is the school level (cấp học) of a school.
type Level string

// The school levels.
const (
	LevelPreschool   Level = "mam_non"
	LevelPrimary     Level = "tieu_hoc"
	LevelLowerSec    Level = "thcs"
	LevelUpperSec    Level = "thpt"
	LevelMulti       Level = "lien_cap"
	LevelContinuing  Level = "gdtx"
	levelUnspecified Level = ""
)

// Levels lists every school level in the order they are shown.
var Levels = []Level{LevelPreschool, LevelPrimary, LevelLowerSec, LevelUpperSec, LevelMulti, LevelContinuing}

// Valid reports whether l is one of the known levels.
func (l Level) Valid() bool {
	for _, v := range Levels {
		if l == v {
			return true
		}
	}
	return false
}

// Unit is a node of the organisation: a department, a commune or a school.
type Unit struct {
	ID        int64    `gorm:"primaryKey"`
	Code      string   `gorm:"size:64;not null;uniqueIndex:ux_units_code"`
	Name      string   `gorm:"size:255;not null"`
	Kind      UnitKind `gorm:"size:16;not null"`
	ParentID  *int64   `gorm:"index:ix_units_parent"`
	Level     Level    `gorm:"size:16;not null;default:''"`
	TaskSeq   int      `gorm:"not null;default:0"` // the last short task number handed out in this school
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Role is what a member may do in a unit.
type Role string

// The roles.
const (
	RoleHead       Role = "head"       // hiệu trưởng: reports, hands tasks to deputies
	RoleDeputy     Role = "deputy"     // phó hiệu trưởng: reports
	RoleSupervisor Role = "supervisor" // officer of a department or commune: oversees the subtree
	RoleAdmin      Role = "admin"      // runs the installation
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleHead || r == RoleDeputy || r == RoleSupervisor || r == RoleAdmin
}

// AtSchool reports whether the role belongs to a school (head or deputy).
func (r Role) AtSchool() bool { return r == RoleHead || r == RoleDeputy }

// Member is a person who joined with an invite, known by their Telegram account.
type Member struct {
	ID         int64  `gorm:"primaryKey"`
	TelegramID int64  `gorm:"not null;uniqueIndex:ux_members_telegram"`
	FirstName  string `gorm:"size:255;not null;default:''"`
	LastName   string `gorm:"size:255;not null;default:''"`
	Username   string `gorm:"size:64;not null;default:''"`
	Language   string `gorm:"size:8;not null;default:'vi'"`
	// Reminder settings, in minutes after midnight in the installation's time zone.
	RemindAt      int        `gorm:"not null;default:450"`  // 07:30
	QuietFrom     int        `gorm:"not null;default:1260"` // 21:00
	QuietTo       int        `gorm:"not null;default:390"`  // 06:30
	RemindersOff  bool       `gorm:"not null;default:false"`
	UnreachableAt *time.Time // Telegram refused to deliver (403): nothing is sent until they write
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Memberships   []Membership
}

// Name is how the member is shown to others.
func (m Member) Name() string {
	switch {
	case m.FirstName != "" && m.LastName != "":
		return m.FirstName + " " + m.LastName
	case m.FirstName != "":
		return m.FirstName
	case m.LastName != "":
		return m.LastName
	case m.Username != "":
		return "@" + m.Username
	}
	return "#" + itoa(m.TelegramID)
}

// Membership gives a member a role in a unit. A person may hold roles in several units, one role
// per unit.
type Membership struct {
	ID        int64 `gorm:"primaryKey"`
	MemberID  int64 `gorm:"not null;uniqueIndex:ux_memberships_member_unit,priority:1"`
	UnitID    int64 `gorm:"not null;uniqueIndex:ux_memberships_member_unit,priority:2;index:ix_memberships_unit"`
	Role      Role  `gorm:"size:16;not null"`
	InviteID  *int64
	CreatedAt time.Time
	UpdatedAt time.Time
	Unit      Unit
}

// Invite is a code that binds whoever redeems it to a unit and a role.
type Invite struct {
	ID        int64  `gorm:"primaryKey"`
	Code      string `gorm:"size:32;not null;uniqueIndex:ux_invites_code"`
	UnitID    int64  `gorm:"not null;index:ix_invites_unit"`
	Role      Role   `gorm:"size:16;not null"`
	MaxUses   int    `gorm:"not null"` // 0: unlimited
	Uses      int    `gorm:"not null;default:0"`
	ExpiresAt *time.Time
	CreatedAt time.Time
	Unit      Unit
}

// Task is work to be done, assigned to schools. It stands alone or comes from a directive, whose
// item it cites ("I.2.b").
type Task struct {
	ID          int64   `gorm:"primaryKey"`
	Title       string  `gorm:"size:1000;not null"`
	Body        string  `gorm:"type:text;not null;default:''"`
	Due         Date    `gorm:"size:10;not null"`
	DirectiveID *int64  `gorm:"index:ix_tasks_directive"`
	Citation    string  `gorm:"size:128;not null;default:''"`
	Cadence     Cadence `gorm:"size:16;not null;default:'once'"`
	CreatedAt   time.Time
	Directive   *Directive
}

// Cadence is how often schools report on a task.
type Cadence string

// The cadences.
const (
	CadenceOnce     Cadence = "once"
	CadenceWeekly   Cadence = "weekly"
	CadenceMonthly  Cadence = "monthly"
	CadenceSemester Cadence = "semester"
)

// Cadences lists the cadences in the order they are offered.
var Cadences = []Cadence{CadenceOnce, CadenceWeekly, CadenceMonthly, CadenceSemester}

// Valid reports whether c is a known cadence.
func (c Cadence) Valid() bool {
	for _, v := range Cadences {
		if c == v {
			return true
		}
	}
	return false
}

// Directive is a published document (chỉ thị, kế hoạch, …) whose items became tasks.
type Directive struct {
	ID          int64  `gorm:"primaryKey"`
	Kind        string `gorm:"size:64;not null;default:''"`
	Number      string `gorm:"size:64;not null;default:''"`
	IssuedOn    Date   `gorm:"size:10;not null;default:''"`
	Issuer      string `gorm:"size:255;not null;default:''"`
	Title       string `gorm:"size:1000;not null;default:''"`
	SchoolYear  string `gorm:"size:16;not null;default:''"`
	Source      string `gorm:"size:255;not null;default:''"` // the file it was read from
	PublishedBy *int64
	PublishedAt time.Time
	CreatedAt   time.Time
}

// Name is the directive as people cite it: "Chỉ thị 23/CT-UBND", or its kind and title.
func (d Directive) Name() string {
	switch {
	case d.Kind != "" && d.Number != "":
		return d.Kind + " " + d.Number
	case d.Title != "":
		return d.Title
	}
	return d.Kind
}

// DirectiveAck records that a school acknowledged a directive ("Đã nhận").
type DirectiveAck struct {
	DirectiveID int64 `gorm:"primaryKey;autoIncrement:false"`
	UnitID      int64 `gorm:"primaryKey;autoIncrement:false"`
	MemberID    int64 `gorm:"not null"`
	ChatID      int64 `gorm:"not null;default:0"`
	CreatedAt   time.Time
}

// GroupChat is a Telegram group the bot is in, linked to a unit once a supervisor says so.
type GroupChat struct {
	ChatID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Title     string `gorm:"size:255;not null;default:''"`
	UnitID    *int64 `gorm:"index:ix_group_chats_unit"`
	LinkedBy  *int64
	LinkedAt  *time.Time
	LateNames bool `gorm:"not null;default:false"` // the weekly summary names the late schools
	CreatedAt time.Time
	UpdatedAt time.Time
	Unit      *Unit
}

// OutboxMessage is a message the bot sends on its own: a new task, a published directive, an
// announcement in a group. It is written in the same transaction as what causes it and sent,
// paced, by the scheduler; the bot renders it when it goes out.
type OutboxMessage struct {
	ID        int64  `gorm:"primaryKey"`
	Kind      string `gorm:"size:32;not null"`
	ChatID    int64  `gorm:"not null;index:ix_outbox_chat"`
	MemberID  *int64
	RefID     int64     `gorm:"not null;default:0"` // the task or directive it is about
	Key       string    `gorm:"size:128;not null;uniqueIndex:ux_outbox_key"`
	Status    string    `gorm:"size:16;not null;index:ix_outbox_status_due,priority:1"`
	NotBefore time.Time `gorm:"not null;index:ix_outbox_status_due,priority:2"`
	Attempts  int       `gorm:"not null;default:0"`
	LastError string    `gorm:"type:text;not null;default:''"`
	SentAt    *time.Time
	SentID    int64 `gorm:"not null;default:0"` // the Telegram message id
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Outbox statuses and kinds.
const (
	OutboxPending = "pending"
	OutboxSending = "sending" // handed to Telegram, answer not yet recorded
	OutboxSent    = "sent"
	OutboxFailed  = "failed"

	KindTaskNotice        = "task.notice"        // to a head: a new task for the school
	KindDirectiveNotice   = "directive.notice"   // to a head: the tasks a directive gives the school
	KindDirectiveAnnounce = "directive.announce" // to a group: a directive was published
	KindTaskHandover      = "task.handover"      // to a deputy: the head put them in charge of a task
	KindReminder          = "reminder"           // to a member: the tasks due or overdue (Key is the batch)
	KindEscalation        = "escalation"         // to a supervisor: schools late twice over (Key is the batch)
	KindExtensionAsk      = "extension.ask"      // to a supervisor: a head asks for more time
	KindExtensionDecided  = "extension.decided"  // to the head: the answer
	KindDigest            = "digest"             // to a supervisor: the weekly digest of a unit (RefID)
	KindDigestChart       = "digest.chart"       // to a supervisor: the digest's chart, right after it (RefID the unit)
	KindReportAnswer      = "report.answer"      // to a head: a supervisor answered a report (RefID the answer)
	KindGroupSummary      = "group.summary"      // to a group: the weekly counts of its unit (RefID the unit)
)

// Reminder is one task in one reminder to one member: which rule of the ladder, for which day.
// The unique key makes a tick that runs twice remind once. Batch is the key of the outbox message
// that carries it; one message carries all of a member's reminders of one tick.
type Reminder struct {
	ID           int64  `gorm:"primaryKey"`
	MemberID     int64  `gorm:"not null;uniqueIndex:ux_reminders,priority:1"`
	AssignmentID int64  `gorm:"not null;uniqueIndex:ux_reminders,priority:2;index:ix_reminders_assignment"`
	Rule         string `gorm:"size:16;not null;uniqueIndex:ux_reminders,priority:3"`
	RuleDate     Date   `gorm:"size:10;not null;uniqueIndex:ux_reminders,priority:4;index:ix_reminders_date"`
	Due          Date   `gorm:"size:10;not null;default:''"` // the deadline (or the period's cut-off) it was about
	Batch        string `gorm:"size:128;not null;index:ix_reminders_batch"`
	CreatedAt    time.Time
}

// The rules of the reminder ladder.
const (
	RuleBefore7   = "d-7"
	RuleBefore3   = "d-3"
	RuleBefore1   = "d-1"
	RuleDueDay    = "d0"
	RuleOverdue   = "od" // followed by its number: od1, od2, …
	RuleSnooze    = "snooze"
	RuleEscalated = "escalate"
)

// Extension requests and their statuses.
const (
	ExtensionPending  = "pending"
	ExtensionApproved = "approved"
	ExtensionDenied   = "denied"
)

// ExtensionRequest is a head asking for a later deadline; a supervisor decides.
type ExtensionRequest struct {
	ID           int64      `gorm:"primaryKey"`
	AssignmentID int64      `gorm:"not null;index:ix_extensions_assignment"`
	Assignment   Assignment `gorm:"constraint:OnDelete:CASCADE"`
	MemberID     int64      `gorm:"not null"`
	Member       Member     `gorm:"constraint:OnDelete:CASCADE"`
	OldDue       Date       `gorm:"size:10;not null"`
	ProposedDue  Date       `gorm:"size:10;not null"`
	Reason       string     `gorm:"type:text;not null"`
	Status       string     `gorm:"size:16;not null;index:ix_extensions_status"`
	DecidedBy    *int64
	Decider      *Member `gorm:"foreignKey:DecidedBy;constraint:OnDelete:SET NULL"`
	DecidedAt    *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// DayOff is a day an installation adds to the public holidays (Off), or a weekend day worked
// in exchange (not Off).
type DayOff struct {
	Date      Date   `gorm:"primaryKey;size:10"`
	Off       bool   `gorm:"not null"`
	Name      string `gorm:"size:255;not null;default:''"`
	CreatedAt time.Time
}

// Lease says which running instance does the scheduled work, until when.
type Lease struct {
	Name      string    `gorm:"primaryKey;size:64"`
	Holder    string    `gorm:"size:128;not null"`
	ExpiresAt time.Time `gorm:"not null"`
	UpdatedAt time.Time
}

// Assignment is one task given to one school. Seq is the task's short number in that school: it is
// handed out once and never changes, so "/baocao 3" always means the same task.
type Assignment struct {
	ID           int64 `gorm:"primaryKey"`
	TaskID       int64 `gorm:"not null;uniqueIndex:ux_assignments_task_unit,priority:1"`
	UnitID       int64 `gorm:"not null;uniqueIndex:ux_assignments_task_unit,priority:2;uniqueIndex:ux_assignments_unit_seq,priority:1"`
	Seq          int   `gorm:"not null;uniqueIndex:ux_assignments_unit_seq,priority:2"`
	Due          Date  `gorm:"size:10;not null"`
	AssigneeID   *int64
	Progress     int `gorm:"not null;default:0"`
	LastReportID *int64
	LastReportAt *time.Time
	CompletedAt  *time.Time // when the latest reports first said 100 %
	CreatedAt    time.Time
	Task         Task
	Unit         Unit
	Assignee     *Member
}

// Open reports whether the school still has work to do on the assignment.
func (a Assignment) Open() bool { return a.Progress < 100 }

// Subscription says that a member hears about an assignment (reminders, news). Heads are
// subscribed to every task of their school; a deputy when a task is handed to them.
type Subscription struct {
	MemberID     int64  `gorm:"primaryKey;autoIncrement:false"`
	AssignmentID int64  `gorm:"primaryKey;autoIncrement:false;index:ix_subscriptions_assignment"`
	Muted        bool   `gorm:"not null;default:false"`
	Reason       string `gorm:"size:16;not null"`
	SnoozedUntil Date   `gorm:"size:10;not null;default:''"` // "Nhắc lại sau": no reminder before this day
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Why a member is subscribed.
const (
	SubscribedAsHead     = "head"
	SubscribedAsAssignee = "assignee"
	SubscribedBySelf     = "self"
)

// Report is what a school said about an assignment at one moment.
type Report struct {
	ID           int64  `gorm:"primaryKey"`
	AssignmentID int64  `gorm:"not null;index:ix_reports_assignment"`
	MemberID     int64  `gorm:"not null;index:ix_reports_member"`
	Progress     int    `gorm:"not null"`
	Result       string `gorm:"type:text;not null;default:''"`
	Difficulties string `gorm:"type:text;not null;default:''"`
	Proposals    string `gorm:"type:text;not null;default:''"`
	Source       string `gorm:"size:16;not null"`
	ChatID       int64  `gorm:"not null;default:0"`
	MessageID    int64  `gorm:"not null;default:0"`          // the member's message that carried the report, if any
	MediaGroupID string `gorm:"size:64;not null;default:''"` // the album the member's message belonged to
	CreatedAt    time.Time
	EditedAt     *time.Time
	Evidence     []Evidence
	Answers      []Answer
	Member       Member
	Assignment   Assignment
}

// Answer is a supervisor's answer to a report's difficulties or proposals, kept with the report
// and sent to the school.
type Answer struct {
	ID        int64  `gorm:"primaryKey"`
	ReportID  int64  `gorm:"not null;index:ix_answers_report"`
	MemberID  int64  `gorm:"not null"`
	Text      string `gorm:"type:text;not null"`
	CreatedAt time.Time
	Member    Member
	Report    *Report
}

// Where a report came from.
const (
	SourceFlow  = "flow"  // the guided /baocao flow
	SourceLine  = "line"  // the one-line form
	SourceReply = "reply" // a reply to a bot message about the task
)

// Evidence (minh chứng) is a photo or document attached to a report, kept by Telegram file_id.
type Evidence struct {
	ID           int64  `gorm:"primaryKey"`
	ReportID     int64  `gorm:"not null;index:ix_evidence_report"`
	Kind         string `gorm:"size:16;not null"`
	FileID       string `gorm:"size:255;not null"`
	FileUniqueID string `gorm:"size:128;not null;default:''"`
	FileName     string `gorm:"size:255;not null;default:''"`
	MimeType     string `gorm:"size:128;not null;default:''"`
	FileSize     int64  `gorm:"not null;default:0"`
	Width        int    `gorm:"not null;default:0"`
	Height       int    `gorm:"not null;default:0"`
	Caption      string `gorm:"type:text;not null;default:''"`
	CreatedAt    time.Time
}

// The kinds of evidence.
const (
	EvidencePhoto    = "photo"
	EvidenceDocument = "document"
	EvidenceVideo    = "video"
)

// ReportRevision keeps the values a correction replaced, so nothing a member sent is lost.
type ReportRevision struct {
	ID           int64  `gorm:"primaryKey"`
	ReportID     int64  `gorm:"not null;index:ix_report_revisions_report"`
	Progress     int    `gorm:"not null"`
	Result       string `gorm:"type:text;not null;default:''"`
	Difficulties string `gorm:"type:text;not null;default:''"`
	Proposals    string `gorm:"type:text;not null;default:''"`
	CreatedAt    time.Time
}

// InboundUpdate is a Telegram update as it arrived, stored before it is acknowledged and handled.
type InboundUpdate struct {
	UpdateID   int64  `gorm:"primaryKey;autoIncrement:false"`
	ChatID     int64  `gorm:"not null;default:0"`
	Payload    string `gorm:"type:text;not null"`
	ReceivedAt time.Time
	HandledAt  *time.Time `gorm:"index:ix_updates_handled"`
	Error      string     `gorm:"type:text;not null;default:''"`
}

// TableName keeps the table's name short.
func (InboundUpdate) TableName() string { return "updates" }

// Conversation is the state of a member's multi-step flow (a report being written, a correction),
// kept in the database so that a restart does not lose it.
type Conversation struct {
	ID        int64  `gorm:"primaryKey"`
	ChatID    int64  `gorm:"not null;uniqueIndex:ux_conversations_chat_user,priority:1"`
	UserID    int64  `gorm:"not null;uniqueIndex:ux_conversations_chat_user,priority:2"`
	Flow      string `gorm:"size:32;not null"`
	State     string `gorm:"type:text;not null"`
	MessageID int64  `gorm:"not null;default:0"` // the flow's latest prompt, whose buttons are live
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MessageRef remembers which assignment a bot message was about, so that a reply to it reports on
// that assignment, and which report it confirmed, so that it can be updated as an album arrives.
type MessageRef struct {
	ChatID       int64 `gorm:"primaryKey;autoIncrement:false"`
	MessageID    int64 `gorm:"primaryKey;autoIncrement:false"`
	AssignmentID int64 `gorm:"not null"`
	ReportID     int64 `gorm:"not null;default:0;index:ix_message_refs_report"`
	CreatedAt    time.Time
}

// Status is where an assignment stands, in the words of the government's task tracking.
type Status string

// The four statuses.
const (
	StatusDoneOnTime Status = "done_on_time" // hoàn thành đúng hạn
	StatusDoneLate   Status = "done_late"    // hoàn thành quá hạn
	StatusInProgress Status = "in_progress"  // đang thực hiện trong hạn
	StatusOverdue    Status = "overdue"      // quá hạn chưa hoàn thành
)

// Status says where the assignment stands on the day today (in loc). Done means a report at 100 %.
func (a Assignment) Status(today Date, loc *time.Location) Status {
	if a.CompletedAt != nil {
		if DateOf(*a.CompletedAt, loc).After(a.Due) {
			return StatusDoneLate
		}
		return StatusDoneOnTime
	}
	if today.After(a.Due) {
		return StatusOverdue
	}
	return StatusInProgress
}
