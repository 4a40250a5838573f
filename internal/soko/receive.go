package soko

// Check is the receive step's rule for a receipt of product p: a product
// tracked by lot or expiry is received with them, because allocation
// (FEFO) and recalls go by them. It names each one missing.
func (r *Receipt) Check(p *Product) []Problem {
	var ps []Problem
	if p.TrackLot && r.Lot == "" {
		ps = append(ps, Problem{Field: "lot", Japanese: "ロット番号を入力してください", English: "enter the lot number"})
	}
	if p.TrackExpiry && r.Expiry.IsZero() {
		ps = append(ps, Problem{Field: "expiry", Japanese: "賞味期限を入力してください", English: "enter the expiry date"})
	}
	return ps
}
