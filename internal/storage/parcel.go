package storage

import (
	"context"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// ListShipments returns a page of a merchant's parcels handed to a carrier,
// in the order they were handed over (by parcel id) or in change order,
// handed over since a time if set.
func (db *DB) ListShipments(ctx context.Context, f soko.ShipmentFilter) ([]*soko.Shipment, error) {
	page := f.Page
	q := db.conn(ctx).Table("parcels").
		Select(`parcels.id, orders.number, parcels.seq, parcels.carrier, parcels.service, parcels.tracking_number,
			parcels.handed_over_at, parcels.change_seq, parcels.delivery_status, parcels.delivery_status_at,
			(SELECT COUNT(*) FROM parcels p2 WHERE p2.order_id = parcels.order_id) AS parcels`).
		Joins("JOIN orders ON orders.id = parcels.order_id").
		Where("orders.merchant_id = ? AND parcels.handed_over_at IS NOT NULL", f.MerchantID)
	if f.OrderNumber != "" {
		q = q.Where("orders.number = ?", f.OrderNumber)
	}
	if !f.ShippedBefore.IsZero() {
		q = q.Where("parcels.handed_over_at < ?", f.ShippedBefore.UTC())
	}
	if f.Undelivered {
		q = q.Where("parcels.delivery_status <> ?", string(soko.DeliveryDelivered))
	}
	if page.InChangeOrder {
		q = db.inChangeOrder(q, page, "parcels", "parcels.handed_over_at")
	} else {
		if page.After > 0 {
			q = q.Where("parcels.id > ?", page.After)
		}
		if !page.UpdatedSince.IsZero() {
			q = q.Where("parcels.handed_over_at >= ?", page.UpdatedSince.UTC())
		}
		q = q.Order("parcels.id").Limit(page.Size() + 1)
	}
	var rows []struct {
		ID               int64
		Number           string
		Seq              int
		Parcels          int
		Carrier          string
		Service          string
		TrackingNumber   *string
		HandedOverAt     *time.Time
		ChangeSeq        int64
		DeliveryStatus   string
		DeliveryStatusAt *time.Time
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.Shipment, len(rows))
	numbers := map[int64]string{}
	for i, r := range rows {
		out[i] = &soko.Shipment{
			ParcelID: r.ID, OrderNumber: r.Number, Parcel: r.Seq, Parcels: r.Parcels,
			Carrier: r.Carrier, Service: r.Service, ShippedAt: fromNull(r.HandedOverAt),
			ChangeSeq:      r.ChangeSeq,
			DeliveryStatus: soko.DeliveryStatus(r.DeliveryStatus), DeliveryStatusAt: fromNull(r.DeliveryStatusAt),
		}
		if r.TrackingNumber != nil {
			out[i].TrackingNumber = *r.TrackingNumber
		}
		numbers[r.ID] = out[i].TrackingNumber
	}
	events, err := trackingEventsOf(db.conn(ctx), numbers)
	if err != nil {
		return nil, translate(err)
	}
	for _, s := range out {
		s.Events = events[s.ParcelID]
	}
	return out, nil
}
