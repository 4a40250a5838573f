package gs1

// CheckDigit returns the GS1 mod-10 check digit (0–9) for digits, the code
// without its check digit; the rule is the same for EAN-8, EAN-13, UPC-A,
// GTIN-14 and SSCC.
func CheckDigit(digits string) (int, error) {
	if digits == "" {
		return 0, fail(digits, ErrNotBarcode, "no digits to compute a check digit for")
	}
	sum := 0
	// Positions count from the right with the check digit as position 1, so
	// the payload's rightmost digit is position 2 and is weighted 3.
	for i := 0; i < len(digits); i++ {
		c := digits[len(digits)-1-i]
		if c < '0' || c > '9' {
			return 0, fail(digits, ErrNotBarcode, "%q is not a digit", rune(c))
		}
		v := int(c - '0')
		if i%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return (10 - sum%10) % 10, nil
}

// Valid reports whether code is a GTIN-8, -12, -13 or -14 (ASCII digits only)
// whose last digit is its GS1 check digit.
func Valid(code string) bool {
	switch len(code) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	if !allDigits(code) {
		return false
	}
	want, err := CheckDigit(code[:len(code)-1])
	return err == nil && int(code[len(code)-1]-'0') == want
}

// canonical turns a checked 8-, 12-, 13- or 14-digit GTIN into the form soko
// stores and looks up, and returns its indicator digit. GS1 defines a GTIN by
// its 14-digit form, so the same item scanned as EAN-13, UPC-A, ITF-14 with
// indicator 0 or (01) must land on one string: items become 13 digits, or 8
// when the 14-digit form starts with six zeros (GS1 keeps that range for
// GTIN-8), and packs (indicator 1–9) keep all 14.
func canonical(d string) (gtin string, indicator int) {
	const zeros = "00000000000000"
	full := zeros[:14-len(d)] + d
	switch {
	case full[0] != '0':
		return full, int(full[0] - '0')
	case full[:6] == "000000":
		return full[6:], 0
	default:
		return full[1:], 0
	}
}

// allDigits reports whether s is non-empty and only ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
