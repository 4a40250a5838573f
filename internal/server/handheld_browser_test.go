package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// The handheld warehouse's barcodes.
const (
	janTowel     = "4560123000012"  // a towel, one unit a scan
	janMug       = "4560123000043"  // a mug …
	caseMug      = "14560123000040" // … and its ITF-14 case of 6
	janTea       = "4970123000019"  // tea, tracked by lot and expiry
	janUnknown   = "4901234567894"  // a valid JAN no product has
	janMisread   = "4560123000013"  // the towel's JAN with a wrong check digit
	pinPicker    = "2468"
	firstBudget  = 30 * 1024 // issue 14: a floor page's first load ≤ 30 KB on the wire …
	repeatBudget = 5 * 1024  // … and a repeat visit ≤ 5 KB
	browserWait  = 25 * time.Second
)

// handheldSite is a real HTTP server with a small warehouse for the handheld.
type handheldSite struct {
	URL      string
	db       *storage.DB
	merchant int64
	seed     *soko.Seed
	inbound  *soko.Inbound
}

func (h *handheldSite) product(sku string) int64 {
	for _, p := range h.seed.Products {
		if p.SKU == sku {
			return p.ID
		}
	}
	return 0
}

// mustHandheldSite serves soko on a fresh SQLite database holding one
// merchant, a picker and a second badge to lock out, a receiving location and
// three shelves, a towel, a mug with a case code, lot-tracked tea, an
// inbound of all three and an order for four towels that waits for stock.
func mustHandheldSite(t *testing.T) *handheldSite {
	t.Helper()
	ctx := context.Background()
	db := storagetest.MustOpenSQLite(t)
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SHOP", Name: "テスト商店"}},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "P100", Name: "山本 葵", Role: soko.RolePicker, Active: true}, PIN: pinPicker},
			{Staff: soko.Staff{BadgeCode: "L100", Name: "小林 蓮", Role: soko.RoleShipper, Active: true}, PIN: "1357"},
		},
		Locations: []soko.Location{
			{Code: "RCV-01", Zone: "R", WalkSequence: 0, Kind: soko.LocationReceiving},
			{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
			{Code: "A-01-01-2", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
			{Code: "R-01-01-1", Zone: "R", WalkSequence: 10, Kind: soko.LocationReserve},
		},
		Products: []soko.SeedProduct{
			{MerchantCode: "SHOP", Product: soko.Product{SKU: "TOWEL", Name: "今治フェイスタオル", Price: 1320, TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: janTowel, PackQuantity: 1}}}},
			{MerchantCode: "SHOP", Product: soko.Product{SKU: "MUG", Name: "波佐見焼 マグカップ", Price: 2200, TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: janMug, PackQuantity: 1}, {Code: caseMug, PackQuantity: 6}}}},
			{MerchantCode: "SHOP", Product: soko.Product{SKU: "TEA", Name: "静岡煎茶", Price: 1080, TaxRate: 8, TrackLot: true, TrackExpiry: true,
				Barcodes: []soko.ProductBarcode{{Code: janTea, PackQuantity: 1}}}},
		},
		Orders: []soko.SeedOrder{{MerchantCode: "SHOP", Order: soko.Order{
			Number: "ORD-1",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内3-4-2",
				Name: "山田 花子", Phone: "03-3211-4821", Email: "hanako@example.jp"},
			Carrier: "yamato", Service: "takkyubin",
			Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 4, UnitPrice: 1320, TaxRate: 10}},
		}}},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	in := &soko.Inbound{MerchantID: seed.Merchants[0].ID, Number: "IN-1", ExpectedDate: storagetest.Fixed, Lines: []soko.InboundLine{
		{SKU: "TOWEL", Quantity: 3}, {SKU: "MUG", Quantity: 6}, {SKU: "TEA", Quantity: 2},
	}}
	if err := db.CreateInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Config{
		Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test",
		Now: func() time.Time { return storagetest.Fixed },
	}))
	t.Cleanup(srv.Close)
	return &handheldSite{URL: srv.URL, db: db, merchant: seed.Merchants[0].ID, seed: seed, inbound: in}
}

