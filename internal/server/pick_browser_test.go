package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// The picking floor's barcodes.
const (
	pickTowel       = "4560123200016"  // a towel, one unit a scan …
	pickTowelCase   = "14560123200013" // … and its ITF-14 case of 12
	pickMug         = "4560123200023"  // a mug
	pickSoap        = "4560123200030"  // soap, stocked on one shelf only
	pickMisread     = "4560123200017"  // the towel's JAN with a wrong check digit
	pinSupervisor   = "9753"
	stepLocation    = "ロケーションをスキャン"
	stepItem        = "商品をスキャン"
	nothingLeftText = "ピッキング完了"
)

// pickingSite is a real HTTP server with a batch wave of four orders
// released and waiting for a picker.
type pickingSite struct {
	URL      string
	db       *storage.DB
	merchant int64
	wave     string
}

// mustPickingSite serves soko on a fresh SQLite database with a picker and
// a supervisor, four shelves in walk order and four allocated orders, then
// releases them as one batch wave through the API as the supervisor. The
// books hold more than the shelves: A-01-01-1 says 5 towels but has 4
// (B-01-01-1, further along, has 20 more), A-02-01-1 says 2 soaps but has
// 1 and no other shelf has soap. The wave's tasks, in walk order:
//
//	A-01-01-1 towel ×2 → tote 1 (SO-1)
//	A-01-01-1 towel ×3 → tote 2 (SO-2)
//	A-01-02-1 mug   ×1 → tote 1 (SO-1)
//	A-01-02-1 mug   ×4 → tote 4 (SO-4)
//	A-02-01-1 soap  ×2 → tote 3 (SO-3)
func mustPickingSite(t *testing.T) *pickingSite {
	t.Helper()
	ctx := context.Background()
	db := storagetest.MustOpenSQLite(t)
	order := func(no string, lines ...soko.OrderLine) soko.SeedOrder {
		return soko.SeedOrder{MerchantCode: "SHOP", Order: soko.Order{
			Number: no, Carrier: "yamato", Service: "takkyubin",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1",
				Name: "山田 花子", Phone: "03-3211-4821", Email: "hanako@example.jp"},
			Lines: lines,
		}}
	}
	line := func(sku string, n int) soko.OrderLine {
		return soko.OrderLine{SKU: sku, Quantity: n, UnitPrice: 1000, TaxRate: 10}
	}
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SHOP", Name: "テスト商店"}},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "P100", Name: "山本 葵", Role: soko.RolePicker, Active: true}, PIN: pinPicker},
			{Staff: soko.Staff{BadgeCode: "V100", Name: "伊藤 陽菜", Role: soko.RoleSupervisor, Active: true}, PIN: pinSupervisor},
		},
		Locations: []soko.Location{
			{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
			{Code: "A-01-02-1", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
			{Code: "A-02-01-1", Zone: "A", WalkSequence: 3, Kind: soko.LocationPick},
			{Code: "B-01-01-1", Zone: "B", WalkSequence: 10, Kind: soko.LocationPick},
		},
		Products: []soko.SeedProduct{
			{MerchantCode: "SHOP", Product: soko.Product{SKU: "TOWEL", Name: "今治フェイスタオル", Price: 1320, TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: pickTowel, PackQuantity: 1}, {Code: pickTowelCase, PackQuantity: 12}}}},
			{MerchantCode: "SHOP", Product: soko.Product{SKU: "MUG", Name: "波佐見焼 マグカップ", Price: 2200, TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: pickMug, PackQuantity: 1}}}},
			{MerchantCode: "SHOP", Product: soko.Product{SKU: "SOAP", Name: "薬用石鹸", Price: 440, TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: pickSoap, PackQuantity: 1}}}},
		},
		Stock: []soko.SeedStock{
			{MerchantCode: "SHOP", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 5}},
			{MerchantCode: "SHOP", SKU: "MUG", LocationCode: "A-01-02-1", Stock: soko.Stock{OnHand: 10}},
			{MerchantCode: "SHOP", SKU: "SOAP", LocationCode: "A-02-01-1", Stock: soko.Stock{OnHand: 2}},
			{MerchantCode: "SHOP", SKU: "TOWEL", LocationCode: "B-01-01-1", Stock: soko.Stock{OnHand: 20}},
		},
		Orders: []soko.SeedOrder{
			order("SO-1", line("TOWEL", 2), line("MUG", 1)),
			order("SO-2", line("TOWEL", 3)),
			order("SO-3", line("SOAP", 2)),
			order("SO-4", line("MUG", 4)),
		},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != 4 {
		t.Fatalf("allocated %d orders (%v), want 4", n, err)
	}
	srv := httptest.NewServer(New(Config{
		Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test",
		Now: func() time.Time { return storagetest.Fixed },
	}))
	t.Cleanup(srv.Close)

	// The supervisor releases the wave, as the console would.
	post := func(path string, body any, header ...string) (*http.Response, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, err := http.NewRequest("POST", srv.URL+path, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatalf("POST %s: %d, %v", path, res.StatusCode, err)
		}
		return res, out
	}
	res, session := post("/ops/session", map[string]any{"badge": "V100", "pin": pinSupervisor, "device": "PC-01"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("supervisor sign-in: %d %v", res.StatusCode, session)
	}
	var cookie string
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	csrf, _ := session["csrf_token"].(string)
	res, wave := post("/ops/waves", map[string]any{"mode": "batch", "carrier": "yamato"}, "Cookie", cookie, "X-CSRF-Token", csrf)
	if res.StatusCode != http.StatusCreated || wave["orders"] != float64(4) || wave["tasks"] != float64(5) {
		t.Fatalf("release wave: %d %v, want 4 orders in 5 tasks", res.StatusCode, wave)
	}
	return &pickingSite{URL: srv.URL, db: db, merchant: seed.Merchants[0].ID, wave: wave["wave_no"].(string)}
}

