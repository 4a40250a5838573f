package carrier

import (
	"fmt"

	"github.com/soko-wms/soko/internal/soko"
)

// A tracking number names one parcel whatever its carrier: the dock loads
// a parcel by the number alone, and a customer's search finds an order by
// it. The carriers' own rules cannot keep two carriers' numbers apart —
// Yamato, Sagawa and Japan Post all issue 12 digits with the same mod-7
// check digit, and none publishes the ranges it hands out (carriers.md) —
// so an imported number is told to be another carrier's in the two ways
// soko can know it: another parcel holds it already, or it lies in a
// number range the warehouse registered for another carrier. The database
// keeps tracking numbers unique across carriers as the last word.

// Taken reports, for the issued numbers of the carrier with carrierCode,
// those that belong elsewhere: numbers that holders (parcels that have a
// tracking number already, any carrier) give to another parcel, and
// numbers inside a range of ranges registered for another carrier and
// for none of this carrier's ranges. orderNumbers names the holders'
// orders by order ID. A number its own parcel holds already is not taken:
// importing a file again changes nothing.
func Taken(carrierCode string, issued []Issued, holders []soko.Parcel, orderNumbers map[int64]string, ranges []soko.TrackingRange) []RowProblem {
	byNumber := make(map[string]soko.Parcel, len(holders))
	for _, p := range holders {
		byNumber[NormalizeTrackingNumber(p.TrackingNumber)] = p
	}
	field := "伝票番号"
	if l, ok := layouts[carrierCode]; ok {
		field = l.trackingHeaders[0]
	}
	var problems []RowProblem
	for _, is := range issued {
		if p, ok := byNumber[is.TrackingNumber]; ok {
			if p.ID == is.ParcelID {
				continue
			}
			name := carrierName(p.Carrier)
			problems = append(problems, RowProblem{Row: is.Row, Field: field,
				Message: soko.Text{JA: fmt.Sprintf("伝票番号 %s は%sの注文 %s の荷物にすでに使われています", is.TrackingNumber, name.JA, orderNumbers[p.OrderID]),
					EN: fmt.Sprintf("tracking number %s is already used by a parcel of %s order %s", is.TrackingNumber, name.EN, orderNumbers[p.OrderID])}})
			continue
		}
		if other := rangeOwner(carrierCode, is.TrackingNumber, ranges); other != "" {
			name, own := carrierName(other), carrierName(carrierCode)
			problems = append(problems, RowProblem{Row: is.Row, Field: field,
				Message: soko.Text{JA: fmt.Sprintf("伝票番号 %s は%sの番号帯の番号です（この取込は%sです）", is.TrackingNumber, name.JA, own.JA),
					EN: fmt.Sprintf("tracking number %s is in a number range of %s (this import is %s's)", is.TrackingNumber, name.EN, own.EN)}})
		}
	}
	return problems
}

// rangeOwner returns the carrier, other than carrierCode, whose registered
// range holds number, or "" when none does or a range of carrierCode holds
// it too (ranges that overlap say nothing about whose the number is).
func rangeOwner(carrierCode, number string, ranges []soko.TrackingRange) string {
	if len(number) != 12 || !allDigits(number) {
		return ""
	}
	var body int64
	for i := 0; i < 11; i++ {
		body = body*10 + int64(number[i]-'0')
	}
	owner := ""
	for _, r := range ranges {
		if body < r.First || body > r.Last {
			continue
		}
		if r.Carrier == carrierCode {
			return ""
		}
		owner = r.Carrier
	}
	return owner
}

// carrierName returns the name of the carrier with code, or the code
// itself for one soko does not know.
func carrierName(code string) soko.Text {
	if c := find(code); c != nil {
		return c.Name
	}
	return soko.Text{JA: code, EN: code}
}
