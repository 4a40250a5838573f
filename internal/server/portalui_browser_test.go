package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// portalScreens are the desktop and the phone the portal is tested on.
var portalScreens = []screen{{1366, 768, false}, {390, 844, true}}

// signInPortalPage signs a portal user in on the portal's page.
func (h *handheld) signInPortalPage(email string) {
	h.t.Helper()
	h.waitFor("the sign-in form", `!document.getElementById('v-signin').hidden`)
	h.do(chromedp.SetValue(chromedp.CSS("#signin [name=email]"), email), chromedp.SetValue(chromedp.CSS("#signin [name=password]"), portalPassword))
	h.click("#signin button[type=submit]")
	h.waitFor("the portal", `!document.getElementById('app').hidden`)
}

// goTo shows a portal view, as following a link to it does.
func (h *handheld) goTo(fragment string) {
	h.t.Helper()
	h.eval(fmt.Sprintf(`(function(){location.hash=%q;return ''})()`, fragment))
}

// submitTwice submits form twice before the first answer comes, and waits
// until both answers (requests to addresses containing path) have come
// and had time to be shown.
func (h *handheld) submitTwice(form, path string) {
	h.t.Helper()
	answers := fmt.Sprintf(`performance.getEntriesByType('resource').filter(function(e){return e.name.indexOf(%q)>=0}).length`, path)
	before := h.eval(`String(` + answers + `)`)
	h.eval(fmt.Sprintf(`(function(){var f=document.querySelector(%q);f.requestSubmit();f.requestSubmit();window.__submitted=performance.now();return ''})()`, form))
	h.waitFor("both answers", answers+` >= `+before+` + 2 && performance.now() - window.__submitted > 300`)
}

// mustPortalSite serves a shop with TOWEL in stock, portal users of
// SAKURA and MIDORI, and whatever setup adds.
func mustPortalSite(t *testing.T, cfg Config) (*storage.DB, *httptest.Server) {
	t.Helper()
	db := storagetest.MustOpenSQLite(t)
	err := db.Load(context.Background(), &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}, {Code: "MIDORI", Name: "みどり食品"}},
		APIKeys:   []soko.SeedAPIKey{{MerchantCode: "SAKURA", Secret: keySakura}, {MerchantCode: "MIDORI", Secret: keyMidori}},
		Locations: []soko.Location{{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
		Products: []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "今治タオル", Price: 1650, TaxRate: 10,
			Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}}},
		Stock: []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 20}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	mustPortalUsers(t, db)
	cfg.Store, cfg.Logger = db, slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = func() time.Time { return storagetest.Fixed }
	cfg.RatePerSecond, cfg.RateBurst = 10000, 10000
	srv := httptest.NewServer(New(cfg))
	t.Cleanup(srv.Close)
	return db, srv
}

