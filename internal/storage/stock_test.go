package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

var rules = soko.AllocationRules{ExpiryMargin: 30 * 24 * time.Hour}

// stockSeed is one merchant with a towel (10 at A-01, walk 1), a second
// shelf, a receiving location and n orders of one towel each.
func stockSeed(n int) *soko.Seed {
	s := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら"}},
		Staff:     []soko.SeedStaff{{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"}},
		Locations: []soko.Location{
			{Code: "A-01", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
			{Code: "A-02", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
			{Code: "RCV-01", Zone: "R", WalkSequence: 99, Kind: soko.LocationReceiving},
		},
		Products: []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10, ReorderPoint: 3,
			Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}}},
		Stock: []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01", Stock: soko.Stock{OnHand: 10}}},
	}
	for i := 1; i <= n; i++ {
		s.Orders = append(s.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{
			Number: fmt.Sprintf("SO-%03d", i), Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
			Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1000, TaxRate: 10}},
		}})
	}
	return s
}

func mustBalanced(tb testing.TB, db *storage.DB) {
	tb.Helper()
	bad, err := db.CheckLedger(context.Background())
	if err != nil || len(bad) > 0 {
		tb.Fatalf("the ledger does not balance: %v %+v", err, bad)
	}
	behind, err := db.CheckStockFeed(context.Background())
	if err != nil || len(behind) > 0 {
		tb.Fatalf("the stock feed is behind the stock: %v %+v", err, behind)
	}
}

// mustTenOfHundredAllocated checks a hundred orders of one towel each
// after they competed for the ten on the shelf: ten allocated, ninety
// backordered, every towel reserved, and the ledger and feed balanced.
func mustTenOfHundredAllocated(tb testing.TB, db *storage.DB, merchantID int64) {
	tb.Helper()
	ctx := context.Background()
	counts, err := db.CountOrdersByStatus(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if counts[soko.OrderAllocated] != 10 || counts[soko.OrderBackordered] != 90 {
		tb.Fatalf("orders by status %v, want 10 allocated and 90 backordered", counts)
	}
	s, _ := db.StockOf(ctx, merchantID, "TOWEL")
	if s.OnHand != 10 || s.Allocated != 10 {
		tb.Fatalf("stock %+v, want 10 on hand, 10 allocated", s)
	}
	mustBalanced(tb, db)
}

func TestAllocate_NeverOversellsUnderConcurrency(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		one, two := storagetest.MustOpenTwice(t, dialect)
		seed := stockSeed(100)
		if err := one.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(seed.Orders))
		for i, o := range seed.Orders {
			db := one
			if i%2 == 1 {
				db = two
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := db.AllocateOrder(ctx, o.ID, rules); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("allocation failed: %v", err)
		}
		mustTenOfHundredAllocated(t, one, seed.Merchants[0].ID)
		if low, _ := one.ListLowStock(ctx); len(low) != 1 || low[0].Available != 0 {
			t.Fatalf("low-stock alert %+v, want one at 0 available", low)
		}
	})
}

// TestAllocate_NewOrdersNeverOversellUnderConcurrency: a hundred new
// orders for the last ten towels, each created and allocated in one
// transaction as the API does, from two connection pools at once. On
// PostgreSQL a new order reads its stock unlocked and reserves it at the
// commit; one whose towel was taken meanwhile runs again. Exactly ten are
// allocated, none fails, and the ledger and the stock feed balance.
func TestAllocate_NewOrdersNeverOversellUnderConcurrency(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		one, two := storagetest.MustOpenTwice(t, dialect)
		seed := stockSeed(0)
		if err := one.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		var told atomic.Int32
		for _, db := range []*storage.DB{one, two} {
			db.OnAllocationDeferred = func() { told.Add(1) }
		}
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for i := range 100 {
			db := []*storage.DB{one, two}[i%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.InTransaction(ctx, func(ctx context.Context) error {
					// A run again builds its order afresh, as the API's handler does.
					o := &soko.Order{MerchantID: seed.Merchants[0].ID, Number: fmt.Sprintf("NEW-%03d", i),
						Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
						Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1000, TaxRate: 10}}}
					_, err := db.CreateAndAllocateOrder(ctx, o, rules)
					return err
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("a new order failed: %v", err)
			}
		}
		// Orders whose stock others were reserving wait, received, for
		// the allocation worker, which was told.
		counts, err := one.CountOrdersByStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if left := counts[soko.OrderReceived]; left > 0 && told.Load() == 0 {
			t.Fatalf("%d orders left received, and the allocation worker was not told", left)
		}
		t.Logf("left to the worker: %d orders, told %d times", counts[soko.OrderReceived], told.Load())
		if n, err := two.AllocateReceived(ctx, rules); err != nil || n != 10-counts[soko.OrderAllocated] {
			t.Fatalf("the worker allocated %d (%v), want the %d left of the towels", n, err, 10-counts[soko.OrderAllocated])
		}
		mustTenOfHundredAllocated(t, one, seed.Merchants[0].ID)
	})
}

