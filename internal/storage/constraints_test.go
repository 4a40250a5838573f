package storage_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustSmallWarehouse stores two merchants, one product each with the same
// barcode, one location and stock, and an order; it returns the seed with ids set.
func mustSmallWarehouse(tb testing.TB, db *storage.DB) *soko.Seed {
	tb.Helper()
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら"}, {Code: "MIDORI", Name: "みどり"}},
		Locations: []soko.Location{{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
		Products: []soko.SeedProduct{
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "T-1", Name: "タオル", TaxRate: 10, Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}},
			{MerchantCode: "MIDORI", Product: soko.Product{SKU: "T-1", Name: "緑茶", TaxRate: 8, Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}},
		},
		Stock: []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "T-1", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 5}}},
		Orders: []soko.SeedOrder{{MerchantCode: "SAKURA", Order: soko.Order{
			Number: "SKR-1", Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 太郎"},
			Lines: []soko.OrderLine{{SKU: "T-1", Quantity: 2, UnitPrice: 1100, TaxRate: 10}},
		}}},
	}
	if err := db.Load(context.Background(), seed); err != nil {
		tb.Fatalf("load: %v", err)
	}
	return seed
}

func TestConstraints_EnforcedByTheDatabase(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := mustSmallWarehouse(t, db)
		stockID := seed.Stock[0].ID
		sakura := seed.Merchants[0].ID
		towel := seed.Products[0].ID

		cases := []struct {
			name string
			sql  string
			args []any
			code string
		}{
			{"allocated above on hand", `UPDATE stock SET allocated = 6 WHERE id = ?`, []any{stockID}, soko.ECONFLICT},
			{"negative allocated", `UPDATE stock SET allocated = -1 WHERE id = ?`, []any{stockID}, soko.ECONFLICT},
			{"negative on hand", `UPDATE stock SET on_hand = -1 WHERE id = ?`, []any{stockID}, soko.ECONFLICT},
			{"second product with a merchant's barcode", `INSERT INTO product_barcodes (merchant_id, product_id, code, pack_quantity) VALUES (?, ?, '4901234567894', 6)`, []any{sakura, towel}, soko.ECONFLICT},
			{"barcode pointing at another merchant's product", `INSERT INTO product_barcodes (merchant_id, product_id, code, pack_quantity) VALUES (?, ?, '4512345678906', 1)`, []any{sakura, seed.Products[1].ID}, soko.EINVALID},
			{"order number twice for a merchant", `INSERT INTO orders (merchant_id, number, status, recipient_postal_code, recipient_prefecture, recipient_city, recipient_street, recipient_name, created_at, updated_at) VALUES (?, 'SKR-1', 'received', '1', 'x', 'x', 'x', 'x', ?, ?)`, []any{sakura, storage.NowOf(db), storage.NowOf(db)}, soko.ECONFLICT},
			{"unknown order status", `UPDATE orders SET status = 'lost' WHERE number = 'SKR-1'`, nil, soko.ECONFLICT},
			{"tax rate 5", `UPDATE products SET tax_rate = 5 WHERE id = ?`, []any{towel}, soko.ECONFLICT},
		}
		for _, tc := range cases {
			err := storage.Transact(db, ctx, func(tx *gorm.DB) error { return tx.Exec(tc.sql, tc.args...).Error })
			if soko.ErrorCode(err) != tc.code {
				t.Errorf("%s: got %v, want %s", tc.name, err, tc.code)
			}
		}

		// The same order number and barcode are fine for another merchant.
		midori := seed.Merchants[1].ID
		err := storage.Transact(db, ctx, func(tx *gorm.DB) error {
			return tx.Exec(`INSERT INTO orders (merchant_id, number, status, recipient_postal_code, recipient_prefecture, recipient_city, recipient_street, recipient_name, created_at, updated_at) VALUES (?, 'SKR-1', 'received', '1', 'x', 'x', 'x', 'x', ?, ?)`, midori, storage.NowOf(db), storage.NowOf(db)).Error
		})
		if err != nil {
			t.Fatalf("another merchant's order with the same number: %v", err)
		}
	})
}

