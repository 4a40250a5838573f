package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustSellable checks a product's sellable units, as the stock API and
// feed publish them.
func mustSellable(t *testing.T, db *storage.DB, merchantID int64, sku string, want int) {
	t.Helper()
	s, err := db.StockOf(context.Background(), merchantID, sku)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Sellable(); got != want {
		t.Errorf("%s sellable %d (%+v), want %d", sku, got, s.StockFigures, want)
	}
}

func mustStatus(t *testing.T, db *storage.DB, orderID int64) soko.OrderStatus {
	t.Helper()
	o, err := db.OrderByID(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	return o.Status
}

// Kits assembled ahead (集合包装) turn components into the set's own
// stock, both ways in the ledger; the set's stock is its kits plus what
// its components make, and an order of the set takes kits first.
func TestKitting_AssembleThenAllocateKitsFirst(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := setSeed(t, db) // GIFT = 2 towels (10 at A-01) + a mug (3 at A-02)
		staff := int64(1)
		for _, tc := range []struct {
			k     soko.KittingTask
			field string
		}{
			{soko.KittingTask{SetSKU: "TOWEL", Quantity: 1, Location: "A-02"}, "sku"},
			{soko.KittingTask{SetSKU: "GIFT", Quantity: 0, Location: "A-02"}, "quantity"},
			{soko.KittingTask{SetSKU: "GIFT", Quantity: 1, Location: "RCV-01"}, "location"},
		} {
			tc.k.MerchantID = m
			err := db.CreateKittingTask(ctx, &tc.k)
			var e *soko.Error
			if soko.ErrorCode(err) != soko.EINVALID || !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != tc.field {
				t.Errorf("kitting %+v: %v, want a problem on %s", tc.k, err, tc.field)
			}
		}
		k := &soko.KittingTask{MerchantID: m, SetSKU: "GIFT", Quantity: 2, Location: "A-02", CreatedBy: staff}
		if err := db.CreateKittingTask(ctx, k); err != nil {
			t.Fatal(err)
		}
		open, err := db.OpenKittingTasks(ctx)
		if err != nil || len(open) != 1 || open[0].SetSKU != "GIFT" || open[0].Quantity != 2 || open[0].Location != "A-02" {
			t.Fatalf("open kitting tasks %+v %v", open, err)
		}
		got, err := db.KittingTask(ctx, k.ID)
		if err != nil || len(got.Components) != 2 {
			t.Fatalf("task %+v %v", got, err)
		}
		if c := got.Components[1]; c.SKU != "TOWEL" || c.PerKit != 2 || c.Quantity != 4 || len(c.From) != 1 || c.From[0] != (soko.KitSource{Location: "A-01", Free: 10}) ||
			!slices.Equal(c.Barcodes, []string{"4901234567894"}) {
			t.Errorf("towels for the kits: %+v", c)
		}
		// Picks that do not make the kits are refused, and change nothing.
		_, err = db.CompleteKitting(ctx, &soko.KittingFinish{TaskID: k.ID, StaffID: staff, Picks: []soko.KitPick{{SKU: "TOWEL", Location: "A-01", Units: 3}, {SKU: "MUG", Location: "A-02", Units: 2}}})
		if soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("3 towels for 2 kits: %v, want a conflict", err)
		}
		_, err = db.CompleteKitting(ctx, &soko.KittingFinish{TaskID: k.ID, StaffID: staff, Picks: []soko.KitPick{{SKU: "TOWEL", Location: "A-02", Units: 4}, {SKU: "MUG", Location: "A-02", Units: 2}}})
		if soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("towels from a shelf without towels: %v, want a conflict", err)
		}
		mustOnHand(t, db, m, "TOWEL", 10)
		done, err := db.CompleteKitting(ctx, &soko.KittingFinish{TaskID: k.ID, StaffID: staff, Location: "A-02",
			Picks: []soko.KitPick{{SKU: "TOWEL", Location: "A-01", Units: 4}, {SKU: "MUG", Location: "A-02", Units: 2}}})
		if err != nil || done.Status != soko.KittingDone {
			t.Fatalf("complete: %+v %v", done, err)
		}
		if _, err := db.CompleteKitting(ctx, &soko.KittingFinish{TaskID: k.ID, StaffID: staff, Picks: []soko.KitPick{{SKU: "TOWEL", Location: "A-01", Units: 4}, {SKU: "MUG", Location: "A-02", Units: 2}}}); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("completing twice: %v, want a conflict", err)
		}
		mustOnHand(t, db, m, "TOWEL", 6)
		mustOnHand(t, db, m, "MUG", 1)
		// 2 kits, and 6 towels with 1 mug make one more.
		mustSellable(t, db, m, "GIFT", 3)
		mustBalanced(t, db)
		var kitsInLedger int
		if err := storage.Conn(db, ctx).Raw(`SELECT COALESCE(SUM(on_hand_delta), 0) FROM stock_movements WHERE document_type = 'kitting_task' AND document_id = ?`, k.ID).Scan(&kitsInLedger).Error; err != nil || kitsInLedger != 2-4-2 {
			t.Errorf("the task's ledger lines add up to %d (%v), want 2 kits in, 6 components out", kitsInLedger, err)
		}

		// An order of 3 sets takes the 2 kits and components for one.
		o := &soko.Order{MerchantID: m, Number: "KIT-1", Status: soko.OrderReceived, Carrier: "yamato",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "GIFT", Quantity: 3, UnitPrice: 5000, TaxRate: 10}}}
		if err := db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		if st, err := db.AllocateOrder(ctx, o.ID, soko.AllocationRules{}); err != nil || st != soko.OrderAllocated {
			t.Fatalf("allocate: %s %v", st, err)
		}
		back, err := db.FindOrder(ctx, m, "KIT-1")
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			sku        string
			qty, alloc int
			set, under bool
		}
		var lines []line
		for _, l := range back.Lines {
			lines = append(lines, line{l.SKU, l.Quantity, l.Allocated, l.IsSet, l.SetLineID == back.Lines[0].ID})
		}
		want := []line{{"GIFT", 3, 0, true, false}, {"MUG", 1, 1, false, true}, {"TOWEL", 2, 2, false, true}, {"GIFT", 2, 2, false, true}}
		if !slices.Equal(lines, want) {
			t.Errorf("KIT-1's lines %+v, want the kits first %+v", lines, want)
		}
		if back.GoodsTotal() != 15000 || back.LineState(back.Lines[0]) != soko.LineAllocated {
			t.Errorf("goods %d, set %s", back.GoodsTotal(), back.LineState(back.Lines[0]))
		}
		mustSellable(t, db, m, "GIFT", 0) // no kit left, no mug left
		mustBalanced(t, db)

		// The picker takes the kits from their shelf like any item.
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{MaxOrders: 1, StaffID: staff}); err != nil {
			t.Fatal(err)
		}
		var tasks []string
		walkTasks(t, db, staff, "kit", func(task *soko.PickTask, next func() string) {
			tasks = append(tasks, fmt.Sprintf("%s %s ×%d", task.LocationCode, task.SKU, task.Quantity))
			if _, err := db.Pick(ctx, &soko.PickScan{ScanID: next(), TaskID: task.ID, StaffID: staff, Device: "HT-01", Code: task.SKU,
				ProductID: task.ProductID, Units: task.Remaining()}); err != nil {
				t.Fatal(err)
			}
		})
		slices.Sort(tasks)
		if want := []string{"A-01 TOWEL ×2", "A-02 GIFT ×2", "A-02 MUG ×1"}; !slices.Equal(tasks, want) {
			t.Errorf("pick tasks %v, want %v", tasks, want)
		}
		if st := mustStatus(t, db, o.ID); st != soko.OrderPicked {
			t.Errorf("KIT-1 is %s after its picks, want picked", st)
		}
		mustBalanced(t, db)
	})
}