// twoTowels is a new order of two towels of stockSeed's merchant.
func twoTowels(seed *soko.Seed, number string) *soko.Order {
	return &soko.Order{MerchantID: seed.Merchants[0].ID, Number: number,
		Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
		Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 2, UnitPrice: 1000, TaxRate: 10}}}
}

// TestAllocate_NewOrderLeftToTheWorkerWhileItsStockIsBusy: a new order
// whose stock another transaction is reserving does not wait for that
// transaction's commit: it is answered received at once, the allocation
// worker is told after the commit, and its run allocates it.
func TestAllocate_NewOrderLeftToTheWorkerWhileItsStockIsBusy(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "on SQLite writers take turns, so no stock is busy")
	db := storagetest.MustOpenPostgres(t)
	ctx := context.Background()
	seed := stockSeed(0)
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	var told atomic.Int32
	db.OnAllocationDeferred = func() { told.Add(1) }
	// intake creates and allocates an order in one transaction, as the
	// API does for a request with an Idempotency-Key; before runs just
	// before the commit.
	intake := func(number string, before func()) (*soko.Order, error) {
		var answer *soko.Order
		err := db.InTransaction(ctx, func(ctx context.Context) error {
			var err error
			answer, err = db.CreateAndAllocateOrder(ctx, twoTowels(seed, number), rules)
			before()
			return err
		})
		return answer, err
	}
	planned, commit := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		o, err := intake("FIRST", func() { close(planned); <-commit })
		if err == nil && o.Status != soko.OrderAllocated {
			err = fmt.Errorf("the first order is %s, want allocated", o.Status)
		}
		first <- err
	}()
	<-planned
	second, err := intake("SECOND", func() {})
	if err != nil {
		t.Fatal(err)
	}
	if second.Status != soko.OrderReceived || second.Lines[0].Allocated != 0 {
		t.Fatalf("the second order, while the first reserves the towels: %s, %d allocated; want received, none", second.Status, second.Lines[0].Allocated)
	}
	// Without an Idempotency-Key, in a transaction of its own: the same.
	if o, err := db.CreateAndAllocateOrder(ctx, twoTowels(seed, "ALONE"), rules); err != nil || o.Status != soko.OrderReceived {
		t.Fatalf("an order written apart, while the first reserves the towels: %+v %v, want received", o, err)
	}
	if told.Load() != 2 {
		t.Fatalf("the allocation worker was told %d times, want twice", told.Load())
	}
	close(commit)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if n, err := db.AllocateReceived(ctx, rules); err != nil || n != 2 {
		t.Fatalf("the worker allocated %d (%v), want the two orders left to it", n, err)
	}
	s, _ := db.StockOf(ctx, seed.Merchants[0].ID, "TOWEL")
	if s.OnHand != 10 || s.Allocated != 6 {
		t.Fatalf("stock %+v, want 6 of 10 towels allocated", s)
	}
	if o, err := intake("THIRD", func() {}); err != nil || o.Status != soko.OrderAllocated {
		t.Fatalf("an order after both committed: %+v %v, want allocated at once", o, err)
	}
	mustBalanced(t, db)
}

