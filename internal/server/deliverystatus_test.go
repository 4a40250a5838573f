package server

import (
	"context"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// carrierAPI is a carrier's tracking API as a poller sees it: it knows
// some parcels' events, and sends an event for a parcel nobody asked about.
type carrierAPI struct {
	asked  []string
	events map[string][]soko.TrackingEvent
}

func (c *carrierAPI) Poll(_ context.Context, numbers []string) ([]soko.TrackingEvent, error) {
	c.asked = append(c.asked, numbers...)
	var out []soko.TrackingEvent
	for _, n := range numbers {
		out = append(out, c.events[n]...)
	}
	return append(out, soko.TrackingEvent{TrackingNumber: "999999999990", Status: soko.DeliveryDelivered, At: storagetest.Fixed, Source: "yamato-api"}), nil
}

// TestPollStatus_RecordsWhatTheCarrierSays: a poller is asked about the
// carrier's parcels not delivered yet, its events are recorded like any
// other's (repeats dropped), and a delivered parcel is not asked about again.
func TestPollStatus_RecordsWhatTheCarrierSays(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := mustShippingSite(t, db)
		s.createOrder("SO-1")
		number := s.ship("SO-1")[0]
		at := s.clock.now().Add(30 * time.Hour)
		api := &carrierAPI{events: map[string][]soko.TrackingEvent{number: {
			{TrackingNumber: number, Status: soko.DeliveryOutForDelivery, At: at.Add(-2 * time.Hour), Place: "千代田", Source: "yamato-api"},
			{TrackingNumber: number, Status: soko.DeliveryDelivered, At: at, Place: "千代田", Source: "yamato-api"},
		}}}
		rec, err := PollStatus(ctx, db, api, "yamato", 100)
		if err != nil || rec.Recorded != 2 || rec.Changed[number] != soko.DeliveryDelivered {
			t.Fatalf("first poll: %+v %v", rec, err)
		}
		if rec, err := PollStatus(ctx, db, api, "sagawa", 100); err != nil || rec.Recorded != 0 {
			t.Fatalf("another carrier's poll: %+v %v", rec, err)
		}
		if rec, err := PollStatus(ctx, db, api, "yamato", 100); err != nil || rec.Recorded != 0 || len(api.asked) != 1 {
			t.Fatalf("second poll: %+v %v; asked %v", rec, err, api.asked)
		}
		sh := s.shop.must(200, "GET", "/api/v1/shipments", nil).JSON["data"].([]any)[0].(map[string]any)
		if sh["delivery_status"] != "delivered" || len(sh["events"].([]any)) != 2 {
			t.Fatalf("shipment after polling: %v", sh)
		}
	})
}
