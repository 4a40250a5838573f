package soko

import (
	"cmp"
	"fmt"
	"slices"
)

// PackItem is a product going into parcels, with its size and weight.
type PackItem struct {
	ProductID   int64
	Name        string
	LengthMM    int
	WidthMM     int
	HeightMM    int
	WeightGrams int
	Quantity    int
}

// ParcelPlan is one box of a recommendation and what goes into it.
type ParcelPlan struct {
	Box         BoxType
	Items       []PackItem
	WeightGrams int // contents and box
}

// fillFactor is how much of a box's volume goods can really fill: cartons
// need room for cushioning and items do not tessellate.
const fillFactor = 0.8

// RecommendBoxes chooses the parcels (個口) for an order: the smallest box
// that takes every unit by size, volume and weight; or, when no box does,
// as few parcels as it can, filling the largest boxes first and choosing
// the smallest box for what is left. Thin boxes (ネコポス and the like) are
// considered only when thinAllowed, because the order's service decides.
// It returns nil when some unit fits no box at all.
func RecommendBoxes(items []PackItem, boxes []BoxType, thinAllowed bool) []ParcelPlan {
	var usable []BoxType
	for _, b := range boxes {
		if b.Volume() > 0 && b.MaxWeightGrams > 0 && (!b.Thin || thinAllowed) {
			usable = append(usable, b)
		}
	}
	// Smallest first, and thin boxes before cartons of the same volume: a
	// post-box parcel is the cheapest way to ship.
	slices.SortStableFunc(usable, func(a, b BoxType) int {
		if c := cmp.Compare(a.Volume(), b.Volume()); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	var units []PackItem
	for _, it := range items {
		for i := 0; i < it.Quantity; i++ {
			u := it
			u.Quantity = 1
			units = append(units, u)
		}
	}
	if len(units) == 0 || len(usable) == 0 {
		return nil
	}
	for _, u := range units {
		if !slices.ContainsFunc(usable, func(b BoxType) bool { return fits(u, b) }) {
			return nil
		}
	}
	if b, ok := smallestBox(units, usable); ok {
		return []ParcelPlan{plan(b, units)}
	}
	// Several parcels: biggest units first into the largest box that
	// takes them, then the rest, the last parcel in the smallest box.
	slices.SortStableFunc(units, func(a, b PackItem) int { return cmp.Compare(volume(b), volume(a)) })
	var parcels [][]PackItem
	largest := usable[len(usable)-1]
	for _, u := range units {
		placed := false
		for i := range parcels {
			if fitsAll(append(slices.Clone(parcels[i]), u), largest) {
				parcels[i] = append(parcels[i], u)
				placed = true
				break
			}
		}
		if !placed {
			parcels = append(parcels, []PackItem{u})
		}
	}
	out := make([]ParcelPlan, 0, len(parcels))
	for _, p := range parcels {
		b, ok := smallestBox(p, usable)
		if !ok {
			return nil
		}
		out = append(out, plan(b, p))
	}
	return out
}

func smallestBox(units []PackItem, boxes []BoxType) (BoxType, bool) {
	for _, b := range boxes {
		if fitsAll(units, b) {
			return b, true
		}
	}
	return BoxType{}, false
}

// fitsAll reports whether the units go into b together: each by its sides,
// all by volume and weight.
func fitsAll(units []PackItem, b BoxType) bool {
	var vol int64
	weight := b.TareGrams
	for _, u := range units {
		if !fits(u, b) {
			return false
		}
		vol += volume(u)
		weight += u.WeightGrams
	}
	return float64(vol) <= fillFactor*float64(b.Volume()) && weight <= b.MaxWeightGrams
}

// fits reports whether one unit goes into b in some orientation.
func fits(u PackItem, b BoxType) bool {
	item := []int{u.LengthMM, u.WidthMM, u.HeightMM}
	box := []int{b.InnerLengthMM, b.InnerWidthMM, b.InnerHeightMM}
	slices.Sort(item)
	slices.Sort(box)
	return item[0] <= box[0] && item[1] <= box[1] && item[2] <= box[2] && u.WeightGrams+b.TareGrams <= b.MaxWeightGrams
}

func volume(u PackItem) int64 { return int64(u.LengthMM) * int64(u.WidthMM) * int64(u.HeightMM) }

// plan gathers units back into items per product, with the parcel's weight.
func plan(b BoxType, units []PackItem) ParcelPlan {
	p := ParcelPlan{Box: b, WeightGrams: b.TareGrams}
	for _, u := range units {
		p.WeightGrams += u.WeightGrams
		if i := slices.IndexFunc(p.Items, func(it PackItem) bool { return it.ProductID == u.ProductID }); i >= 0 {
			p.Items[i].Quantity++
		} else {
			p.Items = append(p.Items, u)
		}
	}
	return p
}

// WeightTolerance is how far a parcel's scale weight may stray from what
// its contents should weigh before the station suspects a wrong item.
func WeightTolerance(expected int) int { return max(50, expected/10) }

// ThinAllowed reports whether the order may leave in a thin box (ネコポス,
// ゆうパケット): when its service is a post-box one, or, when it names no
// service the carriers know, when it asks nothing a post-box parcel cannot
// do — a service, a time slot, a delivery date, cash on delivery. thin and
// known are what the carriers' table says of the order's service
// (carrier.ServiceThin).
func (o *Order) ThinAllowed(thin, known bool) bool {
	if known {
		return thin
	}
	return o.Service == "" && o.TimeSlot == SlotNone && o.DeliveryDate.IsZero() && o.CODAmount == 0
}

// CheckPackWeight is the pack step's weight check: the parcels together
// must weigh what the items and each parcel's box (from boxes, by code)
// weigh, within WeightTolerance. A weight further off is refused with
// ECONFLICT (a wrong or missing item?) unless the packer confirmed it, when
// note is what the order's history records.
func CheckPackWeight(items []PackItem, boxes []BoxType, parcels []PackedParcel, confirmed bool) (note string, err error) {
	expected, weighed := 0, 0
	for _, it := range items {
		expected += it.WeightGrams * it.Quantity
	}
	for _, p := range parcels {
		for _, b := range boxes {
			if b.Code == p.BoxCode {
				expected += b.TareGrams
			}
		}
		weighed += p.WeightGrams
	}
	if diff := weighed - expected; max(diff, -diff) <= WeightTolerance(expected) {
		return "", nil
	}
	if !confirmed {
		return "", Errorf(ECONFLICT, "the parcels weigh %d g but should weigh about %d g: a wrong or missing item?", weighed, expected).
			JA("重量が %d g です（想定 %d g）。商品違い・入れ忘れの可能性があります。確認のうえ確定してください", weighed, expected).
			WithField("weight_grams", "mismatch")
	}
	return fmt.Sprintf("weight %d g, expected %d g, confirmed", weighed, expected), nil
}

// StationView is what the packing station shows of an order: Order itself,
// the group it leaves in (Group, its primary first, each order with its
// lines), its merchant, what goes into its parcels (Items) and, until it is
// packed, the checklist the packer confirms, and the boxes to choose from.
type StationView struct {
	Order    *Order
	Group    []*Order
	Merchant Merchant
	Items    []PackItem
	Checks   []PackCheck
	Boxes    []BoxType
}
