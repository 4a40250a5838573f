package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustTOTPSite is a server on db holding adminSeed and the test portal
// users, with a clock the test moves.
func mustTOTPSite(t *testing.T, db *storage.DB) (http.Handler, *testClock) {
	t.Helper()
	clock := &testClock{t: storagetest.Fixed}
	db.Now = clock.now
	if err := db.Load(context.Background(), adminSeed()); err != nil {
		t.Fatal(err)
	}
	mustPortalUsers(t, db)
	return New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), WarehouseName: "東京第一倉庫", Now: clock.now}), clock
}

// mustEnrolTOTP turns two-step sign-in on for a signed-in portal user and
// returns the secret and the recovery codes.
func mustEnrolTOTP(t *testing.T, c *portalClient, now time.Time) (string, []string) {
	t.Helper()
	setup := c.must(200, "POST", "/portal/totp", nil)
	secret := decode[api.PortalTOTPSetup](t, setup).Secret
	c.must(401, "POST", "/portal/totp/confirm", map[string]any{"code": otherCode(secret, now)})
	r := c.must(200, "POST", "/portal/totp/confirm", map[string]any{"code": soko.TOTPCode(secret, soko.TOTPStep(now))})
	return secret, decode[api.ConfirmPortalTOTP200JSONResponse](t, r).RecoveryCodes
}

// otherCode is a six-digit code that is no code of secret near now.
func otherCode(secret string, now time.Time) string {
	for n := 0; ; n++ {
		code := fmt.Sprintf("%06d", n)
		if _, ok := soko.MatchTOTP(secret, code, now, 0); !ok {
			return code
		}
	}
}

// passwordStep sends the right password of a user with two-step sign-in
// and returns the challenge; no session cookie may come with it.
func passwordStep(t *testing.T, h http.Handler, email string) string {
	t.Helper()
	anon := &portalClient{tb: t, h: h}
	r := anon.must(202, "POST", "/portal/session", map[string]any{"email": email, "password": portalPassword})
	// No csrf_token member at all: checked on the answer as sent.
	step := decode[api.PortalSecondFactor](t, r)
	if len((&http.Response{Header: r.Header}).Cookies()) != 0 || step.SecondFactor != "totp" || r.JSON["csrf_token"] != nil {
		t.Fatalf("the password step signed in: %v %s", r.Header, r.Raw)
	}
	return step.Challenge
}

// codeStep sends a code with a challenge and, when it signs in, returns
// the browser.
func codeStep(t *testing.T, h http.Handler, challenge, code string, want int) *portalClient {
	t.Helper()
	c := &portalClient{tb: t, h: h}
	r := c.must(want, "POST", "/portal/session/totp", map[string]any{"challenge": challenge, "code": code})
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == portalCookie {
			c.cookie = ck.Value
		}
	}
	if want == 200 {
		if c.csrf = decode[api.PortalSession](t, r).CsrfToken; c.cookie == "" || c.csrf == "" {
			t.Fatalf("the code step set no session: %s", r.Raw)
		}
	}
	return c
}

