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

// TestConsole_KittingInBrowser drives the console's kitting section
// (セット組み): the supervisor asks for 3 kits of a towel gift set on a
// shelf and sees the task listed, cancels it, and is told in Japanese,
// beside the field, that a towel on its own is no set and that 0 kits
// are none; in English, the refusal is English.
func TestConsole_KittingInBrowser(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	ctx := context.Background()
	if err := db.Load(ctx, opsSeed()); err != nil {
		t.Fatal(err)
	}
	m, err := db.FindMerchantByCode(ctx, "SAKURA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutProduct(ctx, &soko.Product{MerchantID: m.ID, SKU: "GIFT", Name: "タオルギフト", Price: 3000, TaxRate: 10, ReorderPoint: soko.KeepReorderPoint, KeepStockBuffer: true,
		Components: []soko.Component{{SKU: "TOWEL", Quantity: 2}}}); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console", screen{1280, 900, false})}

	c.signIn("V001", "5555")
	c.click(`nav a[href="#kitting"]`)
	c.waitFor("the kitting section", `!document.getElementById('kitting').hidden && document.getElementById('kit-merchant').options.length > 0`)
	c.waitFor("the empty list", `!document.getElementById('kit-none').hidden`)
	if h := c.text("#kitting h2"); h != "セット組み" {
		t.Errorf("the section's heading is %q", h)
	}

	c.fill("#kit-merchant", fmt.Sprint(m.ID), "#kit-sku", "GIFT", "#kit-quantity", "3", "#kit-location", "A-01-02-1")
	c.click("#kit-form button[type=submit]")
	c.wantMsg("kit-msg", "ok", "を作成しました（GIFT を 3 キット）")
	c.waitFor("the task in the list", `document.querySelector('#kit-table tbody tr[data-status="open"]') !== null`)
	got := c.text(`#kit-table tbody tr[data-status="open"]`)
	for _, want := range []string{"SAKURA", "GIFT", "タオルギフト", "3", "A-01-02-1", "未完了", "取消"} {
		if !strings.Contains(got, want) {
			t.Errorf("the task's row reads %q, without %q", got, want)
		}
	}
	open, err := db.OpenKittingTasks(ctx)
	if err != nil || len(open) != 1 || open[0].SetSKU != "GIFT" || open[0].Quantity != 3 || open[0].Location != "A-01-02-1" {
		t.Fatalf("open kitting tasks: %+v %v", open, err)
	}
	c.shot("console-kitting")

	c.click(`#kit-table tbody tr[data-status="open"] button`)
	c.wantMsg("kit-msg", "ok", "（GIFT）を取り消しました")
	c.waitFor("the task shown cancelled", `document.querySelector('#kit-table tbody tr[data-status="cancelled"]') !== null && !document.querySelector('#kit-table tbody tr[data-status="open"]')`)
	if open, err := db.OpenKittingTasks(ctx); err != nil || len(open) != 0 {
		t.Fatalf("open kitting tasks after the cancel: %+v %v", open, err)
	}

	c.fill("#kit-sku", "TOWEL", "#kit-quantity", "1", "#kit-location", "A-01-02-1")
	c.click("#kit-form button[type=submit]")
	c.wantMsg("kit-msg", "error", "TOWEL はセット商品ではありません")
	if note := c.text(`#kit-form label:has(#kit-sku) .field-error`); note != "TOWEL はセット商品ではありません（構成品がありません）" {
		t.Errorf("the note beside the SKU reads %q", note)
	}
	c.waitFor("the SKU marked wrong and focused", `document.getElementById('kit-sku').getAttribute('aria-invalid') === 'true' && document.activeElement.id === 'kit-sku'`)

	c.fill("#kit-sku", "GIFT", "#kit-quantity", "0")
	c.click("#kit-form button[type=submit]")
	c.wantMsg("kit-msg", "error", "キット数は1〜10000の整数で入力してください")
	if n := c.eval(`String(document.querySelectorAll('#kit-form .field-error').length)`); n != "1" {
		t.Errorf("%s field notes, want only the quantity's", n)
	}
	if note := c.text(`#kit-form label:has(#kit-quantity) .field-error`); note != "キット数は1〜10000の整数で入力してください" {
		t.Errorf("the note beside the quantity reads %q", note)
	}
	if open, err := db.OpenKittingTasks(ctx); err != nil || len(open) != 0 {
		t.Fatalf("open kitting tasks after the refusals: %+v %v", open, err)
	}

	// In English the section and the server's refusal are English.
	c.do(chromedp.Navigate(srv.URL + "/console?lang=en#kitting"))
	c.waitFor("the English kitting section", `!document.getElementById('kitting').hidden && document.getElementById('kit-merchant').options.length > 0`)
	if h := c.text("#kitting h2"); h != "Kitting" {
		t.Errorf("the English heading is %q", h)
	}
	c.fill("#kit-merchant", fmt.Sprint(m.ID), "#kit-sku", "TOWEL", "#kit-quantity", "1", "#kit-location", "A-01-02-1")
	c.click("#kit-form button[type=submit]")
	c.wantMsg("kit-msg", "error", "TOWEL is not a set product")
	if note := c.text(`#kit-form label:has(#kit-sku) .field-error`); note != "TOWEL is not a set product" {
		t.Errorf("the English note beside the SKU reads %q", note)
	}
	c.checkClean()
}
