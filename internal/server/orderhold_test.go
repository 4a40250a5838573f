package server

import (
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestAPI_OrderHolds: a shop sends a bank-transfer order on hold, releases
// it once paid, holds it again for a reason of its own and cancels it;
// what it may not do is refused with a reason in Japanese.
func TestAPI_OrderHolds(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 1650, "4901234567894"))

		o := order("SO-PAY", line("TOWEL-1", 2))
		o["hold"] = map[string]any{"reason": "payment_pending", "note": "銀行振込 入金待ち"}
		created := shop.must(201, "POST", "/api/v1/orders", o)
		if o := decode[api.Order](t, created); o.Status != "on_hold" || o.Hold == nil || o.Hold.Reason != "payment_pending" || o.Hold.Note != "銀行振込 入金待ち" {
			t.Fatalf("created on hold: %s", created.Raw)
		}
		events := decode[api.OrderEventList](t, shop.must(200, "GET", "/api/v1/orders/SO-PAY/events", nil)).Data
		if first := events[0]; first.To != "on_hold" {
			t.Errorf("first event %+v, want the order on hold from the start", first)
		}

		released := shop.must(200, "POST", "/api/v1/orders/SO-PAY/release", nil)
		if o := decode[api.Order](t, released); o.Status != "backordered" || o.Hold != nil {
			t.Fatalf("released (no stock yet): %s", released.Raw)
		}
		again := shop.must(409, "POST", "/api/v1/orders/SO-PAY/release", nil)
		if detail := decode[api.Problem](t, again).Detail; !strings.Contains(detail, "保留されていません") {
			t.Errorf("releasing twice: %s", again.Raw)
		}

		held := shop.must(200, "POST", "/api/v1/orders/SO-PAY/hold", map[string]any{"reason": "merchant", "note": "住所確認中"})
		if o := decode[api.Order](t, held); o.Status != "on_hold" || o.Hold == nil || o.Hold.Reason != "merchant" || o.Hold.Note != "住所確認中" {
			t.Fatalf("held by the shop: %s", held.Raw)
		}
		if r := shop.must(422, "POST", "/api/v1/orders/SO-PAY/hold", map[string]any{"reason": "warehouse"}); !contains(r.fields(), "reason") {
			t.Errorf("a shop claiming the warehouse's hold: fields %v", r.fields())
		}
		shop.must(404, "POST", "/api/v1/orders/SO-NONE/hold", map[string]any{"reason": "merchant"})

		if c := shop.must(200, "POST", "/api/v1/orders/SO-PAY/cancel", nil); decode[api.Order](t, c).Status != "cancelled" || decode[api.Order](t, c).Hold != nil {
			t.Fatalf("cancelled from hold: %s", c.Raw)
		}
		if r := shop.must(409, "POST", "/api/v1/orders/SO-PAY/hold", map[string]any{"reason": "merchant"}); !strings.Contains(decode[api.Problem](t, r).Detail, "保留できません") {
			t.Errorf("holding a cancelled order: %s", r.Raw)
		}
	})
}
