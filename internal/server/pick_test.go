package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustPickFloor stores opsSeed with stock on two shelves and three
// allocated orders, and signs in a supervisor and two pickers.
func mustPickFloor(t *testing.T, db *storage.DB) (sup, p1, p2 staffClient) {
	t.Helper()
	ctx := context.Background()
	seed := opsSeed()
	seed.Staff = append(seed.Staff, soko.SeedStaff{Staff: soko.Staff{BadgeCode: "P002", Name: "鈴木", Role: soko.RolePicker, Active: true}, PIN: "2222"})
	seed.Stock = []soko.SeedStock{
		{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 5}},
		{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-02-1", Stock: soko.Stock{OnHand: 20}},
	}
	for i, qty := range []int{2, 2, 1} {
		seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{
			Number: fmt.Sprintf("SO-%d", i+1), Carrier: "yamato",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: qty, UnitPrice: 1000, TaxRate: 10}},
		}})
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != 3 {
		t.Fatalf("allocated %d: %v", n, err)
	}
	h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }})
	return signIn(t, h, "V001", "5555"), signIn(t, h, "P001", "1111"), signIn(t, h, "P002", "2222")
}

func TestPick_BatchWaveWithMistakesAndShort(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		sup, p1, p2 := mustPickFloor(t, db)
		if r := p1.op("POST", "/ops/waves", map[string]any{"mode": "batch"}, p1.csrf); r.Status != 403 {
			t.Fatalf("a picker releasing a wave: %d", r.Status)
		}
		w := sup.op("POST", "/ops/waves", map[string]any{"mode": "batch", "carrier": "yamato"}, sup.csrf)
		if w.Status != 201 || decode[api.Wave](t, w).Orders != 3 {
			t.Fatalf("wave: %d %s", w.Status, w.Raw)
		}
		task := p1.op("GET", "/ops/picks/next", nil, "")
		if task.Status != 200 {
			t.Fatalf("next: %d %s", task.Status, task.Raw)
		}
		// The whole batch is P001's: P002 gets nothing, and cannot scan P001's task.
		if r := p2.op("GET", "/ops/picks/next", nil, ""); r.Status != 404 {
			t.Fatalf("second picker: %d %s", r.Status, r.Raw)
		}
		first := decode[api.PickTask](t, task)
		id := first.Id
		scanN := 0
		scan := func(c staffClient, code string, qty int) reply {
			scanN++
			body := map[string]any{"scan_id": fmt.Sprintf("pick-%06d", scanN), "code": code}
			if qty > 0 {
				body["quantity"] = qty
			}
			return c.op("POST", fmt.Sprintf("/ops/picks/%d/scan", id), body, c.csrf)
		}
		if r := scan(p2, "A-01-01-1", 0); r.Status != 403 {
			t.Fatalf("another picker's task: %d %s", r.Status, r.Raw)
		}
		loc := first.Location
		if loc != "A-01-01-1" || first.Tote != "1" {
			t.Fatalf("first task %s: want A-01-01-1 into tote 1 (walk order)", task.Raw)
		}
		mustField := func(r reply, field string) {
			t.Helper()
			if r.Status != 422 || !contains(r.fields(), "code") {
				t.Fatalf("%s: %d %s", field, r.Status, r.Raw)
			}
			if got := (*decode[api.Problem](t, r).Errors)[0].Message; got != field {
				t.Fatalf("refusal %q, want %s", got, field)
			}
		}
		mustField(scan(p1, "4901234567894", 0), "location_first")
		mustField(scan(p1, "A-01-02-1", 0), "wrong_location")
		// A location typed full-width or lower case (an IME in 全角 mode, a
		// phone keyboard) or with a scanner's AIM prefix names the same shelf.
		mustField(scan(p1, "ａ－０１－０２－１", 0), "wrong_location")
		if r := scan(p1, "]C0"+strings.ToLower(loc), 0); r.Status != 200 || !decode[api.PickResult](t, r).Task.LocationConfirmed {
			t.Fatalf("location: %d %s", r.Status, r.Raw)
		}
		mustField(scan(p1, "4512345678906", 0), "wrong_item")
		if r := scan(p1, "4901234567895", 0); r.Status != 422 {
			t.Fatalf("check digit: %d %s", r.Status, r.Raw)
		}
		mustField(scan(p1, "14901234567891", 0), "over_pick") // a case of 12 into a task of 2

		// The same scan sent twice and at once is picked once.
		var wg sync.WaitGroup
		same := map[string]any{"scan_id": "pick-same-01", "code": "4901234567894"}
		for i := 0; i < 5; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p1.op("POST", fmt.Sprintf("/ops/picks/%d/scan", id), same, p1.csrf)
			}()
		}
		wg.Wait()
		now := p1.op("GET", "/ops/picks/next", nil, "")
		if got := decode[api.PickTask](t, now); got.Id != id || got.Picked != 1 {
			t.Fatalf("after one scan sent five times: %s", now.Raw)
		}
		if r := scan(p1, "4901234567894", 0); r.Status != 200 || !decode[api.PickResult](t, r).TaskDone {
			t.Fatalf("second unit: %d %s", r.Status, r.Raw)
		}

		// Work through the list; at the second task report a short of everything.
		shorted := false
		for i := 0; i < 10; i++ {
			next := p1.op("GET", "/ops/picks/next", nil, "")
			if next.Status == 404 {
				break
			}
			task := decode[api.PickTask](t, next)
			id = task.Id
			if !shorted {
				shorted = true
				r := p1.op("POST", fmt.Sprintf("/ops/picks/%d/short", id), map[string]any{"scan_id": fmt.Sprintf("short-%06d", i), "found": 0}, p1.csrf)
				if r.Status != 200 || !pointsTo(decode[api.PickResult](t, r).Rerouted, true) {
					t.Fatalf("short with stock elsewhere: %d %s", r.Status, r.Raw)
				}
				continue
			}
			scan(p1, task.Location, 0)
			if r := scan(p1, "4901234567894", task.Remaining); r.Status != 200 {
				t.Fatalf("pick: %d %s", r.Status, r.Raw)
			}
		}
		counts, _ := db.CountOrdersByStatus(ctx)
		if counts[soko.OrderPicked] != 3 {
			t.Fatalf("orders %v, want 3 picked", counts)
		}
		if bad, err := db.CheckLedger(ctx); err != nil || len(bad) > 0 {
			t.Fatalf("ledger %v %+v", err, bad)
		}
		if codes, _ := db.OpenCountTasks(ctx); len(codes) != 1 {
			t.Fatalf("count tasks %v, want the shorted shelf", codes)
		}
	})
}

