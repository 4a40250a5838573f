package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// SearchOrders returns a page of the orders f selects, every merchant's,
// newest first, with one row more than the page holds when another follows.
func (db *DB) SearchOrders(ctx context.Context, f soko.OrderSearch) ([]soko.OrderSummary, error) {
	q := db.conn(ctx).Table("orders o").
		Select(`o.id, o.number, o.merchant_id, m.code AS merchant_code, m.name AS merchant_name, o.status, o.held_from,
			o.recipient_name, o.recipient_prefecture, o.carrier, o.service, o.created_at,
			(SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = o.id) AS units`).
		Joins("JOIN merchants m ON m.id = o.merchant_id")
	if f.Number != "" {
		q = q.Where(`LOWER(o.number) LIKE ? ESCAPE '\'`, likePattern(strings.ToLower(f.Number))+"%")
	}
	if f.MerchantID != 0 {
		q = q.Where("o.merchant_id = ?", f.MerchantID)
	}
	if c := withoutSpaces.Replace(strings.ToLower(f.Customer)); c != "" {
		// People type 山田花子 for 山田 花子: spaces, half or full width, do not count.
		p := "%" + likePattern(c) + "%"
		match := `REPLACE(REPLACE(LOWER(%[1]s.recipient_name), ' ', ''), '　', '') LIKE ? ESCAPE '\'
			OR REPLACE(REPLACE(LOWER(%[1]s.recipient_company), ' ', ''), '　', '') LIKE ? ESCAPE '\'`
		if db.dialect == Postgres && utf8.RuneCountInString(c) >= 3 {
			// The trigram indexes serve three letters or more. Their
			// matches are found first (OFFSET 0 keeps the planner from
			// folding them into the newest-first walk): PostgreSQL's
			// generic plan, used once the statement has run a few times,
			// does not know the pattern and would walk every order
			// backwards by id instead (BENCHMARKS.md, Growth). A shorter
			// name, common and unindexed, is found soonest by that walk.
			q = q.Where(`o.id IN (SELECT c.id FROM orders c WHERE `+fmt.Sprintf(match, "c")+` OFFSET 0)`, p, p)
		} else {
			q = q.Where(fmt.Sprintf(match, "o"), p, p)
		}
	}
	if n := trackingDigits.Replace(f.Tracking); n != "" {
		// Labels print tracking numbers grouped (1234-5678-9012); they are stored without.
		q = q.Where("EXISTS (SELECT 1 FROM parcels p WHERE p.order_id = o.id AND p.tracking_number = ?)", n)
	}
	if f.Status != "" {
		q = q.Where("o.status = ?", string(f.Status))
	}
	if !f.CreatedFrom.IsZero() {
		q = q.Where("o.created_at >= ?", f.CreatedFrom.UTC())
	}
	if !f.CreatedTo.IsZero() {
		q = q.Where("o.created_at < ?", f.CreatedTo.UTC())
	}
	if f.Before > 0 {
		q = q.Where("o.id < ?", f.Before)
	}
	var rows []struct {
		ID                  int64
		Number              string
		MerchantID          int64
		MerchantCode        string
		MerchantName        string
		Status, HeldFrom    string
		RecipientName       string
		RecipientPrefecture string
		Carrier, Service    string
		CreatedAt           time.Time
		Units               int
	}
	if err := q.Order("o.id DESC").Limit(soko.Page{Limit: f.Limit}.Size() + 1).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.OrderSummary, len(rows))
	for i, r := range rows {
		out[i] = soko.OrderSummary{
			ID: r.ID, Number: r.Number, MerchantID: r.MerchantID, MerchantCode: r.MerchantCode, MerchantName: r.MerchantName,
			Status: soko.OrderStatus(r.Status), HeldFrom: soko.OrderStatus(r.HeldFrom), RecipientName: r.RecipientName,
			Prefecture: r.RecipientPrefecture, Carrier: r.Carrier, Service: r.Service, Units: r.Units, CreatedAt: r.CreatedAt.UTC(),
		}
	}
	return out, nil
}

var (
	withoutSpaces  = strings.NewReplacer(" ", "", "　", "")
	trackingDigits = strings.NewReplacer("-", "", " ", "", "　", "")
	likeSpecials   = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)
)

// likePattern escapes what LIKE would read as wildcards, for ESCAPE '\'.
func likePattern(s string) string { return likeSpecials.Replace(s) }

