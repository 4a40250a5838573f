package server

import (
	"context"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A merchant corrects an inbound notice and cancels another until the
// warehouse starts receiving; from then on both are refused with a reason,
// and the floor no longer receives against a cancelled one.
func TestAPI_InboundChangeAndCancel(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		shop.must(201, "PUT", "/api/v1/products/MUG-2", product("湯のみ", 900))
		inbound := func(number string, lines ...map[string]any) map[string]any {
			return map[string]any{"inbound_no": number, "expected_date": "2026-12-01", "lines": lines}
		}
		shop.must(201, "POST", "/api/v1/inbounds", inbound("ASN-1", line("MUG-1", 10)))
		shop.must(201, "POST", "/api/v1/inbounds", inbound("ASN-2", line("MUG-1", 5)))

		changed := shop.must(200, "PUT", "/api/v1/inbounds/ASN-1", map[string]any{
			"expected_date": "2026-12-03", "lines": []map[string]any{line("MUG-1", 12), line("MUG-2", 6)},
		})
		if in := decode[api.Inbound](t, changed); in.ExpectedDate.String() != "2026-12-03" || len(in.Lines) != 2 || in.Status != "expected" {
			t.Fatalf("changed inbound: %s", changed.Raw)
		}
		if r := shop.do("PUT", "/api/v1/inbounds/ASN-1", map[string]any{"expected_date": "2026-12-03", "lines": []map[string]any{line("NOPE", 1)}}); r.Status != 422 {
			t.Fatalf("a change naming an unknown SKU: %d %s", r.Status, r.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/inbounds/ASN-1", nil); len(decode[api.Inbound](t, r).Lines) != 2 {
			t.Fatalf("a refused change touched the inbound: %s", r.Raw)
		}

		if r := shop.must(200, "POST", "/api/v1/inbounds/ASN-2/cancel", nil); decode[api.Inbound](t, r).Status != "cancelled" {
			t.Fatalf("cancelled inbound: %s", r.Raw)
		}
		shop.must(200, "POST", "/api/v1/inbounds/ASN-2/cancel", nil) // again: nothing changes
		if r := shop.do("PUT", "/api/v1/inbounds/ASN-2", map[string]any{"expected_date": "2026-12-03", "lines": []map[string]any{line("MUG-1", 1)}}); r.Status != 409 {
			t.Fatalf("changing a cancelled inbound: %d %s", r.Status, r.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/inbounds?status=cancelled", nil); len(decode[api.InboundList](t, r).Data) != 1 {
			t.Fatalf("cancelled inbounds: %s", r.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/inbounds?status=expected", nil); len(decode[api.InboundList](t, r).Data) != 1 {
			t.Fatalf("expected inbounds: %s", r.Raw)
		}

		// The floor: the cancelled inbound is not on its list and takes no receipt.
		if err := db.Load(ctx, &soko.Seed{Locations: []soko.Location{{Code: "RCV-01", Zone: "R", WalkSequence: 99, Kind: soko.LocationReceiving}}}); err != nil {
			t.Fatal(err)
		}
		floor, _, err := db.OpsInbounds(ctx, "", 0)
		if err != nil || len(floor) != 1 || floor[0].Number != "ASN-1" {
			t.Fatalf("the floor's inbounds: %+v %v, want ASN-1 alone", floor, err)
		}
		sakura, _ := db.FindMerchantByCode(ctx, "SAKURA")
		mug, _ := db.FindProduct(ctx, sakura.ID, "MUG-1")
		cancelled, _ := db.FindInbound(ctx, sakura.ID, "ASN-2")
		_, err = db.Receive(ctx, &soko.Receipt{ScanID: "rcv-00000001", InboundID: cancelled.ID, MerchantID: sakura.ID, ProductID: mug.ID, Units: 1})
		if soko.ErrorCode(err) != soko.ECONFLICT || !strings.Contains(soko.ErrorMessage(err, "ja"), "キャンセル") {
			t.Fatalf("receiving against a cancelled inbound: %v", err)
		}

		// Receiving starts on ASN-1: the merchant can no longer change or cancel it.
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "rcv-00000002", InboundID: floor[0].ID, MerchantID: sakura.ID, ProductID: mug.ID, Units: 1}); err != nil {
			t.Fatal(err)
		}
		for _, r := range []reply{
			shop.do("PUT", "/api/v1/inbounds/ASN-1", map[string]any{"expected_date": "2026-12-04", "lines": []map[string]any{line("MUG-1", 1)}}),
			shop.do("POST", "/api/v1/inbounds/ASN-1/cancel", nil),
		} {
			if r.Status != 409 || !strings.Contains(decode[api.Problem](t, r).Detail, "入荷作業が始まっている") {
				t.Errorf("after receiving started: %d %s", r.Status, r.Raw)
			}
		}
	})
}
