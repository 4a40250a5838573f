package carrier

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/soko-wms/soko/internal/soko"
)

// Problem is one reason an order's shipping choices cannot be delivered,
// naming the API field and saying why.
type Problem struct {
	Field   string // carrier, service, time_slot, delivery_date or cod_amount
	Message soko.Text
}

// CheckOrder returns what is wrong with an order's carrier, service, time
// slot, delivery date and COD amount (cash on delivery, yen), or nil.
//
// An empty carrier is allowed, because the warehouse may choose one when it
// packs; slot and COD are then checked against soko's own values only. An
// empty service with a carrier is allowed too, for the same reason: the slot
// must then be one the carrier has, and COD must fit one of its COD services.
func CheckOrder(carrierCode, serviceCode string, slot soko.TimeSlot, hasDeliveryDate bool, cod int64) []Problem {
	var ps []Problem
	add := func(field, ja, en string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: soko.Textf(ja, en, args...)})
	}

	if !slot.Valid() {
		add("time_slot", "配達時間帯 %[1]s は使えません（%[2]s のいずれか）", "unknown time slot %[1]s (want one of %[2]s)",
			quote(string(slot)), joinSlots(sokoSlots))
		slot = soko.SlotNone // reported; no carrier check on top
	}
	if cod < 0 {
		add("cod_amount", "代引金額は0円以上で指定してください", "COD amount must not be negative")
		cod = 0
	}

	if carrierCode == "" {
		if serviceCode != "" {
			add("service", "サービス %s を指定するときは配送業者も指定してください", "service %s needs a carrier", quote(serviceCode))
		}
		return ps
	}
	c := find(carrierCode)
	if c == nil {
		add("carrier", "配送業者 %s は登録されていません（%s のいずれか）", "unknown carrier %s (want one of %s)",
			quote(carrierCode), carrierCodes())
		return ps
	}

	var svc *Service
	if serviceCode != "" {
		var ok bool
		if svc, ok = c.Service(serviceCode); !ok {
			add("service", "%[1]sにサービス %[3]s はありません（%[4]s のいずれか）", "%[2]s has no service %[3]s (want one of %[4]s)",
				c.Name.JA, c.Name.EN, quote(serviceCode), serviceCodes(c))
			return ps
		}
	}

	switch {
	case slot == soko.SlotNone:
	case svc != nil && svc.Thin:
		add("time_slot", "%[1]sは郵便受けへの投函のため配達時間帯を指定できません", "%[2]s goes into the mailbox: it takes no time slot", svc.Name.JA, svc.Name.EN)
	default:
		if _, ok := c.SlotCode(slot); !ok {
			if len(c.TimeSlots()) == 0 {
				add("time_slot", "%[1]sでは配達時間帯を指定できません", "%[2]s takes no time slot", c.Name.JA, c.Name.EN)
			} else {
				add("time_slot", "%[1]sでは配達時間帯 %[3]s を指定できません（指定できるのは %[4]s）", "%[2]s has no time slot %[3]s (it has %[4]s)",
					c.Name.JA, c.Name.EN, string(slot), joinSlots(c.TimeSlots()))
			}
		}
	}

	if hasDeliveryDate && svc != nil && svc.Thin {
		add("delivery_date", "%[1]sは郵便受けへの投函のため配達日を指定できません", "%[2]s goes into the mailbox: it takes no delivery date", svc.Name.JA, svc.Name.EN)
	}

	if cod > 0 {
		if p, ok := checkCOD(c, svc, cod); !ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// checkCOD checks a positive COD amount against svc, or against the
// carrier's COD services when the service is still open.
func checkCOD(c *Carrier, svc *Service, cod int64) (Problem, bool) {
	p := Problem{Field: "cod_amount"}
	hint := c.codService()
	switch {
	case svc != nil && !svc.COD && hint != nil:
		p.Message = soko.Text{JA: fmt.Sprintf("%sでは代引できません。代引は%sでは%s（%s）をご指定ください", svc.Name.JA, c.Name.JA, hint.Name.JA, hint.Code),
			EN: fmt.Sprintf("%s cannot collect cash on delivery: with %s use %s (%s)", svc.Name.EN, c.Name.EN, hint.Name.EN, hint.Code)}
		return p, false
	case svc != nil && !svc.COD, hint == nil:
		p.Message = soko.Text{JA: fmt.Sprintf("配送業者「%s」では代引を扱えません", c.Name.JA),
			EN: fmt.Sprintf("carrier %s cannot collect cash on delivery", c.Name.EN)}
		return p, false
	}

	if svc != nil {
		if svc.MaxCODAmount > 0 && cod > svc.MaxCODAmount {
			p.Message = soko.Text{JA: fmt.Sprintf("%sの代引金額は%s円までです（指定: %s円）", svc.Name.JA, yen(svc.MaxCODAmount), yen(cod)),
				EN: fmt.Sprintf("%s collects at most ¥%s on delivery (got ¥%s)", svc.Name.EN, yen(svc.MaxCODAmount), yen(cod))}
			return p, false
		}
		return p, true
	}
	// The warehouse will choose the service: any COD service that can take
	// the amount will do.
	var most int64
	for _, s := range c.Services {
		if !s.COD {
			continue
		}
		if s.MaxCODAmount == 0 || cod <= s.MaxCODAmount {
			return p, true
		}
		most = max(most, s.MaxCODAmount)
	}
	p.Message = soko.Text{JA: fmt.Sprintf("%sの代引金額は%s円までです（指定: %s円）", c.Name.JA, yen(most), yen(cod)),
		EN: fmt.Sprintf("%s collects at most ¥%s on delivery (got ¥%s)", c.Name.EN, yen(most), yen(cod))}
	return p, false
}

// carrierCodes lists the carrier codes for messages, in table order.
func carrierCodes() string {
	codes := make([]string, len(carriers))
	for i, c := range carriers {
		codes[i] = c.Code
	}
	return strings.Join(codes, ", ")
}

// serviceCodes lists c's service codes for messages.
func serviceCodes(c *Carrier) string {
	codes := make([]string, len(c.Services))
	for i, s := range c.Services {
		codes[i] = s.Code
	}
	return strings.Join(codes, ", ")
}

// joinSlots lists slots for messages.
func joinSlots(slots []soko.TimeSlot) string {
	s := make([]string, len(slots))
	for i, t := range slots {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// yen formats a non-negative amount with thousands separators: 300,000.
func yen(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// maxQuoted bounds how much of a caller's input a message repeats, so a
// client sending junk cannot blow up error bodies and logs.
const maxQuoted = 32

// quote returns s quoted for a message, cut to maxQuoted characters.
func quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted]) + "…"
	}
	return strconv.Quote(s)
}
