package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// packedOrders stores n packed Yamato orders of one parcel each and returns their ids.
func packedOrders(t *testing.T, db *storage.DB, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	seed := stockSeed(0)
	for i := 0; i < n; i++ {
		seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{
			Number: fmt.Sprintf("L-%03d", i), Status: soko.OrderPacked, Carrier: "yamato", Service: "takkyubin",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, TaxRate: 10}},
		}})
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, o := range seed.Orders {
		ids[i] = o.ID
		if err := db.Exec(ctx, fmt.Sprintf(`INSERT INTO parcels (order_id, seq, box_type, weight_grams, carrier, service) VALUES (%d, 1, 'BOX60', 500, 'yamato', 'takkyubin')`, o.ID)); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func TestLabel_NumbersNeverIssuedTwice(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		one, two := storagetest.MustOpenTwice(t, dialect)
		ids := packedOrders(t, one, 40)
		r := &soko.TrackingRange{Carrier: "yamato", First: 40_000_000_000, Last: 40_000_000_999}
		if err := one.CreateTrackingRange(ctx, r); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		numbers := map[string]int64{}
		for i, id := range ids {
			db := one
			if i%2 == 1 {
				db = two
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := db.Label(ctx, id, 0, "")
				if err != nil {
					t.Errorf("label order %d: %v", id, err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, p := range res.Parcels {
					if other, dup := numbers[p.TrackingNumber]; dup {
						t.Errorf("tracking number %s given to orders %d and %d", p.TrackingNumber, other, id)
					}
					numbers[p.TrackingNumber] = id
					if !carrier.ValidTrackingNumber("yamato", p.TrackingNumber) {
						t.Errorf("tracking number %s has a wrong check digit", p.TrackingNumber)
					}
				}
				if res.Order.Status != soko.OrderLabeled {
					t.Errorf("order %d is %s", id, res.Order.Status)
				}
			}()
		}
		wg.Wait()
		if len(numbers) != 40 {
			t.Fatalf("%d distinct numbers for 40 parcels", len(numbers))
		}
		ranges, _ := one.ListTrackingRanges(ctx)
		if len(ranges) != 1 || ranges[0].Next != 40_000_000_040 || ranges[0].Remaining() != 960 {
			t.Fatalf("range after 40 labels: %+v", ranges)
		}
		// A retry whose answer was lost gets the same labels, no new number.
		first, _ := one.Parcels(ctx, ids[0])
		again, err := one.Label(ctx, ids[0], 0, "")
		if err != nil || len(again.Parcels) != 1 || again.Parcels[0].TrackingNumber != first[0].TrackingNumber || again.Order.Status != soko.OrderLabeled {
			t.Fatalf("labelling a labelled order again: %+v %v", again, err)
		}
		if ranges, _ := one.ListTrackingRanges(ctx); ranges[0].Next != 40_000_000_040 {
			t.Fatalf("labelling again used a number: next %d", ranges[0].Next)
		}
	})
}

func TestLabel_RangeRunsOut(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ids := packedOrders(t, db, 4)
		if _, err := db.Label(ctx, ids[0], 0, ""); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("labelling without a range: %v", err)
		}
		if err := db.CreateTrackingRange(ctx, &soko.TrackingRange{Carrier: "yamato", Service: "takkyubin", First: 100, Last: 102}); err != nil {
			t.Fatal(err)
		}
		first, err := db.Label(ctx, ids[0], 0, "")
		if err != nil || len(first.Warnings) != 1 || first.Parcels[0].TrackingNumber != "000000001002" {
			// 100 mod 7 = 2: the check digit of 00000000100.
			t.Fatalf("first label: %+v %v", first, err)
		}
		for _, id := range ids[1:3] {
			if _, err := db.Label(ctx, id, 0, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Label(ctx, ids[3], 0, ""); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("fourth label from a range of three: %v", err)
		}
		ps, _ := db.Parcels(ctx, ids[3])
		if ps[0].TrackingNumber != "" || ps[0].LabelPrinted {
			t.Fatalf("a failed label left %+v behind", ps[0])
		}
	})
}

// TestCreateTrackingRange_OverlapsAnotherCarrier: two carriers' ranges may
// not share a number, as a tracking number names one parcel whatever its
// carrier; the same carrier's new range replaces its old one as before.
func TestCreateTrackingRange_OverlapsAnotherCarrier(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if err := db.CreateTrackingRange(ctx, &soko.TrackingRange{Carrier: "japanpost", First: 11_863_302_000, Last: 11_863_311_999}); err != nil {
			t.Fatal(err)
		}
		err := db.CreateTrackingRange(ctx, &soko.TrackingRange{Carrier: "yamato", First: 11_863_311_999, Last: 11_863_400_000})
		if soko.ErrorCode(err) != soko.ECONFLICT || soko.ErrorMessage(err, "ja") != "番号帯が japanpost の番号帯 11863302000〜11863311999 と重なっています。伝票番号は配送会社をまたいで重複できません" {
			t.Errorf("an overlapping Yamato range: %v", err)
		}
		if err := db.CreateTrackingRange(ctx, &soko.TrackingRange{Carrier: "yamato", First: 11_863_312_000, Last: 11_863_400_000}); err != nil {
			t.Errorf("the next numbers for Yamato: %v", err)
		}
		if err := db.CreateTrackingRange(ctx, &soko.TrackingRange{Carrier: "japanpost", First: 11_863_302_000, Last: 11_863_302_999}); err != nil {
			t.Errorf("Japan Post's own numbers again: %v", err)
		}
	})
}

// TestAttachTrackingNumbers_AllOrNothing: numbers from a carrier's file are
// attached all or none: a number another carrier's parcel holds, or a
// parcel numbered since the file was checked, leaves every parcel as it
// was and every order packed.
func TestAttachTrackingNumbers_AllOrNothing(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ids := packedOrders(t, db, 3)
		parcel := func(orderID int64) soko.Parcel {
			t.Helper()
			ps, err := db.Parcels(ctx, orderID)
			if err != nil || len(ps) != 1 {
				t.Fatalf("parcels of %d: %+v %v", orderID, ps, err)
			}
			return ps[0]
		}
		if err := db.Exec(ctx, fmt.Sprintf(`UPDATE parcels SET carrier = 'japanpost', tracking_number = '118633020004' WHERE order_id = %d`, ids[2])); err != nil {
			t.Fatal(err)
		}
		a, b := parcel(ids[0]), parcel(ids[1])
		a.TrackingNumber, b.TrackingNumber = "438012540000", "118633020004"
		if _, err := db.AttachTrackingNumbers(ctx, []soko.Parcel{a, b}, 0); soko.ErrorCode(err) != soko.ECONFLICT || !strings.Contains(soko.ErrorMessage(err, "ja"), "118633020004") {
			t.Errorf("a Japan Post parcel's number: %v, want conflict naming it", err)
		}
		if err := db.Exec(ctx, fmt.Sprintf(`UPDATE parcels SET tracking_number = '438012540011' WHERE order_id = %d`, ids[1])); err != nil {
			t.Fatal(err)
		}
		b.TrackingNumber = "438012540022"
		if _, err := db.AttachTrackingNumbers(ctx, []soko.Parcel{a, b}, 0); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("a parcel numbered meanwhile: %v, want conflict", err)
		}
		if p := parcel(ids[0]); p.TrackingNumber != "" {
			t.Errorf("the first parcel kept %s from a refused attach", p.TrackingNumber)
		}
		if o, _ := db.OrderByID(ctx, ids[0]); o.Status != soko.OrderPacked {
			t.Errorf("order %s is %s, want packed", o.Number, o.Status)
		}
	})
}
