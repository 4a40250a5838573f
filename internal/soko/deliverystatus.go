package soko

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// DeliveryStatus is where a parcel stands after it left the warehouse
// (配達状況), as its carrier reports it.
type DeliveryStatus string

// The delivery statuses. A parcel has none until its carrier reports one.
const (
	DeliveryInTransit      DeliveryStatus = "in_transit"       // 輸送中
	DeliveryOutForDelivery DeliveryStatus = "out_for_delivery" // 配達中
	DeliveryDelivered      DeliveryStatus = "delivered"        // 配達完了
	DeliveryAbsent         DeliveryStatus = "absent"           // 不在持戻り: a notice was left
	DeliveryHeld           DeliveryStatus = "held"             // 保管中: at a depot
	DeliveryReturning      DeliveryStatus = "returning"        // 返送中: on its way back to the sender
	DeliveryReturned       DeliveryStatus = "returned"         // 返送完了: back at the sender
)

// DeliveryStatuses are every status, in the order a parcel usually meets them.
var DeliveryStatuses = []DeliveryStatus{
	DeliveryInTransit, DeliveryOutForDelivery, DeliveryDelivered, DeliveryAbsent, DeliveryHeld, DeliveryReturning, DeliveryReturned,
}

// deliveryLabels are the statuses as customers read them, in Japanese and English.
var deliveryLabels = map[DeliveryStatus]Text{
	DeliveryInTransit:      {JA: "輸送中", EN: "In transit"},
	DeliveryOutForDelivery: {JA: "配達中", EN: "Out for delivery"},
	DeliveryDelivered:      {JA: "配達完了", EN: "Delivered"},
	DeliveryAbsent:         {JA: "ご不在のため持戻り", EN: "Attempted: recipient absent"},
	DeliveryHeld:           {JA: "営業所で保管中", EN: "Held at a depot"},
	DeliveryReturning:      {JA: "返送中", EN: "Returning to sender"},
	DeliveryReturned:       {JA: "返送完了", EN: "Returned to sender"},
}

// Label is the status as a customer reads it.
func (s DeliveryStatus) Label() Text { return deliveryLabels[s] }

// Valid reports whether s is one of DeliveryStatuses.
func (s DeliveryStatus) Valid() bool { _, ok := deliveryLabels[s]; return ok }

// Exception reports whether the status needs someone to act: the customer
// was out, the parcel waits at a depot, or it goes back to the sender.
// The merchant hears of these as shipment.exception.
func (s DeliveryStatus) Exception() bool {
	return s == DeliveryAbsent || s == DeliveryHeld || s == DeliveryReturning || s == DeliveryReturned
}

// TrackingEvent is one status a carrier reported for a parcel, with when
// and where (a depot or a centre, never the recipient's address).
type TrackingEvent struct {
	ID             int64
	ParcelID       int64
	TrackingNumber string
	Status         DeliveryStatus
	At             time.Time
	Place          string
	Source         string // TrackingSourceAPI, TrackingSourceFile or a poller's name
	CreatedAt      time.Time
}

// Where tracking events come from.
const (
	TrackingSourceAPI  = "api"  // pushed by a partner over /api/v1/tracking-events
	TrackingSourceFile = "file" // a status file, from the console or soko import-status
)

// Limits of one tracking event, checked wherever events come in.
const (
	MaxTrackingPlaceRunes = 100
	MaxTrackingEvents     = 1000 // per API request
)

// TrackingRecord is what recording a batch of events did: how many were
// new, and how many soko had already (the same parcel, status and time).
type TrackingRecord struct {
	Recorded   int
	Duplicates int
	// Changed are the parcels whose status moved, by tracking number, with
	// their new status: an event older than the parcel's latest changes none.
	Changed map[string]DeliveryStatus
}

// StatusPoller is a carrier API soko could ask for its parcels' events,
// when a warehouse has a contract for one. A poller returns what it knows
// of the tracking numbers asked for, with Source set to its name; the
// events go through the same recording as the API's and files', so a
// poller needs nothing of the domain beyond this.
type StatusPoller interface {
	Poll(ctx context.Context, trackingNumbers []string) ([]TrackingEvent, error)
}

// ShipmentTracking is what the customer's tracking page shows of a shipped
// order, reached by the token in the shipment email: no name, no street,
// nothing of the merchant but its name.
type ShipmentTracking struct {
	MerchantName string
	OrderNumber  string
	Prefecture   string
	City         string
	ShippedAt    time.Time
	Lines        []EmailLine
	Parcels      []TrackedParcel
}

// TrackedParcel is one box on the customer's tracking page, newest event first.
type TrackedParcel struct {
	Seq            int
	Carrier        string
	Service        string
	TrackingNumber string
	Status         DeliveryStatus // "" until the carrier reports one
	Events         []TrackingEvent
}

// UndeliveredCount is how many parcels of one carrier have been on their
// way longer than the dashboard's limit without being delivered.
type UndeliveredCount struct {
	Carrier    string
	Parcels    int
	Exceptions int // of them, parcels whose latest status is an exception
}

// NewTrackingToken returns a token for an order's tracking page (26
// base32 characters, 130 random bits) and the hash soko keeps of it: the
// token itself is only in the customer's email.
func NewTrackingToken() (token, hash string) {
	token = rand.Text()
	return token, TrackingTokenHash(token)
}

// TrackingTokenHash is the SHA-256 of a tracking page token, in hex.
func TrackingTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// DeliveryException is a parcel whose latest status needs someone: the
// customer was out, it waits at a depot, or it goes back to the sender.
type DeliveryException struct {
	OrderID        int64
	OrderNumber    string
	Carrier        string
	TrackingNumber string
	Status         DeliveryStatus
	At             time.Time
}
