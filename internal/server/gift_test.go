package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestAPI_GiftOptions(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{})
		c := client{t, h, keySakura}
		c.must(201, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 3300))
		o := order("GIFT-1", line("TOWEL-1", 1))
		o["gift"] = map[string]any{"wrapping": "box", "noshi": map[string]any{"title": " 御歳暮 ", "name": "山田"}, "message": "いつもありがとう", "hide_prices": true}
		r := c.must(201, "POST", "/api/v1/orders", o)
		g := decode[api.Order](t, r).Gift
		n := g.Noshi
		if !g.Wrap || g.Wrapping != "box" || n == nil || n.Title != "御歳暮" || n.Name != "山田" || n.Placement != "inner" || !g.HidePrices {
			t.Fatalf("gift as stored: %s", r.Raw)
		}
		if r := c.must(200, "GET", "/api/v1/orders/GIFT-1", nil); decode[api.Order](t, r).Gift.Message != "いつもありがとう" || decode[api.Order](t, r).Gift.Noshi == nil {
			t.Fatalf("gift as read: %s", r.Raw)
		}
		// A plain wrap is wrapping paper, and an order without a のし has none.
		o = order("GIFT-2", line("TOWEL-1", 1))
		o["gift"] = map[string]any{"wrap": true}
		if g := decode[api.Order](t, c.must(201, "POST", "/api/v1/orders", o)).Gift; g.Wrapping != "paper" || g.Noshi != nil {
			t.Fatalf("plain wrap: %+v", g)
		}

		for _, tc := range []struct {
			gift  map[string]any
			field string
		}{
			{map[string]any{"wrapping": "furoshiki"}, "gift.wrapping"},
			{map[string]any{"noshi": map[string]any{"title": "御祝御祝御祝御祝御祝御祝"}}, "gift.noshi.title"},
			{map[string]any{"noshi": map[string]any{"title": "  ", "name": "山田"}}, "gift.noshi.title"},
			{map[string]any{"noshi": map[string]any{"title": "御祝", "placement": "side"}}, "gift.noshi.placement"},
		} {
			o := order("GIFT-BAD", line("TOWEL-1", 1))
			o["gift"] = tc.gift
			r := c.do("POST", "/api/v1/orders", o, "Accept-Language", "ja")
			if r.Status != 422 || !slices.Contains(r.fields(), tc.field) {
				t.Errorf("gift %v: %d %s, want 422 naming %s", tc.gift, r.Status, r.Raw, tc.field)
			}
		}
	})
}

func TestAPI_Inserts(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{})
		c := client{t, h, keySakura}
		c.must(201, "PUT", "/api/v1/products/FLYER-W", product("冬のチラシ", 0))
		c.must(201, "PUT", "/api/v1/products/TEA-1", product("煎茶", 1200))
		r := c.must(201, "PUT", "/api/v1/inserts/WINTER", map[string]any{"sku": "FLYER-W", "rule": "every", "valid_from": "2026-12-01", "valid_until": "2026-12-31"})
		if in := decode[api.Insert](t, r); in.Name != "冬のチラシ" || in.Quantity != 1 || !in.Active || fmt.Sprint(in.ValidFrom) != "2026-12-01" {
			t.Fatalf("insert: %s", r.Raw)
		}
		c.must(200, "PUT", "/api/v1/inserts/WINTER", map[string]any{"sku": "FLYER-W", "rule": "contains_sku", "trigger_sku": "TEA-1", "name": "お茶のしおり"})
		list := decode[[]api.Insert](t, c.must(200, "GET", "/api/v1/inserts", nil))
		if len(list) != 1 || list[0].Rule != "contains_sku" || list[0].TriggerSku != "TEA-1" || list[0].Name != "お茶のしおり" || list[0].ValidFrom != nil {
			t.Fatalf("list: %+v", list)
		}
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"sku": "NOPE", "rule": "every"}, "sku"},
			{map[string]any{"sku": "FLYER-W", "rule": "min_total"}, "min_total"},
			{map[string]any{"sku": "FLYER-W", "rule": "every", "min_total": 100}, "min_total"},
			{map[string]any{"sku": "FLYER-W", "rule": "contains_sku"}, "trigger_sku"},
			{map[string]any{"sku": "FLYER-W", "rule": "every", "valid_from": "2026-12-31", "valid_until": "2026-12-01"}, "valid_until"},
			{map[string]any{"sku": "FLYER-W", "rule": "sometimes"}, "rule"},
		} {
			r := c.do("PUT", "/api/v1/inserts/BAD", tc.body)
			if r.Status != 422 || !slices.Contains(r.fields(), tc.field) {
				t.Errorf("%v: %d %s, want 422 naming %s", tc.body, r.Status, r.Raw, tc.field)
			}
		}
		c.must(204, "DELETE", "/api/v1/inserts/WINTER", nil)
		c.must(404, "DELETE", "/api/v1/inserts/WINTER", nil)
	})
}

