package soko

import "testing"

func TestReturnGrade_Allows(t *testing.T) {
	for _, tc := range []struct {
		grade ReturnGrade
		ok    []ReturnDestination
	}{
		{GradeSellable, []ReturnDestination{DestStock, DestQuarantine, DestDisposal}},
		{GradeDamaged, []ReturnDestination{DestQuarantine, DestDisposal}},
		{GradeOpened, []ReturnDestination{DestQuarantine, DestDisposal}},
		{GradeWrong, []ReturnDestination{DestNone}},
	} {
		allowed := map[ReturnDestination]bool{}
		for _, d := range tc.ok {
			allowed[d] = true
		}
		for _, d := range []ReturnDestination{DestStock, DestQuarantine, DestDisposal, DestNone} {
			if got := tc.grade.Allows(d); got != allowed[d] {
				t.Errorf("%s → %s: %v, want %v", tc.grade, d, got, allowed[d])
			}
		}
		if d := tc.grade.DefaultDestination(); !tc.grade.Allows(d) {
			t.Errorf("%s's default %s is not allowed", tc.grade, d)
		}
	}
}

func TestProductReturns_Frequent(t *testing.T) {
	for _, tc := range []struct {
		p    ProductReturns
		want bool
	}{
		{ProductReturns{Returns: 3, Returned: 3, Shipped: 30}, true},
		{ProductReturns{Returns: 3, Returned: 3, Shipped: 31}, false},
		{ProductReturns{Returns: 2, Returned: 2, Shipped: 2}, false},
	} {
		if got := tc.p.Frequent(); got != tc.want {
			t.Errorf("%+v: %v", tc.p, got)
		}
	}
}
