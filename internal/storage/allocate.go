package storage

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type allocationRow struct {
	ID          int64
	OrderLineID int64
	StockID     int64
	Quantity    int
	Picked      int
}

func (allocationRow) TableName() string { return "allocations" }

// AllocateOrder reserves stock for one order that waits for it (received or
// backordered, or on hold from one of those) and returns the status it ends
// in: allocated, or backordered when the stock is not there, or on hold
// still, its stock reserved (a held order keeps its stock but is not
// picked). Orders in other statuses are left alone.
func (db *DB) AllocateOrder(ctx context.Context, orderID int64, rules soko.AllocationRules) (soko.OrderStatus, error) {
	var status soko.OrderStatus
	err := db.transact(ctx, func(tx *gorm.DB) error {
		st, err := db.allocate(tx, []int64{orderID}, rules, db.now())
		status = st[orderID]
		return err
	})
	return status, err
}

// CreateAndAllocateOrder writes new order o, whose lines name products by
// SKU, as CreateOrder does, and allocates it, as AllocateOrder does, in
// one transaction, and returns it as FindOrder reads it after. An order
// whose stock another of the process's transactions is reserving is left
// received for the allocation worker (busyStock).
//
// An order of plain lines that arrives received is planned before it is
// written, and written with the status its plan gives: its row is
// written once, not received and then again (on PostgreSQL, each time an
// entry in every index of orders). A set's kits and a held order's hold
// are planned from the written order, so those are written, then
// allocated. Either way the order is answered from what the transaction
// wrote, not read back, unless it has sets.
func (db *DB) CreateAndAllocateOrder(ctx context.Context, o *soko.Order, rules soko.AllocationRules) (*soko.Order, error) {
	// A transaction run again (a deadlock, stock taken meanwhile, a
	// SQLite group aborted by another's failure) starts from the order as
	// sent, not as the failed run left it (its id, times and lines).
	sent := *o
	sent.Status, sent.Lines = cmp.Or(o.Status, soko.OrderReceived), slices.Clone(o.Lines)
	now := db.now()
	var answer *soko.Order
	err := db.transact(ctx, func(tx *gorm.DB) error {
		*o, answer = sent, nil
		o.Lines = slices.Clone(sent.Lines)
		if err := resolveProducts(tx, o); err != nil {
			return err
		}
		sets, err := componentsOf(tx, productsOf([]*soko.Order{o}))
		if err != nil {
			return err
		}
		if o.Status == soko.OrderReceived && len(sets) == 0 {
			answer, err = db.createPlanned(tx, o, rules, now)
			return err
		}
		if err := createOrder(tx, o, now); err != nil {
			return err
		}
		notes := notesIn(tx)
		notes.orderWritten(o)
		known := notes.wasCreated(o.ID) && len(sets) == 0
		run, err := db.allocateRun(tx, []int64{o.ID}, rules, now, true)
		if err != nil || !known {
			return err
		}
		answer = allocatedAnswer(o, run, now)
		return nil
	})
	if err != nil || answer != nil {
		return answer, err
	}
	return db.FindOrder(ctx, o.MerchantID, o.Number)
}

// createPlanned is CreateAndAllocateOrder for an order of plain lines that
// arrives received, whose products are resolved. It plans the allocation
// of a copy of o whose lines are named by their places (-1, -2, …: they
// have no ids yet), writes o with the status the plan gives, and then the
// plan, its units' lines named by their ids.
func (db *DB) createPlanned(tx *gorm.DB, o *soko.Order, rules soko.AllocationRules, now time.Time) (*soko.Order, error) {
	p := *o
	p.ID, p.Lines = 0, slices.Clone(o.Lines)
	for i := range p.Lines {
		p.Lines[i].ID = -int64(i + 1)
	}
	run := &allocationRun{status: map[int64]soko.OrderStatus{}}
	plan, err := db.planAllocations(tx, run, []*soko.Order{&p}, map[int64]bool{0: true}, nil, rules, now, true)
	if err != nil {
		return nil, err
	}
	o.Status = run.status[0]
	if err := insertOrder(tx, o, now); err != nil {
		return nil, err
	}
	if err := recordCreated(tx, o, soko.OrderReceived, now); err != nil {
		return nil, err
	}
	if plan == nil {
		return allocatedAnswer(o, run, now), nil
	}
	p = *o // the plan's order, as written: its events and allocations name its id and its lines'
	for i := range plan.picks {
		plan.picks[i].LineID = o.Lines[-plan.picks[i].LineID-1].ID
	}
	if err := plan.apply(tx, now); err != nil {
		return nil, err
	}
	return allocatedAnswer(o, run, now), nil
}

