package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustShortOrderFloor stores opsSeed with SAKURA's SO-1 (2 towels) and
// MIDORI's MD-1 (one item that shares the towel's JAN), sends both out in
// one wave and has the picker pick SO-1 and report MD-1's item missing,
// all through the ops API: SO-1 ends picked, MD-1 short. MIDORI does not
// allow partial shipments.
func mustShortOrderFloor(t *testing.T, db *storage.DB) (h http.Handler, sup, picker, packer staffClient, ids map[string]int64) {
	t.Helper()
	ctx := context.Background()
	seed := opsSeed()
	seed.Stock = []soko.SeedStock{
		{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 5}},
		{MerchantCode: "MIDORI", SKU: "SAME", LocationCode: "A-01-02-1", Stock: soko.Stock{OnHand: 1}},
	}
	to := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 花子"}
	seed.Orders = []soko.SeedOrder{
		{MerchantCode: "SAKURA", Order: soko.Order{Number: "SO-1", Carrier: "yamato", Recipient: to, Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 2, TaxRate: 10}}}},
		{MerchantCode: "MIDORI", Order: soko.Order{Number: "MD-1", Carrier: "yamato", Recipient: to, Lines: []soko.OrderLine{{SKU: "SAME", Quantity: 1, TaxRate: 8}}}},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	if n, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil || n != 2 {
		t.Fatalf("allocated %d of 2: %v", n, err)
	}
	h = New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }})
	sup, picker, packer = signIn(t, h, "V001", "5555"), signIn(t, h, "P001", "1111"), signIn(t, h, "K001", "3333")
	if r := sup.op("POST", "/ops/waves", map[string]any{"mode": "batch"}, sup.csrf); r.Status != 201 {
		t.Fatalf("wave: %d %s", r.Status, r.Raw)
	}
	for i := 0; ; i++ {
		next := picker.op("GET", "/ops/picks/next", nil, "")
		if next.Status == 404 {
			break
		}
		pick := decode[api.PickTask](t, next)
		task := fmt.Sprintf("/ops/picks/%d", pick.Id)
		if pick.OrderNo == "MD-1" {
			if r := picker.op("POST", task+"/short", map[string]any{"scan_id": fmt.Sprintf("so-short-%04d", i), "found": 0}, picker.csrf); r.Status != 200 {
				t.Fatalf("short: %d %s", r.Status, r.Raw)
			}
			continue
		}
		picker.op("POST", task+"/scan", map[string]any{"scan_id": fmt.Sprintf("so-loc-%04d", i), "code": pick.Location}, picker.csrf)
		if r := picker.op("POST", task+"/scan", map[string]any{"scan_id": fmt.Sprintf("so-item-%04d", i), "code": "4901234567894", "quantity": 2}, picker.csrf); r.Status != 200 {
			t.Fatalf("pick: %d %s", r.Status, r.Raw)
		}
	}
	ids = map[string]int64{}
	for _, o := range seed.Orders {
		ids[o.Number] = o.ID
	}
	return h, sup, picker, packer, ids
}

