package soko

import "time"

// InboundStatus is where an advance shipping notice (入荷予定) stands.
type InboundStatus string

// The inbound statuses.
const (
	InboundExpected  InboundStatus = "expected"
	InboundReceiving InboundStatus = "receiving"
	InboundReceived  InboundStatus = "received"
	// InboundCancelled is an inbound the merchant cancelled before
	// receiving started; the floor does not receive against it.
	InboundCancelled InboundStatus = "cancelled"
)

// Inbound is goods a merchant announced are coming (ASN).
type Inbound struct {
	ID           int64
	MerchantID   int64
	Number       string
	ExpectedDate time.Time
	// Reference is the merchant's own: its supplier's delivery note or
	// purchase number, printed on the inbound sheet.
	Reference string
	Status    InboundStatus
	Lines     []InboundLine
	// Receipts are what the warehouse received against the inbound, per
	// product and lot, as the stock ledger recorded it.
	Receipts  []InboundReceipt
	CreatedAt time.Time
	UpdatedAt time.Time
	// ChangeSeq is the inbound's place in the change feed (see Change).
	ChangeSeq int64
}

// InboundLine is one product expected on an inbound, and how many came.
type InboundLine struct {
	ID          int64
	ProductID   int64
	SKU         string
	Name        string
	TrackLot    bool
	TrackExpiry bool
	Quantity    int
	Received    int
	Lot         string
	Expiry      time.Time
}

// InboundFilter selects a merchant's inbounds; zero fields match everything.
type InboundFilter struct {
	MerchantID int64
	Status     InboundStatus
	// CreatedSince and CreatedBefore bound when soko was told of the inbound.
	CreatedSince, CreatedBefore time.Time
	Page
}

// InboundReceipt is how many units of one product and lot were received
// against an inbound.
type InboundReceipt struct {
	ProductID int64
	Lot       string
	Units     int
}

// DiscrepancyKind is how a receipt differs from its inbound notice.
type DiscrepancyKind string

// The discrepancies a merchant is shown.
const (
	DiscrepancyOver     DiscrepancyKind = "over"
	DiscrepancyShort    DiscrepancyKind = "short"
	DiscrepancyWrongLot DiscrepancyKind = "wrong_lot"
)

// InboundDiscrepancy is one way receiving differs from the notice: a line
// over or short (Lot the line's), or units of a lot no line of the product
// names (Lot the one received, Expected 0).
type InboundDiscrepancy struct {
	Kind     DiscrepancyKind
	SKU      string
	Lot      string
	Expected int
	Received int
}

// Discrepancies are how receiving has so far differed from the notice:
// lines over what they expect, lots received that the merchant announced
// none of for the product (only for products whose lines all name a lot,
// and units received with a lot: a product the floor does not track by
// lot is received without one), and, once the inbound is received, lines
// short.
func (in *Inbound) Discrepancies() []InboundDiscrepancy {
	out := []InboundDiscrepancy{}
	lots := map[int64]map[string]bool{}
	sku := map[int64]string{}
	for _, l := range in.Lines {
		sku[l.ProductID] = l.SKU
		if _, seen := lots[l.ProductID]; !seen {
			lots[l.ProductID] = map[string]bool{}
		}
		lots[l.ProductID][l.Lot] = true
		switch {
		case l.Received > l.Quantity:
			out = append(out, InboundDiscrepancy{Kind: DiscrepancyOver, SKU: l.SKU, Lot: l.Lot, Expected: l.Quantity, Received: l.Received})
		case l.Received < l.Quantity && in.Status == InboundReceived:
			out = append(out, InboundDiscrepancy{Kind: DiscrepancyShort, SKU: l.SKU, Lot: l.Lot, Expected: l.Quantity, Received: l.Received})
		}
	}
	for _, r := range in.Receipts {
		named, ok := lots[r.ProductID]
		if !ok || r.Lot == "" || named[""] || named[r.Lot] || r.Units <= 0 {
			continue
		}
		out = append(out, InboundDiscrepancy{Kind: DiscrepancyWrongLot, SKU: sku[r.ProductID], Lot: r.Lot, Received: r.Units})
	}
	return out
}
