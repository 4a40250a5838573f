package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// hfHang is how late an answer must be to count as the server looping on
// its input; ordinary slowness under -race on a busy CI machine is not.
const hfHang = 30 * time.Second

// The fuzz run's flags: its generator's seed (CI runs the default), and
// whether to log the valid requests that were refused, which shows where
// the run's valid values need help to get past the handlers' checks.
var (
	httpFuzzSeed    = flag.Uint64("httpfuzz.seed", 1, "seed of TestHTTPFuzz_EveryOperation's generator")
	httpFuzzVerbose = flag.Bool("httpfuzz.v", false, "log the valid requests TestHTTPFuzz_EveryOperation sends that are refused")
)

// TestHTTPFuzz_EveryOperation throws garbage at every operation of the
// OpenAPI document, read from the document itself so a route added to it is
// fuzzed without touching this test: no key, wrong and revoked keys, staff
// of every role, a missing, foreign or signed-out CSRF token, MIDORI's key
// on SAKURA's resources, malformed, mistyped and oversized bodies, every
// field of the schema wrong in turn (type, range, length, odd Unicode,
// injection strings, missing), path and query parameters of every wrong
// kind, and valid requests so the handlers behind validation run too.
//
// No answer may be a 5xx or come from a panic; every 4xx is a problem
// document whose detail is in the caller's language; MIDORI never sees
// SAKURA's data. The generator is seeded (-httpfuzz.seed), so a failure
// repeats; -short, and PostgreSQL, send fewer cases of each kind.
func TestHTTPFuzz_EveryOperation(t *testing.T) {
	if testing.Short() {
		t.Skip("every operation fuzzed takes most of a minute: -short leaves it to make test")
	}
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		start := time.Now()
		w := newHTTPFuzz(t, db)
		for _, o := range w.operations() {
			began := time.Now()
			w.fuzz(o)
			w.took[o.String()] = time.Since(began)
			w.keepCallersSignedIn(t, o, true)
		}
		w.summarise(t, time.Since(start))
	})
}

// FuzzHTTP sends what the fuzzer makes of a valid request to each operation
// — its method, path and query, Content-Type and body — as SAKURA's system
// on /api/v1 and as a signed-in admin on /ops. Whatever arrives, the answer
// is never a 5xx nor a panic. A plain test run sends only the seeds.
func FuzzHTTP(f *testing.F) {
	w := newHTTPFuzz(f, storagetest.MustOpenSQLite(f))
	for _, o := range w.operations() {
		c := w.valid(o, w.owner(o), true)
		f.Add(c.method, c.target, c.ctype, c.body)
	}
	methodOK := regexp.MustCompile(`^[A-Z]{1,10}$`)
	f.Fuzz(func(t *testing.T, method, target, ctype, body string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !methodOK.MatchString(method) || !strings.HasPrefix(u.Path, "/") {
			t.Skip()
		}
		c := hfCall{what: "fuzzed", method: method, target: target, ctype: ctype, body: body, lang: "ja", who: w.callers["admin"]}
		if strings.HasPrefix(u.Path, apiBase) {
			c.who = w.callers["sakura"]
		}
		if r := w.send(c); len(r.complaints) > 0 {
			t.Fatalf("%s", w.describe(c, r))
		}
		if method == http.MethodDelete {
			w.keepCallersSignedIn(t, nil, false)
		}
	})
}

// The words only SAKURA's data holds: an answer to MIDORI that shows one
// has leaked SAKURA's data.
var hfSecrets = []string{"さくら秘蔵の限定品", "桜庭 秘密子", "sakura-hook-secret"}

// More keys of SAKURA's: one revoked before the run, and one the admin
// operations may revoke without cutting the fuzz run off.
const (
	hfKeyRevoked = "soko_revokedtestkeycccccccccccccccccc"
	hfKeySpare   = "soko_sparetestkeydddddddddddddddddddd"
)

// hfStaff are the staff members the run signs in as, by role, and the two
// it keeps out of harm's way: A002 is signed out at once (its cookie and
// token are the replayed ones) and X001 is the one the admin operations
// may rename, deactivate or give a new PIN.
var hfStaff = []struct {
	caller, badge, pin string
	role               soko.Role
}{
	{"picker", "P001", "1111", soko.RolePicker},
	{"packer", "K001", "3333", soko.RolePacker},
	{"shipper", "S001", "4444", soko.RoleShipper},
	{"supervisor", "V001", "5555", soko.RoleSupervisor},
	{"admin", "A001", "7777", soko.RoleAdmin},
	{"signed out", "A002", "8888", soko.RoleAdmin},
}

// httpFuzzWarehouse is opsSeed with every role, SAKURA's secrets, stock, orders
// for both merchants, a box type and four API keys.
func httpFuzzWarehouse() *soko.Seed {
	seed := opsSeed()
	for _, s := range hfStaff {
		if s.badge != "P001" && s.badge != "K001" && s.badge != "V001" {
			seed.Staff = append(seed.Staff, soko.SeedStaff{Staff: soko.Staff{BadgeCode: s.badge, Name: "係員" + s.badge, Role: s.role, Active: true}, PIN: s.pin})
		}
	}
	// SAKURA is billed, so its statements answer; MIDORI is not.
	seed.RateCards = append(seed.RateCards, soko.SeedRateCard{MerchantCode: "SAKURA", RateCard: soko.RateCard{
		From: soko.Month{Year: 2026, Month: time.October}, TaxRate: 10, Rounding: soko.RoundDown, StoragePeriods: 3, PickOrder: 15000}})
	// X001 and the spare key come first: id 1, which "+1" and " 1" in a path also reach.
	seed.Staff = append([]soko.SeedStaff{{Staff: soko.Staff{BadgeCode: "X001", Name: "吉田", Role: soko.RolePicker, Active: true}, PIN: "2222"}}, seed.Staff...)
	// X002 signs in and V002 confirms closing a pickup: both get wrong PINs
	// until locked, so no other operation needs them.
	seed.Staff = append(seed.Staff,
		soko.SeedStaff{Staff: soko.Staff{BadgeCode: "X002", Name: "森", Role: soko.RolePicker, Active: true}, PIN: "2222"},
		soko.SeedStaff{Staff: soko.Staff{BadgeCode: "V002", Name: "林", Role: soko.RoleSupervisor, Active: true}, PIN: "6666"})
	seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "SAKURA", Product: soko.Product{SKU: "SECRET-1", Name: hfSecrets[0], Price: 99999, TaxRate: 10}})
	seed.BoxTypes = []soko.BoxType{{Code: "BOX60", Name: "60サイズ", InnerLengthMM: 330, InnerWidthMM: 240, InnerHeightMM: 130, MaxWeightGrams: 2000, TareGrams: 150, SizeClass: 60}}
	seed.Stock = []soko.SeedStock{
		{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 50}},
		{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "RCV-01", Stock: soko.Stock{OnHand: 20}},
		{MerchantCode: "SAKURA", SKU: "SECRET-1", LocationCode: "A-01-02-1", Stock: soko.Stock{OnHand: 5}},
		{MerchantCode: "MIDORI", SKU: "SAME", LocationCode: "A-01-02-1", Stock: soko.Stock{OnHand: 5}},
	}
	secret := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: hfSecrets[1]}
	plain := soko.Address{PostalCode: "4200031", Prefecture: "静岡県", City: "静岡市葵区", Street: "呉服町1-1", Name: "緑川 一郎"}
	seed.Orders = []soko.SeedOrder{
		{MerchantCode: "SAKURA", Order: soko.Order{Number: "SO-1", Carrier: "yamato", Recipient: secret, Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 2, TaxRate: 10}}}},
		{MerchantCode: "SAKURA", Order: soko.Order{Number: "SO-2", Carrier: "yamato", Recipient: secret, Lines: []soko.OrderLine{{SKU: "SECRET-1", Quantity: 1, TaxRate: 10}}}},
		{MerchantCode: "MIDORI", Order: soko.Order{Number: "MD-1", Carrier: "yamato", Recipient: plain, Lines: []soko.OrderLine{{SKU: "SAME", Quantity: 1, TaxRate: 8}}}},
	}
	seed.APIKeys = []soko.SeedAPIKey{
		{MerchantCode: "SAKURA", Name: "spare", Secret: hfKeySpare}, {MerchantCode: "SAKURA", Secret: keySakura},
		{MerchantCode: "MIDORI", Secret: keyMidori}, {MerchantCode: "SAKURA", Name: "revoked", Secret: hfKeyRevoked},
	}
	return seed
}

