package carrier

import (
	"strings"

	"github.com/soko-wms/soko/internal/soko"
)

// CheckDigit7 returns the check digit (0–6) of a Yamato, Sagawa or Japan Post
// tracking number from its first 11 digits: the 11 digits read as one
// integer, mod 7. It wants exactly 11 ASCII digits, so a whole 12-digit
// number passed by mistake is an error rather than a wrong digit.
func CheckDigit7(first11 string) (int, error) {
	if len(first11) != 11 || !allDigits(first11) {
		return 0, soko.Errorf(soko.EINVALID, "check digit: want the first 11 digits of a tracking number, got %s", quote(first11)).
			JA("チェックデジットの計算には伝票番号の先頭11桁の数字が必要です（入力: %s）", quote(first11)).
			WithField("tracking_number", "want 11 digits")
	}
	return mod7(first11), nil
}

// NormalizeTrackingNumber returns number as bare ASCII digits, or "" when it
// is not a digit tracking number. It drops what hands and scanners add around
// the digits: surrounding blanks, one NW-7 start and one stop character (A–D,
// either case), hyphens and blanks between digit groups (1234-5678-9012), and
// the full-width digits and dashes a Japanese IME types.
func NormalizeTrackingNumber(number string) string {
	s := strings.TrimSpace(number)
	if s != "" && isStartStop(s[0]) {
		s = s[1:]
	}
	if s != "" && isStartStop(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + r - '０')
		case isSeparator(r):
		default:
			return ""
		}
	}
	return b.String()
}

// ValidTrackingNumber reports whether number, once normalised, is a tracking
// number of the carrier with carrierCode: the carrier's number of digits with
// a correct mod-7 check digit, or anything not blank for a carrier with
// free-form numbers. An unknown carrier has no valid numbers.
//
// It cannot tell Yamato, Sagawa and Japan Post apart: all three issue 12
// digits with the same check digit, and none publishes its number ranges
// (carriers.md). Whose a number is comes from soko's data instead: see Taken.
func ValidTrackingNumber(carrierCode, number string) bool {
	c := find(carrierCode)
	switch {
	case c == nil:
		return false
	case c.TrackingDigits == 0:
		return strings.TrimSpace(number) != ""
	}
	n := NormalizeTrackingNumber(number)
	if len(n) != c.TrackingDigits || len(n) < 2 {
		return false
	}
	return int(n[len(n)-1]-'0') == mod7(n[:len(n)-1])
}

// mod7 returns the ASCII digit string digits, read as one integer, mod 7;
// digit by digit, so no length can overflow.
func mod7(digits string) int {
	r := 0
	for i := 0; i < len(digits); i++ {
		r = (r*10 + int(digits[i]-'0')) % 7
	}
	return r
}

// isStartStop reports whether c is an NW-7 (Codabar) start or stop
// character, which scanners may be set to transmit.
func isStartStop(c byte) bool {
	return c >= 'A' && c <= 'D' || c >= 'a' && c <= 'd'
}

// isSeparator reports whether r is a blank or a dash people put between
// digit groups, including the look-alikes an IME produces (－ ー ‐ −).
func isSeparator(r rune) bool {
	switch r {
	case '-', ' ', '\u3000', '\uff0d', '\u30fc', '\uff70', '\u2010', '\u2011', '\u2212':
		return true
	}
	return false
}

// allDigits reports whether s is non-empty and only ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
