package address

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/soko"
)

// The carriers' limits in Shift_JIS bytes, after the fields of Yamato
// B2クラウド's import (carriers.md): お届け先名 16 full-width characters,
// お届け先会社・部門 25, お届け先アパートマンション名 16, お届け先住所 32.
const (
	maxName       = 32
	maxCompany    = 50
	maxBuilding   = 32
	maxCityStreet = 64
)

// field is one field of an address as the API's ShipTo names it, with what
// people call it.
type field struct {
	name, ja, en string
}

var (
	fieldPostalCode = field{"postal_code", "郵便番号", "postal code"}
	fieldPrefecture = field{"prefecture", "都道府県", "prefecture"}
	fieldCity       = field{"city", "市区町村", "city"}
	fieldStreet     = field{"address1", "町域・番地", "street address"}
	fieldBuilding   = field{"address2", "建物名・部屋番号", "building"}
	fieldCompany    = field{"company", "会社名・部署名", "company"}
	fieldName       = field{"name", "お名前", "name"}
	fieldPhone      = field{"phone", "電話番号", "phone number"}
	fieldEmail      = field{"email", "メールアドレス", "email address"}
)

// Check returns what is wrong with a, every problem of every field, or nil if
// a carrier can take it. Fields are named prefix + "." + the API's name
// (postal_code, prefecture, city, address1 for Street, address2 for Building,
// company, name, phone, email), or just the name when prefix is empty.
//
// Check judges a as given; run Normalize first. It requires a postal code of
// 7 digits that lies in the prefecture, one of the 47 prefectures by its full
// name, a city, a street and a name; a phone number, if any, of 10 or 11
// digits starting with 0; an e-mail address, if any, in printable ASCII with
// one @ and a dotted domain; text that Shift_JIS can hold and that fits the
// carriers' fields.
func Check(a soko.Address, prefix string) []Problem {
	c := checker{prefix: prefix, enc: japanese.ShiftJIS.NewEncoder()}
	c.postalCode(a.PostalCode, a.Prefecture)
	c.prefecture(a.Prefecture)
	c.text(fieldCity, a.City, true, 0)
	c.text(fieldStreet, a.Street, true, 0)
	if n := SJISWidth(a.City) + SJISWidth(a.Street); n > maxCityStreet {
		c.add(fieldStreet,
			fmt.Sprintf("市区町村と町域・番地は合わせて全角%d文字（半角%d文字）以内で入力してください（現在 半角換算%d文字）", maxCityStreet/2, maxCityStreet, n),
			fmt.Sprintf("city and street address together must fit in %d Shift_JIS bytes (%d full-width characters); they take %d", maxCityStreet, maxCityStreet/2, n))
	}
	c.text(fieldBuilding, a.Building, false, maxBuilding)
	c.text(fieldCompany, a.Company, false, maxCompany)
	c.text(fieldName, a.Name, true, maxName)
	c.phone(a.Phone)
	c.email(a.Email)
	return c.problems
}

// checker collects the problems of one address.
type checker struct {
	prefix   string
	enc      *encoding.Encoder
	problems []Problem
}

// add records a problem of field f.
func (c *checker) add(f field, ja, en string) {
	name := f.name
	if c.prefix != "" {
		name = c.prefix + "." + f.name
	}
	c.problems = append(c.problems, Problem{Field: name, Message: soko.Text{JA: ja, EN: en}})
}

func (c *checker) required(f field) {
	c.add(f, f.ja+"を入力してください", f.en+" is required")
}

func (c *checker) postalCode(code, pref string) {
	if code == "" {
		c.required(fieldPostalCode)
		return
	}
	if len(code) != 7 || !allDigits(code) {
		c.add(fieldPostalCode, "郵便番号は7桁の数字で入力してください（例: 100-0005）", "postal code must be 7 digits, e.g. 100-0005")
		return
	}
	want := prefectureCodes[pref]
	if want == 0 || prefectures[want-1].name != pref {
		return // the prefecture's own problem says enough
	}
	prefix := int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	if inRanges(prefix, prefectures[want-1].postal) {
		return
	}
	shown := code[:3] + "-" + code[3:]
	ja := fmt.Sprintf("郵便番号 %s は%sの郵便番号ではありません", shown, pref)
	en := fmt.Sprintf("postal code %s is not in %s", shown, pref)
	if codes := postalPrefectures(prefix); len(codes) == 1 {
		other := prefectures[codes[0]-1].name
		ja += fmt.Sprintf("（%sの郵便番号です）", other)
		en += fmt.Sprintf(" but in %s", other)
	}
	c.add(fieldPostalCode, ja, en)
}

