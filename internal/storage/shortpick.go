// Resolving a short pick (欠品): a supervisor reallocates the order, splits
// off what is missing, or puts the picked units back on their shelves.

package storage

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"gorm.io/gorm"
)

// putBack finishes a cancellation: units picked for the order go back to
// the stock rows (location and lot) they were taken from, reservations
// not yet picked are released, each with a ledger line, its open pick
// tasks are closed and the order is cancelled. Its allocations stay, at
// zero, so the page still shows where its goods were.
func putBack(tx *gorm.DB, o *soko.Order, c *soko.OrderCommand, now time.Time) error {
	if err := closeOpenTasks(tx, o.ID, now); err != nil {
		return err
	}
	allocs, err := orderAllocations(tx, o.ID)
	if err != nil {
		return err
	}
	for _, a := range allocs {
		if open := a.Quantity - a.Picked; open > 0 {
			if err := releaseUnits(tx, a, open, o.ID, c.StaffID, "put back", now); err != nil {
				return err
			}
		}
		if err := unpickUnits(tx, a, a.Picked, o.ID, c.StaffID, "put back", now); err != nil {
			return err
		}
	}
	return moveOrder(tx, o, soko.ActionPutBack, c, c.Note, now)
}

// unpickUnits puts n picked units of an allocation, whose open units are
// released, back on the books of the stock row they were taken from, with
// a ledger line, and takes them off the allocation.
func unpickUnits(tx *gorm.DB, a orderAllocation, n int, orderID, staffID int64, reason string, now time.Time) error {
	if n <= 0 {
		return nil
	}
	if err := tx.Exec(`UPDATE stock SET on_hand = on_hand + ? WHERE id = ?`, n, a.StockID).Error; err != nil {
		return err
	}
	if err := tx.Exec(`UPDATE allocations SET quantity = quantity - ?, picked = picked - ? WHERE id = ?`, n, n, a.ID).Error; err != nil {
		return err
	}
	return tx.Create(&stockMovementRow{StockID: a.StockID, Kind: string(soko.MoveReturn), OnHandDelta: n,
		StaffID: nullID(staffID), Reason: reason, DocumentType: "order", DocumentID: &orderID, CreatedAt: now}).Error
}

// orderAllocation is one allocation of an order with its stock row's product.
type orderAllocation struct {
	ID, OrderLineID, StockID, ProductID int64
	Quantity, Picked                    int
}

func orderAllocations(tx *gorm.DB, orderID int64) ([]orderAllocation, error) {
	var out []orderAllocation
	err := tx.Raw(`SELECT a.id, a.order_line_id, a.stock_id, s.product_id, a.quantity, a.picked
		FROM allocations a JOIN order_lines l ON l.id = a.order_line_id JOIN stock s ON s.id = a.stock_id
		WHERE l.order_id = ? ORDER BY a.id`, orderID).Scan(&out).Error
	return out, err
}

// releaseUnits gives n reserved, unpicked units of an allocation back to
// its stock row, with a ledger line, and takes them off the allocation.
func releaseUnits(tx *gorm.DB, a orderAllocation, n int, orderID, staffID int64, reason string, now time.Time) error {
	if err := tx.Exec(`UPDATE stock SET allocated = allocated - ? WHERE id = ?`, n, a.StockID).Error; err != nil {
		return err
	}
	if err := tx.Exec(`UPDATE allocations SET quantity = quantity - ? WHERE id = ?`, n, a.ID).Error; err != nil {
		return err
	}
	return tx.Create(&stockMovementRow{StockID: a.StockID, Kind: string(soko.MoveRelease), AllocatedDelta: -n,
		StaffID: nullID(staffID), Reason: reason, DocumentType: "order", DocumentID: &orderID, CreatedAt: now}).Error
}

