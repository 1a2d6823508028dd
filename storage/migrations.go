package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrations is the ordered list of schema changes. A released migration never changes: a new
// column or table is a new entry at the end. Each migration works on its own snapshot of the
// tables as they were at that version, so it does the same on a fresh database years later.
var migrations = []*gormigrate.Migration{
	{ID: "0001_foundation", Migrate: migrateFoundation},
	{ID: "0002_directives", Migrate: migrateDirectives},
	{ID: "0003_reminders", Migrate: migrateReminders},
	{ID: "0004_supervision", Migrate: migrateSupervision},
	{ID: "0005_audit", Migrate: migrateAudit},
}

// Migrate brings the schema up to date. On PostgreSQL it holds an advisory lock meanwhile, so two
// instances starting together do not migrate twice.
func (s *Store) Migrate(ctx context.Context) error {
	run := func(db *gorm.DB) error {
		m := gormigrate.New(db, &gormigrate.Options{
			TableName:                 "schema_migrations",
			IDColumnName:              "id",
			IDColumnSize:              255,
			UseTransaction:            true,
			ValidateUnknownMigrations: true,
		}, migrations)
		return m.Migrate()
	}
	db := s.q(ctx)
	if s.dialect != DialectPostgres {
		return wrap("migrate", run(db))
	}
	err := db.Connection(func(conn *gorm.DB) error {
		const lockKey = 0x6e686163 // "nhac"
		if err := conn.Exec("SELECT pg_advisory_lock(?)", lockKey).Error; err != nil {
			return err
		}
		defer conn.Exec("SELECT pg_advisory_unlock(?)", lockKey)
		return run(conn)
	})
	return wrap("migrate", err)
}

// MigrationIDs lists the migrations this build knows, oldest first.
func MigrationIDs() []string {
	ids := make([]string, len(migrations))
	for i, m := range migrations {
		ids[i] = m.ID
	}
	return ids
}

// AppliedMigrations lists the migrations recorded in the database.
func (s *Store) AppliedMigrations(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.q(ctx).Table("schema_migrations").Order("id").Pluck("id", &ids).Error
	return ids, wrap("applied migrations", err)
}

