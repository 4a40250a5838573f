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
	Status       InboundStatus
	Lines        []InboundLine
	CreatedAt    time.Time
	UpdatedAt    time.Time
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