// browserPath finds a Chromium to drive: SOKO_CHROMIUM, else one on PATH.
func browserPath() string {
	for _, name := range []string{os.Getenv("SOKO_CHROMIUM"), "chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// handheld is a headless Chromium with a phone's screen, showing /hh.
type handheld struct {
	t      *testing.T
	ctx    context.Context
	shots  string
	n      int
	mu     sync.Mutex
	errors []string
}

// mustHandheld opens the handheld page in a fresh headless Chromium on a
// phone's screen. It skips the test when there is no Chromium, unless
// SOKO_REQUIRE_BROWSER is set, as CI sets it. Screenshots go to
// $SOKO_TEST_ARTIFACTS/<test> when that is set, else to the test's
// temporary directory.
func mustHandheld(t *testing.T, url string, flags ...chromedp.ExecAllocatorOption) *handheld {
	t.Helper()
	return mustBrowser(t, url, screen{412, 915, true}, flags...)
}

// screen is the size of the device a browser test plays, and whether it is a phone.
type screen struct {
	width, height int
	mobile        bool
}

// mustBrowser opens url in a fresh headless Chromium on the given screen.
func mustBrowser(t *testing.T, url string, sc screen, flags ...chromedp.ExecAllocatorOption) *handheld {
	t.Helper()
	if testing.Short() {
		t.Skip("a browser test: -short leaves it to make test-browser")
	}
	bin := browserPath()
	if bin == "" {
		if v := os.Getenv("SOKO_REQUIRE_BROWSER"); v != "" && v != "0" {
			t.Fatal("SOKO_REQUIRE_BROWSER is set but no chromium was found")
		}
		t.Skip("no chromium found (set SOKO_REQUIRE_BROWSER=1 to fail instead)")
	}
	shots := t.TempDir()
	if dir := os.Getenv("SOKO_TEST_ARTIFACTS"); dir != "" {
		shots = filepath.Join(dir, t.Name())
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(sc.width, sc.height),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		// A handheld on a Japanese floor asks for Japanese.
		chromedp.Flag("lang", "ja-JP"),
		chromedp.Flag("accept-lang", "ja-JP,ja"),
	)
	opts = append(opts, flags...)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	h := &handheld{t: t, ctx: ctx, shots: shots}

	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			h.mu.Lock()
			h.errors = append(h.errors, "exception: "+ev.ExceptionDetails.Text+" "+fmt.Sprint(ev.ExceptionDetails.Exception))
			h.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				h.mu.Lock()
				h.errors = append(h.errors, fmt.Sprint("console.error: ", ev.Args))
				h.mu.Unlock()
			}
		}
	}()
	viewport := chromedp.EmulateViewport(int64(sc.width), int64(sc.height))
	if sc.mobile {
		viewport = chromedp.EmulateViewport(int64(sc.width), int64(sc.height), chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	h.do(
		viewport,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			// Record what the Content-Security-Policy refuses: the page must need nothing it forbids.
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });`,
			})
			return err
		}),
		chromedp.Navigate(url),
	)
	t.Cleanup(func() {
		if t.Failed() {
			h.shot("failed")
		}
		t.Logf("screenshots in %s", h.shots)
	})
	return h
}

func (h *handheld) do(steps ...chromedp.Action[chromedp.Void]) {
	h.t.Helper()
	if err := chromedp.Do(h.ctx, steps...); err != nil {
		h.t.Fatalf("browser: %v (result shows %q)", err, h.peek())
	}
}

func (h *handheld) eval(js string) string {
	h.t.Helper()
	v, err := chromedp.Run(h.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		h.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// peek returns what the result area shows, for failure messages.
func (h *handheld) peek() string {
	v, _ := chromedp.Run(h.ctx, chromedp.Evaluate[string](`(function(){var r=document.getElementById('result');return r?r.className+': '+r.textContent:''})()`))
	return v
}

// waitFor polls a JavaScript condition until it holds.
func (h *handheld) waitFor(what, cond string) {
	h.t.Helper()
	deadline := time.Now().Add(browserWait)
	for {
		ok, err := chromedp.Run(h.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			state, _ := chromedp.Run(h.ctx, chromedp.Evaluate[string](`document.readyState + ', focus on #' + (document.activeElement && document.activeElement.id)`))
			h.mu.Lock()
			errs := strings.Join(h.errors, "; ")
			h.mu.Unlock()
			h.t.Fatalf("waiting for %s: %s never held (err %v); result shows %q; page %s; script errors: %q", what, cond, err, h.peek(), state, errs)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// scan types code and Enter into whatever has focus, as a keyboard-wedge
// scanner does, after clearing the result area so the next answer is new.
func (h *handheld) scan(code string) { h.t.Helper(); h.keys(code + "\r") }

// keys types what a scanner sends: one code or a burst of several, each
// ended by Enter or, on scanners set up so, by Tab.
func (h *handheld) keys(burst string) {
	h.t.Helper()
	h.do(
		chromedp.Evaluate[chromedp.Void](`(function(){var r=document.getElementById('result');r.textContent='';r.className=''})()`),
		chromedp.KeyEvent(burst),
	)
}

// expect waits for the result area to show class and text, and returns the text.
func (h *handheld) expect(class, text string) string {
	h.t.Helper()
	h.waitFor(fmt.Sprintf("result %s %q", class, text), fmt.Sprintf(
		`(function(){var r=document.getElementById('result');return r.classList.contains(%q)&&r.textContent.indexOf(%q)>=0})()`, class, text))
	return h.text("#result")
}

func (h *handheld) text(selector string) string {
	h.t.Helper()
	return strings.TrimSpace(h.eval(fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.textContent:'(missing)'})()`, selector)))
}

