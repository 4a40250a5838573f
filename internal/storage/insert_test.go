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

// giftSeed is stockSeed with inserts' products (a flyer and coupons on the
// shelves, samples out of stock), a carton, and two inspected orders of
// one customer: G-1, her first, a wrapped gift with a のし worth 6,000 yen,
// and G-2, a plain one of 1,000 yen.
func giftSeed(t *testing.T, db *storage.DB) (g1, g2 *soko.Order, merchantID int64) {
	t.Helper()
	s := stockSeed(0)
	s.Stock[0].Stock.OnHand = 10
	for _, p := range []struct{ sku, name string }{{"FLYER", "冬のチラシ"}, {"COUPON", "初回クーポン"}, {"SAMPLE", "お試し煎茶"}} {
		s.Products = append(s.Products, soko.SeedProduct{MerchantCode: "SAKURA", Product: soko.Product{SKU: p.sku, Name: p.name, TaxRate: 10, WeightGrams: 5}})
	}
	s.Stock = append(s.Stock,
		soko.SeedStock{MerchantCode: "SAKURA", SKU: "FLYER", LocationCode: "A-02", Stock: soko.Stock{OnHand: 5}},
		soko.SeedStock{MerchantCode: "SAKURA", SKU: "COUPON", LocationCode: "A-02", Stock: soko.Stock{OnHand: 3}})
	s.BoxTypes = []soko.BoxType{{Code: "BOX60", Name: "60サイズ", InnerLengthMM: 250, InnerWidthMM: 200, InnerHeightMM: 150, MaxWeightGrams: 2000, TareGrams: 100, SizeClass: 60}}
	to := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 花子", Email: "hanako@example.jp"}
	s.Orders = []soko.SeedOrder{
		{MerchantCode: "SAKURA", Order: soko.Order{Number: "G-1", Status: soko.OrderInspected, Recipient: to,
			Gift:  soko.GiftOptions{Wrapping: soko.WrapPaper, Noshi: soko.Noshi{Title: "御歳暮", Name: "山田", Placement: soko.NoshiInner}}.Normal(),
			Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 2, Inspected: 2, UnitPrice: 3000, TaxRate: 10}}}},
		{MerchantCode: "SAKURA", Order: soko.Order{Number: "G-2", Status: soko.OrderInspected, Recipient: to,
			Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, Inspected: 1, UnitPrice: 1000, TaxRate: 10}}}},
	}
	if err := db.Load(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return &s.Orders[0].Order, &s.Orders[1].Order, s.Orders[0].Order.MerchantID
}

func keysOf(checks []soko.PackCheck) []string {
	out := []string{}
	for _, c := range checks {
		out = append(out, c.Key)
	}
	return out
}

