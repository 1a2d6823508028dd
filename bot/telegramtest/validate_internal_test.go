package telegramtest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

type ent = models.MessageEntity

func cmd(offset, length int) ent {
	return ent{Type: models.MessageEntityTypeBotCommand, Offset: offset, Length: length}
}

func TestCommandEntities(t *testing.T) {
	tests := []struct {
		text string
		want []ent
	}{
		{"Chào 👋 /baocao@nhacviec_test_bot 3 80%", []ent{cmd(8, 25)}},
		{"/start", []ent{cmd(0, 6)}},
		{"/start abc", []ent{cmd(0, 6)}},
		{"/baocao 2 50%\n/nhiemvu", []ent{cmd(0, 7), cmd(14, 8)}},
		{"Dòng 1\n/baocao 2", []ent{cmd(7, 7)}},
		{"x /nhiemvu@OtherBot y", []ent{cmd(2, 17)}},
		{"(/start)", []ent{cmd(1, 6)}},
		{"😀/x", []ent{cmd(2, 2)}},
		{"/1", []ent{cmd(0, 2)}},
		{"/a_b-c", []ent{cmd(0, 4)}},
		{"/start, /help.", []ent{cmd(0, 6), cmd(8, 5)}},
		{"/" + strings.Repeat("a", 64), []ent{cmd(0, 65)}},
		{"/" + strings.Repeat("a", 65), nil}, // too long
		{"a/b", nil},                         // after a letter
		{"ệ/b", nil},                         // after a Vietnamese letter
		{"/báo", nil},                        // followed by a letter
		{"/start/x", nil},                    // followed by '/'
		{"//start", nil},
		{"<b>/x", nil},                         // after '>'
		{"/a@bc", nil},                         // bot name too short
		{"/a@" + strings.Repeat("b", 33), nil}, // bot name too long
		{"/", nil},
		{"https://t.me/x", nil},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if got := commandEntities(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func e(typ models.MessageEntityType, offset, length int) ent {
	return ent{Type: typ, Offset: offset, Length: length}
}

func TestParseHTML(t *testing.T) {
	const (
		bold   = models.MessageEntityTypeBold
		italic = models.MessageEntityTypeItalic
	)
	tests := []struct {
		name, html, plain string
		entities          []ent
	}{
		{"plain", "Chào Thầy/Cô", "Chào Thầy/Cô", nil},
		{"escapes", "&lt;&gt;&amp;&quot;&#39;&#x1F600;&#128512;", `<>&"'😀😀`, nil},
		{"nested", "<b>Đậm <i>nghiêng</i></b>", "Đậm nghiêng", []ent{e(bold, 0, 11), e(italic, 4, 7)}},
		{"UTF-16 offsets", "➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", []ent{e(italic, 5, 5)}},
		{"emoji offsets", "😀<b>x</b>", "😀x", []ent{e(bold, 2, 1)}},
		{"upper case tags", "<B>x</B>", "x", []ent{e(bold, 0, 1)}},
		{"synonyms", "<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del>", "abcde",
			[]ent{e(bold, 0, 1), e(italic, 1, 1), e(models.MessageEntityTypeUnderline, 2, 1),
				e(models.MessageEntityTypeStrikethrough, 3, 1), e(models.MessageEntityTypeStrikethrough, 4, 1)}},
		{"empty end tag", "<b>a</>", "a", []ent{e(bold, 0, 1)}},
		{"spaces in tags", "<b >a</b  >", "a", []ent{e(bold, 0, 1)}},
		{"empty entity", "<b></b>x", "x", nil},
		{"link", `<a href="https://t.me/bot?start=nv1&amp;x=2">nhiệm vụ</a>`, "nhiệm vụ",
			[]ent{{Type: models.MessageEntityTypeTextLink, Offset: 0, Length: 8, URL: "https://t.me/bot?start=nv1&x=2"}}},
		{"link with '>' and '&' in the attribute", `<a href='https://x.vn/?a>b&c'>q</a>`, "q",
			[]ent{{Type: models.MessageEntityTypeTextLink, Offset: 0, Length: 1, URL: "https://x.vn/?a>b&c"}}},
		{"unquoted href", `<a href=x.vn>q</a>`, "q", []ent{{Type: models.MessageEntityTypeTextLink, Offset: 0, Length: 1, URL: "http://x.vn"}}},
		{"link without href", `<a>telegram.org</a>`, "telegram.org", []ent{{Type: models.MessageEntityTypeTextLink, Offset: 0, Length: 12, URL: "http://telegram.org"}}},
		{"link that is no URL", `<a href="khong">q</a>`, "q", nil},
		{"mention", `<a href="tg://user?id=42">Lan</a>`, "Lan", []ent{{Type: models.MessageEntityTypeTextMention, Offset: 0, Length: 3, User: &models.User{ID: 42}}}},
		{"pre with language", `<pre><code class="language-go">x := 1</code></pre>`, "x := 1", []ent{{Type: models.MessageEntityTypePre, Offset: 0, Length: 6, Language: "go"}}},
		{"code", `<code class="language-go">x</code>`, "x", []ent{e(models.MessageEntityTypeCode, 0, 1)}},
		{"spoilers", `<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span>`, "ab",
			[]ent{e(models.MessageEntityTypeSpoiler, 0, 1), e(models.MessageEntityTypeSpoiler, 1, 1)}},
		{"blockquotes", `<blockquote>a</blockquote><blockquote expandable>b</blockquote>`, "ab",
			[]ent{e(models.MessageEntityTypeBlockquote, 0, 1), e(models.MessageEntityTypeExpandableBlockquote, 1, 1)}},
		{"custom emoji", `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, "👍",
			[]ent{{Type: models.MessageEntityTypeCustomEmoji, Offset: 0, Length: 2, CustomEmojiID: "5368324170671202286"}}},
		{"other attributes", `<b class="x" data-y='z'>a</b>`, "a", []ent{e(bold, 0, 1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plain, entities, err := parseHTML(tc.html)
			if err != nil {
				t.Fatal(err)
			}
			if plain != tc.plain || !reflect.DeepEqual(entities, tc.entities) {
				t.Fatalf("got %q %+v, want %q %+v", plain, entities, tc.plain, tc.entities)
			}
		})
	}
}

func TestParseHTMLErrors(t *testing.T) {
	tests := []struct{ html, want string }{
		// Telegram's own messages (from its parser's tests).
		{"🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"},
		{"🏟 🏟&lt;<abac aba>", `Unsupported start tag "abac" at byte offset 13`},
		{"🏟 🏟&lt;<i   =aba>", `Empty attribute name in the tag "i" at byte offset 13`},
		{"🏟 🏟&lt;<i    aba>", `Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13`},
		{"🏟 🏟&lt;<i    aba  =  ", `Unclosed start tag "i" at byte offset 13`},
		{"🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"},
		{"🏟 🏟&lt;<i    aba  =  \"&lt;&gt;&quot;>", "Unclosed start tag at byte offset 13"},
		{"🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"},
		{"🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"},
		{"🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"},
		{"🏟 🏟&lt;<i>a</em   >", `Unmatched end tag at byte offset 17, expected "</i>", found "</em>"`},
		{"&#xDFDF;", "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"},
		{"<b>Chào", `Can't find end tag corresponding to start tag "b"`},
		{"3 < 5", `Unsupported start tag "" at byte offset 2`},
		{"<br>", `Unsupported start tag "br" at byte offset 0`},
		{"<span>x</span>", `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{`<tg-emoji emoji-id="x">👍</tg-emoji>`, "Invalid custom emoji identifier specified"},
		// Stricter than Telegram: unescaped '&' and '>' in text.
		{"Toán & Tin", "Character '&' at byte offset 6"},
		{"&nbsp;", "Character '&' at byte offset 0"},
		{"&lt", "Character '&' at byte offset 0"},
		{"&#;", "Character '&' at byte offset 0"},
		{"5 > 3", "Character '>' at byte offset 2"},
	}
	for _, tc := range tests {
		t.Run(tc.html, func(t *testing.T) {
			_, _, err := parseHTML(tc.html)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseMarkdownV2(t *testing.T) {
	tests := []struct {
		name, md, plain string
		entities        []ent
	}{
		{"plain", "Chào", "Chào", nil},
		{"escapes", `\\\_\*\.\!`, `\_*.!`, nil},
		{"entities", "*b* _i_ __u__ ~s~ ||p|| `c`", "b i u s p c", []ent{
			e(models.MessageEntityTypeBold, 0, 1), e(models.MessageEntityTypeItalic, 2, 1), e(models.MessageEntityTypeUnderline, 4, 1),
			e(models.MessageEntityTypeStrikethrough, 6, 1), e(models.MessageEntityTypeSpoiler, 8, 1), e(models.MessageEntityTypeCode, 10, 1)}},
		{"UTF-16 offsets", "🏟 🏟_🏟 \\.🏟_", "🏟 🏟🏟 .🏟", []ent{e(models.MessageEntityTypeItalic, 5, 6)}},
		{"nested", "🏟 🏟_🏟 *🏟*_", "🏟 🏟🏟 🏟", []ent{e(models.MessageEntityTypeItalic, 5, 5), e(models.MessageEntityTypeBold, 8, 2)}},
		{"link", "[nhiệm vụ](https://t.me/bot?start=nv1)", "nhiệm vụ", []ent{{Type: models.MessageEntityTypeTextLink, Offset: 0, Length: 8, URL: "https://t.me/bot?start=nv1"}}},
		{"pre", "```go\nx := 1```", "x := 1", []ent{{Type: models.MessageEntityTypePre, Offset: 0, Length: 6, Language: "go"}}},
		{"code keeps reserved characters", "`a.b-c`", "a.b-c", []ent{e(models.MessageEntityTypeCode, 0, 5)}},
		{"block quote", ">trích\n>dẫn\nhết", "trích\ndẫn\nhết", []ent{e(models.MessageEntityTypeBlockquote, 0, 9)}},
		{"expandable block quote", "**>ẩn\n>nữa||\nhết", "ẩn\nnữa\nhết", []ent{e(models.MessageEntityTypeExpandableBlockquote, 0, 6)}},
		{"empty entities", "🏟 🏟**", "🏟 🏟", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plain, entities, err := parseMarkdownV2(tc.md)
			if err != nil {
				t.Fatal(err)
			}
			if plain != tc.plain || !reflect.DeepEqual(entities, tc.entities) {
				t.Fatalf("got %q %+v, want %q %+v", plain, entities, tc.plain, tc.entities)
			}
		})
	}
	errs := []struct{ md, want string }{
		{"Hạn 15.12", `Character '.' is reserved and must be escaped with the preceding '\'`},
		{"80% - xong", `Character '-' is reserved and must be escaped with the preceding '\'`},
		{"a|b", `Character '|' is reserved and must be escaped with the preceding '\'`},
		{"🏟 🏟_abacaba", "Can't find end of Italic entity at byte offset 9"},
		{"🏟 🏟_abac * asd ", "Can't find end of Bold entity at byte offset 15"},
		{"🏟 🏟`", "Can't find end of Code entity at byte offset 9"},
		{"🏟 🏟```", "Can't find end of Pre entity at byte offset 9"},
		{"🏟 🏟```a ", "Can't find end of PreCode entity at byte offset 9"},
		{"🏟 🏟__", "Can't find end of Underline entity at byte offset 9"},
		{"[telegram\\.org](asd", "Can't find end of a URL at byte offset 16"},
	}
	for _, tc := range errs {
		t.Run(tc.md, func(t *testing.T) {
			if _, _, err := parseMarkdownV2(tc.md); err == nil || err.Error() != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseMarkdown(t *testing.T) {
	plain, entities, err := parseMarkdown("*đậm* _nghiêng_ `mã` [liên kết](https://x.vn) \\*không\\* 15.12 - xong")
	want := []ent{e(models.MessageEntityTypeBold, 0, 3), e(models.MessageEntityTypeItalic, 4, 7), e(models.MessageEntityTypeCode, 12, 2),
		{Type: models.MessageEntityTypeTextLink, Offset: 15, Length: 8, URL: "https://x.vn"}}
	if err != nil || plain != "đậm nghiêng mã liên kết *không* 15.12 - xong" || !reflect.DeepEqual(entities, want) {
		t.Fatalf("got %q %+v %v", plain, entities, err)
	}
	if _, _, err := parseMarkdown("a *b"); err == nil || err.Error() != "Can't find end of the entity starting at byte offset 2" {
		t.Fatalf("error %v", err)
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		text, mode string
		caption    bool
		want       string
	}{
		{strings.Repeat("😀", 2048), "", false, ""},
		{strings.Repeat("😀", 2049), "", false, "Bad Request: message is too long"},
		{strings.Repeat("😀", 512), "html", true, ""},
		{strings.Repeat("😀", 513), "HTML", true, "Bad Request: message caption is too long"},
		{"", "", true, ""},
		{"", "", false, "Bad Request: message text is empty"},
		{"x", "markdownv2", false, ""},
		{"x", "bbcode", false, "Bad Request: unsupported parse_mode"},
	}
	for _, tc := range tests {
		err := checkText(tc.text, tc.mode, tc.caption)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%.20q: %v", tc.text, err)
		case tc.want != "" && (err == nil || err.description != tc.want || err.code != 400):
			t.Errorf("%.20q: %v, want %q", tc.text, err, tc.want)
		}
	}
}
