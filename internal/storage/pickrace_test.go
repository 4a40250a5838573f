package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestPick_OrderPickedWhenItsLastTwoTasksEndAtOnce: two handhelds (zone
// pickers, or one picker's two) end an order's last two tasks at the same
// moment. Each pick reads the other's task still open, so neither finished
// the order inside its transaction; the later one's check after its commit
// sees both ended and marks the order picked, once. The first pick is held
// open until the second has committed, so the race happens every run.
func TestPick_OrderPickedWhenItsLastTwoTasksEndAtOnce(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := mustWaveReleased(t, db, pickOrder("SO-1", 0, pickLine("TOWEL", 1), pickLine("MUG", 1)))
		picker := seed.Staff[0].ID
		if _, err := db.NextPickTask(ctx, picker); err != nil {
			t.Fatal(err)
		}
		tasks, err := db.PickList(ctx, picker, 10)
		if err != nil || len(tasks) != 2 {
			t.Fatalf("the picker's list: %v %v, want the order's two tasks", tasks, err)
		}
		scans := make([]*soko.PickScan, 2)
		for i, task := range tasks {
			at := &soko.PickScan{ScanID: fmt.Sprint("at-", i), TaskID: task.ID, StaffID: picker, Device: fmt.Sprint("HT-0", i), Code: task.LocationCode, Location: true}
			if _, err := db.Pick(ctx, at); err != nil {
				t.Fatal(err)
			}
			scans[i] = &soko.PickScan{ScanID: fmt.Sprint("pick-", i), TaskID: task.ID, StaffID: picker, Device: at.Device, Code: task.SKU, ProductID: task.ProductID, Units: 1}
		}

		picked := make(chan string, 2)
		firstDone, release, firstErr := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			firstErr <- db.InTransaction(ctx, func(ctx context.Context) error {
				out, err := db.Pick(ctx, scans[0])
				if err != nil {
					return err
				}
				picked <- out.OrderPicked
				close(firstDone)
				<-release
				return nil
			})
		}()
		if err := waitAtMost(firstDone, nil); err != nil {
			t.Fatal("the first pick: ", err)
		}
		second := make(chan error, 1)
		go func() {
			out, err := db.Pick(ctx, scans[1])
			if err == nil {
				picked <- out.OrderPicked
			}
			second <- err
		}()
		if db.Dialect() == storage.Postgres {
			// The second pick neither waits for the first nor sees its task ended.
			if err := waitAtMost(nil, second); err != nil {
				close(release)
				t.Fatal("the second pick: ", err)
			}
			close(release)
		} else {
			// SQLite's writers take turns: the second waits for the first.
			close(release)
			if err := waitAtMost(nil, second); err != nil {
				t.Fatal("the second pick: ", err)
			}
		}
		if err := waitAtMost(nil, firstErr); err != nil {
			t.Fatal("the first pick's commit: ", err)
		}
		o, err := db.FindOrder(ctx, seed.Merchants[0].ID, "SO-1")
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != soko.OrderPicked {
			t.Fatalf("SO-1 is %s after both its tasks were picked, want picked", o.Status)
		}
		var events int64
		if err := storage.Conn(db, ctx).Raw(`SELECT COUNT(*) FROM order_events WHERE order_id = ? AND to_status = ?`, o.ID, string(soko.OrderPicked)).Scan(&events).Error; err != nil {
			t.Fatal(err)
		}
		if events != 1 {
			t.Errorf("SO-1 has %d events to picked, want 1", events)
		}
		if first, second := <-picked, <-picked; db.Dialect() == storage.SQLite && first+second != "SO-1" {
			t.Errorf("the picks answered %q and %q: on SQLite the later one finishes the order", first, second)
		}
	})
}