func (h *handheld) visible(selector string) bool {
	h.t.Helper()
	return h.eval(fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e&&e.offsetParent!==null?'yes':'no'})()`, selector)) == "yes"
}

// typeInto replaces a field's value by typing, then Enter.
func (h *handheld) typeInto(selector, value string) {
	h.t.Helper()
	h.do(chromedp.SetValue(chromedp.CSS(selector), ""), chromedp.SendKeys(chromedp.CSS(selector), value+"\r"))
}

// click presses the mouse on selector where it is, as a user does. When
// the page moves between finding the element and the press (a list above
// it answering and growing), the press lands beside it; a document-wide
// listener sees that no click reached the element, and click presses
// again at its new place, up to three times. After a navigation the
// listener is gone and nothing is pressed again.
func (h *handheld) click(selector string) {
	h.t.Helper()
	probe := fmt.Sprintf(`(function(){if(!window.__clickWatch){window.__clickWatch=true;document.addEventListener('click',function(ev){
		var p=window.__clickProbe,e=p&&document.querySelector(p.sel);if(e&&e.contains(ev.target))p.hit=true},true)}
		window.__clickProbe={sel:%q,hit:false}})()`, selector)
	missed := `!!window.__clickProbe && window.__clickProbe.hit === false`
	for try := 1; ; try++ {
		h.do(chromedp.Evaluate[chromedp.Void](probe), chromedp.Click(chromedp.CSS(selector)))
		if ok, err := chromedp.Run(h.ctx, chromedp.Evaluate[bool](missed)); err != nil || !ok || try == 3 {
			return
		}
		time.Sleep(50 * time.Millisecond)
		if ok, err := chromedp.Run(h.ctx, chromedp.Evaluate[bool](missed)); err != nil || !ok {
			return
		}
		h.t.Logf("the click on %s reached something else (the page moved); clicking again", selector)
	}
}

func (h *handheld) shot(name string) {
	h.t.Helper()
	// Finish the colour flash first, so the picture shows the screen under it.
	_, _ = chromedp.Run(h.ctx, chromedp.Evaluate[chromedp.Void](`document.getAnimations().forEach(function (a) { a.finish(); })`))
	buf, err := chromedp.Run(h.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		h.t.Logf("screenshot %s: %v", name, err)
		return
	}
	h.n++
	if err := os.WriteFile(filepath.Join(h.shots, fmt.Sprintf("%02d-%s.png", h.n, name)), buf, 0o644); err != nil {
		h.t.Log(err)
	}
}

// line returns a table row's expected and received units and its class.
func (h *handheld) line(sku string) string {
	h.t.Helper()
	return h.eval(fmt.Sprintf(`(function(){var r=document.querySelector('#rc-lines tr[data-sku=%q]');
		return r?r.querySelector('.expected').textContent+'/'+r.querySelector('.received').textContent+(r.classList.contains('over')?' over':r.classList.contains('done')?' done':''):'(no row)'})()`, sku))
}

func (h *handheld) wantLine(sku, want string) {
	h.t.Helper()
	if got := h.line(sku); got != want {
		h.t.Errorf("line %s shows %q, want %q", sku, got, want)
	}
}

// offline cuts the page off the network, or gives it back.
func (h *handheld) offline(off bool) {
	h.t.Helper()
	h.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		rules := []*network.Conditions{}
		if off {
			rules = append(rules, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

func (h *handheld) checkClean() {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.errors {
		h.t.Errorf("page error: %s", e)
	}
	if v := h.eval(`(window.__csp || []).join(', ')`); v != "" {
		h.t.Errorf("Content-Security-Policy violations: %s", v)
	}
}

// TestHandheld_ReceivePutAwayCount drives /hh in headless Chromium like a
// picker with a keyboard-wedge scanner: a badge locked by wrong PINs, sign-in,
// receiving an inbound (a JAN, a quantity, a case code, an unknown barcode, a
// check-digit misread, two scans made offline and sent when the network
// returns, a lot-tracked product that asks for its lot and expiry), put-away
// to shelves, and a count that finds a towel missing and leaves an order
// short; then checks stock and the ledger in the database.
func TestHandheld_ReceivePutAwayCount(t *testing.T) {
	site := mustHandheldSite(t)
	ctx := context.Background()
	h := mustHandheld(t, site.URL+"/hh")

	// Sign-in: five wrong PINs lock a badge.
	h.waitFor("the sign-in view", `document.getElementById('prompt').textContent === 'バッジをスキャンしてください'`)
	h.scan("L100")
	h.waitFor("the PIN field to take focus", `document.activeElement.id === 'pin'`)
	for i := 1; i <= soko.MaxWrongPINs; i++ {
		h.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('result').className=''`))
		h.do(chromedp.KeyEvent("0000\r"))
		if i < soko.MaxWrongPINs {
			h.expect("error", "PINが違います")
		}
	}
	h.expect("error", "ロック")
	h.shot("badge-locked")

	h.scan("P100")
	h.waitFor("the PIN field to take focus", `document.activeElement.id === 'pin'`)
	h.do(chromedp.KeyEvent(pinPicker + "\r"))
	h.expect("ok", "山本 葵")
	for _, m := range []string{"#m-receive", "#m-putaway", "#m-count"} {
		if !h.visible(m) {
			t.Errorf("a picker's menu lacks %s", m)
		}
	}
	h.waitFor("the scan input to have focus", `document.activeElement.id === 'scan'`)
	h.shot("menu")

	// Receiving.
	h.click("#m-receive")
	h.waitFor("the inbound list", `document.querySelector('#inbounds button[data-id]')`)
	h.click("#inbounds button[data-id]")
	h.waitFor("the inbound's lines", `document.querySelectorAll('#rc-lines tbody tr').length === 3`)
	h.wantLine("TOWEL", "3/0")

	h.scan(janTowel)
	h.expect("ok", "今治フェイスタオル ×1（1/3）")
	h.waitFor("the towel's line", `document.querySelector('#rc-lines tr[data-sku=TOWEL] .received').textContent === '1'`)

	h.typeInto("#rc-qty", "2")
	h.scan(janTowel)
	h.expect("ok", "×2（3/3）")
	h.waitFor("the towel's line", `document.querySelector('#rc-lines tr[data-sku=TOWEL] .received').textContent === '3'`)
	h.wantLine("TOWEL", "3/3 done")

	h.scan(caseMug)
	h.expect("ok", "波佐見焼 マグカップ ×6（6/6）")
	h.waitFor("the mug's line", `document.querySelector('#rc-lines tr[data-sku=MUG] .received').textContent === '6'`)
	h.wantLine("MUG", "6/6 done")

	h.scan(janUnknown)
	h.expect("error", "登録されていないバーコード")
	h.keys(janMisread + "\t") // a scanner that ends codes with Tab
	h.expect("error", "チェックデジット")
	h.shot("receive-misread")

	// The network drops: scans wait in the outbox, on screen, and go out
	// in order when it returns.
	h.offline(true)
	h.scan(janTowel)
	h.expect("warn", "未送信 1件")
	h.scan(janMug)
	h.expect("warn", "未送信 2件")
	if got := h.text("#pending"); got != "未送信 2件" {
		t.Errorf("pending badge shows %q", got)
	}
	h.shot("receive-offline")
	h.offline(false)
	h.waitFor("the outbox to empty", `document.getElementById('pending').hidden`)
	h.expect("warn", "【保存分】入荷 波佐見焼 マグカップ ×1（7/6） 予定数を超えています")
	h.waitFor("the mug's line", `document.querySelector('#rc-lines tr[data-sku=MUG] .received').textContent === '7'`)
	h.wantLine("TOWEL", "3/4 over")
	h.wantLine("MUG", "6/7 over")

	// Tea needs its lot and expiry: the page asks and sends the scan again.
	h.typeInto("#rc-qty", "2")
	h.scan(janTea)
	h.expect("warn", "ロット・賞味期限の入力が必要です")
	h.waitFor("the lot field to take focus", `document.activeElement.id === 'lot'`)
	h.shot("receive-lot")
	h.do(chromedp.KeyEvent("L2712A\r"))
	h.waitFor("the expiry field to take focus", `document.activeElement.id === 'expiry'`)
	h.do(chromedp.KeyEvent("20271231\r"))
	h.expect("ok", "静岡煎茶 ×2（2/2）")
	h.waitFor("the tea's line", `document.querySelector('#rc-lines tr[data-sku=TEA] .received').textContent === '2'`)
	h.wantLine("TEA", "2/2 done")
	h.shot("receive-lines")

	h.click("#rc-finish")
	h.expect("warn", "もう一度押す")
	h.click("#rc-finish")
	h.expect("ok", "IN-1 を入荷完了")
	h.waitFor("the empty inbound list", `document.getElementById('inbounds').textContent.indexOf('入荷予定はありません') >= 0`)

	in, err := site.db.FindInbound(ctx, site.merchant, "IN-1")
	if err != nil {
		t.Fatal(err)
	}
	if in.Status != soko.InboundReceived {
		t.Errorf("inbound status %s, want received", in.Status)
	}
	for _, l := range in.Lines {
		if want := map[string]int{"TOWEL": 4, "MUG": 7, "TEA": 2}[l.SKU]; l.Received != want {
			t.Errorf("inbound line %s received %d, want %d", l.SKU, l.Received, want)
		}
	}

	// Put-away: item, then shelf.
	h.click("#back")
	h.click("#m-putaway")
	h.scan(janTowel)
	h.expect("ok", "今治フェイスタオル ×1")
	h.typeInto("#pa-qty", "4")
	h.scan("RCV-01")
	h.expect("error", "棚ではありません")
	h.scan("A-01-01-1")
	h.expect("ok", "棚入れ 今治フェイスタオル ×4 → A-01-01-1")
	h.scan(caseMug)
	h.expect("ok", "波佐見焼 マグカップ ×6")
	if v := h.eval(`document.getElementById('pa-qty').value`); v != "6" {
		t.Errorf("a case scan proposes %q units, want 6", v)
	}
	h.scan("R-01-01-1")
	h.expect("ok", "×6 → R-01-01-1")
	h.shot("putaway")

	// The order for four towels gets them, before the count finds only three.
	if st, err := site.db.AllocateOrder(ctx, site.seed.Orders[0].ID, soko.AllocationRules{}); err != nil || st != soko.OrderAllocated {
		t.Fatalf("allocate ORD-1: %s, %v", st, err)
	}

	// Count: location, items (one typed over), submit.
	h.click("#back")
	h.click("#m-count")
	h.scan("A-01-01-1")
	h.expect("ok", "A-01-01-1 の棚卸を開始")
	h.keys(janTowel + "\r" + janTowel + "\r") // two scans in one burst: neither may be lost
	h.expect("ok", "（計 2）")
	h.typeInto("#ct-lines input.qty", "3")
	h.click("#ct-submit")
	h.expect("ok", "A-01-01-1 の棚卸を確定しました（差異 1件）")
	h.waitFor("the count's differences", `document.querySelector('#ct-diff tr[data-sku=TOWEL]')`)
	if got := h.eval(`Array.from(document.querySelectorAll('#ct-diff tr[data-sku=TOWEL] td.n')).map(function(c){return c.textContent}).join(' ')`); got != "4 3 -1" {
		t.Errorf("count result shows book/counted/difference %q, want 4 3 -1", got)
	}
	if got := h.text("#ct-short"); !strings.Contains(got, "ORD-1") {
		t.Errorf("count result names no short order: %q", got)
	}
	h.shot("count")

	h.click("#signout")
	h.expect("ok", "ログアウトしました")
	h.checkClean()

	// The database: stock where the scans put it, and a ledger that balances.
	for sku, want := range map[string]int{"TOWEL": 3, "MUG": 7, "TEA": 2} {
		s, err := site.db.StockOf(ctx, site.merchant, sku)
		if err != nil {
			t.Fatal(err)
		}
		if s.OnHand != want {
			t.Errorf("%s on hand %d, want %d", sku, s.OnHand, want)
		}
		if sku == "TEA" && (len(s.Lots) != 1 || s.Lots[0].Lot != "L2712A" || s.Lots[0].Expiry.Format(time.DateOnly) != "2027-12-31") {
			t.Errorf("tea lots %+v, want L2712A expiring 2027-12-31", s.Lots)
		}
	}
	for loc, sku := range map[string]string{"A-01-01-1": "TOWEL", "R-01-01-1": "MUG", "RCV-01": "TEA"} {
		at, err := site.db.ProductsAt(ctx, loc)
		if err != nil {
			t.Fatal(err)
		}
		if !at[site.product(sku)] {
			t.Errorf("no %s at %s", sku, loc)
		}
	}
	if bad, err := site.db.CheckLedger(ctx); err != nil || len(bad) > 0 {
		t.Errorf("ledger: %+v, %v", bad, err)
	}
	o, err := site.db.FindOrder(ctx, site.merchant, "ORD-1")
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != soko.OrderBackordered {
		t.Errorf("ORD-1 is %s after the count, want backordered", o.Status)
	}
}

