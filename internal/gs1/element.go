package gs1

import (
	"strings"
	"time"
	"unicode/utf8"
)

// element is one application identifier and its data, as cut from the input.
type element struct {
	ai, data string
}

// field describes how soko reads one application identifier.
type field struct {
	name  string // for messages
	fixed int    // data length when GS1 predefines it, else 0
	max   int    // longest data allowed
}

// lookupAI returns the rules for the application identifiers soko reads.
// Anything else is refused rather than skipped: without its length the rest
// of the string cannot be cut reliably.
func lookupAI(ai string) (field, bool) {
	switch ai {
	case "01":
		return field{name: "GTIN", fixed: 14, max: 14}, true
	case "10":
		return field{name: "lot", max: 20}, true
	case "17":
		return field{name: "expiry date", fixed: 6, max: 6}, true
	case "21":
		return field{name: "serial", max: 20}, true
	}
	return field{}, false
}

// unsupportedAI explains an application identifier soko does not read; at
// is the input from where the identifier should start.
func unsupportedAI(raw, at string) error {
	if len(at) > 4 {
		at = at[:4]
	}
	return fail(raw, ErrBadElement, "unknown or unsupported application identifier at %q; soko reads (01), (10), (17) and (21)", at)
}

// parseElementString reads a GS1-128 element string as a scanner sends it:
// identifiers without parentheses, a GS after each variable-length field
// that is not last, and none needed after fixed-length ones.
func parseElementString(raw, s string, now time.Time) (Code, error) {
	var els []element
	for i := 0; i < len(s); {
		if s[i] == gs {
			// A leading GS stands for the FNC1 that starts every GS1-128;
			// encoders also put a redundant one after fixed-length fields.
			i++
			continue
		}
		if i+2 > len(s) {
			return Code{}, fail(raw, ErrBadElement, "stray %q at the end", s[i:])
		}
		ai := s[i : i+2]
		f, ok := lookupAI(ai)
		if !ok {
			return Code{}, unsupportedAI(raw, s[i:])
		}
		i += 2
		var data string
		if f.fixed > 0 {
			if i+f.fixed > len(s) {
				return Code{}, fail(raw, ErrBadElement, "(%s) %s needs %d digits, only %d left", ai, f.name, f.fixed, len(s)-i)
			}
			data = s[i : i+f.fixed]
		} else {
			end := strings.IndexByte(s[i:], gs)
			if end < 0 {
				end = len(s) - i
			}
			data = s[i : i+end]
		}
		i += len(data)
		els = append(els, element{ai: ai, data: data})
	}
	return decode(raw, els, now)
}

// parseHumanReadable reads the printed form, "(01)04912345678904(10)LOT1",
// as someone types or pastes it. Data runs to the next '(' or GS, so a lot
// containing '(' cannot be written this way; scan it instead.
func parseHumanReadable(raw, s string, now time.Time) (Code, error) {
	// Printed labels space the elements out; a space is not in GS1's
	// character set, so removing every one loses nothing.
	s = strings.ReplaceAll(s, " ", "")
	var els []element
	for i := 0; i < len(s); {
		if s[i] == gs {
			i++
			continue
		}
		if s[i] != '(' {
			return Code{}, fail(raw, ErrBadElement, "expected '(' at %q", clip(s[i:]))
		}
		closing := strings.IndexByte(s[i:], ')')
		if closing < 0 {
			return Code{}, fail(raw, ErrBadElement, "'(' without ')' at %q", clip(s[i:]))
		}
		ai := s[i+1 : i+closing]
		if _, ok := lookupAI(ai); !ok {
			return Code{}, fail(raw, ErrBadElement, "unknown or unsupported application identifier (%s); soko reads (01), (10), (17) and (21)", clip(ai))
		}
		i += closing + 1
		end := strings.IndexAny(s[i:], "(\x1d")
		if end < 0 {
			end = len(s) - i
		}
		els = append(els, element{ai: ai, data: s[i : i+end]})
		i += end
	}
	return decode(raw, els, now)
}

