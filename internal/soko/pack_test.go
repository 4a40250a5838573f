package soko

import "testing"

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
