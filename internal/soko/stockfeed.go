package soko

import "time"

// StockFigures are a product's units as the sales channels are told them.
// Held units are on hand and not promised to an order but cannot be
// promised yet either: received and not put away, or on a shelf waiting
// for a count after a short pick. Buffer is what the merchant keeps back
// from the channels (安全在庫).
type StockFigures struct {
	OnHand    int
	Allocated int
	Held      int
	Buffer    int
}

// Sellable is what the channels may sell: on hand − allocated − held −
// buffer, never below zero.
func (f StockFigures) Sellable() int {
	return max(0, f.OnHand-f.Allocated-f.Held-f.Buffer)
}

// SameForSale reports whether g tells the channels what f tells them:
// the same units free, held and kept back. A pick, which takes on hand
// and allocated down together, changes neither.
func (f StockFigures) SameForSale(g StockFigures) bool {
	return f.OnHand-f.Allocated == g.OnHand-g.Allocated && f.Held == g.Held && f.Buffer == g.Buffer
}

// StockChange is one entry of a merchant's stock change feed: a product's
// figures after a change, numbered by the merchant's sequence. Numbers
// rise by one per change and become visible in order, so a reader that
// asks for what came after the last number it saw misses nothing.
type StockChange struct {
	Seq       int64
	ProductID int64
	SKU       string
	StockFigures
	ChangedAt time.Time
}

// MaxStockBuffer bounds a buffer: more than any shelf holds is a typo.
const MaxStockBuffer = 1_000_000

// ValidateStockBuffer checks a buffer given in units.
func ValidateStockBuffer(field string, units int) error {
	if units < 0 || units > MaxStockBuffer {
		return Errorf(EINVALID, "%s must be 0 to %d units, not %d", field, MaxStockBuffer, units).
			JA("安全在庫は0〜%d個で指定してください(%d は指定できません)", MaxStockBuffer, units).WithField(field, "range")
	}
	return nil
}
