package storage_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// alertsSent counts a merchant's queued stock.low and stock.out webhooks
// and its shortage emails.
func alertsSent(t *testing.T, db *storage.DB, merchant int64) (low, out int, emails []soko.OutboxMessage) {
	t.Helper()
	ms, err := db.ListDeliveries(context.Background(), soko.DeliveryFilter{MerchantID: merchant}, soko.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		switch {
		case m.EventType == "stock.low":
			low++
		case m.EventType == "stock.out":
			out++
		case m.Channel == "email" && m.EventType == "stock.alert":
			emails = append(emails, *m)
		}
	}
	return low, out, emails
}

func alertSeed(orders int) *soko.Seed {
	seed := stockSeed(orders)
	seed.Merchants[0].Sender.Email = "stock@sakura.example"
	return seed
}

func TestStockAlerts_OncePerCrossing(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := alertSeed(12) // 10 towels, reorder point 3, 12 orders of one
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0].ID
		if _, err := db.PutWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: m, URL: "https://shop.example/hooks", Active: true}, false); err != nil {
			t.Fatal(err)
		}
		want := func(step string, low, out, emails int) {
			t.Helper()
			l, o, e := alertsSent(t, db, m)
			if l != low || o != out || len(e) != emails {
				t.Fatalf("%s: %d stock.low, %d stock.out, %d emails; want %d, %d, %d", step, l, o, len(e), low, out, emails)
			}
		}
		allocate := func(orders ...soko.SeedOrder) {
			t.Helper()
			for _, o := range orders {
				if _, err := db.AllocateOrder(ctx, o.ID, rules); err != nil {
					t.Fatal(err)
				}
			}
		}
		want("stocked", 0, 0, 0)
		allocate(seed.Orders[:6]...) // 4 left
		want("above the reorder point", 0, 0, 0)
		allocate(seed.Orders[6]) // 3 left: at the point
		want("at the reorder point", 1, 0, 1)
		allocate(seed.Orders[7:9]...) // 1 left
		want("further below", 1, 0, 1)
		allocate(seed.Orders[9]) // none left
		want("out", 1, 1, 2)
		allocate(seed.Orders[10:]...) // backordered: nothing changes
		want("backorders", 1, 1, 2)
		_, _, emails := alertsSent(t, db, m)
		for _, e := range emails {
			if !strings.Contains(string(e.Payload), "stock@sakura.example") || !strings.Contains(string(e.Payload), "TOWEL") {
				t.Errorf("the shortage email %s is not to the merchant about the towel", e.Payload)
			}
		}
		if low, err := db.ListLowStock(ctx); err != nil || len(low) != 1 || !low[0].Out || low[0].Available != 0 {
			t.Fatalf("the console's list %+v %v, want the towel, out", low, err)
		} else if days, ok := low[0].DaysOfCover(); !ok || days != 0 || low[0].DailyDemand <= 0 {
			t.Fatalf("the towel's cover %v %v at %v a day, want 0 days", days, ok, low[0].DailyDemand)
		}

		// Back above the point closes the alerts; the next fall alerts again.
		for _, o := range seed.Orders[:5] {
			if _, err := db.CancelOrder(ctx, m, o.Number, "customer"); err != nil {
				t.Fatal(err)
			}
		}
		if low, _ := db.ListLowStock(ctx); len(low) != 0 {
			t.Fatalf("5 towels free, above the point of 3, yet listed: %+v", low)
		}
		want("recovered", 1, 1, 2)
		allocate(seed.Orders[10:]...) // the backordered two: 3 left
		want("the second fall", 2, 1, 3)
		mustBalanced(t, db)
	})
}

func TestStockAlerts_TwoProcessesAlertOnce(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		one, two := storagetest.MustOpenTwice(t, dialect)
		seed := alertSeed(10)
		if err := one.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0].ID
		if _, err := one.PutWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: m, URL: "https://shop.example/hooks", Active: true}, false); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i, o := range seed.Orders {
			db := one
			if i%2 == 1 {
				db = two
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := db.AllocateOrder(ctx, o.ID, rules); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if low, out, emails := alertsSent(t, one, m); low != 1 || out != 1 || len(emails) != 2 {
			t.Fatalf("ten allocations from two processes: %d stock.low, %d stock.out, %d emails; want 1, 1, 2", low, out, len(emails))
		}
		mustBalanced(t, one)
	})
}
