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
