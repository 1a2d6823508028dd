package bot

// catalog holds every text the bot sends, in one language. Texts are HTML (Telegram's subset);
// %-verbs take escaped values. A field per text lets the compiler check every use, and the tests
// check that both languages fill every field with the same verbs.
type catalog struct {
	// Menu
	CmdTasks, CmdTasksDesc       string
	CmdReport, CmdReportDesc     string
	CmdHistory, CmdHistoryDesc   string
	CmdEdit, CmdEditDesc         string
	CmdCancel, CmdCancelDesc     string
	CmdLanguage, CmdLanguageDesc string
	CmdHelp, CmdHelpDesc         string

	// Joining and help
	Stranger, StrangerShort                    string
	InviteUnknown, InviteUsedUp, InviteExpired string
	Joined, JoinedSchoolTasks, RoleChanged     string
	AlreadyMember, WelcomeBack                 string
	HelpSchool, HelpSupervisor                 string
	RoleHead, RoleDeputy, RoleSupervisor       string
	RoleAdmin                                  string
	GroupUsePrivate, BtnOpenPrivate            string
	UnknownCommand, Apology, TooFast           string
	ExtHeadOnly                                string
	NotAllowed, ButtonExpired                  string
	LanguageAsk, LanguageSet                   string

	// Tasks
	TasksTitle, TasksTitleMany, NoOpenTasks, TasksDoneCount, TasksHint string
	TaskHeader, TaskShort, TaskNotFound, TaskNumberInvalid             string
	TaskNumberAmbiguous                                                string
	DueOn, DueInDays, DueTomorrow, DueToday, DueOverdue                string
	StatusDoneOnTime, StatusDoneLate, StatusInProgress, StatusOverdue  string
	NotReportedYet, ProgressAt, LastReportBy, AssigneeIs               string
	Following, NotFollowing, NowFollowing, NowMuted, ReplyToReport     string
	HandOverTitle, NoDeputies, HandedOver, TookBack, YouWereAssigned   string
	SummaryTitle, SummaryEmpty, SummaryCounts                          string

	// Reports
	ReportSchoolsOnly, ReportLineBadNumber, ReportLineNeedPercent, ProgressInvalid string
	TextTooLong, TooManyFiles                                                      string
	FlowChooseTask, FlowChooseTaskHint, FlowNoOpenTasks                            string
	FlowCurrentProgress, FlowAskProgress, FlowAskResult, FlowCurrentValue          string
	FlowAskDifficulties, FlowAskProposals, FlowAskEvidence, FlowEvidenceCount      string
	FlowEvidenceHint, FlowConfirmTitle, FlowConfirmHint, FlowTextOrFiles           string
	FlowReplaceAsk, FlowReplaceHint, DraftDropped, EvidenceCleared                 string
	SummaryResult, SummaryDifficulties, SummaryProposals                           string
	ReportSaved, ReportSavedShort, ReportSavedFooter                               string
	ReportCancelled, ReportCancelledShort, NothingToCancel, ReportStillOpen        string
	ReplyNeedsText, EditedMessageHint                                              string

	// Corrections
	EditNoReport, EditNeedPercent, EditTooLate, EditTitle, EditChoose, EditChooseHint string
	EditAskEvidence, Corrected, CorrectedShort, EditClosed                            string
	EditStillOpen                                                                     string

	// History
	HistoryTitle, HistoryTitleTask, HistoryEmpty, HistoryNumberSchoolsOnly string
	Edited, NoEvidence, SendingEvidence, EvidenceOf                        string

	// Directives and groups
	CmdDirectives, CmdDirectivesDesc, Announce, AckAlready, AckNotRecipient        string
	AckSchoolsOnly, Acked, BtnAck, BtnCadence, BtnContext                          string
	BtnDirectives, BtnDue, BtnPublish, BtnPublishConfirm, BtnRecipients            string
	BtnTaskList, BtnUp, CadenceOnce, CadenceWeekly, CadenceMonthly                 string
	CadenceSemester, Citation, CitationShort, DirAcksTitle, DirAddedByOfficer      string
	DirBadDate, DirBadNumber, DirBroken, DirCadenceAsk, DirCancelled               string
	DirConfirm, DirContextHint, DirContextTitle, DirCounts, DirDownloadFailed      string
	DirPublishedBefore                                                             string
	DirDueHint, DirDuePassed, DirEditHelp, DirEditHint, DirEmpty                   string
	DirItemsTitle, DirListCounts, DirListEmpty, DirListTitle, DirMoreTasks         string
	DirNeedDue, DirNeedItems, DirNeedRecipients, DirNoContext, DirNoDue            string
	DirNoItems, DirNoSuchItem, DirNotChosen, DirNumberInvalid, DirPickHint         string
	DirPickTitle, DirPicked, DirPickedSchools, DirPublished, DirPublishedOn        string
	DirPublishedShort, DirReading, DirScanned, DirSchoolYear, DirStillOpen         string
	DirTasksTitle, DirTooLarge, DirTruncated, DirUnsupported, DirUntitled          string
	GroupButtonsInGroups, GroupHello, HelpPublishing, LevelPreschool, LevelPrimary string
	LevelLowerSec, LevelUpperSec, LevelMulti, LevelContinuing, LinkChoose          string
	LinkInGroups, LinkNoUnit, LinkOfficersOnly, Linked, LinkedShort                string
	NoticeDirective, NoticeTask, NoticeFooter                                      string

	// Buttons
	BtnReport, BtnHistory, BtnFollow, BtnUnfollow, BtnHandOver, BtnTakeBack string
	BtnBack, BtnBackToList, BtnOpenTask, BtnCancel, BtnNone, BtnContinue    string
	BtnNoEvidence, BtnClearEvidence, BtnSubmit, BtnEditProgress             string
	BtnEditResult, BtnEditDifficulties, BtnEditProposals, BtnEditEvidence   string
	BtnKeepDraft, BtnDropDraft, BtnAddEvidence, BtnClearField, BtnDone      string
	// Reminders, extensions and settings
	CmdSettings, CmdSettingsDesc, RemindTitleOne, RemindTitleMany                             string
	RemindPeriod, RemindFooterOne, RemindFooterMany, BtnReportNow                             string
	BtnReportTask, BtnExtend, BtnExtendTask, BtnSnooze1                                       string
	BtnSnooze3, Snoozed, EscalateTitle, EscalateFooter                                        string
	ExtAskDate, ExtBadDate, ExtAskReason, ExtTextOnly                                         string
	ExtSent, ExtPending, ExtDone, ExtNoSupervisor                                             string
	ExtAsk, BtnApprove, BtnDeny, ExtApprovedBy                                                string
	ExtDeniedBy, ExtAlreadyDecided, ExtApproved, ExtDenied                                    string
	Saved, FinishFlowFirst, SettingsTitle, SettingsOn                                         string
	SettingsOff, SettingsBad, SettingsInQuiet, BtnRemindersOff                                string
	BtnRemindersOn, ExtCancelled, AdminsOnly, FailuresNone, FailuresTitle, ExtRecurring       string
	CmdExport, CmdExportDesc, ExportOfficersOnly, ExportEmpty, ExportPreparing, ExportCaption string
	CmdDigest, CmdDigestDesc, DigestOfficersOnly                                              string

	// The digest's buttons and chart, the reply loop, and group summaries
	BtnAnswer, BtnDigestUnits, BtnDigestTasks, BtnDigestWhole, DigestPickUnit, DigestPickTask string
	DigestNoUnits, DigestNoTasks, ChartTitle, ChartCaption                                    string
	AnswerAsk, AnswerAskHint, AnswerSent, AnswerTextOnly, AnswerGone, AnswerCancelled         string
	AnswerStillOpen, AnswerReceived, HistoryAnswer, AnswerReplyHint                           string
	GroupSummary, GroupSummaryLate, GroupSummaryMore, GroupSummaryFooter                      string
	LateNamesUnlinked, LateNamesUsage, LateNamesStateOn, LateNamesStateOff                    string
	LateNamesAdminsOnly, LateNamesOn, LateNamesOff, LateNamesInGroups                         string
	ExportTooLarge                                                                            string
}

// catalogs by language code. Vietnamese is the default.
var catalogs = map[string]*catalog{"vi": &vi, "en": &en}

// catalogFor returns the catalog for a language, Vietnamese when there is none.
func catalogFor(lang string) *catalog {
	if c, ok := catalogs[lang]; ok {
		return c
	}
	return &vi

}
