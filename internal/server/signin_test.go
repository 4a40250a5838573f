package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustSignInServer is the ops server with the sign-in limits of cfg.
func mustSignInServer(tb testing.TB, db *storage.DB, cfg Config) http.Handler {
	tb.Helper()
	if err := db.Load(context.Background(), opsSeed()); err != nil {
		tb.Fatal(err)
	}
	cfg.Store, cfg.Logger, cfg.Now = db, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return storagetest.Fixed }
	return New(cfg)
}

// signInFromAddr posts a sign-in from a client address, with cookies.
func signInFromAddr(tb testing.TB, h http.Handler, addr, badge, pin string, cookies ...*http.Cookie) reply {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"badge": badge, "pin": pin})
	req := httptest.NewRequest("POST", "/ops/session", bytes.NewReader(body))
	req.RemoteAddr = addr + ":40000"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "ja")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	out := reply{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.Bytes()}
	json.Unmarshal(out.Raw, &out.JSON)
	return out
}

func cookieNamed(r reply, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// 64 wrong PINs at once, with the right one among them: at most five are
// checked, and the right PIN, whether it got in or not, does not clear the
// others' guesses, so the badge is locked for the guesser by the next
// wrong PIN at the latest.
func TestSignIn_ParallelGuesses(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustSignInServer(t, db, Config{SignInsPerAddress: 1000})
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for i := range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pin := "9" + strconv.Itoa(100+i)
				if i == 32 {
					pin = "1111"
				}
				r := signInFromAddr(t, h, "198.51.100.7", "P001", pin)
				mu.Lock()
				statuses[r.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if statuses[401] > 4 || statuses[401]+statuses[200] > 5 {
			t.Fatalf("answers %v: more than five PINs were checked", statuses)
		}
		// The guesses stay counted: the badge is locked, or, when the right
		// PIN was the fifth checked and lifted the lock its own count set,
		// it holds four and the next wrong PIN locks it.
		if r := signInFromAddr(t, h, "198.51.100.8", "P001", "0000"); r.Status != 423 {
			t.Fatalf("a wrong PIN after the burst (%v): %d, want 423", statuses, r.Status)
		}
		if r := signInFromAddr(t, h, "198.51.100.8", "P001", "1111"); r.Status != 423 || r.Header.Get("Retry-After") == "" {
			t.Fatalf("the right PIN after the burst: %d %q, want 423 with Retry-After", r.Status, r.Header.Get("Retry-After"))
		}
	})
}

// The picker's handheld keeps working while someone elsewhere guesses the
// badge locked; the device cookie is HttpOnly and SameSite=Strict.
func TestSignIn_TrustedDeviceDuringLock(t *testing.T) {
	h := mustSignInServer(t, storagetest.MustOpenSQLite(t), Config{})
	ok := signInFromAddr(t, h, "10.0.0.5", "P001", "1111")
	device := cookieNamed(ok, deviceCookie)
	if ok.Status != 200 || device == nil || !device.HttpOnly || device.SameSite != http.SameSiteStrictMode {
		t.Fatalf("sign-in: %d, device cookie %+v", ok.Status, device)
	}
	for range 5 {
		signInFromAddr(t, h, "203.0.113.66", "P001", "0000")
	}
	locked := signInFromAddr(t, h, "203.0.113.66", "P001", "1111")
	if locked.Status != 423 || locked.Header.Get("Retry-After") != "60" || locked.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("the guesser after five wrong PINs: %d %v %s", locked.Status, locked.Header, locked.Raw)
	}
	if r := signInFromAddr(t, h, "10.0.0.5", "P001", "1111", device); r.Status != 200 {
		t.Fatalf("the picker's own handheld during the lock: %d %s", r.Status, r.Raw)
	}
	if r := signInFromAddr(t, h, "10.0.0.5", "P001", "1111"); r.Status != 423 {
		t.Fatalf("a new device during the lock: %d, want 423", r.Status)
	}
}

