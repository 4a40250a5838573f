package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Check is one invariant soko keeps, as checked against the database.
type Check struct {
	Name     string
	Detail   string   // what was looked at, in figures
	Problems []string // empty when the invariant holds
}

// OrderKey names an order a client was told exists: its merchant's code and its number.
type OrderKey struct {
	Merchant, Number string
}

// CheckInvariants verifies, from the database alone, what must hold
// whatever happened to the processes that wrote it (crashes, restarts,
// retries): the stock ledger explains every stock row, the stock feed
// tells every product's stock as it stands, nothing is allocated
// beyond what is on hand, every acknowledged order exists exactly once,
// every shipped order's notifications exist, no tracking number is on two
// parcels (whatever their carriers), every parcel's delivery status is
// its latest tracking event's, every returned unit is in the ledger as
// it was graded, and every scan that moved stock was recorded once. Each check lists at most a few problems of its kind.
func (db *DB) CheckInvariants(ctx context.Context, acknowledged []OrderKey) ([]Check, error) {
	tx := db.conn(ctx)
	var out []Check
	for _, c := range []func(*gorm.DB) (Check, error){
		db.checkLedger, db.checkStockFeed, checkAllocations, checkShippedNotices, checkTrackingNumbers, checkDeliveryStatus, checkReturns, checkScans,
		func(tx *gorm.DB) (Check, error) { return checkAcknowledged(tx, acknowledged) },
	} {
		r, err := c(tx)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, r)
	}
	return out, nil
}

const maxProblems = 10

func (c *Check) add(format string, args ...any) {
	if len(c.Problems) < maxProblems {
		c.Problems = append(c.Problems, fmt.Sprintf(format, args...))
	}
}

func (db *DB) checkLedger(tx *gorm.DB) (Check, error) {
	c := Check{Name: "stock ledger"}
	bad, err := db.CheckLedger(tx.Statement.Context)
	var rows int64
	if err == nil {
		err = tx.Table("stock").Count(&rows).Error
	}
	c.Detail = fmt.Sprintf("%d stock rows equal the sum of their movements", rows-int64(len(bad)))
	for _, m := range bad {
		c.add("stock %d: on hand %d, ledger %d; allocated %d, ledger %d", m.StockID, m.OnHand, m.LedgerOnHand, m.Allocated, m.LedgerAllocated)
	}
	return c, err
}

// checkStockFeed: the stock change feed's last line of every product
// tells its stock as it stands.
func (db *DB) checkStockFeed(tx *gorm.DB) (Check, error) {
	c := Check{Name: "stock feed"}
	bad, err := db.CheckStockFeed(tx.Statement.Context)
	var products int64
	if err == nil {
		err = tx.Table("products").Count(&products).Error
	}
	c.Detail = fmt.Sprintf("%d products' last feed line equals their stock", products-int64(len(bad)))
	for _, m := range bad {
		if m.Missing {
			c.add("product %s: not in the feed", m.SKU)
			continue
		}
		c.add("product %s: feed %+v, stock %+v", m.SKU, m.Feed, m.Stock)
	}
	return c, err
}

// checkAllocations: no stock row promises more than it holds, and what it
// promises is exactly what its orders' allocations still wait to pick.
func checkAllocations(tx *gorm.DB) (Check, error) {
	c := Check{Name: "no oversell"}
	var rows []struct {
		ID                       int64
		OnHand, Allocated, Waits int
	}
	err := tx.Raw(`SELECT s.id, s.on_hand, s.allocated, COALESCE(SUM(a.quantity - a.picked), 0) AS waits
		FROM stock s LEFT JOIN allocations a ON a.stock_id = s.id
		GROUP BY s.id, s.on_hand, s.allocated ORDER BY s.id`).Scan(&rows).Error
	units := 0
	for _, r := range rows {
		units += r.Allocated
		if r.Allocated > r.OnHand || r.OnHand < 0 {
			c.add("stock %d: %d allocated of %d on hand", r.ID, r.Allocated, r.OnHand)
		}
		if r.Allocated != r.Waits {
			c.add("stock %d: %d allocated, but its allocations wait for %d", r.ID, r.Allocated, r.Waits)
		}
	}
	c.Detail = fmt.Sprintf("%d stock rows, %d units allocated, none beyond on hand", len(rows), units)
	return c, err
}

// checkShippedNotices: every shipped order has its order.shipped webhook
// (when its merchant wanted one when it shipped) and its email or the
// recorded skip, each delivered or visibly pending or dead.
func checkShippedNotices(tx *gorm.DB) (Check, error) {
	c := Check{Name: "shipped orders notified"}
	var shipped int64
	if err := tx.Table("orders").Where("status = 'shipped'").Count(&shipped).Error; err != nil {
		return c, err
	}
	var noEmail []string
	err := tx.Raw(`SELECT o.number FROM orders o WHERE o.status = 'shipped'
		AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.order_id = o.id AND x.channel = 'email')
		AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.action = 'email_skipped')`).Scan(&noEmail).Error
	if err != nil {
		return c, err
	}
	for _, n := range noEmail {
		c.add("order %s shipped without its email or a recorded skip", n)
	}
	var noHook []string
	err = tx.Raw(`SELECT DISTINCT o.number FROM orders o JOIN webhook_endpoints w ON w.merchant_id = o.merchant_id AND w.active
		WHERE o.status = 'shipped' AND (w.event_types = '' OR w.event_types LIKE '%order.shipped%')
		AND EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.to_status = 'shipped' AND e.from_status <> 'shipped'
			AND e.created_at >= COALESCE(w.updated_at, w.created_at))
		AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.order_id = o.id AND x.endpoint_id = w.id AND x.channel = 'webhook' AND x.event_type = 'order.shipped')`).Scan(&noHook).Error
	if err != nil {
		return c, err
	}
	for _, n := range noHook {
		c.add("order %s shipped without its order.shipped webhook", n)
	}
	var states []struct {
		Status string
		N      int
	}
	if err := tx.Raw(`SELECT status, COUNT(*) AS n FROM outbox GROUP BY status ORDER BY status`).Scan(&states).Error; err != nil {
		return c, err
	}
	c.Detail = fmt.Sprintf("%d orders shipped; notifications:", shipped)
	for _, s := range states {
		c.Detail += fmt.Sprintf(" %d %s", s.N, s.Status)
	}
	return c, nil
}

