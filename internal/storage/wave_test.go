package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestPickList_TheHandheldsList: after a picker takes a pick list, PickList
// gives the picker's open tasks in walk order, at most the limit, each with
// every barcode of its item and the units one scan counts; another picker
// gets none of them. The list costs one read, however long.
func TestPickList_TheHandheldsList(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := pickSeed(pickOrder("SO-1", 0, pickLine("MUG", 2), pickLine("TOWEL", 1)), pickOrder("SO-2", 0, pickLine("TOWEL", 3)))
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		picker, other := seed.Staff[0].ID, seed.Staff[1].ID
		if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != 2 {
			t.Fatalf("allocated %d of 2: %v", n, err)
		}
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: seed.Staff[2].ID}); err != nil {
			t.Fatal(err)
		}
		first, err := db.NextPickTask(ctx, picker)
		if err != nil {
			t.Fatal(err)
		}
		before := db.RoundTrips()
		list, err := db.PickList(ctx, picker, 10)
		if err != nil {
			t.Fatal(err)
		}
		if trips := db.RoundTrips().Total() - before.Total(); trips != 1 {
			t.Errorf("the list cost %d round trips, want 1: the tasks with their barcodes", trips)
		}
		listed := func(list []*soko.PickTask) string {
			var got []string
			for _, k := range list {
				got = append(got, fmt.Sprintf("%s %s ×%d %v", k.LocationCode, k.SKU, k.Quantity, k.Codes))
			}
			return fmt.Sprint(got)
		}
		want := fmt.Sprint([]string{
			"A-01 TOWEL ×1 [{4901234567894 1}]",
			"A-01 TOWEL ×3 [{4901234567894 1}]",
			"A-02 MUG ×2 [{4560123000043 1} {14560123000040 6}]",
		})
		if got := listed(list); got != want {
			t.Errorf("the picker's list:\n%v\nwant\n%v", got, want)
		}
		if len(list) > 0 && list[0].ID != first.ID {
			t.Errorf("the list starts at task %d, the next task is %d", list[0].ID, first.ID)
		}
		if short, err := db.PickList(ctx, picker, 2); err != nil || len(short) != 2 {
			t.Errorf("a list of at most 2: %d tasks, %v", len(short), err)
		}
		if none, err := db.PickList(ctx, other, 10); err != nil || len(none) != 0 {
			t.Errorf("another picker's list: %d tasks, %v", len(none), err)
		}
		// An item without a barcode is listed, with none.
		if err := storage.Conn(db, ctx).Exec(`DELETE FROM product_barcodes WHERE code = '4901234567894'`).Error; err != nil {
			t.Fatal(err)
		}
		list, err = db.PickList(ctx, picker, 10)
		if want := "[A-01 TOWEL ×1 [] A-01 TOWEL ×3 [] A-02 MUG ×2 [{4560123000043 1} {14560123000040 6}]]"; err != nil || listed(list) != want {
			t.Errorf("the list without the towel's barcode: %v %v, want %s", listed(list), err, want)
		}
	})
}

// pickSeed is a small warehouse with two pickers, a supervisor (the last
// staff member), towels and mugs on two shelves, and the orders given.
func pickSeed(orders ...soko.SeedOrder) *soko.Seed {
	return &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
			{Staff: soko.Staff{BadgeCode: "P002", Name: "佐藤", Role: soko.RolePicker, Active: true}, PIN: "2222"},
			{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
		},
		Locations: []soko.Location{
			{Code: "A-02", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
			{Code: "A-01", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
		},
		Products: []soko.SeedProduct{
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10, Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}},
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "マグカップ", TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: "4560123000043", PackQuantity: 1}, {Code: "14560123000040", PackQuantity: 6}}}},
		},
		Stock: []soko.SeedStock{
			{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-02", Stock: soko.Stock{OnHand: 10}},
			{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01", Stock: soko.Stock{OnHand: 10}},
		},
		Orders: orders,
	}
}

// pickOrder is an order of SAKURA's with lines of sku and quantity.
func pickOrder(number string, priority int, lines ...soko.OrderLine) soko.SeedOrder {
	addr := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 花子"}
	return soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{Number: number, Priority: priority, Carrier: "yamato", Recipient: addr, Lines: lines}}
}

