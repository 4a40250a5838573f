package soko

import (
	"strings"
	"testing"
	"time"
)

var testBoxes = []BoxType{
	{Code: "NEKOPOS", InnerLengthMM: 312, InnerWidthMM: 228, InnerHeightMM: 25, MaxWeightGrams: 1000, TareGrams: 20, Thin: true, Service: "nekopos"},
	{Code: "BOX60", InnerLengthMM: 250, InnerWidthMM: 180, InnerHeightMM: 130, MaxWeightGrams: 2000, TareGrams: 150, SizeClass: 60},
	{Code: "BOX80", InnerLengthMM: 330, InnerWidthMM: 240, InnerHeightMM: 190, MaxWeightGrams: 5000, TareGrams: 250, SizeClass: 80},
	{Code: "BOX100", InnerLengthMM: 400, InnerWidthMM: 300, InnerHeightMM: 270, MaxWeightGrams: 10000, TareGrams: 400, SizeClass: 100},
}

func TestRecommendBoxes(t *testing.T) {
	towel := PackItem{ProductID: 1, Name: "タオル", LengthMM: 200, WidthMM: 150, HeightMM: 20, WeightGrams: 150}
	mug := PackItem{ProductID: 2, Name: "マグ", LengthMM: 120, WidthMM: 90, HeightMM: 100, WeightGrams: 350}
	rice := PackItem{ProductID: 3, Name: "米 5kg", LengthMM: 380, WidthMM: 250, HeightMM: 90, WeightGrams: 4800}
	pole := PackItem{ProductID: 4, Name: "突っ張り棒", LengthMM: 900, WidthMM: 40, HeightMM: 40, WeightGrams: 600}
	with := func(it PackItem, n int) PackItem { it.Quantity = n; return it }
	cases := []struct {
		name  string
		items []PackItem
		thin  bool
		want  []string // box codes, one per parcel
	}{
		{"one thin towel goes by post box", []PackItem{with(towel, 1)}, true, []string{"NEKOPOS"}},
		{"thin not allowed by the service", []PackItem{with(towel, 1)}, false, []string{"BOX60"}},
		{"too thick for the post box", []PackItem{with(mug, 1)}, true, []string{"BOX60"}},
		{"volume needs the next size", []PackItem{with(mug, 6)}, false, []string{"BOX80"}},
		{"weight needs a stronger box", []PackItem{with(towel, 1), with(mug, 5)}, false, []string{"BOX80"}},
		{"two parcels when no box holds it all", []PackItem{with(rice, 3)}, false, []string{"BOX100", "BOX100"}},
		{"rest goes into the smallest box", []PackItem{with(rice, 2), with(mug, 1)}, false, []string{"BOX100", "BOX60"}},
		{"fits no box at all", []PackItem{with(pole, 1)}, false, nil},
		{"nothing to pack", nil, false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := RecommendBoxes(tc.items, testBoxes, tc.thin)
			var codes []string
			units := 0
			for _, p := range got {
				codes = append(codes, p.Box.Code)
				weight := p.Box.TareGrams
				for _, it := range p.Items {
					units += it.Quantity
					weight += it.WeightGrams * it.Quantity
				}
				if weight != p.WeightGrams || p.WeightGrams > p.Box.MaxWeightGrams {
					t.Errorf("parcel %s weighs %d (plan says %d, max %d)", p.Box.Code, weight, p.WeightGrams, p.Box.MaxWeightGrams)
				}
			}
			if len(codes) != len(tc.want) {
				t.Fatalf("got %v, want %v", codes, tc.want)
			}
			for i := range codes {
				if codes[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", codes, tc.want)
				}
			}
			want := 0
			for _, it := range tc.items {
				want += it.Quantity
			}
			if got != nil && units != want {
				t.Fatalf("%d units planned, %d ordered", units, want)
			}
		})
	}
}

func TestOrder_ThinAllowed(t *testing.T) {
	for _, c := range []struct {
		name        string
		o           Order
		thin, known bool
		want        bool
	}{
		{"ネコポス", Order{Carrier: "yamato", Service: "nekopos"}, true, true, true},
		{"宅急便", Order{Carrier: "yamato", Service: "takkyubin"}, false, true, false},
		{"nothing asked", Order{}, false, false, true},
		{"a carrier, no service", Order{Carrier: "yamato"}, false, false, true},
		{"a time slot", Order{TimeSlot: Slot14To16}, false, false, false},
		{"a delivery date", Order{DeliveryDate: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, false, false, false},
		{"cash on delivery", Order{CODAmount: 1650}, false, false, false},
		{"a service no carrier has", Order{Carrier: "yamato", Service: "drone"}, false, false, false},
	} {
		if got := c.o.ThinAllowed(c.thin, c.known); got != c.want {
			t.Errorf("%s: ThinAllowed = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCheckPackWeight(t *testing.T) {
	items := []PackItem{{ProductID: 1, WeightGrams: 300, Quantity: 2}, {ProductID: 2, WeightGrams: 100, Quantity: 1}}
	boxes := []BoxType{{Code: "S60", TareGrams: 150}, {Code: "M80", TareGrams: 250}}
	// 700 g of goods and a 150 g box: 850 g, give or take 85 g.
	for _, c := range []struct {
		name      string
		parcels   []PackedParcel
		confirmed bool
		note      string
		refused   bool
	}{
		{"as expected", []PackedParcel{{"S60", 850}}, false, "", false},
		{"within the tolerance", []PackedParcel{{"S60", 935}}, false, "", false},
		{"too heavy", []PackedParcel{{"S60", 936}}, false, "", true},
		{"too light", []PackedParcel{{"S60", 764}}, false, "", true},
		{"too heavy, confirmed", []PackedParcel{{"S60", 1000}}, true, "weight 1000 g, expected 850 g, confirmed", false},
		{"two boxes", []PackedParcel{{"S60", 500}, {"M80", 600}}, false, "", false},
		{"an unknown box weighs nothing", []PackedParcel{{"XX", 700}}, false, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			note, err := CheckPackWeight(items, boxes, c.parcels, c.confirmed)
			if c.refused {
				if ErrorCode(err) != ECONFLICT || !strings.Contains(ErrorMessage(err, "ja"), "商品違い") {
					t.Fatalf("err %v, want a Japanese ECONFLICT", err)
				}
				return
			}
			if err != nil || note != c.note {
				t.Fatalf("note %q, err %v; want %q", note, err, c.note)
			}
		})
	}
}