// OrderView returns one order as the console's order page shows it: its
// lines, where its stock is reserved, its parcels, every print of its
// documents, and its history with every scan about it, oldest first.
func (db *DB) OrderView(ctx context.Context, id int64) (*soko.OrderView, error) {
	o, err := db.OrderByID(ctx, id)
	if err != nil {
		return nil, err
	}
	m, err := db.MerchantByID(ctx, o.MerchantID)
	if err != nil {
		return nil, err
	}
	v := &soko.OrderView{Order: o, Merchant: m, Actions: o.AllowedSupervisorActions(m)}
	conn := db.conn(ctx)
	var allocs []struct {
		OrderLineID      int64
		SKU, Name        string
		Location, Lot    string
		Expiry           *time.Time
		Quantity, Picked int
	}
	err = conn.Raw(`SELECT a.order_line_id, p.sku, p.name, loc.code AS location, s.lot, s.expiry, a.quantity, a.picked
		FROM allocations a JOIN order_lines l ON l.id = a.order_line_id JOIN stock s ON s.id = a.stock_id
		JOIN locations loc ON loc.id = s.location_id JOIN products p ON p.id = s.product_id
		WHERE l.order_id = ? AND (a.quantity > 0 OR a.picked > 0) ORDER BY a.id`, id).Scan(&allocs).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, a := range allocs {
		v.Allocations = append(v.Allocations, soko.AllocatedStock{LineID: a.OrderLineID, SKU: a.SKU, Name: a.Name,
			Location: a.Location, Lot: a.Lot, Expiry: fromNull(a.Expiry), Quantity: a.Quantity, Picked: a.Picked})
	}
	if v.Parcels, err = db.Parcels(ctx, id); err != nil {
		return nil, err
	}
	var prints []struct {
		Document  string
		Reprint   bool
		StaffName *string
		CreatedAt time.Time
	}
	err = conn.Raw(`SELECT d.document, d.reprint, st.name AS staff_name, d.created_at FROM document_prints d
		LEFT JOIN staff st ON st.id = d.staff_id WHERE d.order_id = ? ORDER BY d.id`, id).Scan(&prints).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, p := range prints {
		v.Prints = append(v.Prints, soko.DocumentPrint{Document: p.Document, Reprint: p.Reprint, StaffName: deref(p.StaffName), At: p.CreatedAt.UTC()})
	}
	if v.Timeline, err = db.timeline(ctx, id); err != nil {
		return nil, err
	}
	return v, nil
}

// timeline merges an order's events with the scans about it, oldest first.
// A scan is about an order when it names the order (inspection, handover)
// or moved the order's stock (picks and short picks, through the ledger);
// at the same instant a scan comes before the event it caused.
func (db *DB) timeline(ctx context.Context, orderID int64) ([]soko.TimelineEntry, error) {
	var events []struct {
		Action, FromStatus, ToStatus string
		Device, Detail               string
		StaffName                    *string
		CreatedAt                    time.Time
	}
	err := db.conn(ctx).Raw(`SELECT e.action, e.from_status, e.to_status, e.device, e.detail, st.name AS staff_name, e.created_at
		FROM order_events e LEFT JOIN staff st ON st.id = e.staff_id WHERE e.order_id = ? ORDER BY e.seq`, orderID).Scan(&events).Error
	if err != nil {
		return nil, translate(err)
	}
	var scans []struct {
		Step, Code, Result, Message string
		Device                      string
		StaffName                   *string
		CreatedAt                   time.Time
	}
	err = db.conn(ctx).Raw(`SELECT sc.step, sc.code, sc.result, sc.message, sc.device, st.name AS staff_name, sc.created_at
		FROM scan_events sc LEFT JOIN staff st ON st.id = sc.staff_id
		WHERE sc.id IN (SELECT id FROM scan_events WHERE order_id = ?
			UNION SELECT x.id FROM stock_movements m JOIN scan_events x ON x.scan_id = m.scan_id
			WHERE m.document_type = 'order' AND m.document_id = ?)
		ORDER BY sc.id`, orderID, orderID).Scan(&scans).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]soko.TimelineEntry, 0, len(events)+len(scans))
	for _, s := range scans {
		out = append(out, soko.TimelineEntry{At: s.CreatedAt.UTC(), Scan: true, Action: s.Step, Code: s.Code, Result: s.Result,
			Message: s.Message, StaffName: deref(s.StaffName), Device: s.Device})
	}
	for _, e := range events {
		out = append(out, soko.TimelineEntry{At: e.CreatedAt.UTC(), Action: e.Action, From: soko.OrderStatus(e.FromStatus),
			To: soko.OrderStatus(e.ToStatus), Detail: e.Detail, StaffName: deref(e.StaffName), Device: e.Device})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// SuperviseOrder takes a supervisor's action on an order in one
// transaction, as the state machine allows it (soko.Order.SupervisorEdge),
// with the stock it moves, its ledger lines, and the order event naming
// the supervisor and the device; the merchant's webhook follows from the
// event. What the order's status does not allow is refused with ECONFLICT.
func (db *DB) SuperviseOrder(ctx context.Context, c *soko.OrderCommand, rules soko.AllocationRules) (*soko.OrderCommandResult, error) {
	now := db.now()
	res := &soko.OrderCommandResult{}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row orderRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", c.OrderID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no order %d", c.OrderID).JA("注文が見つかりません")
			}
			return err
		}
		o := row.order()
		before := orderAudit{MerchantID: o.MerchantID, Number: o.Number, Status: string(o.Status), HeldFrom: string(o.HeldFrom)}
		var m merchantRow
		if err := tx.Where("id = ?", o.MerchantID).Take(&m).Error; err != nil {
			return err
		}
		edge, err := o.SupervisorEdge(c.Action, m.merchant())
		if err != nil {
			return err
		}
		if err := loadLinesTx(tx, []*soko.Order{o}); err != nil {
			return err
		}
		switch c.Action {
		case soko.ActionHold:
			o.HoldReason, o.HoldNote = soko.HoldWarehouse, c.Note
			err = moveOrder(tx, o, edge, c, c.Note, now)
		case soko.ActionReleaseHold:
			err = releaseHold(tx, o, c, now)
		case soko.ActionCancel:
			err = cancelOrder(tx, o, edge, c, now)
		case soko.ActionPutBack:
			err = putBack(tx, o, c, now)
		case soko.ActionReallocate, soko.ActionResolveShort:
			err = db.reallocate(tx, o, edge, c, rules, now)
		case soko.ActionSplit:
			err = splitOrder(tx, o, c, res, now)
		}
		res.Status = o.Status
		if err != nil {
			return err
		}
		switch c.Action {
		case soko.ActionHold, soko.ActionCancel:
			if err := db.leaveGroupBefore(tx, o, soko.OrderStatus(before.Status), string(c.Action), now); err != nil {
				return err
			}
		case soko.ActionReallocate, soko.ActionResolveShort:
			// A short order waits for a wave again: its group goes on without it.
			if o.Status != soko.OrderPicked {
				if _, err := db.leaveGroup(tx, o, c.StaffID, c.Device, "short: waits for stock again", now); err != nil {
					return err
				}
			}
		}
		// The supervisor's note stays in the order's history only: it is
		// free text that may name the customer, and the log outlives that.
		after := orderAudit{MerchantID: o.MerchantID, Number: o.Number, Status: string(o.Status), HeldFrom: string(o.HeldFrom), SplitInto: res.NewOrderID}
		return audit(tx, now, soko.OrderAuditAction(c.Action), "order", o.ID, before, after)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// moveOrder takes the state machine's edge and records the supervisor's