// hfWorld is one fuzz run: a server on a warehouse, the callers, the valid
// value of every parameter, and what the run saw.
type hfWorld struct {
	tb       testing.TB
	h        http.Handler
	spec     *openapi3.T
	log      *hfLog
	rng      *rand.Rand
	budget   hfBudget
	seq      int
	fixtures string // every string of the warehouse, which an English message may quote
	callers  map[string]*hfCaller
	params   map[string]string // valid parameter values, by "in.name" or name
	big      string            // a JSON body over the 2 MB limit
	bigFile  string            // a file over the 11 MB limit of uploads

	sent        int
	statuses    map[int]int
	reached     map[string]bool // operations that answered 2xx at least once
	failures    map[string]int  // kinds of failure of each operation, and how often each happened
	told        map[string]bool // failures reported in full
	took        map[string]time.Duration
	slowest     time.Duration
	slowestCall string
}

// hfBudget is how many cases of each kind an operation gets: wrong callers
// (keys, sessions, CSRF tokens), wrong values of each path parameter
// (escaped and not) and each query parameter, broken bodies, wrong values
// of each field of a body, and more field values drawn at random.
type hfBudget struct {
	callers, pathValues, rawPaths, queryValues, bodies, perField, extraFields int
}

var (
	hfFull  = hfBudget{callers: 100, pathValues: 12, rawPaths: 4, queryValues: 6, bodies: 100, perField: 3, extraFields: 8}
	hfShort = hfBudget{callers: 3, pathValues: 6, rawPaths: 1, queryValues: 4, bodies: 12, perField: 2, extraFields: 2}
)

// hfCaller is who sends a request: a merchant's system with its key or a
// staff member with a session.
type hfCaller struct {
	name        string
	key         string
	cookie      string
	csrf        string
	badge, pin  string
	role        soko.Role
	signedOut   bool
	otherMerchs bool // MIDORI: must never see SAKURA's data
}

// hfOp is one operation of the document.
type hfOp struct {
	id           string // the operationId, as the document spells it
	method, path string
	op           *openapi3.Operation
	params       openapi3.Parameters
	ctype        string // the request body's media type, "" without one
	body         *openapi3.Schema
	secured      bool
	roles        []soko.Role // who may use it, as its summary says; nil when it does not say
}

func (o *hfOp) String() string { return o.method + " " + o.path + " (" + o.id + ")" }

// hfCall is one request and what it must get.
type hfCall struct {
	op       *hfOp
	what     string
	method   string
	target   string
	ctype    string
	body     string
	chunked  bool
	who      *hfCaller
	csrf     *string // nil: the caller's own token on changes
	header   [][2]string
	lang     string // the Accept-Language sent
	want     []int  // the statuses allowed; nil: any below 500
	never2xx bool
}

// hfReply is an answer and what was wrong with it.
type hfReply struct {
	status     int
	header     http.Header
	body       []byte
	complaints []string
	logs       []string
}

func newHTTPFuzz(tb testing.TB, db *storage.DB) *hfWorld {
	tb.Helper()
	ctx := context.Background()
	seed := httpFuzzWarehouse()
	if err := db.Load(ctx, seed); err != nil {
		tb.Fatal(err)
	}
	if err := db.RevokeAPIKey(ctx, soko.APIKeyPrefix(hfKeyRevoked)); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil {
		tb.Fatal(err)
	}
	fixtures, _ := json.Marshal(seed)
	w := &hfWorld{
		tb: tb, log: &hfLog{}, rng: rand.New(rand.NewPCG(*httpFuzzSeed, 0x50c0)), budget: hfFull,
		fixtures: string(fixtures), statuses: map[int]int{}, reached: map[string]bool{}, failures: map[string]int{}, told: map[string]bool{}, took: map[string]time.Duration{},
		big:     `{"name":"` + strings.Repeat("大", 700*1024) + `"}`,
		bigFile: strings.Repeat("a,b\r\n", 12<<20/5),
	}
	// PostgreSQL runs beside SQLite and refuses more (NUL, invalid UTF-8,
	// overflow), which the short budget's telling values still reach.
	if testing.Short() || db.Dialect() == storage.Postgres {
		w.budget = hfShort
	}
	w.spec, _ = mustLoadSpec()
	w.h = New(Config{Store: db, Logger: slog.New(w.log), Now: func() time.Time { return storagetest.Fixed },
		AllowPrivateWebhooks: true, RatePerSecond: 1e6, RateBurst: 1e6,
		SignInsPerAddress: 1e6, SignInsOverall: 1e6, KeyFailuresPerAddress: 1e6})

	w.callers = map[string]*hfCaller{
		"sakura": {name: "SAKURA's key", key: keySakura},
		"midori": {name: "MIDORI's key", key: keyMidori, otherMerchs: true},
	}
	for _, s := range hfStaff {
		c := &hfCaller{name: s.caller + " " + s.badge, badge: s.badge, pin: s.pin, role: s.role}
		if err := w.signIn(c); err != nil {
			tb.Fatal(err)
		}
		w.callers[s.caller] = c
	}
	stale := w.callers["signed out"]
	w.must(hfCall{what: "sign out", method: "DELETE", target: "/ops/session", who: stale})
	stale.signedOut = true

	// A wave whose SO-1 is picked and whose SO-2 waits on a task the admin
	// holds, an inbound, a webhook delivery and an open pickup give the
	// path parameters something real to name.
	admin, sup, shipper, sakura := w.callers["admin"], w.callers["supervisor"], w.callers["shipper"], w.callers["sakura"]
	wave := w.must(hfCall{what: "wave", method: "POST", target: "/ops/waves", ctype: "application/json", body: `{"mode":"batch"}`, who: sup})
	var task map[string]any
	for range 10 {
		task = w.must(hfCall{what: "next pick", method: "GET", target: "/ops/picks/next", who: admin})
		if task["order_no"] == "SO-2" {
			break
		}
		scan := func(code string, n any) {
			w.must(hfCall{what: "pick", method: "POST", target: fmt.Sprintf("/ops/picks/%.0f/scan", task["id"]), ctype: "application/json", who: admin,
				body: fmt.Sprintf(`{"scan_id":"setup-%07d","code":%q,"quantity":%v}`, w.next(), code, n)})
		}
		scan(task["location"].(string), 1)
		scan("4901234567894", task["remaining"])
	}
	w.send(hfCall{what: "inspect", method: "POST", target: fmt.Sprintf("/ops/station/orders/%d/scan", seed.Orders[0].ID), ctype: "application/json", who: admin,
		body: `{"scan_id":"setup-inspect-1","code":"4901234567894","quantity":2}`})
	w.must(hfCall{what: "inbound", method: "POST", target: "/api/v1/inbounds", ctype: "application/json", who: sakura,
		body: `{"inbound_no":"ASN-1","expected_date":"2026-12-01","lines":[{"sku":"TOWEL","quantity":10}]}`})
	hook := w.must(hfCall{what: "webhook endpoint", method: "PUT", target: "/api/v1/webhook-endpoint", ctype: "application/json", who: sakura,
		body: `{"url":"http://127.0.0.1:9/` + hfSecrets[2] + `"}`})
	w.must(hfCall{what: "order", method: "POST", target: "/api/v1/orders", ctype: "application/json", who: sakura,
		body: `{"order_no":"SO-3","ship_to":{"name":"山田 太郎","postal_code":"100-0005","prefecture":"東京都","city":"千代田区","address1":"丸の内1-9-1"},"lines":[{"sku":"TOWEL","quantity":1}]}`})
	w.must(hfCall{what: "cancel", method: "POST", target: "/api/v1/orders/SO-3/cancel", ctype: "application/json", body: `{}`, who: sakura})
	w.must(hfCall{what: "supplier", method: "PUT", target: "/api/v1/suppliers/SUP-1", ctype: "application/json", who: sakura,
		body: `{"name":"今治タオル工業","lead_time_days":7,"skus":["TOWEL"]}`})
	po := w.must(hfCall{what: "purchase order", method: "POST", target: "/api/v1/reorder-suggestions/accept", ctype: "application/json", who: sakura,
		body: `{"supplier_code":"SUP-1","lines":[{"sku":"TOWEL","quantity":10}]}`})
	deliveries := w.must(hfCall{what: "deliveries", method: "GET", target: "/api/v1/webhook-deliveries", who: sakura})
	manifest := w.must(hfCall{what: "pickup", method: "POST", target: "/ops/manifests", ctype: "application/json", who: shipper,
		body: `{"carrier":"yamato","pickup_date":"2026-11-23"}`})
	dashboard := w.must(hfCall{what: "dashboard", method: "GET", target: "/ops/dashboard", who: admin})

	// SAKURA sees its secrets, so their absence from MIDORI's answers means something.
	for i, path := range []string{"/api/v1/products/SECRET-1", "/api/v1/orders/SO-2", "/api/v1/webhook-endpoint"} {
		r := w.send(hfCall{what: "own data", method: "GET", target: path, who: sakura, lang: "ja"})
		if r.status != 200 || !strings.Contains(string(r.body), hfSecrets[i]) {
			tb.Fatalf("GET %s as SAKURA: %d %s, want %q in it", path, r.status, r.body, hfSecrets[i])
		}
	}

	sakuraM, err1 := db.FindMerchantByCode(ctx, "SAKURA")
	victim, err2 := db.FindStaffByBadge(ctx, "X001")
	spare, err3 := db.Authenticate(ctx, hfKeySpare)
	in, err4 := db.FindInbound(ctx, sakuraM.ID, "ASN-1")
	if err := firstError(err1, err2, err3, err4); err != nil {
		tb.Fatal(err)
	}
	str := func(v any) string { return strings.TrimSuffix(fmt.Sprint(v), ".0") }
	firstDelivery := "1"
	if d, _ := deliveries["data"].([]any); len(d) > 0 {
		firstDelivery = fmt.Sprintf("%.0f", d[0].(map[string]any)["id"].(float64))
	}
	pickList := hfFind(dashboard, "pick_list")
	if pickList == "" {
		pickList = str(task["wave_no"]) + "-1"
	}
	// Valid parameter values by "operationId.name", "in.name" or name.
	w.params = map[string]string{
		"sku": "TOWEL", "order_no": "SO-2", "inbound_no": "ASN-1", "delivery_id": firstDelivery,
		"endpoint_id": fmt.Sprintf("%.0f", hook["id"].(float64)),
		"order_id":    fmt.Sprint(seed.Orders[0].ID), "inbound_id": fmt.Sprint(in.ID), "merchant_id": fmt.Sprint(sakuraM.ID),
		"staff_id": fmt.Sprint(victim.ID), "api_key_id": fmt.Sprint(spare.ID), "box_type_id": "1", "location_id": "1",
		"task_id": fmt.Sprintf("%.0f", task["id"].(float64)), "manifest_id": fmt.Sprintf("%.0f", manifest["id"].(float64)),
		"wave_no": str(wave["wave_no"]), "pick_list": pickList, "path.code": "SO-1", "query.code": "4901234567894",
		"location_code": "A-01-01-1", "location": "A-01-01-1", "zone": "A", "limit": "2",
		"cursor": base64.RawURLEncoding.EncodeToString([]byte("after:1")),
		"date":   "2026-11-23", "created_from": "2026-11-01", "created_to": "2026-11-30",
		"updated_since": "2026-11-01T00:00:00Z", "shipped_since": "2026-11-01T00:00:00Z",
		"number": "SO", "customer": "山田", "tracking": "440000000011",
		// A product PUT replaces its barcodes: not the towel's, which the floor scans.
		"putProduct.sku": "FZ-PRODUCT",
		// A supplier code is the merchant's own: MIDORI's PUT must not make
		// it own the code that SAKURA's other requests name.
		"supplier_code": "SUP-1", "putSupplier.supplier_code": "FZ-SUPPLIER",
		"po_no": str(po["po_no"]), "purchase_order_id": str(po["id"]),
	}
	return w
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// hfFind returns the first string value of key anywhere in a JSON document.
func hfFind(v any, key string) string {
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v[key].(string); ok && s != "" {
			return s
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if s := hfFind(v[k], key); s != "" {
				return s
			}
		}
	case []any:
		for _, e := range v {
			if s := hfFind(e, key); s != "" {
				return s
			}
		}
	}
	return ""
}

