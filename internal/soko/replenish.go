package soko

import (
	"math"
	"strings"
	"time"
)

// Supplier is a merchant's supplier (仕入先): who it buys a product from,
// how long an order takes to arrive and in what quantities it may order.
type Supplier struct {
	ID           int64
	MerchantID   int64
	Code         string
	Name         string
	LeadTimeDays int
	// MinOrderQty is the least a line may order; OrderMultiple the pack
	// quantity every line is a multiple of (a case of 12).
	MinOrderQty   int
	OrderMultiple int
	Contact       string // who to send the purchase order to: name, phone, email
	// SKUs are the products bought from the supplier, by SKU.
	SKUs      []string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks a supplier's fields, naming each bad one.
func (s *Supplier) Validate() error {
	var fields []FieldError
	if strings.TrimSpace(s.Code) == "" || len(s.Code) > 64 {
		fields = append(fields, FieldError{Field: "supplier_code", Message: "1 to 64 characters"})
	}
	if strings.TrimSpace(s.Name) == "" || len([]rune(s.Name)) > 200 {
		fields = append(fields, FieldError{Field: "name", Message: "1 to 200 characters"})
	}
	if s.LeadTimeDays < 0 || s.LeadTimeDays > 365 {
		fields = append(fields, FieldError{Field: "lead_time_days", Message: "0 to 365 days"})
	}
	if s.MinOrderQty < 1 {
		fields = append(fields, FieldError{Field: "min_order_qty", Message: "at least 1"})
	}
	if s.OrderMultiple < 1 {
		fields = append(fields, FieldError{Field: "order_multiple", Message: "at least 1"})
	}
	if len(fields) > 0 {
		e := Errorf(EINVALID, "the supplier has invalid fields").JA("仕入先の項目に誤りがあります")
		e.Fields = fields
		return e
	}
	return nil
}

// ReplenishmentSettings are a merchant's rules for reorder suggestions.
type ReplenishmentSettings struct {
	// ReviewDays is how often the merchant orders: stock must last from
	// this order's arrival until the next order's.
	ReviewDays int
	// SafetyDays of demand are kept as safety stock against late
	// deliveries and busy days.
	SafetyDays int
	// WindowDays is how far back demand is averaged.
	WindowDays int
	// AutoOrder raises the suggestions each morning as draft purchase
	// orders waiting for approval (自動発注).
	AutoOrder bool
}

// DefaultReplenishmentSettings are a merchant's settings until it sets its own:
// weekly orders, three days of safety stock, four weeks of demand.
var DefaultReplenishmentSettings = ReplenishmentSettings{ReviewDays: 7, SafetyDays: 3, WindowDays: 28}

// Validate checks the settings, naming each bad field.
func (s ReplenishmentSettings) Validate() error {
	var fields []FieldError
	if s.ReviewDays < 0 || s.ReviewDays > 365 {
		fields = append(fields, FieldError{Field: "review_days", Message: "0 to 365 days"})
	}
	if s.SafetyDays < 0 || s.SafetyDays > 365 {
		fields = append(fields, FieldError{Field: "safety_days", Message: "0 to 365 days"})
	}
	if err := ValidateDemandWindow(s.WindowDays); err != nil {
		fields = append(fields, FieldError{Field: "window_days", Message: "1 to 365 days"})
	}
	if len(fields) > 0 {
		e := Errorf(EINVALID, "the replenishment settings have invalid fields").JA("発注設定の項目に誤りがあります")
		e.Fields = fields
		return e
	}
	return nil
}

// ValidateDemandWindow checks a demand window of days.
func ValidateDemandWindow(days int) error {
	if days < 1 || days > 365 {
		return Errorf(EINVALID, "the demand window is 1 to 365 days").JA("需要の集計期間は1〜365日です").WithField("window_days", "1 to 365 days")
	}
	return nil
}

// ReorderInput is what a product's reorder suggestion is worked out from.
type ReorderInput struct {
	// ShippedUnits were picked for orders within the window, and
	// AllocatedUnits are promised to orders not yet picked: together the
	// demand the window saw.
	ShippedUnits, AllocatedUnits int
	WindowDays                   int
	// Available is on hand and not promised to orders (on hand −
	// allocated, with units still to put away); Inbound is announced
	// but not yet received.
	Available, Inbound int
	LeadTimeDays       int
	ReviewDays         int
	SafetyDays         int
	MinOrderQty        int
	OrderMultiple      int
}

// ReorderFigures are a product's reorder suggestion and the figures it
// comes from.
type ReorderFigures struct {
	// DailyDemand is the average units a day over the window.
	DailyDemand float64
	// DaysOfCover is how many days Available lasts at that demand; -1
	// without demand (it lasts for ever).
	DaysOfCover float64
	// SafetyStock is SafetyDays of demand, rounded up.
	SafetyStock int
	// Target is what must be available or coming to last until the
	// next order's goods arrive: demand over lead time + review period,
	// plus the safety stock, rounded up.
	Target int
	// Quantity is what to order: 0, or the shortfall rounded up to the
	// order multiple and to at least the minimum order.
	Quantity int
}

// SuggestReorder works out what to order of a product:
//
//	daily demand  = (shipped + allocated) / window days
//	days of cover = available / daily demand
//	safety stock  = ⌈daily demand × safety days⌉
//	target        = ⌈daily demand × (lead time + review days)⌉ + safety stock
//	shortfall     = target − (available + inbound)
//	quantity      = 0 if shortfall ≤ 0, else
//	                max(shortfall, minimum order) rounded up to the order multiple
//
// For example 120 shipped and 20 allocated over 28 days is 5 a day; with
// 30 available it covers 6 days. A supplier with 10 days' lead time,
// ordered from weekly (review 7) with 3 days' safety stock (15), gives a
// target of 5 × 17 + 15 = 100; with 12 already inbound the shortfall is
// 100 − 42 = 58, ordered in cases of 12 as 60 (the minimum of 48 is met).
func SuggestReorder(in ReorderInput) ReorderFigures {
	var f ReorderFigures
	if in.WindowDays > 0 {
		f.DailyDemand = float64(max(in.ShippedUnits+in.AllocatedUnits, 0)) / float64(in.WindowDays)
	}
	f.DaysOfCover = -1
	if f.DailyDemand > 0 {
		f.DaysOfCover = float64(max(in.Available, 0)) / f.DailyDemand
	}
	f.SafetyStock = ceil(f.DailyDemand * float64(in.SafetyDays))
	f.Target = ceil(f.DailyDemand*float64(in.LeadTimeDays+in.ReviewDays)) + f.SafetyStock
	short := f.Target - (max(in.Available, 0) + max(in.Inbound, 0))
	if short <= 0 || f.DailyDemand == 0 {
		return f
	}
	q := max(short, in.MinOrderQty, 1)
	if m := max(in.OrderMultiple, 1); q%m != 0 {
		q += m - q%m
	}
	f.Quantity = q
	return f
}

// ceil rounds up, forgiving the float error of a whole number (5 × 17
// worked out as 85.00000000001 is 85).
func ceil(x float64) int { return int(math.Ceil(x - 1e-9)) }

// ReorderSuggestion is a product's reorder suggestion with where it stands.
type ReorderSuggestion struct {
	ProductID int64
	SKU       string
	Name      string
	Supplier  *Supplier // nil when the product has no supplier yet
	OnHand    int
	Available int
	Inbound   int
	// Drafted units wait on a draft purchase order.
	Drafted      int
	ReorderPoint int
	ReorderFigures
}

// PurchaseOrderStatus is where a purchase order (発注書) stands.
type PurchaseOrderStatus string

// The purchase order statuses.
const (
	// PurchaseDraft was raised by the morning job and waits for approval.
	PurchaseDraft PurchaseOrderStatus = "draft"
	// PurchaseOrdered was approved: its inbound notice waits for the goods.
	PurchaseOrdered   PurchaseOrderStatus = "ordered"
	PurchaseCancelled PurchaseOrderStatus = "cancelled"
)

// PurchaseOrder is what a merchant orders from a supplier (発注書).
type PurchaseOrder struct {
	ID           int64
	MerchantID   int64
	Number       string
	Supplier     Supplier
	Status       PurchaseOrderStatus
	ExpectedDate time.Time
	// InboundNumber is the inbound notice (入荷予定) ordering created; the
	// floor receives against it.
	InboundNumber string
	// InboundStatus is where receiving of it stands.
	InboundStatus InboundStatus
	// Auto tells a draft the morning job raised.
	Auto      bool
	OrderedBy string
	Lines     []PurchaseOrderLine
	CreatedAt time.Time
	OrderedAt time.Time
}

// PurchaseOrderLine is one product of a purchase order.
type PurchaseOrderLine struct {
	ProductID int64
	SKU       string
	Name      string
	Quantity  int
	Received  int
}

// Units is the purchase order's total quantity.
func (p *PurchaseOrder) Units() int {
	n := 0
	for _, l := range p.Lines {
		n += l.Quantity
	}
	return n
}

// PurchaseRequest asks to order from a supplier: the given lines, or
// without lines every product of the supplier whose suggestion is above 0.
type PurchaseRequest struct {
	MerchantID   int64
	SupplierCode string
	Lines        []PurchaseOrderLine // SKU and Quantity
	// ExpectedDate is when the goods are due; zero means today + the
	// supplier's lead time.
	ExpectedDate time.Time
	// OrderedBy is who accepted: a staff name, or "API".
	OrderedBy  string
	WindowDays int
}

// ChartPoint is a product's stock on one day: history from the ledger, or
// projected.
type ChartPoint struct {
	Day   time.Time
	Units int
}

// ProjectStock projects a product's available units day by day from today
// for days days: each day takes the daily demand, and goods arrive on
// their day (arrivals on or before today count today). It never goes below
// zero: what cannot be shipped is not stock.
func ProjectStock(today time.Time, available int, dailyDemand float64, arrivals []ChartPoint, days int) []ChartPoint {
	today = WorkDay(today)
	out := make([]ChartPoint, 0, days+1)
	level := float64(max(available, 0))
	for d := 0; d <= days; d++ {
		day := today.AddDate(0, 0, d)
		if d > 0 {
			level = math.Max(level-dailyDemand, 0)
		}
		for _, a := range arrivals {
			at := WorkDay(a.Day)
			if at.Equal(day) || (d == 0 && at.Before(today)) {
				level += float64(a.Units)
			}
		}
		out = append(out, ChartPoint{Day: day, Units: int(math.Round(level))})
	}
	return out
}
