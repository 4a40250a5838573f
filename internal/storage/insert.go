package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type insertRow struct {
	ID               int64
	MerchantID       int64
	Code             string
	Name             string
	ProductID        int64
	Quantity         int
	Rule             string
	MinTotal         int64
	TriggerProductID *int64
	ValidFrom        *time.Time
	ValidUntil       *time.Time
	Active           bool
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (insertRow) TableName() string { return "inserts" }

// insertSQL reads inserts with their products' SKUs and names.
const insertSQL = `SELECT i.id, i.merchant_id, i.product_id, i.code, i.name, i.rule, i.quantity, i.min_total, i.valid_from, i.valid_until,
	i.active, i.created_at, i.updated_at, p.sku AS sku, p.name AS product_name, COALESCE(t.sku, '') AS trigger_sku
	FROM inserts i JOIN products p ON p.id = i.product_id LEFT JOIN products t ON t.id = i.trigger_product_id`

type insertView struct {
	ID, MerchantID, ProductID    int64
	Code, Name, Rule             string
	Quantity                     int
	MinTotal                     int64
	ValidFrom, ValidUntil        *time.Time
	Active                       bool
	CreatedAt, UpdatedAt         time.Time
	SKU, ProductName, TriggerSKU string
}

func (r insertView) insert() soko.Insert {
	return soko.Insert{
		ID: r.ID, MerchantID: r.MerchantID, Code: r.Code, Name: r.Name, ProductID: r.ProductID, SKU: r.SKU,
		ProductName: r.ProductName, Quantity: r.Quantity, Rule: soko.InsertRule(r.Rule), MinTotal: r.MinTotal,
		TriggerSKU: r.TriggerSKU, ValidFrom: dateOf(r.ValidFrom), ValidUntil: dateOf(r.ValidUntil), Active: r.Active,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// dateOf is a DATE column as a date at midnight UTC, whatever zone the driver gave it.
func dateOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func nullDate(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

// PutInsert creates or replaces a merchant's insert by its code; its
// product and trigger product are the merchant's own, named by SKU.
func (db *DB) PutInsert(ctx context.Context, in *soko.Insert) (created bool, err error) {
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		skus := []string{in.SKU}
		if in.TriggerSKU != "" {
			skus = append(skus, in.TriggerSKU)
		}
		var products []productRow
		if err := tx.Where("merchant_id = ? AND sku IN ?", in.MerchantID, skus).Find(&products).Error; err != nil {
			return err
		}
		ids := map[string]int64{}
		for _, p := range products {
			ids[p.SKU] = p.ID
		}
		bad := soko.Errorf(soko.EINVALID, "unknown product").JA("未登録の商品です")
		if ids[in.SKU] == 0 {
			bad.WithField("sku", "unknown SKU "+in.SKU+" / 未登録の商品です")
		}
		if in.TriggerSKU != "" && ids[in.TriggerSKU] == 0 {
			bad.WithField("trigger_sku", "unknown SKU "+in.TriggerSKU+" / 未登録の商品です")
		}
		if len(bad.Fields) > 0 {
			return bad
		}
		row := insertRow{MerchantID: in.MerchantID, Code: in.Code, Name: in.Name, ProductID: ids[in.SKU], Quantity: in.Quantity,
			Rule: string(in.Rule), MinTotal: in.MinTotal, ValidFrom: nullDate(in.ValidFrom), ValidUntil: nullDate(in.ValidUntil),
			Active: in.Active, CreatedAt: now, UpdatedAt: now}
		if in.TriggerSKU != "" {
			id := ids[in.TriggerSKU]
			row.TriggerProductID = &id
		}
		var was insertRow
		err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND code = ?", in.MerchantID, in.Code).Take(&was).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			created = true
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			row.ID, row.CreatedAt = was.ID, was.CreatedAt
			if err := tx.Save(&row).Error; err != nil {
				return err
			}
		}
		in.ID, in.ProductID, in.CreatedAt, in.UpdatedAt = row.ID, row.ProductID, row.CreatedAt.UTC(), now
		return nil
	})
	return created, err
}

// ListInserts returns a merchant's inserts by code.
func (db *DB) ListInserts(ctx context.Context, merchantID int64) ([]soko.Insert, error) {
	return listInserts(db.conn(ctx), merchantID)
}

func listInserts(tx *gorm.DB, merchantID int64) ([]soko.Insert, error) {
	var rows []insertView
	if err := tx.Raw(insertSQL+` WHERE i.merchant_id = ? ORDER BY i.code`, merchantID).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.Insert, len(rows))
	for i, r := range rows {
		out[i] = r.insert()
	}
	return out, nil
}

