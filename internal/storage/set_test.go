package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// setSeed is stockSeed with mugs (3 on A-02) and a gift set of two towels
// and a mug.
func setSeed(t *testing.T, db *storage.DB) (merchantID int64) {
	t.Helper()
	ctx := context.Background()
	s := stockSeed(0)
	s.Products = append(s.Products, soko.SeedProduct{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "マグ", TaxRate: 10}})
	s.Stock = append(s.Stock, soko.SeedStock{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-02", Stock: soko.Stock{OnHand: 3}})
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
