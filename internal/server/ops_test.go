package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// opsSeed is a small warehouse for the staff operations: two merchants
// sharing one JAN, a lot-tracked product, a case code, shelves and staff.
func opsSeed() *soko.Seed {
	return &soko.Seed{
		Merchants: []soko.Merchant{
			{Code: "SAKURA", Name: "さくら雑貨店", Sender: soko.Address{PostalCode: "1110032", Prefecture: "東京都", City: "台東区", Street: "浅草2-3-1", Name: "さくら雑貨店", Phone: "03-3841-0001"}},
			{Code: "MIDORI", Name: "みどり食品", Sender: soko.Address{PostalCode: "4200031", Prefecture: "静岡県", City: "静岡市葵区", Street: "呉服町1-1", Name: "みどり食品", Phone: "054-252-0001"}},
		},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
			{Staff: soko.Staff{BadgeCode: "K001", Name: "佐藤", Role: soko.RolePacker, Active: true}, PIN: "3333"},
			{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
		},
		Locations: []soko.Location{
			{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
			{Code: "A-01-02-1", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
			{Code: "RCV-01", Zone: "R", WalkSequence: 99, Kind: soko.LocationReceiving},
		},
		Products: []soko.SeedProduct{
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "今治タオル", TaxRate: 10,
				Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}, {Code: "14901234567891", PackQuantity: 12}}}},
			{MerchantCode: "MIDORI", Product: soko.Product{SKU: "TEA", Name: "緑茶", TaxRate: 8, TrackLot: true, TrackExpiry: true,
				Barcodes: []soko.ProductBarcode{{Code: "4512345678906", PackQuantity: 1}}}},
			{MerchantCode: "MIDORI", Product: soko.Product{SKU: "SAME", Name: "同じJANの別商品", TaxRate: 8,
				Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}},
		},
	}
}

// staffClient is a handheld signed in as one staff member.
type staffClient struct {
	client
	cookie *http.Cookie
	csrf   string
}

func mustOpsServer(tb testing.TB, db *storage.DB) http.Handler {
	tb.Helper()
	if err := db.Load(context.Background(), opsSeed()); err != nil {
		tb.Fatal(err)
	}
	return New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }})
}

func signIn(tb testing.TB, h http.Handler, badge, pin string) staffClient {
	tb.Helper()
	return signInOn(tb, h, badge, pin, "HT-01")
}

// signInOn signs a staff member in on the handheld named device.
func signInOn(tb testing.TB, h http.Handler, badge, pin, device string) staffClient {
	tb.Helper()
	r := client{tb, h, ""}.must(200, "POST", "/ops/session", map[string]any{"badge": badge, "pin": pin, "device": device})
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		tb.Fatalf("session cookie %+v", cookie)
	}
	return staffClient{client: client{tb, h, ""}, cookie: cookie, csrf: decode[api.StaffSession](tb, r).CsrfToken}
}

// op calls the ops API with the session cookie and, unless csrf is "", the token.
func (s staffClient) op(method, path string, body any, csrf string) reply {
	s.tb.Helper()
	return s.do(method, path, body, "Cookie", s.cookie.Name+"="+s.cookie.Value, "X-CSRF-Token", csrf)
}

