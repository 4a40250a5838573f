package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type waveRow struct {
	ID         int64
	Number     string
	Carrier    string
	CutOff     *time.Time
	Priority   int
	Status     string
	Mode       string
	ReleasedBy *int64
	CreatedAt  time.Time
	DoneAt     *time.Time
}

func (waveRow) TableName() string { return "waves" }

type pickTaskRow struct {
	ID                int64
	WaveID            int64
	AllocationID      int64
	LocationID        int64
	ProductID         int64
	Quantity          int
	Picked            int
	Tote              string
	Sequence          int
	Status            string
	StaffID           *int64
	OrderID           *int64
	PickList          string
	LocationConfirmed bool
	ClaimedAt         *time.Time
	DoneAt            *time.Time
	// OrderStatus is read along with the task where a query asks for it
	// (lockTask); it is no column of pick_tasks.
	OrderStatus string `gorm:"->;-:migration"`
	// StockID is the shelf's stock row of the task's allocation, read
	// along with the task by lockTask; it is no column of pick_tasks.
	StockID int64 `gorm:"->;-:migration"`
	// LocationCode is the shelf's code, read along with the task for a
	// pick scan.
	LocationCode string `gorm:"->;-:migration"`
	// The rest of what a pick scan's answer shows, read along with the
	// task by lockTask, so the answer costs no read of its own.
	WaveNumber  string `gorm:"->;-:migration"`
	OrderNumber string `gorm:"->;-:migration"`
	SKU         string `gorm:"column:sku;->;-:migration"`
	ProductName string `gorm:"->;-:migration"`
	Lot         string `gorm:"->;-:migration"`
	TasksLeft   int    `gorm:"->;-:migration"`
	// OthersOpen is how many other tasks of the task's order are open,
	// read along with the task by readLockedTask: a pick that ends the
	// task ends the order when there are none.
	OthersOpen int `gorm:"->;-:migration"`
	// What a scanned code names, read along with the task by
	// readLockedTask (codeColumns).
	CodeLocation string `gorm:"->;-:migration"`
	CodeItems    string `gorm:"->;-:migration"`
}

// view is the task as the picker's screen shows it, from a row lockTask
// read (and the scan then changed).
func (r pickTaskRow) view() *soko.PickTask {
	t := &soko.PickTask{
		ID: r.ID, WaveID: r.WaveID, WaveNumber: r.WaveNumber, OrderNumber: r.OrderNumber,
		AllocationID: r.AllocationID, LocationID: r.LocationID, LocationCode: r.LocationCode, ProductID: r.ProductID,
		SKU: r.SKU, ProductName: r.ProductName, Lot: r.Lot, Quantity: r.Quantity, Picked: r.Picked, Tote: r.Tote,
		Sequence: r.Sequence, Status: soko.PickTaskStatus(r.Status), LocationConfirmed: r.LocationConfirmed, Left: r.TasksLeft,
		OrderStatus: soko.OrderStatus(r.OrderStatus),
	}
	if r.OrderID != nil {
		t.OrderID = *r.OrderID
	}
	if r.StaffID != nil {
		t.StaffID = *r.StaffID
	}
	return t
}

func (pickTaskRow) TableName() string { return "pick_tasks" }

