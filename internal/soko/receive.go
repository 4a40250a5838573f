package soko

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
