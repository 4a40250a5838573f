package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/soko"
)

// TestAdmin_MerchantStaffAndKeyInBrowser drives /console as an admin in
// headless Chromium: adds a merchant and, after a postal code outside the
// prefecture is refused beside its field, saves its sender; adds a picker
// whose PIN soko makes and shows once; makes an API key, which is shown
// once, works against /api/v1 and is gone after a reload. The new picker
// then signs in on the handheld with the PIN the console showed.
func TestAdmin_MerchantStaffAndKeyInBrowser(t *testing.T) {
	site := mustAdminSite(t)
	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console#merchants", screen{1366, 768, false})}

	c.signIn("A001", pinAdmin)
	c.expect("ok", "高橋 管理")
	c.waitFor("the merchants", `!document.getElementById('merchants').hidden && document.querySelector('#adm-merchant-table tr[data-code="SAKURA"]')`)
	if !c.visible(`nav a[href="#apikeys"]`) || !c.visible("#adm-merchant-form") {
		t.Fatal("an admin does not see the API keys link or the merchant form")
	}

	// 荷主: add, then the sender block, checked as an order's address is.
	c.fill("#adm-merchant-code", "kaede", "#adm-merchant-name", "かえで書房")
	c.click("#adm-merchant-form button[type=submit]")
	c.wantMsg("adm-merchant-msg", "ok", "荷主 KAEDE を登録しました")
	c.waitFor("the new merchant's edit form", `!document.getElementById('adm-merchant-edit').hidden && document.activeElement.id === 'adm-me-name'`)
	c.fill("#adm-me-postal", "100-0005", "#adm-me-prefecture", "北海道", "#adm-me-city", "札幌市中央区",
		"#adm-me-street", "北1条西2-1", "#adm-me-sender-name", "かえで書房", "#adm-me-phone", "011-222-3333",
		"#adm-me-slip", "いつもありがとうございます。")
	c.click("#adm-me-partial")
	c.click("#adm-merchant-edit button[type=submit]")
	c.wantMsg("adm-me-msg", "error", "ご依頼主の住所に誤りがあります")
	c.waitFor("the postal code marked", `document.getElementById('adm-me-postal').getAttribute('aria-invalid') === 'true' && document.activeElement.id === 'adm-me-postal'`)
	if note := c.text("#adm-merchant-edit .field-error"); !strings.Contains(note, "郵便番号") {
		t.Errorf("the postal code's note says %q", note)
	}
	c.shot("admin-merchant-refused")
	c.fill("#adm-me-postal", "060-0001")
	c.click("#adm-merchant-edit button[type=submit]")
	c.wantMsg("adm-merchant-msg", "ok", "荷主 KAEDE を保存しました")
	c.waitFor("the saved sender listed", `(document.querySelector('#adm-merchant-table tr[data-code="KAEDE"]')||{}).textContent.indexOf('〒060-0001') >= 0`)
	m, err := site.db.FindMerchantByCode(context.Background(), "KAEDE")
	if err != nil || m.Sender.PostalCode != "0600001" || m.Sender.Prefecture != "北海道" || !m.AllowPartial || m.SlipMessage != "いつもありがとうございます。" {
		t.Fatalf("KAEDE in the database: %+v (%v)", m, err)
	}

	// スタッフ: no PIN typed, so soko makes one and shows it once.
	c.click(`nav a[href="#staff"]`)
	c.waitFor("the staff", `!document.getElementById('staff').hidden && document.querySelector('#adm-staff-table tr[data-badge="A001"]')`)
	c.fill("#adm-staff-badge", "k020", "#adm-staff-name", "中村 結衣", "#adm-staff-role", "picker")
	c.click("#adm-staff-form button[type=submit]")
	c.wantMsg("adm-staff-msg", "ok", "中村 結衣（K020）を登録しました")
	c.waitFor("the new member listed", `document.querySelector('#adm-staff-table tr[data-badge="K020"]')`)
	pin := c.text("#adm-staff-secret strong")
	if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(pin) || !c.visible("#adm-staff-secret") {
		t.Fatalf("the new PIN shows %q", pin)
	}
	if row := c.text(`#adm-staff-table tr[data-badge="K020"]`); !strings.Contains(row, "中村 結衣") || strings.Contains(row, pin) {
		t.Errorf("the new member's row: %q", row)
	}
	c.shot("admin-staff")

	// APIキー: shown once, works, and is gone after a reload.
	c.do(chromedp.Evaluate[chromedp.Void](`location.hash = '#apikeys/KAEDE'`))
	c.waitFor("KAEDE's keys", `!document.getElementById('apikeys').hidden && document.getElementById('adm-key-merchant').selectedOptions[0].dataset.code === 'KAEDE' && !document.getElementById('adm-no-keys').hidden`)
	c.fill("#adm-key-name", "Shopify")
	c.click("#adm-key-form button[type=submit]")
	c.wantMsg("adm-key-msg", "ok", "かえで書房 のAPIキー soko_")
	secret := c.text("#adm-key-secret strong")
	if !strings.HasPrefix(secret, "soko_") || !c.visible("#adm-key-secret") {
		t.Fatalf("the new key shows %q", secret)
	}
	prefix := soko.APIKeyPrefix(secret)
	c.waitFor("the key listed by its prefix", `document.querySelector('#adm-key-table tr[data-prefix="`+prefix+`"]')`)
	c.shot("admin-apikey")
	if r := (client{t, site.h, secret}).do("GET", "/api/v1/products", nil); r.Status != 200 {
		t.Errorf("the shown key does not open the API: %d %s", r.Status, r.Raw)
	}
	// A fresh load of the page (a new URL, so not a same-document hash
	// change); the old page is marked, so the wait below sees the new one.
	c.eval(`window.beforeReload = true, "marked"`)
	c.do(chromedp.Navigate(srv.URL + "/console?again=1#apikeys/KAEDE"))
	c.waitFor("the keys after a reload", `!window.beforeReload && !document.getElementById('apikeys').hidden && document.querySelector('#adm-key-table tr[data-prefix="`+prefix+`"]')`)
	if c.visible("#adm-key-secret") || strings.Contains(c.eval(`document.documentElement.outerHTML`), secret) {
		t.Error("the key's secret is still on the page after a reload")
	}
	if row := c.text(`#adm-key-table tr[data-prefix="` + prefix + `"]`); !strings.Contains(row, "Shopify") || !strings.Contains(row, "未使用") && !strings.Contains(row, "2026") {
		t.Errorf("the key's row: %q", row)
	}

	// A second key for the shop system: orders only, until a day.
	c.click(`#adm-key-scopes input[value="orders"]`)
	c.do(chromedp.SetValue("#adm-key-expires", "2099-03-31"))
	c.fill("#adm-key-name", "受注連携")
	c.click("#adm-key-form button[type=submit]")
	c.wantMsg("adm-key-msg", "ok", "かえで書房 のAPIキー soko_")
	scoped := c.text("#adm-key-secret strong")
	c.waitFor("the scoped key listed", `document.querySelector('#adm-key-table tr[data-prefix="`+soko.APIKeyPrefix(scoped)+`"]')`)
	if row := c.text(`#adm-key-table tr[data-prefix="` + soko.APIKeyPrefix(scoped) + `"]`); !strings.Contains(row, "orders") || !strings.Contains(row, "2099") {
		t.Errorf("the scoped key's row: %q", row)
	}
	if r := (client{t, site.h, scoped}).do("GET", "/api/v1/products", nil); r.Status != 403 {
		t.Errorf("an orders-only key read the products: %d %s", r.Status, r.Raw)
	}
	if r := (client{t, site.h, scoped}).do("GET", "/api/v1/orders", nil); r.Status != 200 {
		t.Errorf("an orders-only key cannot read orders: %d %s", r.Status, r.Raw)
	}
	c.checkClean()

	// The new picker signs in on the handheld with the PIN the console showed.
	hh := mustHandheld(t, srv.URL+"/hh")
	hh.waitFor("the sign-in view", `document.getElementById('prompt').textContent === 'バッジをスキャンしてください'`)
	hh.scan("K020")
	hh.waitFor("the PIN field to take focus", `document.activeElement.id === 'pin'`)
	hh.do(chromedp.KeyEvent(pin + "\r"))
	hh.expect("ok", "中村 結衣")
	hh.checkClean()
}