func TestOps_SignInLockoutAndCSRF(t *testing.T) {
	h := mustOpsServer(t, storagetest.MustOpenSQLite(t))
	anon := client{t, h, ""}
	if r := anon.do("GET", "/ops/session", nil); r.Status != 401 {
		t.Fatalf("no cookie: %d", r.Status)
	}
	unknown := anon.do("POST", "/ops/session", map[string]any{"badge": "X999", "pin": "0000"})
	wrong := anon.do("POST", "/ops/session", map[string]any{"badge": "P001", "pin": "0000"})
	if unknown.Status != 401 || wrong.Status != 401 || decode[api.Problem](t, unknown).Detail != decode[api.Problem](t, wrong).Detail {
		t.Fatalf("an unknown badge and a wrong PIN must look alike: %s / %s", unknown.Raw, wrong.Raw)
	}
	for i := 0; i < 3; i++ {
		anon.do("POST", "/ops/session", map[string]any{"badge": "P001", "pin": "0000"})
	}
	if r := anon.do("POST", "/ops/session", map[string]any{"badge": "P001", "pin": "0000"}); r.Status != 423 {
		t.Fatalf("fifth wrong PIN: %d %s, want 423", r.Status, r.Raw)
	}
	if r := anon.do("POST", "/ops/session", map[string]any{"badge": "P001", "pin": "1111"}); r.Status != 423 {
		t.Fatalf("the right PIN on a locked badge: %d, want 423", r.Status)
	}

	sup := signIn(t, h, "v001", "5555") // badges are typed in any case
	me := sup.op("GET", "/ops/session", nil, "")
	if me.Status != 200 || decode[api.StaffSession](t, me).Role != "supervisor" {
		t.Fatalf("session: %s", me.Raw)
	}
	scan := map[string]any{"scan_id": "csrf-test-1", "code": "4901234567894", "merchant_code": "SAKURA"}
	if r := sup.op("POST", "/ops/receive", scan, ""); r.Status != 403 {
		t.Fatalf("change without CSRF token: %d", r.Status)
	}
	if r := sup.op("POST", "/ops/receive", scan, "forged"); r.Status != 403 {
		t.Fatalf("change with a wrong CSRF token: %d", r.Status)
	}
	sup.op("DELETE", "/ops/session", nil, sup.csrf)
	if r := sup.op("GET", "/ops/session", nil, ""); r.Status != 401 {
		t.Fatalf("after sign-out: %d", r.Status)
	}

	packer := signIn(t, h, "K001", "3333")
	if r := packer.op("POST", "/ops/receive", scan, packer.csrf); r.Status != 403 {
		t.Fatalf("a packer receiving goods: %d, want 403", r.Status)
	}
	if r := packer.op("GET", "/ops/alerts/low-stock", nil, ""); r.Status != 403 {
		t.Fatalf("a packer reading alerts: %d, want 403", r.Status)
	}
}

