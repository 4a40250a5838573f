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
	// Components make the product a set (セット商品): selling one
	// allocates, picks and inspects so many of each. KeepComponents asks
	// PutProduct to keep the ones stored.
	Components     []Component
	KeepComponents bool
}

// Component is one product of a set and how many go into one set.
type Component struct {
	ProductID int64
	SKU       string
	Name      string
	Quantity  int
}

// SetAvailable is how many sets the components' available units make:
// the fewest whole sets any one component allows; available maps each
// component's product to its units.
func SetAvailable(components []Component, available map[int64]int) int {
	n := -1
	for _, c := range components {
		if c.Quantity < 1 {
			continue
		}
		k := max(available[c.ProductID], 0) / c.Quantity
		if n < 0 || k < n {
			n = k
		}
	}
	return max(n, 0)
}

// ProductBarcode is a code that scans as a product; a case code counts PackQuantity units.
type ProductBarcode struct {
	Code         string
	PackQuantity int
}

// ValidTaxRate reports whether r is a Japanese consumption tax rate soko prints.
func ValidTaxRate(r int) bool { return r == 10 || r == 8 }
