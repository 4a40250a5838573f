package server

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestAPI_MerchantsAreIsolated drives every operation of the OpenAPI document
// with a second merchant's key against the first merchant's data. A route
// added to the document without an entry here fails the test.
func TestAPI_MerchantsAreIsolated(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{AllowPrivateWebhooks: true})
		sakura, midori := client{t, h, keySakura}, client{t, h, keyMidori}

		sakura.must(201, "PUT", "/api/v1/products/SECRET-1", product("限定品", 9999, "4901234567894"))
		sakura.must(201, "POST", "/api/v1/orders", order("SO-SECRET", line("SECRET-1", 1)))
		for _, code := range []string{"SECRET-INS", "SECRET-INS2"} {
			sakura.must(201, "PUT", "/api/v1/inserts/"+code, map[string]any{"sku": "SECRET-1", "rule": "every", "quantity": 3})
		}
		sakura.must(201, "POST", "/api/v1/inbounds", map[string]any{
			"inbound_no": "ASN-SECRET", "expected_date": "2026-12-01", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 5}},
		})
		// A product only the first merchant has, by SKU and by JAN, for inbound files.
		sakura.must(201, "PUT", "/api/v1/products/SECRET-ONLY", product("限定品2", 9999, "4549526612343"))
		hook := sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "http://127.0.0.1:9/hook"})
		endpoint := "/api/v1/webhook-endpoints/" + itoa64(decode[api.WebhookEndpoint](t, hook).Id)
		sakura.must(200, "POST", "/api/v1/orders/SO-SECRET/cancel", nil) // queues a webhook delivery
		deliveries := decode[api.WebhookDeliveryList](t, sakura.must(200, "GET", "/api/v1/webhook-deliveries", nil)).Data
		if len(deliveries) == 0 {
			t.Fatal("no webhook delivery was queued for the first merchant")
		}
		deliveryID := deliveries[0].Id
		if err := markShipped(db, "SO-SECRET"); err != nil {
			t.Fatal(err)
		}
		if n := len(decode[api.ShipmentList](t, sakura.must(200, "GET", "/api/v1/shipments", nil)).Data); n != 1 {
			t.Fatalf("the first merchant sees %d shipments, want 1", n)
		}
		// Shipped after all (as a return needs): the cancellation came too late.
		if err := db.Exec(context.Background(), `UPDATE orders SET status = 'shipped' WHERE number = 'SO-SECRET'`); err != nil {
			t.Fatal(err)
		}
		sakura.must(201, "POST", "/api/v1/returns", map[string]any{"return_no": "RMA-SECRET", "order_no": "SO-SECRET", "reason": "defective",
			"disposition": "refund", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 1}}})

		sakura.must(201, "PUT", "/api/v1/suppliers/SECRET-SUP", map[string]any{"name": "秘密の仕入先", "lead_time_days": 5, "skus": []string{"SECRET-1"}})
		poNo := decode[api.PurchaseOrder](t, sakura.must(201, "POST", "/api/v1/reorder-suggestions/accept", map[string]any{
			"supplier_code": "SECRET-SUP", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 10}},
		})).PoNo
		poPath := "/api/v1/purchase-orders/" + poNo

		// Each operation: what the second merchant sends, and what it must get.
		notFound := func(method, path string, body any) func(t *testing.T) {
			return func(t *testing.T) {
				if r := midori.do(method, path, body); r.Status != 404 {
					t.Fatalf("%s %s with another merchant's key: %d %s, want 404", method, path, r.Status, r.Raw)
				}
			}
		}
		emptyList := func(path string) func(t *testing.T) {
			return func(t *testing.T) {
				r := midori.must(200, "GET", path, nil)
				if n := len(r.JSON["data"].([]any)); n != 0 || strings.Contains(string(r.Raw), "SECRET") {
					t.Fatalf("GET %s shows another merchant's data: %s", path, r.Raw)
				}
			}
		}
		ops := map[string]func(t *testing.T){
			"listProducts": emptyList("/api/v1/products"),
			"getProduct":   notFound("GET", "/api/v1/products/SECRET-1", nil),
			"listStock":    emptyList("/api/v1/stock"),
			"getStock":     notFound("GET", "/api/v1/stock/SECRET-1", nil),
			"listStockChanges": func(t *testing.T) {
				// The feed holds the second merchant's own products, each
				// once, and none of the first's, whatever SKUs they share.
				if r := sakura.must(200, "GET", "/api/v1/stock/changes", nil); !strings.Contains(string(r.Raw), "SECRET-1") {
					t.Fatalf("the first merchant's feed lacks its product: %s", r.Raw)
				}
				own := map[string]bool{}
				for _, p := range decode[api.ProductList](t, midori.must(200, "GET", "/api/v1/products", nil)).Data {
					own[p.Sku] = true
				}
				feed := midori.must(200, "GET", "/api/v1/stock/changes?limit=200", nil)
				for _, c := range decode[api.StockChangeList](t, feed).Data {
					sku := c.Sku
					if !own[sku] {
						t.Fatalf("the second merchant's feed has %s, not its product (or twice): %s", sku, feed.Raw)
					}
					delete(own, sku)
				}
			},
			"getStockHistory": notFound("GET", "/api/v1/products/SECRET-1/stock-history", nil),
			"listInbounds":    emptyList("/api/v1/inbounds"),
			"getInbound":      notFound("GET", "/api/v1/inbounds/ASN-SECRET", nil),
			"listOrders":      emptyList("/api/v1/orders"),
			"getOrder":        notFound("GET", "/api/v1/orders/SO-SECRET", nil),
			"cancelOrder":     notFound("POST", "/api/v1/orders/SO-SECRET/cancel", nil),
			"holdOrder":       notFound("POST", "/api/v1/orders/SO-SECRET/hold", map[string]any{"reason": "payment_pending"}),
			"releaseOrder":    notFound("POST", "/api/v1/orders/SO-SECRET/release", nil),
			"changeOrder":     notFound("PATCH", "/api/v1/orders/SO-SECRET", map[string]any{"note": "x"}),
			"listOrderEvents": notFound("GET", "/api/v1/orders/SO-SECRET/events", nil),
			"listShipments":   emptyList("/api/v1/shipments"),
			"listReturns":     emptyList("/api/v1/returns"),
			"getReturn":       notFound("GET", "/api/v1/returns/RMA-SECRET", nil),
			"createReturn": func(t *testing.T) {
				// The first merchant's order is no order of the second's.
				r := midori.do("POST", "/api/v1/returns", map[string]any{"return_no": "RMA-M1", "order_no": "SO-SECRET", "reason": "defective",
					"disposition": "refund", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 1}}})
				if r.Status != 422 || !contains(r.fields(), "order_no") || strings.Contains(string(r.Raw), "限定品") {
					t.Fatalf("return of another merchant's order: %d %s", r.Status, r.Raw)
				}
				if r := sakura.must(200, "GET", "/api/v1/returns/RMA-SECRET", nil); decode[api.Return](t, r).Status != "announced" {
					t.Fatalf("the first merchant's return changed: %s", r.Raw)
				}
			},
			"createTrackingEvents": func(t *testing.T) {
				// The first merchant's tracking number is no parcel of the
				// second's: refused like a number nobody has, nothing kept.
				r := midori.do("POST", "/api/v1/tracking-events", map[string]any{"events": []map[string]any{
					{"tracking_number": "123456789013", "status": "delivered", "occurred_at": "2026-11-24T10:00:00Z"},
				}})
				if r.Status != 422 || !contains(r.fields(), "events[0].tracking_number") || strings.Contains(string(r.Raw), "SECRET") {
					t.Fatalf("event for another merchant's parcel: %d %s", r.Status, r.Raw)
				}
				sh := decode[api.ShipmentList](t, sakura.must(200, "GET", "/api/v1/shipments", nil)).Data[0]
				if sh.DeliveryStatus != nil || len(sh.Events) != 0 {
					t.Fatalf("the first merchant's parcel changed: %v", sh)
				}
			},
			"listCarriers": func(t *testing.T) {
				// The warehouse's carriers and pickups, the same for every merchant.
				if r := midori.must(200, "GET", "/api/v1/carriers", nil); strings.Contains(string(r.Raw), "SECRET") || len(decode[api.CarrierList](t, r).Data) == 0 {
					t.Fatalf("carriers for another merchant: %s", r.Raw)
				}
			},
			"getWebhookEndpoint":     notFound("GET", "/api/v1/webhook-endpoint", nil),
			"listWebhookEndpoints":   emptyList("/api/v1/webhook-endpoints"),
			"getWebhookEndpointByID": notFound("GET", endpoint, nil),
			"updateWebhookEndpoint":  notFound("PUT", endpoint, map[string]any{"url": "http://127.0.0.1:9/stolen"}),
			"deleteWebhookEndpoint":  notFound("DELETE", endpoint, nil),
			"createWebhookEndpoint": func(t *testing.T) {
				// The first merchant's URL is free for the second's own endpoint.
				midori.must(201, "POST", "/api/v1/webhook-endpoints", map[string]any{"url": "http://127.0.0.1:9/hook"})
				if r := sakura.must(200, "GET", "/api/v1/webhook-endpoints", nil); len(decode[api.WebhookEndpointList](t, r).Data) != 1 {
					t.Fatalf("the first merchant's endpoints changed: %s", r.Raw)
				}
			},
			"listWebhookDeliveries": emptyList("/api/v1/webhook-deliveries"),
			"redeliverWebhook":      notFound("POST", "/api/v1/webhook-deliveries/"+itoa64(deliveryID)+"/redeliver", nil),
			"createOrder": func(t *testing.T) {
				// Another merchant's SKU is not a product of this merchant.
				r := midori.do("POST", "/api/v1/orders", order("SO-M1", line("SECRET-1", 1)))
				if r.Status != 422 || !contains(r.fields(), "lines[0].sku") {
					t.Fatalf("order with another merchant's SKU: %d %s", r.Status, r.Raw)
				}
			},
			"createOrderBatch": func(t *testing.T) {
				// The first merchant's order number is free for the second, and
				// the first merchant's SKU is not the second's product.
				r := midori.must(200, "POST", "/api/v1/orders/batch", map[string]any{"orders": []map[string]any{
					order("SO-SECRET", line("SECRET-1", 1)),
				}})
				item := decode[api.OrderBatchResult](t, r).Results[0]
				if item.Result != "refused" || strings.Contains(string(r.Raw), "限定品") || !strings.Contains(string(r.Raw), `"lines[0].sku"`) {
					t.Fatalf("batch with another merchant's order number and SKU: %s", r.Raw)
				}
				if r := sakura.must(200, "GET", "/api/v1/orders/SO-SECRET", nil); decode[api.Order](t, r).Status == "" {
					t.Fatalf("the first merchant's order: %s", r.Raw)
				}
			},
			"createInbound": func(t *testing.T) {
				r := midori.do("POST", "/api/v1/inbounds", map[string]any{
					"inbound_no": "ASN-M1", "expected_date": "2026-12-01", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 5}},
				})
				if r.Status != 422 {
					t.Fatalf("inbound with another merchant's SKU: %d %s", r.Status, r.Raw)
				}
			},
			"importInbounds": func(t *testing.T) {
				file := "入荷予定番号,入荷予定日,商品コード,JANコード,数量\nASN-M2,2026-12-01,SECRET-ONLY,,5\nASN-M2,2026-12-01,,4549526612343,5\n"
				r := midori.do("POST", "/api/v1/inbound-imports", file, "Content-Type", "text/csv")
				if r.Status != 422 || strings.Join(r.fields(), "|") != "2行目 商品コード|3行目 JANコード" {
					t.Fatalf("an inbound file naming another merchant's product by SKU and JAN: %d %s", r.Status, r.Raw)
				}
			},
			"getInboundSheet": notFound("GET", "/api/v1/inbounds/ASN-SECRET/pdf", nil),
			"putProduct": func(t *testing.T) {
				// The same SKU and barcode are the second merchant's own product, not the first's.
				midori.must(201, "PUT", "/api/v1/products/SECRET-1", product("別商品", 1, "4901234567894"))
				if r := sakura.must(200, "GET", "/api/v1/products/SECRET-1", nil); decode[api.Product](t, r).Name != "限定品" {
					t.Fatalf("the first merchant's product changed: %s", r.Raw)
				}
			},
			"updateInbound":     notFound("PUT", "/api/v1/inbounds/ASN-SECRET", map[string]any{"expected_date": "2026-12-01", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 1}}}),
			"cancelInbound":     notFound("POST", "/api/v1/inbounds/ASN-SECRET/cancel", nil),
			"erasePersonalData": notFound("POST", "/api/v1/orders/SO-SECRET/erase-personal-data", nil),
			"getRetention": func(t *testing.T) {
				sakura.must(200, "PUT", "/api/v1/personal-data-retention", map[string]any{"retention_days": 77})
				if r := midori.must(200, "GET", "/api/v1/personal-data-retention", nil); decode[api.Retention](t, r).RetentionDays == 77 {
					t.Fatalf("the second merchant reads the first's retention: %s", r.Raw)
				}
			},
			"listSuppliers":          emptyList("/api/v1/suppliers"),
			"getSupplier":            notFound("GET", "/api/v1/suppliers/SECRET-SUP", nil),
			"listReorderSuggestions": emptyList("/api/v1/reorder-suggestions"),
			"listPurchaseOrders":     emptyList("/api/v1/purchase-orders"),
			"getPurchaseOrder":       notFound("GET", poPath, nil),
			"getPurchaseOrderPDF":    notFound("GET", poPath+"/pdf", nil),
			"getPurchaseOrderCSV":    notFound("GET", poPath+"/csv", nil),
			"approvePurchaseOrder":   notFound("POST", poPath+"/approve", nil),
			"cancelPurchaseOrder":    notFound("POST", poPath+"/cancel", nil),
			"putSupplier": func(t *testing.T) {
				midori.must(201, "PUT", "/api/v1/suppliers/SECRET-SUP", map[string]any{"name": "別の仕入先", "lead_time_days": 1})
				r := sakura.must(200, "GET", "/api/v1/suppliers/SECRET-SUP", nil)
				if s := decode[api.Supplier](t, r); s.Name != "秘密の仕入先" || len(s.Skus) != 1 {
					t.Fatalf("the first merchant's supplier changed: %s", r.Raw)
				}
			},
			"deleteSupplier": func(t *testing.T) {
				if r := midori.do("DELETE", "/api/v1/suppliers/SECRET-SUP", nil); r.Status != 404 && r.Status != 204 {
					t.Fatalf("DELETE another merchant's supplier code: %d %s", r.Status, r.Raw)
				}
				sakura.must(200, "GET", "/api/v1/suppliers/SECRET-SUP", nil)
			},
			"acceptReorderSuggestions": func(t *testing.T) {
				r := midori.do("POST", "/api/v1/reorder-suggestions/accept", map[string]any{
					"supplier_code": "SECRET-SUP", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 10}},
				})
				if r.Status != 404 && r.Status != 422 {
					t.Fatalf("ordering the first merchant's product: %d %s", r.Status, r.Raw)
				}
			},
			"getReplenishmentSettings": func(t *testing.T) {
				sakura.must(200, "PUT", "/api/v1/replenishment-settings", map[string]any{"review_days": 9, "safety_days": 2, "window_days": 14, "auto_order": true})
				if r := midori.must(200, "GET", "/api/v1/replenishment-settings", nil); decode[api.ReplenishmentSettings](t, r).AutoOrder {
					t.Fatalf("the second merchant reads the first's settings: %s", r.Raw)
				}
			},
			"putReplenishmentSettings": func(t *testing.T) {
				before := decode[api.ReplenishmentSettings](t, sakura.must(200, "GET", "/api/v1/replenishment-settings", nil)).ReviewDays
				midori.must(200, "PUT", "/api/v1/replenishment-settings", map[string]any{"review_days": 30, "safety_days": 0, "window_days": 7, "auto_order": false})
				if r := sakura.must(200, "GET", "/api/v1/replenishment-settings", nil); decode[api.ReplenishmentSettings](t, r).ReviewDays != before {
					t.Fatalf("the first merchant's settings changed: %s", r.Raw)
				}
			},
			"getStockSettings": func(t *testing.T) {
				sakura.must(200, "PUT", "/api/v1/stock-settings", map[string]any{"default_buffer": 7})
				if r := midori.must(200, "GET", "/api/v1/stock-settings", nil); decode[api.StockSettings](t, r).DefaultBuffer == 7 {
					t.Fatalf("the second merchant reads the first's buffer: %s", r.Raw)
				}
			},
			"putStockSettings": func(t *testing.T) {
				before := decode[api.StockSettings](t, sakura.must(200, "GET", "/api/v1/stock-settings", nil)).DefaultBuffer
				midori.must(200, "PUT", "/api/v1/stock-settings", map[string]any{"default_buffer": 2})
				if r := sakura.must(200, "GET", "/api/v1/stock-settings", nil); decode[api.StockSettings](t, r).DefaultBuffer != before {
					t.Fatalf("the first merchant's buffer changed: %s", r.Raw)
				}
				if r := sakura.must(200, "GET", "/api/v1/stock/SECRET-1", nil); decode[api.Stock](t, r).Buffer != before {
					t.Fatalf("the first merchant's product keeps back %v, want its merchant's %v: %s", decode[api.Stock](t, r).Buffer, before, r.Raw)
				}
			},
			"getHoldSettings": func(t *testing.T) {
				sakura.must(200, "PUT", "/api/v1/hold-settings", map[string]any{"alert_days": 33, "auto_free": true})
				r := midori.must(200, "GET", "/api/v1/hold-settings", nil)
				if h := decode[api.HoldSettings](t, r); h.AlertDays == 33 || h.AutoFree {
					t.Fatalf("the second merchant reads the first's hold settings: %s", r.Raw)
				}
			},
			"putHoldSettings": func(t *testing.T) {
				before := decode[api.HoldSettings](t, sakura.must(200, "GET", "/api/v1/hold-settings", nil)).AlertDays
				midori.must(200, "PUT", "/api/v1/hold-settings", map[string]any{"alert_days": 2, "auto_free": false})
				if r := sakura.must(200, "GET", "/api/v1/hold-settings", nil); decode[api.HoldSettings](t, r).AlertDays != before {
					t.Fatalf("the first merchant's hold settings changed: %s", r.Raw)
				}
			},
			"putRetention": func(t *testing.T) {
				before := decode[api.Retention](t, sakura.must(200, "GET", "/api/v1/personal-data-retention", nil)).RetentionDays
				midori.must(200, "PUT", "/api/v1/personal-data-retention", map[string]any{"retention_days": 5})
				if r := sakura.must(200, "GET", "/api/v1/personal-data-retention", nil); decode[api.Retention](t, r).RetentionDays != before {
					t.Fatalf("the first merchant's retention changed: %s", r.Raw)
				}
			},
			"putProductBatch": func(t *testing.T) {
				// The same SKU is created as the second merchant's own product.
				sakura.must(201, "PUT", "/api/v1/products/SECRET-B", product("限定品B", 9999))
				p := product("別商品", 1)
				p["sku"] = "SECRET-B"
				if r := midori.must(200, "PUT", "/api/v1/products/batch", map[string]any{"products": []map[string]any{p}}); decode[api.ProductBatchResult](t, r).Created != 1 {
					t.Fatalf("the second merchant's own SECRET-B: %s", r.Raw)
				}
				if r := sakura.must(200, "GET", "/api/v1/products/SECRET-B", nil); decode[api.Product](t, r).Name != "限定品B" {
					t.Fatalf("the first merchant's product changed: %s", r.Raw)
				}
			},
			"listInserts": func(t *testing.T) {
				if r := midori.must(200, "GET", "/api/v1/inserts", nil); strings.Contains(string(r.Raw), "SECRET") {
					t.Fatalf("the second merchant lists the first's inserts: %s", r.Raw)
				}
			},
			"putInsert": func(t *testing.T) {
				// Its own insert of its own product, or a refusal while it has no SECRET-1.
				if r := midori.do("PUT", "/api/v1/inserts/SECRET-INS", map[string]any{"sku": "SECRET-1", "rule": "every"}); r.Status != 201 && r.Status != 422 {
					t.Fatalf("put: %d %s", r.Status, r.Raw)
				}
				for _, in := range decode[[]api.Insert](t, sakura.must(200, "GET", "/api/v1/inserts", nil)) {
					if in.Quantity != 3 {
						t.Fatalf("the first merchant's insert changed: %+v", in)
					}
				}
			},
			"deleteInsert": func(t *testing.T) {
				notFound("DELETE", "/api/v1/inserts/SECRET-INS2", nil)(t)
				if n := len(decode[[]api.Insert](t, sakura.must(200, "GET", "/api/v1/inserts", nil))); n != 2 {
					t.Fatalf("the first merchant has %d inserts, want 2", n)
				}
			},
			"listStatements": func(t *testing.T) {
				// The first merchant's closed October is not in the second's list.
				mustStatementMonth(t, db, "SAKURA", "SO-SECRET", true)
				mustStatementMonth(t, db, "MIDORI", "", false)
				if r := sakura.must(200, "GET", "/api/v1/statements", nil); !strings.Contains(string(r.Raw), `"closed"`) {
					t.Fatalf("the first merchant's months: %s", r.Raw)
				}
				for _, m := range decode[api.BillingStatementList](t, midori.must(200, "GET", "/api/v1/statements", nil)).Data {
					if m.Status != "open" {
						t.Fatalf("the second merchant sees a closed month it never had: %v", m)
					}
				}
			},
			"getStatement": func(t *testing.T) {
				mustStatementMonth(t, db, "SAKURA", "SO-SECRET", false)
				mustStatementMonth(t, db, "MIDORI", "", false)
				if r := sakura.must(200, "GET", "/api/v1/statements/2026-11?format=csv", nil); !strings.Contains(string(r.Raw), "SO-SECRET") {
					t.Fatalf("the first merchant's statement lacks its order: %s", r.Raw)
				}
				for _, path := range []string{"/api/v1/statements/2026-11?format=csv", "/api/v1/statements/2026-11", "/api/v1/statements/2026-10"} {
					if r := midori.must(200, "GET", path, nil); strings.Contains(string(r.Raw), "SO-SECRET") || strings.Contains(string(r.Raw), "pick_order") {
						t.Fatalf("GET %s shows the first merchant's order: %s", path, r.Raw)
					}
				}
			},
			"putWebhookEndpoint": func(t *testing.T) {
				midori.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "http://127.0.0.1:9/other"})
				if r := sakura.must(200, "GET", "/api/v1/webhook-endpoint", nil); decode[api.WebhookEndpoint](t, r).Url != "http://127.0.0.1:9/hook" {
					t.Fatalf("the first merchant's endpoint changed: %s", r.Raw)
				}
			},
		}
		// Reads first: the writes give the second merchant data of its own.
		var reads, writes []string
		spec, _ := mustLoadSpec()
		for _, path := range spec.Paths.InMatchingOrder() {
			if !strings.HasPrefix(path, apiBase) {
				continue // staff operations span every merchant by design
			}
			for method, op := range spec.Paths.Value(path).Operations() {
				id := strings.ToLower(op.OperationID[:1]) + op.OperationID[1:]
				if _, ok := ops[id]; !ok {
					t.Errorf("%s %s (%s) has no isolation check", method, path, id)
				} else if method == "GET" {
					reads = append(reads, id)
				} else {
					writes = append(writes, id)
				}
			}
		}
		for _, id := range append(reads, writes...) {
			t.Run(id, ops[id])
			delete(ops, id)
		}
		for id := range ops {
			t.Errorf("isolation check for %s, which the document does not have", id)
		}
	})
}

