package storage

import (
	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// kitPlan is how one order's set lines take pre-assembled kits (集合包装)
// before components: the lines to plan the allocation with, and the
// changes to its stored lines that make them so if the plan holds. A set
// line of n sets, k of which are kits on the shelves, gets a line of k
// kit units (the set's own product, under the set line like a component)
// and its components for the other n−k sets.
type kitPlan struct {
	lines   []soko.OrderLine
	resize  map[int64]int    // a stored line's new quantity
	add     []soko.OrderLine // new lines, with negative ids until stored
	removed []int64          // stored lines no longer needed
}

// kitBook is what planning kits needs of a batch of orders: the
// components of their sets that have kits (or kit lines), and the lines
// with allocations, which are not changed.
type kitBook struct {
	comps map[int64][]soko.Component
	fixed map[int64]bool
}

// kitsFirst reads the kit book of orders given the candidates
// (byProduct); nil when no set of theirs has kits to think of, which
// costs no statement.
func kitsFirst(tx *gorm.DB, orders []*soko.Order, byProduct map[int64][]*soko.Candidate) (*kitBook, error) {
	var sets, children []int64
	for _, o := range orders {
		for _, l := range o.Lines {
			switch {
			case l.IsSet && (len(byProduct[l.ProductID]) > 0 || hasKitLine(o, l)):
				sets = append(sets, l.ProductID)
			case l.SetLineID != 0:
				children = append(children, l.ID)
			}
		}
	}
	if len(sets) == 0 {
		return nil, nil
	}
	comps, err := componentsOf(tx, sets)
	if err != nil {
		return nil, err
	}
	var allocated []int64
	if err := tx.Table("allocations").Where("order_line_id IN ?", children).Distinct().Pluck("order_line_id", &allocated).Error; err != nil {
		return nil, err
	}
	fixed := map[int64]bool{}
	for _, id := range allocated {
		fixed[id] = true
	}
	return &kitBook{comps: comps, fixed: fixed}, nil
}

// hasKitLine reports whether set line l of o has a line of kit units.
func hasKitLine(o *soko.Order, l soko.OrderLine) bool {
	for _, c := range o.Lines {
		if c.SetLineID == l.ID && c.ProductID == l.ProductID {
			return true
		}
	}
	return false
}

// plan returns o's kit plan, nil when its sets stand as they should or
// the book is nil. Kits free are the candidates' available units now:
// the batch's earlier orders took theirs off. A set whose lines to change
// have allocations (an order allocated before) is left as it is.
func (b *kitBook) plan(o *soko.Order, byProduct map[int64][]*soko.Candidate) *kitPlan {
	if b == nil {
		return nil
	}
	comps, fixed := b.comps, b.fixed
	p := &kitPlan{resize: map[int64]int{}}
	next := int64(0)
	changed := false
	for _, l := range o.Lines {
		cs := comps[l.ProductID]
		if !l.IsSet || len(cs) == 0 {
			continue
		}
		free := 0
		for _, c := range byProduct[l.ProductID] {
			free += max(0, c.Available)
		}
		kits := min(l.Quantity, free)
		want := map[int64]int{l.ProductID: kits}
		order := []int64{l.ProductID}
		for _, c := range cs {
			want[c.ProductID] += c.Quantity * (l.Quantity - kits)
			order = append(order, c.ProductID)
		}
		resize, removed := map[int64]int{}, []int64(nil)
		blocked, differs := false, false
		have := map[int64]bool{}
		for _, c := range o.SetComponents(l) {
			have[c.ProductID] = true
			switch w := want[c.ProductID]; {
			case w == 0:
				removed = append(removed, c.ID)
				blocked = blocked || fixed[c.ID]
			case w != c.Quantity:
				resize[c.ID] = w
				blocked = blocked || fixed[c.ID]
			}
		}
		var add []soko.OrderLine
		for _, id := range order {
			if w := want[id]; w > 0 && !have[id] {
				next--
				add = append(add, soko.OrderLine{ID: next, OrderID: o.ID, ProductID: id, Quantity: w, TaxRate: l.TaxRate, SetLineID: l.ID})
			}
		}
		differs = len(resize)+len(removed)+len(add) > 0
		if blocked || !differs {
			continue
		}
		changed = true
		for id, n := range resize {
			p.resize[id] = n
		}
		p.removed = append(p.removed, removed...)
		p.add = append(p.add, add...)
	}
	if !changed {
		return nil
	}
	gone := map[int64]bool{}
	for _, id := range p.removed {
		gone[id] = true
	}
	for _, l := range o.Lines {
		if gone[l.ID] {
			continue
		}
		if n, ok := p.resize[l.ID]; ok {
			l.Quantity = n
		}
		p.lines = append(p.lines, l)
	}
	p.lines = append(p.lines, p.add...)
	return p
}

// store makes the order's stored lines what the plan says and points the
// picks planned for its new lines at them.
func (p *kitPlan) store(tx *gorm.DB, picks []soko.Pick) error {
	for id, n := range p.resize {
		if err := tx.Model(&orderLineRow{}).Where("id = ?", id).Update("quantity", n).Error; err != nil {
			return err
		}
	}
	if len(p.removed) > 0 {
		if err := tx.Where("id IN ?", p.removed).Delete(&orderLineRow{}).Error; err != nil {
			return err
		}
	}
	ids := map[int64]int64{}
	for _, l := range p.add {
		set := l.SetLineID
		row := orderLineRow{OrderID: l.OrderID, ProductID: l.ProductID, Quantity: l.Quantity, TaxRate: l.TaxRate, SetLineID: &set}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		ids[l.ID] = row.ID
	}
	for i := range picks {
		if id, ok := ids[picks[i].LineID]; ok {
			picks[i].LineID = id
		}
	}
	return nil
}
