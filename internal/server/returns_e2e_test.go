package server

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestReturns_ExchangeReceivedOnHandheld follows a return end to end: an
// order shipped; another waiting for a mug; the shop announces an exchange
// over the API (sent twice with its Idempotency-Key); the returns desk
// receives the parcel on /hh/returns in headless Chromium by its tracking
// number and grades its units — a sellable towel back on its shelf, a
// damaged towel to quarantine, a sellable mug back on its shelf (after a
// shelf that is no shelf is refused), and something not the shop's — and
// finishes. Stock is back on the shelves exactly for the sellable units,
// the waiting order is allocated, the replacement order exists once
// however often the return is finished, the shop hears return.received and
// return.completed once each, signed, with the grades per line; the slip
// reads back; an unannounced parcel becomes a return of its own; and every
// soko check holds.
func TestReturns_ExchangeReceivedOnHandheld(t *testing.T) {
	pdftotext := mustTool(t, "pdftotext")
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := mustShippingSite(t, db)
		if err := db.Exec(ctx, `INSERT INTO locations (code, zone, walk_sequence, kind) VALUES ('RCV-01', 'R', 0, 'receiving'), ('Q-01', 'Q', 90, 'receiving')`); err != nil {
			t.Fatal(err)
		}
		s.createOrder("SO-1")
		number := s.ship("SO-1")[0]
		s.deliver()
		if r := s.shop.must(201, "POST", "/api/v1/orders", order("SO-2", line("MUG", 10))); decode[api.Order](t, r).Status != "backordered" {
			t.Fatalf("SO-2 with 9 mugs on the shelf: %s", r.Raw)
		}

		announce := map[string]any{"return_no": "RMA-1", "order_no": "SO-1", "reason": "defective", "disposition": "exchange",
			"lines": []map[string]any{{"sku": "TOWEL", "quantity": 2}, {"sku": "MUG", "quantity": 1}}}
		first := s.shop.must(201, "POST", "/api/v1/returns", announce, "Idempotency-Key", "return-RMA-1")
		again := s.shop.must(201, "POST", "/api/v1/returns", announce, "Idempotency-Key", "return-RMA-1")
		if announced := decode[api.Return](t, first); announced.Status != "announced" || again.Header.Get("Idempotent-Replayed") != "true" || announced.ExchangeOrderNo != nil {
			t.Fatalf("announce: %s\nagain: %s", first.Raw, again.Raw)
		}
		bad := s.shop.do("POST", "/api/v1/returns", map[string]any{"return_no": "RMA-9", "order_no": "SO-1", "reason": "defective", "disposition": "refund",
			"lines": []map[string]any{{"sku": "MUG", "quantity": 2}}})
		if bad.Status != 422 || !contains(bad.fields(), "lines[0].quantity") {
			t.Fatalf("more mugs than shipped: %d %s", bad.Status, bad.Raw)
		}

		h := mustHandheld(t, s.url+"/hh")
		h.waitFor("the sign-in view", `document.getElementById('prompt').textContent === 'バッジをスキャンしてください'`)
		h.scan("P001")
		h.waitFor("the PIN field to take focus", `document.activeElement.id === 'pin'`)
		h.do(chromedp.KeyEvent("1111\r"))
		h.expect("ok", "田中")
		h.click("#m-returns")
		h.waitFor("the returns desk", `location.pathname === '/hh/returns' && !document.getElementById('v-parcel').hidden`)
		h.scan(number[:4] + "-" + number[4:8] + "-" + number[8:])
		h.expect("ok", "返品 RMA-1（注文 SO-1）の受付を始めます")
		h.waitFor("the receiving view", `!document.getElementById('v-receive').hidden && document.activeElement.id === 'scan'`)

		h.click("#rt-scan-loc")
		h.scan("A-01-01-1")
		h.expect("ok", "行き先 A-01-01-1")
		h.scan(shopProducts["TOWEL"].jan)
		h.expect("ok", "良品 → 棚戻し A-01-01-1")
		h.click(`#rt-grades [data-grade=damaged]`)
		if v := h.eval(`document.getElementById('rt-dest').value`); v != "quarantine" {
			t.Errorf("a damaged unit goes to %q by default, want quarantine", v)
		}
		h.click("#rt-scan-loc")
		h.scan("Q-01")
		h.expect("ok", "行き先 Q-01")
		h.scan(shopProducts["TOWEL"].jan)
		h.expect("ok", "不良 → 保留 Q-01")
		h.click(`#rt-grades [data-grade=sellable]`)
		h.scan(shopProducts["MUG"].jan) // Q-01 is still the destination: no shelf
		h.expect("error", "Q-01 は棚ではありません")
		h.click("#rt-scan-loc")
		h.scan("A-01-02-1")
		h.scan(shopProducts["MUG"].jan)
		h.expect("ok", "有田焼 マグカップ：良品 → 棚戻し A-01-02-1")
		h.click(`#rt-grades [data-grade=wrong]`)
		h.scan("4512345678906")
		h.expect("ok", "荷主の商品ではないもの：誤配 → 取り置き")
		h.waitFor("the lines", `document.getElementById('rt-lines').textContent.indexOf('1/1/0') >= 0 && document.getElementById('rt-wrong').textContent === '誤配 1個'`)
		if w := h.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); w != "true" {
			t.Errorf("the receiving view is wider than the phone")
		}
		h.shot("returns-receiving")
		h.click("#rt-finish")
		h.expect("warn", "もう一度押すと受付を完了")
		h.click("#rt-finish")
		h.expect("ok", "返品 RMA-1 を受け付けました（4個）。交換注文 SO-1-EX")
		h.waitFor("the done view", `!document.getElementById('v-done').hidden && document.getElementById('dn-print').href.indexOf('/slip.pdf') > 0`)
		h.shot("returns-done")
		h.checkClean()

		// Stock came back exactly for the sellable units.
		sup := s.signIn("V001", "5555")
		for loc, want := range map[string]int{"A-01-01-1": 19, "A-01-02-1": 10, "Q-01": 1} {
			var rows []struct {
				SKU    string `json:"sku"`
				OnHand int    `json:"on_hand"`
			}
			r := sup.op("GET", "/ops/stock?location="+loc, nil, "")
			if err := json.Unmarshal(r.Raw, &rows); err != nil || len(rows) != 1 || rows[0].OnHand != want {
				t.Errorf("%s holds %s, want %d", loc, r.Raw, want)
			}
		}
		if r := s.shop.must(200, "GET", "/api/v1/orders/SO-2", nil); decode[api.Order](t, r).Status != "allocated" {
			t.Errorf("the mug back on the shelf did not let SO-2 be allocated: %s", r.Raw)
		}

		// The replacement order, once however often the return is finished.
		ret := decode[api.Return](t, s.shop.must(200, "GET", "/api/v1/returns/RMA-1", nil))
		exchange := ""
		if ret.ExchangeOrderNo != nil {
			exchange = *ret.ExchangeOrderNo
		}
		if ret.Status != "completed" || !strings.HasPrefix(exchange, "SO-1-EX") {
			t.Fatalf("the return after receiving: %+v", ret)
		}
		id := itoa64(ret.Id)
		if r := sup.op("POST", "/ops/returns/"+id+"/finish", nil, sup.csrf); r.Status != 200 {
			t.Fatalf("finish again: %d %s", r.Status, r.Raw)
		}
		exchanges := 0
		for _, o := range decode[api.OrderList](t, s.shop.must(200, "GET", "/api/v1/orders?limit=200", nil)).Data {
			if strings.HasPrefix(o.OrderNo, "SO-1-EX") {
				exchanges++
			}
		}
		if exchanges != 1 {
			t.Fatalf("%d exchange orders, want 1", exchanges)
		}
		ex := s.shop.must(200, "GET", "/api/v1/orders/"+exchange, nil)
		if o := decode[api.Order](t, ex); o.Status != "backordered" || len(o.Lines) != 2 {
			t.Errorf("exchange order (the mug went to SO-2): %s", ex.Raw)
		}

		// The shop hears of it once per event, signed, with the grades.
		s.deliver()
		var got []string
		for _, e := range s.merchant.events(t, "SO-1") {
			if !strings.HasPrefix(e.Type, "return.") {
				continue
			}
			got = append(got, e.Type)
			d := e.Data
			if d.ReturnNo != "RMA-1" || d.ExchangeOrderNo != exchange || d.NotOurs != 1 || len(d.Lines) != 2 ||
				d.Lines[0].SKU != "TOWEL" || d.Lines[0].Received != 2 || d.Lines[0].Grades["sellable"] != 1 || d.Lines[0].Grades["damaged"] != 1 ||
				d.Lines[1].SKU != "MUG" || d.Lines[1].Received != 1 || d.Lines[1].Grades["sellable"] != 1 {
				t.Errorf("%s: %+v", e.Type, d)
			}
		}
		if strings.Join(got, ",") != "return.received,return.completed" {
			t.Fatalf("return webhooks %v", got)
		}

		// The slip reads back.
		slip := sup.op("GET", "/ops/returns/"+id+"/slip.pdf", nil, "")
		path := filepath.Join(t.TempDir(), "slip.pdf")
		if err := os.WriteFile(path, slip.Raw, 0o644); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(mustRun(t, pdftotext, "-layout", "-enc", "UTF-8", path, "-")), "")
		for _, want := range []string{"返品受付票", "RMA-1（事前連絡あり）", "さくら雑貨店", "商品不良", exchange, "TOWEL", "合計4個うち誤配（荷主の商品ではない）1個"} {
			if !strings.Contains(text, want) {
				t.Errorf("the slip lacks %q:\n%s", want, text)
			}
		}

		// The parcel comes back once more, unannounced: a carrier return.
		cr := sup.op("POST", "/ops/return-parcels", map[string]any{"code": "SO-1"}, sup.csrf)
		if cr.Status != 200 || decode[api.ReturnScanResult](t, cr).Return.ReturnNo != "CR-SO-1-2" {
			t.Fatalf("unannounced parcel: %d %s", cr.Status, cr.Raw)
		}
		rep := sup.op("GET", "/ops/returns", nil, "")
		if open := decode[api.ReturnsReport](t, rep).Open; len(open) != 1 || open[0].Announced {
			t.Errorf("open returns: %s", rep.Raw)
		}

		// The console lists it, with its age and reason; and the admin has
		// the merchant's customers hear of deliveries from now on.
		admin := soko.SeedStaff{Staff: soko.Staff{BadgeCode: "A001", Name: "渡辺", Role: soko.RoleAdmin, Active: true}, PIN: "6666"}
		if err := db.Load(ctx, &soko.Seed{Staff: []soko.SeedStaff{admin}}); err != nil {
			t.Fatal(err)
		}
		c := console{mustBrowser(t, s.url+"/console", screen{1280, 800, false})}
		c.signIn("A001", "6666")
		c.click(`nav a[href="#returns"]`)
		c.waitFor("the open returns", `document.querySelector('#ret-open tbody tr[data-no="CR-SO-1-2"]')`)
		if row := c.text(`#ret-open tbody tr[data-no="CR-SO-1-2"]`); !strings.Contains(row, "予告なし返送") || !strings.Contains(row, "受付中") || !strings.Contains(row, "0日") {
			t.Errorf("open return row %q", row)
		}
		if reasons := c.text("#ret-reasons"); !strings.Contains(reasons, "商品不良1") || !strings.Contains(reasons, "予告なし返送1") {
			t.Errorf("returns by reason %q", reasons)
		}
		if products := c.text("#ret-products"); !strings.Contains(products, "TOWEL") || !strings.Contains(products, "MUG") {
			t.Errorf("returns by product %q", products)
		}
		c.shot("console-returns")
		c.click(`nav a[href="#email"]`)
		c.waitFor("the email template", `document.getElementById('email-subject').placeholder !== ''`)
		c.click("#email-notices")
		c.click(`#email-form button[type=submit]`)
		c.wantMsg("email-msg", "ok", "保存しました")
		c.checkClean()
		var merchants []struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(sup.op("GET", "/ops/merchants", nil, "").Raw, &merchants); err != nil || len(merchants) != 1 {
			t.Fatalf("merchants: %v %v", merchants, err)
		}
		if tpl := sup.op("GET", "/ops/merchants/"+itoa64(merchants[0].ID)+"/email-template", nil, ""); !decode[api.EmailTemplate](t, tpl).DeliveryNotices {
			t.Errorf("delivery notices after the console saved them: %s", tpl.Raw)
		}

		checks, err := db.CheckInvariants(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if len(c.Problems) > 0 {
				t.Errorf("soko check %s: %v", c.Name, c.Problems)
			}
		}
	})
}