// signIn signs c in with its badge and PIN.
func (w *hfWorld) signIn(c *hfCaller) error {
	body, _ := json.Marshal(map[string]string{"badge": c.badge, "pin": c.pin, "device": "FUZZ"})
	r := w.send(hfCall{what: "sign in", method: "POST", target: "/ops/session", ctype: "application/json", body: string(body), who: &hfCaller{name: "nobody"}})
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal(r.body, &s)
	c.cookie, c.csrf = "", s.CSRF
	for _, k := range (&http.Response{Header: r.header}).Cookies() {
		if k.Name == sessionCookie {
			c.cookie = k.Value
		}
	}
	if r.status != 200 || c.cookie == "" || c.csrf == "" {
		return fmt.Errorf("sign-in of %s: %d %s", c.badge, r.status, r.body)
	}
	return nil
}

// keepCallersSignedIn signs the run's staff in again when an operation
// signed them out. Strict, it fails when an operation took a caller's role
// or key: the fuzz run's values must only ever touch the spare staff
// member and key.
func (w *hfWorld) keepCallersSignedIn(tb testing.TB, o *hfOp, strict bool) {
	tb.Helper()
	for _, name := range slices.Sorted(maps.Keys(w.callers)) {
		c := w.callers[name]
		if c.signedOut {
			continue
		}
		path := "/ops/session"
		if c.key != "" {
			path = "/api/v1/products?limit=1"
		}
		r := w.send(hfCall{what: "still signed in", method: "GET", target: path, who: c, lang: "ja"})
		if c.key == "" && r.status == 401 {
			if err := w.signIn(c); err != nil && strict {
				tb.Fatalf("after %v: %v", o, err)
			}
			continue
		}
		if strict && (r.status != 200 || c.key == "" && !strings.Contains(string(r.body), `"role":"`+string(c.role)+`"`)) {
			tb.Fatalf("after %v, %s answers %d %s", o, c.name, r.status, r.body)
		}
	}
}

// operations lists the document's operations: reads first, so that the
// changes do not hide what the reads would have found, and signing out last.
func (w *hfWorld) operations() []*hfOp {
	var out []*hfOp
	roleHint := regexp.MustCompile(`\((supervisors|admins)\b`)
	for _, path := range w.spec.Paths.InMatchingOrder() {
		item := w.spec.Paths.Value(path)
		for method, op := range item.Operations() {
			o := &hfOp{method: method, path: path, op: op, secured: op.Security == nil || len(*op.Security) > 0}
			// The generated code's copy of the document capitalises operationIds.
			o.id = strings.ToLower(op.OperationID[:1]) + op.OperationID[1:]
			o.params = append(o.params, item.Parameters...)
			o.params = append(o.params, op.Parameters...)
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if cts := slices.Sorted(maps.Keys(op.RequestBody.Value.Content)); len(cts) > 0 {
					o.ctype, o.body = cts[0], op.RequestBody.Value.Content[cts[0]].Schema.Value
				}
			}
			switch m := roleHint.FindStringSubmatch(op.Summary); {
			case m == nil:
			case m[1] == "admins":
				o.roles = []soko.Role{soko.RoleAdmin}
			default:
				o.roles = []soko.Role{soko.RoleSupervisor, soko.RoleAdmin}
			}
			out = append(out, o)
		}
	}
	// Operations that end something (a pickup, an order) go after those
	// that work on it, and the floor's steps in the order of the floor.
	ending := regexp.MustCompile(`/(close|cancel|finish|revoke|release|reset|actions)$`)
	floor := []string{"/tracking-ranges", "/receive", "/putaway", "/counts", "/waves", "/picks/", "/orders/{order_id}/scan", "/pack", "/label", "/manifests"}
	step := func(o *hfOp) int {
		for i, f := range floor {
			if strings.Contains(o.path, f) {
				return i
			}
		}
		return len(floor)
	}
	rank := func(o *hfOp) int {
		switch {
		case o.method == http.MethodGet:
			return 0
		case o.method == http.MethodDelete && o.path == opsBase+"/session":
			return 3
		case o.method == http.MethodDelete || ending.MatchString(o.path):
			return 2
		}
		return 1
	}
	sort.SliceStable(out, func(i, j int) bool {
		if rank(out[i]) != rank(out[j]) {
			return rank(out[i]) < rank(out[j])
		}
		if step(out[i]) != step(out[j]) {
			return step(out[i]) < step(out[j])
		}
		return out[i].path+out[i].method < out[j].path+out[j].method
	})
	return out
}

