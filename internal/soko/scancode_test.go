package soko

import "testing"

func TestLocationCode(t *testing.T) {
	for in, want := range map[string]string{
		"A-01-04-1":       "A-01-04-1",
		"Ａ－０１－０４－１":       "A-01-04-1",
		"a-01-05-2":       "A-01-05-2",
		" a-01-05-2\r\n":  "A-01-05-2",
		"\u3000ａ－01ー05-2": "A-01-05-2",
		"]C0A-01-05-2":    "A-01-05-2",
		"]c0a-01-05-2":    "A-01-05-2",
		"]A0RECV":         "RECV",
		"]C1":             "]C1",
		"":                "",
	} {
		if got := LocationCode(in); got != want {
			t.Errorf("LocationCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestScannedCode: every kind of code comes out of an IME in 全角 mode or
// behind a scanner's AIM prefix the same as typed plainly; case is kept
// but for badges and locations.
func TestScannedCode(t *testing.T) {
	for raw, want := range map[string]string{
		"ＳＯ－２０２６１１２０－００４２": "SO-20261120-0042",
		" so-1 ":             "so-1",
		"]C0SO-1":            "SO-1",
		"]C1010490123456789": "]C1010490123456789", // GS1-128: gs1.Parse reads the identifier
		"４９０１２３４５６７８９４":    "4901234567894",
		"A1234ー5678ー9012A": "A1234-5678-9012A",
		"sku-ａｂｃ":          "sku-abc",
	} {
		if got := ScannedCode(raw); got != want {
			t.Errorf("ScannedCode(%q) = %q, want %q", raw, got, want)
		}
	}
	if got := CompactCode("０３－１２３４ ５６７８ー01"); got != "031234567801" {
		t.Errorf("CompactCode = %q, want 031234567801", got)
	}
	for raw, want := range map[string]string{"ｐ００１": "P001", " v001\u3000": "V001", "]C0A001": "A001"} {
		if got := BadgeCode(raw); got != want {
			t.Errorf("BadgeCode(%q) = %q, want %q", raw, got, want)
		}
	}
}
