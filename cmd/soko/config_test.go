package main

import "testing"

// SOKO_PRINTER_DPI takes the two resolutions thermal printers print, 203
// by default; anything else stops the start with the variable named.
func TestLoadConfig_PrinterDPI(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  int
		bad   bool
	}{{"", 203, false}, {"203", 203, false}, {"300", 300, false}, {"600", 0, true}, {"abc", 0, true}} {
		c, err := loadConfig(func(k string) string {
			if k == "SOKO_PRINTER_DPI" {
				return tc.value
			}
			return ""
		})
		if tc.bad {
			if err == nil {
				t.Errorf("SOKO_PRINTER_DPI=%q accepted", tc.value)
			}
			continue
		}
		if err != nil || c.PrinterDPI != tc.want {
			t.Errorf("SOKO_PRINTER_DPI=%q: %d, %v; want %d", tc.value, c.PrinterDPI, err, tc.want)
		}
	}
}
