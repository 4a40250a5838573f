package carrier

import (
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

func TestCheckDigit7(t *testing.T) {
	tests := []struct {
		first11 string
		want    int
	}{
		// 7 × 1763668414 = 12345678898, and 12345678901 − 12345678898 = 3.
		{"12345678901", 3},
		// 7 × 14109347444 = 98765432108, so 98765432109 leaves 1.
		{"98765432109", 1},
		// 10^10: 10 ≡ 3 (mod 7) and 3^10 = 59049 = 7 × 8435 + 4.
		{"10000000000", 4},
		{"00000000006", 6},
		{"00000000007", 0},
		{"00000000000", 0},
	}
	for _, tt := range tests {
		got, err := CheckDigit7(tt.first11)
		if err != nil || got != tt.want {
			t.Errorf("CheckDigit7(%q) = %d, %v; want %d", tt.first11, got, err, tt.want)
		}
	}
}

func TestCheckDigit7_Invalid(t *testing.T) {
	for _, in := range []string{"", "1234567890", "123456789013", "1234567890a", "１２３４５６７８９０１", "1234-567890"} {
		_, err := CheckDigit7(in)
		if soko.ErrorCode(err) != soko.EINVALID {
			t.Errorf("CheckDigit7(%q) error = %v, want code %s", in, err, soko.EINVALID)
		}
	}
}

func TestNormalizeTrackingNumber(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"digits", "123456789013", "123456789013"},
		{"hyphens", "1234-5678-9013", "123456789013"},
		{"NW-7 start/stop lower case", "a1234-5678-9012a", "123456789012"},
		{"NW-7 start/stop upper case", "A123456789013A", "123456789013"},
		{"NW-7 other start/stop", "B123456789013D", "123456789013"},
		{"start only", "c123456789013", "123456789013"},
		{"Enter from a keyboard wedge", "a123456789013a\r\n", "123456789013"},
		{"blanks between groups", " 1234 5678 9013 ", "123456789013"},
		{"full-width from an IME", "１２３４－５６７８－９０１３", "123456789013"},
		{"katakana long mark as hyphen", "1234ー5678ー9013", "123456789013"},
		{"empty", "", ""},
		{"start/stop only", "aa", ""},
		{"two start characters", "aa123a", ""},
		{"letter inside", "1234E5678", ""},
		{"not start/stop", "e123456789013e", ""},
		{"free-form", "EJ123456789JP", ""},
		{"invalid UTF-8", "1234\xff5678", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeTrackingNumber(tt.in); got != tt.want {
				t.Errorf("NormalizeTrackingNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidTrackingNumber(t *testing.T) {
	tests := []struct {
		carrier, number string
		want            bool
	}{
		{"yamato", "123456789013", true},
		{"sagawa", "1234-5678-9013", true},
		{"japanpost", "a123456789013a", true},
		{"yamato", "987654321091", true},
		{"yamato", "123456789012", false}, // check digit 2, want 3
		{"yamato", "123456789010", false},
		{"yamato", "12345678901", false},   // 11 digits
		{"yamato", "1234567890133", false}, // 13 digits
		{"yamato", "123456789017", false},  // a check digit mod 7 never is 7
		{"yamato", "", false},
		{"yamato", "EJ123456789JP", false},
		{"generic", "EJ123456789JP", true},
		{"generic", "any-thing", true},
		{"generic", " \t", false},
		{"", "123456789013", false},
		{"fedex", "123456789013", false},
	}
	for _, tt := range tests {
		if got := ValidTrackingNumber(tt.carrier, tt.number); got != tt.want {
			t.Errorf("ValidTrackingNumber(%q, %q) = %v, want %v", tt.carrier, tt.number, got, tt.want)
		}
	}
}

func FuzzNormalizeTrackingNumber(f *testing.F) {
	for _, s := range []string{
		"123456789013", "1234-5678-9013", "a1234-5678-9012a", "A123456789013A", "D1B",
		"１２３４－５６７８－９０１３", "1234ー5678", " 1234 5678 ", "\r\n", "a", "aa", "-",
		"EJ123456789JP", "1234\xff5678", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeTrackingNumber(s)
		for i := 0; i < len(n); i++ {
			if n[i] < '0' || n[i] > '9' {
				t.Fatalf("NormalizeTrackingNumber(%q) = %q, not digits only", s, n)
			}
		}
		if again := NormalizeTrackingNumber(n); again != n {
			t.Fatalf("NormalizeTrackingNumber(%q) = %q, but again gives %q", s, n, again)
		}
		for _, c := range []string{"yamato", "generic"} {
			ValidTrackingNumber(c, s)
		}
	})
}