// DeleteInsert removes a merchant's insert; the ledger lines of units
// already inserted stay.
func (db *DB) DeleteInsert(ctx context.Context, merchantID int64, code string) error {
	return db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Where("merchant_id = ? AND code = ?", merchantID, code).Delete(&insertRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return soko.Errorf(soko.ENOTFOUND, "no insert %s", code).JA("同梱物 %s は登録されていません", code)
		}
		return nil
	})
}

// PackChecks returns the checklist the packer confirms for an order: its
// gift options and the inserts its merchant's rules put into its box.
func (db *DB) PackChecks(ctx context.Context, orderID int64) ([]soko.PackCheck, error) {
	// Read outside a transaction: on SQLite one would take the write lock.
	checks, err := orderPackChecks(db.conn(ctx), orderID, db.now())
	return checks, translate(err)
}

func orderPackChecks(tx *gorm.DB, orderID int64, now time.Time) ([]soko.PackCheck, error) {
	var row orderRow
	if err := tx.Where("id = ?", orderID).Take(&row).Error; err != nil {
		return nil, err
	}
	o := row.order()
	if err := loadLines(tx, o); err != nil {
		return nil, err
	}
	return packChecks(tx, o, now)
}

// loadLines reads an order's lines with their SKUs, for the insert rules.
func loadLines(tx *gorm.DB, o *soko.Order) error {
	var lines []struct {
		ProductID int64
		SKU       string
		Quantity  int
		UnitPrice int64
	}
	if err := tx.Raw(`SELECT l.product_id, p.sku, l.quantity, l.unit_price FROM order_lines l JOIN products p ON p.id = l.product_id
		WHERE l.order_id = ? ORDER BY l.id`, o.ID).Scan(&lines).Error; err != nil {
		return err
	}
	o.Lines = o.Lines[:0]
	for _, l := range lines {
		o.Lines = append(o.Lines, soko.OrderLine{ProductID: l.ProductID, SKU: l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice})
	}
	return nil
}

// packChecks is the checklist of order o, whose lines are loaded, packed
// now: an insert is chosen only when its units are on the shelves, as a
// packer cannot put in what is not there.
func packChecks(tx *gorm.DB, o *soko.Order, now time.Time) ([]soko.PackCheck, error) {
	inserts, err := listInserts(tx, o.MerchantID)
	if err != nil {
		return nil, err
	}
	var picks []soko.InsertPick
	if len(inserts) > 0 {
		first, err := firstOrder(tx, o)
		if err != nil {
			return nil, err
		}
		in := soko.InsertOrder{GoodsTotal: o.GoodsTotal(), FirstOrder: first, Day: now.In(soko.JST)}
		for _, l := range o.Lines {
			in.SKUs = append(in.SKUs, l.SKU)
		}
		for _, p := range soko.InsertsFor(in, inserts) {
			var free int64
			if err := tx.Raw(`SELECT COALESCE(SUM(stock.on_hand - stock.allocated), 0) FROM stock JOIN locations ON locations.id = stock.location_id
				WHERE stock.product_id = ? AND locations.kind IN ('pick', 'reserve')
				AND NOT EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = stock.location_id AND ct.done_at IS NULL)`, p.ProductID).
				Scan(&free).Error; err != nil {
				return nil, err
			}
			if free >= int64(p.Quantity) {
				picks = append(picks, p)
			}
		}
	}
	return soko.PackChecks(o.Gift, picks), nil
}

