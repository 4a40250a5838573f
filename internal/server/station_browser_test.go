package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// The packing station's barcodes (opsSeed and mustPickedOrders).
const (
	janStationTowel  = "4901234567894"  // SAKURA's towel, one unit a scan
	caseStationTowel = "14901234567891" // … and its ITF-14 case of 12
	janOtherTea      = "4512345678906"  // MIDORI's tea: another merchant's product
)

// stationSite is soko over real HTTP with SO-1 (3 towels) and SO-2 (2
// towels) picked, remembering every packing slip the station asks for.
type stationSite struct {
	URL   string
	db    *storage.DB
	mu    sync.Mutex
	slips []string
}

func mustStationSite(t *testing.T) *stationSite {
	t.Helper()
	db := storagetest.MustOpenSQLite(t)
	h, _ := mustPickedOrders(t, db)
	site := &stationSite{db: db}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".pdf") {
			site.mu.Lock()
			site.slips = append(site.slips, r.URL.RequestURI())
			site.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	site.URL = srv.URL
	return site
}

// parcels lists an order's parcels as "box weight tracking" triples.
func (s *stationSite) parcels(t *testing.T, orderID int64) []string {
	t.Helper()
	ps, err := s.db.Parcels(context.Background(), orderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %d %s", p.BoxType, p.WeightGrams, p.TrackingNumber)))
	}
	return out
}

// station is a headless Chromium on a packing station's desktop screen,
// showing /station; it types as a USB keyboard-wedge scanner does.
type station struct{ *handheld }

// mustStation opens url in a fresh headless Chromium at 1280×800, like
// mustHandheld: it skips without Chromium unless SOKO_REQUIRE_BROWSER is
// set, and saves screenshots under $SOKO_TEST_ARTIFACTS/<test>.
func mustStation(t *testing.T, url string) station {
	t.Helper()
	return station{mustBrowser(t, url, screen{1280, 800, false})}
}

func (s station) wantLine(sku, want string) {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("line %s to show %s", sku, want), fmt.Sprintf(`(function(){var r=document.querySelector('#lines tr[data-sku=%q]');
		return r&&r.querySelector('.got').textContent+'/'+r.querySelector('.want').textContent+(r.classList.contains('done')?' done':'')+(r.classList.contains('active')?' active':'')===%q})()`, sku, want))
}

// signIn scans a badge and types the PIN.
func (s station) signIn(badge, pin, name string) {
	s.t.Helper()
	s.waitFor("the sign-in view", `document.getElementById('prompt').textContent === 'バッジをスキャンしてください'`)
	s.scan(badge)
	s.waitFor("the PIN field to take focus", `document.activeElement.id === 'pin'`)
	s.do(chromedp.KeyEvent(pin + "\r"))
	s.expect("ok", name)
	s.waitFor("the scan input to have focus", `document.activeElement.id === 'scan'`)
}

