package storage

import (
	"context"
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
// backordered) and returns the status it ends in: allocated, or backordered
// when the stock is not there. Orders in other statuses are left alone.
func (db *DB) AllocateOrder(ctx context.Context, orderID int64, rules soko.AllocationRules) (soko.OrderStatus, error) {
	var status soko.OrderStatus
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var err error
		status, err = db.allocate(tx, orderID, rules, db.now())
		return err
	})
	return status, err
}

// AllocateWaiting tries every order waiting for stock, highest priority and
// oldest first, a batch of orders per transaction, and returns how many it
// allocated. Several soko processes may run it at once: each order is locked
// while it is allocated, and one found allocated already is skipped.
func (db *DB) AllocateWaiting(ctx context.Context, rules soko.AllocationRules) (allocated int, err error) {
	const batch = 100
	var after struct {
		priority int
		id       int64
	}
	after.priority = 1 << 30
	for {
		var ids []struct {
			ID       int64
			Priority int
		}
		err := db.conn(ctx).Table("orders").Select("id, priority").
			Where("status IN ?", []string{string(soko.OrderReceived), string(soko.OrderBackordered)}).
			Where("priority < ? OR (priority = ? AND id > ?)", after.priority, after.priority, after.id).
			Order("priority DESC, id").Limit(batch).Scan(&ids).Error
		if err != nil {
			return allocated, translate(err)
		}
		if len(ids) == 0 {
			return allocated, nil
		}
		err = db.transact(ctx, func(tx *gorm.DB) error {
			for _, o := range ids {
				st, err := db.allocate(tx, o.ID, rules, db.now())
				if err != nil {
					return err
				}
				if st == soko.OrderAllocated {
					allocated++
				}
			}
			return nil
		})
		if err != nil {
			return allocated, err
		}
		last := ids[len(ids)-1]
		after.priority, after.id = last.Priority, last.ID
	}
}

// allocate plans and applies one order's allocation inside tx.
func (db *DB) allocate(tx *gorm.DB, orderID int64, rules soko.AllocationRules, now time.Time) (soko.OrderStatus, error) {
	var row orderRow
	if err := lockForUpdate(tx, db.dialect).Where("id = ?", orderID).Take(&row).Error; err != nil {
		return "", err
	}
	o := row.order()
	if o.Status != soko.OrderReceived && o.Status != soko.OrderBackordered {
		return o.Status, nil
	}
	if err := loadLinesTx(tx, o); err != nil {
		return "", err
	}
	candidates, tracked, err := db.candidates(tx, o)
	if err != nil {
		return "", err
	}
	picks, short := soko.PlanAllocation(o, tracked, candidates, now, rules)
	from := o.Status
	if len(picks) == 0 || (len(short) > 0 && !rules.AllowPartial) {
		if o.Status == soko.OrderBackordered {
			return o.Status, nil
		}
		if err := o.Apply(soko.ActionBackorder); err != nil {
			return "", err
		}
		return o.Status, setStatus(tx, o, soko.ActionBackorder, from, "", now)
	}
	products := map[int64]bool{}
	for _, p := range picks {
		res := tx.Exec(`UPDATE stock SET allocated = allocated + ? WHERE id = ? AND on_hand - allocated >= ?`, p.Quantity, p.StockID, p.Quantity)
		if res.Error != nil {
			return "", res.Error
		}
		if res.RowsAffected != 1 {
			// The rows are locked, so this means a bug, not a race: refuse to oversell.
			return "", soko.Errorf(soko.ECONFLICT, "stock %d changed while allocating order %s", p.StockID, o.Number)
		}
		if err := tx.Create(&allocationRow{OrderLineID: p.LineID, StockID: p.StockID, Quantity: p.Quantity}).Error; err != nil {
			return "", err
		}
		if err := tx.Create(&stockMovementRow{StockID: p.StockID, Kind: string(soko.MoveAllocate), AllocatedDelta: p.Quantity,
			Reason: "allocate", DocumentType: "order", DocumentID: &o.ID, CreatedAt: now}).Error; err != nil {
			return "", err
		}
		for _, c := range candidates {
			if c.StockID == p.StockID {
				products[c.ProductID] = true
			}
		}
	}
	if err := o.Apply(soko.ActionAllocate); err != nil {
		return "", err
	}
	if err := setStatus(tx, o, soko.ActionAllocate, from, "", now); err != nil {
		return "", err
	}
	return o.Status, checkLowStock(tx, keys(products), now)
}

// candidates reads, and on PostgreSQL locks in id order (so two allocators
// never deadlock), the stock rows that could serve the order's lines.
func (db *DB) candidates(tx *gorm.DB, o *soko.Order) ([]soko.Candidate, map[int64]bool, error) {
	var ids []int64
	for _, l := range o.Lines {
		ids = append(ids, l.ProductID)
	}
	q := `SELECT stock.id AS stock_id, stock.product_id, stock.location_id, locations.kind AS location_kind,
		locations.walk_sequence, stock.lot, stock.expiry, stock.on_hand - stock.allocated AS available
		FROM stock JOIN locations ON locations.id = stock.location_id
		WHERE stock.product_id IN ? AND locations.kind IN ('pick', 'reserve') ORDER BY stock.id`
	if db.dialect == Postgres {
		q += ` FOR UPDATE OF stock`
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
	}
	if err := tx.Raw(q, ids).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	cs := make([]soko.Candidate, len(rows))
	for i, r := range rows {
		cs[i] = soko.Candidate{StockID: r.StockID, ProductID: r.ProductID, LocationID: r.LocationID,
			LocationKind: soko.LocationKind(r.LocationKind), WalkSequence: r.WalkSequence, Lot: r.Lot,
			Expiry: fromNull(r.Expiry), Available: r.Available}
	}
	var tracked []int64
	if err := tx.Table("products").Where("id IN ? AND track_expiry", ids).Pluck("id", &tracked).Error; err != nil {
		return nil, nil, err
	}
	t := map[int64]bool{}
	for _, id := range tracked {
		t[id] = true
	}
	return cs, t, nil
}

