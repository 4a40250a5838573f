// Package pdf renders soko's printed documents — packing slips, shipping
// labels and location labels — as PDF with gofpdf and the embedded IPAex
// Gothic font (DESIGN.md §6).
package pdf

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/jung-kurt/gofpdf"
)

// ipaexGothic is IPAex Gothic, shipped unmodified with its licence in font/.
// Documents never get these bytes themselves (see fontCopies); the glyph
// coverage is read from them.
//
//go:embed font/ipaexg.ttf
var ipaexGothic []byte

// fontCopies hands each document in progress a copy of the font file of its
// own. gofpdf writes into the bytes it is given: subsetting the font on
// Output, it pads each table to four bytes with append, which lands in the
// file just past the table. The bytes written are the zeros already there,
// so the font stays intact, but two stations printing at once would write the
// same memory — a data race. Copies are reused, so a 6 MB copy is made only
// when more documents are in progress than before.
var fontCopies = sync.Pool{New: func() any {
	font := bytes.Clone(ipaexGothic)
	return &font
}}

// fontFamily is the name documents select the embedded font by. gofpdf
// embeds only the glyphs a document uses and names the font "utf8" + the
// family in lower case; output turns that into the PostScript name a
// subset must carry, a six-letter tag + "IPAexGothic", of the same length
// so that no byte offset in the file moves.
const fontFamily = "subIPAexGothic"

// gofpdfFontName and fontName are the embedded font's name as gofpdf writes
// it and as output rewrites it, without the tag.
const (
	gofpdfFontName = "/BaseFont /utf8subipaexgothic"
	fontName       = "IPAexGothic"
)

// output writes the finished document to w with the embedded font named as
// the subset it is (PDF 32000-1 §9.6.4): TAG+IPAexGothic, where the tag is
// six capital letters derived from the document, so different subsets get
// different tags and the same document always the same one. pdffonts and
// preflight tools flag an untagged subset as a fully embedded font.
func output(f *gofpdf.Fpdf, w io.Writer) error {
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	named := bytes.ReplaceAll(buf.Bytes(), []byte(gofpdfFontName), []byte("/BaseFont /"+string(tag)+"+"+fontName))
	_, err := w.Write(named)
	return err
}

// missingGlyph stands in for a character the font cannot print: the geta mark
// is what Japanese systems have always printed there, and it shows a reader
// that something is missing where a blank would hide it.
const missingGlyph = '〓'

// newDocument starts an empty document in millimetres with the font loaded.
// Adding the font costs gofpdf a full parse of the 6 MB file (a few
// milliseconds), which is why callers put many pages in one document rather
// than making one document per page. The caller calls release once it is
// done with the document, written or not, and not before: gofpdf uses the
// font's bytes until Output returns.
func newDocument(size gofpdf.SizeType, now time.Time) (f *gofpdf.Fpdf, release func(), err error) {
	font := fontCopies.Get().(*[]byte)
	release = func() { fontCopies.Put(font) }
	f = gofpdf.NewCustom(&gofpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: size})
	// Pages are laid out in advance, so gofpdf must never break one by itself.
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCellMargin(0)
	f.SetCreator("soko", false)
	f.SetCreationDate(now.UTC())
	f.SetModificationDate(now.UTC())
	f.AddUTF8FontFromBytes(fontFamily, "", *font)
	// A font that fails to parse is only reported by the first SetFont, as
	// "undefined font", so select it now to surface the failure here.
	f.SetFont(fontFamily, "", 10)
	if f.Err() {
		release()
		return nil, nil, f.Error()
	}
	return f, release, nil
}

// printable returns s with every character the font cannot print replaced by
// the geta mark and control characters turned into spaces (newlines are kept
// for the caller to honour or fold). gofpdf indexes its width table by rune and
// panics past the Basic Multilingual Plane, so nothing else may reach it.
func printable(s string) string {
	cover := glyphCoverage()
	clean := true
	for _, r := range s {
		if r == '\n' || (r >= ' ' && r < 0x7f) {
			continue
		}
		if r > 0xffff || unicode.IsControl(r) || !cover.has(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case r > 0xffff || !cover.has(r):
			// Variation selectors and joiners only modify the previous
			// character; dropping them keeps the base character printable.
			if unicode.Is(unicode.Variation_Selector, r) || r == 0x200d {
				continue
			}
			b.WriteRune(missingGlyph)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine is printable text with line breaks folded into spaces, for fields
// such as names and addresses that have exactly one line to live on. Other
// spacing is kept as given: the full-width space in 山田　太郎 is the name.
func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(printable(s), "\n", " "))
}

// coverage is a bit set of the BMP characters the embedded font has glyphs for.
type coverage []uint64

func (c coverage) has(r rune) bool {
	return r >= 0 && int(r)/64 < len(c) && c[r/64]&(1<<(uint(r)%64)) != 0
}

// glyphCoverage reads the font's Unicode cmap once per process: the font never
// changes, and gofpdf offers no way to ask it which characters it has.
var glyphCoverage = sync.OnceValue(func() coverage { return cmapCoverage(ipaexGothic) })

// cmapCoverage decodes the (3,1) format 4 cmap subtable of a TrueType font.
// A font it cannot read yields an empty set, which prints every character as
// the geta mark — visible in the first test rather than silently wrong.
func cmapCoverage(ttf []byte) coverage {
	cover := make(coverage, 0x10000/64)
	u16 := func(off int) int {
		if off < 0 || off+2 > len(ttf) {
			return -1
		}
		return int(binary.BigEndian.Uint16(ttf[off:]))
	}
	u32 := func(off int) int {
		if off < 0 || off+4 > len(ttf) {
			return -1
		}
		return int(binary.BigEndian.Uint32(ttf[off:]))
	}
	cmap := -1
	for i, n := 0, u16(4); i < n; i++ {
		rec := 12 + 16*i
		if rec+16 <= len(ttf) && string(ttf[rec:rec+4]) == "cmap" {
			cmap = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return cover
	}
	sub := -1
	for i, n := 0, u16(cmap+2); i < n; i++ {
		rec := cmap + 4 + 8*i
		if u16(rec) == 3 && u16(rec+2) == 1 {
			sub = cmap + u32(rec+4)
		}
	}
	if sub < 0 || u16(sub) != 4 {
		return cover
	}
	segs := u16(sub+6) / 2
	ends, starts := sub+14, sub+16+2*segs
	deltas, ranges := starts+2*segs, starts+4*segs
	for s := 0; s < segs; s++ {
		end, start := u16(ends+2*s), u16(starts+2*s)
		delta, rangeOff := u16(deltas+2*s), u16(ranges+2*s)
		if end < 0 || start < 0 || delta < 0 || rangeOff < 0 {
			return cover
		}
		for c := start; c <= end && c < 0xffff; c++ {
			glyph := (c + delta) & 0xffff
			if rangeOff != 0 {
				glyph = u16(ranges + 2*s + rangeOff + 2*(c-start))
				if glyph > 0 {
					glyph = (glyph + delta) & 0xffff
				}
			}
			if glyph > 0 {
				cover[c/64] |= 1 << (uint(c) % 64)
			}
		}
	}
	return cover
}
