package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// feedReader follows a merchant's feed the way a channel connector does:
// from the last seq it saw, a page at a time.
type feedReader struct {
	db       *storage.DB
	merchant int64
	after    int64
	latest   map[string]soko.StockChange
}

func newFeedReader(db *storage.DB, merchant int64) *feedReader {
	return &feedReader{db: db, merchant: merchant, latest: map[string]soko.StockChange{}}
}

// read reads to the end of the feed and returns what it got.
func (r *feedReader) read(tb testing.TB) []soko.StockChange {
	tb.Helper()
	var got []soko.StockChange
	for {
		page, err := r.db.StockChanges(context.Background(), r.merchant, r.after, 3)
		if err != nil {
			tb.Fatal(err)
		}
		if len(page) == 0 {
			return got
		}
		for _, c := range page {
			if c.Seq <= r.after {
				tb.Fatalf("seq %d came after %d", c.Seq, r.after)
			}
			r.after = c.Seq
			r.latest[c.SKU] = c
		}
		got = append(got, page...)
	}
}

func (r *feedReader) want(tb testing.TB, sku string, onHand, allocated, held, sellable int) {
	tb.Helper()
	c := r.latest[sku]
	if c.OnHand != onHand || c.Allocated != allocated || c.Held != held || c.Sellable() != sellable {
		tb.Fatalf("%s in the feed (%+v): on hand %d, allocated %d, held %d, sellable %d; want %d, %d, %d, %d",
			sku, c, c.OnHand, c.Allocated, c.Held, c.Sellable(), onHand, allocated, held, sellable)
	}
}

func TestStockFeed_FollowsEveryChange(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(2)
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m, staff := seed.Merchants[0].ID, seed.Staff[0].ID
		towel, _ := db.FindProduct(ctx, m, "TOWEL")
		r := newFeedReader(db, m)
		if got := r.read(t); len(got) != 1 || got[0].Seq != 1 {
			t.Fatalf("the seeded feed %+v, want the towel once, as seq 1", got)
		}
		r.want(t, "TOWEL", 10, 0, 0, 10)

		if _, err := db.AllocateOrder(ctx, seed.Orders[0].ID, rules); err != nil {
			t.Fatal(err)
		}
		if got := r.read(t); len(got) != 1 || got[0].Seq != 2 {
			t.Fatalf("after an allocation %+v, want seq 2", got)
		}
		r.want(t, "TOWEL", 10, 1, 0, 9)

		// Received units are on hand but held until put away.
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "rcv-1", StaffID: staff, MerchantID: m, ProductID: towel.ID, Units: 5}); err != nil {
			t.Fatal(err)
		}
		r.read(t)
		r.want(t, "TOWEL", 15, 1, 5, 9)
		if _, err := db.PutAway(ctx, &soko.Move{ScanID: "put-1", StaffID: staff, ProductID: towel.ID, Units: 5, To: "A-02"}); err != nil {
			t.Fatal(err)
		}
		r.read(t)
		r.want(t, "TOWEL", 15, 1, 0, 14)

		if _, err := db.CancelOrder(ctx, m, seed.Orders[0].Number, "customer"); err != nil {
			t.Fatal(err)
		}
		r.read(t)
		r.want(t, "TOWEL", 15, 0, 0, 15)

		// A count that finds what the books say changes nothing the channels see.
		if _, err := db.Count(ctx, &soko.Count{ScanID: "cnt-1", StaffID: staff, Location: "A-02",
			Lines: []soko.CountLine{{ProductID: towel.ID, Quantity: 5}}}, rules); err != nil {
			t.Fatal(err)
		}
		if got := r.read(t); len(got) != 0 {
			t.Fatalf("a count without a difference published %+v", got)
		}
		if _, err := db.Count(ctx, &soko.Count{ScanID: "cnt-2", StaffID: staff, Location: "A-02",
			Lines: []soko.CountLine{{ProductID: towel.ID, Quantity: 4}}}, rules); err != nil {
			t.Fatal(err)
		}
		if got := r.read(t); len(got) != 1 || got[0].Seq != 6 {
			t.Fatalf("after a count with a difference %+v, want seq 6", got)
		}
		r.want(t, "TOWEL", 14, 0, 0, 14)

		// Read from the start, the feed is every product once, as it stands.
		fresh := newFeedReader(db, m)
		if got := fresh.read(t); len(got) != 1 || got[0].Seq != 6 {
			t.Fatalf("the whole feed %+v, want the towel once at seq 6", got)
		}
		// Another merchant's feed is its own.
		if got, _ := db.StockChanges(ctx, m+1000, 0, 10); len(got) != 0 {
			t.Fatalf("an unknown merchant's feed has %+v", got)
		}
		mustBalanced(t, db)
	})
}

