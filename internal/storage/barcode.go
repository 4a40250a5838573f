package storage

import (
	"cmp"
	"context"
	"slices"

	"github.com/soko-wms/soko/internal/soko"
)

// scannedRow is a product a scanned code names, with its merchant's code
// and the units of the barcode's pack (0 when named by its SKU).
type scannedRow struct {
	Product      productRow `gorm:"embedded"`
	MerchantCode string
	Units        int
}

// ScannedItems returns what a code scans as: products with that barcode
// (GTIN) or that SKU, of one merchant, or of every merchant when merchantID is 0.
func (db *DB) ScannedItems(ctx context.Context, merchantID int64, gtin, sku string) ([]soko.ScannedItem, error) {
	// One statement: the products the barcode names (with the units of its
	// pack) and the product the SKU names, each with its merchant's code.
	byCode := `SELECT p.*, m.code AS merchant_code, b.pack_quantity AS units
		FROM product_barcodes b JOIN products p ON p.id = b.product_id JOIN merchants m ON m.id = p.merchant_id
		WHERE b.code = ?`
	args := []any{gtin}
	if merchantID != 0 {
		byCode += ` AND b.merchant_id = ?`
		args = append(args, merchantID)
	}
	bySKU := `SELECT p.*, m.code AS merchant_code, 0 AS units
		FROM products p JOIN merchants m ON m.id = p.merchant_id WHERE p.sku = ?`
	var q string
	switch {
	case gtin != "" && sku != "":
		q, args = byCode+" UNION ALL "+bySKU, append(args, sku)
	case gtin != "":
		q = byCode
	case sku != "":
		q, args = bySKU, []any{sku}
	default:
		return nil, nil
	}
	var rows []scannedRow
	if err := db.conn(ctx).Raw(q, args...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	// A product the barcode and the SKU both name counts once, with its
	// pack's units.
	slices.SortStableFunc(rows, func(a, b scannedRow) int {
		return cmp.Or(cmp.Compare(a.Product.ID, b.Product.ID), cmp.Compare(b.Units, a.Units))
	})
	var out []soko.ScannedItem
	for i, r := range rows {
		if merchantID != 0 && r.Product.MerchantID != merchantID || i > 0 && rows[i-1].Product.ID == r.Product.ID {
			continue
		}
		out = append(out, soko.ScannedItem{Product: r.Product.product(), MerchantCode: r.MerchantCode, Units: max(r.Units, 1)})
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
