package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func civilDate(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestShipCalendar_SaveAndRead: the calendar starts as a Tokyo warehouse
// shipping Monday to Friday with a 15:00 cut-off; its company holidays and
// per-carrier transit days are replaced as a whole.
func TestShipCalendar_SaveAndRead(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c, err := db.ShipCalendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Prefecture != "東京都" || c.CutOff != 15*60 || !c.PublicHolidaysOff || c.WorkingDays != [7]bool{false, true, true, true, true, true, false} {
			t.Fatalf("default calendar %+v", c)
		}
		c.Prefecture, c.CutOff, c.WorkingDays[6] = "大阪府", 14*60, true
		c.Holidays = map[time.Time]string{civilDate("2026-12-30"): "年末休業", civilDate("2026-12-31"): "年末休業"}
		if err := db.SaveShipCalendar(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := db.SetTransitDays(ctx, "yamato", map[string]int{"北海道": 1, "沖縄県": 2}); err != nil {
			t.Fatal(err)
		}
		c.Holidays = map[time.Time]string{civilDate("2026-12-31"): "大晦日"}
		if err := db.SaveShipCalendar(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := db.SetTransitDays(ctx, "yamato", map[string]int{"北海道": 2}); err != nil {
			t.Fatal(err)
		}
		got, err := db.ShipCalendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Prefecture != "大阪府" || got.CutOff != 14*60 || !got.WorkingDays[6] || len(got.Holidays) != 1 || got.Holidays[civilDate("2026-12-31")] != "大晦日" {
			t.Fatalf("saved calendar %+v", got)
		}
		if got.TransitDaysTo("yamato", "北海道") != 2 || got.TransitDaysTo("yamato", "沖縄県") != soko.DefaultTransitDays("大阪府", "沖縄県") {
			t.Fatalf("transit %v", got.Transit)
		}
		if got.Working(civilDate("2026-12-31")) || !got.Working(civilDate("2026-12-26")) {
			t.Errorf("company holiday or Saturday wrong")
		}
		entries, _, err := db.AuditLog(ctx, soko.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == soko.AuditShipCalendar || e.Action == soko.AuditTransitDays {
				n++
			}
		}
		if n != 4 {
			t.Errorf("%d audit entries for the calendar, want 4", n)
		}
	})
}

// TestShipDate_WaveWaitsForShipDate: a wave takes orders whose ship date
// has come (the next working day's once the cut-off has passed, as
// storagetest.Fixed is 18:00 on a holiday), a supervisor pulls one forward,
// and the dashboard's lists count them by date and flag the late ones.
func TestShipDate_WaveWaitsForShipDate(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(3)
		seed.Orders[0].ShipDate = civilDate("2026-11-27")
		seed.Orders[1].ShipDate = civilDate("2026-11-24")
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m, staff := seed.Merchants[0], seed.Staff[0].ID
		if n, err := db.AllocateWaiting(ctx, rules); err != nil || n != 3 {
			t.Fatalf("allocated %d, %v", n, err)
		}
		counts, err := db.ShipDates(ctx, storagetest.Fixed)
		if err != nil || len(counts) != 2 || counts[0].Date != civilDate("2026-11-24") || counts[0].Waiting != 1 || counts[1].Orders != 1 {
			t.Fatalf("by ship date %+v %v", counts, err)
		}
		w, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: staff})
		if err != nil || w.Orders != 2 {
			t.Fatalf("wave %+v (%v), want SO-002 and SO-003", w, err)
		}
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: staff}); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("a second wave: %v, want nothing to pick before the 27th", err)
		}
		early, err := db.FindOrder(ctx, m.ID, "SO-001")
		if err != nil {
			t.Fatal(err)
		}
		o, err := db.PullForward(ctx, early.ID, staff)
		if err != nil || o.ShipDate != civilDate("2026-11-23") {
			t.Fatalf("pulled forward: %+v %v", o, err)
		}
		events, err := db.ListOrderEvents(ctx, m.ID, "SO-001")
		if err != nil || events[len(events)-1].Action != soko.ActionPullForward {
			t.Fatalf("events %+v %v", events, err)
		}
		if w, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: staff}); err != nil || w.Orders != 1 {
			t.Fatalf("wave after pulling forward %+v %v", w, err)
		}
		if _, err := db.PullForward(ctx, early.ID, staff); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("pulling forward an order being picked: %v, want refused", err)
		}

		// Two days on all three are still being picked: the two planned
		// for the 23rd and the 24th are late (SO-003 came without a date).
		late := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		risk, err := db.AtRiskOrders(ctx, late, 10)
		if err != nil || len(risk) != 2 || risk[0].Number != "SO-001" || risk[0].MerchantCode != "SAKURA" {
			t.Fatalf("at risk %+v %v", risk, err)
		}
		counts, err = db.ShipDates(ctx, late)
		if err != nil || len(counts) != 1 || !counts[0].Overdue || counts[0].Released != 2 {
			t.Fatalf("by ship date on the 25th %+v %v", counts, err)
		}
	})
}

