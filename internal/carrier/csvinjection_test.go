package carrier

import (
	"slices"
	"strings"
	"testing"
)

// TestExport_FormulaInjection writes, through every CSV writer soko has
// (the three carriers' files), an order whose text fields are spreadsheet
// formulas, and checks that no cell of any file starts a formula: each such
// value comes out behind an apostrophe, while phone numbers and postal
// codes are written as they are.
func TestExport_FormulaInjection(t *testing.T) {
	attacks := map[string]string{
		"name":     "=1+2",
		"company":  "@SUM(1+1)",
		"building": "-1+2",
		"item":     "+cmd|' /C calc'!A0",
	}
	for _, carrierCode := range []string{"yamato", "sagawa", "japanpost"} {
		t.Run(carrierCode, func(t *testing.T) {
			rows := MustSampleRows(t, carrierCode)
			for i := range rows {
				rows[i].Order.Recipient.Name = attacks["name"]
				rows[i].Order.Recipient.Company = attacks["company"]
				rows[i].Order.Recipient.Building = attacks["building"]
				rows[i].ItemName = attacks["item"]
			}
			e := MustExport(t, carrierCode, rows)
			if len(e.problems) > 0 {
				t.Fatalf("problems: %+v", e.problems)
			}
			for _, rec := range e.records[1:] {
				for i, cell := range rec {
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("column %d %s starts a formula: %q", i+1, e.records[0][i], cell)
					}
				}
			}
			rec := e.rowOf(t, carrierCode, rows[0])
			cols := layoutColumns[carrierCode]
			for field, v := range attacks {
				if field == "company" && carrierCode == "japanpost" || field == "building" {
					// ゆうプリR joins company and name, and address lines
					// join the building with the street on some layouts:
					// the cell-by-cell check above covers them.
					continue
				}
				if field == "item" && carrierCode == "sagawa" {
					// e飛伝's 品名 takes 16 characters: the name is cut,
					// still neutralised.
					if got := at(rec, cols.item); !strings.HasPrefix(got, "'"+v[:6]) {
						t.Errorf("item = %q, want it neutralised", got)
					}
					continue
				}
				if !slices.Contains(rec, "'"+v) {
					t.Errorf("%s %q: no cell %q in %q", field, v, "'"+v, rec)
				}
			}
			if got := at(rec, cols.phone); got != "03-1234-5678" {
				t.Errorf("phone = %q, want 03-1234-5678 unchanged", got)
			}
			if got := at(rec, cols.postal); got != "100-0005" {
				t.Errorf("postal code = %q, want 100-0005 unchanged", got)
			}
		})
	}
}
