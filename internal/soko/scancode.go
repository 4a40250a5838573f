package soko

import (
	"strings"
	"unicode"
)

// LocationCode is the one normal form of a location code however it was
// scanned or typed: full-width characters (a Japanese IME left in 全角
// mode) mapped to ASCII, the long vowel mark and other dashes to '-',
// surrounding whitespace and a non-GS1 AIM symbology identifier (]A0 Code
// 39, ]C0 Code 128, ]Q1 QR) removed, and letters upper-cased, so that
// "Ａ－０１－０４－１", "a-01-05-2" and "]C0A-01-05-2" all name a shelf.
func LocationCode(raw string) string {
	var b strings.Builder
	b.Grow(len(raw))
	for _, r := range raw {
		switch {
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		case r == '\u3000':
			r = ' '
		case r == 'ー' || r == '−' || r == '‐' || r == '–' || r == '—' || r == 'ｰ':
			r = '-'
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	s := strings.TrimFunc(b.String(), unicode.IsSpace)
	if len(s) > 3 && s[0] == ']' {
		switch s[:3] {
		case "]A0", "]C0", "]Q1", "]Q0":
			s = s[3:]
		}
	}
	return s
}
