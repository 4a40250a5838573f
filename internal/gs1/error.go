package gs1

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// The three kinds of failure differ in what the person holding the scanner
// should do next, so the server picks its message and sound by kind.
var (
	// ErrCheckDigit means the digits arrived but their check digit does not
	// hold: a misread, or a scanner typing on the wrong keyboard layout. Scan again.
	ErrCheckDigit = errors.New("check digit wrong")
	// ErrNotBarcode means the input is not a product barcode at all: empty,
	// letters where digits belong, or a length no GTIN has.
	ErrNotBarcode = errors.New("not a barcode")
	// ErrBadElement means a GS1-128 element string is malformed, carries an
	// application identifier soko does not read, or has no (01) GTIN.
	ErrBadElement = errors.New("bad GS1-128 element")
)

// maxQuoted bounds how much of the input an error message repeats, so a
// scanner gone wild cannot flood the logs through error strings.
const maxQuoted = 48

// fail wraps kind with the offending input and the reason, so errors.Is finds
// the kind while the message says what was wrong with which scan.
func fail(input string, kind error, format string, args ...any) error {
	if utf8.RuneCountInString(input) > maxQuoted {
		input = string([]rune(input)[:maxQuoted]) + "…"
	}
	return fmt.Errorf("gs1: %q: %w: %s", input, kind, fmt.Sprintf(format, args...))
}