// The tables as migration 0001 created them.
type (
	m1Unit struct {
		ID        int64   `gorm:"primaryKey"`
		Code      string  `gorm:"size:64;not null;uniqueIndex:ux_units_code"`
		Name      string  `gorm:"size:255;not null"`
		Kind      string  `gorm:"size:16;not null"`
		ParentID  *int64  `gorm:"index:ix_units_parent"`
		Parent    *m1Unit `gorm:"constraint:OnDelete:RESTRICT"`
		Level     string  `gorm:"size:16;not null;default:''"`
		TaskSeq   int     `gorm:"not null;default:0"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	m1Member struct {
		ID         int64  `gorm:"primaryKey"`
		TelegramID int64  `gorm:"not null;uniqueIndex:ux_members_telegram"`
		FirstName  string `gorm:"size:255;not null;default:''"`
		LastName   string `gorm:"size:255;not null;default:''"`
		Username   string `gorm:"size:64;not null;default:''"`
		Language   string `gorm:"size:8;not null;default:'vi'"`
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
	m1Invite struct {
		ID        int64  `gorm:"primaryKey"`
		Code      string `gorm:"size:32;not null;uniqueIndex:ux_invites_code"`
		UnitID    int64  `gorm:"not null;index:ix_invites_unit"`
		Unit      m1Unit `gorm:"constraint:OnDelete:CASCADE"`
		Role      string `gorm:"size:16;not null"`
		MaxUses   int    `gorm:"not null"`
		Uses      int    `gorm:"not null;default:0"`
		ExpiresAt *time.Time
		CreatedAt time.Time
	}
	m1Membership struct {
		ID        int64     `gorm:"primaryKey"`
		MemberID  int64     `gorm:"not null;uniqueIndex:ux_memberships_member_unit,priority:1"`
		Member    m1Member  `gorm:"constraint:OnDelete:CASCADE"`
		UnitID    int64     `gorm:"not null;uniqueIndex:ux_memberships_member_unit,priority:2;index:ix_memberships_unit"`
		Unit      m1Unit    `gorm:"constraint:OnDelete:CASCADE"`
		Role      string    `gorm:"size:16;not null"`
		InviteID  *int64    `gorm:""`
		Invite    *m1Invite `gorm:"constraint:OnDelete:SET NULL"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	m1Task struct {
		ID        int64  `gorm:"primaryKey"`
		Title     string `gorm:"size:1000;not null"`
		Body      string `gorm:"type:text;not null;default:''"`
		Due       string `gorm:"size:10;not null"`
		CreatedAt time.Time
	}
	m1Assignment struct {
		ID           int64     `gorm:"primaryKey"`
		TaskID       int64     `gorm:"not null;uniqueIndex:ux_assignments_task_unit,priority:1"`
		Task         m1Task    `gorm:"constraint:OnDelete:CASCADE"`
		UnitID       int64     `gorm:"not null;uniqueIndex:ux_assignments_task_unit,priority:2;uniqueIndex:ux_assignments_unit_seq,priority:1"`
		Unit         m1Unit    `gorm:"constraint:OnDelete:CASCADE"`
		Seq          int       `gorm:"not null;uniqueIndex:ux_assignments_unit_seq,priority:2"`
		Due          string    `gorm:"size:10;not null"`
		AssigneeID   *int64    `gorm:""`
		Assignee     *m1Member `gorm:"constraint:OnDelete:SET NULL"`
		Progress     int       `gorm:"not null;default:0"`
		LastReportID *int64
		LastReportAt *time.Time
		CompletedAt  *time.Time
		CreatedAt    time.Time
	}
	m1Subscription struct {
		MemberID     int64        `gorm:"primaryKey;autoIncrement:false"`
		Member       m1Member     `gorm:"constraint:OnDelete:CASCADE"`
		AssignmentID int64        `gorm:"primaryKey;autoIncrement:false;index:ix_subscriptions_assignment"`
		Assignment   m1Assignment `gorm:"constraint:OnDelete:CASCADE"`
		Muted        bool         `gorm:"not null;default:false"`
		Reason       string       `gorm:"size:16;not null"`
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	m1Report struct {
		ID           int64        `gorm:"primaryKey"`
		AssignmentID int64        `gorm:"not null;index:ix_reports_assignment"`
		Assignment   m1Assignment `gorm:"constraint:OnDelete:CASCADE"`
		MemberID     int64        `gorm:"not null;index:ix_reports_member"`
		Member       m1Member     `gorm:"constraint:OnDelete:RESTRICT"`
		Progress     int          `gorm:"not null"`
		Result       string       `gorm:"type:text;not null;default:''"`
		Difficulties string       `gorm:"type:text;not null;default:''"`
		Proposals    string       `gorm:"type:text;not null;default:''"`
		Source       string       `gorm:"size:16;not null"`
		ChatID       int64        `gorm:"not null;default:0"`
		MessageID    int64        `gorm:"not null;default:0"`
		MediaGroupID string       `gorm:"size:64;not null;default:''"`
		CreatedAt    time.Time
		EditedAt     *time.Time
	}
	m1Evidence struct {
		ID           int64    `gorm:"primaryKey"`
		ReportID     int64    `gorm:"not null;index:ix_evidence_report"`
		Report       m1Report `gorm:"constraint:OnDelete:CASCADE"`
		Kind         string   `gorm:"size:16;not null"`
		FileID       string   `gorm:"size:255;not null"`
		FileUniqueID string   `gorm:"size:128;not null;default:''"`
		FileName     string   `gorm:"size:255;not null;default:''"`
		MimeType     string   `gorm:"size:128;not null;default:''"`
		FileSize     int64    `gorm:"not null;default:0"`
		Width        int      `gorm:"not null;default:0"`
		Height       int      `gorm:"not null;default:0"`
		Caption      string   `gorm:"type:text;not null;default:''"`
		CreatedAt    time.Time
	}
	m1ReportRevision struct {
		ID           int64    `gorm:"primaryKey"`
		ReportID     int64    `gorm:"not null;index:ix_report_revisions_report"`
		Report       m1Report `gorm:"constraint:OnDelete:CASCADE"`
		Progress     int      `gorm:"not null"`
		Result       string   `gorm:"type:text;not null;default:''"`
		Difficulties string   `gorm:"type:text;not null;default:''"`
		Proposals    string   `gorm:"type:text;not null;default:''"`
		CreatedAt    time.Time
	}
	m1Update struct {
		UpdateID   int64  `gorm:"primaryKey;autoIncrement:false"`
		ChatID     int64  `gorm:"not null;default:0"`
		Payload    string `gorm:"type:text;not null"`
		ReceivedAt time.Time
		HandledAt  *time.Time `gorm:"index:ix_updates_handled"`
		Error      string     `gorm:"type:text;not null;default:''"`
	}
	m1Conversation struct {
		ID        int64  `gorm:"primaryKey"`
		ChatID    int64  `gorm:"not null;uniqueIndex:ux_conversations_chat_user,priority:1"`
		UserID    int64  `gorm:"not null;uniqueIndex:ux_conversations_chat_user,priority:2"`
		Flow      string `gorm:"size:32;not null"`
		State     string `gorm:"type:text;not null"`
		MessageID int64  `gorm:"not null;default:0"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	m1MessageRef struct {
		ChatID       int64        `gorm:"primaryKey;autoIncrement:false"`
		MessageID    int64        `gorm:"primaryKey;autoIncrement:false"`
		AssignmentID int64        `gorm:"not null"`
		Assignment   m1Assignment `gorm:"constraint:OnDelete:CASCADE"`
		ReportID     int64        `gorm:"not null;default:0;index:ix_message_refs_report"`
		CreatedAt    time.Time
	}
)

func (m1Unit) TableName() string           { return "units" }
func (m1Member) TableName() string         { return "members" }
func (m1Invite) TableName() string         { return "invites" }
func (m1Membership) TableName() string     { return "memberships" }
func (m1Task) TableName() string           { return "tasks" }
func (m1Assignment) TableName() string     { return "assignments" }
func (m1Subscription) TableName() string   { return "subscriptions" }
func (m1Report) TableName() string         { return "reports" }
func (m1Evidence) TableName() string       { return "evidences" }
func (m1ReportRevision) TableName() string { return "report_revisions" }
func (m1Update) TableName() string         { return "updates" }
func (m1Conversation) TableName() string   { return "conversations" }
func (m1MessageRef) TableName() string     { return "message_refs" }

func migrateFoundation(tx *gorm.DB) error {
	tables := []any{
		&m1Unit{}, &m1Member{}, &m1Invite{}, &m1Membership{}, &m1Task{}, &m1Assignment{},
		&m1Subscription{}, &m1Report{}, &m1Evidence{}, &m1ReportRevision{}, &m1Update{},
		&m1Conversation{}, &m1MessageRef{},
	}
	for _, t := range tables {
		if err := tx.Migrator().CreateTable(t); err != nil {
			return fmt.Errorf("create %T: %w", t, err)
		}
	}
	return nil
}

// The tables as migration 0002 created them, and its new task columns.
type (
	m2Directive struct {
		ID          int64  `gorm:"primaryKey"`
		Kind        string `gorm:"size:64;not null;default:''"`
		Number      string `gorm:"size:64;not null;default:''"`
		IssuedOn    string `gorm:"size:10;not null;default:''"`
		Issuer      string `gorm:"size:255;not null;default:''"`
		Title       string `gorm:"size:1000;not null;default:''"`
		SchoolYear  string `gorm:"size:16;not null;default:''"`
		Source      string `gorm:"size:255;not null;default:''"`
		PublishedBy *int64
		Publisher   *m1Member `gorm:"foreignKey:PublishedBy;constraint:OnDelete:SET NULL"`
		PublishedAt time.Time
		CreatedAt   time.Time
	}
	m2Task struct {
		DirectiveID *int64       `gorm:"index:ix_tasks_directive"`
		Directive   *m2Directive `gorm:"constraint:OnDelete:SET NULL"`
		Citation    string       `gorm:"size:128;not null;default:''"`
		Cadence     string       `gorm:"size:16;not null;default:'once'"`
	}
	m2DirectiveAck struct {
		DirectiveID int64       `gorm:"primaryKey;autoIncrement:false"`
		Directive   m2Directive `gorm:"constraint:OnDelete:CASCADE"`
		UnitID      int64       `gorm:"primaryKey;autoIncrement:false"`
		Unit        m1Unit      `gorm:"constraint:OnDelete:CASCADE"`
		MemberID    int64       `gorm:"not null"`
		Member      m1Member    `gorm:"constraint:OnDelete:CASCADE"`
		ChatID      int64       `gorm:"not null;default:0"`
		CreatedAt   time.Time
	}
	m2GroupChat struct {
		ChatID    int64     `gorm:"primaryKey;autoIncrement:false"`
		Title     string    `gorm:"size:255;not null;default:''"`
		UnitID    *int64    `gorm:"index:ix_group_chats_unit"`
		Unit      *m1Unit   `gorm:"constraint:OnDelete:SET NULL"`
		LinkedBy  *int64    `gorm:""`
		Linker    *m1Member `gorm:"foreignKey:LinkedBy;constraint:OnDelete:SET NULL"`
		LinkedAt  *time.Time
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	m2OutboxMessage struct {
		ID        int64     `gorm:"primaryKey"`
		Kind      string    `gorm:"size:32;not null"`
		ChatID    int64     `gorm:"not null;index:ix_outbox_chat"`
		MemberID  *int64    `gorm:""`
		Member    *m1Member `gorm:"constraint:OnDelete:CASCADE"`
		RefID     int64     `gorm:"not null;default:0"`
		Key       string    `gorm:"size:128;not null;uniqueIndex:ux_outbox_key"`
		Status    string    `gorm:"size:16;not null;index:ix_outbox_status_due,priority:1"`
		NotBefore time.Time `gorm:"not null;index:ix_outbox_status_due,priority:2"`
		Attempts  int       `gorm:"not null;default:0"`
		LastError string    `gorm:"type:text;not null;default:''"`
		SentAt    *time.Time
		SentID    int64 `gorm:"not null;default:0"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
)

func (m2Directive) TableName() string     { return "directives" }
func (m2Task) TableName() string          { return "tasks" }
func (m2DirectiveAck) TableName() string  { return "directive_acks" }
func (m2GroupChat) TableName() string     { return "group_chats" }
func (m2OutboxMessage) TableName() string { return "outbox_messages" }

func migrateDirectives(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m2Directive{}); err != nil {
		return fmt.Errorf("create directives: %w", err)
	}
	for _, col := range []string{"DirectiveID", "Citation", "Cadence"} {
		if err := tx.Migrator().AddColumn(&m2Task{}, col); err != nil {
			return fmt.Errorf("add tasks.%s: %w", col, err)
		}
	}
	if err := tx.Migrator().CreateIndex(&m2Task{}, "ix_tasks_directive"); err != nil {
		return fmt.Errorf("index tasks.directive_id: %w", err)
	}
	for _, t := range []any{&m2DirectiveAck{}, &m2GroupChat{}, &m2OutboxMessage{}} {
		if err := tx.Migrator().CreateTable(t); err != nil {
			return fmt.Errorf("create %T: %w", t, err)
		}
	}
	return nil
}

// The tables and columns as migration 0003 created them.
type (
	m3Member struct {
		RemindAt      int  `gorm:"not null;default:450"`
		QuietFrom     int  `gorm:"not null;default:1260"`
		QuietTo       int  `gorm:"not null;default:390"`
		RemindersOff  bool `gorm:"not null;default:false"`
		UnreachableAt *time.Time
	}
	m3Subscription struct {
		SnoozedUntil string `gorm:"size:10;not null;default:''"`
	}
	m3Reminder struct {
		ID           int64        `gorm:"primaryKey"`
		MemberID     int64        `gorm:"not null;uniqueIndex:ux_reminders,priority:1"`
		Member       m1Member     `gorm:"constraint:OnDelete:CASCADE"`
		AssignmentID int64        `gorm:"not null;uniqueIndex:ux_reminders,priority:2;index:ix_reminders_assignment"`
		Assignment   m1Assignment `gorm:"constraint:OnDelete:CASCADE"`
		Rule         string       `gorm:"size:16;not null;uniqueIndex:ux_reminders,priority:3"`
		RuleDate     string       `gorm:"size:10;not null;uniqueIndex:ux_reminders,priority:4;index:ix_reminders_date"`
		Due          string       `gorm:"size:10;not null;default:''"`
		Batch        string       `gorm:"size:128;not null;index:ix_reminders_batch"`
		CreatedAt    time.Time
	}
	m3ExtensionRequest struct {
		ID           int64        `gorm:"primaryKey"`
		AssignmentID int64        `gorm:"not null;index:ix_extensions_assignment"`
		Assignment   m1Assignment `gorm:"constraint:OnDelete:CASCADE"`
		MemberID     int64        `gorm:"not null"`
		Member       m1Member     `gorm:"constraint:OnDelete:CASCADE"`
		OldDue       string       `gorm:"size:10;not null"`
		ProposedDue  string       `gorm:"size:10;not null"`
		Reason       string       `gorm:"type:text;not null"`
		Status       string       `gorm:"size:16;not null;index:ix_extensions_status"`
		DecidedBy    *int64
		Decider      *m1Member `gorm:"foreignKey:DecidedBy;constraint:OnDelete:SET NULL"`
		DecidedAt    *time.Time
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	m3DayOff struct {
		Date      string `gorm:"primaryKey;size:10"`
		Off       bool   `gorm:"not null"`
		Name      string `gorm:"size:255;not null;default:''"`
		CreatedAt time.Time
	}
	m3Lease struct {
		Name      string    `gorm:"primaryKey;size:64"`
		Holder    string    `gorm:"size:128;not null"`
		ExpiresAt time.Time `gorm:"not null"`
		UpdatedAt time.Time
	}
)

func (m3Member) TableName() string           { return "members" }
func (m3Subscription) TableName() string     { return "subscriptions" }
func (m3Reminder) TableName() string         { return "reminders" }
func (m3ExtensionRequest) TableName() string { return "extension_requests" }
func (m3DayOff) TableName() string           { return "day_offs" }
func (m3Lease) TableName() string            { return "leases" }

func migrateReminders(tx *gorm.DB) error {
	for _, col := range []string{"RemindAt", "QuietFrom", "QuietTo", "RemindersOff", "UnreachableAt"} {
		if err := tx.Migrator().AddColumn(&m3Member{}, col); err != nil {
			return fmt.Errorf("add members.%s: %w", col, err)
		}
	}
	if err := tx.Migrator().AddColumn(&m3Subscription{}, "SnoozedUntil"); err != nil {
		return fmt.Errorf("add subscriptions.snoozed_until: %w", err)
	}
	for _, t := range []any{&m3Reminder{}, &m3ExtensionRequest{}, &m3DayOff{}, &m3Lease{}} {
		if err := tx.Migrator().CreateTable(t); err != nil {
			return fmt.Errorf("create %T: %w", t, err)
		}
	}
	// One request waiting per assignment, even when two arrive at once (same SQL on both).
	if err := tx.Exec(`CREATE UNIQUE INDEX ux_extensions_pending ON extension_requests (assignment_id) WHERE status = 'pending'`).Error; err != nil {
		return fmt.Errorf("index pending extensions: %w", err)
	}
	return nil
}

// The tables and columns as migration 0004 created them.
type (
	m4Answer struct {
		ID        int64    `gorm:"primaryKey"`
		ReportID  int64    `gorm:"not null;index:ix_answers_report"`
		Report    m1Report `gorm:"constraint:OnDelete:CASCADE"`
		MemberID  int64    `gorm:"not null"`
		Member    m1Member `gorm:"constraint:OnDelete:CASCADE"`
		Text      string   `gorm:"type:text;not null"`
		CreatedAt time.Time
	}
	m4GroupChat struct {
		LateNames bool `gorm:"not null;default:false"`
	}
)

func (m4Answer) TableName() string    { return "answers" }
func (m4GroupChat) TableName() string { return "group_chats" }

func migrateSupervision(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m4Answer{}); err != nil {
		return fmt.Errorf("create answers: %w", err)
	}
	if err := tx.Migrator().AddColumn(&m4GroupChat{}, "LateNames"); err != nil {
		return fmt.Errorf("add group_chats.late_names: %w", err)
	}
	// The digest looks up the reports of a week, and the last weeks of each recurring task.
	if err := tx.Exec(`CREATE INDEX ix_reports_created ON reports (created_at)`).Error; err != nil {
		return fmt.Errorf("index reports.created_at: %w", err)
	}
	if err := tx.Exec(`CREATE INDEX ix_reports_assignment_created ON reports (assignment_id, created_at)`).Error; err != nil {
		return fmt.Errorf("index reports.assignment_id, created_at: %w", err)
	}
	return nil
}

// The table as migration 0005 created it.
type m5AuditEvent struct {
	ID        int64     `gorm:"primaryKey"`
	CreatedAt time.Time `gorm:"not null;index:ix_audit_events_created"`
	MemberID  *int64
	Actor     string `gorm:"size:64;not null;default:''"`
	UnitID    *int64 `gorm:"index:ix_audit_events_unit"`
	Action    string `gorm:"size:32;not null"`
	Detail    string `gorm:"type:text;not null;default:''"`
}

func (m5AuditEvent) TableName() string { return "audit_events" }

func migrateAudit(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&m5AuditEvent{}); err != nil {
		return fmt.Errorf("create audit_events: %w", err)
	}
	return nil
}