func TestStockFeed_ShelfWaitingForACountIsHeld(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		sakura, midori := newFeedReader(db, f.seed.Merchants[0].ID), newFeedReader(db, f.seed.Merchants[1].ID)
		sakura.read(t)
		midori.read(t)
		// A-01 came up short and waits for its count: what the books
		// still say lies there (3 towels, the tea not picked) is held.
		sakura.want(t, "TOWEL", 3, 0, 3, 0)
		midori.want(t, "TEA", 1, 0, 1, 0)
		// Mugs were picked: on hand and allocated went down together, which
		// sells nothing more or less, and is no change in the feed.
		mug, _ := db.StockOf(ctx, f.seed.Merchants[0].ID, "MUG")
		if fed := sakura.latest["MUG"]; fed.OnHand <= mug.OnHand || fed.Sellable() != mug.Sellable() {
			t.Fatalf("the mug in the feed %+v, in stock %+v: want the same sellable, on hand as before the picks", fed, mug)
		}
		// The count finds 4 teas: the shelf is trusted again.
		if _, err := db.Count(ctx, &soko.Count{ScanID: "count-a01", StaffID: f.picker, Location: "A-01",
			Lines: []soko.CountLine{{ProductID: f.product("TEA"), Quantity: 4}}}, rules); err != nil {
			t.Fatal(err)
		}
		sakura.read(t)
		midori.read(t)
		sakura.want(t, "TOWEL", 0, 0, 0, 0)
		midori.want(t, "TEA", 4, 0, 0, 4)
		mustBalanced(t, db)
	})
}

