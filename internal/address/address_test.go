package address

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/soko-wms/soko/internal/soko"
)

// mustValid returns a complete address in Tokyo for tests to spoil one field of.
func mustValid(tb testing.TB) soko.Address {
	tb.Helper()
	a := soko.Address{
		PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-9-1",
		Building: "丸の内ビル 8F", Company: "株式会社ひかり商事", Name: "山田 花子",
		Phone: "03-3211-4821", Email: "hanako.yamada@example.jp",
	}
	if ps := Check(a, "ship_to"); len(ps) != 0 {
		tb.Fatalf("the valid address has problems: %+v", ps)
	}
	return a
}

// fields returns the fields the problems name, in order.
func fields(ps []Problem) []string {
	var fs []string
	for _, p := range ps {
		fs = append(fs, p.Field)
	}
	return fs
}

func TestNormalize_PostalCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1000005", "1000005"},
		{"100-0005", "1000005"},
		{"〒100-0005", "1000005"},
		{"〒 100-0005", "1000005"},
		{" 100-0005 ", "1000005"},
		{"100 0005", "1000005"},
		{"１００－０００５", "1000005"},
		{"〒１００ー０００５", "1000005"},
		{"100ー0005", "1000005"}, // katakana long vowel mark
		{"100ｰ0005", "1000005"}, // half-width long vowel mark
		{"100−0005", "1000005"}, // minus sign, typed by the Mac input method
		{"100‐0005", "1000005"}, // hyphen
		{"100‑0005", "1000005"}, // non-breaking hyphen
		{"100－0005", "1000005"}, // full-width hyphen-minus
		{"100–0005", "1000005"}, // en dash
		{"100―0005", "1000005"}, // horizontal bar
		{"100\u200b-0005", "1000005"},
		{"", ""},
		{"〒", "〒"},
		{"100-000５x", "100-0005x"},
		{"abc", "abc"},
		{"100-00", "10000"}, // still digits: Check says how many are missing
	}
	for _, tt := range tests {
		got := Normalize(soko.Address{PostalCode: tt.in}).PostalCode
		if got != tt.want {
			t.Errorf("Normalize(PostalCode %q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalize_Phone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"090-1234-5678", "090-1234-5678"},
		{"09012345678", "09012345678"},
		{"+81 90-1234-5678", "090-1234-5678"},
		{"+81-90-1234-5678", "090-1234-5678"},
		{"+819012345678", "09012345678"},
		{"+81 (0)3-1234-5678", "03-1234-5678"},
		{"+81 3 1234 5678", "03-1234-5678"},
		{"＋８１　９０－１２３４－５６７８", "090-1234-5678"},
		{"０９０－１２３４－５６７８", "090-1234-5678"},
		{"03(1234)5678", "03-1234-5678"},
		{"(03)1234-5678", "03-1234-5678"},
		{"03 (1234) 5678", "03-1234-5678"},
		{"０３（１２３４）５６７８", "03-1234-5678"},
		{"090ー1234ー5678", "090-1234-5678"},
		{"090−1234−5678", "090-1234-5678"},
		{" 03-1234-5678 ", "03-1234-5678"},
		{"", ""},
		{"03-1234-5678 内線12", "03-1234-5678 内線12"},
		{"+1 212-555-0100", "+1 212-555-0100"},
		{"()", "()"},
	}
	for _, tt := range tests {
		got := Normalize(soko.Address{Phone: tt.in}).Phone
		if got != tt.want {
			t.Errorf("Normalize(Phone %q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalize_Prefecture(t *testing.T) {
	tests := []struct{ pref, city, wantPref, wantCity string }{
		{"東京都", "千代田区", "東京都", "千代田区"},
		{"東京", "千代田区", "東京都", "千代田区"},
		{"大阪", "大阪市北区", "大阪府", "大阪市北区"},
		{"京都", "京都市下京区", "京都府", "京都市下京区"},
		{"神奈川", "横浜市中区", "神奈川県", "横浜市中区"},
		{"北海道", "札幌市中央区", "北海道", "札幌市中央区"},
		{" 沖縄 ", "那覇市", "沖縄県", "那覇市"},
		{"", "東京都千代田区", "東京都", "千代田区"},
		{"", "東京都　千代田区", "東京都", "千代田区"},
		{"東京都", "東京都千代田区", "東京都", "千代田区"},
		{"東京", "東京都東京都千代田区", "東京都", "千代田区"},
		{"大阪府", "東京都千代田区", "大阪府", "東京都千代田区"}, // a contradiction is Check's to report
		{"", "京都市下京区", "", "京都市下京区"},
		{"北海", "札幌市", "北海", "札幌市"},
		{"Tokyo", "千代田区", "Tokyo", "千代田区"},
	}
	for _, tt := range tests {
		got := Normalize(soko.Address{Prefecture: tt.pref, City: tt.city})
		if got.Prefecture != tt.wantPref || got.City != tt.wantCity {
			t.Errorf("Normalize(%q, %q) = %q, %q; want %q, %q", tt.pref, tt.city, got.Prefecture, got.City, tt.wantPref, tt.wantCity)
		}
	}
}

func TestNormalize_Text(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＡＢＣ商事", "ABC商事"},
		{"丸の内１－９－１", "丸の内1-9-1"},
		{"丸の内1ー9ー1", "丸の内1-9-1"},
		{"丸の内1−9−1", "丸の内1-9-1"},
		{"丸の内1‐9―1", "丸の内1-9-1"},
		{"センタービル", "センタービル"},
		{"ｾﾝﾀｰﾋﾞﾙ", "センタービル"},
		{"ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"},
		{"ｶﾞｷﾞｸﾞ", "ガギグ"},
		{"  山田　　太郎  ", "山田 太郎"},
		{"山田\t\n太郎", "山田 太郎"},
		{"山田\u200b太郎\ufeff", "山田太郎"},
		{"葛\U000E0100飾区", "葛飾区"}, // ideographic variation selector
		{"㈱ひかり", "(株)ひかり"},
		{"1〜3号室", "1~3号室"},
		{"1～3号室", "1~3号室"},
		{"A—B", "A―B"},
		{"髙橋", "髙橋"},
		{"\xff山田", "\ufffd山田"},
		{"", ""},
	}
	for _, tt := range tests {
		got := Normalize(soko.Address{Street: tt.in}).Street
		if got != tt.want {
			t.Errorf("Normalize(Street %q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalize_Email(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Taro.Yamada@Example.JP", "Taro.Yamada@example.jp"},
		{"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"},
		{" taro@example.jp ", "taro@example.jp"},
		{"taro", "taro"},
		{"TARO@例え.JP", "TARO@例え.JP"},
		{"", ""},
	}
	for _, tt := range tests {
		got := Normalize(soko.Address{Email: tt.in}).Email
		if got != tt.want {
			t.Errorf("Normalize(Email %q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalize_KeepsValid(t *testing.T) {
	a := mustValid(t)
	if got := Normalize(a); got != a {
		t.Errorf("Normalize changed a normal address:\n got %+v\nwant %+v", got, a)
	}
}

// TestCheck_Valid checks addresses from all over Japan.
func TestCheck_Valid(t *testing.T) {
	tests := []soko.Address{
		{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-9-1", Name: "山田 花子"},
		{PostalCode: "5300001", Prefecture: "大阪府", City: "大阪市北区", Street: "梅田1-12-17", Building: "梅田ファーストレジデンス 1203", Name: "田中 誠", Phone: "080-2345-6789"},
		{PostalCode: "0600001", Prefecture: "北海道", City: "札幌市中央区", Street: "北一条西4-2-5", Name: "佐藤 大輔", Phone: "070-4567-8901"},
		{PostalCode: "9000015", Prefecture: "沖縄県", City: "那覇市", Street: "久茂地2-17-6", Name: "比嘉 健太", Phone: "098-866-0000"},
		{PostalCode: "8120011", Prefecture: "福岡県", City: "福岡市博多区", Street: "博多駅前2-9-14", Name: "高橋 美穂"},
		{PostalCode: "9800021", Prefecture: "宮城県", City: "仙台市青葉区", Street: "中央2-8-13", Name: "伊藤 拓也"},
		{PostalCode: "4600008", Prefecture: "愛知県", City: "名古屋市中区", Street: "栄3-15-8", Name: "鈴木 由美", Email: "yumi.suzuki@example.jp"},
		{PostalCode: "7300011", Prefecture: "広島県", City: "広島市中区", Street: "基町10-3", Name: "渡辺 恵"},
		{PostalCode: "2310023", Prefecture: "神奈川県", City: "横浜市中区", Street: "山下町84", Name: "小林 直樹"},
		{PostalCode: "3300063", Prefecture: "埼玉県", City: "さいたま市浦和区", Street: "高砂3-15-1", Name: "井上 陽子"},
		{PostalCode: "2600013", Prefecture: "千葉県", City: "千葉市中央区", Street: "中央4-5-1", Name: "木村 健"},
		{PostalCode: "6008216", Prefecture: "京都府", City: "京都市下京区", Street: "東塩小路町579", Name: "中村 彩"},
		{PostalCode: "6500001", Prefecture: "兵庫県", City: "神戸市中央区", Street: "加納町6-5-1", Name: "松本 翔太"},
		{PostalCode: "3800801", Prefecture: "長野県", City: "長野市", Street: "箱清水1-1", Name: "清水 香"},
		{PostalCode: "0300801", Prefecture: "青森県", City: "青森市", Street: "新町1-1-1", Name: "工藤 聡"},
		{PostalCode: "9208577", Prefecture: "石川県", City: "金沢市", Street: "広坂1-1-1", Name: "林 直子"},
		{PostalCode: "7908570", Prefecture: "愛媛県", City: "松山市", Street: "一番町4-4-2", Name: "村上 修"},
		{PostalCode: "8900064", Prefecture: "鹿児島県", City: "鹿児島市", Street: "鴨池新町10-1", Name: "西郷 隆"},
		// Towns whose prefix lies in a neighbouring prefecture's block.
		{PostalCode: "6180011", Prefecture: "大阪府", City: "三島郡島本町", Street: "広瀬1-1-1", Name: "島本 太郎"},
		{PostalCode: "4980801", Prefecture: "三重県", City: "桑名郡木曽岬町", Street: "大字西対海地251", Name: "木曽 花子"},
		{PostalCode: "8115133", Prefecture: "長崎県", City: "壱岐市", Street: "郷ノ浦町本村触562", Name: "壱岐 一郎"},
		{PostalCode: "8170022", Prefecture: "長崎県", City: "対馬市", Street: "厳原町国分1441", Name: "対馬 次郎"},
		{PostalCode: "6850013", Prefecture: "島根県", City: "隠岐郡隠岐の島町", Street: "中町目貫の一55-3", Name: "隠岐 三郎"},
		{PostalCode: "8710811", Prefecture: "福岡県", City: "築上郡吉富町", Street: "大字広津226-1", Name: "吉富 四郎"},
		// Characters of Windows-31J beyond JIS X 0208, and half-width katakana.
		{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "髙橋 﨑子"},
		{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "ﾔﾏﾀﾞ ﾀﾛｳ"},
	}
	for _, a := range tests {
		t.Run(a.PostalCode+a.Prefecture+a.City, func(t *testing.T) {
			if ps := Check(a, "ship_to"); len(ps) != 0 {
				t.Errorf("Check(%+v) = %+v, want none", a, ps)
			}
			if ps := Check(Normalize(a), "ship_to"); len(ps) != 0 {
				t.Errorf("Check(Normalize(%+v)) = %+v, want none", a, ps)
			}
		})
	}
}

func TestCheck_PrefectureMismatch(t *testing.T) {
	tests := []struct {
		postal, pref string
		hint         string // the prefecture the message names as the code's, or ""
	}{
		{"1000005", "大阪府", "東京都"},
		{"5300001", "東京都", "大阪府"},
		{"0600001", "沖縄県", "北海道"},
		{"9000015", "北海道", "沖縄県"},
		{"8120011", "佐賀県", "福岡県"},
		{"3800801", "新潟県", "長野県"},
		{"0100001", "青森県", "秋田県"},
		{"6180011", "兵庫県", ""}, // 618 is both 京都府 and 大阪府
		{"4980801", "岐阜県", ""}, // 498 is both 愛知県 and 三重県
		{"0000000", "東京都", ""},
	}
	for _, tt := range tests {
		t.Run(tt.postal+tt.pref, func(t *testing.T) {
			a := mustValid(t)
			a.PostalCode, a.Prefecture = tt.postal, tt.pref
			ps := Check(a, "ship_to")
			if len(ps) != 1 || ps[0].Field != "ship_to.postal_code" {
				t.Fatalf("Check = %+v, want one problem with ship_to.postal_code", ps)
			}
			shown := tt.postal[:3] + "-" + tt.postal[3:]
			for _, msg := range []string{ps[0].Message.JA, ps[0].Message.EN} {
				if !strings.Contains(msg, shown) || !strings.Contains(msg, tt.pref) {
					t.Errorf("message %q does not name %s and %s", msg, shown, tt.pref)
				}
				if tt.hint != "" && !strings.Contains(msg, tt.hint) {
					t.Errorf("message %q does not name %s", msg, tt.hint)
				}
			}
		})
	}
}

func TestCheck_Required(t *testing.T) {
	ps := Check(soko.Address{}, "ship_to")
	want := []string{"ship_to.postal_code", "ship_to.prefecture", "ship_to.city", "ship_to.address1", "ship_to.name"}
	if got := fields(ps); !slices.Equal(got, want) {
		t.Errorf("Check(empty) fields = %v, want %v", got, want)
	}
	for _, p := range ps {
		if p.Message.JA == "" || p.Message.EN == "" {
			t.Errorf("%s: a message is missing: %+v", p.Field, p)
		}
	}
}

func TestCheck_NoPrefix(t *testing.T) {
	a := mustValid(t)
	a.PostalCode = "100"
	if got := fields(Check(a, "")); !slices.Equal(got, []string{"postal_code"}) {
		t.Errorf("fields = %v, want [postal_code]", got)
	}
}

func TestCheck_PostalCode(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
	}{
		{"1000005", true},
		{"100-0005", false}, // Normalize's to fix
		{"100000", false},
		{"10000050", false},
		{"１０００００５", false},
		{"100000a", false},
	}
	for _, tt := range tests {
		a := mustValid(t)
		a.PostalCode = tt.code
		ps := Check(a, "ship_to")
		if ok := len(ps) == 0; ok != tt.ok {
			t.Errorf("Check(PostalCode %q) = %+v, want ok %v", tt.code, ps, tt.ok)
		}
		if !tt.ok && len(ps) == 1 && ps[0].Message.JA != "郵便番号は7桁の数字で入力してください（例: 100-0005）" {
			t.Errorf("Check(PostalCode %q) says %q", tt.code, ps[0].Message.JA)
		}
	}
}

func TestCheck_Prefecture(t *testing.T) {
	for _, pref := range []string{"東京", "Tokyo", "東京都 ", "北海"} {
		a := mustValid(t)
		a.Prefecture = pref
		if got := fields(Check(a, "ship_to")); !slices.Equal(got, []string{"ship_to.prefecture"}) {
			t.Errorf("Check(Prefecture %q) fields = %v, want [ship_to.prefecture]", pref, got)
		}
	}
}

// TestCheck_FullWidth checks that an address typed in full-width characters
// and half-width katakana passes once normalised, and is stored as expected.
func TestCheck_FullWidth(t *testing.T) {
	in := soko.Address{
		PostalCode: "〒１００－０００５", Prefecture: "東京", City: "千代田区", Street: "丸の内１ー９ー１",
		Building: "ＪＰタワー　８Ｆ", Company: "ｶﾌﾞｼｷｶﾞｲｼｬ ﾋｶﾘ", Name: "ﾔﾏﾀﾞ　ﾊﾅｺ",
		Phone: "＋８１　３（３２１１）４８２１", Email: "ＨＡＮＡＫＯ＠ＥＸＡＭＰＬＥ．ＪＰ",
	}
	want := soko.Address{
		PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-9-1",
		Building: "JPタワー 8F", Company: "カブシキガイシャ ヒカリ", Name: "ヤマダ ハナコ",
		Phone: "03-3211-4821", Email: "HANAKO@example.jp",
	}
	if ps := Check(in, "ship_to"); len(ps) == 0 {
		t.Error("Check passes an address that is not normalised")
	}
	got := Normalize(in)
	if got != want {
		t.Errorf("Normalize:\n got %+v\nwant %+v", got, want)
	}
	if ps := Check(got, "ship_to"); len(ps) != 0 {
		t.Errorf("Check(Normalize) = %+v, want none", ps)
	}
}

func TestCheck_Unprintable(t *testing.T) {
	tests := []struct {
		field string
		set   func(*soko.Address, string)
		value string
		named []string // in the Japanese and the English message
	}{
		{"ship_to.name", func(a *soko.Address, s string) { a.Name = s }, "山田 花子😀", []string{"😀", "U+1F600"}},
		{"ship_to.name", func(a *soko.Address, s string) { a.Name = s }, "𠮷田 太郎", []string{"𠮷", "U+20BB7"}},
		{"ship_to.name", func(a *soko.Address, s string) { a.Name = s }, "𩸽 太郎", []string{"𩸽"}},
		{"ship_to.name", func(a *soko.Address, s string) { a.Name = s }, "剝山 頰子", []string{"剝", "頰"}},
		{"ship_to.address1", func(a *soko.Address, s string) { a.Street = s }, "丸の内1-1 ❤️", []string{"❤", "U+2764", "U+FE0F"}},
		{"ship_to.address2", func(a *soko.Address, s string) { a.Building = s }, "ビル\a8F", []string{"U+0007"}},
		{"ship_to.company", func(a *soko.Address, s string) { a.Company = s }, "Café ¥", []string{"é", "¥"}},
		{"ship_to.city", func(a *soko.Address, s string) { a.City = s }, "千代田区\xff", []string{"U+FFFD"}},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			a := mustValid(t)
			tt.set(&a, tt.value)
			ps := Check(a, "ship_to")
			if got := fields(ps); !slices.Equal(got, []string{tt.field}) {
				t.Fatalf("Check fields = %v (%+v), want [%s]", got, ps, tt.field)
			}
			for _, s := range tt.named {
				if !strings.Contains(ps[0].Message.JA, s) || !strings.Contains(ps[0].Message.EN, s) {
					t.Errorf("%+v does not name %s", ps[0], s)
				}
			}
			// Normalize reports what it cannot print rather than dropping it.
			if n := Normalize(a); len(Check(n, "ship_to")) == 0 {
				t.Errorf("Check(Normalize(%q)) passes", tt.value)
			}
		})
	}
}

func TestCheck_ManyUnprintable(t *testing.T) {
	a := mustValid(t)
	a.Name = "😀😁😂🤣😃😄😅"
	ps := Check(a, "ship_to")
	if len(ps) != 1 {
		t.Fatalf("Check = %+v, want one problem", ps)
	}
	if !strings.Contains(ps[0].Message.EN, "…") || strings.Contains(ps[0].Message.EN, "😅") {
		t.Errorf("message does not stop at five characters: %s", ps[0].Message.EN)
	}
}

func TestCheck_TooLong(t *testing.T) {
	tests := []struct {
		name  string
		field string
		set   func(*soko.Address)
	}{
		{"name 17 full-width", "ship_to.name", func(a *soko.Address) { a.Name = strings.Repeat("山", 17) }},
		{"name 33 ASCII", "ship_to.name", func(a *soko.Address) { a.Name = strings.Repeat("a", 33) }},
		{"name 16 full-width and 1 ASCII", "ship_to.name", func(a *soko.Address) { a.Name = strings.Repeat("山", 16) + "a" }},
		{"company 26 full-width", "ship_to.company", func(a *soko.Address) { a.Company = strings.Repeat("株", 26) }},
		{"building 17 full-width", "ship_to.address2", func(a *soko.Address) { a.Building = strings.Repeat("棟", 17) }},
		{"city and street 33 full-width", "ship_to.address1", func(a *soko.Address) {
			a.City = strings.Repeat("市", 10)
			a.Street = strings.Repeat("町", 23)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustValid(t)
			tt.set(&a)
			ps := Check(a, "ship_to")
			if got := fields(ps); !slices.Equal(got, []string{tt.field}) {
				t.Fatalf("Check fields = %v (%+v), want [%s]", got, ps, tt.field)
			}
			if !strings.Contains(ps[0].Message.JA, "以内") || !strings.Contains(ps[0].Message.EN, "Shift_JIS bytes") {
				t.Errorf("message does not say the limit: %+v", ps[0])
			}
		})
	}
}

func TestCheck_LongestAccepted(t *testing.T) {
	a := mustValid(t)
	a.Name = strings.Repeat("山", 16)
	a.Company = strings.Repeat("株", 25)
	a.Building = strings.Repeat("棟", 15) + "8F"
	a.City = strings.Repeat("市", 10)
	a.Street = strings.Repeat("町", 22)
	if ps := Check(a, "ship_to"); len(ps) != 0 {
		t.Errorf("Check = %+v, want none", ps)
	}
	a.Name = strings.Repeat("ｱ", 32) // half-width katakana take one byte
	if ps := Check(a, "ship_to"); len(ps) != 0 {
		t.Errorf("Check(32 half-width katakana) = %+v, want none", ps)
	}
}

func TestCheck_Phone(t *testing.T) {
	tests := []struct {
		phone string
		ok    bool
	}{
		{"", true},
		{"03-1234-5678", true},
		{"0312345678", true},
		{"090-1234-5678", true},
		{"09012345678", true},
		{"0120-123-456", true},
		{"03-1234-567", false},    // 9 digits
		{"090-1234-56789", false}, // 12 digits
		{"90-1234-5678", false},
		{"+81-90-1234-5678", false}, // Normalize's to fix
		{"03(1234)5678", false},
		{"03--1234-5678", false},
		{"-03-1234-5678", false},
		{"03-1234-5678-", false},
		{"０３-1234-5678", false},
		{"03-1234-5678 内線12", false},
	}
	for _, tt := range tests {
		a := mustValid(t)
		a.Phone = tt.phone
		ps := Check(a, "ship_to")
		if ok := len(ps) == 0; ok != tt.ok {
			t.Errorf("Check(Phone %q) = %+v, want ok %v", tt.phone, ps, tt.ok)
		} else if !ok && ps[0].Field != "ship_to.phone" {
			t.Errorf("Check(Phone %q) names %s", tt.phone, ps[0].Field)
		}
	}
}

func TestCheck_Email(t *testing.T) {
	tests := []struct {
		email string
		ok    bool
	}{
		{"", true},
		{"taro@example.jp", true},
		{"Taro.Yamada+shop@mail.example.co.jp", true},
		{"taro", false},
		{"taro@example", false},
		{"@example.jp", false},
		{"taro@@example.jp", false},
		{"taro@ex@ample.jp", false},
		{"taro@.example.jp", false},
		{"taro@example.jp.", false},
		{"taro@example..jp", false},
		{"ta ro@example.jp", false},
		{"たろう@example.jp", false},
	}
	for _, tt := range tests {
		a := mustValid(t)
		a.Email = tt.email
		ps := Check(a, "ship_to")
		if ok := len(ps) == 0; ok != tt.ok {
			t.Errorf("Check(Email %q) = %+v, want ok %v", tt.email, ps, tt.ok)
		} else if !ok && ps[0].Field != "ship_to.email" {
			t.Errorf("Check(Email %q) names %s", tt.email, ps[0].Field)
		}
	}
}

// TestCheck_EveryField checks that every bad field is listed at once.
func TestCheck_EveryField(t *testing.T) {
	a := soko.Address{
		PostalCode: "12", Prefecture: "江戸", City: "😀", Street: "丸の内1-1", Building: strings.Repeat("棟", 20),
		Company: "株式会社😀", Name: strings.Repeat("山", 20), Phone: "123", Email: "taro",
	}
	want := []string{"o.postal_code", "o.prefecture", "o.city", "o.address2", "o.company", "o.name", "o.phone", "o.email"}
	if got := fields(Check(a, "o")); !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
}

func TestSJISWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc 123", 7},
		{"山田", 4},
		{"ﾔﾏﾀﾞ", 4},
		{"ヤマダ", 6},
		{"山田 太郎", 9},
		{"😀", 2},
		{"\xff", 2},
	}
	for _, tt := range tests {
		if got := SJISWidth(tt.s); got != tt.want {
			t.Errorf("SJISWidth(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func FuzzNormalizeCheck(f *testing.F) {
	f.Add("〒１００－０００５", "東京", "東京都千代田区", "丸の内１ー９ー１", "ＪＰタワー　８Ｆ", "ｶﾌﾞｼｷｶﾞｲｼｬ", "ﾔﾏﾀﾞ　ﾊﾅｺ", "＋８１　３（３２１１）４８２１", "ＨＡＮＡＫＯ＠ＥＸＡＭＰＬＥ．ＪＰ")
	f.Add("5300001", "大阪府", "大阪市北区", "梅田1-12-17", "", "", "田中 誠", "080-2345-6789", "makoto@example.jp")
	f.Add("100-0005", "大阪", "", "😀𠮷", "\a\x00", "e\u0301\u200b\u0301", "W\u030a@EXAMPLE.JP", "+81 (0)3 1234 5678", "A@B@C")
	f.Add("\xff\xfe", "\u3000", "京都府京都府", "1ー2ー3", "葛\U000E0100", "〜−—‖", "ｶﾞ\u3099", "()", "@.")
	f.Fuzz(func(t *testing.T, postal, pref, city, street, building, company, name, phone, email string) {
		a := soko.Address{
			PostalCode: postal, Prefecture: pref, City: city, Street: street, Building: building,
			Company: company, Name: name, Phone: phone, Email: email,
		}
		Check(a, "ship_to")
		n := Normalize(a)
		if nn := Normalize(n); nn != n {
			t.Fatalf("Normalize is not idempotent:\n once %+q\ntwice %+q", n, nn)
		}
		for _, s := range []string{n.PostalCode, n.Prefecture, n.City, n.Street, n.Building, n.Company, n.Name, n.Phone, n.Email} {
			if !utf8.ValidString(s) {
				t.Fatalf("Normalize returned invalid UTF-8 %q", s)
			}
		}
		ps := Check(n, "ship_to")
		bad := map[string]bool{}
		for _, p := range ps {
			if !strings.HasPrefix(p.Field, "ship_to.") || p.Message.JA == "" || p.Message.EN == "" {
				t.Fatalf("malformed problem %+v", p)
			}
			bad[p.Field] = true
		}
		if !bad["ship_to.postal_code"] && (len(n.PostalCode) != 7 || !allDigits(n.PostalCode)) {
			t.Fatalf("postal code %q passes Check", n.PostalCode)
		}
		if !bad["ship_to.prefecture"] && PrefectureCode(n.Prefecture) == 0 {
			t.Fatalf("prefecture %q passes Check", n.Prefecture)
		}
		if !bad["ship_to.name"] && (n.Name == "" || SJISWidth(n.Name) > maxName) {
			t.Fatalf("name %q passes Check", n.Name)
		}
	})
}

func TestCheck_Blank(t *testing.T) {
	a := mustValid(t)
	a.City, a.Name = " ", "\u3000"
	if got := fields(Check(a, "ship_to")); !slices.Equal(got, []string{"ship_to.city", "ship_to.name"}) {
		t.Errorf("fields = %v, want [ship_to.city ship_to.name]", got)
	}
}
