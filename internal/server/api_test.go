package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// Two merchants' keys, as their systems would hold them.
const (
	keySakura = "soko_sakuratestkeyaaaaaaaaaaaaaaaaaaa"
	keyMidori = "soko_midoritestkeybbbbbbbbbbbbbbbbbbb"
)

// apiSeed returns the seed mustAPIServer loads: two merchants, their keys
// and a pick shelf.
func apiSeed() *soko.Seed {
	return &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}, {Code: "MIDORI", Name: "みどり食品"}},
		APIKeys:   []soko.SeedAPIKey{{MerchantCode: "SAKURA", Secret: keySakura}, {MerchantCode: "MIDORI", Secret: keyMidori}},
		Locations: []soko.Location{{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
	}
}

// mustAPIServer returns a server on db with two merchants and their keys.
func mustAPIServer(tb testing.TB, db *storage.DB, cfg Config) http.Handler {
	tb.Helper()
	return mustSeededAPIServer(tb, db, cfg, apiSeed())
}

// mustSeededAPIServer returns a server on db loaded with seed (apiSeed and
// more).
func mustSeededAPIServer(tb testing.TB, db *storage.DB, cfg Config, seed *soko.Seed) http.Handler {
	tb.Helper()
	if err := db.Load(context.Background(), seed); err != nil {
		tb.Fatal(err)
	}
	cfg.Store = db
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return storagetest.Fixed }
	}
	if cfg.RatePerSecond == 0 {
		cfg.RatePerSecond, cfg.RateBurst = 10000, 10000
	}
	return New(cfg)
}

// client calls the API as one merchant's system would.
type client struct {
	tb  testing.TB
	h   http.Handler
	key string
}

// reply is an answer: its status, headers and JSON body.
type reply struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

func (c client) do(method, path string, body any, header ...string) reply {
	c.tb.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.tb.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	out := reply{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.Bytes()}
	json.Unmarshal(out.Raw, &out.JSON)
	return out
}

func (c client) must(want int, method, path string, body any, header ...string) reply {
	c.tb.Helper()
	r := c.do(method, path, body, header...)
	if r.Status != want {
		c.tb.Fatalf("%s %s: %d, want %d\n%s", method, path, r.Status, want, r.Raw)
	}
	return r
}

// decode reads r's body as a T, the generated type the API document gives
// the answer, so a renamed or retyped field breaks the test's compilation
// rather than reading nil. The answer must be T exactly: a member T lacks
// fails the test, and so does a required member (one T does not mark
// omitempty) the answer leaves out, as indexing a map had.
func decode[T any](tb testing.TB, r reply) T {
	tb.Helper()
	var v T
	d := json.NewDecoder(bytes.NewReader(r.Raw))
	d.DisallowUnknownFields()
	if err := d.Decode(&v); err != nil {
		tb.Fatalf("answer is not a %T: %v\n%s", v, err, r.Raw)
	}
	var raw any
	if err := json.Unmarshal(r.Raw, &raw); err != nil {
		tb.Fatal(err)
	}
	if missing := missingMembers(reflect.TypeFor[T](), raw, ""); missing != "" {
		tb.Fatalf("answer lacks %s, which %T requires\n%s", missing, v, r.Raw)
	}
	return v
}

// missingMembers names the first member that type t requires and the
// decoded JSON value v leaves out, or returns "".
func missingMembers(t reflect.Type, v any, path string) string {
	if v == nil || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return ""
	}
	switch t.Kind() {
	case reflect.Pointer:
		return missingMembers(t.Elem(), v, path)
	case reflect.Slice:
		xs, _ := v.([]any)
		for i, x := range xs {
			if m := missingMembers(t.Elem(), x, fmt.Sprintf("%s[%d]", path, i)); m != "" {
				return m
			}
		}
	case reflect.Struct:
		obj, _ := v.(map[string]any)
		for i := range t.NumField() {
			name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			x, ok := obj[name]
			if !ok && !strings.Contains(opts, "omitempty") {
				return strings.TrimPrefix(path+"."+name, ".")
			}
			if m := missingMembers(t.Field(i).Type, x, strings.TrimPrefix(path+"."+name, ".")); m != "" {
				return m
			}
		}
	}
	return ""
}

