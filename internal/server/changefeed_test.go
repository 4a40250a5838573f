package server

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// syncList follows a list's change feed as a sync job does: from
// updated_since, or from the sync cursor of its last poll, page after page
// of two. It returns the item keys listed and the sync cursor to keep.
func syncList(c client, path string, feed func(testing.TB, reply) feedPage, since, cursor string) ([]string, string) {
	c.tb.Helper()
	var keys []string
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	q := sep + "limit=2&updated_since=" + url.QueryEscape(since)
	if cursor != "" {
		q = sep + "limit=2&cursor=" + url.QueryEscape(cursor)
	}
	for {
		r := c.must(200, "GET", path+q, nil)
		page := feed(c.tb, r)
		keys = append(keys, page.keys...)
		if page.sync == nil || *page.sync == "" {
			c.tb.Fatalf("%s in change order without a sync_cursor: %s", path, r.Raw)
		}
		if page.next == nil || *page.next == "" {
			return keys, *page.sync
		}
		q = sep + "limit=2&cursor=" + url.QueryEscape(*page.next)
	}
}

// feedPage is one page of a change feed: its items' keys and its cursors.
type feedPage struct {
	keys       []string
	next, sync *string
}

// orderFeed reads a page of the orders' feed, keyed by order number.
func orderFeed(tb testing.TB, r reply) feedPage {
	l := decode[api.OrderList](tb, r)
	return keyedPage(l.Data, l.NextCursor, l.SyncCursor, func(o api.Order) string { return o.OrderNo })
}

// inboundFeed reads a page of the inbounds' feed, keyed by inbound number.
func inboundFeed(tb testing.TB, r reply) feedPage {
	l := decode[api.InboundList](tb, r)
	return keyedPage(l.Data, l.NextCursor, l.SyncCursor, func(in api.Inbound) string { return in.InboundNo })
}

// keyedPage is a page of items, keyed by key.
func keyedPage[T any](items []T, next, sync *string, key func(T) string) feedPage {
	p := feedPage{next: next, sync: sync}
	for _, it := range items {
		p.keys = append(p.keys, key(it))
	}
	return p
}

// syncAll polls a change feed from since or cursor until it has listed
// want items. On PostgreSQL a feed holds back what the writing
// transactions still running on the cluster may precede — other tests'
// migrations too, which take seconds on a busy machine — so the last
// writes can take a while to come (30 s at most here).
func syncAll(c client, path string, feed func(testing.TB, reply) feedPage, since, cursor string, want int) ([]string, string) {
	c.tb.Helper()
	keys, cursor := syncList(c, path, feed, since, cursor)
	for try := 0; len(keys) < want; try++ {
		if try == 600 {
			c.tb.Fatalf("%s: after %d polls the feed listed %v, want %d items", path, try, keys, want)
		}
		time.Sleep(50 * time.Millisecond)
		more, next := syncList(c, path, feed, "", cursor)
		keys, cursor = append(keys, more...), next
	}
	return keys, cursor
}

// A sync job lists orders and inbounds from updated_since, then polls on
// from its sync cursor: it gets what was written since and nothing else,
// and another merchant's feed never shows them.
func TestAPI_SyncFromCursor(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{})
		shop, other := client{t, h, keySakura}, client{t, h, keyMidori}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		for _, n := range []string{"SO-1", "SO-2", "SO-3"} {
			shop.must(201, "POST", "/api/v1/orders", order(n, line("MUG-1", 1)))
		}
		for _, n := range []string{"ASN-1", "ASN-2"} {
			shop.must(201, "POST", "/api/v1/inbounds", map[string]any{"inbound_no": n, "expected_date": "2026-12-01", "lines": []map[string]any{line("MUG-1", 5)}})
		}
		since := "2026-01-01T00:00:00Z"

		orders, orderCursor := syncAll(shop, "/api/v1/orders", orderFeed, since, "", 3)
		if strings.Join(orders, ",") != "SO-1,SO-2,SO-3" {
			t.Fatalf("first sync listed orders %v", orders)
		}
		inbounds, inboundCursor := syncAll(shop, "/api/v1/inbounds", inboundFeed, since, "", 2)
		if strings.Join(inbounds, ",") != "ASN-1,ASN-2" {
			t.Fatalf("first sync listed inbounds %v", inbounds)
		}
		if again, c := syncList(shop, "/api/v1/orders", orderFeed, "", orderCursor); len(again) != 0 || c != orderCursor {
			t.Fatalf("a poll with nothing new listed %v and moved the cursor to %s", again, c)
		}

		// SO-1 is cancelled and ASN-2 changed: the next poll brings each in
		// its new state, after what was listed before.
		shop.must(200, "POST", "/api/v1/orders/SO-1/cancel", nil)
		shop.must(200, "PUT", "/api/v1/inbounds/ASN-1", map[string]any{"expected_date": "2026-12-05", "lines": []map[string]any{line("MUG-1", 6)}})
		if got, _ := syncAll(shop, "/api/v1/orders", orderFeed, "", orderCursor, 1); strings.Join(got, ",") != "SO-1" {
			t.Fatalf("poll after the cancel listed orders %v", got)
		}
		if r := shop.must(200, "GET", "/api/v1/orders?cursor="+url.QueryEscape(orderCursor), nil); decode[api.OrderList](t, r).Data[0].Status != "cancelled" {
			t.Fatalf("poll after the cancel: %s", r.Raw)
		}
		if got, _ := syncAll(shop, "/api/v1/inbounds", inboundFeed, "", inboundCursor, 1); strings.Join(got, ",") != "ASN-1" {
			t.Fatalf("poll after the change listed inbounds %v", got)
		}
		// Filters still hold in change order.
		if got, _ := syncAll(shop, "/api/v1/orders?status=cancelled", orderFeed, since, "", 1); strings.Join(got, ",") != "SO-1" {
			t.Fatalf("cancelled orders in change order: %v", got)
		}

		// Another merchant's feed is its own, even from this one's cursor.
		if got, _ := syncList(other, "/api/v1/orders", orderFeed, since, ""); len(got) != 0 {
			t.Fatalf("another merchant's feed listed %v", got)
		}
		if r := other.must(200, "GET", "/api/v1/orders?cursor="+url.QueryEscape(orderCursor), nil); len(decode[api.OrderList](t, r).Data) != 0 {
			t.Fatalf("another merchant with this one's cursor: %s", r.Raw)
		}

		// A cursor soko did not give out is refused, naming it.
		for _, bad := range []string{"c.bm9wZQ", "c.MTp4", "c.LTE6Mg", "c.!!"} {
			if f := shop.must(422, "GET", "/api/v1/orders?cursor="+url.QueryEscape(bad), nil).fields(); len(f) != 1 || f[0] != "cursor" {
				t.Fatalf("cursor %s: fields %v", bad, f)
			}
		}
		// Inbounds announced since a time.
		if r := shop.must(200, "GET", "/api/v1/inbounds?created_since=2099-01-01T00:00:00Z", nil); len(decode[api.InboundList](t, r).Data) != 0 {
			t.Fatalf("inbounds created in 2099: %s", r.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/inbounds?created_before=2099-01-01T00:00:00Z", nil); len(decode[api.InboundList](t, r).Data) != 2 {
			t.Fatalf("inbounds created before 2099: %s", r.Raw)
		}
	})
}
