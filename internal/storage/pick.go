package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// lockTask locks the picker's open task for a scan, refusing tasks that
// are another picker's or finished.
func lockTask(tx *gorm.DB, dialect string, taskID, staffID int64) (pickTaskRow, error) {
	// The order's status comes with the task, in the same statement: a
	// held order or one being cancelled is not picked. So does the stock
	// row the units leave, and everything the scan's answer shows (the
	// shelf's code, the names, the tasks left on the picker's list).
	var t pickTaskRow
	err := lockForUpdate(tx, dialect).
		Select("pick_tasks.*, (SELECT o.status FROM orders o WHERE o.id = pick_tasks.order_id) AS order_status, "+
			"(SELECT o.number FROM orders o WHERE o.id = pick_tasks.order_id) AS order_number, "+
			"(SELECT a.stock_id FROM allocations a WHERE a.id = pick_tasks.allocation_id) AS stock_id, "+
			"(SELECT COALESCE(s.lot, '') FROM allocations a JOIN stock s ON s.id = a.stock_id WHERE a.id = pick_tasks.allocation_id) AS lot, "+
			"(SELECT l.code FROM locations l WHERE l.id = pick_tasks.location_id) AS location_code, "+
			"(SELECT w.number FROM waves w WHERE w.id = pick_tasks.wave_id) AS wave_number, "+
			"(SELECT p.sku FROM products p WHERE p.id = pick_tasks.product_id) AS sku, "+
			"(SELECT p.name FROM products p WHERE p.id = pick_tasks.product_id) AS product_name, "+
			"(SELECT COUNT(*) FROM pick_tasks l WHERE l.pick_list = pick_tasks.pick_list AND l.status = 'open' AND l.staff_id = pick_tasks.staff_id) AS tasks_left").
		Where("pick_tasks.id = ?", taskID).Take(&t).Error
	if err != nil {
		return t, err
	}
	switch soko.OrderStatus(t.OrderStatus) {
	case soko.OrderOnHold:
		return t, soko.Errorf(soko.ECONFLICT, "the order of this task is on hold: leave it and take the next task").
			JA("この注文は保留中です。ピッキングせずに次の作業へ進んでください").WithField("code", "order_on_hold")
	case soko.OrderCancelRequested, soko.OrderCancelled:
		return t, soko.Errorf(soko.ECONFLICT, "the order of this task is being cancelled: do not pick it; give what you picked to the supervisor").
			JA("この注文はキャンセルされます。ピッキングせず、取った商品は監督者に渡してください").WithField("code", "order_cancelled")
	}
	if t.StaffID == nil || *t.StaffID != staffID {
		return t, soko.Errorf(soko.EFORBIDDEN, "task %d is another picker's", taskID).JA("この作業は別の担当者の作業です")
	}
	if t.Status != string(soko.PickOpen) {
		return t, soko.Errorf(soko.ECONFLICT, "task %d is finished", taskID).JA("この作業は完了しています")
	}
	return t, nil
}