// ReleaseWave turns allocated orders into pick tasks: highest priority and
// oldest orders first, within the request's carrier, cut-off and size
// limits. In a batch wave each order gets a numbered tote and the whole
// wave is one walk in walk-sequence order; in a single wave each order is
// its own pick list. It returns the wave, or ENOTFOUND when no order fits.
func (db *DB) ReleaseWave(ctx context.Context, req soko.WaveRequest) (*soko.Wave, error) {
	ctx = runAlone(ctx)
	now := db.now()
	if req.Mode == "" {
		req.Mode = soko.WaveBatch
	}
	var wave *soko.Wave
	err := db.transact(ctx, func(tx *gorm.DB) error {
		// An order is picked for its planned ship date, not before: the
		// floor picks for the next pickup it can still make, which is today
		// until the cut-off and the next working day after it.
		cal, err := shipCalendar(tx)
		if err != nil {
			return err
		}
		// A consolidated order goes when its group's primary does, whatever
		// its own ship date (waveUnits).
		q := lockForUpdate(tx, db.dialect).Where("status = ?", string(soko.OrderAllocated)).
			Where("(ship_date IS NULL OR ship_date <= ? OR consolidated_into IS NOT NULL)", cal.EarliestShipDate(now))
		if req.Carrier != "" {
			q = q.Where("carrier = ?", req.Carrier)
		}
		if !req.CutOff.IsZero() {
			q = q.Where("created_at < ?", req.CutOff.UTC())
		}
		var rows []orderRow
		if err := q.Order("priority DESC, id").Limit(1000).Find(&rows).Error; err != nil {
			return err
		}
		orders := make([]*soko.Order, 0, len(rows))
		for _, r := range rows {
			orders = append(orders, r.order())
		}
		if err := loadLinesTx(tx, orders); err != nil {
			return err
		}
		groups, grouped, err := db.waveUnits(tx, orders, req.StaffID, now)
		if err != nil {
			return err
		}
		// A group of orders that leave as one parcel is picked as one.
		var chosen []*soko.Order
		var picked [][]*soko.Order
		units := 0
		for _, g := range groups {
			n := 0
			for _, o := range g {
				for _, l := range o.Lines {
					n += l.Quantity
				}
			}
			if (req.MaxOrders > 0 && len(chosen) > 0 && len(chosen)+len(g) > req.MaxOrders) || (req.MaxUnits > 0 && units+n > req.MaxUnits && len(chosen) > 0) {
				break
			}
			chosen = append(chosen, g...)
			picked = append(picked, g)
			units += n
		}
		if len(chosen) == 0 {
			return soko.Errorf(soko.ENOTFOUND, "no allocated order fits the wave (orders wait for their ship date)").
				JA("条件に合う引当済の注文がありません（出荷予定日前の注文は対象外です）")
		}
		var count int64
		if err := tx.Table("waves").Count(&count).Error; err != nil {
			return err
		}
		w := waveRow{Number: fmt.Sprintf("W%s-%04d", now.In(soko.JST).Format("060102"), count+1), Carrier: req.Carrier, CutOff: nullTime(req.CutOff),
			Priority: req.Priority, Status: string(soko.WaveReleased), Mode: string(req.Mode), ReleasedBy: nullID(req.StaffID), CreatedAt: now}
		if err := tx.Create(&w).Error; err != nil {
			return err
		}
		tasks, err := planTasks(tx, w, picked)
		if err != nil {
			return err
		}
		if err := tx.CreateInBatches(&tasks, 500).Error; err != nil {
			return err
		}
		ids := make([]int64, len(chosen))
		events := make([]orderEvent, len(chosen))
		for i, o := range chosen {
			ids[i] = o.ID
			if err := o.Apply(soko.ActionReleaseWave); err != nil {
				return err
			}
			events[i] = orderEvent{o, soko.OrderEvent{Action: soko.ActionReleaseWave, From: soko.OrderAllocated, To: o.Status, StaffID: req.StaffID, Detail: w.Number}}
		}
		if err := tx.Model(&orderRow{}).Where("id IN ?", ids).Updates(map[string]any{"status": string(soko.OrderPicking), "updated_at": now}).Error; err != nil {
			return err
		}
		if err := recordEvents(tx, append(grouped, events...), now); err != nil {
			return err
		}
		wave = &soko.Wave{ID: w.ID, Number: w.Number, Mode: req.Mode, Carrier: w.Carrier, CutOff: req.CutOff, Priority: w.Priority,
			Status: soko.WaveReleased, ReleasedBy: req.StaffID, CreatedAt: now, Orders: len(chosen), Tasks: len(tasks)}
		return nil
	})
	return wave, err
}

