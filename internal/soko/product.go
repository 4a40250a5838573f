package soko

import "time"

// KeepReorderPoint, as a Product's ReorderPoint given to PutProduct, keeps
// the reorder point the product has (0 for a new product): a catalogue sync
// that does not send one must not switch the warehouse's alert off.
const KeepReorderPoint = -1

// Product is one SKU a merchant keeps in the warehouse.
type Product struct {
	ID          int64
	MerchantID  int64
	SKU         string
	Name        string
	Price       int64 // yen, tax included
	TaxRate     int   // 10, or 8 for food (軽減税率)
	WeightGrams int
	LengthMM    int
	WidthMM     int
	HeightMM    int
	TrackLot    bool
	TrackExpiry bool
	// ReorderPoint raises a low-stock alert when available units fall to it; 0 never.
	// KeepReorderPoint asks PutProduct to keep the one stored.
	ReorderPoint int
	// StockBuffer is how many units are kept back from the sales
	// channels (安全在庫); nil keeps back the merchant's default.
	StockBuffer *int
	// KeepStockBuffer asks PutProduct to keep the buffer the product has
	// (the merchant's default for a new one): a catalogue sync that does
	// not send one must not reset it.
	KeepStockBuffer bool
	Barcodes        []ProductBarcode
	UpdatedAt       time.Time
	// Archived products keep their stock and history, but new orders
	// cannot name them. Archive, when set, asks PutProduct to archive
	// (true) or restore (false) the product; nil keeps it as it is.
	Archived bool
	Archive  *bool
}

// ProductBarcode is a code that scans as a product; a case code counts PackQuantity units.
type ProductBarcode struct {
	Code         string
	PackQuantity int
}

// ValidTaxRate reports whether r is a Japanese consumption tax rate soko prints.
func ValidTaxRate(r int) bool { return r == 10 || r == 8 }
