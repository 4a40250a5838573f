package soko

import (
	"strings"
	"unicode"
)

// ScannedCode is the one normal form of whatever a scanner or a keyboard
// sent, for every kind of code alike — locations, products, badges,
// orders, tracking numbers: full-width characters (a Japanese IME left in
// 全角 mode) mapped to ASCII, the long vowel mark and other dashes to '-',
// surrounding whitespace and a non-GS1 AIM symbology identifier (]A0 Code
// 39, ]C0 Code 128, ]Q1 QR) removed. Letters keep their case: an order
// number or SKU may be case-sensitive; codes that are not compare upper
// case (LocationCode, badges). A GS1 identifier (]C1, ]E0 …) stays for
// gs1.Parse to read.
func ScannedCode(raw string) string {
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
		b.WriteRune(r)
	}
	s := strings.TrimFunc(b.String(), unicode.IsSpace)
	if len(s) > 3 && s[0] == ']' {
		switch strings.ToUpper(s[:3]) {
		case "]A0", "]C0", "]Q1", "]Q0":
			s = strings.TrimFunc(s[3:], unicode.IsSpace)
		}
	}
	return s
}

// LocationCode is a scanned location code in its one normal form
// (ScannedCode, upper-cased), so that "Ａ－０１－０４－１", "a-01-05-2" and
// "]C0A-01-05-2" all name a shelf.
func LocationCode(raw string) string { return strings.ToUpper(ScannedCode(raw)) }

// CompactCode is a typed number in its normal form with the hyphens and
// spaces people put between its digits dropped ("０３－１２３４ ５６７８" →
// "0312345678"): contract codes, registration numbers.
func CompactCode(raw string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(ScannedCode(raw))
}

// BadgeCode is a scanned staff badge in its normal form: badges are upper
// case, so "ｐ００１" and "p001" are P001.
func BadgeCode(raw string) string { return strings.ToUpper(ScannedCode(raw)) }
