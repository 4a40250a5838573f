package soko

import "time"

// WaveStatus is where a wave of picking stands.
type WaveStatus string

// The wave statuses.
const (
	WaveReleased WaveStatus = "released"
	WaveDone     WaveStatus = "done"
)

// Wave groups allocated orders so pickers can take them in one walk (ウェーブ).
type Wave struct {
	ID         int64
	Number     string
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
	ID           int64
	WaveID       int64
	AllocationID int64
	LocationID   int64
	ProductID    int64
	Quantity     int
	Picked       int
	Tote         string
	Sequence     int
	Status       PickTaskStatus
	StaffID      int64
}
