package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// Requests reach soko directly or through reverse proxies (nginx, Caddy, a
// load balancer). Only proxies the admin names (SOKO_TRUSTED_PROXIES) are
// believed when they say who the client is and whether it used https:
// anyone else can write X-Forwarded-* headers too.

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

// httpsKey marks, in a request's context, that the client used https.
type httpsKey struct{}

// forwarded notes whether the client used https: TLS to soko itself, or
// X-Forwarded-Proto: https from a trusted proxy. Session cookies are then
// Secure.
func (s *Server) forwarded(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.TLS != nil || (s.trustedPeer(r) && forwardedProto(r) == "https") {
			c.SetRequest(r.WithContext(context.WithValue(r.Context(), httpsKey{}, true)))
		}
		return next(c)
	}
}

// forwardedProto is the scheme the nearest proxy reported: the last value
// of X-Forwarded-Proto, which that proxy set or appended.
func forwardedProto(r *http.Request) string {
	vs := r.Header.Values(echo.HeaderXForwardedProto)
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
