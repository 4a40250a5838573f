package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/soko/sokotest"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestWebhookEndpoint_InternalAddressesRefusedAtRegistration(t *testing.T) {
	h := mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{})
	sakura := client{t, h, keySakura}
	for _, url := range sokotest.InternalWebhookURLs {
		for lang, words := range map[string][]string{"ja": {"このWebhook URLは使えません", "内部ネットワーク", "正しいアドレスではありません"}, "en": {"webhook URL refused", "internal network", "not a valid address"}} {
			r := sakura.do("PUT", "/api/v1/webhook-endpoint", map[string]any{"url": url}, "Accept-Language", lang)
			fields := r.fields()
			if r.Status != 422 || len(fields) != 1 || fields[0] != "url" {
				t.Errorf("%s (%s): %d %s, want 422 naming url", url, lang, r.Status, r.Raw)
				continue
			}
			p := decode[api.Problem](t, r)
			detail, msg := p.Detail, (*p.Errors)[0].Message
			if !strings.Contains(detail, words[0]) || (!strings.Contains(msg, words[1]) && !strings.Contains(msg, words[2])) {
				t.Errorf("%s (%s): %q, field message %q", url, lang, detail, msg)
			}
		}
	}
	if r := sakura.do("GET", "/api/v1/webhook-endpoint", nil); r.Status != 404 {
		t.Fatalf("a refused URL was stored: %d %s", r.Status, r.Raw)
	}
	sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "https://93.184.215.14/hook"})
}

// Rotating the secret shows the new one once and says until when the old
// one still signs beside it; rotating again within the overlap keeps only
// the secret just replaced.
func TestWebhookEndpoint_RotationOverlap(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		sakura := client{t, mustAPIServer(t, db, Config{AllowPrivateWebhooks: true}), keySakura}
		first := sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "https://93.184.215.14/hook"})
		firstEP := decode[api.WebhookEndpoint](t, first)
		if firstEP.Secret == nil || firstEP.PreviousSecretUntil != nil {
			t.Fatalf("new endpoint: %s", first.Raw)
		}
		rotated := sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "https://93.184.215.14/hook", "rotate_secret": true})
		until := storagetest.Fixed.Add(soko.WebhookSecretOverlap).Format(time.RFC3339)
		// The overlap's end is compared as the answer spells it.
		rotatedEP := decode[api.WebhookEndpoint](t, rotated)
		if pointsTo(rotatedEP.Secret, *firstEP.Secret) || rotated.JSON["previous_secret_until"] != until {
			t.Fatalf("rotated: %s, want a new secret and the old one until %s", rotated.Raw, until)
		}
		m, err := db.FindMerchantByCode(context.Background(), "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		ep, err := db.FindWebhookEndpoint(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := ep.SigningSecrets(storagetest.Fixed.Add(time.Hour)); len(got) != 2 || !pointsTo(rotatedEP.Secret, got[0]) || got[1] != *firstEP.Secret {
			t.Fatalf("signing secrets an hour after the rotation: %v", got)
		}
		again := sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "https://93.184.215.14/hook", "rotate_secret": true})
		ep, _ = db.FindWebhookEndpoint(context.Background(), m.ID)
		if got := ep.SigningSecrets(storagetest.Fixed); len(got) != 2 || !pointsTo(decode[api.WebhookEndpoint](t, again).Secret, got[0]) || !pointsTo(rotatedEP.Secret, got[1]) {
			t.Fatalf("signing secrets after a second rotation: %v", got)
		}
		// Changing the URL alone keeps the overlap as it is.
		sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "https://93.184.215.14/hook2"})
		if r := sakura.must(200, "GET", "/api/v1/webhook-endpoint", nil); r.JSON["previous_secret_until"] != until || decode[api.WebhookEndpoint](t, r).Secret != nil {
			t.Fatalf("after a URL change: %s", r.Raw)
		}
	})
}

// An http URL is refused ("use https") unless its host is one the admin
// allowed in SOKO_WEBHOOK_ALLOW_HOSTS.
func TestWebhookEndpoint_HTTPForAllowedHosts(t *testing.T) {
	sakura := client{t, mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{WebhookAllowHosts: []string{"erp.lan"}}), keySakura}
	sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "http://ERP.lan./hooks"})
	r := sakura.must(422, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "http://93.184.215.14/hook"}, "Accept-Language", "en")
	if f := r.fields(); len(f) != 1 || f[0] != "url" || !strings.Contains(decode[api.Problem](t, r).Detail, "use an https URL") {
		t.Fatalf("http to a host not allowed: %s", r.Raw)
	}
}