func pickLine(sku string, n int) soko.OrderLine {
	return soko.OrderLine{SKU: sku, Quantity: n, UnitPrice: 1000, TaxRate: 10}
}

// TestNextPickTask_PriorityThenOldestWaveOneListEach: pickers asking for
// work are handed the lists of the highest-priority wave first, then of
// the oldest; a single wave's orders go to different pickers, also when
// they ask at the same moment; a picker asking again keeps the list. A
// picker at work costs one read, a claim five round trips at most; the
// handheld's ask for the task with its list (NextPickList) hands out the
// same.
func TestNextPickTask_PriorityThenOldestWaveOneListEach(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		var orders []soko.SeedOrder
		for i := 1; i <= 8; i++ {
			orders = append(orders, pickOrder(fmt.Sprintf("SO-%d", i), 0, pickLine([]string{"TOWEL", "MUG"}[i%2], 1)))
		}
		seed := pickSeed(orders...)
		for i := 3; i <= 8; i++ {
			seed.Staff = append(seed.Staff, soko.SeedStaff{Staff: soko.Staff{BadgeCode: fmt.Sprintf("P%03d", i), Name: "ピッカー", Role: soko.RolePicker, Active: true}, PIN: "1111"})
		}
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != 8 {
			t.Fatalf("allocated %d of 8: %v", n, err)
		}
		boss := seed.Staff[2].ID
		pickers := []int64{seed.Staff[0].ID, seed.Staff[1].ID}
		for _, s := range seed.Staff[3:] {
			pickers = append(pickers, s.ID)
		}
		release := func(orders, priority int) {
			t.Helper()
			if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveSingle, MaxOrders: orders, Priority: priority, StaffID: boss}); err != nil {
				t.Fatal(err)
			}
		}
		release(4, 0) // SO-1…SO-4, one list each, picked at once below
		release(2, 0) // SO-5, SO-6
		release(1, 0) // SO-7
		release(1, 5) // SO-8, the most urgent
		// Four pickers at once: SO-8 first, then three lists of the oldest wave.
		got := make([]string, 4)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if task, err := db.NextPickTask(ctx, pickers[i]); err != nil {
					got[i] = err.Error()
				} else {
					got[i] = task.OrderNumber
				}
			}()
		}
		wg.Wait()
		slices.Sort(got)
		if want := []string{"SO-1", "SO-2", "SO-3", "SO-8"}; !slices.Equal(got, want) {
			t.Fatalf("four pickers asking at once got %v, want %v", got, want)
		}
		// One at a time: the oldest wave's last list, then the next wave's
		// two. A claim costs the picker's read, the claim's one statement
		// and the claimed task's read, in one transaction.
		for i, want := range []string{"SO-4", "SO-5", "SO-6"} {
			before := db.RoundTrips()
			if task, err := db.NextPickTask(ctx, pickers[4+i]); err != nil || task.OrderNumber != want {
				t.Fatalf("picker %d: %+v %v, want %s", 4+i, task, err, want)
			}
			if trips := db.RoundTrips().Total() - before.Total(); trips > 5 {
				t.Errorf("a claim cost %d round trips, want at most 5", trips)
			}
		}
		// Asking again keeps one's list, at one read.
		for i := range pickers[:7] {
			first, err := db.PickList(ctx, pickers[i], 1)
			if err != nil || len(first) != 1 {
				t.Fatalf("picker %d's list: %v %v", i, first, err)
			}
			before := db.RoundTrips()
			if again, err := db.NextPickTask(ctx, pickers[i]); err != nil || again.ID != first[0].ID {
				t.Fatalf("picker %d asking again: %+v %v, want task %d", i, again, err, first[0].ID)
			}
			if trips := db.RoundTrips().Total() - before.Total(); trips != 1 {
				t.Errorf("asking again cost %d round trips, want 1", trips)
			}
		}
		// The handheld asks for its next task with the list after it
		// (NextPickList): the same claim, and the same first task.
		list, err := db.NextPickList(ctx, pickers[7], 5)
		if err != nil || len(list) != 1 || list[0].OrderNumber != "SO-7" {
			t.Fatalf("the last picker's list: %+v %v, want SO-7's task", list, err)
		}
		if task, err := db.NextPickTask(ctx, pickers[7]); err != nil || task.ID != list[0].ID || task.Left != list[0].Left {
			t.Fatalf("the last picker's next task: %+v %v, want the list's first %+v", task, err, list[0])
		}
		before := db.RoundTrips()
		if again, err := db.NextPickList(ctx, pickers[7], 5); err != nil || len(again) != 1 || again[0].ID != list[0].ID {
			t.Fatalf("asking again for the list: %+v %v", again, err)
		}
		if trips := db.RoundTrips().Total() - before.Total(); trips != 1 {
			t.Errorf("asking again for the list cost %d round trips, want 1 (the tasks with their barcodes)", trips)
		}
		if task, err := db.NextPickTask(ctx, boss); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("with every list taken: %+v %v, want nothing to pick", task, err)
		}
		if list, err := db.NextPickList(ctx, boss, 5); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("with every list taken, the list: %+v %v, want nothing to pick", list, err)
		}
	})
}

