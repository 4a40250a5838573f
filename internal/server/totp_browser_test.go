package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/password"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestPortalTOTP_InBrowser drives /portal on a phone (390×844): a shop
// owner turns two-step sign-in on from the account view (the QR code shows,
// the key is typed from the screen as into an app, a code confirms it and
// ten recovery codes are shown), signs out, and signs in again: the
// password alone opens nothing, a wrong code is refused, the app's next
// code opens the stock.
func TestPortalTOTP_InBrowser(t *testing.T) {
	sc := screen{390, 844, true}
	db := storagetest.MustOpenSQLite(t)
	clock := &testClock{t: storagetest.Fixed}
	db.Now = clock.now
	err := db.Load(context.Background(), &soko.Seed{
		Merchants:   []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
		PortalUsers: []soko.SeedPortalUser{{MerchantCode: "SAKURA", PortalUser: soko.PortalUser{Email: "owner@sakura.example", Role: soko.PortalOwner}, Password: portalPassword}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.now, RatePerSecond: 10000, RateBurst: 10000})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b := mustBrowser(t, srv.URL+"/portal", sc)
	password := func() {
		b.waitFor("the sign-in form", `!document.getElementById('v-signin').hidden && !document.getElementById('signin').hidden`)
		b.do(chromedp.SetValue(chromedp.CSS("#signin [name=email]"), "owner@sakura.example"), chromedp.SetValue(chromedp.CSS("#signin [name=password]"), portalPassword))
		b.click("#signin button[type=submit]")
	}
	password()
	b.waitFor("the portal", `!document.getElementById('app').hidden`)

	b.click(`nav a[href="#account"]`)
	b.waitFor("the account view", `!document.getElementById('v-account').hidden && !document.getElementById('totp-start').hidden`)
	if st := b.text("#acct-totp-state"); !strings.Contains(st, "未設定") {
		t.Errorf("two-step sign-in before: %q", st)
	}
	b.click("#totp-start")
	b.waitFor("the QR code", `!document.getElementById('totp-setup').hidden && document.getElementById('totp-qr').complete && document.getElementById('totp-qr').naturalWidth === 240`)
	b.shot("totp-setup")
	b.noWiderThan(sc.width)
	secret := strings.ReplaceAll(b.text("#totp-secret"), " ", "")
	b.do(chromedp.SetValue(chromedp.CSS("#totp-confirm [name=code]"), soko.TOTPCode(secret, soko.TOTPStep(clock.now()))))
	b.click("#totp-confirm button[type=submit]")
	b.expect("ok", "2段階認証を有効にしました")
	b.waitFor("ten recovery codes", `document.querySelectorAll('#totp-code-list li').length === 10 && !document.getElementById('totp-codes').hidden`)
	if st := b.text("#acct-totp-state"); !strings.Contains(st, "有効") || b.visible("#totp-start") {
		t.Errorf("two-step sign-in after: %q", st)
	}
	b.shot("totp-recovery-codes")

	b.click("#signout")
	password()
	b.waitFor("the code step", `!document.getElementById('totp-step').hidden && document.getElementById('app').hidden`)
	if r := b.eval(`String(document.activeElement.name)`); r != "code" {
		t.Errorf("the code field has no focus: %s", r)
	}
	b.shot("totp-step")
	b.noWiderThan(sc.width)
	wrong := otherCode(secret, clock.now())
	b.do(chromedp.SetValue(chromedp.CSS("#totp-step [name=code]"), wrong))
	b.click("#totp-step button[type=submit]")
	b.expect("error", "確認コードが違う")
	if b.visible("#app") {
		t.Fatal("a wrong code opened the portal")
	}
	clock.add(soko.TOTPPeriod)
	b.do(chromedp.SetValue(chromedp.CSS("#totp-step [name=code]"), soko.TOTPCode(secret, soko.TOTPStep(clock.now()))))
	b.click("#totp-step button[type=submit]")
	b.waitFor("the portal after the code", `!document.getElementById('app').hidden && document.getElementById('totp-step').hidden`)
	b.click(`nav a[href="#account"]`)
	b.waitFor("the account, recovery codes gone", `!document.getElementById('v-account').hidden && document.querySelectorAll('#totp-code-list li').length === 0`)
	b.shot("signed-in-with-code")
	b.checkClean()
}

// TestPortalAdmin_ConsoleInBrowser drives the console's portal-users
// section as an admin (1366×768): SAKURA's owner, who has two-step
// sign-in, is listed with it; the admin invites a staff member, locks and
// unlocks them, and resets the owner's two-step sign-in. A supervisor has
// no link to the section.
func TestPortalAdmin_ConsoleInBrowser(t *testing.T) {
	site := mustAdminSite(t)
	ctx := context.Background()
	mustPortalUsers(t, site.db)
	owner, err := site.db.FindPortalUserByEmail(ctx, "owner@sakura.example")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := site.db.StartTOTP(ctx, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.db.ConfirmTOTP(ctx, owner.ID, soko.TOTPCode(secret, soko.TOTPStep(storagetest.Fixed))); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+fmt.Sprintf("/console#portalusers?merchant=%d", owner.MerchantID), screen{1366, 768, false})}
	c.signIn("A001", pinAdmin)
	row := func(email string) string { return fmt.Sprintf(`#pu-table tr[data-email=%q]`, email) }
	c.waitFor("SAKURA's users", fmt.Sprintf(`document.querySelectorAll('#pu-table tbody tr').length === 3 && !!document.querySelector(%q)`, row("owner@sakura.example")))
	if !c.visible(`nav a[href="#portalusers"]`) {
		t.Error("an admin has no link to portal users")
	}
	if got := c.text(row("owner@sakura.example")); !strings.Contains(got, "有効") || !strings.Contains(got, "オーナー") {
		t.Errorf("the owner's row: %q", got)
	}

	c.fill("#pu-email", "new@sakura.example", "#pu-name", "新人")
	c.eval(`document.getElementById('pu-role').value = 'staff'; 'ok'`)
	c.click("#pu-invite button[type=submit]")
	c.wantMsg("pu-msg", "ok", "new@sakura.example に招待メールを送りました")
	c.waitFor("the invited user", fmt.Sprintf(`(document.querySelector(%q)||{}).textContent.indexOf('招待中') >= 0`, row("new@sakura.example")))
	c.click(row("new@sakura.example") + " button")
	c.wantMsg("pu-msg", "ok", "new@sakura.example を停止しました")
	c.waitFor("the locked user", fmt.Sprintf(`(document.querySelector(%q)||{}).textContent.indexOf('停止中') >= 0`, row("new@sakura.example")))
	c.shot("portal-users")
	c.click(row("new@sakura.example") + " button")
	c.wantMsg("pu-msg", "ok", "停止を解除しました")

	c.eval(`window.confirm = function () { return true }; 'ok'`)
	c.click(row("owner@sakura.example") + " button:nth-of-type(2)")
	c.wantMsg("pu-msg", "ok", "owner@sakura.example の2段階認証をリセットしました")
	if u, err := site.db.FindPortalUserByEmail(ctx, "owner@sakura.example"); err != nil || u.TOTPOn {
		t.Errorf("the owner after the reset: %+v %v", u, err)
	}
	if u, err := site.db.FindPortalUserByEmail(ctx, "new@sakura.example"); err != nil || !u.Active || u.Role != soko.PortalStaff {
		t.Errorf("the invited user: %+v %v", u, err)
	}
	c.checkClean()

	sup := console{mustBrowser(t, srv.URL+"/console", screen{1366, 768, false})}
	sup.signIn("V001", "5555")
	sup.expect("ok", "伊藤")
	if sup.visible(`nav a[href="#portalusers"]`) {
		t.Error("a supervisor has a link to portal users")
	}
}

