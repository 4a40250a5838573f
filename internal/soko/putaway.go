package soko

// Move is goods going from one location to another (put-away).
type Move struct {
	ScanID    string
	Code      string
	StaffID   int64
	Device    string
	ProductID int64
	Lot       string
	Units     int
	From, To  string // location codes
}

// PutAwayTo is the put-away step's rule for where goods go: onto a shelf,
// a pick or reserve location, because only shelves are allocated from;
// goods put "away" to receiving or the dock would be lost to orders.
func PutAwayTo(to *Location) error {
	if to.Kind != LocationPick && to.Kind != LocationReserve {
		return Errorf(EINVALID, "%s is not a shelf", to.Code).JA("%s は棚ではありません（棚入れ先は保管ロケーションです）", to.Code)
	}
	return nil
}

// Take is the put-away step's rule for what a move takes off location
// from: free holds the units of the product's stock rows there that no
// order reserved, in the order they go (the lot named, else oldest expiry
// first). It returns how many units to take from each row, and refuses a
// move onto the location it comes from and one of more units than are free,
// since reserved units belong to orders about to be picked there.
func (m *Move) Take(from, to *Location, free []int) ([]int, error) {
	if from.ID == to.ID {
		return nil, Errorf(EINVALID, "from and to are the same location").JA("移動元と移動先が同じです")
	}
	total := 0
	for _, n := range free {
		total += n
	}
	if total < m.Units {
		return nil, Errorf(ECONFLICT, "only %d units are at %s", total, from.Code).JA("%s にはこの商品が %d 個しかありません", from.Code, total)
	}
	take := make([]int, len(free))
	left := m.Units
	for i, n := range free {
		if left <= 0 {
			break
		}
		take[i] = min(left, n)
		left -= take[i]
	}
	return take, nil
}
