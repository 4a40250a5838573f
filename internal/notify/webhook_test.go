package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/soko/sokotest"
)

func TestVerify(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"evt_1_2","type":"order.shipped"}`)
	header := notify.Sign(at, body, "whsec_k")
	if !strings.HasPrefix(header, "t=1795424400,v1=") || len(header) != len("t=1795424400,v1=")+64 {
		t.Fatalf("header %q", header)
	}
	tests := []struct {
		name   string
		header string
		secret string
		body   string
		now    time.Time
		ok     bool
	}{
		{"valid", header, "whsec_k", string(body), at.Add(time.Minute), true},
		{"valid beside a rotated signature", header + ",v1=00ff", "whsec_k", string(body), at, true},
		{"other secret", header, "whsec_other", string(body), at, false},
		{"body changed", header, "whsec_k", `{"id":"evt_1_3","type":"order.shipped"}`, at, false},
		{"replayed late", header, "whsec_k", string(body), at.Add(6 * time.Minute), false},
		{"from the future", header, "whsec_k", string(body), at.Add(-6 * time.Minute), false},
		{"timestamp changed", strings.Replace(header, "t=1795424400", "t=1795424401", 1), "whsec_k", string(body), at, false},
		{"no signature", "t=1795424400", "whsec_k", string(body), at, false},
		{"empty", "", "whsec_k", string(body), at, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notify.Verify(tt.header, tt.secret, []byte(tt.body), tt.now, 5*time.Minute)
			if (err == nil) != tt.ok {
				t.Fatalf("Verify: %v, want ok=%v", err, tt.ok)
			}
			if err != nil && soko.ErrorCode(err) != soko.EUNAUTHORIZED {
				t.Fatalf("code %q", soko.ErrorCode(err))
			}
		})
	}
}

func TestSender_RefusesInternalAddresses(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	m := soko.OutboxMessage{ID: 7, EventType: "order.shipped", Payload: []byte(`{"id":"evt_1_1"}`)}
	for _, url := range []string{srv.URL, "http://localhost" + port + "/hook"} {
		t.Run(url, func(t *testing.T) {
			d := (&notify.Sender{}).Deliver(context.Background(), soko.WebhookEndpoint{URL: url, Secret: "s"}, m)
			if d.StatusCode != 0 || !strings.HasPrefix(d.Error, "refused: ") || !strings.Contains(d.Error, "internal network") {
				t.Fatalf("delivery %+v, want refused", d)
			}
			if hits.Load() != 0 {
				t.Fatal("the receiver was called")
			}
		})
	}
	d := (&notify.Sender{AllowPrivate: true}).Deliver(context.Background(), soko.WebhookEndpoint{URL: srv.URL, Secret: "s"}, m)
	if d.Error != "" || d.StatusCode != 200 || d.Attempt != 1 || d.OutboxID != 7 || hits.Load() != 1 {
		t.Fatalf("allowed: %+v, %d hits", d, hits.Load())
	}
}

func TestSender_FollowsNoRedirects(t *testing.T) {
	var hits atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer target.Close()
	srv := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
	defer srv.Close()
	s := &notify.Sender{AllowPrivate: true}
	d := s.Deliver(context.Background(), soko.WebhookEndpoint{URL: srv.URL, Secret: "s"}, soko.OutboxMessage{Payload: []byte(`{}`)})
	if d.StatusCode != 307 || !strings.Contains(d.Error, "redirects are not followed") || hits.Load() != 0 {
		t.Fatalf("delivery %+v, %d hits on the target", d, hits.Load())
	}
	d = s.Deliver(context.Background(), soko.WebhookEndpoint{URL: "ftp://example.com/x", Secret: "s"}, soko.OutboxMessage{Payload: []byte(`{}`)})
	if !strings.HasPrefix(d.Error, "invalid endpoint URL") {
		t.Fatalf("ftp URL: %+v", d)
	}
}

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempts int
		max      time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {5, 16 * time.Minute}, {10, 6 * time.Hour}, {64, 6 * time.Hour}} {
		for range 50 {
			if d := notify.Backoff(tt.attempts); d < tt.max/2 || d > tt.max {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", tt.attempts, d, tt.max/2, tt.max)
			}
		}
	}
}

func TestSender_RefusesInternalAddressesInEveryForm(t *testing.T) {
	m := soko.OutboxMessage{ID: 8, EventType: "order.shipped", Payload: []byte(`{"id":"evt_1_2"}`)}
	for _, url := range sokotest.InternalWebhookURLs {
		t.Run(url, func(t *testing.T) {
			d := (&notify.Sender{}).Deliver(context.Background(), soko.WebhookEndpoint{URL: url, Secret: "s"}, m)
			if d.StatusCode != 0 || !strings.HasPrefix(d.Error, "refused: ") {
				t.Fatalf("delivery %+v, want refused", d)
			}
		})
	}
}

// During a rotation's overlap a delivery carries two signatures, and a
// receiver holding either secret verifies it; once the overlap ends only
// the new secret signs.
func TestSender_SignsWithBothSecretsDuringOverlap(t *testing.T) {
	var header atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header.Store(r.Header.Get("Soko-Signature"))
	}))
	defer srv.Close()
	rotated := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ep := soko.WebhookEndpoint{URL: srv.URL, Secret: "whsec_new", PreviousSecret: "whsec_old", PreviousSecretUntil: rotated.Add(soko.WebhookSecretOverlap)}
	m := soko.OutboxMessage{ID: 7, EventType: "order.shipped", Payload: []byte(`{"id":"evt_1_1"}`)}
	for _, tc := range []struct {
		name    string
		at      time.Time
		signers []string
	}{
		{"an hour after the rotation", rotated.Add(time.Hour), []string{"whsec_new", "whsec_old"}},
		{"when the overlap ends", rotated.Add(soko.WebhookSecretOverlap), []string{"whsec_new"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &notify.Sender{AllowPrivate: true, Now: func() time.Time { return tc.at }}
			if d := s.Deliver(context.Background(), ep, m); d.Error != "" {
				t.Fatal(d.Error)
			}
			h := header.Load().(string)
			if n := strings.Count(h, ",v1="); n != len(tc.signers) {
				t.Fatalf("Soko-Signature %q has %d signatures, want %d", h, n, len(tc.signers))
			}
			for _, secret := range []string{"whsec_new", "whsec_old"} {
				err := notify.Verify(h, secret, m.Payload, tc.at, 5*time.Minute)
				if want := secret == "whsec_new" || len(tc.signers) == 2; (err == nil) != want {
					t.Errorf("verified with %s: %v, want ok=%v", secret, err, want)
				}
			}
		})
	}
}