// mustFirstPick releases a single wave of SO-1 (two towels) on
// mustPickFloor and gives its first task to P001, with the task's scan path.
func mustFirstPick(t *testing.T, db *storage.DB) (p1 staffClient, task api.PickTask, scanPath string) {
	t.Helper()
	sup, p1, _ := mustPickFloor(t, db)
	if w := sup.op("POST", "/ops/waves", map[string]any{"mode": "single", "max_orders": 1}, sup.csrf); w.Status != 201 {
		t.Fatalf("wave: %d %s", w.Status, w.Raw)
	}
	task = decode[api.PickTask](t, p1.op("GET", "/ops/picks/next", nil, ""))
	return p1, task, fmt.Sprintf("/ops/picks/%d/scan", task.Id)
}

// TestScanOnce_PickRecordedOnceWithItsAnswer: a pick scan's record is
// written once, with its answer, in the commit that applies it. Copies of
// one scan sent at once wait for the first and get its answer, and a copy
// sent after the scan finished its task (so that, run again, it would be
// refused) gets the first answer too, not a refusal.
func TestScanOnce_PickRecordedOnceWithItsAnswer(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		p1, task, path := mustFirstPick(t, db)
		send := func(scanID, code string) reply {
			return p1.op("POST", path, map[string]any{"scan_id": scanID, "code": code}, p1.csrf)
		}
		sendAtOnce := func(scanID, code string) {
			t.Helper()
			replies := make([]reply, 5)
			var wg sync.WaitGroup
			for i := range replies {
				wg.Add(1)
				go func() { defer wg.Done(); replies[i] = send(scanID, code) }()
			}
			wg.Wait()
			for i, r := range replies {
				if r.Status != 200 || string(r.Raw) != string(replies[0].Raw) {
					t.Fatalf("copy %d of %s: %d %s, want the first answer %s", i, scanID, r.Status, r.Raw, replies[0].Raw)
				}
			}
		}
		sendAtOnce("once-loc", task.Location)
		sendAtOnce("once-unit-1", "4901234567894")
		last := send("once-unit-2", "4901234567894")
		if last.Status != 200 || !decode[api.PickResult](t, last).TaskDone {
			t.Fatalf("the task's last unit: %d %s", last.Status, last.Raw)
		}
		again := send("once-unit-2", "4901234567894")
		if again.Status != 200 || string(again.Raw) != string(last.Raw) || again.Header.Get("Scan-Replayed") != "true" {
			t.Fatalf("the last unit's scan sent again: %d %s, want the first answer replayed", again.Status, again.Raw)
		}
		ctx := context.Background()
		for _, id := range []string{"once-loc", "once-unit-1", "once-unit-2"} {
			if rec, err := db.FindScan(ctx, id); err != nil || rec.StatusCode != 200 {
				t.Fatalf("the record of %s: %+v %v, want it with its answer", id, rec, err)
			}
		}
		sakura, _ := db.FindMerchantByCode(ctx, "SAKURA")
		if st, _ := db.StockOf(ctx, sakura.ID, "TOWEL"); st.OnHand != 23 {
			t.Fatalf("%d towels on hand, want 25 - 2: each unit picked once", st.OnHand)
		}
		// A refused pick replays only a pick's record: a scan id another
		// step used (a receiving handheld's, say) is not this scan's answer.
		received := []byte(`{"message":"入荷 タオル ×1"}`)
		if err := db.RecordRefusedScan(ctx, soko.ScanEvent{ScanID: "shared-id", Step: "receive", Code: "4901234567894"}, 200, received); err != nil {
			t.Fatal(err)
		}
		if r := send("shared-id", "4901234567894"); r.Status == 200 || string(r.Raw) == string(received) {
			t.Fatalf("a pick on a finished task with another step's scan id: %d %s, want the pick's own refusal", r.Status, r.Raw)
		}
	})
}