// staticRef finds the files a page links to under /static.
var staticRef = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)

// TestFloorPages_Weight keeps each page used on the floor, with every
// /static file it loads, gzipped, within the first-load budget, and checks
// how those files are cached: linked by content-hashed names a browser
// keeps for a year, each with an ETag that answers 304. The camera decoder
// that scan.js loads on first use is not referenced by the pages and does
// not count; it is served by soko itself, revalidated by its ETag.
func TestFloorPages_Weight(t *testing.T) {
	srv, _ := MustServer(t)
	for _, page := range []string{"/hh", "/hh/dock", "/hh/returns", "/station"} {
		for _, lang := range []string{"ja", "en"} {
			rec := do(t, srv, "GET", page+"?lang="+lang, nil, "Accept-Encoding", "gzip, deflate, br")
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("GET %s: %d %q, want it gzipped", page, rec.Code, rec.Header().Get("Content-Encoding"))
			}
			html := do(t, srv, "GET", page+"?lang="+lang, nil).Body.String()
			total := rec.Body.Len()
			refs := staticRef.FindAllStringSubmatch(html, -1)
			if len(refs) < 3 {
				t.Fatalf("%s loads %d static files, want its CSS, scan.js and its script", page, len(refs))
			}
			sizes := []string{fmt.Sprintf("page %d", rec.Body.Len())}
			for _, ref := range refs {
				if strings.Contains(ref[1], "/vendor/") {
					t.Errorf("%s loads %s up front: the camera decoder must load on first use only", page, ref[1])
				}
				if !regexp.MustCompile(`\.[0-9a-f]{10}\.(css|js)$`).MatchString(ref[1]) {
					t.Errorf("%s links %s, not a content-hashed name", page, ref[1])
				}
				r := do(t, srv, "GET", ref[1], nil, "Accept-Encoding", "gzip")
				if r.Code != http.StatusOK || r.Header().Get("Content-Encoding") != "gzip" {
					t.Fatalf("GET %s: %d %q, want it gzipped", ref[1], r.Code, r.Header().Get("Content-Encoding"))
				}
				if cc := r.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
					t.Errorf("GET %s: Cache-Control %q, want a year, immutable", ref[1], cc)
				}
				if again := do(t, srv, "GET", ref[1], nil, "If-None-Match", r.Header().Get("ETag")); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
					t.Errorf("GET %s with its ETag: %d, %d bytes, want 304 and none", ref[1], again.Code, again.Body.Len())
				}
				total += r.Body.Len()
				sizes = append(sizes, fmt.Sprintf("%s %d", ref[1], r.Body.Len()))
			}
			t.Logf("%s?lang=%s: %d bytes gzipped (%s)", page, lang, total, strings.Join(sizes, ", "))
			if total > firstBudget {
				t.Errorf("%s?lang=%s weighs %d bytes gzipped with its files, over the %d-byte budget", page, lang, total, firstBudget)
			}
		}
	}
	for _, f := range []string{"/static/scan.js", "/static/vendor/zxing-wasm/zxing-reader.js", "/static/vendor/zxing-wasm/zxing_reader.wasm"} {
		r := do(t, srv, "GET", f, nil, "Accept-Encoding", "gzip")
		if r.Code != http.StatusOK {
			t.Errorf("GET %s: %d: the camera fallback decoder must be served by soko itself", f, r.Code)
		}
		if strings.HasSuffix(f, ".wasm") && r.Header().Get("Content-Type") != "application/wasm" {
			t.Errorf("%s is served as %q, want application/wasm", f, r.Header().Get("Content-Type"))
		}
		if cc := r.Header().Get("Cache-Control"); cc != "no-cache" || r.Header().Get("ETag") == "" {
			t.Errorf("GET %s: Cache-Control %q, ETag %q: a plain name must be revalidated by its ETag", f, cc, r.Header().Get("ETag"))
		}
		if again := do(t, srv, "GET", f, nil, "If-None-Match", r.Header().Get("ETag")); again.Code != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", f, again.Code)
		}
	}
}

