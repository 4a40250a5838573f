package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestDashboard_DayAtTheDock labels five orders, loads two Yamato parcels
// and refuses a Sagawa one at 18:00 in Japan, closes the Yamato pickup with
// a parcel missing and opens Sagawa's for 19:00, then reads the day back.
func TestDashboard_DayAtTheDock(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, numbers := labelledDock(t, db)
		shipper := &soko.Staff{BadgeCode: "L100", Name: "小林 蓮", Role: soko.RoleShipper, PINHash: "x", Active: true}
		boss := &soko.Staff{BadgeCode: "S100", Name: "佐藤 主任", Role: soko.RoleSupervisor, PINHash: "x", Active: true}
		for _, s := range []*soko.Staff{shipper, boss} {
			if err := db.CreateStaff(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		m := openYamato(t, db)
		for i, n := range []string{numbers["L-000"][0], numbers["L-003"][0], numbers["L-002"][0]} {
			if _, _, err := db.LoadParcel(ctx, &soko.HandoverScan{ManifestID: m.ID, Code: n, ScanID: string(rune('a' + i)), StaffID: shipper.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RecordRefusedScan(ctx, soko.ScanEvent{StaffID: shipper.ID, Step: "handover", Code: numbers["L-004"][0], Result: "invalid"}, 422, nil); err != nil {
			t.Fatal(err)
		}
		// L-001's parcel and L-003's second are not loaded.
		if _, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID, StaffID: shipper.ID, ConfirmedBy: boss.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.OpenManifest(ctx, &soko.Manifest{Carrier: "sagawa", PickupDate: storagetest.Fixed, PickupTime: "19:00"}); err != nil {
			t.Fatal(err)
		}

		d, err := db.Dashboard(ctx, storagetest.Fixed)
		if err != nil {
			t.Fatal(err)
		}
		if d.Stages[soko.OrderShipped] != 2 || d.Stages[soko.OrderLabeled] != 3 {
			t.Errorf("stages %v, want 2 shipped and 3 labeled", d.Stages)
		}
		want := map[string]soko.CarrierProgress{
			"yamato": {Carrier: "yamato", Orders: 4, Labeled: 2, Shipped: 2},
			"sagawa": {Carrier: "sagawa", Orders: 1, Labeled: 1, Cutoff: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)},
		}
		if len(d.Carriers) != 2 {
			t.Fatalf("carriers %+v", d.Carriers)
		}
		for _, c := range d.Carriers {
			if w := want[c.Carrier]; c.Orders != w.Orders || c.Labeled != w.Labeled || c.Shipped != w.Shipped || !c.Cutoff.Equal(w.Cutoff) {
				t.Errorf("%s: %+v, want %+v", c.Carrier, c, w)
			}
		}
		// 09:00 UTC is 18:00 in Japan.
		if d.ShippedPerHour[18] != 3 || d.ScansPerHour[18] != 4 || d.RefusedPerHour[18] != 1 {
			t.Errorf("at 18:00 JST: %d parcels shipped, %d scans, %d refused; want 3, 4, 1", d.ShippedPerHour[18], d.ScansPerHour[18], d.RefusedPerHour[18])
		}
		if sum(d.ShippedPerHour[:]) != 3 || sum(d.ScansPerHour[:]) != 4 {
			t.Errorf("the day's hours: %v %v", d.ShippedPerHour, d.ScansPerHour)
		}
		if d.Exceptions.MissingParcels != 2 {
			t.Errorf("missing parcels from today's pickups: %d, want 2", d.Exceptions.MissingParcels)
		}
		if len(d.People) != 1 {
			t.Fatalf("people %+v", d.People)
		}
		if p := d.People[0]; p.Name != "小林 蓮" || p.Loaded != 3 || p.Scans != 4 || p.Refused != 1 || p.Hours != 1 || p.ErrorRate() != 0.25 {
			t.Errorf("the shipper's day: %+v", p)
		}
		if next, err := db.Dashboard(ctx, storagetest.Fixed.Add(24*time.Hour)); err != nil || sum(next.ScansPerHour[:]) != 0 || next.Stages[soko.OrderShipped] != 0 {
			t.Errorf("the next day shows today's work: %+v %v", next, err)
		}
	})
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