// TestAdmin_SupervisorSeesNoFormsInBrowser: a supervisor reads the staff
// list but gets no forms, no API key or webhook links, and the key panel
// says why when reached by its URL.
func TestAdmin_SupervisorSeesNoFormsInBrowser(t *testing.T) {
	site := mustAdminSite(t)
	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	c := console{mustBrowser(t, srv.URL+"/console#staff", screen{1366, 768, false})}
	c.signIn("V001", "5555")
	c.expect("ok", "伊藤")
	c.waitFor("the staff", `document.querySelector('#adm-staff-table tr[data-badge="P001"]')`)
	if c.visible("#adm-staff-form") || c.visible(`nav a[href="#apikeys"]`) || c.visible(`nav a[href="#webhooks"]`) || !c.visible("#staff .adm-readonly") {
		t.Error("a supervisor is offered what only admins may do")
	}
	if n := c.eval(`String(document.querySelectorAll('#adm-staff-table button').length)`); n != "0" {
		t.Errorf("%s buttons in a supervisor's staff list", n)
	}
	c.do(chromedp.Evaluate[chromedp.Void](`location.hash = '#apikeys'`))
	c.waitFor("the key panel's refusal", `!document.getElementById('apikeys').hidden && !document.querySelector('#apikeys .adm-denied').hidden`)
	if c.visible("#adm-key-form") {
		t.Error("a supervisor sees the key form")
	}
	c.checkClean()
}

