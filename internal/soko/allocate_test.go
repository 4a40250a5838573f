package soko

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// allocShipDate is the day the test orders leave the warehouse.
var allocShipDate = time.Date(2026, 3, 2, 0, 0, 0, 0, time.FixedZone("JST", 9*60*60))

// allocDay returns the date n days after the ship date.
func allocDay(n int) time.Time { return allocShipDate.AddDate(0, 0, n) }

// allocCase is one call of PlanAllocation and the plan it must make.
type allocCase struct {
	name      string
	delivery  time.Time
	lines     []OrderLine
	tracked   map[int64]bool
	cands     []Candidate
	rules     AllocationRules
	wantPicks []Pick
	wantShort []OrderLine
}

func runAllocCases(t *testing.T, cases []allocCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := &Order{Number: "SKR-1", DeliveryDate: tc.delivery, Lines: tc.lines}
			picks, short := PlanAllocation(o, tc.tracked, tc.cands, allocShipDate, tc.rules)
			if !slices.Equal(picks, tc.wantPicks) {
				t.Errorf("picks\n got %+v\nwant %+v", picks, tc.wantPicks)
			}
			if !slices.Equal(short, tc.wantShort) {
				t.Errorf("short\n got %+v\nwant %+v", short, tc.wantShort)
			}
		})
	}
}

// allocLine returns order line id for quantity units of product.
func allocLine(id, product int64, quantity int) OrderLine {
	return OrderLine{ID: id, ProductID: product, SKU: fmt.Sprintf("SKU-%d", product), Quantity: quantity}
}

// allocShelf returns a pick-location candidate of product 1 without expiry.
func allocShelf(stockID int64, walk, available int) Candidate {
	return Candidate{StockID: stockID, ProductID: 1, LocationID: stockID * 10, LocationKind: LocationPick, WalkSequence: walk, Available: available}
}

// allocLot returns shelf with a lot that expires on expiry.
func allocLot(stockID int64, walk, available int, expiry time.Time) Candidate {
	c := allocShelf(stockID, walk, available)
	c.Lot = fmt.Sprintf("L%d", stockID)
	c.Expiry = expiry
	return c
}

// atKind returns c at a location of kind k.
func atKind(c Candidate, k LocationKind) Candidate {
	c.LocationKind = k
	return c
}

// ofProduct returns c holding product p.
func ofProduct(c Candidate, p int64) Candidate {
	c.ProductID = p
	return c
}

var trackedProduct1 = map[int64]bool{1: true}

func TestPlanAllocation_FEFO(t *testing.T) {
	runAllocCases(t, []allocCase{
		{
			name:      "earliest expiry first, whatever the walk",
			lines:     []OrderLine{allocLine(1, 1, 4)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 9, allocDay(90)), allocLot(11, 9, 9, allocDay(30)), allocLot(12, 5, 9, allocDay(60))},
			wantPicks: []Pick{{1, 11, 4}},
		},
		{
			name:      "across lots in expiry order",
			lines:     []OrderLine{allocLine(1, 1, 8)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 5, allocDay(90)), allocLot(11, 2, 2, allocDay(30)), allocLot(12, 3, 3, allocDay(60))},
			wantPicks: []Pick{{1, 11, 2}, {1, 12, 3}, {1, 10, 3}},
		},
		{
			name:      "unknown expiry is used last",
			lines:     []OrderLine{allocLine(1, 1, 6)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 9, time.Time{}), allocLot(11, 2, 4, allocDay(365))},
			wantPicks: []Pick{{1, 11, 4}, {1, 10, 2}},
		},
		{
			name:      "untracked products ignore expiry",
			lines:     []OrderLine{allocLine(1, 1, 3)},
			cands:     []Candidate{allocLot(10, 2, 9, allocDay(30)), allocLot(11, 1, 9, allocDay(-30))},
			wantPicks: []Pick{{1, 11, 3}},
		},
		{
			name:      "one location within the earliest expiry",
			lines:     []OrderLine{allocLine(1, 1, 5)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 3, allocDay(30)), allocLot(11, 2, 10, allocDay(30)), allocLot(12, 0, 50, allocDay(60))},
			wantPicks: []Pick{{1, 11, 5}},
		},
		{
			name:    "a later expiry never beats an earlier one for being whole",
			lines:   []OrderLine{allocLine(1, 1, 5)},
			tracked: trackedProduct1,
			cands:   []Candidate{allocLot(10, 1, 3, allocDay(30)), allocLot(11, 2, 50, allocDay(60))},
			// Splitting here is what FEFO costs: the older lot must go first.
			wantPicks: []Pick{{1, 10, 3}, {1, 11, 2}},
		},
		{
			name:    "the rest comes from one location of the next expiry",
			lines:   []OrderLine{allocLine(1, 1, 5)},
			tracked: trackedProduct1,
			cands:   []Candidate{allocLot(10, 1, 2, allocDay(30)), allocLot(11, 1, 1, allocDay(60)), allocLot(12, 2, 10, allocDay(60))},
			// 3 still needed after the first lot; stock 12 holds them all.
			wantPicks: []Pick{{1, 10, 2}, {1, 12, 3}},
		},
	})
}