// decode checks each element's data and fills a Code. It insists on (01):
// a scan has to name a product, and a lot or date alone cannot.
func decode(raw string, els []element, now time.Time) (Code, error) {
	c := Code{Kind: GS1128, Raw: raw}
	seen := map[string]bool{}
	for _, el := range els {
		f, _ := lookupAI(el.ai)
		if seen[el.ai] {
			return Code{}, fail(raw, ErrBadElement, "(%s) %s appears twice", el.ai, f.name)
		}
		seen[el.ai] = true
		if f.fixed > 0 && (len(el.data) != f.fixed || !allDigits(el.data)) {
			return Code{}, fail(raw, ErrBadElement, "(%s) %s must be %d digits, got %q", el.ai, f.name, f.fixed, clip(el.data))
		}
		switch el.ai {
		case "01":
			if err := checkGTIN(raw, el.data, "(01) GTIN: "); err != nil {
				return Code{}, err
			}
			c.GTIN, c.Indicator = canonical(el.data)
		case "17":
			t, err := expiry(raw, el.data, now)
			if err != nil {
				return Code{}, err
			}
			c.Expiry = t
		case "10", "21":
			if err := checkText(raw, el.ai, f, el.data); err != nil {
				return Code{}, err
			}
			if el.ai == "10" {
				c.Lot = el.data
			} else {
				c.Serial = el.data
			}
		}
	}
	if len(els) == 0 {
		return Code{}, fail(raw, ErrBadElement, "no application identifiers")
	}
	if c.GTIN == "" {
		return Code{}, fail(raw, ErrBadElement, "no (01) GTIN, so the product is unknown")
	}
	return c, nil
}

// checkText validates a variable-length alphanumeric field against GS1's
// character set 82, which is what a printer may encode in GS1-128.
func checkText(raw, ai string, f field, data string) error {
	if data == "" {
		return fail(raw, ErrBadElement, "(%s) %s is empty", ai, f.name)
	}
	if len(data) > f.max {
		return fail(raw, ErrBadElement, "(%s) %s is %d characters, at most %d", ai, f.name, len(data), f.max)
	}
	for _, r := range data {
		if !inCSet82(r) {
			return fail(raw, ErrBadElement, "(%s) %s contains %q, which GS1-128 cannot carry", ai, f.name, r)
		}
	}
	return nil
}

// inCSet82 reports whether r is in GS1 AI encodable character set 82:
// printable ASCII except space, '#', '$', '@', '[', '\\', ']', '^', '`',
// '{', '|', '}' and '~'.
func inCSet82(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune(`!"%&'()*+,-./:;<=>?_`, r)
}

// expiry turns AI (17) YYMMDD into a date. GS1 General Specifications
// ("Determination of century in dates") put a two-digit year within 49
// years before and 50 years after now's year: YY minus now's YY of 51 or
// more means the previous century, -50 or less the next one. Day 00 means
// the last day of the month.
func expiry(raw, d string, now time.Time) (time.Time, error) {
	yy := int(d[0]-'0')*10 + int(d[1]-'0')
	mm := int(d[2]-'0')*10 + int(d[3]-'0')
	dd := int(d[4]-'0')*10 + int(d[5]-'0')
	cur := now.Year()
	century := cur - cur%100
	switch diff := yy - cur%100; {
	case diff >= 51:
		century -= 100
	case diff <= -50:
		century += 100
	}
	year := century + yy
	if mm < 1 || mm > 12 {
		return time.Time{}, fail(raw, ErrBadElement, "(17) expiry date %s has month %02d", d, mm)
	}
	// Day 0 of the next month is the last day of this one.
	last := time.Date(year, time.Month(mm)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if dd == 0 {
		dd = last
	}
	if dd > last {
		return time.Time{}, fail(raw, ErrBadElement, "(17) expiry date %s: %04d-%02d has no day %02d", d, year, mm, dd)
	}
	return time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC), nil
}

// clip shortens s for an error message.
func clip(s string) string {
	const keep = 24
	if utf8.RuneCountInString(s) > keep {
		return string([]rune(s)[:keep]) + "…"
	}
	return s
}