// TestPortalStatements_InBrowser drives the portal's 請求明細 at 1366×768
// as HANAYA's read-only user: the months list October, still open; the
// month opens with its lines and totals, and the PDF the link downloads reads
// back (pdftotext) with the same totals the test works out from the rate
// card: two orders at ¥150, two 60 boxes at ¥80 and one 80 box at ¥120 is
// ¥580, ¥58 of tax, ¥638 in all.
func TestPortalStatements_InBrowser(t *testing.T) {
	pdftotext := mustTool(t, "pdftotext")
	site := mustAdminSite(t)
	ctx := context.Background()
	bm := storagetest.MustBillingMonth(t, site.db)
	admin := signIn(t, site.h, "A001", pinAdmin)
	card := map[string]any{"from": "2026-10", "tax_rate": 10, "rounding": "down", "storage_periods": 3, "pick_order": 150, "boxes": map[string]any{"60": 80, "80": 120}}
	if r := admin.op("PUT", fmt.Sprintf("/ops/admin/merchants/%d/rate-card", bm.MerchantID), card, admin.csrf); r.Status != 200 {
		t.Fatalf("rate card: %d %s", r.Status, r.Raw)
	}
	hash, err := password.Hash(portalPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.db.CreatePortalUser(ctx, &soko.PortalUser{MerchantID: bm.MerchantID, Email: "books@hanaya.example", Role: soko.PortalReadOnly, PasswordHash: hash}, false); err != nil {
		t.Fatal(err)
	}
	const subtotal, tax, total = 2*150 + 2*80 + 120, 58, 638

	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	b := mustBrowser(t, srv.URL+"/portal", screen{1366, 768, false})
	b.waitFor("the sign-in form", `!document.getElementById('v-signin').hidden`)
	b.do(chromedp.SetValue(chromedp.CSS("#signin [name=email]"), "books@hanaya.example"), chromedp.SetValue(chromedp.CSS("#signin [name=password]"), portalPassword))
	b.click("#signin button[type=submit]")
	b.waitFor("the portal", `!document.getElementById('app').hidden`)
	b.click(`nav a[href="#statements"]`)
	b.waitFor("October in the months", `!!document.querySelector('#st-months tr[data-month="2026-10"]')`)
	// An open month's totals are a draft, shown when it is opened.
	if got := b.text(`#st-months tr[data-month="2026-10"]`); !strings.Contains(got, "締め前") {
		t.Errorf("October's row: %q", got)
	}
	b.shot("statements")
	b.click(`#st-months a[href="#statement/2026-10"]`)
	b.waitFor("October's statement", `(document.getElementById('st-total')||{textContent:''}).textContent.indexOf('¥638') >= 0`)
	if lines := b.text("#st-lines tbody"); !strings.Contains(lines, "出荷作業料（基本）") || !strings.Contains(lines, "梱包資材（80）") {
		t.Errorf("October's lines: %q", lines)
	}
	if sums := b.text("#st-summary"); !strings.Contains(sums, "¥580") || !strings.Contains(sums, "¥58") {
		t.Errorf("October's sums: %q", sums)
	}
	if !strings.Contains(b.text("#st-title"), "2026-10") {
		t.Errorf("title %q", b.text("#st-title"))
	}
	b.shot("statement")
	b.noWiderThan(1366)

	raw := console{b}.download("#st-pdf", "seikyu-HANAYA-2026-10.pdf")
	if !strings.HasPrefix(string(raw), "%PDF") {
		t.Fatalf("the download is no PDF: %.40q", raw)
	}
	path := t.TempDir() + "/statement.pdf"
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(mustRun(t, pdftotext, "-layout", "-enc", "UTF-8", path, "-")), "")
	yen := func(n int64) string { return "¥" + soko.GroupDigits(n) }
	for _, want := range []string{"請求明細書", "2026年10月分", "花屋様", "小計（税抜）" + yen(subtotal), "消費税（10%）" + yen(tax), "合計（税込）" + yen(total)} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, flat)
		}
	}

	// Once the warehouse closes the month, the list shows its totals.
	if r := admin.op("POST", fmt.Sprintf("/ops/admin/merchants/%d/statements/2026-10/close", bm.MerchantID), nil, admin.csrf); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Raw)
	}
	b.click(`nav a[href="#statements"]`)
	b.waitFor("October closed with its totals", `(document.querySelector('#st-months tr[data-month="2026-10"]')||{textContent:''}).textContent.indexOf('¥638') >= 0`)
	if got := b.text(`#st-months tr[data-month="2026-10"]`); !strings.Contains(got, "確定") || !strings.Contains(got, "¥580") || !strings.Contains(got, "¥58") {
		t.Errorf("closed October's row: %q", got)
	}
	b.checkClean()
}
