package storage_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// benchmarkAllocateWaiting allocates 10,000 waiting orders of 3 lines each
// over 30 products in 60 locations, and reports the seconds it takes.
func benchmarkAllocateWaiting(b *testing.B, open func(testing.TB) *storage.DB) {
	const orders, products = 10_000, 30
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := open(b)
		seed := &soko.Seed{Merchants: []soko.Merchant{{Code: "BENCH", Name: "ベンチ"}}}
		for p := 0; p < products; p++ {
			sku := fmt.Sprintf("P%02d", p)
			seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "BENCH", Product: soko.Product{SKU: sku, Name: sku, TaxRate: 10}})
			for _, at := range []int{2 * p, 2*p + 1} {
				code := fmt.Sprintf("A-%03d", at)
				seed.Locations = append(seed.Locations, soko.Location{Code: code, Zone: "A", WalkSequence: at, Kind: soko.LocationPick})
				seed.Stock = append(seed.Stock, soko.SeedStock{MerchantCode: "BENCH", SKU: sku, LocationCode: code, Stock: soko.Stock{OnHand: 1200}})
			}
		}
		for o := 0; o < orders; o++ {
			order := soko.Order{Number: fmt.Sprintf("B%05d", o), Priority: o % 3,
				Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "1", Name: "山田"}}
			for l := 0; l < 3; l++ {
				order.Lines = append(order.Lines, soko.OrderLine{SKU: fmt.Sprintf("P%02d", (o+l*7)%products), Quantity: 1 + (o+l)%2, TaxRate: 10})
			}
			seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "BENCH", Order: order})
		}
		if err := db.Load(context.Background(), seed); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		n, err := db.AllocateWaiting(context.Background(), soko.AllocationRules{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/10k-orders")
		b.StopTimer()
		if n != orders {
			b.Fatalf("allocated %d of %d orders", n, orders)
		}
		mustBalanced(b, db)
	}
}

func BenchmarkAllocateWaiting_SQLite(b *testing.B) {
	benchmarkAllocateWaiting(b, storagetest.MustOpenSQLite)
}

func BenchmarkAllocateWaiting_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	benchmarkAllocateWaiting(b, storagetest.MustOpenPostgres)
}
