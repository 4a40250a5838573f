package storage_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// MustQueueCancellations queues n order.cancelled webhooks to the shop's
// endpoint, which takes every event, and returns the merchant's id.
func MustQueueCancellations(tb testing.TB, db *storage.DB, n int) int64 {
	tb.Helper()
	return storagetest.MustQueueCancellations(tb, db, n, &soko.WebhookEndpoint{URL: "https://shop.example/hooks", Active: true})
}

func mustOutbox(tb testing.TB, db *storage.DB, merchantID int64) map[int64]*soko.OutboxMessage {
	tb.Helper()
	ms, err := db.ListWebhookDeliveries(context.Background(), merchantID, "", 0, soko.Page{Limit: soko.MaxPageSize})
	if err != nil {
		tb.Fatal(err)
	}
	byID := map[int64]*soko.OutboxMessage{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	return byID
}

func TestClaimDue_TwoProcessesNeverShareAMessage(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		a, b := storagetest.MustOpenTwice(t, dialect)
		const n = 30
		MustQueueCancellations(t, a, n)
		var mu sync.Mutex
		claimed := map[int64]int{}
		var wg sync.WaitGroup
		for _, db := range []*storage.DB{a, b, a, b} {
			wg.Go(func() {
				for {
					ms, _, err := db.ClaimDue(ctx, "webhook", 3, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ms) == 0 {
						return
					}
					mu.Lock()
					for _, m := range ms {
						claimed[m.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(claimed) != n {
			t.Fatalf("claimed %d messages, want %d", len(claimed), n)
		}
		for id, times := range claimed {
			if times != 1 {
				t.Errorf("message %d claimed %d times", id, times)
			}
		}
	})
}

func TestClaimDue_LeaseHidesClaimedMessages(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		merchantID := MustQueueCancellations(t, db, 2)
		first, eps, err := db.ClaimDue(ctx, "webhook", 1, time.Minute)
		if err != nil || len(first) != 1 {
			t.Fatalf("first claim: %v %v", first, err)
		}
		m := first[0]
		if m.EventType != "order.cancelled" || m.MerchantID != merchantID || !m.NextAttempt.Equal(storagetest.Fixed.Add(time.Minute)) {
			t.Fatalf("claimed %+v", m)
		}
		if ep := eps[merchantID]; ep == nil || ep.URL != "https://shop.example/hooks" || ep.Secret == "" || !ep.Active {
			t.Fatalf("endpoint %+v", ep)
		}
		if ms, _, _ := db.ClaimDue(ctx, "email", 10, time.Minute); len(ms) != 0 {
			t.Fatalf("email channel claimed webhooks: %v", ms)
		}
		second, _, err := db.ClaimDue(ctx, "webhook", 10, time.Minute)
		if err != nil || len(second) != 1 || second[0].ID == m.ID {
			t.Fatalf("second claim took %v (%v), want only the other message", second, err)
		}
		if ms, _, _ := db.ClaimDue(ctx, "webhook", 10, time.Minute); len(ms) != 0 {
			t.Fatalf("claimed again within the lease: %v", ms)
		}
		db.Now = func() time.Time { return storagetest.Fixed.Add(time.Minute) }
		again, _, err := db.ClaimDue(ctx, "webhook", 10, time.Minute)
		if err != nil || len(again) != 2 || again[0].ID != m.ID {
			t.Fatalf("after the lease: %v (%v), want both, first claimed first", again, err)
		}
	})
}

func TestRecordDelivery_FailureSuccessDead(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		merchantID := MustQueueCancellations(t, db, 2)
		ms, _, err := db.ClaimDue(ctx, "webhook", 10, time.Minute)
		if err != nil || len(ms) != 2 {
			t.Fatalf("claim: %v %v", ms, err)
		}
		retried, doomed := ms[0].ID, ms[1].ID
		// Due again while the other message is still claimed.
		next := storagetest.Fixed.Add(30 * time.Second)
		fail := soko.WebhookDelivery{StatusCode: 500, Error: "HTTP 500", DurationMS: 12}
		if err := db.RecordDelivery(ctx, ms[0], fail, false, next, false); err != nil {
			t.Fatal(err)
		}
		got := mustOutbox(t, db, merchantID)[retried]
		if got.Status != soko.OutboxPending || got.Attempts != 1 || got.LastError != "HTTP 500" || !got.NextAttempt.Equal(next) {
			t.Fatalf("after a failure: %+v", got)
		}
		db.Now = func() time.Time { return next }
		again, _, err := db.ClaimDue(ctx, "webhook", 10, time.Minute)
		if err != nil || len(again) != 1 || again[0].ID != retried {
			t.Fatalf("claim the retry: %v %v", again, err)
		}
		if err := db.RecordDelivery(ctx, again[0], soko.WebhookDelivery{StatusCode: 204, DurationMS: 3, CreatedAt: storagetest.Fixed}, true, time.Time{}, false); err != nil {
			t.Fatal(err)
		}
		got = mustOutbox(t, db, merchantID)[retried]
		if got.Status != soko.OutboxDelivered || got.Attempts != 2 || got.LastError != "" {
			t.Fatalf("after a success: %+v", got)
		}
		log, err := db.ListDeliveryAttempts(ctx, retried)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || log[0].Attempt != 1 || log[0].StatusCode != 500 || log[0].Error != "HTTP 500" || log[0].DurationMS != 12 ||
			log[1].Attempt != 2 || log[1].StatusCode != 204 || !log[1].CreatedAt.Equal(storagetest.Fixed) {
			t.Fatalf("delivery log %+v", log)
		}

		if err := db.RecordDelivery(ctx, ms[1], soko.WebhookDelivery{Error: "no webhook endpoint"}, false, time.Time{}, true); err != nil {
			t.Fatal(err)
		}
		got = mustOutbox(t, db, merchantID)[doomed]
		if got.Status != soko.OutboxDead || got.Attempts != 1 || got.LastError != "no webhook endpoint" {
			t.Fatalf("after dying: %+v", got)
		}
		db.Now = func() time.Time { return storagetest.Fixed.Add(48 * time.Hour) }
		if ms, _, _ := db.ClaimDue(ctx, "webhook", 10, time.Minute); len(ms) != 0 {
			t.Fatalf("delivered or dead messages claimed: %v", ms)
		}
		if err := db.RecordDelivery(ctx, soko.OutboxMessage{ID: 999999}, fail, false, next, false); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("unknown message: %v", err)
		}
	})
}