func TestAllocate_BackorderWaitsForPutAway(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(0)
		seed.Orders = []soko.SeedOrder{{MerchantCode: "SAKURA", Order: soko.Order{
			Number: "BIG", Priority: 5, Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "1", Name: "山田"},
			Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 15, TaxRate: 10}},
		}}}
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		if st, err := db.AllocateOrder(ctx, seed.Orders[0].ID, rules); err != nil || st != soko.OrderBackordered {
			t.Fatalf("15 of 10: %s %v, want backordered", st, err)
		}
		m := seed.Merchants[0]
		towel, _ := db.FindProduct(ctx, m.ID, "TOWEL")
		staff := seed.Staff[0].ID
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "rcv-00001", StaffID: staff, MerchantID: m.ID, ProductID: towel.ID, Units: 12}); err != nil {
			t.Fatal(err)
		}
		// On the receiving location the units are not yet promised to anyone.
		if n, _ := db.AllocateWaiting(ctx, rules); n != 0 {
			t.Fatalf("allocated %d orders from the receiving location", n)
		}
		if _, err := db.PutAway(ctx, &soko.Move{ScanID: "put-00001", StaffID: staff, ProductID: towel.ID, Units: 12, To: "A-02"}); err != nil {
			t.Fatal(err)
		}
		// The run for new orders intake left leaves backorders alone.
		if n, err := db.AllocateReceived(ctx, rules); err != nil || n != 0 {
			t.Fatalf("the run for new orders allocated %d (%v), want none", n, err)
		}
		if n, err := db.AllocateWaiting(ctx, rules); err != nil || n != 1 {
			t.Fatalf("after put-away allocated %d (%v), want 1", n, err)
		}
		o, _ := db.FindOrder(ctx, m.ID, "BIG")
		if o.Status != soko.OrderAllocated {
			t.Fatalf("order %s, want allocated", o.Status)
		}
		// No single shelf holds 15, so the line takes 10 from A-01 and 5 from A-02.
		s, _ := db.StockOf(ctx, m.ID, "TOWEL")
		if s.OnHand != 22 || s.Allocated != 15 {
			t.Fatalf("stock %+v", s)
		}
		mustBalanced(t, db)
	})
}

func TestReceive_ScanAppliedOnce(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(0)
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0]
		towel, _ := db.FindProduct(ctx, m.ID, "TOWEL")
		in := &soko.Inbound{MerchantID: m.ID, Number: "ASN-1", ExpectedDate: storagetest.Fixed, Lines: []soko.InboundLine{{SKU: "TOWEL", Quantity: 5}}}
		if err := db.CreateInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		r := &soko.Receipt{ScanID: "scan-0001", InboundID: in.ID, MerchantID: m.ID, ProductID: towel.ID, Units: 4}
		res, err := db.Receive(ctx, r)
		if err != nil || res.Received != 4 || res.Expected != 5 || res.OverReceipt {
			t.Fatalf("first receipt %+v %v", res, err)
		}
		if _, err := db.Receive(ctx, r); err != soko.ErrScanSeen {
			t.Fatalf("the same scan again: %v, want ErrScanSeen", err)
		}
		r.ScanID = "scan-0002"
		if res, _ := db.Receive(ctx, r); res.Received != 8 || !res.OverReceipt {
			t.Fatalf("over-receipt not flagged: %+v", res)
		}
		got, _ := db.FindInbound(ctx, m.ID, "ASN-1")
		if got.Status != soko.InboundReceiving || got.Lines[0].Received != 8 {
			t.Fatalf("inbound %+v", got)
		}
		if err := db.FinishReceiving(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindInbound(ctx, m.ID, "ASN-1"); got.Status != soko.InboundReceived {
			t.Fatalf("inbound %s after finish", got.Status)
		}
		r.ScanID = "scan-0003"
		if _, err := db.Receive(ctx, r); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("receiving on a finished inbound: %v", err)
		}
		mustBalanced(t, db)
	})
}

func TestCount_ShortfallReallocatesOrBackorders(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(3)
		seed.Stock = append(seed.Stock, soko.SeedStock{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-02", Stock: soko.Stock{OnHand: 1}})
		seed.Stock[0].OnHand = 3
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		for _, o := range seed.Orders {
			if st, err := db.AllocateOrder(ctx, o.ID, rules); err != nil || st != soko.OrderAllocated {
				t.Fatalf("%s: %s %v", o.Number, st, err)
			}
		}
		// All three came from A-01 (walk 1, enough for each); the counter finds one there.
		m := seed.Merchants[0]
		towel, _ := db.FindProduct(ctx, m.ID, "TOWEL")
		res, err := db.Count(ctx, &soko.Count{ScanID: "count-0001", StaffID: seed.Staff[0].ID, Location: "A-01", Reason: "破損",
			Lines: []soko.CountLine{{ProductID: towel.ID, Quantity: 1}}}, rules)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Lines) != 1 || res.Lines[0].Before != 3 || res.Lines[0].Counted != 1 || res.Lines[0].SKU != "TOWEL" {
			t.Fatalf("count lines %+v", res.Lines)
		}
		if len(res.Reallocated)+len(res.Short) != 2 || len(res.Reallocated) != 1 {
			t.Fatalf("reallocated %v short %v: want one moved to A-02 and one waiting", res.Reallocated, res.Short)
		}
		s, _ := db.StockOf(ctx, m.ID, "TOWEL")
		if s.OnHand != 2 || s.Allocated != 2 {
			t.Fatalf("stock after count %+v, want 2 on hand, 2 allocated", s)
		}
		counts, _ := db.CountOrdersByStatus(ctx)
		if counts[soko.OrderAllocated] != 2 || counts[soko.OrderBackordered] != 1 {
			t.Fatalf("orders %v", counts)
		}
		mustBalanced(t, db)
	})
}

