package server

import (
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A merchant archives a product it no longer sells: lists leave it out
// unless asked, new orders naming it are refused naming the line, a put
// without "archived" keeps it archived, and restoring it lets orders in.
func TestAPI_ProductArchive(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		old := product("旧マグカップ", 1000)
		old["archived"] = true
		if r := shop.must(201, "PUT", "/api/v1/products/MUG-OLD", old); !decode[api.Product](t, r).Archived {
			t.Fatalf("archived product: %s", r.Raw)
		}
		skus := func(path string) string {
			var out []string
			for _, p := range decode[api.ProductList](t, shop.must(200, "GET", path, nil)).Data {
				out = append(out, p.Sku)
			}
			return strings.Join(out, ",")
		}
		if got := skus("/api/v1/products"); got != "MUG-1" {
			t.Errorf("products listed %s, want MUG-1 only", got)
		}
		if got := skus("/api/v1/products?include_archived=true"); got != "MUG-1,MUG-OLD" {
			t.Errorf("products with the archived listed %s", got)
		}

		r := shop.must(422, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1), line("MUG-OLD", 1)), "Accept-Language", "en")
		if f := r.fields(); len(f) != 1 || f[0] != "lines[1].sku" || !strings.Contains(decode[api.Problem](t, r).Detail, "archived") {
			t.Fatalf("order naming an archived product: %s", r.Raw)
		}
		// A put that does not mention archived keeps it archived.
		shop.must(200, "PUT", "/api/v1/products/MUG-OLD", product("旧マグカップ（在庫限り）", 900))
		if r := shop.must(200, "GET", "/api/v1/products/MUG-OLD", nil); !decode[api.Product](t, r).Archived {
			t.Fatalf("after a put without archived: %s", r.Raw)
		}
		restored := product("旧マグカップ", 1000)
		restored["archived"] = false
		shop.must(200, "PUT", "/api/v1/products/MUG-OLD", restored)
		shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1), line("MUG-OLD", 1)))
		if got := skus("/api/v1/products"); got != "MUG-1,MUG-OLD" {
			t.Errorf("after restoring, products listed %s", got)
		}
	})
}

// A request that breaks the schema is still checked against the business
// rules: a zero quantity, an unknown SKU and a prefecture that does not
// match the postal code come back in one problem.
func TestAPI_SchemaAndBusinessErrorsTogether(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		o := order("SO-1", line("MUG-1", 0), line("NOPE", 1))
		o["ship_to"].(map[string]any)["prefecture"] = "北海道" // 100-0005 is in Tokyo
		r := shop.must(422, "POST", "/api/v1/orders", o)
		f := strings.Join(r.fields(), ",")
		for _, want := range []string{"lines[0].quantity", "lines[1].sku", "ship_to.postal_code"} {
			if !strings.Contains(f, want) {
				t.Errorf("problem names %s, want %s among them: %s", f, want, r.Raw)
			}
		}
	})
}

// The same holds for an order's change and a product's PUT: a schema
// mistake and a business-rule refusal are named in one answer.
func TestAPI_SchemaAndBusinessErrorsTogetherOnChanges(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1)))
		change := map[string]any{
			"priority": -5, // below the schema's minimum
			"lines":    []map[string]any{line("NOPE", 1)},
			"ship_to":  map[string]any{"name": "山田 太郎", "postal_code": "100-0005", "prefecture": "北海道", "city": "千代田区", "address1": "丸の内1-9-1"},
		}
		r := shop.must(422, "PATCH", "/api/v1/orders/SO-1", change)
		f := strings.Join(r.fields(), ",")
		for _, want := range []string{"priority", "lines[0].sku", "ship_to.postal_code"} {
			if !strings.Contains(f, want) {
				t.Errorf("change: problem names %s, want %s among them: %s", f, want, r.Raw)
			}
		}
		if o := shop.must(200, "GET", "/api/v1/orders/SO-1", nil); decode[api.Order](t, o).Lines[0].Sku != "MUG-1" {
			t.Fatalf("the refused change was applied: %s", o.Raw)
		}

		p := product("マグカップ", -1)                                   // a negative price breaks the schema
		p["barcodes"] = []map[string]any{{"code": "4901234567890"}} // wrong check digit
		r = shop.must(422, "PUT", "/api/v1/products/MUG-1", p, "Accept-Language", "ja")
		f = strings.Join(r.fields(), ",")
		for _, want := range []string{"price", "barcodes[0].code"} {
			if !strings.Contains(f, want) {
				t.Errorf("product: problem names %s, want %s among them: %s", f, want, r.Raw)
			}
		}
		if !strings.Contains(string(r.Raw), "チェックデジット") {
			t.Errorf("product: the barcode's refusal is not in Japanese: %s", r.Raw)
		}
	})
}
