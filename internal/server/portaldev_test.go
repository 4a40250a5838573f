package server

import (
	"context"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// An owner makes an API key for the shop's developer in the portal: its
// secret is in that answer only, it acts with the scopes chosen, revoking
// it stops it. Only owners manage keys, and only their own merchant's.
func TestPortal_APIKeys(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{})
		mustPortalUsers(t, db)
		owner := signInPortal(t, h, "owner@sakura.example", portalPassword)
		made := owner.must(201, "POST", "/portal/api-keys", map[string]any{"name": "受注連携", "scopes": []string{"read"}})
		key := decode[api.AdminAPIKey](t, made)
		secret, prefix := "", key.Prefix
		if key.Secret != nil {
			secret = *key.Secret
		}
		if secret == "" || !strings.HasPrefix(secret, prefix) {
			t.Fatalf("the new key: %s", made.Raw)
		}
		keyPath := "/portal/api-keys/" + itoa64(key.Id)
		list := owner.must(200, "GET", "/portal/api-keys", nil)
		if strings.Contains(string(list.Raw), secret) || !strings.Contains(string(list.Raw), prefix) || !strings.Contains(string(list.Raw), "受注連携") {
			t.Fatalf("the key list: %s", list.Raw)
		}
		dev := client{t, h, secret}
		dev.must(200, "GET", "/api/v1/products", nil)
		if r := dev.do("PUT", "/api/v1/products/NEW-1", product("新商品", 100)); r.Status != 403 {
			t.Errorf("a read-only key changes a product: %d %s", r.Status, r.Raw)
		}
		if r := (&portalClient{tb: t, h: h, cookie: owner.cookie}).do("POST", "/portal/api-keys", map[string]any{"name": "x"}); r.Status != 403 {
			t.Errorf("a key made without the CSRF token: %d %s", r.Status, r.Raw)
		}
		if r := owner.do("POST", "/portal/api-keys", map[string]any{"scopes": []string{"admin"}}); r.Status != 422 {
			t.Errorf("an unknown scope: %d %s", r.Status, r.Raw)
		}
		if r := owner.do("POST", "/portal/api-keys", map[string]any{"expires_at": "2020-01-01T00:00:00Z"}); r.Status != 422 || !strings.Contains(decode[api.Problem](t, r).Detail, "有効期限") {
			t.Errorf("a key expired already: %d %s", r.Status, r.Raw)
		}

		for _, email := range []string{"staff@sakura.example", "viewer@sakura.example"} {
			c := signInPortal(t, h, email, portalPassword)
			for _, call := range []struct{ method, path string }{{"GET", "/portal/api-keys"}, {"POST", "/portal/api-keys"}, {"POST", keyPath + "/revoke"}} {
				if r := c.do(call.method, call.path, map[string]any{}); r.Status != 403 || !strings.Contains(decode[api.Problem](t, r).Detail, "オーナー") {
					t.Errorf("%s %s as %s: %d %s", call.method, call.path, email, r.Status, r.Raw)
				}
			}
		}
		midori := signInPortal(t, h, "owner@midori.example", portalPassword)
		if r := midori.must(200, "GET", "/portal/api-keys", nil); strings.Contains(string(r.Raw), prefix) || strings.Contains(string(r.Raw), "受注連携") {
			t.Errorf("another merchant's owner sees the key: %s", r.Raw)
		}
		if r := midori.do("POST", keyPath+"/revoke", nil); r.Status != 404 {
			t.Errorf("another merchant's owner revokes the key: %d %s", r.Status, r.Raw)
		}
		dev.must(200, "GET", "/api/v1/products", nil)

		if r := owner.must(200, "POST", keyPath+"/revoke", nil); !decode[api.AdminAPIKey](t, r).Revoked {
			t.Fatalf("revoked: %s", r.Raw)
		}
		if r := dev.do("GET", "/api/v1/products", nil); r.Status != 401 {
			t.Errorf("a revoked key still reads: %d %s", r.Status, r.Raw)
		}
		owner.must(200, "POST", keyPath+"/revoke", nil)
	})
}

