package soko

import "time"

// Parcel is one box of an order (個口) with its carrier and tracking number.
type Parcel struct {
	ID             int64
	OrderID        int64
	Seq            int // 1..n of the order's parcels
	BoxType        string
	WeightGrams    int
	Carrier        string
	Service        string
	TrackingNumber string // unique across carriers
	LabelPrinted   bool
	ManifestID     int64
	HandedOverAt   time.Time
}

// BoxType is a carton the packing station can choose.
type BoxType struct {
	ID             int64
	Code           string
	Name           string
	InnerLengthMM  int
	InnerWidthMM   int
	InnerHeightMM  int
	MaxWeightGrams int
	TareGrams      int
	SizeClass      int // carrier size 60, 80, 100, 120, 140, 160
	// Thin boxes go by a post-box service (ネコポス, ゆうパケット) named in
	// Service; InnerHeightMM is that service's thickness limit.
	Thin    bool
	Service string
}

// Volume is the box's inner volume in cubic millimetres.
func (b *BoxType) Volume() int64 {
	return int64(b.InnerLengthMM) * int64(b.InnerWidthMM) * int64(b.InnerHeightMM)
}

// ShipmentFilter selects a merchant's shipments; zero fields match everything.
// Page.UpdatedSince is when the parcel was handed over.
type ShipmentFilter struct {
	MerchantID    int64
	OrderNumber   string
	ShippedBefore time.Time
	// Undelivered keeps the parcels not delivered yet; with ShippedBefore,
	// those that have been on their way too long.
	Undelivered bool
	Page
}

// Shipment is a parcel that left with its carrier, as a merchant sees it.
type Shipment struct {
	ParcelID       int64
	OrderNumber    string
	Parcel         int
	Parcels        int
	Carrier        string
	Service        string
	TrackingNumber string
	ShippedAt      time.Time
	// ChangeSeq is the parcel's place in the change feed (see Change).
	ChangeSeq int64
	// DeliveryStatus is the latest status the carrier reported, at
	// DeliveryStatusAt; "" until it reports one.
	DeliveryStatus   DeliveryStatus
	DeliveryStatusAt time.Time
	Events           []TrackingEvent // oldest first
}

// PackRequest is the packer's confirmed parcels for an inspected order.
type PackRequest struct {
	OrderID int64
	StaffID int64
	Device  string
	Parcels []PackedParcel
	// ConfirmWeight is the packer's word that the parcels weigh what the
	// scale says though it is off by more than the tolerance
	// (CheckPackWeight); the order's history then notes it ("weight 850 g,
	// expected 750 g, confirmed"), and the supervisors' exceptions count
	// it.
	ConfirmWeight bool
	// Confirmed are the keys of the checklist items (PackChecks) the
	// packer ticked: every gift option and insert must be among them.
	Confirmed []string
}

// PackedParcel is one box the packer closed, with its scale weight.
type PackedParcel struct {
	BoxCode     string
	WeightGrams int
}
