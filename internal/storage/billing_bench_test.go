package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// benchOrders is the month's shipped orders of the statement benchmark.
const benchOrders = 100_000

// mustBulkMonth stores, in bulk SQL, a merchant whose October 2026 shipped
// benchOrders orders (one to three units, every tenth a gift), each in one
// box with a label and a ledger line on a pick shelf, spread over the
// month's 31 days, after stock received in September; and its rate card.
func mustBulkMonth(tb testing.TB, db *storage.DB) int64 {
	tb.Helper()
	ctx := context.Background()
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "BULK", Name: "大口"}},
		Locations: []soko.Location{{Code: "BULK-P1", Zone: "P", WalkSequence: 1, Kind: soko.LocationPick}},
		Products:  []soko.SeedProduct{{MerchantCode: "BULK", Product: soko.Product{SKU: "BK-1", Name: "定番品", TaxRate: 10}}},
		Stock:     []soko.SeedStock{{MerchantCode: "BULK", SKU: "BK-1", LocationCode: "BULK-P1", Stock: soko.Stock{OnHand: 0}}},
		RateCards: []soko.SeedRateCard{{MerchantCode: "BULK", RateCard: soko.RateCard{From: soko.Month{Year: 2026, Month: time.October},
			TaxRate: 10, Rounding: soko.RoundDown, StoragePeriods: 3, StorageUnitPeriod: 350, StorageLocationDay: 2000, PickOrder: 15000,
			PickExtraUnit: 3000, Boxes: map[string]int64{"BOX60": 8000}, Label: 1000, GiftWrap: 20000, Insert: 1500}}},
	}
	if err := db.Load(ctx, seed); err != nil {
		tb.Fatal(err)
	}
	merchant, stock, product := seed.Merchants[0].ID, seed.Stock[0].ID, seed.Products[0].ID
	at := func(day int) string {
		return time.Date(2026, 10, day, 1, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000000Z07:00")
	}
	stmts := []string{fmt.Sprintf(`INSERT INTO stock_movements (stock_id, kind, on_hand_delta, allocated_delta, created_at) VALUES (%d, 'receive', %d, 0, '%s')`,
		stock, 3*benchOrders, time.Date(2026, 9, 20, 1, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000000Z07:00"))}
	per := benchOrders / 31
	for day := 1; day <= 31; day++ {
		n := per
		if day == 31 {
			n = benchOrders - 30*per
		}
		stmts = append(stmts, fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			INSERT INTO orders (merchant_id, number, status, recipient_postal_code, recipient_prefecture, recipient_city, recipient_street, recipient_name, gift, created_at, updated_at)
			SELECT %d, 'BK-%02d-' || i, 'shipped', '1000005', '東京都', '千代田区', '丸の内1-1', '山田 太郎', i %% 10 = 0, '%s', '%s' FROM n`,
			n, merchant, day, at(day), at(day)))
	}
	stmts = append(stmts,
		fmt.Sprintf(`INSERT INTO order_lines (order_id, product_id, quantity) SELECT id, %d, 1 + id %% 3 FROM orders WHERE merchant_id = %d`, product, merchant),
		fmt.Sprintf(`INSERT INTO order_events (order_id, seq, action, from_status, to_status, created_at) SELECT id, 1, 'ship', 'labeled', 'shipped', created_at FROM orders WHERE merchant_id = %d`, merchant),
		fmt.Sprintf(`INSERT INTO parcels (order_id, seq, box_type, carrier, tracking_number, handed_over_at) SELECT id, 1, 'BOX60', 'yamato', 'BK' || id, created_at FROM orders WHERE merchant_id = %d`, merchant),
		fmt.Sprintf(`INSERT INTO stock_movements (stock_id, kind, on_hand_delta, allocated_delta, document_type, document_id, created_at)
			SELECT %d, 'ship', -l.quantity, 0, 'order', o.id, o.created_at FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.merchant_id = %d`, stock, merchant),
		fmt.Sprintf(`UPDATE stock SET on_hand = (SELECT SUM(on_hand_delta) FROM stock_movements WHERE stock_id = %d) WHERE id = %d`, stock, stock),
		"ANALYZE",
	)
	for _, s := range stmts {
		if err := db.Exec(ctx, s); err != nil {
			tb.Fatalf("%v\n%s", err, s)
		}
	}
	return merchant
}

// benchmarkStatement counts and prices a month of benchOrders shipped
// orders for one merchant, as opening an open month's statement does, and
// reports its detail lines; then renders the CSV-sized detail's PDF is left
// to the server: this is the database's part.
func benchmarkStatement(b *testing.B, open func(testing.TB) *storage.DB) {
	ctx := context.Background()
	db := open(b)
	merchant := mustBulkMonth(b, db)
	oct := soko.Month{Year: 2026, Month: time.October}
	var st *soko.Statement
	for b.Loop() {
		var err error
		if st, err = db.Statement(ctx, merchant, oct, soko.Issuer{Name: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	var orders int64
	for _, l := range st.Lines {
		if l.Charge == soko.ChargePickOrder {
			orders = l.Quantity
		}
	}
	if orders != benchOrders {
		b.Fatalf("the statement bills %d orders, want %d", orders, benchOrders)
	}
	b.ReportMetric(float64(len(st.Details)), "details")
	var buf bytes.Buffer
	fmt.Fprint(&buf, st.Total)
}

func BenchmarkStatement_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	benchmarkStatement(b, storagetest.MustOpenPostgres)
}

func BenchmarkStatement_SQLite(b *testing.B) { benchmarkStatement(b, storagetest.MustOpenSQLite) }
