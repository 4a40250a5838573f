package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// labelledDock labels five packed orders: L-000…L-002 one Yamato parcel
// each, L-003 two Yamato parcels, L-004 one Sagawa parcel. It returns the
// order ids and the tracking numbers by order number and parcel.
func labelledDock(t *testing.T, db *storage.DB) ([]int64, map[string][]string) {
	t.Helper()
	ctx := context.Background()
	ids := packedOrders(t, db, 5)
	for _, sql := range []string{
		fmt.Sprintf(`INSERT INTO parcels (order_id, seq, box_type, weight_grams, carrier, service) VALUES (%d, 2, 'BOX60', 500, 'yamato', 'takkyubin')`, ids[3]),
		fmt.Sprintf(`UPDATE orders SET carrier = 'sagawa', service = 'hikyaku' WHERE id = %d`, ids[4]),
		fmt.Sprintf(`UPDATE parcels SET carrier = 'sagawa', service = 'hikyaku' WHERE order_id = %d`, ids[4]),
	} {
		if err := db.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []soko.TrackingRange{
		{Carrier: "yamato", First: 30_000_000_000, Last: 30_000_000_999},
		{Carrier: "sagawa", First: 50_000_000_000, Last: 50_000_000_999},
	} {
		if err := db.CreateTrackingRange(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	numbers := map[string][]string{}
	for _, id := range ids {
		res, err := db.Label(ctx, id, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Parcels {
			numbers[res.Order.Number] = append(numbers[res.Order.Number], p.TrackingNumber)
		}
	}
	return ids, numbers
}

func openYamato(t *testing.T, db *storage.DB) *soko.Manifest {
	t.Helper()
	m := &soko.Manifest{Carrier: "yamato", PickupDate: storagetest.Fixed, PickupTime: "23:59"}
	if err := db.OpenManifest(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func numbersOf(ps []soko.ManifestParcel) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.TrackingNumber
	}
	slices.Sort(out)
	return out
}

func TestHandover_LoadAndClose(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ids, numbers := labelledDock(t, db)
		m := openYamato(t, db)
		if again := openYamato(t, db); again.ID != m.ID {
			t.Fatalf("opening the same pickup twice made manifests %d and %d", m.ID, again.ID)
		}
		full, err := db.Manifest(ctx, m.ID)
		if err != nil || len(full.Missing) != 5 || len(full.Loaded) != 0 {
			t.Fatalf("a new manifest expects the 5 Yamato parcels: %+v %v", full, err)
		}

		scan := func(code, id string) (*soko.Manifest, error) {
			_, m, err := db.LoadParcel(ctx, &soko.HandoverScan{ManifestID: m.ID, Code: code, ScanID: id, StaffID: 0, Device: "HH-1"})
			return m, err
		}
		// NW-7 as scanners send it: start/stop characters around the digits.
		if _, err := scan("a"+numbers["L-000"][0]+"a", "s1"); err != nil {
			t.Fatalf("scanning with start/stop characters: %v", err)
		}
		for _, c := range []struct {
			name, code string
			want       string
		}{
			{"duplicate", numbers["L-000"][0], soko.ECONFLICT},
			{"other carrier", numbers["L-004"][0], soko.EINVALID},
			{"unknown number", "999999999999", soko.ENOTFOUND},
		} {
			if _, err := scan(c.code, "x-"+c.name); soko.ErrorCode(err) != c.want {
				t.Errorf("%s: got %v, want %s", c.name, err, c.want)
			}
		}
		// A cancelled order's parcel must not go: cancel L-001 at the door.
		if err := db.Exec(ctx, fmt.Sprintf(`UPDATE orders SET status = 'cancel_requested' WHERE id = %d`, ids[1])); err != nil {
			t.Fatal(err)
		}
		if _, err := scan(numbers["L-001"][0], "s2"); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("a cancelled order's parcel was loaded: %v", err)
		}
		for i, n := range []string{numbers["L-002"][0], numbers["L-003"][0]} {
			if _, err := scan(n, fmt.Sprintf("s%d", i+3)); err != nil {
				t.Fatal(err)
			}
		}
		// The same scan sent again is not applied twice.
		if _, err := scan(numbers["L-002"][0], "s3"); err != soko.ErrScanSeen {
			t.Fatalf("a retried scan: %v", err)
		}
		got, err := db.Manifest(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantLoaded := []string{numbers["L-000"][0], numbers["L-002"][0], numbers["L-003"][0]}
		slices.Sort(wantLoaded)
		if !slices.Equal(numbersOf(got.Loaded), wantLoaded) || !slices.Equal(numbersOf(got.Missing), []string{numbers["L-003"][1]}) {
			t.Fatalf("loaded %v missing %v", numbersOf(got.Loaded), numbersOf(got.Missing))
		}

		// L-000's customer gets the shipment email; L-002's has no address.
		if err := db.Exec(ctx, fmt.Sprintf(`UPDATE orders SET recipient_email = 'hanako@example.jp' WHERE id = %d`, ids[0])); err != nil {
			t.Fatal(err)
		}
		// Missing parcels need a supervisor.
		if _, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID}); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("closing with a parcel missing and no supervisor: %v", err)
		}
		boss := &soko.Staff{BadgeCode: "S100", Name: "佐藤 主任", Role: soko.RoleSupervisor, PINHash: "x", Active: true}
		if err := db.CreateStaff(ctx, boss); err != nil {
			t.Fatal(err)
		}
		res, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID, ConfirmedBy: boss.ID, Device: "HH-1"})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(res.Shipped)
		if !slices.Equal(res.Shipped, []string{"L-000", "L-002"}) || !slices.Equal(res.Waiting, []string{"L-003"}) {
			t.Fatalf("shipped %v waiting %v", res.Shipped, res.Waiting)
		}
		if res.Manifest.Status != soko.ManifestClosed || res.Manifest.ConfirmedByName != "佐藤 主任" || !slices.Equal(numbersOf(res.Manifest.Missing), []string{numbers["L-003"][1]}) {
			t.Fatalf("closed manifest: %+v", res.Manifest)
		}
		for id, want := range map[int64]soko.OrderStatus{ids[0]: soko.OrderShipped, ids[2]: soko.OrderShipped, ids[3]: soko.OrderLabeled, ids[4]: soko.OrderLabeled} {
			if o, _ := db.OrderByID(ctx, id); o.Status != want {
				t.Errorf("order %s is %s, want %s", o.Number, o.Status, want)
			}
		}
		first, _ := db.OrderByID(ctx, ids[0])
		events, _ := db.ListOrderEvents(ctx, first.MerchantID, "L-000")
		if last := events[len(events)-1]; last.Action != soko.ActionShip || last.Device != "HH-1" {
			t.Fatalf("last event of a shipped order: %+v", last)
		}
		mails, _, err := db.ClaimDue(ctx, "email", 10, time.Minute)
		if err != nil || len(mails) != 1 {
			t.Fatalf("emails queued by the closing: %d %v", len(mails), err)
		}
		var mail soko.EmailMessage
		if err := json.Unmarshal(mails[0].Payload, &mail); err != nil {
			t.Fatal(err)
		}
		if mail.To != "hanako@example.jp" || !strings.Contains(mail.Subject, "L-000") ||
			!strings.Contains(mail.Body, "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id="+numbers["L-000"][0]) {
			t.Fatalf("the shipment email: %+v", mail)
		}
		third, _ := db.OrderByID(ctx, ids[2])
		events, _ = db.ListOrderEvents(ctx, third.MerchantID, "L-002")
		if last := events[len(events)-1]; last.Action != "email_skipped" {
			t.Fatalf("an order without an email address does not record the skip: %+v", last)
		}
		if _, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID, ConfirmedBy: 1}); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("closing twice: %v", err)
		}

		// The next pickup expects the second parcel of L-003; loading it ships the order.
		next := &soko.Manifest{Carrier: "yamato", PickupDate: storagetest.Fixed.Add(24 * time.Hour)}
		if err := db.OpenManifest(ctx, next); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.LoadParcel(ctx, &soko.HandoverScan{ManifestID: next.ID, Code: numbers["L-003"][0], ScanID: "n0"}); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("a parcel handed over yesterday was loaded again: %v", err)
		}
		if _, _, err := db.LoadParcel(ctx, &soko.HandoverScan{ManifestID: next.ID, Code: numbers["L-003"][1], ScanID: "n1"}); err != nil {
			t.Fatal(err)
		}
		res, err = db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: next.ID})
		if err != nil || !slices.Equal(res.Shipped, []string{"L-003"}) {
			t.Fatalf("second pickup: %+v %v", res, err)
		}
	})
}

