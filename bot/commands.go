package bot

import (
	"context"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// menu lists the commands shown in Telegram's menu, in the catalog's language: Vietnamese names
// by default and for Vietnamese clients, the English aliases for English clients.
func (m *catalog) menu() []models.BotCommand {
	return []models.BotCommand{
		{Command: m.CmdTasks, Description: m.CmdTasksDesc},
		{Command: m.CmdReport, Description: m.CmdReportDesc},
		{Command: m.CmdHistory, Description: m.CmdHistoryDesc},
		{Command: m.CmdEdit, Description: m.CmdEditDesc},
		{Command: m.CmdDirectives, Description: m.CmdDirectivesDesc},
		{Command: m.CmdDigest, Description: m.CmdDigestDesc},
		{Command: m.CmdExport, Description: m.CmdExportDesc},
		{Command: m.CmdSettings, Description: m.CmdSettingsDesc},
		{Command: m.CmdCancel, Description: m.CmdCancelDesc},
		{Command: m.CmdLanguage, Description: m.CmdLanguageDesc},
		{Command: m.CmdHelp, Description: m.CmdHelpDesc},
	}
}

// registerCommands sets the command menu for private chats in both languages. The bot works
// without it, so a failure is logged and nothing more, and it may not hold up the start for long.
func (b *Bot) registerCommands(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for _, lc := range []string{"", "vi", "en"} {
		m := catalogFor(lc)
		_, err := b.api.client.SetMyCommands(ctx, &tg.SetMyCommandsParams{
			Commands:     m.menu(),
			Scope:        &models.BotCommandScopeAllPrivateChats{},
			LanguageCode: lc,
		})
		if err != nil {
			b.log.Warn("cannot register the command menu", "language", lc, "err", b.api.redact(err))
		}
	}
}