// TestAdmin_BoxesLocationsWebhookInBrowser: an admin adds a thin box for
// ネコポス and corrects a carton; adds a shelf and moves it in the walk,
// with the zone's label sheet linked; and sets a merchant's webhook — a
// loopback URL refused beside its field, a public one saved with its
// secret shown once — then turns it off.
func TestAdmin_BoxesLocationsWebhookInBrowser(t *testing.T) {
	site := mustAdminSite(t)
	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c := console{mustBrowser(t, srv.URL+"/console#boxes", screen{1366, 768, false})}
	c.signIn("A001", pinAdmin)
	c.expect("ok", "高橋 管理")

	// 箱
	c.waitFor("the boxes", `document.querySelector('#adm-box-table tr[data-code="BOX60"]') && document.querySelector('#adm-box-service option[value="nekopos"]')`)
	c.fill("#adm-box-code", "np", "#adm-box-name", "ネコポス薄型", "#adm-box-length", "310", "#adm-box-width", "225", "#adm-box-height", "25",
		"#adm-box-max", "1000", "#adm-box-tare", "30", "#adm-box-service", "nekopos")
	c.click("#adm-box-submit")
	c.wantMsg("adm-box-msg", "error", "箱の内容に誤りがあります")
	c.waitFor("the thin box marked", `document.getElementById('adm-box-thin').getAttribute('aria-invalid') === 'true'`)
	c.click("#adm-box-thin")
	c.click("#adm-box-submit")
	c.wantMsg("adm-box-msg", "ok", "箱 NP を登録しました")
	c.waitFor("the thin box listed", `(document.querySelector('#adm-box-table tr[data-code="NP"]')||{}).textContent.indexOf('ネコポス') >= 0`)
	c.click(`#adm-box-table tr[data-code="BOX60"] button`)
	c.waitFor("BOX60 in the form", `document.getElementById('adm-box-code').disabled && document.getElementById('adm-box-length').value === '250'`)
	c.fill("#adm-box-height", "120", "#adm-box-max", "2500")
	c.click("#adm-box-submit")
	c.wantMsg("adm-box-msg", "ok", "箱 BOX60 を保存しました")
	boxes, err := site.db.BoxTypes(ctx)
	if err != nil || len(boxes) != 2 || boxes[0].Code != "NP" || !boxes[0].Thin || boxes[0].Service != "nekopos" || boxes[1].InnerHeightMM != 120 || boxes[1].MaxWeightGrams != 2500 {
		t.Fatalf("boxes in the database: %+v (%v)", boxes, err)
	}
	c.shot("admin-boxes")

	// ロケーション
	c.click(`nav a[href="#locations"]`)
	c.waitFor("zone A", `document.getElementById('adm-loc-zone').value === 'A' && document.querySelectorAll('#adm-loc-table tbody tr').length === 2`)
	if href := c.eval(`document.getElementById('adm-loc-labels').getAttribute('href')`); href != "/ops/location-labels.pdf?zone=A" {
		t.Errorf("the labels link goes to %q", href)
	}
	c.fill("#adm-loc-code", "a-01-03-1", "#adm-loc-newzone", "a", "#adm-loc-walk", "25")
	c.click("#adm-loc-form button[type=submit]")
	c.wantMsg("adm-loc-msg", "ok", "ロケーション A-01-03-1 を登録しました")
	c.waitFor("three in walk order", `Array.from(document.querySelectorAll('#adm-loc-table tbody tr')).map(function(r){return r.dataset.code}).join() === 'A-01-01-1,A-01-02-1,A-01-03-1'`)
	c.do(chromedp.SetValue(chromedp.CSS(`#adm-loc-table tr[data-code="A-01-01-1"] input`), ""),
		chromedp.SendKeys(chromedp.CSS(`#adm-loc-table tr[data-code="A-01-01-1"] input`), "30\r"))
	c.wantMsg("adm-loc-msg", "ok", "A-01-01-1 の順路を 30 にしました")
	c.waitFor("the new walk order", `Array.from(document.querySelectorAll('#adm-loc-table tbody tr')).map(function(r){return r.dataset.code}).join() === 'A-01-02-1,A-01-03-1,A-01-01-1'`)
	c.shot("admin-locations")

	// Webhook
	c.do(chromedp.Evaluate[chromedp.Void](`location.hash = '#webhooks/SAKURA'`))
	c.waitFor("SAKURA's endpoint, none yet", `!document.getElementById('webhooks').hidden && !document.getElementById('adm-no-hook').hidden && document.querySelectorAll('#adm-hook-choices input').length > 0`)
	c.fill("#adm-hook-url-input", "https://127.0.0.1/hook")
	c.click("#adm-hook-form button[type=submit]")
	c.wantMsg("adm-hook-msg", "error", "このWebhook URLは使えません")
	c.waitFor("the URL marked", `document.getElementById('adm-hook-url-input').getAttribute('aria-invalid') === 'true'`)
	c.fill("#adm-hook-url-input", "https://203.0.113.10/soko")
	c.click(`#adm-hook-choices input[value="order.shipped"]`)
	c.click("#adm-hook-form button[type=submit]")
	c.wantMsg("adm-hook-msg", "ok", "さくら雑貨店 のWebhookを保存しました")
	secret := c.text("#adm-hook-secret strong")
	if !strings.HasPrefix(secret, "whsec_") || c.text("#adm-hook-events") != "order.shipped" || c.text("#adm-hook-state") != "送信中" {
		t.Fatalf("after saving: secret %q, events %q, state %q", secret, c.text("#adm-hook-events"), c.text("#adm-hook-state"))
	}
	c.shot("admin-webhook")
	c.click("#adm-hook-toggle")
	c.waitFor("the endpoint off", `document.getElementById('adm-hook-state').textContent === '停止中'`)
	if c.visible("#adm-hook-secret") {
		t.Error("the secret is shown again after turning the endpoint off")
	}
	ep, err := site.db.FindWebhookEndpoint(ctx, site.seed.Merchants[0].ID)
	if err != nil || ep.Active || ep.URL != "https://203.0.113.10/soko" || ep.Secret != secret || len(ep.EventTypes) != 1 {
		t.Fatalf("the endpoint in the database: %+v (%v)", ep, err)
	}
	c.checkClean()
}

