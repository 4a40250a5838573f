package server

import (
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestAPI_OrderFees is issue 22 finding 5: an order carries 送料,
// 代引手数料 and 値引き, stored and answered back, and a COD amount that is not
// goods + fees − discount is refused naming cod_amount, so the slip's total
// and the label's COD amount cannot disagree.
func TestAPI_OrderFees(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 1650))
		cod := func(number string, amount int64) map[string]any {
			o := order(number, line("TOWEL-1", 2))
			o["service"] = "collect"
			o["shipping_fee"], o["cod_fee"], o["discount"], o["cod_amount"] = 800, 330, 300, amount
			return o
		}
		r := shop.must(201, "POST", "/api/v1/orders", cod("SO-FEE", 3300+800+330-300))
		created := decode[api.Order](t, r)
		got := map[string]int64{"shipping_fee": created.ShippingFee, "cod_fee": created.CodFee, "discount": created.Discount, "cod_amount": created.CodAmount}
		for field, want := range map[string]int64{"shipping_fee": 800, "cod_fee": 330, "discount": 300, "cod_amount": 4130} {
			if got[field] != want {
				t.Errorf("%s = %v, want %v", field, got[field], want)
			}
		}
		r = shop.must(200, "GET", "/api/v1/orders/SO-FEE", nil)
		if stored := decode[api.Order](t, r); stored.CodFee != 330 || stored.Discount != 300 {
			t.Errorf("stored fees read back as %v / %v", stored.CodFee, stored.Discount)
		}

		// The goods alone, as the demo's SKR-100014 collected.
		r = shop.do("POST", "/api/v1/orders", cod("SO-BAD", 3300))
		if r.Status != 422 || !contains(r.fields(), "cod_amount") || !strings.Contains(string(r.Raw), "4,130") {
			t.Fatalf("%d %s, want 422 naming cod_amount and what is owed", r.Status, r.Raw)
		}
		if shop.do("GET", "/api/v1/orders/SO-BAD", nil).Status != 404 {
			t.Error("the refused order was stored")
		}
	})
}
