package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// replenishFloor is stockSeed's warehouse with ten of its twelve towel
// orders allocated (nothing left to promise) and the towel bought from a
// supplier with 14 days' lead time, in cases of 5 with a minimum of 10.
func replenishFloor(t *testing.T, db *storage.DB) (*soko.Seed, int64) {
	t.Helper()
	ctx := context.Background()
	seed := stockSeed(12)
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	m := seed.Merchants[0].ID
	for _, o := range seed.Orders[:10] {
		if _, err := db.AllocateOrder(ctx, o.ID, rules); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PutSupplier(ctx, &soko.Supplier{MerchantID: m, Code: "TOWELCO", Name: "今治タオル工業", LeadTimeDays: 14,
		MinOrderQty: 10, OrderMultiple: 5, Contact: "発注係 0898-00-0000", SKUs: []string{"TOWEL"}}); err != nil {
		t.Fatal(err)
	}
	return seed, m
}

func mustSuggestion(t *testing.T, db *storage.DB, m int64, sku string) soko.ReorderSuggestion {
	t.Helper()
	ss, err := db.ReorderSuggestions(context.Background(), m, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.SKU == sku {
			return s
		}
	}
	t.Fatalf("no suggestion for %s in %+v", sku, ss)
	return soko.ReorderSuggestion{}
}

// TestReplenishment_AcceptReceiveClosesTheLoop: a supervisor accepts the
// towel's suggestion as a purchase order; its inbound notice, made in the
// same transaction, counts as coming so the suggestion drops; the floor
// receives the goods on that inbound and the suggestion stays at 0.
func TestReplenishment_AcceptReceiveClosesTheLoop(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed, m := replenishFloor(t, db)
		// 10 allocated over 28 days; lead 14 + review 7 days of that, plus 3
		// days of safety stock, is 8 + 2 = 10 to have; nothing is free.
		s := mustSuggestion(t, db, m, "TOWEL")
		if s.Target != 10 || s.Available != 0 || s.Quantity != 10 || s.Supplier.Code != "TOWELCO" {
			t.Fatalf("before ordering: %+v", s)
		}

		po, err := db.PlacePurchaseOrder(ctx, soko.PurchaseRequest{MerchantID: m, SupplierCode: "TOWELCO", OrderedBy: "小林"})
		if err != nil {
			t.Fatal(err)
		}
		want := storagetest.Fixed.In(time.FixedZone("JST", 9*3600)).Format("20060102")
		if po.Number != "PO-"+want+"-001" || po.Status != soko.PurchaseOrdered || len(po.Lines) != 1 || po.Lines[0].Quantity != 10 || po.InboundNumber != po.Number {
			t.Fatalf("purchase order: %+v", po)
		}
		in, err := db.FindInbound(ctx, m, po.Number)
		if err != nil {
			t.Fatal(err)
		}
		if in.Status != soko.InboundExpected || len(in.Lines) != 1 || in.Lines[0].SKU != "TOWEL" || in.Lines[0].Quantity != 10 {
			t.Fatalf("the purchase order's inbound: %+v", in)
		}
		if s := mustSuggestion(t, db, m, "TOWEL"); s.Inbound != 10 || s.Quantity != 0 {
			t.Fatalf("after ordering: %+v", s)
		}
		if _, err := db.PlacePurchaseOrder(ctx, soko.PurchaseRequest{MerchantID: m, SupplierCode: "TOWELCO"}); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("ordering again with nothing suggested: %v", err)
		}

		for i, units := range []int{6, 4} {
			if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "rcv-" + string(rune('a'+i)), Code: "4901234567894", StaffID: seed.Staff[0].ID,
				InboundID: in.ID, MerchantID: m, ProductID: in.Lines[0].ProductID, Units: units}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.FinishReceiving(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
		s = mustSuggestion(t, db, m, "TOWEL")
		if s.Inbound != 0 || s.Available != 10 || s.Quantity != 0 {
			t.Fatalf("after receiving: %+v", s)
		}
		po, err = db.FindPurchaseOrder(ctx, m, po.Number)
		if err != nil || po.Lines[0].Received != 10 || po.InboundStatus != soko.InboundReceived {
			t.Fatalf("the purchase order after receiving: %+v %v", po, err)
		}
		mustBalanced(t, db)
	})
}

// TestReplenishment_CancelledInboundCancelsItsOrder: the supplier cannot
// deliver, so the supervisor cancels the purchase order's inbound notice;
// the purchase order shows cancelled, not ordered, and the suggestion to
// buy the towel comes back.
func TestReplenishment_CancelledInboundCancelsItsOrder(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, m := replenishFloor(t, db)
		po, err := db.PlacePurchaseOrder(ctx, soko.PurchaseRequest{MerchantID: m, SupplierCode: "TOWELCO", OrderedBy: "小林"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CancelInbound(ctx, m, po.InboundNumber); err != nil {
			t.Fatal(err)
		}
		po, err = db.FindPurchaseOrder(ctx, m, po.Number)
		if err != nil || po.Status != soko.PurchaseCancelled {
			t.Fatalf("the purchase order after its inbound was cancelled: %+v %v", po, err)
		}
		if s := mustSuggestion(t, db, m, "TOWEL"); s.Inbound != 0 || s.Quantity != 10 {
			t.Fatalf("the suggestion after the cancelled inbound: %+v", s)
		}
	})
}

