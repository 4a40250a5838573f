package soko

import (
	"regexp"
	"time"
)

// ManifestStatus is where a carrier's pickup stands.
type ManifestStatus string

// A manifest is open while the dock loads parcels, and closed once handed over.
const (
	ManifestOpen   ManifestStatus = "open"
	ManifestClosed ManifestStatus = "closed"
)

// Manifest is one pickup by a carrier (集荷): the parcels the dock scanned
// onto the truck, and, while it is open, the labelled parcels of that carrier
// still waiting. Closing it ships the orders whose parcels have all gone.
type Manifest struct {
	ID         int64
	Carrier    string
	PickupDate time.Time // the day, at midnight UTC
	PickupTime string    // "14:00", or "" for the day's pickup whenever it comes
	Status     ManifestStatus
	OpenedBy   int64
	CreatedAt  time.Time
	ClosedAt   time.Time
	ClosedBy   int64
	// ConfirmedBy is the supervisor who let the manifest close with parcels missing.
	ConfirmedBy int64
	// ClosedByName and ConfirmedByName are those staff members' names, for
	// the handover list.
	ClosedByName, ConfirmedByName string

	// Loaded are the parcels scanned onto it, in scan order.
	Loaded []ManifestParcel
	// Missing are labelled parcels of the carrier up to the cut-off that are
	// not loaded: live while open, as recorded at closing once closed.
	Missing []ManifestParcel
	// LoadedCount and MissingCount count them, also where lists leave them out.
	LoadedCount, MissingCount int
}

// ManifestFilter narrows a list of manifests.
type ManifestFilter struct {
	Status ManifestStatus // "" for every status
	Limit  int
}

// ManifestParcel is a parcel as the dock sees it.
type ManifestParcel struct {
	ParcelID       int64
	OrderID        int64
	OrderNumber    string
	MerchantID     int64
	Merchant       string
	TrackingNumber string
	Service        string
	Prefecture     string // the recipient's
	Seq, Of        int    // 個口 i of n
	CODAmount      int64  // on the first parcel of a COD order only
	LoadedAt       time.Time
}

// JST is Japan Standard Time, which has no daylight saving: the time of
// the warehouse, its pickups, documents and working days. Every package
// uses this one zone.
var JST = time.FixedZone("JST", 9*60*60)

// Cutoff is the last moment a parcel can be labelled and still be expected
// on this pickup: the pickup time in Japan, or the end of the pickup day.
func (m *Manifest) Cutoff() time.Time {
	y, mo, d := m.PickupDate.Date()
	if h, min, ok := clock(m.PickupTime); ok {
		return time.Date(y, mo, d, h, min, 0, 0, JST).UTC()
	}
	return time.Date(y, mo, d+1, 0, 0, 0, 0, JST).UTC().Add(-time.Microsecond)
}

var pickupTime = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

func clock(s string) (h, m int, ok bool) {
	if !pickupTime.MatchString(s) {
		return 0, 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), int(s[3]-'0')*10 + int(s[4]-'0'), true
}

// Validate checks a manifest about to be opened; the carrier is checked
// against the carrier table by the caller.
func (m *Manifest) Validate() error {
	if m.Carrier == "" {
		return Errorf(EINVALID, "carrier is required").JA("配送業者を選んでください").WithField("carrier", "required")
	}
	if m.PickupDate.IsZero() {
		return Errorf(EINVALID, "pickup_date is required").JA("集荷日を入力してください").WithField("pickup_date", "required")
	}
	if m.PickupTime != "" && !pickupTime.MatchString(m.PickupTime) {
		return Errorf(EINVALID, "pickup_time %q must be HH:MM", m.PickupTime).
			JA("集荷時刻「%s」は 14:00 の形で入力してください", m.PickupTime).WithField("pickup_time", "pattern")
	}
	return nil
}

// HandoverScan is one parcel's tracking barcode scanned at the dock.
type HandoverScan struct {
	ManifestID int64
	Code       string // as the scanner sent it: NW-7 with or without A…D start/stop, hyphens
	ScanID     string
	StaffID    int64
	Device     string
}

// CloseManifest asks to close a manifest. ConfirmedBy is a supervisor whose
// badge and PIN were checked, needed when parcels are missing.
type CloseManifest struct {
	ManifestID  int64
	StaffID     int64
	Device      string
	ConfirmedBy int64
}

// Check is the rule for closing manifest m, its parcels read: parcels
// missing need a supervisor's confirmation.
func (c *CloseManifest) Check(m *Manifest) error {
	if len(m.Missing) > 0 && c.ConfirmedBy == 0 {
		return Errorf(ECONFLICT, "%d parcel(s) not loaded: a supervisor must confirm closing without them", len(m.Missing)).
			JA("未スキャンの荷物が%d個あります。締めるにはスーパーバイザーの確認が必要です", len(m.Missing)).WithField("supervisor", "required")
	}
	return nil
}

// ConfirmingSupervisor decides who confirms closing a manifest with
// parcels missing: the staff member whose badge and PIN were checked at the
// dock (badge, nil when none was given), who must supervise, or else the
// signed-in staff member when they asked to (confirmMissing) and
// supervise. It is 0 when nobody confirms.
func ConfirmingSupervisor(signedIn Staff, confirmMissing bool, badge *Staff) (int64, error) {
	switch {
	case badge != nil:
		if !badge.Role.Supervises() {
			return 0, Errorf(EFORBIDDEN, "%s is not a supervisor", badge.Name).
				JA("%s さんはスーパーバイザーではありません。スーパーバイザーのバッジで確認してください", badge.Name).WithField("supervisor_badge", "not a supervisor")
		}
		return badge.ID, nil
	case confirmMissing && signedIn.Role.Supervises():
		return signedIn.ID, nil
	}
	return 0, nil
}

// HandoverResult is what closing a manifest did.
type HandoverResult struct {
	Manifest *Manifest
	// Shipped are the orders now shipped: every parcel of theirs is handed over.
	Shipped []string
	// Waiting are orders with some parcels handed over and others still here.
	Waiting []string
	// Pulled are loaded parcels whose orders were cancelled or held after
	// they were scanned: they must come off the truck.
	Pulled []ManifestParcel
}
