package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// lockTask locks the picker's open task for a short report, refusing
// tasks that are another picker's, finished, or of an order on hold or
// being cancelled.
func lockTask(tx *gorm.DB, dialect string, taskID, staffID int64) (pickTaskRow, error) {
	t, err := readLockedTask(tx, dialect, taskID, nil)
	if err != nil {
		return t, err
	}
	return t, t.view().CheckPickable(staffID)
}

// readLockedTask locks a task for a scan on it. The order's status comes
// with the task, in the same statement: a held order or one being
// cancelled is not picked. So does the stock row the units leave, and
// everything the scan's answer shows (the shelf's code, the names, the
// tasks left on the picker's list), and how many other tasks of the order
// are open (whether the task's last unit finishes the order). Given a
// scanned code, so does what the code names (codeColumns): the statement
// that locks the task resolves the code.
func readLockedTask(tx *gorm.DB, dialect string, taskID int64, s *soko.PickScan) (pickTaskRow, error) {
	q := `SELECT pick_tasks.*, (SELECT o.status FROM orders o WHERE o.id = pick_tasks.order_id) AS order_status,
		(SELECT o.number FROM orders o WHERE o.id = pick_tasks.order_id) AS order_number,
		(SELECT a.stock_id FROM allocations a WHERE a.id = pick_tasks.allocation_id) AS stock_id,
		(SELECT COALESCE(s.lot, '') FROM allocations a JOIN stock s ON s.id = a.stock_id WHERE a.id = pick_tasks.allocation_id) AS lot,
		(SELECT l.code FROM locations l WHERE l.id = pick_tasks.location_id) AS location_code,
		(SELECT w.number FROM waves w WHERE w.id = pick_tasks.wave_id) AS wave_number,
		(SELECT p.sku FROM products p WHERE p.id = pick_tasks.product_id) AS sku,
		(SELECT p.name FROM products p WHERE p.id = pick_tasks.product_id) AS product_name,
		(SELECT COUNT(*) FROM pick_tasks l WHERE l.pick_list = pick_tasks.pick_list AND l.status = 'open' AND l.staff_id = pick_tasks.staff_id) AS tasks_left,
		(SELECT COUNT(*) FROM pick_tasks o WHERE o.order_id = pick_tasks.order_id AND o.status = 'open' AND o.id <> pick_tasks.id) AS others_open`
	args := map[string]any{"task": taskID}
	if s != nil {
		q += codeColumns(dialect)
		args["code"], args["shelf"], args["gtin"], args["sku"] = s.Code, soko.LocationCode(s.Code), s.GTIN, s.SKU
	}
	q += ` FROM pick_tasks WHERE pick_tasks.id = @task`
	if dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var rows []pickTaskRow
	if err := tx.Raw(q, args).Scan(&rows).Error; err != nil {
		return pickTaskRow{}, err
	}
	if len(rows) == 0 {
		return pickTaskRow{}, gorm.ErrRecordNotFound
	}
	return rows[0], nil
}

// codeColumns are the columns of readLockedTask that say what a scanned
// code names: the shelf with that code, as typed or in its normal form
// (code_location), and the products with that barcode or SKU, each as
// "product:units:at the task's shelf" (1 or 0), separated by commas
// (code_items; the units are the barcode's pack, 0 for an SKU).
func codeColumns(dialect string) string {
	concat := "group_concat"
	if dialect == Postgres {
		concat = "string_agg"
	}
	item := func(product, units string) string {
		return `CAST(` + product + ` AS TEXT) || ':' || CAST(` + units + ` AS TEXT) || ':' ||
			CASE WHEN EXISTS (SELECT 1 FROM stock s WHERE s.location_id = pick_tasks.location_id AND s.product_id = ` + product + `) THEN '1' ELSE '0' END`
	}
	return `, COALESCE((SELECT l.code FROM locations l WHERE l.code IN (@code, @shelf)
			ORDER BY CASE WHEN l.code = @code THEN 0 ELSE 1 END LIMIT 1), '') AS code_location,
		COALESCE((SELECT ` + concat + `(i.item, ',') FROM (
			SELECT ` + item("b.product_id", "b.pack_quantity") + ` AS item FROM product_barcodes b WHERE b.code = @gtin AND @gtin <> ''
			UNION ALL SELECT ` + item("p.id", "0") + ` FROM products p WHERE p.sku = @sku AND @sku <> '') i), '') AS code_items`
}

