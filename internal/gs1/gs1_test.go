package gs1

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// now fixes the reference date, so two-digit expiry years resolve the same
// way whenever the tests run.
var now = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func mustParseAt(tb testing.TB, s string) Code {
	tb.Helper()
	c, err := ParseAt(s, now)
	if err != nil {
		tb.Fatalf("ParseAt(%q): %v", s, err)
	}
	return c
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Code
		item string // ItemGTIN
		isCase,
		variable bool
	}{
		{name: "JAN 49", in: "4901234567894",
			want: Code{Kind: EAN13, GTIN: "4901234567894"}, item: "4901234567894"},
		{name: "JAN 45", in: "4512345678906",
			want: Code{Kind: EAN13, GTIN: "4512345678906"}, item: "4512345678906"},
		{name: "JAN with Enter", in: "4901234567894\r\n",
			want: Code{Kind: EAN13, GTIN: "4901234567894"}, item: "4901234567894"},
		{name: "JAN with blanks", in: " \t4901234567894 \n",
			want: Code{Kind: EAN13, GTIN: "4901234567894"}, item: "4901234567894"},
		{name: "JAN full-width from IME", in: "４９０１２３４５６７８９４\u3000",
			want: Code{Kind: EAN13, GTIN: "4901234567894"}, item: "4901234567894"},
		{name: "JAN with symbology identifier", in: "]E04901234567894",
			want: Code{Kind: EAN13, GTIN: "4901234567894"}, item: "4901234567894"},
		{name: "EAN-8", in: "49123456",
			want: Code{Kind: EAN8, GTIN: "49123456"}, item: "49123456"},
		{name: "EAN-8 with symbology identifier", in: "]E449123456",
			want: Code{Kind: EAN8, GTIN: "49123456"}, item: "49123456"},
		{name: "UPC-A", in: "036000291452",
			want: Code{Kind: EAN13, GTIN: "0036000291452"}, item: "0036000291452"},
		{name: "GTIN-14 indicator 0 is the JAN", in: "04901234567894",
			want: Code{Kind: GTIN14, GTIN: "4901234567894"}, item: "4901234567894"},
		{name: "GTIN-14 indicator 0 of an EAN-8", in: "00000049123456",
			want: Code{Kind: GTIN14, GTIN: "49123456"}, item: "49123456"},
		{name: "ITF-14 case of a JAN", in: "14901234567891",
			want: Code{Kind: GTIN14, GTIN: "14901234567891", Indicator: 1}, item: "4901234567894", isCase: true},
		{name: "ITF-14 indicator 2", in: "24901234567898",
			want: Code{Kind: GTIN14, GTIN: "24901234567898", Indicator: 2}, item: "4901234567894", isCase: true},
		{name: "ITF-14 case of a 45 JAN", in: "14512345678903",
			want: Code{Kind: GTIN14, GTIN: "14512345678903", Indicator: 1}, item: "4512345678906", isCase: true},
		{name: "ITF-14 case of an EAN-8", in: "10000049123453",
			want: Code{Kind: GTIN14, GTIN: "10000049123453", Indicator: 1}, item: "49123456", isCase: true},
		{name: "ITF-14 case of a UPC-A", in: "10036000291459",
			want: Code{Kind: GTIN14, GTIN: "10036000291459", Indicator: 1}, item: "0036000291452", isCase: true},
		{name: "ITF-14 with symbology identifier", in: "]I114901234567891",
			want: Code{Kind: GTIN14, GTIN: "14901234567891", Indicator: 1}, item: "4901234567894", isCase: true},
		{name: "GTIN-14 variable measure", in: "94901234567897",
			want: Code{Kind: GTIN14, GTIN: "94901234567897", Indicator: 9}, item: "94901234567897", variable: true},
		{name: "GS1-128 ]C1 with GS", in: "]C10104901234567894" + "10LOT1\x1d" + "17270131" + "21SN-123",
			want: Code{Kind: GS1128, GTIN: "4901234567894", Lot: "LOT1", Expiry: date(2027, time.January, 31), Serial: "SN-123"},
			item: "4901234567894"},
		{name: "GS1-128 plain with GS", in: "\x1d0114901234567891" + "17270100" + "10AB/12(3)\x1d" + "21X9",
			want: Code{Kind: GS1128, GTIN: "14901234567891", Indicator: 1, Lot: "AB/12(3)", Expiry: date(2027, time.January, 31), Serial: "X9"},
			item: "4901234567894", isCase: true},
		{name: "GS1-128 plain, lot last needs no GS", in: "01049012345678941727013110LOT1\r\n",
			want: Code{Kind: GS1128, GTIN: "4901234567894", Lot: "LOT1", Expiry: date(2027, time.January, 31)},
			item: "4901234567894"},
		{name: "GS1-128 trailing GS", in: "]C1010490123456789410LOT1\x1d",
			want: Code{Kind: GS1128, GTIN: "4901234567894", Lot: "LOT1"}, item: "4901234567894"},
		{name: "GS1-128 GTIN only", in: "]C10104912345678904",
			want: Code{Kind: GS1128, GTIN: "4912345678904"}, item: "4912345678904"},
		{name: "GS1-128 redundant GS after fixed field", in: "]C10104912345678904\x1d17270131",
			want: Code{Kind: GS1128, GTIN: "4912345678904", Expiry: date(2027, time.January, 31)}, item: "4912345678904"},
		{name: "GS1-128 parenthesised", in: "(01)04912345678904(10)LOT1(17)270131",
			want: Code{Kind: GS1128, GTIN: "4912345678904", Lot: "LOT1", Expiry: date(2027, time.January, 31)},
			item: "4912345678904"},
		{name: "GS1-128 parenthesised as printed, with spaces", in: "(01) 14901234567891 (17) 280200 (10) lot-7",
			want: Code{Kind: GS1128, GTIN: "14901234567891", Indicator: 1, Lot: "lot-7", Expiry: date(2028, time.February, 29)},
			item: "4901234567894", isCase: true},
		{name: "GS1-128 parenthesised full-width", in: "（０１）０４９１２３４５６７８９０４（２１）Ａ１",
			want: Code{Kind: GS1128, GTIN: "4912345678904", Serial: "A1"}, item: "4912345678904"},
		{name: "GS1-128 variable measure", in: "(01)94901234567897",
			want: Code{Kind: GS1128, GTIN: "94901234567897", Indicator: 9}, item: "94901234567897", variable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParseAt(t, tt.in)
			tt.want.Raw = tt.in
			if got != tt.want {
				t.Errorf("ParseAt(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
			if item := got.ItemGTIN(); item != tt.item {
				t.Errorf("ItemGTIN() = %q, want %q", item, tt.item)
			}
			if got.IsCase() != tt.isCase {
				t.Errorf("IsCase() = %v, want %v", got.IsCase(), tt.isCase)
			}
			if got.IsVariableMeasure() != tt.variable {
				t.Errorf("IsVariableMeasure() = %v, want %v", got.IsVariableMeasure(), tt.variable)
			}
		})
	}
}

