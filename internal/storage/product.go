package storage

import (
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type productRow struct {
	ID          int64
	MerchantID  int64
	SKU         string `gorm:"column:sku"`
	Name        string
	Price       int64
	TaxRate     int
	WeightGrams int
	LengthMM    int `gorm:"column:length_mm"`
	WidthMM     int `gorm:"column:width_mm"`
	HeightMM    int `gorm:"column:height_mm"`
	TrackLot    bool
	TrackExpiry bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (productRow) TableName() string { return "products" }

type productBarcodeRow struct {
	ID           int64
	MerchantID   int64
	ProductID    int64
	Code         string
	PackQuantity int
}

func (productBarcodeRow) TableName() string { return "product_barcodes" }

// createProduct stores a merchant's product and its barcodes and sets its ID.
func createProduct(tx *gorm.DB, p *soko.Product, now time.Time) error {
	p.UpdatedAt = now
	row := productRow{
		MerchantID: p.MerchantID, SKU: p.SKU, Name: p.Name, Price: p.Price, TaxRate: p.TaxRate,
		WeightGrams: p.WeightGrams, LengthMM: p.LengthMM, WidthMM: p.WidthMM, HeightMM: p.HeightMM,
		TrackLot: p.TrackLot, TrackExpiry: p.TrackExpiry, CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.Create(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.Errorf(soko.ECONFLICT, "product %s already exists", p.SKU).JA("商品 %s はすでに登録されています", p.SKU)
		}
		return err
	}
	p.ID = row.ID
	for _, b := range p.Barcodes {
		br := productBarcodeRow{MerchantID: p.MerchantID, ProductID: p.ID, Code: b.Code, PackQuantity: b.PackQuantity}
		if err := tx.Create(&br).Error; err != nil {
			if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
				return soko.Errorf(soko.ECONFLICT, "barcode %s is already used by another product", b.Code).
					JA("バーコード %s は別の商品で使われています", b.Code)
			}
			return err
		}
	}
	return nil
}
