package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// The dock's staff.
const (
	badgeShipper   = "L200"
	pinShipper     = "1357"
	nameShipper    = "小林 蓮"
	badgeDockBoss  = "V200"
	nameDockBoss   = "伊藤 陽菜"
	dockPickupDate = "2026-11-23" // storagetest.Fixed's day in Japan
)

// dockSite is soko over real HTTP with five orders labelled and waiting at
// the dock: D-1, D-2 and D-3 one Yamato parcel each, D-4 two Yamato
// parcels, D-5 one Sagawa parcel.
type dockSite struct {
	URL    string
	db     *storage.DB
	orders map[string]int64 // order ids by number
	// tracking are the orders' tracking numbers, parcel by parcel.
	tracking map[string][]string
}

// mustDockSite serves soko on a fresh SQLite database holding a shipper, a
// supervisor and the five packed orders, labelled from tracking-number
// ranges as the station would.
func mustDockSite(t *testing.T) *dockSite {
	t.Helper()
	ctx := context.Background()
	db := storagetest.MustOpenSQLite(t)
	order := func(no, carrierCode, service, prefecture string) soko.SeedOrder {
		return soko.SeedOrder{MerchantCode: "SHOP", Order: soko.Order{
			Number: no, Status: soko.OrderPacked, Carrier: carrierCode, Service: service,
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: prefecture, City: "千代田区", Street: "丸の内1-1",
				Name: "山田 花子", Phone: "03-3211-4821"},
			Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1320, TaxRate: 10}},
		}}
	}
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SHOP", Name: "テスト商店"}},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: badgeShipper, Name: nameShipper, Role: soko.RoleShipper, Active: true}, PIN: pinShipper},
			{Staff: soko.Staff{BadgeCode: badgeDockBoss, Name: nameDockBoss, Role: soko.RoleSupervisor, Active: true}, PIN: pinSupervisor},
		},
		Products: []soko.SeedProduct{{MerchantCode: "SHOP", Product: soko.Product{SKU: "TOWEL", Name: "今治フェイスタオル", Price: 1320, TaxRate: 10,
			Barcodes: []soko.ProductBarcode{{Code: janTowel, PackQuantity: 1}}}}},
		Orders: []soko.SeedOrder{
			order("D-1", "yamato", "takkyubin", "東京都"),
			order("D-2", "yamato", "takkyubin", "大阪府"),
			order("D-3", "yamato", "takkyubin", "北海道"),
			order("D-4", "yamato", "takkyubin", "福岡県"),
			order("D-5", "sagawa", "hikyaku", "沖縄県"),
		},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	site := &dockSite{db: db, orders: map[string]int64{}, tracking: map[string][]string{}}
	for _, o := range seed.Orders {
		site.orders[o.Number] = o.ID
		parcels := 1
		if o.Number == "D-4" {
			parcels = 2
		}
		for seq := 1; seq <= parcels; seq++ {
			if err := db.Exec(ctx, fmt.Sprintf(`INSERT INTO parcels (order_id, seq, box_type, weight_grams, carrier, service) VALUES (%d, %d, 'BOX60', 500, '%s', '%s')`,
				o.ID, seq, o.Carrier, o.Service)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, r := range []soko.TrackingRange{
		{Carrier: "yamato", First: 30_000_000_000, Last: 30_000_000_999},
		{Carrier: "sagawa", First: 50_000_000_000, Last: 50_000_000_999},
	} {
		if err := db.CreateTrackingRange(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range seed.Orders {
		res, err := db.Label(ctx, o.ID, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Parcels {
			site.tracking[o.Number] = append(site.tracking[o.Number], p.TrackingNumber)
		}
	}
	srv := httptest.NewServer(New(Config{
		Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test", WarehouseName: "東京第一倉庫",
		Now: func() time.Time { return storagetest.Fixed },
	}))
	t.Cleanup(srv.Close)
	site.URL = srv.URL
	return site
}

// dockHandheld is the handheld showing /hh/dock.
type dockHandheld struct{ *handheld }

// wantTally waits for the loading view to count loaded of expected parcels
// and to list the missing parcels' tracking numbers, as printed (4-4-4).
func (d dockHandheld) wantTally(loaded, expected int, missing ...string) {
	d.t.Helper()
	printed := make([]string, len(missing))
	for i, n := range missing {
		printed[i] = grouped(n)
	}
	d.waitFor(fmt.Sprintf("%d/%d loaded, %v missing", loaded, expected, printed), fmt.Sprintf(`(function(){
		function x(id){return document.getElementById(id).textContent}
		var rows=Array.from(document.querySelectorAll('#ld-missing tr')).map(function(r){return r.cells[0].textContent}).join(' ');
		return x('ld-loaded')===%q && x('ld-expected')===%q && x('ld-missing-n')===%q && rows===%q})()`,
		strconv.Itoa(loaded), strconv.Itoa(expected), fmt.Sprintf("%d個", len(missing)), strings.Join(printed, " ")))
}

// fetchLink fetches what the link at selector points to with the page's own
// session, as the browser opens it, and returns its status, type and body.
func (d dockHandheld) fetchLink(selector string) (status int, contentType string, body []byte) {
	d.t.Helper()
	raw, err := chromedp.Run(d.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(async function(){
		var r=await fetch(document.querySelector(%q).href,{credentials:'same-origin'}), b=await r.blob();
		var url=await new Promise(function(ok){var f=new FileReader();f.onload=function(){ok(f.result)};f.readAsDataURL(b)});
		return JSON.stringify({status:r.status,type:r.headers.get('Content-Type')||'',body:url.slice(url.indexOf(',')+1)})})()`, selector), chromedp.EvalAwaitPromise))
	if err != nil {
		d.t.Fatalf("fetch %s: %v", selector, err)
	}
	var got struct {
		Status int
		Type   string
		Body   string
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		d.t.Fatal(err)
	}
	if body, err = base64.StdEncoding.DecodeString(got.Body); err != nil {
		d.t.Fatal(err)
	}
	return got.Status, got.Type, body
}

// grouped prints a 12-digit tracking number 4-4-4, as the dock and the
// handover list do.
func grouped(n string) string { return n[:4] + "-" + n[4:8] + "-" + n[8:] }

// TestDock_HandoverInBrowser runs a Yamato pickup on /hh/dock in headless
// Chromium on a phone's screen, as a shipper with a keyboard-wedge scanner:
// sign-in on /hh and the 集荷 menu, a pickup opened for the day, parcels
// scanned as NW-7 with and without start/stop characters while the tally
// and the missing list follow, a Sagawa parcel and a parcel scanned twice
// refused, and the pickup closed with one parcel of a two-parcel order
// left behind, once a supervisor's badge and PIN confirm it (a wrong PIN
// first). It checks the orders and the manifest in the database, then the
// handover list the closed view links to: its text, and that each
// handed-over parcel's NW-7 barcode reads as its tracking number.
func TestDock_HandoverInBrowser(t *testing.T) {
	pdftotext, pdftoppm := mustTool(t, "pdftotext"), mustTool(t, "pdftoppm")
	site := mustDockSite(t)
	ctx := context.Background()
	d1, d2, d3, d5 := site.tracking["D-1"][0], site.tracking["D-2"][0], site.tracking["D-3"][0], site.tracking["D-5"][0]
	d4, d4b := site.tracking["D-4"][0], site.tracking["D-4"][1]
	h := dockHandheld{mustHandheld(t, site.URL+"/hh")}

	h.waitFor("the sign-in view", `document.getElementById('prompt').textContent === 'バッジをスキャンしてください'`)
	h.scan(badgeShipper)
	h.waitFor("the PIN field to take focus", `document.activeElement.id === 'pin'`)
	h.do(chromedp.KeyEvent(pinShipper + "\r"))
	h.expect("ok", nameShipper)
	if !h.visible("#m-handover") || !strings.Contains(h.text("#m-handover"), "集荷") {
		t.Fatalf("a shipper's menu shows no 集荷 (%q)", h.text("#m-handover"))
	}
	h.click("#m-handover")
	h.waitFor("the dock's pickups", `location.pathname === '/hh/dock' && !document.getElementById('v-choose').hidden && !document.getElementById('no-manifests').hidden`)
	if got := h.text("#who"); got != nameShipper {
		t.Errorf("the dock shows %q signed in, want %s", got, nameShipper)
	}

	// A Yamato pickup for the day expects the five Yamato parcels, not the Sagawa one.
	h.do(chromedp.SetValue(chromedp.CSS("#pickup-date"), dockPickupDate))
	if v := h.eval(`document.getElementById('carrier').value`); v != "yamato" {
		t.Fatalf("carrier %q chosen, want yamato", v)
	}
	h.click(`#open button[type=submit]`)
	h.expect("ok", "ヤマト運輸の集荷を始めました")
	h.waitFor("the loading view", `!document.getElementById('v-load').hidden`)
	h.wantTally(0, 5, d1, d2, d3, d4, d4b)
	if got := h.text("#ld-title"); !strings.HasPrefix(got, "ヤマト運輸 "+dockPickupDate) {
		t.Errorf("loading view titled %q", got)
	}
	h.waitFor("the scan input to have focus", `document.activeElement.id === 'scan'`)

	h.scan("a" + d1 + "a") // NW-7 as scanners send it, start/stop characters and all
	h.expect("ok", "積込 "+d1+"（東京都）1/5")
	h.wantTally(1, 5, d2, d3, d4, d4b)
	h.scan("A" + d2 + "A")
	h.expect("ok", "積込 "+d2+"（大阪府）2/5")
	h.wantTally(2, 5, d3, d4, d4b)
	h.shot("dock-loading")

	h.scan("a" + d5 + "a")
	h.expect("error", "この荷物は佐川急便です")
	h.wantTally(2, 5, d3, d4, d4b)
	h.shot("dock-wrong-carrier")

	h.scan(d3)
	h.expect("ok", "積込 "+d3+"（北海道）3/5")
	h.scan("a" + d1 + "a") // the same parcel again: a new scan, not a retry
	h.expect("error", "スキャン済みです（"+d1+"）")
	h.wantTally(3, 5, d4, d4b)
	h.scan("d" + d4 + "d")
	h.expect("ok", "積込 "+d4+"（福岡県）4/5")
	h.wantTally(4, 5, d4b)
	if got := h.eval(`Array.from(document.querySelectorAll('#ld-loaded-list li')).map(function(l){return l.textContent.split(' ')[0]}).join(' ')`); got != strings.Join([]string{grouped(d4), grouped(d3), grouped(d2), grouped(d1)}, " ") {
		t.Errorf("loaded list shows %q, want the four parcels newest first", got)
	}

	// Closing with D-4's second parcel missing takes two presses and a supervisor.
	h.click("#close")
	h.expect("warn", "未スキャンが1個あります")
	h.click("#close")
	h.expect("warn", "スーパーバイザーの確認が必要です")
	h.waitFor("the supervisor's form", `!document.getElementById('confirm').hidden && document.activeElement.id === 'scan'`)
	if got := h.text("#prompt"); got != "スーパーバイザーのバッジをスキャンし、PINを入力してください" {
		t.Errorf("prompt %q at the supervisor's form", got)
	}
	h.shot("dock-supervisor")
	h.scan(badgeDockBoss)
	h.waitFor("the PIN field to take focus", `document.activeElement.id === 'cf-pin' && document.getElementById('cf-badge').value === '`+badgeDockBoss+`'`)
	h.do(chromedp.KeyEvent("0000\r"))
	h.expect("error", "PINが違います")
	if !h.visible("#v-load") || !h.visible("#confirm") {
		t.Fatalf("a wrong supervisor's PIN leaves the loading view and its form (result %q)", h.peek())
	}
	if ms, err := site.db.ListManifests(ctx, soko.ManifestFilter{Status: soko.ManifestClosed}); err != nil || len(ms) != 0 {
		t.Fatalf("closed manifests after a wrong PIN: %v (%v)", ms, err)
	}
	h.waitFor("the PIN field to keep focus", `document.activeElement.id === 'cf-pin' && document.getElementById('cf-pin').value === ''`)
	h.do(chromedp.KeyEvent(pinSupervisor + "\r"))
	h.expect("ok", "集荷を締めました：4個を引き渡し、3件を出荷済みにしました")
	h.waitFor("the closed view", `!document.getElementById('v-closed').hidden`)
	if got := h.text("#cl-summary"); got != "4個を引き渡し、3件を出荷済みにしました（未集荷 1個）" {
		t.Errorf("closed view sums up %q", got)
	}
	if h.visible("#cl-pulled") {
		t.Error("the closed view lists parcels to pull off the truck")
	}
	h.shot("dock-closed")
	h.checkClean()

	// The database: the orders all of whose parcels went are shipped; D-4
	// waits for its second parcel, D-5 for Sagawa.
	for no, want := range map[string]soko.OrderStatus{"D-1": soko.OrderShipped, "D-2": soko.OrderShipped, "D-3": soko.OrderShipped, "D-4": soko.OrderLabeled, "D-5": soko.OrderLabeled} {
		o, err := site.db.OrderByID(ctx, site.orders[no])
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != want {
			t.Errorf("%s is %s, want %s", no, o.Status, want)
		}
	}
	ms, err := site.db.ListManifests(ctx, soko.ManifestFilter{})
	if err != nil || len(ms) != 1 {
		t.Fatalf("manifests %v (%v), want the one pickup", ms, err)
	}
	m, err := site.db.Manifest(ctx, ms[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var loaded, missing []string
	for _, p := range m.Loaded {
		loaded = append(loaded, p.TrackingNumber)
	}
	for _, p := range m.Missing {
		missing = append(missing, p.TrackingNumber)
	}
	if m.Status != soko.ManifestClosed || !slices.Equal(loaded, []string{d1, d2, d3, d4}) || !slices.Equal(missing, []string{d4b}) {
		t.Errorf("manifest %s, loaded %v, missing %v; want closed, %v loaded, %s missing", m.Status, loaded, missing, []string{d1, d2, d3, d4}, d4b)
	}
	if m.ConfirmedByName != nameDockBoss || m.ClosedByName != nameShipper {
		t.Errorf("closed by %q, confirmed by %q; want %s and %s", m.ClosedByName, m.ConfirmedByName, nameShipper, nameDockBoss)
	}

	// The handover list, as the closed view's link opens it.
	if got, want := h.eval(`document.getElementById('cl-print').getAttribute('href')`), fmt.Sprintf("/ops/manifests/%d/handover.pdf", m.ID); got != want {
		t.Errorf("print link %q, want %q", got, want)
	}
	status, typ, body := h.fetchLink("#cl-print")
	if status != 200 || typ != "application/pdf" {
		t.Fatalf("handover list: %d %s: %.200s", status, typ, body)
	}
	path := filepath.Join(h.shots, "handover.pdf")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	text := mustRun(t, pdftotext, "-layout", "-enc", "UTF-8", path, "-")
	for _, want := range []string{
		// pdftotext interleaves the header's facts with the large count
		// beside them: the facts are only looked for.
		fmt.Sprintf(`集荷番号 M%08d`, m.ID), `配送業者\s+ヤマト運輸`, `東京第一倉庫`, nameShipper, `個数[\s\S]*\b4個`,
		`1\s+` + grouped(d1) + `\s+東京都\s+テスト商店\s+D-1\s+1/1\s+宅急便\n`,
		`2\s+` + grouped(d2) + `\s+大阪府\s+テスト商店\s+D-2\s+1/1\s+宅急便\n`,
		`3\s+` + grouped(d3) + `\s+北海道\s+テスト商店\s+D-3\s+1/1\s+宅急便\n`,
		`4\s+` + grouped(d4) + `\s+福岡県\s+テスト商店\s+D-4\s+1/2\s+宅急便\n`,
		`未集荷（確認済み）\s+1個\s+確認者 ` + nameDockBoss,
		`1\s+` + grouped(d4b) + `\s+福岡県\s+テスト商店\s+D-4\s+2/2\s+宅急便`,
		`上記 4 個の荷物を受領しました。`,
	} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("handover list lacks %q:\n%s", want, text)
		}
	}
	if section := strings.Index(text, "未集荷（確認済み）"); strings.Index(text, grouped(d4)) > section || strings.Index(text, grouped(d4b)) < section {
		t.Errorf("the missing parcel is not listed apart, under 未集荷:\n%s", text)
	}
	for _, banned := range []string{grouped(d5), "再発行"} {
		if strings.Contains(text, banned) {
			t.Errorf("handover list shows %q:\n%s", banned, text)
		}
	}

	// Each handed-over parcel's barcode, under its printed number, reads as
	// that number; the missing parcel has none.
	img := mustPage(t, pdftoppm, path)
	at := numbersAt(t, pdftotext, path)
	for _, n := range []string{d1, d2, d3, d4, d4b} {
		if at[grouped(n)].Empty() {
			t.Fatalf("%s is not printed on the first page", grouped(n))
		}
	}
	for _, n := range []string{d1, d2, d3, d4} {
		got, err := codabarUnder(img, at[grouped(n)])
		if err != nil || got != n {
			t.Errorf("barcode under %s reads %q (%v)", grouped(n), got, err)
		}
	}
	if got, err := codabarUnder(img, at[grouped(d4b)]); err == nil {
		t.Errorf("the missing parcel %s has a barcode %q under it", grouped(d4b), got)
	}
}

// mustTool finds a command the test needs. Missing, it skips the test,
// unless SOKO_REQUIRE_TOOLS is set, as CI sets it, where it fails.
func mustTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if _, required := os.LookupEnv("SOKO_REQUIRE_TOOLS"); required {
		t.Fatalf("%s is required (SOKO_REQUIRE_TOOLS is set) but missing: %v", name, err)
	}
	t.Skipf("%s not installed (Debian: poppler-utils)", name)
	return ""
}

// mustRun runs a command and returns its standard output.
func mustRun(t *testing.T, path string, args ...string) string {
	t.Helper()
	out, err := exec.Command(path, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", path, args, err)
	}
	return string(out)
}

// barcodeDPI is the resolution barcodes are read at: what an office laser
// printer prints.
const barcodeDPI = 300

// mustPage renders the first page of a PDF at barcodeDPI.
func mustPage(t *testing.T, pdftoppm, path string) image.Image {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	mustRun(t, pdftoppm, "-r", strconv.Itoa(barcodeDPI), "-png", "-f", "1", "-l", "1", "-singlefile", path, prefix)
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// numbersAt finds where on the first page each 4-4-4 number is printed:
// its box in pixels at barcodeDPI.
func numbersAt(t *testing.T, pdftotext, path string) map[string]image.Rectangle {
	t.Helper()
	out := mustRun(t, pdftotext, "-bbox", "-enc", "UTF-8", "-f", "1", "-l", "1", path, "-")
	px := func(pt string) int {
		v, err := strconv.ParseFloat(pt, 64)
		if err != nil {
			t.Fatal(err)
		}
		return int(v / 72 * barcodeDPI)
	}
	at := map[string]image.Rectangle{}
	word := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(\d{4}-\d{4}-\d{4})</word>`)
	for _, m := range word.FindAllStringSubmatch(out, -1) {
		at[m[5]] = image.Rect(px(m[1]), px(m[2]), px(m[3]), px(m[4]))
	}
	return at
}

// codabarUnder reads the NW-7 barcode in the band under a printed number,
// across the page and 9 mm deep, which holds a parcel row's bars and no
// other row's text; it answers the digits without start and stop characters.
func codabarUnder(img image.Image, number image.Rectangle) (string, error) {
	band := image.Rect(img.Bounds().Min.X, number.Max.Y, img.Bounds().Max.X, number.Max.Y+9*barcodeDPI*10/254).Intersect(img.Bounds())
	sub := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(band)
	bmp, err := gozxing.NewBinaryBitmapFromImage(sub)
	if err != nil {
		return "", err
	}
	res, err := oned.NewCodaBarReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return strings.Trim(res.GetText(), "ABCD"), nil
}