// pointsTo reports whether p is set to v: an optional member the answer
// must carry with that value.
func pointsTo[T comparable](p *T, v T) bool { return p != nil && *p == v }

// fields lists the fields a problem answer names.
func (r reply) fields() []string {
	var p api.Problem
	if json.Unmarshal(r.Raw, &p) != nil || p.Errors == nil {
		return nil
	}
	var out []string
	for _, e := range *p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func product(name string, price int, barcodes ...string) map[string]any {
	p := map[string]any{"name": name, "price": price, "tax_rate": 10, "weight_grams": 300}
	var bs []map[string]any
	for _, b := range barcodes {
		bs = append(bs, map[string]any{"code": b})
	}
	if bs != nil {
		p["barcodes"] = bs
	}
	return p
}

func order(number string, lines ...map[string]any) map[string]any {
	return map[string]any{
		"order_no": number,
		"ship_to": map[string]any{
			"name": "山田 太郎", "postal_code": "100-0005", "prefecture": "東京都", "city": "千代田区",
			"address1": "丸の内1-9-1", "address2": "グラントウキョウ 10F", "phone": "03-1234-5678", "email": "taro@example.jp",
		},
		"lines":     lines,
		"carrier":   "yamato",
		"service":   "takkyubin",
		"time_slot": "14-16",
	}
}

func line(sku string, qty int) map[string]any { return map[string]any{"sku": sku, "quantity": qty} }

func TestAPI_ProductsOrdersRoundTrip(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}

		shop.must(201, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 1650, "4901234567894"))
		// The case code needs its pack quantity.
		bad := shop.must(422, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 1650, "14901234567891"))
		if f := bad.fields(); len(f) != 1 || f[0] != "barcodes[0].pack_quantity" {
			t.Fatalf("case code without a quantity: fields %v", f)
		}
		withCase := product("今治タオル バスタオル", 1800, "4901234567894")
		withCase["barcodes"] = []map[string]any{{"code": "4901234567894"}, {"code": "14901234567891", "pack_quantity": 12}}
		updated := shop.must(200, "PUT", "/api/v1/products/TOWEL-1", withCase)
		if p := decode[api.Product](t, updated); p.Name != "今治タオル バスタオル" || len(p.Barcodes) != 2 {
			t.Fatalf("update answered %s", updated.Raw)
		}
		for i := 2; i <= 5; i++ {
			shop.must(201, "PUT", fmt.Sprintf("/api/v1/products/MUG-%d", i), product(fmt.Sprintf("マグカップ %d", i), 1200))
		}
		got := shop.must(200, "GET", "/api/v1/products/TOWEL-1", nil)
		if decode[api.Product](t, got).Price != 1800 {
			t.Fatalf("GET product: %s", got.Raw)
		}

		// Pages of 2 cover all 5 products exactly once.
		seen := map[string]int{}
		pages := 0
		for cursor := ""; ; pages++ {
			page := decode[api.ProductList](t, shop.must(200, "GET", "/api/v1/products?limit=2"+cursor, nil))
			for _, p := range page.Data {
				seen[p.Sku]++
			}
			next := page.NextCursor
			if next == nil {
				break
			}
			cursor = "&cursor=" + *next
		}
		if len(seen) != 5 || pages != 2 {
			t.Fatalf("paging saw %v in %d pages", seen, pages+1)
		}
		for sku, n := range seen {
			if n != 1 {
				t.Fatalf("%s listed %d times", sku, n)
			}
		}

		// Orders: the address comes back normalised; prices default to the product's.
		o := order("SO-1", line("TOWEL-1", 2), line("MUG-2", 1))
		o["ship_to"].(map[string]any)["postal_code"] = "１００－０００５"
		r := shop.must(201, "POST", "/api/v1/orders", o)
		// Nothing is in stock, so the order waits for it.
		created := decode[api.Order](t, r)
		if created.Status != "backordered" || created.ShipTo.PostalCode != "1000005" {
			t.Fatalf("created order: %s", r.Raw)
		}
		if created.Lines[0].UnitPrice != 1800 {
			t.Fatalf("unit price did not default to the product's: %s", r.Raw)
		}
		shop.must(409, "POST", "/api/v1/orders", order("SO-1", line("TOWEL-1", 1)))
		for i := 2; i <= 5; i++ {
			shop.must(201, "POST", "/api/v1/orders", order(fmt.Sprintf("SO-%d", i), line("MUG-3", i)))
		}
		var numbers []string
		for cursor := ""; ; {
			page := decode[api.OrderList](t, shop.must(200, "GET", "/api/v1/orders?limit=2"+cursor, nil))
			for _, o := range page.Data {
				numbers = append(numbers, o.OrderNo)
			}
			if page.NextCursor == nil {
				break
			}
			cursor = "&cursor=" + *page.NextCursor
		}
		if strings.Join(numbers, ",") != "SO-1,SO-2,SO-3,SO-4,SO-5" {
			t.Fatalf("listed orders %v", numbers)
		}
		if r := shop.must(200, "GET", "/api/v1/orders?status=cancelled", nil); len(decode[api.OrderList](t, r).Data) != 0 {
			t.Fatalf("status filter: %s", r.Raw)
		}
		future := storagetest.Fixed.Add(time.Hour).Format(time.RFC3339)
		if r := shop.must(200, "GET", "/api/v1/orders?updated_since="+future, nil); len(decode[api.OrderList](t, r).Data) != 0 {
			t.Fatalf("updated_since in the future listed %s", r.Raw)
		}

		cancelled := shop.must(200, "POST", "/api/v1/orders/SO-2/cancel", map[string]any{"reason": "お客様都合"})
		if decode[api.Order](t, cancelled).Status != "cancelled" {
			t.Fatalf("cancel: %s", cancelled.Raw)
		}
		shop.must(200, "POST", "/api/v1/orders/SO-2/cancel", nil)
		ev := shop.must(200, "GET", "/api/v1/orders/SO-2/events", nil)
		data := decode[api.OrderEventList](t, ev).Data
		last := data[len(data)-1]
		if len(data) != 3 || data[0].Type != "create" || data[1].To != "backordered" ||
			last.To != "cancelled" || !pointsTo(last.Detail, "お客様都合") {
			t.Fatalf("events: %s", ev.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/orders?status=cancelled", nil); len(decode[api.OrderList](t, r).Data) != 1 {
			t.Fatalf("cancelled orders: %s", r.Raw)
		}

		st := shop.must(200, "GET", "/api/v1/stock/TOWEL-1", nil)
		if s := decode[api.Stock](t, st); s.OnHand != 0 || s.Available != 0 {
			t.Fatalf("stock: %s", st.Raw)
		}
		shop.must(200, "GET", "/api/v1/stock?limit=3", nil)

		in := shop.must(201, "POST", "/api/v1/inbounds", map[string]any{
			"inbound_no": "ASN-1", "expected_date": "2026-11-30",
			"lines": []map[string]any{{"sku": "TOWEL-1", "quantity": 120}, {"sku": "MUG-2", "quantity": 24, "lot": "L1", "expiry": "2027-03-31"}},
		})
		if i := decode[api.Inbound](t, in); i.Status != "expected" || len(i.Lines) != 2 {
			t.Fatalf("inbound: %s", in.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/inbounds/ASN-1", nil); fmt.Sprint(decode[api.Inbound](t, r).Lines[1].Expiry) != "2027-03-31" {
			t.Fatalf("inbound read back: %s", r.Raw)
		}
		shop.must(200, "GET", "/api/v1/inbounds?status=expected", nil)
		shop.must(200, "GET", "/api/v1/shipments", nil)
	})
}