// The invariants hold after a day at the dock, and a broken ledger, an
// oversold shelf and a lost order are each found.
func TestCheckInvariants_AfterHandover(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, numbers := labelledDock(t, db)
		m := openYamato(t, db)
		if _, _, err := db.LoadParcel(ctx, &soko.HandoverScan{ManifestID: m.ID, Code: numbers["L-000"][0], ScanID: "c1"}); err != nil {
			t.Fatal(err)
		}
		boss := &soko.Staff{BadgeCode: "S100", Name: "佐藤 主任", Role: soko.RoleSupervisor, PINHash: "x", Active: true}
		if err := db.CreateStaff(ctx, boss); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID, ConfirmedBy: boss.ID}); err != nil {
			t.Fatal(err)
		}
		acked := []storage.OrderKey{{Merchant: "SAKURA", Number: "L-000"}, {Merchant: "SAKURA", Number: "L-004"}}
		checks, err := db.CheckInvariants(ctx, acked)
		if err != nil {
			t.Fatal(err)
		}
		if len(checks) != 9 { // ledger, stock feed, oversell, notices, tracking numbers, delivery status, returns, scans, acknowledged orders
			t.Fatalf("%d checks", len(checks))
		}
		for _, c := range checks {
			if len(c.Problems) > 0 {
				t.Errorf("%s: %v", c.Name, c.Problems)
			}
		}
		// Break the books three ways; each is found by its own check.
		if err := db.Exec(ctx, `UPDATE stock SET on_hand = on_hand + 1 WHERE id = (SELECT MIN(id) FROM stock)`); err != nil {
			t.Fatal(err)
		}
		checks, _ = db.CheckInvariants(ctx, append(acked, storage.OrderKey{Merchant: "SAKURA", Number: "LOST-1"}))
		found := map[string]int{}
		for _, c := range checks {
			found[c.Name] = len(c.Problems)
		}
		if found["stock ledger"] != 1 || found["acknowledged orders exist once"] != 1 {
			t.Errorf("problems found per check: %v", found)
		}
	})
}

