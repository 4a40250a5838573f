package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// BenchmarkGrowth_Postgres measures the pages a busy warehouse opens all
// day (the console's order search, an order's page, the dashboard, the API
// order list, a picker's next task and a packing station's scan of an
// order number) over a history of 10,000 and of 100,000 shipped orders,
// each with its line, five events and two scans; and a handheld's scan of
// a JAN or an SKU over a catalog of 1,000 and of 10,000 products (one for
// ten orders) of another merchant. Each must stay within twice its
// 10,000-order time at 100,000 (issue 17). The history and catalog are
// written in bulk SQL; twenty live orders are allocated and waved the
// ordinary way, so the picker has work.
func BenchmarkGrowth_Postgres(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		g := mustGrowth(b, storagetest.MustOpenPostgres(b), n)
		ctx := context.Background()
		day := storagetest.Fixed
		cases := []struct {
			name string
			run  func() error
		}{
			{"search_number", func() error {
				_, err := g.db.SearchOrders(ctx, soko.OrderSearch{Number: fmt.Sprintf("H-%07d", n/2), Limit: 50})
				return err
			}},
			{"search_customer", func() error {
				_, err := g.db.SearchOrders(ctx, soko.OrderSearch{Customer: "佐藤 4242", Limit: 50})
				return err
			}},
			{"search_tracking", func() error {
				_, err := g.db.SearchOrders(ctx, soko.OrderSearch{Tracking: fmt.Sprintf("4%011d", n/3), Limit: 50})
				return err
			}},
			{"console_list", func() error {
				_, err := g.db.SearchOrders(ctx, soko.OrderSearch{Limit: 50})
				return err
			}},
			{"order_page", func() error {
				_, err := g.db.OrderView(ctx, g.oldOrder)
				return err
			}},
			{"api_list", func() error {
				_, err := g.db.ListOrders(ctx, soko.OrderFilter{MerchantID: g.merchant, Page: soko.Page{Limit: 50}})
				return err
			}},
			{"api_updated_since", func() error {
				_, err := g.db.ListOrders(ctx, soko.OrderFilter{MerchantID: g.merchant, Page: soko.Page{Limit: 50, UpdatedSince: day.Add(-time.Hour)}})
				return err
			}},
			{"dashboard", func() error {
				_, err := g.db.Dashboard(ctx, day)
				return err
			}},
			{"scan_barcode", func() error {
				items, err := g.db.ScannedItems(ctx, 0, fmt.Sprintf("49%011d", n/20), "")
				if err == nil && len(items) != 1 {
					return fmt.Errorf("the barcode names %d products", len(items))
				}
				return err
			}},
			{"scan_sku", func() error {
				items, err := g.db.ScannedItems(ctx, 0, "", fmt.Sprintf("C%07d", n/20))
				if err == nil && len(items) != 1 {
					return fmt.Errorf("the SKU names %d products", len(items))
				}
				return err
			}},
			{"station_order", func() error {
				o, err := g.db.StationOrder(ctx, fmt.Sprintf("H-%07d", n/2))
				if err == nil && o.ID != g.oldOrder {
					return fmt.Errorf("the station found order %d", o.ID)
				}
				return err
			}},
			{"next_pick", func() error {
				t, err := g.db.NextPickTask(ctx, g.picker)
				if err == nil && t == nil {
					return fmt.Errorf("the picker has no task")
				}
				return err
			}},
		}
		for _, c := range cases {
			b.Run(fmt.Sprintf("orders=%d/%s", n, c.name), func(b *testing.B) {
				for b.Loop() {
					if err := c.run(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

type growth struct {
	db               *storage.DB
	merchant, picker int64
	oldOrder         int64
}

// mustGrowth seeds a warehouse with n shipped orders of history and
// twenty live orders waved for the picker.
func mustGrowth(b testing.TB, db *storage.DB, n int) *growth {
	ctx := context.Background()
	addr := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 花子"}
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "BIG", Name: "大口商店", Sender: addr}},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
			{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
		},
	}
	for p := range 10 {
		sku, loc := fmt.Sprintf("G%02d", p), fmt.Sprintf("A-%02d", p)
		seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "BIG", Product: soko.Product{SKU: sku, Name: "商品" + sku, TaxRate: 10}})
		seed.Locations = append(seed.Locations, soko.Location{Code: loc, Zone: "A", WalkSequence: p, Kind: soko.LocationPick})
		seed.Stock = append(seed.Stock, soko.SeedStock{MerchantCode: "BIG", SKU: sku, LocationCode: loc, Stock: soko.Stock{OnHand: 1000}})
	}
	for i := range 20 {
		seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "BIG", Order: soko.Order{
			Number: fmt.Sprintf("LIVE-%02d", i), Carrier: "yamato", Recipient: addr,
			Lines: []soko.OrderLine{{SKU: fmt.Sprintf("G%02d", i%10), Quantity: 1, UnitPrice: 1000, TaxRate: 10}},
		}})
	}
	if err := db.Load(ctx, seed); err != nil {
		b.Fatal(err)
	}
	g := &growth{db: db, merchant: seed.Merchants[0].ID, picker: seed.Staff[0].ID}
	conn := storage.Conn(db, ctx)
	// History: shipped over the last n minutes before the fixed test day,
	// each with its parcel (tracking numbers 4 and eleven digits).
	end := storagetest.Fixed.Add(-time.Hour)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO orders (merchant_id, number, status, recipient_postal_code, recipient_prefecture, recipient_city, recipient_street,
			recipient_name, carrier, created_at, updated_at)
		SELECT ?, 'H-' || lpad(g::text, 7, '0'), 'shipped', '1000005', '東京都', '千代田区', '丸の内1-1',
			'佐藤 ' || g, 'yamato', ?::timestamptz - g * interval '1 minute', ?::timestamptz - g * interval '1 minute' + interval '3 hours'
		FROM generate_series(1, ?) g`, []any{g.merchant, end, end, n}},
		// The catalog: another merchant's products, one for ten orders, each
		// with its JAN (49 and eleven digits).
		{`INSERT INTO merchants (code, name, created_at) VALUES ('CAT', '品揃え商店', ?)`, []any{end}},
		{`INSERT INTO products (merchant_id, sku, name, tax_rate, created_at, updated_at)
		SELECT (SELECT id FROM merchants WHERE code = 'CAT'), 'C' || lpad(g::text, 7, '0'), '商品 ' || g, 10, ?, ?
		FROM generate_series(1, ?) g`, []any{end, end, n / 10}},
		{`INSERT INTO product_barcodes (merchant_id, product_id, code, pack_quantity)
		SELECT merchant_id, id, '49' || lpad(substr(sku, 2), 11, '0'), 1 FROM products WHERE sku LIKE 'C%'`, nil},
		{`INSERT INTO order_lines (order_id, product_id, quantity, unit_price, tax_rate)
		SELECT o.id, (SELECT min(id) FROM products), 1, 1000, 10 FROM orders o WHERE o.number LIKE 'H-%'`, nil},
		{`INSERT INTO order_events (order_id, seq, action, from_status, to_status, created_at)
		SELECT o.id, s.seq, 'status', s.f, s.t, o.created_at + s.seq * interval '30 minutes' FROM orders o
		CROSS JOIN (VALUES (1, '', 'received'), (2, 'received', 'allocated'), (3, 'allocated', 'picked'), (4, 'picked', 'packed'), (5, 'labeled', 'shipped')) AS s(seq, f, t)
		WHERE o.number LIKE 'H-%'`, nil},
		{`INSERT INTO scan_events (staff_id, step, code, result, order_id, created_at)
		SELECT ?, s.step, '4901234567894', 'ok', o.id, o.created_at + interval '1 hour' FROM orders o
		CROSS JOIN (VALUES ('pick'), ('pack')) AS s(step) WHERE o.number LIKE 'H-%'`, []any{g.picker}},
		{`INSERT INTO parcels (order_id, seq, carrier, tracking_number, label_printed, labeled_at, handed_over_at)
		SELECT o.id, 1, 'yamato', '4' || lpad(substr(o.number, 3)::text, 11, '0'), TRUE, o.created_at + interval '2 hours', o.created_at + interval '3 hours'
		FROM orders o WHERE o.number LIKE 'H-%'`, nil},
	} {
		if err := conn.Exec(q.sql, q.args...).Error; err != nil {
			b.Fatal(err)
		}
	}
	if err := conn.Exec(`ANALYZE`).Error; err != nil {
		b.Fatal(err)
	}
	if err := conn.Raw(`SELECT id FROM orders WHERE number = ?`, fmt.Sprintf("H-%07d", n/2)).Scan(&g.oldOrder).Error; err != nil {
		b.Fatal(err)
	}
	for _, o := range seed.Orders {
		if _, err := db.AllocateOrder(ctx, o.ID, rules); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: seed.Staff[1].ID}); err != nil {
		b.Fatal(err)
	}
	return g
}
