package address

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/soko-wms/soko/internal/soko"
)

// Normalize returns a in the form soko stores and prints: every field in
// NFKC (full-width letters and digits to ASCII, half-width katakana to
// full-width) with spaces trimmed and collapsed; the postal code as 7 digits
// without hyphen or 〒; the prefecture by its full name (東京 → 東京都); the
// phone number as digits and hyphens in domestic form (+81 90-1234-5678 →
// 090-1234-5678); the e-mail address with a lower-case domain. A value it
// cannot make sense of is left for Check to refuse. Normalize is idempotent.
func Normalize(a soko.Address) soko.Address {
	a.PostalCode = normalizePostalCode(a.PostalCode)
	a.Prefecture, a.City = normalizePrefecture(Clean(a.Prefecture), Clean(a.City))
	a.Street = joinNumbers(Clean(a.Street))
	a.Building = joinNumbers(Clean(a.Building))
	a.Company = Clean(a.Company)
	a.Name = Clean(a.Name)
	a.Phone = normalizePhone(a.Phone)
	a.Email = normalizeEmail(a.Email)
	return a
}

// Clean is the normalisation every address field gets, and every text that
// goes to a carrier's Shift_JIS file.
//
// Invisible format characters (zero-width spaces, byte-order marks, variation
// selectors) go first: people cannot see them to fix them, they carry no
// letter, and left in they would block NFKC from composing what surrounds
// them. After NFKC, the characters that Japanese input methods type but
// Windows-31J lacks become the ones it has, so that what passes Check can be
// written in Shift_JIS as it reads.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(dropInvisible, s)
	s = norm.NFKC.String(s)
	s = strings.Map(windows31J, s)
	return strings.Join(strings.Fields(s), " ")
}

// dropInvisible drops format characters and variation selectors.
func dropInvisible(r rune) rune {
	if unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) {
		return -1
	}
	return r
}

// windows31J maps characters that JIS X 0208 and Windows-31J (CP932, what the
// ShiftJIS encoder implements) read differently to Windows-31J's reading,
// choosing forms that NFKC leaves alone: the Mac input method types − (U+2212)
// where Windows types － and 〜 (U+301C) where Windows types ～, which NFKC
// makes - and ~.
func windows31J(r rune) rune {
	switch r {
	case '\u2212', '\u2013': // − minus sign, – en dash
		return '-'
	case '\u301C': // 〜 wave dash
		return '~'
	case '\u2014': // — em dash
		return '\u2015' // ―
	case '\u2016': // ‖
		return '\u2225' // ∥
	case '\u00A5': // ¥, which NFKC makes of ￥
		return '\uFFE5'
	case '\u00A2': // ¢
		return '\uFFE0'
	case '\u00A3': // £
		return '\uFFE1'
	case '\u00AC': // ¬
		return '\uFFE2'
	}
	return r
}

// isDash reports whether r is one of the dashes people put between the
// numbers of an address or a postal code, once clean has run.
func isDash(r rune) bool {
	switch r {
	case '-', 'ー', '\u2010', '\u2012', '\u2015':
		return true
	}
	return false
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func allDigits(s string) bool {
	for _, r := range s {
		if !isDigit(r) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// joinNumbers writes a dash between two digits as an ASCII hyphen, so that
// 1ー9ー1 (the long-vowel mark typed for a hyphen) reads 1-9-1 while センター
// keeps its ー.
func joinNumbers(s string) string {
	rs := []rune(s)
	changed := false
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] != '-' && isDash(rs[i]) && isDigit(rs[i-1]) && isDigit(rs[i+1]) {
			rs[i] = '-'
			changed = true
		}
	}
	if !changed {
		return s
	}
	return string(rs)
}

// normalizePostalCode drops 〒, spaces and dashes when only digits remain.
func normalizePostalCode(s string) string {
	s = Clean(s)
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || isDash(r) {
			return -1
		}
		return r
	}, strings.TrimPrefix(s, "〒"))
	if digits == "" || !allDigits(digits) {
		return s
	}
	return digits
}

// normalizePrefecture completes a prefecture written without 都, 府 or 県 and
// moves a prefecture written at the start of the city into its own field,
// where it is missing or the same, so that labels do not print it twice.
func normalizePrefecture(pref, city string) (string, string) {
	if code := prefectureCodes[pref]; code > 0 {
		pref = prefectures[code-1].name
	}
	for {
		p, rest, ok := cutPrefecture(city)
		if !ok || pref != "" && pref != p {
			return pref, city
		}
		pref, city = p, strings.TrimSpace(rest)
	}
}

// cutPrefecture splits a full prefecture name from the start of s.
func cutPrefecture(s string) (pref, rest string, ok bool) {
	for _, p := range prefectures {
		if rest, ok := strings.CutPrefix(s, p.name); ok {
			return p.name, rest, true
		}
	}
	return "", s, false
}

// normalizePhone turns a Japanese phone number into digits and hyphens,
// reading +81 as the trunk prefix 0 and parentheses and spaces as hyphens:
// 03(1234)5678 → 03-1234-5678. A number with anything else, such as an
// extension or another country's code, is left as it was written.
func normalizePhone(s string) string {
	s = Clean(s)
	rest, international := strings.CutPrefix(s, "+81")
	if international {
		rest = strings.TrimLeft(rest, " -")
		rest = strings.TrimPrefix(rest, "(0)")
	}
	var b strings.Builder
	for _, r := range rest {
		switch {
		case isDigit(r):
			b.WriteRune(r)
		case r == ' ' || r == '(' || r == ')' || isDash(r):
			b.WriteByte('-')
		default:
			return s
		}
	}
	phone := strings.Join(strings.FieldsFunc(b.String(), func(r rune) bool { return r == '-' }), "-")
	if phone == "" {
		return s
	}
	if international && phone[0] != '0' {
		phone = "0" + phone
	}
	return phone
}

// normalizeEmail lower-cases the domain, which is case-insensitive; the local
// part is the receiving server's to interpret and stays as written.
func normalizeEmail(s string) string {
	s = Clean(s)
	at := strings.LastIndexByte(s, '@')
	if at < 0 || !isASCII(s[at+1:]) {
		return s
	}
	return s[:at+1] + strings.ToLower(s[at+1:])
}
