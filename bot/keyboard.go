package bot

import (
	"strconv"
	"strings"
)

// keyboard is an inline keyboard. It is our own type because go-telegram/bot v1.19.0 marshals an
// empty copy_text object on every button, which Telegram rejects (BUTTON_COPY_TEXT_INVALID).
type keyboard struct {
	InlineKeyboard [][]button `json:"inline_keyboard"`
}

type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// maxCallbackData is Telegram's limit for callback_data, in bytes.
const maxCallbackData = 64

// btn makes a button that sends data back. data is ASCII we build, far below the limit; state
// lives on the server.
func btn(text string, data ...any) button {
	parts := make([]string, len(data))
	for i, d := range data {
		switch v := d.(type) {
		case string:
			parts[i] = v
		case int:
			parts[i] = strconv.Itoa(v)
		case int64:
			parts[i] = strconv.FormatInt(v, 10)
		default:
			panic("bot: unsupported callback data part")
		}
	}
	cd := strings.Join(parts, ":")
	if len(cd) > maxCallbackData {
		panic("bot: callback data too long: " + cd)
	}
	return button{Text: text, CallbackData: cd}
}

// rows makes a keyboard of rows of buttons, leaving out empty rows.
func rows(rs ...[]button) *keyboard {
	kb := &keyboard{InlineKeyboard: [][]button{}}
	for _, r := range rs {
		if len(r) > 0 {
			kb.InlineKeyboard = append(kb.InlineKeyboard, r)
		}
	}
	return kb
}

// grid lays buttons out n to a row.
func grid(bs []button, n int) [][]button {
	var out [][]button
	for len(bs) > n {
		out = append(out, bs[:n])
		bs = bs[n:]
	}
	if len(bs) > 0 {
		out = append(out, bs)
	}
	return out
}

// callback is a pressed button's data, split into fields. It comes from the user's device and is
// never trusted: every handler checks on the server that the member may act on what it names.
type callback []string

func parseCallback(data string) callback {
	if data == "" || len(data) > maxCallbackData {
		return nil
	}
	return strings.Split(data, ":")
}

// str returns field i, or "".
func (c callback) str(i int) string {
	if i < len(c) {
		return c[i]
	}
	return ""
}

// id returns field i as a positive number, or 0.
func (c callback) id(i int) int64 {
	n, err := strconv.ParseInt(c.str(i), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// num returns field i as an int, or -1.
func (c callback) num(i int) int {
	n, err := strconv.Atoi(c.str(i))
	if err != nil {
		return -1
	}
	return n
}

// pager adds ◀ n/m ▶ buttons when there is more than one page. prefix is the callback data before
// the page number.
func pager(page, pages int, prefix ...any) []button {
	if pages <= 1 {
		return nil
	}
	var r []button
	if page > 0 {
		r = append(r, btn("◀", append(prefix, page-1)...))
	}
	r = append(r, btn(strconv.Itoa(page+1)+"/"+strconv.Itoa(pages), append(prefix, page)...))
	if page < pages-1 {
		r = append(r, btn("▶", append(prefix, page+1)...))
	}
	return r
}

func pageCount(total, size int) int {
	if total <= 0 {
		return 1
	}
	return (total + size - 1) / size
}
