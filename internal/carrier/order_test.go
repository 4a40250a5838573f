package carrier

import (
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

// TestCheckAmounts is the rule that makes a COD slip add up (issue 22
// finding 5): the COD amount is goods + 送料 + 代引手数料 − 値引き.
func TestCheckAmounts(t *testing.T) {
	lines := []soko.OrderLine{{SKU: "A", Quantity: 2, UnitPrice: 1650, TaxRate: 10}, {SKU: "B", Quantity: 1, UnitPrice: 1080, TaxRate: 8}}
	for _, tc := range []struct {
		name                     string
		cod, ship, fee, discount int64
		field                    string // "" when accepted
	}{
		{"prepaid with shipping", 0, 800, 0, 0, ""},
		{"COD that adds up", 4380 + 800 + 330 - 100, 800, 330, 100, ""},
		{"COD of the goods only, fees sent", 4380, 800, 330, 0, "cod_amount"},
		{"COD fee without COD", 0, 0, 330, 0, "cod_fee"},
		{"discount above everything", 0, 0, 0, 9999, "discount"},
		{"negative shipping", 0, -1, 0, 0, "shipping_fee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &soko.Order{Carrier: "yamato", Service: "collect", CODAmount: tc.cod, ShippingFee: tc.ship, CODFee: tc.fee, Discount: tc.discount, Lines: lines}
			if tc.cod == 0 {
				o.Service = "takkyubin"
			}
			ps := Validate(o)
			switch {
			case tc.field == "" && len(ps) > 0:
				t.Errorf("refused: %+v", ps)
			case tc.field != "" && (len(ps) != 1 || ps[0].Field != tc.field):
				t.Errorf("problems %+v, want one naming %s", ps, tc.field)
			}
		})
	}
}