// lineUnits sums each of the order's lines' allocations.
func lineUnits(tx *gorm.DB, o *soko.Order) (map[int64]soko.LineUnits, error) {
	var rows []struct {
		OrderLineID       int64
		Allocated, Picked int
	}
	err := tx.Raw(`SELECT a.order_line_id, SUM(a.quantity) AS allocated, SUM(a.picked) AS picked
		FROM allocations a JOIN order_lines l ON l.id = a.order_line_id WHERE l.order_id = ? GROUP BY a.order_line_id`, o.ID).Scan(&rows).Error
	out := make(map[int64]soko.LineUnits, len(rows))
	for _, r := range rows {
		out[r.OrderLineID] = soko.LineUnits{Allocated: r.Allocated, Picked: r.Picked}
	}
	return out, err
}

// reallocate reserves what a short or backordered order is missing now,
// all of it or nothing, keeping what it holds and what was picked. Shelves
// that wait for a count after a short pick are not trusted and not used.
// Its pick tasks still open are closed: the next wave picks everything
// that is left. Resolving a short is the same once the shelves the order
// came up short at have been counted, and refused before.
func (db *DB) reallocate(tx *gorm.DB, o *soko.Order, edge soko.OrderAction, c *soko.OrderCommand, rules soko.AllocationRules, now time.Time) error {
	if c.Action == soko.ActionResolveShort {
		var uncounted []string
		err := tx.Raw(`SELECT DISTINCT loc.code FROM pick_tasks t JOIN locations loc ON loc.id = t.location_id
			WHERE t.order_id = ? AND t.status = 'short'
			AND EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = t.location_id AND ct.done_at IS NULL)
			ORDER BY loc.code`, o.ID).Scan(&uncounted).Error
		if err != nil {
			return err
		}
		if err := soko.ShortShelvesCounted(uncounted); err != nil {
			return err
		}
	}
	have, err := lineUnits(tx, o)
	if err != nil {
		return err
	}
	want, err := o.Missing(have)
	if err != nil {
		return err
	}
	var picks []soko.Pick
	byStock := map[int64]*soko.Candidate{}
	if len(want.Lines) > 0 {
		cands, tracked, err := db.candidates(tx, []*soko.Order{want}, true)
		if err != nil {
			return err
		}
		var uncounted []int64
		if err := tx.Raw(`SELECT DISTINCT location_id FROM count_tasks WHERE done_at IS NULL`).Scan(&uncounted).Error; err != nil {
			return err
		}
		var trusted []soko.Candidate
		for _, cd := range cands {
			if !slices.Contains(uncounted, cd.LocationID) {
				trusted = append(trusted, cd)
			}
		}
		var short []soko.OrderLine
		picks, short = soko.PlanAllocation(want, tracked, trusted, now, soko.AllocationRules{ExpiryMargin: rules.ExpiryMargin})
		if len(short) > 0 {
			return notEnoughStock(tx, o, short)
		}
		for i := range trusted {
			byStock[trusted[i].StockID] = &trusted[i]
		}
		if err := reserveAndApply(tx, picks, now); err != nil {
			return err
		}
	}
	if err := closeOpenTasks(tx, o.ID, now); err != nil {
		return err
	}
	return moveOrder(tx, o, edge, c, c.Note, now)
}

// notEnoughStock names what a re-allocation could not find.
func notEnoughStock(tx *gorm.DB, o *soko.Order, short []soko.OrderLine) error {
	ids := make([]int64, len(short))
	for i, l := range short {
		ids[i] = l.ProductID
	}
	var ps []productRow
	if err := tx.Where("id IN ?", ids).Find(&ps).Error; err != nil {
		return err
	}
	sku := map[int64]string{}
	for _, p := range ps {
		sku[p.ID] = p.SKU
	}
	return soko.NotEnoughStock(o.Number, short, sku)
}