func TestOps_ReceivePutAwayCount(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustOpsServer(t, db)
		ctx := context.Background()
		midori, _ := db.FindMerchantByCode(ctx, "MIDORI")
		in := &soko.Inbound{MerchantID: midori.ID, Number: "ASN-7", ExpectedDate: storagetest.Fixed, Lines: []soko.InboundLine{{SKU: "TEA", Quantity: 24}}}
		if err := db.CreateInbound(ctx, in); err != nil {
			t.Fatal(err)
		}
		hh := signIn(t, h, "P001", "1111")
		receive := func(id string, body map[string]any) reply {
			body["scan_id"] = id
			return hh.op("POST", "/ops/receive", body, hh.csrf)
		}

		// The tracked tea needs its lot and expiry; the same scan with them is received.
		r := receive("rcv-0000001", map[string]any{"inbound_id": in.ID, "code": "4512345678906", "quantity": 12})
		if r.Status != 422 || !contains(r.fields(), "lot") || !contains(r.fields(), "expiry") {
			t.Fatalf("tracked product without lot: %d %s", r.Status, r.Raw)
		}
		r = receive("rcv-0000002", map[string]any{"inbound_id": in.ID, "code": "4512345678906", "quantity": 12, "lot": "L1", "expiry": "2027-06-30"})
		if r.Status != 200 {
			t.Fatalf("receive: %d %s", r.Status, r.Raw)
		}
		if got := decode[api.ScanResult](t, r); !pointsTo(got.Received, 12) || !pointsTo(got.Expected, 24) {
			t.Fatalf("receive: %d %s", r.Status, r.Raw)
		}
		// A GS1-128 label carries the lot and expiry itself.
		r = receive("rcv-0000003", map[string]any{"inbound_id": in.ID, "code": "]C1010451234567890610L2\x1d17270731", "quantity": 14})
		if r.Status != 200 {
			t.Fatalf("GS1-128 receive: %d %s", r.Status, r.Raw)
		}
		if got := decode[api.ScanResult](t, r); !pointsTo(got.Lot, "L2") || !pointsTo(got.OverReceipt, true) {
			t.Fatalf("GS1-128 receive: %d %s", r.Status, r.Raw)
		}
		// Misreads and strangers are refused, and each refusal is recorded.
		if r := receive("rcv-0000004", map[string]any{"inbound_id": in.ID, "code": "4512345678907"}); r.Status != 422 || !strings.Contains(string(r.Raw), "チェックデジット") {
			t.Fatalf("check digit: %d %s", r.Status, r.Raw)
		}
		if r := receive("rcv-0000005", map[string]any{"inbound_id": in.ID, "code": "4909999999998"}); r.Status != 404 {
			t.Fatalf("unknown barcode: %d %s", r.Status, r.Raw)
		}
		// The shared JAN is ambiguous without a merchant.
		if r := receive("rcv-0000006", map[string]any{"code": "4901234567894"}); r.Status != 422 || !contains(r.fields(), "merchant_code") {
			t.Fatalf("ambiguous JAN: %d %s", r.Status, r.Raw)
		}
		// A case code counts its pack quantity.
		if r := receive("rcv-0000007", map[string]any{"merchant_code": "SAKURA", "code": "14901234567891"}); r.Status != 200 || decode[api.ScanResult](t, r).Quantity != 12 {
			t.Fatalf("case code: %d %s", r.Status, r.Raw)
		}
		hh.op("POST", "/ops/inbounds/"+itoa64(in.ID)+"/finish", nil, hh.csrf)

		put := hh.op("POST", "/ops/putaway", map[string]any{"scan_id": "put-0000001", "code": "4512345678906", "to": "A-01-01-1", "quantity": 20}, hh.csrf)
		if put.Status != 200 {
			t.Fatalf("put away: %d %s", put.Status, put.Raw)
		}
		if r := hh.op("POST", "/ops/putaway", map[string]any{"scan_id": "put-0000002", "code": "4512345678906", "to": "A-01-01-1", "quantity": 20}, hh.csrf); r.Status != 409 {
			t.Fatalf("putting away more than received: %d %s", r.Status, r.Raw)
		}
		st, _ := db.StockOf(ctx, midori.ID, "TEA")
		if st.OnHand != 26 || len(st.Lots) != 2 || st.Lots[0].Lot != "L1" {
			t.Fatalf("tea stock %+v", st)
		}

		// The counter finds 18 of lot L1 (12 put away) and 2 of L2 (8 put away) at the shelf.
		count := hh.op("POST", "/ops/counts", map[string]any{"scan_id": "cnt-0000001", "location": "A-01-01-1", "reason": "棚卸",
			"lines": []map[string]any{{"code": "4512345678906", "lot": "L1", "quantity": 12}, {"code": "4512345678906", "lot": "L2", "quantity": 5}}}, hh.csrf)
		if count.Status != 200 {
			t.Fatalf("count: %d %s", count.Status, count.Raw)
		}
		diffs := 0
		for _, l := range decode[api.CountResult](t, count).Lines {
			if l.Difference != 0 {
				diffs++
			}
		}
		if diffs != 1 {
			t.Fatalf("count differences: %s", count.Raw)
		}
		if bad, err := db.CheckLedger(ctx); err != nil || len(bad) > 0 {
			t.Fatalf("ledger: %v %+v", err, bad)
		}
	})
}

