package soko

import (
	"fmt"
	"time"
)

// TrackingRange is a block of tracking numbers a carrier gave the
// warehouse for one service ("" for any), issued in order. Numbers are the
// 11-digit body; the printed number appends the mod-7 check digit.
type TrackingRange struct {
	ID        int64
	Carrier   string
	Service   string
	First     int64
	Last      int64
	Next      int64
	Active    bool
	CreatedAt time.Time
}

// Remaining is how many numbers are left to issue.
func (r *TrackingRange) Remaining() int64 { return r.Last - r.Next + 1 }

// NearlyUsedUp reports whether the admin should ask the carrier for a new
// range now: under 5 % or 100 numbers left, whichever is more.
func (r *TrackingRange) NearlyUsedUp() bool {
	return r.Remaining() < max(100, (r.Last-r.First+1)/20)
}

// Validate checks a range before it is stored.
func (r *TrackingRange) Validate() error {
	if r.First < 0 || r.Last > 99_999_999_999 || r.Last < r.First {
		return Errorf(EINVALID, "a range is two 11-digit numbers, the first not above the last").
			JA("番号帯は11桁の番号2つで指定してください（開始 ≦ 終了）").WithField("first", "range")
	}
	return nil
}

// TrackingBody formats an issued body as the 11 digits the check digit is computed over.
func TrackingBody(n int64) string { return fmt.Sprintf("%011d", n) }

// LabelResult is what labelling an order did: the numbers its parcels got,
// and ranges running out.
type LabelResult struct {
	Order    *Order
	Parcels  []Parcel
	Warnings []TrackingRange
}
