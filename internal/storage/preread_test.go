package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestPreread_OrderIntakeReadsWhileAnotherWrites: on SQLite a new order's
// products and ship calendar are read while another request holds the
// write lock, and its transaction takes them instead of reading them
// under the lock: the product's price as read before it, although it
// changed since (as if the order had come just before the change).
func TestPreread_OrderIntakeReadsWhileAnotherWrites(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	ctx := context.Background()
	if err := db.Load(ctx, stockSeed(0)); err != nil {
		t.Fatal(err)
	}
	merchants, err := db.ListMerchants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	merchantID := merchants[0].ID

	writing, done := make(chan struct{}), make(chan struct{})
	go db.InTransaction(ctx, func(ctx context.Context) error {
		close(writing)
		<-done
		return nil
	})
	<-writing
	read := make(chan context.Context)
	go func() { read <- db.PrereadOrderIntake(ctx, merchantID, func() []string { return []string{"TOWEL"} }) }()
	var pre context.Context
	select {
	case pre = <-read:
	case <-time.After(5 * time.Second):
		t.Fatal("the pre-read waited for the other request's write transaction")
	}
	close(done)

	if _, err := db.PutProduct(ctx, &soko.Product{MerchantID: merchantID, SKU: "TOWEL", Name: "タオル", Price: 990, TaxRate: 10, KeepComponents: true}); err != nil {
		t.Fatal(err)
	}
	err = db.InTransaction(pre, func(ctx context.Context) error {
		ps, err := db.ProductsBySKU(ctx, merchantID, []string{"TOWEL"})
		if err != nil {
			return err
		}
		if ps["TOWEL"] == nil || ps["TOWEL"].Price != 0 {
			t.Errorf("products in the transaction: %+v, want the TOWEL read before it (price 0)", ps["TOWEL"])
		}
		again, err := db.ProductsBySKU(ctx, merchantID, []string{"TOWEL"})
		if err == nil && again["TOWEL"].Price != 990 {
			t.Errorf("read again: price %d, want 990 (the pre-read is taken once)", again["TOWEL"].Price)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
