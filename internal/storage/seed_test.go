package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/demo"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestLoad_DemoWarehouse(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := demo.Warehouse(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{
			"merchants": len(seed.Merchants), "staff": len(seed.Staff), "products": len(seed.Products),
			"locations": len(seed.Locations), "stock": len(seed.Stock), "orders": len(seed.Orders),
			"api_keys": len(seed.APIKeys), "box_types": len(seed.BoxTypes),
		}
		for table, want := range counts {
			var n int64
			storage.Conn(db, ctx).Table(table).Count(&n)
			if int(n) != want || want == 0 {
				t.Errorf("%s: %d rows, seed has %d", table, n, want)
			}
		}
		if bad, err := db.CheckLedger(ctx); err != nil || len(bad) != 0 {
			t.Fatalf("ledger does not balance after seeding: %v %+v", err, bad)
		}
		if empty, _ := db.Empty(ctx); empty {
			t.Fatal("seeded database reports empty")
		}
		staff, err := db.FindStaffByBadge(ctx, seed.Staff[0].BadgeCode)
		if err != nil || !soko.CheckPIN(staff.PINHash, seed.Staff[0].PIN) {
			t.Fatalf("demo staff cannot sign in with the printed PIN: %v", err)
		}
		key, err := db.Authenticate(ctx, seed.APIKeys[0].Secret)
		if err != nil {
			t.Fatalf("demo API key does not authenticate: %v", err)
		}
		m, _ := db.FindMerchantByCode(ctx, seed.APIKeys[0].MerchantCode)
		if key.MerchantID != m.ID {
			t.Fatal("demo key belongs to the wrong merchant")
		}
		var lots int64
		storage.Conn(db, ctx).Table("stock").Where("expiry IS NOT NULL").Count(&lots)
		if lots == 0 {
			t.Fatal("no lot with an expiry date was stored")
		}
	})
}

// TestSQLite_ContendedReadThenWrite is the case that fails with "database is
// locked" when write transactions start deferred.
func TestSQLite_ContendedReadThenWrite(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	ctx := context.Background()
	seed := mustSmallWarehouse(t, db)
	stockID := seed.Stock[0].ID
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- storage.Transact(db, ctx, func(tx *gorm.DB) error {
					var onHand int
					if err := tx.Raw("SELECT on_hand FROM stock WHERE id = ?", stockID).Scan(&onHand).Error; err != nil {
						return err
					}
					return tx.Exec("UPDATE stock SET on_hand = ? WHERE id = ?", onHand+1, stockID).Error
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	var first error
	for err := range errs {
		if err != nil {
			failed++
			first = err
		}
	}
	onHand := storage.StockOnHand(db, ctx, stockID)
	if failed > 0 || onHand != 5+workers*each {
		t.Fatalf("%d of %d transactions failed (first: %v); on hand %d, want %d", failed, workers*each, first, onHand, 5+workers*each)
	}
}
