// Package address normalises and checks Japanese ship-to addresses, so that an
// order whose address a carrier cannot take is refused when it arrives, with
// every bad field named, instead of failing later at label printing.
//
// Call Normalize first, then Check: Check judges exactly what it is given and
// does not forgive what Normalize would have fixed. An address that passes
// both can be written to the carriers' Shift_JIS files by
// golang.org/x/text/encoding/japanese.ShiftJIS without losing a character.
package address

import (
	"unicode/utf8"

	"github.com/soko-wms/soko/internal/soko"
)

// Problem is one thing wrong with one field of an address, in both
// languages, so that the caller can answer in the reader's.
type Problem struct {
	Field   string // prefix + ".postal_code", ".address1" …, as in the API's ShipTo
	Message soko.Text
}

// SJISWidth returns how many bytes s takes in Shift_JIS, the unit of the
// carriers' field limits: 1 for ASCII and half-width katakana, 2 for anything
// else (a character Shift_JIS cannot hold counts as 2, the 〓 a carrier would
// print instead).
func SJISWidth(s string) int {
	n := 0
	for _, r := range s {
		if r < utf8.RuneSelf || halfWidthKatakana(r) {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// halfWidthKatakana reports whether r is in the block that JIS X 0201 gives one
// byte: half-width katakana and their punctuation (｡ to ﾟ).
func halfWidthKatakana(r rune) bool { return 0xFF61 <= r && r <= 0xFF9F }