func (c *checker) prefecture(pref string) {
	if pref == "" {
		c.required(fieldPrefecture)
		return
	}
	if code := prefectureCodes[pref]; code > 0 && prefectures[code-1].name == pref {
		return
	}
	c.add(fieldPrefecture,
		fmt.Sprintf("都道府県「%s」がわかりません。47都道府県の名前で入力してください（例: 東京都、大阪府、北海道）", excerpt(pref)),
		fmt.Sprintf("prefecture %q is not one of the 47 prefectures, e.g. 東京都, 大阪府, 北海道", excerpt(pref)))
}

// text checks a free-text field: present if required, printable in
// Shift_JIS, and no longer than max bytes when max is not 0.
func (c *checker) text(f field, s string, required bool, max int) {
	if strings.TrimSpace(s) == "" {
		if required {
			c.required(f)
		}
		return
	}
	if bad := c.unprintable(s); len(bad) > 0 {
		c.add(f,
			fmt.Sprintf("%sに送り状に印字できない文字 %s が含まれています", f.ja, listRunes(bad, "「%s」(%U)", "(%U)", "、")),
			fmt.Sprintf("%s has characters that Shift_JIS cannot hold, so carriers cannot print them: %s", f.en, listRunes(bad, "%q (%U)", "%U", ", ")))
	}
	if n := SJISWidth(s); max > 0 && n > max {
		c.add(f,
			fmt.Sprintf("%sは全角%d文字（半角%d文字）以内で入力してください（現在 半角換算%d文字）", f.ja, max/2, max, n),
			fmt.Sprintf("%s must fit in %d Shift_JIS bytes (%d full-width characters); it takes %d", f.en, max, max/2, n))
	}
}

// unprintable returns the distinct characters of s, in order, that a label
// cannot carry: controls and what Shift_JIS cannot hold. It stops after one
// more than a message names.
func (c *checker) unprintable(s string) []rune {
	var bad []rune
	for _, r := range s {
		if !c.printable(r) && !slices.Contains(bad, r) {
			bad = append(bad, r)
			if len(bad) > maxListed {
				break
			}
		}
	}
	return bad
}

// printable reports whether r can be written on a label in Shift_JIS.
func (c *checker) printable(r rune) bool {
	if unicode.IsControl(r) {
		return false
	}
	if r < utf8.RuneSelf {
		return true
	}
	_, err := c.enc.String(string(r))
	return err == nil
}

// maxListed is how many bad characters a message names; more would bury the point.
const maxListed = 5

// listRunes names runes with one format for visible ones and another for
// the rest, which only their code point can show.
func listRunes(rs []rune, visible, invisible, sep string) string {
	parts := make([]string, 0, maxListed+1)
	for i, r := range rs {
		if i == maxListed {
			parts = append(parts, "…")
			break
		}
		if unicode.IsGraphic(r) && !unicode.Is(unicode.Mn, r) && r != utf8.RuneError {
			parts = append(parts, fmt.Sprintf(visible, string(r), r))
		} else {
			parts = append(parts, fmt.Sprintf(invisible, r))
		}
	}
	return strings.Join(parts, sep)
}

func (c *checker) phone(s string) {
	if s == "" {
		return
	}
	digits := 0
	ok := s[0] == '0'
	for _, group := range strings.Split(s, "-") {
		ok = ok && group != "" && allDigits(group)
		digits += len(group)
	}
	if !ok || digits < 10 || digits > 11 {
		c.add(fieldPhone, "電話番号は0から始まる10桁または11桁の数字で入力してください（例: 03-1234-5678）",
			"phone number must be 10 or 11 digits starting with 0, e.g. 03-1234-5678")
	}
}

func (c *checker) email(s string) {
	if s == "" {
		return
	}
	local, domain, _ := strings.Cut(s, "@")
	ok := strings.Count(s, "@") == 1 && local != "" &&
		strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") &&
		!strings.HasSuffix(domain, ".") && !strings.Contains(domain, "..")
	for _, r := range s {
		ok = ok && r > ' ' && r < 0x7F
	}
	if !ok {
		c.add(fieldEmail, "メールアドレスの形式が正しくありません（例: taro@example.jp）",
			"email address must look like taro@example.jp")
	}
}

// excerpt shortens what someone typed for quoting in a message.
func excerpt(s string) string {
	const max = 20
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