// wire counts the bytes a browser receives, by request, from CDP's network events.
type wire struct {
	mu    sync.Mutex
	sent  map[network.RequestID]string
	bytes map[network.RequestID]float64
}

// listen starts counting what the page loads.
func (h *handheld) listen() *wire {
	w := &wire{sent: map[network.RequestID]string{}, bytes: map[network.RequestID]float64{}}
	go func() {
		for ev, err := range chromedp.Events(h.ctx, network.RequestWillBeSent) {
			if err != nil {
				return
			}
			w.mu.Lock()
			w.sent[ev.RequestID] = ev.Request.URL
			w.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range chromedp.Events(h.ctx, network.LoadingFinished) {
			if err != nil {
				return
			}
			w.mu.Lock()
			w.bytes[ev.RequestID] = ev.EncodedDataLength
			w.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range chromedp.Events(h.ctx, network.LoadingFailed) {
			if err != nil {
				return
			}
			w.mu.Lock()
			w.bytes[ev.RequestID] = 0
			w.mu.Unlock()
		}
	}()
	h.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
		return err
	}))
	return w
}

// settle waits until every request seen has finished, then reports the
// bytes received and what they were, and starts counting afresh.
func (w *wire) settle(t *testing.T) (int, string) {
	t.Helper()
	deadline := time.Now().Add(browserWait)
	for {
		w.mu.Lock()
		done := len(w.sent) > 0
		for id := range w.sent {
			if _, ok := w.bytes[id]; !ok {
				done = false
			}
		}
		if done || time.Now().After(deadline) {
			total, list := 0, []string{}
			for id, u := range w.sent {
				total += int(w.bytes[id])
				list = append(list, fmt.Sprintf("%s %d", u[strings.Index(u, "/")+2+strings.Index(u[strings.Index(u, "/")+2:], "/"):], int(w.bytes[id])))
			}
			w.sent = map[network.RequestID]string{}
			w.bytes = map[network.RequestID]float64{}
			w.mu.Unlock()
			if !done {
				t.Errorf("requests still loading after %s: %v", browserWait, list)
			}
			slices.Sort(list)
			return total, strings.Join(list, ", ")
		}
		w.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
}

// sentBytes counts what soko sends back, status line and headers included,
// to every client behind it: the page and its service worker alike.
type sentBytes struct {
	mu    sync.Mutex
	n     int
	paths []string
}

func (s *sentBytes) take() (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, what := s.n, strings.Join(s.paths, ", ")
	s.n, s.paths = 0, nil
	return n, what
}

type countingWriter struct {
	http.ResponseWriter
	n int
}

func (w *countingWriter) WriteHeader(code int) {
	w.n += len(fmt.Sprintf("HTTP/1.1 %d %s\r\n\r\n", code, http.StatusText(code)))
	for k, vs := range w.Header() {
		for _, v := range vs {
			w.n += len(k) + len(v) + 4
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	w.n += len(b)
	return w.ResponseWriter.Write(b)
}

// TestFloorPages_WireWeight loads the handheld, the dock and the returns desk in a fresh
// Chromium on a phone, as a picker opens them at the start of a shift, and
// again as on every later visit, and adds up the bytes soko sends for each
// (status lines, headers and compressed bodies, the service worker's own
// fetches included), after the page is ready and the network quiet: the
// first load within 30 KB, a repeat visit within 5 KB. CDP's network
// events give the same figure for what the page itself loads.
func TestFloorPages_WireWeight(t *testing.T) {
	site := mustHandheldSite(t)
	inner := site.URL
	sent := &sentBytes{}
	u, _ := url.Parse(inner)
	proxy := httputil.NewSingleHostReverseProxy(u)
	counted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w}
		proxy.ServeHTTP(cw, r)
		sent.mu.Lock()
		sent.n += cw.n
		sent.paths = append(sent.paths, fmt.Sprintf("%s %d", r.URL.Path, cw.n))
		sent.mu.Unlock()
	}))
	t.Cleanup(counted.Close)
	h := mustBrowser(t, "about:blank", screen{360, 640, true})
	w := h.listen()
	for _, p := range []struct{ page, ready string }{
		{"/hh", `document.getElementById('prompt').textContent !== '' && navigator.serviceWorker.controller !== null`},
		{"/hh/dock", `!document.getElementById('v-signin').hidden && navigator.serviceWorker.controller !== null`},
		{"/hh/returns", `!document.getElementById('v-signin').hidden && navigator.serviceWorker.controller !== null`},
	} {
		page, ready := p.page, p.ready
		for _, visit := range []struct {
			name   string
			budget int
		}{{"first", firstBudget}, {"repeat", repeatBudget}} {
			sent.take()
			h.do(chromedp.Navigate(counted.URL + page))
			h.waitFor(page+" to be ready", ready)
			w.settle(t)
			// Quiet: nothing more sent for half a second.
			n, what := 0, ""
			for {
				time.Sleep(500 * time.Millisecond)
				sent.mu.Lock()
				quiet := sent.n == n
				n = sent.n
				sent.mu.Unlock()
				if quiet {
					break
				}
			}
			n, what = sent.take()
			t.Logf("%s, %s visit: %d bytes sent (%s)", page, visit.name, n, what)
			if n > visit.budget {
				t.Errorf("%s, %s visit: %d bytes sent, over the %d-byte budget", page, visit.name, n, visit.budget)
			}
		}
	}
	h.checkClean()
}

