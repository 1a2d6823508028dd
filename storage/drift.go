package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// models lists every model the program reads and writes.
var models = []any{
	&Unit{}, &Member{}, &Membership{}, &Invite{}, &Task{}, &Assignment{}, &Subscription{},
	&Report{}, &Evidence{}, &ReportRevision{}, &InboundUpdate{}, &Conversation{}, &MessageRef{},
	&Directive{}, &DirectiveAck{}, &GroupChat{}, &OutboxMessage{},
	&Reminder{}, &ExtensionRequest{}, &DayOff{}, &Lease{},
}

// SchemaDrift lists the tables, columns and indexes the models expect that the database lacks.
// After Migrate it is empty; a model changed without a migration shows up here (and in the tests).
func (s *Store) SchemaDrift(ctx context.Context) []string {
	var missing []string
	db := s.q(ctx)
	m := db.Migrator()
	for _, model := range models {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(model); err != nil {
			missing = append(missing, fmt.Sprintf("%T: %v", model, err))
			continue
		}
		table := stmt.Schema.Table
		if !m.HasTable(model) {
			missing = append(missing, "table "+table)
			continue
		}
		for _, f := range stmt.Schema.Fields {
			if f.DBName != "" && !m.HasColumn(model, f.DBName) {
				missing = append(missing, "column "+table+"."+f.DBName)
			}
		}
		for _, idx := range stmt.Schema.ParseIndexes() {
			if !m.HasIndex(model, idx.Name) {
				missing = append(missing, "index "+table+"."+idx.Name)
			}
		}
	}
	return missing
}