// giftAtStation makes SO-1 of mustPickedOrders a gift with a のし, a card
// and hidden prices, and gives its merchant an insert for every order (a
// towel, as a sample: any product will do).
func giftAtStation(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	if err := db.Exec(ctx, `UPDATE orders SET gift = TRUE, gift_message = 'ご結婚おめでとう', noshi_title = '御祝', noshi_name = '山田', noshi_placement = 'inner' WHERE number = 'SO-1'`); err != nil {
		t.Fatal(err)
	}
	sakura, err := db.FindMerchantByCode(ctx, "SAKURA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutInsert(ctx, &soko.Insert{MerchantID: sakura.ID, Code: "SAMPLE", Name: "試供品タオル", SKU: "TOWEL", Quantity: 1, Rule: soko.InsertEvery, Active: true}); err != nil {
		t.Fatal(err)
	}
}

func TestStation_GiftChecklistBeforePacking(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		_, packer := mustPickedOrders(t, db)
		giftAtStation(t, db)
		o := packer.op("GET", "/ops/station/orders/SO-1", nil, "")
		var keys []string
		checklist := decode[api.StationOrder](t, o).Checklist
		for _, c := range checklist {
			keys = append(keys, c.Key)
		}
		if want := []string{"noshi", "message", "hide_prices", "insert:SAMPLE"}; !slices.Equal(keys, want) {
			t.Fatalf("checklist %v, want %v: %s", keys, want, o.Raw)
		}
		if c := checklist[3]; !pointsTo(c.Sku, "TOWEL") || !pointsTo(c.Quantity, 1) || c.Label != "同梱物：試供品タオル ×1" {
			t.Errorf("insert item %+v", c)
		}
		id := decode[api.StationOrder](t, o).Id
		for i := 0; i < 3; i++ {
			packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("gift-%06d", i), "code": "4901234567894"}, packer.csrf)
		}
		pack := func(confirmed ...string) reply {
			return packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id),
				map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 950}}, "confirmed": confirmed}, packer.csrf)
		}
		r := pack("noshi", "hide_prices")
		if r.Status != 409 || !slices.Equal(r.fields(), []string{"confirmed", "confirmed"}) ||
			!strings.Contains(decode[api.Problem](t, r).Detail, "ギフト・同梱物の確認が済んでいません：メッセージカードを同封、同梱物：試供品タオル ×1") {
			t.Fatalf("pack with two items unticked: %d %s", r.Status, r.Raw)
		}
		r = packer.do("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 950}}},
			"Cookie", packer.cookie.Name+"="+packer.cookie.Value, "X-CSRF-Token", packer.csrf, "Accept-Language", "en")
		if r.Status != 409 || !strings.Contains(decode[api.Problem](t, r).Detail, "confirm the gift options and inserts first: Noshi (under the wrapping): 御祝／山田") {
			t.Fatalf("pack with nothing ticked, in English: %d %s", r.Status, r.Raw)
		}
		if r := pack(keys...); r.Status != 200 || decode[api.StationOrder](t, r).Status != "packed" {
			t.Fatalf("pack with every item ticked: %d %s", r.Status, r.Raw)
		}
		sakura, _ := db.FindMerchantByCode(context.Background(), "SAKURA")
		if s, _ := db.StockOf(context.Background(), sakura.ID, "TOWEL"); s.OnHand != 10-5-1 {
			t.Errorf("towels on hand %d, want 4: 5 picked and 1 inserted", s.OnHand)
		}
	})
}