// action with who, where and why.
func moveOrder(tx *gorm.DB, o *soko.Order, edge soko.OrderAction, c *soko.OrderCommand, detail string, now time.Time) error {
	from := o.Status
	if err := o.Apply(edge); err != nil {
		return err
	}
	o.UpdatedAt = now
	if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).
		Updates(map[string]any{"status": string(o.Status), "held_from": string(o.HeldFrom),
			"hold_reason": string(o.HoldReason), "hold_note": o.HoldNote, "updated_at": now}).Error; err != nil {
		return err
	}
	action := c.Action
	if edge == soko.ActionRequestCancel {
		action = edge // the history says the goods still have to come back
	}
	return recordEvent(tx, o, soko.OrderEvent{Action: action, From: from, To: o.Status, StaffID: c.StaffID, Device: c.Device, Detail: detail}, now)
}

// releaseHold returns a held order to where it was. An order held while
// being picked whose tasks were all finished meanwhile moves on at once:
// to picked, or to short when the picker came up short.
func releaseHold(tx *gorm.DB, o *soko.Order, c *soko.OrderCommand, now time.Time) error {
	if err := replanAfterHold(tx, o, now); err != nil {
		return err
	}
	if err := moveOrder(tx, o, soko.ActionReleaseHold, c, c.Note, now); err != nil || o.Status != soko.OrderPicking {
		return err
	}
	var open int64
	if err := tx.Table("pick_tasks").Where("order_id = ? AND status = 'open'", o.ID).Count(&open).Error; err != nil || open > 0 {
		return err
	}
	have, err := lineUnits(tx, o)
	if err != nil {
		return err
	}
	for _, l := range o.Lines {
		if have[l.ID].Picked < l.Quantity {
			short := *c
			short.Action = soko.ActionShortPick
			return moveOrder(tx, o, soko.ActionShortPick, &short, "short while on hold", now)
		}
	}
	_, err = finishOrderIfPicked(tx, o.ID, c.StaffID, c.Device, now)
	o.Status = soko.OrderPicked
	return err
}

// cancelOrder cancels at once, giving back the reserved stock, before
// picking; from then on it asks the floor to put the goods back.
func cancelOrder(tx *gorm.DB, o *soko.Order, edge soko.OrderAction, c *soko.OrderCommand, now time.Time) error {
	if edge == soko.ActionCancel {
		if err := releaseOrderStock(tx, o.ID, "cancel", now); err != nil {
			return err
		}
	}
	return moveOrder(tx, o, edge, c, c.Note, now)
}

// closeOpenTasks ends an order's pick tasks that are still open, at what
// was picked, and finishes the waves that have nothing open any more.
func closeOpenTasks(tx *gorm.DB, orderID int64, now time.Time) error {
	if err := tx.Exec(`UPDATE pick_tasks SET quantity = picked, status = 'done', done_at = ? WHERE order_id = ? AND status = 'open'`, now, orderID).Error; err != nil {
		return err
	}
	return finishWaves(tx, orderID, now)
}

func joinDetail(system, note string) string {
	if note == "" {
		return system
	}
	return system + " — " + note
}