func TestConstraints_TrackingNumberUniqueAcrossCarriers(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := mustSmallWarehouse(t, db)
		orderID := seed.Orders[0].ID
		insert := func(seq int, carrier, tracking string) error {
			return storage.Transact(db, ctx, func(tx *gorm.DB) error {
				return tx.Exec(`INSERT INTO parcels (order_id, seq, carrier, tracking_number) VALUES (?, ?, ?, ?)`, orderID, seq, carrier, tracking).Error
			})
		}
		if err := insert(1, "yamato", "123456789012"); err != nil {
			t.Fatal(err)
		}
		if err := insert(2, "yamato", "123456789012"); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("same tracking number twice at one carrier: %v", err)
		}
		// The dock loads a parcel by its number alone: another carrier's
		// parcel may not have it either.
		if err := insert(2, "japanpost", "123456789012"); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("same number at another carrier: %v, want conflict", err)
		}
		// Parcels without a number yet are many.
		for seq := 3; seq <= 4; seq++ {
			err := storage.Transact(db, ctx, func(tx *gorm.DB) error {
				return tx.Exec(`INSERT INTO parcels (order_id, seq, carrier) VALUES (?, ?, 'yamato')`, orderID, seq).Error
			})
			if err != nil {
				t.Fatalf("parcel %d without a tracking number: %v", seq, err)
			}
		}
	})
}

// TestCheckInvariants_TrackingNumberAcrossCarriers: `soko check` finds one
// number on two carriers' parcels, as a database written before the unique
// index (or restored from one) can hold, and says that is what it checks.
func TestCheckInvariants_TrackingNumberAcrossCarriers(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := mustSmallWarehouse(t, db)
		err := storage.Transact(db, ctx, func(tx *gorm.DB) error {
			if err := tx.Exec(`DROP INDEX parcels_tracking_number`).Error; err != nil {
				return err
			}
			return tx.Exec(`INSERT INTO parcels (order_id, seq, carrier, tracking_number) VALUES (?, 1, 'yamato', '118633020004'), (?, 2, 'japanpost', '118633020004')`,
				seed.Orders[0].ID, seed.Orders[0].ID).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		checks, err := db.CheckInvariants(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if !strings.Contains(c.Name, "tracking numbers") {
				continue
			}
			if c.Name != "tracking numbers unique across carriers" || len(c.Problems) != 1 ||
				c.Problems[0] != "118633020004 is on 2 parcels (japanpost, yamato)" {
				t.Errorf("check %q: %q", c.Name, c.Problems)
			}
			return
		}
		t.Errorf("no tracking-number check in %+v", checks)
	})
}

func TestLoad_AllOrNothing(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		bad := &soko.Seed{
			Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら"}},
			Orders:    []soko.SeedOrder{{MerchantCode: "SAKURA", Order: soko.Order{Number: "X", Lines: []soko.OrderLine{{SKU: "NOPE", Quantity: 1}}}}},
		}
		if err := db.Load(ctx, bad); err == nil {
			t.Fatal("a seed with an unknown product loaded")
		}
		empty, err := db.Empty(ctx)
		if err != nil || !empty {
			t.Fatalf("a failed load left data behind (empty=%v, %v)", empty, err)
		}
	})
}

func TestOrder_FindIsScopedToMerchant(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := mustSmallWarehouse(t, db)
		o, err := db.FindOrder(ctx, seed.Merchants[0].ID, "SKR-1")
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != soko.OrderReceived || len(o.Lines) != 1 || o.Lines[0].SKU != "T-1" || o.Lines[0].Quantity != 2 || o.Recipient.Name != "山田 太郎" {
			t.Fatalf("order read back as %+v", o)
		}
		if _, err := db.FindOrder(ctx, seed.Merchants[1].ID, "SKR-1"); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("another merchant's order: %v, want not found", err)
		}
	})
}
