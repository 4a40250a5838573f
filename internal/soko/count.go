package soko

import (
	"cmp"
	"slices"
)

// Count is what a counter found at a location; products there that are not
// listed were not found.
type Count struct {
	ScanID   string
	StaffID  int64
	Device   string
	Location string
	Reason   string
	Lines    []CountLine
}

// CountLine is one product and lot found at the counted location.
type CountLine struct {
	ProductID int64
	Lot       string
	Quantity  int
}

// CountResult is what a count changed.
type CountResult struct {
	Lines       []CountDifference
	Short       []string // orders marked short because their units were not there
	Reallocated []string // orders allocated elsewhere instead
}

// CountDifference is one stock row before and after a count.
type CountDifference struct {
	SKU, Name, Lot  string
	Before, Counted int
}

// ShelfStock is one stock row at a counted location, as the books have it.
type ShelfStock struct {
	ProductID         int64
	Lot               string
	OnHand, Allocated int
}

// CountAdjustment is what a count makes of one product and lot at its
// location: the books said Before, the counter found Counted.
type CountAdjustment struct {
	ProductID       int64
	Lot             string
	Before, Counted int
	// Overpromised is how many units reserved for orders were not found:
	// orders lose their reservation here until none is left over.
	Overpromised int
}

// Changes reports whether the books change: the difference becomes a
// count movement in the ledger.
func (a CountAdjustment) Changes() bool { return a.Counted != a.Before }

// Adjust is the count step's rule: it sets what was found at the location
// against its books (each stock row, in their order) and returns one
// adjustment per row, then one per product and lot found that the books
// did not have (by product, then lot; none for a line of zero). A product
// or lot not listed was not found. A line without a lot stands for the
// product's only lot there; with several lots, the counter must count each,
// because the books cannot tell which lot went missing.
func (c *Count) Adjust(books []ShelfStock) ([]CountAdjustment, error) {
	counted, err := c.perLot(books)
	if err != nil {
		return nil, err
	}
	out := make([]CountAdjustment, 0, len(books)+len(counted))
	for _, s := range books {
		k := stockKey{s.ProductID, s.Lot}
		n := counted[k]
		delete(counted, k)
		out = append(out, CountAdjustment{ProductID: s.ProductID, Lot: s.Lot, Before: s.OnHand, Counted: n, Overpromised: max(0, s.Allocated-n)})
	}
	found := make([]stockKey, 0, len(counted))
	for k, n := range counted {
		if n != 0 {
			found = append(found, k)
		}
	}
	slices.SortFunc(found, func(a, b stockKey) int {
		return cmp.Or(cmp.Compare(a.product, b.product), cmp.Compare(a.lot, b.lot))
	})
	for _, k := range found {
		out = append(out, CountAdjustment{ProductID: k.product, Lot: k.lot, Counted: counted[k]})
	}
	return out, nil
}

type stockKey struct {
	product int64
	lot     string
}

// perLot totals the counted lines per product and lot.
func (c *Count) perLot(books []ShelfStock) (map[stockKey]int, error) {
	lotsOf := map[int64][]string{}
	for _, s := range books {
		lotsOf[s.ProductID] = append(lotsOf[s.ProductID], s.Lot)
	}
	out := map[stockKey]int{}
	for _, l := range c.Lines {
		lot := l.Lot
		if lot == "" && len(lotsOf[l.ProductID]) == 1 {
			lot = lotsOf[l.ProductID][0]
		} else if lot == "" && len(lotsOf[l.ProductID]) > 1 {
			return nil, Errorf(EINVALID, "this location holds several lots of the product: count each lot").
				JA("このロケーションには同じ商品の複数ロットがあります。ロットごとに数えてください").WithField("lot", "required")
		}
		out[stockKey{l.ProductID, lot}] += l.Quantity
	}
	return out, nil
}

// LedgerReason is the reason the count's movements carry: the counter's,
// else a cycle count's.
func (c *Count) LedgerReason() string {
	if c.Reason == "" {
		return "cycle count"
	}
	return c.Reason
}

// Losing is how many of the orders holding the overpromised units lose
// their reservation, given each one's open (reserved, unpicked) units in
// the order they give them up, newest first: as many as it takes to cover
// what was not found, so older orders keep theirs.
func (a CountAdjustment) Losing(open []int) int {
	left := a.Overpromised
	for i, n := range open {
		if left <= 0 {
			return i
		}
		left -= n
	}
	return len(open)
}

// CountLoss is what became of an order whose reserved units a count did
// not find (Order.LoseCountedStock).
type CountLoss struct {
	From   OrderStatus
	Action OrderAction // the edge it took, or for a Kept order the event it gets
	Detail string      // for the order's history
	// Kept is an order that keeps its status: a cancellation goes on, and
	// a held order comes back from its hold to where HeldFrom now says.
	Kept          bool
	HeldFromMoved bool
	Short         bool // it was being picked: it waits short for a supervisor
	Retry         bool // it is backordered: allocate it again, elsewhere
}

// LoseCountedStock is the count step's rule for an order that lost its
// reservation because a count did not find the units: nothing is taken
// from an order silently. An order being picked becomes short for a
// supervisor; one waiting for picking is backordered and tried again
// elsewhere at once. A cancellation in progress goes on, and a held order
// stays held, to come back backordered (or short, if it was being picked).
func (o *Order) LoseCountedStock() (CountLoss, error) {
	loss := CountLoss{From: o.Status, Action: ActionBackorder, Detail: "count found fewer units"}
	switch o.Status {
	case OrderCancelRequested, OrderOnHold:
		loss.Kept, loss.Detail = true, "count found fewer units: its stock was freed"
		if back := map[OrderStatus]OrderStatus{OrderAllocated: OrderBackordered, OrderPicking: OrderShort}[o.HeldFrom]; o.Status == OrderOnHold && back != "" {
			o.HeldFrom, loss.HeldFromMoved = back, true
		}
		return loss, nil
	case OrderPicking:
		loss.Action, loss.Short = ActionShortPick, true
	default:
		loss.Retry = true
	}
	return loss, o.Apply(loss.Action)
}