// A worker that outlived its lease answers late: another worker took the
// message and recorded the same attempt first, so the late one changes nothing.
func TestRecordDelivery_LateWorkerChangesNothing(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		merchantID := MustQueueCancellations(t, db, 1)
		slow, _, err := db.ClaimDue(ctx, "webhook", 1, time.Minute)
		if err != nil || len(slow) != 1 {
			t.Fatalf("claim: %v %v", slow, err)
		}
		db.Now = func() time.Time { return storagetest.Fixed.Add(2 * time.Minute) }
		fast, _, err := db.ClaimDue(ctx, "webhook", 1, time.Minute)
		if err != nil || len(fast) != 1 || fast[0].ID != slow[0].ID {
			t.Fatalf("claim after the lease: %v %v", fast, err)
		}
		id := fast[0].ID
		if err := db.RecordDelivery(ctx, fast[0], soko.WebhookDelivery{StatusCode: 204}, true, time.Time{}, false); err != nil {
			t.Fatal(err)
		}
		late := soko.WebhookDelivery{Error: "no answer within 10s"}
		if err := db.RecordDelivery(ctx, slow[0], late, false, storagetest.Fixed.Add(time.Hour), false); err != nil {
			t.Fatal(err)
		}
		got := mustOutbox(t, db, merchantID)[id]
		if got.Status != soko.OutboxDelivered || got.Attempts != 1 || got.LastError != "" {
			t.Fatalf("a late answer overwrote the delivery: %+v", got)
		}
		if log, _ := db.ListDeliveryAttempts(ctx, id); len(log) != 1 || log[0].StatusCode != 204 {
			t.Fatalf("delivery log %+v", log)
		}
	})
}

// Two products going low at one moment are two events a receiver keeps:
// their ids differ.
func TestQueueMerchantEvent_IDsDifferAtOneMoment(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		merchantID := MustQueueCancellations(t, db, 0)
		for _, sku := range []string{"TOWEL", "MUG"} {
			if err := storage.QueueMerchantEvent(db, ctx, merchantID, "stock.low", map[string]any{"sku": sku}); err != nil {
				t.Fatal(err)
			}
		}
		ms, _, err := db.ClaimDue(ctx, "webhook", 10, time.Minute)
		if err != nil || len(ms) != 2 {
			t.Fatalf("claimed %d stock.low events: %v", len(ms), err)
		}
		var ids []string
		for _, m := range ms {
			var e struct{ ID string }
			if err := json.Unmarshal(m.Payload, &e); err != nil || e.ID == "" {
				t.Fatalf("payload %s: %v", m.Payload, err)
			}
			ids = append(ids, e.ID)
		}
		if ids[0] == ids[1] {
			t.Fatalf("two stock.low events share the id %s", ids[0])
		}
	})
}