// planTasks makes one task per allocation of the chosen orders, ordered by
// the walk: in a batch wave all orders in one walk, each group of orders
// that leave as one parcel into its own tote; in a single wave group by
// group, each its own pick list.
func planTasks(tx *gorm.DB, w waveRow, groups [][]*soko.Order) ([]pickTaskRow, error) {
	tote, primary := map[int64]int{}, map[int64]int64{}
	var ids []int64
	for i, g := range groups {
		for _, o := range g {
			ids, tote[o.ID], primary[o.ID] = append(ids, o.ID), i+1, g[0].ID
		}
	}
	var allocs []struct {
		ID, OrderID, LocationID, ProductID int64
		Quantity, Picked, WalkSequence     int
		LocationCode                       string
	}
	err := tx.Raw(`SELECT a.id, l.order_id, s.location_id, s.product_id, a.quantity, a.picked, loc.walk_sequence, loc.code AS location_code
		FROM allocations a JOIN order_lines l ON l.id = a.order_line_id JOIN stock s ON s.id = a.stock_id
		JOIN locations loc ON loc.id = s.location_id WHERE l.order_id IN ?`, ids).Scan(&allocs).Error
	if err != nil {
		return nil, err
	}
	sort.Slice(allocs, func(i, j int) bool {
		a, b := allocs[i], allocs[j]
		if w.Mode == string(soko.WaveSingle) && tote[a.OrderID] != tote[b.OrderID] {
			return tote[a.OrderID] < tote[b.OrderID]
		}
		if a.WalkSequence != b.WalkSequence {
			return a.WalkSequence < b.WalkSequence
		}
		if a.LocationCode != b.LocationCode {
			return a.LocationCode < b.LocationCode
		}
		return tote[a.OrderID] < tote[b.OrderID]
	})
	tasks := make([]pickTaskRow, 0, len(allocs))
	for i, a := range allocs {
		if a.Quantity-a.Picked <= 0 {
			continue
		}
		orderID := a.OrderID
		list := "W" + strconv.FormatInt(w.ID, 10)
		if w.Mode == string(soko.WaveSingle) {
			list += "-O" + strconv.FormatInt(primary[a.OrderID], 10)
		}
		tasks = append(tasks, pickTaskRow{
			WaveID: w.ID, AllocationID: a.ID, LocationID: a.LocationID, ProductID: a.ProductID, Quantity: a.Quantity - a.Picked,
			Tote: strconv.Itoa(tote[a.OrderID]), Sequence: (i + 1) * 10, Status: string(soko.PickOpen), OrderID: &orderID, PickList: list,
		})
	}
	return tasks, nil
}

// taskViewSelect reads tasks with the names a picker's screen shows, and
// the tasks left on the picker's list, in one statement; its first
// parameter is the open status. The wave, location and lot are scalar
// subqueries, not joins: PostgreSQL plans a join of seven tables in over
// 2 ms (each connection plans a statement several times before it keeps
// one plan), and these in under 0.5 ms; every task has its wave, location
// and allocation (NOT NULL foreign keys), so no row is lost or added.
const taskViewSelect = taskViewColumns + taskViewFrom

// taskViewColumns and taskViewFrom are taskViewSelect's columns and FROM.
const taskViewColumns = `SELECT t.id, t.wave_id, (SELECT w.number FROM waves w WHERE w.id = t.wave_id) AS wave_number,
	t.order_id, o.number AS order_number, t.allocation_id,
	t.location_id, (SELECT loc.code FROM locations loc WHERE loc.id = t.location_id) AS location_code,
	t.product_id, p.sku, p.name AS product_name,
	(SELECT s.lot FROM allocations a JOIN stock s ON s.id = a.stock_id WHERE a.id = t.allocation_id) AS lot,
	t.quantity, t.picked, t.tote, t.sequence, t.status, t.staff_id, t.location_confirmed, t.pick_list,
	(SELECT COUNT(*) FROM pick_tasks l WHERE l.pick_list = t.pick_list AND l.status = ? AND l.staff_id = t.staff_id) AS tasks_left`

const taskViewFrom = ` FROM pick_tasks t JOIN orders o ON o.id = t.order_id JOIN products p ON p.id = t.product_id `

// listCodes is a column pickList adds to taskViewSelect in dialect: each
// task's item barcodes, oldest first, as a JSON array of
// soko.ProductBarcode (NULL or empty for an item without one).
func listCodes(dialect string) string {
	aggregate := "json_group_array(json_object('Code', b.code, 'PackQuantity', b.pack_quantity) ORDER BY b.id)"
	if dialect == Postgres {
		aggregate = "json_agg(json_build_object('Code', b.code, 'PackQuantity', b.pack_quantity) ORDER BY b.id)"
	}
	return `, (SELECT ` + aggregate + ` FROM product_barcodes b WHERE b.product_id = t.product_id) AS codes`
}

