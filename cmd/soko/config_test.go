package main

import (
	"strings"
	"testing"
)

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

// SOKO_INVOICE_NUMBER is the warehouse's registration number printed on
// statements: typed as people type it, kept as T and 13 digits, and a
// number whose check digit fails stops the start.
func TestLoadConfig_InvoiceNumber(t *testing.T) {
	for _, tc := range []struct{ value, want string }{{"", ""}, {"t7010-7050-00725", "T7010705000725"}, {"T8010705000725", "bad"}} {
		c, err := loadConfig(func(k string) string {
			if k == "SOKO_INVOICE_NUMBER" {
				return tc.value
			}
			return ""
		})
		if tc.want == "bad" {
			if err == nil || !strings.Contains(err.Error(), "SOKO_INVOICE_NUMBER") {
				t.Errorf("SOKO_INVOICE_NUMBER=%q: %v, want refused by name", tc.value, err)
			}
			continue
		}
		if err != nil || c.InvoiceNumber != tc.want {
			t.Errorf("SOKO_INVOICE_NUMBER=%q: %q, %v; want %q", tc.value, c.InvoiceNumber, err, tc.want)
		}
	}
}
