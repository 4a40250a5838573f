package storage

import (
	"context"

	"github.com/soko-wms/soko/internal/soko"
)

// preread is what a request read before its write transaction, for the
// transaction to take instead of reading it while it holds SQLite's one
// write lock (see PrereadOrderIntake).
type preread struct {
	merchantID int64
	products   []productWithSets
	calendar   *soko.ShipCalendar
}

type prereadKey struct{}

// PrereadOrderIntake reads, on SQLite, what a new order of the merchant
// with these SKUs looks up and what cannot change meaningfully in the
// milliseconds before its transaction begins: the products (ids, prices,
// tax rates, whether they are sets) and the ship calendar. What changes
// meanwhile the order meets as if it had arrived just before the change.
// The transaction opened with the returned context takes them instead of
// reading them while it holds the write lock, so other requests' writes
// go on meanwhile. On PostgreSQL, whose writers run side by side, it
// returns ctx: there the reads cost the same inside the transaction. A
// failed read is left to the transaction to make. skus, the SKUs of the
// order's lines, is called only on SQLite, so PostgreSQL's requests do
// not parse the order for it.
func (db *DB) PrereadOrderIntake(ctx context.Context, merchantID int64, skus func() []string) context.Context {
	if db.group == nil {
		return ctx
	}
	if _, ok := ctx.Value(joinedKey{}).(*joined); ok {
		return ctx
	}
	lines := skus()
	if len(lines) == 0 {
		return ctx
	}
	g := db.gorm.WithContext(ctx)
	products, err := productsWithSets(g, merchantID, lines)
	if err != nil {
		return ctx
	}
	calendar, err := db.ShipCalendar(ctx)
	if err != nil {
		return ctx
	}
	return context.WithValue(ctx, prereadKey{}, &preread{merchantID: merchantID, products: products, calendar: calendar})
}

// takePreread gives a transaction's notes what its request read before
// it (txContext).
func (n *txNotes) takePreread(ctx context.Context) {
	if p, ok := ctx.Value(prereadKey{}).(*preread); ok {
		n.preread = p
	}
}

// prereadProducts returns, once, the products read before the
// transaction when they are the merchant's with these SKUs.
func (n *txNotes) prereadProducts(merchantID int64, skus []string) ([]productWithSets, bool) {
	if n == nil || n.preread == nil || n.preread.products == nil || n.preread.merchantID != merchantID {
		return nil, false
	}
	ps := n.preread.products
	n.preread.products = nil
	found := map[string]bool{}
	for _, p := range ps {
		found[p.Product.SKU] = true
	}
	for _, sku := range skus {
		if !found[sku] {
			return nil, false // an unknown SKU is looked up again, inside
		}
	}
	return ps, true
}

// prereadCalendar returns, once, the ship calendar read before the
// transaction, or nil.
func (n *txNotes) prereadCalendar() *soko.ShipCalendar {
	if n == nil || n.preread == nil {
		return nil
	}
	c := n.preread.calendar
	n.preread.calendar = nil
	return c
}