// taskView reads a task with the names a picker's screen shows.
func taskView(tx *gorm.DB, id int64) (*soko.PickTask, error) {
	t, err := readTaskView(tx, `WHERE t.id = ?`, string(soko.PickOpen), id)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, soko.Errorf(soko.ENOTFOUND, "no pick task %d", id).JA("ピッキング指示が見つかりません")
	}
	return t, err
}

// nextTaskView reads the picker's next open task, in walk order, as
// taskView does; gorm.ErrRecordNotFound when the picker has none. A held
// order's tasks, and those of an order being cancelled, wait (or go)
// without holding the picker up.
func nextTaskView(tx *gorm.DB, staffID int64) (*soko.PickTask, error) {
	return readTaskView(tx, picksOf, string(soko.PickOpen), staffID, string(soko.PickOpen), waitingOrderStatuses, 1)
}

// picksOf narrows taskViewSelect to a picker's open tasks, their orders
// neither held nor being cancelled, in walk order, at most so many; its
// parameters are the picker, the open status, the waiting order statuses
// and the limit.
const picksOf = `WHERE t.staff_id = ? AND t.status = ? AND o.status NOT IN ? ORDER BY t.sequence, t.id LIMIT ?`

// readTaskView reads one task by taskViewSelect and where; args start with
// taskViewSelect's own.
func readTaskView(tx *gorm.DB, where string, args ...any) (*soko.PickTask, error) {
	var r pickTaskFields
	if err := tx.Raw(taskViewSelect+where, args...).Scan(&r).Error; err != nil {
		return nil, err
	}
	if r.ID == 0 {
		return nil, gorm.ErrRecordNotFound
	}
	t := r.task()
	t.Left = r.TasksLeft
	return t, nil
}

// pickListRow is a task of a pick list as pickList reads it, its item's
// barcodes with it (listCodes).
type pickListRow struct {
	Task  pickTaskFields `gorm:"embedded"`
	Codes *string
}

// pickTaskFields is the flat shape taskView reads.
type pickTaskFields struct {
	ID, WaveID               int64
	WaveNumber               string
	OrderID                  int64
	OrderNumber              string
	AllocationID, LocationID int64
	LocationCode             string
	ProductID                int64
	SKU, ProductName, Lot    string
	Quantity, Picked         int
	Tote                     string
	Sequence                 int
	Status                   string
	StaffID                  *int64
	LocationConfirmed        bool
	PickList                 string
	TasksLeft                int // read by taskView only
}

func (r pickTaskFields) task() *soko.PickTask {
	t := &soko.PickTask{
		ID: r.ID, WaveID: r.WaveID, WaveNumber: r.WaveNumber, OrderID: r.OrderID, OrderNumber: r.OrderNumber,
		AllocationID: r.AllocationID, LocationID: r.LocationID, LocationCode: r.LocationCode, ProductID: r.ProductID,
		SKU: r.SKU, ProductName: r.ProductName, Lot: r.Lot, Quantity: r.Quantity, Picked: r.Picked, Tote: r.Tote,
		Sequence: r.Sequence, Status: soko.PickTaskStatus(r.Status), LocationConfirmed: r.LocationConfirmed,
	}
	if r.StaffID != nil {
		t.StaffID = *r.StaffID
	}
	return t
}

// waitingOrderStatuses are the statuses in which an order's open pick tasks
// are not picked (the claim query below spells them out too).
var waitingOrderStatuses = []string{string(soko.OrderOnHold), string(soko.OrderCancelRequested), string(soko.OrderCancelled)}

// NextPickTask returns the picker's next open task. A picker with nothing
// open is handed the next unclaimed pick list — a whole batch wave, or one
// order — of the highest-priority, oldest wave; two pickers are never handed
// the same list. ENOTFOUND means there is nothing to pick.
func (db *DB) NextPickTask(ctx context.Context, staffID int64) (*soko.PickTask, error) {
	// A picker at work costs one read; only a picker with nothing open
	// claims a list, and then reads its first task in the same transaction.
	task, err := nextTaskView(db.conn(ctx), staffID)
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return task, translate(err)
	}
	claimed, err := db.claimThen(ctx, staffID, func(tx *gorm.DB) error {
		task, err = nextTaskView(tx, staffID)
		return err
	})
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !claimed) {
		return nil, nothingToPick
	}
	return task, translate(err)
}

