package storage

import (
	"context"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// SetHoldSettings sets after how many days a merchant's own holds are
// listed on the dashboard (0: never) and whether their reserved stock then
// goes back on sale, and returns the merchant.
func (db *DB) SetHoldSettings(ctx context.Context, merchantID int64, days int, autoFree bool) (*soko.Merchant, error) {
	if err := soko.ValidateHoldSettings(days); err != nil {
		return nil, err
	}
	now := db.now()
	var m *soko.Merchant
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var before merchantRow
		if err := tx.Where("id = ?", merchantID).Take(&before).Error; err != nil {
			return merchantNotFound(merchantID)
		}
		if err := tx.Model(&merchantRow{}).Where("id = ?", merchantID).
			Updates(map[string]any{"hold_alert_days": days, "hold_auto_free": autoFree}).Error; err != nil {
			return err
		}
		var row merchantRow
		if err := tx.Where("id = ?", merchantID).Take(&row).Error; err != nil {
			return err
		}
		m = row.merchant()
		return audit(tx, now, soko.AuditMerchantUpdate, "merchant", merchantID,
			map[string]any{"hold_alert_days": before.HoldAlertDays, "hold_auto_free": before.HoldAutoFree},
			map[string]any{"hold_alert_days": days, "hold_auto_free": autoFree})
	})
	return m, err
}

// heldTooLong are the merchants' own holds older than their merchants'
// hold_alert_days at now, oldest first, with whether their merchants free
// their stock.
func heldTooLong(tx *gorm.DB, now time.Time) ([]soko.OldHold, map[int64]bool, error) {
	var rows []struct {
		ID             int64
		Number         string
		MerchantCode   string
		HoldReason     string
		HoldNote       string
		HeldFrom       string
		HoldStockFreed bool
		HoldAlertDays  int
		HoldAutoFree   bool
	}
	err := tx.Raw(`SELECT o.id, o.number, m.code AS merchant_code, o.hold_reason, o.hold_note, o.held_from, o.hold_stock_freed,
		m.hold_alert_days, m.hold_auto_free FROM orders o JOIN merchants m ON m.id = o.merchant_id
		WHERE o.status = 'on_hold' AND o.hold_reason IN ('payment_pending', 'merchant') AND m.hold_alert_days > 0
		ORDER BY o.id`).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	// A hold began with the last event that put the order on hold from
	// another status (its creation on hold included).
	var events []struct {
		OrderID   int64
		CreatedAt time.Time
	}
	if err := tx.Raw(`SELECT order_id, created_at FROM order_events WHERE order_id IN ? AND to_status = 'on_hold' AND from_status <> 'on_hold'`, ids).
		Scan(&events).Error; err != nil {
		return nil, nil, err
	}
	since := map[int64]time.Time{}
	for _, e := range events {
		if e.CreatedAt.After(since[e.OrderID]) {
			since[e.OrderID] = e.CreatedAt.UTC()
		}
	}
	var out []soko.OldHold
	free := map[int64]bool{}
	for _, r := range rows {
		s, ok := since[r.ID]
		if !ok || now.Sub(s) < time.Duration(r.HoldAlertDays)*24*time.Hour {
			continue
		}
		out = append(out, soko.OldHold{OrderID: r.ID, Number: r.Number, MerchantCode: r.MerchantCode, Reason: soko.HoldReason(r.HoldReason),
			Note: r.HoldNote, HeldSince: s, StockFreed: r.HoldStockFreed})
		if r.HoldAutoFree && !r.HoldStockFreed && r.HeldFrom == string(soko.OrderAllocated) {
			free[r.ID] = true
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].HeldSince.Before(out[j].HeldSince) })
	return out, free, nil
}

// OldHolds lists the merchants' own holds older than their merchants'
// hold_alert_days, oldest first: bank transfers never paid, for the
// dashboard.
func (db *DB) OldHolds(ctx context.Context, now time.Time) ([]soko.OldHold, error) {
	holds, _, err := heldTooLong(db.conn(ctx), now)
	return holds, translate(err)
}

// FreeOldHolds puts the reserved stock of holds older than their
// merchants' hold_alert_days back on sale, for the merchants who asked for
// it (hold_auto_free): each order stays on hold, waits for stock when
// released, and gets a history line; one transaction per order. It
// returns how many orders it freed; every soko process may run it, as a
// second run finds nothing left to free.
func (db *DB) FreeOldHolds(ctx context.Context) (int, error) {
	now := db.now()
	_, free, err := heldTooLong(db.conn(ctx), now)
	if err != nil {
		return 0, translate(err)
	}
	freed := 0
	for id := range free {
		err := db.transact(ctx, func(tx *gorm.DB) error {
			var row orderRow
			if err := lockForUpdate(tx, db.dialect).Where("id = ?", id).Take(&row).Error; err != nil {
				return err
			}
			o := row.order()
			if o.Status != soko.OrderOnHold || o.HeldFrom != soko.OrderAllocated || row.HoldStockFreed {
				return nil
			}
			if err := releaseOrderStock(tx, o.ID, "hold_expired", now); err != nil {
				return err
			}
			if err := tx.Exec(`DELETE FROM allocations WHERE order_line_id IN (SELECT id FROM order_lines WHERE order_id = ?)
				AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.allocation_id = allocations.id)`, o.ID).Error; err != nil {
				return err
			}
			if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Updates(map[string]any{"held_from": string(soko.OrderBackordered),
				"hold_stock_freed": true, "updated_at": now}).Error; err != nil {
				return err
			}
			freed++
			return recordEvent(tx, o, soko.OrderEvent{Action: soko.ActionFreeHeldStock, From: o.Status, To: o.Status,
				Detail: "held too long: stock back on sale / 保留期限超過のため引当を解除"}, now)
		})
		if err != nil {
			return freed, err
		}
	}
	return freed, nil
}

// replanAfterHold moves the ship date of an order released from a hold to
// the first day it can now leave, when the hold outlasted it and no
// delivery date binds it: a bank transfer paid a week late is not late
// for the warehouse. An order with a delivery date keeps its date and
// shows as late.
func replanAfterHold(tx *gorm.DB, o *soko.Order, now time.Time) error {
	if o.ShipDate.IsZero() || !o.DeliveryDate.IsZero() {
		return nil
	}
	cal, err := shipCalendar(tx)
	if err != nil {
		return err
	}
	earliest := cal.EarliestShipDate(now)
	if !o.ShipDate.Before(earliest) {
		return nil
	}
	o.ShipDate = earliest
	return tx.Model(&orderRow{}).Where("id = ?", o.ID).Update("ship_date", earliest).Error
}
