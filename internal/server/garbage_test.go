package server

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestOps_ScanBodyMustBeOneJSONValue is the HTTP fuzz run's first find: a
// scan whose body had data after its JSON was applied under an empty scan
// id, and the same scan sent properly then waited and was refused. Such a
// body is refused, and the proper one is applied at once.
func TestOps_ScanBodyMustBeOneJSONValue(t *testing.T) {
	h := mustOpsServer(t, storagetest.MustOpenSQLite(t))
	hh := signIn(t, h, "P001", "1111")
	body := `{"scan_id":"trail-0000001","merchant_code":"SAKURA","code":"4901234567894"}`
	for _, bad := range []string{body + "}", body + body} {
		if r := hh.op("POST", "/ops/receive", bad, hh.csrf); r.Status != 400 {
			t.Errorf("%q: %d %s, want 400", bad, r.Status, r.Raw)
		}
	}
	// Before the fix it waited 5 s for an answer that never came, then 409.
	start := time.Now()
	if r := hh.op("POST", "/ops/receive", body, hh.csrf); r.Status != 200 || time.Since(start) > 4*time.Second {
		t.Fatalf("the scan sent properly: %d after %v: %s", r.Status, time.Since(start), r.Raw)
	}
}

// TestAPI_UnstorableTextIsRefused is the fuzz run's second find: NUL and
// invalid UTF-8, which PostgreSQL cannot store, were a 500 there and were
// stored by SQLite. Both databases now refuse them with a 4xx.
func TestAPI_UnstorableTextIsRefused(t *testing.T) {
	refused := func(t *testing.T, what string, r reply) {
		t.Helper()
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s: %d %.200s, want a 4xx", what, r.Status, r.Raw)
		}
	}
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		sup := signIn(t, mustOpsServer(t, db), "V001", "5555")
		for _, path := range []string{"/ops/locations/%00", "/ops/products/lookup?code=%FF", "/ops/stock/ledger?merchant_id=1&sku=%00", "/ops/station/orders/A%00"} {
			refused(t, "GET "+path, sup.op("GET", path, nil, ""))
		}
		refused(t, "NUL in a barcode", sup.op("POST", "/ops/receive", map[string]any{"scan_id": "nul-00000001", "merchant_code": "SAKURA", "code": "\u0000"}, sup.csrf))
		refused(t, "NUL in a lot", sup.op("POST", "/ops/receive", map[string]any{"scan_id": "nul-00000002", "merchant_code": "SAKURA", "code": "4901234567894", "lot": "L\u0000"}, sup.csrf))
	})
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		refused(t, "NUL in an Idempotency-Key", shop.do("POST", "/api/v1/orders", order("SO-NUL", line("MUG-1", 1)), "Idempotency-Key", "a\x00"))
		refused(t, "NUL in an inbound's lot", shop.do("POST", "/api/v1/inbounds", map[string]any{"inbound_no": "ASN-NUL", "expected_date": "2026-12-01", "lines": []map[string]any{{"sku": "MUG-1", "quantity": 1, "lot": "L\u0000"}}}))
	})
}

// TestAPI_BodyProblemsNameTheirField: a refusal of what the binder or the
// database could not take names the field a client must fix, not "body"
// or nothing (a bare 400).
func TestAPI_BodyProblemsNameTheirField(t *testing.T) {
	shop := client{t, mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{}), keySakura}
	shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
	nul := order("SO-NUL", line("MUG-1", 1))
	nul["ship_to"].(map[string]any)["name"] = "山\u0000田"
	decimal := order("SO-DEC", line("MUG-1", 1), line("MUG-1", 1))
	decimal["lines"].([]map[string]any)[1]["quantity"] = 1.5
	for name, c := range map[string]struct {
		body  any
		field string
	}{
		"NUL in a name":          {nul, "ship_to.name"},
		"an impossible date":     {withField(order("SO-DATE", line("MUG-1", 1)), "delivery_date", "2026-02-30"), "delivery_date"},
		"a decimal quantity":     {decimal, "lines[1].quantity"},
		"an integer written 1.0": {strings.Replace(mustJSON(t, order("SO-ONE", line("MUG-1", 7))), `"quantity":7`, `"quantity":1.0`, 1), "lines[0].quantity"},
		"an exponent":            {strings.Replace(mustJSON(t, order("SO-EXP", line("MUG-1", 7))), `"quantity":7`, `"quantity":1e1`, 1), "lines[0].quantity"},
	} {
		r := shop.do("POST", "/api/v1/orders", c.body)
		if r.Status != 422 || !slices.Contains(r.fields(), c.field) {
			t.Errorf("%s: %d %s, want 422 naming %s", name, r.Status, r.Raw, c.field)
		}
	}
	// A backslash before the text u0000 is text, not a NUL.
	text := order("SO-TEXT", line("MUG-1", 1))
	text["note"] = `C:\u0000`
	shop.must(201, "POST", "/api/v1/orders", text)
}

func withField(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAPI_ConventionsAClientChecks: a 405 says which methods the path has
// (RFC 9110), and an API path is never answered with a bare redirect.
func TestAPI_ConventionsAClientChecks(t *testing.T) {
	shop := client{t, mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{}), keySakura}
	r := shop.do("DELETE", "/api/v1/orders", nil)
	if r.Status != 405 || r.Header.Get("Allow") != "GET, POST" {
		t.Errorf("DELETE /api/v1/orders: %d Allow %q, want 405 Allow \"GET, POST\"", r.Status, r.Header.Get("Allow"))
	}
	if r := shop.do("GET", "/api/v1/orders/", nil); r.Status != 200 {
		t.Errorf("GET /api/v1/orders/: %d %s, want the list", r.Status, r.Raw)
	}
	for _, path := range []string{"/api/v1/inbounds/..%2F..%2F", "/api/v1/inbounds/x/", "/api/v1/nothing/"} {
		r := shop.do("GET", path, nil)
		if r.Status < 400 || r.Status >= 500 || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %d %q %s, want a 4xx problem", path, r.Status, r.Header.Get("Content-Type"), r.Raw)
		}
	}
}