// A shop owner opens a product from the stock list and reads its last 60
// days: one point per day for on hand and for available, the last day's
// figures those of the ledger (25 on hand, 3 allocated).
func TestPortal_StockChartInBrowser(t *testing.T) {
	for _, sc := range portalScreens {
		t.Run(fmt.Sprintf("%dx%d", sc.width, sc.height), func(t *testing.T) {
			db := storagetest.MustOpenSQLite(t)
			h, _ := stockHistorySite(t, db)
			mustPortalUsers(t, db)
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			b := mustBrowser(t, srv.URL+"/portal", sc)
			b.signInPortalPage("owner@sakura.example")
			b.waitFor("the stock", `!!document.querySelector('#stock-table a[href="#sku/TOWEL"]')`)
			b.click(`#stock-table a[href="#sku/TOWEL"]`)
			b.waitFor("the chart", `document.querySelectorAll('#sku-chart polyline').length === 2`)
			for _, series := range []string{"on_hand", "available"} {
				n := b.eval(fmt.Sprintf(`String(document.querySelector('#sku-chart polyline[data-series=%s]').getAttribute('points').trim().split(/\s+/).length)`, series))
				if n != "60" {
					t.Errorf("%s is drawn with %s points, want 60", series, n)
				}
			}
			if n := b.eval(`String(document.querySelectorAll('#sku-chart rect.day').length)`); n != "60" {
				t.Errorf("%s day columns, want 60", n)
			}
			first := b.eval(`document.querySelector('#sku-chart rect.day title').textContent`)
			last := b.eval(`Array.from(document.querySelectorAll('#sku-chart rect.day title')).pop().textContent`)
			if !strings.Contains(first, "2026-09-25") || !strings.Contains(first, "実在庫 20 / 引当可能 20") {
				t.Errorf("the first day: %q", first)
			}
			if !strings.Contains(last, "2026-11-23") || !strings.Contains(last, "実在庫 25 / 引当可能 22") {
				t.Errorf("the last day: %q", last)
			}
			// More on hand at the end: its line ends higher than it starts.
			rise := b.eval(`(function(){var p=document.querySelector('#sku-chart polyline[data-series=on_hand]').getAttribute('points').trim().split(/\s+/);
				return String(parseFloat(p[p.length-1].split(',')[1]) < parseFloat(p[0].split(',')[1]))})()`)
			if rise != "true" {
				t.Error("the on-hand line does not rise from 20 to 25")
			}
			if fig := b.text("#sku-figures"); !strings.Contains(fig, "実在庫25") || !strings.Contains(fig, "引当済3") {
				t.Errorf("the figures: %q", fig)
			}
			if cur := b.eval(`document.querySelector('nav a.current').getAttribute('href')`); cur != "#stock" {
				t.Errorf("the menu marks %s", cur)
			}
			b.shot("sku")
			b.noWiderThan(sc.width)

			// Signing in showed the stock list once: it was asked for once.
			if n := b.eval(`String(performance.getEntriesByType('resource').filter(function(e){return e.name.indexOf('/api/v1/stock?')>=0}).length)`); n != "1" {
				t.Errorf("the stock list was asked for %s times at sign-in, want 1", n)
			}
			// Four changes of the address before anything answers: each
			// routes to the product (the address is read when the change is
			// heard), which is asked for four more times and drawn once.
			b.eval(`(function(){location.hash='#stock';location.hash='#sku/TOWEL';location.hash='#stock';location.hash='#sku/TOWEL';return ''})()`)
			b.waitFor("four more answers", `performance.getEntriesByType('resource').filter(function(e){return e.name.indexOf('/stock-history')>=0}).length >= 5`)
			b.waitFor("the chart again", `document.querySelectorAll('#sku-chart polyline').length >= 2`)
			if n := b.eval(`String(document.querySelectorAll('#sku-chart rect.day').length)`); n != "60" {
				t.Errorf("after opening the product again, %s day columns, want 60", n)
			}
			if n := b.eval(`String(document.querySelectorAll('#sku-figures .figure').length)`); n != "4" {
				t.Errorf("after opening the product again, %s figures, want 4", n)
			}
			b.checkClean()
		})
	}
}