// TestStockLocks_DoNotWaitForNewOrders: on a sale day the hot shelf's
// stock row is always share-locked by some new order's allocation (its
// foreign key) until that order commits. A count of the shelf and a move
// off it lock the row as an update does and go on; locked FOR UPDATE they
// waited for every such order in turn.
func TestStockLocks_DoNotWaitForNewOrders(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "on SQLite writers take turns, so no lock is waited for")
	db := storagetest.MustOpenPostgres(t)
	ctx := context.Background()
	seed := stockSeed(0)
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	towel, _ := db.FindProduct(ctx, seed.Merchants[0].ID, "TOWEL")
	locked, release, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		held <- storage.Transact(db, ctx, func(tx *gorm.DB) error {
			if err := tx.Exec(`SELECT 1 FROM stock WHERE product_id = ? FOR KEY SHARE`, towel.ID).Error; err != nil {
				close(locked)
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	steps := map[string]func(context.Context) error{
		"move off the shelf": func(ctx context.Context) error {
			_, err := db.PutAway(ctx, &soko.Move{ScanID: "move-1", StaffID: seed.Staff[0].ID, ProductID: towel.ID, Units: 2, From: "A-01", To: "A-02"})
			return err
		},
		"count of the shelf": func(ctx context.Context) error {
			_, err := db.Count(ctx, &soko.Count{ScanID: "count-1", StaffID: seed.Staff[0].ID, Location: "A-01",
				Lines: []soko.CountLine{{ProductID: towel.ID, Quantity: 8}}}, rules)
			return err
		},
	}
	for _, name := range []string{"move off the shelf", "count of the shelf"} {
		stepCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := steps[name](stepCtx); err != nil {
			t.Errorf("%s while an order holds the shelf's row: %v", name, err)
		}
		cancel()
	}
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if s, _ := db.StockOf(ctx, seed.Merchants[0].ID, "TOWEL"); s.OnHand != 10 {
		t.Errorf("stock %+v, want the 10 towels still there", s)
	}
	mustBalanced(t, db)
}

// TestStockPlaces_LocationProductAndLedger looks stock up the ways a
// supervisor does: a shelf's contents, a product everywhere, and its ledger.
func TestStockPlaces_LocationProductAndLedger(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(2)
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		merchant := seed.Merchants[0].ID
		if _, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil {
			t.Fatal(err)
		}
		for _, f := range []soko.StockFilter{{Location: "A-01"}, {SKU: "TOWEL", MerchantID: merchant}} {
			places, err := db.StockPlaces(ctx, f)
			if err != nil || len(places) != 1 {
				t.Fatalf("%+v: %+v %v", f, places, err)
			}
			if p := places[0]; p.Location != "A-01" || p.Merchant != "SAKURA" || p.SKU != "TOWEL" || p.OnHand != 10 || p.Allocated != 2 || p.Available() != 8 {
				t.Errorf("%+v: %+v", f, p)
			}
		}
		if places, err := db.StockPlaces(ctx, soko.StockFilter{Location: "A-02"}); err != nil || len(places) != 0 {
			t.Errorf("an empty shelf: %+v %v", places, err)
		}
		if _, err := db.StockPlaces(ctx, soko.StockFilter{}); soko.ErrorCode(err) != soko.EINVALID {
			t.Errorf("a lookup of nothing: %v", err)
		}
		lines, err := db.Ledger(ctx, merchant, "TOWEL", 10)
		if err != nil || len(lines) != 3 {
			t.Fatalf("ledger: %+v %v", lines, err)
		}
		if lines[0].Kind != soko.MoveAllocate || lines[0].AllocatedDelta != 1 || lines[2].OnHandDelta != 10 || lines[2].Location != "A-01" {
			t.Errorf("ledger, newest first: %+v", lines)
		}
	})
}

