package storage

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// webhookEventOf names the webhook event an order's arrival in a status sends.
var webhookEventOf = map[soko.OrderStatus]string{
	soko.OrderReceived:        "order.received",
	soko.OrderAllocated:       "order.allocated",
	soko.OrderBackordered:     "order.backordered",
	soko.OrderShort:           "order.short",
	soko.OrderPicked:          "order.picked",
	soko.OrderPacked:          "order.packed",
	soko.OrderLabeled:         "order.labeled",
	soko.OrderShipped:         "order.shipped",
	soko.OrderCancelled:       "order.cancelled",
	soko.OrderCancelRequested: "order.cancel_requested",
	soko.OrderOnHold:          "order.on_hold",
}

// webhookPayload is the JSON body a merchant's endpoint receives.
type webhookPayload struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	Sequence   int       `json:"sequence,omitempty"`
	OccurredAt time.Time `json:"occurred_at"`
	Order      *orderRef `json:"order,omitempty"`
	Data       any       `json:"data,omitempty"`
}

type orderRef struct {
	Number string `json:"order_no"`
	Status string `json:"status"`
}

// orderEvent is an event about to be recorded for an order.
type orderEvent struct {
	order *soko.Order
	soko.OrderEvent
}

// recordEvent appends an event to the order's history, with the next
// per-order sequence number, and queues the merchant's webhook when the new
// status is one it subscribed to: all in the caller's transaction, so the
// change, its history and its notification stand or fall together.
func recordEvent(tx *gorm.DB, o *soko.Order, e soko.OrderEvent, now time.Time) error {
	return recordEvents(tx, []orderEvent{{o, e}}, now)
}

// recordEvents is recordEvent for many orders at once, in a handful of
// statements whatever their number, for allocation runs.
func recordEvents(tx *gorm.DB, events []orderEvent, now time.Time) error {
	if len(events) == 0 {
		return nil
	}
	notes := notesIn(tx)
	seq := map[int64]int{}
	var unknown []int64
	for _, e := range events {
		if n, ok := notes.lastEventOf(e.order.ID); ok {
			seq[e.order.ID] = n
		} else {
			unknown = append(unknown, e.order.ID)
		}
	}
	if len(unknown) == 0 {
		return recordEventsAfter(tx, events, seq, now)
	}
	var last []struct {
		OrderID int64
		Seq     int
	}
	if err := tx.Table("order_events").Select("order_id, MAX(seq) AS seq").Where("order_id IN ?", unknown).Group("order_id").Scan(&last).Error; err != nil {
		return err
	}
	for _, l := range last {
		seq[l.OrderID] = l.Seq
	}
	return recordEventsAfter(tx, events, seq, now)
}

// recordEventsAfter is recordEvents for a caller that read each order's
// last event number (seq, by order id) along with the order.
func recordEventsAfter(tx *gorm.DB, events []orderEvent, seq map[int64]int, now time.Time) error {
	merchants := map[int64]bool{}
	for _, e := range events {
		merchants[e.order.MerchantID] = true
	}
	recipients, err := recipientsOf(tx, keys(merchants)...)
	if err != nil {
		return err
	}
	rows := make([]orderEventRow, 0, len(events))
	var outbox []outboxRow
	for _, e := range events {
		o := e.order
		seq[o.ID]++
		e.Seq = seq[o.ID]
		rows = append(rows, orderEventRow{
			OrderID: o.ID, Seq: e.Seq, Action: string(e.Action), FromStatus: string(e.From), ToStatus: string(e.To),
			StaffID: nullID(e.StaffID), Device: e.Device, Detail: e.Detail, CreatedAt: now,
		})
		var shipment *shipmentNotice
		if e.To == soko.OrderShipped && e.From != e.To {
			n, err := noticeOfShipment(tx, o, now)
			if err != nil {
				return err
			}
			shipment = n
			if n.email == nil {
				// Nobody to tell: the skip is in the order's history.
				seq[o.ID]++
				rows = append(rows, orderEventRow{OrderID: o.ID, Seq: seq[o.ID], Action: "email_skipped", FromStatus: string(e.To), ToStatus: string(e.To),
					Detail: "no customer email address / お客様のメールアドレスがありません", CreatedAt: now})
			} else {
				body, err := json.Marshal(n.email)
				if err != nil {
					return err
				}
				id := o.ID
				outbox = append(outbox, outboxRow{Channel: "email", EventType: "order.shipped", OrderID: &id, MerchantID: o.MerchantID,
					Payload: string(body), Status: string(soko.OutboxPending), NextAttemptAt: now, CreatedAt: now})
			}
		}
		eventType, ok := webhookEventOf[e.To]
		if !ok || e.From == e.To || !recipients.wants(o.MerchantID, eventType) {
			continue
		}
		p := webhookPayload{
			ID: newEventID(o.ID, e.Seq), Type: eventType, Sequence: e.Seq, OccurredAt: now,
			Order: &orderRef{Number: o.Number, Status: string(e.To)},
		}
		if shipment != nil {
			p.Data = map[string]any{"parcels": shipment.parcels}
		}
		body, err := json.Marshal(p)
		if err != nil {
			return err
		}
		id := o.ID
		outbox = append(outbox, recipients.fanOut(outboxRow{Channel: "webhook", EventType: eventType, OrderID: &id, MerchantID: o.MerchantID,
			Payload: string(body), Status: string(soko.OutboxPending), NextAttemptAt: now, CreatedAt: now})...)
	}
	notes := notesIn(tx)
	notes.eventsWritten(seq)
	if notes.allFresh(events) {
		notes.pendingEvents = append(notes.pendingEvents, rows...)
		notes.pendingOutbox = append(notes.pendingOutbox, outbox...)
		return nil
	}
	return writeEvents(tx, rows, outbox)
}