// TestWave_DoneWhenTwoPickersFinishItAtOnce: two pickers picking the last
// units of a wave's two orders at the same moment leave the wave done.
// Each saw the other's task still open, uncommitted, when it checked the
// wave, and the wave stayed released, with nothing left to finish it.
func TestWave_DoneWhenTwoPickersFinishItAtOnce(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		const rounds = 20
		var orders []soko.SeedOrder
		for i := range rounds {
			orders = append(orders, pickOrder(fmt.Sprintf("SO-%02d-A", i), 0, pickLine("TOWEL", 1)), pickOrder(fmt.Sprintf("SO-%02d-B", i), 0, pickLine("MUG", 1)))
		}
		seed := pickSeed(orders...)
		for i := range seed.Stock {
			seed.Stock[i].OnHand = rounds
		}
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != 2*rounds {
			t.Fatalf("allocated %d of %d: %v", n, 2*rounds, err)
		}
		pickers, boss := []int64{seed.Staff[0].ID, seed.Staff[1].ID}, seed.Staff[2].ID
		for round := range rounds {
			wave, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveSingle, MaxOrders: 2, StaffID: boss})
			if err != nil || wave.Orders != 2 {
				t.Fatalf("round %d: wave %+v %v", round, wave, err)
			}
			scans := make([]*soko.PickScan, len(pickers))
			for i, picker := range pickers {
				task, err := db.NextPickTask(ctx, picker)
				if err != nil {
					t.Fatalf("round %d, picker %d: %v", round, i, err)
				}
				at := &soko.PickScan{ScanID: fmt.Sprintf("at-%d-%d", round, i), TaskID: task.ID, StaffID: picker, Code: task.LocationCode, Location: true}
				if _, err := db.Pick(ctx, at); err != nil {
					t.Fatal(err)
				}
				scans[i] = &soko.PickScan{ScanID: fmt.Sprintf("pick-%d-%d", round, i), TaskID: task.ID, StaffID: picker,
					Code: task.SKU, ProductID: task.ProductID, Units: 1}
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for _, s := range scans {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if out, err := db.Pick(ctx, s); err != nil || out.OrderPicked == "" {
						t.Errorf("round %d: %+v %v, want the order picked", round, out, err)
					}
				}()
			}
			close(start)
			wg.Wait()
			var status string
			if err := storage.Conn(db, ctx).Raw(`SELECT status FROM waves WHERE id = ?`, wave.ID).Scan(&status).Error; err != nil {
				t.Fatal(err)
			}
			if status != string(soko.WaveDone) {
				t.Fatalf("round %d: wave %s is %s after both its orders were picked, want done", round, wave.Number, status)
			}
		}
	})
}

