package pdf

import (
	"github.com/soko-wms/soko/internal/soko"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// measurer tells the printed width of text in the document's current font.
type measurer interface {
	GetStringWidth(s string) float64
}

// wrap breaks printable text into lines no wider than width, the way Japanese
// typesetting does: between any two Japanese characters, at spaces between
// Latin words, never before closing punctuation or small kana and never after
// an opening bracket (kinsoku). A word wider than the whole line is broken
// where it overflows, so no character is ever lost. Explicit newlines are kept.
func wrap(m measurer, text string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, wrapParagraph(m, []rune(para), width)...)
	}
	return lines
}

func wrapParagraph(m measurer, rs []rune, width float64) []string {
	rs = trimSpaces(rs)
	if len(rs) == 0 {
		return []string{""}
	}
	var lines []string
	start := 0
	for start < len(rs) {
		w, end, lastBreak := 0.0, start, -1
		for end < len(rs) {
			cw := m.GetStringWidth(string(rs[end]))
			if w+cw > width && end > start {
				break
			}
			w += cw
			end++
			if end < len(rs) && canBreak(rs[end-1], rs[end]) {
				lastBreak = end
			}
		}
		if end < len(rs) && lastBreak > start {
			end = lastBreak
		}
		lines = append(lines, string(trimSpaces(rs[start:end])))
		start = end
		for start < len(rs) && rs[start] == ' ' {
			start++
		}
	}
	return lines
}

// trimSpaces drops the Latin spaces a break leaves at either end of a line.
// The full-width space stays: a paragraph that starts with one is indented
// on purpose (字下げ).
func trimSpaces(rs []rune) []rune {
	for len(rs) > 0 && rs[0] == ' ' {
		rs = rs[1:]
	}
	for len(rs) > 0 && rs[len(rs)-1] == ' ' {
		rs = rs[:len(rs)-1]
	}
	return rs
}

// canBreak reports whether a line may end between a and b.
func canBreak(a, b rune) bool {
	if strings.ContainsRune(noLineStart, b) || strings.ContainsRune(noLineEnd, a) {
		return false
	}
	if unicode.IsSpace(a) || unicode.IsSpace(b) {
		return true
	}
	return wide(a) || wide(b)
}

// wide reports whether r is set on the Japanese grid (kana, kanji, full-width
// forms), where a line may break between any two characters.
func wide(r rune) bool { return r >= 0x2e80 }

// The kinsoku rules (JIS X 4051): characters a line must not start with, and
// characters it must not end with.
const (
	noLineStart = "、。，．・：；？！゛゜ヽヾゝゞ々〻ー‐―～〜）］｝」』】〕〉》〙〗〟’”ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ),.:;?!%］）％"
	noLineEnd   = "（［｛「『【〔〈《〘〖〝‘“([{¥￥$＄#＃"
)

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

// leading is the line height as a multiple of the type size: kanji fill their
// whole em square, so lines set solid would touch.
const leading = 1.25

// sizedMeasurer measures text at a type size it can be set to, as the
// document does.
type sizedMeasurer interface {
	measurer
	SetFontSize(pt float64)
}

// fitted is text laid out to fit a box: the size it prints at and its lines.
type fitted struct {
	pt    float64
	lines []string
	cut   bool // it did not fit even at the smallest size and ends in "…"
}

func (t fitted) lineHeight() float64 { return t.pt * leading * ptMM }

func (t fitted) height() float64 { return float64(len(t.lines)) * t.lineHeight() }

// fit lays paragraphs out in a box w × h mm, so that a label's fixed boxes
// never overflow whatever a shop sends: wrapped at maxPt when they fit, else
// at the largest size down to minPt, in half points, at which they do. Below
// minPt a carrier's driver can no longer read them, so at minPt the longest
// paragraph gives up lines until the text fits, and where it is cut it ends in
// "…": a reader sees that something is missing instead of being shown a wrong
// address as complete, and the short paragraphs — a building, a company —
// survive the tail of a runaway street. Blank paragraphs take no line.
func fit(m sizedMeasurer, paras []string, w, h, maxPt, minPt float64) fitted {
	var (
		t     fitted
		parts [][]string
		total int
	)
	for pt := maxPt; ; pt -= 0.5 {
		pt = max(pt, minPt)
		m.SetFontSize(pt)
		t, parts, total = fitted{pt: pt}, parts[:0], 0
		for _, p := range paras {
			if strings.TrimSpace(p) != "" {
				lines := wrap(m, p, w)
				parts = append(parts, lines)
				total += len(lines)
			}
		}
		// The tolerance absorbs rounding in the line heights, which would
		// otherwise shrink text that fits exactly.
		if float64(total)*t.lineHeight() <= h+1e-6 || pt <= minPt {
			break
		}
	}
	room := max(1, int((h+1e-6)/t.lineHeight()))
	cut := make([]bool, len(parts))
	for ; total > room; total-- {
		longest := 0
		for i := range parts {
			if len(parts[i]) > len(parts[longest]) {
				longest = i
			}
		}
		if len(parts[longest]) > 1 {
			parts[longest] = parts[longest][:len(parts[longest])-1]
			cut[longest] = true
			continue
		}
		// One line each and still too many: the last paragraphs go, and the
		// one before them shows that more followed.
		parts, cut = parts[:len(parts)-1], cut[:len(cut)-1]
		cut[len(cut)-1] = true
	}
	for i, lines := range parts {
		if cut[i] {
			lines[len(lines)-1] = ellipsize(m, lines[len(lines)-1], w)
			t.cut = true
		}
		t.lines = append(t.lines, lines...)
	}
	return t
}

// ellipsize ends line in "…", dropping as many characters as it takes for
// the line to stay within width.
func ellipsize(m measurer, line string, width float64) string {
	rs := trimSpaces([]rune(line))
	for len(rs) > 0 && m.GetStringWidth(string(rs)+"…") > width {
		rs = trimSpaces(rs[:len(rs)-1])
	}
	return string(rs) + "…"
}

// yen formats a tax-included amount the way Japanese documents print it: ¥1,234.
func yen(amount int64) string {
	sign := ""
	if amount < 0 {
		sign = "-"
	}
	digits := strconv.FormatUint(absUint(amount), 10)
	var b strings.Builder
	b.WriteString(sign + "¥")
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

func absUint(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1
	}
	return uint64(n)
}

// date prints a day in Japan the way forms do: 2026年11月20日.
func date(t time.Time) string {
	t = t.In(soko.JST)
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// postalCode prints a 7-digit postal code as 〒123-4567; anything else is
// printed as given so that a wrong code is seen on the slip, not hidden.
func postalCode(code string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return ""
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		if r == '-' || r == '－' || r == 'ー' || r == '‐' {
			return -1
		}
		return 'x'
	}, code)
	if len(digits) == 7 && !strings.Contains(digits, "x") {
		return "〒" + digits[:3] + "-" + digits[3:]
	}
	return "〒" + code
}
