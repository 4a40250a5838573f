package soko

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestPlanShipDate(t *testing.T) {
	cal := DefaultShipCalendar("東京都")
	cal.Holidays = map[time.Time]string{date("2026-12-17"): "棚卸"}
	cal.Transit = map[string]map[string]int{"sagawa": {"北海道": 1}}
	monMorning := time.Date(2026, 12, 7, 10, 0, 0, 0, JST)
	monEvening := time.Date(2026, 12, 7, 15, 30, 0, 0, JST)
	friEvening := time.Date(2026, 12, 11, 16, 0, 0, 0, JST)
	tests := []struct {
		name           string
		now            time.Time
		carrier, pref  string
		delivery, ship string
		want           string // the ship date, or the field refused
		earliest       string
	}{
		{"no date before the cut-off ships today", monMorning, "yamato", "大阪府", "", "", "2026-12-07", ""},
		{"no date after the cut-off ships tomorrow", monEvening, "yamato", "大阪府", "", "", "2026-12-08", ""},
		{"friday evening ships monday", friEvening, "yamato", "大阪府", "", "", "2026-12-14", ""},
		{"delivery monday ships friday, not sunday", monMorning, "yamato", "大阪府", "2026-12-21", "", "2026-12-18", ""},
		{"company holiday moves the ship date back", monMorning, "yamato", "大阪府", "2026-12-18", "", "2026-12-16", ""},
		{"two days to hokkaido", monMorning, "yamato", "北海道", "2026-12-09", "", "2026-12-07", ""},
		{"too early for hokkaido", monMorning, "yamato", "北海道", "2026-12-08", "", "delivery_date", "2026-12-09"},
		{"a carrier set faster", monMorning, "sagawa", "北海道", "2026-12-08", "", "2026-12-07", ""},
		{"the warehouse's choice takes the fastest", monMorning, "", "北海道", "2026-12-08", "", "2026-12-07", ""},
		{"okinawa takes three days", monMorning, "yamato", "沖縄県", "2026-12-09", "", "delivery_date", "2026-12-10"},
		{"new year's day is closed", time.Date(2026, 12, 31, 16, 0, 0, 0, JST), "yamato", "東京都", "", "", "2027-01-04", ""},
		{"set ship date kept", monMorning, "yamato", "大阪府", "2026-12-21", "2026-12-15", "2026-12-15", ""},
		{"set ship date on a sunday", monMorning, "yamato", "大阪府", "", "2026-12-13", "ship_date", "2026-12-14"},
		{"set ship date on a public holiday", monMorning, "yamato", "大阪府", "", "2027-01-11", "ship_date", "2027-01-12"},
		{"set ship date in the past", monMorning, "yamato", "大阪府", "", "2026-12-04", "ship_date", "2026-12-07"},
		{"set ship date too late for the delivery date", monMorning, "yamato", "北海道", "2026-12-10", "2026-12-09", "ship_date", "2026-12-07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &Order{Carrier: tt.carrier, Recipient: Address{Prefecture: tt.pref}}
			if tt.delivery != "" {
				o.DeliveryDate = date(tt.delivery)
			}
			if tt.ship != "" {
				o.ShipDate = date(tt.ship)
			}
			got, p := cal.PlanShipDate(o, tt.now)
			switch {
			case p != nil && p.Field != tt.want:
				t.Fatalf("refused %s: %s", p.Field, p.Message.EN)
			case p != nil && p.Earliest.Format(time.DateOnly) != tt.earliest:
				t.Fatalf("earliest %s, want %s (%s)", p.Earliest.Format(time.DateOnly), tt.earliest, p.Message.JA)
			case p == nil && got.Format(time.DateOnly) != tt.want:
				t.Fatalf("ship date %s, want %s", got.Format(time.DateOnly), tt.want)
			}
		})
	}
}

func TestDefaultTransitDays(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{"東京都", "東京都", 1}, {"東京都", "大阪府", 1}, {"東京都", "北海道", 2}, {"東京都", "福岡県", 2},
		{"東京都", "鹿児島県", 2}, {"東京都", "沖縄県", 3}, {"福岡県", "沖縄県", 2}, {"沖縄県", "沖縄県", 1},
		{"北海道", "鹿児島県", 3}, {"大阪府", "福岡県", 1}, {"東京都", "どこか", 3},
	}
	for _, tt := range tests {
		if got := DefaultTransitDays(tt.from, tt.to); got != tt.want {
			t.Errorf("%s → %s: %d days, want %d", tt.from, tt.to, got, tt.want)
		}
		if got := DefaultTransitDays(tt.to, tt.from); got != tt.want {
			t.Errorf("%s → %s: %d days, want %d (not symmetric)", tt.to, tt.from, got, tt.want)
		}
	}
}

func TestShipCalendar_AtRisk(t *testing.T) {
	cal := DefaultShipCalendar("東京都")
	now := time.Date(2026, 12, 8, 16, 0, 0, 0, JST)
	for _, tt := range []struct {
		ship   string
		status OrderStatus
		want   bool
	}{
		{"2026-12-07", OrderAllocated, true},
		{"2026-12-07", OrderShipped, false},
		{"2026-12-08", OrderPicking, true},
		{"2026-12-08", OrderLabeled, false},
		{"2026-12-09", OrderAllocated, false},
		{"", OrderAllocated, false},
		{"2026-12-07", OrderOnHold, false},
	} {
		o := &Order{Status: tt.status}
		if tt.ship != "" {
			o.ShipDate = date(tt.ship)
		}
		if got := cal.AtRisk(o, now); got != tt.want {
			t.Errorf("ship %s %s: at risk %v", tt.ship, tt.status, got)
		}
	}
}