func TestParse_UsesClock(t *testing.T) {
	c, err := Parse("4901234567894")
	if err != nil || c.GTIN != "4901234567894" {
		t.Fatalf("Parse = %+v, %v", c, err)
	}
}

func TestParse_ExpiryDay00(t *testing.T) {
	tests := []struct {
		yymmdd string
		want   time.Time
	}{
		{"250200", date(2025, time.February, 28)},
		{"240200", date(2024, time.February, 29)},
		{"000200", date(2000, time.February, 29)}, // 2000 is a leap year
		{"260400", date(2026, time.April, 30)},
		{"261200", date(2026, time.December, 31)},
		{"270131", date(2027, time.January, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.yymmdd, func(t *testing.T) {
			c := mustParseAt(t, "(01)04912345678904(17)"+tt.yymmdd)
			if !c.Expiry.Equal(tt.want) {
				t.Errorf("Expiry = %v, want %v", c.Expiry, tt.want)
			}
		})
	}
}

// TestParse_ExpiryCentury pins GS1's window: 49 years back, 50 forward.
func TestParse_ExpiryCentury(t *testing.T) {
	tests := []struct {
		year int
		yy   string
		want int
	}{
		{2026, "26", 2026},
		{2026, "76", 2076}, // 50 ahead: still this century
		{2026, "77", 1977}, // 51 ahead: previous century
		{2026, "00", 2000},
		{2026, "99", 1999},
		{2090, "40", 2140}, // 50 behind: next century
		{2090, "41", 2041}, // 49 behind: this century
		{2000, "50", 2050},
		{2000, "51", 1951},
	}
	for _, tt := range tests {
		t.Run(tt.yy+"@"+time.Date(tt.year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"), func(t *testing.T) {
			ref := time.Date(tt.year, time.March, 1, 0, 0, 0, 0, time.UTC)
			c, err := ParseAt("(01)04912345678904(17)"+tt.yy+"0115", ref)
			if err != nil {
				t.Fatal(err)
			}
			if c.Expiry.Year() != tt.want {
				t.Errorf("year = %d, want %d", c.Expiry.Year(), tt.want)
			}
		})
	}
}

func TestParse_CheckDigitWrong(t *testing.T) {
	for _, in := range []string{
		"4901234567895",
		"4512345678901", // a made-up JAN that looks right but is not
		"49123457",
		"036000291453",
		"14901234567892",
		"04901234567890",
		"４９０１２３４５６７８９５",
		"(01)04912345678905",
		"]C10104912345678905" + "10LOT1",
		"\x1d0114901234567890" + "17270131",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseAt(in, now)
			if !errors.Is(err, ErrCheckDigit) {
				t.Fatalf("ParseAt(%q) error = %v, want ErrCheckDigit", in, err)
			}
			if errors.Is(err, ErrNotBarcode) || errors.Is(err, ErrBadElement) {
				t.Errorf("error %v has more than one kind", err)
			}
		})
	}
}

