package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestPortalInbound_InBrowser follows an inbound from the shop to the
// floor and back, in two headless Chromiums: the shop owner announces one
// by the portal's form (a line by JAN, one with a lot) and another by CSV
// (a bad file first, refused with its rows named), downloads the inbound
// sheet, whose barcode a worker scans on /hh to open the inbound and
// receive it — one short, one over and tea of a lot the notice does not
// name — and the portal's page of the inbound, left open, shows the
// received units and each discrepancy as the warehouse goes.
func TestPortalInbound_InBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	err := db.Load(context.Background(), &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
		Staff:     []soko.SeedStaff{{Staff: soko.Staff{BadgeCode: "P100", Name: "山本 葵", Role: soko.RolePicker, Active: true}, PIN: pinPicker}},
		Locations: []soko.Location{{Code: "RCV-01", Zone: "R", WalkSequence: 0, Kind: soko.LocationReceiving}},
		Products: []soko.SeedProduct{
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "今治フェイスタオル", Price: 1320, TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: janTowel, PackQuantity: 1}}}},
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "波佐見焼 マグカップ", Price: 2200, TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: janMug, PackQuantity: 1}}}},
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TEA", Name: "静岡煎茶", Price: 1080, TaxRate: 8, TrackLot: true, TrackExpiry: true,
				Barcodes: []soko.ProductBarcode{{Code: janTea, PackQuantity: 1}}}},
		},
		PortalUsers: []soko.SeedPortalUser{{MerchantCode: "SAKURA", PortalUser: soko.PortalUser{Email: "owner@sakura.example", Role: soko.PortalOwner}, Password: portalPassword}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed },
		RatePerSecond: 10000, RateBurst: 10000, WarehouseName: "soko 東京倉庫"}))
	t.Cleanup(srv.Close)

	b := mustBrowser(t, srv.URL+"/portal#inbounds", screen{1366, 768, false})
	b.waitFor("the sign-in form", `!document.getElementById('v-signin').hidden`)
	b.do(chromedp.SetValue(chromedp.CSS("#signin [name=email]"), "owner@sakura.example"), chromedp.SetValue(chromedp.CSS("#signin [name=password]"), portalPassword))
	b.click("#signin button[type=submit]")
	// The list above the form answers first (none yet), so the form no longer moves.
	b.waitFor("the inbound form under an empty list", `!document.getElementById('v-inbounds').hidden && !document.getElementById('inbound-form').hidden &&
		!document.getElementById('no-inbounds').hidden`)

	// The form: the towel by its JAN, the mug, the tea with its lot.
	setLine := func(i int, code, qty, lot, expiry string) {
		t.Helper()
		b.eval(fmt.Sprintf(`(function(){var r=document.getElementById('inbound-lines').tBodies[0].rows[%d];
			[['line_code',%q],['line_quantity',%q],['line_lot',%q],['line_expiry',%q]].forEach(function(v){r.querySelector('[name='+v[0]+']').value=v[1]});return ''})()`,
			i-1, code, qty, lot, expiry))
	}
	b.do(chromedp.SetValue(chromedp.CSS("#inbound-form [name=inbound_no]"), "ASN-1"), chromedp.SetValue(chromedp.CSS("#inbound-form [name=expected_date]"), "2026-12-01"),
		chromedp.SetValue(chromedp.CSS("#inbound-form [name=reference]"), "仕入先納品書 8841"))
	b.click("#inbound-add")
	b.click("#inbound-add")
	if n := b.eval(`String(document.getElementById('inbound-lines').tBodies[0].rows.length)`); n != "3" {
		t.Fatalf("the form has %s lines after adding two, want 3", n)
	}
	setLine(1, janTowel, "5", "", "")
	setLine(2, "MUG", "3", "", "")
	setLine(3, "TEA", "2", "L1", "2027-06-30")
	b.click("#inbound-form button[type=submit]")
	b.expect("ok", "入荷予定 ASN-1 を登録しました")
	b.waitFor("ASN-1 in the list", `!!document.querySelector('#inbound-table tr[data-no="ASN-1"]')`)
	if row := b.text(`#inbound-table tr[data-no="ASN-1"]`); !strings.Contains(row, "仕入先納品書 8841") || !strings.Contains(row, "0 / 10") || !strings.Contains(row, "入荷待ち") {
		t.Errorf("ASN-1's row: %q", row)
	}

	// The CSV: a bad file is refused whole, row by row; the fixed one is taken.
	dir := t.TempDir()
	upload := func(name, content string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#inbound-csv [name=file]"), []string{path}))
		b.click("#inbound-csv button[type=submit]")
	}
	upload("bad.csv", "入荷予定番号,入荷予定日,商品コード,数量\nASN-2,2026-12-02,TOWEL,4\nASN-2,2026-12-02,NOPE,x\n")
	b.expect("error", "登録していません。2件の問題があります")
	if got := b.text("#inbound-csv-problems"); !strings.Contains(got, "3行目 商品コード: 商品 NOPE は登録されていません") || !strings.Contains(got, "3行目 数量: 数量は1〜1000000の整数です") {
		t.Errorf("the problems listed: %q", got)
	}
	upload("good.csv", "\ufeff入荷予定番号,入荷予定日,JANコード,数量\nASN-2,2026-12-02,"+janMug+",4\n")
	b.expect("ok", "1件の入荷予定を登録しました：ASN-2")
	b.waitFor("ASN-2 in the list", `!!document.querySelector('#inbound-table tr[data-no="ASN-2"]')`)
	b.shot("inbounds")

	// The sheet: its barcode is what the worker scans.
	b.click(`#inbound-table a[href="#inbound/ASN-1"]`)
	b.waitFor("ASN-1's page", `document.querySelectorAll('#inbound-detail tbody tr').length === 3`)
	status, contentType, sheet := dockHandheld{b}.fetchLink("#inbound-sheet")
	if status != 200 || contentType != "application/pdf" {
		t.Fatalf("the sheet: %d %s", status, contentType)
	}
	sheetPath := filepath.Join(dir, "sheet.pdf")
	if err := os.WriteFile(sheetPath, sheet, 0o644); err != nil {
		t.Fatal(err)
	}
	if text := mustRun(t, mustTool(t, "pdftotext"), "-layout", "-enc", "UTF-8", sheetPath, "-"); !strings.Contains(text, "仕入先納品書 8841") || !strings.Contains(text, "L1") {
		t.Errorf("the sheet's text:\n%s", text)
	}
	mustRun(t, mustTool(t, "pdftoppm"), "-r", "300", "-gray", "-png", sheetPath, filepath.Join(dir, "sheet"))
	pages, _ := filepath.Glob(filepath.Join(dir, "sheet*.png"))
	var scanned string
	for _, sym := range strings.Fields(mustRun(t, mustTool(t, "zbarimg"), append([]string{"-q"}, pages...)...)) {
		if v, ok := strings.CutPrefix(sym, "CODE-128:"); ok {
			scanned = v
		}
	}
	if scanned != "ASN-1" {
		t.Fatalf("the sheet's Code 128 reads %q, want ASN-1", scanned)
	}

	// The floor: the sheet's barcode opens the inbound on /hh.
	hh := mustHandheld(t, srv.URL+"/hh")
	hh.signIn()
	hh.click("#m-receive")
	hh.waitFor("the inbound list", `document.querySelectorAll('#inbounds button[data-id]').length === 2`)
	hh.scan(scanned)
	hh.waitFor("ASN-1's lines", `document.querySelectorAll('#rc-lines tbody tr').length === 3`)
	hh.typeInto("#rc-qty", "4")
	hh.scan(janTowel)
	hh.expect("ok", "今治フェイスタオル ×4（4/5）")

	b.waitFor("the towel received, on the portal without a reload", `document.querySelector('#inbound-detail tr[data-sku=TOWEL] td:nth-child(6)').textContent === '4'`)
	if st := b.text("#inbound-status"); st != "入荷作業中" {
		t.Errorf("ASN-1 while receiving: %q", st)
	}

	hh.typeInto("#rc-qty", "4")
	hh.scan(janMug)
	hh.expect("warn", "予定数を超えています")
	hh.typeInto("#rc-qty", "2")
	hh.scan(janTea)
	hh.expect("warn", "ロット・賞味期限の入力が必要です")
	hh.waitFor("the lot field to take focus", `document.activeElement.id === 'lot'`)
	hh.do(chromedp.KeyEvent("L9\r"))
	hh.waitFor("the expiry field to take focus", `document.activeElement.id === 'expiry'`)
	hh.do(chromedp.KeyEvent("20270630\r"))
	hh.expect("ok", "静岡煎茶 ×2")
	hh.click("#rc-finish")
	hh.expect("warn", "もう一度押す")
	hh.click("#rc-finish")
	hh.expect("ok", "ASN-1 を入荷完了")

	b.waitFor("ASN-1 received, on the portal", `document.getElementById('inbound-status').textContent === '入荷完了'`)
	states := b.eval(`Array.from(document.querySelectorAll('#inbound-detail tbody tr')).map(function(r){return r.dataset.sku+' '+r.cells[5].textContent+' '+r.cells[6].textContent+' '+r.dataset.state}).join('|')`)
	if states != "TOWEL 4 -1 short|MUG 4 +1 over|TEA 2 0 wrong_lot" {
		t.Errorf("ASN-1's lines: %q", states)
	}
	if got := b.text("#inbound-discrepancies"); !strings.Contains(got, "TOWEL：予定 5、入荷 4（1 不足）") || !strings.Contains(got, "MUG：予定 3、入荷 4（1 超過）") ||
		!strings.Contains(got, "TEA：予定にないロット L9 を 2 個入荷") {
		t.Errorf("the discrepancies: %q", got)
	}
	b.shot("inbound-received")
	b.click(`nav a[href="#inbounds"]`)
	b.waitFor("the list, refreshed", `(document.querySelector('#inbound-table tr[data-no="ASN-1"]')||{textContent:''}).textContent.indexOf('入荷完了') >= 0`)
	if row := b.text(`#inbound-table tr[data-no="ASN-1"]`); !strings.Contains(row, "入荷完了") || !strings.Contains(row, "10 / 10") || !strings.Contains(row, "ロット違い") {
		t.Errorf("ASN-1's row once received: %q", row)
	}
	b.checkClean()
	hh.checkClean()

	// On a phone: the list, the form and the inbound's page fit the screen.
	phone := mustBrowser(t, srv.URL+"/portal#inbound/ASN-1", screen{390, 844, true})
	phone.waitFor("the sign-in form", `!document.getElementById('v-signin').hidden`)
	phone.do(chromedp.SetValue(chromedp.CSS("#signin [name=email]"), "owner@sakura.example"), chromedp.SetValue(chromedp.CSS("#signin [name=password]"), portalPassword))
	phone.click("#signin button[type=submit]")
	phone.waitFor("ASN-1's page", `document.querySelectorAll('#inbound-detail tbody tr').length === 3 && document.querySelectorAll('#inbound-discrepancies li').length === 3`)
	phone.noWiderThan(390)
	phone.shot("inbound-phone")
	phone.click(`nav a[href="#inbounds"]`)
	phone.waitFor("the list", `document.querySelectorAll('#inbound-table tbody tr').length === 2`)
	phone.noWiderThan(390)
	phone.shot("inbounds-phone")
	phone.checkClean()
}