// owner is who may call o: SAKURA on the API, an admin on the ops API.
func (w *hfWorld) owner(o *hfOp) *hfCaller {
	if strings.HasPrefix(o.path, apiBase) {
		return w.callers["sakura"]
	}
	return w.callers["admin"]
}

func (w *hfWorld) next() int { w.seq++; return w.seq }

func (w *hfWorld) lang() string {
	return []string{"ja", "en-US,en;q=0.9", "ja-JP,ja;q=0.9,en;q=0.8", "en", ""}[w.rng.IntN(5)]
}

// pick returns n of values: the first half of them from the head of the
// list, where the telling ones are, the rest chosen by the generator.
func pick[T any](w *hfWorld, values []T, n int) []T {
	if n >= len(values) {
		return values
	}
	head := n / 2
	rest := slices.Clone(values[head:])
	w.rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	return append(slices.Clone(values[:head]), rest[:n-head]...)
}

// fuzz sends every kind of request to o.
func (w *hfWorld) fuzz(o *hfOp) {
	w.authCases(o)
	w.csrfCases(o)
	w.methodCases(o)
	w.pathCases(o)
	w.queryCases(o)
	w.roleCases(o)
	w.validCases(o)
	w.bodyCases(o)
}

// ---- callers ----

func (w *hfWorld) authCases(o *hfOp) {
	if !o.secured {
		return
	}
	type deny struct {
		what   string
		who    *hfCaller
		header [][2]string
	}
	anon := &hfCaller{name: "nobody"}
	cases := []deny{
		{"no session", anon, nil},
		{"a session after sign-out", w.callers["signed out"], nil},
		{"an API key on the ops API", w.callers["sakura"], nil},
		{"a made-up session", anon, [][2]string{{"Cookie", sessionCookie + "=" + soko.NewToken()}}},
		{"an 8 KB session cookie", anon, [][2]string{{"Cookie", sessionCookie + "=" + strings.Repeat("s", 8192)}}},
	}
	if w.owner(o).key != "" {
		cases = []deny{
			{"no API key", anon, nil},
			{"a revoked API key", &hfCaller{name: "a revoked key", key: hfKeyRevoked}, nil},
			{"a staff session on the API", w.callers["admin"], nil},
			{"a wrong API key", &hfCaller{name: "a wrong key", key: "soko_wrongkeyzzzzzzzzzzzzzzzzzzzzzzzz"}, nil},
			{"an empty Bearer", anon, [][2]string{{"Authorization", "Bearer "}}},
			{"Basic auth", anon, [][2]string{{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(keySakura+":"))}}},
			{"a key with a NUL", anon, [][2]string{{"Authorization", "Bearer " + keySakura + "\x00"}}},
			{"an 8 KB key", anon, [][2]string{{"Authorization", "Bearer soko_" + strings.Repeat("k", 8192)}}},
		}
	}
	for _, d := range pick(w, cases, w.budget.callers) {
		x := w.valid(o, w.owner(o), true)
		x.what, x.who, x.header, x.want = d.what, d.who, d.header, []int{401}
		w.expect(x)
	}
}

// csrfCases sends each change with the admin's session but no token, the
// supervisor's token, and the token of a session that signed out; and the
// signed-out session with its own token again. The portal's changes need
// a portal session, which no staff member has (a 401 before any token is
// read); TestPortal_CSRF forges their tokens.
func (w *hfWorld) csrfCases(o *hfOp) {
	if !o.secured || o.method == http.MethodGet || strings.HasPrefix(o.path, apiBase) || strings.HasPrefix(o.path, portalBase+"/") {
		return
	}
	type forged struct {
		what  string
		who   *hfCaller
		token string
		want  int
	}
	for _, tc := range pick(w, []forged{
		{"no CSRF token", w.callers["admin"], "", 403},
		{"another session's CSRF token", w.callers["admin"], w.callers["supervisor"].csrf, 403},
		{"a replayed token after sign-out", w.callers["signed out"], w.callers["signed out"].csrf, 401},
		{"a signed-out session's CSRF token", w.callers["admin"], w.callers["signed out"].csrf, 403},
		{"an overlong CSRF token", w.callers["admin"], strings.Repeat(w.callers["admin"].csrf, 200), 403},
		{"a token without its session", &hfCaller{name: "nobody"}, w.callers["admin"].csrf, 401},
	}, w.budget.callers) {
		x := w.valid(o, w.callers["admin"], true)
		x.what, x.who, x.csrf, x.want = tc.what, tc.who, &tc.token, []int{tc.want}
		w.expect(x)
	}
}

// methodCases sends the methods the path does not have.
func (w *hfWorld) methodCases(o *hfOp) {
	item := w.spec.Paths.Value(o.path)
	if first := slices.Sorted(maps.Keys(item.Operations()))[0]; first != o.method {
		return // once a path
	}
	c := w.valid(o, w.owner(o), false)
	for _, m := range []string{"GET", "POST", "PUT", "DELETE", "PATCH"} {
		if item.GetOperation(m) == nil {
			x := c
			x.what, x.method = "method "+m+" the path does not have", m
			w.expect(x)
		}
	}
}

// roleCases sends the valid request as each role; a role the operation's
// summary leaves out must not be served.
func (w *hfWorld) roleCases(o *hfOp) {
	if !o.secured || strings.HasPrefix(o.path, apiBase) {
		return
	}
	for _, name := range []string{"picker", "packer", "shipper", "supervisor"} {
		who := w.callers[name]
		x := w.valid(o, who, true)
		x.what = "as a " + name
		x.never2xx = o.roles != nil && !slices.Contains(o.roles, who.role)
		w.expect(x)
	}
}

// validCases sends the valid request with only what is required and with
// everything; on the API also with MIDORI's key on
// SAKURA's resources, which must answer as if they did not exist.
func (w *hfWorld) validCases(o *hfOp) {
	if strings.HasPrefix(o.path, apiBase) && o.secured {
		x := w.valid(o, w.callers["midori"], true)
		x.what = "MIDORI's key on SAKURA's " + o.path
		if strings.Contains(o.path, "{") && o.method != http.MethodPut {
			x.want = []int{403, 404}
		}
		w.expect(x)
	}
	for _, full := range []bool{false, true} {
		x := w.valid(o, w.owner(o), full)
		x.what = "valid (required fields only)"
		if full {
			x.what = "valid (every field)"
		}
		if r := w.expect(x); r.status >= 300 && *httpFuzzVerbose {
			w.tb.Logf("%s", w.describe(x, r))
		}
	}
}

// ---- parameters ----

// hfPathValues are what a path parameter gets instead of a valid value.
var hfPathValues = []string{
	"\x00", "9223372036854775808", "\xff\xfe", "-1", "../../etc/passwd", "0", "abc",
	"99999999999999999999999999", "1.5", "1e3", "0x10", " 1", "+1",
	"9223372036854775807", "-9223372036854775809", "..", `..\..\windows\win.ini`, "%2e%2e%2f",
	"あ", "😀", "１２３", "\u202eSO-1", "𠮷", "' OR '1'='1", "<script>alert(1)</script>",
	"a\r\nSet-Cookie: x=1", "SO-1;DROP TABLE orders", strings.Repeat("9", 400), strings.Repeat("A", 5000),
}

// hfQueryValues are what a query parameter gets instead of a valid value.
var hfQueryValues = []string{
	"\x00", "\xff", "99999999999999999999", "-1", "", "abc", "0", "1.5", "1e309", "true", "null", "あ", "１２",
	"2026-02-30", "2026-11-23T25:61:00Z", "0000-00-00", "' OR 1=1 --", "<script>", strings.Repeat("x", 10000),
	base64.RawURLEncoding.EncodeToString([]byte("after:-1")), base64.RawURLEncoding.EncodeToString([]byte("after:99999999999999999999")),
	base64.RawURLEncoding.EncodeToString([]byte("after:9223372036854775807")), base64.RawURLEncoding.EncodeToString([]byte("\xff\x00")),
}

