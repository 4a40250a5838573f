package soko_test

import (
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

// TestInspect is the inspection station's rule for what a scanned code
// means: the line it counts against, or a wrong item, an over-scan, a
// wrong lot, decided on the order and its group alone.
func TestInspect(t *testing.T) {
	const shop, other = 1, 2
	item := func(merchant, product int64, units int) soko.ScannedItem {
		return soko.ScannedItem{Product: &soko.Product{ID: product, MerchantID: merchant, Name: "towel"}, Units: units}
	}
	group := func() (*soko.Order, []*soko.Order) {
		o := &soko.Order{ID: 1, Number: "SO-1", MerchantID: shop, Status: soko.OrderPicked, Lines: []soko.OrderLine{
			{ID: 10, ProductID: 100, Quantity: 2}, {ID: 11, ProductID: 101, Quantity: 1, Inspected: 1},
		}}
		m := &soko.Order{ID: 2, Number: "SO-2", MerchantID: shop, Status: soko.OrderPicked, ConsolidatedInto: 1, Lines: []soko.OrderLine{
			{ID: 20, ProductID: 102, Quantity: 1},
		}}
		return o, []*soko.Order{m}
	}
	tests := []struct {
		name     string
		scan     soko.InspectScan
		lots     map[int64][]string
		status   soko.OrderStatus
		line     int64
		units    int
		complete bool
		field    string // the refusal's code field, "" when counted
		code     string
	}{
		{name: "right item", scan: soko.InspectScan{Items: []soko.ScannedItem{item(other, 900, 1), item(shop, 100, 1)}}, line: 10, units: 1},
		{name: "case of two", scan: soko.InspectScan{Items: []soko.ScannedItem{item(shop, 100, 2)}}, line: 10, units: 2},
		{name: "packs counted at once", scan: soko.InspectScan{Items: []soko.ScannedItem{item(shop, 100, 1)}, Packs: 2}, line: 10, units: 2},
		{name: "member's line", scan: soko.InspectScan{Items: []soko.ScannedItem{item(shop, 102, 1)}}, line: 20, units: 1},
		{name: "another merchant's product", scan: soko.InspectScan{Items: []soko.ScannedItem{item(other, 100, 1)}}, field: "wrong_item", code: soko.EINVALID},
		{name: "unknown code", field: "wrong_item", code: soko.EINVALID},
		{name: "not in the order", scan: soko.InspectScan{Items: []soko.ScannedItem{item(shop, 555, 1)}}, field: "wrong_item", code: soko.EINVALID},
		{name: "over-scan", scan: soko.InspectScan{Items: []soko.ScannedItem{item(shop, 101, 1)}}, field: "over_scan", code: soko.EINVALID},
		{name: "lot not picked", scan: soko.InspectScan{Items: []soko.ScannedItem{item(shop, 100, 1)}, Lot: "B"}, lots: map[int64][]string{10: {"A"}},
			field: "wrong_lot", code: soko.EINVALID},
		{name: "lot picked", scan: soko.InspectScan{Items: []soko.ScannedItem{item(shop, 100, 1)}, Lot: "A"}, lots: map[int64][]string{10: {"A"}}, line: 10, units: 1},
		{name: "not waiting for inspection", scan: soko.InspectScan{Items: []soko.ScannedItem{item(shop, 100, 1)}}, status: soko.OrderPacked, code: soko.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, members := group()
			if tt.status != "" {
				o.Status = tt.status
			}
			c, err := soko.Inspect(o, members, &tt.scan, tt.lots)
			if tt.code != "" {
				if soko.ErrorCode(err) != tt.code || tt.field != "" && !hasFieldMessage(err, "code", tt.field) {
					t.Fatalf("got %v, want %s %s", err, tt.code, tt.field)
				}
				return
			}
			if err != nil || c.Line.ID != tt.line || c.Units != tt.units || c.Complete != tt.complete {
				t.Fatalf("got %+v %v, want line %d ×%d", c, err, tt.line, tt.units)
			}
		})
	}
	t.Run("last unit completes the group", func(t *testing.T) {
		o, members := group()
		o.Lines[0].Inspected = 2
		c, err := soko.Inspect(o, members, &soko.InspectScan{Items: []soko.ScannedItem{item(shop, 102, 1)}}, nil)
		if err != nil || !c.Complete || members[0].Lines[0].Inspected != 1 {
			t.Fatalf("got %+v %v, want complete with the member's line counted", c, err)
		}
	})
	t.Run("a member not picked stops it", func(t *testing.T) {
		o, members := group()
		members[0].Status = soko.OrderShort
		if _, err := soko.Inspect(o, members, &soko.InspectScan{Items: []soko.ScannedItem{item(shop, 100, 1)}}, nil); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("got %v, want ECONFLICT", err)
		}
	})
}

// TestCloseManifest_Supervisor is the dock's rule: a manifest with parcels
// missing closes only with a supervisor's word, by badge or their own.
func TestCloseManifest_Supervisor(t *testing.T) {
	shipper := soko.Staff{ID: 1, Role: soko.RoleShipper}
	boss := soko.Staff{ID: 2, Role: soko.RoleSupervisor, Name: "伊藤"}
	for _, tt := range []struct {
		name      string
		signedIn  soko.Staff
		confirm   bool
		badge     *soko.Staff
		want      int64
		forbidden bool
	}{
		{name: "nobody", signedIn: shipper},
		{name: "a shipper's own word is not enough", signedIn: shipper, confirm: true},
		{name: "a supervisor's own word", signedIn: boss, confirm: true, want: 2},
		{name: "a supervisor's badge", signedIn: shipper, badge: &boss, want: 2},
		{name: "another shipper's badge", signedIn: shipper, badge: &soko.Staff{ID: 3, Role: soko.RoleShipper}, forbidden: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := soko.ConfirmingSupervisor(tt.signedIn, tt.confirm, tt.badge)
			if tt.forbidden != (soko.ErrorCode(err) == soko.EFORBIDDEN) || got != tt.want {
				t.Fatalf("got %d %v, want %d", got, err, tt.want)
			}
			missing := &soko.Manifest{Missing: []soko.ManifestParcel{{ParcelID: 1}}}
			c := &soko.CloseManifest{ConfirmedBy: got}
			if err := c.Check(missing); (err == nil) != (got != 0) {
				t.Fatalf("closing with a parcel missing, confirmed by %d: %v", got, err)
			}
			if err := c.Check(&soko.Manifest{}); err != nil {
				t.Fatalf("closing with nothing missing: %v", err)
			}
		})
	}
}

func hasFieldMessage(err error, field, message string) bool {
	for _, f := range soko.ErrorFields(err) {
		if f.Field == field && f.Message == message {
			return true
		}
	}
	return false
}