// wantTask waits for the pick view to show a task: its location,
// picked/quantity, tote and the step the picker is at.
func (h *handheld) wantTask(loc, qty, tote, step string) {
	h.t.Helper()
	h.waitFor(fmt.Sprintf("the task %s %s tote %s (%s)", loc, qty, tote, step), fmt.Sprintf(`(function(){
		function x(id){return document.getElementById(id).textContent}
		return !document.getElementById('pk-task').hidden && x('pk-loc')===%q && x('pk-qty')===%q && x('pk-tote')===%q && x('prompt')===%q})()`,
		loc, qty, "トート "+tote, step))
}

// refused says which refusal the task view marks, "" for none.
func (h *handheld) refused() string {
	h.t.Helper()
	return h.eval(`document.getElementById('pk-task').dataset.refused || ''`)
}

// refuse scans code and expects it refused with message and marked as why,
// with the task still on screen as it was.
func (h *handheld) refuse(code, why, message, loc, qty, tote, step string) {
	h.t.Helper()
	h.scan(code)
	h.expect("error", message)
	if got := h.refused(); got != why {
		h.t.Errorf("scan %s: the task view marks %q, want %q", code, got, why)
	}
	h.wantTask(loc, qty, tote, step)
}

// wantPut waits for the put instruction for a tote, naming what goes in.
func (h *handheld) wantPut(tote, what string) {
	h.t.Helper()
	h.waitFor("the put instruction for tote "+tote, fmt.Sprintf(
		`!document.getElementById('pk-put').hidden && document.getElementById('pk-put').textContent.indexOf(%q) === 0`, "トート "+tote+" に入れる"+what))
}