func (w *hfWorld) pathCases(o *hfOp) {
	for _, p := range o.params {
		if p.Value.In != openapi3.ParameterInPath {
			continue
		}
		for _, v := range pick(w, hfPathValues, w.budget.pathValues) {
			x := w.valid(o, w.owner(o), false)
			x.what = fmt.Sprintf("path %s = %q", p.Value.Name, hfTrunc(v, 40))
			x.target = w.target(o, map[string]string{p.Value.Name: v}, nil)
			w.expect(x)
		}
		// Unescaped, so the router sees more segments than the path has.
		for _, raw := range pick(w, []string{"../..", "..%2F..%2Fadmin", "%2F", "a/b"}, w.budget.rawPaths) {
			x := w.valid(o, w.owner(o), false)
			x.what = fmt.Sprintf("path %s = %s, unescaped", p.Value.Name, raw)
			x.target = strings.Replace(w.target(o, map[string]string{p.Value.Name: "\x01"}, nil), "%01", raw, 1)
			w.expect(x)
		}
	}
}

func (w *hfWorld) queryCases(o *hfOp) {
	for _, p := range o.params {
		if p.Value.In != openapi3.ParameterInQuery {
			continue
		}
		name := p.Value.Name
		for _, v := range pick(w, hfQueryValues, w.budget.queryValues) {
			x := w.valid(o, w.owner(o), true)
			x.what = fmt.Sprintf("query %s = %q", name, hfTrunc(v, 40))
			x.target = w.target(o, nil, url.Values{name: {v}})
			w.expect(x)
		}
		x := w.valid(o, w.owner(o), true)
		x.what = "query " + name + " twice"
		x.target = w.target(o, nil, url.Values{name: {w.param(o, p.Value), "zz"}})
		w.expect(x)
	}
	x := w.valid(o, w.owner(o), true)
	x.what = "an unknown query parameter and a bad escape"
	x.target = w.target(o, nil, nil)
	if strings.Contains(x.target, "?") {
		x.target += "&"
	} else {
		x.target += "?"
	}
	x.target += "zz_unknown=1&lang=xx&%zz=%zz"
	w.expect(x)
}

// param is the valid value of a parameter of o.
func (w *hfWorld) param(o *hfOp, p *openapi3.Parameter) string {
	for _, k := range []string{o.id + "." + p.Name, p.In + "." + p.Name, p.Name} {
		if v, ok := w.params[k]; ok {
			return v
		}
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return "1"
	}
	switch v := w.value(nil, p.Name, p.Schema.Value, false, 0).(type) {
	case []any:
		if len(v) > 0 {
			return fmt.Sprint(v[0])
		}
		return "1"
	default:
		return fmt.Sprint(v)
	}
}

// target builds o's URL with valid parameters, some replaced by raw values
// (escaped here), and query parameters set to q's.
func (w *hfWorld) target(o *hfOp, path map[string]string, q url.Values) string {
	u := o.path
	query := url.Values{}
	for _, p := range o.params {
		v, given := path[p.Value.Name]
		switch p.Value.In {
		case openapi3.ParameterInPath:
			if !given {
				v = w.param(o, p.Value)
			}
			u = strings.Replace(u, "{"+p.Value.Name+"}", url.PathEscape(v), 1)
		case openapi3.ParameterInQuery:
			if p.Value.Required || q != nil {
				query.Set(p.Value.Name, w.param(o, p.Value))
			}
		}
	}
	for k, vs := range q {
		query[k] = vs
	}
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

// ---- bodies ----

// valid is a request to o that its schema accepts, as who: required fields
// only, or every field.
func (w *hfWorld) valid(o *hfOp, who *hfCaller, full bool) hfCall {
	c := hfCall{op: o, what: "valid", method: o.method, who: who, lang: w.lang()}
	q := url.Values(nil)
	if full {
		q = url.Values{}
	}
	c.target = w.target(o, nil, q)
	if o.body != nil {
		c.ctype = o.ctype
		c.body = w.validBody(o, full)
	}
	if strings.HasPrefix(o.path, apiBase) && o.method == http.MethodPost && w.rng.IntN(2) == 0 {
		c.header = append(c.header, [2]string{"Idempotency-Key", fmt.Sprintf("fz-%d", w.next())})
	}
	return c
}

func (w *hfWorld) validBody(o *hfOp, full bool) string {
	if !strings.Contains(o.ctype, "json") {
		b, err := os.ReadFile(filepath.Join("testdata", "httpfuzz", o.id+".csv"))
		if err != nil {
			return "a,b\r\n1,2\r\n"
		}
		return string(b)
	}
	b, err := json.Marshal(w.value(o, "", o.body, full, 0))
	if err != nil {
		w.tb.Fatal(err)
	}
	return string(b)
}

// value makes a value the schema accepts for the property name of o's body
// (o is nil for a parameter), from a hint where the name has one.
func (w *hfWorld) value(o *hfOp, name string, s *openapi3.Schema, full bool, depth int) any {
	for _, alt := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		if len(alt) > 0 && alt[0].Value != nil {
			return w.value(o, name, alt[0].Value, full, depth)
		}
	}
	if len(s.Enum) > 0 {
		for _, e := range s.Enum {
			if e != "" {
				return e
			}
		}
		return s.Enum[0]
	}
	switch {
	case hfIs(s, "object"):
		m := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(s.Properties)) {
			p := s.Properties[k]
			if depth < 6 && p.Value != nil && (full || slices.Contains(s.Required, k)) && !p.Value.ReadOnly {
				m[k] = w.value(o, k, p.Value, full, depth+1)
			}
		}
		return m
	case hfIs(s, "array"):
		var items []any
		for i := 0; s.Items != nil && s.Items.Value != nil && i < max(1, int(s.MinItems)); i++ {
			items = append(items, w.value(o, name, s.Items.Value, full, depth+1))
		}
		return items
	case hfIs(s, "integer"), hfIs(s, "number"):
		v := 1.0
		if h, ok := hfNumberHints[name]; ok {
			v = h
		}
		if s.Min != nil && v < *s.Min {
			v = *s.Min
		}
		if s.Max != nil && v > *s.Max {
			v = *s.Max
		}
		if hfIs(s, "integer") {
			return int64(v)
		}
		return v
	case hfIs(s, "boolean"):
		return hfTrue[name]
	}
	return w.str(o, name, s)
}

func hfIs(s *openapi3.Schema, typ string) bool { return s.Type != nil && s.Type.Is(typ) }

// hfNumberHints are the valid numbers of fields where 1 is not much use.
var hfNumberHints = map[string]float64{
	"first": 1000, "last": 1999, "price": 1200, "walk_sequence": 50, "found": 0,
	"weight_grams": 800, "size_class": 60, "max_weight_grams": 2000,
	"inner_length_mm": 330, "inner_width_mm": 240, "inner_height_mm": 130,
}

// hfStringHints are the valid strings of fields whose name says what they
// hold, "operationId.field" before "field". A field without one gets what
// its schema allows, which handlers often refuse further on.
var hfStringHints = map[string]string{
	"sku": "TOWEL", "code": "4901234567894", "merchant_code": "SAKURA", "box": "BOX60", "service": "takkyubin",
	"location": "A-01-01-1", "to": "A-01-01-1", "from": "RCV-01", "zone": "A", "pin": "2468",
	"name": "山田 太郎", "postal_code": "100-0005", "prefecture": "東京都", "city": "千代田区", "address1": "丸の内1-9-1",
	"phone": "03-1234-5678", "email": "taro@example.jp", "url": "http://127.0.0.1:9/hook", "reason": "棚卸",
	"subject": "ご注文の商品を発送しました", "body": "ご注文ありがとうございました。",

	"receiveScan.code": "14901234567891", // the towel's case code: SAKURA's alone
	"pickScan.code":    "A-01-02-1",      // the shelf of the task the admin holds
	"loadParcel.code":  "440000000011",
	"signIn.badge":     "X002", "signIn.pin": "2222",
	"closeManifest.supervisor_badge": "V002", "closeManifest.supervisor_pin": "6666",
	"superviseOrder.action": "hold",
	"month":                 "2026-11", "putAdminRateCard.from": "2026-11",
	"createAdminBoxType.service": "", "updateAdminBoxType.service": "",
}

// hfTrue are the flags a valid request sets: the confirmations that let a
// pack or a pickup go through.
var hfTrue = map[string]bool{"confirm_weight": true, "confirm_missing": true}

// hfUnique are the fields whose valid value must be new each time.
var hfUnique = map[string]string{
	"scan_id": "fz-%07d", "order_no": "FZ-%d", "inbound_no": "FZ-%d", "badge_code": "FZ%d",
	"createAdminMerchant.code": "FZ%d", "createAdminBoxType.code": "FZBOX%d", "createAdminLocation.code": "Z-%02d-01-1",
}

