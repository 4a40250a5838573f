package soko

import "time"

// Dashboard is one day on the floor as a shift supervisor sees it: how far
// the work is, what is late and why, and who is doing what.
type Dashboard struct {
	// Day is the working day in Japan, at midnight JST.
	Day time.Time
	// Stages counts the day's work by status: orders not yet shipped or
	// cancelled, whenever they came, and those shipped or cancelled today.
	Stages map[OrderStatus]int
	// Carriers is each carrier's progress towards its pickup.
	Carriers []CarrierProgress
	// ShippedPerHour counts parcels handed over in each hour of the day
	// (JST); ScansPerHour every scan and RefusedPerHour the refused ones.
	ShippedPerHour, ScansPerHour, RefusedPerHour [24]int
	Exceptions                                   Exceptions
	Waves                                        []WaveProgress
	People                                       []Productivity
}

// CarrierProgress is how much of a carrier's work is ready for its pickup.
type CarrierProgress struct {
	Carrier string
	// Cutoff is the pickup time of the carrier's open manifest for the day;
	// zero when none is set.
	Cutoff time.Time
	// Orders is the carrier's work of the day; Labeled are ready at the
	// dock; Shipped have gone.
	Orders, Labeled, Shipped int
}

// Exceptions counts what needs a supervisor.
type Exceptions struct {
	Short, Backordered, OnHold, CancelRequested int
	// InspectionMismatches are refused inspection scans of the day (a wrong
	// item, an over-scan, a wrong lot); WeightMismatches packs whose weight
	// was off and confirmed anyway.
	InspectionMismatches, WeightMismatches int
	DeadNotifications                      int
	LowStock                               int
	OpenCounts                             int // count tasks left by short picks
	MissingParcels                         int // labelled parcels missing from today's closed pickups
	// Guessed are the badges and client addresses with GuessAlert wrong
	// sign-ins or more in the current or last GuessWindow.
	Guessed int
}

// A badge or address is shown as being guessed after GuessAlert wrong
// sign-ins within a GuessWindow.
const (
	GuessAlert  = MaxWrongPINs
	GuessWindow = 15 * time.Minute
)

// WaveProgress is how far a wave's picking is, overall and per picker.
type WaveProgress struct {
	Number               string
	Mode                 string
	Orders               int
	TasksDone, TasksOpen int
	Pickers              []PickerProgress
	CreatedAt            time.Time
	DoneAt               time.Time
}

// PickerProgress is one pick list of a wave and who holds it.
type PickerProgress struct {
	PickList string
	StaffID  int64 // 0 while nobody has claimed it
	Name     string
	Done     int
	Open     int
}

// Productivity is what one person did in the day.
type Productivity struct {
	StaffID     int64
	Name        string
	Role        Role
	Picks       int // units picked (accepted pick scans)
	Inspections int // accepted inspection scans
	Packed      int // orders packed
	Loaded      int // parcels scanned onto trucks
	Scans       int // every scan
	Refused     int // refused scans: the error rate's numerator
	// Hours counts the hours of the day in which the person scanned at
	// all: the rates are per hour worked, not per hour of the day.
	Hours int
}

// PerHour is n per hour worked.
func (p Productivity) PerHour(n int) float64 {
	if p.Hours == 0 {
		return 0
	}
	return float64(n) / float64(p.Hours)
}

// ErrorRate is the share of the person's scans that were refused.
func (p Productivity) ErrorRate() float64 {
	if p.Scans == 0 {
		return 0
	}
	return float64(p.Refused) / float64(p.Scans)
}

// WorkDay is the day in Japan that t falls on, at midnight JST.
func WorkDay(t time.Time) time.Time {
	y, m, d := t.In(JST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, JST)
}
