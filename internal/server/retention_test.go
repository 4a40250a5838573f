package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestErasePersonalData_NeverReappears: a merchant erases the customer of
// a shipped order over the API; the order answers 削除済み, its slip and
// label print no name, address or phone any more, its email cannot be
// sent again, and an order not yet shipped is refused with 409 in
// Japanese. The merchant reads and sets its retention.
func TestErasePersonalData_NeverReappears(t *testing.T) {
	pdftotext := mustTool(t, "pdftotext")
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := mustShippingSite(t, db)
		s.createOrder("SO-1")
		s.ship("SO-1")
		if d, f := s.deliver(); d != 7 || f != 0 { // six webhooks, one email
			t.Fatalf("worker delivered %d, failed %d", d, f)
		}
		sakura, err := db.FindMerchantByCode(ctx, "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		o, err := db.FindOrder(ctx, sakura.ID, "SO-1")
		if err != nil {
			t.Fatal(err)
		}
		packer, sup := s.signIn("K001", "3333"), s.signIn("V001", "5555")
		documents := func() string {
			t.Helper()
			r := packer.op("GET", fmt.Sprintf("/ops/station/orders/%d/documents.pdf", o.ID), nil, "")
			if r.Status != 200 {
				t.Fatalf("documents of SO-1: %d %s", r.Status, r.Raw)
			}
			path := filepath.Join(t.TempDir(), "documents.pdf")
			if err := os.WriteFile(path, r.Raw, 0o644); err != nil {
				t.Fatal(err)
			}
			return strings.Join(strings.Fields(mustRun(t, pdftotext, "-layout", "-enc", "UTF-8", path, "-")), "")
		}
		personal := []string{"山田太郎", "丸の内1-9-1", "グラントウキョウ", "03-1234-5678"}
		before := documents()
		for _, v := range personal {
			if !strings.Contains(before, v) {
				t.Fatalf("the slip and label should print %q before erasure: %s", v, before)
			}
		}

		erased := s.shop.must(200, "POST", "/api/v1/orders/SO-1/erase-personal-data", nil, "Idempotency-Key", "erase-SO-1")
		if o := decode[api.Order](t, erased); o.ShipTo.Name != "削除済み" || o.ShipTo.Email != "" || o.ShipTo.Prefecture != "東京都" || o.Status != "shipped" {
			t.Fatalf("erased order: %s", erased.Raw)
		}
		if strings.Contains(string(s.shop.must(200, "GET", "/api/v1/orders/SO-1", nil).Raw), "山田") {
			t.Fatal("the order still names its customer")
		}
		after := documents()
		for _, v := range personal {
			if strings.Contains(after, v) {
				t.Errorf("the slip and label still print %q after erasure: %s", v, after)
			}
		}
		if !strings.Contains(after, "削除済み") {
			t.Errorf("the documents do not say the data was erased: %s", after)
		}

		emails := sup.op("GET", "/ops/deliveries?channel=email", nil, "")
		if emails.Status != 200 {
			t.Fatalf("emails after erasure: %d %s", emails.Status, emails.Raw)
		}
		list := decode[api.OpsDeliveryList](t, emails).Data
		if len(list) != 1 || strings.Contains(string(emails.Raw), "山田") || strings.Contains(string(emails.Raw), "taro@example.jp") {
			t.Fatalf("emails after erasure: %d %s", emails.Status, emails.Raw)
		}
		id := list[0].Id
		if r := sup.op("POST", fmt.Sprintf("/ops/deliveries/%d/redeliver", id), nil, sup.csrf); r.Status != 409 {
			t.Fatalf("sending the erased customer's email again: %d %s", r.Status, r.Raw)
		}
		if d, f := s.deliver(); d+f != 0 {
			t.Fatalf("after erasure the worker delivered %d, failed %d", d, f)
		}
		if _, _, letters := s.mailbox.received(); len(letters) != 1 {
			t.Fatalf("%d emails went out, want only the one before erasure", len(letters))
		}

		s.createOrder("SO-2")
		refused := s.shop.must(409, "POST", "/api/v1/orders/SO-2/erase-personal-data", nil)
		if !strings.Contains(string(refused.Raw), "出荷") {
			t.Errorf("refusal of an order not shipped: %s", refused.Raw)
		}
		if o := s.shop.must(200, "GET", "/api/v1/orders/SO-2", nil); decode[api.Order](t, o).ShipTo.Name != "山田 太郎" {
			t.Errorf("SO-2 changed: %s", o.Raw)
		}

		if r := s.shop.must(200, "GET", "/api/v1/personal-data-retention", nil); decode[api.Retention](t, r).RetentionDays != 0 {
			t.Errorf("retention by default: %s", r.Raw)
		}
		s.shop.must(422, "PUT", "/api/v1/personal-data-retention", map[string]any{"retention_days": -1})
		if r := s.shop.must(200, "PUT", "/api/v1/personal-data-retention", map[string]any{"retention_days": 365}); decode[api.Retention](t, r).RetentionDays != 365 {
			t.Errorf("retention set: %s", r.Raw)
		}
		if m, _ := db.FindMerchantByCode(ctx, "SAKURA"); m.RetentionDays != 365 {
			t.Errorf("retention stored: %d", m.RetentionDays)
		}
	})
}