// loadLinesTx reads an order's lines inside a transaction.
func loadLinesTx(tx *gorm.DB, o *soko.Order) error {
	var lines []orderLineRow
	if err := tx.Where("order_id = ?", o.ID).Order("id").Find(&lines).Error; err != nil {
		return err
	}
	o.Lines = o.Lines[:0]
	for _, l := range lines {
		o.Lines = append(o.Lines, soko.OrderLine{ID: l.ID, OrderID: l.OrderID, ProductID: l.ProductID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate})
	}
	return nil
}

// setStatus writes an order's new status with its event and notification.
func setStatus(tx *gorm.DB, o *soko.Order, action soko.OrderAction, from soko.OrderStatus, detail string, now time.Time) error {
	o.UpdatedAt = now
	if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).
		Updates(map[string]any{"status": string(o.Status), "held_from": string(o.HeldFrom), "updated_at": now}).Error; err != nil {
		return err
	}
	return recordEvent(tx, o, soko.OrderEvent{Action: action, From: from, To: o.Status, Detail: detail}, now)
}

// releaseOrderStock gives back an order's reserved, unpicked units, with a
// ledger line each, and returns the products it touched.
func releaseOrderStock(tx *gorm.DB, orderID int64, reason string, now time.Time) ([]int64, error) {
	var allocs []struct {
		ID, StockID, ProductID int64
		Quantity, Picked       int
	}
	err := tx.Table("allocations").
		Select("allocations.id, allocations.stock_id, stock.product_id, allocations.quantity, allocations.picked").
		Joins("JOIN order_lines ON order_lines.id = allocations.order_line_id").
		Joins("JOIN stock ON stock.id = allocations.stock_id").
		Where("order_lines.order_id = ?", orderID).Order("allocations.id").Scan(&allocs).Error
	if err != nil {
		return nil, err
	}
	products := map[int64]bool{}
	for _, a := range allocs {
		if open := a.Quantity - a.Picked; open > 0 {
			if err := tx.Exec(`UPDATE stock SET allocated = allocated - ? WHERE id = ?`, open, a.StockID).Error; err != nil {
				return nil, err
			}
			m := stockMovementRow{StockID: a.StockID, Kind: string(soko.MoveRelease), AllocatedDelta: -open,
				Reason: reason, DocumentType: "order", DocumentID: &orderID, CreatedAt: now}
			if err := tx.Create(&m).Error; err != nil {
				return nil, err
			}
		}
		if err := tx.Exec(`DELETE FROM allocations WHERE id = ?`, a.ID).Error; err != nil {
			return nil, err
		}
		products[a.ProductID] = true
	}
	return keys(products), nil
}

// checkLowStock opens a low-stock alert for each product whose available
// units fell to its reorder point, queueing a stock.low webhook, and closes
// alerts of products that recovered.
func checkLowStock(tx *gorm.DB, productIDs []int64, now time.Time) error {
	if len(productIDs) == 0 {
		return nil
	}
	var rows []struct {
		ID, MerchantID int64
		SKU            string
		ReorderPoint   int
		LowSince       *time.Time
		Available      int
	}
	err := tx.Raw(`SELECT p.id, p.merchant_id, p.sku, p.reorder_point, p.low_since,
		COALESCE((SELECT SUM(s.on_hand - s.allocated) FROM stock s JOIN locations l ON l.id = s.location_id
		          WHERE s.product_id = p.id AND l.kind IN ('pick', 'reserve')), 0) AS available
		FROM products p WHERE p.id IN ? AND p.reorder_point > 0`, productIDs).Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		low := r.Available <= r.ReorderPoint
		switch {
		case low && r.LowSince == nil:
			if err := tx.Exec(`UPDATE products SET low_since = ? WHERE id = ?`, now, r.ID).Error; err != nil {
				return err
			}
			if err := queueMerchantEvent(tx, r.MerchantID, "stock.low", map[string]any{"sku": r.SKU, "available": r.Available, "reorder_point": r.ReorderPoint}, now); err != nil {
				return err
			}
		case !low && r.LowSince != nil:
			if err := tx.Exec(`UPDATE products SET low_since = NULL WHERE id = ?`, r.ID).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// ListLowStock returns the products with an open low-stock alert, lowest first.
func (db *DB) ListLowStock(ctx context.Context) ([]soko.LowStock, error) {
	var rows []struct {
		Code, SKU, Name string
		Available       int
		ReorderPoint    int
	}
	err := db.conn(ctx).Raw(`SELECT m.code, p.sku, p.name, p.reorder_point,
		COALESCE((SELECT SUM(s.on_hand - s.allocated) FROM stock s JOIN locations l ON l.id = s.location_id
		          WHERE s.product_id = p.id AND l.kind IN ('pick', 'reserve')), 0) AS available
		FROM products p JOIN merchants m ON m.id = p.merchant_id
		WHERE p.low_since IS NOT NULL ORDER BY available, m.code, p.sku`).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]soko.LowStock, len(rows))
	for i, r := range rows {
		out[i] = soko.LowStock{MerchantCode: r.Code, SKU: r.SKU, Name: r.Name, Available: r.Available, ReorderPoint: r.ReorderPoint}
	}
	return out, nil
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