func TestPlanAllocation_ExpiryMargin(t *testing.T) {
	week := 7 * 24 * time.Hour
	runAllocCases(t, []allocCase{
		{
			name:      "no delivery date: ship date plus margin",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 9, allocDay(6)), allocLot(11, 2, 9, allocDay(40))},
			rules:     AllocationRules{ExpiryMargin: week},
			wantPicks: []Pick{{1, 11, 2}},
		},
		{
			name:      "no delivery date: a lot good until exactly ship date plus margin is fine",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 9, allocDay(7)), allocLot(11, 2, 9, allocDay(40))},
			rules:     AllocationRules{ExpiryMargin: week},
			wantPicks: []Pick{{1, 10, 2}},
		},
		{
			name:      "delivery date plus margin, not ship date",
			delivery:  allocDay(5),
			lines:     []OrderLine{allocLine(1, 1, 2)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 9, allocDay(10)), allocLot(11, 2, 9, allocDay(12)), allocLot(12, 3, 9, allocDay(40))},
			rules:     AllocationRules{ExpiryMargin: week},
			wantPicks: []Pick{{1, 11, 2}},
		},
		{
			name:      "every lot expires too soon: short",
			delivery:  allocDay(5),
			lines:     []OrderLine{allocLine(1, 1, 2)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 9, allocDay(10)), allocLot(11, 2, 9, allocDay(3))},
			rules:     AllocationRules{ExpiryMargin: week},
			wantShort: []OrderLine{allocLine(1, 1, 2)},
		},
		{
			name:      "no margin: a lot expired before shipping is never sent",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 9, allocDay(-1)), allocLot(11, 2, 9, allocDay(0))},
			wantPicks: []Pick{{1, 11, 2}},
		},
	})
}

func TestPlanAllocation_LocationOrder(t *testing.T) {
	runAllocCases(t, []allocCase{
		{
			name:      "lowest walk sequence",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			cands:     []Candidate{allocShelf(10, 30, 9), allocShelf(11, 10, 9), allocShelf(12, 20, 9)},
			wantPicks: []Pick{{1, 11, 2}},
		},
		{
			name:      "one location that holds the whole line",
			lines:     []OrderLine{allocLine(1, 1, 5)},
			cands:     []Candidate{allocShelf(10, 1, 3), allocShelf(11, 2, 10)},
			wantPicks: []Pick{{1, 11, 5}},
		},
		{
			name:      "split in walk order when no location holds it all",
			lines:     []OrderLine{allocLine(1, 1, 8)},
			cands:     []Candidate{allocShelf(10, 3, 4), allocShelf(11, 1, 3), allocShelf(12, 2, 2)},
			wantPicks: []Pick{{1, 11, 3}, {1, 12, 2}, {1, 10, 3}},
		},
		{
			name:      "pick before reserve",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			cands:     []Candidate{atKind(allocShelf(10, 1, 9), LocationReserve), allocShelf(11, 50, 9)},
			wantPicks: []Pick{{1, 11, 2}},
		},
		{
			name:      "a whole line from reserve beats a split over pick shelves",
			lines:     []OrderLine{allocLine(1, 1, 5)},
			cands:     []Candidate{allocShelf(10, 1, 3), allocShelf(11, 2, 1), atKind(allocShelf(12, 3, 20), LocationReserve)},
			wantPicks: []Pick{{1, 12, 5}},
		},
		{
			name:      "split over pick shelves, then reserve",
			lines:     []OrderLine{allocLine(1, 1, 9)},
			cands:     []Candidate{atKind(allocShelf(10, 1, 6), LocationReserve), allocShelf(11, 8, 2), allocShelf(12, 9, 2)},
			wantPicks: []Pick{{1, 11, 2}, {1, 12, 2}, {1, 10, 5}},
		},
		{
			name:      "ties broken by stock id",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			cands:     []Candidate{allocShelf(12, 1, 9), allocShelf(10, 1, 9), allocShelf(11, 1, 9)},
			wantPicks: []Pick{{1, 10, 2}},
		},
	})
}

