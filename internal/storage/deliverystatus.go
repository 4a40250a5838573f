package storage

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

type trackingEventRow struct {
	ID         int64
	ParcelID   int64
	Status     string
	OccurredAt time.Time
	Place      string
	Source     string
	CreatedAt  time.Time
}

func (trackingEventRow) TableName() string { return "tracking_events" }

func (r trackingEventRow) event(number string) soko.TrackingEvent {
	return soko.TrackingEvent{
		ID: r.ID, ParcelID: r.ParcelID, TrackingNumber: number, Status: soko.DeliveryStatus(r.Status),
		At: r.OccurredAt.UTC(), Place: r.Place, Source: r.Source, CreatedAt: r.CreatedAt.UTC(),
	}
}

// trackedParcel is a parcel an event names, with its order and its
// status so far.
type trackedParcel struct {
	ID               int64
	OrderID          int64
	Seq              int
	Carrier          string
	Service          string
	TrackingNumber   string
	DeliveryStatus   string
	DeliveryStatusAt *time.Time
	MerchantID       int64
	Number           string
	OrderStatus      string
}

// shipmentStatusData is the data of a shipment.delivered or
// shipment.exception webhook: the parcel and the event that moved it.
type shipmentStatusData struct {
	Parcel         int       `json:"parcel"`
	Carrier        string    `json:"carrier"`
	TrackingNumber string    `json:"tracking_number"`
	TrackingURL    string    `json:"tracking_url,omitempty"`
	DeliveryStatus string    `json:"delivery_status"`
	At             time.Time `json:"at"`
	Place          string    `json:"place,omitempty"`
}