// TestReceive_OverReceiptStaysOnItsLot: a unit more of lot L2, whose line
// is full, counts on L2's line — where the stock is — not on L1's.
func TestReceive_OverReceiptStaysOnItsLot(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(0)
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0]
		towel, _ := db.FindProduct(ctx, m.ID, "TOWEL")
		in := &soko.Inbound{MerchantID: m.ID, Number: "ASN-LOTS", ExpectedDate: storagetest.Fixed,
			Lines: []soko.InboundLine{{SKU: "TOWEL", Lot: "L1", Quantity: 24}, {SKU: "TOWEL", Lot: "L2", Quantity: 6}}}
		if err := db.CreateInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		for i, rc := range []struct {
			lot   string
			units int
		}{{"L1", 24}, {"L2", 6}, {"L2", 1}, {"L3", 2}} {
			r := &soko.Receipt{ScanID: fmt.Sprintf("lots-%04d", i), InboundID: in.ID, MerchantID: m.ID, ProductID: towel.ID, Lot: rc.lot, Units: rc.units}
			if _, err := db.Receive(ctx, r); err != nil {
				t.Fatalf("receive %d of %s: %v", rc.units, rc.lot, err)
			}
		}
		got, err := db.FindInbound(ctx, m.ID, "ASN-LOTS")
		if err != nil {
			t.Fatal(err)
		}
		// L3 is on no line and every line is full: it counts on the first.
		received := map[string]int{}
		for _, l := range got.Lines {
			received[l.Lot] = l.Received
		}
		if received["L1"] != 26 || received["L2"] != 7 {
			t.Errorf("inbound report L1 %d/24, L2 %d/6; want 26/24 (with the 2 of L3) and 7/6", received["L1"], received["L2"])
		}
		mustBalanced(t, db)
	})
}

// TestStockOf_HeldBackUntilCounted: after short picks at A-01, what is left
// there (a tea) cannot be allocated until the shelf is counted, so the
// stock answer shows it held back — where, why, by which count task — and
// not available; the mug on the other shelf is available as before.
func TestStockOf_HeldBackUntilCounted(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		tea, err := db.StockOf(ctx, f.seed.Merchants[1].ID, "TEA")
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("on hand %d, allocated %d, held %d, available %d", tea.OnHand, tea.Allocated, tea.Held, tea.Available()); got != "on hand 1, allocated 0, held 1, available 0" {
			t.Errorf("tea: %s", got)
		}
		if len(tea.Holds) != 1 || tea.Holds[0].Location != "A-01" || tea.Holds[0].Units != 1 || tea.Holds[0].Reason != "short pick" || tea.Holds[0].CountTaskID == 0 {
			t.Errorf("tea held back %+v, want 1 at A-01 for a short pick's count", tea.Holds)
		}
		if len(tea.Lots) != 1 || tea.Lots[0].Held != 1 {
			t.Errorf("tea's lots %+v, want the one lot holding 1 back", tea.Lots)
		}
		mug, err := db.StockOf(ctx, f.seed.Merchants[0].ID, "MUG")
		if err != nil {
			t.Fatal(err)
		}
		if mug.Held != 0 || len(mug.Holds) != 0 || mug.Available() != mug.OnHand-mug.Allocated {
			t.Errorf("the mug, on a shelf with no count, is held back: %+v", mug)
		}
		places, err := db.StockPlaces(ctx, soko.StockFilter{Location: "A-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range places {
			if p.CountTaskID != tea.Holds[0].CountTaskID || p.Available() != 0 {
				t.Errorf("%s at A-01: count task %d, available %d; want %d and 0", p.SKU, p.CountTaskID, p.Available(), tea.Holds[0].CountTaskID)
			}
		}
	})
}