// A merchant adds endpoints beside the first, each with its own secret and
// events, changes and removes them by id, and follows each one's deliveries;
// the single-endpoint routes keep meaning the first.
func TestWebhookEndpoints_SeveralPerMerchant(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		sakura := client{t, mustAPIServer(t, db, Config{AllowPrivateWebhooks: true}), keySakura}
		shop := sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "https://93.184.215.14/shop", "event_types": []string{"order.cancelled"}})
		stock := sakura.must(201, "POST", "/api/v1/webhook-endpoints", map[string]any{
			"url": "https://93.184.215.14/stock", "event_types": []string{"order.received", "order.cancelled", "order.received"},
		})
		shopEP, stockEP := decode[api.WebhookEndpoint](t, shop), decode[api.WebhookEndpoint](t, stock)
		if stockEP.Secret == nil || (shopEP.Secret != nil && *stockEP.Secret == *shopEP.Secret) || stockEP.Id == shopEP.Id {
			t.Fatalf("second endpoint: %s (first %s)", stock.Raw, shop.Raw)
		}
		if ev := stockEP.EventTypes; len(ev) != 2 {
			t.Fatalf("event types kept twice: %v", ev)
		}
		stockPath := "/api/v1/webhook-endpoints/" + itoa64(stockEP.Id)
		if r := sakura.must(200, "GET", stockPath, nil); decode[api.WebhookEndpoint](t, r).Secret != nil || decode[api.WebhookEndpoint](t, r).Url != "https://93.184.215.14/stock" {
			t.Fatalf("GET one endpoint: %s", r.Raw)
		}
		list := decode[api.WebhookEndpointList](t, sakura.must(200, "GET", "/api/v1/webhook-endpoints", nil)).Data
		if len(list) != 2 || list[0].Url != "https://93.184.215.14/shop" {
			t.Fatalf("endpoints: %+v", list)
		}
		// Two endpoints cannot share a URL; the first is still the one the
		// single-endpoint route shows.
		if r := sakura.do("POST", "/api/v1/webhook-endpoints", map[string]any{"url": "https://93.184.215.14/shop"}, "Accept-Language", "ja"); r.Status != 409 ||
			!strings.Contains(decode[api.Problem](t, r).Detail, "別のWebhook送信先") {
			t.Fatalf("same URL twice: %d %s", r.Status, r.Raw)
		}
		if r := sakura.must(200, "GET", "/api/v1/webhook-endpoint", nil); decode[api.WebhookEndpoint](t, r).Url != "https://93.184.215.14/shop" {
			t.Fatalf("the first endpoint: %s", r.Raw)
		}

		sakura.must(201, "PUT", "/api/v1/products/TOWEL-W", product("タオル", 1000))
		sakura.must(201, "POST", "/api/v1/orders", order("SO-W1", line("TOWEL-W", 1)))
		sakura.must(200, "POST", "/api/v1/orders/SO-W1/cancel", nil)
		perEndpoint := func(path string) []string {
			var types []string
			r := sakura.must(200, "GET", "/api/v1/webhook-deliveries?endpoint_id="+path[strings.LastIndex(path, "/")+1:], nil)
			for _, d := range decode[api.WebhookDeliveryList](t, r).Data {
				types = append(types, d.EventType)
			}
			return types
		}
		shopPath := "/api/v1/webhook-endpoints/" + itoa64(shopEP.Id)
		if got := strings.Join(perEndpoint(shopPath), ","); got != "order.cancelled" {
			t.Fatalf("the shop's deliveries: %s", got)
		}
		if got := strings.Join(perEndpoint(stockPath), ","); got != "order.cancelled,order.received" {
			t.Fatalf("the stock connector's deliveries: %s", got)
		}

		// Rotating one endpoint's secret leaves the other's alone.
		rotated := sakura.must(200, "PUT", stockPath, map[string]any{"url": "https://93.184.215.14/stock", "rotate_secret": true})
		if ep := decode[api.WebhookEndpoint](t, rotated); ep.Secret == nil || *ep.Secret == *stockEP.Secret || ep.PreviousSecretUntil == nil {
			t.Fatalf("rotated: %s", rotated.Raw)
		}
		if r := sakura.must(200, "GET", shopPath, nil); decode[api.WebhookEndpoint](t, r).SecretPrefix != shopEP.SecretPrefix || decode[api.WebhookEndpoint](t, r).PreviousSecretUntil != nil {
			t.Fatalf("the other endpoint after a rotation: %s", r.Raw)
		}
		sakura.must(204, "DELETE", stockPath, nil)
		sakura.must(404, "GET", stockPath, nil)
		sakura.must(404, "DELETE", stockPath, nil)
		if r := sakura.must(200, "GET", "/api/v1/webhook-deliveries", nil); len(decode[api.WebhookDeliveryList](t, r).Data) != 3 {
			t.Fatalf("the delivery log after removing an endpoint: %s", r.Raw)
		}

		// At most ten.
		for i := range soko.MaxWebhookEndpoints - 1 {
			sakura.must(201, "POST", "/api/v1/webhook-endpoints", map[string]any{"url": "https://93.184.215.14/n" + itoa64(int64(i))})
		}
		if r := sakura.do("POST", "/api/v1/webhook-endpoints", map[string]any{"url": "https://93.184.215.14/eleventh"}, "Accept-Language", "en"); r.Status != 409 ||
			!strings.Contains(decode[api.Problem](t, r).Detail, "at most 10") {
			t.Fatalf("an eleventh endpoint: %d %s", r.Status, r.Raw)
		}
	})
}