func TestAPI_SetProducts(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		c := client{t, mustAPIServer(t, db, Config{}), keySakura}
		c.must(201, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 1650))
		c.must(201, "PUT", "/api/v1/products/MUG-1", product("マグ", 2200))
		set := product("タオルとマグのギフト", 5000)
		set["components"] = []map[string]any{{"sku": "TOWEL-1", "quantity": 2}, {"sku": "MUG-1", "quantity": 1}}
		r := c.must(201, "PUT", "/api/v1/products/GIFT-1", set)
		if cs := decode[api.Product](t, r).Components; len(cs) != 2 || cs[1].Sku != "TOWEL-1" || cs[1].Quantity != 2 {
			t.Fatalf("set: %s", r.Raw)
		}
		if cs := decode[api.Product](t, c.must(200, "GET", "/api/v1/products/TOWEL-1", nil)).Components; len(cs) != 0 {
			t.Errorf("a plain product has components %+v", cs)
		}
		bad := product("x", 1)
		bad["components"] = []map[string]any{{"sku": "GIFT-1", "quantity": 1}}
		if r := c.do("PUT", "/api/v1/products/SET-2", bad); r.Status != 422 || !slices.Contains(r.fields(), "components[0].sku") {
			t.Errorf("a set in a set: %d %s", r.Status, r.Raw)
		}
		o := c.must(201, "POST", "/api/v1/orders", order("SET-ORDER", line("GIFT-1", 2), line("MUG-1", 1)))
		lines := decode[api.Order](t, o).Lines
		if len(lines) != 2 {
			t.Fatalf("lines as sent, components under their set: %s", o.Raw)
		}
		gift := lines[0]
		if gift.Components == nil {
			t.Fatalf("set line without its components: %s", o.Raw)
		}
		cs := *gift.Components
		if gift.Sku != "GIFT-1" || gift.UnitPrice != 5000 || len(cs) != 2 || cs[1].Quantity != 4 || lines[1].Components != nil {
			t.Errorf("set line %+v, plain line %+v", gift, lines[1])
		}
		if s := c.must(200, "GET", "/api/v1/stock/GIFT-1", nil); decode[api.Stock](t, s).OnHand != 0 || decode[api.Stock](t, s).Sellable != 0 {
			t.Errorf("stock of a set without components on the shelves: %s", s.Raw)
		}
		set["components"] = []map[string]any{}
		if r := c.must(200, "PUT", "/api/v1/products/GIFT-1", set); len(decode[api.Product](t, r).Components) != 0 {
			t.Errorf("an empty list makes it plain: %s", r.Raw)
		}
	})
}

