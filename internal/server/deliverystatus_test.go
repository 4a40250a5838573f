package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
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
		sh := shipments(t, s.shop.must(200, "GET", "/api/v1/shipments", nil))[0]
		if !pointsTo(sh.DeliveryStatus, "delivered") || len(sh.Events) != 2 {
			t.Fatalf("shipment after polling: %+v", sh)
		}
	})
}

// shipments reads an answer that lists shipments.
func shipments(tb testing.TB, r reply) []api.Shipment { return decode[api.ShipmentList](tb, r).Data }

// TestTrackingEvents_BadInput: what a partner's integration gets wrong is
// refused with 4xx naming the field, and only a key with the tracking
// scope (or none) may push events; a carrier integration's key limited to
// tracking reads nothing.
func TestTrackingEvents_BadInput(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustAPIServer(t, db, Config{})
	shop := client{t, h, keySakura}
	event := func(number, status, at string) map[string]any {
		return map[string]any{"tracking_number": number, "status": status, "occurred_at": at}
	}
	many := make([]map[string]any, soko.MaxTrackingEvents+1)
	for i := range many {
		many[i] = event("123456789013", "delivered", "2026-12-05T10:00:00+09:00")
	}
	for _, c := range []struct {
		name  string
		body  any
		field string
	}{
		{"unknown status", map[string]any{"events": []any{event("123456789013", "lost", "2026-12-05T10:00:00+09:00")}}, "events[0].status"},
		{"no time", map[string]any{"events": []any{map[string]any{"tracking_number": "123456789013", "status": "delivered"}}}, "events[0].occurred_at"},
		{"a date for a time", map[string]any{"events": []any{event("123456789013", "delivered", "2026-12-05")}}, "events[0].occurred_at"},
		{"no events", map[string]any{"events": []any{}}, "events"},
		{"too many", map[string]any{"events": many}, "events"},
		{"a place too long", map[string]any{"events": []any{map[string]any{"tracking_number": "123456789013", "status": "held",
			"occurred_at": "2026-12-05T10:00:00Z", "place": strings.Repeat("営", 101)}}}, "events[0].place"},
		{"unknown parcel", map[string]any{"events": []any{event("123456789013", "delivered", "2026-12-05T10:00:00Z")}}, "events[0].tracking_number"},
	} {
		r := shop.do("POST", "/api/v1/tracking-events", c.body)
		if r.Status != 422 || !contains(r.fields(), c.field) {
			t.Errorf("%s: %d %s, want 422 naming %s", c.name, r.Status, r.Raw, c.field)
		}
	}
	sakura, err := db.FindMerchantByCode(context.Background(), "SAKURA")
	if err != nil {
		t.Fatal(err)
	}
	for secret, scope := range map[string]string{"soko_trackingonlyaaaaaaaaaaaaaaaaaaaaa": soko.ScopeTracking, "soko_ordersonlyaaaaaaaaaaaaaaaaaaaaaaa": soko.ScopeOrders} {
		k := &soko.APIKey{MerchantID: sakura.ID, Prefix: soko.APIKeyPrefix(secret), Hash: soko.HashAPIKey(secret), Scopes: []string{scope}}
		if err := db.CreateAPIKey(context.Background(), k); err != nil {
			t.Fatal(err)
		}
		c := client{t, h, secret}
		push := c.do("POST", "/api/v1/tracking-events", map[string]any{"events": []any{event("123456789013", "delivered", "2026-12-05T10:00:00Z")}})
		read := c.do("GET", "/api/v1/orders", nil)
		if scope == soko.ScopeTracking && (push.Status != 422 || read.Status != 403) {
			t.Errorf("tracking key: push %d, read orders %d; want 422 (no such parcel) and 403", push.Status, read.Status)
		}
		if scope == soko.ScopeOrders && push.Status != 403 {
			t.Errorf("orders key pushing events: %d %s, want 403", push.Status, push.Raw)
		}
	}
}