// writeEvents inserts order events and their outbox rows.
func writeEvents(tx *gorm.DB, rows []orderEventRow, outbox []outboxRow) error {
	if len(rows) > 0 {
		if err := tx.CreateInBatches(&rows, 500).Error; err != nil {
			return err
		}
	}
	if len(outbox) > 0 {
		return tx.CreateInBatches(&outbox, 500).Error
	}
	return nil
}

// writePending writes the events and webhooks of the orders the
// transaction created and the answer kept for the request's retries
// (FinishIdempotentRequest), and then reserves the stock their allocation
// planned (reserveAtCommit), last things before its commit. On PostgreSQL
// that is one statement (writeTogether) unless the lists are long. Stock
// taken meanwhile by another transaction fails it with errStockRaced, to
// be run again.
func writePending(tx *gorm.DB, n *txNotes) error {
	events, outbox, answer, picks := n.pendingEvents, n.pendingOutbox, n.pendingAnswer, n.reserveAtCommit
	n.pendingEvents, n.pendingOutbox, n.pendingAnswer, n.reserveAtCommit = nil, nil, nil, nil
	var err error
	if tx.Dialector.Name() == Postgres && len(events) <= pendingTogether && len(outbox) <= pendingTogether && len(picks) <= reserveStockBatch {
		err = writeTogether(tx, events, outbox, answer, picks)
	} else {
		err = writeApart(tx, events, outbox, answer, picks)
	}
	if errors.Is(err, errReservation) {
		return errStockRaced
	}
	return err
}

// pendingTogether is the most events, and webhooks, writeTogether writes
// in its one statement (12 arguments a webhook).
const pendingTogether = 200

// errReservation marks the refusal of a reservation writePending made.
var errReservation = errors.New("the reservation found the stock taken")

// writeApart is writePending in a statement for each table.
func writeApart(tx *gorm.DB, events []orderEventRow, outbox []outboxRow, answer *soko.IdempotentRequest, picks []soko.Pick) error {
	if err := writeEvents(tx, events, outbox); err != nil {
		return err
	}
	if answer != nil {
		if err := writeAnswer(tx, answer); err != nil {
			return err
		}
	}
	if err := reserveStock(tx, picks); err != nil {
		if soko.ErrorCode(err) == soko.ECONFLICT {
			return fmt.Errorf("%w: %w", errReservation, err)
		}
		return err
	}
	return nil
}

