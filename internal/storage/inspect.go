package storage

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// StationOrder finds the order a packer scanned: by its number (from the
// pick list or slip barcode), or by a tote label "<wave>-<tote>".
func (db *DB) StationOrder(ctx context.Context, code string) (*soko.Order, error) {
	var ids []int64
	err := db.conn(ctx).Table("orders").Where("number = ?", code).Order("id").Pluck("id", &ids).Error
	if err == nil && len(ids) == 0 {
		if i := strings.LastIndex(code, "-"); i > 0 {
			// A tote holds one order, or one group of orders that leave as
			// one parcel: the station packs the group's primary.
			err = db.conn(ctx).Table("pick_tasks").Joins("JOIN waves ON waves.id = pick_tasks.wave_id").Joins("JOIN orders ON orders.id = pick_tasks.order_id").
				Where("waves.number = ? AND pick_tasks.tote = ?", code[:i], code[i+1:]).
				Distinct().Pluck("COALESCE(orders.consolidated_into, pick_tasks.order_id)", &ids).Error
		}
	}
	if err != nil {
		return nil, translate(err)
	}
	switch len(ids) {
	case 0:
		return nil, soko.Errorf(soko.ENOTFOUND, "no order or tote %s", code).JA("注文・トート %s が見つかりません", code)
	case 1:
		o, err := db.OrderByID(ctx, ids[0])
		if err != nil || o.ConsolidatedInto == 0 {
			return o, err
		}
		// An order that leaves in another's parcel is packed with it.
		return db.OrderByID(ctx, o.ConsolidatedInto)
	}
	return nil, soko.Errorf(soko.ECONFLICT, "%d merchants have an order %s: scan the tote instead", len(ids), code).
		JA("複数の荷主に注文番号 %s があります。トートをスキャンしてください", code)
}

// OrderByID returns an order with its lines, for staff who see every merchant.
func (db *DB) OrderByID(ctx context.Context, id int64) (*soko.Order, error) {
	var row orderRow
	if err := db.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, soko.Errorf(soko.ENOTFOUND, "no order %d", id).JA("注文が見つかりません")
		}
		return nil, translate(err)
	}
	os := []*soko.Order{row.order()}
	return os[0], db.loadOrderLines(ctx, os)
}

// Inspect counts one scan of units against the line of the order's group
// that soko.Inspect chooses, and inspects the group when every line is
// complete. It returns the order as the scan left it, with the lines of
// its own and what the scan counted.
func (db *DB) Inspect(ctx context.Context, s *soko.InspectScan) (*soko.Order, *soko.InspectCount, error) {
	now := db.now()
	var o *soko.Order
	var count *soko.InspectCount
	err := db.transact(ctx, func(tx *gorm.DB) error {
		// A group that leaves as one parcel is inspected as one: a unit
		// counts against any of its orders' lines. The order is found
		// before the scan is claimed, which names it.
		var members []*soko.Order
		var err error
		if o, members, err = db.lockGroup(tx, s.OrderID); errors.Is(err, gorm.ErrRecordNotFound) {
			return soko.Errorf(soko.ENOTFOUND, "no order %d", s.OrderID).JA("注文が見つかりません")
		} else if err != nil {
			return err
		}
		if err := claimScan(tx, soko.ScanEvent{ScanID: s.ScanID, StaffID: s.StaffID, Device: s.Device, Step: "inspect", Code: s.Code, OrderID: s.OrderID}, now); err != nil {
			return err
		}
		group := append([]*soko.Order{o}, members...)
		if err := loadLinesTx(tx, group); err != nil {
			return err
		}
		lots, err := pickedLots(tx, group, s.Lot)
		if err != nil {
			return err
		}
		if count, err = soko.Inspect(o, members, s, lots); err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE order_lines SET inspected = inspected + ? WHERE id = ?`, count.Units, count.Line.ID).Error; err != nil || !count.Complete {
			return err
		}
		if err := o.Apply(soko.ActionInspect); err != nil {
			return err
		}
		if err := setLockedStatusBy(tx, o, soko.ActionInspect, soko.OrderPicked, s.StaffID, s.Device, "", now); err != nil {
			return err
		}
		return carryGroup(tx, o, members, soko.ActionInspect, soko.OrderPicked, s.StaffID, s.Device, "", now)
	})
	if err != nil {
		return nil, nil, err
	}
	return o, count, nil
}

// pickedLots are the lots picked for each line of a group (by line id),
// read only for a scan that names a lot: the others need not pay for it.
func pickedLots(tx *gorm.DB, group []*soko.Order, lot string) (map[int64][]string, error) {
	if lot == "" {
		return nil, nil
	}
	var rows []struct {
		OrderLineID int64
		Lot         string
	}
	if err := tx.Table("allocations").Select("allocations.order_line_id, stock.lot").Joins("JOIN stock ON stock.id = allocations.stock_id").
		Joins("JOIN order_lines ON order_lines.id = allocations.order_line_id").
		Where("order_lines.order_id IN ? AND allocations.picked > 0", groupIDs(group[0], group[1:])).Order("allocations.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	lots := map[int64][]string{}
	for _, r := range rows {
		lots[r.OrderLineID] = append(lots[r.OrderLineID], r.Lot)
	}
	return lots, nil
}

// ResetInspection starts an order's inspection over, as a supervisor may;
// the reset is in the order's history with who did it.
func (db *DB) ResetInspection(ctx context.Context, orderID, staffID int64, device string) (*soko.Order, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		o, members, err := db.lockGroup(tx, orderID)
		if err != nil {
			return err
		}
		if o.Status != soko.OrderPicked && o.Status != soko.OrderInspected {
			return soko.Errorf(soko.ECONFLICT, "order %s is %s", o.Number, o.Status).JA("注文 %s は「%s」のため検品をやり直せません", o.Number, o.Status.Label())
		}
		if err := tx.Exec(`UPDATE order_lines SET inspected = 0 WHERE order_id IN ?`, groupIDs(o, members)).Error; err != nil {
			return err
		}
		from := o.Status
		if o.Status == soko.OrderInspected {
			if err := o.Apply(soko.ActionResetInspect); err != nil {
				return err
			}
			if err := carryGroup(tx, o, members, soko.ActionResetInspect, from, staffID, device, "inspection reset", now); err != nil {
				return err
			}
		}
		return setLockedStatusBy(tx, o, soko.ActionResetInspect, from, staffID, device, "inspection reset", now)
	})
	if err != nil {
		return nil, err
	}
	return db.OrderByID(ctx, orderID)
}
