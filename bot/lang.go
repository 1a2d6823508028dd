package bot

// languageMenu is /ngonngu: the member picks Vietnamese or English.
func (t *turn) languageMenu() {
	t.send(t.m.LanguageAsk, rows([]button{btn("🇻🇳 Tiếng Việt", "l", "vi"), btn("🇬🇧 English", "l", "en")}))
}

// onLanguageButton stores the chosen language and answers in it.
func (t *turn) onLanguageButton(c callback) error {
	lang := c.str(1)
	if _, ok := catalogs[lang]; !ok {
		t.answer(t.m.ButtonExpired, false)
		return nil
	}
	if err := t.st.SetLanguage(t.ctx, t.member.ID, lang); err != nil {
		return err
	}
	t.member.Language = lang
	t.m = catalogFor(lang)
	t.answer(t.m.LanguageSet, false)
	t.show(t.m.LanguageSet+"\n\n"+t.helpText(), rows())
	return nil
}