func TestPlanAllocation_AllOrNothing(t *testing.T) {
	cands := []Candidate{allocShelf(10, 1, 5), ofProduct(allocShelf(20, 2, 1), 2), ofProduct(allocShelf(30, 3, 4), 3)}
	lines := []OrderLine{allocLine(1, 1, 2), allocLine(2, 2, 3), allocLine(3, 3, 4), allocLine(4, 4, 1)}
	runAllocCases(t, []allocCase{
		{
			name:      "one short line: nothing allocated",
			lines:     lines[:3],
			cands:     cands,
			wantShort: []OrderLine{allocLine(2, 2, 2)},
		},
		{
			name:      "every short line listed with what is missing",
			lines:     lines,
			cands:     cands,
			wantShort: []OrderLine{allocLine(2, 2, 2), allocLine(4, 4, 1)},
		},
		{
			name:      "allow partial: take what is there",
			lines:     lines,
			cands:     cands,
			rules:     AllocationRules{AllowPartial: true},
			wantPicks: []Pick{{1, 10, 2}, {2, 20, 1}, {3, 30, 4}},
			wantShort: []OrderLine{allocLine(2, 2, 2), allocLine(4, 4, 1)},
		},
		{
			name:      "allow partial, nothing short",
			lines:     lines[:1],
			cands:     cands,
			rules:     AllocationRules{AllowPartial: true},
			wantPicks: []Pick{{1, 10, 2}},
		},
		{
			name:  "empty and zero-quantity lines need nothing",
			lines: []OrderLine{allocLine(1, 1, 0)},
			cands: cands,
		},
	})
}

func TestPlanAllocation_SharedStock(t *testing.T) {
	runAllocCases(t, []allocCase{
		{
			name:      "second line takes what the first left",
			lines:     []OrderLine{allocLine(1, 1, 4), allocLine(2, 1, 4)},
			cands:     []Candidate{allocShelf(10, 1, 5), allocShelf(11, 2, 3)},
			wantPicks: []Pick{{1, 10, 4}, {2, 10, 1}, {2, 11, 3}},
		},
		{
			name:      "together more than there is",
			lines:     []OrderLine{allocLine(1, 1, 4), allocLine(2, 1, 4)},
			cands:     []Candidate{allocShelf(10, 1, 5), allocShelf(11, 2, 2)},
			wantShort: []OrderLine{allocLine(2, 1, 1)},
		},
		{
			name:      "together more than there is, partial",
			lines:     []OrderLine{allocLine(1, 1, 4), allocLine(2, 1, 4)},
			cands:     []Candidate{allocShelf(10, 1, 5), allocShelf(11, 2, 2)},
			rules:     AllocationRules{AllowPartial: true},
			wantPicks: []Pick{{1, 10, 4}, {2, 10, 1}, {2, 11, 2}},
			wantShort: []OrderLine{allocLine(2, 1, 1)},
		},
		{
			name:      "FEFO continues where the first line stopped",
			lines:     []OrderLine{allocLine(1, 1, 3), allocLine(2, 1, 3)},
			tracked:   trackedProduct1,
			cands:     []Candidate{allocLot(10, 1, 4, allocDay(30)), allocLot(11, 2, 9, allocDay(60))},
			wantPicks: []Pick{{1, 10, 3}, {2, 10, 1}, {2, 11, 2}},
		},
	})
}

