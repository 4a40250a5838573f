package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/password"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// portalPassword is every test portal user's password.
const portalPassword = "sakura-no-hana-2026"

// mustPortalUsers gives the test merchants portal users: an owner, a
// staff member and a read-only user of SAKURA, and an owner of MIDORI.
func mustPortalUsers(tb testing.TB, db *storage.DB) {
	tb.Helper()
	ctx := context.Background()
	hash, err := password.Hash(portalPassword)
	if err != nil {
		tb.Fatal(err)
	}
	for _, u := range []struct {
		merchant, email string
		role            soko.PortalRole
	}{
		{"SAKURA", "owner@sakura.example", soko.PortalOwner},
		{"SAKURA", "staff@sakura.example", soko.PortalStaff},
		{"SAKURA", "viewer@sakura.example", soko.PortalReadOnly},
		{"MIDORI", "owner@midori.example", soko.PortalOwner},
	} {
		m, err := db.FindMerchantByCode(ctx, u.merchant)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := db.CreatePortalUser(ctx, &soko.PortalUser{MerchantID: m.ID, Email: u.email, Role: u.role, PasswordHash: hash}, false); err != nil {
			tb.Fatal(err)
		}
	}
}

// portalClient is a browser signed in to the portal: its cookie and the
// session's CSRF token, sent with every change.
type portalClient struct {
	tb     testing.TB
	h      http.Handler
	cookie string
	csrf   string
}

func (c *portalClient) do(method, path string, body any, header ...string) reply {
	c.tb.Helper()
	var r io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			c.tb.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: portalCookie, Value: c.cookie})
	}
	if c.csrf != "" && method != "GET" {
		req.Header.Set("X-CSRF-Token", c.csrf)
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

func (c *portalClient) must(want int, method, path string, body any, header ...string) reply {
	c.tb.Helper()
	r := c.do(method, path, body, header...)
	if r.Status != want {
		c.tb.Fatalf("%s %s: %d, want %d\n%s", method, path, r.Status, want, r.Raw)
	}
	return r
}

// signIn signs a portal user in and returns their browser.
func signInPortal(tb testing.TB, h http.Handler, email, pw string) *portalClient {
	tb.Helper()
	c := &portalClient{tb: tb, h: h}
	r := c.must(200, "POST", "/portal/session", map[string]any{"email": email, "password": pw})
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == portalCookie {
			c.cookie = ck.Value
		}
	}
	c.csrf = decode[api.PortalSession](tb, r).CsrfToken
	if c.cookie == "" || c.csrf == "" {
		tb.Fatalf("sign-in set no cookie or CSRF token: %v %s", r.Header, r.Raw)
	}
	return c
}

