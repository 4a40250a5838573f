package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestConsole_ReplenishmentInBrowser drives the console's replenishment
// section in headless Chromium: the towel, bought in cases of 12 with 30
// days' lead time, is suggested per its supplier with its stock chart drawn
// by the server; the supervisor accepts, and the purchase order's inbound
// notice waits for the goods.
func TestConsole_ReplenishmentInBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	ctx := context.Background()
	sup, _, _ := mustPickFloor(t, db) // 25 towels on hand, 5 allocated
	m, err := db.FindMerchantByCode(ctx, "SAKURA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutSupplier(ctx, &soko.Supplier{MerchantID: m.ID, Code: "TOWELCO", Name: "今治タオル工業", LeadTimeDays: 30,
		MinOrderQty: 12, OrderMultiple: 12, Contact: "佐藤 0898-00-0000", SKUs: []string{"TOWEL"}}); err != nil {
		t.Fatal(err)
	}
	// The section's first load, for the default window, is held until the
	// one asked for has been drawn: its late answer must not replace it.
	held, answered := make(chan struct{}), make(chan struct{})
	var first sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		late := false
		if r.URL.Path == "/ops/replenishment" && !r.URL.Query().Has("window_days") {
			first.Do(func() { late = true })
		}
		if late {
			<-held
			defer close(answered)
		}
		sup.h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var release sync.Once
	letGo := func() { release.Do(func() { close(held) }) }
	t.Cleanup(letGo)
	c := console{mustBrowser(t, srv.URL+"/console", screen{1280, 900, false})}

	c.signIn("V001", "5555")
	c.expect("ok", "伊藤")
	c.click(`nav a[href="#replenish"]`)
	c.waitFor("the replenishment section", `!document.getElementById('replenish').hidden && document.getElementById('rp-merchant').options.length > 0`)
	// A one-day window: the 5 towels allocated today are 5 a day; 30 days'
	// lead time + 7 days' review + 3 days' safety stock is 200 to have,
	// less the 20 free, rounded to cases of 12.
	c.fill("#rp-merchant", fmt.Sprint(m.ID), "#rp-window", "1")
	c.click("#rp-form button[type=submit]")
	c.waitFor("the towel's suggestion", `document.querySelector('section.rp-supplier[data-supplier="TOWELCO"] input.rp-qty[data-sku="TOWEL"]') !== null`)
	if got := c.eval(`document.querySelector('input.rp-qty[data-sku="TOWEL"]').value`); got != "180" {
		t.Errorf("the towel's suggested quantity is %q, want 180", got)
	}
	letGo()
	select {
	case <-answered:
	case <-time.After(browserWait):
		t.Fatal("the section's first load was never answered")
	}
	c.waitFor("the browser to have the first load's answer", `performance.getEntriesByType('resource').some(function (e) {
		return e.name.indexOf('/ops/replenishment?') >= 0 && e.name.indexOf('window_days') < 0 && e.responseEnd > 0 })`)
	time.Sleep(200 * time.Millisecond) // and to have acted on it
	if got := c.eval(`document.querySelector('input.rp-qty[data-sku="TOWEL"]').value`); got != "180" {
		t.Errorf("after the first load's late answer the towel's suggested quantity is %q, want 180", got)
	}
	c.waitFor("the stock chart to load", `(function(){var i=document.querySelector('img.rp-chart');return i&&i.complete&&i.naturalWidth>0})()`)
	if h := c.text("section.rp-supplier h3"); h != "今治タオル工業 (TOWELCO)" {
		t.Errorf("the supplier's heading is %q", h)
	}
	src := c.eval(`document.querySelector('img.rp-chart').getAttribute('src')`)
	chart := sup.op("GET", src, nil, "")
	svg := string(chart.Raw)
	if chart.Status != 200 || chart.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(svg, `class="history"`) || !strings.Contains(svg, `class="projection"`) {
		t.Fatalf("GET %s: %d %s\n%s", src, chart.Status, chart.Header, svg)
	}
	history := regexp.MustCompile(`class="history"[^>]*points="([^"]*)"`).FindStringSubmatch(svg)
	if history == nil || len(strings.Fields(history[1])) != historyDays {
		t.Errorf("the history line has %v, want %d points", history, historyDays)
	}
	c.shot("replenishment")

	c.click(`section.rp-supplier[data-supplier="TOWELCO"] button.rp-accept`)
	c.wantMsg("rp-msg", "ok", "発注書 PO-")
	number := regexp.MustCompile(`PO-\d{8}-\d{3}`).FindString(c.text("#rp-msg"))
	in, err := db.FindInbound(ctx, m.ID, number)
	if err != nil || in.Status != soko.InboundExpected || len(in.Lines) != 1 || in.Lines[0].Quantity != 180 {
		t.Fatalf("the inbound of %q: %+v %v", number, in, err)
	}
	c.waitFor("the order in the list", fmt.Sprintf(`document.getElementById('rp-orders').textContent.indexOf(%q) >= 0`, number))
	c.waitFor("the suggestion to drop", `document.querySelector('input.rp-qty[data-sku="TOWEL"]') && document.querySelector('input.rp-qty[data-sku="TOWEL"]').value === "0"`)
	c.shot("replenishment-ordered")
	c.checkClean()
}
