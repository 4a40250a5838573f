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
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestPortal_InBrowser drives /portal in headless Chromium as a shop owner
// on a desktop (1366×768) and on a phone (390×844): signing in, the stock
// per SKU with what is allocated and what is coming in, the orders list,
// and an order's lines, tracking link and timeline; on the desktop the
// owner also holds the order and has a product with a wrong JAN refused.
func TestPortal_InBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("a browser test: -short leaves it to make test-browser")
	}
	for _, sc := range []screen{{1366, 768, false}, {390, 844, true}} {
		t.Run(fmt.Sprintf("%dx%d", sc.width, sc.height), func(t *testing.T) {
			db := storagetest.MustOpenSQLite(t)
			err := db.Load(context.Background(), &soko.Seed{
				Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
				APIKeys:   []soko.SeedAPIKey{{MerchantCode: "SAKURA", Secret: keySakura}},
				Locations: []soko.Location{{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
				Products: []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "今治タオル", Price: 1650, TaxRate: 10,
					Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}}},
				Stock:       []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 20}}},
				PortalUsers: []soko.SeedPortalUser{{MerchantCode: "SAKURA", PortalUser: soko.PortalUser{Email: "owner@sakura.example", Role: soko.PortalOwner}, Password: portalPassword}},
			})
			if err != nil {
				t.Fatal(err)
			}
			h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }, RatePerSecond: 10000, RateBurst: 10000})
			shop := client{t, h, keySakura}
			shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("TOWEL", 3)))
			shop.must(201, "POST", "/api/v1/orders", order("SO-2", line("TOWEL", 1)))
			shop.must(201, "POST", "/api/v1/inbounds", map[string]any{
				"inbound_no": "ASN-1", "expected_date": "2026-12-01", "lines": []map[string]any{{"sku": "TOWEL", "quantity": 12}},
			})
			if err := markShipped(db, "SO-1"); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			b := mustBrowser(t, srv.URL+"/portal", sc)

			b.waitFor("the sign-in form", `!document.getElementById('v-signin').hidden`)
			b.do(chromedp.SetValue(chromedp.CSS("#signin [name=email]"), "owner@sakura.example"), chromedp.SetValue(chromedp.CSS("#signin [name=password]"), "wrong-password!"))
			b.click("#signin button[type=submit]")
			b.expect("error", "メールアドレスまたはパスワードが違います")
			b.do(chromedp.SetValue(chromedp.CSS("#signin [name=password]"), portalPassword))
			b.click("#signin button[type=submit]")
			b.waitFor("the stock", `document.querySelectorAll('#stock-table tr[data-sku="TOWEL"]').length === 1`)
			row := b.text(`#stock-table tr[data-sku="TOWEL"]`)
			// 20 on hand, 4 allocated to the two orders, 12 coming in.
			for _, want := range []string{"今治タオル", "16", "4", "12", "20"} {
				if !strings.Contains(row, want) {
					t.Errorf("stock row %q lacks %s", row, want)
				}
			}
			cells := b.eval(`Array.from(document.querySelectorAll('#stock-table tr[data-sku="TOWEL"] td')).slice(2,7).map(function(td){return td.textContent}).join(' ')`)
			if cells != "16 4 0 12 20" {
				t.Errorf("available, allocated, held, inbound, on hand: %q, want 16 4 0 12 20", cells)
			}
			b.shot("stock")
			b.noWiderThan(sc.width)

			b.click(`nav a[href="#orders"]`)
			b.waitFor("the orders", `document.querySelectorAll('#order-table tbody tr').length === 2`)
			// Searching twice before the first answer lists them once.
			b.submitTwice("#order-search", "/api/v1/orders?limit=50")
			if n := b.eval(`String(document.querySelectorAll('#order-table tbody tr').length)`); n != "2" {
				t.Errorf("two quick searches list %s rows, want the 2 orders", n)
			}
			b.shot("orders")
			b.click(`#order-table a[href="#order/SO-1"]`)
			b.waitFor("SO-1's timeline", `document.querySelectorAll('#order-timeline li').length >= 2`)
			if got := b.text("#order-title"); !strings.Contains(got, "SO-1") {
				t.Errorf("order title %q", got)
			}
			if tl := b.text("#order-timeline"); !strings.Contains(tl, "引当済") {
				t.Errorf("timeline %q lacks the allocation", tl)
			}
			if href := b.eval(`(document.querySelector('#order-tracking a')||{}).href||''`); !strings.Contains(href, "123456789013") {
				t.Errorf("tracking link %q", href)
			}
			if lines := b.text("#order-lines tbody"); !strings.Contains(lines, "TOWEL") {
				t.Errorf("order lines %q", lines)
			}
			b.shot("order")
			b.noWiderThan(sc.width)

			if !sc.mobile {
				b.click(`nav a[href="#orders"]`)
				b.waitFor("the orders again", `document.querySelectorAll('#order-table a[href="#order/SO-2"]').length === 1`)
				b.click(`#order-table a[href="#order/SO-2"]`)
				b.waitFor("SO-2's hold button", `document.getElementById('order-title').textContent.indexOf('SO-2') >= 0 && !!document.getElementById('order-hold') && document.querySelectorAll('#order-timeline li').length >= 2`)
				b.click("#order-hold")
				b.expect("ok", "SO-2 を保留にしました")
				b.waitFor("SO-2 on hold", `document.getElementById('order-status').textContent === '保留中'`)
				if r := shop.must(200, "GET", "/api/v1/orders/SO-2", nil); r.JSON["status"] != "on_hold" {
					t.Errorf("SO-2 after the portal's hold: %s", r.Raw)
				}

				b.click(`nav a[href="#products"]`)
				b.waitFor("the products", `document.querySelectorAll('#product-table tbody tr').length === 1`)
				b.do(chromedp.SetValue(chromedp.CSS("#product-form [name=sku]"), "MUG"), chromedp.SetValue(chromedp.CSS("#product-form [name=name]"), "マグカップ"),
					chromedp.SetValue(chromedp.CSS("#product-form [name=price]"), "1200"), chromedp.SetValue(chromedp.CSS("#product-form [name=jan]"), "4901234567890"))
				b.click("#product-form button[type=submit]")
				b.waitFor("the JAN refused beside its field", `!!document.querySelector('#product-form label.bad [name=jan]')`)
				b.do(chromedp.SetValue(chromedp.CSS("#product-form [name=jan]"), "4549526612343"))
				b.click("#product-form button[type=submit]")
				b.expect("ok", "保存しました")
				b.waitFor("the new product", `document.querySelectorAll('#product-table tbody tr').length === 2`)
			}
			b.checkClean()
		})
	}
}

// noWiderThan fails when the page scrolls sideways on a screen width px wide.
func (h *handheld) noWiderThan(width int) {
	h.t.Helper()
	if w := h.eval(`String(document.documentElement.scrollWidth)`); w != fmt.Sprint(width) {
		h.t.Errorf("the page is %s px wide on a %d px screen", w, width)
	}
}
