package soko

import "time"

// StockDay is a product's stock at the end of one day in Japan, as its
// ledger sums it up.
type StockDay struct {
	Date      time.Time // midnight in Japan starting the day
	OnHand    int
	Allocated int
}

// Available is what of the day's stock was not promised to orders.
func (d StockDay) Available() int { return d.OnHand - d.Allocated }

// StockDelta is what ledger lines changed together: the units on hand and
// the units allocated.
type StockDelta struct {
	OnHand, Allocated int
}

// StockDays lays a product's ledger out as days: n days ending with the
// day now falls on in Japan, oldest first, starting from opening (the
// ledger's sum before the first day) and adding each day's changes,
// keyed by the day's date ("2006-01-02").
func StockDays(now time.Time, n int, opening StockDelta, changes map[string]StockDelta) []StockDay {
	first := StockHistoryFirstDay(now, n)
	out := make([]StockDay, n)
	cur := opening
	for i := range out {
		day := first.AddDate(0, 0, i)
		ch := changes[day.Format(time.DateOnly)]
		cur.OnHand += ch.OnHand
		cur.Allocated += ch.Allocated
		out[i] = StockDay{Date: day, OnHand: cur.OnHand, Allocated: cur.Allocated}
	}
	return out
}

// StockHistoryFirstDay is the first of the n days ending with the day now
// falls on in Japan.
func StockHistoryFirstDay(now time.Time, n int) time.Time {
	return WorkDay(now).AddDate(0, 0, 1-n)
}