// TestScanOnce_PickOnAShelfShortOfItsReservationRefusedAndRecorded: when
// the shelf no longer holds the units reserved for the task (its figures
// were changed under the pick), the unit's scan is refused with 409 and
// nothing moves; the refusal is recorded for the supervisors with its
// answer, as any refused scan, and the same scan sent again gets it again.
func TestScanOnce_PickOnAShelfShortOfItsReservationRefusedAndRecorded(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p1, task, path := mustFirstPick(t, db)
		if r := p1.op("POST", path, map[string]any{"scan_id": "short-loc", "code": task.Location}, p1.csrf); r.Status != 200 {
			t.Fatalf("the location: %d %s", r.Status, r.Raw)
		}
		if err := db.Exec(ctx, `UPDATE stock SET allocated = 0`); err != nil {
			t.Fatal(err)
		}
		r := p1.op("POST", path, map[string]any{"scan_id": "short-unit", "code": "4901234567894"}, p1.csrf)
		p := decode[problem](t, r)
		if r.Status != 409 || !strings.Contains(p.Detail, "棚の在庫が変わっています") {
			t.Fatalf("a unit from a shelf short of its reservation: %d %s, want 409 asking for a count", r.Status, r.Raw)
		}
		d, err := db.Dashboard(ctx, storagetest.Fixed)
		if err != nil {
			t.Fatal(err)
		}
		var refused []string
		for _, p := range d.People {
			for range p.Refused {
				refused = append(refused, p.Name)
			}
		}
		if !slices.Equal(refused, []string{"田中"}) {
			t.Errorf("refused scans on the dashboard: %v, want the picker's one", refused)
		}
		sakura, _ := db.FindMerchantByCode(ctx, "SAKURA")
		if st, _ := db.StockOf(ctx, sakura.ID, "TOWEL"); st.OnHand != 25 {
			t.Errorf("%d towels on hand, want all 25: nothing was picked", st.OnHand)
		}
	})
}

// TestPick_CodeAsTypedOrAsGS1: on a pick task the item may be typed as its
// SKU or scanned as a GS1-128 code carrying its GTIN and a lot, besides its
// JAN; a JAN that merchants share is the one at the task's shelf.
func TestPick_CodeAsTypedOrAsGS1(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		p1, task, path := mustFirstPick(t, db)
		for i, code := range []string{task.Location, "TOWEL", "]C1010490123456789410LOT-1"} {
			r := p1.op("POST", path, map[string]any{"scan_id": fmt.Sprintf("typed-%02d", i), "code": code}, p1.csrf)
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", code, r.Status, r.Raw)
			}
			if got := decode[api.PickResult](t, r); i == 2 && (!got.TaskDone || got.Task.Picked != 2) {
				t.Fatalf("after %s: %s, want the task's 2 towels picked", code, r.Raw)
			}
		}
	})
}
