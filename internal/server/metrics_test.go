package server

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

const testMetricsToken = "metrics-token-for-tests-0123456789"

func mustMetricsServer(tb testing.TB, token string) *Server {
	tb.Helper()
	return New(Config{Store: storagetest.MustOpenSQLite(tb), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MetricsToken: token, ShutdownTimeout: 5 * time.Second})
}

// requestSeries counts the request metrics' series (one per label set).
func requestSeries(tb testing.TB, s *Server) int {
	tb.Helper()
	families, err := s.metrics.registry.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "soko_http_") {
			n += len(f.GetMetric())
		}
	}
	return n
}

func randomWord(r *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789-"
	b := make([]byte, 1+r.IntN(12))
	for i := range b {
		b[i] = letters[r.IntN(len(letters))]
	}
	return string(b)
}

func TestMetrics_RandomHostsAndPathsAddNoSeries(t *testing.T) {
	s := mustMetricsServer(t, testMetricsToken)
	// One request of each kind the flood below sends, so their series exist.
	for _, m := range []string{"GET", "POST", "PROPFIND"} {
		for _, p := range []string{"/healthz", "/nothing-here", "/static/none.js", "/api/v1/orders/X1", "/ops/session/"} {
			do(t, s, m, p, nil)
		}
	}
	before := requestSeries(t, s)

	r := rand.New(rand.NewPCG(1, 2))
	methods := []string{"GET", "POST", "PROPFIND"}
	hosts := make(map[string]bool)
	for i := 0; i < 10000; i++ {
		host := randomWord(r) + ".example"
		hosts[host] = true
		path := []string{
			"/healthz",
			"/" + randomWord(r) + "/" + randomWord(r),
			"/static/" + randomWord(r) + ".js",
			"/api/v1/orders/" + randomWord(r),
			"/ops/session/",
		}[r.IntN(5)]
		method := methods[r.IntN(len(methods))]
		req := httptest.NewRequest(method, path, nil)
		req.Host = host
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
	if after := requestSeries(t, s); after != before {
		t.Fatalf("10,000 requests with random hosts and paths grew the request series from %d to %d", before, after)
	}
	rec := do(t, s, "GET", "/metrics", nil, "Authorization", "Bearer "+testMetricsToken)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `soko_http_requests_total{method="GET",route="/healthz",status="2xx"}`) ||
		!strings.Contains(body, `route="unmatched"`) || !strings.Contains(body, `route="/api/v1/orders/:order_no"`) {
		t.Fatalf("metrics %d:\n%.3000s", rec.Code, body)
	}
	for h := range hosts {
		if strings.Contains(body, h) {
			t.Fatalf("metrics name the Host header %q", h)
		}
	}
	if len(body) > 200_000 {
		t.Errorf("/metrics is %d bytes after the flood", len(body))
	}
}

func TestMetrics_NotPublicWithoutToken(t *testing.T) {
	open := mustMetricsServer(t, "")
	if rec := do(t, open, "GET", "/metrics", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("/metrics on the public listener without SOKO_METRICS_TOKEN: %d, want 404", rec.Code)
	}
	do(t, open, "GET", "/healthz", nil)
	if rec := do(t, open.metricsHandler(), "GET", "/metrics", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `route="/healthz"`) {
		t.Fatalf("metrics listener: %d %.500s", rec.Code, rec.Body)
	}

	guarded := mustMetricsServer(t, testMetricsToken)
	for name, header := range map[string][]string{
		"no token":    nil,
		"wrong token": {"Authorization", "Bearer " + testMetricsToken + "x"},
		"prefix only": {"Authorization", "Bearer " + testMetricsToken[:10]},
		"not bearer":  {"Authorization", "Basic " + testMetricsToken},
	} {
		rec := do(t, guarded, "GET", "/metrics", nil, header...)
		if rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "soko_http") {
			t.Errorf("%s: public /metrics answered %d", name, rec.Code)
		} else if p := decodeProblem(t, rec); p.Status != 401 {
			t.Errorf("%s: problem %+v", name, p)
		}
		if rec := do(t, guarded.metricsHandler(), "GET", "/metrics", nil, header...); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: metrics listener answered %d", name, rec.Code)
		}
	}
	if rec := do(t, guarded.metricsHandler(), "GET", "/metrics", nil, "Authorization", "Bearer "+testMetricsToken); rec.Code != 200 {
		t.Errorf("metrics listener with the token: %d", rec.Code)
	}
}