// nothingToPick answers a picker when no list is left to hand out.
var nothingToPick = soko.Errorf(soko.ENOTFOUND, "nothing to pick").JA("ピッキングする作業はありません")

// NextPickList returns the picker's next open task and those after it in
// walk order, limit in all, each with its barcodes (PickList): what the
// handheld shows and carries through a Wi-Fi dead spot. A picker with
// nothing open is handed a list first, as NextPickTask does. The first
// task is NextPickTask's. A picker at work costs the list's one read; a
// picker with nothing open, one read more and the claim's transaction.
// ENOTFOUND means there is nothing to pick.
func (db *DB) NextPickList(ctx context.Context, staffID int64, limit int) ([]*soko.PickTask, error) {
	list, err := db.PickList(ctx, staffID, limit)
	if err != nil || len(list) > 0 {
		return list, err
	}
	claimed, err := db.claimThen(ctx, staffID, func(tx *gorm.DB) error {
		if list, err = pickList(tx, staffID, limit); err == nil && len(list) == 0 {
			return gorm.ErrRecordNotFound // its orders were held meanwhile: the claim is undone
		}
		return err
	})
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !claimed) {
		return nil, nothingToPick
	}
	return list, translate(err)
}

// claimThen claims the next unclaimed pick list for the picker and, when
// it got one, runs then in the same transaction. claimed is the last
// attempt's: what then read in an attempt run again does not count unless
// that attempt claimed too.
func (db *DB) claimThen(ctx context.Context, staffID int64, then func(tx *gorm.DB) error) (claimed bool, err error) {
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var err error
		claimed, err = claimPickList(tx, db.dialect, staffID, db.now(), true)
		if err == nil && !claimed && db.dialect == Postgres {
			// Every head it met was locked by pickers claiming at this
			// moment: wait for them instead, and take what they leave.
			claimed, err = claimPickList(tx, db.dialect, staffID, db.now(), false)
		}
		if err != nil || !claimed {
			return err
		}
		return then(tx)
	})
	return claimed, err
}

// headOfWave picks, within the wave w, the first unclaimed open task (in
// walk order) that heads its pick list. Only the head task of each list is
// a candidate: two pickers locking different rows of one list would each
// then wait for the other's row when claiming the whole list. A held
// order's tasks, and those of an order being cancelled, wait (or go)
// without holding the list up. The partial index pick_tasks_unclaimed
// gives the wave's unclaimed tasks in order; pick_tasks_open_list answers
// whether an earlier open task of the same list exists. %s is the lock.
const headOfWave = `SELECT t.pick_list FROM pick_tasks t
	WHERE t.wave_id = w.id AND t.staff_id IS NULL AND t.status = 'open'
	AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = t.order_id AND o.status IN ('on_hold', 'cancel_requested', 'cancelled'))
	AND NOT EXISTS (SELECT 1 FROM pick_tasks u WHERE u.pick_list = t.pick_list AND u.status = 'open'
		AND (u.sequence < t.sequence OR u.sequence = t.sequence AND u.id < t.id)
		AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = u.order_id AND o.status IN ('on_hold', 'cancel_requested', 'cancelled')))
	ORDER BY t.sequence, t.id LIMIT 1%s`

// claimPickList gives the picker the next unclaimed pick list: the first
// list head of the released waves, highest priority then oldest first, in
// one statement that costs a few index entries per wave. On PostgreSQL the
// head's row is locked where it is chosen, so two pickers claiming at once
// get two lists (of one wave, when it has two): skipLocked skips the rows
// another claim holds, else the claim waits for them. It reports whether a
// list was claimed.
func claimPickList(tx *gorm.DB, dialect string, staffID int64, now time.Time, skipLocked bool) (bool, error) {
	res := tx.Exec(claimQuery(dialect, skipLocked), map[string]any{"staff": staffID, "now": now})
	return res.RowsAffected > 0, res.Error
}

