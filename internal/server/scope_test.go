package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A key given to a reporting tool reads but cannot send orders; a shop
// system's key sends orders but cannot touch the catalogue or the webhook;
// an expired key is refused like an unknown one.
func TestAPI_KeyScopesAndExpiry(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{})
		full := client{t, h, keySakura}
		full.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		full.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1)))

		sakura, err := db.FindMerchantByCode(context.Background(), "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		key := func(secret string, expires time.Time, scopes ...string) client {
			k := &soko.APIKey{MerchantID: sakura.ID, Prefix: soko.APIKeyPrefix(secret), Hash: soko.HashAPIKey(secret), Scopes: scopes, ExpiresAt: expires}
			if err := db.CreateAPIKey(context.Background(), k); err != nil {
				t.Fatal(err)
			}
			return client{t, h, secret}
		}
		reader := key("soko_readeronlyaaaaaaaaaaaaaaaaaaaaaaa", time.Time{}, soko.ScopeRead)
		shop := key("soko_ordersonlyaaaaaaaaaaaaaaaaaaaaaaa", time.Time{}, soko.ScopeOrders)
		expired := key("soko_expiredkeyaaaaaaaaaaaaaaaaaaaaaaa", storagetest.Fixed.Add(-time.Minute))
		later := key("soko_expireslateraaaaaaaaaaaaaaaaaaaaa", storagetest.Fixed.Add(time.Hour))

		for _, path := range []string{"/api/v1/orders/SO-1", "/api/v1/products", "/api/v1/stock", "/api/v1/webhook-deliveries"} {
			reader.must(200, "GET", path, nil)
		}
		forbidden := func(c client, method, path string, body any, scope string) {
			t.Helper()
			r := c.do(method, path, body)
			if r.Status != 403 || !strings.Contains(decode[api.Problem](t, r).Detail, scope) {
				t.Errorf("%s %s: %d %s, want 403 naming %s", method, path, r.Status, r.Raw, scope)
			}
		}
		forbidden(reader, "POST", "/api/v1/orders", order("SO-2", line("MUG-1", 1)), "orders")
		forbidden(reader, "POST", "/api/v1/orders/SO-1/cancel", nil, "orders")

		shop.must(201, "POST", "/api/v1/orders", order("SO-3", line("MUG-1", 1)))
		shop.must(200, "GET", "/api/v1/orders/SO-3", nil)
		shop.must(200, "GET", "/api/v1/shipments", nil)
		forbidden(shop, "PUT", "/api/v1/products/MUG-1", product("書き換え", 1), "products")
		forbidden(shop, "GET", "/api/v1/products", nil, "products")
		forbidden(shop, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "https://example.com/hook"}, "webhooks")
		if p := full.must(200, "GET", "/api/v1/products/MUG-1", nil); decode[api.Product](t, p).Name != "マグカップ" {
			t.Errorf("a refused PUT changed the product: %s", p.Raw)
		}

		if r := expired.do("GET", "/api/v1/orders", nil); r.Status != 401 {
			t.Errorf("expired key: %d %s, want 401", r.Status, r.Raw)
		}
		later.must(200, "GET", "/api/v1/orders", nil)
	})
}

// Every merchant operation says which scopes let a key call it: one
// without would refuse every scoped key.
func TestAPI_EveryOperationHasScopes(t *testing.T) {
	spec, _ := mustLoadSpec()
	for _, path := range spec.Paths.InMatchingOrder() {
		if !strings.HasPrefix(path, apiBase) {
			continue
		}
		for method, op := range spec.Paths.Value(path).Operations() {
			scopes := operationScopes(op)
			if len(scopes) == 0 {
				t.Errorf("%s %s has no x-soko-scopes", method, path)
			}
			for _, s := range scopes {
				if _, err := soko.ParseScopes(s); err != nil {
					t.Errorf("%s %s: %v", method, path, err)
				}
			}
		}
	}
}
