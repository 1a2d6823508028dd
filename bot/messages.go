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
	UnknownCommand, Apology                    string
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
	EditNoReport, EditTooLate, EditTitle, EditChoose, EditChooseHint string
	EditAskEvidence, Corrected, CorrectedShort, EditClosed           string
	EditStillOpen                                                    string

	// History
	HistoryTitle, HistoryTitleTask, HistoryEmpty, HistoryNumberSchoolsOnly string
	Edited, NoEvidence, SendingEvidence, EvidenceOf                        string

	// Buttons
	BtnReport, BtnHistory, BtnFollow, BtnUnfollow, BtnHandOver, BtnTakeBack string
	BtnBack, BtnBackToList, BtnOpenTask, BtnCancel, BtnNone, BtnContinue    string
	BtnNoEvidence, BtnClearEvidence, BtnSubmit, BtnEditProgress             string
	BtnEditResult, BtnEditDifficulties, BtnEditProposals, BtnEditEvidence   string
	BtnKeepDraft, BtnDropDraft, BtnAddEvidence, BtnClearField, BtnDone      string
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