// A portal user turns two-step sign-in on with a code of the secret the QR
// code holds; signing in then takes a code after the password; a wrong
// code, a code used before and an old challenge are refused; a recovery
// code signs in once; the owner sees who has it on.
func TestPortalTOTP_EnrolAndSignIn(t *testing.T) {
	zbarimg := mustTool(t, "zbarimg")
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h, clock := mustTOTPSite(t, db)
		staff := signInPortal(t, h, "staff@sakura.example", portalPassword)
		if r := staff.must(200, "GET", "/portal/session", nil); decode[api.PortalSession](t, r).TotpEnabled {
			t.Fatalf("session before: %s", r.Raw)
		}
		if r := (&portalClient{tb: t, h: h, cookie: staff.cookie}).do("POST", "/portal/totp", nil); r.Status != 403 {
			t.Errorf("starting without the CSRF token: %d", r.Status)
		}

		// The QR code, read as a phone's camera reads it, is the secret's link.
		setup := staff.must(200, "POST", "/portal/totp", nil)
		qr := decode[api.PortalTOTPSetup](t, setup)
		png := qr.QrPng // base64 in the answer
		file := filepath.Join(t.TempDir(), "qr.png")
		if err := os.WriteFile(file, png, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(zbarimg, "--raw", "-q", file).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		secret := qr.Secret
		if got := strings.TrimSpace(string(out)); got != qr.Uri || !strings.Contains(got, "secret="+secret) || !strings.HasPrefix(got, "otpauth://totp/") {
			t.Fatalf("the QR code reads %q; the secret is %s", got, secret)
		}

		// Enrolling again replaces the secret not yet confirmed.
		secret, codes := mustEnrolTOTP(t, staff, clock.now())
		if len(codes) != soko.RecoveryCodeCount {
			t.Fatalf("%d recovery codes", len(codes))
		}
		staff.must(409, "POST", "/portal/totp", nil)
		if r := staff.must(200, "GET", "/portal/session", nil); !decode[api.PortalSession](t, r).TotpEnabled {
			t.Errorf("session after: %s", r.Raw)
		}
		owner := signInPortal(t, h, "owner@sakura.example", portalPassword)
		for _, u := range decode[api.ListPortalUsers200JSONResponse](t, owner.must(200, "GET", "/portal/users", nil)).Data {
			if u.TotpEnabled != (u.Email == "staff@sakura.example") {
				t.Errorf("the owner sees %s with totp_enabled %v", u.Email, u.TotpEnabled)
			}
		}

		// The code that confirmed cannot sign in: it was used.
		challenge := passwordStep(t, h, "staff@sakura.example")
		codeStep(t, h, challenge, soko.TOTPCode(secret, soko.TOTPStep(clock.now())), 401)
		codeStep(t, h, challenge, otherCode(secret, clock.now()), 401)
		codeStep(t, h, "not-a-challenge", soko.TOTPCode(secret, soko.TOTPStep(clock.now())+1), 401)
		clock.add(soko.TOTPPeriod)
		code := soko.TOTPCode(secret, soko.TOTPStep(clock.now()))
		signedIn := codeStep(t, h, challenge, code, 200)
		signedIn.must(200, "GET", "/portal/api/v1/orders", nil)
		// The same code again, on a new password step, is a replay.
		codeStep(t, h, challenge, code, 401)
		codeStep(t, h, passwordStep(t, h, "staff@sakura.example"), code, 401)

		// A recovery code, loosely typed, signs in once.
		loose := strings.ToLower(strings.ReplaceAll(codes[3], "-", " "))
		codeStep(t, h, passwordStep(t, h, "staff@sakura.example"), loose, 200)
		codeStep(t, h, passwordStep(t, h, "staff@sakura.example"), codes[3], 401)

		// A challenge lasts five minutes.
		challenge = passwordStep(t, h, "staff@sakura.example")
		clock.add(soko.TOTPChallengeLifetime + time.Second)
		codeStep(t, h, challenge, soko.TOTPCode(secret, soko.TOTPStep(clock.now())), 401)

		// Others still sign in with the password alone.
		signInPortal(t, h, "viewer@sakura.example", portalPassword)
	})
}

