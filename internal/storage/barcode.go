package storage

import (
	"context"

	"github.com/soko-wms/soko/internal/soko"
)

// ScannedItems returns what a code scans as: products with that barcode
// (GTIN) or that SKU, of one merchant, or of every merchant when merchantID is 0.
func (db *DB) ScannedItems(ctx context.Context, merchantID int64, gtin, sku string) ([]soko.ScannedItem, error) {
	units := map[int64]int{}
	if gtin != "" {
		var codes []productBarcodeRow
		q := db.conn(ctx).Where("code = ?", gtin)
		if merchantID != 0 {
			q = q.Where("merchant_id = ?", merchantID)
		}
		if err := q.Find(&codes).Error; err != nil {
			return nil, translate(err)
		}
		for _, c := range codes {
			units[c.ProductID] = c.PackQuantity
		}
	}
	var rows []productRow
	q := db.conn(ctx).Where("id IN ?", append(keysOfInts(units), 0))
	if sku != "" {
		q = q.Or("sku = ?", sku)
	}
	if err := q.Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	merchants := map[int64]bool{}
	for _, r := range rows {
		merchants[r.MerchantID] = true
	}
	var ms []merchantRow
	if err := db.conn(ctx).Where("id IN ?", append(keys(merchants), 0)).Find(&ms).Error; err != nil {
		return nil, translate(err)
	}
	codes := map[int64]string{}
	for _, m := range ms {
		codes[m.ID] = m.Code
	}
	var out []soko.ScannedItem
	for _, r := range rows {
		if merchantID != 0 && r.MerchantID != merchantID {
			continue
		}
		n := units[r.ID]
		if n == 0 {
			n = 1
		}
		out = append(out, soko.ScannedItem{Product: r.product(), MerchantCode: codes[r.MerchantID], Units: n})
	}
	return out, nil
}

func keysOfInts(m map[int64]int) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// ProductsAt returns the ids of products with stock rows at a location, to
// tell apart merchants' products that share a barcode.
func (db *DB) ProductsAt(ctx context.Context, location string) (map[int64]bool, error) {
	var ids []int64
	err := db.conn(ctx).Table("stock").Joins("JOIN locations ON locations.id = stock.location_id").
		Where("locations.code = ?", location).Pluck("stock.product_id", &ids).Error
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, translate(err)
}