func (w *hfWorld) str(o *hfOp, name string, s *openapi3.Schema) string {
	id := ""
	if o != nil {
		id = o.id + "."
	}
	v, ok := "", false
	for _, k := range []string{id + name, name} {
		if f, unique := hfUnique[k]; unique {
			v, ok = fmt.Sprintf(f, w.next()), true
			break
		}
		if v, ok = hfStringHints[k]; ok {
			break
		}
	}
	if !ok {
		switch s.Format {
		case "date":
			v = "2026-11-24"
		case "date-time":
			v = "2026-11-23T10:00:00Z"
		case "byte":
			v = base64.StdEncoding.EncodeToString([]byte("fuzz"))
		case "email":
			v = "taro@example.jp"
		case "uri", "url":
			v = "https://example.jp/"
		default:
			v = "FZ1"
		}
	}
	if s.Pattern != "" {
		if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(v) {
			for _, c := range []string{"FZ1", fmt.Sprintf("fz-%07d", w.next()), "10:00", "A-01-01-1", "abc", "1"} {
				if re.MatchString(c) {
					v = c
					break
				}
			}
		}
	}
	for uint64(len([]rune(v))) < s.MinLength {
		v += "0"
	}
	if s.MaxLength != nil && uint64(len([]rune(v))) > *s.MaxLength {
		v = string([]rune(v)[:*s.MaxLength])
	}
	return v
}

// hfField is a value inside a body: where it is and its schema.
type hfField struct {
	path []any // keys and indexes from the body's root
	s    *openapi3.Schema
}

func (f hfField) String() string {
	var b strings.Builder
	for _, p := range f.path {
		if i, ok := p.(int); ok {
			fmt.Fprintf(&b, "[%d]", i)
		} else {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p.(string))
		}
	}
	return b.String()
}

// hfFields lists every value inside v, which s describes.
func hfFields(s *openapi3.Schema, v any, path []any, out *[]hfField) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			p := s.Properties[k]
			if p == nil || p.Value == nil {
				continue
			}
			f := hfField{path: append(slices.Clone(path), k), s: p.Value}
			*out = append(*out, f)
			hfFields(p.Value, v[k], f.path, out)
		}
	case []any:
		if len(v) > 0 && s.Items != nil && s.Items.Value != nil {
			f := hfField{path: append(slices.Clone(path), 0), s: s.Items.Value}
			*out = append(*out, f)
			hfFields(s.Items.Value, v[0], f.path, out)
		}
	}
}

// hfSet puts v at path in root, or takes the value there out when v is hfDelete.
func hfSet(root any, path []any, v any) {
	for i, p := range path {
		last := i == len(path)-1
		switch c := root.(type) {
		case map[string]any:
			k := p.(string)
			if !last {
				root = c[k]
			} else if v == hfDelete {
				delete(c, k)
			} else {
				c[k] = v
			}
		case []any:
			k := p.(int)
			if !last {
				root = c[k]
			} else if v == hfDelete {
				c[k] = map[string]any{} // an element cannot go; an empty one lacks everything
			} else {
				c[k] = v
			}
		}
	}
}

type hfDeleteMark struct{}

// hfDelete marks a field to leave out.
var hfDelete = hfDeleteMark{}

type hfRaw = json.RawMessage

// hfOddStrings are strings no form should hold, each a way a handler has
// been known to fall over.
var hfOddStrings = []any{
	"", " ", "\x00", hfRaw(`"\ud800"`), hfRaw(`"a\udfffb"`), hfRaw("\"\xff\xfe\""), "\u202eRTL\u202c", "\u200f\u200e",
	"😀🇯🇵👨‍👩‍👧", "１２３４５６７", "ｱｲｳｴｵﾞ", "𠮷野家", "e\u0301", "\u3000", "\ufeff", "\u2028\u2029", "\t\n\r",
	"' OR '1'='1' --", "'; DROP TABLE orders; --", "<script>alert(1)</script>", "{{.}}{{template \"x\"}}", "%s%n%x",
	"../../../etc/passwd", "a\r\nX-Injected: 1", "=cmd|'/C calc'!A0", "${jndi:ldap://127.0.0.1/x}",
	"2026-02-30", "9999-12-31T23:59:60Z", "0000-00-00", "-0001-01-01", "null", "NaN", "-0", "1e999",
	strings.Repeat("長", 5000), strings.Repeat("a", 70000),
}

// hfNumbers are numbers out of range or not quite numbers.
var hfNumbers = []any{
	-1, 0, int64(-9223372036854775808), int64(9223372036854775807), hfRaw("9223372036854775808"), hfRaw("-9223372036854775809"),
	hfRaw("1e308"), hfRaw("-1e308"), hfRaw("1" + strings.Repeat("0", 400)), hfRaw("1e-7"), hfRaw("1.0"), hfRaw("-0"), 1.5, 2147483648,
}

// mutations are the wrong values of a field of schema s, the telling ones
// first: a value of the wrong type, one a database may refuse (NUL,
// overflow, too many), the field left out, null; then the rest.
func (w *hfWorld) mutations(s *openapi3.Schema, valid any) []any {
	var first, rest []any
	switch {
	case hfIs(s, "integer"), hfIs(s, "number"):
		first = []any{"12", hfRaw("9223372036854775808")}
		rest = append([]any{"abc", true, []any{1}, map[string]any{}}, hfNumbers...)
		if s.Min != nil {
			rest = append(rest, *s.Min-1)
		}
		if s.Max != nil {
			rest = append(rest, *s.Max+1)
		}
	case hfIs(s, "boolean"):
		first = []any{"true", 1}
		rest = []any{hfRaw("0"), "yes", []any{}}
	case hfIs(s, "array"):
		n := 1000
		if s.MaxItems != nil {
			n = int(*s.MaxItems) + 1
		}
		many := []any{}
		if items, ok := valid.([]any); ok && len(items) > 0 && n <= 5000 {
			for range n {
				many = append(many, items[0])
			}
		}
		first = []any{map[string]any{}, many}
		rest = []any{"x", []any{nil}, []any{[]any{}}, []any{"x", 1, true}}
	case hfIs(s, "object"):
		first = []any{[]any{}, map[string]any{}}
		rest = []any{"x", 1, map[string]any{"zz_unknown": 1}}
	default:
		first = []any{12345, "\x00"}
		rest = append([]any{true, []any{"x"}, map[string]any{"x": 1}}, hfOddStrings...)
		if s.MaxLength != nil {
			rest = append(rest, strings.Repeat("x", int(*s.MaxLength)+1), strings.Repeat("あ", int(*s.MaxLength)+1))
		}
	}
	return append(append(first, hfDelete, nil), rest...)
}

