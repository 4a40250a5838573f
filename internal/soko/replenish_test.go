package soko

import "testing"

// TestSuggestReorder_WorkedExample is the example of SuggestReorder's
// comment, figure by figure.
func TestSuggestReorder_WorkedExample(t *testing.T) {
	f := SuggestReorder(ReorderInput{
		ShippedUnits: 120, AllocatedUnits: 20, WindowDays: 28,
		Available: 30, Inbound: 12,
		LeadTimeDays: 10, ReviewDays: 7, SafetyDays: 3,
		MinOrderQty: 48, OrderMultiple: 12,
	})
	want := ReorderFigures{DailyDemand: 5, DaysOfCover: 6, SafetyStock: 15, Target: 100, Quantity: 60}
	if f != want {
		t.Fatalf("got %+v, want %+v", f, want)
	}
}

func TestSuggestReorder_Rounding(t *testing.T) {
	base := ReorderInput{ShippedUnits: 28, WindowDays: 28, LeadTimeDays: 5, ReviewDays: 5} // 1 a day, target 10
	for _, c := range []struct {
		name        string
		change      func(in *ReorderInput)
		quantity    int
		daysOfCover float64
	}{
		{"shortfall as it is", func(in *ReorderInput) { in.Available = 3 }, 7, 3},
		{"up to the minimum", func(in *ReorderInput) { in.Available, in.MinOrderQty = 3, 20 }, 20, 3},
		{"minimum rounded to the multiple", func(in *ReorderInput) { in.Available, in.MinOrderQty, in.OrderMultiple = 3, 20, 6 }, 24, 3},
		{"up to the multiple", func(in *ReorderInput) { in.Available, in.OrderMultiple = 3, 4 }, 8, 3},
		{"enough with what is inbound", func(in *ReorderInput) { in.Available, in.Inbound, in.MinOrderQty = 3, 7, 50 }, 0, 3},
		{"no demand, nothing to order", func(in *ReorderInput) { in.ShippedUnits, in.Available = 0, 0 }, 0, -1},
		{"oversold counts as nothing available", func(in *ReorderInput) { in.Available = -4 }, 10, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := base
			c.change(&in)
			f := SuggestReorder(in)
			if f.Quantity != c.quantity || f.DaysOfCover != c.daysOfCover {
				t.Fatalf("got %+v, want quantity %d and %v days of cover", f, c.quantity, c.daysOfCover)
			}
		})
	}
}
