package server

import (
	"encoding/json"
	"testing"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// FuzzCreateOrder throws bodies at POST /api/v1/orders: whatever comes in,
// the answer is never a 5xx. In a plain test run only the seeds run; CI's
// fuzz step runs it for a bounded time.
func FuzzCreateOrder(f *testing.F) {
	good, _ := json.Marshal(order("SO-F", line("MUG-1", 1)))
	for _, seed := range []string{
		string(good), "", "{}", "[]", "null", `{"order_no": 1}`, `{"order_no": "A", "lines": [{}]}`,
		`{"order_no":"A","ship_to":{"name":"𠮷野家","postal_code":"〒１００-０００５","prefecture":"東京","city":"x","address1":"y"},"lines":[{"sku":"MUG-1","quantity":1}]}`,
		`{"order_no":"A","ship_to":{"name":"a","postal_code":"1000005","prefecture":"東京都","city":"x","address1":"y"},"lines":[{"sku":"MUG-1","quantity":1}],"carrier":"japanpost","service":"yupacket","cod_amount":999999,"time_slot":"am","delivery_date":"1999-01-01"}`,
		"\x00\xff", `{"order_no":"` + string(make([]byte, 300)) + `"}`,
	} {
		f.Add(seed)
	}
	db := storagetest.MustOpenSQLite(f)
	h := mustAPIServer(f, db, Config{})
	shop := client{f, h, keySakura}
	shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
	f.Fuzz(func(t *testing.T, body string) {
		r := client{t, h, keySakura}.do("POST", "/api/v1/orders", body)
		if r.Status >= 500 {
			t.Fatalf("body %q answered %d: %s", body, r.Status, r.Raw)
		}
	})
}