// One allocation run reserves stock on hundreds of shelves at once: 200
// waiting orders of three lines, each line's product on a shelf of its
// own, are 600 stock rows in one transaction (SQLite's driver failed on
// one statement of over 215 rows; the rows now go a hundred a statement),
// and 600 allocations with their ledger lines (on PostgreSQL 500 of each
// a statement; the run takes 200 waiting orders at a time).
func TestAllocate_HundredsOfStockRowsInOneRun(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		const orders, products = 200, 600
		seed := &soko.Seed{Merchants: []soko.Merchant{{Code: "MANY", Name: "多品目"}}}
		for p := range products {
			sku, code := fmt.Sprintf("P%03d", p), fmt.Sprintf("A-%03d", p)
			seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "MANY", Product: soko.Product{SKU: sku, Name: sku, TaxRate: 10}})
			seed.Locations = append(seed.Locations, soko.Location{Code: code, Zone: "A", WalkSequence: p, Kind: soko.LocationPick})
			seed.Stock = append(seed.Stock, soko.SeedStock{MerchantCode: "MANY", SKU: sku, LocationCode: code, Stock: soko.Stock{OnHand: 1}})
		}
		for o := range orders {
			order := soko.Order{Number: fmt.Sprintf("M%03d", o),
				Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "1", Name: "山田"},
				Lines: []soko.OrderLine{
					{SKU: fmt.Sprintf("P%03d", 3*o), Quantity: 1, TaxRate: 10},
					{SKU: fmt.Sprintf("P%03d", 3*o+1), Quantity: 1, TaxRate: 10},
					{SKU: fmt.Sprintf("P%03d", 3*o+2), Quantity: 1, TaxRate: 10},
				}}
			seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "MANY", Order: order})
		}
		ctx := context.Background()
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		n, err := db.AllocateWaiting(ctx, soko.AllocationRules{})
		if err != nil {
			t.Fatal(err)
		}
		if n != orders {
			t.Fatalf("allocated %d of %d orders", n, orders)
		}
		var allocations, reserved int64
		if err := storage.Conn(db, ctx).Raw(`SELECT COUNT(*) FROM allocations`).Scan(&allocations).Error; err != nil {
			t.Fatal(err)
		}
		if err := storage.Conn(db, ctx).Raw(`SELECT SUM(allocated) FROM stock`).Scan(&reserved).Error; err != nil {
			t.Fatal(err)
		}
		if allocations != products || reserved != products {
			t.Fatalf("%d allocations reserving %d units, want %d of each", allocations, reserved, products)
		}
		mustBalanced(t, db)
	})
}

// TestAllocate_SQLiteOrdersSharingACommitEachAllocated: on SQLite the new
// orders that waited for their turn together share one commit
// (groupcommit.go), one after another inside it: each reserves its towels
// at once, none is left to the allocation worker, and the six orders of
// two towels leave the last one backordered, never oversold.
func TestAllocate_SQLiteOrdersSharingACommitEachAllocated(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	ctx := context.Background()
	seed := stockSeed(0)
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	hold, held := make(chan struct{}), make(chan struct{})
	go db.InTransaction(ctx, func(context.Context) error { close(held); <-hold; return nil })
	<-held
	answers := make([]*soko.Order, 6)
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.InTransaction(ctx, func(ctx context.Context) error {
				var err error
				answers[i], err = db.CreateAndAllocateOrder(ctx, twoTowels(seed, fmt.Sprintf("G-%d", i)), rules)
				return err
			})
		}()
		storage.WaitQueued(t, db, i+1)
	}
	close(hold)
	wg.Wait()
	for i, o := range answers {
		want := soko.OrderAllocated
		if i == 5 {
			want = soko.OrderBackordered
		}
		if errs[i] != nil || o == nil || o.Status != want {
			t.Fatalf("order G-%d answered %+v %v, want %s", i, o, errs[i], want)
		}
	}
	if s, _ := db.StockOf(ctx, seed.Merchants[0].ID, "TOWEL"); s.Allocated != 10 {
		t.Fatalf("stock %+v, want all 10 towels allocated", s)
	}
	mustBalanced(t, db)
}