func TestConsoleOrders_SearchPageAndActions(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		_, sup, picker, packer, ids := mustShortOrderFloor(t, db)
		so1, md1 := fmt.Sprintf("/ops/orders/%d", ids["SO-1"]), fmt.Sprintf("/ops/orders/%d", ids["MD-1"])

		// A packer or a picker is refused on the server, whatever the page shows.
		for role, who := range map[string]staffClient{"packer": packer, "picker": picker} {
			for _, r := range []reply{
				who.op("GET", "/ops/orders", nil, ""),
				who.op("GET", md1, nil, ""),
				who.op("POST", md1+"/actions", map[string]any{"action": "cancel"}, who.csrf),
			} {
				if r.Status != 403 || !strings.Contains(decode[api.Problem](t, r).Detail, "権限がありません") {
					t.Fatalf("a %s: %d %s, want 403", role, r.Status, r.Raw)
				}
			}
		}

		list := func(query string) []string {
			t.Helper()
			r := sup.op("GET", "/ops/orders"+query, nil, "")
			if r.Status != 200 {
				t.Fatalf("search %s: %d %s", query, r.Status, r.Raw)
			}
			var out []string
			for _, o := range decode[api.ConsoleOrderList](t, r).Data {
				out = append(out, o.OrderNo)
			}
			return out
		}
		if got := list("?status=short"); len(got) != 1 || got[0] != "MD-1" {
			t.Errorf("short orders: %v", got)
		}
		if got := list("?number=so&customer=" + "山田花子"); len(got) != 1 || got[0] != "SO-1" {
			t.Errorf("SO… for 山田花子: %v", got)
		}
		if got := list("?created_from=2026-11-23&created_to=2026-11-23"); len(got) != 2 || got[0] != "MD-1" {
			t.Errorf("today in Japan, newest first: %v", got)
		}
		if got := list("?created_to=2026-11-22"); len(got) != 0 {
			t.Errorf("before today: %v", got)
		}
		first := sup.op("GET", "/ops/orders?limit=1", nil, "")
		var cursor string
		if c := decode[api.ConsoleOrderList](t, first).NextCursor; c != nil {
			cursor = *c
		}
		if got := list("?limit=1&cursor=" + cursor); cursor == "" || len(got) != 1 || got[0] != "SO-1" {
			t.Errorf("second page after %s: %v", first.Raw, got)
		}
		for query, field := range map[string]string{
			"?status=lost": "status", "?created_from=23.11.2026": "created_from", "?limit=0": "limit", "?merchant_id=x": "merchant_id",
			"?cursor=bm9wZQ": "cursor", "?created_from=2026-11-24&created_to=2026-11-23": "created_to",
		} {
			if r := sup.op("GET", "/ops/orders"+query, nil, ""); r.Status != 422 || !contains(r.fields(), field) || strings.Contains(string(r.Raw), "JSON") {
				t.Errorf("search %s: %d %s, want 422 naming %s", query, r.Status, r.Raw, field)
			}
		}
		if r := sup.op("GET", "/ops/orders/99999", nil, ""); r.Status != 404 || decode[api.Problem](t, r).Detail != "注文が見つかりません" {
			t.Errorf("an unknown order: %d %s", r.Status, r.Raw)
		}

		page := sup.op("GET", md1, nil, "")
		if page.Status != 200 || decode[api.ConsoleOrder](t, page).Status != "short" || decode[api.ConsoleOrder](t, page).Merchant.AllowPartial {
			t.Fatalf("MD-1's page: %d %s", page.Status, page.Raw)
		}
		md1Page := decode[api.ConsoleOrder](t, page)
		if got := fmt.Sprint(md1Page.Actions); got != "[hold reallocate resolve_short cancel]" {
			t.Errorf("MD-1 offers %s", got)
		}
		if md1Page.DocumentsUrl != fmt.Sprintf("/ops/station/orders/%d/documents.pdf", ids["MD-1"]) {
			t.Errorf("documents_url %v", md1Page.DocumentsUrl)
		}
		// The reprint link prints, and the print is in the order's log with who printed it.
		if pdf := sup.op("GET", md1Page.DocumentsUrl, nil, ""); pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("the documents link: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		prints := decode[api.ConsoleOrder](t, sup.op("GET", md1, nil, "")).Prints
		if len(prints) != 1 || prints[0].Document != "slip" || prints[0].Staff != "伊藤" {
			t.Errorf("MD-1's print log: %+v", prints)
		}
		var scans []string
		for _, e := range md1Page.Timeline {
			if e.Scan {
				scans = append(scans, fmt.Sprint(e.Action, " ", e.Staff, " ", e.Device))
			}
		}
		if fmt.Sprint(scans) != "[short_pick 田中 HT-01]" {
			t.Errorf("MD-1's scans: %v", scans)
		}

		act := func(path, action string, header ...string) reply {
			return sup.do("POST", path+"/actions", map[string]any{"action": action, "note": "テスト"},
				append([]string{"Cookie", sup.cookie.Name + "=" + sup.cookie.Value, "X-CSRF-Token", sup.csrf}, header...)...)
		}
		mustConflict := func(r reply, words ...string) {
			t.Helper()
			if r.Status != 409 {
				t.Fatalf("%d %s, want 409", r.Status, r.Raw)
			}
			for _, w := range words {
				if detail := decode[api.Problem](t, r).Detail; !strings.Contains(detail, w) {
					t.Errorf("409 says %q, want %q in it", detail, w)
				}
			}
		}
		mustConflict(act(md1, "split"), "みどり食品", "分割出荷を認めていません")
		mustConflict(act(md1, "split", "Accept-Language", "en"), "does not allow partial shipments")
		mustConflict(act(so1, "put_back"), "注文 SO-1 は「ピッキング済」のため戻し入れできません")
		mustConflict(act(so1, "reallocate"), "再引当できません")
		if r := act(so1, "teleport"); r.Status != 422 || !contains(r.fields(), "action") {
			t.Errorf("an unknown action: %d %s", r.Status, r.Raw)
		}
		if r := sup.op("POST", so1+"/actions", map[string]any{"action": "hold"}, ""); r.Status != 403 {
			t.Errorf("an action without the CSRF token: %d", r.Status)
		}

		held := act(so1, "hold")
		order := decode[api.ConsoleOrderActionResult](t, held).Order
		if held.Status != 200 || order.Status != "on_hold" || !pointsTo(order.HeldFrom, "picked") {
			t.Fatalf("hold: %d %s", held.Status, held.Raw)
		}
		timeline := order.Timeline
		last := timeline[len(timeline)-1]
		if last.Action != "hold" || last.Staff != "伊藤" || last.Device != "HT-01" || last.Detail != "テスト" || !pointsTo(last.From, "picked") {
			t.Errorf("the hold in the history: %+v", last)
		}
		mustConflict(act(so1, "hold"), "「保留」のため保留できません")
		if h := order.Hold; h == nil || h.Reason != "warehouse" || h.Note != "テスト" {
			t.Errorf("the supervisor's hold: %+v", h)
		}
		if r := act(so1, "release_hold"); r.Status != 200 || decode[api.ConsoleOrderActionResult](t, r).Order.Status != "picked" {
			t.Fatalf("release: %d %s", r.Status, r.Raw)
		}

		if r := act(md1, "cancel"); r.Status != 200 || decode[api.ConsoleOrderActionResult](t, r).Order.Status != "cancel_requested" {
			t.Fatalf("cancel a short order: %d %s", r.Status, r.Raw)
		}
		done := act(md1, "put_back")
		if done.Status != 200 || decode[api.ConsoleOrderActionResult](t, done).Order.Status != "cancelled" || len(decode[api.ConsoleOrderActionResult](t, done).Order.Actions) != 0 {
			t.Fatalf("put back: %d %s", done.Status, done.Raw)
		}
		if bad, err := db.CheckLedger(context.Background()); err != nil || len(bad) > 0 {
			t.Fatalf("ledger: %v %+v", err, bad)
		}
	})
}
