package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestOps_KittingTask: a supervisor asks for kits through /ops (bad input
// names the field in Japanese), a picker reads the task and finishes it,
// picks that do not add up are a 409, and the merchant's stock API then
// counts the kits with what the components make.
func TestOps_KittingTask(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustOpsServer(t, db)
		ctx := context.Background()
		sakura, err := db.FindMerchantByCode(ctx, "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		towel, err := db.FindProduct(ctx, sakura.ID, "TOWEL")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "kit-rcv", MerchantID: sakura.ID, ProductID: towel.ID, Units: 5}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutAway(ctx, &soko.Move{ScanID: "kit-put", ProductID: towel.ID, Units: 5, To: "A-01-01-1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutProduct(ctx, &soko.Product{MerchantID: sakura.ID, SKU: "PAIR", Name: "タオル2枚セット", Price: 2400, TaxRate: 10,
			ReorderPoint: soko.KeepReorderPoint, KeepStockBuffer: true, Components: []soko.Component{{SKU: "TOWEL", Quantity: 2}}}); err != nil {
			t.Fatal(err)
		}
		sup, picker := signIn(t, h, "V001", "5555"), signIn(t, h, "P001", "1111")
		task := map[string]any{"merchant_id": sakura.ID, "sku": "TOWEL", "quantity": 2, "location": "A-01-02-1"}
		if r := sup.op("POST", "/ops/kitting-tasks", task, sup.csrf); r.Status != 422 || !strings.Contains(string(r.Raw), "セット商品ではありません") || !strings.Contains(string(r.Raw), `"sku"`) {
			t.Fatalf("a task for a product that is no set: %d %s", r.Status, r.Raw)
		}
		task["sku"] = "PAIR"
		// An unknown shelf is bad input naming the field, not a missing resource.
		task["location"] = "Z-99-99-9"
		if r := sup.op("POST", "/ops/kitting-tasks", task, sup.csrf); r.Status != 422 || !strings.Contains(string(r.Raw), "ロケーション Z-99-99-9 は登録されていません") || !strings.Contains(string(r.Raw), `"location"`) {
			t.Fatalf("a task for an unknown shelf: %d %s", r.Status, r.Raw)
		}
		if r := sup.do("POST", "/ops/kitting-tasks", task, "Cookie", sup.cookie.Name+"="+sup.cookie.Value, "X-CSRF-Token", sup.csrf, "Accept-Language", "en"); r.Status != 422 ||
			!strings.Contains(string(r.Raw), "no location Z-99-99-9") {
			t.Fatalf("a task for an unknown shelf, in English: %d %s", r.Status, r.Raw)
		}
		task["location"] = "A-01-02-1"
		if r := picker.op("POST", "/ops/kitting-tasks", task, picker.csrf); r.Status != 403 {
			t.Fatalf("a picker creating a task: %d, want 403", r.Status)
		}
		made := sup.op("POST", "/ops/kitting-tasks", task, sup.csrf)
		if made.Status != 201 {
			t.Fatalf("create: %d %s", made.Status, made.Raw)
		}
		kit := decode[api.KittingTask](t, made)
		if kit.Status != "open" || kit.Location != "A-01-02-1" {
			t.Fatalf("create: %d %s", made.Status, made.Raw)
		}
		id := kit.Id
		got := picker.op("GET", fmt.Sprintf("/ops/kitting-tasks/%d", id), nil, "")
		if got.Status != 200 {
			t.Fatalf("the task: %d %s", got.Status, got.Raw)
		}
		if comps := decode[api.KittingTask](t, got).Components; len(comps) != 1 || comps[0].Quantity != 4 {
			t.Fatalf("the task: %d %s", got.Status, got.Raw)
		}
		done := fmt.Sprintf("/ops/kitting-tasks/%d/complete", id)
		if r := picker.op("POST", done, map[string]any{"picks": []map[string]any{{"sku": "TOWEL", "location": "A-01-01-1", "units": 3}}}, picker.csrf); r.Status != 409 ||
			!strings.Contains(string(r.Raw), "キット 2 個分と合いません") {
			t.Fatalf("3 towels for 2 pairs: %d %s", r.Status, r.Raw)
		}
		if r := picker.op("POST", done, map[string]any{"picks": []map[string]any{{"sku": "TOWEL", "location": "Z-99-99-9", "units": 4}}}, picker.csrf); r.Status != 422 ||
			!strings.Contains(string(r.Raw), `"picks[0].location"`) {
			t.Fatalf("towels from an unknown shelf: %d %s", r.Status, r.Raw)
		}
		if r := picker.op("POST", done, map[string]any{"picks": []map[string]any{{"sku": "TOWEL", "location": "A-01-01-1", "units": 4}}, "location": "Z-99-99-9"}, picker.csrf); r.Status != 422 ||
			!strings.Contains(string(r.Raw), "登録されていません") {
			t.Fatalf("kits put on an unknown shelf: %d %s", r.Status, r.Raw)
		}
		if r := picker.op("POST", done, map[string]any{"picks": []map[string]any{{"sku": "TOWEL", "location": "A-01-01-1", "units": 4}}}, picker.csrf); r.Status != 200 || decode[api.KittingTask](t, r).Status != "done" {
			t.Fatalf("complete: %d %s", r.Status, r.Raw)
		}
		if r := picker.op("GET", "/ops/kitting-tasks", nil, ""); r.Status != 200 || strings.Contains(string(r.Raw), "PAIR") {
			t.Fatalf("open tasks after it was done: %s", r.Raw)
		}
		s, err := db.StockOf(ctx, sakura.ID, "PAIR")
		if err != nil || s.OnHand != 2 || s.Sellable() != 2 {
			t.Fatalf("PAIR after kitting 2 (1 towel left makes none): %+v %v", s, err)
		}
	})
}
