package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// Personal values the tests give every order, to look for afterwards.
const (
	customerName  = "渡辺 花子"
	customerEmail = "hanako.watanabe@example.jp"
	customerPhone = "090-1234-5678"
	customerGift  = "花子さん お誕生日おめでとう"
)

// shippedDock labels five orders of customers with a name, email, phone
// and gift message, subscribes their merchant to webhooks and ships L-000
// and L-002 at storagetest.Fixed, which queues their emails and webhooks.
// It returns the merchant's id and the orders' tracking numbers.
func shippedDock(t *testing.T, db *storage.DB) (int64, map[string][]string) {
	t.Helper()
	ctx := context.Background()
	ids, numbers := labelledDock(t, db)
	if err := db.Exec(ctx, fmt.Sprintf(`UPDATE orders SET recipient_name = '%s', recipient_email = '%s', recipient_phone = '%s',
		recipient_building = 'さくらハイツ101', gift_message = '%s'`, customerName, customerEmail, customerPhone, customerGift)); err != nil {
		t.Fatal(err)
	}
	o, err := db.OrderByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: o.MerchantID, URL: "https://shop.example/hooks", Active: true}, false); err != nil {
		t.Fatal(err)
	}
	shipper := &soko.Staff{BadgeCode: "L100", Name: "小林 蓮", Role: soko.RoleShipper, PINHash: "x", Active: true}
	boss := &soko.Staff{BadgeCode: "S100", Name: "佐藤 主任", Role: soko.RoleSupervisor, PINHash: "x", Active: true}
	for _, s := range []*soko.Staff{shipper, boss} {
		if err := db.CreateStaff(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	m := openYamato(t, db)
	for i, n := range []string{numbers["L-000"][0], numbers["L-002"][0]} {
		if _, _, err := db.LoadParcel(ctx, &soko.HandoverScan{ManifestID: m.ID, Code: n, ScanID: fmt.Sprint("load-", i), StaffID: shipper.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID, StaffID: shipper.ID, ConfirmedBy: boss.ID}); err != nil {
		t.Fatal(err)
	}
	return o.MerchantID, numbers
}

// mustNotifications returns every queued email and webhook of the orders, by order number.
func mustNotifications(t *testing.T, db *storage.DB, merchantID int64) map[string][]*soko.OutboxMessage {
	t.Helper()
	ms, err := db.ListDeliveries(context.Background(), soko.DeliveryFilter{MerchantID: merchantID}, soko.Page{Limit: soko.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*soko.OutboxMessage{}
	for _, m := range ms {
		out[m.OrderNumber] = append(out[m.OrderNumber], m)
	}
	return out
}

// personalIn names the customer's values found in text.
func personalIn(text string) []string {
	var found []string
	for _, v := range []string{customerName, customerEmail, customerPhone, customerGift, "さくらハイツ101"} {
		if strings.Contains(text, v) {
			found = append(found, v)
		}
	}
	return found
}

func mustOrder(t *testing.T, db *storage.DB, merchantID int64, number string) *soko.Order {
	t.Helper()
	o, err := db.FindOrder(context.Background(), merchantID, number)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestRetention_ErasesShippedOrdersAfterTheirDays: with 30 days of
// retention, the daily job erases nothing on day 29, and on day 31 erases
// the customers of the two shipped orders — in the orders and in their
// emails — keeping area, quantities, dates and tracking numbers, while the
// orders still on the dock keep their address; a second run changes nothing.
func TestRetention_ErasesShippedOrdersAfterTheirDays(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		merchantID, numbers := shippedDock(t, db)
		before := mustNotifications(t, db, merchantID)
		if len(before["L-000"]) < 2 || len(personalIn(string(before["L-000"][0].Payload)+string(before["L-000"][1].Payload))) == 0 {
			t.Fatalf("L-000's notifications %v should name its customer before retention ends", before["L-000"])
		}
		if n, err := db.EraseExpired(ctx); err != nil || n != 0 {
			t.Fatalf("with retention 0 (keep) the job erased %d orders, %v", n, err)
		}
		if _, err := db.SetRetention(ctx, merchantID, -1); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("retention -1: %v, want EINVALID", err)
		}
		m, err := db.SetRetention(ctx, merchantID, 30)
		if err != nil || m.RetentionDays != 30 {
			t.Fatalf("set retention: %+v %v", m, err)
		}
		db.Now = func() time.Time { return storagetest.Fixed.AddDate(0, 0, 29) }
		if n, err := db.EraseExpired(ctx); err != nil || n != 0 {
			t.Fatalf("on day 29 the job erased %d orders, %v", n, err)
		}
		db.Now = func() time.Time { return storagetest.Fixed.AddDate(0, 0, 31) }
		if n, err := db.EraseExpired(ctx); err != nil || n != 2 {
			t.Fatalf("on day 31 the job erased %d orders, %v; want the 2 shipped", n, err)
		}
		if n, err := db.EraseExpired(ctx); err != nil || n != 0 {
			t.Fatalf("the job run again erased %d orders, %v", n, err)
		}
		for _, number := range []string{"L-000", "L-002"} {
			o := mustOrder(t, db, merchantID, number)
			r := o.Recipient
			if r.Name != soko.ErasedMark || r.Email != "" || r.Phone != soko.ErasedMark || r.Street != soko.ErasedMark || o.Gift.Message != soko.ErasedMark {
				t.Errorf("%s after retention: %+v gift %q", number, r, o.Gift.Message)
			}
			if r.PostalCode != "1000005" || r.Prefecture != "東京都" || len(o.Lines) != 1 || o.Lines[0].Quantity != 1 || !o.CreatedAt.Equal(storagetest.Fixed) {
				t.Errorf("%s lost what statistics need: %+v lines %+v created %v", number, r, o.Lines, o.CreatedAt)
			}
		}
		after := mustNotifications(t, db, merchantID)
		sawTracking := false
		for _, number := range []string{"L-000", "L-002"} {
			for _, msg := range after[number] {
				if found := personalIn(string(msg.Payload)); len(found) > 0 {
					t.Errorf("%s %s still holds %v: %s", number, msg.Channel, found, msg.Payload)
				}
				if msg.Channel == "email" && strings.Contains(string(msg.Payload), numbers[number][0]) {
					sawTracking = true
				}
			}
		}
		if !sawTracking {
			t.Error("the erased emails lost their tracking numbers")
		}
		if o := mustOrder(t, db, merchantID, "L-001"); o.Recipient.Name != customerName || o.Recipient.Email != customerEmail {
			t.Errorf("L-001, not shipped, lost its address: %+v", o.Recipient)
		}
		events, err := db.ListOrderEvents(ctx, merchantID, "L-000")
		if err != nil || events[len(events)-1].Action != soko.ActionErasePersonalData {
			t.Errorf("L-000's history does not end with the erasure: %+v %v", events, err)
		}
	})
}

// TestErasePersonalData_OnRequest: a merchant erases one customer of a
// shipped order at once, including the answer kept for a retried create;
// an order still waiting to ship is refused with a conflict, and erasing
// again changes nothing.
func TestErasePersonalData_OnRequest(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		merchantID, _ := shippedDock(t, db)
		if err := db.Exec(ctx, fmt.Sprintf(`INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, content_type, response_body, created_at)
			VALUES (%d, 'create-L-000', 'h', 201, 'application/json', '{"order_no":"L-000","recipient":{"name":"%s","email":"%s"}}', '2026-11-23T09:00:00.000000Z')`,
			merchantID, customerName, customerEmail)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ErasePersonalData(ctx, merchantID, "L-001"); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("erasing L-001, labelled but not shipped: %v, want ECONFLICT", err)
		}
		if _, err := db.ErasePersonalData(ctx, merchantID, "NOPE"); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("erasing an unknown order: %v, want ENOTFOUND", err)
		}
		searched := func() int {
			t.Helper()
			got, err := db.SearchOrders(ctx, soko.OrderSearch{Customer: customerName, MerchantID: merchantID})
			if err != nil {
				t.Fatal(err)
			}
			return len(got)
		}
		before := searched()
		o, err := db.ErasePersonalData(ctx, merchantID, "L-000")
		if err != nil || o.Recipient.Name != soko.ErasedMark || len(o.Lines) != 1 {
			t.Fatalf("erase L-000: %+v %v", o, err)
		}
		if after := searched(); before == 0 || after != before-1 {
			t.Errorf("searching for the customer finds %d orders before the erasure and %d after: the erased one must not be found", before, after)
		}
		again, err := db.ErasePersonalData(ctx, merchantID, "L-000")
		if err != nil || again.Recipient != o.Recipient || !again.UpdatedAt.Equal(o.UpdatedAt) {
			t.Fatalf("erasing twice: %+v %v, want %+v unchanged", again, err, o)
		}
		for _, msg := range mustNotifications(t, db, merchantID)["L-000"] {
			if found := personalIn(string(msg.Payload)); len(found) > 0 {
				t.Errorf("%s still holds %v", msg.Channel, found)
			}
			if msg.Channel == "email" && msg.Status != soko.OutboxDead {
				t.Errorf("the email to the erased customer is %s, want dead: it has no recipient any more", msg.Status)
			}
		}
		kept, err := db.FindIdempotentRequest(ctx, merchantID, "create-L-000")
		if err != nil {
			t.Fatal(err)
		}
		if found := personalIn(string(kept.Body)); len(found) > 0 || !strings.Contains(string(kept.Body), "L-000") {
			t.Errorf("the kept answer %s still holds %v", kept.Body, found)
		}
		if o := mustOrder(t, db, merchantID, "L-002"); o.Recipient.Name != customerName {
			t.Errorf("L-002, another order of the same customer not asked for, changed: %+v", o.Recipient)
		}
	})
}
