package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Requests reach soko directly or through reverse proxies (nginx, Caddy, a
// load balancer). Only proxies the admin names (SOKO_TRUSTED_PROXIES) are
// believed when they say who the client is and whether it used https:
// anyone else can write X-Forwarded-* headers too. Who the client is, the
// router works out (ipExtractor, in middleware.go); handlers read it with
// clientIP.

// trustedPeer reports whether r came straight from one of the trusted proxies.
func (s *Server) trustedPeer(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.trustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// httpsKey marks, in a request's context, that the client used https.
type httpsKey struct{}

// forwarded notes whether the client used https: TLS to soko itself, or
// X-Forwarded-Proto: https from a trusted proxy. Session cookies are then
// Secure.
func (s *Server) forwarded(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.TLS != nil || (s.trustedPeer(r) && forwardedProto(r) == "https") {
			r = r.WithContext(context.WithValue(r.Context(), httpsKey{}, true))
		}
		return next(w, r)
	}
}

// forwardedProto is the scheme the nearest proxy reported: the last value
// of X-Forwarded-Proto, which that proxy set or appended.
func forwardedProto(r *http.Request) string {
	vs := r.Header.Values("X-Forwarded-Proto")
	if len(vs) == 0 {
		return ""
	}
	parts := strings.Split(vs[len(vs)-1], ",")
	return strings.ToLower(strings.TrimSpace(parts[len(parts)-1]))
}

// viaHTTPS reports whether the request whose context this is came over https.
func viaHTTPS(ctx context.Context) bool {
	https, _ := ctx.Value(httpsKey{}).(bool)
	return https
}
