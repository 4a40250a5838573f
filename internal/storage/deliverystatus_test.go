package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustParcels gives order SKR-1 of the small warehouse n handed-over
// parcels with tracking numbers 9000000000001…, and returns the numbers.
func mustParcels(tb testing.TB, db *storage.DB, n int) []string {
	tb.Helper()
	numbers := make([]string, n)
	for i := range n {
		numbers[i] = fmt.Sprintf("9%011d", i+1)
		if err := db.Exec(context.Background(), fmt.Sprintf(`INSERT INTO parcels (order_id, seq, carrier, service, tracking_number, handed_over_at)
			SELECT id, %d, 'yamato', 'takkyubin', '%s', '%s' FROM orders WHERE number = 'SKR-1'`, i+1, numbers[i], storagetest.Fixed.UTC().Format("2006-01-02T15:04:05.000000Z"))); err != nil {
			tb.Fatal(err)
		}
	}
	return numbers
}

// TestTrackingEvents_ConcurrentOverlappingBatches: two partners push
// overlapping batches at once, in different orders; every event is kept
// once, each parcel ends at its latest event's status, and every event
// counts as recorded by exactly one of them.
func TestTrackingEvents_ConcurrentOverlappingBatches(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustSmallWarehouse(t, db)
		numbers := mustParcels(t, db, 20)
		var batch []soko.TrackingEvent
		for i, n := range numbers {
			base := storagetest.Fixed.Add(time.Duration(i) * time.Minute)
			batch = append(batch,
				soko.TrackingEvent{TrackingNumber: n, Status: soko.DeliveryInTransit, At: base.Add(time.Hour), Place: "羽田", Source: "api"},
				soko.TrackingEvent{TrackingNumber: n, Status: soko.DeliveryOutForDelivery, At: base.Add(20 * time.Hour), Source: "api"},
				// Delivered at the same moment as out for delivery: the later status wins the tie.
				soko.TrackingEvent{TrackingNumber: n, Status: soko.DeliveryDelivered, At: base.Add(20 * time.Hour), Source: "api"},
			)
		}
		reversed := make([]soko.TrackingEvent, len(batch))
		for i, e := range batch {
			reversed[len(batch)-1-i] = e
		}
		var wg sync.WaitGroup
		records := make([]*soko.TrackingRecord, 2)
		for i, b := range [][]soko.TrackingEvent{batch, reversed} {
			wg.Go(func() {
				rec, err := db.RecordTrackingEvents(ctx, 0, b)
				if err != nil {
					t.Error(err)
					return
				}
				records[i] = rec
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		if r := records[0].Recorded + records[1].Recorded; r != len(batch) || records[0].Duplicates+records[1].Duplicates != len(batch) {
			t.Fatalf("recorded %+v and %+v; want %d events kept once", records[0], records[1], len(batch))
		}
		ss, err := db.ListShipments(ctx, soko.ShipmentFilter{MerchantID: merchantID(t, db, "SAKURA"), Page: soko.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			if s.DeliveryStatus != soko.DeliveryDelivered || len(s.Events) != 3 || s.Events[0].Status != soko.DeliveryInTransit || s.Events[0].Place != "羽田" {
				t.Fatalf("parcel %s: %s with events %+v", s.TrackingNumber, s.DeliveryStatus, s.Events)
			}
		}
		checks, err := db.CheckInvariants(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if len(c.Problems) > 0 {
				t.Errorf("soko check %s: %v", c.Name, c.Problems)
			}
		}
		// soko check finds a parcel whose status is not its latest event's.
		if err := db.Exec(ctx, "UPDATE parcels SET delivery_status = 'absent' WHERE tracking_number = '"+numbers[3]+"'"); err != nil {
			t.Fatal(err)
		}
		checks, _ = db.CheckInvariants(ctx, nil)
		found := false
		for _, c := range checks {
			found = found || (c.Name == "delivery status is the latest event's" && len(c.Problems) == 1)
		}
		if !found {
			t.Errorf("soko check missed a parcel out of step with its events: %+v", checks)
		}
		// Another merchant's key cannot touch SAKURA's parcels.
		if _, err := db.RecordTrackingEvents(ctx, merchantID(t, db, "MIDORI"), batch[:1]); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("MIDORI's event for SAKURA's parcel: %v", err)
		}
	})
}

func merchantID(tb testing.TB, db *storage.DB, code string) int64 {
	tb.Helper()
	m, err := db.FindMerchantByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return m.ID
}
