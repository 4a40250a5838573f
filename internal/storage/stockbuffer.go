package storage

import (
	"context"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// SetStockBuffer sets the units a merchant keeps back from its sales
// channels for every product without a buffer of its own, and returns the
// merchant. Those products' sellable figures change with it, in the feed too.
func (db *DB) SetStockBuffer(ctx context.Context, merchantID int64, units int) (*soko.Merchant, error) {
	if err := soko.ValidateStockBuffer("default_buffer", units); err != nil {
		return nil, err
	}
	var m *soko.Merchant
	err := db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&merchantRow{}).Where("id = ?", merchantID).Update("stock_buffer", units)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return merchantNotFound(merchantID)
		}
		var following []int64
		if err := tx.Table("products").Where("merchant_id = ? AND stock_buffer IS NULL", merchantID).Pluck("id", &following).Error; err != nil {
			return err
		}
		if err := noteProducts(tx, following...); err != nil {
			return err
		}
		var row merchantRow
		if err := tx.Where("id = ?", merchantID).Take(&row).Error; err != nil {
			return err
		}
		m = row.merchant()
		return nil
	})
	return m, err
}