// bodyCases sends bodies that are no valid body: broken, mistyped, too
// big, of another Content-Type; and the valid body with each field wrong.
func (w *hfWorld) bodyCases(o *hfOp) {
	if o.method == http.MethodGet {
		x := w.valid(o, w.owner(o), false)
		x.what, x.ctype, x.body = "a GET with an oversized body", "application/json", w.big
		w.expect(x)
		return
	}
	raw := func(what, ctype, body string, chunked bool) {
		x := w.valid(o, w.owner(o), false)
		x.what, x.ctype, x.body, x.chunked = what, ctype, body, chunked
		w.expect(x)
	}
	const js = "application/json"
	if o.body != nil && !strings.Contains(o.ctype, "json") {
		raw("an oversized file", o.ctype, w.bigFile, false)
		raw("an oversized file, chunked", o.ctype, w.bigFile, true)
	}
	raw("an oversized body", js, w.big, false)
	raw("an oversized body, chunked", js, w.big, true)
	if o.body == nil {
		raw("an unexpected body", js, `{"zz":1}`, false)
		raw("an unexpected binary body", "application/octet-stream", "\x00\xff\xfe", false)
		return
	}
	if !strings.Contains(o.ctype, "json") {
		w.textBodyCases(o, raw)
		return
	}
	valid := w.validBody(o, true)
	dup := strings.Replace(valid, "{", `{"zz":1,"zz":[],`, 1)
	if first := hfFirstKey(valid); first != "" {
		dup = strings.Replace(valid, "{", `{"`+first+`":{"x":[1]},`, 1)
	}
	broken := []struct{ what, ctype, body string }{
		{"an empty body", js, ""},
		{"half a body", js, valid[:len(valid)/2]},
		{"an unterminated object", js, "{"},
		{"a missing value", js, `{"a":}`},
		{"trailing garbage", js, valid + "}"},
		{"two documents", js, valid + valid},
		{"a byte-order mark", js, "\ufeff" + valid},
		{"NUL bytes", js, "\x00\x00\x00\x00"},
		{"invalid UTF-8", js, "\xff\xfe" + valid},
		{"single quotes", js, strings.ReplaceAll(valid, `"`, `'`)},
		{"deeply nested arrays", js, strings.Repeat("[", 100000) + strings.Repeat("]", 100000)},
		{"deeply nested objects", js, strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)},
		{"a top-level array", js, "[" + valid + "]"},
		{"a top-level string", js, `"x"`},
		{"a top-level number", js, "1"},
		{"a top-level huge number", js, "1e999"},
		{"a top-level null", js, "null"},
		{"a top-level true", js, "true"},
		{"an empty object", js, "{}"},
		{"an unknown field", js, strings.Replace(valid, "{", `{"zz_unknown":{"a":[1,2]},`, 1)},
		{"a duplicate key", js, dup},
		{"no Content-Type", "", valid},
		{"text/plain", "text/plain", valid},
		{"XML", "application/xml", "<order><order_no>1</order_no></order>"},
		{"a form", "application/x-www-form-urlencoded", "order_no=1&lines=2"},
		{"multipart", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n"},
		{"JSON in Shift_JIS", js + "; charset=shift_jis", valid},
		{"problem+json", "application/problem+json", valid},
		{"a broken Content-Type", js + `; charset="`, valid},
		{"a Content-Type with a NUL", js + "\x00", valid},
	}
	for _, b := range pick(w, broken, w.budget.bodies) {
		raw(b.what, b.ctype, b.body, false)
	}

	// Each field in turn gets a value of the wrong type, then values drawn
	// from those of its kind; then fields drawn at random get more.
	fieldsOf := func() (any, []hfField) {
		body := w.value(o, "", o.body, true, 0)
		var fields []hfField
		hfFields(o.body, body, nil, &fields)
		return body, fields
	}
	_, fields := fieldsOf()
	send := func(i, m int) {
		body, fields := fieldsOf()
		f := fields[i]
		muts := w.mutations(f.s, hfGet(body, f.path))
		v := muts[m%len(muts)]
		hfSet(body, f.path, v)
		b, err := json.Marshal(body)
		if err != nil {
			w.tb.Fatalf("%v: %s = %v: %v", o, f, v, err)
		}
		x := w.valid(o, w.owner(o), true)
		x.what, x.body = fmt.Sprintf("body %s = %s", f, hfShow(v)), string(b)
		if o.path != opsBase+"/session" && strings.HasPrefix(o.path, apiBase) && w.rng.IntN(3) == 0 {
			x.who = w.callers["midori"]
		}
		w.expect(x)
	}
	for i := range fields {
		for m := range w.budget.perField {
			send(i, m)
		}
	}
	for range w.budget.extraFields {
		if len(fields) > 0 {
			send(w.rng.IntN(len(fields)), w.rng.IntN(1000))
		}
	}
	w.idempotencyCases(o)
}

// idempotencyCases sends odd Idempotency-Keys, and one key twice with the
// same body and then with another.
func (w *hfWorld) idempotencyCases(o *hfOp) {
	if !strings.HasPrefix(o.path, apiBase) || o.method != http.MethodPost {
		return
	}
	for _, key := range []string{strings.Repeat("k", 256), strings.Repeat("鍵", 300), "\x00", " ", "😀"} {
		x := w.valid(o, w.owner(o), true)
		x.what, x.header = fmt.Sprintf("Idempotency-Key %q", hfTrunc(key, 20)), [][2]string{{"Idempotency-Key", key}}
		w.expect(x)
	}
	key := [][2]string{{"Idempotency-Key", fmt.Sprintf("fz-replay-%d", w.next())}}
	x := w.valid(o, w.owner(o), true)
	x.what, x.header = "an Idempotency-Key", key
	first := w.expect(x)
	x.what, x.want = "the same Idempotency-Key and body again", []int{first.status}
	w.expect(x)
	y := w.valid(o, w.owner(o), true)
	y.what, y.header, y.want = "the same Idempotency-Key with another body", key, []int{422}
	if y.body == x.body || first.status >= 300 {
		return
	}
	w.expect(y)
}

// textBodyCases are the broken files for an operation that takes a text body.
func (w *hfWorld) textBodyCases(o *hfOp, raw func(what, ctype, body string, chunked bool)) {
	valid := w.validBody(o, true)
	cases := []struct{ what, body string }{
		{"an empty file", ""},
		{"only a byte-order mark", "\ufeff"},
		{"binary", "\x00\x01\x02\xff\xfe\xfd"},
		{"invalid UTF-8 and Shift_JIS", "\x82\xa0\xff,\x81\n\x82"},
		{"an unterminated quote", "\"a,b\n\"c"},
		{"a quote in a field", "a\"b,c\n"},
		{"a header only", strings.SplitN(valid, "\n", 2)[0] + "\n"},
		{"10,000 columns", strings.Repeat("a,", 10000) + "\n" + strings.Repeat("1,", 10000)},
		{"a 1 MB field", "a\n" + strings.Repeat("x", 1<<20)},
		{"50,000 empty lines", strings.Repeat("\r\n", 50000)},
		{"formula injection", strings.ReplaceAll(valid, "TOWEL", "=cmd|'/C calc'!A0")},
		{"JSON", `{"a":1}`},
		{"the file twice", valid + valid},
		{"CR line ends", strings.ReplaceAll(valid, "\n", "\r")},
	}
	for i := range 6 {
		b := []byte(valid)
		if len(b) == 0 {
			break
		}
		switch i % 3 {
		case 0:
			b = b[:w.rng.IntN(len(b))]
		case 1:
			for range 5 {
				b[w.rng.IntN(len(b))] = byte(w.rng.IntN(256))
			}
		case 2:
			at := w.rng.IntN(len(b))
			b = append(b[:at:at], append([]byte(hfShow(hfOddStrings[w.rng.IntN(len(hfOddStrings))])), b[at:]...)...)
		}
		cases = append(cases, struct{ what, body string }{fmt.Sprintf("the file, broken (%d)", i), string(b)})
	}
	for _, c := range pick(w, cases, w.budget.bodies) {
		raw(c.what, o.ctype, c.body, false)
	}
	raw("the file as JSON", "application/json", valid, false)
	raw("the file without a Content-Type", "", valid, false)
}

func hfGet(root any, path []any) any {
	for _, p := range path {
		switch c := root.(type) {
		case map[string]any:
			root = c[p.(string)]
		case []any:
			root = c[p.(int)]
		default:
			return nil
		}
	}
	return root
}

func hfFirstKey(body string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(body), &m) != nil || len(m) == 0 {
		return ""
	}
	return slices.Sorted(maps.Keys(m))[0]
}

func hfShow(v any) string {
	switch v := v.(type) {
	case hfDeleteMark:
		return "(left out)"
	case hfRaw:
		return hfTrunc(string(v), 40)
	}
	b, _ := json.Marshal(v)
	return hfTrunc(string(b), 40)
}

func hfTrunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("…(%d bytes)", len(s))
}

// ---- sending and checking ----

// must sends c during set-up and fails unless it succeeds.
func (w *hfWorld) must(c hfCall) map[string]any {
	w.tb.Helper()
	c.lang = "ja"
	r := w.send(c)
	if r.status >= 300 {
		w.tb.Fatalf("set-up %s: %d %s", c.what, r.status, r.body)
	}
	var out map[string]any
	json.Unmarshal(r.body, &out)
	return out
}

// expect sends c and records what is wrong with the answer.
func (w *hfWorld) expect(c hfCall) hfReply {
	w.tb.Helper()
	r := w.send(c)
	w.statuses[r.status]++
	if r.status < 300 && c.op != nil {
		w.reached[c.op.String()] = true
	}
	if len(r.complaints) == 0 {
		return r
	}
	// One failure is told in full for each case of an operation, at most
	// three times an operation, and counted every time.
	kind, _, _ := strings.Cut(r.complaints[0], ":")
	what, _, _ := strings.Cut(c.what, " = ")
	key := fmt.Sprintf("%v: %s", c.op, kind)
	w.failures[key]++
	if w.told[key+what] || w.told[key] && w.failures[key] > 3 {
		return r
	}
	w.told[key+what], w.told[key] = true, true
	w.tb.Errorf("%s", w.describe(c, r))
	return r
}