// RecordTrackingEvents keeps carriers' status events for parcels, all in
// one transaction: each event once (the same parcel, status and time is
// a duplicate, whoever sends it again), and each parcel's status that of
// its latest event, so events may come in any order. A parcel that moves
// to delivered, or to absent, held, returning or returned, queues its
// merchant's shipment.delivered or shipment.exception webhook. merchantID
// limits the events to one merchant's parcels (an API key's); 0 takes any
// (the warehouse's own files). A tracking number that names no parcel, or
// another merchant's, refuses the whole batch: nothing is recorded.
func (db *DB) RecordTrackingEvents(ctx context.Context, merchantID int64, events []soko.TrackingEvent) (*soko.TrackingRecord, error) {
	now := db.now()
	var rec *soko.TrackingRecord
	err := db.transact(ctx, func(tx *gorm.DB) error {
		rec = &soko.TrackingRecord{Changed: map[string]soko.DeliveryStatus{}}
		parcels, err := trackedParcels(tx, merchantID, events)
		if err != nil {
			return err
		}
		seen, err := knownEvents(tx, parcels)
		if err != nil {
			return err
		}
		var rows []trackingEventRow
		for _, e := range events {
			p := parcels[e.TrackingNumber]
			r := trackingEventRow{ParcelID: p.ID, Status: string(e.Status), OccurredAt: e.At.UTC().Truncate(time.Microsecond),
				Place: e.Place, Source: e.Source, CreatedAt: now}
			key := eventKey(r)
			if seen[key] {
				rec.Duplicates++
				continue
			}
			seen[key] = true
			rows = append(rows, r)
		}
		// In one order whoever inserts: two overlapping batches then wait
		// for each other instead of deadlocking.
		sort.Slice(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			if a.ParcelID != b.ParcelID {
				return a.ParcelID < b.ParcelID
			}
			if !a.OccurredAt.Equal(b.OccurredAt) {
				return a.OccurredAt.Before(b.OccurredAt)
			}
			return a.Status < b.Status
		})
		err = byChunk(rows, func(part []trackingEventRow) error {
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("ID").Create(&part)
			// A batch sent at the same moment may have taken some first.
			rec.Recorded += int(res.RowsAffected)
			rec.Duplicates += len(part) - int(res.RowsAffected)
			return res.Error
		})
		if err != nil {
			return err
		}
		return moveParcels(tx, db.dialect, parcels, latestEvents(rows), rec, now)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// trackedParcels finds the parcels the events name, by tracking number,
// and refuses numbers that name none of the merchant's.
func trackedParcels(tx *gorm.DB, merchantID int64, events []soko.TrackingEvent) (map[string]*trackedParcel, error) {
	var numbers []string
	want := map[string]bool{}
	for _, e := range events {
		if !want[e.TrackingNumber] {
			want[e.TrackingNumber] = true
			numbers = append(numbers, e.TrackingNumber)
		}
	}
	parcels := make(map[string]*trackedParcel, len(numbers))
	err := byChunk(numbers, func(part []string) error {
		var found []*trackedParcel
		q := tx.Table("parcels").Select(`parcels.id, parcels.order_id, parcels.seq, parcels.carrier, parcels.service, parcels.tracking_number,
			parcels.delivery_status, parcels.delivery_status_at, orders.merchant_id, orders.number, orders.status AS order_status`).
			Joins("JOIN orders ON orders.id = parcels.order_id").Where("parcels.tracking_number IN ?", part)
		if merchantID != 0 {
			q = q.Where("orders.merchant_id = ?", merchantID)
		}
		if err := q.Scan(&found).Error; err != nil {
			return err
		}
		for _, p := range found {
			parcels[p.TrackingNumber] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var unknown *soko.Error
	missing := 0
	for i, e := range events {
		if parcels[e.TrackingNumber] != nil {
			continue
		}
		if missing++; unknown == nil {
			unknown = soko.Errorf(soko.EINVALID, "no parcel has the tracking number %s", e.TrackingNumber).
				JA("伝票番号 %s の荷物はありません", e.TrackingNumber)
		}
		if missing <= 20 {
			unknown = unknown.WithField(fmt.Sprintf("events[%d].tracking_number", i), "no parcel has this tracking number")
		}
	}
	if unknown != nil && missing > 1 {
		fields := unknown.Fields
		unknown = soko.Errorf(soko.EINVALID, "%d events name tracking numbers of no parcel, such as %s (nothing was recorded)", missing, fields[0].Field).
			JA("%d件のイベントの伝票番号に該当する荷物がありません（例: %s、何も記録していません）", missing, fields[0].Field)
		unknown.Fields = fields
	}
	if unknown != nil {
		return nil, unknown
	}
	return parcels, nil
}

// knownEvents returns the keys of the events the parcels have already.
func knownEvents(tx *gorm.DB, parcels map[string]*trackedParcel) (map[string]bool, error) {
	ids := make([]int64, 0, len(parcels))
	for _, p := range parcels {
		ids = append(ids, p.ID)
	}
	seen := map[string]bool{}
	err := byChunk(ids, func(part []int64) error {
		var rows []trackingEventRow
		if err := tx.Select("parcel_id, status, occurred_at").Where("parcel_id IN ?", part).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			seen[eventKey(r)] = true
		}
		return nil
	})
	return seen, err
}

func eventKey(r trackingEventRow) string {
	return fmt.Sprintf("%d|%s|%d", r.ParcelID, r.Status, r.OccurredAt.UTC().UnixMicro())
}

// latestEvents returns each parcel's latest new event; of two at the same
// moment, the later in DeliveryStatuses (delivered beats out for delivery).
func latestEvents(rows []trackingEventRow) map[int64]trackingEventRow {
	rank := map[string]int{}
	for i, s := range soko.DeliveryStatuses {
		rank[string(s)] = i
	}
	latest := map[int64]trackingEventRow{}
	for _, r := range rows {
		l, ok := latest[r.ParcelID]
		if !ok || r.OccurredAt.After(l.OccurredAt) || (r.OccurredAt.Equal(l.OccurredAt) && rank[r.Status] > rank[l.Status]) {
			latest[r.ParcelID] = r
		}
	}
	return latest
}

// moveParcels sets each parcel's status to its latest new event when that
// is later than the status it has, and queues the webhooks of the moves.
func moveParcels(tx *gorm.DB, dialect string, parcels map[string]*trackedParcel, latest map[int64]trackingEventRow, rec *soko.TrackingRecord, now time.Time) error {
	var ordered []*trackedParcel
	for _, p := range parcels {
		if e, ok := latest[p.ID]; ok && (p.DeliveryStatusAt == nil || e.OccurredAt.After(*p.DeliveryStatusAt)) {
			ordered = append(ordered, p)
		}
	}
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].ID < ordered[j].ID })
	moved := map[int64]bool{}
	err := byChunk(ordered, func(part []*trackedParcel) error {
		ids, err := setDeliveryStatus(tx, dialect, part, latest)
		for _, id := range ids {
			moved[id] = true
		}
		return err
	})
	if err != nil {
		return err
	}
	owners := map[int64]bool{}
	for _, p := range ordered {
		owners[p.MerchantID] = true
	}
	recipients, err := recipientsOf(tx, keys(owners)...)
	if err != nil {
		return err
	}
	merchants := map[int64]*merchantRow{}
	var outbox []outboxRow
	for _, p := range ordered {
		e := latest[p.ID]
		if !moved[p.ID] || e.Status == p.DeliveryStatus {
			continue
		}
		status := soko.DeliveryStatus(e.Status)
		rec.Changed[p.TrackingNumber] = status
		if status.Notified() {
			mail, err := deliveryNotice(tx, p, e, merchants, now)
			if err != nil {
				return err
			}
			if mail != nil {
				outbox = append(outbox, *mail)
			}
		}
		eventType := ""
		switch {
		case status == soko.DeliveryDelivered:
			eventType = "shipment.delivered"
		case status.Exception():
			eventType = "shipment.exception"
		default:
			continue
		}
		if !recipients.wants(p.MerchantID, eventType) {
			continue
		}
		data := shipmentStatusData{Parcel: p.Seq, Carrier: p.Carrier, TrackingNumber: p.TrackingNumber, DeliveryStatus: e.Status, At: e.OccurredAt, Place: e.Place}
		if c, ok := carrier.Find(p.Carrier); ok {
			data.TrackingURL = c.TrackingURL(p.TrackingNumber)
		}
		body, err := json.Marshal(webhookPayload{
			// Stable per event: a receiver drops a repeat by its id.
			ID:   fmt.Sprintf("evt_parcel_%d_%s_%d", p.ID, e.Status, e.OccurredAt.UnixMicro()),
			Type: eventType, OccurredAt: e.OccurredAt, Order: &orderRef{Number: p.Number, Status: p.OrderStatus}, Data: data,
		})
		if err != nil {
			return err
		}
		orderID := p.OrderID
		outbox = append(outbox, recipients.fanOut(outboxRow{Channel: "webhook", EventType: eventType, OrderID: &orderID, MerchantID: p.MerchantID,
			Payload: string(body), Status: string(soko.OutboxPending), NextAttemptAt: now, CreatedAt: now})...)
	}
	if len(outbox) == 0 {
		return nil
	}
	return tx.CreateInBatches(&outbox, 500).Error
}

// deliveryNotice is the 配達完了 or 不在 email to the customer of a parcel
// that moved to delivered or absent, when its merchant asks for these and
// the customer has an address; nil otherwise.
func deliveryNotice(tx *gorm.DB, p *trackedParcel, e trackingEventRow, merchants map[int64]*merchantRow, now time.Time) (*outboxRow, error) {
	m, ok := merchants[p.MerchantID]
	if !ok {
		m = &merchantRow{}
		if err := tx.Where("id = ?", p.MerchantID).Take(m).Error; err != nil {
			return nil, err
		}
		merchants[p.MerchantID] = m
	}
	if !m.DeliveryNotices {
		return nil, nil
	}
	var o orderRow
	if err := tx.Where("id = ?", p.OrderID).Take(&o).Error; err != nil {
		return nil, err
	}
	if strings.TrimSpace(o.RecipientEmail) == "" || o.PersonalDataErasedAt != nil {
		return nil, nil
	}
	n := soko.DeliveryNotice{Status: soko.DeliveryStatus(e.Status), MerchantName: m.Name, OrderNumber: o.Number, CustomerName: o.RecipientName,
		Carrier: p.Carrier, TrackingNumber: p.TrackingNumber, At: e.OccurredAt, Place: e.Place}
	if c, ok := carrier.Find(p.Carrier); ok {
		n.Carrier, n.TrackingURL = c.Name.JA, c.TrackingURL(p.TrackingNumber)
	}
	subject, body := n.Render()
	payload, err := json.Marshal(soko.EmailMessage{To: o.RecipientEmail, ToName: o.RecipientName, FromName: cmp.Or(m.SenderName, m.Name),
		ReplyTo: m.SenderEmail, Subject: subject, Body: body, OrderNumber: o.Number})
	if err != nil {
		return nil, err
	}
	orderID := o.ID
	return &outboxRow{Channel: "email", EventType: "shipment." + e.Status, OrderID: &orderID, MerchantID: p.MerchantID,
		Payload: string(payload), Status: string(soko.OutboxPending), NextAttemptAt: now, CreatedAt: now}, nil
}

// setDeliveryStatus sets the parcels' status to their latest events' in
// one statement, each only if its event is later than the status it has:
// a batch committed since this one read the parcels may hold a later
// event. It returns the parcels it moved.
func setDeliveryStatus(tx *gorm.DB, dialect string, part []*trackedParcel, latest map[int64]trackingEventRow) ([]int64, error) {
	at := "?"
	if dialect == Postgres {
		at = "CAST(? AS TIMESTAMPTZ)" // PostgreSQL cannot tell a parameter's type inside VALUES
	}
	values := make([]string, len(part))
	args := make([]any, 0, 3*len(part))
	for i, p := range part {
		e := latest[p.ID]
		values[i] = "(CAST(? AS BIGINT), CAST(? AS TEXT), " + at + ")"
		args = append(args, p.ID, e.Status, e.OccurredAt)
	}
	var ids []int64
	err := tx.Raw(`WITH v (id, status, at) AS (VALUES `+strings.Join(values, ", ")+`)
		UPDATE parcels SET delivery_status = v.status, delivery_status_at = v.at FROM v
		WHERE parcels.id = v.id AND (parcels.delivery_status_at IS NULL OR parcels.delivery_status_at < v.at)
		RETURNING parcels.id`, args...).Scan(&ids).Error
	return ids, err
}

// trackingEventsOf returns the events of the parcels, oldest first, by parcel id.
func trackingEventsOf(tx *gorm.DB, numbers map[int64]string) (map[int64][]soko.TrackingEvent, error) {
	ids := make([]int64, 0, len(numbers))
	for id := range numbers {
		ids = append(ids, id)
	}
	out := map[int64][]soko.TrackingEvent{}
	err := byChunk(ids, func(part []int64) error {
		var rows []trackingEventRow
		if err := tx.Where("parcel_id IN ?", part).Order("occurred_at, id").Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			out[r.ParcelID] = append(out[r.ParcelID], r.event(numbers[r.ParcelID]))
		}
		return nil
	})
	return out, err
}

