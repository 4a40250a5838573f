package soko

import "time"

// WaveStatus is where a wave of picking stands.
type WaveStatus string

// The wave statuses.
const (
	WaveReleased WaveStatus = "released"
	WaveDone     WaveStatus = "done"
)

// WaveMode is how a wave is picked.
type WaveMode string

// The wave modes.
const (
	// WaveSingle picks each order on its own pick list.
	WaveSingle WaveMode = "single"
	// WaveBatch picks all the wave's orders in one walk, each into its numbered tote.
	WaveBatch WaveMode = "batch"
)

// Wave groups allocated orders so pickers can take them in one walk (ウェーブ).
type Wave struct {
	ID         int64
	Number     string
	Mode       WaveMode
	Orders     int
	Tasks      int
	Carrier    string
	CutOff     time.Time
	Priority   int
	Status     WaveStatus
	ReleasedBy int64
	CreatedAt  time.Time
}

// PickTaskStatus is where one pick stands.
type PickTaskStatus string

// The pick task statuses.
const (
	PickOpen  PickTaskStatus = "open"
	PickDone  PickTaskStatus = "done"
	PickShort PickTaskStatus = "short"
)

// PickTask tells a picker to take Quantity of a product from a location into a tote.
type PickTask struct {
	ID                int64
	WaveID            int64
	WaveNumber        string
	OrderID           int64
	OrderNumber       string
	AllocationID      int64
	LocationID        int64
	LocationCode      string
	ProductID         int64
	SKU               string
	ProductName       string
	Lot               string
	Quantity          int
	Picked            int
	Tote              string
	Sequence          int
	Status            PickTaskStatus
	StaffID           int64
	LocationConfirmed bool
	// Left is how many tasks of the picker's list are still open, this one included.
	Left int
	// Codes are the item's barcodes, when the task was read for the handheld's list.
	Codes []ProductBarcode
}

// Remaining is how many units are still to be picked.
func (t *PickTask) Remaining() int { return t.Quantity - t.Picked }

// WaveRequest is what a supervisor asks for when releasing a wave.
type WaveRequest struct {
	Carrier   string    // only orders for this carrier; empty for all
	CutOff    time.Time // only orders created before it; zero for all
	Priority  int       // the wave's own priority: higher waves are picked first
	MaxOrders int       // 0 for no limit
	MaxUnits  int       // 0 for no limit
	Mode      WaveMode
	StaffID   int64
}

// PickScan is one scan on a pick task: the location, or units of the item.
type PickScan struct {
	ScanID   string
	TaskID   int64
	StaffID  int64
	Device   string
	Code     string
	Location bool // the scan confirms the location rather than picking
	// ProductID and Units are set for item scans: the product the code is
	// and how many units it counts.
	ProductID int64
	Units     int
}

// ShortPick is a picker reporting that fewer units were at the location than the task asked for.
type ShortPick struct {
	ScanID  string
	TaskID  int64
	StaffID int64
	Device  string
	Found   int
}

// PickOutcome says what a pick scan or short report did.
type PickOutcome struct {
	Task        *PickTask // the task as it now stands
	TaskDone    bool
	OrderPicked string // the order number, when the scan finished its order
	Rerouted    bool   // a short pick found the rest at another location
	OrderShort  string // the order number, when a short pick left it short
}