// TestPick_OrdersLeftPickingFinishedByTheHourlyRound: an order being
// picked whose every task ended a while ago (its last picker's process was
// killed between the commit and the check) is marked picked by the hourly
// round, once; one whose last task ended just now, or with a task open,
// is left alone.
func TestPick_OrdersLeftPickingFinishedByTheHourlyRound(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := mustWaveReleased(t, db, pickOrder("SO-1", 0, pickLine("TOWEL", 1)), pickOrder("SO-2", 0, pickLine("MUG", 1)), pickOrder("SO-3", 0, pickLine("TOWEL", 1)))
		conn := storage.Conn(db, ctx)
		now := storage.NowOf(db)
		for number, ended := range map[string]time.Time{"SO-1": now.Add(-time.Hour), "SO-2": now.Add(-10 * time.Second)} {
			if err := conn.Exec(`UPDATE pick_tasks SET status = 'done', picked = quantity, done_at = ?
				WHERE order_id = (SELECT id FROM orders WHERE number = ?)`, ended, number).Error; err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.FinishPickedOrders(ctx); err != nil || n != 1 {
			t.Fatalf("finished %d orders (%v), want SO-1", n, err)
		}
		for number, want := range map[string]soko.OrderStatus{"SO-1": soko.OrderPicked, "SO-2": soko.OrderPicking, "SO-3": soko.OrderPicking} {
			o, err := db.FindOrder(ctx, seed.Merchants[0].ID, number)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != want {
				t.Errorf("%s is %s, want %s", number, o.Status, want)
			}
		}
		if n, err := db.FinishPickedOrders(ctx); err != nil || n != 0 {
			t.Errorf("a second round finished %d (%v), want none", n, err)
		}
	})
}

// TestPick_TheTransactionsLaterStepsSeeTheUnitsTaken: a pick's units move
// with the scan's record, at the end of the transaction, unless another
// step of the transaction comes first: that step sees them taken.
func TestPick_TheTransactionsLaterStepsSeeTheUnitsTaken(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := mustWaveReleased(t, db, pickOrder("SO-1", 0, pickLine("TOWEL", 3)))
		picker := seed.Staff[0].ID
		task := mustAtShelf(t, db, picker)
		err := db.InTransaction(ctx, func(ctx context.Context) error {
			for i := 1; i <= 2; i++ {
				scan := &soko.PickScan{ScanID: fmt.Sprint("unit-", i), TaskID: task.ID, StaffID: picker, Code: task.SKU, ProductID: task.ProductID, Units: 1}
				if _, err := db.Pick(ctx, scan); err != nil {
					return err
				}
				list, err := db.PickList(ctx, picker, 10)
				if err != nil {
					return err
				}
				if len(list) != 1 || list[0].Picked != i {
					t.Errorf("after unit %d the transaction's list shows %+v, want the task with %d picked", i, list, i)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.PickList(ctx, picker, 10)
		if err != nil || len(list) != 1 || list[0].Picked != 2 {
			t.Fatalf("after the commit the list shows %+v (%v), want the task with 2 picked", list, err)
		}
		var towels int
		if err := storage.Conn(db, ctx).Raw(`SELECT on_hand FROM stock WHERE product_id = ?`, task.ProductID).Scan(&towels).Error; err != nil || towels != 8 {
			t.Errorf("the shelf holds %d towels (%v), want 8 of 10", towels, err)
		}
	})
}

// waitAtMost waits for done to close or for an error on errs, ten seconds
// at most: a pick that waits for the other fails the test instead of
// hanging it.
func waitAtMost(done chan struct{}, errs chan error) error {
	select {
	case <-done:
		return nil
	case err := <-errs:
		return err
	case <-time.After(10 * time.Second):
		return errors.New("still waiting after 10 s")
	}
}

// mustWaveReleased loads the picking floor with the orders, allocates
// them and releases them in one wave.
// mustAtShelf takes the picker's next task and scans its shelf.
func mustAtShelf(t *testing.T, db *storage.DB, picker int64) *soko.PickTask {
	t.Helper()
	ctx := context.Background()
	task, err := db.NextPickTask(ctx, picker)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pick(ctx, &soko.PickScan{ScanID: "at", TaskID: task.ID, StaffID: picker, Code: task.LocationCode, Location: true}); err != nil {
		t.Fatal(err)
	}
	return task
}

func mustWaveReleased(t *testing.T, db *storage.DB, orders ...soko.SeedOrder) *soko.Seed {
	t.Helper()
	ctx := context.Background()
	seed := pickSeed(orders...)
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != len(orders) {
		t.Fatalf("allocated %d of %d: %v", n, len(orders), err)
	}
	if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveSingle, MaxOrders: len(orders), StaffID: seed.Staff[2].ID}); err != nil {
		t.Fatal(err)
	}
	return seed
}
