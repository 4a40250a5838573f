package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// Delivery status (配達状況): what carriers report of parcels after the
// handover. Not to be confused with delivery.go, the outbox's deliveries
// of emails and webhooks.

// deliveryStatusStore is what delivery status needs of the store.
type deliveryStatusStore interface {
	RecordTrackingEvents(ctx context.Context, merchantID int64, events []soko.TrackingEvent) (*soko.TrackingRecord, error)
	TrackShipment(ctx context.Context, tokenHash string) (*soko.ShipmentTracking, error)
	UndeliveredByCarrier(ctx context.Context, before time.Time) ([]soko.UndeliveredCount, error)
	DeliveryExceptions(ctx context.Context, limit int) ([]soko.DeliveryException, error)
}

// CreateTrackingEvents answers POST /api/v1/tracking-events.
func (h apiHandlers) CreateTrackingEvents(ctx context.Context, req api.CreateTrackingEventsRequestObject) (api.CreateTrackingEventsResponseObject, error) {
	events := make([]soko.TrackingEvent, len(req.Body.Events))
	for i, e := range req.Body.Events {
		number := carrier.NormalizeTrackingNumber(e.TrackingNumber)
		if number == "" {
			number = e.TrackingNumber
		}
		events[i] = soko.TrackingEvent{TrackingNumber: number, Status: soko.DeliveryStatus(e.Status), At: e.OccurredAt,
			Place: deref(e.Place), Source: soko.TrackingSourceAPI}
	}
	rec, err := h.store.RecordTrackingEvents(ctx, merchantOf(ctx), events)
	if err != nil {
		return nil, err
	}
	out := api.CreateTrackingEvents200JSONResponse{Recorded: rec.Recorded, Duplicates: rec.Duplicates, Changed: []api.ParcelStatusChange{}}
	for number, st := range rec.Changed {
		out.Changed = append(out.Changed, api.ParcelStatusChange{TrackingNumber: number, DeliveryStatus: string(st)})
	}
	sort.Slice(out.Changed, func(i, j int) bool { return out.Changed[i].TrackingNumber < out.Changed[j].TrackingNumber })
	return out, nil
}

// ImportStatusCSV answers POST /ops/status-imports: every event of the
// file, or none.
func (h apiHandlers) ImportStatusCSV(ctx context.Context, req api.ImportStatusCSVRequestObject) (api.ImportStatusCSVResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	rec, rows, err := ImportStatusFile(ctx, h.store, req.Body, langOf(ctx))
	if err != nil {
		return nil, err
	}
	return api.ImportStatusCSV200JSONResponse{Rows: rows, Recorded: rec.Recorded, Duplicates: rec.Duplicates, Changed: len(rec.Changed)}, nil
}

// StatusRecorder records tracking events for any merchant's parcels.
type StatusRecorder interface {
	RecordTrackingEvents(ctx context.Context, merchantID int64, events []soko.TrackingEvent) (*soko.TrackingRecord, error)
}