// TestHold_OldHoldsFreeStock: a merchant's holds older than its setting
// are listed; with auto-free their reserved stock goes back on sale once,
// the order stays held and is allocated again when released.
func TestHold_OldHoldsFreeStock(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(3)
		for _, i := range []int{0, 1} {
			o := &seed.Orders[i].Order
			o.Status, o.HeldFrom, o.HoldReason = soko.OrderOnHold, soko.OrderReceived, soko.HoldPayment
			o.ShipDate = civilDate("2026-11-24")
		}
		seed.Orders[1].Lines[0].Quantity = 20 // waits for stock
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0]
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		reserved := func() int {
			t.Helper()
			s, err := db.StockOf(ctx, m.ID, "TOWEL")
			if err != nil {
				t.Fatal(err)
			}
			return s.Allocated
		}
		if _, err := db.SetHoldSettings(ctx, m.ID, 400, false); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("400 days: %v, want refused", err)
		}
		got, err := db.SetHoldSettings(ctx, m.ID, 3, true)
		if err != nil || got.HoldAlertDays != 3 || !got.HoldAutoFree {
			t.Fatalf("settings %+v %v", got, err)
		}
		at := func(days int) { db.Now = func() time.Time { return storagetest.Fixed.AddDate(0, 0, days) } }

		at(2)
		if holds, err := db.OldHolds(ctx, db.Now()); err != nil || len(holds) != 0 {
			t.Fatalf("after 2 days %+v %v", holds, err)
		}
		if n, err := db.FreeOldHolds(ctx); err != nil || n != 0 {
			t.Fatalf("freed %d after 2 days (%v)", n, err)
		}
		at(4)
		holds, err := db.OldHolds(ctx, db.Now())
		if err != nil || len(holds) != 2 || holds[0].Reason != soko.HoldPayment || !holds[0].HeldSince.Equal(storagetest.Fixed) {
			t.Fatalf("after 4 days %+v %v", holds, err)
		}
		if reserved() != 2 {
			t.Fatalf("reserved %d before, want 2", reserved())
		}
		if n, err := db.FreeOldHolds(ctx); err != nil || n != 1 {
			t.Fatalf("freed %d (%v), want SO-001's stock", n, err)
		}
		if n, err := db.FreeOldHolds(ctx); err != nil || n != 0 {
			t.Fatalf("freed %d again (%v)", n, err)
		}
		if reserved() != 1 {
			t.Fatalf("reserved %d after, want SO-003's 1", reserved())
		}
		mustBalanced(t, db)
		if n, err := db.AllocateWaiting(ctx, rules); err != nil || n != 0 {
			t.Fatalf("allocated %d (%v): a freed hold is not allocated while held", n, err)
		}
		o, err := db.FindOrder(ctx, m.ID, "SO-001")
		if err != nil || o.Status != soko.OrderOnHold || o.HeldFrom != soko.OrderBackordered || o.Lines[0].Allocated != 0 {
			t.Fatalf("SO-001 %+v %v", o, err)
		}
		holds, _ = db.OldHolds(ctx, db.Now())
		if !holds[0].StockFreed {
			t.Errorf("listed hold %+v does not say its stock was freed", holds[0])
		}
		if o, err := db.ReleaseOrder(ctx, m.ID, "SO-001"); err != nil || o.Status != soko.OrderBackordered || o.ShipDate != civilDate("2026-11-30") {
			t.Fatalf("released %+v %v, want Monday the 30th (Friday evening, past the cut-off)", o, err)
		}
		if n, err := db.AllocateWaiting(ctx, rules); err != nil || n != 1 {
			t.Fatalf("allocated %d (%v) after release, want SO-001", n, err)
		}
		if reserved() != 2 {
			t.Fatalf("reserved %d, want 2", reserved())
		}
	})
}