// claimQuery is claimPickList's statement in dialect.
func claimQuery(dialect string, skipLocked bool) string {
	if dialect == Postgres {
		lock := " FOR UPDATE OF t"
		if skipLocked {
			lock += " SKIP LOCKED"
		}
		// The waves are put in order before the join (a subquery with
		// ORDER BY is not flattened), so the heads are chosen, and
		// locked, one wave at a time until one is found: sorting after
		// the join would lock a head in every wave.
		return `WITH head AS (SELECT h.pick_list FROM
				(SELECT id, priority FROM waves WHERE status = 'released' ORDER BY priority DESC, id) w
				CROSS JOIN LATERAL (` + fmt.Sprintf(headOfWave, lock) + `) h LIMIT 1)
			UPDATE pick_tasks SET staff_id = @staff, claimed_at = @now FROM head
			WHERE pick_tasks.pick_list = head.pick_list AND pick_tasks.staff_id IS NULL AND pick_tasks.status = 'open'`
	}
	// SQLite's writer holds the whole database (BEGIN IMMEDIATE): no row
	// locks to skip.
	return `UPDATE pick_tasks SET staff_id = @staff, claimed_at = @now
		WHERE staff_id IS NULL AND status = 'open' AND pick_list = (SELECT h.pick_list FROM
			(SELECT (` + fmt.Sprintf(headOfWave, "") + `) AS pick_list, w.priority, w.id FROM waves w WHERE w.status = 'released') h
			WHERE h.pick_list IS NOT NULL ORDER BY h.priority DESC, h.id LIMIT 1)`
}

// PickList returns the picker's open tasks in walk order, at most limit,
// each with its item's barcodes, so the handheld can check and count scans
// along the list while the network is down. A held order's tasks, and
// those of an order being cancelled, are left out as NextPickTask leaves them.
func (db *DB) PickList(ctx context.Context, staffID int64, limit int) ([]*soko.PickTask, error) {
	list, err := pickList(db.conn(ctx), staffID, limit)
	return list, translate(err)
}

// pickList is PickList on conn: one read for the whole list, however
// long, its tasks each with the tasks left on its list and its item's
// barcodes (listCodes). The handheld asks for it each time it moves on to
// a new task.
func pickList(conn *gorm.DB, staffID int64, limit int) ([]*soko.PickTask, error) {
	q := taskViewColumns + listCodes(conn.Dialector.Name()) + taskViewFrom + picksOf
	var rows []pickListRow
	if err := conn.Raw(q, string(soko.PickOpen), staffID, string(soko.PickOpen), waitingOrderStatuses, limit).Scan(&rows).Error; err != nil {
		return nil, err
	}
	var tasks []*soko.PickTask
	for _, r := range rows {
		t := r.Task.task()
		t.Left = r.Task.TasksLeft
		if r.Codes != nil {
			if err := json.Unmarshal([]byte(*r.Codes), &t.Codes); err != nil {
				return nil, fmt.Errorf("the barcodes of task %d: %w", t.ID, err)
			}
		}
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// WaveOrders returns the orders of a wave in pick order: by tote, as the
// picker filled them.
func (db *DB) WaveOrders(ctx context.Context, waveNumber string) ([]*soko.Order, error) {
	var ids []int64
	err := db.conn(ctx).Raw(`SELECT t.order_id FROM pick_tasks t JOIN waves w ON w.id = t.wave_id
		WHERE w.number = ? GROUP BY t.order_id ORDER BY MIN(CAST(t.tote AS INTEGER)), t.order_id`, waveNumber).Scan(&ids).Error
	if err != nil {
		return nil, translate(err)
	}
	if len(ids) == 0 {
		return nil, soko.Errorf(soko.ENOTFOUND, "no wave %s", waveNumber).JA("ウェーブ %s が見つかりません", waveNumber)
	}
	var rows []orderRow
	if err := db.conn(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	byID := map[int64]*soko.Order{}
	for _, r := range rows {
		byID[r.ID] = r.order()
	}
	out := make([]*soko.Order, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out, db.loadOrderLines(ctx, out)
}

// Locations returns the locations of a zone (every zone when empty), in walk order.
func (db *DB) Locations(ctx context.Context, zone string) ([]soko.Location, error) {
	q := db.conn(ctx).Order("walk_sequence, code")
	if zone != "" {
		q = q.Where("zone = ?", zone)
	}
	var rows []locationRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.Location, len(rows))
	for i, r := range rows {
		out[i] = soko.Location{ID: r.ID, Code: r.Code, Zone: r.Zone, WalkSequence: r.WalkSequence, Kind: soko.LocationKind(r.Kind)}
	}
	return out, nil
}
