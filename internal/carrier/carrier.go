// Package carrier holds the delivery companies soko ships with: their
// services, time-slot codes, tracking pages and tracking-number check digits.
//
// Carriers are data (table.go), so correcting a code the carriers' documents
// disagree on is an edit of one literal, not of the logic that reads it.
package carrier

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/soko-wms/soko/internal/soko"
)

// Carrier is one delivery company and what soko needs to hand parcels to it.
type Carrier struct {
	Code string    // soko's code, as orders and parcels store it: "yamato"
	Name soko.Text // as labels and the floor say it
	// TrackingURLTemplate is the public tracking page with {number} where
	// the tracking number goes; empty when the carrier has none. (The method
	// TrackingURL fills it in; Go does not allow a field of the same name.)
	TrackingURLTemplate string
	Services            []Service
	// Slots maps soko's time slots to the carrier's own codes; a slot that is
	// missing is one the carrier does not deliver in. SlotNone may map to the
	// code a carrier wants for "no slot" (Japan Post's 00).
	Slots map[soko.TimeSlot]string
	// TrackingDigits is the length of the carrier's tracking numbers, the
	// last digit being the mod-7 check digit; 0 means free-form numbers.
	TrackingDigits int
}

// Service is one product a carrier sells, such as 宅急便 or ネコポス.
type Service struct {
	Code         string // soko's code, unique within its carrier: "takkyubin"
	Name         soko.Text
	COD          bool  // cash on delivery (代引) can be collected
	MaxCODAmount int64 // largest COD amount in yen, tax included; 0 = no limit
	// CODService is the carrier's service that carries this one's parcels
	// when they collect cash (宅急便 → 宅急便コレクト); empty when the
	// service collects itself or cannot.
	CODService string
	// Thin marks ポスト投函 services (ネコポス, ゆうパケット): delivered to the
	// mailbox, so no time slot, no delivery date and no COD.
	Thin        bool
	Cool        bool  // cool delivery (冷蔵・冷凍) can be added
	SizeClasses []int // size classes (sum of three sides, cm) it takes; empty when not priced by size
}

// Find returns the carrier with code, a copy the caller may change freely.
func Find(code string) (*Carrier, bool) {
	c := find(code)
	if c == nil {
		return nil, false
	}
	return c.clone(), true
}

// All returns a copy of every carrier, sorted by code.
func All() []*Carrier {
	all := make([]*Carrier, len(carriers))
	for i := range carriers {
		all[i] = carriers[i].clone()
	}
	slices.SortFunc(all, func(a, b *Carrier) int { return strings.Compare(a.Code, b.Code) })
	return all
}

// SharedService returns the service one parcel carrying orders of services
// a and b goes by, and whether they can share a parcel (同梱) at all: the
// same service, or a service and the one that collects its cash on
// delivery. Post-box services never share: one order fills their thickness.
func (c *Carrier) SharedService(a, b string) (string, bool) {
	sa, okA := c.Service(a)
	sb, okB := c.Service(b)
	switch {
	case (okA && sa.Thin) || (okB && sb.Thin):
		return "", false
	case a == b:
		return a, true
	case !okA || !okB:
		return "", false
	case sa.CODService == b:
		return b, true
	case sb.CODService == a:
		return a, true
	}
	return "", false
}

// Service returns the carrier's service with code.
func (c *Carrier) Service(code string) (*Service, bool) {
	for i := range c.Services {
		if c.Services[i].Code == code {
			return &c.Services[i], true
		}
	}
	return nil, false
}

// ServiceThin reports whether a carrier's service goes into the mailbox in
// a thin box (ネコポス, ゆうパケット), and whether the carrier and the
// service are known at all, for soko's Order.ThinAllowed.
func ServiceThin(carrierCode, serviceCode string) (thin, known bool) {
	if c, ok := Find(carrierCode); ok {
		if svc, ok := c.Service(serviceCode); ok {
			return svc.Thin, true
		}
	}
	return false, false
}

// TrackingURL returns the carrier's public tracking page for number, or ""
// when the carrier has no tracking page or number is blank.
func (c *Carrier) TrackingURL(number string) string {
	number = strings.TrimSpace(number)
	if c.TrackingURLTemplate == "" || number == "" {
		return ""
	}
	return strings.ReplaceAll(c.TrackingURLTemplate, "{number}", url.QueryEscape(number))
}

// SlotCode returns the carrier's code for time slot s, and false when the
// carrier does not deliver in s. SlotNone is always allowed; its code is
// empty unless the carrier's data names one.
func (c *Carrier) SlotCode(s soko.TimeSlot) (string, bool) {
	code, ok := c.Slots[s]
	return code, ok || s == soko.SlotNone
}

// TimeSlots lists the soko slots the carrier delivers in, in soko's order.
func (c *Carrier) TimeSlots() []soko.TimeSlot {
	var out []soko.TimeSlot
	for _, s := range sokoSlots {
		if _, ok := c.Slots[s]; ok {
			out = append(out, s)
		}
	}
	return out
}

// codService is the service to name when an order wants COD from a service
// that cannot collect, or nil when the carrier collects COD with none.
func (c *Carrier) codService() *Service {
	for i := range c.Services {
		if c.Services[i].COD {
			return &c.Services[i]
		}
	}
	return nil
}

// clone copies c deeply, so callers cannot change the table behind Find.
func (c *Carrier) clone() *Carrier {
	d := *c
	d.Services = slices.Clone(c.Services)
	for i := range d.Services {
		d.Services[i].SizeClasses = slices.Clone(d.Services[i].SizeClasses)
	}
	d.Slots = maps.Clone(c.Slots)
	return &d
}

// find returns the table's own carrier with code, for read-only use inside
// the package, or nil.
func find(code string) *Carrier {
	for i := range carriers {
		if carriers[i].Code == code {
			return &carriers[i]
		}
	}
	return nil
}

// sokoSlots are soko's time slots other than none, in the order people read them.
var sokoSlots = []soko.TimeSlot{
	soko.SlotMorning, soko.Slot12To14, soko.Slot14To16,
	soko.Slot16To18, soko.Slot18To20, soko.Slot19To21,
}