// writeTogether is writePending in one statement of data-modifying CTEs:
// the events, the webhooks, the kept answer and the reservation, whose
// rows the statement returns (fewer than reserved: the stock was taken).
func writeTogether(tx *gorm.DB, events []orderEventRow, outbox []outboxRow, answer *soko.IdempotentRequest, picks []soko.Pick) error {
	var parts []string
	var args []any
	if len(events) > 0 {
		parts = append(parts, `e AS (INSERT INTO order_events (order_id, seq, action, from_status, to_status, staff_id, device, detail, created_at) VALUES `+valueRows(len(events), 9)+`)`)
		for _, e := range events {
			args = append(args, e.OrderID, e.Seq, e.Action, e.FromStatus, e.ToStatus, e.StaffID, e.Device, e.Detail, e.CreatedAt)
		}
	}
	if len(outbox) > 0 {
		parts = append(parts, `o AS (INSERT INTO outbox (channel, event_type, order_id, merchant_id, product_id, endpoint_id, payload, status, attempts, next_attempt_at, last_error, created_at) VALUES `+valueRows(len(outbox), 12)+`)`)
		for _, m := range outbox {
			args = append(args, m.Channel, m.EventType, m.OrderID, m.MerchantID, m.ProductID, m.EndpointID, m.Payload, m.Status, m.Attempts, m.NextAttemptAt, m.LastError, m.CreatedAt)
		}
	}
	if answer != nil {
		parts = append(parts, `k AS (`+answerSQL+`)`)
		args = append(args, answerArgs(answer)...)
	}
	perStock, ids := unitsByStock(picks)
	final := `SELECT 0`
	if len(ids) > 0 {
		sql, reserveArgs := reserveStatement(Postgres, ids, perStock)
		parts = append(parts, `r AS (`+sql+` RETURNING id)`)
		args = append(args, reserveArgs...)
		final = `SELECT COUNT(*) FROM r`
	}
	if len(parts) == 0 {
		return nil
	}
	var reserved int
	if err := tx.Raw(`WITH `+strings.Join(parts, ", ")+` `+final, args...).Scan(&reserved).Error; err != nil {
		return err
	}
	if reserved != len(ids) {
		return fmt.Errorf("%w: %w", errReservation, stockRowsChanged(ids))
	}
	return nil
}

// valueRows is the VALUES list of n rows of width placeholders each.
func valueRows(n, width int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// orderCreated notes an order the transaction created: it has no events
// yet, and its events wait for the commit (nil notes: none).
func (n *txNotes) orderCreated(id int64) {
	if n == nil {
		return
	}
	n.eventsWritten(map[int64]int{id: 0})
	if n.fresh == nil {
		n.fresh = map[int64]bool{}
	}
	n.fresh[id] = true
}

// allFresh reports whether the transaction created the orders of all the
// events (nil notes: no).
func (n *txNotes) allFresh(events []orderEvent) bool {
	if n == nil {
		return false
	}
	for _, e := range events {
		if !n.fresh[e.order.ID] {
			return false
		}
	}
	return true
}

// lastEventOf is the number of the order's last event when the
// transaction wrote it (nil notes: never).
func (n *txNotes) lastEventOf(orderID int64) (int, bool) {
	if n == nil {
		return 0, false
	}
	seq, ok := n.lastEvent[orderID]
	return seq, ok
}

// eventsWritten keeps the last event number of each order (nil notes: none).
func (n *txNotes) eventsWritten(seq map[int64]int) {
	if n == nil {
		return
	}
	if n.lastEvent == nil {
		n.lastEvent = map[int64]int{}
	}
	maps.Copy(n.lastEvent, seq)
}

// shipmentNotice is what an order's shipping tells: the parcels for the
// merchant's webhook, and the customer's email (nil without an address).
type shipmentNotice struct {
	parcels []shippedParcel
	email   *soko.EmailMessage
}

// shippedParcel is one parcel in an order.shipped webhook.
type shippedParcel struct {
	Parcel         int    `json:"parcel"`
	Carrier        string `json:"carrier"`
	Service        string `json:"service"`
	TrackingNumber string `json:"tracking_number"`
	TrackingURL    string `json:"tracking_url,omitempty"`
}

// noticeOfShipment gathers the parcels of a shipped order — those of its
// group's primary when it left in another order's parcel — and renders its
// customer's email with the merchant's template, inside the transaction
// that ships it, so the email says exactly what was shipped.
func noticeOfShipment(tx *gorm.DB, o *soko.Order, now time.Time) (*shipmentNotice, error) {
	var parcels []parcelRow
	if err := tx.Where("order_id = ?", rootOf(o)).Order("seq").Find(&parcels).Error; err != nil {
		return nil, err
	}
	c, _ := carrier.Find(o.Carrier)
	n := &shipmentNotice{parcels: []shippedParcel{}}
	mail := soko.ShipmentEmail{OrderNumber: o.Number, CustomerName: o.Recipient.Name, ShippedAt: now, CODAmount: o.CODAmount}
	for _, p := range parcels {
		sp := shippedParcel{Parcel: p.Seq, Carrier: p.Carrier, Service: p.Service}
		ep := soko.EmailParcel{Seq: p.Seq, Of: len(parcels), Carrier: p.Carrier, Service: p.Service}
		if c != nil {
			ep.Carrier = c.Name.JA
			if svc, ok := c.Service(p.Service); ok {
				ep.Service = svc.Name.JA
			}
		}
		if p.TrackingNumber != nil {
			sp.TrackingNumber, ep.TrackingNumber = *p.TrackingNumber, *p.TrackingNumber
			if c != nil {
				sp.TrackingURL = c.TrackingURL(*p.TrackingNumber)
			}
			ep.TrackingURL = sp.TrackingURL
		}
		n.parcels = append(n.parcels, sp)
		mail.Parcels = append(mail.Parcels, ep)
	}
	token, hash := soko.NewTrackingToken()
	if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).UpdateColumn("tracking_token_hash", hash).Error; err != nil {
		return nil, err
	}
	if base, _ := tx.Statement.Context.Value(publicURLKey{}).(string); base != "" {
		mail.TrackingPageURL = strings.TrimRight(base, "/") + "/track/" + token
	}
	if strings.TrimSpace(o.Recipient.Email) == "" {
		return n, nil
	}
	var m merchantRow
	if err := tx.Where("id = ?", o.MerchantID).Take(&m).Error; err != nil {
		return nil, err
	}
	mail.MerchantName = m.Name
	if err := tx.Raw(`SELECT p.name, p.sku, l.quantity FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? AND l.set_line_id IS NULL ORDER BY l.id`, o.ID).
		Scan(&mail.Lines).Error; err != nil {
		return nil, err
	}
	subject, body, err := m.merchant().EmailTemplate.Render(mail)
	if err != nil {
		// A template that cannot render is refused when it is saved; one
		// that fails here anyway must not stop the truck: use the default.
		if subject, body, err = soko.DefaultEmailTemplate.Render(mail); err != nil {
			return nil, err
		}
	}
	n.email = &soko.EmailMessage{
		To: o.Recipient.Email, ToName: o.Recipient.Name, FromName: cmp.Or(m.SenderName, m.Name), ReplyTo: m.SenderEmail,
		Subject: subject, Body: body, OrderNumber: o.Number,
	}
	return n, nil
}