// markShipped hands an order's one parcel to the carrier, as the dock will.
func markShipped(db *storage.DB, number string) error {
	ctx := context.Background()
	if err := db.Exec(ctx, `INSERT INTO parcels (order_id, seq, carrier, service, tracking_number, handed_over_at)
		SELECT id, 1, 'yamato', 'takkyubin', '123456789013', '2026-11-23T10:00:00.000000Z' FROM orders WHERE number = '`+number+`'`); err != nil {
		return err
	}
	return nil
}

// mustStatementMonth gives merchant code a rate card from October 2026 and,
// when shipped names an order, ships it in November; close closes October.
// Done twice, it changes nothing.
func mustStatementMonth(t *testing.T, db *storage.DB, code, shipped string, close bool) {
	t.Helper()
	ctx := context.Background()
	m, err := db.FindMerchantByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	oct := soko.Month{Year: 2026, Month: time.October}
	if cards, _ := db.RateCards(ctx, m.ID); len(cards) == 0 {
		if err := db.SaveRateCard(ctx, &soko.RateCard{MerchantID: m.ID, From: oct, TaxRate: 10, Rounding: soko.RoundDown, StoragePeriods: 3, PickOrder: 15000}); err != nil {
			t.Fatal(err)
		}
	}
	if shipped != "" {
		if err := db.Exec(ctx, `INSERT INTO order_events (order_id, seq, action, from_status, to_status, created_at)
			SELECT id, 99, 'ship', 'labeled', 'shipped', '2026-11-23T10:00:00.000000Z' FROM orders o WHERE number = '`+shipped+`'
			AND NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.seq = 99)`); err != nil {
			t.Fatal(err)
		}
	}
	if close {
		if _, err := db.CloseStatement(ctx, m.ID, oct, soko.Issuer{Name: "soko 倉庫"}, 0); err != nil && soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatal(err)
		}
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
