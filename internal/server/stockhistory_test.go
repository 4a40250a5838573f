package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// stockHistorySite is a shop whose TOWEL stock moved on several days of the
// last 70, on both sides of midnight in Japan: 20 received 70 days ago,
// orders allocating 3, 2 and 1, a count to 25 one second after the second
// order (and one day later in Japan), and the first order cancelled.
func stockHistorySite(t *testing.T, db *storage.DB) (http.Handler, int64) {
	t.Helper()
	ctx := context.Background()
	clock := storagetest.Fixed.AddDate(0, 0, -70)
	now := func() time.Time { return clock }
	db.Now = now
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}, {Code: "MIDORI", Name: "みどり食品"}},
		APIKeys:   []soko.SeedAPIKey{{MerchantCode: "SAKURA", Secret: keySakura}, {MerchantCode: "MIDORI", Secret: keyMidori}},
		Staff:     []soko.SeedStaff{{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"}},
		Locations: []soko.Location{{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
		Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "今治タオル", Price: 1650, TaxRate: 10}}},
		Stock:     []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 20}}},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: now, RatePerSecond: 10000, RateBurst: 10000})
	shop := client{t, h, keySakura}
	at := func(days int, hhmmss string) {
		d := storagetest.Fixed.AddDate(0, 0, days)
		c, err := time.Parse(time.DateTime, d.Format(time.DateOnly)+" "+hhmmss)
		if err != nil {
			t.Fatal(err)
		}
		clock = c
	}
	at(-40, "03:00:00")
	shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("TOWEL", 3)))
	at(-25, "14:59:59") // 23:59:59 in Japan
	shop.must(201, "POST", "/api/v1/orders", order("SO-2", line("TOWEL", 2)))
	at(-25, "15:00:00") // the next day in Japan
	if _, err := db.Count(ctx, &soko.Count{ScanID: "count-1", StaffID: seed.Staff[0].ID, Location: "A-01-01-1", Reason: "棚卸",
		Lines: []soko.CountLine{{ProductID: seed.Products[0].ID, Quantity: 25}}}, soko.AllocationRules{}); err != nil {
		t.Fatal(err)
	}
	at(-10, "12:00:00")
	shop.must(200, "POST", "/api/v1/orders/SO-1/cancel", nil)
	at(0, "08:00:00")
	shop.must(201, "POST", "/api/v1/orders", order("SO-3", line("TOWEL", 1)))
	clock = storagetest.Fixed
	return h, seed.Merchants[0].ID
}

// The daily stock is the ledger summed up to the end of each day in
// Japan: checked day by day against the ledger's own lines, summed here.
func TestStockHistory_FromLedger(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h, merchant := stockHistorySite(t, db)
		ledger, err := db.Ledger(context.Background(), merchant, "TOWEL", 10000)
		if err != nil {
			t.Fatal(err)
		}
		if len(ledger) < 5 {
			t.Fatalf("the ledger has %d lines", len(ledger))
		}
		jst := time.FixedZone("JST", 9*3600)
		y, m, d := storagetest.Fixed.In(jst).Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, jst)
		shop := client{t, h, keySakura}
		for _, days := range []int{60, 30, 1} {
			path := "/api/v1/products/TOWEL/stock-history"
			if days != 60 {
				path += "?days=" + itoa64(int64(days))
			}
			got := decode[api.StockHistory](t, shop.must(200, "GET", path, nil)).Days
			if len(got) != days {
				t.Fatalf("%s: %d days, want %d", path, len(got), days)
			}
			for i, p := range got {
				day := today.AddDate(0, 0, i-days+1)
				end := day.AddDate(0, 0, 1)
				onHand, allocated := 0, 0
				for _, l := range ledger {
					if l.CreatedAt.Before(end) {
						onHand += l.OnHandDelta
						allocated += l.AllocatedDelta
					}
				}
				want := fmt.Sprintf("%s on_hand %d allocated %d available %d", day.Format(time.DateOnly), onHand, allocated, onHand-allocated)
				if got := fmt.Sprintf("%s on_hand %d allocated %d available %d", p.Date, p.OnHand, p.Allocated, p.Available); got != want {
					t.Errorf("%s day %d: %s, want %s", path, i, got, want)
				}
			}
		}
		got := decode[api.StockHistory](t, shop.must(200, "GET", "/api/v1/products/TOWEL/stock-history", nil)).Days
		point := func(daysAgo int) string {
			p := got[59-daysAgo]
			return itoa64(int64(p.OnHand)) + "/" + itoa64(int64(p.Allocated))
		}
		// The order just before midnight in Japan and the count just after
		// fall on two days.
		for daysAgo, want := range map[int]string{59: "20/0", 41: "20/0", 40: "20/3", 26: "20/3", 25: "20/5", 24: "25/5", 10: "25/2", 0: "25/3"} {
			if p := point(daysAgo); p != want {
				t.Errorf("%d days ago: on hand/allocated %s, want %s", daysAgo, p, want)
			}
		}
		if r := shop.do("GET", "/api/v1/products/NOPE/stock-history", nil); r.Status != 404 {
			t.Errorf("an unknown product: %d %s", r.Status, r.Raw)
		}
		for _, q := range []string{"0", "367", "x"} {
			if r := shop.do("GET", "/api/v1/products/TOWEL/stock-history?days="+q, nil); r.Status != 422 {
				t.Errorf("days=%s: %d %s", q, r.Status, r.Raw)
			}
		}
		if r := (client{t, h, keyMidori}).do("GET", "/api/v1/products/TOWEL/stock-history", nil); r.Status != 404 {
			t.Errorf("another merchant reads the history: %d %s", r.Status, r.Raw)
		}
	})
}
