package soko

import (
	"reflect"
	"testing"
)

func TestShortPick_Missing(t *testing.T) {
	for _, c := range []struct {
		name                 string
		asked, picked, found int
		want                 int
		refused              bool
	}{
		{"nothing on the shelf", 5, 0, 0, 5, false},
		{"some on the shelf", 5, 0, 3, 2, false},
		{"after picking part of the task", 5, 2, 1, 2, false},
		{"found all that is left: no short pick", 5, 2, 3, 0, true},
		{"found more than is left", 5, 0, 6, 0, true},
		{"a negative count", 5, 0, -1, 0, true},
	} {
		got, err := (&ShortPick{Found: c.found}).Missing(c.asked, c.picked)
		if got != c.want || (err != nil) != c.refused {
			t.Errorf("%s: %d missing, %v; want %d, refused %v", c.name, got, err, c.want, c.refused)
		}
		if fs := ErrorFields(err); c.refused && (ErrorCode(err) != EINVALID || len(fs) != 1 || fs[0].Field != "found") {
			t.Errorf("%s: refused as %v", c.name, err)
		}
	}
}

func TestShortShelvesCounted(t *testing.T) {
	if err := ShortShelvesCounted(nil); err != nil {
		t.Errorf("every short shelf counted: %v", err)
	}
	err := ShortShelvesCounted([]string{"A-01-01-1", "B-02-01-1"})
	if ErrorCode(err) != ECONFLICT || ErrorMessage(err, "ja") != "A-01-01-1, B-02-01-1 の棚卸がまだです。棚卸のあとで欠品解決するか、再引当で別の棚から引き当ててください" {
		t.Errorf("shelves waiting for a count: %v", err)
	}
}

func TestOrder_Missing(t *testing.T) {
	o := &Order{ID: 9, Number: "A-1", Lines: []OrderLine{{ID: 1, ProductID: 11, Quantity: 3}, {ID: 2, ProductID: 12, Quantity: 2}}}
	for _, c := range []struct {
		name string
		have map[int64]LineUnits
		want []OrderLine
		code string
	}{
		{"nothing reserved: every line whole", nil, []OrderLine{{ID: 1, ProductID: 11, Quantity: 3}, {ID: 2, ProductID: 12, Quantity: 2}}, ""},
		{"one line short by one", map[int64]LineUnits{1: {Allocated: 2, Picked: 2}, 2: {Allocated: 2, Picked: 2}},
			[]OrderLine{{ID: 1, ProductID: 11, Quantity: 1}}, ""},
		{"nothing missing, units left to pick", map[int64]LineUnits{1: {Allocated: 3, Picked: 1}, 2: {Allocated: 2, Picked: 2}}, nil, ""},
		{"nothing missing, nothing left to pick", map[int64]LineUnits{1: {Allocated: 3, Picked: 3}, 2: {Allocated: 2, Picked: 2}}, nil, ECONFLICT},
	} {
		got, err := o.Missing(c.have)
		if ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %q", c.name, err, c.code)
		}
		if err == nil && (got.ID != o.ID || got.Number != o.Number || !reflect.DeepEqual(got.Lines, c.want)) {
			t.Errorf("%s: %+v, want lines %+v", c.name, got, c.want)
		}
	}
	if o.Lines[0].Quantity != 3 {
		t.Error("the order's own lines changed")
	}
}

func TestNotEnoughStock(t *testing.T) {
	err := NotEnoughStock("A-1", []OrderLine{{ProductID: 11, Quantity: 1}, {ProductID: 12, Quantity: 2}}, map[int64]string{11: "TEA", 12: "COFFEE"})
	if ErrorCode(err) != ECONFLICT || ErrorMessage(err, "en") != "not enough stock to allocate order A-1 now (missing TEA × 1, COFFEE × 2)" {
		t.Errorf("%v", err)
	}
}

func TestOrder_Splittable(t *testing.T) {
	o := &Order{Number: "A-1"}
	if err := o.Splittable(2); err != nil {
		t.Errorf("picked in part: %v", err)
	}
	if err := o.Splittable(0); ErrorCode(err) != ECONFLICT {
		t.Errorf("nothing picked: %v", err)
	}
}
