package soko

import "time"

// Stock is what lies at one location of one product and lot.
// The database keeps 0 <= Allocated <= OnHand.
type Stock struct {
	ID         int64
	LocationID int64
	ProductID  int64
	Lot        string
	Expiry     time.Time // zero if the product has no expiry
	OnHand     int
	Allocated  int
}

// Available is what can still be promised to orders.
func (s *Stock) Available() int { return s.OnHand - s.Allocated }

// MovementKind is why stock changed.
type MovementKind string

// The movement kinds of the stock ledger.
const (
	MoveReceive  MovementKind = "receive"
	MovePutAway  MovementKind = "put_away"
	MoveAllocate MovementKind = "allocate"
	MoveRelease  MovementKind = "release"
	MovePick     MovementKind = "pick"
	MoveAdjust   MovementKind = "adjust"
	MoveCount    MovementKind = "count"
	MoveShip     MovementKind = "ship"
	MoveReturn   MovementKind = "return"
)

// StockMovement is one append-only line of the stock ledger: on hand at a
// location and lot is always the sum of its movements.
type StockMovement struct {
	ID             int64
	StockID        int64
	Kind           MovementKind
	OnHandDelta    int
	AllocatedDelta int
	StaffID        int64
	Reason         string
	DocumentType   string // e.g. order, inbound, count
	DocumentID     int64
	CreatedAt      time.Time
}

// Allocation reserves Quantity units of one stock row for one order line.
type Allocation struct {
	ID          int64
	OrderLineID int64
	StockID     int64
	Quantity    int
	Picked      int
}

// StockSummary is a product's stock over all locations, per lot and expiry.
type StockSummary struct {
	ProductID int64
	SKU       string
	Name      string
	StockFigures
	// Holds says where units held back by a pending count lie, and why.
	Holds []StockHold
	Lots  []StockLot
}

// Available is what can still be promised to orders.
func (s *StockSummary) Available() int { return s.OnHand - s.Allocated - s.Held }

// StockLot is one lot's stock over all locations.
type StockLot struct {
	Lot       string
	Expiry    time.Time
	OnHand    int
	Allocated int
	Held      int
}

// StockHold is stock held back on a shelf until a count there is done: a
// short pick at the shelf showed its books may be wrong.
type StockHold struct {
	Location    string
	Lot         string
	Units       int
	CountTaskID int64
	Reason      string // why the count was asked for, as recorded ("short pick")
}

// StockPlace is one stock row as a supervisor looks it up: what lies where,
// of which merchant.
type StockPlace struct {
	Stock
	Location string
	Merchant string // the merchant's code
	SKU      string
	Name     string
	Held     bool // nothing is promised from here: not put away, or waiting for a count
	// CountTaskID is the open count at the location that holds this stock
	// back from allocation, 0 when none does.
	CountTaskID int64
}

// Available is what of the row can still be promised: nothing while it is
// held (not put away, or a count is pending at its shelf).
func (p *StockPlace) Available() int {
	if p.Held || p.CountTaskID != 0 {
		return 0
	}
	return p.Stock.Available()
}

// StockFilter narrows a stock lookup; every set field must match.
type StockFilter struct {
	Location   string
	MerchantID int64
	SKU        string
}

// LedgerLine is a line of a product's stock ledger with where it happened
// and who did it.
type LedgerLine struct {
	StockMovement
	Location string
	Lot      string
	Staff    string
}
