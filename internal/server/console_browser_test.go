package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// console is a headless Chromium on a supervisor's desktop, showing /console.
type console struct{ *handheld }

// signIn fills the console's sign-in form with a badge and PIN and sends
// it, once the page's scripts have run. The fields are set rather than
// typed: the page focuses the badge field when its session check answers,
// which may come while a PIN is being typed.
func (c console) signIn(badge, pin string) {
	c.t.Helper()
	c.waitFor("the sign-in form", `document.readyState === 'complete' && window.SokoOps && !document.getElementById('v-login').hidden`)
	c.fill("#badge", badge, "#pin", pin)
	c.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('login').requestSubmit()`))
}

// fill sets form fields by selector, replacing what they held.
func (c console) fill(fields ...string) {
	c.t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		c.do(chromedp.SetValue(chromedp.CSS(fields[i]), fields[i+1]))
	}
}

// wantMsg waits for a section's message area to show class and text.
func (c console) wantMsg(id, class, text string) {
	c.t.Helper()
	c.waitFor(fmt.Sprintf("#%s to show %s %q", id, class, text), fmt.Sprintf(
		`(function(){var m=document.getElementById(%q);return m.classList.contains(%q)&&m.textContent.indexOf(%q)>=0})()`, id, class, text))
}

// download clicks the link at selector and returns the file the browser
// saves under name.
func (c console) download(selector, name string) []byte {
	c.t.Helper()
	dir := c.t.TempDir()
	c.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}))
	c.click(selector)
	// Chromium may create the file before it writes it: the download is
	// whole once it holds bytes and two looks a moment apart agree.
	deadline := time.Now().Add(browserWait)
	var last []byte
	for {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil && len(b) > 0 && bytes.Equal(b, last) {
			return b
		}
		last = b
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			c.t.Fatalf("%s was never downloaded (%v; the folder holds %v)", name, err, entries)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// TestConsole_RangesExportImportInBrowser drives /console in headless
// Chromium at a desktop's size: a packer is refused; a supervisor
// registers a tracking-number range and sees it nearly used up, has an
// inverted range refused, exports the packed Yamato order as a B2クラウド
// file and downloads it byte for byte, then imports the number Yamato's
// software issued for it, which labels the order in the database.
func TestConsole_RangesExportImportInBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h, packer := mustPickedOrders(t, db)
	o := packer.op("GET", "/ops/station/orders/SO-1", nil, "")
	id := int64(o.JSON["id"].(float64))
	for i := 0; i < 3; i++ {
		packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("con-%06d", i), "code": janStationTowel}, packer.csrf)
	}
	if r := packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 750}}}, packer.csrf); r.Status != 200 {
		t.Fatalf("pack SO-1: %d %s", r.Status, r.Raw)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console", screen{1280, 800, false})}

	c.signIn("K001", "3333")
	c.waitFor("a packer to be refused", `!document.getElementById('denied').hidden`)
	if c.visible("#v-console") || !strings.Contains(c.text("#denied"), "権限がありません") {
		t.Fatalf("a packer sees the console: %q", c.text("#denied"))
	}
	c.shot("packer-denied")
	c.click("#signout")
	c.signIn("V001", "5555")
	c.expect("ok", "伊藤")
	c.waitFor("the dashboard, the console's home", `!document.getElementById('dashboard').hidden && document.querySelectorAll('#dash-pipeline .stage').length == 10`)
	if got := c.text("#dash-pipeline .stage.packed b"); got != "1" {
		t.Errorf("the dashboard counts %q packed orders, want SO-1", got)
	}
	c.click(`nav a[href="#ranges"]`)
	c.waitFor("the ranges section", `!document.getElementById('ranges').hidden && !document.getElementById('no-ranges').hidden`)

	c.fill("#range-carrier", "yamato", "#range-first", "12345678901", "#range-last", "12345678950")
	c.click("#range-form button[type=submit]")
	c.wantMsg("range-msg", "ok", "ヤマト運輸の番号帯を登録しました（50件）")
	c.waitFor("the new range listed", `document.querySelectorAll('#range-table tbody tr').length === 1`)
	const rangeRow = `#range-table tr[data-carrier="yamato"][data-first="12345678901"]`
	if got := c.text(rangeRow + " .remaining"); got != "50" {
		t.Errorf("remaining shows %q, want 50", got)
	}
	if !c.visible(rangeRow+" .tag.warn") || !strings.Contains(c.text(rangeRow), "残りわずか") {
		t.Errorf("a range of 50 is not shown as nearly used up: %q", c.text(rangeRow))
	}
	c.shot("range-registered")

	c.fill("#range-first", "12345678999", "#range-last", "12345678901")
	c.click("#range-form button[type=submit]")
	c.wantMsg("range-msg", "error", "開始 ≦ 終了")
	if n := c.eval(`String(document.querySelectorAll('#range-table tbody tr').length)`); n != "1" {
		t.Errorf("%s ranges listed after a refused one", n)
	}
	c.shot("range-refused")

	c.click(`nav a[href="#export"]`)
	c.waitFor("the export section", `!document.getElementById('export').hidden && document.getElementById('ranges').hidden`)
	c.fill("#export-carrier", "yamato")
	c.click("#export-form button[type=submit]")
	c.wantMsg("export-msg", "ok", "1件の送り状データを作成しました")
	name := c.eval(`document.getElementById('export-file').download`)
	if !regexp.MustCompile(`^yamato-\d{8}-\d{4}\.csv$`).MatchString(name) {
		t.Errorf("the download is named %q", name)
	}
	if c.visible("#export-problems") {
		t.Errorf("problems listed for a clean export: %q", c.text("#export-problems"))
	}
	c.shot("exported")
	// What the link downloads must be the server's Shift_JIS bytes, not a re-encoding.
	raw := c.download("#export-file", name)
	text, err := japanese.ShiftJIS.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatalf("the download is not Shift_JIS: %v", err)
	}
	records, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil || len(records) != 2 || records[0][0] != "お客様管理番号" {
		t.Fatalf("the download is not a one-row B2 file: %v %.80q", err, text)
	}
	management := records[1][0]

	// A file with the good row and a row naming no parcel is previewed:
	// the bad row is named, Import stays off, nothing is attached.
	dir := t.TempDir()
	mustIssued := func(name, text string) string {
		t.Helper()
		b, err := japanese.ShiftJIS.NewEncoder().String(text)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bad := mustIssued("bad.csv", "お客様管理番号,伝票番号\r\n"+management+",123456789013\r\nSO9P99999,123456789024\r\n")
	file := mustIssued("issued.csv", "お客様管理番号,伝票番号\r\n"+management+",123456789013\r\n")
	c.click(`nav a[href="#import"]`)
	c.waitFor("the import section", `!document.getElementById('import').hidden`)
	c.fill("#import-carrier", "yamato")
	c.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{bad}))
	c.click("#import-form button[type=submit]")
	c.wantMsg("import-msg", "error", "1件の問題があります。このファイルは取り込めません")
	if got := c.text("#import-problems tbody tr"); !strings.Contains(got, "3") || !strings.Contains(got, "お客様管理番号") || !strings.Contains(got, "SO9P99999 の荷物が見つかりません") {
		t.Errorf("the problem row reads %q", got)
	}
	if got := c.eval(`[...document.querySelectorAll('#import-rows tbody tr')].map(tr => tr.dataset.state).join(',')`); got != "new,problem" {
		t.Errorf("row states %q, want the good row new and the bad one a problem", got)
	}
	if c.eval(`String(document.getElementById('import-apply').disabled)`) != "true" {
		t.Error("Import is offered for a file with a problem")
	}
	c.shot("import-preview-refused")
	if got, _ := db.OrderByID(context.Background(), id); got.Status != soko.OrderPacked {
		t.Fatalf("SO-1 is %s after a preview, want packed", got.Status)
	}

	// The good file previews clean; its number is taken before Import is
	// pressed, so the server refuses the file and says why.
	c.do(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}))
	c.click("#import-form button[type=submit]")
	c.wantMsg("import-msg", "ok", "「取り込む」で1件の伝票番号を付けます")
	o2 := packer.op("GET", "/ops/station/orders/SO-2", nil, "")
	taken := fmt.Sprintf(`INSERT INTO parcels (order_id, seq, carrier, tracking_number) VALUES (%d, 1, 'japanpost', '123456789013')`, int64(o2.JSON["id"].(float64)))
	if err := db.Exec(context.Background(), taken); err != nil {
		t.Fatal(err)
	}
	c.click("#import-apply")
	c.wantMsg("import-msg", "error", "取り込めませんでした。1件の問題があります（伝票番号を1件も付けていません）")
	if got := c.text("#import-problems tbody tr"); !strings.Contains(got, "日本郵便の注文 SO-2 の荷物にすでに使われています") {
		t.Errorf("the refusal's problem reads %q", got)
	}
	c.shot("import-refused")
	if err := db.Exec(context.Background(), `DELETE FROM parcels WHERE carrier = 'japanpost'`); err != nil {
		t.Fatal(err)
	}

	c.click("#import-form button[type=submit]")
	c.wantMsg("import-msg", "ok", "「取り込む」で1件の伝票番号を付けます")
	if c.visible("#import-problems") {
		t.Errorf("problems listed for a clean file: %q", c.text("#import-problems"))
	}
	c.click("#import-apply")
	c.wantMsg("import-msg", "ok", "1件の伝票番号を取り込みました")
	if got := c.text("#import-labeled span"); got != "SO-1" {
		t.Errorf("labeled orders show %q, want SO-1", got)
	}
	if got := c.text("#import-rows tbody tr"); !strings.Contains(got, "123456789013") || !strings.Contains(got, "付与済み") {
		t.Errorf("the imported row reads %q", got)
	}
	c.shot("imported")
	c.checkClean()

	got, err := db.OrderByID(context.Background(), id)
	if err != nil || got.Status != soko.OrderLabeled {
		t.Fatalf("SO-1 is %s after the import (%v), want labeled", got.Status, err)
	}
	if ps, _ := db.Parcels(context.Background(), id); len(ps) != 1 || ps[0].TrackingNumber != "123456789013" {
		t.Errorf("SO-1's parcels after the import: %+v", ps)
	}
}

