package soko

import "testing"

func TestInvoiceNumber(t *testing.T) {
	tests := []struct {
		typed, want string
		valid       bool
	}{
		{"T7010705000725", "T7010705000725", true},   // 日本税理士会連合会, as the NTA lists it
		{"ｔ７０１０-７０５０-００７２５", "T7010705000725", true}, // full-width, lower case, hyphens
		{"T 7010705000725", "T7010705000725", true},
		{"T8010705000725", "T8010705000725", false}, // wrong check digit
		{"T701070500072", "T701070500072", false},   // 12 digits
		{"7010705000725", "7010705000725", false},   // no T
		{"T0010705000725", "T0010705000725", false}, // a check digit is never 0
		{"T70107050007２X", "T701070500072X", false},
	}
	for _, tt := range tests {
		got := InvoiceNumber(tt.typed)
		if got != tt.want || ValidInvoiceNumber(got) != tt.valid {
			t.Errorf("InvoiceNumber(%q) = %q (valid %v), want %q (valid %v)", tt.typed, got, ValidInvoiceNumber(got), tt.want, tt.valid)
		}
	}
	m := Merchant{Code: "SAKURA", Name: "さくら", InvoiceNumber: "T8010705000725"}
	if err := m.Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("a merchant with a bad registration number: %v", err)
	}
}
