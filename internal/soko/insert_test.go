package soko_test

import (
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestInsertsFor(t *testing.T) {
	inserts := []soko.Insert{
		{Code: "FLYER", SKU: "FLY-1", Quantity: 1, Rule: soko.InsertEvery, Active: true},
		{Code: "WELCOME", SKU: "CPN-1", Quantity: 1, Rule: soko.InsertFirstOrder, Active: true},
		{Code: "BIG", SKU: "SMP-1", Quantity: 2, Rule: soko.InsertMinTotal, MinTotal: 5000, Active: true},
		{Code: "TEA", SKU: "SMP-2", Quantity: 1, Rule: soko.InsertContainsSKU, TriggerSKU: "TEA-100", Active: true},
		{Code: "XMAS", SKU: "CARD-1", Quantity: 1, Rule: soko.InsertEvery, ValidFrom: day("2026-12-01"), ValidUntil: day("2026-12-25"), Active: true},
		{Code: "OFF", SKU: "OLD-1", Quantity: 1, Rule: soko.InsertEvery, Active: false},
	}
	codes := func(ps []soko.InsertPick) []string {
		out := []string{}
		for _, p := range ps {
			out = append(out, p.Code)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		o    soko.InsertOrder
		want []string
	}{
		{"a plain order", soko.InsertOrder{GoodsTotal: 1000, SKUs: []string{"X"}, Day: day("2026-11-30")}, []string{"FLYER"}},
		{"first order", soko.InsertOrder{GoodsTotal: 1000, FirstOrder: true, Day: day("2026-11-30")}, []string{"FLYER", "WELCOME"}},
		{"total just reached", soko.InsertOrder{GoodsTotal: 5000, Day: day("2026-11-30")}, []string{"FLYER", "BIG"}},
		{"total one yen short", soko.InsertOrder{GoodsTotal: 4999, Day: day("2026-11-30")}, []string{"FLYER"}},
		{"trigger product", soko.InsertOrder{SKUs: []string{"A", "TEA-100"}, Day: day("2026-11-30")}, []string{"FLYER", "TEA"}},
		{"first day of the range", soko.InsertOrder{Day: day("2026-12-01")}, []string{"FLYER", "XMAS"}},
		{"last day of the range", soko.InsertOrder{Day: day("2026-12-25")}, []string{"FLYER", "XMAS"}},
		{"after the range", soko.InsertOrder{Day: day("2026-12-26")}, []string{"FLYER"}},
		{"everything", soko.InsertOrder{GoodsTotal: 9000, SKUs: []string{"TEA-100"}, FirstOrder: true, Day: day("2026-12-10")}, []string{"FLYER", "WELCOME", "BIG", "TEA", "XMAS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := codes(soko.InsertsFor(tc.o, inserts))
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	if p := soko.InsertsFor(soko.InsertOrder{GoodsTotal: 6000}, inserts[2:3]); len(p) != 1 || p[0].Quantity != 2 || p[0].SKU != "SMP-1" {
		t.Errorf("min total pick = %+v", p)
	}
}

func TestGift_NormalAndCheck(t *testing.T) {
	g := soko.GiftOptions{Wrap: true, Noshi: soko.Noshi{Title: " 御歳暮 ", Name: "山田"}}.Normal()
	if g.Wrapping != soko.WrapPaper || g.Noshi.Title != "御歳暮" || g.Noshi.Placement != soko.NoshiInner {
		t.Errorf("normal = %+v", g)
	}
	if g := (soko.GiftOptions{Wrapping: soko.WrapBag}).Normal(); !g.Wrap {
		t.Errorf("a bag is a wrap: %+v", g)
	}
	if ps := soko.CheckGift(g); len(ps) != 0 {
		t.Errorf("problems in a good gift: %+v", ps)
	}
	for _, tc := range []struct {
		g     soko.GiftOptions
		field string
	}{
		{soko.GiftOptions{Wrapping: "foil"}, "gift.wrapping"},
		{soko.GiftOptions{Noshi: soko.Noshi{Name: "山田"}}, "gift.noshi.title"},
		{soko.GiftOptions{Noshi: soko.Noshi{Title: "御祝", Placement: "side"}}, "gift.noshi.placement"},
		{soko.GiftOptions{Noshi: soko.Noshi{Title: "御祝御祝御祝御祝御祝御祝"}}, "gift.noshi.title"},
		{soko.GiftOptions{Noshi: soko.Noshi{Title: "御祝", Name: "山田\t太郎"}}, "gift.noshi.name"},
	} {
		ps := soko.CheckGift(tc.g.Normal())
		if len(ps) != 1 || ps[0].Field != tc.field {
			t.Errorf("CheckGift(%+v) = %+v, want one problem on %s", tc.g, ps, tc.field)
		}
	}
	if ps := soko.CheckGift(soko.GiftOptions{Message: "お誕生日\nおめでとう"}.Normal()); len(ps) != 0 {
		t.Errorf("a message may have lines: %+v", ps)
	}
}

func TestPackChecks(t *testing.T) {
	g := soko.GiftOptions{Wrapping: soko.WrapBox, Noshi: soko.Noshi{Title: "内祝", Name: "佐藤", Placement: soko.NoshiOuter}, Message: "ありがとう", HidePrices: true}.Normal()
	checks := soko.PackChecks(g, []soko.InsertPick{{Code: "FLYER", Name: "冬のチラシ", SKU: "FLY-1", Quantity: 1}})
	var keys []string
	for _, c := range checks {
		keys = append(keys, c.Key)
	}
	want := []string{"wrapping", "noshi", "message", "hide_prices", "insert:FLYER"}
	if len(keys) != len(want) {
		t.Fatalf("keys = %v, want %v", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("keys = %v, want %v", keys, want)
		}
	}
	if checks[1].Label.JA != "のし（外のし）：内祝／佐藤" || checks[0].Label.JA != "ギフト包装：化粧箱" || checks[4].Label.JA != "同梱物：冬のチラシ ×1" {
		t.Errorf("labels: %q, %q, %q", checks[0].Label.JA, checks[1].Label.JA, checks[4].Label.JA)
	}
	missing := soko.Unconfirmed(checks, []string{"wrapping", "noshi", "message", "hide_prices"})
	if len(missing) != 1 || missing[0].Key != "insert:FLYER" {
		t.Errorf("unconfirmed = %+v", missing)
	}
	if len(soko.PackChecks(soko.GiftOptions{}, nil)) != 0 {
		t.Error("a plain order has a checklist")
	}
}

func TestSetAvailable(t *testing.T) {
	cs := []soko.Component{{ProductID: 1, Quantity: 2}, {ProductID: 2, Quantity: 1}}
	for _, tc := range []struct {
		free map[int64]int
		want int
	}{
		{map[int64]int{1: 10, 2: 3}, 3},
		{map[int64]int{1: 5, 2: 9}, 2},
		{map[int64]int{1: 1, 2: 9}, 0},
		{map[int64]int{1: 10}, 0},
		{map[int64]int{1: -2, 2: 5}, 0},
	} {
		if got := soko.SetAvailable(cs, tc.free); got != tc.want {
			t.Errorf("SetAvailable(%v) = %d, want %d", tc.free, got, tc.want)
		}
	}
	if got := soko.SetAvailable(nil, nil); got != 0 {
		t.Errorf("no components: %d", got)
	}
}

func TestLineState_SetIsItsLeastAdvancedComponent(t *testing.T) {
	o := &soko.Order{Status: soko.OrderPicking, Lines: []soko.OrderLine{
		{ID: 1, SKU: "SET", Quantity: 1, IsSet: true},
		{ID: 2, SKU: "A", Quantity: 2, Allocated: 2, Picked: 2, SetLineID: 1},
		{ID: 3, SKU: "B", Quantity: 1, Allocated: 1, SetLineID: 1},
	}}
	if got := o.LineState(o.Lines[0]); got != soko.LineAllocated {
		t.Errorf("set state %s, want allocated (B is not picked)", got)
	}
	o.Lines[2].Picked = 1
	if got := o.LineState(o.Lines[0]); got != soko.LinePicked {
		t.Errorf("set state %s, want picked", got)
	}
	if cs := o.SetComponents(o.Lines[0]); len(cs) != 2 || o.Lines[0].Physical() || !o.Lines[1].Physical() {
		t.Errorf("components %+v", cs)
	}
}
