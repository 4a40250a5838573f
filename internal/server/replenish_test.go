package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestAPI_ReplenishmentRoundTrip: a merchant registers a supplier with its
// products, reads the suggestions, orders, and gets the inbound notice, the
// PDF and the CSV (with a product name a spreadsheet would run as a
// formula kept as text); bad input names the field.
func TestAPI_ReplenishmentRoundTrip(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/TWL-1", product("今治タオル", 1200))
		shop.must(201, "PUT", "/api/v1/products/TWL-2", product(`=HYPERLINK("http://evil.example","タオル")`, 800))
		sup := map[string]any{"name": "今治タオル工業", "lead_time_days": 10, "min_order_qty": 12, "order_multiple": 6,
			"contact": "営業部 佐藤 0898-00-0000", "skus": []string{"TWL-2", "TWL-1"}}
		if got := decode[api.Supplier](t, shop.must(201, "PUT", "/api/v1/suppliers/IMABARI", sup)); len(got.Skus) != 2 || got.OrderMultiple != 6 {
			t.Fatalf("supplier: %+v", got)
		}
		delete(sup, "skus")
		sup["lead_time_days"] = 12
		if got := decode[api.Supplier](t, shop.must(200, "PUT", "/api/v1/suppliers/IMABARI", sup)); len(got.Skus) != 2 || got.LeadTimeDays != 12 {
			t.Fatalf("a PUT without skus keeps the products: %+v", got)
		}
		r := shop.must(200, "GET", "/api/v1/reorder-suggestions?window_days=14", nil)
		suggested := decode[api.ReorderSuggestionList](t, r)
		if data := suggested.Data; suggested.WindowDays != 14 || len(data) != 2 || data[0].Quantity != 0 || data[0].DaysOfCover != nil {
			t.Fatalf("suggestions without demand: %s", r.Raw)
		}

		po := shop.must(201, "POST", "/api/v1/reorder-suggestions/accept", map[string]any{"supplier_code": "IMABARI", "expected_date": "2026-12-10",
			"lines": []map[string]any{{"sku": "TWL-1", "quantity": 24}, {"sku": "TWL-2", "quantity": 12}}})
		ordered := decode[api.PurchaseOrder](t, po)
		no := ordered.PoNo
		if ordered.Status != "ordered" || !pointsTo(ordered.InboundNo, no) || ordered.OrderedBy != "API" {
			t.Fatalf("purchase order: %s", po.Raw)
		}
		in := shop.must(200, "GET", "/api/v1/inbounds/"+no, nil)
		if inbound := decode[api.Inbound](t, in); inbound.ExpectedDate.String() != "2026-12-10" || len(inbound.Lines) != 2 {
			t.Fatalf("the purchase order's inbound: %s", in.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/reorder-suggestions", nil); decode[api.ReorderSuggestionList](t, r).Data[0].Inbound != 24 {
			t.Fatalf("suggestions after ordering: %s", r.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/purchase-orders", nil); len(decode[api.PurchaseOrderList](t, r).Data) != 1 {
			t.Fatalf("purchase orders: %s", r.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/purchase-orders/"+no+"/pdf", nil); !bytes.HasPrefix(r.Raw, []byte("%PDF-")) || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF: %s %.40q", r.Header, r.Raw)
		}
		csv := string(shop.must(200, "GET", "/api/v1/purchase-orders/"+no+"/csv", nil).Raw)
		if !strings.HasPrefix(csv, "\ufeff発注番号,") || !strings.Contains(csv, no+",IMABARI,今治タオル工業,2026-12-10,"+no+",1,TWL-1,今治タオル,24\r\n") ||
			!strings.Contains(csv, `"'=HYPERLINK(""http://evil.example"",""タオル"")"`) {
			t.Fatalf("CSV:\n%s", csv)
		}
		shop.must(409, "POST", "/api/v1/purchase-orders/"+no+"/cancel", nil)
		shop.must(409, "DELETE", "/api/v1/suppliers/IMABARI", nil)

		for _, c := range []struct {
			method, path string
			body         any
			field        string
		}{
			{"PUT", "/api/v1/suppliers/X", map[string]any{"name": "x", "lead_time_days": -1}, "lead_time_days"},
			{"PUT", "/api/v1/suppliers/X", map[string]any{"name": "x", "lead_time_days": 1, "skus": []string{"NOPE"}}, "skus[0]"},
			{"POST", "/api/v1/reorder-suggestions/accept", map[string]any{"supplier_code": "IMABARI", "lines": []map[string]any{{"sku": "TWL-1", "quantity": 13}}}, "lines[0].quantity"},
			{"POST", "/api/v1/reorder-suggestions/accept", map[string]any{"supplier_code": "NOBODY"}, "supplier_code"},
			{"PUT", "/api/v1/replenishment-settings", map[string]any{"review_days": 7, "safety_days": 3, "window_days": 0, "auto_order": true}, "window_days"},
			{"GET", "/api/v1/reorder-suggestions?window_days=0", nil, "window_days"},
		} {
			r := shop.do(c.method, c.path, c.body)
			if r.Status < 400 || r.Status >= 500 || !contains(r.fields(), c.field) {
				t.Errorf("%s %s %v: %d %s, want 4xx naming %s", c.method, c.path, c.body, r.Status, r.Raw, c.field)
			}
		}
		if got := decode[api.ReplenishmentSettings](t, shop.must(200, "GET", "/api/v1/replenishment-settings", nil)); got.WindowDays != 28 || got.AutoOrder {
			t.Fatalf("default settings: %+v", got)
		}
	})
}