// TestAdmin_CarrierAccountsInBrowser: an admin sets the warehouse's
// Yamato contract — a short code refused beside its field, then digits
// typed with hyphens saved as digits — gives SAKURA a contract of its own,
// turns on Sagawa's six slots, and removes SAKURA's contract with a second
// press. A supervisor sees only that the section is for admins.
func TestAdmin_CarrierAccountsInBrowser(t *testing.T) {
	site := mustAdminSite(t)
	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c := console{mustBrowser(t, srv.URL+"/console#carriers", screen{1366, 768, false})}
	c.signIn("A001", pinAdmin)
	c.expect("ok", "高橋 管理")

	c.waitFor("the carriers", `!document.getElementById('carriers').hidden && document.querySelector('#adm-ca-carrier option[value="yamato"]') && !document.getElementById('adm-no-accounts').hidden`)
	c.fill("#adm-ca-carrier", "yamato")
	c.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('adm-ca-carrier').dispatchEvent(new Event('change'))`))
	c.waitFor("Yamato's fields", `document.getElementById('adm-ca-billing_code')`)
	c.fill("#adm-ca-billing_code", "03-1234", "#adm-ca-freight_number", "01")
	c.click("#adm-ca-form button[type=submit]")
	c.wantMsg("adm-ca-msg", "error", "配送業者契約の内容に誤りがあります")
	c.waitFor("the code marked", `document.getElementById('adm-ca-billing_code').getAttribute('aria-invalid') === 'true'`)
	c.fill("#adm-ca-billing_code", "03-1234-5678")
	c.click("#adm-ca-form button[type=submit]")
	c.wantMsg("adm-ca-msg", "ok", "ヤマト運輸（倉庫全体（自社契約のない荷主すべて））の契約を保存しました")
	c.waitFor("the warehouse's contract listed", `(document.querySelector('#adm-ca-table tr[data-carrier="yamato"][data-merchant=""]')||{}).textContent.indexOf('0312345678') >= 0`)

	sakura := site.seed.Merchants[0]
	c.fill("#adm-ca-merchant", fmt.Sprint(sakura.ID))
	c.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('adm-ca-merchant').dispatchEvent(new Event('change'))`))
	c.waitFor("an empty form for SAKURA", `document.getElementById('adm-ca-billing_code').value === ''`)
	c.fill("#adm-ca-billing_code", "０６９８７６５４３２", "#adm-ca-freight_number", "02")
	c.click("#adm-ca-form button[type=submit]")
	c.wantMsg("adm-ca-msg", "ok", "ヤマト運輸（さくら雑貨店）の契約を保存しました")

	c.fill("#adm-ca-carrier", "sagawa")
	c.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('adm-ca-carrier').dispatchEvent(new Event('change'))`))
	c.waitFor("Sagawa's option", `document.getElementById('adm-ca-six_slots') && document.getElementById('adm-ca-six_slots').type === 'checkbox'`)
	c.fill("#adm-ca-merchant", "")
	c.click("#adm-ca-six_slots")
	c.click("#adm-ca-form button[type=submit]")
	c.wantMsg("adm-ca-msg", "ok", "佐川急便（倉庫全体（自社契約のない荷主すべて））の契約を保存しました")
	c.waitFor("three contracts", `document.querySelectorAll('#adm-ca-table tbody tr').length === 3`)
	c.shot("admin-carrier-accounts")

	remove := fmt.Sprintf(`#adm-ca-table tr[data-carrier="yamato"][data-merchant="%d"] button:last-child`, sakura.ID)
	c.click(remove)
	c.wantMsg("adm-ca-msg", "warn", "もう一度押すと削除します")
	c.click(remove)
	c.wantMsg("adm-ca-msg", "ok", "ヤマト運輸（さくら雑貨店）の契約を削除しました")
	c.waitFor("two contracts", `document.querySelectorAll('#adm-ca-table tbody tr').length === 2`)

	accounts, err := site.db.CarrierAccounts(ctx)
	if err != nil || len(accounts) != 2 {
		t.Fatalf("contracts in the database: %+v (%v)", accounts, err)
	}
	if y := soko.AccountFor(accounts, "yamato", sakura.ID); y == nil || y.MerchantID != 0 || y.BillingCode != "0312345678" || y.FreightNumber != "01" {
		t.Errorf("SAKURA ships Yamato on %+v, want the warehouse's", y)
	}
	if s := soko.AccountFor(accounts, "sagawa", 0); s == nil || !s.SixSlots {
		t.Errorf("Sagawa: %+v, want six slots", s)
	}
	c.checkClean()

	sup := console{mustBrowser(t, srv.URL+"/console#carriers", screen{1366, 768, false})}
	sup.signIn("V001", "5555")
	sup.waitFor("the refusal", `!document.getElementById('carriers').hidden && !document.querySelector('#carriers .adm-denied').hidden`)
	if sup.visible("#adm-ca-form") || sup.visible(`nav a[href="#carriers"]`) {
		t.Error("a supervisor sees the carrier contracts")
	}
	sup.checkClean()
}

