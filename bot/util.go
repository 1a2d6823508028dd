package bot

import (
	"errors"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"nhacviec/storage"
)

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }

// foldVietnamese drops the diacritics of a text ("Khó khăn" → "Kho khan", "Đề xuất" → "De xuat"),
// for matching words typed with or without them.
func foldVietnamese(s string) string {
	var sb strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			sb.WriteRune('d')
		case r == 'Đ':
			sb.WriteRune('D')
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