func TestAPI_IdempotencyKey(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))

		first := shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1)), "Idempotency-Key", "k-1")
		again := shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1)), "Idempotency-Key", "k-1")
		if !bytes.Equal(first.Raw, again.Raw) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay differs:\n%s\n%s", first.Raw, again.Raw)
		}
		// A client that re-serialises the same request on retry, with other
		// spacing and member order, is retrying, not reusing the key.
		respelled, err := json.MarshalIndent(order("SO-1", line("MUG-1", 1)), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		respelled = bytes.Replace(respelled, []byte(`"order_no": "SO-1",`), nil, 1)
		respelled = bytes.Replace(respelled, []byte("{"), []byte(`{"order_no": "SO-1",`), 1)
		if r := shop.must(201, "POST", "/api/v1/orders", string(respelled), "Idempotency-Key", "k-1"); !bytes.Equal(first.Raw, r.Raw) {
			t.Fatalf("respelled retry: %s", r.Raw)
		}
		other := shop.must(422, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 2)), "Idempotency-Key", "k-1")
		if f := other.fields(); len(f) != 1 || f[0] != "Idempotency-Key" {
			t.Fatalf("reused key: %s", other.Raw)
		}

		// 20 at once with one key: one order, one answer.
		var wg sync.WaitGroup
		replies := make([]reply, 20)
		for i := range replies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				replies[i] = shop.do("POST", "/api/v1/orders", order("SO-2", line("MUG-1", 3)), "Idempotency-Key", "k-2")
			}()
		}
		wg.Wait()
		for i, r := range replies {
			if r.Status != 201 || !bytes.Equal(r.Raw, replies[0].Raw) {
				t.Fatalf("parallel reply %d: %d %s\nfirst: %s", i, r.Status, r.Raw, replies[0].Raw)
			}
		}
		list := shop.must(200, "GET", "/api/v1/orders", nil)
		if n := len(decode[api.OrderList](t, list).Data); n != 2 {
			t.Fatalf("%d orders after retries, want 2", n)
		}
	})
}