func TestParse_NotBarcode(t *testing.T) {
	tests := []struct {
		name, in, says string
	}{
		{"empty", "", "empty"},
		{"only Enter", " \r\n", "empty"},
		{"letters", "ABCDEFGHIJKLMNOP", "position 1"},
		{"letter inside", "49012345678X4", `'X' at position 12`},
		{"too short", "123", "3 digits"},
		{"between lengths", "4901234567", "10 digits"},
		{"too long", "490123456789412", "15 digits"},
		{"far too long", strings.Repeat("4", 200), "too long"},
		{"space inside", "4901234 567894", "position 8"},
		{"kana", "あいうえおかきくけこさしす", "keyboard layout"},
		{"AZERTY number row", `&é"'(-è_çà&é"`, "keyboard layout"},
		{"US shifted number row", "$)!@#$%^&*()!", "keyboard layout"},
		{"unknown symbology identifier", "]d20104912345678904", "symbology identifier"},
		{"cut symbology identifier", "]C", "symbology identifier"},
		{"EAN symbology identifier with letters", "]E0ABC", "position 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAt(tt.in, now)
			if !errors.Is(err, ErrNotBarcode) {
				t.Fatalf("ParseAt(%q) error = %v, want ErrNotBarcode", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

func TestParse_BadElement(t *testing.T) {
	const gtin = "(01)04912345678904"
	tests := []struct {
		name, in, says string
	}{
		{"unknown AI parenthesised", gtin + "(15)270131", "(15)"},
		{"unknown AI after ]C1", "]C10104912345678904" + "15270131", `"1527"`},
		{"AI with letters", gtin + "(ab)1", "(ab)"},
		{"no GTIN", "(10)LOT1(17)270131", "no (01)"},
		{"no GTIN after ]C1", "]C110LOT1", "no (01)"},
		{"nothing after ]C1", "]C1", "no application identifiers"},
		{"GTIN too short", "(01)0491234567890", "14 digits"},
		{"GTIN with letters", "(01)0491234567890X", "14 digits"},
		{"GTIN cut short", "]C1010491234567", "only 10 left"},
		{"expiry cut short", "01049123456789041727", "only 2 left"},
		{"stray digit", "]C10104912345678904\x1d1", "stray"},
		{"bad month", gtin + "(17)271301", "month 13"},
		{"month 00", gtin + "(17)270001", "month 00"},
		{"February 30", gtin + "(17)270230", "no day 30"},
		{"February 29 of a common year", gtin + "(17)270229", "no day 29"},
		{"expiry with letters", gtin + "(17)27A131", "6 digits"},
		{"expiry too long", gtin + "(17)2701311", "6 digits"},
		{"empty lot", gtin + "(10)", "empty"},
		{"empty lot before GS", "]C1010491234567890410\x1d17270131", "empty"},
		{"lot too long", gtin + "(10)" + strings.Repeat("A", 21), "21 characters"},
		{"lot with #", gtin + "(10)A#1", `'#'`},
		{"serial with kana", gtin + "(21)ロット", `'ロ'`},
		{"lot twice", gtin + "(10)A(10)B", "twice"},
		{"GTIN twice", gtin + gtin, "twice"},
		{"unclosed parenthesis", gtin + "(10", "without ')'"},
		{"text before parenthesis", "(01)04912345678904X(10)A", "14 digits"},
		{"missing parenthesis", gtin + "\x1dLOT", "expected '('"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAt(tt.in, now)
			if !errors.Is(err, ErrBadElement) {
				t.Fatalf("ParseAt(%q) error = %v, want ErrBadElement", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

// TestParse_ErrorMessage checks that a message names the input and the
// fault, since it ends up in logs next to the scan.
func TestParse_ErrorMessage(t *testing.T) {
	_, err := ParseAt("4901234567895\r\n", now)
	want := `gs1: "4901234567895\r\n": check digit wrong: last digit of 4901234567895 is 5, should be 4 (misread?)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
	_, err = ParseAt(strings.Repeat("x", 100), now)
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("error for long input is not bounded: %v", err)
	}
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		digits string
		want   int
	}{
		{"490123456789", 4},
		{"451234567890", 6},
		{"4912345", 6},
		{"03600029145", 2},
		{"1490123456789", 1},
		{"9490123456789", 7},
		{"000000000000", 0},
		{"1", 7},
	}
	for _, tt := range tests {
		got, err := CheckDigit(tt.digits)
		if err != nil || got != tt.want {
			t.Errorf("CheckDigit(%q) = %d, %v; want %d", tt.digits, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "49012345678a", "４９"} {
		if _, err := CheckDigit(bad); !errors.Is(err, ErrNotBarcode) {
			t.Errorf("CheckDigit(%q) error = %v, want ErrNotBarcode", bad, err)
		}
	}
}

func TestValid(t *testing.T) {
	tests := map[string]bool{
		"4901234567894":   true,
		"4512345678906":   true,
		"49123456":        true,
		"036000291452":    true,
		"14901234567891":  true,
		"4901234567895":   false,
		"4512345678901":   false,
		"4901234567":      false, // no GTIN has 10 digits
		"490123456789412": false,
		"":                false,
		"490123456789X":   false,
		"４９１２３４５６":        false, // Valid is strict; Parse normalises
	}
	for code, want := range tests {
		if got := Valid(code); got != want {
			t.Errorf("Valid(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestCode_ItemGTIN(t *testing.T) {
	// Codes built by hand must not panic, whatever they hold.
	for _, c := range []Code{{}, {Indicator: 1}, {Indicator: 1, GTIN: "1490123456789X"}, {Indicator: 3, GTIN: "123"}} {
		if got := c.ItemGTIN(); got != c.GTIN {
			t.Errorf("%+v.ItemGTIN() = %q, want %q", c, got, c.GTIN)
		}
	}
}

func TestKind_String(t *testing.T) {
	for k, want := range map[Kind]string{EAN13: "EAN-13", EAN8: "EAN-8", GTIN14: "GTIN-14", GS1128: "GS1-128", 0: "Kind(0)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"4901234567894", "4512345678906", "49123456", "036000291452",
		"04901234567894", "14901234567891", "94901234567897", "10000049123453",
		"4901234567895\r\n", "４９０１２３４５６７８９４", "]E04901234567894", "]I114901234567891",
		"]C10104912345678904" + "10LOT1\x1d" + "17270131" + "21SN-123",
		"\x1d0114901234567891" + "17270100" + "10AB/12\x1d" + "21X9",
		"01049123456789041727013110LOT1",
		"(01)04912345678904(10)LOT1(17)270131",
		"(01) 14901234567891 (17) 280200 (10) lot-7",
		"（０１）０４９１２３４５６７８９０４", "(01)04912345678904(15)270131",
		"(17)270230", "]C1", "]", "(", "((", "()", "(01", "01", "\x1d", "", "あ", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseAt(s, now)
		if err != nil {
			n := 0
			for _, kind := range []error{ErrCheckDigit, ErrNotBarcode, ErrBadElement} {
				if errors.Is(err, kind) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("ParseAt(%q) error %v has %d kinds, want 1", s, err, n)
			}
			return
		}
		if c.Raw != s {
			t.Fatalf("Raw = %q, want %q", c.Raw, s)
		}
		if !Valid(c.GTIN) {
			t.Fatalf("ParseAt(%q).GTIN = %q has no valid check digit", s, c.GTIN)
		}
		again, err := ParseAt(c.GTIN, now)
		if err != nil || again.GTIN != c.GTIN || again.Indicator != c.Indicator {
			t.Fatalf("re-parsing GTIN %q of %q: %+v, %v", c.GTIN, s, again, err)
		}
		if c.IsCase() {
			item := c.ItemGTIN()
			back, err := ParseAt(item, now)
			if err != nil || back.GTIN != item || back.IsCase() {
				t.Fatalf("item GTIN %q of case %q: %+v, %v", item, c.GTIN, back, err)
			}
		}
	})
}