// A merchant's owner signs in with email and password and uses the
// merchant API through the portal with the session's cookie and CSRF
// token; what they change is audited as theirs; signing out ends it.
func TestPortal_SignInAndMerchantAPI(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{})
		mustPortalUsers(t, db)
		anon := &portalClient{tb: t, h: h}
		if r := anon.do("POST", "/portal/session", map[string]any{"email": "owner@sakura.example", "password": "wrong-password"}); r.Status != 401 {
			t.Fatalf("wrong password: %d %s", r.Status, r.Raw)
		}
		if r := anon.do("POST", "/portal/session", map[string]any{"email": "nobody@sakura.example", "password": portalPassword}); r.Status != 401 || !strings.Contains(decode[api.Problem](t, r).Detail, "メールアドレスまたはパスワード") {
			t.Fatalf("unknown email: %d %s", r.Status, r.Raw)
		}
		r := anon.must(200, "POST", "/portal/session", map[string]any{"email": "Owner@Sakura.example", "password": portalPassword})
		set := r.Header.Get("Set-Cookie")
		for _, want := range []string{"soko_portal=", "Path=/portal", "HttpOnly", "SameSite=Strict"} {
			if !strings.Contains(set, want) {
				t.Errorf("cookie %q lacks %s", set, want)
			}
		}
		if s := decode[api.PortalSession](t, r); s.MerchantCode != "SAKURA" || s.Role != "owner" {
			t.Fatalf("session: %s", r.Raw)
		}
		owner := signInPortal(t, h, "owner@sakura.example", portalPassword)
		owner.must(200, "GET", "/portal/session", nil)

		if r := anon.do("GET", "/portal/api/v1/orders", nil); r.Status != 401 {
			t.Fatalf("no session: %d %s", r.Status, r.Raw)
		}
		if r := (client{t, h, keySakura}).do("GET", "/portal/api/v1/orders", nil); r.Status != 401 {
			t.Fatalf("an API key on the portal: %d %s", r.Status, r.Raw)
		}
		noCSRF := &portalClient{tb: t, h: h, cookie: owner.cookie}
		if r := noCSRF.do("PUT", "/portal/api/v1/products/MUG-1", product("マグカップ", 1200)); r.Status != 403 {
			t.Fatalf("a change without the CSRF token: %d %s", r.Status, r.Raw)
		}
		owner.must(201, "PUT", "/portal/api/v1/products/MUG-1", product("マグカップ", 1200))
		if r := owner.do("PUT", "/portal/api/v1/products/BAD-1", product("壊れたJAN", 1, "4901234567890")); r.Status != 422 || !contains(r.fields(), "barcodes[0].code") {
			t.Fatalf("a wrong JAN through the portal: %d %s", r.Status, r.Raw)
		}
		owner.must(201, "POST", "/portal/api/v1/orders", order("SO-1", line("MUG-1", 1)), "Idempotency-Key", "portal-1")
		again := owner.must(201, "POST", "/portal/api/v1/orders", order("SO-1", line("MUG-1", 1)), "Idempotency-Key", "portal-1")
		if again.Header.Get("Idempotent-Replayed") != "true" && decode[api.Order](t, again).OrderNo != "SO-1" {
			t.Fatalf("replay: %v %s", again.Header, again.Raw)
		}
		owner.must(200, "POST", "/portal/api/v1/orders/SO-1/hold", map[string]any{"reason": "payment_pending"})
		if got := (client{t, h, keySakura}).must(200, "GET", "/api/v1/orders/SO-1", nil); decode[api.Order](t, got).Status != "on_hold" {
			t.Fatalf("the API key sees %s", got.Raw)
		}
		log, _, err := db.AuditLog(context.Background(), soko.AuditFilter{Action: "order.hold"})
		if err != nil || len(log) != 1 || log[0].Actor.Kind != soko.ActorPortalUser || log[0].Actor.PortalUserID == 0 {
			t.Fatalf("audit of the hold: %+v, %v", log, err)
		}
		if byUser, _, _ := db.AuditLog(context.Background(), soko.AuditFilter{Actor: "portal:" + itoa64(log[0].Actor.PortalUserID)}); len(byUser) != 1 {
			t.Fatalf("audit by portal user: %+v", byUser)
		}

		owner.must(204, "DELETE", "/portal/session", nil)
		if r := owner.do("GET", "/portal/api/v1/orders", nil); r.Status != 401 {
			t.Fatalf("after signing out: %d %s", r.Status, r.Raw)
		}
	})
}

// Five wrong passwords in a row lock the account: the right one is
// refused too until the wait is over.
func TestPortal_LockedAfterWrongPasswords(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustAPIServer(t, db, Config{})
	mustPortalUsers(t, db)
	anon := &portalClient{tb: t, h: h}
	for i := 1; i <= soko.MaxWrongPINs; i++ {
		want := 401
		if i == soko.MaxWrongPINs {
			want = 423
		}
		anon.must(want, "POST", "/portal/session", map[string]any{"email": "staff@sakura.example", "password": "guess-number-" + itoa64(int64(i))})
	}
	if r := anon.do("POST", "/portal/session", map[string]any{"email": "staff@sakura.example", "password": portalPassword}); r.Status != 423 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the right password while locked: %d %v %s", r.Status, r.Header, r.Raw)
	}
	// Other users are not held up.
	signInPortal(t, h, "owner@sakura.example", portalPassword)
}

