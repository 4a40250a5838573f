package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestHold_PaymentPending: an order sent on hold for its payment reserves
// its stock — at once, or when the goods arrive — but no wave takes it;
// the supervisor cannot release it, the merchant can, and then it is
// picked. A hold the warehouse makes is the warehouse's to release, and a
// merchant cannot hold an order being picked.
func TestHold_PaymentPending(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(3)
		for _, i := range []int{0, 1} {
			o := &seed.Orders[i].Order
			o.Status, o.HeldFrom, o.HoldReason, o.HoldNote = soko.OrderOnHold, soko.OrderReceived, soko.HoldPayment, "銀行振込"
		}
		seed.Orders[1].Lines[0].Quantity = 20 // more than the shelf holds
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m, staff := seed.Merchants[0], seed.Staff[0].ID
		status := func(number string) *soko.Order {
			t.Helper()
			o, err := db.FindOrder(ctx, m.ID, number)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		reserved := func() int {
			t.Helper()
			s, err := db.StockOf(ctx, m.ID, "TOWEL")
			if err != nil {
				t.Fatal(err)
			}
			return s.Allocated
		}

		if n, err := db.AllocateWaiting(ctx, rules); err != nil || n != 1 {
			t.Fatalf("allocated %d (%v), want 1: the held ones stay held", n, err)
		}
		if o := status("SO-001"); o.Status != soko.OrderOnHold || o.HeldFrom != soko.OrderAllocated || o.HoldReason != soko.HoldPayment || o.HoldNote != "銀行振込" {
			t.Fatalf("SO-001 %+v, want on hold with its stock reserved", o)
		}
		if o := status("SO-002"); o.Status != soko.OrderOnHold || o.HeldFrom != soko.OrderBackordered {
			t.Fatalf("SO-002 %s from %s, want on hold, waiting for stock", o.Status, o.HeldFrom)
		}
		if n := reserved(); n != 2 {
			t.Fatalf("%d units reserved, want 2 (SO-001 held, SO-003)", n)
		}

		w, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: staff})
		if err != nil || w.Orders != 1 {
			t.Fatalf("wave %+v (%v), want SO-003 alone", w, err)
		}
		held := status("SO-001")
		if _, err := db.SuperviseOrder(ctx, &soko.OrderCommand{OrderID: held.ID, Action: soko.ActionReleaseHold, StaffID: staff}, rules); soko.ErrorCode(err) != soko.ECONFLICT ||
			!strings.Contains(soko.ErrorMessage(err, "ja"), "荷主が保留しています（入金待ち）") {
			t.Errorf("a supervisor releasing a payment hold: %v, want refused", err)
		}
		if _, err := db.HoldOrder(ctx, m.ID, "SO-003", soko.HoldMerchant, ""); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("holding an order in a wave: %v, want refused", err)
		}

		// Paid: the merchant releases it, and the next wave takes it.
		o, err := db.ReleaseOrder(ctx, m.ID, "SO-001")
		if err != nil || o.Status != soko.OrderAllocated || o.HoldReason != "" || o.HoldNote != "" {
			t.Fatalf("released: %+v (%v)", o, err)
		}
		if _, err := db.ReleaseOrder(ctx, m.ID, "SO-001"); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("releasing it twice: %v, want refused", err)
		}
		if w, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: staff}); err != nil || w.Orders != 1 {
			t.Fatalf("wave after the release %+v (%v), want SO-001", w, err)
		}

		// The goods SO-002 waits for arrive: reserved, still held.
		towel, _ := db.FindProduct(ctx, m.ID, "TOWEL")
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "hold-rcv-1", StaffID: staff, MerchantID: m.ID, ProductID: towel.ID, Units: 20}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutAway(ctx, &soko.Move{ScanID: "hold-put-1", StaffID: staff, ProductID: towel.ID, Units: 20, To: "A-02"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		if o := status("SO-002"); o.Status != soko.OrderOnHold || o.HeldFrom != soko.OrderAllocated {
			t.Fatalf("SO-002 after the goods came: %s from %s, want on hold with stock", o.Status, o.HeldFrom)
		}
		if n := reserved(); n != 22 {
			t.Fatalf("%d units reserved, want 22", n)
		}

		// The warehouse's own hold is the warehouse's to release.
		if _, err := db.ReleaseOrder(ctx, m.ID, "SO-002"); err != nil {
			t.Fatal(err)
		}
		two := status("SO-002")
		if _, err := db.SuperviseOrder(ctx, &soko.OrderCommand{OrderID: two.ID, Action: soko.ActionHold, StaffID: staff, Note: "住所確認"}, rules); err != nil {
			t.Fatal(err)
		}
		if o := status("SO-002"); o.HoldReason != soko.HoldWarehouse || o.HoldNote != "住所確認" {
			t.Errorf("a supervisor's hold: %+v", o)
		}
		if _, err := db.ReleaseOrder(ctx, m.ID, "SO-002"); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("the merchant releasing the warehouse's hold: %v, want refused", err)
		}
		if _, err := db.HoldOrder(ctx, m.ID, "SO-002", soko.HoldPayment, ""); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("the merchant re-holding the warehouse's hold: %v, want refused", err)
		}
		if _, err := db.SuperviseOrder(ctx, &soko.OrderCommand{OrderID: two.ID, Action: soko.ActionReleaseHold, StaffID: staff}, rules); err != nil {
			t.Fatal(err)
		}
		if o := status("SO-002"); o.Status != soko.OrderAllocated || o.HoldReason != "" {
			t.Errorf("after the supervisor's release: %+v", o)
		}
		mustBalanced(t, db)
	})
}

// TestHold_ImportedUnpaidOrders: an imported order waiting for its payment
// is stored on hold, and allocating the import reserves its stock without
// releasing it.
func TestHold_ImportedUnpaidOrders(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(0)
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0]
		to := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"}
		orders := []*soko.Order{
			{Number: "IMP-PAID", Recipient: to, Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1000, TaxRate: 10}}},
			{Number: "IMP-UNPAID", Recipient: to, HoldReason: soko.HoldPayment, Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 2, UnitPrice: 1000, TaxRate: 10}}},
		}
		if created, _, err := db.ImportOrders(ctx, m.ID, seed.Staff[0].ID, orders); err != nil || created != 2 {
			t.Fatalf("import: %d created (%v)", created, err)
		}
		if n, err := db.AllocateOrders(ctx, []int64{orders[0].ID, orders[1].ID}, rules); err != nil || n != 1 {
			t.Fatalf("allocated %d (%v), want the paid one", n, err)
		}
		unpaid, err := db.FindOrder(ctx, m.ID, "IMP-UNPAID")
		if err != nil || unpaid.Status != soko.OrderOnHold || unpaid.HeldFrom != soko.OrderAllocated || unpaid.HoldReason != soko.HoldPayment {
			t.Fatalf("the unpaid order: %+v (%v)", unpaid, err)
		}
		if s, _ := db.StockOf(ctx, m.ID, "TOWEL"); s.Allocated != 3 {
			t.Errorf("%d units reserved, want 3", s.Allocated)
		}
	})
}