// allocatedAnswer is new order o as it reads back after run allocated it:
// its status, when it moved then, and each line's reserved units.
func allocatedAnswer(o *soko.Order, run *allocationRun, now time.Time) *soko.Order {
	a := orderToRow(o).order()
	if p := run.planned[o.ID]; p != nil && (p.Status != a.Status || p.HeldFrom != a.HeldFrom) {
		a.Status, a.HeldFrom, a.UpdatedAt = p.Status, p.HeldFrom, now
	}
	units := map[int64]int{}
	for _, p := range run.picks {
		units[p.LineID] += p.Quantity
	}
	a.Lines = slices.Clone(o.Lines)
	for i := range a.Lines {
		a.Lines[i].Allocated, a.Lines[i].Picked = units[a.Lines[i].ID], 0
	}
	a.TrackingNumbers = nil
	return a
}

// waiting are the statuses of an order that waits for stock; an order on
// hold from one of them waits too.
var waiting = []string{string(soko.OrderReceived), string(soko.OrderBackordered)}

// AllocateWaiting tries every order waiting for stock, highest priority and
// oldest first, a batch of orders per transaction, and returns how many it
// allocated. Several soko processes may run it at once: the orders and
// their stock are locked while a batch is planned, and an order found
// allocated already is skipped.
func (db *DB) AllocateWaiting(ctx context.Context, rules soko.AllocationRules) (allocated int, err error) {
	return db.allocateWaiting(ctx, rules, waiting)
}

// AllocateReceived is AllocateWaiting for the orders never tried yet, those
// intake left received (busyStock): backorders, which may be many, are
// tried again only when stock arrives.
func (db *DB) AllocateReceived(ctx context.Context, rules soko.AllocationRules) (allocated int, err error) {
	return db.allocateWaiting(ctx, rules, []string{string(soko.OrderReceived)})
}

// allocateWaiting is AllocateWaiting for the orders in one of statuses,
// or on hold from one.
func (db *DB) allocateWaiting(ctx context.Context, rules soko.AllocationRules, statuses []string) (allocated int, err error) {
	ctx = runAlone(ctx)
	const batch = 200
	afterPriority, afterID := 1<<30, int64(0)
	for {
		var page []struct {
			ID       int64
			Priority int
		}
		err := db.conn(ctx).Table("orders").Select("id, priority").
			// A held order whose stock was put back on sale waits for its release.
			Where("status IN ? OR (status = ? AND held_from IN ? AND hold_stock_freed = ?)", statuses, string(soko.OrderOnHold), statuses, false).
			Where("priority < ? OR (priority = ? AND id > ?)", afterPriority, afterPriority, afterID).
			Order("priority DESC, id").Limit(batch).Scan(&page).Error
		if err != nil {
			return allocated, translate(err)
		}
		if len(page) == 0 {
			return allocated, nil
		}
		ids := make([]int64, len(page))
		for i, o := range page {
			ids[i] = o.ID
		}
		err = db.transact(ctx, func(tx *gorm.DB) error {
			st, err := db.allocate(tx, ids, rules, db.now())
			for _, s := range st {
				if s == soko.OrderAllocated {
					allocated++
				}
			}
			return err
		})
		if err != nil {
			return allocated, err
		}
		last := page[len(page)-1]
		afterPriority, afterID = last.Priority, last.ID
	}
}

