package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// jstHour is the SQL for the hour of the day in Japan at which column's
// time falls.
func (db *DB) jstHour(column string) string {
	if db.dialect == Postgres {
		return "CAST(EXTRACT(HOUR FROM " + column + " AT TIME ZONE 'Asia/Tokyo') AS INTEGER)"
	}
	return "CAST(strftime('%H', " + column + ", '+9 hours') AS INTEGER)"
}

// Dashboard gathers the floor's day (the day in Japan that day falls on):
// work by stage, each carrier's progress, parcels and scans per hour, the
// exceptions, the waves and each person's output. Every figure comes from
// one query; the whole takes one read of each table's day.
func (db *DB) Dashboard(ctx context.Context, day time.Time) (*soko.Dashboard, error) {
	start := soko.WorkDay(day)
	from, to := start.UTC(), start.Add(24*time.Hour).UTC()
	d := &soko.Dashboard{Day: start, Stages: map[soko.OrderStatus]int{}}
	tx := db.conn(ctx)
	steps := []func(*gorm.DB, *soko.Dashboard, time.Time, time.Time) error{
		db.dashStages, db.dashCarriers, db.dashHours, db.dashExceptions, db.dashWaves, db.dashPeople,
	}
	for _, step := range steps {
		if err := step(tx, d, from, to); err != nil {
			return nil, translate(err)
		}
	}
	return d, nil
}

// openOrDoneToday is the day's work: orders still on the floor, whenever
// they came, and those that left (shipped or cancelled) during the day.
// Both halves name their statuses, so each reads the index on (status,
// updated_at) instead of the whole history.
var openOrDoneToday = func() string {
	var open []string
	for _, st := range soko.OrderStatuses {
		if st != soko.OrderShipped && st != soko.OrderCancelled {
			open = append(open, "'"+string(st)+"'")
		}
	}
	return `(status IN (` + strings.Join(open, ", ") + `) OR (status IN ('shipped', 'cancelled') AND updated_at >= @from AND updated_at < @to))`
}()

func (db *DB) dashStages(tx *gorm.DB, d *soko.Dashboard, from, to time.Time) error {
	var rows []struct {
		Status string
		N      int
	}
	err := tx.Raw(`SELECT status, COUNT(*) AS n FROM orders WHERE `+openOrDoneToday+` GROUP BY status`,
		map[string]any{"from": from, "to": to}).Scan(&rows).Error
	for _, r := range rows {
		d.Stages[soko.OrderStatus(r.Status)] = r.N
	}
	return err
}

func (db *DB) dashCarriers(tx *gorm.DB, d *soko.Dashboard, from, to time.Time) error {
	var rows []struct {
		Carrier, Status string
		N               int
	}
	err := tx.Raw(`SELECT carrier, status, COUNT(*) AS n FROM orders
		WHERE carrier <> '' AND status NOT IN ('cancelled', 'cancel_requested') AND `+openOrDoneToday+`
		GROUP BY carrier, status ORDER BY carrier`, map[string]any{"from": from, "to": to}).Scan(&rows).Error
	if err != nil {
		return err
	}
	var pickups []manifestRow
	y, m, dd := d.Day.Date()
	if err := tx.Where("pickup_date = ? AND pickup_time <> '' AND status = ?", time.Date(y, m, dd, 0, 0, 0, 0, time.UTC), string(soko.ManifestOpen)).
		Order("pickup_time").Find(&pickups).Error; err != nil {
		return err
	}
	cutoff := map[string]time.Time{}
	for _, p := range pickups {
		if _, ok := cutoff[p.Carrier]; !ok {
			cutoff[p.Carrier] = p.manifest().Cutoff()
		}
	}
	at := map[string]int{}
	for _, r := range rows {
		i, ok := at[r.Carrier]
		if !ok {
			i = len(d.Carriers)
			at[r.Carrier] = i
			d.Carriers = append(d.Carriers, soko.CarrierProgress{Carrier: r.Carrier, Cutoff: cutoff[r.Carrier]})
		}
		c := &d.Carriers[i]
		c.Orders += r.N
		switch soko.OrderStatus(r.Status) {
		case soko.OrderLabeled:
			c.Labeled += r.N
		case soko.OrderShipped:
			c.Shipped += r.N
		}
	}
	return nil
}

