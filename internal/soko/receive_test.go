package soko

import (
	"slices"
	"testing"
	"time"
)

func TestReceipt_Check(t *testing.T) {
	expiry := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name        string
		lot, expiry bool // tracked
		r           Receipt
		want        []string
	}{
		{"untracked", false, false, Receipt{}, nil},
		{"lot missing", true, false, Receipt{}, []string{"lot"}},
		{"lot given", true, false, Receipt{Lot: "L2026-11"}, nil},
		{"expiry missing", false, true, Receipt{Lot: "L2026-11"}, []string{"expiry"}},
		{"both missing", true, true, Receipt{}, []string{"lot", "expiry"}},
		{"both given", true, true, Receipt{Lot: "L2026-11", Expiry: expiry}, nil},
	} {
		var got []string
		for _, p := range c.r.Check(&Product{Name: "静岡茶", TrackLot: c.lot, TrackExpiry: c.expiry}) {
			got = append(got, p.Field)
			if p.Message.JA == "" || p.Message.EN == "" {
				t.Errorf("%s: %s needs both languages", c.name, p.Field)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: refused %v, want %v", c.name, got, c.want)
		}
	}
}