// queueMerchantEvent queues a webhook that is not about one order, such as
// stock.low. Its id is random: several products can go low in one
// transaction, at one moment, and receivers drop repeats by id.
func queueMerchantEvent(tx *gorm.DB, merchantID int64, eventType string, data any, now time.Time) error {
	return queueWebhook(tx, merchantID, nil, webhookPayload{
		ID: "evt_" + strings.ReplaceAll(eventType, ".", "_") + "_" + rand.Text(), Type: eventType, OccurredAt: now, Data: data,
	})
}

// queueWebhook writes an outbox row for each of the merchant's endpoints
// that wants the event.
func queueWebhook(tx *gorm.DB, merchantID int64, orderID *int64, p webhookPayload) error {
	recipients, err := recipientsOf(tx, merchantID)
	if err != nil || !recipients.wants(merchantID, p.Type) {
		return err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.Create(recipients.fanOut(outboxRow{
		Channel: "webhook", EventType: p.Type, OrderID: orderID, MerchantID: merchantID, Payload: string(body),
		Status: string(soko.OutboxPending), NextAttemptAt: p.OccurredAt, CreatedAt: p.OccurredAt,
	})).Error
}

// newEventID is unique per order event and stable, so a receiver can drop repeats.
func newEventID(orderID int64, seq int) string { return fmt.Sprintf("evt_%d_%d", orderID, seq) }

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// ListOrderEvents returns a merchant's order's history, oldest first.
func (db *DB) ListOrderEvents(ctx context.Context, merchantID int64, number string) ([]soko.OrderEvent, error) {
	o, err := db.findOrderRow(ctx, merchantID, number)
	if err != nil {
		return nil, err
	}
	var rows []orderEventRow
	if err := db.conn(ctx).Where("order_id = ?", o.ID).Order("seq").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	events := make([]soko.OrderEvent, len(rows))
	for i, r := range rows {
		events[i] = soko.OrderEvent{
			ID: r.ID, OrderID: r.OrderID, Seq: r.Seq, Action: soko.OrderAction(r.Action),
			From: soko.OrderStatus(r.FromStatus), To: soko.OrderStatus(r.ToStatus),
			Device: r.Device, Detail: r.Detail, CreatedAt: r.CreatedAt.UTC(),
		}
		if r.StaffID != nil {
			events[i].StaffID = *r.StaffID
		}
	}
	return events, nil
}
