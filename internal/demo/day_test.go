package demo_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/demo"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// dayEnd is when the played day ends in most tests: 17:30 in Japan.
var dayEnd = time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)

var jst = time.FixedZone("JST", 9*60*60)

// mustPlayDay loads the demo warehouse into db and plays its day up to
// end, with db's clock following the day, as `soko serve --demo` does.
func mustPlayDay(t *testing.T, db *storage.DB, end time.Time) *demo.Day {
	t.Helper()
	ctx := context.Background()
	day := demo.NewDay(demo.Warehouse(end), end)
	db.Now = day.Now
	if err := db.Load(ctx, day.Opening); err != nil {
		t.Fatal(err)
	}
	if err := day.Play(ctx, db); err != nil {
		t.Fatal(err)
	}
	return day
}

// TestDay_Dashboard plays the demo day to 17:30 and reads it back as the
// supervisor's dashboard does: work at every stage but received (orders
// are allocated as they arrive), every exception the floor makes,
// parcels leaving in three hours of the day, scans through the day with a
// quiet lunch hour, everyone's output, and stock books that balance.
func TestDay_Dashboard(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		began := time.Now()
		day := mustPlayDay(t, db, dayEnd)
		t.Logf("played in %v", time.Since(began))
		if !day.Now().Equal(dayEnd) {
			t.Errorf("the clock stands at %v after the day, want %v", day.Now(), dayEnd)
		}
		d, err := db.Dashboard(ctx, dayEnd)
		if err != nil {
			t.Fatal(err)
		}

		total := 0
		for _, st := range []soko.OrderStatus{soko.OrderBackordered, soko.OrderAllocated, soko.OrderPicking, soko.OrderShort,
			soko.OrderPicked, soko.OrderInspected, soko.OrderPacked, soko.OrderLabeled, soko.OrderShipped} {
			if d.Stages[st] == 0 {
				t.Errorf("no order is %s at the end of the day: %v", st, d.Stages)
			}
			total += d.Stages[st]
		}
		if d.Stages[soko.OrderReceived] != 0 || total != 40 {
			t.Errorf("stages %v: want the 40 orders past received", d.Stages)
		}

		e := d.Exceptions
		if e.Short != 1 || e.Backordered < 2 || e.InspectionMismatches != 1 || e.WeightMismatches != 1 ||
			e.OpenCounts != 1 || e.MissingParcels != 1 || e.LowStock != 2 || e.DeadNotifications != 0 || e.OnHold != 0 {
			t.Errorf("exceptions %+v: want one short pick and its count, backorders, one inspection and one weight mismatch, one parcel left behind, two products low", e)
		}
		if low, err := db.ListLowStock(ctx); err != nil || len(low) != 2 || low[0].SKU != "SKR-0016" || low[1].SKU != "MDR-0027" {
			t.Errorf("low stock %+v %v, want the 急須 and the はちみつ below their reorder points", low, err)
		}
		// The stock cannot fill two orders: their 急須 and はちみつ ran out.
		for number, want := range map[string]soko.OrderStatus{"SKR-100002": soko.OrderShort, "MDR-100009": soko.OrderLabeled,
			"SKR-100011": soko.OrderBackordered, "MDR-100015": soko.OrderBackordered} {
			if o, err := db.StationOrder(ctx, number); err != nil || o.Status != want {
				t.Errorf("%s: %v %v, want %s", number, o, err, want)
			}
		}
		if counts, err := db.OpenCountTasks(ctx); err != nil || !slices.Equal(counts, []string{"A-02-04-1"}) {
			t.Errorf("count tasks %v %v, want the 湯呑み shelf A-02-04-1", counts, err)
		}

		if hours := busyHours(d.ShippedPerHour); !slices.Equal(hours, []int{11, 15, 16}) || sum(d.ShippedPerHour[:]) != d.Stages[soko.OrderShipped] {
			t.Errorf("parcels shipped per hour %v: want the three pickups' %d parcels at 11, 15 and 16", d.ShippedPerHour, d.Stages[soko.OrderShipped])
		}
		hours := busyHours(d.ScansPerHour)
		if len(hours) != 8 || hours[0] != 9 || hours[len(hours)-1] != 17 || slices.Contains(hours, 12) {
			t.Errorf("scans per hour %v: want a day from 9:30 to 17:30 with lunch at 12", d.ScansPerHour)
		}
		if sum(d.RefusedPerHour[:]) != 3 {
			t.Errorf("refused scans per hour %v, want 3 in the day", d.RefusedPerHour)
		}

		roles := map[soko.Role]int{}
		for _, p := range d.People {
			roles[p.Role]++
			if p.Scans == 0 || p.Hours < 3 {
				t.Errorf("%s scanned %d times in %d hours", p.Name, p.Scans, p.Hours)
			}
			switch p.Role {
			case soko.RolePicker:
				if p.Picks < 50 {
					t.Errorf("picker %s picked %d units", p.Name, p.Picks)
				}
			case soko.RolePacker:
				if p.Inspections < 50 || p.Packed < 20 || p.Refused != 1 {
					t.Errorf("packer %+v: want many inspections and packs, one refused", p)
				}
			case soko.RoleShipper:
				// Every order has one parcel; all are on trucks but the one left behind.
				if p.Loaded != d.Stages[soko.OrderShipped]+d.Stages[soko.OrderLabeled]-1 || p.Refused != 1 {
					t.Errorf("shipper %+v: want every labelled parcel but one loaded, one scan refused", p)
				}
			}
		}
		if roles[soko.RolePicker] != 2 || roles[soko.RolePacker] != 1 || roles[soko.RoleShipper] != 1 {
			t.Errorf("people %+v: want two pickers, the packer and the shipper", d.People)
		}

		today := dayEnd.In(jst).Format("2006-01-02")
		cutoffs := map[string]string{}
		for _, c := range d.Carriers {
			if !c.Cutoff.IsZero() {
				cutoffs[c.Carrier] = c.Cutoff.In(jst).Format("2006-01-02 15:04")
			}
		}
		if want := map[string]string{"sagawa": today + " 19:00", "yamato": today + " 19:30"}; !maps.Equal(cutoffs, want) {
			t.Errorf("carriers' cut-offs %v, want Sagawa's and Yamato's evening pickups %v", cutoffs, want)
		}
		closed, err := db.ListManifests(ctx, soko.ManifestFilter{Status: soko.ManifestClosed})
		if err != nil || len(closed) != 3 {
			t.Fatalf("closed pickups %v %v, want Yamato's two and Japan Post's", closed, err)
		}

		if n := len(d.Waves); n != 10 || d.Waves[n-1].TasksOpen == 0 || d.Waves[n-1].Pickers[0].Name != "鈴木 美咲" {
			t.Errorf("waves %+v: want ten, the last still being picked by 鈴木", d.Waves)
		}
		if bad, err := db.CheckLedger(ctx); err != nil || len(bad) > 0 {
			t.Errorf("the stock ledger does not balance: %v %v", bad, err)
		}
	})
}

