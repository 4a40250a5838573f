package server

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/soko-wms/soko/internal/soko"
)

// requestMetrics counts and times requests by route template, method and
// status class only: every label takes a handful of values whatever clients
// send, so no Host header, path or method a client makes up can grow the
// number of series (and the memory they hold).
type requestMetrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newRequestMetrics() *requestMetrics {
	m := &requestMetrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "soko", Subsystem: "http", Name: "requests_total",
			Help: "Requests answered, by route template, method and status class.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "soko", Subsystem: "http", Name: "request_duration_seconds",
			Help: "Time to answer a request, by route template, method and status class.", Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "status"}),
	}
	m.registry.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// unmatchedRoute labels every request no route matched (404s, redirects
// of trailing slashes), whatever its path.
const unmatchedRoute = "unmatched"

// methodLabel is the request's method when it is one HTTP defines, else
// "other": a method is any token a client cares to send.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// bearerMatches reports whether r carries token as "Authorization: Bearer
// <token>", compared in constant time so the answer's timing gives no part
// of the token away.
func bearerMatches(r *http.Request, token string) bool {
	given, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(given), []byte(token)) == 1
}

// metricsHandler serves the metrics for a listener of their own
// (SOKO_METRICS_ADDR); with a metrics token, only to requests that carry it.
func (s *Server) metricsHandler() http.Handler {
	metrics := promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
	if s.metricsToken == "" {
		return metrics
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !bearerMatches(r, s.metricsToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="soko metrics"`)
			http.Error(w, "metrics need the bearer token (SOKO_METRICS_TOKEN)", http.StatusUnauthorized)
			return
		}
		metrics.ServeHTTP(w, r)
	})
}

// metricsPage answers GET /metrics on the public listener, which exists
// only when a metrics token is set: the metrics go to whoever carries it.
func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) error {
	if !bearerMatches(r, s.metricsToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="soko metrics"`)
		return soko.Errorf(soko.EUNAUTHORIZED, "metrics need the bearer token (SOKO_METRICS_TOKEN)").
			JA("メトリクスの取得にはトークン（SOKO_METRICS_TOKEN）が必要です")
	}
	promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}