// ParcelTrackingNumbers returns the tracking numbers of parcels handed to
// a carrier and not delivered, oldest first, for a StatusPoller to ask about.
func (db *DB) ParcelTrackingNumbers(ctx context.Context, carrierCode string, limit int) ([]string, error) {
	var numbers []string
	err := db.conn(ctx).Table("parcels").Where("carrier = ? AND handed_over_at IS NOT NULL AND tracking_number IS NOT NULL AND delivery_status NOT IN ?",
		carrierCode, []string{string(soko.DeliveryDelivered), string(soko.DeliveryReturned)}).
		Order("handed_over_at, id").Limit(limit).Pluck("tracking_number", &numbers).Error
	return numbers, translate(err)
}

// TrackShipment returns what an order's tracking page shows, found by the
// hash of the token in its shipment email; ENOTFOUND for any other.
func (db *DB) TrackShipment(ctx context.Context, tokenHash string) (*soko.ShipmentTracking, error) {
	var o orderRow
	if err := db.conn(ctx).Where("tracking_token_hash = ?", tokenHash).Take(&o).Error; err != nil {
		return nil, notFound(err, soko.Errorf(soko.ENOTFOUND, "no such tracking page").JA("このページはありません"))
	}
	var m merchantRow
	if err := db.conn(ctx).Where("id = ?", o.MerchantID).Take(&m).Error; err != nil {
		return nil, translate(err)
	}
	t := &soko.ShipmentTracking{MerchantName: m.Name, OrderNumber: o.Number, Prefecture: o.RecipientPrefecture, City: o.RecipientCity}
	if err := db.conn(ctx).Raw(`SELECT p.name, p.sku, l.quantity FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = ? AND l.set_line_id IS NULL ORDER BY l.id`, o.ID).
		Scan(&t.Lines).Error; err != nil {
		return nil, translate(err)
	}
	var parcels []struct {
		ID             int64
		Seq            int
		Carrier        string
		Service        string
		TrackingNumber *string
		HandedOverAt   *time.Time
		DeliveryStatus string
	}
	if err := db.conn(ctx).Table("parcels").Select("id, seq, carrier, service, tracking_number, handed_over_at, delivery_status").
		Where("order_id = ?", o.ID).Order("seq").Scan(&parcels).Error; err != nil {
		return nil, translate(err)
	}
	numbers := map[int64]string{}
	for _, p := range parcels {
		if p.TrackingNumber != nil {
			numbers[p.ID] = *p.TrackingNumber
		}
		if p.HandedOverAt != nil && p.HandedOverAt.After(t.ShippedAt) {
			t.ShippedAt = p.HandedOverAt.UTC()
		}
	}
	events, err := trackingEventsOf(db.conn(ctx), numbers)
	if err != nil {
		return nil, translate(err)
	}
	for _, p := range parcels {
		tp := soko.TrackedParcel{Seq: p.Seq, Carrier: p.Carrier, Service: p.Service, TrackingNumber: numbers[p.ID], Status: soko.DeliveryStatus(p.DeliveryStatus)}
		es := events[p.ID]
		for i := len(es) - 1; i >= 0; i-- {
			tp.Events = append(tp.Events, es[i])
		}
		t.Parcels = append(t.Parcels, tp)
	}
	return t, nil
}

