package csvcell

import "testing"

func TestSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// OWASP's triggers are neutralised.
		{"=1+2", "'=1+2"},
		{"@SUM(1+1)", "'@SUM(1+1)"},
		{"-1+2", "'-1+2"},
		{"+1+2", "'+1+2"},
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"\t=1+2", "'\t=1+2"},
		{"\r=1+2", "'\r=1+2"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"+81-3-1234-5678+cmd|'/C calc'!A0", "'+81-3-1234-5678+cmd|'/C calc'!A0"},
		{"-", "'-"},
		{"+", "'+"},
		{"-1e3", "'-1e3"},
		// Legitimate values are kept.
		{"", ""},
		{"山田 太郎", "山田 太郎"},
		{"1+2", "1+2"}, // does not start with a trigger: spreadsheets read text
		{"03-1234-5678", "03-1234-5678"},
		{"-1200", "-1200"},
		{"+3.5", "+3.5"},
		{"-1,000", "-1,000"},
		{"-0.25", "-0.25"},
		{"+81-3-1234-5678", "+81-3-1234-5678"},
		{"+81 90 1234 5678", "+81 90 1234 5678"},
		{"+1 (555) 123-4567", "+1 (555) 123-4567"},
		// Already neutralised cells stay as they are.
		{"'=1+2", "'=1+2"},
	} {
		if got := Safe(tc.in); got != tc.want {
			t.Errorf("Safe(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Safe(Safe(tc.in)); got != tc.want {
			t.Errorf("Safe(Safe(%q)) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
