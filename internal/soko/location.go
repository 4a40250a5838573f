package soko

// LocationKind says what a location is used for.
type LocationKind string

// The location kinds.
const (
	LocationPick      LocationKind = "pick"      // shelves pickers take from
	LocationReserve   LocationKind = "reserve"   // overstock that refills pick shelves
	LocationReceiving LocationKind = "receiving" // where received goods wait for put-away
	LocationDock      LocationKind = "dock"      // where parcels wait for the truck
)

// Location is a place in the building, like A-01-02-3 (zone-aisle-bay-level).
type Location struct {
	ID           int64
	Code         string
	Zone         string
	WalkSequence int // pickers visit locations in ascending order
	Kind         LocationKind
}