// TestDay_SameDayAtAnyHour plays the day to 00:58 in Japan, when less
// than an hour of today has passed: it opens at midnight rather than in
// yesterday, runs faster and ends as the 17:30 day does, none of it later
// than its end.
func TestDay_SameDayAtAnyHour(t *testing.T) {
	ctx := context.Background()
	late, early := storagetest.MustOpenSQLite(t), storagetest.MustOpenSQLite(t)
	end := time.Date(2026, 11, 23, 15, 58, 0, 0, time.UTC)
	mustPlayDay(t, late, dayEnd)
	mustPlayDay(t, early, end)
	want, err := late.Dashboard(ctx, dayEnd)
	if err != nil {
		t.Fatal(err)
	}
	got, err := early.Dashboard(ctx, end)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got.Stages, want.Stages) || got.Exceptions != want.Exceptions {
		t.Errorf("the day to 00:58 ends with %v %+v, the day to 17:30 with %v %+v", got.Stages, got.Exceptions, want.Stages, want.Exceptions)
	}
	if got.ScansPerHour[0] != sum(want.ScansPerHour[:]) || got.ShippedPerHour[0] != sum(want.ShippedPerHour[:]) {
		t.Errorf("the day to 00:58 scanned %v and shipped %v, want all of the 17:30 day's %d scans and %d parcels in its first hour",
			got.ScansPerHour, got.ShippedPerHour, sum(want.ScansPerHour[:]), sum(want.ShippedPerHour[:]))
	}
	for i, p := range got.People {
		if q := want.People[i]; p.Name != q.Name || p.Picks != q.Picks || p.Inspections != q.Inspections || p.Packed != q.Packed || p.Loaded != q.Loaded || p.Scans != q.Scans {
			t.Errorf("%s did %+v by 00:58 and %+v by 17:30", p.Name, p, q)
		}
	}
}

// busyHours lists the hours with something in them.
func busyHours(perHour [24]int) []int {
	var out []int
	for h, n := range perHour {
		if n > 0 {
			out = append(out, h)
		}
	}
	return out
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}
