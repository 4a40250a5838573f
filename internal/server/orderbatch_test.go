package server

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A shop platform's bulk push: each order gets its own result, a bad one
// never stops or half-writes the others, and the same batch sent again
// creates nothing twice.
func TestAPI_OrderBatch(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		shop.must(201, "POST", "/api/v1/orders", order("SO-OLD", line("MUG-1", 1)))

		schemaBad := order("SO-SCHEMA", line("MUG-1", 0))
		delete(schemaBad["ship_to"].(map[string]any), "city")
		ruleBad := order("SO-RULE", line("MUG-1", 1))
		ruleBad["ship_to"].(map[string]any)["postal_code"] = "060-0001" // 札幌: not 東京都
		batch := map[string]any{"orders": []map[string]any{
			order("SO-NEW", line("MUG-1", 2)),
			order("SO-OLD", line("MUG-1", 1)), // a retry of what exists
			schemaBad,
			ruleBad,
			order("SO-OLD", line("MUG-1", 5)), // the number of another order
		}}
		// With an Idempotency-Key too: its orders commit one by one, so a
		// refused one leaves the others standing.
		r := shop.must(200, "POST", "/api/v1/orders/batch", batch, "Idempotency-Key", "batch-1")
		if again := shop.must(200, "POST", "/api/v1/orders/batch", batch, "Idempotency-Key", "batch-1"); !bytes.Equal(r.Raw, again.Raw) {
			t.Fatalf("replayed batch:\n%s\n%s", r.Raw, again.Raw)
		}
		res := decode[api.OrderBatchResult](t, r)
		if res.Created != 1 || res.Replayed != 1 || res.Refused != 3 {
			t.Fatalf("counts: %s", r.Raw)
		}
		results := res.Results
		want := []struct {
			result string
			fields []string
		}{
			{"created", nil}, {"replayed", nil},
			{"refused", []string{"lines[0].quantity", "ship_to.city"}},
			{"refused", []string{"ship_to.postal_code"}},
			{"refused", []string{"order_no"}},
		}
		for i, w := range want {
			got := results[i]
			if got.Index != i || string(got.Result) != w.result {
				t.Errorf("order %d: %+v, want %s", i, got, w.result)
				continue
			}
			if w.result != "refused" {
				if got.Order == nil || got.Order.OrderNo != got.OrderNo {
					t.Errorf("order %d carries no order: %+v", i, got)
				}
				continue
			}
			if got.Problem == nil || got.Problem.Errors == nil {
				t.Errorf("order %d refused without a problem naming fields: %+v", i, got)
				continue
			}
			var fields []string
			for _, e := range *got.Problem.Errors {
				fields = append(fields, e.Field)
			}
			slices.Sort(fields)
			if !slices.Equal(fields, w.fields) {
				t.Errorf("order %d refused naming %v, want %v: %+v", i, fields, w.fields, *got.Problem)
			}
		}

		list := func() string {
			var out []string
			for _, o := range decode[api.OrderList](t, shop.must(200, "GET", "/api/v1/orders", nil)).Data {
				out = append(out, o.OrderNo)
			}
			return strings.Join(out, ",")
		}
		if got := list(); got != "SO-OLD,SO-NEW" {
			t.Fatalf("orders after the batch: %s, want SO-OLD,SO-NEW", got)
		}
		if o := shop.must(200, "GET", "/api/v1/orders/SO-OLD", nil); decode[api.Order](t, o).Lines[0].Quantity != 1 {
			t.Fatalf("the conflicting order changed SO-OLD: %s", o.Raw)
		}

		again := shop.must(200, "POST", "/api/v1/orders/batch", map[string]any{"orders": batch["orders"].([]map[string]any)[:2]})
		if res := decode[api.OrderBatchResult](t, again); res.Created != 0 || res.Replayed != 2 {
			t.Fatalf("the batch sent again: %s", again.Raw)
		}
		if got := list(); got != "SO-OLD,SO-NEW" {
			t.Fatalf("orders after the retry: %s", got)
		}

		if r := shop.do("POST", "/api/v1/orders/batch", map[string]any{"orders": make([]map[string]any, 501)}); r.Status != 422 {
			t.Fatalf("501 orders: %d %s, want 422", r.Status, r.Raw)
		}
	})
}

// "batch" names the batch route, so it cannot be an order number: an order
// called so could never be read back.
func TestAPI_BatchIsNoOrderNumber(t *testing.T) {
	shop := client{t, mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{}), keySakura}
	shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
	if r := shop.do("POST", "/api/v1/orders", order("batch", line("MUG-1", 1))); r.Status != 422 || !slices.Contains(r.fields(), "order_no") {
		t.Fatalf("order number batch: %d %s, want 422 naming order_no", r.Status, r.Raw)
	}
}

// A catalogue sync in one request: each product its own result, a bad one
// refused alone with its fields named.
func TestAPI_ProductBatch(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		with := func(sku string, p map[string]any) map[string]any {
			p["sku"] = sku
			return p
		}
		badCode := with("MUG-3", product("湯のみ", 900, "4901234567890")) // wrong check digit
		noName := with("MUG-4", product("", 900))
		delete(noName, "name")
		r := shop.must(200, "PUT", "/api/v1/products/batch", map[string]any{"products": []map[string]any{
			with("MUG-2", product("マグカップ（大）", 1500)),
			with("MUG-1", product("マグカップ（改）", 1300)),
			badCode,
			noName,
			with("batch", product("予約語", 1)),
		}})
		res := decode[api.ProductBatchResult](t, r)
		if res.Created != 1 || res.Updated != 1 || res.Refused != 3 {
			t.Fatalf("counts: %s", r.Raw)
		}
		want := []struct{ result, field string }{
			{"created", ""}, {"updated", ""}, {"refused", "barcodes[0].code"}, {"refused", "name"}, {"refused", "sku"},
		}
		for i, w := range want {
			got := res.Results[i]
			if string(got.Result) != w.result {
				t.Errorf("item %d: %+v, want %s", i, got, w.result)
				continue
			}
			if w.field != "" && !strings.Contains(mustJSON(t, got.Problem), `"field":"`+w.field+`"`) {
				t.Errorf("item %d refused without naming %s: %s", i, w.field, mustJSON(t, got.Problem))
			}
		}
		if p := shop.must(200, "GET", "/api/v1/products/MUG-1", nil); decode[api.Product](t, p).Name != "マグカップ（改）" || decode[api.Product](t, p).Price != 1300 {
			t.Errorf("MUG-1 after the batch: %s", p.Raw)
		}
		shop.must(200, "GET", "/api/v1/products/MUG-2", nil)
		for _, sku := range []string{"MUG-3", "MUG-4"} {
			if r := shop.do("GET", "/api/v1/products/"+sku, nil); r.Status != 404 {
				t.Errorf("refused %s was written: %d", sku, r.Status)
			}
		}
	})
}