// TestAdmin_MerchantHoldSettingsInBrowser edits, in the console, after how
// many days a merchant's holds (入金待ち) are old and whether their stock is
// then freed: the merchant API's hold settings, from the merchant's form.
func TestAdmin_MerchantHoldSettingsInBrowser(t *testing.T) {
	site := mustAdminSite(t)
	srv := httptest.NewServer(site.h)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	if _, err := site.db.SetHoldSettings(ctx, site.seed.Merchants[0].ID, 7, false); err != nil {
		t.Fatal(err)
	}
	c := console{mustBrowser(t, srv.URL+"/console#merchants", screen{1366, 768, false})}
	c.signIn("A001", pinAdmin)
	c.waitFor("the merchants", `!document.getElementById('merchants').hidden && document.querySelector('#adm-merchant-table tr[data-code="SAKURA"] button')`)
	c.click(`#adm-merchant-table tr[data-code="SAKURA"] button`)
	c.waitFor("SAKURA's hold settings", `!document.getElementById('adm-merchant-edit').hidden && document.getElementById('adm-me-hold-days').value === '7' && !document.getElementById('adm-me-hold-free').checked`)
	if label := c.text(`#adm-merchant-edit fieldset:last-of-type`); !strings.Contains(label, "保留の警告日数") || !strings.Contains(label, "引当在庫を自動で解放") {
		t.Errorf("the hold settings read %q", label)
	}
	c.fill("#adm-me-hold-days", "400")
	c.click("#adm-merchant-edit button[type=submit]")
	c.waitFor("400 days refused beside the field", `document.getElementById('adm-me-hold-days').getAttribute('aria-invalid') === 'true'`)
	if note := c.text("#adm-merchant-edit .field-error"); !strings.Contains(note, "0〜365") {
		t.Errorf("the days' note says %q", note)
	}
	c.fill("#adm-me-hold-days", "14")
	c.click("#adm-me-hold-free")
	c.click("#adm-merchant-edit button[type=submit]")
	c.wantMsg("adm-merchant-msg", "ok", "荷主 SAKURA を保存しました")
	m, err := site.db.FindMerchantByCode(ctx, "SAKURA")
	if err != nil || m.HoldAlertDays != 14 || !m.HoldAutoFree {
		t.Fatalf("SAKURA's hold settings in the database: %d days, auto free %v (%v)", m.HoldAlertDays, m.HoldAutoFree, err)
	}
	c.shot("admin-merchant-holds")
}
