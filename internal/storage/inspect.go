package storage

import (
	"context"
	"errors"
	"slices"
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

// Inspect counts one scan of units against the order's line of the
// product. A product the order does not have, more units than ordered and
// a lot other than the one picked are refused; when every line is complete
// the order is inspected.
func (db *DB) Inspect(ctx context.Context, s *soko.InspectScan) (*soko.Order, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := claimScan(tx, soko.ScanEvent{ScanID: s.ScanID, StaffID: s.StaffID, Device: s.Device, Step: "inspect", Code: s.Code, OrderID: s.OrderID}, now); err != nil {
			return err
		}
		// A group that leaves as one parcel is inspected as one: a unit
		// counts against any of its orders' lines.
		o, members, err := db.lockGroup(tx, s.OrderID)
		if err != nil {
			return err
		}
		if o.Status != soko.OrderPicked {
			return soko.Errorf(soko.ECONFLICT, "order %s is %s, not waiting for inspection", o.Number, o.Status).
				JA("注文 %s は「%s」のため検品できません", o.Number, o.Status.Label())
		}
		if err := groupIn(o, members, soko.OrderPicked); err != nil {
			return err
		}
		ids := groupIDs(o, members)
		var lines []orderLineRow
		if err := tx.Where("order_id IN ? AND product_id = ? AND NOT is_set", ids, s.ProductID).Order("id").Find(&lines).Error; err != nil {
			return err
		}
		if len(lines) == 0 {
			return soko.Errorf(soko.EINVALID, "this product is not in order %s", o.Number).
				JA("この商品は注文 %s に含まれていません（別の注文の商品の可能性）", o.Number).WithField("code", "wrong_item")
		}
		line := lines[0]
		for _, l := range lines {
			if l.Inspected < l.Quantity {
				line = l
				break
			}
		}
		if line.Inspected+s.Units > line.Quantity {
			return soko.Errorf(soko.EINVALID, "over-scan: %d of %d already", line.Inspected, line.Quantity).
				JA("数量オーバーです（%d/%d 検品済み）", line.Inspected, line.Quantity).WithField("code", "over_scan")
		}
		if s.Lot != "" {
			var lots []string
			if err := tx.Table("allocations").Joins("JOIN stock ON stock.id = allocations.stock_id").
				Where("allocations.order_line_id = ? AND allocations.picked > 0", line.ID).Pluck("stock.lot", &lots).Error; err != nil {
				return err
			}
			if len(lots) > 0 && !slices.Contains(lots, s.Lot) {
				return soko.Errorf(soko.EINVALID, "lot %s was not picked for this order (picked: %s)", s.Lot, strings.Join(lots, ", ")).
					JA("ロット %s はこの注文でピッキングしたロット（%s）と違います", s.Lot, strings.Join(lots, "、")).WithField("code", "wrong_lot")
			}
		}
		if err := tx.Exec(`UPDATE order_lines SET inspected = inspected + ? WHERE id = ?`, s.Units, line.ID).Error; err != nil {
			return err
		}
		var open int64
		if err := tx.Table("order_lines").Where("order_id IN ? AND inspected < quantity AND NOT is_set", ids).Count(&open).Error; err != nil || open > 0 {
			return err
		}
		if err := o.Apply(soko.ActionInspect); err != nil {
			return err
		}
		if err := setStatusBy(tx, o, soko.ActionInspect, soko.OrderPicked, s.StaffID, s.Device, "", now); err != nil {
			return err
		}
		return carryGroup(tx, o, members, soko.ActionInspect, soko.OrderPicked, s.StaffID, s.Device, "", now)
	})
	if err != nil {
		return nil, err
	}
	return db.OrderByID(ctx, s.OrderID)
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
		return setStatusBy(tx, o, soko.ActionResetInspect, from, staffID, device, "inspection reset", now)
	})
	if err != nil {
		return nil, err
	}
	return db.OrderByID(ctx, orderID)
}
