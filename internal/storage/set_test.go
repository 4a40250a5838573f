package storage_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mugSeed is stockSeed with mugs, 3 on A-02.
func mugSeed() *soko.Seed {
	s := stockSeed(0)
	s.Products = append(s.Products, soko.SeedProduct{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "マグ", TaxRate: 10}})
	s.Stock = append(s.Stock, soko.SeedStock{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-02", Stock: soko.Stock{OnHand: 3}})
	return s
}

// setSeed is mugSeed with a gift set of two towels and a mug.
func setSeed(t *testing.T, db *storage.DB) (merchantID int64) {
	t.Helper()
	ctx := context.Background()
	s := mugSeed()
	if err := db.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	m := s.Merchants[0].ID
	set := &soko.Product{MerchantID: m, SKU: "GIFT", Name: "タオルとマグのセット", Price: 5000, TaxRate: 10, ReorderPoint: soko.KeepReorderPoint, KeepStockBuffer: true,
		Components: []soko.Component{{SKU: "TOWEL", Quantity: 2}, {SKU: "MUG", Quantity: 1}}}
	if _, err := db.PutProduct(ctx, set); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSet_Components(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := setSeed(t, db)
		p, err := db.FindProduct(ctx, m, "GIFT")
		if err != nil || len(p.Components) != 2 || p.Components[0] != (soko.Component{ProductID: p.Components[0].ProductID, SKU: "MUG", Name: "マグ", Quantity: 1}) || p.Components[1].SKU != "TOWEL" {
			t.Fatalf("GIFT's components: %v %+v", err, p)
		}
		for _, tc := range []struct {
			p     soko.Product
			field string
		}{
			{soko.Product{SKU: "SET2", Components: []soko.Component{{SKU: "NOPE", Quantity: 1}}}, "components[0].sku"},
			{soko.Product{SKU: "SET2", Components: []soko.Component{{SKU: "TOWEL", Quantity: 1}, {SKU: "GIFT", Quantity: 1}}}, "components[1].sku"},
			{soko.Product{SKU: "SET2", Components: []soko.Component{{SKU: "SET2", Quantity: 1}}}, "components[0].sku"},
			{soko.Product{SKU: "TOWEL", Components: []soko.Component{{SKU: "MUG", Quantity: 1}}}, "components"},
		} {
			tc.p.MerchantID, tc.p.Name, tc.p.TaxRate = m, "x", 10
			_, err := db.PutProduct(ctx, &tc.p)
			var e *soko.Error
			if soko.ErrorCode(err) != soko.EINVALID || !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
				t.Errorf("%s with %+v: %v, want a problem on %s", tc.p.SKU, tc.p.Components, err, tc.field)
			}
		}
		// A put without components keeps them.
		if _, err := db.PutProduct(ctx, &soko.Product{MerchantID: m, SKU: "GIFT", Name: "改名", Price: 5000, TaxRate: 10, KeepComponents: true}); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.FindProduct(ctx, m, "GIFT"); len(p.Components) != 2 {
			t.Errorf("components after a put that left them out: %+v", p.Components)
		}
	})
}

func TestSet_OrderAllocatesComponentsAndStockFollows(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := setSeed(t, db)
		mustOnHand(t, db, m, "GIFT", 3) // 10 towels make 5, 3 mugs make 3
		o := &soko.Order{MerchantID: m, Number: "SET-1", Status: soko.OrderReceived,
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "GIFT", Quantity: 2, UnitPrice: 5000, TaxRate: 10}}}
		if err := db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		if status, err := db.AllocateOrder(ctx, o.ID, soko.AllocationRules{}); err != nil || status != soko.OrderAllocated {
			t.Fatalf("allocate: %s %v", status, err)
		}
		got, err := db.FindOrder(ctx, m, "SET-1")
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			sku            string
			qty, alloc     int
			price          int64
			set, component bool
		}
		var lines []line
		for _, l := range got.Lines {
			lines = append(lines, line{l.SKU, l.Quantity, l.Allocated, l.UnitPrice, l.IsSet, l.SetLineID == got.Lines[0].ID})
		}
		want := []line{{"GIFT", 2, 0, 5000, true, false}, {"MUG", 2, 2, 0, false, true}, {"TOWEL", 4, 4, 0, false, true}}
		if len(lines) != len(want) {
			t.Fatalf("lines %+v, want %+v", lines, want)
		}
		for i := range want {
			if lines[i] != want[i] {
				t.Errorf("line %d: %+v, want %+v", i, lines[i], want[i])
			}
		}
		if got.GoodsTotal() != 10000 || got.LineState(got.Lines[0]) != soko.LineAllocated {
			t.Errorf("goods %d, set state %s", got.GoodsTotal(), got.LineState(got.Lines[0]))
		}
		mustOnHand(t, db, m, "GIFT", 1) // 6 free towels make 3, 1 free mug makes 1
		mustBalanced(t, db)             // the feed's last line of GIFT says 1 too
		items, err := db.PackItems(ctx, o.ID)
		if err != nil || len(items) != 2 {
			t.Errorf("pack items %+v %v: want the components only", items, err)
		}
	})
}