// A shop owner changes an order's address on its page and sees it there;
// for an order the warehouse has started picking, the API's refusal is
// what the page shows. A read-only user sees no buttons.
func TestPortal_OrderAddressInBrowser(t *testing.T) {
	for _, sc := range portalScreens {
		t.Run(fmt.Sprintf("%dx%d", sc.width, sc.height), func(t *testing.T) {
			db, srv := mustPortalSite(t, Config{})
			shop := client{t, srv.Config.Handler, keySakura}
			shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("TOWEL", 1)))
			shop.must(201, "POST", "/api/v1/orders", order("SO-2", line("TOWEL", 1)))
			if err := db.Exec(context.Background(), `UPDATE orders SET status = 'picking' WHERE number = 'SO-2'`); err != nil {
				t.Fatal(err)
			}
			b := mustBrowser(t, srv.URL+"/portal", sc)
			b.signInPortalPage("owner@sakura.example")
			b.goTo("#order/SO-1")
			b.waitFor("SO-1's buttons", `document.getElementById('order-title').textContent.indexOf('SO-1') >= 0 && !!document.getElementById('order-change-address')`)
			for _, id := range []string{"#order-hold", "#order-cancel"} {
				if !b.visible(id) {
					t.Errorf("%s is not shown for an allocated order", id)
				}
			}
			b.click("#order-change-address")
			b.waitFor("the address form", `!document.getElementById('order-address').hidden`)
			if got := b.eval(`document.querySelector('#order-address [name=city]').value`); got != "千代田区" {
				t.Errorf("the form starts from city %q", got)
			}
			b.do(chromedp.SetValue(chromedp.CSS("#order-address [name=postal_code]"), "530-0001"),
				chromedp.SetValue(chromedp.CSS("#order-address [name=prefecture]"), "大阪府"),
				chromedp.SetValue(chromedp.CSS("#order-address [name=city]"), "大阪市北区"),
				chromedp.SetValue(chromedp.CSS("#order-address [name=address1]"), "梅田3-1-1"))
			b.shot("address")
			b.click("#order-address button[type=submit]")
			b.expect("ok", "注文 SO-1 のお届け先を変更しました")
			b.waitFor("the new address on the order", `document.getElementById('order-ship').textContent.indexOf('大阪府 大阪市北区 梅田3-1-1') >= 0`)
			if got := shop.must(200, "GET", "/api/v1/orders/SO-1", nil).JSON["ship_to"].(map[string]any); got["city"] != "大阪市北区" || got["postal_code"] != "5300001" || got["email"] != "taro@example.jp" {
				t.Errorf("the order's address after the change: %v", got)
			}
			b.noWiderThan(sc.width)

			b.goTo("#order/SO-2")
			b.waitFor("SO-2's page", `document.getElementById('order-title').textContent.indexOf('SO-2') >= 0 && !!document.getElementById('order-change-address')`)
			if b.visible("#order-hold") {
				t.Error("hold is offered for an order being picked")
			}
			b.click("#order-change-address")
			b.waitFor("the address form", `!document.getElementById('order-address').hidden`)
			b.do(chromedp.SetValue(chromedp.CSS("#order-address [name=city]"), "大阪市北区"))
			b.click("#order-address button[type=submit]")
			b.expect("error", "ピッキングが始まっています")
			b.shot("refused")
			if got := shop.must(200, "GET", "/api/v1/orders/SO-2", nil).JSON["ship_to"].(map[string]any); got["city"] != "千代田区" {
				t.Errorf("a refused change happened: %v", got)
			}
			// Cancelling is still possible: the warehouse puts the goods back.
			b.click("#order-cancel")
			b.expect("error", "もう一度押すとキャンセルします")
			b.click("#order-cancel")
			b.expect("ok", "注文 SO-2 のキャンセルを倉庫に依頼しました")
			b.waitFor("SO-2 cancel requested", `document.getElementById('order-status').textContent === 'キャンセル依頼中' && document.querySelectorAll('#order-actions button').length === 0`)

			b.click("#signout")
			b.signInPortalPage("viewer@sakura.example")
			b.goTo("#order/SO-1")
			b.waitFor("SO-1 for the read-only user", `document.getElementById('order-title').textContent.indexOf('SO-1') >= 0 && document.querySelectorAll('#order-timeline li').length > 0`)
			if n := b.eval(`String(document.querySelectorAll('#order-actions button').length)`); n != "0" {
				t.Errorf("a read-only user sees %s order buttons", n)
			}
			if b.visible("#nav-developer") {
				t.Error("a read-only user sees the developer page in the menu")
			}
			b.checkClean()
		})
	}
}