// TestCreateAndAllocateOrder_PlannedBeforeWritten: a new order of plain
// lines is planned before it has line ids and written with the status
// its plan gives; each line gets its own units (two lines of one product
// share its shelf), its history is the same create-then-allocate as an
// order written first, and the stock and its ledger agree. That its row
// is written once is counted by TestRoundTrips_PerRequestBounded.
func TestCreateAndAllocateOrder_PlannedBeforeWritten(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := mugSeed()
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		newOrder := func(number string, lines ...soko.OrderLine) *soko.Order {
			o := twoTowels(seed, number)
			o.Lines = lines
			return o
		}
		perLine := func(o *soko.Order) string {
			var out []string
			for _, l := range o.Lines {
				out = append(out, fmt.Sprintf("%s %d/%d", l.SKU, l.Allocated, l.Quantity))
			}
			return strings.Join(out, ", ")
		}
		history := func(number string) string {
			events, err := db.ListOrderEvents(ctx, seed.Merchants[0].ID, number)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range events {
				out = append(out, fmt.Sprintf("%s %s→%s", e.Action, e.From, e.To))
			}
			return strings.Join(out, "; ")
		}
		for _, c := range []struct {
			order         *soko.Order
			status        soko.OrderStatus
			lines, events string
		}{
			{newOrder("MIXED", pickLine("MUG", 1), pickLine("TOWEL", 4), pickLine("MUG", 2)), soko.OrderAllocated,
				"MUG 1/1, TOWEL 4/4, MUG 2/2", "create →received; allocate received→allocated"},
			{newOrder("SHORT", pickLine("TOWEL", 1), pickLine("MUG", 1)), soko.OrderBackordered,
				"TOWEL 0/1, MUG 0/1", "create →received; backorder received→backordered"},
		} {
			answer, err := db.CreateAndAllocateOrder(ctx, c.order, rules)
			if err != nil {
				t.Fatal(err)
			}
			stored := mustOrder(t, db, seed.Merchants[0].ID, c.order.Number)
			for _, o := range []*soko.Order{answer, stored} {
				if o.Status != c.status || perLine(o) != c.lines {
					t.Errorf("%s: %s, lines %s; want %s, %s", c.order.Number, o.Status, perLine(o), c.status, c.lines)
				}
			}
			if h := history(c.order.Number); h != c.events {
				t.Errorf("%s's history: %s; want %s", c.order.Number, h, c.events)
			}
		}
		for sku, want := range map[string]int{"TOWEL": 4, "MUG": 3} {
			if s, err := db.StockOf(ctx, seed.Merchants[0].ID, sku); err != nil || s.Allocated != want {
				t.Errorf("%s: %+v %v, want %d allocated", sku, s, err, want)
			}
		}
		mustBalanced(t, db)
	})
}

// TestCreateAndAllocateOrder_RunAgainFromTheOrderAsSent: a new order whose
// transaction is run again after its row was written (here PostgreSQL
// refuses its first try's events as a serialization failure) is written
// afresh from what was sent: not with the id the failed try took (which
// on SQLite another order may have taken meanwhile), once, and allocated.
func TestCreateAndAllocateOrder_RunAgainFromTheOrderAsSent(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "a trigger refuses the first try")
	db := storagetest.MustOpenPostgres(t)
	ctx := context.Background()
	seed := stockSeed(0)
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	// The sequence keeps the refused try's order id: sequences outlive a rollback.
	if err := db.Exec(ctx, `CREATE SEQUENCE refused_order MINVALUE 0 START 0;
		CREATE FUNCTION refuse_first_order() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF (SELECT last_value FROM refused_order) = 0 THEN
				PERFORM setval('refused_order', NEW.order_id);
				RAISE EXCEPTION 'refused for the test' USING ERRCODE = '40001';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_first_order AFTER INSERT ON order_events FOR EACH ROW EXECUTE FUNCTION refuse_first_order();`); err != nil {
		t.Fatal(err)
	}
	answer, err := db.CreateAndAllocateOrder(ctx, twoTowels(seed, "AGAIN"), rules)
	if err != nil {
		t.Fatal(err)
	}
	var refused []int64
	if err := storage.Conn(db, ctx).Raw(`SELECT last_value FROM refused_order`).Scan(&refused).Error; err != nil || len(refused) != 1 || refused[0] == 0 {
		t.Fatalf("the first try was not refused: %v %v", refused, err)
	}
	if answer.ID == refused[0] {
		t.Errorf("the order was written again with the refused try's id %d", answer.ID)
	}
	stored := mustOrder(t, db, seed.Merchants[0].ID, "AGAIN")
	if stored.ID != answer.ID || stored.Status != soko.OrderAllocated || stored.Lines[0].Allocated != 2 || !stored.OrderedAt.Equal(stored.CreatedAt) {
		t.Fatalf("stored %+v, answered id %d: want it allocated, ordered when created", stored, answer.ID)
	}
	events, err := db.ListOrderEvents(ctx, seed.Merchants[0].ID, "AGAIN")
	if err != nil || len(events) != 2 {
		t.Fatalf("history %+v (%v), want create and allocate once", events, err)
	}
	mustBalanced(t, db)
}
