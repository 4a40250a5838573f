package storage

import "sync"

// busyStock counts, by product, this process's transactions that are
// reserving the product's stock. On a sale day every new order asks for
// the one item on offer, and the stock row it reserves stays locked until
// its transaction commits: each new order would wait for the one before
// it, and intake would run at one commit at a time (about 100 orders/s on
// PostgreSQL). A new order whose stock another transaction is reserving
// is left received instead, at once, and the allocation worker (told by
// DB.OnAllocationDeferred) reserves for all such orders in batches: one
// transaction, and one wait for the row, a batch.
type busyStock struct {
	// serial is set on SQLite, whose write transactions run one after
	// another, those sharing a commit too (groupcommit.go): none waits
	// for a row another holds, and every claim is granted unrecorded.
	serial bool
	mu     sync.Mutex
	n      map[int64]int
}

// claim marks the products as being reserved by the transaction of notes
// until it ends (release), and reports whether it did. With wait it always
// does; without, only when no other transaction is reserving any of them.
// Nil notes (no transaction) claim nothing and report true.
func (b *busyStock) claim(notes *txNotes, products []int64, wait bool) bool {
	if notes == nil || len(products) == 0 || b.serial {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !wait {
		for _, p := range products {
			if b.n[p] > 0 {
				return false
			}
		}
	}
	if b.n == nil {
		b.n = map[int64]int{}
	}
	for _, p := range products {
		b.n[p]++
	}
	notes.reserving = append(notes.reserving, products...)
	return true
}

// release ends the claims of a transaction that ended.
func (b *busyStock) release(products []int64) {
	if len(products) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range products {
		if b.n[p]--; b.n[p] <= 0 {
			delete(b.n, p)
		}
	}
}