// TestPick_BatchWaveInBrowser picks a whole batch wave on /hh in headless
// Chromium with a phone's screen, as a picker with a keyboard-wedge
// scanner: an item before the location, a wrong location, a wrong item, a
// case that would over-pick, a check-digit misread, picks by single scans,
// by the quantity field and by a burst, a short pick that re-routes to
// another shelf and one that leaves its order short, and two scans made
// offline that are sent in order when the network returns. It checks the
// result and the task after every scan, then the orders, the ledger and
// the count tasks in the database.
func TestPick_BatchWaveInBrowser(t *testing.T) {
	site := mustPickingSite(t)
	ctx := context.Background()
	h := mustHandheld(t, site.URL+"/hh")
	h.signIn()
	if !h.visible("#m-pick") || h.text("#m-pick") != "ピッキング" {
		t.Fatalf("a picker's menu shows no ピッキング (%q)", h.text("#m-pick"))
	}
	h.click("#m-pick")

	// Task 1: A-01-01-1, two towels into tote 1, with every mistake first.
	h.wantTask("A-01-01-1", "0/2", "1", stepLocation)
	if got, want := h.text("#pk-name")+" "+h.text("#pk-sku"), "今治フェイスタオル TOWEL"; got != want {
		t.Errorf("task shows %q, want %q", got, want)
	}
	if got, want := h.text("#pk-progress"), site.wave+" · 注文 SO-1 · 残り 5件"; got != want {
		t.Errorf("progress line %q, want %q", got, want)
	}
	h.shot("pick-task")
	h.refuse(pickTowel, "location_first", "先にロケーション A-01-01-1 をスキャンしてください", "A-01-01-1", "0/2", "1", stepLocation)
	h.refuse("A-01-02-1", "wrong_location", "ロケーション違いです（A-01-02-1）。A-01-01-1 へ行ってください", "A-01-01-1", "0/2", "1", stepLocation)
	h.shot("pick-wrong-location")
	h.scan("A-01-01-1")
	h.expect("ok", "A-01-01-1 OK：今治フェイスタオル を 2 個")
	h.wantTask("A-01-01-1", "0/2", "1", stepItem)
	if got := h.refused(); got != "" {
		t.Errorf("an accepted scan leaves the refusal %q marked", got)
	}
	h.refuse(pickMug, "wrong_item", "商品違いです。今治フェイスタオル ではありません", "A-01-01-1", "0/2", "1", stepItem)
	h.shot("pick-wrong-item")
	h.refuse(pickTowelCase, "over_pick", "数量オーバーです。今治フェイスタオル はあと 2 個です：今治フェイスタオル 12 個はトートに入れず A-01-01-1 に戻してください", "A-01-01-1", "0/2", "1", stepItem)
	h.shot("pick-over-pick")
	h.scan(pickMisread)
	h.expect("error", "チェックデジット")
	h.wantTask("A-01-01-1", "0/2", "1", stepItem)
	h.scan(pickTowel)
	h.expect("ok", "1/2 今治フェイスタオル")
	h.wantTask("A-01-01-1", "1/2", "1", stepItem)
	h.scan(pickTowel)
	h.expect("ok", "完了：今治フェイスタオル をトート 1 へ")
	h.wantPut("1", "今治フェイスタオル ×2 · SO-1")

	// Task 2: three towels for tote 2 where only two are left: short, re-routed.
	h.wantTask("A-01-01-1", "0/3", "2", stepLocation)
	h.shot("pick-put-tote-1")
	h.scan("A-01-01-1")
	h.expect("ok", "A-01-01-1 OK：今治フェイスタオル を 3 個")
	if h.visible("#pk-put") {
		t.Error("the put instruction stays after the next task's first scan")
	}
	h.scan(pickTowel)
	h.expect("ok", "1/3 今治フェイスタオル")
	h.wantTask("A-01-01-1", "1/3", "2", stepItem)
	h.click("#pk-short")
	h.waitFor("the short-pick form", `document.activeElement.id === 'pk-found'`)
	h.shot("pick-short-form")
	h.typeInto("#pk-found", "2")
	h.expect("error", "0〜1")
	h.wantTask("A-01-01-1", "1/3", "2", stepItem)
	h.typeInto("#pk-found", "1")
	h.expect("warn", "欠品を報告しました。別のロケーションから取ります")
	h.wantPut("2", "今治フェイスタオル ×2 · SO-2")

	// Task 3: the towel SO-2 still lacks, from B-01-01-1.
	h.wantTask("B-01-01-1", "0/1", "2", stepLocation)
	h.shot("pick-rerouted")
	h.scan("B-01-01-1")
	h.expect("ok", "B-01-01-1 OK")
	h.wantTask("B-01-01-1", "0/1", "2", stepItem)
	h.refuse(pickTowelCase, "over_pick", "あと 1 個です", "B-01-01-1", "0/1", "2", stepItem)
	h.scan(pickTowel)
	h.expect("ok", "完了：今治フェイスタオル をトート 2 へ（注文 SO-2 ピッキング完了）")
	h.wantPut("2", "今治フェイスタオル ×1 · SO-2")

	// Task 4: SO-1's mug, scanned while the network is down.
	h.wantTask("A-01-02-1", "0/1", "1", stepLocation)
	h.offline(true)
	h.scan("A-01-02-1")
	h.expect("warn", "未送信：A-01-02-1 OK：波佐見焼 マグカップ を 1 個")
	h.wantTask("A-01-02-1", "0/1", "1", stepItem)
	h.scan(pickMug)
	// The task is done on the device; the next comes from the list it was given.
	h.expect("warn", "未送信：完了：波佐見焼 マグカップ をトート 1 へ")
	h.wantPut("1", "波佐見焼 マグカップ ×1 · SO-1")
	if got := h.text("#pending"); got != "未送信 2件" {
		t.Errorf("pending badge shows %q", got)
	}
	h.wantTask("A-01-02-1", "0/4", "4", stepLocation)
	h.shot("pick-offline")
	h.offline(false)
	h.waitFor("the outbox to empty", `document.getElementById('pending').hidden`)
	// Sent out of order, the mug would be refused before its location.
	h.expect("ok", "【保存分】完了：波佐見焼 マグカップ をトート 1 へ（注文 SO-1 ピッキング完了）")
	h.wantPut("1", "波佐見焼 マグカップ ×1 · SO-1")

	// Task 5: four mugs for tote 4, by the quantity field.
	h.wantTask("A-01-02-1", "0/4", "4", stepLocation)
	h.scan("A-01-02-1")
	h.expect("ok", "を 4 個")
	h.typeInto("#pk-n", "3")
	h.scan(pickMug)
	h.expect("ok", "3/4 波佐見焼 マグカップ")
	h.wantTask("A-01-02-1", "3/4", "4", stepItem)
	if v := h.eval(`document.getElementById('pk-n').value`); v != "1" {
		t.Errorf("the quantity field keeps %q after its scan, want 1", v)
	}
	h.scan(pickMug)
	h.expect("ok", "完了：波佐見焼 マグカップ をトート 4 へ（注文 SO-4 ピッキング完了）")

	// Task 6: two soaps for tote 3 where one is left and no other shelf has any.
	h.wantTask("A-02-01-1", "0/2", "3", stepLocation)
	if got, want := h.text("#pk-progress"), site.wave+" · 注文 SO-3 · 残り 1件"; got != want {
		t.Errorf("progress line %q, want %q", got, want)
	}
	h.keys("A-02-01-1\r" + pickSoap + "\r") // location and item in one burst: neither may be lost
	h.expect("ok", "1/2 薬用石鹸")
	h.wantTask("A-02-01-1", "1/2", "3", stepItem)
	h.click("#pk-short")
	h.waitFor("the short-pick form", `document.activeElement.id === 'pk-found'`)
	h.typeInto("#pk-found", "0")
	h.expect("warn", "欠品を報告しました。注文 SO-3 は欠品扱いです")
	h.wantPut("3", "薬用石鹸 ×1 · SO-3")
	h.waitFor("the end of the list", `!document.getElementById('pk-end').hidden && document.getElementById('pk-task').hidden`)
	if got := h.text("#prompt"); got != nothingLeftText {
		t.Errorf("prompt %q at the end of the list, want %q", got, nothingLeftText)
	}
	h.shot("pick-done")
	h.scan(pickSoap)
	h.expect("warn", nothingLeftText)
	h.click("#pk-menu")
	h.waitFor("the menu", `!document.getElementById('v-menu').hidden`)
	h.checkClean()

	// The database: orders picked or short, stock gone from the shelves,
	// a ledger that balances and both shorted shelves waiting for a count.
	for no, want := range map[string]soko.OrderStatus{"SO-1": soko.OrderPicked, "SO-2": soko.OrderPicked, "SO-3": soko.OrderShort, "SO-4": soko.OrderPicked} {
		o, err := site.db.FindOrder(ctx, site.merchant, no)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != want {
			t.Errorf("%s is %s, want %s", no, o.Status, want)
		}
	}
	counts, err := site.db.CountOrdersByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[soko.OrderPicked] != 3 || counts[soko.OrderShort] != 1 {
		t.Errorf("orders by status %v, want 3 picked and 1 short", counts)
	}
	for sku, want := range map[string]int{"TOWEL": 20, "MUG": 5, "SOAP": 1} {
		s, err := site.db.StockOf(ctx, site.merchant, sku)
		if err != nil {
			t.Fatal(err)
		}
		if s.OnHand != want {
			t.Errorf("%s on hand %d, want %d", sku, s.OnHand, want)
		}
	}
	if bad, err := site.db.CheckLedger(ctx); err != nil || len(bad) > 0 {
		t.Errorf("ledger: %+v, %v", bad, err)
	}
	codes, err := site.db.OpenCountTasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, []string{"A-01-01-1", "A-02-01-1"}) {
		t.Errorf("count tasks at %v, want the shorted shelves A-01-01-1 and A-02-01-1", codes)
	}
	if h.visible("#pending") {
		t.Errorf("scans left unsent: %q", h.text("#pending"))
	}
}