// checkTrackingNumbers: no tracking number is on two parcels, whatever
// their carriers, as the dock loads a parcel by its number alone.
func checkTrackingNumbers(tx *gorm.DB) (Check, error) {
	c := Check{Name: "tracking numbers unique across carriers"}
	var dups []struct {
		TrackingNumber string
		Carriers       string
		N              int
	}
	err := tx.Raw(`SELECT tracking_number, MIN(carrier) || CASE WHEN MIN(carrier) <> MAX(carrier) THEN ', ' || MAX(carrier) ELSE '' END AS carriers,
		COUNT(*) AS n FROM parcels WHERE tracking_number IS NOT NULL
		GROUP BY tracking_number HAVING COUNT(*) > 1 ORDER BY tracking_number`).Scan(&dups).Error
	for _, d := range dups {
		c.add("%s is on %d parcels (%s)", d.TrackingNumber, d.N, d.Carriers)
	}
	var n int64
	if err == nil {
		err = tx.Table("parcels").Where("tracking_number IS NOT NULL").Count(&n).Error
	}
	c.Detail = fmt.Sprintf("%d parcels labelled, each number on one parcel of any carrier", n)
	return c, err
}

// checkDeliveryStatus: a parcel's delivery status and its time are those
// of its latest tracking event, whatever order the events came in.
func checkDeliveryStatus(tx *gorm.DB) (Check, error) {
	c := Check{Name: "delivery status is the latest event's"}
	var bad []struct {
		TrackingNumber string
		DeliveryStatus string
	}
	err := tx.Raw(`SELECT p.tracking_number, p.delivery_status FROM parcels p
		WHERE (p.delivery_status <> '' OR EXISTS (SELECT 1 FROM tracking_events e WHERE e.parcel_id = p.id))
		AND NOT EXISTS (SELECT 1 FROM tracking_events e WHERE e.parcel_id = p.id AND e.status = p.delivery_status
			AND e.occurred_at = p.delivery_status_at
			AND NOT EXISTS (SELECT 1 FROM tracking_events l WHERE l.parcel_id = p.id AND l.occurred_at > e.occurred_at))
		ORDER BY p.id`).Scan(&bad).Error
	for _, b := range bad {
		c.add("parcel %s is %q, which is not its latest tracking event", b.TrackingNumber, b.DeliveryStatus)
	}
	var n int64
	if err == nil {
		err = tx.Table("parcels").Where("delivery_status <> ''").Count(&n).Error
	}
	c.Detail = fmt.Sprintf("%d parcels with a delivery status, each its latest event's", n-int64(len(bad)))
	return c, err
}

// checkScans: every scan that moved stock is recorded under its id, and no
// pick or inspection counted more units than the line holds.
func checkScans(tx *gorm.DB) (Check, error) {
	c := Check{Name: "scans applied once"}
	var unrecorded []string
	err := tx.Raw(`SELECT DISTINCT m.scan_id FROM stock_movements m WHERE m.scan_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM scan_events e WHERE e.scan_id = m.scan_id)`).Scan(&unrecorded).Error
	if err != nil {
		return c, err
	}
	for _, id := range unrecorded {
		c.add("scan %s moved stock but is not recorded", id)
	}
	var over []struct {
		What string
		ID   int64
	}
	err = tx.Raw(`SELECT 'pick task' AS what, id FROM pick_tasks WHERE picked > quantity
		UNION ALL SELECT 'order line', id FROM order_lines WHERE inspected > quantity`).Scan(&over).Error
	for _, o := range over {
		c.add("%s %d counted more units than it holds", o.What, o.ID)
	}
	var scans int64
	if err == nil {
		err = tx.Table("scan_events").Where("scan_id IS NOT NULL").Count(&scans).Error
	}
	c.Detail = fmt.Sprintf("%d scans recorded, each once", scans)
	return c, err
}

// checkAcknowledged: every order a client was told exists does, once.
func checkAcknowledged(tx *gorm.DB, acknowledged []OrderKey) (Check, error) {
	c := Check{Name: "acknowledged orders exist once"}
	var rows []struct {
		Code, Number string
		N            int
	}
	err := tx.Raw(`SELECT m.code, o.number, COUNT(*) AS n FROM orders o JOIN merchants m ON m.id = o.merchant_id
		GROUP BY m.code, o.number`).Scan(&rows).Error
	if err != nil {
		return c, err
	}
	count := make(map[OrderKey]int, len(rows))
	for _, r := range rows {
		count[OrderKey{r.Code, r.Number}] = r.N
	}
	for _, k := range acknowledged {
		switch n := count[k]; {
		case n == 0:
			c.add("order %s of %s was acknowledged but does not exist", k.Number, k.Merchant)
		case n > 1:
			c.add("order %s of %s exists %d times", k.Number, k.Merchant, n)
		}
	}
	c.Detail = fmt.Sprintf("%d acknowledged orders of %d stored", len(acknowledged), len(rows))
	return c, nil
}