// Wrong codes count as wrong passwords: the account waits after five in
// a row, even for the right code. An admin turns the user's two-step
// sign-in off; the user then signs in with the password alone.
func TestPortalTOTP_LockAndAdminReset(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h, clock := mustTOTPSite(t, db)
		secret, _ := mustEnrolTOTP(t, signInPortal(t, h, "owner@midori.example", portalPassword), clock.now())
		clock.add(soko.TOTPPeriod)
		challenge := passwordStep(t, h, "owner@midori.example")
		wrong := otherCode(secret, clock.now())
		for i := 1; i <= soko.MaxWrongPINs; i++ {
			want := 401
			if i == soko.MaxWrongPINs {
				want = 423
			}
			codeStep(t, h, challenge, wrong, want)
		}
		codeStep(t, h, challenge, soko.TOTPCode(secret, soko.TOTPStep(clock.now())), 423)

		admin, sup := signIn(t, h, "A001", pinAdmin), signIn(t, h, "V001", "5555")
		midori, err := db.FindMerchantByCode(context.Background(), "MIDORI")
		if err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/ops/admin/merchants/%d/portal-users", midori.ID)
		users := admin.op("GET", base, nil, "")
		if users.Status != 200 || !strings.Contains(string(users.Raw), `"totp_enabled":true`) {
			t.Fatalf("admin's list: %d %s", users.Status, users.Raw)
		}
		id := decode[api.ListAdminPortalUsers200JSONResponse](t, users).Data[0].Id
		if r := sup.op("POST", fmt.Sprintf("%s/%d/totp-reset", base, id), nil, sup.csrf); r.Status != 403 {
			t.Errorf("a supervisor resets two-step sign-in: %d", r.Status)
		}
		sakura, err := db.FindMerchantByCode(context.Background(), "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		if r := admin.op("POST", fmt.Sprintf("/ops/admin/merchants/%d/portal-users/%d/totp-reset", sakura.ID, id), nil, admin.csrf); r.Status != 404 {
			t.Errorf("a reset under another merchant: %d %s", r.Status, r.Raw)
		}
		r := admin.op("POST", fmt.Sprintf("%s/%d/totp-reset", base, id), nil, admin.csrf)
		if r.Status != 200 || decode[api.ResetAdminPortalUserTOTP200JSONResponse](t, r).TotpEnabled {
			t.Fatalf("reset: %d %s", r.Status, r.Raw)
		}
		// Unlocking lifts the wait the wrong codes set.
		if r := admin.op("PATCH", fmt.Sprintf("%s/%d", base, id), map[string]any{"active": true}, admin.csrf); r.Status != 200 || decode[api.UpdateAdminPortalUser200JSONResponse](t, r).LockedUntil != nil {
			t.Fatalf("unlock: %d %s", r.Status, r.Raw)
		}
		signInPortal(t, h, "owner@midori.example", portalPassword)
		entries, _, err := db.AuditLog(context.Background(), soko.AuditFilter{Action: string(soko.AuditPortalTOTPReset), Limit: 10})
		if err != nil || len(entries) != 1 || entries[0].Actor.StaffID == 0 {
			t.Errorf("audit of the reset: %+v %v", entries, err)
		}
	})
}

// A user turns their own two-step sign-in off with a current code, not
// with the session alone nor a used code; then the password signs in.
func TestPortalTOTP_TurnOff(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h, clock := mustTOTPSite(t, db)
		owner := signInPortal(t, h, "owner@sakura.example", portalPassword)
		owner.must(409, "POST", "/portal/totp/disable", map[string]any{"code": "123456"})
		secret, _ := mustEnrolTOTP(t, owner, clock.now())
		owner.must(401, "POST", "/portal/totp/disable", map[string]any{"code": soko.TOTPCode(secret, soko.TOTPStep(clock.now()))})
		owner.must(401, "POST", "/portal/totp/disable", map[string]any{"code": otherCode(secret, clock.now())})
		if r := (&portalClient{tb: t, h: h, cookie: owner.cookie}).do("POST", "/portal/totp/disable", map[string]any{"code": "123456"}); r.Status != 403 {
			t.Errorf("without the CSRF token: %d", r.Status)
		}
		passwordStep(t, h, "owner@sakura.example")
		clock.add(soko.TOTPPeriod)
		owner.must(204, "POST", "/portal/totp/disable", map[string]any{"code": soko.TOTPCode(secret, soko.TOTPStep(clock.now()))})
		if r := owner.must(200, "GET", "/portal/session", nil); decode[api.PortalSession](t, r).TotpEnabled {
			t.Errorf("session after: %s", r.Raw)
		}
		signInPortal(t, h, "owner@sakura.example", portalPassword)
	})
}