// Pick applies one scan on a pick task: the location first, then units of
// the item. A wrong location, a wrong item and more units than the task asks
// for are refused with their own message; units picked leave the shelf's
// stock (with a ledger line) and go into the tote.
func (db *DB) Pick(ctx context.Context, s *soko.PickScan) (*soko.PickOutcome, error) {
	now := db.now()
	out := &soko.PickOutcome{}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		*out = soko.PickOutcome{} // a deadlock victim's attempt starts afresh
		if err := claimScan(tx, soko.ScanEvent{ScanID: s.ScanID, StaffID: s.StaffID, Device: s.Device, Step: "pick", Code: s.Code}, now); err != nil {
			return err
		}
		t, err := lockTask(tx, db.dialect, s.TaskID, s.StaffID)
		if err != nil {
			return err
		}
		if s.Location {
			if at := t.LocationCode; s.Code != at {
				return soko.Errorf(soko.EINVALID, "wrong location %s: go to %s", s.Code, at).
					JA("ロケーション違いです（%s）。%s へ行ってください", s.Code, at).WithField("code", "wrong_location")
			}
			t.LocationConfirmed = true
			out.Task = t.view()
			return tx.Model(&pickTaskRow{}).Where("id = ?", t.ID).Update("location_confirmed", true).Error
		}
		switch {
		case !t.LocationConfirmed:
			at := t.LocationCode
			return soko.Errorf(soko.EINVALID, "scan the location %s first", at).
				JA("先にロケーション %s をスキャンしてください", at).WithField("code", "location_first")
		case s.ProductID != t.ProductID:
			return soko.Errorf(soko.EINVALID, "wrong item: this is not %s", t.ProductName).
				JA("商品違いです。%s ではありません", t.ProductName).WithField("code", "wrong_item")
		case t.Picked+s.Units > t.Quantity:
			return soko.Errorf(soko.EINVALID, "over-pick: only %d more of %s", t.Quantity-t.Picked, t.ProductName).
				JA("数量オーバーです。%s はあと %d 個です", t.ProductName, t.Quantity-t.Picked).WithField("code", "over_pick")
		}
		var finish soko.PickTaskStatus
		if t.Picked+s.Units == t.Quantity {
			finish = soko.PickDone
		}
		othersOpen, err := takeUnits(tx, db.dialect, t, s.Units, finish, s.StaffID, s.ScanID, now)
		if err != nil {
			return err
		}
		t.Picked += s.Units
		if finish != "" {
			out.TaskDone = true
			if othersOpen >= 0 { // the task ended
				t.Status, t.TasksLeft = string(finish), t.TasksLeft-1
			}
			if othersOpen == 0 {
				if out.OrderPicked, err = finishPickedOrder(tx, *t.OrderID, s.StaffID, s.Device, now); err != nil {
					return err
				}
			}
		}
		out.Task = t.view()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// takeUnits moves n picked units from the shelf into the tote: the shelf's
// stock and its reservation both go down, with a pick ledger line. A
// finish status ends the task in the same step ("" keeps it open), and
// then othersOpen is how many other tasks of the order are still open
// (read in the same statement; -1 when the task stays open). On
// PostgreSQL that is one statement, whose ledger line is noted for the
// stock feed as gorm's insert notes SQLite's (noteMovements).
func takeUnits(tx *gorm.DB, dialect string, t pickTaskRow, n int, finish soko.PickTaskStatus, staffID int64, scanID string, now time.Time) (othersOpen int64, err error) {
	if n == 0 {
		return -1, nil
	}
	line := stockMovementRow{StockID: t.StockID, Kind: string(soko.MovePick), OnHandDelta: -n, AllocatedDelta: -n,
		StaffID: nullID(staffID), Reason: "pick", DocumentType: "order", DocumentID: t.OrderID, ScanID: &scanID, CreatedAt: now}
	args := map[string]any{"n": n, "stock": t.StockID, "alloc": t.AllocationID, "task": t.ID, "status": string(finish),
		"kind": line.Kind, "staff": line.StaffID, "order": t.OrderID, "scan": scanID, "now": now}
	ending, others := "", "-1"
	if finish != "" {
		ending = ", status = @status, done_at = @now"
		others = "(SELECT COUNT(*) FROM pick_tasks o WHERE o.order_id = @order AND o.status = 'open' AND o.id <> @task)"
	}
	shelfChanged := soko.Errorf(soko.ECONFLICT, "the shelf's stock changed; count it").JA("棚の在庫が変わっています。棚卸をしてください")
	if dialect == Postgres {
		var taken []struct{ ID, Others int64 }
		err := tx.Raw(`WITH s AS (UPDATE stock SET on_hand = on_hand - @n, allocated = allocated - @n WHERE id = @stock AND allocated >= @n RETURNING id),
			a AS (UPDATE allocations SET picked = picked + @n WHERE id = @alloc AND EXISTS (SELECT 1 FROM s)),
			t AS (UPDATE pick_tasks SET picked = picked + @n`+ending+` WHERE id = @task AND EXISTS (SELECT 1 FROM s)),
			m AS (INSERT INTO stock_movements (stock_id, kind, on_hand_delta, allocated_delta, staff_id, reason, document_type, document_id, scan_id, created_at)
				SELECT id, CAST(@kind AS TEXT), -CAST(@n AS INTEGER), -CAST(@n AS INTEGER), CAST(@staff AS BIGINT), 'pick', 'order',
					CAST(@order AS BIGINT), CAST(@scan AS TEXT), CAST(@now AS TIMESTAMPTZ) FROM s)
			SELECT id, `+others+` AS others FROM s`, args).Scan(&taken).Error
		if err != nil {
			return 0, err
		}
		if len(taken) != 1 {
			return 0, shelfChanged
		}
		return taken[0].Others, noteRawMovement(tx, line)
	}
	res := tx.Exec(`UPDATE stock SET on_hand = on_hand - @n, allocated = allocated - @n WHERE id = @stock AND allocated >= @n`, args)
	if res.Error != nil {
		return 0, res.Error
	}
	if res.RowsAffected != 1 {
		return 0, shelfChanged
	}
	if err := tx.Exec(`UPDATE allocations SET picked = picked + @n WHERE id = @alloc`, args).Error; err != nil {
		return 0, err
	}
	// The other open tasks are counted by the task's update itself; the
	// task's own row is left out of the count, so whether SQLite's
	// RETURNING sees it before or after the update does not matter.
	var counted []int64
	if err := tx.Raw(`UPDATE pick_tasks SET picked = picked + @n`+ending+` WHERE id = @task RETURNING `+others, args).Scan(&counted).Error; err != nil {
		return 0, err
	}
	if len(counted) != 1 {
		return 0, soko.Errorf(soko.ENOTFOUND, "no pick task %d", t.ID).JA("ピッキング指示が見つかりません")
	}
	return counted[0], tx.Create(&line).Error
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
	return finishPickedOrder(tx, orderID, staffID, device, now)
}

// pickedOrderRow is an order as its last pick left it, with the number of
// its last event.
type pickedOrderRow struct {
	Order        orderRow `gorm:"embedded"`
	LastEventSeq int
}

// finishPickedOrder is finishOrderIfPicked for an order the caller knows
// has no open task left. The order is read by its status change itself
// (RETURNING), with its last event's number, which also leaves alone an
// order no longer being picked.
func finishPickedOrder(tx *gorm.DB, orderID, staffID int64, device string, now time.Time) (string, error) {
	picked, err := (&soko.Order{Status: soko.OrderPicking}).Next(soko.ActionPick)
	if err != nil {
		return "", err
	}
	var rows []pickedOrderRow
	if err := tx.Raw(`UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?
		RETURNING *, (SELECT COALESCE(MAX(e.seq), 0) FROM order_events e WHERE e.order_id = orders.id) AS last_event_seq`,
		string(picked), now, orderID, string(soko.OrderPicking)).Scan(&rows).Error; err != nil || len(rows) == 0 {
		return "", err
	}
	o := rows[0].Order.order()
	event := orderEvent{o, soko.OrderEvent{Action: soko.ActionPick, From: soko.OrderPicking, To: o.Status, StaffID: staffID, Device: device}}
	if err := recordEventsAfter(tx, []orderEvent{event}, map[int64]int{o.ID: rows[0].LastEventSeq}, now); err != nil {
		return "", err
	}
	err = tx.Exec(`UPDATE waves SET status = 'done', done_at = ? WHERE status = 'released'
		AND id IN (SELECT wave_id FROM pick_tasks WHERE order_id = ?)
		AND NOT EXISTS (SELECT 1 FROM pick_tasks p WHERE p.wave_id = waves.id AND p.status = 'open')`, now, orderID).Error
	return o.Number, err
}

// ReportShort records that fewer units were on the shelf than the task
// asked for: the units found are picked, the rest is allocated at once from
// another location (a new task on the picker's list, in walk order) or the
// order becomes short for a supervisor; the shelf gets a count task.
func (db *DB) ReportShort(ctx context.Context, s *soko.ShortPick, rules soko.AllocationRules) (*soko.PickOutcome, error) {
	now := db.now()
	out := &soko.PickOutcome{TaskDone: true}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := claimScan(tx, soko.ScanEvent{ScanID: s.ScanID, StaffID: s.StaffID, Device: s.Device, Step: "short_pick"}, now); err != nil {
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
		if _, err := takeUnits(tx, db.dialect, t, s.Found, "", s.StaffID, s.ScanID, now); err != nil {
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
	cands, tracked, err := db.candidates(tx, []*soko.Order{o})
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
	if err := applyPicks(tx, picks, byStock, now); err != nil {
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
