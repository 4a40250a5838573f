package soko

import (
	"slices"
	"strings"
)

// InspectScan is one scan of units at the packing station (検品).
type InspectScan struct {
	ScanID  string
	OrderID int64
	StaffID int64
	Device  string
	Code    string
	// Items are the products the code names, of any merchant, each with
	// the units of its pack: the order's merchant's one is counted.
	Items []ScannedItem
	// Packs is how many of the code's packs the packer counted at once.
	Packs int
	Lot   string // from a GS1-128 label: checked against what was picked
}

// InspectCount is what a scan at the station counts: Units of Item against
// Line of the order's group; Complete when every line is then inspected.
type InspectCount struct {
	Item     ScannedItem
	Line     OrderLine
	Units    int
	Complete bool
}

// Inspect decides what scan s means for order o, the primary of a group
// that leaves as one parcel with members (every order's lines loaded): the
// line it counts against, or why it is refused — a product of no line of
// the group (wrong item), more units than the line lacks (over-scan), a
// lot other than pickedLots, the lots picked for each line (by line id),
// which the caller reads only for a scan that carries a lot. The line
// counted against is counted in o's group too.
func Inspect(o *Order, members []*Order, s *InspectScan, pickedLots map[int64][]string) (*InspectCount, error) {
	i := slices.IndexFunc(s.Items, func(it ScannedItem) bool { return it.Product.MerchantID == o.MerchantID })
	if i < 0 {
		// A barcode of another merchant's product is still a wrong item, not a mystery.
		return nil, Errorf(EINVALID, "this is not a product of order %s", o.Number).
			JA("この商品は注文 %s のものではありません", o.Number).WithField("code", "wrong_item")
	}
	c := &InspectCount{Item: s.Items[i], Units: s.Items[i].Units * max(1, s.Packs)}
	if o.Status != OrderPicked {
		return nil, Errorf(ECONFLICT, "order %s is %s, not waiting for inspection", o.Number, o.Status).
			JA("注文 %s は「%s」のため検品できません", o.Number, o.Status.Label())
	}
	if err := GroupIn(o, members, OrderPicked); err != nil {
		return nil, err
	}
	group := append([]*Order{o}, members...)
	var lines []OrderLine
	for _, g := range group {
		for _, l := range g.Lines {
			if !l.IsSet && l.ProductID == c.Item.Product.ID {
				lines = append(lines, l)
			}
		}
	}
	if len(lines) == 0 {
		return nil, Errorf(EINVALID, "this product is not in order %s", o.Number).
			JA("この商品は注文 %s に含まれていません（別の注文の商品の可能性）", o.Number).WithField("code", "wrong_item")
	}
	c.Line = lines[0]
	if j := slices.IndexFunc(lines, func(l OrderLine) bool { return l.Inspected < l.Quantity }); j >= 0 {
		c.Line = lines[j]
	}
	if l := c.Line; l.Inspected+c.Units > l.Quantity {
		return nil, Errorf(EINVALID, "over-scan: %d of %d already", l.Inspected, l.Quantity).
			JA("数量オーバーです（%d/%d 検品済み）", l.Inspected, l.Quantity).WithField("code", "over_scan")
	}
	if lots := pickedLots[c.Line.ID]; s.Lot != "" && len(lots) > 0 && !slices.Contains(lots, s.Lot) {
		return nil, Errorf(EINVALID, "lot %s was not picked for this order (picked: %s)", s.Lot, strings.Join(lots, ", ")).
			JA("ロット %s はこの注文でピッキングしたロット（%s）と違います", s.Lot, strings.Join(lots, "、")).WithField("code", "wrong_lot")
	}
	c.Complete = true
	for _, g := range group {
		for k := range g.Lines {
			l := &g.Lines[k]
			if l.ID == c.Line.ID {
				l.Inspected += c.Units
			}
			if !l.IsSet && l.Inspected < l.Quantity {
				c.Complete = false
			}
		}
	}
	return c, nil
}

// GroupIn reports, as ECONFLICT naming the first one that is not, whether
// every member of primary's group is in status want: the floor works a
// group through its primary, all its orders together.
func GroupIn(primary *Order, members []*Order, want OrderStatus) error {
	for _, o := range members {
		if o.Status != want {
			return Errorf(ECONFLICT, "order %s, consolidated into %s, is %s", o.Number, primary.Number, o.Status).
				JA("同梱の注文 %s が「%s」です。揃ってから作業してください", o.Number, o.Status.Label())
		}
	}
	return nil
}