// A guesser cannot tell which emails have accounts: an email without one
// is answered as an account's would be, wrong and then locked, with the
// same message.
func TestPortal_UnknownEmailAnsweredAsAnAccount(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustAPIServer(t, db, Config{})
	mustPortalUsers(t, db)
	anon := &portalClient{tb: t, h: h}
	answers := map[string][]string{}
	for _, email := range []string{"staff@sakura.example", "nobody@sakura.example"} {
		for i := 1; i <= soko.MaxWrongPINs+1; i++ {
			r := anon.do("POST", "/portal/session", map[string]any{"email": email, "password": "guess-number-" + itoa64(int64(i))})
			answers[email] = append(answers[email], itoa64(int64(r.Status))+" "+decode[api.Problem](t, r).Title+" "+r.Header.Get("Retry-After"))
		}
	}
	if a, b := strings.Join(answers["staff@sakura.example"], " | "), strings.Join(answers["nobody@sakura.example"], " | "); a != b || !strings.Contains(a, "423") {
		t.Fatalf("an account's answers:\n%s\nan unknown email's:\n%s", a, b)
	}
}

// An unknown email's lock slides as an account's does (it lasted the rest
// of the UTC day): a guess after the wait is counted and waits longer, and
// the count is forgotten after a quiet day. The answers match an account's
// all along.
func TestPortal_UnknownEmailLockSlides(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	now := storagetest.Fixed
	clock := func() time.Time { return now }
	db.Now = clock
	h := mustAPIServer(t, db, Config{Now: clock})
	mustPortalUsers(t, db)
	anon := &portalClient{tb: t, h: h}
	answers := map[string][]string{}
	start := now
	for _, email := range []string{"staff@sakura.example", "nobody@sakura.example"} {
		now = start
		guess := func(i int) {
			r := anon.do("POST", "/portal/session", map[string]any{"email": email, "password": "guess-number-" + itoa64(int64(i))})
			answers[email] = append(answers[email], itoa64(int64(r.Status))+" "+r.Header.Get("Retry-After"))
		}
		for i := 1; i <= soko.MaxWrongPINs; i++ {
			guess(i)
		}
		// Past the minute's wait, the next guess counts and waits two.
		now = now.Add(time.Minute + time.Second)
		guess(6)
		now = now.Add(time.Minute)
		guess(7)
		// A quiet day forgets the count.
		now = now.Add(soko.WrongPINsForget + time.Hour)
		guess(8)
		start = start.Add(2 * soko.WrongPINsForget)
	}
	a, b := strings.Join(answers["staff@sakura.example"], " | "), strings.Join(answers["nobody@sakura.example"], " | ")
	if want := "401  | 401  | 401  | 401  | 423 60 | 423 120 | 423 60 | 401 "; a != want || b != a {
		t.Fatalf("an account's answers:\n%s\nan unknown email's:\n%s\nwant:\n%s", a, b, want)
	}
}

// Sign-ins from one address are limited across all accounts.
func TestPortal_SignInRateLimited(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustAPIServer(t, db, Config{SignInsPerAddress: 3})
	mustPortalUsers(t, db)
	anon := &portalClient{tb: t, h: h}
	for i := range 3 {
		anon.must(401, "POST", "/portal/session", map[string]any{"email": "nobody" + itoa64(int64(i)) + "@sakura.example", "password": "x"})
	}
	if r := anon.do("POST", "/portal/session", map[string]any{"email": "owner@sakura.example", "password": portalPassword}); r.Status != 429 {
		t.Fatalf("fourth sign-in in the minute: %d %s", r.Status, r.Raw)
	}
}

