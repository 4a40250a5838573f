package storage

import (
	"context"
	"errors"
	"strings"
	"time"

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
			if len(lots) > 0 && !contains(lots, s.Lot) {
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

// Pack records the parcels an inspected order went into and marks it packed.
func (db *DB) Pack(ctx context.Context, p *soko.PackRequest) (*soko.Order, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		o, members, err := db.lockGroup(tx, p.OrderID)
		if err != nil {
			return err
		}
		row := orderToRow(o)
		if o.Status == soko.OrderPacked {
			// Packed already: the same parcels again are a retry whose
			// first answer was lost, answered as the first was.
			var parcels []parcelRow
			if err := tx.Where("order_id = ?", o.ID).Order("seq").Find(&parcels).Error; err != nil {
				return err
			}
			if samePacking(parcels, p.Parcels) {
				return nil
			}
		}
		if err := o.Apply(soko.ActionPack); err != nil {
			return soko.Errorf(soko.ECONFLICT, "order %s is %s: inspect it first", o.Number, row.Status).
				JA("注文 %s は「%s」です。先に検品してください", o.Number, soko.OrderStatus(row.Status).Label())
		}
		if err := loadLines(tx, o); err != nil {
			return err
		}
		checks, err := packChecks(tx, o, now)
		if err != nil {
			return err
		}
		if missing := soko.Unconfirmed(checks, p.Confirmed); len(missing) > 0 {
			ja, en := make([]string, len(missing)), make([]string, len(missing))
			for i, c := range missing {
				ja[i], en[i] = c.Japanese, c.English
			}
			bad := soko.Errorf(soko.ECONFLICT, "confirm the gift options and inserts first: %s", strings.Join(en, "; ")).
				JA("ギフト・同梱物の確認が済んでいません：%s", strings.Join(ja, "、"))
			for _, c := range missing {
				bad.WithField("confirmed", c.Key)
			}
			return bad
		}
		inserted, err := takeInserts(tx, db.dialect, o, checks, p.StaffID, now)
		if err != nil {
			return err
		}
		for i, pc := range p.Parcels {
			var n int64
			if err := tx.Table("box_types").Where("code = ?", pc.BoxCode).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return soko.Errorf(soko.EINVALID, "no box type %s", pc.BoxCode).JA("箱 %s は登録されていません", pc.BoxCode)
			}
			err := tx.Exec(`INSERT INTO parcels (order_id, seq, box_type, weight_grams, carrier, service) VALUES (?, ?, ?, ?, ?, ?)`,
				o.ID, i+1, pc.BoxCode, pc.WeightGrams, o.Carrier, o.Service).Error
			if err != nil {
				return err
			}
		}
		note := strings.TrimPrefix(strings.Join([]string{p.WeightNote, checkedNote(checks, inserted)}, "; "), "; ")
		if err := setStatusBy(tx, o, soko.ActionPack, soko.OrderInspected, p.StaffID, p.Device, strings.TrimSuffix(note, "; "), now); err != nil {
			return err
		}
		return carryGroup(tx, o, members, soko.ActionPack, soko.OrderInspected, p.StaffID, p.Device, "", now)
	})
	if err != nil {
		return nil, err
	}
	return db.OrderByID(ctx, p.OrderID)
}

// samePacking reports whether an order's parcels are the ones a pack
// request asks for, box and weight, in order.
func samePacking(have []parcelRow, want []soko.PackedParcel) bool {
	if len(have) != len(want) {
		return false
	}
	for i, p := range have {
		if p.BoxType != want[i].BoxCode || p.WeightGrams != want[i].WeightGrams {
			return false
		}
	}
	return true
}