// TestOps_ScanIDIsTheScanners: a scan id sent again gets its first answer
// only from the one who scanned it: the same staff member, or the same
// handheld after a shift change (its outbox goes out after the next
// sign-in). From another handheld, or to another step, it is refused with
// 409 and changes nothing, instead of showing someone else's scan.
func TestOps_ScanIDIsTheScanners(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustOpsServer(t, db)
	picker := signIn(t, h, "P001", "1111")
	body := map[string]any{"scan_id": "mine-0000001", "merchant_code": "SAKURA", "code": "4901234567894"}
	first := picker.op("POST", "/ops/receive", body, picker.csrf)
	if first.Status != 200 {
		t.Fatalf("the first scan: %d %s", first.Status, first.Raw)
	}
	elsewhere := signInOn(t, h, "V001", "5555", "HT-09")
	taken := elsewhere.op("POST", "/ops/receive", body, elsewhere.csrf)
	if !refusedScanID(t, taken) || strings.Contains(string(taken.Raw), "TOWEL") {
		t.Errorf("another handheld sending the scan id: %d %s, want 409 on scan_id without the first answer", taken.Status, taken.Raw)
	}
	counted := picker.op("POST", "/ops/counts", map[string]any{"scan_id": "mine-0000001", "location": "RCV-01", "reason": "棚卸",
		"lines": []map[string]any{}}, picker.csrf)
	if !refusedScanID(t, counted) || counted.Header.Get("Scan-Replayed") != "" {
		t.Errorf("the scan id sent to a count: %d %s, want 409", counted.Status, counted.Raw)
	}
	sameHandheld := signIn(t, h, "V001", "5555")
	again := sameHandheld.op("POST", "/ops/receive", body, sameHandheld.csrf)
	if again.Status != 200 || string(again.Raw) != string(first.Raw) || again.Header.Get("Scan-Replayed") != "true" {
		t.Errorf("the same handheld after a shift change: %d %s, want the first answer", again.Status, again.Raw)
	}
	sakura, _ := db.FindMerchantByCode(context.Background(), "SAKURA")
	if st, _ := db.StockOf(context.Background(), sakura.ID, "TOWEL"); st.OnHand != 1 {
		t.Errorf("towels on hand %d, want the one scan's", st.OnHand)
	}
}

// refusedScanID tells whether r refused its scan_id as another scan's.
func refusedScanID(tb testing.TB, r reply) bool {
	tb.Helper()
	p := decode[problem](tb, r)
	return r.Status == 409 && len(p.Errors) == 1 && p.Errors[0].Field == "scan_id"
}

func TestOps_ScanAppliedOnce(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustOpsServer(t, db)
	hh := signIn(t, h, "P001", "1111")
	body := map[string]any{"scan_id": "dup-0000001", "merchant_code": "SAKURA", "code": "4901234567894"}
	first := hh.op("POST", "/ops/receive", body, hh.csrf)
	again := hh.op("POST", "/ops/receive", body, hh.csrf)
	if first.Status != 200 || string(first.Raw) != string(again.Raw) || again.Header.Get("Scan-Replayed") != "true" {
		t.Fatalf("replay:\n%s\n%s", first.Raw, again.Raw)
	}
	var wg sync.WaitGroup
	replies := make([]reply, 10)
	body = map[string]any{"scan_id": "dup-0000002", "merchant_code": "SAKURA", "code": "14901234567891"}
	for i := range replies {
		wg.Add(1)
		go func() { defer wg.Done(); replies[i] = hh.op("POST", "/ops/receive", body, hh.csrf) }()
	}
	wg.Wait()
	for i, r := range replies {
		if r.Status != 200 || string(r.Raw) != string(replies[0].Raw) {
			t.Fatalf("concurrent copy %d: %d %s", i, r.Status, r.Raw)
		}
	}
	sakura, _ := db.FindMerchantByCode(context.Background(), "SAKURA")
	if st, _ := db.StockOf(context.Background(), sakura.ID, "TOWEL"); st.OnHand != 13 {
		t.Fatalf("towels on hand %d, want 1 + 12: each scan once", st.OnHand)
	}
	// At the receiving location the shared JAN can only be SAKURA's towel.
	lookup := hh.op("GET", "/ops/products/lookup?code=4901234567894&location=RCV-01", nil, "")
	if decode[api.ScannedProduct](t, lookup).Sku != "TOWEL" {
		t.Fatalf("lookup at the receiving location: %s", lookup.Raw)
	}
}
