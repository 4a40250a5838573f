package server

import (
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

// TestJSONNUL_TellsAnEscapedNULFromText: "\u0000" in a JSON string is a NUL,
// "\\u0000" is a backslash and the text u0000.
func TestJSONNUL_TellsAnEscapedNULFromText(t *testing.T) {
	for body, nul := range map[string]bool{
		`{"a":"\u0000"}`: true, `{"a":"x\U0000"}`: true, `{"a":"\\\u0000"}`: true,
		`{"a":"\\u0000"}`: false, `{"a":"u0000"}`: false, `{"a":"\u00001"}`: true,
	} {
		if got := jsonNUL.MatchString(body); got != nul {
			t.Errorf("%s: NUL %v, want %v", body, got, nul)
		}
	}
}
