package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
)

// TestAudit_AdminChangeLoggedWithWhoAndWhere: a staff member the admin
// adds through the console API is in the audit log under the admin's
// badge, device and address, without the PIN soko made; a merchant's
// cancellation over the API is logged under its key.
func TestAudit_AdminChangeLoggedWithWhoAndWhere(t *testing.T) {
	site := mustAdminSite(t)
	admin := signIn(t, site.h, "A001", pinAdmin)
	made := admin.must(201, "POST", "/ops/admin/staff", map[string]any{"badge_code": "K010", "name": "新人", "role": "packer"}, "Cookie", admin.cookie.Name+"="+admin.cookie.Value, "X-CSRF-Token", admin.csrf)
	pin := *decode[api.AdminStaffPIN](t, made).Pin

	r := admin.op("GET", "/ops/admin/audit-log?action=staff.create&actor=a001", nil, "")
	if r.Status != 200 {
		t.Fatalf("audit log: %d %s", r.Status, r.Raw)
	}
	data := decode[api.AuditEntryList](t, r).Data
	if len(data) != 1 {
		t.Fatalf("%d entries for the new staff member, want 1: %s", len(data), r.Raw)
	}
	e := data[0]
	var after map[string]any // the document leaves a change's fields open
	if e.After != nil {
		after = *e.After
	}
	if e.Actor != "A001" || e.ActorKind != "staff" || e.Device != "HT-01" || e.Address != "192.0.2.1" ||
		e.TargetType != "staff" || after["badge"] != "K010" || after["role"] != "packer" || e.Before != nil {
		t.Errorf("the entry: %s", r.Raw)
	}
	if strings.Contains(string(r.Raw), pin) || strings.Contains(string(r.Raw), "pin_hash") {
		t.Errorf("the audit log shows the PIN or its hash: %s", r.Raw)
	}

	// A merchant's key cancels an order: logged under key:<id>.
	key := client{t, site.h, keyAdminTests}
	key.must(201, "PUT", "/api/v1/products/TEA", product("緑茶", 800))
	key.must(201, "POST", "/api/v1/orders", order("AUD-1", line("TEA", 1)), "Idempotency-Key", "aud-1")
	key.must(200, "POST", "/api/v1/orders/AUD-1/cancel", map[string]any{"reason": "お客様都合"}, "Idempotency-Key", "aud-2")
	k, err := site.db.Authenticate(context.Background(), keyAdminTests)
	if err != nil {
		t.Fatal(err)
	}
	r = admin.op("GET", "/ops/admin/audit-log?actor=key:"+fmt.Sprint(k.ID), nil, "")
	data = decode[api.AuditEntryList](t, r).Data
	if len(data) != 1 || data[0].Action != "order.cancel" || !pointsTo(data[0].ActorMerchantId, k.MerchantID) {
		t.Errorf("the key's cancellation: %s", r.Raw)
	}
	if strings.Contains(string(r.Raw), "山田") {
		t.Errorf("the audit log holds the customer's name: %s", r.Raw)
	}
}

// TestRoles_AuditLogForAdminsOnly: pickers and supervisors are refused the
// audit log (403, in their language); bad filters are a 422 naming the
// field in Japanese, never a 500.
func TestRoles_AuditLogForAdminsOnly(t *testing.T) {
	site := mustAdminSite(t)
	for _, who := range [][2]string{{"P001", "1111"}, {"V001", "5555"}} {
		s := signIn(t, site.h, who[0], who[1])
		if r := s.op("GET", "/ops/admin/audit-log", nil, ""); r.Status != 403 || !strings.Contains(string(r.Raw), "権限がありません") {
			t.Errorf("%s reads the audit log: %d %s", who[0], r.Status, r.Raw)
		}
	}
	admin := signIn(t, site.h, "A001", pinAdmin)
	for q, field := range map[string]string{
		"from=2026-11-23&to=2026-11-22": "to",
		"actor=key:x":                   "actor",
		"target_id=0":                   "target_id",
		"action=DROP%20TABLE":           "action",
		"from=yesterday":                "from",
	} {
		r := admin.op("GET", "/ops/admin/audit-log?"+q, nil, "")
		if r.Status != 422 {
			t.Errorf("%s: %d %s, want 422 naming %s in Japanese", q, r.Status, r.Raw, field)
			continue
		}
		errs := decode[api.Problem](t, r).Errors
		if errs == nil || len(*errs) != 1 || (*errs)[0].Field != field || !inJapanese((*errs)[0].Message) {
			t.Errorf("%s: %d %s, want 422 naming %s in Japanese", q, r.Status, r.Raw, field)
		}
	}
	if r := admin.op("GET", "/ops/admin/audit-log?limit=1&cursor=bad", nil, ""); r.Status != 422 {
		t.Errorf("a bad cursor: %d %s", r.Status, r.Raw)
	}
}
