package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// stationOrderRow is an order of a station's group with its merchant's
// code and name.
type stationOrderRow struct {
	Order               orderRow `gorm:"embedded"`
	StationMerchantCode string
	StationMerchantName string
}

// stationLineRow is a line of a station's group with its product's size.
type stationLineRow struct {
	ID, OrderID, ProductID      int64
	SKU, Name                   string
	Quantity, Inspected         int
	UnitPrice                   int64
	TaxRate                     int
	IsSet                       bool
	SetLineID                   *int64
	LengthMM, WidthMM, HeightMM int
	WeightGrams                 int
}

// StationView returns what the packing station shows of order id, read in
// four statements (five while its checklist counts): the group's orders
// with the merchant, their lines with the products' sizes, the merchant's
// inserts, the boxes (kept in memory: BoxTypes; on SQLite the count of
// settings changes is read instead). Read outside a transaction: on
// SQLite one would take the write lock.
func (db *DB) StationView(ctx context.Context, id int64) (*soko.StationView, error) {
	v, err := stationView(db.conn(ctx), id, db.now())
	if err != nil {
		return nil, translate(err)
	}
	if v.Boxes, err = db.BoxTypes(ctx); err != nil {
		return nil, err
	}
	return v, nil
}

func stationView(tx *gorm.DB, id int64, now time.Time) (*soko.StationView, error) {
	var rows []stationOrderRow
	if err := tx.Raw(`WITH g AS (SELECT COALESCE(consolidated_into, id) AS primary_id FROM orders WHERE id = ?)
		SELECT o.*, m.code AS station_merchant_code, m.name AS station_merchant_name
		FROM orders o JOIN g ON o.id = g.primary_id OR o.consolidated_into = g.primary_id JOIN merchants m ON m.id = o.merchant_id
		ORDER BY o.consolidated_into IS NOT NULL, o.id`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	v := &soko.StationView{}
	byID := map[int64]*soko.Order{}
	for _, r := range rows {
		o := r.Order.order()
		byID[o.ID] = o
		v.Group = append(v.Group, o)
		if o.ID == id {
			v.Order = o
			v.Merchant = soko.Merchant{ID: o.MerchantID, Code: r.StationMerchantCode, Name: r.StationMerchantName}
		}
	}
	if v.Order == nil {
		return nil, soko.Errorf(soko.ENOTFOUND, "no order %d", id).JA("注文が見つかりません")
	}
	items, err := groupLines(tx, byID, id)
	if err != nil {
		return nil, err
	}
	v.Items = items
	if err := stationChecks(tx, v, now); err != nil {
		return nil, err
	}
	return v, nil
}

// groupLines reads the lines of the orders of a station's group (byID),
// with their products' sizes, onto each order's Lines, and returns what
// goes into the parcels of order id: its own goods and its group's, not
// its sets (whose components are lines of their own).
func groupLines(tx *gorm.DB, byID map[int64]*soko.Order, id int64) ([]soko.PackItem, error) {
	var lines []stationLineRow
	if err := tx.Raw(`SELECT l.id, l.order_id, l.product_id, p.sku, p.name, l.quantity, l.inspected, l.unit_price, l.tax_rate, l.is_set, l.set_line_id,
		p.length_mm, p.width_mm, p.height_mm, p.weight_grams
		FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id IN ? ORDER BY l.id`, keys(byID)).Scan(&lines).Error; err != nil {
		return nil, err
	}
	var items []soko.PackItem
	for _, l := range lines {
		o := byID[l.OrderID]
		o.Lines = append(o.Lines, soko.OrderLine{ID: l.ID, OrderID: l.OrderID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name,
			Quantity: l.Quantity, Inspected: l.Inspected, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate, IsSet: l.IsSet, SetLineID: deref(l.SetLineID)})
		if !l.IsSet && (o.ID == id || o.ConsolidatedInto == id) {
			items = append(items, soko.PackItem{ProductID: l.ProductID, Name: l.Name, LengthMM: l.LengthMM, WidthMM: l.WidthMM, HeightMM: l.HeightMM,
				WeightGrams: l.WeightGrams, Quantity: l.Quantity})
		}
	}
	return items, nil
}

// stationChecks adds the checklist of an order waiting to be packed, and
// the inserts it puts into the parcels, which take room and weigh on the
// scale too; a packed order's checklist is its gift options alone.
func stationChecks(tx *gorm.DB, v *soko.StationView, now time.Time) error {
	if s := v.Order.Status; s != soko.OrderPicked && s != soko.OrderInspected {
		v.Checks = soko.PackChecks(v.Order.Gift, nil)
		return nil
	}
	checks, err := packChecks(tx, v.Order, now)
	if err != nil {
		return err
	}
	v.Checks = checks
	inserts, err := insertItems(tx, checks)
	v.Items = append(v.Items, inserts...)
	return err
}

// insertItems are the inserts of a checklist as what goes into the
// parcels, with their products' sizes and weights.
func insertItems(tx *gorm.DB, checks []soko.PackCheck) ([]soko.PackItem, error) {
	var ids []int64
	for _, c := range checks {
		if c.Insert != nil {
			ids = append(ids, c.Insert.ProductID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var products []productRow
	if err := tx.Where("id IN ?", ids).Find(&products).Error; err != nil {
		return nil, err
	}
	var items []soko.PackItem
	for _, c := range checks {
		for _, p := range products {
			if c.Insert != nil && p.ID == c.Insert.ProductID {
				items = append(items, soko.PackItem{ProductID: p.ID, Name: p.Name, LengthMM: p.LengthMM, WidthMM: p.WidthMM, HeightMM: p.HeightMM,
					WeightGrams: p.WeightGrams, Quantity: c.Insert.Quantity})
			}
		}
	}
	return items, nil
}
