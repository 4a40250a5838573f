package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustConsolidating turns on the shop's consent to 同梱, as the admin does.
func mustConsolidating(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	m, err := db.FindMerchantByCode(ctx, "SAKURA")
	if err != nil {
		t.Fatal(err)
	}
	m.Consolidate = true
	if err := db.UpdateMerchant(ctx, m); err != nil {
		t.Fatal(err)
	}
}

// TestConsolidate_TwoOrdersOneParcel: two orders the shop sends for one
// customer leave as one parcel — one wave tote, one inspection at the
// station, one label — and both are shipped and notified with the same
// tracking number; the packing slip lists each order's lines under its
// own number.
func TestConsolidate_TwoOrdersOneParcel(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustShippingSite(t, db)
		mustConsolidating(t, db)
		s.createOrder("SO-1")
		s.createOrder("SO-2")
		numbers := s.ship("SO-1", "SO-2")
		if len(numbers) != 1 {
			t.Fatalf("tracking numbers %v, want one parcel", numbers)
		}

		for _, n := range []string{"SO-1", "SO-2"} {
			o := decode[api.Order](t, s.shop.must(200, "GET", "/api/v1/orders/"+n, nil))
			if o.Status != "shipped" || fmt.Sprint(o.TrackingNumbers) != fmt.Sprint(numbers) {
				t.Errorf("%s: %s %v, want shipped with %v", n, o.Status, o.TrackingNumbers, numbers)
			}
		}
		if r := s.shop.must(200, "GET", "/api/v1/orders/SO-2", nil); !pointsTo(decode[api.Order](t, r).ConsolidatedInto, "SO-1") {
			t.Errorf("SO-2 consolidated_into: %s, want SO-1", r.Raw)
		}
		// An order may opt out (the wave then leaves it alone: storage tests).
		apart := order("SO-3", line("MUG", 1))
		apart["consolidate"] = false
		if r := s.shop.must(201, "POST", "/api/v1/orders", apart); !pointsTo(decode[api.Order](t, r).Consolidate, false) {
			t.Errorf("SO-3 opting out: %s", r.Raw)
		}

		// Each order is notified: a webhook and an email with the shared number.
		if _, failed := s.deliver(); failed != 0 {
			t.Fatalf("%d notifications failed", failed)
		}
		for _, n := range []string{"SO-1", "SO-2"} {
			events := s.merchant.events(t, n)
			i := slices.IndexFunc(events, func(e webhookEvent) bool { return e.Type == "order.shipped" })
			if i < 0 || len(events[i].Data.Parcels) != 1 || events[i].Data.Parcels[0].TrackingNumber != numbers[0] {
				t.Errorf("%s's webhooks %v: want order.shipped with %s", n, eventTypes(events), numbers[0])
			}
		}
		_, _, letters := s.mailbox.received()
		mailed := map[string]bool{}
		for _, raw := range letters {
			if l := mustReadLetter(t, raw); strings.Contains(l.body, numbers[0]) {
				mailed[l.subject] = true
			}
		}
		if len(mailed) != 2 {
			t.Errorf("emails with the tracking number %s: %v, want one per order", numbers[0], mailed)
		}

		// The packing slip, printed from either order, lists both.
		packer := s.signIn("K001", "3333")
		st := packer.op("GET", "/ops/station/orders/SO-2", nil, "")
		if st.Status != 200 {
			t.Fatalf("SO-2 at the station: %d %s, want SO-1's parcel", st.Status, st.Raw)
		}
		parcel := decode[api.StationOrder](t, st)
		if parcel.OrderNo != "SO-1" {
			t.Fatalf("SO-2 at the station: %d %s, want SO-1's parcel", st.Status, st.Raw)
		}
		slip := packer.op("GET", fmt.Sprintf("/ops/station/orders/%d/slip.pdf", parcel.Id), nil, "")
		if slip.Status != 200 {
			t.Fatalf("slip: %d %s", slip.Status, slip.Raw)
		}
		text := strings.Join(strings.Fields(pdfText(t, slip.Raw)), "")
		towel, mug := strings.Join(strings.Fields(shopProducts["TOWEL"].name), ""), strings.Join(strings.Fields(shopProducts["MUG"].name), "")
		one, two := strings.Index(text, "ご注文番号SO-1（同梱）"), strings.Index(text, "ご注文番号SO-2（同梱）")
		if one < 0 || two < one {
			t.Fatalf("the slip does not head each order's lines with its number:\n%s", text)
		}
		for _, part := range []string{text[one:two], text[two:]} {
			if !strings.Contains(part, towel) || !strings.Contains(part, mug) {
				t.Errorf("an order's part of the slip lacks its lines:\n%s", part)
			}
		}
	})
}

// TestConsolidate_MerchantSetting: the admin turns 同梱 on for a merchant
// where its other settings live; it starts off, and the change is audited.
func TestConsolidate_MerchantSetting(t *testing.T) {
	site := mustAdminSite(t)
	admin := signIn(t, site.h, "A001", pinAdmin)
	path := fmt.Sprintf("/ops/admin/merchants/%d", site.seed.Merchants[0].ID)
	sender := map[string]any{"postal_code": "111-0032", "prefecture": "東京都", "city": "台東区", "address1": "浅草2-3-1", "name": "さくら雑貨店"}
	list := admin.op("GET", "/ops/admin/merchants", nil, "")
	if list.Status != 200 || !strings.Contains(string(list.Raw), `"consolidate":false`) {
		t.Fatalf("merchants before: %d %s, want consolidation off", list.Status, list.Raw)
	}
	r := admin.op("PUT", path, map[string]any{"name": "さくら雑貨店", "sender": sender, "consolidate": true}, admin.csrf)
	if r.Status != 200 || !decode[api.AdminMerchant](t, r).Consolidate {
		t.Fatalf("turn consolidation on: %d %s", r.Status, r.Raw)
	}
	if m, _ := site.db.MerchantByID(context.Background(), site.seed.Merchants[0].ID); !m.Consolidate {
		t.Error("the setting was not stored")
	}
	entries, _, err := site.db.AuditLog(context.Background(), soko.AuditFilter{Action: "merchant.update", Limit: 5})
	if err != nil || len(entries) == 0 || !strings.Contains(entries[0].After, `"consolidate":true`) {
		t.Errorf("audit %+v (%v), want the change logged", entries, err)
	}
}
