package soko

import (
	"slices"
	"testing"
)

func TestPutAwayTo(t *testing.T) {
	for _, c := range []struct {
		name string
		kind LocationKind
		want string // error code, "" when accepted
	}{
		{"onto a pick shelf", LocationPick, ""},
		{"onto a reserve shelf", LocationReserve, ""},
		{"back to receiving", LocationReceiving, EINVALID},
		{"onto the dock", LocationDock, EINVALID},
	} {
		err := PutAwayTo(&Location{Code: "X-01", Kind: c.kind})
		if got := ErrorCode(err); got != c.want {
			t.Errorf("%s: %v, want code %q", c.name, err, c.want)
		}
		if err != nil && ErrorMessage(err, "ja") != "X-01 は棚ではありません（棚入れ先は保管ロケーションです）" {
			t.Errorf("%s: says %q", c.name, ErrorMessage(err, "ja"))
		}
	}
}

func TestMove_Take(t *testing.T) {
	receiving := &Location{ID: 1, Code: "RCV-01", Kind: LocationReceiving}
	shelf := &Location{ID: 2, Code: "A-01-01-1", Kind: LocationPick}
	for _, c := range []struct {
		name     string
		units    int
		from     *Location
		free     []int // per stock row, oldest expiry first
		want     []int
		code, en string
	}{
		{"all of one lot", 5, receiving, []int{5}, []int{5}, "", ""},
		{"part of one lot", 3, receiving, []int{5}, []int{3}, "", ""},
		{"oldest expiry first, then the next lot", 7, receiving, []int{4, 6, 2}, []int{4, 3, 0}, "", ""},
		{"exactly what is free across lots", 12, receiving, []int{4, 6, 2}, []int{4, 6, 2}, "", ""},
		{"more than is free", 13, receiving, []int{4, 6, 2}, nil, ECONFLICT, "only 12 units are at RCV-01"},
		{"nothing of the product there", 1, receiving, nil, nil, ECONFLICT, "only 0 units are at RCV-01"},
		{"onto the shelf it comes from", 1, shelf, []int{5}, nil, EINVALID, "from and to are the same location"},
	} {
		got, err := (&Move{Units: c.units}).Take(c.from, shelf, c.free)
		if ErrorCode(err) != c.code || ErrorMessage(err, "en") != c.en {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.en)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: takes %v, want %v", c.name, got, c.want)
		}
	}
}
