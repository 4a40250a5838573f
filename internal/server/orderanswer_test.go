package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestCreateOrder_AnswerIsTheStoredOrder: a new order is answered from
// what intake wrote and allocated, not read back (CreateAndAllocateOrder), so
// the answer must be what GET reads afterwards, field for field: an order
// allocated, one backordered, held ones with and without stock, one
// partly a set (read back), and one whose ordered_at is sent off UTC
// with nanoseconds.
func TestCreateOrder_AnswerIsTheStoredOrder(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		seed := &soko.Seed{
			Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
			APIKeys:   []soko.SeedAPIKey{{MerchantCode: "SAKURA", Secret: keySakura}},
			Locations: []soko.Location{{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
			Products: []soko.SeedProduct{
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "今治タオル", Price: 1650, TaxRate: 10}},
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "有田焼 マグ", Price: 2200, TaxRate: 10}},
			},
			Stock: []soko.SeedStock{
				{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 5}},
				{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 2}},
			},
		}
		if err := db.Load(context.Background(), seed); err != nil {
			t.Fatal(err)
		}
		shop := client{t, New(Config{Store: db, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return storagetest.Fixed },
			RatePerSecond: 10000, RateBurst: 10000}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/GIFTSET", map[string]any{"name": "ギフトセット", "price": 3000, "tax_rate": 10,
			"components": []map[string]any{{"sku": "TOWEL", "quantity": 1}, {"sku": "MUG", "quantity": 1}}})

		held := order("SO-HELD", line("TOWEL", 1))
		held["hold"] = map[string]any{"reason": "payment_pending", "note": "入金待ち"}
		heldShort := order("SO-HELD-SHORT", line("MUG", 50))
		heldShort["hold"] = map[string]any{"reason": "merchant"}
		offUTC := order("SO-JST", line("TOWEL", 1), line("MUG", 1))
		offUTC["ordered_at"] = "2026-11-22T23:59:59.123456789+09:00"
		offUTC["note"], offUTC["priority"] = "午前中に", 5
		for _, o := range []map[string]any{
			order("SO-ALLOCATED", line("TOWEL", 2), line("MUG", 1)),
			order("SO-BACKORDERED", line("TOWEL", 1), line("MUG", 40)),
			held, heldShort, offUTC,
			order("SO-SET", line("GIFTSET", 1)),
		} {
			no := o["order_no"].(string)
			created := shop.must(201, "POST", "/api/v1/orders", o, "Idempotency-Key", "k-"+no)
			read := shop.must(200, "GET", "/api/v1/orders/"+no, nil)
			var answered, stored map[string]any
			if err := json.Unmarshal(created.Raw, &answered); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(read.Raw, &stored); err != nil {
				t.Fatal(err)
			}
			delete(answered, "warnings") // what normalising changed: only the answer to the POST tells
			if !reflect.DeepEqual(answered, stored) {
				t.Errorf("%s: answered\n%s\nbut reads back\n%s", no, created.Raw, read.Raw)
			}
		}
	})
}
