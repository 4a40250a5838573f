package soko

import (
	"cmp"
	"slices"
)

// ScanRecord is a scan's first answer, kept by its client-made id so that a
// scan the handheld sends again after a dropped connection is applied once.
type ScanRecord struct {
	ScanID     string
	Step       string // pick, inspect, …: the step the scan was sent to
	StaffID    int64  // who scanned, on which handheld
	Device     string
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