// splitOrder ships what was picked of a short order as the order itself,
// which goes on to picked, and moves what is missing to a new order of
// the same merchant numbered <number>-2 (-3, … when taken), which waits
// for stock as backordered. Reservations not yet picked are released and
// the order's open pick tasks closed; a line picked in part is cut to what
// was picked, a line not picked at all moves to the new order whole.
func splitOrder(tx *gorm.DB, o *soko.Order, c *soko.OrderCommand, res *soko.OrderCommandResult, now time.Time) error {
	if err := closeOpenTasks(tx, o.ID, now); err != nil {
		return err
	}
	allocs, err := orderAllocations(tx, o.ID)
	if err != nil {
		return err
	}
	picked := map[int64]int{}
	total := 0
	for _, a := range allocs {
		picked[a.OrderLineID] += a.Picked
		total += a.Picked
		if open := a.Quantity - a.Picked; open > 0 {
			if err := releaseUnits(tx, a, open, o.ID, c.StaffID, "split", now); err != nil {
				return err
			}
		}
	}
	if err := o.Splittable(total); err != nil {
		return err
	}
	number, err := freeSplitNumber(tx, o)
	if err != nil {
		return err
	}
	rest := *o
	rest.ID, rest.Number, rest.Status, rest.HeldFrom = 0, number, soko.OrderBackordered, ""
	rest.HoldReason, rest.HoldNote = "", ""
	rest.ConsolidatedInto = 0 // the missing units follow in a parcel of their own
	rest.CreatedAt, rest.UpdatedAt, rest.Lines = now, now, nil
	row := orderToRow(&rest)
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	rest.ID = row.ID
	var unpicked []string
	for _, l := range o.Lines {
		if l.SetLineID != 0 {
			continue // a set's component goes where its set goes
		}
		if l.IsSet {
			back, err := splitSet(tx, o, l, rest.ID, picked, allocs, c.StaffID, now)
			if err != nil {
				return err
			}
			unpicked = append(unpicked, back...)
			continue
		}
		switch p := picked[l.ID]; {
		case p == l.Quantity:
		case p == 0:
			if err := tx.Exec(`UPDATE order_lines SET order_id = ? WHERE id = ?`, rest.ID, l.ID).Error; err != nil {
				return err
			}
		default:
			if err := tx.Exec(`UPDATE order_lines SET quantity = ? WHERE id = ?`, p, l.ID).Error; err != nil {
				return err
			}
			if err := tx.Create(&orderLineRow{OrderID: rest.ID, ProductID: l.ProductID, Quantity: l.Quantity - p,
				UnitPrice: l.UnitPrice, TaxRate: l.TaxRate}).Error; err != nil {
				return err
			}
		}
	}
	if err := recordEvent(tx, &rest, soko.OrderEvent{Action: soko.ActionSplit, To: rest.Status, StaffID: c.StaffID, Device: c.Device,
		Detail: joinDetail(fmt.Sprintf("%s から分割 / split from %s", o.Number, o.Number), c.Note)}, now); err != nil {
		return err
	}
	res.NewOrderID, res.NewOrderNumber = rest.ID, rest.Number
	detail := fmt.Sprintf("欠品分は %s へ / missing units follow as %s", number, number)
	if len(unpicked) > 0 {
		what := strings.Join(unpicked, ", ")
		detail += fmt.Sprintf("。揃わないセットの構成品 %s はトートから出して棚へ戻す / take %s of incomplete sets out of the tote, back to their shelves", what, what)
	}
	return moveOrder(tx, o, soko.ActionSplit, c, joinDetail(detail, c.Note), now)
}

