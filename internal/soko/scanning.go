package soko

import (
	"cmp"
	"slices"
	"time"
)

// ScanRecord is a scan's first answer, kept by its client-made id so that a
// scan the handheld sends again after a dropped connection is applied once.
type ScanRecord struct {
	ScanID     string
	StatusCode int
	Response   []byte
}

// ErrScanSeen is returned for a scan whose id was applied before: the caller
// answers with the first answer instead.
var ErrScanSeen = Errorf(ECONFLICT, "scan already applied").JA("このスキャンは処理済みです")

// ScannedItem is what a barcode scans as: a product and how many units one scan counts.
type ScannedItem struct {
	Product      *Product
	MerchantCode string
	Units        int
}

// Receipt is one scan of goods arriving, resolved to a product.
type Receipt struct {
	ScanID     string
	Code       string
	StaffID    int64
	Device     string
	InboundID  int64 // 0 when receiving without an advance notice
	MerchantID int64
	ProductID  int64
	Units      int
	Lot        string
	Expiry     time.Time
}

// ReceiptResult says what a receipt did to its inbound line.
type ReceiptResult struct {
	Expected    int
	Received    int
	OverReceipt bool
}

// Move is goods going from one location to another (put-away).
type Move struct {
	ScanID    string
	Code      string
	StaffID   int64
	Device    string
	ProductID int64
	Lot       string
	Units     int
	From, To  string // location codes
}

// Count is what a counter found at a location; products there that are not
// listed were not found.
type Count struct {
	ScanID   string
	StaffID  int64
	Device   string
	Location string
	Reason   string
	Lines    []CountLine
}

// CountLine is one product and lot found at the counted location.
type CountLine struct {
	ProductID int64
	Lot       string
	Quantity  int
}

// CountResult is what a count changed.
type CountResult struct {
	Lines       []CountDifference
	Short       []string // orders marked short because their units were not there
	Reallocated []string // orders allocated elsewhere instead
}

// CountDifference is one stock row before and after a count.
type CountDifference struct {
	SKU, Name, Lot  string
	Before, Counted int
}

// LowStock is a product whose available units fell to its reorder point.
type LowStock struct {
	MerchantCode string
	SKU, Name    string
	Available    int // units that can be promised: on hand − allocated − held
	ReorderPoint int
	Out          bool    // ran out, and has not been back
	DailyDemand  float64 // units allocated per day, on average over the last weeks
}

// DaysOfCover is how many days Available lasts at DailyDemand; false
// without demand.
func (l LowStock) DaysOfCover() (float64, bool) {
	if l.DailyDemand <= 0 {
		return 0, false
	}
	return float64(l.Available) / l.DailyDemand, true
}

// SortLowStock puts the most urgent first: products that ran out, then
// the fewest days of cover, those without demand last.
func SortLowStock(ls []LowStock) {
	slices.SortStableFunc(ls, func(a, b LowStock) int {
		if a.Out != b.Out {
			if a.Out {
				return -1
			}
			return 1
		}
		da, oka := a.DaysOfCover()
		db, okb := b.DaysOfCover()
		switch {
		case oka && okb:
			return cmp.Compare(da, db)
		case oka:
			return -1
		case okb:
			return 1
		}
		return cmp.Compare(a.Available, b.Available)
	})
}