// TestOpenManifest_BlankTimeJoinsTheDaysPickup: opening a carrier's pickup
// without a time, while one is open for that carrier and day, joins it (the
// issue 14 dock opened a second); a different time, day or carrier is its own.
func TestOpenManifest_BlankTimeJoinsTheDaysPickup(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		first := openYamato(t, db)
		for _, c := range []struct {
			m    soko.Manifest
			same bool
		}{
			{soko.Manifest{Carrier: "yamato", PickupDate: storagetest.Fixed}, true},
			{soko.Manifest{Carrier: "yamato", PickupDate: storagetest.Fixed, PickupTime: "23:59"}, true},
			{soko.Manifest{Carrier: "yamato", PickupDate: storagetest.Fixed, PickupTime: "10:00"}, false},
			{soko.Manifest{Carrier: "yamato", PickupDate: storagetest.Fixed.Add(24 * time.Hour)}, false},
			{soko.Manifest{Carrier: "sagawa", PickupDate: storagetest.Fixed}, false},
		} {
			m := c.m
			if err := db.OpenManifest(ctx, &m); err != nil {
				t.Fatal(err)
			}
			if (m.ID == first.ID) != c.same {
				t.Errorf("%s %s %q: manifest %d, the open one is %d", c.m.Carrier, c.m.PickupDate.Format("2006-01-02"), c.m.PickupTime, m.ID, first.ID)
			}
		}
	})
}