// TestOps_ReplenishmentApproveDraft: the morning's 自動発注 raises the
// towel's draft; the console shows it beside the suggestion it covers, a
// supervisor approves it, which makes its inbound, and prints the
// purchase order, read back with pdftotext. A packer may do none of it.
func TestOps_ReplenishmentApproveDraft(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		pdftotext := mustTool(t, "pdftotext")
		sup, picker, _ := mustPickFloor(t, db) // 25 towels, 5 allocated
		m, err := db.FindMerchantByCode(ctx, "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutSupplier(ctx, &soko.Supplier{MerchantID: m.ID, Code: "TOWELCO", Name: "今治タオル工業", LeadTimeDays: 30,
			MinOrderQty: 12, OrderMultiple: 12, SKUs: []string{"TOWEL"}}); err != nil {
			t.Fatal(err)
		}
		if err := db.PutReplenishmentSettings(ctx, m.ID, soko.ReplenishmentSettings{ReviewDays: 7, SafetyDays: 3, WindowDays: 1, AutoOrder: true}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.RaiseDraftPurchaseOrders(ctx); err != nil || n != 1 {
			t.Fatalf("the morning's drafts: %d %v", n, err)
		}
		view := sup.op("GET", fmt.Sprintf("/ops/replenishment?merchant_id=%d", m.ID), nil, "")
		var got api.OpsReplenishment
		if err := json.Unmarshal(view.Raw, &got); err != nil || view.Status != 200 {
			t.Fatalf("GET /ops/replenishment: %d %s", view.Status, view.Raw)
		}
		if !got.Settings.AutoOrder || len(got.Suppliers) != 1 || len(got.PurchaseOrders) != 1 || got.PurchaseOrders[0].Status != "draft" {
			t.Fatalf("the console's view: %s", view.Raw)
		}
		if s := got.Suppliers[0].Suggestions[0]; s.Drafted != 180 || s.Quantity != 0 {
			t.Fatalf("the towel with its draft waiting: %+v", s)
		}
		id := got.PurchaseOrders[0].Id
		if r := picker.op("POST", fmt.Sprintf("/ops/purchase-orders/%d/approve", id), nil, picker.csrf); r.Status != 403 {
			t.Fatalf("a picker approves: %d %s", r.Status, r.Raw)
		}
		approved := sup.op("POST", fmt.Sprintf("/ops/purchase-orders/%d/approve", id), nil, sup.csrf)
		if approved.Status != 200 {
			t.Fatalf("approve: %d %s", approved.Status, approved.Raw)
		}
		po := decode[api.PurchaseOrder](t, approved)
		if po.Status != "ordered" || po.OrderedBy != "伊藤" {
			t.Fatalf("approve: %d %s", approved.Status, approved.Raw)
		}
		no := po.PoNo
		if in, err := db.FindInbound(ctx, m.ID, no); err != nil || in.Lines[0].Quantity != 180 {
			t.Fatalf("the approved draft's inbound: %+v %v", in, err)
		}
		r := sup.op("GET", fmt.Sprintf("/ops/purchase-orders/%d/purchase-order.pdf", id), nil, "")
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF: %d %s", r.Status, r.Raw)
		}
		path := filepath.Join(t.TempDir(), "po.pdf")
		if err := os.WriteFile(path, r.Raw, 0o644); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(mustRun(t, pdftotext, "-layout", "-enc", "UTF-8", path, "-")), "")
		for _, want := range []string{"発注書", "今治タオル工業御中", no, "さくら", "TOWEL", "今治タオル", "180"} {
			if !strings.Contains(text, want) {
				t.Errorf("the purchase order lacks %q:\n%s", want, text)
			}
		}
		if r := sup.op("GET", fmt.Sprintf("/ops/purchase-orders/%d/purchase-order.csv", id), nil, ""); r.Status != 200 || !strings.Contains(string(r.Raw), ",TOWEL,今治タオル,180\r\n") {
			t.Fatalf("CSV: %d %s", r.Status, r.Raw)
		}
	})
}
