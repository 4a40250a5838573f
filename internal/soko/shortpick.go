// The rules of a short pick (欠品): the picker's report, and a
// supervisor resolving the short order afterwards.

package soko

import (
	"fmt"
	"strings"
)

// Missing is the rule for a picker's short report on a task that asked for
// asked units, picked of them so far: what was found must be fewer than
// what is left, or it is no short pick. It returns the units missing.
func (s *ShortPick) Missing(asked, picked int) (int, error) {
	left := asked - picked
	if s.Found < 0 || s.Found >= left {
		return 0, Errorf(EINVALID, "a short pick finds fewer than the %d units asked for", left).
			JA("欠品報告は残り %d 個より少ない数を入力してください", left).WithField("found", "range")
	}
	return left - s.Found, nil
}

// ShortShelvesCounted is the rule for resolving a short order (欠品解決):
// the shelves it came up short at, uncounted naming those still waiting
// for their count, are counted first, since until then nobody knows what
// they hold; re-allocating from other shelves needs no count.
func ShortShelvesCounted(uncounted []string) error {
	if len(uncounted) == 0 {
		return nil
	}
	at := strings.Join(uncounted, ", ")
	return Errorf(ECONFLICT, "%s has not been counted since the short pick: count it first, or re-allocate from other shelves", at).
		JA("%s の棚卸がまだです。棚卸のあとで欠品解決するか、再引当で別の棚から引き当ててください", at)
}

// LineUnits are an order line's reserved and picked units.
type LineUnits struct{ Allocated, Picked int }

// Missing is the rule for re-allocating a short or backordered order whose
// lines hold the units in have (by line id): it returns the order with only
// the lines still missing units, each with the units it misses, and
// refuses an order that misses nothing and has nothing left to pick.
func (o *Order) Missing(have map[int64]LineUnits) (*Order, error) {
	want := &Order{ID: o.ID, Number: o.Number, DeliveryDate: o.DeliveryDate}
	open := 0
	for _, l := range o.Lines {
		h := have[l.ID]
		open += h.Allocated - h.Picked
		if missing := l.Quantity - h.Allocated; missing > 0 {
			l.Quantity = missing
			want.Lines = append(want.Lines, l)
		}
	}
	if len(want.Lines) == 0 && open == 0 {
		return nil, Errorf(ECONFLICT, "order %s is missing nothing and has nothing left to pick", o.Number).
			JA("注文 %s に不足はなく、ピッキングする商品もありません", o.Number)
	}
	return want, nil
}

// NotEnoughStock refuses re-allocating order number now, naming the
// lines short of stock by their products' SKUs, and says what the
// supervisor may do instead.
func NotEnoughStock(number string, short []OrderLine, sku map[int64]string) error {
	parts := make([]string, len(short))
	for i, l := range short {
		parts[i] = fmt.Sprintf("%s × %d", sku[l.ProductID], l.Quantity)
	}
	what := strings.Join(parts, ", ")
	return Errorf(ECONFLICT, "not enough stock to allocate order %s now (missing %s)", number, what).
		JA("在庫が足りないため注文 %s を引き当てられません（不足：%s）。入荷を待つか、分割出荷・キャンセルを検討してください", number, what)
}

// Splittable is the rule for splitting a short order that has picked
// units picked: the order ships what was picked, so with nothing picked
// there is nothing to ship and it is re-allocated or waits instead.
func (o *Order) Splittable(picked int) error {
	if picked == 0 {
		return Errorf(ECONFLICT, "nothing of order %s has been picked: re-allocate it or wait for stock", o.Number).
			JA("注文 %s はまだ何もピッキングされていないため分割できません。再引当するか入荷を待ってください", o.Number)
	}
	return nil
}
