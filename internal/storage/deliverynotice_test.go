package storage_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestDeliveryNotices_OptInEmails: a merchant that asks for them has its
// customer emailed once when the parcel is left as absent and once when it
// is delivered, in Japanese first; repeated and older events send nothing
// more, and a merchant that has not asked sends none.
func TestDeliveryNotices_OptInEmails(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustSmallWarehouse(t, db)
		if err := db.Exec(ctx, `UPDATE orders SET status = 'shipped', recipient_email = 'taro@example.jp' WHERE number = 'SKR-1'`); err != nil {
			t.Fatal(err)
		}
		number := mustParcels(t, db, 1)[0]
		emails := func() map[string][]soko.EmailMessage {
			var rows []struct{ EventType, Payload string }
			if err := storage.Conn(db, ctx).Table("outbox").Select("event_type, payload").Where("channel = 'email'").Order("id").Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			out := map[string][]soko.EmailMessage{}
			for _, r := range rows {
				var m soko.EmailMessage
				if err := json.Unmarshal([]byte(r.Payload), &m); err != nil {
					t.Fatal(err)
				}
				out[r.EventType] = append(out[r.EventType], m)
			}
			return out
		}
		at := func(h int) time.Time { return storagetest.Fixed.Add(time.Duration(h) * time.Hour) }
		event := func(s soko.DeliveryStatus, h int) soko.TrackingEvent {
			return soko.TrackingEvent{TrackingNumber: number, Status: s, At: at(h), Place: "千代田丸の内センター", Source: "api"}
		}
		if _, err := db.RecordTrackingEvents(ctx, 0, []soko.TrackingEvent{event(soko.DeliveryInTransit, 2), event(soko.DeliveryAbsent, 10)}); err != nil {
			t.Fatal(err)
		}
		if got := emails(); len(got) != 0 {
			t.Fatalf("a merchant that did not ask sent %v", got)
		}
		m, err := db.FindMerchantByCode(ctx, "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SaveEmailTemplate(ctx, m.ID, soko.EmailTemplate{DeliveryNotices: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordTrackingEvents(ctx, 0, []soko.TrackingEvent{event(soko.DeliveryOutForDelivery, 25)}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := db.RecordTrackingEvents(ctx, 0, []soko.TrackingEvent{event(soko.DeliveryAbsent, 30), event(soko.DeliveryOutForDelivery, 25)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.RecordTrackingEvents(ctx, 0, []soko.TrackingEvent{event(soko.DeliveryDelivered, 45), event(soko.DeliveryAbsent, 40)}); err != nil {
			t.Fatal(err)
		}
		got := emails()
		absent, delivered := got["shipment.absent"], got["shipment.delivered"]
		if len(got) != 2 || len(absent) != 1 || len(delivered) != 1 {
			t.Fatalf("notices %v, want one absent and one delivered", got)
		}
		if a := absent[0]; a.To != "taro@example.jp" || !strings.Contains(a.Subject, "ご不在でした") || !strings.Contains(a.Body, "再配達") ||
			!strings.Contains(a.Body, "ヤマト運輸 "+number) || !strings.Contains(a.Body, "nobody was in") {
			t.Errorf("absent notice: %+v", a)
		}
		if d := delivered[0]; !strings.Contains(d.Subject, "お届けが完了しました（ご注文番号: SKR-1）") || !strings.Contains(d.Body, "2026年11月25日 15:00") {
			t.Errorf("delivered notice: %+v", d)
		}
	})
}
