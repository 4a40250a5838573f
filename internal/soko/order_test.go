package soko

import (
	"fmt"
	"strings"
	"testing"
)

func TestOrder_Next(t *testing.T) {
	cases := []struct {
		from   OrderStatus
		action OrderAction
		to     OrderStatus // empty: refused
	}{
		{OrderReceived, ActionAllocate, OrderAllocated},
		{OrderReceived, ActionBackorder, OrderBackordered},
		{OrderBackordered, ActionAllocate, OrderAllocated},
		{OrderAllocated, ActionReleaseWave, OrderPicking},
		{OrderPicking, ActionPick, OrderPicked},
		{OrderPicking, ActionShortPick, OrderShort},
		{OrderShort, ActionReallocate, OrderAllocated},
		{OrderShort, ActionSplit, OrderPicked},
		{OrderPicked, ActionInspect, OrderInspected},
		{OrderInspected, ActionResetInspect, OrderPicked},
		{OrderInspected, ActionPack, OrderPacked},
		{OrderPacked, ActionLabel, OrderLabeled},
		{OrderLabeled, ActionShip, OrderShipped},
		{OrderReceived, ActionCancel, OrderCancelled},
		{OrderAllocated, ActionCancel, OrderCancelled},
		{OrderPacked, ActionRequestCancel, OrderCancelRequested},
		{OrderCancelRequested, ActionPutBack, OrderCancelled},

		// Refused: skipping steps, going back, acting on finished orders.
		{OrderReceived, ActionReleaseWave, ""},
		{OrderAllocated, ActionShip, ""},
		{OrderPicked, ActionLabel, ""},
		{OrderPicking, ActionCancel, ""}, // units are in a tote: must be put back
		{OrderLabeled, ActionCancel, ""},
		{OrderShipped, ActionCancel, ""},
		{OrderShipped, ActionRequestCancel, ""},
		{OrderShipped, ActionHold, ""},
		{OrderCancelled, ActionAllocate, ""},
		{OrderCancelled, ActionHold, ""},
		{OrderReceived, ActionReleaseHold, ""},
		{OrderPacked, ActionInspect, ""},
	}
	for _, tc := range cases {
		t.Run(string(tc.from)+"/"+string(tc.action), func(t *testing.T) {
			o := &Order{Number: "SKR-1", Status: tc.from}
			got, err := o.Next(tc.action)
			if tc.to == "" {
				if err == nil || ErrorCode(err) != EINVALID {
					t.Fatalf("%s on %s: got %q, %v; want refused", tc.action, tc.from, got, err)
				}
				if ErrorMessage(err, "ja") == "" || ErrorMessage(err, "ja") == ErrorMessage(err, "en") {
					t.Fatalf("refusal needs a Japanese message: %q", ErrorMessage(err, "ja"))
				}
				return
			}
			if err != nil || got != tc.to {
				t.Fatalf("%s on %s: got %q, %v; want %s", tc.action, tc.from, got, err, tc.to)
			}
		})
	}
}

func TestOrder_HoldReturnsWhereItWas(t *testing.T) {
	for _, from := range []OrderStatus{OrderReceived, OrderAllocated, OrderPicking, OrderInspected, OrderLabeled} {
		o := &Order{Number: "SKR-1", Status: from}
		if err := o.Apply(ActionHold); err != nil {
			t.Fatal(err)
		}
		if o.Status != OrderOnHold || o.HeldFrom != from {
			t.Fatalf("held from %s: %+v", from, o)
		}
		if err := o.Apply(ActionHold); err == nil {
			t.Fatal("holding a held order twice was allowed")
		}
		if err := o.Apply(ActionShip); err == nil {
			t.Fatal("a held order shipped")
		}
		if err := o.Apply(ActionReleaseHold); err != nil {
			t.Fatal(err)
		}
		if o.Status != from || o.HeldFrom != "" {
			t.Fatalf("released to %s (held from %q), want %s", o.Status, o.HeldFrom, from)
		}
	}
}

func TestTransitions_EveryStatusIsKnownAndReachable(t *testing.T) {
	reached := map[OrderStatus]bool{OrderReceived: true, OrderOnHold: true}
	seen := map[[2]string]bool{}
	for _, tr := range Transitions {
		if !tr.From.Valid() || !tr.To.Valid() {
			t.Errorf("transition %+v names an unknown status", tr)
		}
		key := [2]string{string(tr.From), string(tr.Action)}
		if seen[key] {
			t.Errorf("two transitions for %s on %s", tr.Action, tr.From)
		}
		seen[key] = true
		reached[tr.To] = true
	}
	for _, s := range OrderStatuses {
		if !reached[s] {
			t.Errorf("status %s cannot be reached", s)
		}
		if s.Label() == "" {
			t.Errorf("status %s has no Japanese label", s)
		}
	}
}

func TestOrder_LineState(t *testing.T) {
	line := OrderLine{Quantity: 3}
	for _, c := range []struct {
		status            OrderStatus
		allocated, picked int
		want              LineState
	}{
		{OrderBackordered, 0, 0, LineOrdered},
		{OrderBackordered, 2, 0, LineOrdered},
		{OrderAllocated, 3, 0, LineAllocated},
		{OrderPicking, 3, 1, LineAllocated},
		{OrderPicking, 3, 3, LinePicked},
		{OrderShort, 3, 1, LineShort},
		{OrderShort, 3, 3, LinePicked},
		{OrderPacked, 3, 3, LinePacked},
		{OrderLabeled, 3, 3, LinePacked},
		{OrderShipped, 3, 3, LineShipped},
		{OrderCancelled, 0, 0, LineCancelled},
	} {
		l := line
		l.Allocated, l.Picked = c.allocated, c.picked
		o := &Order{Status: c.status}
		if got := o.LineState(l); got != c.want {
			t.Errorf("%s with %d allocated, %d picked of 3: %s, want %s", c.status, c.allocated, c.picked, got, c.want)
		}
	}
}

// TestSupervisorActions_MerchantHolds: the console offers no release of a
// hold the merchant made (a payment it waits for), but does of its own.
func TestSupervisorActions_MerchantHolds(t *testing.T) {
	m := &Merchant{Name: "さくら"}
	for reason, wantRelease := range map[HoldReason]bool{HoldPayment: false, HoldMerchant: false, HoldWarehouse: true} {
		o := &Order{Number: "SO-1", Status: OrderOnHold, HeldFrom: OrderAllocated, HoldReason: reason}
		got := fmt.Sprint(o.AllowedSupervisorActions(m))
		if strings.Contains(got, "release_hold") != wantRelease {
			t.Errorf("held for %s: actions %s", reason, got)
		}
	}
	o := &Order{Number: "SO-1", Status: OrderOnHold, HeldFrom: OrderAllocated, HoldReason: HoldPayment}
	if _, err := o.SupervisorEdge(ActionReleaseHold, m); ErrorCode(err) != ECONFLICT || !strings.Contains(ErrorMessage(err, "ja"), "入金待ち") {
		t.Errorf("releasing a payment hold: %v", err)
	}
}