// The portal changes an order's address through the API's changeOrder,
// with the order's ETag: a stale read is refused (412), an order being
// picked is refused with the reason in Japanese (409), and a read-only
// user cannot change, hold or cancel.
func TestPortal_ChangeOrder(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{})
		mustPortalUsers(t, db)
		shop := client{t, h, keySakura}
		shop.must(201, "PUT", "/api/v1/products/TOWEL", product("今治タオル", 1650))
		shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("TOWEL", 1)))
		shop.must(201, "POST", "/api/v1/orders", order("SO-2", line("TOWEL", 1)))
		to := map[string]any{"name": "佐藤 花子", "postal_code": "530-0001", "prefecture": "大阪府", "city": "大阪市北区", "address1": "梅田3-1-1"}

		viewer := signInPortal(t, h, "viewer@sakura.example", portalPassword)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"PATCH", "/portal/api/v1/orders/SO-1", map[string]any{"ship_to": to}},
			{"POST", "/portal/api/v1/orders/SO-1/hold", map[string]any{"reason": "merchant"}},
			{"POST", "/portal/api/v1/orders/SO-1/release", nil},
			{"POST", "/portal/api/v1/orders/SO-1/cancel", nil},
		} {
			if r := viewer.do(c.method, c.path, c.body); r.Status != 403 {
				t.Errorf("%s %s as a read-only user: %d %s", c.method, c.path, r.Status, r.Raw)
			}
		}

		owner := signInPortal(t, h, "owner@sakura.example", portalPassword)
		read := owner.must(200, "GET", "/portal/api/v1/orders/SO-1", nil)
		etag := read.Header.Get("ETag")
		if etag == "" {
			t.Fatal("the order has no ETag in the portal")
		}
		changed := owner.must(200, "PATCH", "/portal/api/v1/orders/SO-1", map[string]any{"ship_to": to}, "If-Match", etag)
		if got := decode[api.Order](t, changed).ShipTo; got.City != "大阪市北区" || got.Name != "佐藤 花子" {
			t.Fatalf("the changed order: %s", changed.Raw)
		}
		if r := owner.do("PATCH", "/portal/api/v1/orders/SO-1", map[string]any{"ship_to": to}, "If-Match", etag); r.Status != 412 || !strings.Contains(decode[api.Problem](t, r).Detail, "読み取り後に変更") {
			t.Errorf("a change on a stale read: %d %s", r.Status, r.Raw)
		}
		if got := decode[api.Order](t, shop.must(200, "GET", "/api/v1/orders/SO-1", nil)).ShipTo; got.City != "大阪市北区" {
			t.Errorf("the API reads %+v", got)
		}

		midori := signInPortal(t, h, "owner@midori.example", portalPassword)
		for _, c := range []struct{ method, path string }{{"PATCH", "/portal/api/v1/orders/SO-1"}, {"GET", "/portal/api/v1/products/TOWEL/stock-history"}} {
			if r := midori.do(c.method, c.path, map[string]any{"ship_to": to}); r.Status != 404 {
				t.Errorf("%s %s as another merchant's owner: %d %s", c.method, c.path, r.Status, r.Raw)
			}
		}
		owner.must(200, "GET", "/portal/api/v1/products/TOWEL/stock-history", nil)

		if err := db.Exec(context.Background(), `UPDATE orders SET status = 'picking' WHERE number = 'SO-2'`); err != nil {
			t.Fatal(err)
		}
		etag = owner.must(200, "GET", "/portal/api/v1/orders/SO-2", nil).Header.Get("ETag")
		r := owner.do("PATCH", "/portal/api/v1/orders/SO-2", map[string]any{"ship_to": to}, "If-Match", etag)
		if r.Status != 409 || !strings.Contains(decode[api.Problem](t, r).Detail, "ピッキングが始まっています") {
			t.Errorf("a change once picking started: %d %s", r.Status, r.Raw)
		}
		if r := owner.do("POST", "/portal/api/v1/orders/SO-2/hold", map[string]any{"reason": "merchant"}); r.Status != 409 || !strings.Contains(decode[api.Problem](t, r).Detail, "ピッキングが始まっています") {
			t.Errorf("a hold once picking started: %d %s", r.Status, r.Raw)
		}
	})
}