// firstOrder reports whether o is its customer's first order with the
// merchant: no earlier order, cancelled ones aside, went to the same
// email, the same phone, or the same name at the same postal code.
func firstOrder(tx *gorm.DB, o *soko.Order) (bool, error) {
	r := o.Recipient
	var n int64
	err := tx.Table("orders").Where("merchant_id = ? AND id < ? AND status <> ?", o.MerchantID, o.ID, string(soko.OrderCancelled)).
		Where(tx.Where("? <> '' AND recipient_email = ?", r.Email, r.Email).
			Or("? <> '' AND recipient_phone = ?", r.Phone, r.Phone).
			Or("recipient_name = ? AND recipient_postal_code = ?", r.Name, r.PostalCode)).
		Count(&n).Error
	return n == 0, err
}

// takeInserts takes the chosen inserts' units off the shelves for an
// order being packed, nearest shelf first, each with its ledger line.
func takeInserts(tx *gorm.DB, dialect string, o *soko.Order, checks []soko.PackCheck, staffID int64, now time.Time) ([]string, error) {
	var done []string
	for _, c := range checks {
		p := c.Insert
		if p == nil {
			continue
		}
		// Locked in id order (see lockForNoKeyUpdate), taken along the walk.
		q := `SELECT stock.id, stock.on_hand - stock.allocated AS free, locations.walk_sequence
			FROM stock JOIN locations ON locations.id = stock.location_id
			WHERE stock.product_id = ? AND locations.kind IN ('pick', 'reserve') AND stock.on_hand > stock.allocated
			AND NOT EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = stock.location_id AND ct.done_at IS NULL)
			ORDER BY stock.id`
		if dialect == Postgres {
			q += ` FOR NO KEY UPDATE OF stock`
		}
		type shelf struct {
			ID           int64
			Free         int
			WalkSequence int
		}
		var rows []shelf
		if err := tx.Raw(q, p.ProductID).Scan(&rows).Error; err != nil {
			return nil, err
		}
		slices.SortStableFunc(rows, func(a, b shelf) int { return cmp.Compare(a.WalkSequence, b.WalkSequence) })
		left := p.Quantity
		for _, r := range rows {
			n := min(left, r.Free)
			if n <= 0 {
				break
			}
			if err := tx.Exec(`UPDATE stock SET on_hand = on_hand - ? WHERE id = ?`, n, r.ID).Error; err != nil {
				return nil, err
			}
			orderID := o.ID
			if err := tx.Create(&stockMovementRow{StockID: r.ID, Kind: string(soko.MovePick), OnHandDelta: -n, StaffID: nullID(staffID),
				Reason: "insert " + p.Code, DocumentType: "order", DocumentID: &orderID, CreatedAt: now}).Error; err != nil {
				return nil, err
			}
			left -= n
		}
		if left > 0 {
			return nil, soko.Errorf(soko.ECONFLICT, "insert %s (%s) ran out: pack again", p.Code, p.SKU).
				JA("同梱物 %s（%s）の在庫がなくなりました。もう一度梱包を確定してください", p.Code, p.SKU)
		}
		done = append(done, fmt.Sprintf("%s×%d", p.Code, p.Quantity))
	}
	return done, nil
}

// checkedNote is what the order's history keeps of a confirmed checklist.
func checkedNote(checks []soko.PackCheck, inserted []string) string {
	if len(checks) == 0 {
		return ""
	}
	keys := make([]string, 0, len(checks))
	for _, c := range checks {
		if c.Insert == nil {
			keys = append(keys, c.Key)
		}
	}
	note := "checked: " + strings.Join(keys, ", ")
	if len(inserted) > 0 {
		note += "; inserts: " + strings.Join(inserted, ", ")
	}
	return note
}
