package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"nhacviec/bot"
	"nhacviec/storage"
)

// inviteCreateFlags is "nhacviec invite create": an invite code and its deep link for a unit and
// a role. The bot's username comes from NHACVIEC_BOT_USERNAME, or from getMe with the token.
func inviteCreateFlags(fs *flag.FlagSet) func(e *env, args []string) int {
	unit := fs.String("unit", "", "the unit's code (required)")
	role := fs.String("role", "", "head, deputy, supervisor or admin (required)")
	limits := inviteLimitFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object")
	return func(e *env, args []string) int {
		var problems []error
		if len(args) > 0 {
			problems = append(problems, fmt.Errorf(e.tx.UnexpectedArgs, args))
		}
		if *unit == "" {
			problems = append(problems, fmt.Errorf(e.tx.Required, "--unit"))
		}
		r := storage.Role(*role)
		if !r.Valid() {
			problems = append(problems, fmt.Errorf(e.tx.BadRole, *role))
		}
		problems = append(problems, limits.check(e)...)
		if len(problems) > 0 {
			return e.fail("%v", errors.Join(problems...))
		}
		st, err := e.openStore()
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		defer st.Close()
		u, code := e.unitByCode(st, *unit)
		if code != 0 {
			return code
		}
		switch {
		case r.AtSchool() && u.Kind != storage.KindSchool:
			return e.fail(e.tx.RoleNeedsSchool, *role, u.Code)
		case r == storage.RoleSupervisor && u.Kind == storage.KindSchool:
			return e.fail(e.tx.RoleNeedsOffice, u.Code)
		}
		username, code := e.botUsername()
		if code != 0 {
			return code
		}
		inv, err := st.CreateInvite(e.ctx, storage.NewInvite{UnitID: u.ID, Role: r, MaxUses: *limits.uses, TTL: *limits.expires})
		if err != nil {
			return e.fail(e.tx.DBError, err)
		}
		link := bot.InviteLink(username, inv.Code)
		if *asJSON {
			out := map[string]any{
				"code": inv.Code, "link": link, "unit": u.Code, "unit_name": u.Name, "role": r,
				"max_uses": inv.MaxUses, "expires_at": inv.ExpiresAt,
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(out); err != nil {
				return e.fail("%v", err)
			}
			return 0
		}
		e.out(e.tx.InviteCode, inv.Code)
		e.out(e.tx.InviteLink, link)
		e.out(e.tx.InviteFor, u.Name, u.Code, e.tx.roleName(r))
		usesText := fmt.Sprint(inv.MaxUses)
		if inv.MaxUses == 0 {
			usesText = e.tx.Unlimited
		}
		expiry := e.tx.Never
		if inv.ExpiresAt != nil {
			expiry = inv.ExpiresAt.In(e.cfg.Location).Format("15:04 02/01/2006")
		}
		e.out(e.tx.InviteLimits, usesText, expiry)
		return 0
	}
}

// botUsername is the bot's username for invite links: NHACVIEC_BOT_USERNAME, or Telegram's answer
// to the token. It returns the exit status to return when there is none (1), otherwise 0.
func (e *env) botUsername() (string, int) {
	if e.cfg.BotUsername != "" {
		return e.cfg.BotUsername, 0
	}
	if e.cfg.Token == "" {
		return "", e.fail("%s", e.tx.NeedUsername)
	}
	username, err := bot.Username(e.ctx, e.cfg.Token, e.cfg.APIURL, e.log)
	if err != nil {
		return "", e.fail(e.tx.BotError, err)
	}
	return username, 0
}

// inviteLimits are how many may use an invite and for how long: the flags of invite create and
// invite sheet.
type inviteLimits struct {
	uses    *int
	expires *time.Duration
}

func inviteLimitFlags(fs *flag.FlagSet) inviteLimits {
	return inviteLimits{
		uses:    fs.Int("uses", 1, "how many people may use each code; 0 for no limit"),
		expires: fs.Duration("expires", 720*time.Hour, "how long the codes are valid; 0 for ever"),
	}
}

// check returns what is wrong with the limits given.
func (l inviteLimits) check(e *env) []error {
	var problems []error
	if *l.uses < 0 {
		problems = append(problems, fmt.Errorf(e.tx.BadUses, *l.uses))
	}
	if *l.expires < 0 {
		problems = append(problems, fmt.Errorf(e.tx.BadExpires, *l.expires))
	}
	return problems
}