func TestPlanAllocation_IgnoredCandidates(t *testing.T) {
	runAllocCases(t, []allocCase{
		{
			name:      "receiving and dock locations",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			cands:     []Candidate{atKind(allocShelf(10, 1, 9), LocationReceiving), atKind(allocShelf(11, 2, 9), LocationDock), atKind(allocShelf(12, 3, 9), ""), allocShelf(13, 4, 2)},
			wantPicks: []Pick{{1, 13, 2}},
		},
		{
			name:      "only receiving stock: short",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			cands:     []Candidate{atKind(allocShelf(10, 1, 9), LocationReceiving)},
			wantShort: []OrderLine{allocLine(1, 1, 2)},
		},
		{
			name:      "zero and negative available",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			cands:     []Candidate{allocShelf(10, 1, 0), allocShelf(11, 2, -3), allocShelf(12, 3, 2)},
			wantPicks: []Pick{{1, 12, 2}},
		},
		{
			name:      "negative available does not cancel out another row",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			cands:     []Candidate{allocShelf(10, 1, -5), allocShelf(11, 2, 1)},
			wantShort: []OrderLine{allocLine(1, 1, 1)},
		},
		{
			name:      "other products",
			lines:     []OrderLine{allocLine(1, 1, 2)},
			cands:     []Candidate{ofProduct(allocShelf(10, 1, 9), 2), allocShelf(11, 2, 2)},
			wantPicks: []Pick{{1, 11, 2}},
		},
		{
			name:      "a stock row listed twice counts once",
			lines:     []OrderLine{allocLine(1, 1, 4)},
			cands:     []Candidate{allocShelf(10, 1, 3), allocShelf(10, 1, 3)},
			wantShort: []OrderLine{allocLine(1, 1, 1)},
		},
	})
}

func TestPlanAllocation_DoesNotChangeItsArguments(t *testing.T) {
	o := &Order{Number: "SKR-1", Lines: []OrderLine{allocLine(1, 1, 4), allocLine(2, 1, 9)}}
	cands := []Candidate{allocShelf(11, 2, 3), allocShelf(10, 1, 2)}
	wantLines, wantCands := slices.Clone(o.Lines), slices.Clone(cands)
	PlanAllocation(o, nil, cands, allocShipDate, AllocationRules{AllowPartial: true})
	if !slices.Equal(o.Lines, wantLines) || !slices.Equal(cands, wantCands) {
		t.Fatalf("arguments changed: lines %+v, candidates %+v", o.Lines, cands)
	}
}

// TestPlanAllocation_Properties checks on random warehouses what must hold for
// every plan: nothing oversold, nothing over-picked, all or nothing, no lot
// that expires too soon, no stock left behind for a short line, and the same
// plan whatever order storage read the rows in.
func TestPlanAllocation_Properties(t *testing.T) {
	r := rand.New(rand.NewPCG(20260302, 1))
	kinds := []LocationKind{LocationPick, LocationPick, LocationReserve, LocationReceiving, LocationDock}
	for n := range 500 {
		tracked := map[int64]bool{}
		for p := int64(1); p <= 3; p++ {
			tracked[p] = r.IntN(2) == 0
		}
		var cands []Candidate
		for i := range r.IntN(12) {
			c := Candidate{
				StockID:      int64(100 + i),
				ProductID:    int64(1 + r.IntN(3)),
				LocationID:   int64(1 + r.IntN(6)),
				LocationKind: kinds[r.IntN(len(kinds))],
				WalkSequence: r.IntN(5),
				Available:    r.IntN(12) - 2,
			}
			if r.IntN(4) > 0 {
				c.Expiry = allocDay(r.IntN(40) - 10)
			}
			cands = append(cands, c)
		}
		o := &Order{Number: fmt.Sprintf("SKR-%d", n)}
		if r.IntN(2) == 0 {
			o.DeliveryDate = allocDay(r.IntN(4))
		}
		for i := range 1 + r.IntN(4) {
			o.Lines = append(o.Lines, allocLine(int64(1+i), int64(1+r.IntN(3)), r.IntN(15)))
		}
		rules := AllocationRules{
			ExpiryMargin: time.Duration(r.IntN(10)) * 24 * time.Hour,
			AllowPartial: r.IntN(2) == 0,
		}

		picks, short := PlanAllocation(o, tracked, cands, allocShipDate, rules)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			checkPlan(t, o, tracked, cands, rules, picks, short)
		})

		// Both modes find the same shortfalls; they differ only in what
		// they do about them.
		other := rules
		other.AllowPartial = !rules.AllowPartial
		otherPicks, otherShort := PlanAllocation(o, tracked, cands, allocShipDate, other)
		if !slices.Equal(short, otherShort) || (len(short) == 0 && !slices.Equal(picks, otherPicks)) {
			t.Errorf("case %d: AllowPartial=%v planned %+v short %+v, the other mode %+v short %+v",
				n, rules.AllowPartial, picks, short, otherPicks, otherShort)
		}

		shuffled := slices.Clone(cands)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, againShort := PlanAllocation(o, tracked, shuffled, allocShipDate, rules)
		if !slices.Equal(picks, again) || !slices.Equal(short, againShort) {
			t.Errorf("case %d: plan depends on candidate order:\n%+v %+v\n%+v %+v", n, picks, short, again, againShort)
		}
	}
}