// TestStockFeed_TwoProcessesNoGapNoDuplicateInOrder allocates from two
// soko processes at once while a connector follows the feed: every
// number from 1 up appears once, a reader never sees a number before the
// ones below it, and each line's figures follow the one before.
func TestStockFeed_TwoProcessesNoGapNoDuplicateInOrder(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		one, two := storagetest.MustOpenTwice(t, dialect)
		seed := stockSeed(0)
		seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "SAKURA", Product: soko.Product{SKU: "SOAP", Name: "石けん", TaxRate: 10}})
		seed.Stock = []soko.SeedStock{
			{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01", Stock: soko.Stock{OnHand: 100}},
			{MerchantCode: "SAKURA", SKU: "SOAP", LocationCode: "A-02", Stock: soko.Stock{OnHand: 100}},
		}
		const orders = 40
		for i := range orders {
			sku := []string{"TOWEL", "SOAP"}[i%2]
			seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{
				Number: fmt.Sprintf("SO-%03d", i), Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
				Lines: []soko.OrderLine{{SKU: sku, Quantity: 1, UnitPrice: 1000, TaxRate: 10}},
			}})
		}
		if err := one.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0].ID
		var done atomic.Bool
		var wg sync.WaitGroup
		errs := make(chan error, orders+1)
		// The connector: each poll must start right after what it saw.
		var polls atomic.Int64
		wg.Add(1)
		go func() {
			defer wg.Done()
			after := int64(0)
			for last := false; !last; {
				last = done.Load()
				var seqs []int64
				if err := storage.Conn(two, ctx).Raw(`SELECT seq FROM stock_changes WHERE merchant_id = ? AND seq > ? ORDER BY seq`, m, after).
					Scan(&seqs).Error; err != nil {
					errs <- err
					return
				}
				for _, s := range seqs {
					if s != after+1 {
						errs <- fmt.Errorf("after %d the reader saw %d: a gap", after, s)
						return
					}
					after = s
				}
				polls.Add(1)
			}
		}()
		var writers sync.WaitGroup
		for i, o := range seed.Orders {
			db := one
			if i%2 == 1 {
				db = two
			}
			writers.Add(1)
			go func() {
				defer writers.Done()
				if st, err := db.AllocateOrder(ctx, o.ID, rules); err != nil || st != soko.OrderAllocated {
					errs <- fmt.Errorf("%s: %s %v", o.Number, st, err)
				}
			}()
		}
		writers.Wait()
		done.Store(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var lines []struct {
			Seq       int64
			ProductID int64
			Allocated int
		}
		if err := storage.Conn(one, ctx).Raw(`SELECT seq, product_id, allocated FROM stock_changes WHERE merchant_id = ? ORDER BY seq`, m).
			Scan(&lines).Error; err != nil {
			t.Fatal(err)
		}
		// Two seeded lines, then one per allocation.
		if len(lines) != orders+2 {
			t.Fatalf("%d feed lines, want %d", len(lines), orders+2)
		}
		allocated := map[int64]int{}
		for i, l := range lines {
			if l.Seq != int64(i+1) {
				t.Fatalf("line %d has seq %d", i, l.Seq)
			}
			// In seq order every allocation adds one to the product's
			// figure: the numbers follow the order the changes committed.
			if i >= 2 && l.Allocated != allocated[l.ProductID]+1 {
				t.Fatalf("seq %d: %d allocated, the line before said %d", l.Seq, l.Allocated, allocated[l.ProductID])
			}
			allocated[l.ProductID] = l.Allocated
		}
		r := newFeedReader(one, m)
		r.read(t)
		r.want(t, "TOWEL", 100, orders/2, 0, 100-orders/2)
		r.want(t, "SOAP", 100, orders/2, 0, 100-orders/2)
		t.Logf("the connector polled %d times while %d allocations ran", polls.Load(), orders)
		mustBalanced(t, one)
	})
}

