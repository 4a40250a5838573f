package storage

import "testing"

// TestBusyStock_ClaimsEndWithTheirTransaction: while one transaction
// reserves a product's stock, a new order's allocation is told it is
// busy (a worker's run, which waits, still claims it); when the
// transaction ends, however it ends, a panic included, the product is
// free again.
func TestBusyStock_ClaimsEndWithTheirTransaction(t *testing.T) {
	db := &DB{trips: &tripCounter{}}
	first, worker := &txNotes{}, &txNotes{}
	if !db.busy.claim(first, []int64{7, 8}, false) {
		t.Fatal("a product nobody reserves is busy")
	}
	if db.busy.claim(&txNotes{}, []int64{8, 9}, false) {
		t.Error("product 8 is free while a transaction reserves it")
	}
	if !db.busy.claim(worker, []int64{8}, true) {
		t.Error("the worker's run, which waits, did not claim product 8")
	}
	db.busy.release(first.reserving)
	db.busy.release(worker.reserving)
	func() {
		defer func() { _ = recover() }()
		notes := &txNotes{}
		_ = db.attempt(notes, func() error {
			db.busy.claim(notes, []int64{7}, false)
			panic("a step panicked")
		})
	}()
	if !db.busy.claim(&txNotes{}, []int64{7, 8, 9}, false) {
		t.Errorf("products still busy after their transactions ended: %v", db.busy.n)
	}
}