// moveStatus writes the order's new status only if it still has the one
// it was read with: a supervisor's hold or cancel committed in the meantime
// is never overwritten by a pick or a pack that read the order before.
func moveStatus(tx *gorm.DB, o *soko.Order, from soko.OrderStatus, now time.Time) error {
	res := tx.Model(&orderRow{}).Where("id = ? AND status = ?", o.ID, string(from)).
		Updates(map[string]any{"status": string(o.Status), "held_from": string(o.HeldFrom), "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return soko.Errorf(soko.ECONFLICT, "order %s changed meanwhile: try again", o.Number).
			JA("注文 %s は他の操作で変更されました。もう一度お試しください", o.Number)
	}
	o.UpdatedAt = now
	return nil
}

// setStatusBy is setStatus with who did it and from which device.
func setStatusBy(tx *gorm.DB, o *soko.Order, action soko.OrderAction, from soko.OrderStatus, staffID int64, device, detail string, now time.Time) error {
	if err := moveStatus(tx, o, from, now); err != nil {
		return err
	}
	return recordEvents(tx, []orderEvent{{o, soko.OrderEvent{Action: action, From: from, To: o.Status, StaffID: staffID, Device: device, Detail: detail}}}, now)
}

// BoxTypes returns the cartons the station can choose, smallest first.
func (db *DB) BoxTypes(ctx context.Context) ([]soko.BoxType, error) {
	var rows []boxTypeRow
	if err := db.conn(ctx).Order("inner_length_mm * inner_width_mm * inner_height_mm, code").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.BoxType, len(rows))
	for i, r := range rows {
		out[i] = r.boxType()
	}
	return out, nil
}

// PackItems returns what goes into an order's parcels with sizes and
// weights: its products and, until it is packed, the inserts its
// checklist adds, which take room and weigh on the scale too.
func (db *DB) PackItems(ctx context.Context, orderID int64) ([]soko.PackItem, error) {
	items, err := packItems(db.conn(ctx), orderID, db.now())
	return items, translate(err)
}

func packItems(tx *gorm.DB, orderID int64, now time.Time) ([]soko.PackItem, error) {
	type item struct {
		ProductID                   int64
		Name                        string
		LengthMM, WidthMM, HeightMM int
		WeightGrams, Quantity       int
	}
	var rows []item
	err := tx.Raw(`SELECT l.product_id, p.name, p.length_mm, p.width_mm, p.height_mm, p.weight_grams, l.quantity
		FROM order_lines l JOIN products p ON p.id = l.product_id JOIN orders o ON o.id = l.order_id
		WHERE (o.id = ? OR o.consolidated_into = ?) AND NOT l.is_set ORDER BY l.id`, orderID, orderID).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var status string
	if err := tx.Table("orders").Where("id = ?", orderID).Pluck("status", &status).Error; err != nil {
		return nil, err
	}
	if s := soko.OrderStatus(status); s == soko.OrderPicked || s == soko.OrderInspected {
		checks, err := orderPackChecks(tx, orderID, now)
		if err != nil {
			return nil, err
		}
		for _, c := range checks {
			if c.Insert == nil {
				continue
			}
			var r item
			if err := tx.Raw(`SELECT id AS product_id, name, length_mm, width_mm, height_mm, weight_grams FROM products WHERE id = ?`, c.Insert.ProductID).
				Scan(&r).Error; err != nil {
				return nil, err
			}
			r.Quantity = c.Insert.Quantity
			rows = append(rows, r)
		}
	}
	out := make([]soko.PackItem, len(rows))
	for i, r := range rows {
		out[i] = soko.PackItem{ProductID: r.ProductID, Name: r.Name, LengthMM: r.LengthMM, WidthMM: r.WidthMM, HeightMM: r.HeightMM,
			WeightGrams: r.WeightGrams, Quantity: r.Quantity}
	}
	return out, nil
}

// RecordPrint logs that a document of an order was printed, and whether it
// was printed before; every print is in the audit log.
func (db *DB) RecordPrint(ctx context.Context, orderID int64, document string, staffID int64) (reprint bool, err error) {
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Table("document_prints").Where("order_id = ? AND document = ?", orderID, document).Count(&n).Error; err != nil {
			return err
		}
		reprint = n > 0
		return tx.Exec(`INSERT INTO document_prints (order_id, document, staff_id, reprint, created_at) VALUES (?, ?, ?, ?, ?)`,
			orderID, document, nullID(staffID), reprint, db.now()).Error
	})
	return reprint, err
}

// MerchantByID returns a merchant, for documents printed on its behalf.
func (db *DB) MerchantByID(ctx context.Context, id int64) (*soko.Merchant, error) {
	var row merchantRow
	if err := db.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.merchant(), nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