func TestStockFeed_StockChangedWebhookCoalesced(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(6)
		seed.Merchants = append(seed.Merchants, soko.Merchant{Code: "MIDORI", Name: "みどり"})
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0].ID
		if _, err := db.PutWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: m, URL: "https://shop.example/hooks", Active: true,
			EventTypes: []string{"stock.changed"}}, false); err != nil {
			t.Fatal(err)
		}
		// A merchant subscribed to every event gets no stock.changed: it is opt-in.
		if _, err := db.PutWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: seed.Merchants[1].ID, URL: "https://midori.example/hooks", Active: true}, false); err != nil {
			t.Fatal(err)
		}
		for _, o := range seed.Orders[:4] {
			if _, err := db.AllocateOrder(ctx, o.ID, rules); err != nil {
				t.Fatal(err)
			}
		}
		sent := func() []map[string]any {
			t.Helper()
			ms, err := db.ListWebhookDeliveries(ctx, m, "", 0, soko.Page{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			var out []map[string]any
			for _, msg := range ms {
				if msg.EventType != "stock.changed" {
					continue
				}
				var p struct {
					ID   string         `json:"id"`
					Data map[string]any `json:"data"`
				}
				if err := json.Unmarshal([]byte(msg.Payload), &p); err != nil {
					t.Fatal(err)
				}
				p.Data["id"] = p.ID
				out = append(out, p.Data)
			}
			return out
		}
		got := sent()
		if len(got) != 1 || got[0]["allocated"] != 4.0 || got[0]["sellable"] != 6.0 || got[0]["seq"] != 5.0 || got[0]["sku"] != "TOWEL" {
			t.Fatalf("four allocations queued %v, want one stock.changed with 4 allocated, 6 sellable, seq 5", got)
		}
		// Once a worker has taken it, the next change queues a new one.
		at := storage.NowOf(db)
		db.Now = func() time.Time { return at.Add(3 * time.Second) }
		claimed, _, err := db.ClaimDue(ctx, "webhook", 10, time.Minute)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claimed %d %v, want the one stock.changed", len(claimed), err)
		}
		for _, o := range seed.Orders[4:] {
			if _, err := db.AllocateOrder(ctx, o.ID, rules); err != nil {
				t.Fatal(err)
			}
		}
		got = sent()
		if len(got) != 2 || got[0]["seq"] == got[1]["seq"] {
			t.Fatalf("after the claim %v, want a second stock.changed", got)
		}
		for _, g := range got {
			if g["seq"] == 7.0 && (g["allocated"] != 6.0 || g["id"] != fmt.Sprintf("evt_stock_%d_7", m)) {
				t.Fatalf("the second stock.changed %v, want seq 7 with 6 allocated", g)
			}
		}
		if ms, _ := db.ListWebhookDeliveries(ctx, seed.Merchants[1].ID, "", 0, soko.Page{Limit: 50}); len(ms) != 0 {
			t.Fatalf("the merchant subscribed to every event got %d messages", len(ms))
		}
	})
}

func TestStockFeed_BuffersNeverPublishANegativeFigure(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := stockSeed(0)
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0].ID
		r := newFeedReader(db, m)
		r.read(t)
		wantStock := func(buffer, sellable int) {
			t.Helper()
			r.read(t)
			r.want(t, "TOWEL", 10, 0, 0, sellable)
			s, err := db.StockOf(ctx, m, "TOWEL")
			if err != nil || s.Buffer != buffer || s.Sellable() != sellable || r.latest["TOWEL"].Buffer != buffer {
				t.Fatalf("stock %+v %v and feed %+v, want buffer %d, sellable %d in both", s, err, r.latest["TOWEL"], buffer, sellable)
			}
		}
		if _, err := db.SetStockBuffer(ctx, m, 3); err != nil {
			t.Fatal(err)
		}
		wantStock(3, 7)
		towel, _ := db.FindProduct(ctx, m, "TOWEL")
		own := 12
		towel.StockBuffer = &own
		if _, err := db.PutProduct(ctx, towel); err != nil {
			t.Fatal(err)
		}
		wantStock(12, 0)
		// A catalogue sync without a buffer keeps the product's own.
		towel.StockBuffer, towel.KeepStockBuffer, towel.Name = nil, true, "バスタオル"
		if _, err := db.PutProduct(ctx, towel); err != nil {
			t.Fatal(err)
		}
		if got := r.read(t); len(got) != 0 {
			t.Fatalf("a rename published %+v", got)
		}
		if p, _ := db.FindProduct(ctx, m, "TOWEL"); p.StockBuffer == nil || *p.StockBuffer != 12 {
			t.Fatalf("the kept buffer is %v, want 12", p.StockBuffer)
		}
		// Back to the merchant's default, then the default changes.
		towel.StockBuffer, towel.KeepStockBuffer = nil, false
		if _, err := db.PutProduct(ctx, towel); err != nil {
			t.Fatal(err)
		}
		wantStock(3, 7)
		if _, err := db.SetStockBuffer(ctx, m, 0); err != nil {
			t.Fatal(err)
		}
		wantStock(0, 10)
		if _, err := db.SetStockBuffer(ctx, m, -1); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("a buffer of -1: %v, want EINVALID", err)
		}
		mustBalanced(t, db)
	})
}