// checkPlan fails t when picks and short break a rule of allocation.
func checkPlan(t *testing.T, o *Order, tracked map[int64]bool, cands []Candidate, rules AllocationRules, picks []Pick, short []OrderLine) {
	t.Helper()
	usableFrom := o.DeliveryDate
	if usableFrom.IsZero() {
		usableFrom = allocShipDate
	}
	usableFrom = usableFrom.Add(rules.ExpiryMargin)
	byStock := map[int64]Candidate{}
	for _, c := range cands {
		byStock[c.StockID] = c
	}
	byLine := map[int64]OrderLine{}
	for _, l := range o.Lines {
		byLine[l.ID] = l
	}
	usable := func(c Candidate) bool {
		if c.Available <= 0 || (c.LocationKind != LocationPick && c.LocationKind != LocationReserve) {
			return false
		}
		return !tracked[c.ProductID] || c.Expiry.IsZero() || !c.Expiry.Before(usableFrom)
	}

	perLine, perStock := map[int64]int{}, map[int64]int{}
	for _, p := range picks {
		c, ok := byStock[p.StockID]
		l, lok := byLine[p.LineID]
		switch {
		case !ok || !lok:
			t.Fatalf("pick %+v names an unknown stock row or line", p)
		case p.Quantity <= 0:
			t.Errorf("pick %+v of nothing", p)
		case c.ProductID != l.ProductID:
			t.Errorf("pick %+v: stock of product %d for a line of product %d", p, c.ProductID, l.ProductID)
		case !usable(c):
			t.Errorf("pick %+v from a candidate that may not be allocated: %+v (usable from %s)", p, c, usableFrom)
		}
		perLine[p.LineID] += p.Quantity
		perStock[p.StockID] += p.Quantity
	}
	for id, q := range perStock {
		if q > byStock[id].Available {
			t.Errorf("stock %d oversold: %d planned, %d available", id, q, byStock[id].Available)
		}
	}

	missing := map[int64]int{}
	for _, s := range short {
		if s.Quantity <= 0 {
			t.Errorf("short line %+v misses nothing", s)
		}
		missing[s.ID] = s.Quantity
	}
	if len(short) > 0 && !rules.AllowPartial && len(picks) > 0 {
		t.Errorf("all or nothing broken: %d lines short but %d picks planned", len(short), len(picks))
	}
	for _, l := range o.Lines {
		if perLine[l.ID] > max(l.Quantity, 0) {
			t.Errorf("line %d over-allocated: %d of %d", l.ID, perLine[l.ID], l.Quantity)
		}
		if len(short) > 0 && !rules.AllowPartial {
			continue
		}
		if want := max(l.Quantity, 0); perLine[l.ID]+missing[l.ID] != want {
			t.Errorf("line %d: %d planned + %d short != %d ordered", l.ID, perLine[l.ID], missing[l.ID], want)
		}
	}

	// A short line is only right when its product has nothing usable left.
	if rules.AllowPartial {
		for _, s := range short {
			for _, c := range cands {
				if c.ProductID == s.ProductID && usable(c) && perStock[c.StockID] < c.Available {
					t.Errorf("line %d short by %d while stock %d still has %d", s.ID, s.Quantity, c.StockID, c.Available-perStock[c.StockID])
				}
			}
		}
	}
}