// splitSet keeps in o the whole sets picked of set line set and moves the
// others to order restID, as a set line with its component lines: a set
// never ships without its components nor they without it. A set's kits
// (集合包装, a line of the set's own product under it) make whole sets
// alone; its components make them together. Components picked beyond the
// whole sets go back on the books of the shelves they came from (the
// returned "SKU × n" say which, for the event), so the order ships
// exactly its sets; kits not yet picked follow the rest.
func splitSet(tx *gorm.DB, o *soko.Order, set soko.OrderLine, restID int64, picked map[int64]int, allocs []orderAllocation, staffID int64, now time.Time) ([]string, error) {
	comps, err := componentsOf(tx, []int64{set.ProductID})
	if err != nil {
		return nil, err
	}
	per, sku := map[int64]int{}, map[int64]string{}
	for _, c := range comps[set.ProductID] {
		per[c.ProductID], sku[c.ProductID] = c.Quantity, c.SKU
	}
	children := o.SetComponents(set)
	kitQty, kitPicked, compSets, hasComps := 0, 0, set.Quantity, false
	for _, c := range children {
		if c.ProductID == set.ProductID {
			kitQty, kitPicked = c.Quantity, picked[c.ID]
		}
	}
	perSet := func(c soko.OrderLine) int {
		if q := per[c.ProductID]; q > 0 {
			return q
		}
		return max(1, c.Quantity/max(1, set.Quantity-kitQty)) // the set changed since the order came in
	}
	for _, c := range children {
		if c.ProductID != set.ProductID {
			hasComps = true
			compSets = min(compSets, picked[c.ID]/perSet(c))
		}
	}
	if !hasComps {
		compSets = 0
	}
	whole := min(set.Quantity, kitPicked+compSets)
	if whole == set.Quantity {
		return nil, nil
	}
	kitKeep := min(kitPicked, whole)
	restKits := min(kitQty-kitKeep, set.Quantity-whole)
	keep := func(c soko.OrderLine) int {
		if c.ProductID == set.ProductID {
			return kitKeep
		}
		return perSet(c) * (whole - kitKeep)
	}
	rest := func(c soko.OrderLine) int {
		if c.ProductID == set.ProductID {
			return restKits
		}
		return perSet(c) * (set.Quantity - whole - restKits)
	}
	var back []string
	for _, c := range children {
		extra := picked[c.ID] - keep(c)
		if extra > 0 {
			back = append(back, fmt.Sprintf("%s × %d", sku[c.ProductID], extra))
		}
		for _, a := range allocs {
			if a.OrderLineID != c.ID || extra == 0 {
				continue
			}
			n := min(extra, a.Picked)
			if err := unpickUnits(tx, a, n, o.ID, staffID, "split: incomplete set", now); err != nil {
				return nil, err
			}
			extra -= n
		}
	}
	if whole == 0 {
		return back, tx.Exec(`UPDATE order_lines SET order_id = ? WHERE id = ? OR set_line_id = ?`, restID, set.ID, set.ID).Error
	}
	if err := tx.Exec(`UPDATE order_lines SET quantity = ? WHERE id = ?`, whole, set.ID).Error; err != nil {
		return nil, err
	}
	restSet := orderLineRow{OrderID: restID, ProductID: set.ProductID, Quantity: set.Quantity - whole, UnitPrice: set.UnitPrice, TaxRate: set.TaxRate, IsSet: true}
	if err := tx.Create(&restSet).Error; err != nil {
		return nil, err
	}
	for _, c := range children {
		k, r := keep(c), rest(c)
		if k == 0 {
			// Nothing of it ships now: the line itself follows the rest.
			if err := tx.Exec(`UPDATE order_lines SET order_id = ?, set_line_id = ?, quantity = ? WHERE id = ?`, restID, restSet.ID, r, c.ID).Error; err != nil {
				return nil, err
			}
			continue
		}
		if err := tx.Exec(`UPDATE order_lines SET quantity = ? WHERE id = ?`, k, c.ID).Error; err != nil {
			return nil, err
		}
		if r > 0 {
			if err := tx.Create(&orderLineRow{OrderID: restID, ProductID: c.ProductID, Quantity: r, TaxRate: c.TaxRate, SetLineID: &restSet.ID}).Error; err != nil {
				return nil, err
			}
		}
	}
	return back, nil
}

// freeSplitNumber is the first of <number>-2, <number>-3, … the merchant
// has no order with.
func freeSplitNumber(tx *gorm.DB, o *soko.Order) (string, error) {
	var taken []string
	if err := tx.Table("orders").Where("merchant_id = ? AND number LIKE ? ESCAPE '\\'", o.MerchantID, likePattern(o.Number)+"-%").
		Pluck("number", &taken).Error; err != nil {
		return "", err
	}
	for k := 2; ; k++ {
		if n := fmt.Sprintf("%s-%d", o.Number, k); !slices.Contains(taken, n) {
			return n, nil
		}
	}
}