// UndeliveredByCarrier counts, per carrier, the parcels handed over
// before the time and not delivered yet, and the exceptions among them.
func (db *DB) UndeliveredByCarrier(ctx context.Context, before time.Time) ([]soko.UndeliveredCount, error) {
	exceptions := []string{string(soko.DeliveryAbsent), string(soko.DeliveryHeld), string(soko.DeliveryReturning), string(soko.DeliveryReturned)}
	var out []soko.UndeliveredCount
	err := db.conn(ctx).Table("parcels").
		Select("carrier, COUNT(*) AS parcels, SUM(CASE WHEN delivery_status IN ? THEN 1 ELSE 0 END) AS exceptions", exceptions).
		Where("handed_over_at IS NOT NULL AND handed_over_at < ? AND delivery_status <> ?", before.UTC(), string(soko.DeliveryDelivered)).
		Group("carrier").Order("carrier").Scan(&out).Error
	return out, translate(err)
}

// notFound turns gorm's not-found into nf and translates anything else.
func notFound(err, nf error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nf
	}
	return translate(err)
}

// DeliveryExceptions returns up to limit parcels whose latest status is an
// exception, the most recent first, for the supervisors to follow up.
func (db *DB) DeliveryExceptions(ctx context.Context, limit int) ([]soko.DeliveryException, error) {
	var rows []struct {
		OrderID          int64
		Number           string
		Carrier          string
		TrackingNumber   string
		DeliveryStatus   string
		DeliveryStatusAt time.Time
	}
	err := db.conn(ctx).Table("parcels").
		Select("parcels.order_id, orders.number, parcels.carrier, parcels.tracking_number, parcels.delivery_status, parcels.delivery_status_at").
		Joins("JOIN orders ON orders.id = parcels.order_id").
		Where("parcels.delivery_status IN ?", []string{string(soko.DeliveryAbsent), string(soko.DeliveryHeld), string(soko.DeliveryReturning), string(soko.DeliveryReturned)}).
		Order("parcels.delivery_status_at DESC, parcels.id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]soko.DeliveryException, len(rows))
	for i, r := range rows {
		out[i] = soko.DeliveryException{OrderID: r.OrderID, OrderNumber: r.Number, Carrier: r.Carrier, TrackingNumber: r.TrackingNumber,
			Status: soko.DeliveryStatus(r.DeliveryStatus), At: r.DeliveryStatusAt.UTC()}
	}
	return out, nil
}