// A second merchant's portal user gets 404 on the first merchant's data
// through /portal/api/v1, as its API key does; a read-only user may not
// change anything and a staff user may not touch the webhooks.
func TestPortal_MerchantsAreIsolated(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustAPIServer(t, db, Config{AllowPrivateWebhooks: true})
		mustPortalUsers(t, db)
		sakura := client{t, h, keySakura}
		sakura.must(201, "PUT", "/api/v1/products/SECRET-1", product("限定品", 9999, "4901234567894"))
		sakura.must(201, "POST", "/api/v1/orders", order("SO-SECRET", line("SECRET-1", 1)))
		sakura.must(201, "POST", "/api/v1/inbounds", map[string]any{
			"inbound_no": "ASN-SECRET", "expected_date": "2026-12-01", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 5}},
		})
		hook := sakura.must(200, "PUT", "/api/v1/webhook-endpoint", map[string]any{"url": "http://127.0.0.1:9/hook"})
		endpoint := "/portal/api/v1/webhook-endpoints/" + itoa64(decode[api.WebhookEndpoint](t, hook).Id)
		sakura.must(201, "POST", "/api/v1/orders", order("SO-HOOK", line("SECRET-1", 1)))
		sakura.must(200, "POST", "/api/v1/orders/SO-HOOK/cancel", nil)
		deliveries := decode[api.WebhookDeliveryList](t, sakura.must(200, "GET", "/api/v1/webhook-deliveries", nil)).Data
		if len(deliveries) == 0 {
			t.Fatal("no webhook delivery was queued")
		}
		delivery := "/portal/api/v1/webhook-deliveries/" + itoa64(deliveries[0].Id) + "/redeliver"

		midori := signInPortal(t, h, "owner@midori.example", portalPassword)
		for _, c := range []struct{ method, path string }{
			{"GET", "/portal/api/v1/orders/SO-SECRET"},
			{"GET", "/portal/api/v1/orders/SO-SECRET/events"},
			{"POST", "/portal/api/v1/orders/SO-SECRET/cancel"},
			{"POST", "/portal/api/v1/orders/SO-SECRET/release"},
			{"GET", "/portal/api/v1/stock/SECRET-1"},
			{"GET", "/portal/api/v1/products/SECRET-1"},
			{"GET", "/portal/api/v1/inbounds/ASN-SECRET"},
			{"POST", "/portal/api/v1/inbounds/ASN-SECRET/cancel"},
			{"GET", endpoint},
			{"DELETE", endpoint},
			{"POST", delivery},
		} {
			if r := midori.do(c.method, c.path, nil); r.Status != 404 {
				t.Errorf("%s %s as another merchant's portal user: %d %s, want 404", c.method, c.path, r.Status, r.Raw)
			}
		}
		for _, path := range []string{"/portal/api/v1/orders", "/portal/api/v1/stock", "/portal/api/v1/products", "/portal/api/v1/inbounds", "/portal/api/v1/webhook-deliveries", "/portal/api/v1/shipments"} {
			r := midori.must(200, "GET", path, nil)
			if n := len(r.JSON["data"].([]any)); n != 0 || strings.Contains(string(r.Raw), "SECRET") {
				t.Errorf("GET %s shows another merchant's data: %s", path, r.Raw)
			}
		}

		viewer := signInPortal(t, h, "viewer@sakura.example", portalPassword)
		viewer.must(200, "GET", "/portal/api/v1/orders/SO-SECRET", nil)
		viewer.must(200, "GET", "/portal/api/v1/stock/SECRET-1", nil)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/portal/api/v1/orders", order("SO-V", line("SECRET-1", 1))},
			{"POST", "/portal/api/v1/orders/SO-SECRET/cancel", nil},
			{"POST", "/portal/api/v1/orders/SO-SECRET/hold", map[string]any{"reason": "payment_pending"}},
			{"PUT", "/portal/api/v1/products/SECRET-1", product("書き換え", 1)},
			{"POST", "/portal/api/v1/inbounds", map[string]any{"inbound_no": "ASN-V", "expected_date": "2026-12-01", "lines": []map[string]any{{"sku": "SECRET-1", "quantity": 1}}}},
			{"PUT", "/portal/api/v1/webhook-endpoint", map[string]any{"url": "http://127.0.0.1:9/stolen"}},
		} {
			if r := viewer.do(c.method, c.path, c.body); r.Status != 403 {
				t.Errorf("%s %s as a read-only user: %d %s, want 403", c.method, c.path, r.Status, r.Raw)
			}
		}
		staff := signInPortal(t, h, "staff@sakura.example", portalPassword)
		staff.must(200, "PUT", "/portal/api/v1/products/SECRET-1", product("限定品", 9999, "4901234567894"))
		if r := staff.do("PUT", "/portal/api/v1/webhook-endpoint", map[string]any{"url": "http://127.0.0.1:9/stolen"}); r.Status != 403 {
			t.Errorf("a staff user sets the webhook: %d %s", r.Status, r.Raw)
		}
		if r := staff.do("GET", "/portal/users", nil); r.Status != 403 {
			t.Errorf("a staff user lists the portal users: %d %s", r.Status, r.Raw)
		}
		if got := sakura.must(200, "GET", "/api/v1/orders/SO-SECRET", nil); decode[api.Order](t, got).Status == "cancelled" || decode[api.Order](t, got).Status == "on_hold" {
			t.Fatalf("a refused change happened: %s", got.Raw)
		}

		// Users are the merchant's own: another merchant's owner cannot stop them.
		users := decode[api.ListPortalUsers200JSONResponse](t, signInPortal(t, h, "owner@sakura.example", portalPassword).must(200, "GET", "/portal/users", nil)).Data
		if len(users) != 3 {
			t.Fatalf("SAKURA's users: %+v", users)
		}
		viewerID := itoa64(users[2].Id)
		if r := midori.do("PATCH", "/portal/users/"+viewerID, map[string]any{"active": false}); r.Status != 404 {
			t.Errorf("another merchant's owner stops a user: %d %s", r.Status, r.Raw)
		}
		viewer.must(200, "GET", "/portal/session", nil)
	})
}