// ImportStatusFile reads a status file and records its events for the
// warehouse, all or none: a file with problems, or naming a parcel soko
// does not have, is refused with each line (in lang) as an error field.
// It returns what was recorded and how many events the file held; the
// console's upload and soko import-status both use it.
func ImportStatusFile(ctx context.Context, store StatusRecorder, file io.Reader, lang string) (*soko.TrackingRecord, int, error) {
	rows, problems, err := carrier.ImportStatus(file)
	if err != nil {
		return nil, 0, err
	}
	if len(problems) > 0 {
		e := soko.Errorf(soko.EINVALID, "not imported: the file has %d problems (nothing was recorded)", len(problems)).
			JA("取り込めませんでした。%d件の問題があります（何も記録していません）", len(problems))
		for _, p := range problems[:min(len(problems), maxShownProblems)] {
			e = e.WithField(lineField(lang, p.Row, p.Field), p.Message.In(lang))
		}
		return nil, 0, e
	}
	if len(rows) == 0 {
		return nil, 0, soko.Errorf(soko.EINVALID, "the file holds no events").JA("ファイルに配達状況の行がありません").WithField("file", "empty")
	}
	events := make([]soko.TrackingEvent, len(rows))
	for i, r := range rows {
		events[i] = soko.TrackingEvent{TrackingNumber: r.TrackingNumber, Status: r.Status, At: r.At, Place: r.Place, Source: soko.TrackingSourceFile}
	}
	rec, err := store.RecordTrackingEvents(ctx, 0, events)
	var se *soko.Error
	if errors.As(err, &se) && se.Code == soko.EINVALID && len(se.Fields) > 0 {
		// The store names events by index; the file's people know lines.
		e := soko.Errorf(soko.EINVALID, "not imported: tracking numbers of no parcel (nothing was recorded)").
			JA("取り込めませんでした。該当する荷物のない伝票番号があります（何も記録していません）")
		for _, f := range se.Fields {
			var i int
			if _, scanErr := fmt.Sscanf(f.Field, "events[%d]", &i); scanErr == nil && i < len(rows) {
				e = e.WithField(lineField(lang, rows[i].Row, "伝票番号"),
					soko.Text{JA: "伝票番号 " + rows[i].TrackingNumber + " の荷物はありません", EN: "no parcel has the tracking number " + rows[i].TrackingNumber}.In(lang))
			}
		}
		return nil, 0, e
	}
	if err != nil {
		return nil, 0, err
	}
	return rec, len(rows), nil
}

func lineField(lang string, line int, field string) string {
	return soko.Text{JA: fmt.Sprintf("%d行目 %s", line, field), EN: fmt.Sprintf("line %d %s", line, field)}.In(lang)
}

// shipmentOut is a shipment as the API shows it, with its delivery status.
func shipmentOut(s *soko.Shipment) api.Shipment {
	url := ""
	if c, ok := carrier.Find(s.Carrier); ok && s.TrackingNumber != "" {
		url = c.TrackingURL(s.TrackingNumber)
	}
	out := api.Shipment{
		OrderNo: s.OrderNumber, Parcel: s.Parcel, Parcels: s.Parcels, Carrier: s.Carrier, Service: s.Service,
		TrackingNumber: s.TrackingNumber, TrackingUrl: url, ShippedAt: apiTime(s.ShippedAt), Events: make([]api.TrackingEvent, len(s.Events)),
	}
	if s.DeliveryStatus != "" {
		out.DeliveryStatus = ptr(api.ShipmentDeliveryStatus(s.DeliveryStatus))
		out.DeliveryStatusAt = ptr(apiTime(s.DeliveryStatusAt))
	}
	for i, e := range s.Events {
		out.Events[i] = api.TrackingEvent{Status: api.TrackingEventStatus(e.Status), OccurredAt: apiTime(e.At), Place: e.Place}
	}
	return out
}

// pollStore is what polling a carrier needs of the store.
type pollStore interface {
	StatusRecorder
	ParcelTrackingNumbers(ctx context.Context, carrierCode string, limit int) ([]string, error)
}

// PollStatus asks a carrier's StatusPoller about up to limit of its parcels
// still on their way, oldest first, and records what it answers as the
// API's and files' events are recorded. A poller for a carrier API, once a
// warehouse has a contract for one, is run by calling this on a schedule.
func PollStatus(ctx context.Context, store pollStore, poller soko.StatusPoller, carrierCode string, limit int) (*soko.TrackingRecord, error) {
	numbers, err := store.ParcelTrackingNumbers(ctx, carrierCode, limit)
	if err != nil || len(numbers) == 0 {
		return &soko.TrackingRecord{}, err
	}
	events, err := poller.Poll(ctx, numbers)
	if err != nil {
		return nil, err
	}
	asked := make(map[string]bool, len(numbers))
	for _, n := range numbers {
		asked[n] = true
	}
	kept := events[:0]
	for _, e := range events {
		// A poller answers only for what it was asked: anything else is
		// dropped rather than refusing the whole answer.
		if asked[e.TrackingNumber] && e.Status.Valid() && !e.At.IsZero() {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return &soko.TrackingRecord{}, nil
	}
	return store.RecordTrackingEvents(ctx, 0, kept)
}
