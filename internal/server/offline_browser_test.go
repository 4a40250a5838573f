package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
)

// deadSpot stands between the browser and soko like the warehouse's Wi-Fi:
// while the handheld is in the dead spot every connection drops unanswered,
// the service worker's included.
type deadSpot struct {
	URL string
	off atomic.Bool
}

func mustDeadSpot(t *testing.T, target string) *deadSpot {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	d := &deadSpot{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.off.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	d.URL = srv.URL
	return d
}

// TestHandheld_PickOffline picks through a Wi-Fi dead spot: with the
// network gone the handheld counts the scans on the device, finishes three
// tasks there and takes the next from the list it was given, tells the
// picker to leave out an over-scan and, when a scan counted here is refused
// on replay, to take the unit back out of the tote; survives a reload (the service worker
// serves the page, the tab keeps the list and the outbox keeps the scans),
// and when the network returns sends every scan once, in order, so that
// the books come out exact.
func TestHandheld_PickOffline(t *testing.T) {
	site := mustPickingSite(t)
	ctx := context.Background()
	wifi := mustDeadSpot(t, site.URL)
	h := mustBrowser(t, wifi.URL+"/hh", screen{360, 640, true})
	h.signIn()
	h.waitFor("the service worker to control the page", `navigator.serviceWorker && navigator.serviceWorker.controller !== null`)
	h.click("#m-pick")
	h.wantTask("A-01-01-1", "0/2", "1", stepLocation)

	gone := func(off bool) {
		wifi.off.Store(off)
		h.offline(off)
	}
	gone(true)
	// Task 1: two towels for tote 1.
	h.scan("A-01-01-1")
	h.expect("warn", "未送信：A-01-01-1 OK")
	h.wantTask("A-01-01-1", "0/2", "1", stepItem)
	h.scan(pickTowel)
	h.expect("warn", "未送信：1/2 今治フェイスタオル")
	h.wantTask("A-01-01-1", "1/2", "1", stepItem)
	h.scan(pickTowel)
	h.expect("warn", "未送信：完了：今治フェイスタオル をトート 1 へ")
	h.wantPut("1", "今治フェイスタオル ×2 · SO-1")
	// Task 2: three towels for tote 2; a fourth is refused on the device,
	// and the picker is told to put it back rather than in the tote.
	h.wantTask("A-01-01-1", "0/3", "2", stepLocation)
	h.scan(pickTowel)
	h.expect("error", "先にロケーション A-01-01-1 をスキャンしてください")
	h.scan("A-01-01-1")
	h.expect("warn", "未送信：A-01-01-1 OK")
	h.typeInto("#pk-n", "4")
	h.scan(pickTowel)
	h.expect("error", "数量オーバーです。今治フェイスタオル はあと 3 個です：今治フェイスタオル 4 個はトートに入れず A-01-01-1 に戻してください")
	h.wantTask("A-01-01-1", "0/3", "2", stepItem)
	h.typeInto("#pk-n", "3")
	h.scan(pickTowel)
	h.expect("warn", "未送信：完了：今治フェイスタオル をトート 2 へ")
	// Task 3: SO-1's mug, then a reload in the dead spot.
	h.wantTask("A-01-02-1", "0/1", "1", stepLocation)
	h.scan("A-01-02-1")
	h.expect("warn", "未送信：A-01-02-1 OK")
	h.scan(pickMug)
	h.expect("warn", "未送信：完了：波佐見焼 マグカップ をトート 1 へ")
	h.wantTask("A-01-02-1", "0/4", "4", stepLocation)
	// Task 4: one mug scanned here while the server's count of the task
	// fills up without this device (set in the database): replayed, the mug
	// is refused, and the picker is told to take it out of tote 4.
	h.scan("A-01-02-1")
	h.expect("warn", "未送信：A-01-02-1 OK")
	h.scan(pickMug)
	h.expect("warn", "未送信：1/4 波佐見焼 マグカップ")
	if err := site.db.Exec(ctx, `UPDATE pick_tasks SET picked = quantity WHERE tote = '4'`); err != nil {
		t.Fatal(err)
	}
	const made = 9 // scans that went to the outbox: the two refused on the device did not
	if got := h.text("#pending"); got != fmt.Sprintf("未送信 %d件", made) {
		t.Errorf("pending badge shows %q, want %d scans", got, made)
	}

	h.do(chromedp.Reload())
	h.expect("warn", "通信できません。この端末に残した画面で続けます")
	h.waitFor("the menu", `!document.getElementById('v-menu').hidden`)
	h.click("#m-pick")
	h.wantTask("A-01-02-1", "1/4", "4", stepItem)
	if got := h.text("#pending"); got != fmt.Sprintf("未送信 %d件", made) {
		t.Errorf("after the reload the pending badge shows %q, want %d scans", got, made)
	}
	h.shot("reloaded-offline")

	gone(false)
	h.waitFor("the outbox to empty", `document.getElementById('pending').hidden`)
	h.expect("error", "【保存分】数量オーバーです。波佐見焼 マグカップ はあと 0 個です：波佐見焼 マグカップ を 1 個、トート 4 から出して A-01-02-1 に戻してください")
	h.wantTask("A-01-02-1", "4/4", "4", stepItem)

	// The books: SO-1 and SO-2 picked, each unit taken from the shelves once.
	for no, want := range map[string]soko.OrderStatus{"SO-1": soko.OrderPicked, "SO-2": soko.OrderPicked, "SO-3": soko.OrderPicking, "SO-4": soko.OrderPicking} {
		o, err := site.db.FindOrder(ctx, site.merchant, no)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != want {
			t.Errorf("%s is %s, want %s", no, o.Status, want)
		}
	}
	for sku, want := range map[string]int{"TOWEL": 20, "MUG": 9, "SOAP": 2} {
		s, err := site.db.StockOf(ctx, site.merchant, sku)
		if err != nil {
			t.Fatal(err)
		}
		if s.OnHand != want {
			t.Errorf("%s on hand %d, want %d", sku, s.OnHand, want)
		}
	}
	if bad, err := site.db.CheckLedger(ctx); err != nil || len(bad) > 0 {
		t.Errorf("ledger: %+v, %v", bad, err)
	}
	h.checkClean()
}
