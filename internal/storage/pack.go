package storage

import (
	"context"
	"errors"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// Pack records the parcels an inspected order went into and marks it
// packed, under the lock of its group: the packer must have ticked every
// gift option and insert, and the parcels together must weigh what their
// boxes, the group's goods and the inserts weigh, within the tolerance,
// unless the packer confirms the scale (ConfirmWeight). The same parcels
// sent again for a packed order are answered as the first time.
func (db *DB) Pack(ctx context.Context, p *soko.PackRequest) (*soko.Order, error) {
	now := db.now()
	var o *soko.Order
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var members []*soko.Order
		var err error
		if o, members, err = db.lockGroup(tx, p.OrderID); errors.Is(err, gorm.ErrRecordNotFound) {
			return soko.Errorf(soko.ENOTFOUND, "no order %d", p.OrderID).JA("注文が見つかりません")
		} else if err != nil {
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
		group := map[int64]*soko.Order{o.ID: o}
		for _, m := range members {
			group[m.ID] = m
		}
		goods, err := groupLines(tx, group, o.ID)
		if err != nil {
			return err
		}
		checks, err := packChecks(tx, o, now)
		if err != nil {
			return err
		}
		if missing := soko.Unconfirmed(checks, p.Confirmed); len(missing) > 0 {
			ja, en := make([]string, len(missing)), make([]string, len(missing))
			for i, c := range missing {
				ja[i], en[i] = c.Label.JA, c.Label.EN
			}
			bad := soko.Errorf(soko.ECONFLICT, "confirm the gift options and inserts first: %s", strings.Join(en, "; ")).
				JA("ギフト・同梱物の確認が済んでいません：%s", strings.Join(ja, "、"))
			for _, c := range missing {
				bad.WithField("confirmed", c.Key)
			}
			return bad
		}
		// The parcels must weigh what the boxes, the group's goods and the
		// inserts weigh, or the packer confirms the scale.
		inserts, err := insertItems(tx, checks)
		if err != nil {
			return err
		}
		boxes, err := db.boxTypes(tx.Statement.Context, tx)
		if err != nil {
			return err
		}
		if boxes, err = parcelBoxes(tx, p.Parcels, boxes); err != nil {
			return err
		}
		weightNote, err := soko.CheckPackWeight(append(goods, inserts...), boxes, p.Parcels, p.ConfirmWeight)
		if err != nil {
			return err
		}
		inserted, err := takeInserts(tx, db.dialect, o, checks, p.StaffID, now)
		if err != nil {
			return err
		}
		if err := insertParcels(tx, o, p.Parcels); err != nil {
			return err
		}
		note := strings.TrimPrefix(strings.Join([]string{weightNote, checkedNote(checks, inserted)}, "; "), "; ")
		if err := setLockedStatusBy(tx, o, soko.ActionPack, soko.OrderInspected, p.StaffID, p.Device, strings.TrimSuffix(note, "; "), now); err != nil {
			return err
		}
		return carryGroup(tx, o, members, soko.ActionPack, soko.OrderInspected, p.StaffID, p.Device, "", now)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// parcelBoxes returns boxes (the box types as read or kept) with those of
// parcels it lacks read from the database, where another server may have
// just added one; a box nobody added is refused.
func parcelBoxes(tx *gorm.DB, parcels []soko.PackedParcel, boxes []soko.BoxType) ([]soko.BoxType, error) {
	has := func(code string) bool {
		return slices.ContainsFunc(boxes, func(b soko.BoxType) bool { return b.Code == code })
	}
	var unseen []string
	for _, pc := range parcels {
		if !has(pc.BoxCode) {
			unseen = append(unseen, pc.BoxCode)
		}
	}
	if len(unseen) > 0 {
		var rows []boxTypeRow
		if err := tx.Where("code IN ?", unseen).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			boxes = append(boxes, r.boxType())
		}
	}
	for _, pc := range parcels {
		if !has(pc.BoxCode) {
			return nil, soko.Errorf(soko.EINVALID, "no box type %s", pc.BoxCode).JA("箱 %s は登録されていません", pc.BoxCode)
		}
	}
	return boxes, nil
}

// insertParcels writes the parcels an order is packed into, numbered from
// 1, in one statement; their boxes are known (parcelBoxes).
func insertParcels(tx *gorm.DB, o *soko.Order, parcels []soko.PackedParcel) error {
	if len(parcels) == 0 {
		return nil
	}
	rows := make([]parcelRow, len(parcels))
	for i, pc := range parcels {
		rows[i] = parcelRow{OrderID: o.ID, Seq: i + 1, BoxType: pc.BoxCode, WeightGrams: pc.WeightGrams, Carrier: o.Carrier, Service: o.Service}
	}
	return tx.Create(&rows).Error
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

// BoxTypes returns the cartons the station can choose, smallest first.
// Each server keeps them beside the ship calendar (settingsCache).
func (db *DB) BoxTypes(ctx context.Context) ([]soko.BoxType, error) {
	return db.boxTypes(ctx, db.conn(ctx))
}

// boxTypes is BoxTypes read, when not kept, through g: a transaction's
// own connection inside it.
func (db *DB) boxTypes(ctx context.Context, g *gorm.DB) ([]soko.BoxType, error) {
	boxes, err := keptSetting(ctx, db, g, boxesKept, "",
		func(g *gorm.DB) ([]soko.BoxType, error) {
			var rows []boxTypeRow
			if err := g.Order("inner_length_mm * inner_width_mm * inner_height_mm, code").Find(&rows).Error; err != nil {
				return nil, err
			}
			out := make([]soko.BoxType, len(rows))
			for i, r := range rows {
				out[i] = r.boxType()
			}
			return out, nil
		}, slices.Clone)
	return boxes, translate(err)
}

// PackItems returns what goes into an order's parcels with sizes and
// weights: its products and, until it is packed, the inserts its
// checklist adds, which take room and weigh on the scale too.
func (db *DB) PackItems(ctx context.Context, orderID int64) ([]soko.PackItem, error) {
	v, err := db.StationView(ctx, orderID)
	if err != nil {
		return nil, err
	}
	return v.Items, nil
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
