// Package notify delivers the notifications the outbox holds: webhooks,
// signed, retried with backoff and logged attempt by attempt.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// DeliveryTimeout bounds one webhook attempt, from dialling to the last
// byte of the answer.
const DeliveryTimeout = 10 * time.Second

// Sign returns the Soko-Signature header for body sent at t: the unix time
// and, for each secret, the hex HMAC-SHA256 keyed with it of "<unix>.<body>"
// — two while a rotated-out secret still signs, so a receiver holding
// either secret verifies the request.
func Sign(t time.Time, body []byte, secrets ...string) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	h := "t=" + ts
	for _, s := range secrets {
		h += ",v1=" + mac(s, ts, body)
	}
	return h
}

func mac(secret, ts string, body []byte) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte("."))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Verify checks a Soko-Signature header as a receiver should: one of its v1
// signatures matches body under secret, and its timestamp lies within
// tolerance of now, so a captured request cannot be replayed later.
func Verify(header, secret string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return soko.Errorf(soko.EUNAUTHORIZED, "malformed Soko-Signature header")
	}
	want := []byte(mac(secret, ts, body))
	ok := false
	for _, s := range sigs {
		ok = ok || hmac.Equal([]byte(s), want)
	}
	if !ok {
		return soko.Errorf(soko.EUNAUTHORIZED, "webhook signature does not match")
	}
	if age := now.Sub(time.Unix(unix, 0)); age > tolerance || age < -tolerance {
		return soko.Errorf(soko.EUNAUTHORIZED, "webhook timestamp is %s away from now", age.Round(time.Second))
	}
	return nil
}

// Sender posts webhook events to merchants' endpoints.
type Sender struct {
	// Client, when set, replaces the client Sender builds, which refuses
	// internal addresses and follows no redirects; it must do as much.
	Client *http.Client
	// AllowPrivate lets endpoints on loopback and private networks be
	// called, for development and tests.
	AllowPrivate bool
	// AllowHosts are host names (or addresses) an admin allows to be on an
	// internal network, such as a merchant's on-premise system over a VPN.
	AllowHosts []string
	// Now stamps the signature; nil means time.Now.
	Now func() time.Time

	once   sync.Once
	client *http.Client
}

// refusedAddr is the SSRF guard's refusal to dial an internal address.
type refusedAddr struct{ addr string }

func (e *refusedAddr) Error() string { return e.addr + " is on an internal network" }

// Deliver makes one attempt to post m's payload to ep and reports how it
// went: the attempt's Error is empty exactly when the endpoint answered 2xx.
func (s *Sender) Deliver(ctx context.Context, ep soko.WebhookEndpoint, m soko.OutboxMessage) soko.WebhookDelivery {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	d := soko.WebhookDelivery{OutboxID: m.ID, Attempt: m.Attempts + 1, CreatedAt: now().UTC()}
	start := time.Now()
	d.StatusCode, d.Error = s.post(ctx, ep, m, d.CreatedAt)
	d.DurationMS = int(time.Since(start).Milliseconds())
	return d
}

func (s *Sender) post(ctx context.Context, ep soko.WebhookEndpoint, m soko.OutboxMessage, at time.Time) (int, string) {
	u, err := url.Parse(ep.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return 0, fmt.Sprintf("invalid endpoint URL %q", ep.URL)
	}
	// The rule registration applied; the dialler checks every address a
	// name resolves to when it is dialled.
	if !s.AllowPrivate {
		if e := soko.CheckWebhookHost(ctx, u.Hostname(), s.AllowHosts, nil); e != nil {
			return 0, short("refused: " + e.Message.EN + "; internal addresses are not called")
		}
	}
	ctx, cancel := context.WithTimeout(ctx, DeliveryTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(m.Payload))
	if err != nil {
		return 0, short(err.Error())
	}
	var event struct {
		ID string `json:"id"`
	}
	json.Unmarshal(m.Payload, &event) // the payload is ours; an id-less event is still sent
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "soko-webhook/1")
	req.Header.Set("Soko-Signature", Sign(at, m.Payload, ep.SigningSecrets(at)...))
	req.Header.Set("Soko-Event-Id", event.ID)
	req.Header.Set("Soko-Event-Type", m.EventType)
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return 0, failure(err, u.Hostname())
	}
	defer resp.Body.Close()
	// Draining a little lets the connection be reused; receivers' answers are not read.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
			return resp.StatusCode, short("HTTP " + resp.Status + ": redirects are not followed (to " + loc + ")")
		}
		return resp.StatusCode, short("HTTP " + resp.Status)
	}
	return resp.StatusCode, ""
}

func (s *Sender) httpClient() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	s.once.Do(func() {
		guarded := &net.Dialer{Timeout: 5 * time.Second, Control: s.checkDialed}
		allowed := &net.Dialer{Timeout: 5 * time.Second}
		s.client = &http.Client{
			Timeout: DeliveryTimeout,
			Transport: &http.Transport{
				// No proxy: the guard must see the address actually dialled.
				Proxy: nil,
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					if host, _, err := net.SplitHostPort(addr); err == nil && soko.AllowedHost(s.AllowHosts, host) {
						return allowed.DialContext(ctx, network, addr)
					}
					return guarded.DialContext(ctx, network, addr)
				},
				TLSHandshakeTimeout:   5 * time.Second,
				ResponseHeaderTimeout: DeliveryTimeout,
				MaxIdleConns:          20,
				IdleConnTimeout:       90 * time.Second,
			},
			// A redirect could lead anywhere; the receiver must answer itself.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	})
	return s.client
}

// checkDialed runs after name resolution, on the very address about to be
// dialled, so a name that resolves to a public address when checked and an
// internal one when used (DNS rebinding) is still refused.
func (s *Sender) checkDialed(network, address string, _ syscall.RawConn) error {
	if s.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || soko.InternalAddr(ap.Addr()) {
		return &refusedAddr{address}
	}
	return nil
}

// failure turns a transport error into a short line for the delivery log.
func failure(err error, host string) string {
	var refused *refusedAddr
	var ne net.Error
	switch {
	case errors.As(err, &refused):
		return short(fmt.Sprintf("refused: %s is on an internal network (%s); internal addresses are not called", host, refused.addr))
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Sprintf("no answer within %s", DeliveryTimeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return short(err.Error())
}

func short(s string) string {
	const max = 300
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}