func TestAPI_Authentication(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustAPIServer(t, db, Config{})
	for name, key := range map[string]string{"missing": "", "unknown": "soko_nosuchkeyxxxxxxxxxxxxxxxxxxxxxxx"} {
		r := client{t, h, key}.do("GET", "/api/v1/orders", nil)
		if r.Status != 401 || r.Header.Get("WWW-Authenticate") == "" || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s key: %d %v %s", name, r.Status, r.Header, r.Raw)
		}
	}
	client{t, h, keySakura}.must(200, "GET", "/api/v1/orders", nil)
	if err := db.RevokeAPIKey(context.Background(), soko.APIKeyPrefix(keySakura)); err != nil {
		t.Fatal(err)
	}
	if r := (client{t, h, keySakura}).do("GET", "/api/v1/orders", nil); r.Status != 401 {
		t.Fatalf("revoked key: %d", r.Status)
	}
	// The document itself is public.
	client{t, h, ""}.must(200, "GET", "/api/v1/openapi.json", nil)
}

// A key's budget is one however many soko servers answer it: two servers
// on one database take turns and the third request is refused.
func TestAPI_RateLimitPerKey(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		db1, db2 := storagetest.MustOpenTwice(t, dialect)
		cfg := Config{RatePerSecond: 0.5, RateBurst: 2}
		one := client{t, mustAPIServer(t, db1, cfg), keySakura}
		cfg.Store, cfg.Logger = db2, slog.New(slog.NewTextHandler(io.Discard, nil))
		two := client{t, New(cfg), keySakura}
		budget := func(r reply) string {
			return r.Header.Get("RateLimit-Limit") + " " + r.Header.Get("RateLimit-Remaining") + " " + r.Header.Get("RateLimit-Reset")
		}
		// A client sees its budget on every answer: 2 at most, what is left,
		// and the seconds until it is whole again at half a request a second.
		if got := budget(one.must(200, "GET", "/api/v1/orders", nil)); got != "2 1 2" {
			t.Errorf("first answer's budget %q, want 2 1 2", got)
		}
		if got := budget(two.must(200, "GET", "/api/v1/orders", nil)); got != "2 0 4" {
			t.Errorf("second answer's budget, from the other server, %q, want 2 0 4", got)
		}
		for _, c := range []client{one, two} {
			r := c.must(429, "GET", "/api/v1/orders", nil)
			if r.Header.Get("Retry-After") != "2" || r.Header.Get("RateLimit-Remaining") != "0" {
				t.Fatalf("429 without Retry-After: 2 or budget: %v", r.Header)
			}
		}
		// Another merchant is not slowed down.
		client{t, two.h, keyMidori}.must(200, "GET", "/api/v1/orders", nil)
	})
}

