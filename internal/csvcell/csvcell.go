// Package csvcell keeps the cells soko writes to CSV files from being run
// as formulas when a clerk opens the file in a spreadsheet (CSV injection,
// OWASP "CSV Injection"). Every CSV writer in soko passes each cell
// through Safe just before it writes it.
package csvcell

// triggers are the characters that make a spreadsheet read a cell as a
// formula or a command when the cell starts with them: OWASP lists =, +,
// -, @, tab and carriage return.
const triggers = "=+-@\t\r"

// Safe returns s as a spreadsheet will show it, not run it: a cell that
// starts with one of = + - @ tab or CR gets a leading apostrophe, which
// spreadsheets read as "text follows" and do not display, as OWASP
// recommends. Two kinds of value are left as they are because they cannot
// be a formula and an apostrophe would corrupt them for the program the
// file is for: a plain number (-1200, +3.5, -1,000) and a phone number (an
// optional leading + then digits, with hyphens, spaces or brackets between
// them, such as +81-3-1234-5678). A value that merely looks numeric but
// does arithmetic, such as -1+2, is not a number and is neutralised.
// Safe is idempotent: a neutralised cell starts with the apostrophe.
func Safe(s string) string {
	if s == "" || !startsWithTrigger(s) || isNumber(s) || isPhone(s) {
		return s
	}
	return "'" + s
}

func startsWithTrigger(s string) bool {
	for i := 0; i < len(triggers); i++ {
		if s[0] == triggers[i] {
			return true
		}
	}
	return false
}

// isNumber reports whether s is a decimal number with an optional sign,
// optional thousands separators and an optional fraction: -1200, +3.5,
// -1,000.25. No exponent, so nothing a spreadsheet could compute.
func isNumber(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ',' && !dot && digits > 0 && i+1 < len(s) && s[i+1] != ',':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// isPhone reports whether s is a phone number in the international form:
// + then at least 7 digits with hyphens, spaces or brackets between them,
// and no other sign, so nothing a spreadsheet could call or link.
func isPhone(s string) bool {
	if s[0] != '+' {
		return false
	}
	digits := 0
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' || c == ' ' || c == '(' || c == ')':
		default:
			return false
		}
	}
	return digits >= 7
}