// TestReplenishment_AutoOrderOncePerDay: the morning job raises the
// suggestion as a draft waiting for approval, once a day however often it
// runs; approving the draft creates its inbound.
func TestReplenishment_AutoOrderOncePerDay(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, m := replenishFloor(t, db)
		if n, err := db.RaiseDraftPurchaseOrders(ctx); err != nil || n != 0 {
			t.Fatalf("without 自動発注: %d drafts, %v", n, err)
		}
		settings := soko.ReplenishmentSettings{ReviewDays: 7, SafetyDays: 3, WindowDays: 28, AutoOrder: true}
		if err := db.PutReplenishmentSettings(ctx, m, settings); err != nil {
			t.Fatal(err)
		}
		if got, err := db.ReplenishmentSettings(ctx, m); err != nil || got != settings {
			t.Fatalf("settings: %+v %v", got, err)
		}
		for run := 1; run <= 2; run++ {
			n, err := db.RaiseDraftPurchaseOrders(ctx)
			if err != nil || n != map[int]int{1: 1, 2: 0}[run] {
				t.Fatalf("run %d: %d drafts, %v", run, n, err)
			}
		}
		drafts, err := db.ListPurchaseOrders(ctx, m, soko.PurchaseDraft, soko.Page{})
		if err != nil || len(drafts) != 1 || !drafts[0].Auto || drafts[0].Units() != 10 || drafts[0].InboundNumber != "" {
			t.Fatalf("drafts: %+v %v", drafts, err)
		}
		if s := mustSuggestion(t, db, m, "TOWEL"); s.Drafted != 10 || s.Quantity != 0 {
			t.Fatalf("with the draft waiting: %+v", s)
		}
		po, err := db.ApprovePurchaseOrder(ctx, m, drafts[0].Number, "小林")
		if err != nil || po.Status != soko.PurchaseOrdered || po.InboundNumber != po.Number || po.OrderedBy != "小林" {
			t.Fatalf("approved: %+v %v", po, err)
		}
		if s := mustSuggestion(t, db, m, "TOWEL"); s.Drafted != 0 || s.Inbound != 10 || s.Quantity != 0 {
			t.Fatalf("after approval: %+v", s)
		}
		if _, err := db.CancelPurchaseOrder(ctx, m, po.Number); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("cancelling an ordered purchase order: %v", err)
		}
		if n, err := db.RaiseDraftPurchaseOrders(ctx); err != nil || n != 0 {
			t.Fatalf("the same day after approval: %d drafts, %v", n, err)
		}
	})
}

func TestReplenishment_RefusesBadLines(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, m := replenishFloor(t, db)
		for _, c := range []struct {
			lines []soko.PurchaseOrderLine
			field string
		}{
			{[]soko.PurchaseOrderLine{{SKU: "TOWEL", Quantity: 12}}, "lines[0].quantity"}, // not a case of 5
			{[]soko.PurchaseOrderLine{{SKU: "TOWEL", Quantity: 5}}, "lines[0].quantity"},  // below the minimum
			{[]soko.PurchaseOrderLine{{SKU: "NOPE", Quantity: 10}}, "lines[0].sku"},
		} {
			_, err := db.PlacePurchaseOrder(ctx, soko.PurchaseRequest{MerchantID: m, SupplierCode: "TOWELCO", Lines: c.lines})
			var se *soko.Error
			if soko.ErrorCode(err) != soko.EINVALID || !errors.As(err, &se) || len(se.Fields) != 1 || se.Fields[0].Field != c.field {
				t.Errorf("%+v: %v, want EINVALID naming %s", c.lines, err, c.field)
			}
		}
		if _, err := db.PlacePurchaseOrder(ctx, soko.PurchaseRequest{MerchantID: m, SupplierCode: "NOBODY"}); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("an unknown supplier: %v", err)
		}
		po, err := db.PlacePurchaseOrder(ctx, soko.PurchaseRequest{MerchantID: m, SupplierCode: "TOWELCO", Lines: []soko.PurchaseOrderLine{{SKU: "TOWEL", Quantity: 15}}})
		if err != nil || po.Units() != 15 {
			t.Fatalf("15 in cases of 5: %+v %v", po, err)
		}
		if err := db.DeleteSupplier(ctx, m, "TOWELCO"); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("deleting a supplier with purchase orders: %v", err)
		}
	})
}

// TestReplenishment_StockHistory works the towel's stock back through the
// ledger: nothing until today, when the seed put 10 on the shelf and 4
// more were received.
func TestReplenishment_StockHistory(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed, m := replenishFloor(t, db)
		po, err := db.PlacePurchaseOrder(ctx, soko.PurchaseRequest{MerchantID: m, SupplierCode: "TOWELCO"})
		if err != nil {
			t.Fatal(err)
		}
		in, _ := db.FindInbound(ctx, m, po.Number)
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "rcv-h", Code: "4901234567894", StaffID: seed.Staff[0].ID,
			InboundID: in.ID, MerchantID: m, ProductID: in.Lines[0].ProductID, Units: 4}); err != nil {
			t.Fatal(err)
		}
		history, arrivals, err := db.StockHistory(ctx, m, "TOWEL", 60)
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 60 || history[59].Units != 14 || history[58].Units != 0 || history[0].Units != 0 {
			t.Fatalf("history: %d days, first %+v, last %+v", len(history), history[0], history[len(history)-1])
		}
		if len(arrivals) != 1 || arrivals[0].Units != 6 {
			t.Fatalf("arrivals: %+v", arrivals)
		}
	})
}
