package server

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// The console's import preview shows, before anything is imported, the
// names it will store rewritten for labels (issue 22, point 8).
func TestOrderImport_WarningsInBrowser(t *testing.T) {
	h, seed := mustImportServer(t, storagetest.MustOpenSQLite(t))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console", screen{1366, 768, false})}
	file := filepath.Join(t.TempDir(), "orders.csv")
	body := sjis(t, importHeader+goodRows+"W-5,yamato,宅急便,,100-0005,東京都,千代田区,丸の内1-9-1,髙橋 ①郎,03-3211-4821,TOWEL-WHT,1\r\n")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}

	c.signIn("V001", "5555")
	c.expect("ok", "伊藤")
	c.click(`nav a[href="#orderimport"]`)
	c.waitFor("the order import section with the merchants", `!document.getElementById('orderimport').hidden && document.querySelectorAll('#oi-merchant option').length === 3`)
	c.fill("#oi-merchant", itoa64(seed.Merchants[0].ID))
	c.do(chromedp.SetUploadFiles(chromedp.CSS("#oi-file"), []string{file}))
	c.click("#oi-preview")
	c.waitFor("the preview", `!document.getElementById('oi-result').hidden`)
	if !c.visible("#oi-warnings") {
		t.Fatal("no warnings shown")
	}
	if got := c.text("#oi-warnings"); !strings.Contains(got, "W-5") || !strings.Contains(got, "髙橋 1郎") || !strings.Contains(got, "送り状用に置き換える文字") {
		t.Errorf("warnings read %q", got)
	}
	c.shot("order-import-warnings")
}
