package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/soko-wms/soko/internal/soko"
)

// measure records each request once it has been answered, so the status
// is the one the client got; it runs outside the access log, which turns
// errors into answers.
func (m *requestMetrics) measure(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = unmatchedRoute
		}
		status := c.Response().Status
		if err != nil {
			status = http.StatusInternalServerError // the access log answers every error; this is a guard
		}
		labels := prometheus.Labels{"route": route, "method": methodLabel(c.Request().Method), "status": strconv.Itoa(status/100) + "xx"}
		m.requests.With(labels).Inc()
		m.duration.With(labels).Observe(time.Since(start).Seconds())
		return err
	}
}

// requestScope puts in the request's context what the router knows of it
// and plain handlers read: the route it matched (routeOf) and the client's
// address (clientIP).
func requestScope(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := context.WithValue(c.Request().Context(), routeKey{}, c.Path())
		ctx = context.WithValue(ctx, clientIPKey{}, c.RealIP())
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// accessLog writes one structured line per request, after the error handler
// has answered, so the status it logs is the status the client got.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		level := slog.LevelInfo
		if res.Status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(req.Context(), level, "request",
			slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.String("route", c.Path()),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("ip", c.RealIP()),
		)
		return nil
	}
}

// recoverPanic turns a panic in a handler into a logged internal error, so
// the client gets a 500 problem and the server keeps running.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				value, stack, at := r, debug.Stack(), []byte(nil)
				// A panic in a transaction run by SQLite's writer comes back
				// wrapped, with the stack it happened on (soko.Panic).
				if p, ok := r.(*soko.Panic); ok {
					value, at = p.Value, p.Stack
				}
				if value == http.ErrAbortHandler {
					panic(http.ErrAbortHandler) // a handler aborting its answer, on purpose
				}
				attrs := []any{"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "panic", fmt.Sprint(value), "stack", string(stack)}
				if at != nil {
					attrs = append(attrs, "panicked_at", string(at))
				}
				s.log.Error("panic", attrs...)
				err = soko.Errorf(soko.EINTERNAL, "panic: %v", value)
			}
		}()
		return next(c)
	}
}

// securityHeaders sets what every answer carries: no sniffing, no framing,
// scripts and styles only from soko itself.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-src 'self' blob:; img-src 'self' data:; media-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// ipExtractor is echo's IPExtractor, so c.RealIP() — in the access log and
// wherever a limit is kept per client address — is the address that
// connected or, through trusted proxies, the last address in
// X-Forwarded-For that is not one of them. Echo's own default would
// believe X-Forwarded-For from anyone.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	// Echo trusts loopback, link-local and private peers unless told not to.
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(prefixNet(p)))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func prefixNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}
