package soko

import (
	"slices"
	"time"
)

// Receipt is one scan of goods arriving, resolved to a product.
type Receipt struct {
	ScanID     string
	Code       string
	StaffID    int64
	Device     string
	InboundID  int64 // 0 when receiving without an advance notice
	MerchantID int64
	ProductID  int64
	Units      int
	Lot        string
	Expiry     time.Time
}

// ReceiptResult says what a receipt did to its inbound line.
type ReceiptResult struct {
	Expected    int
	Received    int
	OverReceipt bool
}

// Check is the receive step's rule for a receipt of product p: a product
// tracked by lot or expiry is received with them, because allocation
// (FEFO) and recalls go by them. It names each one missing.
func (r *Receipt) Check(p *Product) []Problem {
	var ps []Problem
	if p.TrackLot && r.Lot == "" {
		ps = append(ps, Problem{Field: "lot", Message: Text{JA: "ロット番号を入力してください", EN: "enter the lot number"}})
	}
	if p.TrackExpiry && r.Expiry.IsZero() {
		ps = append(ps, Problem{Field: "expiry", Message: Text{JA: "賞味期限を入力してください", EN: "enter the expiry date"}})
	}
	return ps
}

// CountAgainst is the receive step's rule for a receipt counted against
// inbound in, whose Lines are its lines of the receipt's product. It
// refuses another merchant's product, an inbound received already or
// cancelled by its merchant (the goods came without a notice that still
// holds), and a product the inbound does not announce. Else it returns the
// line the units count against (see receiptLine) and where the inbound
// then stands for this product.
func (r *Receipt) CountAgainst(in *Inbound) (InboundLine, ReceiptResult, error) {
	var res ReceiptResult
	switch {
	case in.MerchantID != r.MerchantID:
		return InboundLine{}, res, Errorf(EINVALID, "this product is another merchant's").JA("この商品は別の荷主の商品です")
	case in.Status == InboundReceived:
		return InboundLine{}, res, Errorf(ECONFLICT, "inbound %s is already received", in.Number).JA("入荷予定 %s は入荷完了済みです", in.Number)
	case in.Status == InboundCancelled:
		return InboundLine{}, res, Errorf(ECONFLICT, "inbound %s was cancelled by the merchant: receive without it and tell the supervisor", in.Number).
			JA("入荷予定 %s は荷主がキャンセルしました。予定なしで入荷し、監督者に伝えてください", in.Number)
	case len(in.Lines) == 0:
		return InboundLine{}, res, Errorf(EINVALID, "this product is not on inbound %s", in.Number).JA("この商品は入荷予定 %s にありません", in.Number)
	}
	for _, l := range in.Lines {
		res.Expected += l.Quantity
		res.Received += l.Received
	}
	res.Received += r.Units
	res.OverReceipt = res.Received > res.Expected
	return receiptLine(in.Lines, r.Lot), res, nil
}

// receiptLine is the line of an inbound that units of a product and lot
// count against: the line of the same lot, one with room left first, so an
// over-receipt of a lot stays on its own line (and the report says which
// lot came over, as the stock does); else a line with room; else the first.
func receiptLine(lines []InboundLine, lot string) InboundLine {
	for _, fits := range []func(l InboundLine) bool{
		func(l InboundLine) bool { return l.Lot == lot && l.Received < l.Quantity },
		func(l InboundLine) bool { return l.Lot == lot },
		func(l InboundLine) bool { return l.Received < l.Quantity },
	} {
		if i := slices.IndexFunc(lines, fits); i >= 0 {
			return lines[i]
		}
	}
	return lines[0]
}

// Finish is the receive step's rule for closing an inbound: what arrived
// is what was received. It reports false for an inbound closed already,
// which closing again leaves as it is, and refuses one its merchant
// cancelled, which nothing was received against.
func (in *Inbound) Finish() (bool, error) {
	switch in.Status {
	case InboundReceived:
		return false, nil
	case InboundCancelled:
		return false, Errorf(ECONFLICT, "inbound %s was cancelled by the merchant", in.Number).JA("入荷予定 %s は荷主がキャンセルしました", in.Number)
	}
	return true, nil
}