// describe is a failure as its report: the request to send again and what came back.
func (w *hfWorld) describe(c hfCall, r hfReply) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  case: %s\n  request: %s %s\n  as: %s; Accept-Language: %q", strings.Join(r.complaints, "\n"), c.what, c.method, hfTrunc(c.target, 300), c.who.name, c.lang)
	if c.ctype != "" {
		fmt.Fprintf(&b, "; Content-Type: %q", c.ctype)
	}
	for _, h := range c.header {
		fmt.Fprintf(&b, "; %s: %q", h[0], hfTrunc(h[1], 60))
	}
	if c.csrf != nil {
		fmt.Fprintf(&b, "; X-CSRF-Token: %q", hfTrunc(*c.csrf, 20))
	}
	if c.chunked {
		b.WriteString("; chunked")
	}
	if c.body != "" {
		fmt.Fprintf(&b, "\n  body: %q", hfTrunc(c.body, 600))
	}
	fmt.Fprintf(&b, "\n  answer: %d %s", r.status, hfTrunc(string(r.body), 600))
	for _, l := range r.logs {
		fmt.Fprintf(&b, "\n  server log: %s", hfTrunc(l, 4000))
	}
	return b.String()
}

// send makes c's request, catching a panic that escapes the server, and
// checks the answer.
func (w *hfWorld) send(c hfCall) (r hfReply) {
	w.sent++
	req := httptest.NewRequest(c.method, "/", nil)
	u, err := url.ParseRequestURI(c.target)
	if err != nil {
		u = &url.URL{Path: "/", RawQuery: ""}
		r.complaints = append(r.complaints, "test: a bad URL: "+err.Error())
	}
	req.URL, req.RequestURI = u, c.target
	if c.body != "" || c.chunked {
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(c.body)), int64(len(c.body))
		if c.chunked {
			req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
		}
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	if c.who != nil && c.who.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.who.key)
	}
	if c.who != nil && c.who.cookie != "" {
		req.Header.Set("Cookie", sessionCookie+"="+c.who.cookie)
	}
	switch {
	case c.csrf != nil:
		if *c.csrf != "" {
			req.Header.Set("X-CSRF-Token", *c.csrf)
		}
	case c.who != nil && c.who.csrf != "" && c.method != http.MethodGet:
		req.Header.Set("X-CSRF-Token", c.who.csrf)
	}
	for _, h := range c.header {
		req.Header.Set(h[0], h[1])
	}

	before := w.log.len()
	rec := httptest.NewRecorder()
	began := time.Now()
	func() {
		defer func() {
			if p := recover(); p != nil {
				r.complaints = append(r.complaints, fmt.Sprintf("panic: out of the server: %v\n%s", p, debug.Stack()))
			}
		}()
		w.h.ServeHTTP(rec, req)
	}()
	d := time.Since(began)
	if d > w.slowest {
		w.slowest, w.slowestCall = d, c.method+" "+hfTrunc(c.target, 80)+" ("+c.what+")"
	}
	// Not a speed test (benchmarks are): only an answer so late that the
	// input must have made the server loop, as a template ranging over a
	// huge number once did, fails. The slowest are logged.
	if d > hfHang {
		r.complaints = append(r.complaints, fmt.Sprintf("hang: answered after %v", d.Round(time.Millisecond)))
	}
	r.status, r.header, r.body = rec.Code, rec.Header(), rec.Body.Bytes()
	if r.status >= 500 {
		r.complaints = append(r.complaints, fmt.Sprintf("5xx: a %d", r.status))
	}
	if r.logs = w.log.since(before); len(r.logs) > 0 {
		r.complaints = append(r.complaints, "logged: the server logged an error")
	}
	if c.want != nil && !slices.Contains(c.want, r.status) {
		r.complaints = append(r.complaints, fmt.Sprintf("status: %d, want %v", r.status, c.want))
	}
	if c.never2xx && r.status < 300 {
		r.complaints = append(r.complaints, fmt.Sprintf("role: served a role its summary leaves out (%d)", r.status))
	}
	if r.status >= 400 && r.status < 500 {
		r.complaints = append(r.complaints, w.checkProblem(c, r)...)
	}
	if ct := r.header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") && c.method != http.MethodHead && !json.Valid(r.body) {
		r.complaints = append(r.complaints, "json: Content-Type JSON but the body is not JSON")
	}
	if c.who != nil && c.who.otherMerchs {
		for _, s := range hfSecrets {
			if strings.Contains(string(r.body), s) && !strings.Contains(c.target+c.body, s) {
				r.complaints = append(r.complaints, "leak: MIDORI was shown SAKURA's data: "+s)
			}
		}
	}
	return r
}

// checkProblem checks a 4xx is a problem document in the caller's language.
func (w *hfWorld) checkProblem(c hfCall, r hfReply) []string {
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		return []string{fmt.Sprintf("problem: a %d with Content-Type %q, not application/problem+json", r.status, ct)}
	}
	var p problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		return []string{"problem: not JSON: " + err.Error()}
	}
	var out []string
	if p.Status != r.status || p.Detail == "" || p.Type == "" || p.RequestID == "" {
		out = append(out, "problem: incomplete (status, type, detail, request_id)")
	}
	en := strings.HasPrefix(strings.ToLower(strings.TrimSpace(c.lang)), "en")
	if t, ok := titles[r.status]; ok && (en && p.Title != t.EN || !en && p.Title != t.JA) {
		out = append(out, fmt.Sprintf("language: title %q", p.Title))
	}
	if !en && !hfJapanese(p.Detail) {
		out = append(out, fmt.Sprintf("language: detail not in Japanese: %q", p.Detail))
	}
	if en {
		echo := c.target + c.body
		if u, err := url.PathUnescape(c.target); err == nil {
			echo += u
		}
		if q, err := url.QueryUnescape(c.target); err == nil {
			echo += q
		}
		// English may quote Japanese (a column's name, what was sent) but
		// must be mostly English.
		latin, japanese := 0, 0
		for _, r := range p.Detail {
			if r < unicode.MaxASCII && unicode.IsLetter(r) {
				latin++
			}
		}
		for _, run := range hfJapaneseRuns(p.Detail) {
			if !strings.Contains(echo, run) && !strings.Contains(w.fixtures, run) {
				japanese += len([]rune(run))
			}
		}
		if japanese > latin {
			out = append(out, fmt.Sprintf("language: detail not in English: %q", p.Detail))
		}
	}
	return out
}

func hfJapaneseRune(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han)
}

func hfJapanese(s string) bool { return strings.ContainsFunc(s, hfJapaneseRune) }

// hfJapaneseRuns are the runs of kana and kanji in s.
func hfJapaneseRuns(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !hfJapaneseRune(r) })
}

// summarise logs what the run sent and what answered.
func (w *hfWorld) summarise(t *testing.T, took time.Duration) {
	ops := w.operations()
	var missed []string
	for _, o := range ops {
		if !w.reached[o.String()] {
			missed = append(missed, o.String())
		}
	}
	codes := slices.Sorted(maps.Keys(w.statuses))
	var hist []string
	for _, s := range codes {
		hist = append(hist, fmt.Sprintf("%d×%d", s, w.statuses[s]))
	}
	t.Logf("%d operations, %d requests in %v; answers %s; %d operations answered 2xx at least once",
		len(ops), w.sent, took.Round(time.Millisecond), strings.Join(hist, " "), len(ops)-len(missed))
	if len(missed) > 0 {
		t.Logf("never answered 2xx: %s", strings.Join(missed, ", "))
	}
	t.Logf("slowest request: %s took %v", w.slowestCall, w.slowest.Round(time.Millisecond))
	slow := slices.SortedFunc(maps.Keys(w.took), func(a, b string) int { return int(w.took[b] - w.took[a]) })
	for _, o := range slow[:min(5, len(slow))] {
		t.Logf("slow: %s took %v", o, w.took[o].Round(time.Millisecond))
	}
	for _, k := range slices.Sorted(maps.Keys(w.failures)) {
		t.Logf("failed %d× %s", w.failures[k], k)
	}
}

// hfLog keeps the server's errors (panics and internal errors are logged
// at level error) so each can be tied to the request that caused it.
type hfLog struct {
	mu   sync.Mutex
	recs []string
}

func (l *hfLog) Enabled(_ context.Context, level slog.Level) bool { return level >= slog.LevelError }

func (l *hfLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, b.String())
	return nil
}

func (l *hfLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *hfLog) WithGroup(string) slog.Handler      { return l }

func (l *hfLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recs)
}

func (l *hfLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.recs[n:])
}
