package server

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestBilling_ConsoleInBrowser drives the console's billing section in
// headless Chromium: an admin opens a merchant's October, which has no rate
// card yet, types one in, sees the statement priced from the month's
// records, adds a credit and closes the month, after which it can no
// longer be changed. A supervisor has no link to billing.
func TestBilling_ConsoleInBrowser(t *testing.T) {
	site := mustAdminSite(t)
	bm := storagetest.MustBillingMonth(t, site.db)
	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+fmt.Sprintf("/console#billing?merchant=%d&month=2026-10", bm.MerchantID), screen{1366, 768, false})}
	c.signIn("A001", pinAdmin)
	c.wantMsg("bil-msg", "warn", "料金表がありません")
	if !c.visible(`nav a[href="#billing"]`) {
		t.Error("an admin has no link to billing")
	}
	c.waitFor("the rate card form", `document.getElementById('bil-from').value !== ''`)
	c.eval(`document.getElementById('bil-from').value = '2026-10'; document.getElementById('bil-boxes').value = '60=80\n80=120'; 'ok'`)
	c.fill(`#bil-card [data-field="pick_order"]`, "150")
	c.click("#bil-card button[type=submit]")
	c.wantMsg("bil-card-msg", "ok", "2026-10からの料金表を保存しました")
	// Two orders at ¥150, two 60 boxes and one 80: ¥580 and ¥58 of tax.
	c.waitFor("the priced statement", `!document.getElementById('bil-statement').hidden && document.getElementById('bil-total').textContent.indexOf('¥638') >= 0`)
	if lines := c.text("#bil-lines tbody"); !strings.Contains(lines, "出荷作業料（基本）") || !strings.Contains(lines, "梱包資材（80）") {
		t.Errorf("the statement's lines: %q", lines)
	}
	if href := c.eval(`document.getElementById('bil-pdf').getAttribute('href')`); href != fmt.Sprintf("/ops/admin/merchants/%d/statements/2026-10?format=pdf", bm.MerchantID) {
		t.Errorf("the PDF link is %q", href)
	}
	c.fill("#bil-adj-desc", "9月分 訂正", "#bil-adj-amount", "-100")
	c.click("#bil-adjust button[type=submit]")
	c.wantMsg("bil-msg", "ok", "調整を追加しました")
	c.waitFor("the credit", `document.getElementById('bil-total').textContent.indexOf('¥528') >= 0`)
	c.eval(`window.confirm = function () { return true }; 'ok'`)
	c.click("#bil-close")
	c.waitFor("the closed month", `document.getElementById('bil-heading').textContent.indexOf('確定') >= 0 && document.getElementById('bil-close').hidden && document.getElementById('bil-adjust').hidden`)
	c.shot("billing-closed")

	sup := console{mustBrowser(t, srv.URL+"/console", screen{1366, 768, false})}
	sup.signIn("V001", "5555")
	sup.expect("ok", "伊藤")
	if sup.visible(`nav a[href="#billing"]`) {
		t.Error("a supervisor has a link to billing")
	}
}