// TestWave_FinishedByTheHourlyRound: a released wave none of whose tasks
// is open (its last picker's process was killed between the commit and
// the check) is marked done by the hourly round, when its last task
// ended; a wave with a task open is left alone.
func TestWave_FinishedByTheHourlyRound(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := pickSeed(pickOrder("SO-1", 0, pickLine("TOWEL", 1)), pickOrder("SO-2", 0, pickLine("MUG", 1)))
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != 2 {
			t.Fatalf("allocated %d of 2: %v", n, err)
		}
		var waves []*soko.Wave
		for range 2 {
			w, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveSingle, MaxOrders: 1, StaffID: seed.Staff[2].ID})
			if err != nil {
				t.Fatal(err)
			}
			waves = append(waves, w)
		}
		// The first wave's task ended an hour ago and the check never ran.
		conn := storage.Conn(db, ctx)
		ended := storage.NowOf(db).Add(-time.Hour)
		if err := conn.Exec(`UPDATE pick_tasks SET status = 'done', picked = quantity, done_at = ? WHERE wave_id = ?`, ended, waves[0].ID).Error; err != nil {
			t.Fatal(err)
		}
		if n, err := db.FinishIdleWaves(ctx); err != nil || n != 1 {
			t.Fatalf("finished %d waves (%v), want the one with nothing open", n, err)
		}
		for i, want := range []soko.WaveStatus{soko.WaveDone, soko.WaveReleased} {
			var w struct {
				Status string
				DoneAt *time.Time
			}
			if err := conn.Raw(`SELECT status, done_at FROM waves WHERE id = ?`, waves[i].ID).Scan(&w).Error; err != nil || w.Status != string(want) {
				t.Errorf("wave %s: %s (%v), want %s", waves[i].Number, w.Status, err, want)
			}
			if want == soko.WaveDone && (w.DoneAt == nil || !w.DoneAt.Equal(ended)) {
				t.Errorf("wave %s done at %v, want when its last task ended, %v", waves[i].Number, w.DoneAt, ended)
			}
		}
		if n, err := db.FinishIdleWaves(ctx); err != nil || n != 0 {
			t.Errorf("a second round finished %d (%v), want none", n, err)
		}
	})
}

// TestWave_CheckAfterTheCommitFailsReported: on PostgreSQL the check
// whether a pick ended its wave runs just after the pick's commit. When
// that check fails (here a trigger refuses it, as a database gone away
// would), the picker's scan still stands, the failure is reported
// (OnLateError, which soko serve logs), and the hourly round finishes the
// wave.
func TestWave_CheckAfterTheCommitFailsReported(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "the wave's check runs after the commit only on PostgreSQL")
	storagetest.PostgresRuns.Add(1)
	db := storagetest.MustOpenPostgres(t)
	ctx := context.Background()
	seed := mustWaveReleased(t, db, pickOrder("SO-1", 0, pickLine("TOWEL", 1)))
	conn := storage.Conn(db, ctx)
	if err := conn.Exec(`CREATE FUNCTION refuse_done() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'not now'; END $$;
		CREATE TRIGGER refuse_done BEFORE UPDATE ON waves FOR EACH ROW WHEN (NEW.status = 'done') EXECUTE FUNCTION refuse_done()`).Error; err != nil {
		t.Fatal(err)
	}
	var late []string
	db.OnLateError = func(what string, err error) { late = append(late, what+": "+err.Error()) }

	picker := seed.Staff[0].ID
	task := mustAtShelf(t, db, picker)
	out, err := db.Pick(ctx, &soko.PickScan{ScanID: "unit", TaskID: task.ID, StaffID: picker, Code: task.SKU, ProductID: task.ProductID, Units: 1})
	if err != nil || out.OrderPicked != "SO-1" {
		t.Fatalf("the last unit: %+v %v, want SO-1 picked", out, err)
	}
	if len(late) != 1 || !strings.Contains(late[0], "finish the waves of picked orders") {
		t.Fatalf("reported after the commit: %q, want the wave's check", late)
	}
	waveStatus := func() string {
		var status string
		if err := conn.Raw(`SELECT status FROM waves WHERE id = ?`, task.WaveID).Scan(&status).Error; err != nil {
			t.Fatal(err)
		}
		return status
	}
	if s := waveStatus(); s != string(soko.WaveReleased) {
		t.Fatalf("wave %s is %s after its check failed", task.WaveNumber, s)
	}

	if err := conn.Exec(`DROP TRIGGER refuse_done ON waves`).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := db.FinishIdleWaves(ctx); err != nil || n != 1 {
		t.Fatalf("the hourly round finished %d waves (%v), want 1", n, err)
	}
	if s := waveStatus(); s != string(soko.WaveDone) {
		t.Errorf("wave %s is %s after the hourly round, want done", task.WaveNumber, s)
	}
}