// pickCode is what the scan's code names, as readLockedTask read it with
// the task t. A caller that knew what the code is (the shelf, or the
// product and its units) is taken at its word.
func pickCode(s *soko.PickScan, t pickTaskRow) soko.PickCode {
	switch {
	case s.Location:
		return soko.PickCode{Location: s.Code}
	case s.ProductID != 0:
		return soko.PickCode{Items: []soko.PickCodeItem{{ProductID: s.ProductID, Units: s.Units, AtShelf: true}}}
	}
	code := soko.PickCode{Location: t.CodeLocation}
	units := map[int64]int{} // a product the barcode and the SKU both name counts once, with its pack's units
	for _, item := range strings.Split(t.CodeItems, ",") {
		var id int64
		var n, here int
		if _, err := fmt.Sscanf(item, "%d:%d:%d", &id, &n, &here); err != nil {
			continue // none
		}
		if units[id] == 0 {
			code.Items = append(code.Items, soko.PickCodeItem{ProductID: id, AtShelf: here == 1})
		}
		units[id] = max(units[id], n, 1)
	}
	for i, it := range code.Items {
		code.Items[i].Units = units[it.ProductID]
	}
	return code
}

// Pick applies one scan on a pick task: the location first, then units of
// the item. The task is locked, and what the code names read, in one
// statement of the scan's transaction; soko.DecidePickScan decides what
// the scan does (and refuses a wrong location, a wrong item, more units
// than the task asks for). Units picked leave the shelf's stock (with a
// ledger line) and go into the tote.
func (db *DB) Pick(ctx context.Context, s *soko.PickScan) (*soko.PickOutcome, error) {
	now := db.now()
	out := &soko.PickOutcome{}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		*out = soko.PickOutcome{} // a deadlock victim's attempt starts afresh
		t, err := readLockedTask(tx, db.dialect, s.TaskID, s)
		var task *soko.PickTask
		switch {
		case err == nil:
			task = t.view()
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		code := pickCode(s, t)
		step, err := soko.DecidePickScan(task, code, *s)
		if err != nil {
			return err
		}
		seen := s.Code
		if code.Location != "" {
			seen = code.Location
		}
		if err := deferScan(ctx, tx, soko.ScanEvent{ScanID: s.ScanID, StaffID: s.StaffID, Device: s.Device, Step: "pick", Code: seen}, now); err != nil {
			return err
		}
		if step.ConfirmLocation {
			t.LocationConfirmed = true
			out.Task, out.ConfirmedLocation = t.view(), true
			return confirmLocation(tx, db.dialect, t.ID, s.ScanID)
		}
		return pickUnits(tx, db.dialect, t, step.Units, s, now, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// confirmLocation notes that the picker stands at the task's shelf. On
// PostgreSQL, when the scan's record waits for its answer, the update
// waits too and goes with it in one statement (deferTake), as a pick's
// units do: a shelf's scan is then four round trips, not five.
func confirmLocation(tx *gorm.DB, dialect string, taskID int64, scanID string) error {
	confirm := pendingTake{sql: `WITH s AS (UPDATE pick_tasks SET location_confirmed = TRUE WHERE id = @task RETURNING id)`,
		args: map[string]any{"task": taskID}, refused: soko.Errorf(soko.ENOTFOUND, "no pick task %d", taskID).JA("ピッキング作業 %d は見つかりません", taskID)}
	if dialect == Postgres && deferTake(tx, scanID, confirm) {
		return nil
	}
	return tx.Model(&pickTaskRow{}).Where("id = ?", taskID).Update("location_confirmed", true).Error
}

// deferTake keeps take to run with the scan's record at the end of the
// transaction (joined.writeScan) when that record waits for its answer,
// and reports whether it did.
func deferTake(tx *gorm.DB, scanID string, take pendingTake) bool {
	j := joinedIn(tx)
	if j == nil || j.scan == nil || *j.scan.ScanID != scanID {
		return false
	}
	j.take = &take
	return true
}

// pickUnits takes n units of the task t into the tote, finishing the task
// when they are the last, and the order when it was the order's last
// task (t.OthersOpen, read with the task), and says so in out. The order
// is finished before the units leave the shelf: the shelf's stock row is
// the one other pickers wait for, so it is changed as late as can be and
// its lock held only until the commit. Only the check whether the wave is
// done comes after it (finishWaves: on PostgreSQL just after the commit,
// on SQLite as the statement before it), which must see the task ended.
func pickUnits(tx *gorm.DB, dialect string, t pickTaskRow, n int, s *soko.PickScan, now time.Time, out *soko.PickOutcome) error {
	var finish soko.PickTaskStatus
	if n > 0 && t.Picked+n == t.Quantity {
		finish = soko.PickDone
		out.TaskDone = true
		if t.OthersOpen == 0 {
			var err error
			if out.OrderPicked, err = finishPickedOrder(tx, *t.OrderID, s.StaffID, s.Device, now); err != nil {
				return err
			}
		} else {
			recheckPicked(tx, pickedBy{*t.OrderID, s.StaffID, s.Device})
		}
	}
	if err := takeUnits(tx, dialect, t, n, finish, s.StaffID, s.ScanID, now, true); err != nil {
		return err
	}
	if out.OrderPicked != "" {
		if err := finishWaves(tx, *t.OrderID, now); err != nil {
			return err
		}
	}
	t.Picked += n
	if finish != "" {
		t.Status, t.TasksLeft = string(finish), t.TasksLeft-1
	}
	out.Task = t.view()
	return nil
}

// takeUnits moves n picked units from the shelf into the tote: the shelf's
// stock and its reservation both go down, with a pick ledger line. A
// finish status ends the task in the same step ("" keeps it open). On
// PostgreSQL that is one statement, whose ledger line is noted for the
// stock feed as gorm's insert notes SQLite's (noteMovements). With late,
// when the scan's record waits for its answer (deferScan), the statement
// waits too, and goes with the record, in one round trip, at the end of
// the transaction (joined.writeScan): the caller reads nothing it changes
// before then. Nothing waits longer for the shelf's row either.
func takeUnits(tx *gorm.DB, dialect string, t pickTaskRow, n int, finish soko.PickTaskStatus, staffID int64, scanID string, now time.Time, late bool) error {
	if n == 0 {
		return nil
	}
	line := stockMovementRow{StockID: t.StockID, Kind: string(soko.MovePick), OnHandDelta: -n, AllocatedDelta: -n,
		StaffID: nullID(staffID), Reason: "pick", DocumentType: "order", DocumentID: t.OrderID, ScanID: &scanID, CreatedAt: now}
	args := map[string]any{"n": n, "stock": t.StockID, "alloc": t.AllocationID, "task": t.ID, "status": string(finish),
		"kind": line.Kind, "staff": line.StaffID, "order": t.OrderID, "scan": scanID, "now": now}
	ending := ""
	if finish != "" {
		ending = ", status = @status, done_at = @now"
	}
	shelfChanged := soko.Errorf(soko.ECONFLICT, "the shelf's stock changed; count it").JA("棚の在庫が変わっています。棚卸をしてください")
	if dialect == Postgres {
		take := pendingTake{sql: `WITH s AS (UPDATE stock SET on_hand = on_hand - @n, allocated = allocated - @n WHERE id = @stock AND allocated >= @n RETURNING id),
			a AS (UPDATE allocations SET picked = picked + @n WHERE id = @alloc AND EXISTS (SELECT 1 FROM s)),
			t AS (UPDATE pick_tasks SET picked = picked + @n` + ending + ` WHERE id = @task AND EXISTS (SELECT 1 FROM s)),
			m AS (INSERT INTO stock_movements (stock_id, kind, on_hand_delta, allocated_delta, staff_id, reason, document_type, document_id, scan_id, created_at)
				SELECT id, CAST(@kind AS TEXT), -CAST(@n AS INTEGER), -CAST(@n AS INTEGER), CAST(@staff AS BIGINT), 'pick', 'order',
					CAST(@order AS BIGINT), CAST(@scan AS TEXT), CAST(@now AS TIMESTAMPTZ) FROM s)`, args: args, refused: shelfChanged}
		if !late || !deferTake(tx, scanID, take) {
			if err := take.run(tx, nil); err != nil {
				return err
			}
		}
		return noteRawMovement(tx, line)
	}
	if err := tx.Exec(`UPDATE allocations SET picked = picked + @n WHERE id = @alloc`, args).Error; err != nil {
		return err
	}
	if err := tx.Exec(`UPDATE pick_tasks SET picked = picked + @n`+ending+` WHERE id = @task`, args).Error; err != nil {
		return err
	}
	res := tx.Exec(`UPDATE stock SET on_hand = on_hand - @n, allocated = allocated - @n WHERE id = @stock AND allocated >= @n`, args)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return shelfChanged
	}
	return tx.Create(&line).Error
}

func finishTask(tx *gorm.DB, t pickTaskRow, status soko.PickTaskStatus, now time.Time) error {
	return tx.Model(&pickTaskRow{}).Where("id = ?", t.ID).Updates(map[string]any{"status": string(status), "done_at": now}).Error
}

// finishOrderIfPicked marks an order being picked as picked when none of
// its tasks is open any more, and its wave done when all of the wave's are.
func finishOrderIfPicked(tx *gorm.DB, orderID, staffID int64, device string, now time.Time) (string, error) {
	var open int64
	if err := tx.Table("pick_tasks").Where("order_id = ? AND status = 'open'", orderID).Count(&open).Error; err != nil || open > 0 {
		return "", err
	}
	number, err := finishPickedOrder(tx, orderID, staffID, device, now)
	if err != nil || number == "" {
		return number, err
	}
	return number, finishWaves(tx, orderID, now)
}

// finishPickedOrder marks as picked an order being picked whose tasks are
// all ended, or ending in the transaction, and returns its number ("" for
// an order no longer being picked); its waves are the caller's
// (finishWaves). The order is read by its status change itself
// (RETURNING), which also leaves alone an order no longer being picked.
// Its last event's number is read after that change, not returned by it:
// the pick does not lock the order first, and on PostgreSQL a change that
// waited for another transaction's event would return the number from
// before that event (moveLockedStatus returns it only for locked orders).
func finishPickedOrder(tx *gorm.DB, orderID, staffID int64, device string, now time.Time) (string, error) {
	picked, err := (&soko.Order{Status: soko.OrderPicking}).Next(soko.ActionPick)
	if err != nil {
		return "", err
	}
	var rows []orderRow
	if err := tx.Raw(`UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ? RETURNING *`,
		string(picked), now, orderID, string(soko.OrderPicking)).Scan(&rows).Error; err != nil || len(rows) == 0 {
		return "", err
	}
	o := rows[0].order()
	event := orderEvent{o, soko.OrderEvent{Action: soko.ActionPick, From: soko.OrderPicking, To: o.Status, StaffID: staffID, Device: device}}
	if err := recordEvents(tx, []orderEvent{event}, now); err != nil {
		return "", err
	}
	return o.Number, nil
}

// pickedBy is an order whose task a picker ended, with the picker and
// the handheld its event names if that finished the order.
type pickedBy struct {
	orderID, staffID int64
	device           string
}

// recheckPicked notes, on PostgreSQL, an order whose task the transaction
// ends while another of its tasks read open (t.OthersOpen). Two pickers
// ending an order's last two tasks at once each read the other's task
// open inside their transactions, and neither finishes the order: just
// after the commit, the later of the two finds both ended
// (finishPickedMeanwhile). SQLite's writers take turns: there the second
// pick reads the first's task ended.
func recheckPicked(tx *gorm.DB, p pickedBy) {
	if n := notesIn(tx); n != nil && tx.Dialector.Name() == Postgres {
		n.othersOpen = append(n.othersOpen, p)
	}
}

// finishPickedMeanwhile finishes, after the commit that ended one of
// their tasks, the orders being picked none of whose tasks is open any
// more (recheckPicked): one read when, as nearly always, another task is
// still open. The order's finish is a transaction of its own, which
// finishOrderIfPicked leaves alone if another check finished it first. An
// order it fails to finish (the database went away meanwhile) is
// reported (OnLateError) and stays picking until the hourly round
// (FinishPickedOrders).
func (db *DB) finishPickedMeanwhile(picks []pickedBy) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ids := make([]int64, len(picks))
	for i, p := range picks {
		ids[i] = p.orderID
	}
	var ready []int64
	err := db.gorm.WithContext(ctx).Raw(`SELECT id FROM orders WHERE id IN ? AND status = ?
		AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.order_id = orders.id AND t.status = 'open')`, ids, string(soko.OrderPicking)).Scan(&ready).Error
	if err != nil {
		db.lateError("check orders whose tasks ended", translate(err))
		return
	}
	for _, p := range picks {
		if !slices.Contains(ready, p.orderID) {
			continue
		}
		err := db.transact(ctx, func(tx *gorm.DB) error {
			_, err := finishOrderIfPicked(tx, p.orderID, p.staffID, p.device, db.now())
			return err
		})
		if err != nil {
			db.lateError("finish an order whose tasks all ended", err)
		}
	}
}

// FinishPickedOrders marks picked, in the hourly round, the orders being
// picked none of whose tasks is open, the last ended a minute ago or more:
// those a process killed between a pick's commit and its check left
// picking (finishPickedMeanwhile). Their event names no picker. It
// returns how many it finished.
func (db *DB) FinishPickedOrders(ctx context.Context) (int, error) {
	var ids []int64
	err := db.conn(ctx).Raw(`SELECT o.id FROM orders o WHERE o.status = ?
		AND EXISTS (SELECT 1 FROM pick_tasks t WHERE t.order_id = o.id)
		AND NOT EXISTS (SELECT 1 FROM pick_tasks t WHERE t.order_id = o.id AND (t.status = 'open' OR t.done_at > ?))
		ORDER BY o.id`, string(soko.OrderPicking), db.now().Add(-time.Minute)).Scan(&ids).Error
	if err != nil {
		return 0, translate(err)
	}
	finished, failed := 0, error(nil)
	for _, id := range ids {
		var number string
		err := db.transact(ctx, func(tx *gorm.DB) error {
			var err error
			number, err = finishOrderIfPicked(tx, id, 0, "", db.now())
			return err
		})
		if err != nil {
			failed = errors.Join(failed, err) // the others are still finished
			continue
		}
		if number != "" {
			finished++
		}
	}
	return finished, failed
}

// finishWaves marks done the released waves of the order whose tasks are
// all ended. On PostgreSQL it does so just after the transaction commits
// (DB.committed), in a statement of its own: two pickers ending a wave's
// last two tasks at once would each see, inside their transactions, the
// other's task still open, and leave the wave released. After the
// commits, the later of the two checks sees both tasks ended. A process
// killed between the commit and the check leaves the wave to the hourly
// FinishIdleWaves.
func finishWaves(tx *gorm.DB, orderID int64, now time.Time) error {
	if n := notesIn(tx); n != nil && tx.Dialector.Name() == Postgres {
		n.tasksEndedOf = append(n.tasksEndedOf, orderID)
		return nil
	}
	return tx.Exec(finishOrdersWaves, now, []int64{orderID}).Error
}

// noOpenTask is the condition on waves that none of their tasks is open.
const noOpenTask = ` AND NOT EXISTS (SELECT 1 FROM pick_tasks p WHERE p.wave_id = waves.id AND p.status = 'open')`

// finishOrdersWaves marks done (at its first argument) the released waves
// of the orders (the second) that have no task open.
const finishOrdersWaves = `UPDATE waves SET status = 'done', done_at = ? WHERE status = 'released'
	AND id IN (SELECT wave_id FROM pick_tasks WHERE order_id IN ?)` + noOpenTask

// finishWavesOf is finishWaves after the commit of a transaction that
// ended the picking of orderIDs. A wave it fails to finish (the database
// went away meanwhile) is reported (OnLateError) and left to
// FinishIdleWaves.
func (db *DB) finishWavesOf(orderIDs []int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.execOne(ctx, finishOrdersWaves, db.now(), orderIDs); err != nil {
		db.lateError("finish the waves of picked orders", err)
	}
}

// lateError reports a check after a commit that failed (OnLateError),
// with its error as translated.
func (db *DB) lateError(what string, err error) {
	if db.OnLateError != nil {
		db.OnLateError(what, err)
	}
}

// FinishIdleWaves marks done, when their last task ended, the released
// waves none of whose tasks is open any more, and returns how many: those
// a process killed between a pick's commit and its check left released
// (finishWaves), and those whose last order came up short, which is
// picked again in a wave of its own once a supervisor reallocates it.
func (db *DB) FinishIdleWaves(ctx context.Context) (int64, error) {
	return db.execOne(runAlone(ctx), `UPDATE waves SET status = 'done',
		done_at = (SELECT MAX(t.done_at) FROM pick_tasks t WHERE t.wave_id = waves.id)
		WHERE status = 'released' AND EXISTS (SELECT 1 FROM pick_tasks t WHERE t.wave_id = waves.id)`+noOpenTask)
}

// ReportShort records that fewer units were on the shelf than the task
// asked for: the units found are picked, the rest is allocated at once from
// another location (a new task on the picker's list, in walk order) or the
// order becomes short for a supervisor; the shelf gets a count task.
func (db *DB) ReportShort(ctx context.Context, s *soko.ShortPick, rules soko.AllocationRules) (*soko.PickOutcome, error) {
	now := db.now()
	out := &soko.PickOutcome{TaskDone: true}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := deferScan(ctx, tx, soko.ScanEvent{ScanID: s.ScanID, StaffID: s.StaffID, Device: s.Device, Step: "short_pick"}, now); err != nil {
			return err
		}
		t, err := lockTask(tx, db.dialect, s.TaskID, s.StaffID)
		if err != nil {
			return err
		}
		missing, err := s.Missing(t.Quantity, t.Picked)
		if err != nil {
			return err
		}
		if err := takeUnits(tx, db.dialect, t, s.Found, "", s.StaffID, s.ScanID, now, false); err != nil {
			return err
		}
		// The shelf does not hold what the books say: nothing more may be promised from it until counted.
		var a allocationRow
		if err := tx.Where("id = ?", t.AllocationID).Take(&a).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE stock SET allocated = allocated - ? WHERE id = ?`, missing, a.StockID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE allocations SET quantity = quantity - ? WHERE id = ?`, missing, a.ID).Error; err != nil {
			return err
		}
		if err := tx.Create(&stockMovementRow{StockID: a.StockID, Kind: string(soko.MoveRelease), AllocatedDelta: -missing,
			StaffID: nullID(s.StaffID), Reason: "short pick", DocumentType: "order", DocumentID: t.OrderID, ScanID: &s.ScanID, CreatedAt: now}).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE pick_tasks SET quantity = picked WHERE id = ?`, t.ID).Error; err != nil {
			return err
		}
		if err := finishTask(tx, t, soko.PickShort, now); err != nil {
			return err
		}
		if err := tx.Exec(`INSERT INTO count_tasks (location_id, reason, staff_id, created_at) VALUES (?, 'short pick', ?, ?)`, t.LocationID, s.StaffID, now).Error; err != nil {
			return err
		}
		if err := noteLocations(tx, t.LocationID); err != nil {
			return err
		}
		rerouted, err := db.reroute(tx, t, a, missing, rules, now)
		if err != nil {
			return err
		}
		out.Rerouted = rerouted
		if !rerouted {
			var row orderRow
			if err := tx.Where("id = ?", *t.OrderID).Take(&row).Error; err != nil {
				return err
			}
			o := row.order()
			if o.Status == soko.OrderPicking {
				if err := o.Apply(soko.ActionShortPick); err != nil {
					return err
				}
				if err := setStatusBy(tx, o, soko.ActionShortPick, soko.OrderPicking, s.StaffID, s.Device, "short at location", now); err != nil {
					return err
				}
			}
			out.OrderShort = o.Number
			return nil
		}
		out.OrderPicked, err = finishOrderIfPicked(tx, *t.OrderID, s.StaffID, s.Device, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Task, err = taskView(db.conn(ctx), s.TaskID)
	return out, translate(err)
}

// reroute allocates the missing units of a short task from other locations
// and adds tasks for them to the picker's list, in walk order.
func (db *DB) reroute(tx *gorm.DB, t pickTaskRow, a allocationRow, missing int, rules soko.AllocationRules, now time.Time) (bool, error) {
	var row orderRow
	if err := tx.Where("id = ?", *t.OrderID).Take(&row).Error; err != nil {
		return false, err
	}
	o := row.order()
	o.Lines = []soko.OrderLine{{ID: a.OrderLineID, OrderID: o.ID, ProductID: t.ProductID, Quantity: missing}}
	cands, tracked, err := db.candidates(tx, []*soko.Order{o}, true)
	if err != nil {
		return false, err
	}
	var elsewhere []soko.Candidate
	for _, c := range cands {
		if c.LocationID != t.LocationID {
			elsewhere = append(elsewhere, c)
		}
	}
	picks, short := soko.PlanAllocation(o, tracked, elsewhere, now, rules)
	if len(short) > 0 || len(picks) == 0 {
		return false, nil
	}
	byStock := map[int64]*soko.Candidate{}
	for i := range elsewhere {
		byStock[elsewhere[i].StockID] = &elsewhere[i]
	}
	if err := reserveAndApply(tx, picks, now); err != nil {
		return false, err
	}
	for _, p := range picks {
		var alloc allocationRow
		if err := tx.Where("order_line_id = ? AND stock_id = ?", p.LineID, p.StockID).Order("id DESC").Take(&alloc).Error; err != nil {
			return false, err
		}
		c := byStock[p.StockID]
		// Right after the short task: the picker is sent there next.
		task := pickTaskRow{WaveID: t.WaveID, AllocationID: alloc.ID, LocationID: c.LocationID, ProductID: t.ProductID,
			Quantity: p.Quantity, Tote: t.Tote, Sequence: t.Sequence + 1, Status: string(soko.PickOpen),
			StaffID: t.StaffID, OrderID: t.OrderID, PickList: t.PickList, ClaimedAt: &now}
		if err := tx.Create(&task).Error; err != nil {
			return false, err
		}
	}
	return true, nil
}

// OpenCountTasks returns the locations waiting for a count, oldest first.
func (db *DB) OpenCountTasks(ctx context.Context) ([]string, error) {
	var codes []string
	err := db.conn(ctx).Table("count_tasks").Joins("JOIN locations ON locations.id = count_tasks.location_id").
		Where("count_tasks.done_at IS NULL").Order("count_tasks.id").Pluck("locations.code", &codes).Error
	return codes, translate(err)
}
