package server

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
)

// TestHandheld_KittingInBrowser does a supervisor's kitting task on a
// 360-pixel handheld: the kitting code loads only when the menu is
// opened (and the service worker keeps it), the worker scans the shelves
// and the components taken from them, then the shelf where the kits go;
// the components leave the books and the kits arrive as the set's stock.
func TestHandheld_KittingInBrowser(t *testing.T) {
	site := mustHandheldSite(t)
	ctx := context.Background()
	db, m := site.db, site.merchant
	picker := site.seed.Staff[0].ID
	scan := 0
	for _, s := range []struct {
		sku, jan, to string
		n            int
	}{{"TOWEL", janTowel, "A-01-01-1", 5}, {"MUG", janMug, "A-01-01-2", 2}} {
		scan++
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: fmt.Sprintf("kit-rcv-%d", scan), StaffID: picker, MerchantID: m, ProductID: site.product(s.sku), Units: s.n, Code: s.jan}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutAway(ctx, &soko.Move{ScanID: fmt.Sprintf("kit-put-%d", scan), StaffID: picker, ProductID: site.product(s.sku), Units: s.n, To: s.to}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.PutProduct(ctx, &soko.Product{MerchantID: m, SKU: "GIFT", Name: "タオルとマグのギフト", Price: 5000, TaxRate: 10, ReorderPoint: soko.KeepReorderPoint, KeepStockBuffer: true,
		Components: []soko.Component{{SKU: "TOWEL", Quantity: 2}, {SKU: "MUG", Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateKittingTask(ctx, &soko.KittingTask{MerchantID: m, SetSKU: "GIFT", Quantity: 2, Location: "R-01-01-1"}); err != nil {
		t.Fatal(err)
	}

	h := mustBrowser(t, site.URL+"/hh", screen{360, 640, true})
	h.signIn()
	h.waitFor("the kitting menu and the service worker", `!document.getElementById('m-kit').hidden && navigator.serviceWorker.controller !== null`)
	if h.eval(`String(!!window.SokoKit || !!document.querySelector('script[src*="hh_kit"]'))`) != "false" {
		t.Fatal("the kitting code loaded with the page: it must load when the menu is opened")
	}
	h.click("#m-kit")
	h.waitFor("the open kitting task", `document.querySelector('#v-kit button.item') && window.SokoKit`)
	if task := h.text("#v-kit button.item"); task != "タオルとマグのギフトGIFTキット 2 個 → R-01-01-1" {
		t.Errorf("the task reads %q", task)
	}
	h.click("#v-kit button.item")
	h.waitFor("the components", `document.querySelectorAll('#v-kit tbody tr').length === 2`)
	if row := h.text(`#v-kit tr[data-sku="TOWEL"]`); row != "今治フェイスタオル TOWELA-01-01-10/4" {
		t.Errorf("the towels' row reads %q", row)
	}
	h.scan(janTowel)
	h.expect("warn", "構成品を取る棚をスキャンしてください")
	h.scan("A-01-01-1")
	h.expect("ok", "棚 A-01-01-1")
	for i := 1; i <= 4; i++ {
		h.scan(janTowel)
		h.expect("ok", fmt.Sprintf("今治フェイスタオル %d/4", i))
	}
	h.scan(janTowel)
	h.expect("warn", "4 個で足ります")
	h.scan("A-01-01-2")
	h.expect("ok", "棚 A-01-01-2")
	h.scan(janMug)
	h.scan(janMug)
	h.expect("ok", "波佐見焼 マグカップ 2/2")
	h.waitFor("the prompt for the kits' shelf", `document.getElementById('prompt').textContent.indexOf('置き場所 R-01-01-1') >= 0`)
	h.shot("kitting-360")
	if w := h.eval(`String(document.documentElement.scrollWidth)`); w != "360" {
		t.Errorf("the kitting view is %s px wide on a 360 px screen", w)
	}
	h.scan("R-01-01-1")
	h.expect("ok", "キット 2 個を R-01-01-1 に置きました")

	for sku, want := range map[string]int{"TOWEL": 1, "MUG": 0, "GIFT": 2} {
		s, err := db.StockOf(ctx, m, sku)
		if err != nil || s.OnHand != want {
			t.Errorf("%s on hand after kitting: %+v %v, want %d", sku, s, err, want)
		}
	}
	if open, _ := db.OpenKittingTasks(ctx); len(open) != 0 {
		t.Errorf("open kitting tasks after it was done: %+v", open)
	}
	h.do(chromedp.Evaluate[chromedp.Void](`caches.keys().then(function (ks) { return Promise.all(ks.map(function (k) { return caches.open(k).then(function (c) { return c.keys(); }); })); })
		.then(function (rs) { window.kitCached = [].concat.apply([], rs).some(function (r) { return r.url.indexOf('/static/hh_kit.') >= 0; }); })`))
	h.waitFor("the service worker to keep the kitting code", `window.kitCached === true`)
	h.checkClean()
}