// A forgotten password is reset by a link emailed through the warehouse's
// SMTP server; the link works once; the answer does not tell whether an
// email has an account. An owner's invitation is the same kind of link.
func TestPortal_PasswordResetByEmail(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		clock := &testClock{t: storagetest.Fixed}
		db.Now = clock.now
		db.PublicURL = "https://soko.example"
		h := mustAPIServer(t, db, Config{Now: clock.now})
		mustPortalUsers(t, db)
		mail := mustPortalMail(t, db, clock)

		anon := &portalClient{tb: t, h: h}
		anon.must(202, "POST", "/portal/password-reset", map[string]any{"email": "nobody@sakura.example"})
		anon.must(202, "POST", "/portal/password-reset", map[string]any{"email": "Owner@Sakura.example"})
		subject, body, token := mail.letter("owner@sakura.example")
		if !strings.Contains(subject, "パスワード再設定") {
			t.Fatalf("email %q:\n%s", subject, body)
		}
		if r := anon.do("POST", "/portal/password-reset/confirm", map[string]any{"token": token, "password": "short"}); r.Status != 422 || !contains(r.fields(), "password") {
			t.Fatalf("a short password: %d %s", r.Status, r.Raw)
		}
		anon.must(204, "POST", "/portal/password-reset/confirm", map[string]any{"token": token, "password": "a-new-long-password"})
		if r := anon.do("POST", "/portal/password-reset/confirm", map[string]any{"token": token, "password": "another-long-password"}); r.Status != 422 {
			t.Fatalf("the link again: %d %s", r.Status, r.Raw)
		}
		if r := anon.do("POST", "/portal/session", map[string]any{"email": "owner@sakura.example", "password": portalPassword}); r.Status != 401 {
			t.Fatalf("the old password: %d %s", r.Status, r.Raw)
		}
		owner := signInPortal(t, h, "owner@sakura.example", "a-new-long-password")

		// The owner invites a colleague, who sets a password from the email.
		owner.must(201, "POST", "/portal/users", map[string]any{"email": "new@sakura.example", "name": "新人", "role": "staff"})
		if r := signInPortal(t, h, "viewer@sakura.example", portalPassword).do("POST", "/portal/users", map[string]any{"email": "x@sakura.example", "role": "owner"}); r.Status != 403 {
			t.Fatalf("a read-only user invites: %d %s", r.Status, r.Raw)
		}
		subject, body, invite := mail.letter("new@sakura.example")
		if !strings.Contains(subject, "招待") {
			t.Fatalf("invitation %q:\n%s", subject, body)
		}
		anon.must(204, "POST", "/portal/password-reset/confirm", map[string]any{"token": invite, "password": "welcome-to-sakura"})
		if r := signInPortal(t, h, "new@sakura.example", "welcome-to-sakura").must(200, "GET", "/portal/session", nil); decode[api.PortalSession](t, r).Role != "staff" {
			t.Fatalf("invited user: %s", r.Raw)
		}
	})
}

