package soko

import (
	"cmp"
	"slices"
	"time"
)

// Candidate is one stock row that could serve an order line, as storage read it
// (locked) inside the allocating transaction.
type Candidate struct {
	StockID      int64
	ProductID    int64
	LocationID   int64
	LocationKind LocationKind // only pick and reserve locations are allocated
	WalkSequence int
	Lot          string
	Expiry       time.Time // zero if none
	Available    int       // on hand minus allocated
}

// AllocationRules are the warehouse's settings for allocation (引当).
type AllocationRules struct {
	// ExpiryMargin is how long a lot must still be good after the delivery
	// date (or the ship date when none was asked for), so the customer gets
	// time to use it.
	ExpiryMargin time.Duration
	// AllowPartial lets an order take what is there and report the rest
	// short; by default an order is allocated all or nothing, so a parcel
	// never leaves half-filled by accident.
	AllowPartial bool
}

// Pick is one planned allocation: Quantity units of stock row StockID for the
// order line LineID.
type Pick struct {
	LineID   int64
	StockID  int64
	Quantity int
}

// PlanAllocation decides which stock rows serve each line of o, and returns
// the lines it could not fully cover with the missing quantity in Quantity.
//
// Lines are served in order and share the candidates, so a unit planned for
// one line is not offered to the next. Expiry-tracked products go first
// expiry first out (FEFO), never with a lot that expires before the delivery
// date (or shipDate) plus rules.ExpiryMargin, and lots without a known expiry
// last. Within one expiry (every candidate, for untracked products) pick
// locations come before reserve and lower walk sequences first, but what a
// line still needs is taken from a single location when one can cover it, so
// the picker visits fewer shelves. Unless rules.AllowPartial is set, a short
// line means no picks at all.
//
// PlanAllocation neither changes its arguments nor looks at the clock; its
// result depends only on them, with ties broken by StockID.
func PlanAllocation(o *Order, expiryTracked map[int64]bool, candidates []Candidate, shipDate time.Time, rules AllocationRules) (picks []Pick, short []OrderLine) {
	// The customer uses the goods from the day they arrive; without a
	// delivery date the ship date is the earliest they could.
	usableFrom := o.DeliveryDate
	if usableFrom.IsZero() {
		usableFrom = shipDate
	}
	usableFrom = usableFrom.Add(rules.ExpiryMargin)

	shelves := allocatableStock(candidates, expiryTracked, usableFrom)
	for _, line := range o.Lines {
		if line.Quantity <= 0 || !line.Physical() {
			continue
		}
		taken, missing := planLine(shelves[line.ProductID], line, expiryTracked[line.ProductID])
		picks = append(picks, taken...)
		if missing > 0 {
			line.Quantity = missing
			short = append(short, line)
		}
	}
	if len(short) > 0 && !rules.AllowPartial {
		return nil, short
	}
	return picks, short
}

// stockLeft is a candidate with what this plan has not yet promised of it.
type stockLeft struct {
	Candidate
	left int
}

// allocatableStock returns, per product, the candidates that may be allocated,
// in the order they are offered: FEFO for tracked products, then pick before
// reserve, walk sequence and StockID.
func allocatableStock(candidates []Candidate, expiryTracked map[int64]bool, usableFrom time.Time) map[int64][]*stockLeft {
	shelves := make(map[int64][]*stockLeft)
	seen := make(map[int64]bool, len(candidates))
	for _, c := range candidates {
		// A stock row read twice must not be promised twice.
		if seen[c.StockID] {
			continue
		}
		seen[c.StockID] = true
		if c.Available <= 0 || locationOrder(c.LocationKind) < 0 {
			continue
		}
		if expiryTracked[c.ProductID] && !c.Expiry.IsZero() && c.Expiry.Before(usableFrom) {
			continue
		}
		shelves[c.ProductID] = append(shelves[c.ProductID], &stockLeft{Candidate: c, left: c.Available})
	}
	for product, rows := range shelves {
		tracked := expiryTracked[product]
		slices.SortFunc(rows, func(a, b *stockLeft) int {
			if tracked {
				if c := CompareExpiry(a.Expiry, b.Expiry); c != 0 {
					return c
				}
			}
			return cmp.Or(
				cmp.Compare(locationOrder(a.LocationKind), locationOrder(b.LocationKind)),
				cmp.Compare(a.WalkSequence, b.WalkSequence),
				cmp.Compare(a.StockID, b.StockID),
			)
		})
	}
	return shelves
}

// planLine takes line's quantity from rows, one FEFO rank (rows of equal
// expiry) at a time, and returns the picks and what could not be found.
func planLine(rows []*stockLeft, line OrderLine, tracked bool) (picks []Pick, missing int) {
	need := line.Quantity
	take := func(r *stockLeft, n int) {
		picks = append(picks, Pick{LineID: line.ID, StockID: r.StockID, Quantity: n})
		r.left -= n
		need -= n
	}
	for start := 0; start < len(rows) && need > 0; {
		end := start + 1
		for end < len(rows) && (!tracked || rows[end].Expiry.Equal(rows[start].Expiry)) {
			end++
		}
		rank := rows[start:end]
		start = end

		// One shelf that holds it all saves the picker a walk, which is
		// worth more than the walk order within the same expiry.
		if i := slices.IndexFunc(rank, func(r *stockLeft) bool { return r.left >= need }); i >= 0 {
			take(rank[i], need)
			break
		}
		for _, r := range rank {
			if need == 0 {
				break
			}
			if r.left > 0 {
				take(r, min(r.left, need))
			}
		}
	}
	return picks, need
}

// CompareExpiry orders expiry dates earliest first, with unknown (zero) ones
// last because nobody can tell whether they are about to expire.
func CompareExpiry(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}

// locationOrder ranks the kinds of location allocation may take from, pick
// shelves first so reserve stock stays whole for replenishment; it is -1 for
// receiving and dock, whose goods are not on a shelf yet or are leaving.
func locationOrder(k LocationKind) int {
	switch k {
	case LocationPick:
		return 0
	case LocationReserve:
		return 1
	}
	return -1
}