// scriptTag finds a page's script elements.
var scriptTag = regexp.MustCompile(`<script[^>]*>`)

// inlineStyleOrHandler finds what the CSP (no 'unsafe-inline') would refuse in markup.
var inlineStyleOrHandler = regexp.MustCompile(`<style|\sstyle=|\son[a-z]+=`)

// TestFloorPages checks what GET /hh, /station and /console answer: the
// page in the asked language, revalidated by its ETag each visit, with nothing the CSP would
// refuse, and a CSP that lets the camera decoder's WebAssembly run.
func TestFloorPages(t *testing.T) {
	srv, _ := MustServer(t)
	for _, c := range []struct {
		target, header, lang, words string
	}{
		{"/hh", "", "ja", "バッジ"},
		{"/hh?lang=en", "", "en", "Badge"},
		{"/hh", "en-US,en;q=0.9", "en", "Sign in"},
		{"/station", "", "ja", "梱包確定"},
		{"/station?lang=en", "", "en", "Confirm packing"},
		{"/station", "en-US,en;q=0.9", "en", "Print labels and slip"},
		{"/console", "", "ja", "送り状番号帯"},
		{"/console?lang=en", "", "en", "Tracking-number ranges"},
		{"/console", "en-US,en;q=0.9", "en", "Import issued numbers"},
	} {
		var rec *httptest.ResponseRecorder
		if c.header != "" {
			rec = do(t, srv, "GET", c.target, nil, "Accept-Language", c.header)
		} else {
			rec = do(t, srv, "GET", c.target, nil)
		}
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", c.target, rec.Code, rec.Header().Get("Content-Type"))
		}
		if got := rec.Header().Get("Cache-Control"); got != "private, no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want private, no-cache", c.target, got)
		}
		hdr := []string{"If-None-Match", rec.Header().Get("ETag")}
		if c.header != "" {
			hdr = append(hdr, "Accept-Language", c.header)
		}
		if again := do(t, srv, "GET", c.target, nil, hdr...); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("GET %s again with its ETag: %d, %d bytes; want 304 and none", c.target, again.Code, again.Body.Len())
		}
		if !strings.Contains(body, `<html lang="`+c.lang+`">`) || !strings.Contains(body, c.words) {
			t.Errorf("GET %s (Accept-Language %q): not the %s page", c.target, c.header, c.lang)
		}
		for _, tag := range scriptTag.FindAllString(body, -1) {
			if !strings.Contains(tag, ` src="/static/`) && !strings.Contains(tag, `type="application/json"`) {
				t.Errorf("GET %s: inline script %s", c.target, tag)
			}
		}
		if inlineStyleOrHandler.MatchString(body) {
			t.Errorf("GET %s: inline style or event handler attribute", c.target)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval'") {
			t.Errorf("CSP %q does not let the camera decoder's WebAssembly run", csp)
		}
		for _, ref := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(body, -1) {
			if r := do(t, srv, "GET", ref[1], nil); r.Code != http.StatusOK {
				t.Errorf("GET %s, which %s refers to: %d", ref[1], c.target, r.Code)
			}
		}
	}
}

