package server

import (
	"context"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A shop corrects an order before the warehouse picks it: a new address,
// other lines (re-allocated at once), a delivery date; with If-Match the
// change is made only on the order the shop last read; once picking has
// started it is refused with the reason.
func TestAPI_ChangeOrderBeforePicking(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		shop.must(201, "PUT", "/api/v1/products/MUG-2", product("湯のみ", 900))
		// Five of each on the shelf, as a receipt would leave them.
		err := db.Exec(ctx, `INSERT INTO stock (location_id, product_id, lot, on_hand, allocated)
			SELECT l.id, p.id, '', 5, 0 FROM locations l, products p WHERE l.code = 'A-01-01-1' AND p.sku IN ('MUG-1', 'MUG-2')`)
		if err != nil {
			t.Fatal(err)
		}
		if o := shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 2))); decode[api.Order](t, o).Status != "allocated" {
			t.Fatalf("new order: %s", o.Raw)
		}
		read := shop.must(200, "GET", "/api/v1/orders/SO-1", nil)
		tag := read.Header.Get("ETag")

		changed := shop.must(200, "PATCH", "/api/v1/orders/SO-1", map[string]any{
			"ship_to": map[string]any{"name": "佐藤 一郎", "postal_code": "530-0001", "prefecture": "大阪府", "city": "大阪市北区", "address1": "梅田1-1-1"},
			"lines":   []map[string]any{line("MUG-2", 3)},
			"note":    "置き配可",
		}, "If-Match", tag)
		after := decode[api.Order](t, changed)
		if after.Status != "allocated" || after.Note != "置き配可" {
			t.Fatalf("changed order: %s", changed.Raw)
		}
		if st := after.ShipTo; st.Prefecture != "大阪府" || st.PostalCode != "5300001" {
			t.Errorf("ship_to after the change: %+v", st)
		}
		lines := after.Lines
		if len(lines) != 1 || lines[0].Sku != "MUG-2" || lines[0].Allocated != 3 {
			t.Fatalf("lines after the change: %+v", lines)
		}
		stock := func(sku string) (onHand, available int) {
			s := decode[api.Stock](t, shop.must(200, "GET", "/api/v1/stock/"+sku, nil))
			return s.OnHand, s.Available
		}
		if h, a := stock("MUG-1"); h != 5 || a != 5 {
			t.Errorf("MUG-1 after its line went: %v on hand, %v available, want 5 and 5", h, a)
		}
		if h, a := stock("MUG-2"); h != 5 || a != 2 {
			t.Errorf("MUG-2 after the new line: %v on hand, %v available, want 5 and 2", h, a)
		}

		// The audit log says which key changed what, without the address.
		entries, _, err := db.AuditLog(ctx, soko.AuditFilter{Action: "order.change"})
		if err != nil || len(entries) != 1 || entries[0].Actor.APIKeyID == 0 || !strings.Contains(entries[0].After, "MUG-2×3") ||
			strings.Contains(entries[0].After, "佐藤") || strings.Contains(entries[0].After, "梅田") {
			t.Fatalf("audit of the change: %+v %v", entries, err)
		}

		// The tag read before the change is stale now.
		stale := shop.do("PATCH", "/api/v1/orders/SO-1", map[string]any{"note": "上書き"}, "If-Match", tag)
		if stale.Status != 412 {
			t.Fatalf("a change from a stale read: %d %s, want 412", stale.Status, stale.Raw)
		}
		// A change the order rules refuse names its field and changes nothing.
		bad := shop.do("PATCH", "/api/v1/orders/SO-1", map[string]any{
			"ship_to": map[string]any{"name": "佐藤 一郎", "postal_code": "100-0005", "prefecture": "大阪府", "city": "大阪市北区", "address1": "梅田1-1-1"},
		})
		if bad.Status != 422 || !strings.Contains(string(bad.Raw), "ship_to.postal_code") {
			t.Fatalf("a change with a Tokyo postal code in Osaka: %d %s", bad.Status, bad.Raw)
		}
		if o := shop.must(200, "GET", "/api/v1/orders/SO-1", nil); decode[api.Order](t, o).Note != "置き配可" || decode[api.Order](t, o).ShipTo.PostalCode != "5300001" {
			t.Fatalf("a refused change touched the order: %s", o.Raw)
		}

		// Picking has started: refused with the reason.
		if err := db.Exec(ctx, `UPDATE orders SET status = 'picking' WHERE number = 'SO-1'`); err != nil {
			t.Fatal(err)
		}
		late := shop.do("PATCH", "/api/v1/orders/SO-1", map[string]any{"note": "遅い変更"})
		if late.Status != 409 || !strings.Contains(decode[api.Problem](t, late).Detail, "ピッキングが始まっています") {
			t.Fatalf("a change once picking started: %d %s", late.Status, late.Raw)
		}
	})
}
