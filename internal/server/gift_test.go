package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// arrayOf reads an answer that is a JSON array.
func arrayOf(tb testing.TB, r reply) []map[string]any {
	tb.Helper()
	var out []map[string]any
	if err := json.Unmarshal(r.Raw, &out); err != nil {
		tb.Fatalf("not a JSON array: %v\n%s", err, r.Raw)
	}
	return out
}

func TestAPI_GiftOptions(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{})
		c := client{t, h, keySakura}
		c.must(201, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 3300))
		o := order("GIFT-1", line("TOWEL-1", 1))
		o["gift"] = map[string]any{"wrapping": "box", "noshi": map[string]any{"title": " 御歳暮 ", "name": "山田"}, "message": "いつもありがとう", "hide_prices": true}
		r := c.must(201, "POST", "/api/v1/orders", o)
		g := r.JSON["gift"].(map[string]any)
		n, _ := g["noshi"].(map[string]any)
		if g["wrap"] != true || g["wrapping"] != "box" || n == nil || n["title"] != "御歳暮" || n["name"] != "山田" || n["placement"] != "inner" || g["hide_prices"] != true {
			t.Fatalf("gift as stored: %v", g)
		}
		if g := c.must(200, "GET", "/api/v1/orders/GIFT-1", nil).JSON["gift"].(map[string]any); g["message"] != "いつもありがとう" || g["noshi"] == nil {
			t.Fatalf("gift as read: %v", g)
		}
		// A plain wrap is wrapping paper, and an order without a のし has none.
		o = order("GIFT-2", line("TOWEL-1", 1))
		o["gift"] = map[string]any{"wrap": true}
		if g := c.must(201, "POST", "/api/v1/orders", o).JSON["gift"].(map[string]any); g["wrapping"] != "paper" || g["noshi"] != nil {
			t.Fatalf("plain wrap: %v", g)
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
		if r.JSON["name"] != "冬のチラシ" || r.JSON["quantity"] != 1.0 || r.JSON["active"] != true || r.JSON["valid_from"] != "2026-12-01" {
			t.Fatalf("insert: %s", r.Raw)
		}
		c.must(200, "PUT", "/api/v1/inserts/WINTER", map[string]any{"sku": "FLYER-W", "rule": "contains_sku", "trigger_sku": "TEA-1", "name": "お茶のしおり"})
		list := arrayOf(t, c.must(200, "GET", "/api/v1/inserts", nil))
		if len(list) != 1 || list[0]["rule"] != "contains_sku" || list[0]["trigger_sku"] != "TEA-1" || list[0]["name"] != "お茶のしおり" || list[0]["valid_from"] != nil {
			t.Fatalf("list: %v", list)
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
		for _, c := range o.JSON["checklist"].([]any) {
			keys = append(keys, c.(map[string]any)["key"].(string))
		}
		if want := []string{"noshi", "message", "hide_prices", "insert:SAMPLE"}; !slices.Equal(keys, want) {
			t.Fatalf("checklist %v, want %v: %s", keys, want, o.Raw)
		}
		if c := o.JSON["checklist"].([]any)[3].(map[string]any); c["sku"] != "TOWEL" || c["quantity"] != 1.0 || c["label"] != "同梱物：試供品タオル ×1" {
			t.Errorf("insert item %v", c)
		}
		id := int64(o.JSON["id"].(float64))
		for i := 0; i < 3; i++ {
			packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("gift-%06d", i), "code": "4901234567894"}, packer.csrf)
		}
		pack := func(confirmed ...string) reply {
			return packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id),
				map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 950}}, "confirmed": confirmed}, packer.csrf)
		}
		r := pack("noshi", "hide_prices")
		if r.Status != 409 || !slices.Equal(r.fields(), []string{"confirmed", "confirmed"}) ||
			!strings.Contains(r.JSON["detail"].(string), "ギフト・同梱物の確認が済んでいません：メッセージカードを同封、同梱物：試供品タオル ×1") {
			t.Fatalf("pack with two items unticked: %d %s", r.Status, r.Raw)
		}
		r = packer.do("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 950}}},
			"Cookie", packer.cookie.Name+"="+packer.cookie.Value, "X-CSRF-Token", packer.csrf, "Accept-Language", "en")
		if r.Status != 409 || !strings.Contains(r.JSON["detail"].(string), "confirm the gift options and inserts first: Noshi (under the wrapping): 御祝／山田") {
			t.Fatalf("pack with nothing ticked, in English: %d %s", r.Status, r.Raw)
		}
		if r := pack(keys...); r.Status != 200 || r.JSON["status"] != "packed" {
			t.Fatalf("pack with every item ticked: %d %s", r.Status, r.Raw)
		}
		sakura, _ := db.FindMerchantByCode(context.Background(), "SAKURA")
		if s, _ := db.StockOf(context.Background(), sakura.ID, "TOWEL"); s.OnHand != 10-5-1 {
			t.Errorf("towels on hand %d, want 4: 5 picked and 1 inserted", s.OnHand)
		}
	})
}