func TestAPI_BadInputNamesTheField(t *testing.T) {
	h := mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{BodyLimit: "64K"})
	shop := client{t, h, keySakura}
	shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
	withField := func(f func(o map[string]any)) map[string]any {
		o := order("SO-X", line("MUG-1", 1))
		f(o)
		return o
	}
	shipTo := func(o map[string]any) map[string]any { return o["ship_to"].(map[string]any) }
	cases := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		field  string
	}{
		{"malformed JSON", "POST", "/api/v1/orders", `{"order_no": "SO-1",`, 400, "body"},
		{"wrong type", "POST", "/api/v1/orders", withField(func(o map[string]any) { o["lines"] = []any{map[string]any{"sku": "MUG-1", "quantity": "two"}} }), 422, "lines[0].quantity"},
		{"unknown field", "POST", "/api/v1/orders", withField(func(o map[string]any) { o["colour"] = "red" }), 422, "colour"},
		{"missing field", "POST", "/api/v1/orders", withField(func(o map[string]any) { delete(shipTo(o), "city") }), 422, "ship_to.city"},
		{"bad postal code", "POST", "/api/v1/orders", withField(func(o map[string]any) { shipTo(o)["postal_code"] = "12-34" }), 422, "ship_to.postal_code"},
		{"unknown prefecture", "POST", "/api/v1/orders", withField(func(o map[string]any) { shipTo(o)["prefecture"] = "江戸府" }), 422, "ship_to.prefecture"},
		{"slot the carrier lacks", "POST", "/api/v1/orders", withField(func(o map[string]any) { o["time_slot"] = "12-14" }), 422, "time_slot"},
		{"COD without a COD service", "POST", "/api/v1/orders", withField(func(o map[string]any) { o["cod_amount"] = 3000 }), 422, "cod_amount"},
		{"date in the past", "POST", "/api/v1/orders", withField(func(o map[string]any) { o["delivery_date"] = "2026-11-01" }), 422, "delivery_date"},
		{"unknown SKU", "POST", "/api/v1/orders", order("SO-Y", line("NOPE", 1)), 422, "lines[0].sku"},
		{"no lines", "POST", "/api/v1/orders", order("SO-Z"), 422, "lines"},
		{"JAN check digit", "PUT", "/api/v1/products/MUG-2", product("マグ", 100, "4901234567895"), 422, "barcodes[0].code"},
		{"tax rate 5", "PUT", "/api/v1/products/MUG-2", map[string]any{"name": "x", "price": 1, "tax_rate": 5}, 422, "tax_rate"},
		{"bad cursor", "GET", "/api/v1/orders?cursor=zzz", nil, 422, "cursor"},
		{"limit too big", "GET", "/api/v1/orders?limit=100000", nil, 422, "limit"},
		{"oversize body", "POST", "/api/v1/orders", `{"note":"` + strings.Repeat("x", 70_000) + `"}`, 413, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := shop.do(tc.method, tc.path, tc.body)
			if r.Status != tc.status || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s, want %d problem", r.Status, r.Raw, tc.status)
			}
			if tc.field != "" && !contains(r.fields(), tc.field) {
				t.Fatalf("fields %v do not name %s: %s", r.fields(), tc.field, r.Raw)
			}
		})
	}

	// The barcode conflict names the product that has it.
	shop.must(200, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200, "4901234567894"))
	r := shop.must(409, "PUT", "/api/v1/products/MUG-9", product("マグ", 100, "4901234567894"))
	if !strings.Contains(decode[api.Problem](t, r).Detail, "MUG-1") {
		t.Fatalf("conflict does not name the product: %s", r.Raw)
	}

	// English on request.
	r = shop.do("POST", "/api/v1/orders", withField(func(o map[string]any) { shipTo(o)["postal_code"] = "12" }), "Accept-Language", "en")
	if !strings.Contains(string(r.Raw), "postal code") {
		t.Fatalf("no English message: %s", r.Raw)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// A client generated from the served document must meet the API as it is
// written: the YAML is served byte for byte, and the JSON says the same
// (the generated code's copy capitalised every operationId).
func TestAPI_ServedDocumentIsTheOneWritten(t *testing.T) {
	h := mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{})
	y := client{t, h, ""}.must(200, "GET", "/api/v1/openapi.yaml", nil)
	if !bytes.Equal(y.Raw, api.Document) {
		t.Fatal("served openapi.yaml differs from internal/server/api/openapi.yaml")
	}
	written, err := openapi3.NewLoader().LoadFromData(api.Document)
	if err != nil {
		t.Fatal(err)
	}
	j := client{t, h, ""}.must(200, "GET", "/api/v1/openapi.json", nil)
	served, err := openapi3.NewLoader().LoadFromData(j.Raw)
	if err != nil {
		t.Fatal(err)
	}
	ids := 0
	for _, path := range written.Paths.InMatchingOrder() {
		for method, op := range written.Paths.Value(path).Operations() {
			got := served.Paths.Value(path)
			if got == nil || got.GetOperation(method) == nil {
				t.Errorf("served JSON lacks %s %s", method, path)
				continue
			}
			if id := got.GetOperation(method).OperationID; id != op.OperationID {
				t.Errorf("%s %s: served operationId %q, written %q", method, path, id, op.OperationID)
			}
			ids++
		}
	}
	if ids < 20 {
		t.Fatalf("compared %d operations: fewer than the document has", ids)
	}
}