// TestStation_InspectAndPackInBrowser drives /station in headless Chromium
// at a desktop's size, as a packer with a USB keyboard-wedge scanner and a
// scale that types its reading: sign-in, an order opened by its number,
// another merchant's product refused, a case over-scanned, the units
// inspected, the recommended box, a weight far off confirmed, the packing
// slip asked for; then a supervisor resets another order's inspection. It
// checks the screen after each step and the database at the end.
func TestStation_InspectAndPackInBrowser(t *testing.T) {
	site := mustStationSite(t)
	ctx := context.Background()
	s := mustStation(t, site.URL+"/station")

	s.signIn("K001", "3333", "佐藤")
	if s.visible("#reset") {
		t.Error("a packer is offered the inspection reset")
	}
	s.shot("signed-in")

	s.scan("SO-1")
	s.expect("ok", "注文 SO-1 を開きました")
	s.wantLine("TOWEL", "0/3 active")
	if got := s.text("#order-no"); got != "SO-1" {
		t.Errorf("order number shows %q", got)
	}
	// The header names the merchant and the carrier as people say them, not by internal codes.
	if got := s.text("#order-meta"); !strings.Contains(got, "ヤマト運輸 宅急便") || strings.Contains(got, "yamato") {
		t.Errorf("order header shows %q, want the merchant's name and ヤマト運輸 宅急便", got)
	}
	if got := s.text("#prompt"); got != "商品を1点ずつスキャン" {
		t.Errorf("prompt %q while inspecting", got)
	}
	s.shot("order-open")

	s.scan(janOtherTea)
	s.expect("error", "この商品は注文 SO-1 のものではありません")
	s.wantLine("TOWEL", "0/3 active")
	if got := s.eval(`document.getElementById('order').dataset.refused || ''`); got != "wrong_item" {
		t.Errorf("the lines are not marked refused: %q", got)
	}
	s.shot("wrong-item")

	s.scan(janStationTowel)
	s.expect("ok", "今治タオル ×1")
	s.wantLine("TOWEL", "1/3 active")

	s.scan(caseStationTowel)
	s.expect("error", "数量オーバーです（1/3 検品済み）")
	s.wantLine("TOWEL", "1/3 active")
	s.shot("over-scan")

	s.scan(janStationTowel)
	s.expect("ok", "今治タオル ×1")
	s.wantLine("TOWEL", "2/3 active")
	s.scan(janStationTowel)
	s.expect("ok", "検品完了")
	s.wantLine("TOWEL", "3/3 done")
	if !s.visible("#done") || s.text("#done") != "検品完了" {
		t.Errorf("no big 検品完了: %q", s.text("#done"))
	}
	if got := s.text("#progress"); got != "検品 3/3" {
		t.Errorf("progress %q", got)
	}

	// Packing: the recommended box, what it should weigh, and the scale's reading.
	s.waitFor("the weight field to take focus", `document.activeElement.classList.contains('weight')`)
	if n := s.eval(`String(document.querySelectorAll('#parcels tbody tr').length)`); n != "1" {
		t.Fatalf("%s parcels proposed, want 1", n)
	}
	if box := s.eval(`document.querySelector('#parcels select.box').value`); box != "BOX60" {
		t.Errorf("box %q proposed, want BOX60", box)
	}
	if rec := s.text("#parcels .rec"); !strings.Contains(rec, "60サイズ") {
		t.Errorf("recommendation shows %q, want 60サイズ", rec)
	}
	if got := s.text("#parcels .expected"); got != "750 g" {
		t.Errorf("expected weight shows %q, want 750 g", got)
	}
	s.shot("inspected")

	s.keys("1500\r")
	s.expect("warn", "重量が 1500 g です（想定 750 g）")
	if !s.visible("#confirm-weight") {
		t.Fatal("no 重量を確認して確定 after a weight far off")
	}
	o, err := site.db.StationOrder(ctx, "SO-1")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != soko.OrderInspected {
		t.Errorf("SO-1 is %s after a refused weight, want inspected", o.Status)
	}
	s.shot("weight-warning")

	s.click("#confirm-weight")
	s.expect("ok", "注文 SO-1 を梱包しました（1個口）")
	if !s.visible("#print") || s.visible("#pack") {
		t.Error("after packing the page does not offer the slip")
	}
	if got := s.text("#prompt"); got != "次の注文をスキャンしてください" {
		t.Errorf("prompt %q after packing", got)
	}
	s.waitFor("the scan input to have focus", `document.activeElement.id === 'scan'`)
	s.shot("packed")

	if o, err = site.db.OrderByID(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	if o.Status != soko.OrderPacked {
		t.Errorf("SO-1 is %s, want packed", o.Status)
	}
	if got := site.parcels(t, o.ID); len(got) != 1 || got[0] != "BOX60 1500" {
		t.Errorf("SO-1's parcels %v, want one BOX60 of 1500 g", got)
	}

	// Labels and slip: one press issues the tracking number, labels the
	// order and fetches the slip and the labels as two documents.
	if err := site.db.CreateTrackingRange(context.Background(), &soko.TrackingRange{Carrier: "yamato", First: 12345678901, Last: 12345678999}); err != nil {
		t.Fatal(err)
	}
	s.click("#print")
	s.waitFor("the documents' answer", `document.getElementById('result').textContent.indexOf('納品書') >= 0`)
	site.mu.Lock()
	slips := append([]string(nil), site.slips...)
	site.mu.Unlock()
	// Two jobs: the slip on its sheet, the labels on the label printer
	// (issue 22 finding 8), never one PDF of both papers.
	if want := []string{fmt.Sprintf("/ops/station/orders/%d/slip.pdf?size=a4", o.ID), fmt.Sprintf("/ops/station/orders/%d/documents.pdf?papers=labels", o.ID)}; !slices.Equal(slips, want) {
		t.Errorf("document requests %v, want %v", slips, want)
	}
	if got := site.parcels(t, o.ID); len(got) != 1 || got[0] != "BOX60 1500 123456789013" {
		t.Errorf("parcels after labelling %v, want BOX60 with tracking number 123456789013", got)
	}
	if labeled, _ := site.db.OrderByID(context.Background(), o.ID); labeled.Status != soko.OrderLabeled {
		t.Errorf("order is %s after printing, want labeled", labeled.Status)
	}
	t.Logf("after 納品書を印刷 the page says %q", s.peek())
	s.shot("print")

	// A supervisor starts SO-2's inspection over.
	s.click("#signout")
	s.expect("ok", "ログアウトしました")
	s.signIn("V001", "5555", "伊藤")
	s.scan("SO-2")
	s.expect("ok", "注文 SO-2 を開きました")
	s.scan(janStationTowel)
	s.expect("ok", "今治タオル ×1")
	s.wantLine("TOWEL", "1/2 active")
	if !s.visible("#reset") {
		t.Fatal("a supervisor is not offered the inspection reset")
	}
	s.click("#reset")
	s.expect("warn", "もう一度押すと SO-2 の検品をやり直します")
	s.click("#reset")
	s.expect("ok", "注文 SO-2 の検品をリセットしました")
	s.wantLine("TOWEL", "0/2 active")
	s.shot("reset")
	s.checkClean()

	sakura, err := site.db.FindMerchantByCode(ctx, "SAKURA")
	if err != nil {
		t.Fatal(err)
	}
	events, err := site.db.ListOrderEvents(ctx, sakura.ID, "SO-2")
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Action != soko.ActionResetInspect || last.Device == "" || !strings.HasPrefix(last.Device, "ST-") {
		t.Errorf("the reset is not in SO-2's history from this station: %+v", last)
	}
}

// TestStation_GiftChecklistInBrowser packs a gift at /station: the のし,
// the message card, hidden prices and an insert are listed from the
// moment the order opens, the insert weighs in the expected weight, the
// page refuses to pack until each is ticked and marks those that are not,
// and once all are ticked the order is packed and the insert leaves stock.
func TestStation_GiftChecklistInBrowser(t *testing.T) {
	site := mustStationSite(t)
	giftAtStation(t, site.db)
	ctx := context.Background()
	s := mustStation(t, site.URL+"/station")
	s.signIn("K001", "3333", "佐藤")

	s.scan("SO-1")
	s.expect("ok", "注文 SO-1 を開きました")
	if !s.visible("#checks") {
		t.Fatal("the gift checklist is not shown when the order opens")
	}
	items := s.eval(`Array.prototype.map.call(document.querySelectorAll('#check-list li'), function (li) {
		return li.dataset.key + '=' + li.querySelector('.what').textContent + (li.querySelector('small') ? '[' + li.querySelector('small').textContent + ']' : '') + (li.querySelector('input').disabled ? ' (disabled)' : '');
	}).join('|')`)
	want := "noshi=のし（内のし）：御祝／山田 (disabled)|message=メッセージカードを同封[ご結婚おめでとう] (disabled)|hide_prices=金額なし：値札・金額の分かる物を入れない (disabled)|insert:SAMPLE=同梱物：試供品タオル ×1[TOWEL] (disabled)"
	if items != want {
		t.Errorf("checklist while inspecting:\n got %s\nwant %s", items, want)
	}
	s.shot("gift-open")
	for i := 0; i < 3; i++ {
		s.scan(janStationTowel)
	}
	s.expect("ok", "検品完了")
	s.waitFor("the weight field to take focus", `document.activeElement.classList.contains('weight')`)
	if got := s.text("#parcels .expected"); got != "950 g" {
		t.Errorf("expected weight shows %q, want 950 g (3 towels, the sample towel, the box)", got)
	}
	s.keys("950\r")
	s.expect("error", "ギフト・同梱物の確認が済んでいません：のし（内のし）：御祝／山田、メッセージカードを同封、金額なし：値札・金額の分かる物を入れない、同梱物：試供品タオル ×1")
	if n := s.eval(`String(document.querySelectorAll('#check-list li.missing').length)`); n != "4" {
		t.Errorf("%s items marked missing, want 4", n)
	}
	if o, _ := site.db.StationOrder(ctx, "SO-1"); o.Status != soko.OrderInspected {
		t.Errorf("SO-1 is %s before the checklist is ticked", o.Status)
	}
	s.shot("gift-unticked")

	for _, key := range []string{"noshi", "message", "hide_prices"} {
		s.click(fmt.Sprintf(`#check-list li[data-key=%q] input`, key))
	}
	s.click("#pack-confirm")
	s.expect("error", "ギフト・同梱物の確認が済んでいません：同梱物：試供品タオル ×1")
	if n := s.eval(`String(document.querySelectorAll('#check-list li.missing').length)`); n != "1" {
		t.Errorf("%s items marked missing, want only the insert", n)
	}
	s.click(`#check-list li[data-key="insert:SAMPLE"] input`)
	s.click("#pack-confirm")
	s.expect("ok", "注文 SO-1 を梱包しました（1個口）")
	s.shot("gift-packed")
	s.checkClean()

	o, err := site.db.StationOrder(ctx, "SO-1")
	if err != nil || o.Status != soko.OrderPacked {
		t.Fatalf("SO-1 after packing: %v %v", o, err)
	}
	sakura, _ := site.db.FindMerchantByCode(ctx, "SAKURA")
	if st, _ := site.db.StockOf(ctx, sakura.ID, "TOWEL"); st.OnHand != 4 {
		t.Errorf("towels on hand %d, want 4 (5 picked, 1 inserted)", st.OnHand)
	}
}