func TestInsert_PutListDelete(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, _, m := giftSeed(t, db)
		in := &soko.Insert{MerchantID: m, Code: "TEA", SKU: "SAMPLE", Quantity: 1, Rule: soko.InsertContainsSKU, TriggerSKU: "NOPE", Active: true}
		_, err := db.PutInsert(ctx, in)
		var e *soko.Error
		if soko.ErrorCode(err) != soko.EINVALID || !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "trigger_sku" {
			t.Fatalf("unknown trigger SKU: %v", err)
		}
		in.TriggerSKU = "TOWEL"
		if created, err := db.PutInsert(ctx, in); err != nil || !created {
			t.Fatalf("put: %v created %v", err, created)
		}
		in.Quantity, in.Name = 2, "煎茶サンプル"
		if created, err := db.PutInsert(ctx, in); err != nil || created {
			t.Fatalf("replace: %v created %v", err, created)
		}
		all, err := db.ListInserts(ctx, m)
		if err != nil || len(all) != 1 || all[0].Quantity != 2 || all[0].TriggerSKU != "TOWEL" || all[0].SKU != "SAMPLE" || all[0].ProductName != "お試し煎茶" {
			t.Fatalf("list: %v %+v", err, all)
		}
		if err := db.DeleteInsert(ctx, m, "TEA"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteInsert(ctx, m, "TEA"); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

func TestPack_GiftChecklistAndInserts(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g1, g2, m := giftSeed(t, db)
		for _, in := range []soko.Insert{
			{Code: "FLYER", SKU: "FLYER", Quantity: 1, Rule: soko.InsertEvery, Active: true},
			{Code: "WELCOME", SKU: "COUPON", Quantity: 2, Rule: soko.InsertFirstOrder, Active: true},
			{Code: "BIG", SKU: "SAMPLE", Quantity: 1, Rule: soko.InsertMinTotal, MinTotal: 5000, Active: true}, // none on the shelves
		} {
			in.MerchantID = m
			if _, err := db.PutInsert(ctx, &in); err != nil {
				t.Fatal(err)
			}
		}
		checks, err := db.PackChecks(ctx, g1.ID)
		if want := []string{"wrapping", "noshi", "insert:FLYER", "insert:WELCOME"}; err != nil || !slices.Equal(keysOf(checks), want) {
			t.Fatalf("G-1 checklist %v (%v), want %v", keysOf(checks), err, want)
		}
		if checks[1].Label.JA != "のし（内のし）：御歳暮／山田" {
			t.Errorf("noshi check reads %q", checks[1].Label.JA)
		}
		checks2, err := db.PackChecks(ctx, g2.ID)
		if want := []string{"insert:FLYER"}; err != nil || !slices.Equal(keysOf(checks2), want) {
			t.Fatalf("G-2 (her second order, 1,000 yen) checklist %v (%v), want %v", keysOf(checks2), err, want)
		}

		pack := func(o *soko.Order, confirmed ...string) (*soko.Order, error) {
			return db.Pack(ctx, &soko.PackRequest{OrderID: o.ID, Device: "ST-1", Confirmed: confirmed,
				Parcels: []soko.PackedParcel{{BoxCode: "BOX60", WeightGrams: 120}}})
		}
		_, err = pack(g1, "wrapping", "insert:FLYER", "insert:WELCOME")
		var e *soko.Error
		if soko.ErrorCode(err) != soko.ECONFLICT || !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0] != (soko.FieldError{Field: "confirmed", Message: "noshi"}) ||
			!strings.Contains(e.Message.JA, "のし（内のし）：御歳暮／山田") {
			t.Fatalf("pack without the のし ticked: %v %+v", err, e)
		}
		if o, _ := db.OrderByID(ctx, g1.ID); o.Status != soko.OrderInspected {
			t.Fatalf("refused pack left G-1 %s", o.Status)
		}
		mustOnHand(t, db, m, "FLYER", 5)
		o, err := pack(g1, keysOf(checks)...)
		if err != nil || o.Status != soko.OrderPacked {
			t.Fatalf("pack G-1: %v", err)
		}
		mustOnHand(t, db, m, "FLYER", 4)
		mustOnHand(t, db, m, "COUPON", 1)
		if _, err := pack(g2, "insert:FLYER"); err != nil {
			t.Fatalf("pack G-2: %v", err)
		}
		mustOnHand(t, db, m, "FLYER", 3)
		mustBalanced(t, db)
		events, err := db.ListOrderEvents(ctx, m, "G-1")
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if last.Action != soko.ActionPack || last.Detail != "checked: wrapping, noshi; inserts: FLYER×1, WELCOME×2" {
			t.Errorf("pack event %+v", last)
		}
	})
}

func mustOnHand(t *testing.T, db *storage.DB, merchantID int64, sku string, want int) {
	t.Helper()
	s, err := db.StockOf(context.Background(), merchantID, sku)
	if err != nil {
		t.Fatal(err)
	}
	if s.OnHand != want {
		t.Errorf("%s on hand %d, want %d", sku, s.OnHand, want)
	}
}