// signIn scans the picker's badge and types the PIN.
func (h *handheld) signIn() {
	h.t.Helper()
	h.waitFor("the sign-in view", `document.getElementById('prompt').textContent === 'バッジをスキャンしてください'`)
	h.scan("P100")
	h.waitFor("the PIN field to take focus", `document.activeElement.id === 'pin'`)
	h.do(chromedp.KeyEvent(pinPicker + "\r"))
	h.expect("ok", "山本 葵")
}

// TestHandheld_CameraFallback points a fake camera at a towel's JAN:
// headless Chromium has no BarcodeDetector, so scan.js must fetch the
// self-hosted zxing-wasm decoder on first use, under the page's CSP, and
// read the code as if it had been scanned.
func TestHandheld_CameraFallback(t *testing.T) {
	site := mustHandheldSite(t)
	video := filepath.Join(t.TempDir(), "towel.y4m")
	if err := os.WriteFile(video, ean13Video(t, janTowel), 0o644); err != nil {
		t.Fatal(err)
	}
	h := mustHandheld(t, site.URL+"/hh",
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", video),
	)
	h.signIn()
	h.click("#m-putaway")
	if h.eval(`typeof BarcodeDetector`) != "undefined" {
		t.Log("this Chromium has BarcodeDetector: the fallback decoder is not exercised")
	}
	if h.eval(`typeof ZXingWASM`) != "undefined" {
		t.Fatal("the camera decoder was loaded before the camera was used")
	}
	h.click("#cam")
	h.expect("ok", "今治フェイスタオル ×1")
	h.shot("camera-scan")
	if h.eval(`typeof BarcodeDetector`) == "undefined" && h.eval(`typeof ZXingWASM`) != "object" {
		t.Error("the fallback decoder did not load")
	}
	if h.visible(".scan-camera") {
		t.Error("the camera stays open after a read")
	}
	h.checkClean()
}