// A short order split in two ships its whole sets with their components
// and sends the rest of each set, set line and components together, to
// the new order; components picked beyond the whole sets go back.
func TestSet_SplitKeepsASetWithItsComponents(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		addr := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 花子"}
		seed := &soko.Seed{
			Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店", AllowPartial: true}},
			Staff: []soko.SeedStaff{
				{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
				{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
			},
			Locations: []soko.Location{
				{Code: "A-01", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
				{Code: "A-02", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
			},
			Products: []soko.SeedProduct{
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10, Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}},
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "マグカップ", TaxRate: 10, Barcodes: []soko.ProductBarcode{{Code: "4560123000043", PackQuantity: 1}}}},
			},
			Stock: []soko.SeedStock{
				{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01", Stock: soko.Stock{OnHand: 3}},
				{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-02", Stock: soko.Stock{OnHand: 10}},
			},
		}
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0].ID
		if _, err := db.PutProduct(ctx, &soko.Product{MerchantID: m, SKU: "GIFT", Name: "ギフト", Price: 3000, TaxRate: 10, ReorderPoint: soko.KeepReorderPoint, KeepStockBuffer: true,
			Components: []soko.Component{{SKU: "TOWEL", Quantity: 1}, {SKU: "MUG", Quantity: 2}}}); err != nil {
			t.Fatal(err)
		}
		o := &soko.Order{MerchantID: m, Number: "SS-1", Status: soko.OrderReceived, Carrier: "yamato", Recipient: addr,
			Lines: []soko.OrderLine{{SKU: "GIFT", Quantity: 3, UnitPrice: 3000, TaxRate: 10}, {SKU: "MUG", Quantity: 1, UnitPrice: 800, TaxRate: 10}}}
		if err := db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		f := &shortFloor{db: db, seed: seed, picker: seed.Staff[0].ID, supervisor: seed.Staff[1].ID, orders: map[string]int64{"SS-1": o.ID}}
		if st, err := db.AllocateOrder(ctx, o.ID, rules); err != nil || st != soko.OrderAllocated {
			t.Fatalf("allocate: %s %v", st, err)
		}
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{MaxOrders: 1, StaffID: f.supervisor}); err != nil {
			t.Fatal(err)
		}
		// One towel of three is on the shelf; all seven mugs are.
		walkTasks(t, db, f.picker, "split", func(task *soko.PickTask, next func() string) {
			if task.SKU == "TOWEL" {
				if _, err := db.ReportShort(ctx, &soko.ShortPick{ScanID: next(), TaskID: task.ID, StaffID: f.picker, Device: "HT-01", Found: 1}, rules); err != nil {
					t.Fatal(err)
				}
				return
			}
			if _, err := db.Pick(ctx, &soko.PickScan{ScanID: next(), TaskID: task.ID, StaffID: f.picker, Device: "HT-01", Code: "4560123000043",
				ProductID: task.ProductID, Units: task.Remaining()}); err != nil {
				t.Fatal(err)
			}
		})
		if st := f.status(t, "SS-1"); st != soko.OrderShort {
			t.Fatalf("SS-1 is %s, want short", st)
		}
		res := f.mustAct(t, "SS-1", soko.ActionSplit, soko.OrderPicked)
		e := f.lastEvent(t, "SS-1", "split", soko.OrderShort, soko.OrderPicked)
		if !strings.Contains(e.Detail, "MUG × 4") {
			t.Errorf("the split's detail %q does not say to take the 4 spare mugs out of the tote", e.Detail)
		}
		type line struct {
			sku      string
			qty      int
			set, sub bool
		}
		lines := func(o *soko.Order) []line {
			var out []line
			set := int64(0)
			for _, l := range o.Lines {
				if l.IsSet {
					set = l.ID
				}
				out = append(out, line{l.SKU, l.Quantity, l.IsSet, l.SetLineID != 0 && l.SetLineID == set})
			}
			return out
		}
		shipped, _ := db.OrderByID(ctx, o.ID)
		rest, err := db.OrderByID(ctx, res.NewOrderID)
		if err != nil {
			t.Fatal(err)
		}
		want := []line{{"GIFT", 1, true, false}, {"MUG", 2, false, true}, {"TOWEL", 1, false, true}, {"MUG", 1, false, false}}
		if got := lines(shipped); !slices.Equal(got, want) {
			t.Errorf("SS-1 ships %+v, want one whole set and the loose mug %+v", got, want)
		}
		want = []line{{"GIFT", 2, true, false}, {"MUG", 4, false, true}, {"TOWEL", 2, false, true}}
		if got := lines(rest); !slices.Equal(got, want) {
			t.Errorf("%s waits for %+v, want the two other sets with their components %+v", rest.Number, got, want)
		}
		if shipped.GoodsTotal()+rest.GoodsTotal() != 3*3000+800 {
			t.Errorf("goods %d + %d, want the order's 9800 yen", shipped.GoodsTotal(), rest.GoodsTotal())
		}
		for _, l := range shipped.Lines {
			if l.Physical() && l.Picked != l.Quantity {
				t.Errorf("SS-1's %s: %d picked of %d", l.SKU, l.Picked, l.Quantity)
			}
		}
		f.wantStock(t, "MUG", "A-02", 7, 0) // 10 − 7 picked + 4 back
		mustBalanced(t, db)
	})
}
