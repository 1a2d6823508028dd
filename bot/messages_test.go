package bot

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`^%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbs lists the fmt verbs of a text. A % right after a digit ("80%") or an entity ("&gt;%") is a
// percent sign in a text that is sent as it is.
func verbs(s string) string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || (i > 0 && (s[i-1] >= '0' && s[i-1] <= '9' || s[i-1] == ';')) {
			continue
		}
		if m := verb.FindString(s[i:]); m != "" {
			out = append(out, m)
			i += len(m) - 1
		}
	}
	return strings.Join(out, " ")
}

var allowedTags = map[string]bool{"b": true, "i": true, "u": true, "s": true, "code": true, "pre": true, "a": true, "blockquote": true}

// Every text exists in both languages, with the same %-verbs in the same order, and is HTML that
// Telegram accepts.
func TestCatalogs(t *testing.T) {
	viV, enV := reflect.ValueOf(vi), reflect.ValueOf(en)
	typ := viV.Type()
	for i := 0; i < typ.NumField(); i++ {
		name := typ.Field(i).Name
		v, e := viV.Field(i).String(), enV.Field(i).String()
		if strings.TrimSpace(v) == "" || strings.TrimSpace(e) == "" {
			t.Errorf("%s is empty in a catalog", name)
			continue
		}
		if a, b := verbs(v), verbs(e); a != b {
			t.Errorf("%s: verbs differ: vi %q, en %q", name, a, b)
		}
		for _, s := range []string{v, e} {
			if err := checkHTML(s); err != nil {
				t.Errorf("%s: %v in %q", name, err, s)
			}
		}
		if strings.HasPrefix(name, "Cmd") && !strings.HasSuffix(name, "Desc") {
			if _, ok := aliases[v]; !ok {
				t.Errorf("%s: menu command %q is not a command", name, v)
			}
			if _, ok := aliases[e]; !ok {
				t.Errorf("%s: menu command %q is not a command", name, e)
			}
		}
	}
}

func checkHTML(s string) error {
	var open []string
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return errorf("unclosed <")
			}
			tag := s[i+1 : i+j]
			name := strings.TrimPrefix(strings.Fields(tag + " ")[0], "/")
			if !allowedTags[name] {
				return errorf("tag <" + tag + "> is not allowed")
			}
			if strings.HasPrefix(tag, "/") {
				if len(open) == 0 || open[len(open)-1] != name {
					return errorf("</" + name + "> closes nothing")
				}
				open = open[:len(open)-1]
			} else {
				open = append(open, name)
			}
			i += j
		case '>':
			return errorf("bare >")
		case '&':
			j := strings.IndexByte(s[i:], ';')
			if j < 0 || j > 8 {
				return errorf("bare &")
			}
		}
	}
	if len(open) > 0 {
		return errorf("unclosed <" + open[len(open)-1] + ">")
	}
	return nil
}

type htmlError string

func (e htmlError) Error() string { return string(e) }
func errorf(s string) error       { return htmlError(s) }
