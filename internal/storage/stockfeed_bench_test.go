package storage_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// benchmarkStockFeed changes the stock of 100 SKUs of one merchant, with
// and without the stock feed (its alerts, counter, lines and webhooks),
// and reports the time per change: all 100 in one transaction (an
// allocation run), or 100 writers at once changing one SKU each (100
// scans on the floor), who wait for each other on the merchant's counter.
func benchmarkStockFeed(b *testing.B, open func(testing.TB) *storage.DB) {
	const skus = 100
	ctx := context.Background()
	db := open(b)
	seed := &soko.Seed{Merchants: []soko.Merchant{{Code: "BENCH", Name: "ベンチ"}}}
	for p := range skus {
		sku, code := fmt.Sprintf("P%03d", p), fmt.Sprintf("A-%03d", p)
		seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "BENCH", Product: soko.Product{SKU: sku, Name: sku, TaxRate: 10, ReorderPoint: 5}})
		seed.Locations = append(seed.Locations, soko.Location{Code: code, Zone: "A", WalkSequence: p, Kind: soko.LocationPick})
		seed.Stock = append(seed.Stock, soko.SeedStock{MerchantCode: "BENCH", SKU: sku, LocationCode: code, Stock: soko.Stock{OnHand: 100}})
	}
	if err := db.Load(ctx, seed); err != nil {
		b.Fatal(err)
	}
	if _, err := db.PutWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: seed.Merchants[0].ID, URL: "https://bench.example/hook", Active: true,
		EventTypes: []string{"stock.changed"}}, false); err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, skus)
	for i := range seed.Stock {
		ids[i] = seed.Stock[i].ID
	}
	for _, feed := range []bool{true, false} {
		name := map[bool]string{true: "feed", false: "without"}[feed]
		b.Run("one_tx/"+name, func(b *testing.B) {
			for b.Loop() {
				if err := storage.ChangeStock(db, ctx, ids, feed); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*skus), "µs/change")
		})
		b.Run("100_writers/"+name, func(b *testing.B) {
			for b.Loop() {
				var wg sync.WaitGroup
				for _, id := range ids {
					wg.Go(func() {
						if err := storage.ChangeStock(db, ctx, []int64{id}, feed); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*skus), "µs/change")
		})
	}
}

func BenchmarkStockFeed_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	benchmarkStockFeed(b, storagetest.MustOpenPostgres)
}

func BenchmarkStockFeed_SQLite(b *testing.B) { benchmarkStockFeed(b, storagetest.MustOpenSQLite) }