// One address may fail to sign in only so often a minute (right PINs do
// not count, so a floor behind one address keeps working); others are not
// affected; the refusal is a Japanese problem with Retry-After.
func TestSignIn_AddressAndOverallLimits(t *testing.T) {
	h := mustSignInServer(t, storagetest.MustOpenSQLite(t), Config{SignInsPerAddress: 3, SignInsOverall: 5})
	for range 5 {
		if r := signInFromAddr(t, h, "192.0.2.10", "K001", "3333"); r.Status != 200 {
			t.Fatalf("right sign-ins from one address: %d", r.Status)
		}
	}
	for i, badge := range []string{"X001", "X002", "X003"} {
		if r := signInFromAddr(t, h, "192.0.2.10", badge, "1234"); r.Status != 401 {
			t.Fatalf("guess %d: %d, want 401", i+1, r.Status)
		}
	}
	r := signInFromAddr(t, h, "192.0.2.10", "X004", "1234")
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || r.Header.Get("Content-Type") != "application/problem+json" ||
		!bytes.Contains(r.Raw, []byte("試行回数が多すぎます")) {
		t.Fatalf("fourth guess from one address: %d %v %s, want 429 problem in Japanese", r.Status, r.Header, r.Raw)
	}
	if r := signInFromAddr(t, h, "192.0.2.11", "X005", "1234"); r.Status != 401 {
		t.Fatalf("another address: %d, want 401", r.Status)
	}
	signInFromAddr(t, h, "192.0.2.12", "X006", "1234")
	if r := signInFromAddr(t, h, "192.0.2.13", "P001", "1111"); r.Status != 429 {
		t.Fatalf("after six attempts in all (limit 5): %d, want 429", r.Status)
	}
}

// Wrong API keys from one address are limited: past the limit the address
// gets 429 with Retry-After, while a right key still works from anywhere.
func TestAPIKey_FailuresPerAddress(t *testing.T) {
	h := mustAPIServer(t, storagetest.MustOpenSQLite(t), Config{KeyFailuresPerAddress: 3})
	get := func(addr, key string) reply {
		req := httptest.NewRequest("GET", "/api/v1/products", nil)
		req.RemoteAddr = addr + ":40000"
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return reply{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.Bytes()}
	}
	for i := range 3 {
		if r := get("192.0.2.20", "sk_wrong_"+strconv.Itoa(i)); r.Status != 401 {
			t.Fatalf("wrong key %d: %d", i+1, r.Status)
		}
	}
	if r := get("192.0.2.20", "sk_wrong_3"); r.Status != 429 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("a fourth wrong key from the address: %d %v, want 429 with Retry-After", r.Status, r.Header)
	}
	for _, addr := range []string{"192.0.2.20", "192.0.2.21"} {
		if r := get(addr, keySakura); r.Status != 200 {
			t.Fatalf("the right key from %s: %d %s", addr, r.Status, r.Raw)
		}
	}
}

// guessAlert is the dashboard's count of badges and addresses being guessed, 0 when not shown.
func guessAlert(t *testing.T, boss staffClient) int {
	t.Helper()
	for _, e := range decode[api.Dashboard](t, boss.op("GET", "/ops/dashboard", nil, "")).Exceptions {
		if e.Kind == "guessing" {
			return e.Count
		}
	}
	return 0
}

// The dashboard shows a badge and an address being guessed: five wrong
// PINs for one badge, and one address trying badge after badge.
func TestSignIn_GuessingShownOnDashboard(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h := mustSignInServer(t, db, Config{})
		boss := signIn(t, h, "V001", "5555")
		if n := guessAlert(t, boss); n != 0 {
			t.Fatalf("alert before any guessing: %v", n)
		}
		for range 4 {
			signInFromAddr(t, h, "203.0.113.5", "P001", "9090")
		}
		if n := guessAlert(t, boss); n != 0 {
			t.Fatalf("alert after four wrong PINs: %v", n)
		}
		signInFromAddr(t, h, "203.0.113.5", "P001", "9090")
		if n := guessAlert(t, boss); n != 2 {
			t.Fatalf("after five wrong PINs from one address: %v guessed, want the badge and the address", n)
		}
		for _, badge := range []string{"P002", "P003", "P004", "P005", "P006"} {
			signInFromAddr(t, h, "203.0.113.6", badge, "9090")
		}
		if n := guessAlert(t, boss); n != 3 {
			t.Fatalf("after a badge spray from another address: %v guessed, want 3", n)
		}
	})
}
