package soko

import "time"

// ManifestStatus is whether a carrier pickup is still loading.
type ManifestStatus string

// The manifest statuses.
const (
	ManifestOpen   ManifestStatus = "open"
	ManifestClosed ManifestStatus = "closed"
)

// Manifest is one carrier pickup (集荷) the dock scans parcels onto.
type Manifest struct {
	ID         int64
	Carrier    string
	PickupDate time.Time
	Status     ManifestStatus
	ClosedAt   time.Time
	ClosedBy   int64
}
