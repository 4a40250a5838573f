package soko

import "slices"

// 同梱: orders of one merchant to the same recipient leave as one parcel.
// A group is a primary order and members whose ConsolidatedInto names it.
// Every order keeps its own number, lines, status and history; the floor
// works the group through the primary: one tote, one inspection, the
// primary's parcels and labels, one packing slip listing each order's
// lines, and every order shipped with the primary's tracking numbers.

// consolidableStatuses are the statuses an order may join or leave a group
// in: before picking, when nothing has left its shelf.
var consolidableStatuses = []OrderStatus{OrderReceived, OrderBackordered, OrderAllocated}

// CanRegroup reports, with a problem that says why, whether o may join or
// leave a group now: only before picking, and never while held or
// cancelled.
func (o *Order) CanRegroup() error {
	if slices.Contains(consolidableStatuses, o.Status) {
		return nil
	}
	return Errorf(ECONFLICT, "order %s is %s: orders are consolidated or separated only before picking", o.Number, o.Status).
		JA("注文 %s は「%s」のため、同梱の変更はできません（ピッキング前の注文のみ）", o.Number, o.Status.Label())
}

// CanJoin reports, with a problem that says why, whether o may be merged
// with other orders: it must be before picking, not opted out, and not a
// gift, whose wrapping, のし and hidden prices are for one order's box.
func (o *Order) CanJoin() error {
	if err := o.CanRegroup(); err != nil {
		return err
	}
	if o.NoConsolidation {
		return Errorf(ECONFLICT, "order %s asks to be shipped on its own", o.Number).
			JA("注文 %s は同梱しない指定です", o.Number)
	}
	if o.Gift.IsGift() {
		return Errorf(ECONFLICT, "order %s is a gift and is packed on its own", o.Number).
			JA("注文 %s はギフト指定のため同梱できません", o.Number)
	}
	return nil
}

// ConsolidationPrimary returns the order of group whose parcels carry the
// group: the oldest cash-on-delivery order, whose service collects the
// sum, or else the oldest order.
func ConsolidationPrimary(group []*Order) *Order {
	var primary *Order
	for _, o := range group {
		switch {
		case primary == nil,
			o.CODAmount > 0 && primary.CODAmount == 0,
			(o.CODAmount > 0) == (primary.CODAmount > 0) && o.ID < primary.ID:
			primary = o
		}
	}
	return primary
}

// GroupCOD is what the driver collects for a group: the sum of its
// orders' cash-on-delivery amounts.
func GroupCOD(group []*Order) int64 {
	var sum int64
	for _, o := range group {
		sum += o.CODAmount
	}
	return sum
}