// allocate plans and applies the allocation of the orders with ids (in the
// order given: the first gets stock first) inside tx, in a few statements
// per batch rather than per order, and returns the status each ends in.
func (db *DB) allocate(tx *gorm.DB, ids []int64, rules soko.AllocationRules, now time.Time) (map[int64]soko.OrderStatus, error) {
	run, err := db.allocateRun(tx, ids, rules, now, false)
	if err != nil {
		return nil, err
	}
	return run.status, nil
}

// allocationRun is what allocate did: the status each order ends in, the
// orders it planned as they end, and the units it reserved.
type allocationRun struct {
	status  map[int64]soko.OrderStatus
	planned map[int64]*soko.Order
	picks   []soko.Pick
}

// allocateRun is allocate, telling all it did. At intake (new orders),
// orders whose stock another transaction is reserving are left received
// (busyStock).
func (db *DB) allocateRun(tx *gorm.DB, ids []int64, rules soko.AllocationRules, now time.Time, intake bool) (*allocationRun, error) {
	run := &allocationRun{status: map[int64]soko.OrderStatus{}}
	read, created, err := db.ordersToAllocate(tx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*soko.Order{}
	held := map[int64]bool{} // on hold: planned from where the hold began, and left held
	for _, o := range read {
		run.status[o.ID] = o.Status
		if o.Status == soko.OrderOnHold && (o.HeldFrom == soko.OrderReceived || o.HeldFrom == soko.OrderBackordered) {
			held[o.ID], o.Status = true, o.HeldFrom
		}
		if o.Status == soko.OrderReceived || o.Status == soko.OrderBackordered {
			byID[o.ID] = o
		}
	}
	var orders []*soko.Order
	for _, id := range ids {
		if o := byID[id]; o != nil {
			orders = append(orders, o)
		}
	}
	if len(orders) == 0 {
		return run, nil
	}
	if err := loadLinesTx(tx, slices.DeleteFunc(slices.Clone(orders), func(o *soko.Order) bool { return created[o.ID] })); err != nil {
		return nil, err
	}
	plan, err := db.planAllocations(tx, run, orders, created, held, rules, now, intake)
	if err != nil || plan == nil {
		return run, err
	}
	if err := plan.moveStatuses(tx, now); err != nil {
		return nil, err
	}
	return run, plan.apply(tx, now)
}

// allocationPlan is what planAllocations decided for orders and has not
// written yet: the units each takes, the moves of their statuses and
// their events.
type allocationPlan struct {
	run                          *allocationRun
	orders                       []*soko.Order
	held                         map[int64]bool
	late                         bool
	picks                        []soko.Pick
	events                       []orderEvent
	allocatedIDs, backorderedIDs []int64
}

// planAllocations plans the allocation of orders, whose lines are known,
// into run's statuses; created are those the transaction wrote, held
// those on hold. It writes only a set's kits. It returns nil when the
// orders are left received, their stock being reserved by another
// transaction (busyStock).
func (db *DB) planAllocations(tx *gorm.DB, run *allocationRun, orders []*soko.Order, created, held map[int64]bool,
	rules soko.AllocationRules, now time.Time, intake bool) (*allocationPlan, error) {
	status := run.status
	late := db.reservesLate(tx, orders, created)
	if !late && !db.busy.claim(notesIn(tx), productsOf(orders), !intake) {
		run.leftReceived(notesIn(tx), orders, held)
		return nil, nil
	}
	candidates, tracked, err := db.candidates(tx, orders, !late)
	if err != nil {
		return nil, err
	}
	byProduct := map[int64][]*soko.Candidate{}
	byStock := map[int64]*soko.Candidate{}
	productOf := map[int64]int64{}
	for i := range candidates {
		c := &candidates[i]
		byProduct[c.ProductID] = append(byProduct[c.ProductID], c)
		byStock[c.StockID], productOf[c.StockID] = c, c.ProductID
	}
	noteStockProducts(tx, productOf)

	book, err := kitsFirst(tx, orders, byProduct)
	if err != nil {
		return nil, err
	}

	plan := &allocationPlan{run: run, orders: orders, held: held, late: late}
	for _, o := range orders {
		// A set takes its kits first, its components only for the rest.
		kits := book.plan(o, byProduct)
		stored := o.Lines
		if kits != nil {
			o.Lines = kits.lines
		}
		var mine []soko.Candidate
		seen := map[int64]bool{}
		for _, l := range o.Lines {
			if !seen[l.ProductID] {
				seen[l.ProductID] = true
				for _, c := range byProduct[l.ProductID] {
					mine = append(mine, *c)
				}
			}
		}
		planned, short := soko.PlanAllocation(o, tracked, mine, now, rules)
		from := o.Status
		if len(planned) == 0 || (len(short) > 0 && !rules.AllowPartial) {
			o.Lines = stored
			if o.Status == soko.OrderReceived {
				if err := o.Apply(soko.ActionBackorder); err != nil {
					return nil, err
				}
				plan.backorderedIDs = append(plan.backorderedIDs, o.ID)
				plan.events = append(plan.events, orderEvent{o, soko.OrderEvent{Action: soko.ActionBackorder, From: from, To: o.Status}})
			}
			status[o.ID] = o.Status
			continue
		}
		if kits != nil {
			if err := kits.store(tx, planned); err != nil {
				return nil, err
			}
		}
		for _, p := range planned {
			byStock[p.StockID].Available -= p.Quantity
		}
		plan.picks = append(plan.picks, planned...)
		if err := o.Apply(soko.ActionAllocate); err != nil {
			return nil, err
		}
		plan.allocatedIDs = append(plan.allocatedIDs, o.ID)
		plan.events = append(plan.events, orderEvent{o, soko.OrderEvent{Action: soko.ActionAllocate, From: from, To: o.Status}})
		status[o.ID] = o.Status
	}
	// A held order keeps its hold: its stock is reserved, and it waits for
	// its release to be picked.
	for _, o := range orders {
		if held[o.ID] {
			o.HeldFrom, o.Status = o.Status, soko.OrderOnHold
			status[o.ID] = o.Status
		}
	}
	for i := range plan.events {
		if held[plan.events[i].order.ID] {
			// Its status stays on_hold: no webhook, the history says why.
			plan.events[i].From, plan.events[i].To = soko.OrderOnHold, soko.OrderOnHold
			plan.events[i].Detail = "on hold: stock reserved, not picked until released"
		}
	}
	if late {
		reserving := map[int64]bool{}
		for _, p := range plan.picks {
			reserving[productOf[p.StockID]] = true
		}
		if !db.busy.claim(notesIn(tx), keys(reserving), false) {
			run.leftReceived(notesIn(tx), orders, held)
			return nil, nil
		}
	}
	return plan, nil
}

// apply writes the plan but the orders' new statuses (moveStatuses; a new
// order written with its planned status needs none): it reserves the
// units (late: just before the commit), writes the allocations and
// records the events.
func (plan *allocationPlan) apply(tx *gorm.DB, now time.Time) error {
	if plan.late {
		n := notesIn(tx)
		n.reserveAtCommit = append(n.reserveAtCommit, plan.picks...)
	} else if err := reserveStock(tx, plan.picks); err != nil {
		return err
	}
	if err := applyOrderPicks(tx, plan.picks, plan.orders, now); err != nil {
		return err
	}
	plan.run.planned, _ = index(plan.orders, func(o *soko.Order) int64 { return o.ID })
	plan.run.picks = plan.picks
	return recordEvents(tx, plan.events, now)
}

// moveStatuses writes the planned orders' new statuses (for a held
// order, the status its hold will end in).
func (plan *allocationPlan) moveStatuses(tx *gorm.DB, now time.Time) error {
	for st, group := range map[soko.OrderStatus][]int64{soko.OrderAllocated: plan.allocatedIDs, soko.OrderBackordered: plan.backorderedIDs} {
		free, onHold := splitHeld(group, plan.held)
		if len(free) > 0 {
			if err := tx.Model(&orderRow{}).Where("id IN ?", free).Updates(map[string]any{"status": string(st), "updated_at": now}).Error; err != nil {
				return err
			}
		}
		if len(onHold) > 0 {
			if err := tx.Model(&orderRow{}).Where("id IN ?", onHold).Updates(map[string]any{"held_from": string(st), "updated_at": now}).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// ordersToAllocate reads, and locks, the orders with ids. An order this
// transaction created (CreateOrder, orderWritten) is taken as it was written, lines
// included, and not read: nobody else sees it before the commit. created
// lists those, whose lines are known.
func (db *DB) ordersToAllocate(tx *gorm.DB, ids []int64) (orders []*soko.Order, created map[int64]bool, err error) {
	created = map[int64]bool{}
	var unread []int64
	notes := notesIn(tx)
	for _, id := range ids {
		if o := notes.takeCreated(id); o != nil {
			orders, created[id] = append(orders, o), true
		} else {
			unread = append(unread, id)
		}
	}
	if len(unread) == 0 {
		return orders, created, nil
	}
	var rows []orderRow
	if err := lockForUpdate(tx, db.dialect).Where("id IN ?", unread).Order("id").Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		orders = append(orders, r.order())
	}
	return orders, created, nil
}

// wasCreated reports whether the order was written (orderWritten) in the
// transaction (nil notes: no).
func (n *txNotes) wasCreated(id int64) bool {
	if n == nil {
		return false
	}
	_, ok := n.created[id]
	return ok
}

// takeCreated returns, once, the order written (orderWritten) with id in the
// transaction, or nil (nil notes: nil).
func (n *txNotes) takeCreated(id int64) *soko.Order {
	if n == nil {
		return nil
	}
	o := n.created[id]
	delete(n.created, id)
	return o
}

// splitHeld parts ids into the orders not on hold and those on hold.
func splitHeld(ids []int64, held map[int64]bool) (free, onHold []int64) {
	for _, id := range ids {
		if held[id] {
			onHold = append(onHold, id)
		} else {
			free = append(free, id)
		}
	}
	return free, onHold
}

// reservesLate reports whether the allocation of orders reads its stock
// without locking it and reserves it just before the commit
// (reserveAtCommit): on PostgreSQL, when the transaction created every
// order, has no set among them, and runs for the first time. A new order
// asks for the stock every other new order asks for (a sale day's one
// item), and its stock rows' locks are then held for the last few
// statements instead of from the plan on. A plan whose stock was taken
// meanwhile fails the reservation, and the transaction runs again
// (errStockRaced), then locking as it reads. Read unlocked, units being
// put away as the order arrives may not be seen: the order then waits
// (backordered) for the next allocation run instead of for the put-away's
// commit.
func (db *DB) reservesLate(tx *gorm.DB, orders []*soko.Order, created map[int64]bool) bool {
	n := notesIn(tx)
	if db.dialect != Postgres || n == nil || n.attempt > 0 {
		return false
	}
	for _, o := range orders {
		if !created[o.ID] || slices.ContainsFunc(o.Lines, func(l soko.OrderLine) bool { return l.IsSet }) {
			return false
		}
	}
	return true
}

// leftReceived ends a run at intake that found the orders' stock being
// reserved by another transaction: the new orders stay as they came
// (received, or on hold from received) for the allocation worker, which
// the transaction's commit tells (busyStock).
func (run *allocationRun) leftReceived(n *txNotes, orders []*soko.Order, held map[int64]bool) {
	n.deferred = true
	for _, o := range orders {
		run.status[o.ID] = soko.OrderReceived
		if held[o.ID] {
			run.status[o.ID] = soko.OrderOnHold
		}
	}
}

// productsOf lists the products the orders' lines ask for, each once.
func productsOf(orders []*soko.Order) []int64 {
	seen := map[int64]bool{}
	for _, o := range orders {
		for _, l := range o.Lines {
			seen[l.ProductID] = true
		}
	}
	return keys(seen)
}

// errStockRaced: a stock row read unlocked had fewer free units at the
// commit than the plan took, as another transaction took them; the
// transaction runs again (retryable).
var errStockRaced = errors.New("stock taken by another transaction while allocating")

// reserveAndApply reserves the planned units (reserveStock) and records
// them (applyOrderPicks).
func reserveAndApply(tx *gorm.DB, picks []soko.Pick, now time.Time) error {
	if err := reserveStock(tx, picks); err != nil {
		return err
	}
	return applyOrderPicks(tx, picks, nil, now)
}

// applyOrderPicks writes the allocations of the planned units and their
// ledger lines, in bulk; their stock is reserved apart (reserveStock).
// orders, when known, spare the look-up of the lines' orders.
func applyOrderPicks(tx *gorm.DB, picks []soko.Pick, orders []*soko.Order, now time.Time) error {
	if len(picks) == 0 {
		return nil
	}
	allocs := make([]allocationRow, len(picks))
	moves := make([]stockMovementRow, len(picks))
	orderOf, err := ordersOfLines(tx, picks, orders)
	if err != nil {
		return err
	}
	for i, p := range picks {
		allocs[i] = allocationRow{OrderLineID: p.LineID, StockID: p.StockID, Quantity: p.Quantity}
		doc := orderOf[p.LineID]
		moves[i] = stockMovementRow{StockID: p.StockID, Kind: string(soko.MoveAllocate), AllocatedDelta: p.Quantity,
			Reason: "allocate", DocumentType: "order", DocumentID: &doc, CreatedAt: now}
	}
	if tx.Dialector.Name() == Postgres {
		return insertAllocations(tx, allocs, moves)
	}
	if err := tx.CreateInBatches(&allocs, 500).Error; err != nil {
		return err
	}
	return tx.CreateInBatches(&moves, 500).Error
}

// insertAllocations writes allocations and their ledger lines (moves[i]
// is allocs[i]'s) on PostgreSQL, 500 of each in one statement (a
// data-modifying WITH): one round trip instead of two. The ledger lines
// are noted for the stock feed as gorm's inserts are (noteRawMovement).
// What applyOrderPicks makes is written: nothing picked yet, and lines
// that reserve units without moving any, by no one's scan.
func insertAllocations(tx *gorm.DB, allocs []allocationRow, moves []stockMovementRow) error {
	for start := 0; start < len(allocs); start += 500 {
		end := min(start+500, len(allocs))
		var a, m strings.Builder
		var aArgs, mArgs []any
		for i := start; i < end; i++ {
			if i > start {
				a.WriteString(", ")
				m.WriteString(", ")
			}
			a.WriteString("(?, ?, ?, 0)")
			m.WriteString("(?, ?, 0, ?, ?, ?, ?, ?)")
			mv := moves[i]
			aArgs = append(aArgs, allocs[i].OrderLineID, allocs[i].StockID, allocs[i].Quantity)
			mArgs = append(mArgs, mv.StockID, mv.Kind, mv.AllocatedDelta, mv.Reason, mv.DocumentType, mv.DocumentID, mv.CreatedAt)
		}
		err := tx.Exec(`WITH a AS (INSERT INTO allocations (order_line_id, stock_id, quantity, picked) VALUES `+a.String()+`)
			INSERT INTO stock_movements (stock_id, kind, on_hand_delta, allocated_delta, reason, document_type, document_id, created_at) VALUES `+m.String(),
			append(aArgs, mArgs...)...).Error
		if err != nil {
			return err
		}
		for _, mv := range moves[start:end] {
			if err := noteRawMovement(tx, mv); err != nil {
				return err
			}
		}
	}
	return nil
}

// reserveStockBatch is how many stock rows one reserving statement
// updates (five arguments a row): a long list's statement is not kept
// prepared (stmtCache), and an allocation run of hundreds of backorders
// stays a few statements.
const reserveStockBatch = 100

// reserveStock adds the picks' units to their stock rows' allocated, a
// hundred rows a statement, each only if its free units cover them: one
// conditional update, so the database refuses to oversell even if a plan
// were wrong (ECONFLICT).
func reserveStock(tx *gorm.DB, picks []soko.Pick) error {
	perStock, ids := unitsByStock(picks)
	for batch := range slices.Chunk(ids, reserveStockBatch) {
		sql, args := reserveStatement(tx.Dialector.Name(), batch, perStock)
		res := tx.Exec(sql, args...)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != int64(len(batch)) {
			return stockRowsChanged(batch)
		}
	}
	return nil
}

// unitsByStock sums the picks' units by stock row, and lists the rows in
// id order, as candidates locks them: two reservations never deadlock.
func unitsByStock(picks []soko.Pick) (map[int64]int, []int64) {
	perStock := map[int64]int{}
	for _, p := range picks {
		perStock[p.StockID] += p.Quantity
	}
	return perStock, slices.Sorted(maps.Keys(perStock))
}

// reserveStatement is the UPDATE that reserves perStock's units of the
// stock rows batch, each only if the row has them free: it changes fewer
// rows than batch when one has not (stockRowsChanged).
func reserveStatement(dialect string, batch []int64, perStock map[int64]int) (string, []any) {
	// On PostgreSQL the rows are locked in id order first: updated
	// rows move in the table, so two reservations scanning it would
	// take them in different orders and deadlock. A row another
	// transaction changed meanwhile is then updated and checked as it
	// stands (READ COMMITTED re-reads the updated table's row).
	var units strings.Builder
	var unitArgs []any
	units.WriteString("CASE id")
	for _, id := range batch {
		units.WriteString(" WHEN ? THEN CAST(? AS INTEGER)")
		unitArgs = append(unitArgs, id, perStock[id])
	}
	units.WriteString(" END")
	rows := "?"
	if dialect == Postgres {
		rows = "(SELECT id FROM stock WHERE id IN ? ORDER BY id FOR NO KEY UPDATE)"
	}
	return `UPDATE stock SET allocated = allocated + ` + units.String() + `
		WHERE id IN ` + rows + ` AND on_hand - allocated >= ` + units.String(), slices.Concat(unitArgs, []any{batch}, unitArgs)
}

// stockRowsChanged is a reservation that found the rows of batch short
// of the units it planned from them: a race when the plan read them
// unlocked (writePending runs the transaction again), a bug when it had
// locked them.
func stockRowsChanged(batch []int64) error {
	return soko.Errorf(soko.ECONFLICT, "stock rows %v changed while allocating", batch)
}

// ordersOfLines maps order line ids to their orders' ids: from the
// orders' lines, and from the database for a line they do not list.
func ordersOfLines(tx *gorm.DB, picks []soko.Pick, orders []*soko.Order) (map[int64]int64, error) {
	out := map[int64]int64{}
	for _, o := range orders {
		for _, l := range o.Lines {
			out[l.ID] = o.ID
		}
	}
	var ids []int64
	for _, p := range picks {
		if _, ok := out[p.LineID]; !ok {
			ids = append(ids, p.LineID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []orderLineRow
	if err := tx.Select("id, order_id").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.OrderID
	}
	return out, nil
}

// candidates reads the stock rows that could serve the orders' lines:
// not on a shelf waiting to be counted after a short pick, whose books
// are not to be trusted until then. With lock, on PostgreSQL, it locks
// them in id order (so two allocators never deadlock) as an update does
// (FOR NO KEY UPDATE): a transaction that wrote allocations of a row holds
// the share lock of their foreign key on it, which FOR UPDATE would wait
// for, and that transaction then waits to reserve the row (reservesLate).
func (db *DB) candidates(tx *gorm.DB, orders []*soko.Order, lock bool) ([]soko.Candidate, map[int64]bool, error) {
	ids := productsOf(orders)
	// Whether a product's expiry is tracked comes with its stock rows: it
	// orders only them.
	q := `SELECT stock.id AS stock_id, stock.product_id, stock.location_id, locations.kind AS location_kind,
		locations.walk_sequence, stock.lot, stock.expiry, stock.on_hand - stock.allocated AS available, products.track_expiry
		FROM stock JOIN locations ON locations.id = stock.location_id JOIN products ON products.id = stock.product_id
		WHERE stock.product_id IN ? AND locations.kind IN ('pick', 'reserve')
		AND NOT EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = stock.location_id AND ct.done_at IS NULL)
		ORDER BY stock.id`
	if db.dialect == Postgres && lock {
		q += ` FOR NO KEY UPDATE OF stock`
	}
	var rows []struct {
		StockID      int64
		ProductID    int64
		LocationID   int64
		LocationKind string
		WalkSequence int
		Lot          string
		Expiry       *time.Time
		Available    int
		TrackExpiry  bool
	}
	if err := tx.Raw(q, ids).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	cs := make([]soko.Candidate, len(rows))
	tracked := map[int64]bool{}
	for i, r := range rows {
		cs[i] = soko.Candidate{StockID: r.StockID, ProductID: r.ProductID, LocationID: r.LocationID,
			LocationKind: soko.LocationKind(r.LocationKind), WalkSequence: r.WalkSequence, Lot: r.Lot,
			Expiry: fromNull(r.Expiry), Available: r.Available}
		if r.TrackExpiry {
			tracked[r.ProductID] = true
		}
	}
	return cs, tracked, nil
}

// loadLinesTx reads orders' lines inside a transaction.
func loadLinesTx(tx *gorm.DB, orders []*soko.Order) error {
	if len(orders) == 0 {
		return nil
	}
	byID, ids := index(orders, func(o *soko.Order) int64 { return o.ID })
	for _, o := range orders {
		o.Lines = o.Lines[:0]
	}
	var lines []orderLineRow
	if err := tx.Where("order_id IN ?", ids).Order("id").Find(&lines).Error; err != nil {
		return err
	}
	for _, l := range lines {
		o := byID[l.OrderID]
		o.Lines = append(o.Lines, soko.OrderLine{ID: l.ID, OrderID: l.OrderID, ProductID: l.ProductID, Quantity: l.Quantity, Inspected: l.Inspected, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate,
			IsSet: l.IsSet, SetLineID: deref(l.SetLineID)})
	}
	return nil
}

// setStatus writes an order's new status with its event and notification.
func setStatus(tx *gorm.DB, o *soko.Order, action soko.OrderAction, from soko.OrderStatus, detail string, now time.Time) error {
	if err := moveStatus(tx, o, from, now); err != nil {
		return err
	}
	return recordEvent(tx, o, soko.OrderEvent{Action: action, From: from, To: o.Status, Detail: detail}, now)
}

// releaseOrderStock gives back an order's reserved, unpicked units, with a
// ledger line each. Stock rows are updated in id order, the order a
// reservation locks them in, so the two do not deadlock each other.
func releaseOrderStock(tx *gorm.DB, orderID int64, reason string, now time.Time) error {
	var allocs []struct {
		ID, StockID, ProductID int64
		Quantity, Picked       int
	}
	err := tx.Table("allocations").
		Select("allocations.id, allocations.stock_id, stock.product_id, allocations.quantity, allocations.picked").
		Joins("JOIN order_lines ON order_lines.id = allocations.order_line_id").
		Joins("JOIN stock ON stock.id = allocations.stock_id").
		Where("order_lines.order_id = ?", orderID).Order("allocations.stock_id, allocations.id").Scan(&allocs).Error
	if err != nil {
		return err
	}
	for _, a := range allocs {
		if open := a.Quantity - a.Picked; open > 0 {
			if err := tx.Exec(`UPDATE stock SET allocated = allocated - ? WHERE id = ?`, open, a.StockID).Error; err != nil {
				return err
			}
			m := stockMovementRow{StockID: a.StockID, Kind: string(soko.MoveRelease), AllocatedDelta: -open,
				Reason: reason, DocumentType: "order", DocumentID: &orderID, CreatedAt: now}
			if err := tx.Create(&m).Error; err != nil {
				return err
			}
		}
		// The allocation keeps what was picked (a pick task may point at
		// it); its open tasks close, so nobody picks what is no longer promised.
		if err := tx.Exec(`UPDATE allocations SET quantity = picked WHERE id = ?`, a.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE pick_tasks SET quantity = picked, status = CASE WHEN picked > 0 THEN 'done' ELSE 'short' END, done_at = ?
			WHERE allocation_id = ? AND status = 'open'`, now, a.ID).Error; err != nil {
			return err
		}
	}
	return nil
}

func keys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
