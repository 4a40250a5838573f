// Package gs1 reads what a warehouse barcode scanner types: JAN/EAN-13,
// EAN-8, UPC-A, ITF-14/GTIN-14 and GS1-128 element strings, with their GS1
// check digits. It is pure: no I/O, no clock unless asked, no panics.
package gs1

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind is the barcode format a scan came from.
type Kind int

// The formats a keyboard-wedge scanner delivers in a warehouse. A UPC-A is
// read as an EAN-13 because GS1 defines it as one with a leading zero.
const (
	// EAN13 is a 13-digit JAN/EAN-13, or a 12-digit UPC-A read as one.
	EAN13 Kind = iota + 1
	// EAN8 is an 8-digit short JAN/EAN-8.
	EAN8
	// GTIN14 is a bare 14-digit GTIN, usually from an ITF-14 symbol on a case.
	GTIN14
	// GS1128 is a GS1-128 element string with application identifiers.
	GS1128
)

// String returns the format's usual name, as printed in scan logs.
func (k Kind) String() string {
	switch k {
	case EAN13:
		return "EAN-13"
	case EAN8:
		return "EAN-8"
	case GTIN14:
		return "GTIN-14"
	case GS1128:
		return "GS1-128"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Code is one successful scan, reduced to what a warehouse looks up.
type Code struct {
	// Kind is the format that was scanned.
	Kind Kind
	// GTIN is the canonical key for product_barcode lookups: 13 digits for a
	// JAN, UPC-A or indicator-0 GTIN-14, 8 for an EAN-8, and the full 14 for
	// a case or a variable-measure item. It always has a valid check digit.
	GTIN string
	// Indicator is the GTIN-14 indicator digit: 0 for an item, 1–8 for a
	// case of a fixed quantity, 9 for a variable-measure item.
	Indicator int
	// Lot is the batch or lot from AI (10), empty if none.
	Lot string
	// Expiry is the date from AI (17) at midnight UTC, zero if none; compare
	// it as a calendar date.
	Expiry time.Time
	// Serial is the serial number from AI (21), empty if none.
	Serial string
	// Raw is the input exactly as received, for the scan log.
	Raw string
}

// IsCase reports whether the code marks a case (indicator 1–8), which a
// scan counts as its pack quantity of the contained item.
func (c Code) IsCase() bool {
	return c.Indicator >= 1 && c.Indicator <= 8
}

// IsVariableMeasure reports whether the code is a variable-measure GTIN-14
// (indicator 9): sold by weight or length, so it cannot be counted in units.
func (c Code) IsVariableMeasure() bool {
	return c.Indicator == 9
}

// ItemGTIN returns the GTIN of the item a case holds, in canonical form (its
// EAN-13, or EAN-8); for anything that is not a case it returns GTIN, since
// the code already names the item.
func (c Code) ItemGTIN() string {
	if !c.IsCase() || len(c.GTIN) != 14 || !allDigits(c.GTIN) {
		return c.GTIN
	}
	// GS1 builds a case code from the item's first 12 digits behind the
	// indicator and a new check digit, so the item's own check digit has to
	// be computed again.
	body := c.GTIN[1:13]
	cd, _ := CheckDigit(body) // cannot fail: GTIN is all digits
	item, _ := canonical(body + string(rune('0'+cd)))
	return item
}

// maxInput is far above the longest code soko reads (a GS1-128 with all four
// AIs in the parenthesised form is under 100 characters), and keeps a stuck
// scanner or a pasted document from being parsed.
const maxInput = 128

// gs is the ASCII group separator a scanner sends for FNC1 to end a
// variable-length GS1-128 field.
const gs = '\x1d'

// Parse reads one scan as of the current date; see ParseAt.
func Parse(s string) (Code, error) {
	return ParseAt(s, time.Now())
}

// ParseAt reads one scan, taking now as the reference for the century of a
// two-digit expiry year, so results are reproducible. It trims surrounding
// whitespace and the Enter a wedge scanner sends, and maps full-width
// characters to ASCII first. Errors wrap ErrNotBarcode, ErrCheckDigit or
// ErrBadElement.
func ParseAt(s string, now time.Time) (Code, error) {
	in := strings.TrimFunc(halfWidth(s), unicode.IsSpace)
	switch {
	case in == "":
		return Code{}, fail(s, ErrNotBarcode, "empty")
	case utf8.RuneCountInString(in) > maxInput:
		return Code{}, fail(s, ErrNotBarcode, "too long: %d characters", utf8.RuneCountInString(in))
	case in[0] == ']':
		return parseSymbologyID(s, in, now)
	case in[0] == '(':
		return parseHumanReadable(s, in, now)
	case in[0] == gs || strings.IndexByte(in, gs) >= 0:
		return parseElementString(s, in, now)
	case len(in) > 14 && strings.HasPrefix(in, "01"):
		// A scanner with symbology identifiers off sends a GS1-128 such as
		// (01)(17)(10) as bare characters with no GS at all when the only
		// variable-length field comes last. No GTIN is longer than 14
		// digits, so this cannot be mistaken for one.
		return parseElementString(s, in, now)
	}
	return parseGTIN(s, in)
}

// parseSymbologyID handles the AIM symbology identifier ("]C1" and so on) a
// scanner prefixes when configured to, which says how to read the rest.
func parseSymbologyID(raw, in string, now time.Time) (Code, error) {
	if len(in) < 3 {
		return Code{}, fail(raw, ErrNotBarcode, "incomplete symbology identifier %q", in)
	}
	switch id, rest := in[:3], in[3:]; id {
	case "]C1":
		return parseElementString(raw, rest, now)
	case "]E0", "]E4", "]I0", "]I1":
		// EAN-13/UPC-A, EAN-8 and ITF: a scanner that prefixes ]C1 to
		// GS1-128 prefixes these to every retail and case code too.
		return parseGTIN(raw, rest)
	default:
		return Code{}, fail(raw, ErrNotBarcode, "symbology identifier %q is not one soko reads (]C1, ]E0, ]E4, ]I0, ]I1)", id)
	}
}

// parseGTIN reads a bare EAN-13, EAN-8, UPC-A or GTIN-14.
func parseGTIN(raw, d string) (Code, error) {
	if !allDigits(d) {
		return Code{}, notDigits(raw, d)
	}
	var kind Kind
	switch len(d) {
	case 8:
		kind = EAN8
	case 12, 13:
		kind = EAN13
	case 14:
		kind = GTIN14
	default:
		return Code{}, fail(raw, ErrNotBarcode, "%d digits; a JAN/EAN-13 has 13, EAN-8 8, UPC-A 12, ITF-14 14", len(d))
	}
	if err := checkGTIN(raw, d, ""); err != nil {
		return Code{}, err
	}
	gtin, ind := canonical(d)
	return Code{Kind: kind, GTIN: gtin, Indicator: ind, Raw: raw}, nil
}

// checkGTIN verifies the check digit of d, which callers have made sure is
// 8 to 14 ASCII digits (so CheckDigit cannot fail); what names the field in
// the message when d came from a GS1-128 element.
func checkGTIN(raw, d, what string) error {
	want, _ := CheckDigit(d[:len(d)-1])
	if got := int(d[len(d)-1] - '0'); got != want {
		return fail(raw, ErrCheckDigit, "%slast digit of %s is %d, should be %d (misread?)", what, d, got, want)
	}
	return nil
}

// notDigits explains why a would-be GTIN is not one. Input with no digits at
// all but the length of a GTIN is typically a scanner typing on a keyboard
// layout other than the one the handheld uses, so the message says so.
func notDigits(raw, in string) error {
	n := utf8.RuneCountInString(in)
	if !strings.ContainsAny(in, "0123456789") && (n == 8 || n == 12 || n == 13 || n == 14) {
		return fail(raw, ErrNotBarcode, "no digits in %d characters; is the scanner set to the same keyboard layout as the device?", n)
	}
	pos := 0
	for _, r := range in {
		pos++
		if r < '0' || r > '9' {
			return fail(raw, ErrNotBarcode, "%q at position %d where a digit belongs", r, pos)
		}
	}
	return fail(raw, ErrNotBarcode, "not all digits")
}

// halfWidth maps full-width ASCII (U+FF01–U+FF5E) and the ideographic space
// to ASCII: a Japanese IME left in full-width mode turns the digits a wedge
// scanner types into ０–９. It is the part of NFKC that barcodes need, without
// pulling in golang.org/x/text.
func halfWidth(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		case r == '\u3000':
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}
