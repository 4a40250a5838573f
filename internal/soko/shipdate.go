package soko

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ShipCalendar is the warehouse's calendar (出荷カレンダー): the days it
// ships on, the time after which an order waits for the next working day,
// and how many days each carrier takes from the warehouse's prefecture to
// each other one. Dates are civil dates at midnight UTC, as orders store
// their delivery dates.
type ShipCalendar struct {
	// Prefecture is the warehouse's, where transit days count from.
	Prefecture string
	// WorkingDays says for each weekday (time.Weekday order, Sunday first)
	// whether the warehouse ships on it.
	WorkingDays [7]bool
	// CutOff is the time of day in Japan, in minutes after midnight, after
	// which a new order ships on the next working day (出荷締め時刻).
	CutOff int
	// PublicHolidaysOff closes the warehouse on Japan's public holidays.
	PublicHolidaysOff bool
	// Holidays are the company's own days off (会社休日), by date.
	Holidays map[time.Time]string
	// Transit holds the days set by hand, by carrier and destination
	// prefecture; what is missing comes from DefaultTransitDays.
	Transit map[string]map[string]int
}

// DefaultShipCalendar is a calendar for a warehouse in pref that ships
// Monday to Friday except public holidays, with a 15:00 cut-off.
func DefaultShipCalendar(pref string) *ShipCalendar {
	return &ShipCalendar{
		Prefecture: pref, WorkingDays: [7]bool{false, true, true, true, true, true, false},
		CutOff: 15 * 60, PublicHolidaysOff: true,
	}
}

// Audited changes to the calendar.
const (
	AuditShipCalendar AuditAction = "warehouse.ship_calendar"
	AuditTransitDays  AuditAction = "warehouse.transit_days"
)

// MaxTransitDays bounds a transit time set by hand.
const MaxTransitDays = 14

// CompanyHoliday is a day the warehouse is closed on its own account.
type CompanyHoliday struct {
	Date time.Time
	Name string
}

// TransitDays is one carrier's days to one prefecture; Default is what soko
// would assume if nobody had set it.
type TransitDays struct {
	Carrier    string
	Prefecture string
	Days       int
	Default    int
	Set        bool // set by hand
}

// CalendarService keeps the warehouse calendar and its transit table.
type CalendarService interface {
	ShipCalendar(ctx context.Context) (*ShipCalendar, error)
	SaveShipCalendar(ctx context.Context, c *ShipCalendar) error
	SetTransitDays(ctx context.Context, carrier string, days map[string]int) error
}

// Day is t's date in Japan at midnight UTC: the civil date a warehouse in
// Japan calls today.
func Day(t time.Time) time.Time {
	y, m, d := t.In(JST).Date()
	return civil(y, m, d)
}

// DateOf is the civil date written in t, wherever t is.
func DateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return civil(y, m, d)
}

// Working reports whether the warehouse ships on day.
func (c *ShipCalendar) Working(day time.Time) bool {
	day = DateOf(day)
	if !c.WorkingDays[day.Weekday()] {
		return false
	}
	if _, ok := c.Holidays[day]; ok {
		return false
	}
	return !c.PublicHolidaysOff || JapaneseHoliday(day) == ""
}

// ClosedBecause says why the warehouse does not ship on day, or the empty
// Text when it does.
func (c *ShipCalendar) ClosedBecause(day time.Time) Text {
	day = DateOf(day)
	if name, ok := c.Holidays[day]; ok {
		return Text{JA: "会社休日（" + name + "）", EN: "company holiday (" + name + ")"}
	}
	if name := JapaneseHoliday(day); name != "" && c.PublicHolidaysOff {
		return Text{JA: "祝日（" + name + "）", EN: "public holiday (" + name + ")"}
	}
	if !c.WorkingDays[day.Weekday()] {
		return Text{JA: "休業日（" + weekdayJA[day.Weekday()] + "曜日）", EN: "not a working day (" + day.Weekday().String() + ")"}
	}
	return Text{}
}

var weekdayJA = [7]string{"日", "月", "火", "水", "木", "金", "土"}

// anyWorking reports whether the calendar has a working weekday at all; a
// calendar without one would never ship and loops would not end.
func (c *ShipCalendar) anyWorking() bool {
	for _, w := range c.WorkingDays {
		if w {
			return true
		}
	}
	return false
}

