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

func TestReceipt_CountAgainst(t *testing.T) {
	const shop, otherShop = 1, 2
	lines := func(ls ...InboundLine) []InboundLine { return ls }
	for _, c := range []struct {
		name     string
		in       Inbound
		r        Receipt
		wantLine int64
		want     ReceiptResult
		code, en string
	}{
		{"first units of the line", Inbound{MerchantID: shop, Status: InboundExpected, Lines: lines(InboundLine{ID: 7, Quantity: 10})},
			Receipt{MerchantID: shop, Units: 4}, 7, ReceiptResult{Expected: 10, Received: 4}, "", ""},
		{"the last units", Inbound{MerchantID: shop, Status: InboundReceiving, Lines: lines(InboundLine{ID: 7, Quantity: 10, Received: 6})},
			Receipt{MerchantID: shop, Units: 4}, 7, ReceiptResult{Expected: 10, Received: 10}, "", ""},
		{"more than announced", Inbound{MerchantID: shop, Status: InboundReceiving, Lines: lines(InboundLine{ID: 7, Quantity: 10, Received: 10})},
			Receipt{MerchantID: shop, Units: 1}, 7, ReceiptResult{Expected: 10, Received: 11, OverReceipt: true}, "", ""},
		{"the line of the lot received", Inbound{MerchantID: shop, Status: InboundReceiving,
			Lines: lines(InboundLine{ID: 7, Lot: "L1", Quantity: 5}, InboundLine{ID: 8, Lot: "L2", Quantity: 5})},
			Receipt{MerchantID: shop, Lot: "L2", Units: 2}, 8, ReceiptResult{Expected: 10, Received: 2}, "", ""},
		{"a lot over its line stays on it", Inbound{MerchantID: shop, Status: InboundReceiving,
			Lines: lines(InboundLine{ID: 7, Lot: "L1", Quantity: 5}, InboundLine{ID: 8, Lot: "L2", Quantity: 5, Received: 5})},
			Receipt{MerchantID: shop, Lot: "L2", Units: 1}, 8, ReceiptResult{Expected: 10, Received: 6}, "", ""},
		{"an unannounced lot goes on a line with room", Inbound{MerchantID: shop, Status: InboundReceiving,
			Lines: lines(InboundLine{ID: 7, Lot: "L1", Quantity: 5, Received: 5}, InboundLine{ID: 8, Lot: "L2", Quantity: 5})},
			Receipt{MerchantID: shop, Lot: "L9", Units: 1}, 8, ReceiptResult{Expected: 10, Received: 6}, "", ""},
		{"every line full: the first", Inbound{MerchantID: shop, Status: InboundReceiving,
			Lines: lines(InboundLine{ID: 7, Lot: "L1", Quantity: 5, Received: 5}, InboundLine{ID: 8, Lot: "L2", Quantity: 5, Received: 5})},
			Receipt{MerchantID: shop, Lot: "L9", Units: 1}, 7, ReceiptResult{Expected: 10, Received: 11, OverReceipt: true}, "", ""},
		{"another merchant's product", Inbound{MerchantID: otherShop, Number: "IN-1", Status: InboundExpected, Lines: lines(InboundLine{ID: 7, Quantity: 10})},
			Receipt{MerchantID: shop, Units: 1}, 0, ReceiptResult{}, EINVALID, "this product is another merchant's"},
		{"inbound received already", Inbound{MerchantID: shop, Number: "IN-1", Status: InboundReceived, Lines: lines(InboundLine{ID: 7, Quantity: 10})},
			Receipt{MerchantID: shop, Units: 1}, 0, ReceiptResult{}, ECONFLICT, "inbound IN-1 is already received"},
		{"inbound cancelled by the merchant", Inbound{MerchantID: shop, Number: "IN-1", Status: InboundCancelled, Lines: lines(InboundLine{ID: 7, Quantity: 10})},
			Receipt{MerchantID: shop, Units: 1}, 0, ReceiptResult{}, ECONFLICT, "inbound IN-1 was cancelled by the merchant: receive without it and tell the supervisor"},
		{"product not on the inbound", Inbound{MerchantID: shop, Number: "IN-1", Status: InboundExpected},
			Receipt{MerchantID: shop, Units: 1}, 0, ReceiptResult{}, EINVALID, "this product is not on inbound IN-1"},
	} {
		line, res, err := c.r.CountAgainst(&c.in)
		if ErrorCode(err) != c.code || ErrorMessage(err, "en") != c.en {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.en)
		}
		if err != nil && ErrorMessage(err, "ja") == c.en {
			t.Errorf("%s: no Japanese", c.name)
		}
		if line.ID != c.wantLine || res != c.want {
			t.Errorf("%s: line %d, %+v; want line %d, %+v", c.name, line.ID, res, c.wantLine, c.want)
		}
	}
}

func TestInbound_Finish(t *testing.T) {
	for _, c := range []struct {
		name   string
		status InboundStatus
		open   bool
		code   string
	}{
		{"nothing came yet", InboundExpected, true, ""},
		{"receiving", InboundReceiving, true, ""},
		{"closed already", InboundReceived, false, ""},
		{"cancelled by the merchant", InboundCancelled, false, ECONFLICT},
	} {
		open, err := (&Inbound{Number: "IN-1", Status: c.status}).Finish()
		if open != c.open || ErrorCode(err) != c.code {
			t.Errorf("%s: %v, %v; want %v, %q", c.name, open, err, c.open, c.code)
		}
	}
}
