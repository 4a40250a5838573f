package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// webhookEventOf names the webhook event an order's arrival in a status sends.
var webhookEventOf = map[soko.OrderStatus]string{
	soko.OrderReceived:        "order.received",
	soko.OrderAllocated:       "order.allocated",
	soko.OrderBackordered:     "order.backordered",
	soko.OrderShort:           "order.short",
	soko.OrderShipped:         "order.shipped",
	soko.OrderCancelled:       "order.cancelled",
	soko.OrderCancelRequested: "order.cancel_requested",
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
	ids := make([]int64, len(events))
	merchants := map[int64]bool{}
	for i, e := range events {
		ids[i] = e.order.ID
		merchants[e.order.MerchantID] = true
	}
	var last []struct {
		OrderID int64
		Seq     int
	}
	if err := tx.Table("order_events").Select("order_id, MAX(seq) AS seq").Where("order_id IN ?", ids).Group("order_id").Scan(&last).Error; err != nil {
		return err
	}
	seq := map[int64]int{}
	for _, l := range last {
		seq[l.OrderID] = l.Seq
	}
	var eps []webhookEndpointRow
	if err := tx.Where("merchant_id IN ?", keys(merchants)).Find(&eps).Error; err != nil {
		return err
	}
	endpoints := map[int64]*soko.WebhookEndpoint{}
	for _, ep := range eps {
		endpoints[ep.MerchantID] = ep.endpoint()
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
		eventType, ok := webhookEventOf[e.To]
		if ep := endpoints[o.MerchantID]; !ok || e.From == e.To || ep == nil || !ep.Wants(eventType) {
			continue
		}
		body, err := json.Marshal(webhookPayload{
			ID: newEventID(o.ID, e.Seq), Type: eventType, Sequence: e.Seq, OccurredAt: now,
			Order: &orderRef{Number: o.Number, Status: string(e.To)},
		})
		if err != nil {
			return err
		}
		id := o.ID
		outbox = append(outbox, outboxRow{Channel: "webhook", EventType: eventType, OrderID: &id, MerchantID: o.MerchantID,
			Payload: string(body), Status: string(soko.OutboxPending), NextAttemptAt: now, CreatedAt: now})
	}
	if err := tx.CreateInBatches(&rows, 500).Error; err != nil {
		return err
	}
	if len(outbox) > 0 {
		return tx.CreateInBatches(&outbox, 500).Error
	}
	return nil
}

// queueMerchantEvent queues a webhook that is not about one order, such as stock.low.
func queueMerchantEvent(tx *gorm.DB, merchantID int64, eventType string, data any, now time.Time) error {
	return queueWebhook(tx, merchantID, nil, webhookPayload{
		ID: fmt.Sprintf("evt_%s_%d", strings.ReplaceAll(eventType, ".", "_"), now.UnixNano()), Type: eventType, OccurredAt: now, Data: data,
	})
}

// queueWebhook writes an outbox row when the merchant's endpoint wants the event.
func queueWebhook(tx *gorm.DB, merchantID int64, orderID *int64, p webhookPayload) error {
	ep, err := webhookEndpointOf(tx, merchantID)
	if err != nil || ep == nil || !ep.Wants(p.Type) {
		return err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.Create(&outboxRow{
		Channel: "webhook", EventType: p.Type, OrderID: orderID, MerchantID: merchantID, Payload: string(body),
		Status: string(soko.OutboxPending), NextAttemptAt: p.OccurredAt, CreatedAt: p.OccurredAt,
	}).Error
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