// ean13Video draws code as an EAN-13 symbol, black bars on white with quiet
// zones, four pixels a module, in a Y4M file Chromium can play as a camera.
func ean13Video(t *testing.T, code string) []byte {
	t.Helper()
	const w, h, module = 640, 480, 4
	l := []string{"0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"}
	parity := []string{"LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"}
	invert := func(s string) string {
		return strings.Map(func(r rune) rune { return '0' + '1' - r }, s)
	}
	reverse := func(s string) string {
		b := []byte(s)
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		return string(b)
	}
	bits := "101"
	for i := 1; i <= 6; i++ {
		d := code[i] - '0'
		if parity[code[0]-'0'][i-1] == 'G' {
			bits += reverse(invert(l[d]))
		} else {
			bits += l[d]
		}
	}
	bits += "01010"
	for i := 7; i <= 12; i++ {
		bits += invert(l[code[i]-'0'])
	}
	bits += "101"
	if len(bits) != 95 {
		t.Fatalf("EAN-13 of %s has %d modules", code, len(bits))
	}
	luma := bytes.Repeat([]byte{255}, w*h)
	x0 := (w - len(bits)*module) / 2
	for y := 120; y < 360; y++ {
		for i, b := range bits {
			if b == '1' {
				for k := range module {
					luma[y*w+x0+i*module+k] = 0
				}
			}
		}
	}
	chroma := bytes.Repeat([]byte{128}, w*h/2)
	var out bytes.Buffer
	fmt.Fprintf(&out, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	for range 2 {
		out.WriteString("FRAME\n")
		out.Write(luma)
		out.Write(chroma)
	}
	return out.Bytes()
}

// TestFloorPages_LanguageStays checks that a language chosen on a page stays
// chosen on that device: the next page, and the API's messages, are in it
// whatever the browser's Accept-Language says.
func TestFloorPages_LanguageStays(t *testing.T) {
	srv, _ := MustServer(t)
	rec := do(t, srv, "GET", "/console?lang=en", nil)
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == langCookie {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "en" || !cookie.HttpOnly {
		t.Fatalf("choosing English set %+v", cookie)
	}
	next := do(t, srv, "GET", "/hh", nil, "Cookie", cookie.Name+"="+cookie.Value, "Accept-Language", "ja")
	if !strings.Contains(next.Body.String(), `<html lang="en">`) {
		t.Errorf("the handheld forgot the chosen English")
	}
	refused := do(t, srv, "GET", "/ops/session", nil, "Cookie", cookie.Name+"="+cookie.Value)
	if p := decodeProblem(t, refused); refused.Code != 401 || !strings.Contains(p.Detail, "badge") {
		t.Errorf("the API answered %d %q, not in English", refused.Code, p.Detail)
	}
}

// TestBrowserClick_PressesAgainWhenThePageMoves: a button that a banner
// pushes down as the mouse goes down (as a list answering above a form
// does) is missed by the first press; click presses again where it now is.
func TestBrowserClick_PressesAgainWhenThePageMoves(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><body style="margin:0"><div id="top"></div><button id="add" style="height:40px">add</button><p id="n">0</p>
<script>
var b = document.getElementById('add'), moved = false;
document.addEventListener('mousedown', function () { if (!moved) { moved = true; document.getElementById('top').style.height = '200px'; } }, true);
b.addEventListener('click', function () { var n = document.getElementById('n'); n.textContent = +n.textContent + 1; });
</script>`)
	}))
	t.Cleanup(srv.Close)
	b := mustBrowser(t, srv.URL, screen{400, 600, false})
	b.waitFor("the page", `!!document.getElementById('add')`)
	b.click("#add")
	if n := b.text("#n"); n != "1" {
		t.Errorf("the button was clicked %s times, want 1", n)
	}
	if moved := b.eval(`String(document.getElementById('add').getBoundingClientRect().top)`); moved != "200" {
		t.Errorf("the button's top is %s: the page did not move under the press", moved)
	}
}
