package server

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestOrderImport_InBrowser drives 受注取込 in /console at 1366×768 as a
// supervisor: a Shift_JIS file with bad rows is previewed, every problem
// listed by row and column, and Import stays off; the good file is
// previewed, imported with the keyboard and allocated; the same file
// uploaded again shows every order on file and imports nothing.
func TestOrderImport_InBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h, seed := mustImportServer(t, db)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console", screen{1366, 768, false})}
	ctx := context.Background()
	sakura := seed.Merchants[0].ID

	dir := t.TempDir()
	write := func(name string, body []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badFile := write("orders-bad.csv", sjis(t, importHeader+goodRows+badRows))
	goodFile := write("orders.csv", sjis(t, importHeader+goodRows))

	c.signIn("V001", "5555")
	c.expect("ok", "伊藤")
	c.click(`nav a[href="#orderimport"]`)
	c.waitFor("the order import section with the merchants", `!document.getElementById('orderimport').hidden && document.querySelectorAll('#oi-merchant option').length === 3`)
	if got := c.text("#oi-columns tbody tr:first-child"); !strings.Contains(got, "注文番号") || !strings.Contains(got, "order_no") {
		t.Errorf("the layout's help starts with %q", got)
	}
	// No merchant is chosen until the supervisor chooses one.
	c.do(chromedp.SetUploadFiles(chromedp.CSS("#oi-file"), []string{badFile}))
	c.click("#oi-preview")
	c.wantMsg("oi-msg", "error", "荷主を選んでください")
	if c.visible("#oi-result") {
		t.Error("a preview without a merchant")
	}
	c.fill("#oi-merchant", itoa64(sakura))

	// Record what the progress area says while a file goes up and is read.
	c.eval(`(function(){window.__oiSaid=[];new MutationObserver(function(){var s=document.getElementById('oi-progress-text').textContent;
		if(!document.getElementById('oi-progress').hidden&&window.__oiSaid.indexOf(s)<0)window.__oiSaid.push(s)})
		.observe(document.getElementById('oi-progress'),{subtree:true,childList:true,attributes:true,characterData:true});return ''})()`)
	c.do(chromedp.SetUploadFiles(chromedp.CSS("#oi-file"), []string{badFile}))
	c.click("#oi-preview")
	c.wantMsg("oi-msg", "error", "3件の問題があります")
	if said := c.eval(`window.__oiSaid.join('|')`); !strings.Contains(said, "送信中…") || !strings.Contains(said, "サーバーで確認中…") {
		t.Errorf("the progress area said %q, want the upload's share and then the server's check", said)
	}
	if c.visible("#oi-progress") {
		t.Error("the progress bar stays after the answer")
	}
	if got := c.text("#oi-summary"); !strings.Contains(got, "SAKURA さくら雑貨店：4件の注文（5明細、5行）") || !strings.Contains(got, "Shift_JIS") {
		t.Errorf("summary %q", got)
	}
	rows := c.eval(`Array.prototype.map.call(document.querySelectorAll('#oi-problems tbody tr'),function(r){return Array.prototype.map.call(r.cells,function(td){return td.textContent}).join(' ')}).join('\n')`)
	for _, want := range []string{
		"5 W-3 郵便番号 郵便番号 530-0001 は東京都の郵便番号ではありません（大阪府の郵便番号です）",
		"6 W-4 代引金額 ネコポスでは代引できません",
		"6 W-4 SKU SKU NOPE-9 はこの荷主の商品として登録されていません",
	} {
		if !strings.Contains(rows, want) {
			t.Errorf("the problems do not list %q:\n%s", want, rows)
		}
	}
	if got := c.eval(`String(document.getElementById('oi-import').disabled)`); got != "true" {
		t.Error("Import is offered for a file with problems")
	}
	if got := c.text(`#oi-orders tr[data-order="W-4"] .tag`); got != "問題あり" {
		t.Errorf("W-4 is marked %q", got)
	}
	c.shot("order-import-problems")
	if _, err := db.FindOrder(ctx, sakura, "W-1"); soko.ErrorCode(err) != soko.ENOTFOUND {
		t.Fatalf("a preview wrote W-1 (%v)", err)
	}

	c.do(chromedp.SetUploadFiles(chromedp.CSS("#oi-file"), []string{goodFile}))
	c.click("#oi-preview")
	c.wantMsg("oi-msg", "ok", "問題はありません。「取り込む」で2件を登録します")
	c.waitFor("Import to take the focus", `document.activeElement.id === 'oi-import' && !document.activeElement.disabled`)
	if c.visible("#oi-problems") {
		t.Errorf("problems shown for a good file: %q", c.text("#oi-problems"))
	}
	c.do(chromedp.KeyEvent("\r"))
	c.wantMsg("oi-msg", "ok", "2件を取り込みました（引当済 1件・入荷待ち 1件）")
	if got := c.text(`#oi-orders tr[data-order="W-1"] .tag`); got != "登録済み" {
		t.Errorf("W-1 is marked %q after the import", got)
	}
	if got := c.eval(`String(document.getElementById('oi-import').disabled)`); got != "true" {
		t.Error("Import is still offered after importing")
	}
	c.shot("order-import")
	w1, err := db.FindOrder(ctx, sakura, "W-1")
	if err != nil || w1.Status != soko.OrderBackordered || len(w1.Lines) != 2 {
		t.Fatalf("W-1 after the import: %+v (%v)", w1, err)
	}
	if w2, _ := db.FindOrder(ctx, sakura, "W-2"); w2.Status != soko.OrderAllocated || w2.CODAmount != 1650 {
		t.Errorf("W-2 after the import: %s COD %d", w2.Status, w2.CODAmount)
	}
	events, _ := db.ListOrderEvents(ctx, sakura, "W-1")

	// The same file again: a new choice must be previewed before Import.
	c.do(chromedp.SetUploadFiles(chromedp.CSS("#oi-file"), []string{goodFile}))
	if got := c.eval(`String(document.getElementById('oi-import').disabled)`); got != "true" {
		t.Error("Import is offered for a file not yet previewed")
	}
	c.click("#oi-preview")
	c.wantMsg("oi-msg", "ok", "すべて登録済みです。取り込んでも変わりません")
	if got := c.text("#oi-summary"); !strings.Contains(got, "新規 0件・登録済み 2件") {
		t.Errorf("summary of the file again: %q", got)
	}
	c.click("#oi-import")
	c.wantMsg("oi-msg", "ok", "0件を取り込みました（引当済 0件・入荷待ち 0件）。登録済みのため変更なし 2件")
	c.shot("order-import-again")
	c.checkClean()
	if again, _ := db.ListOrderEvents(ctx, sakura, "W-1"); len(again) != len(events) {
		t.Errorf("W-1 has %d events after the file came again, had %d", len(again), len(events))
	}
	if os, _ := db.ListOrders(ctx, soko.OrderFilter{MerchantID: sakura, Page: soko.Page{Limit: 10}}); len(os) != 2 {
		t.Errorf("%d orders after importing the file twice, want 2", len(os))
	}
}
