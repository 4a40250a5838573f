package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// syncBuffer is a log destination tests read after requests.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// loggedIPs are the client addresses of the access log's request lines.
func (b *syncBuffer) loggedIPs(tb testing.TB) []string {
	tb.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var ips []string
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var rec struct{ Msg, IP string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			tb.Fatalf("log line %q: %v", line, err)
		}
		if rec.Msg == "request" {
			ips = append(ips, rec.IP)
		}
	}
	return ips
}

func TestProxy_ForwardedForBelievedOnlyFromTrustedProxies(t *testing.T) {
	var logs syncBuffer
	s := New(Config{Store: storagetest.MustOpenSQLite(t), Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("fd00::/64")}})
	s.echo.GET("/test/realip", func(c echo.Context) error { return c.String(200, c.RealIP()) })

	for _, tc := range []struct {
		name, peer, xff, want string
	}{
		{"direct client, spoofed header", "203.0.113.9:4000", "198.51.100.1", "203.0.113.9"},
		{"private peer that is not a trusted proxy", "192.168.1.5:4000", "198.51.100.1", "192.168.1.5"},
		{"loopback peer that is not a trusted proxy", "127.0.0.1:4000", "198.51.100.1", "127.0.0.1"},
		{"trusted proxy", "10.0.0.2:4000", "198.51.100.7", "198.51.100.7"},
		{"trusted IPv6 proxy", "[fd00::2]:4000", "2001:db8::7", "2001:db8::7"},
		{"trusted proxy, client prepended a lie", "10.0.0.2:4000", "1.2.3.4, 198.51.100.7", "198.51.100.7"},
		{"two trusted proxies", "10.0.0.2:4000", "198.51.100.8, 10.0.0.3", "198.51.100.8"},
	} {
		logs.mu.Lock()
		logs.buf.Reset()
		logs.mu.Unlock()
		req := httptest.NewRequest("GET", "/test/realip", nil)
		req.RemoteAddr = tc.peer
		req.Header.Set("X-Forwarded-For", tc.xff)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("%s: RealIP %q, want %q", tc.name, got, tc.want)
		}
		if ips := logs.loggedIPs(t); len(ips) != 1 || ips[0] != tc.want {
			t.Errorf("%s: logged client %q, want %q", tc.name, ips, tc.want)
		}
	}
}

func TestProxy_SessionCookieSecureBehindTrustedTLSProxy(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	if err := db.Load(t.Context(), opsSeed()); err != nil {
		t.Fatal(err)
	}
	s := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(&syncBuffer{}, nil)),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}})

	signInVia := func(peer, proto string) *http.Cookie {
		t.Helper()
		req := httptest.NewRequest("POST", "/ops/session", strings.NewReader(`{"badge":"P001","pin":"1111","device":"HT-01"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = peer
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if c.Name == sessionCookie {
				return c
			}
		}
		t.Fatalf("sign-in via %s (%s): %d %s", peer, proto, rec.Code, rec.Body)
		return nil
	}
	if c := signInVia("10.0.0.2:4000", "https"); !c.Secure {
		t.Errorf("behind a trusted TLS proxy the session cookie must be Secure: %+v", c)
	}
	if c := signInVia("10.0.0.2:4000", "http"); c.Secure {
		t.Errorf("a trusted proxy's plain http must not be taken for https: %+v", c)
	}
	if c := signInVia("203.0.113.9:4000", "https"); c.Secure {
		t.Errorf("X-Forwarded-Proto from a client that is no trusted proxy was believed: %+v", c)
	}
}
