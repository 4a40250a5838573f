package address

import "strings"

// prefecture is one of the 47 with the first three digits of the postal codes
// Japan Post gives its towns, as inclusive ranges.
//
// The ranges follow Japan Post's postal code areas (上3桁). They are written
// from the structure of Japan Post's code list (KEN_ALL), not generated from
// it, so they err on accepting: a range covers a whole block of prefixes even
// where a few are unused. The known towns whose prefix belongs to a
// neighbouring prefecture's block are listed as extra ranges (checked against
// public copies of KEN_ALL): 三重県木曽岬町 498, 大阪府島本町 618, 島根県隠岐
// 684–685, 福岡県吉富町・上毛町 871, 長崎県壱岐 811 and 対馬 817. Another such
// town would be refused as a mismatch; add its prefix here.
type prefecture struct {
	name   string
	postal [][2]int
}

// prefectures are the 47 in JIS X 0401 order, so the code is the index plus one.
var prefectures = [47]prefecture{
	{"北海道", [][2]int{{1, 9}, {40, 99}}},
	{"青森県", [][2]int{{30, 39}}},
	{"岩手県", [][2]int{{20, 29}}},
	{"宮城県", [][2]int{{980, 989}}},
	{"秋田県", [][2]int{{10, 19}}},
	{"山形県", [][2]int{{990, 999}}},
	{"福島県", [][2]int{{960, 979}}},
	{"茨城県", [][2]int{{300, 319}}},
	{"栃木県", [][2]int{{320, 329}}},
	{"群馬県", [][2]int{{370, 379}}},
	{"埼玉県", [][2]int{{330, 369}}},
	{"千葉県", [][2]int{{260, 299}}},
	{"東京都", [][2]int{{100, 209}}},
	{"神奈川県", [][2]int{{210, 259}}},
	{"新潟県", [][2]int{{940, 959}}},
	{"富山県", [][2]int{{930, 939}}},
	{"石川県", [][2]int{{920, 929}}},
	{"福井県", [][2]int{{910, 919}}},
	{"山梨県", [][2]int{{400, 409}}},
	{"長野県", [][2]int{{380, 399}}},
	{"岐阜県", [][2]int{{500, 509}}},
	{"静岡県", [][2]int{{410, 439}}},
	{"愛知県", [][2]int{{440, 499}}},
	{"三重県", [][2]int{{510, 519}, {498, 498}}},
	{"滋賀県", [][2]int{{520, 529}}},
	{"京都府", [][2]int{{600, 629}}},
	{"大阪府", [][2]int{{530, 599}, {618, 618}}},
	{"兵庫県", [][2]int{{650, 679}}},
	{"奈良県", [][2]int{{630, 639}}},
	{"和歌山県", [][2]int{{640, 649}}},
	{"鳥取県", [][2]int{{680, 689}}},
	{"島根県", [][2]int{{690, 699}, {684, 685}}},
	{"岡山県", [][2]int{{700, 719}}},
	{"広島県", [][2]int{{720, 739}}},
	{"山口県", [][2]int{{740, 759}}},
	{"徳島県", [][2]int{{770, 779}}},
	{"香川県", [][2]int{{760, 769}}},
	{"愛媛県", [][2]int{{790, 799}}},
	{"高知県", [][2]int{{780, 789}}},
	{"福岡県", [][2]int{{800, 839}, {871, 871}}},
	{"佐賀県", [][2]int{{840, 849}}},
	{"長崎県", [][2]int{{850, 859}, {811, 811}, {817, 817}}},
	{"熊本県", [][2]int{{860, 869}}},
	{"大分県", [][2]int{{870, 879}}},
	{"宮崎県", [][2]int{{880, 889}}},
	{"鹿児島県", [][2]int{{890, 899}}},
	{"沖縄県", [][2]int{{900, 909}}},
}

// Prefectures lists the names of the 47 prefectures in JIS X 0401 order, from
// 北海道 (code 1) to 沖縄県 (code 47).
var Prefectures = prefectureNames()

// prefectureCodes maps full names, and names without 都, 府 or 県, to codes.
var prefectureCodes = prefectureIndex()

// prefectureNames returns a fresh list, so that changing Prefectures changes
// nothing the package decides.
func prefectureNames() []string {
	names := make([]string, len(prefectures))
	for i, p := range prefectures {
		names[i] = p.name
	}
	return names
}

// prefectureIndex builds prefectureCodes.
func prefectureIndex() map[string]int {
	m := make(map[string]int, 2*len(prefectures))
	for i, p := range prefectures {
		m[p.name] = i + 1
		// 北海道 keeps its 道: "北海" is not how anyone writes it.
		for _, suffix := range []string{"都", "府", "県"} {
			if short, ok := strings.CutSuffix(p.name, suffix); ok {
				m[short] = i + 1
			}
		}
	}
	return m
}

// PrefectureCode returns the JIS X 0401 code (1–47) of a prefecture given by
// its full name (東京都) or without 都, 府 or 県 (東京), or 0 if there is none.
func PrefectureCode(name string) int {
	return prefectureCodes[strings.TrimSpace(name)]
}

// postalPrefectures returns the codes of the prefectures whose postal ranges
// hold the three-digit prefix.
func postalPrefectures(prefix int) []int {
	var codes []int
	for i, p := range prefectures {
		if inRanges(prefix, p.postal) {
			codes = append(codes, i+1)
		}
	}
	return codes
}

// inRanges reports whether n lies in one of the inclusive ranges.
func inRanges(n int, ranges [][2]int) bool {
	for _, r := range ranges {
		if r[0] <= n && n <= r[1] {
			return true
		}
	}
	return false
}
