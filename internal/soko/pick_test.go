package soko

import (
	"errors"
	"testing"
)

// TestDecidePickScan: what a scanned code means for a pick task, from the
// task as the scan found it and what the code names, with no store.
func TestDecidePickScan(t *testing.T) {
	const me, other = 7, 8
	task := func(change func(*PickTask)) *PickTask {
		t := &PickTask{ID: 1, LocationCode: "A-01", ProductID: 10, ProductName: "タオル", Quantity: 12, Picked: 1,
			Status: PickOpen, StaffID: me, LocationConfirmed: true, OrderStatus: OrderPicking}
		if change != nil {
			change(t)
		}
		return t
	}
	towel := PickCodeItem{ProductID: 10, Units: 1, AtShelf: true}
	towelCase := PickCodeItem{ProductID: 10, Units: 6, AtShelf: true}
	mug := PickCodeItem{ProductID: 11, Units: 1}
	othersTowel := PickCodeItem{ProductID: 20, Units: 1}
	misread := errors.New("misread")
	scan := PickScan{TaskID: 1, StaffID: me, Code: "4901234567894", Lang: "en"}
	cases := []struct {
		name  string
		task  *PickTask
		code  PickCode
		scan  PickScan
		want  PickStep
		field string // the refusal's field message, or its error code
	}{
		{"the shelf", task(func(t *PickTask) { t.LocationConfirmed = false }), PickCode{Location: "A-01"}, scan, PickStep{ConfirmLocation: true}, ""},
		{"another shelf", task(nil), PickCode{Location: "A-02"}, scan, PickStep{}, "wrong_location"},
		{"a shelf with a code that would be a misread", task(nil), PickCode{Location: "A-01"}, PickScan{TaskID: 1, StaffID: me, Unreadable: misread}, PickStep{ConfirmLocation: true}, ""},
		{"a unit", task(nil), PickCode{Items: []PickCodeItem{towel}}, scan, PickStep{Units: 1}, ""},
		{"two cases", task(nil), PickCode{Items: []PickCodeItem{towelCase}}, PickScan{TaskID: 1, StaffID: me, Quantity: 2}, PickStep{Units: 12}, "over_pick"},
		{"a case", task(nil), PickCode{Items: []PickCodeItem{towelCase}}, scan, PickStep{Units: 6}, ""},
		{"a misread", task(nil), PickCode{}, PickScan{TaskID: 1, StaffID: me, Unreadable: misread}, PickStep{}, "misread"},
		{"an unknown code", task(nil), PickCode{}, scan, PickStep{}, "unknown barcode"},
		{"a shared code, told apart by the shelf", task(nil), PickCode{Items: []PickCodeItem{othersTowel, towel}}, scan, PickStep{Units: 1}, ""},
		{"a shared code the shelf does not tell apart", task(nil), PickCode{Items: []PickCodeItem{othersTowel, mug}}, scan, PickStep{}, "choose the merchant"},
		{"a shared code on another's task", task(func(t *PickTask) { t.StaffID = other }), PickCode{Items: []PickCodeItem{othersTowel, towel}}, scan, PickStep{}, EFORBIDDEN},
		{"no task", nil, PickCode{Items: []PickCodeItem{towel}}, scan, PickStep{}, ENOTFOUND},
		{"an unknown code and no task", nil, PickCode{}, scan, PickStep{}, ENOTFOUND},
		{"another picker's task", task(func(t *PickTask) { t.StaffID = other }), PickCode{Items: []PickCodeItem{towel}}, scan, PickStep{}, EFORBIDDEN},
		{"a held order", task(func(t *PickTask) { t.OrderStatus = OrderOnHold }), PickCode{Location: "A-01"}, scan, PickStep{}, "order_on_hold"},
		{"an order being cancelled", task(func(t *PickTask) { t.OrderStatus = OrderCancelRequested }), PickCode{Items: []PickCodeItem{towel}}, scan, PickStep{}, "order_cancelled"},
		{"a finished task", task(func(t *PickTask) { t.Status = PickDone }), PickCode{Items: []PickCodeItem{towel}}, scan, PickStep{}, ECONFLICT},
		{"the item before the shelf", task(func(t *PickTask) { t.LocationConfirmed = false }), PickCode{Items: []PickCodeItem{towel}}, scan, PickStep{}, "location_first"},
		{"another item", task(nil), PickCode{Items: []PickCodeItem{mug}}, scan, PickStep{}, "wrong_item"},
		{"more than asked", task(func(t *PickTask) { t.Picked = 12 }), PickCode{Items: []PickCodeItem{towel}}, scan, PickStep{}, "over_pick"},
	}
	for _, c := range cases {
		got, err := DecidePickScan(c.task, c.code, c.scan)
		if c.field == "" {
			if err != nil || got != c.want {
				t.Errorf("%s: %+v %v, want %+v", c.name, got, err, c.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: %+v, want a refusal (%s)", c.name, got, c.field)
			continue
		}
		if !refusedWith(err, c.field) {
			t.Errorf("%s: %v (%s, %v), want %s", c.name, err, ErrorCode(err), ErrorFields(err), c.field)
		}
	}
}

// refusedWith reports whether err is what says: an error code, a field's
// message, or the error itself (for errors passed through).
func refusedWith(err error, says string) bool {
	if ErrorCode(err) == says || err.Error() == says {
		return true
	}
	for _, f := range ErrorFields(err) {
		if f.Message == says {
			return true
		}
	}
	return false
}