// A shop owner makes an API key on the developer page: the secret shows
// once and never after a reload; adds a webhook endpoint (its secret shown
// once too), finds an event in the delivery log and sends it again, and
// revokes the key.
func TestPortal_DeveloperInBrowser(t *testing.T) {
	for _, sc := range portalScreens {
		t.Run(fmt.Sprintf("%dx%d", sc.width, sc.height), func(t *testing.T) {
			db, srv := mustPortalSite(t, Config{AllowPrivateWebhooks: true})
			h := srv.Config.Handler
			b := mustBrowser(t, srv.URL+"/portal", sc)
			b.signInPortalPage("owner@sakura.example")
			b.waitFor("the developer link", `!document.getElementById('nav-developer').hidden`)
			b.click("#nav-developer")
			b.waitFor("the developer page", `!document.getElementById('v-developer').hidden && document.querySelectorAll('#key-scopes input').length === 5`)
			b.do(chromedp.SetValue(chromedp.CSS("#key-form [name=name]"), "受注連携"))
			b.click(`#key-scopes input[value=read]`)
			b.click(`#key-scopes input[value=orders]`)
			b.click("#key-form button[type=submit]")
			b.expect("ok", "APIキーを発行しました")
			b.waitFor("the secret", `!document.getElementById('dev-secret').hidden && document.querySelectorAll('#key-table tbody tr').length === 2`)
			secret := b.text("#dev-secret-value")
			if !strings.HasPrefix(secret, "soko_") || len(secret) < 30 {
				t.Fatalf("the secret shown: %q", secret)
			}
			if msg := b.text("#dev-secret"); !strings.Contains(msg, "今だけ表示") {
				t.Errorf("the secret's warning: %q", msg)
			}
			row := b.text(`#key-table tbody tr:first-child`)
			if !strings.Contains(row, "受注連携") || !strings.Contains(row, "参照, 注文") || strings.Contains(row, secret) {
				t.Errorf("the new key's row: %q", row)
			}
			dev := client{t, h, secret}
			dev.must(200, "GET", "/api/v1/orders", nil)
			if r := dev.do("PUT", "/api/v1/products/NEW-1", product("新商品", 100)); r.Status != 403 {
				t.Errorf("the key has scopes it was not given: %d %s", r.Status, r.Raw)
			}
			b.shot("key")
			b.noWiderThan(sc.width)

			b.do(chromedp.Reload())
			b.waitFor("the developer page again", `!document.getElementById('v-developer').hidden && document.querySelectorAll('#key-table tbody tr').length === 2`)
			if b.visible("#dev-secret") || strings.Contains(b.eval(`document.body.innerHTML`), secret) {
				t.Error("the secret shows again after a reload")
			}

			b.do(chromedp.SetValue(chromedp.CSS("#hook-form [name=url]"), "http://127.0.0.1:9/hook"))
			b.click(`#hook-events input[value="order.cancelled"]`)
			b.click("#hook-form button[type=submit]")
			b.expect("ok", "送信先を追加しました")
			b.waitFor("the endpoint", `document.querySelectorAll('#hook-table tbody tr').length === 1 && !document.getElementById('dev-secret').hidden`)
			if s := b.text("#dev-secret-value"); !strings.HasPrefix(s, "whsec_") || len(s) < 30 {
				t.Errorf("the endpoint's secret: %q", s)
			}
			if row := b.text("#hook-table tbody tr"); !strings.Contains(row, "http://127.0.0.1:9/hook") || !strings.Contains(row, "order.cancelled") || !strings.Contains(row, "送信中") {
				t.Errorf("the endpoint's row: %q", row)
			}
			eps := (client{t, h, keySakura}).must(200, "GET", "/api/v1/webhook-endpoints", nil).JSON["data"].([]any)
			if len(eps) != 1 || eps[0].(map[string]any)["url"] != "http://127.0.0.1:9/hook" {
				t.Fatalf("the endpoints: %v", eps)
			}

			shop := client{t, h, keySakura}
			shop.must(201, "POST", "/api/v1/orders", order("SO-HOOK", line("TOWEL", 1)))
			shop.must(200, "POST", "/api/v1/orders/SO-HOOK/cancel", nil)
			// The endpoint never answered: the delivery gave up.
			if err := db.Exec(context.Background(), `UPDATE outbox SET status = 'dead', attempts = 12, last_error = 'connection refused' WHERE channel = 'webhook'`); err != nil {
				t.Fatal(err)
			}
			b.do(chromedp.SetValue(chromedp.CSS("#delivery-filter [name=status]"), "dead"))
			b.click("#delivery-filter button[type=submit]")
			b.waitFor("the delivery", `document.querySelectorAll('#delivery-table tbody tr').length === 1`)
			b.submitTwice("#delivery-filter", "/webhook-deliveries?limit=50")
			if n := b.eval(`String(document.querySelectorAll('#delivery-table tbody tr').length)`); n != "1" {
				t.Errorf("two quick filters list %s deliveries, want 1", n)
			}
			if row := b.text("#delivery-table tbody tr"); !strings.Contains(row, "order.cancelled (SO-HOOK)") || !strings.Contains(row, "http://127.0.0.1:9/hook") ||
				!strings.Contains(row, "送信失敗") || !strings.Contains(row, "connection refused") {
				t.Errorf("the delivery's row: %q", row)
			}
			b.click("#delivery-table button.redeliver")
			b.expect("ok", "order.cancelled を再送します")
			b.waitFor("the delivery pending again", `document.querySelector('#delivery-table tbody tr').textContent.indexOf('送信待ち') >= 0 && !document.querySelector('#delivery-table button.redeliver')`)
			b.shot("webhooks")
			b.noWiderThan(sc.width)

			b.click("#key-table tbody tr:first-child button.revoke")
			b.expect("error", "もう一度押すと失効します")
			b.click("#key-table tbody tr:first-child button.revoke")
			b.expect("ok", "を失効させました")
			b.waitFor("the key revoked", `document.querySelector('#key-table tbody tr:first-child').textContent.indexOf('失効') >= 0`)
			if r := dev.do("GET", "/api/v1/orders", nil); r.Status != 401 {
				t.Errorf("the revoked key still reads: %d %s", r.Status, r.Raw)
			}
			b.checkClean()
		})
	}
}