func TestAPI_OpenAPIDocumentIsValid(t *testing.T) {
	h := mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{})
	r := client{t, h, ""}.must(200, "GET", "/api/v1/openapi.json", nil)
	doc, err := openapi3.NewLoader().LoadFromData(r.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("served document is not valid OpenAPI 3: %v", err)
	}
	page := client{t, h, ""}.must(200, "GET", "/api/docs", nil)
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			if !strings.Contains(string(page.Raw), `id="`+op.OperationID+`"`) {
				t.Errorf("docs page lacks %s %s", method, path)
			}
		}
	}
	if strings.Contains(string(page.Raw), "http://") || strings.Contains(string(page.Raw), "https://") {
		t.Error("docs page loads something from elsewhere")
	}
}

// A sync job narrows its reads: several statuses at once, a window of
// creation times, the parcels of one order.
func TestAPI_ListFilters(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		for _, n := range []string{"SO-1", "SO-2", "SO-3", "SO-4"} {
			shop.must(201, "POST", "/api/v1/orders", order(n, line("MUG-1", 1)))
		}
		shop.must(200, "POST", "/api/v1/orders/SO-2/cancel", nil)
		if err := markShipped(db, "SO-4"); err != nil { // handed over 2026-11-23 10:00 UTC
			t.Fatal(err)
		}
		if err := db.Exec(context.Background(), `UPDATE orders SET status = 'shipped' WHERE number = 'SO-4'`); err != nil {
			t.Fatal(err)
		}
		numbers := func(path string) string {
			var out []string
			r := shop.must(200, "GET", path, nil)
			if strings.HasPrefix(path, "/api/v1/shipments") {
				for _, s := range decode[api.ShipmentList](t, r).Data {
					out = append(out, s.OrderNo)
				}
			} else {
				for _, o := range decode[api.OrderList](t, r).Data {
					out = append(out, o.OrderNo)
				}
			}
			return strings.Join(out, ",")
		}
		if got := numbers("/api/v1/orders?status=cancelled,shipped"); got != "SO-2,SO-4" {
			t.Errorf("status=cancelled,shipped: %s", got)
		}
		if got := numbers("/api/v1/orders?status=shipped"); got != "SO-4" {
			t.Errorf("status=shipped: %s", got)
		}
		if r := shop.do("GET", "/api/v1/orders?status=shipped,lost", nil); r.Status != 422 || !slices.Contains(r.fields(), "status") {
			t.Errorf("an unknown status: %d %s, want 422 naming status", r.Status, r.Raw)
		}
		past := url.QueryEscape(storagetest.Fixed.Add(-time.Hour).UTC().Format(time.RFC3339))
		if got := numbers("/api/v1/orders?created_before=" + past); got != "" {
			t.Errorf("created an hour ago or earlier: %s", got)
		}
		if got := numbers("/api/v1/orders?status=received,allocated,backordered&created_since=" + past); got != "SO-1,SO-3" {
			t.Errorf("open orders of the last hour: %s", got)
		}
		if got := numbers("/api/v1/shipments?order_no=SO-4"); got != "SO-4" {
			t.Errorf("shipments of SO-4: %s", got)
		}
		if got := numbers("/api/v1/shipments?shipped_before=2026-11-23T10:00:00Z"); got != "" {
			t.Errorf("shipped before 10:00: %s", got)
		}
		if got := numbers("/api/v1/shipments?shipped_before=2026-11-23T10:00:01Z"); got != "SO-4" {
			t.Errorf("shipped before 10:00:01: %s", got)
		}
		midori := client{t, shop.h, keyMidori}
		if n := len(decode[api.ShipmentList](t, midori.must(200, "GET", "/api/v1/shipments?order_no=SO-4", nil)).Data); n != 0 {
			t.Errorf("another merchant sees %d shipments of SO-4", n)
		}
	})
}

// A merchant sets the reorder point that drives its low-stock alert; a
// later PUT that leaves it out (a catalogue sync) keeps it.
func TestAPI_ProductReorderPoint(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		p := product("マグカップ", 1200)
		p["reorder_point"] = 7
		if r := shop.must(201, "PUT", "/api/v1/products/MUG-1", p); decode[api.Product](t, r).ReorderPoint != 7 {
			t.Fatalf("created with reorder point 7: %s", r.Raw)
		}
		if r := shop.must(200, "PUT", "/api/v1/products/MUG-1", product("マグカップ（改）", 1300)); decode[api.Product](t, r).ReorderPoint != 7 {
			t.Fatalf("a PUT without reorder_point: %s, want it kept at 7", r.Raw)
		}
		p["reorder_point"] = 0
		if r := shop.must(200, "PUT", "/api/v1/products/MUG-1", p); decode[api.Product](t, r).ReorderPoint != 0 {
			t.Fatalf("reorder point set to 0: %s", r.Raw)
		}
		if r := shop.must(201, "PUT", "/api/v1/products/MUG-2", product("湯のみ", 900)); decode[api.Product](t, r).ReorderPoint != 0 {
			t.Fatalf("a new product without one: %s", r.Raw)
		}
	})
}
