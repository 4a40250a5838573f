package storage

import (
	"context"

	"github.com/soko-wms/soko/internal/soko"
)

// ScannedItems returns what a code scans as: products with that barcode
// (GTIN) or that SKU, of one merchant, or of every merchant when merchantID is 0.
func (db *DB) ScannedItems(ctx context.Context, merchantID int64, gtin, sku string) ([]soko.ScannedItem, error) {
	var rows []struct {
		productRow
		Code  string
		Units int
	}
	q := db.conn(ctx).Table("products").
		Select("products.*, merchants.code, product_barcodes.pack_quantity AS units").
		Joins("JOIN merchants ON merchants.id = products.merchant_id").
		Joins("LEFT JOIN product_barcodes ON product_barcodes.product_id = products.id AND product_barcodes.code = ?", gtin).
		Where("product_barcodes.id IS NOT NULL OR products.sku = ?", sku)
	if merchantID != 0 {
		q = q.Where("products.merchant_id = ?", merchantID)
	}
	if err := q.Order("products.id").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.ScannedItem, len(rows))
	for i, r := range rows {
		units := r.Units
		if units == 0 {
			units = 1
		}
		out[i] = soko.ScannedItem{Product: r.productRow.product(), MerchantCode: r.Code, Units: units}
	}
	return out, nil
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