// TestConsole_ReleaseWaveInBrowser releases waves from /console's wave
// panel over three allocated Yamato orders: a batch of at most two orders,
// then one with no limit that takes the last, then one that finds nothing
// and shows the server's reason. All three orders end up picking.
func TestConsole_ReleaseWaveInBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	sup, _, _ := mustPickFloor(t, db)
	srv := httptest.NewServer(sup.h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console", screen{1280, 800, false})}

	c.signIn("V001", "5555")
	c.expect("ok", "伊藤")
	c.click(`nav a[href="#waves"]`)
	c.waitFor("the wave section", `!document.getElementById('waves').hidden && document.getElementById('ranges').hidden`)
	if got := c.eval(`document.getElementById('wave-mode').value`); got != "batch" {
		t.Errorf("the mode starts as %q, want batch", got)
	}

	c.fill("#wave-carrier", "yamato", "#wave-max-orders", "2")
	c.click("#wave-form button[type=submit]")
	c.wantMsg("wave-msg", "ok", "（注文 2件・作業 ")
	if msg := c.text("#wave-msg"); !regexp.MustCompile(`^ウェーブ W\S+ を発行しました（注文 2件・作業 \d+件）$`).MatchString(msg) {
		t.Errorf("the first wave shows %q", msg)
	}
	c.shot("wave-released")

	c.fill("#wave-max-orders", "")
	c.click("#wave-form button[type=submit]")
	c.wantMsg("wave-msg", "ok", "（注文 1件・作業 ")

	c.click("#wave-form button[type=submit]")
	c.wantMsg("wave-msg", "error", "条件に合う引当済の注文がありません")
	c.shot("wave-none")
	c.checkClean()

	counts, err := db.CountOrdersByStatus(context.Background())
	if err != nil || counts[soko.OrderPicking] != 3 {
		t.Fatalf("orders by status after the waves: %v (%v), want 3 picking", counts, err)
	}
}