// readPortalLetter reads an email's subject and body as a mail client shows them.
func readPortalLetter(t *testing.T, raw []byte) (subject, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		if b, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(b))); err != nil {
			t.Fatal(err)
		}
	}
	return subject, string(b)
}

// Every change of the portal's own needs the session's CSRF token: none,
// another session's, or one of a session that signed out is refused, and
// nothing is done.
func TestPortal_CSRF(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustAPIServer(t, db, Config{})
	mustPortalUsers(t, db)
	owner := signInPortal(t, h, "owner@sakura.example", portalPassword)
	other := signInPortal(t, h, "owner@midori.example", portalPassword)
	gone := signInPortal(t, h, "owner@sakura.example", portalPassword)
	gone.must(204, "DELETE", "/portal/session", nil)
	users := decode[api.ListPortalUsers200JSONResponse](t, owner.must(200, "GET", "/portal/users", nil)).Data
	staffID := itoa64(users[1].Id)
	for _, token := range []string{"", other.csrf, gone.csrf, strings.Repeat(owner.csrf, 200)} {
		forged := &portalClient{tb: t, h: h, cookie: owner.cookie, csrf: token}
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/portal/users", map[string]any{"email": "x@sakura.example", "role": "owner"}},
			{"PATCH", "/portal/users/" + staffID, map[string]any{"active": false}},
			{"DELETE", "/portal/session", nil},
			{"POST", "/portal/api/v1/orders", order("SO-X", line("NONE", 1))},
		} {
			if r := forged.do(c.method, c.path, c.body); r.Status != 403 {
				t.Errorf("%s %s with CSRF token %.10q: %d %s, want 403", c.method, c.path, token, r.Status, r.Raw)
			}
		}
	}
	if n := len(decode[api.ListPortalUsers200JSONResponse](t, owner.must(200, "GET", "/portal/users", nil)).Data); n != 3 {
		t.Fatalf("a forged change went through: %d users", n)
	}
	owner.must(200, "GET", "/portal/session", nil)
	if r := gone.do("GET", "/portal/session", nil); r.Status != 401 {
		t.Fatalf("a signed-out session: %d", r.Status)
	}
}

// The stock downloads as CSV, in UTF-8 with a byte order mark or in
// Shift_JIS, with the merchant's products only.
func TestPortal_StockCSV(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustAPIServer(t, db, Config{})
	mustPortalUsers(t, db)
	(client{t, h, keySakura}).must(201, "PUT", "/api/v1/products/TOWEL-1", product("今治タオル", 1650))
	(client{t, h, keySakura}).must(201, "PUT", "/api/v1/products/FORMULA", product("=SUM(A1)", 10))
	viewer := signInPortal(t, h, "viewer@sakura.example", portalPassword)
	r := viewer.must(200, "GET", "/portal/stock.csv", nil)
	if !strings.HasPrefix(string(r.Raw), "\uFEFFSKU,商品名,引当可能") || !strings.Contains(string(r.Raw), "TOWEL-1,今治タオル,0,0,0,0,") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(string(r.Raw), "'=SUM(A1)") {
		t.Fatalf("UTF-8 CSV %v:\n%s", r.Header, r.Raw)
	}
	r = viewer.must(200, "GET", "/portal/stock.csv?encoding=shift_jis", nil)
	text, err := japanese.ShiftJIS.NewDecoder().Bytes(r.Raw)
	if err != nil || !strings.HasPrefix(string(text), "SKU,商品名") || !strings.Contains(string(text), "TOWEL-1,今治タオル") || !strings.Contains(r.Header.Get("Content-Type"), "shift_jis") {
		t.Fatalf("Shift_JIS CSV %v: %v\n%s", r.Header, err, text)
	}
	if r := viewer.do("GET", "/portal/stock.csv?encoding=latin1", nil); r.Status != 422 && r.Status != 400 {
		t.Fatalf("an unknown encoding: %d %s", r.Status, r.Raw)
	}
	if r := signInPortal(t, h, "owner@midori.example", portalPassword).must(200, "GET", "/portal/stock.csv", nil); strings.Contains(string(r.Raw), "TOWEL-1") {
		t.Fatalf("another merchant's CSV: %s", r.Raw)
	}
}