func (db *DB) dashHours(tx *gorm.DB, d *soko.Dashboard, from, to time.Time) error {
	var rows []struct {
		Hour    int
		N       int
		Refused int
	}
	if err := tx.Raw(`SELECT `+db.jstHour("handed_over_at")+` AS hour, COUNT(*) AS n FROM parcels
		WHERE handed_over_at >= ? AND handed_over_at < ? GROUP BY 1`, from, to).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		d.ShippedPerHour[r.Hour%24] = r.N
	}
	rows = nil
	if err := tx.Raw(`SELECT `+db.jstHour("created_at")+` AS hour, COUNT(*) AS n,
		SUM(CASE WHEN result = 'ok' THEN 0 ELSE 1 END) AS refused FROM scan_events
		WHERE created_at >= ? AND created_at < ? GROUP BY 1`, from, to).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		d.ScansPerHour[r.Hour%24], d.RefusedPerHour[r.Hour%24] = r.N, r.Refused
	}
	return nil
}

func (db *DB) dashExceptions(tx *gorm.DB, d *soko.Dashboard, from, to time.Time) error {
	e := &d.Exceptions
	byStatus := map[soko.OrderStatus]*int{
		soko.OrderShort: &e.Short, soko.OrderBackordered: &e.Backordered, soko.OrderOnHold: &e.OnHold, soko.OrderCancelRequested: &e.CancelRequested,
	}
	for st, n := range byStatus {
		*n = d.Stages[st]
	}
	counts := []struct {
		n     *int
		query string
		args  []any
	}{
		{&e.InspectionMismatches, `SELECT COUNT(*) FROM scan_events WHERE step = 'inspect' AND result <> 'ok' AND created_at >= ? AND created_at < ?`, []any{from, to}},
		{&e.WeightMismatches, `SELECT COUNT(*) FROM order_events WHERE action = 'pack' AND detail LIKE 'weight%' AND created_at >= ? AND created_at < ?`, []any{from, to}},
		{&e.DeadNotifications, `SELECT COUNT(*) FROM outbox WHERE status = 'dead'`, nil},
		{&e.LowStock, `SELECT COUNT(*) FROM products WHERE low_since IS NOT NULL`, nil},
		{&e.OpenCounts, `SELECT COUNT(*) FROM count_tasks WHERE done_at IS NULL`, nil},
		{&e.Guessed, `SELECT COUNT(DISTINCT bucket) FROM rate_windows WHERE bucket LIKE 'wrong-signin:%' AND window_start >= ? AND hits >= ?`,
			[]any{db.now().Truncate(soko.GuessWindow).Add(-soko.GuessWindow).Unix(), soko.GuessAlert}},
		{&e.MissingParcels, `SELECT COUNT(*) FROM manifest_missing mm JOIN manifests m ON m.id = mm.manifest_id
			JOIN parcels p ON p.id = mm.parcel_id WHERE m.closed_at >= ? AND m.closed_at < ? AND p.handed_over_at IS NULL`, []any{from, to}},
	}
	for _, c := range counts {
		if err := tx.Raw(c.query, c.args...).Scan(c.n).Error; err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) dashWaves(tx *gorm.DB, d *soko.Dashboard, from, to time.Time) error {
	var waves []struct {
		ID        int64
		Number    string
		Mode      string
		CreatedAt time.Time
		DoneAt    *time.Time
	}
	if err := tx.Raw(`SELECT id, number, mode, created_at, done_at FROM waves WHERE done_at IS NULL OR done_at >= ? ORDER BY id`, from).
		Scan(&waves).Error; err != nil {
		return err
	}
	for _, w := range waves {
		var lists []struct {
			PickList string
			StaffID  *int64
			Name     *string
			Done     int
			Open     int
			Orders   int
		}
		err := tx.Raw(`SELECT t.pick_list, t.staff_id, s.name,
			SUM(CASE WHEN t.status = 'open' THEN 0 ELSE 1 END) AS done, SUM(CASE WHEN t.status = 'open' THEN 1 ELSE 0 END) AS open,
			COUNT(DISTINCT t.order_id) AS orders
			FROM pick_tasks t LEFT JOIN staff s ON s.id = t.staff_id WHERE t.wave_id = ?
			GROUP BY t.pick_list, t.staff_id, s.name ORDER BY t.pick_list`, w.ID).Scan(&lists).Error
		if err != nil {
			return err
		}
		wp := soko.WaveProgress{Number: w.Number, Mode: w.Mode, CreatedAt: w.CreatedAt.UTC(), DoneAt: fromNull(w.DoneAt)}
		for _, l := range lists {
			p := soko.PickerProgress{PickList: l.PickList, StaffID: fromNullID(l.StaffID), Done: l.Done, Open: l.Open}
			if l.Name != nil {
				p.Name = *l.Name
			}
			wp.TasksDone += l.Done
			wp.TasksOpen += l.Open
			wp.Orders += l.Orders
			wp.Pickers = append(wp.Pickers, p)
		}
		d.Waves = append(d.Waves, wp)
	}
	return nil
}

func (db *DB) dashPeople(tx *gorm.DB, d *soko.Dashboard, from, to time.Time) error {
	var rows []struct {
		StaffID                    int64
		Name, Role                 string
		Picks, Inspections, Loaded int
		Scans, Refused, Hours      int
	}
	err := tx.Raw(`SELECT e.staff_id, s.name, s.role,
		SUM(CASE WHEN e.step = 'inspect' AND e.result = 'ok' THEN 1 ELSE 0 END) AS inspections,
		SUM(CASE WHEN e.step = 'handover' AND e.result = 'ok' THEN 1 ELSE 0 END) AS loaded,
		COUNT(*) AS scans, SUM(CASE WHEN e.result = 'ok' THEN 0 ELSE 1 END) AS refused,
		COUNT(DISTINCT `+db.jstHour("e.created_at")+`) AS hours
		FROM scan_events e JOIN staff s ON s.id = e.staff_id
		WHERE e.created_at >= ? AND e.created_at < ? GROUP BY e.staff_id, s.name, s.role ORDER BY s.name`, from, to).Scan(&rows).Error
	if err != nil {
		return err
	}
	var packed []struct {
		StaffID int64
		N       int
	}
	if err := tx.Raw(`SELECT staff_id, COUNT(*) AS n FROM order_events WHERE action = 'pack' AND staff_id IS NOT NULL
		AND created_at >= ? AND created_at < ? GROUP BY staff_id`, from, to).Scan(&packed).Error; err != nil {
		return err
	}
	packs := map[int64]int{}
	for _, p := range packed {
		packs[p.StaffID] = p.N
	}
	// Picks are units taken off shelves (a case scan is its pack quantity),
	// not scans: the shelf scan before them picks nothing.
	var picked []struct {
		StaffID int64
		N       int
	}
	if err := tx.Raw(`SELECT staff_id, SUM(-on_hand_delta) AS n FROM stock_movements WHERE kind = 'pick' AND staff_id IS NOT NULL
		AND created_at >= ? AND created_at < ? GROUP BY staff_id`, from, to).Scan(&picked).Error; err != nil {
		return err
	}
	picks := map[int64]int{}
	for _, p := range picked {
		picks[p.StaffID] = p.N
	}
	for _, r := range rows {
		d.People = append(d.People, soko.Productivity{
			StaffID: r.StaffID, Name: r.Name, Role: soko.Role(r.Role), Picks: picks[r.StaffID], Inspections: r.Inspections,
			Packed: packs[r.StaffID], Loaded: r.Loaded, Scans: r.Scans, Refused: r.Refused, Hours: r.Hours,
		})
	}
	return nil
}

// ReleasePickList takes a pick list's open tasks from the picker who holds
// them, for a supervisor to hand the rest to whoever asks next: a picker
// who went home, or one who is needed elsewhere.
func (db *DB) ReleasePickList(ctx context.Context, pickList string) (int, error) {
	released, err := db.execOne(ctx, `UPDATE pick_tasks SET staff_id = NULL, location_confirmed = FALSE, claimed_at = NULL
		WHERE pick_list = ? AND status = 'open' AND staff_id IS NOT NULL`, pickList)
	if err != nil {
		return 0, err
	}
	if released == 0 {
		return 0, soko.Errorf(soko.ENOTFOUND, "pick list %s has no claimed open tasks", pickList).
			JA("ピッキングリスト %s に担当中の作業はありません", pickList)
	}
	return int(released), nil
}