// NextWorking is day if the warehouse ships on it, else the next day it does.
func (c *ShipCalendar) NextWorking(day time.Time) time.Time {
	day = DateOf(day)
	for i := 0; i < 400 && !c.Working(day); i++ {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// PreviousWorking is day if the warehouse ships on it, else the last day
// before it that it does.
func (c *ShipCalendar) PreviousWorking(day time.Time) time.Time {
	day = DateOf(day)
	for i := 0; i < 400 && !c.Working(day); i++ {
		day = day.AddDate(0, 0, -1)
	}
	return day
}

// EarliestShipDate is the first day an order received at now can leave:
// today when today is a working day and the cut-off has not passed, else
// the next working day.
func (c *ShipCalendar) EarliestShipDate(now time.Time) time.Time {
	today := Day(now)
	local := now.In(JST)
	if local.Hour()*60+local.Minute() >= c.CutOff {
		today = today.AddDate(0, 0, 1)
	}
	return c.NextWorking(today)
}

// TransitDaysTo is how many days carrier takes from the warehouse to pref:
// the day set by hand, else DefaultTransitDays. Carriers deliver every day
// of the week, so these are calendar days. An empty carrier (the warehouse
// chooses) takes the fastest carrier's days.
func (c *ShipCalendar) TransitDaysTo(carrier, pref string) int {
	if carrier == "" {
		best := -1
		for code := range c.Transit {
			if d := c.TransitDaysTo(code, pref); best < 0 || d < best {
				best = d
			}
		}
		if d := DefaultTransitDays(c.Prefecture, pref); best < 0 || d < best {
			best = d
		}
		return best
	}
	if d, ok := c.Transit[carrier][pref]; ok {
		return d
	}
	return DefaultTransitDays(c.Prefecture, pref)
}

// EarliestDelivery is the first date an order received at now can reach
// pref with carrier.
func (c *ShipCalendar) EarliestDelivery(carrier, pref string, now time.Time) time.Time {
	return c.EarliestShipDate(now).AddDate(0, 0, c.TransitDaysTo(carrier, pref))
}

// ShipDateProblem is why an order's dates cannot be kept: the field, the
// message, and the earliest date that would do.
type ShipDateProblem struct {
	Field    string
	Message  Text
	Earliest time.Time
}

// PlanShipDate gives an order received at now its planned ship date
// (出荷予定日), or says why its dates cannot be kept:
//   - a ship date the merchant set is kept if the warehouse ships that day,
//     it has not passed, and the parcel still arrives by the delivery date;
//   - with a delivery date (お届け希望日), the ship date is that date less
//     the carrier's transit days, moved back to a working day, and a
//     delivery date earlier than the first one possible is refused;
//   - otherwise the order ships on the first day its cut-off allows.
func (c *ShipCalendar) PlanShipDate(o *Order, now time.Time) (time.Time, *ShipDateProblem) {
	if !c.anyWorking() {
		return time.Time{}, &ShipDateProblem{Field: "ship_date", Message: Text{JA: "倉庫に稼働日が設定されていません", EN: "the warehouse has no working day set"}}
	}
	earliest := c.EarliestShipDate(now)
	transit := c.TransitDaysTo(o.Carrier, o.Recipient.Prefecture)
	if !o.DeliveryDate.IsZero() {
		want := DateOf(o.DeliveryDate)
		first := earliest.AddDate(0, 0, transit)
		if want.Before(first) {
			f := first.Format(time.DateOnly)
			return time.Time{}, &ShipDateProblem{Field: "delivery_date", Earliest: first,
				Message: Textf("お届け希望日 %s にはお届けできません。最短のお届け日は %s です",
					"no carrier can deliver by %s: the earliest possible delivery date is %s", want.Format(time.DateOnly), f)}
		}
	}
	if !o.ShipDate.IsZero() {
		sd := DateOf(o.ShipDate)
		if sd.Before(Day(now)) {
			return time.Time{}, &ShipDateProblem{Field: "ship_date", Earliest: earliest,
				Message: Text{JA: "出荷予定日が過去の日付です。最短の出荷日は " + earliest.Format(time.DateOnly) + " です",
					EN: "the ship date is in the past: the earliest ship date is " + earliest.Format(time.DateOnly)}}
		}
		if why := c.ClosedBecause(sd); why.JA != "" {
			next := c.NextWorking(sd)
			return time.Time{}, &ShipDateProblem{Field: "ship_date", Earliest: next,
				Message: Text{JA: fmt.Sprintf("%s は倉庫の%sです。次の出荷日は %s です", sd.Format(time.DateOnly), why.JA, next.Format(time.DateOnly)),
					EN: fmt.Sprintf("%s is %s: the next ship date is %s", sd.Format(time.DateOnly), why.EN, next.Format(time.DateOnly))}}
		}
		if !o.DeliveryDate.IsZero() && sd.AddDate(0, 0, transit).After(DateOf(o.DeliveryDate)) {
			latest := c.PreviousWorking(DateOf(o.DeliveryDate).AddDate(0, 0, -transit))
			return time.Time{}, &ShipDateProblem{Field: "ship_date", Earliest: earliest,
				Message: Textf("出荷予定日 %s ではお届け希望日に間に合いません（輸送%d日）。%s までに出荷してください",
					"shipping on %s misses the delivery date (%d days in transit): ship by %s", sd.Format(time.DateOnly), transit, latest.Format(time.DateOnly))}
		}
		return sd, nil
	}
	if o.DeliveryDate.IsZero() {
		return earliest, nil
	}
	sd := c.PreviousWorking(DateOf(o.DeliveryDate).AddDate(0, 0, -transit))
	if sd.Before(earliest) {
		sd = earliest
	}
	return sd, nil
}

// AtRisk reports whether an order may miss its date: it has not left
// although its planned ship date has passed, or it is due today, the
// cut-off has passed and it is not labelled yet. A held order counts only
// when a delivery date binds it.
func (c *ShipCalendar) AtRisk(o *Order, now time.Time) bool {
	if o.ShipDate.IsZero() || o.Status.Final() || o.Status == OrderCancelRequested {
		return false
	}
	// A held order without a delivery date waits for its merchant, and
	// gets a new ship date when released.
	if o.Status == OrderOnHold && o.DeliveryDate.IsZero() {
		return false
	}
	today, sd := Day(now), DateOf(o.ShipDate)
	if sd.Before(today) {
		return true
	}
	local := now.In(JST)
	return sd.Equal(today) && local.Hour()*60+local.Minute() >= c.CutOff && o.Status != OrderLabeled
}

// ParseClock reads "15:00" as minutes after midnight.
func ParseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// Clock writes minutes after midnight as "15:00".
func Clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// transitZones groups the 47 prefectures into the regions carriers quote
// their delivery times by, with each region's rough position along the
// archipelago in kilometres from Sapporo by the main trunk routes.
var transitZones = []struct {
	km    int
	prefs []string
}{
	{0, []string{"北海道"}},
	{450, []string{"青森県", "岩手県", "秋田県"}},
	{700, []string{"宮城県", "山形県", "福島県"}},
	{1000, []string{"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "山梨県"}},
	{1100, []string{"新潟県", "長野県"}},
	{1300, []string{"富山県", "石川県", "福井県"}},
	{1300, []string{"岐阜県", "静岡県", "愛知県", "三重県"}},
	{1500, []string{"滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"}},
	{1800, []string{"鳥取県", "島根県", "岡山県", "広島県", "山口県"}},
	{1800, []string{"徳島県", "香川県", "愛媛県", "高知県"}},
	{2050, []string{"福岡県", "佐賀県", "長崎県", "大分県"}},
	{2250, []string{"熊本県", "宮崎県", "鹿児島県"}},
	{-1, []string{"沖縄県"}},
}

// DefaultTransitDays is soko's guess of the days a parcel takes from one
// prefecture to another when nobody has set them: the day after shipping
// (1) within about 700 km of trunk route between the regions, 2 within
// about 1,400 km, 3 beyond; Okinawa takes 2 from Kyushu and 3 from
// anywhere else, 1 within Okinawa. These are approximations shaped like
// the carriers' published 翌日/翌々日 maps (ヤマト運輸「お届け予定日時」,
// 佐川急便「お届け日数」, 日本郵便「お届け日数」); they were not checked
// against any carrier's table and remote islands take longer. Set the real
// days per carrier in the console. An unknown prefecture takes 3.
func DefaultTransitDays(from, to string) int {
	a, aok := transitZoneOf(from)
	b, bok := transitZoneOf(to)
	if !aok || !bok {
		return 3
	}
	okinawa := len(transitZones) - 1
	switch {
	case a == b:
		return 1
	case a == okinawa || b == okinawa:
		other := a + b - okinawa
		if other >= okinawa-2 {
			return 2
		}
		return 3
	}
	d := transitZones[a].km - transitZones[b].km
	if d < 0 {
		d = -d
	}
	switch {
	case d <= 700:
		return 1
	case d <= 1400:
		return 2
	}
	return 3
}

func transitZoneOf(pref string) (int, bool) {
	for i, z := range transitZones {
		for _, p := range z.prefs {
			if p == pref {
				return i, true
			}
		}
	}
	return 0, false
}

// ShipDateCount is the orders still to leave on one planned ship date:
// Waiting have not gone to picking, Released have. Overdue groups every
// date before today, under the day before today.
type ShipDateCount struct {
	Date              time.Time
	Overdue           bool
	Orders            int
	Waiting, Released int
}

// AtRiskOrder is an order that may miss its ship or delivery date.
type AtRiskOrder struct {
	OrderID      int64
	Number       string
	MerchantCode string
	Status       OrderStatus
	Carrier      string
	Prefecture   string
	ShipDate     time.Time
	DeliveryDate time.Time // zero when none was asked for
}

// OldHold is an order its merchant has held longer than the merchant's
// HoldAlertDays.
type OldHold struct {
	OrderID      int64
	Number       string
	MerchantCode string
	Reason       HoldReason
	Note         string
	HeldSince    time.Time
	// StockFreed says its reserved stock went back on sale.
	StockFreed bool
}
