package soko

import (
	"reflect"
	"testing"
)

func TestCount_Adjust(t *testing.T) {
	const tea, coffee = 1, 2
	oneLot := []ShelfStock{{ProductID: tea, Lot: "L1", OnHand: 10, Allocated: 4}}
	twoLots := []ShelfStock{{ProductID: tea, Lot: "L1", OnHand: 10}, {ProductID: tea, Lot: "L2", OnHand: 5, Allocated: 5}}
	for _, c := range []struct {
		name  string
		books []ShelfStock
		lines []CountLine
		want  []CountAdjustment
		field string // the refused field, "" when accepted
	}{
		{"as the books say", oneLot, []CountLine{{ProductID: tea, Lot: "L1", Quantity: 10}},
			[]CountAdjustment{{ProductID: tea, Lot: "L1", Before: 10, Counted: 10}}, ""},
		{"no lot scanned stands for the only lot", oneLot, []CountLine{{ProductID: tea, Quantity: 12}},
			[]CountAdjustment{{ProductID: tea, Lot: "L1", Before: 10, Counted: 12}}, ""},
		{"scans of one product add up", oneLot, []CountLine{{ProductID: tea, Quantity: 3}, {ProductID: tea, Lot: "L1", Quantity: 3}},
			[]CountAdjustment{{ProductID: tea, Lot: "L1", Before: 10, Counted: 6}}, ""},
		{"fewer than the reserved units", oneLot, []CountLine{{ProductID: tea, Quantity: 1}},
			[]CountAdjustment{{ProductID: tea, Lot: "L1", Before: 10, Counted: 1, Overpromised: 3}}, ""},
		{"not found at all", oneLot, nil,
			[]CountAdjustment{{ProductID: tea, Lot: "L1", Before: 10, Counted: 0, Overpromised: 4}}, ""},
		{"each lot counted", twoLots, []CountLine{{ProductID: tea, Lot: "L2", Quantity: 5}, {ProductID: tea, Lot: "L1", Quantity: 9}},
			[]CountAdjustment{{ProductID: tea, Lot: "L1", Before: 10, Counted: 9}, {ProductID: tea, Lot: "L2", Before: 5, Counted: 5}}, ""},
		{"several lots, no lot scanned", twoLots, []CountLine{{ProductID: tea, Quantity: 15}}, nil, "lot"},
		{"found what the books did not have, by product then lot", oneLot,
			[]CountLine{{ProductID: tea, Lot: "L1", Quantity: 10}, {ProductID: coffee, Lot: "K2", Quantity: 1}, {ProductID: tea, Lot: "L0", Quantity: 2}, {ProductID: coffee, Lot: "K1", Quantity: 3}},
			[]CountAdjustment{{ProductID: tea, Lot: "L1", Before: 10, Counted: 10}, {ProductID: tea, Lot: "L0", Counted: 2},
				{ProductID: coffee, Lot: "K1", Counted: 3}, {ProductID: coffee, Lot: "K2", Counted: 1}}, ""},
		{"a product new to the shelf counted as none", nil, []CountLine{{ProductID: coffee, Quantity: 0}}, []CountAdjustment{}, ""},
	} {
		got, err := (&Count{Location: "A-01-01-1", Lines: c.lines}).Adjust(c.books)
		if c.field != "" {
			if fs := ErrorFields(err); ErrorCode(err) != EINVALID || len(fs) != 1 || fs[0].Field != c.field {
				t.Errorf("%s: %v, want %s refused", c.name, err, c.field)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, %v\nwant %+v", c.name, got, err, c.want)
		}
	}
}

func TestCountAdjustment_Changes(t *testing.T) {
	if (CountAdjustment{Before: 4, Counted: 4}).Changes() {
		t.Error("a count as the books say changes them")
	}
	if !(CountAdjustment{Before: 4, Counted: 3}).Changes() || !(CountAdjustment{Counted: 2}).Changes() {
		t.Error("a difference leaves the books alone")
	}
}

func TestCount_LedgerReason(t *testing.T) {
	if got := (&Count{}).LedgerReason(); got != "cycle count" {
		t.Errorf("no reason given: %q", got)
	}
	if got := (&Count{Reason: "破損"}).LedgerReason(); got != "破損" {
		t.Errorf("the counter's reason: %q", got)
	}
}

func TestCountAdjustment_Losing(t *testing.T) {
	for _, c := range []struct {
		name         string
		overpromised int
		open         []int // newest order first
		want         int
	}{
		{"every reservation found", 0, []int{2, 3}, 0},
		{"the newest order covers it", 2, []int{2, 3}, 1},
		{"the newest order covers part of it", 3, []int{2, 3}, 2},
		{"more missing than reserved", 9, []int{2, 3}, 2},
		{"no order holds units there", 2, nil, 0},
	} {
		if got := (CountAdjustment{Overpromised: c.overpromised}).Losing(c.open); got != c.want {
			t.Errorf("%s: %d orders lose their stock, want %d", c.name, got, c.want)
		}
	}
}

func TestOrder_LoseCountedStock(t *testing.T) {
	for _, c := range []struct {
		name               string
		status, heldFrom   OrderStatus
		wantStatus, wantHF OrderStatus
		want               CountLoss
	}{
		{"waiting for a wave: backordered and tried again", OrderAllocated, "", OrderBackordered, "",
			CountLoss{From: OrderAllocated, Action: ActionBackorder, Detail: "count found fewer units", Retry: true}},
		{"being picked: short for a supervisor", OrderPicking, "", OrderShort, "",
			CountLoss{From: OrderPicking, Action: ActionShortPick, Detail: "count found fewer units", Short: true}},
		{"cancellation going on: it goes on", OrderCancelRequested, "", OrderCancelRequested, "",
			CountLoss{From: OrderCancelRequested, Action: ActionBackorder, Detail: "count found fewer units: its stock was freed", Kept: true}},
		{"held while allocated: comes back backordered", OrderOnHold, OrderAllocated, OrderOnHold, OrderBackordered,
			CountLoss{From: OrderOnHold, Action: ActionBackorder, Detail: "count found fewer units: its stock was freed", Kept: true, HeldFromMoved: true}},
		{"held while picked: comes back short", OrderOnHold, OrderPicking, OrderOnHold, OrderShort,
			CountLoss{From: OrderOnHold, Action: ActionBackorder, Detail: "count found fewer units: its stock was freed", Kept: true, HeldFromMoved: true}},
		{"held while backordered: comes back as it was", OrderOnHold, OrderBackordered, OrderOnHold, OrderBackordered,
			CountLoss{From: OrderOnHold, Action: ActionBackorder, Detail: "count found fewer units: its stock was freed", Kept: true}},
	} {
		o := &Order{Number: "A-1", Status: c.status, HeldFrom: c.heldFrom}
		got, err := o.LoseCountedStock()
		if err != nil || got != c.want || o.Status != c.wantStatus || o.HeldFrom != c.wantHF {
			t.Errorf("%s: %+v, %v, order %s from %s\nwant %+v, order %s from %s", c.name, got, err, o.Status, o.HeldFrom, c.want, c.wantStatus, c.wantHF)
		}
	}
	if _, err := (&Order{Number: "A-2", Status: OrderShipped}).LoseCountedStock(); ErrorCode(err) != EINVALID {
		t.Errorf("a shipped order holds no reservation to lose: %v", err)
	}
}
