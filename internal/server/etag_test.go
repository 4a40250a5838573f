package server

import (
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A sync job that polls an order sends back the ETag it holds: while the
// order is unchanged it gets 304 and no body; once the order changes, the
// new answer and a new tag.
func TestAPI_ConditionalGET(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1)))

		first := shop.must(200, "GET", "/api/v1/orders/SO-1", nil)
		tag := first.Header.Get("ETag")
		if len(tag) < 10 || tag[0] != '"' {
			t.Fatalf("ETag %q, want a quoted strong tag", tag)
		}
		again := shop.do("GET", "/api/v1/orders/SO-1", nil, "If-None-Match", tag)
		if again.Status != 304 || len(again.Raw) != 0 || again.Header.Get("ETag") != tag {
			t.Fatalf("unchanged: %d %q body %q, want 304 with the tag and no body", again.Status, again.Header.Get("ETag"), again.Raw)
		}
		if r := shop.do("GET", "/api/v1/orders/SO-1", nil, "If-None-Match", `"other", W/`+tag); r.Status != 304 {
			t.Fatalf("tag in a list, weak form: %d", r.Status)
		}
		if r := shop.do("GET", "/api/v1/orders/SO-1", nil, "If-None-Match", `"other"`); r.Status != 200 || r.Header.Get("ETag") != tag {
			t.Fatalf("another tag: %d %q", r.Status, r.Header.Get("ETag"))
		}

		shop.must(200, "POST", "/api/v1/orders/SO-1/cancel", nil)
		changed := shop.do("GET", "/api/v1/orders/SO-1", nil, "If-None-Match", tag)
		if changed.Status != 200 || decode[api.Order](t, changed).Status != "cancelled" || changed.Header.Get("ETag") == tag {
			t.Fatalf("after a cancel: %d %q %s", changed.Status, changed.Header.Get("ETag"), changed.Raw)
		}
		// Errors carry no tag and are never 304.
		if r := shop.do("GET", "/api/v1/orders/NOPE", nil, "If-None-Match", "*"); r.Status != 404 || r.Header.Get("ETag") != "" {
			t.Fatalf("missing order: %d %q", r.Status, r.Header.Get("ETag"))
		}
	})
}
