package server

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestAPI_StockChanges(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		sakura := mustStockClient(t, db)
		sakura.must(201, "PUT", "/api/v1/products/MUG", product("マグ", 1200))

		first := sakura.must(200, "GET", "/api/v1/stock/changes?limit=1", nil)
		page := decode[api.StockChangeList](t, first)
		if len(page.Data) != 1 || !page.HasMore || page.NextAfter != 1 {
			t.Fatalf("first page %s, want one change, more to come, next_after 1", first.Raw)
		}
		towel := page.Data[0]
		if towel.Sku != "TOWEL" || towel.Seq != 1 || towel.OnHand != 5 || towel.Held != 0 || towel.Sellable != 5 {
			t.Fatalf("the towel's change %+v, want seq 1 with 5 on hand and sellable", towel)
		}
		second := sakura.must(200, "GET", "/api/v1/stock/changes?after=1&limit=1", nil)
		if page := decode[api.StockChangeList](t, second); len(page.Data) != 1 || page.Data[0].Sku != "MUG" ||
			page.Data[0].Sellable != 0 || page.HasMore || page.NextAfter != 2 {
			t.Fatalf("second page %s, want the new mug at seq 2, nothing more", second.Raw)
		}
		// Nothing new: the connector keeps its number.
		idle := sakura.must(200, "GET", "/api/v1/stock/changes?after=2", nil)
		if page := decode[api.StockChangeList](t, idle); len(page.Data) != 0 || page.NextAfter != 2 || page.HasMore {
			t.Fatalf("with nothing new %s, want no data and next_after 2", idle.Raw)
		}
		for q, field := range map[string]string{"after=-1": "after", "after=abc": "after", "limit=0": "limit"} {
			if r := sakura.do("GET", "/api/v1/stock/changes?"+q, nil); r.Status != 422 || !contains(r.fields(), field) {
				t.Errorf("?%s: %d %s, want 422 naming %s", q, r.Status, r.Raw, field)
			}
		}
		if r := sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "http://127.0.0.1:9/hook", "event_types": []string{"stock.changed"}}); len(decode[api.WebhookEndpoint](t, r).EventTypes) != 1 {
			t.Fatalf("subscribing to stock.changed: %s", r.Raw)
		}
	})
}

func TestAPI_StockBuffers(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		sakura := mustStockClient(t, db)
		sakura.must(200, "PUT", "/api/v1/stock-settings", map[string]any{"default_buffer": 2})
		stock := func(buffer, sellable int) {
			t.Helper()
			r := sakura.must(200, "GET", "/api/v1/stock/TOWEL", nil)
			if s := decode[api.Stock](t, r); s.OnHand != 5 || s.Buffer != buffer || s.Sellable != sellable || s.Held != 0 {
				t.Fatalf("stock %s, want 5 on hand, buffer %v, sellable %v", r.Raw, buffer, sellable)
			}
			feed := decode[api.StockChangeList](t, sakura.must(200, "GET", "/api/v1/stock/changes?limit=200", nil)).Data
			for _, c := range feed {
				if c.Sku == "TOWEL" && (c.Buffer != buffer || c.Sellable != sellable) {
					t.Fatalf("the feed says %+v, the stock %s", c, r.Raw)
				}
			}
		}
		stock(2, 3)
		towel := product("タオル", 1000)
		towel["stock_buffer"] = 9
		if r := sakura.must(200, "PUT", "/api/v1/products/TOWEL", towel); !pointsTo(decode[api.Product](t, r).StockBuffer, 9) {
			t.Fatalf("the product's buffer: %s", r.Raw)
		}
		stock(9, 0) // 5 on hand, 9 kept back: nothing to sell, not -4
		delete(towel, "stock_buffer")
		if r := sakura.must(200, "PUT", "/api/v1/products/TOWEL", towel); !pointsTo(decode[api.Product](t, r).StockBuffer, 9) {
			t.Fatalf("a PUT without a buffer changed it: %s", r.Raw)
		}
		towel["stock_buffer"] = -1
		if r := sakura.must(200, "PUT", "/api/v1/products/TOWEL", towel); decode[api.Product](t, r).StockBuffer != nil {
			t.Fatalf("back to the default: %s", r.Raw)
		}
		stock(2, 3)
		if r := sakura.do("PUT", "/api/v1/stock-settings", map[string]any{"default_buffer": -1}); r.Status != 422 || !contains(r.fields(), "default_buffer") {
			t.Fatalf("a negative default: %d %s", r.Status, r.Raw)
		}
		towel["stock_buffer"] = -2
		if r := sakura.do("PUT", "/api/v1/products/TOWEL", towel); r.Status != 422 || !contains(r.fields(), "stock_buffer") {
			t.Fatalf("a buffer of -2: %d %s", r.Status, r.Raw)
		}
	})
}

// mustStockClient stores SAKURA with 5 towels on a pick shelf and returns
// a client with its key.
func mustStockClient(t *testing.T, db *storage.DB) client {
	t.Helper()
	if err := db.Load(context.Background(), &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
		APIKeys:   []soko.SeedAPIKey{{MerchantCode: "SAKURA", Secret: keySakura}},
		Locations: []soko.Location{{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
		Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10}}},
		Stock:     []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 5}}},
	}); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed },
		AllowPrivateWebhooks: true, RatePerSecond: 10000, RateBurst: 10000})
	return client{t, h, keySakura}
}