// TestStation_SetOrder picks, inspects and packs an order of a set at the
// station: the set's components are the lines to scan, each naming its
// set, and the slip prints the set with the components under it.
func TestStation_SetOrder(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := opsSeed()
		seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "有田焼 マグ", TaxRate: 10, WeightGrams: 300,
			Barcodes: []soko.ProductBarcode{{Code: "4900000000016", PackQuantity: 1}}}})
		seed.BoxTypes = []soko.BoxType{{Code: "BOX60", Name: "60サイズ", InnerLengthMM: 330, InnerWidthMM: 240, InnerHeightMM: 130, MaxWeightGrams: 5000, TareGrams: 150, SizeClass: 60}}
		seed.Stock = []soko.SeedStock{
			{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 10}},
			{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-01-02-1", Stock: soko.Stock{OnHand: 5}},
		}
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m := seed.Merchants[0].ID
		if _, err := db.PutProduct(ctx, &soko.Product{MerchantID: m, SKU: "GIFT", Name: "タオルとマグのギフト", Price: 5000, TaxRate: 10,
			Components: []soko.Component{{SKU: "TOWEL", Quantity: 2}, {SKU: "MUG", Quantity: 1}}}); err != nil {
			t.Fatal(err)
		}
		o := &soko.Order{MerchantID: m, Number: "SO-SET", Carrier: "yamato", Service: "takkyubin",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田", Phone: "090-1234-5678"},
			Lines:     []soko.OrderLine{{SKU: "GIFT", Quantity: 1, UnitPrice: 5000, TaxRate: 10}}}
		if err := db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch}); err != nil {
			t.Fatal(err)
		}
		picker := seed.Staff[0].ID
		codes := map[int64]string{seed.Products[0].ID: "4901234567894", seed.Products[len(seed.Products)-1].ID: "4900000000016"}
		for n := 0; ; n++ {
			task, err := db.NextPickTask(ctx, picker)
			if soko.ErrorCode(err) == soko.ENOTFOUND {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			for i, s := range []soko.PickScan{{Code: task.LocationCode, Location: true}, {Code: codes[task.ProductID], ProductID: task.ProductID, Units: task.Remaining()}} {
				s.ScanID, s.TaskID, s.StaffID = fmt.Sprintf("set-%03d-%d", n, i), task.ID, picker
				if _, err := db.Pick(ctx, &s); err != nil {
					t.Fatal(err)
				}
			}
		}
		h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }})
		packer := signIn(t, h, "K001", "3333")
		r := packer.op("GET", "/ops/station/orders/SO-SET", nil, "")
		if r.Status != 200 || decode[api.StationOrder](t, r).Status != "picked" {
			t.Fatalf("open: %d %s", r.Status, r.Raw)
		}
		opened := decode[api.StationOrder](t, r)
		var got []string
		for _, l := range opened.Lines {
			set := "<nil>"
			if l.Set != nil {
				set = *l.Set
			}
			got = append(got, fmt.Sprintf("%s×%d %s", l.Sku, l.Quantity, set))
		}
		if want := []string{"MUG×1 タオルとマグのギフト（GIFT ×1）", "TOWEL×2 タオルとマグのギフト（GIFT ×1）"}; !slices.Equal(got, want) {
			t.Fatalf("station lines %v, want %v", got, want)
		}
		id := opened.Id
		for i, code := range []string{"4900000000016", "4901234567894", "4901234567894"} {
			r = packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("setinsp-%03d", i), "code": code}, packer.csrf)
		}
		if r.Status != 200 || !decode[api.StationResult](t, r).Inspected {
			t.Fatalf("inspect the components: %d %s", r.Status, r.Raw)
		}
		if r := packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 450}}}, packer.csrf); r.Status != 200 {
			t.Fatalf("pack: %d %s", r.Status, r.Raw)
		}
		slip := packer.op("GET", fmt.Sprintf("/ops/station/orders/%d/slip.pdf", id), nil, "")
		text := pdfText(t, slip.Raw)
		for _, re := range []string{`GIFT\s+タオルとマグのギフト\s+1\s+¥5,000\s+¥5,000`, `MUG\s+└ 有田焼 マグ\s+1\n`, `TOWEL\s+└ 今治タオル\s+2\n`} {
			if !regexp.MustCompile(re).MatchString(text) {
				t.Errorf("slip lacks %s:\n%s", re, text)
			}
		}
	})
}

// pdfText is a PDF's text as pdftotext lays it out.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return mustRun(t, mustTool(t, "pdftotext"), "-layout", "-enc", "UTF-8", path, "-")
}
