package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// clock is a test clock that only moves when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// receiver is a merchant's webhook endpoint: it checks each request's
// signature and headers, answers with the next of its statuses (200 once
// they run out) and counts the events it accepted.
type receiver struct {
	t        *testing.T
	clock    *clock
	secret   string
	mu       sync.Mutex
	statuses []int
	requests int
	accepted map[string]int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := notify.Verify(r.Header.Get("Soko-Signature"), rc.secret, body, rc.clock.now(), 5*time.Minute); err != nil {
		rc.t.Errorf("receiver: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var event struct{ ID, Type string }
	if err := json.Unmarshal(body, &event); err != nil || event.ID == "" ||
		r.Header.Get("Soko-Event-Id") != event.ID || r.Header.Get("Soko-Event-Type") != event.Type ||
		r.Header.Get("Content-Type") != "application/json" || r.Method != http.MethodPost {
		rc.t.Errorf("receiver: %s %v %s", r.Method, r.Header, body)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	status := http.StatusOK
	if len(rc.statuses) > 0 {
		status, rc.statuses = rc.statuses[0], rc.statuses[1:]
	}
	if status < 300 {
		rc.accepted[event.ID]++
	}
	w.WriteHeader(status)
}

func (rc *receiver) counts() (requests int, accepted map[string]int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	accepted = map[string]int{}
	for id, n := range rc.accepted {
		accepted[id] = n
	}
	return rc.requests, accepted
}

// fixture is a SQLite store with n order.cancelled webhooks queued for a
// merchant whose endpoint is a receiver answering statuses, and a worker
// for them, all on one test clock.
type fixture struct {
	db         *storage.DB
	clock      *clock
	rc         *receiver
	worker     *notify.Worker
	merchantID int64
}

func mustFixture(t *testing.T, n int, statuses ...int) *fixture {
	t.Helper()
	c := &clock{t: storagetest.Fixed}
	db := storagetest.MustOpenSQLite(t)
	db.Now = c.now
	rc := &receiver{t: t, clock: c, statuses: statuses, accepted: map[string]int{}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)

	ep := &soko.WebhookEndpoint{URL: srv.URL + "/hooks", Active: true, EventTypes: []string{"order.cancelled"}}
	merchantID := storagetest.MustQueueCancellations(t, db, n, ep)
	rc.secret = ep.Secret
	w := &notify.Worker{Store: db, Sender: &notify.Sender{AllowPrivate: true, Now: c.now}, Now: c.now, Batch: 2, Lease: time.Minute}
	return &fixture{db: db, clock: c, rc: rc, worker: w, merchantID: merchantID}
}

// messages returns the merchant's webhook messages, oldest first.
func (f *fixture) messages(t *testing.T) []*soko.OutboxMessage {
	t.Helper()
	ms, err := f.db.ListWebhookDeliveries(context.Background(), f.merchantID, "", 0, soko.Page{Limit: soko.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms
}

func (f *fixture) runOnce(t *testing.T, wantDelivered, wantFailed int) {
	t.Helper()
	delivered, failed, err := f.worker.RunOnce(context.Background())
	if err != nil || delivered != wantDelivered || failed != wantFailed {
		t.Fatalf("RunOnce: %d delivered, %d failed, %v; want %d, %d", delivered, failed, err, wantDelivered, wantFailed)
	}
}

func TestWorker_DeliversEachEventOnce(t *testing.T) {
	f := mustFixture(t, 3)
	f.runOnce(t, 2, 0) // a batch is two
	f.runOnce(t, 1, 0)
	f.runOnce(t, 0, 0)
	f.clock.add(time.Hour)
	f.runOnce(t, 0, 0)
	requests, accepted := f.rc.counts()
	if requests != 3 || len(accepted) != 3 {
		t.Fatalf("%d requests, accepted %v", requests, accepted)
	}
	for _, m := range f.messages(t) {
		log, err := f.db.ListDeliveryAttempts(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != soko.OutboxDelivered || m.Attempts != 1 || len(log) != 1 || log[0].StatusCode != 200 || log[0].Error != "" {
			t.Fatalf("message %+v, log %+v", m, log)
		}
	}
}

func TestWorker_RetriesWithBackoffUntilDelivered(t *testing.T) {
	f := mustFixture(t, 1, 500, 503)
	f.runOnce(t, 0, 1)
	f.clock.add(29 * time.Second) // the first retry waits 30 to 60 s
	f.runOnce(t, 0, 0)
	f.clock.add(31 * time.Second)
	f.runOnce(t, 0, 1)
	m := f.messages(t)[0]
	if m.Status != soko.OutboxPending || m.Attempts != 2 || m.LastError != "HTTP 503 Service Unavailable" ||
		m.NextAttempt.Before(f.clock.now().Add(time.Minute)) || m.NextAttempt.After(f.clock.now().Add(2*time.Minute)) {
		t.Fatalf("after two failures: %+v", m)
	}
	f.clock.add(2 * time.Minute)
	f.runOnce(t, 1, 0)
	f.clock.add(time.Hour)
	f.runOnce(t, 0, 0)

	requests, accepted := f.rc.counts()
	if requests != 3 || len(accepted) != 1 {
		t.Fatalf("%d requests, accepted %v", requests, accepted)
	}
	for id, n := range accepted {
		if n != 1 || !strings.HasPrefix(id, "evt_") {
			t.Fatalf("event %s accepted %d times", id, n)
		}
	}
	m = f.messages(t)[0]
	log, err := f.db.ListDeliveryAttempts(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != soko.OutboxDelivered || m.Attempts != 3 || len(log) != 3 ||
		log[0].StatusCode != 500 || log[1].StatusCode != 503 || log[2].StatusCode != 200 || log[2].Error != "" {
		t.Fatalf("message %+v, log %+v", m, log)
	}
}

func TestWorker_DeadAfterADayOfFailures(t *testing.T) {
	statuses := make([]int, 100)
	for i := range statuses {
		statuses[i] = 500
	}
	f := mustFixture(t, 1, statuses...)
	start := f.clock.now()
	for f.clock.now().Sub(start) < 24*time.Hour {
		f.runOnce(t, 0, 1)
		m := f.messages(t)[0]
		if m.Status != soko.OutboxPending {
			t.Fatalf("%s after the event: %+v", f.clock.now().Sub(start), m)
		}
		f.clock.add(m.NextAttempt.Sub(f.clock.now()))
	}
	f.runOnce(t, 0, 1)
	m := f.messages(t)[0]
	if m.Status != soko.OutboxDead || m.LastError != "HTTP 500 Internal Server Error" {
		t.Fatalf("after a day: %+v", m)
	}
	requests, _ := f.rc.counts()
	if requests != m.Attempts || requests < 8 {
		t.Fatalf("%d requests, %d attempts", requests, m.Attempts)
	}
	f.clock.add(7 * 24 * time.Hour)
	f.runOnce(t, 0, 0)
}

func TestWorker_InactiveEndpointIsDead(t *testing.T) {
	f := mustFixture(t, 1)
	ep := &soko.WebhookEndpoint{MerchantID: f.merchantID, URL: "https://shop.example/hooks", Active: false}
	if _, err := f.db.PutWebhookEndpoint(context.Background(), ep, false); err != nil {
		t.Fatal(err)
	}
	f.runOnce(t, 0, 1)
	m := f.messages(t)[0]
	if m.Status != soko.OutboxDead || m.Attempts != 1 || m.LastError != "its webhook endpoint is inactive" {
		t.Fatalf("message %+v", m)
	}
	if requests, _ := f.rc.counts(); requests != 0 {
		t.Fatalf("%d requests to an inactive endpoint", requests)
	}
}

// A merchant with several endpoints: each gets its own signed copy of the
// events it subscribed to and nothing else, a failing one delays none of
// the others, and a removed one's waiting copies are given up.
func TestWorker_EachEndpointGetsItsOwnCopy(t *testing.T) {
	f := mustFixture(t, 0) // the shop's endpoint wants order.cancelled
	ctx := context.Background()
	support := &receiver{t: t, clock: f.clock, statuses: []int{503}, accepted: map[string]int{}}
	srv := httptest.NewServer(support)
	t.Cleanup(srv.Close)
	desk := &soko.WebhookEndpoint{MerchantID: f.merchantID, URL: srv.URL + "/desk", Active: true, EventTypes: []string{"order.received", "order.cancelled"}}
	if err := f.db.CreateWebhookEndpoint(ctx, desk); err != nil {
		t.Fatal(err)
	}
	support.secret = desk.Secret
	// A third endpoint wants only stock.low: were it sent anything, the
	// support receiver would find the signature wrong.
	if err := f.db.CreateWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: f.merchantID, URL: srv.URL + "/low", Active: true, EventTypes: []string{"stock.low"}}); err != nil {
		t.Fatal(err)
	}
	o := &soko.Order{MerchantID: f.merchantID, Number: "SO-MULTI", Carrier: "yamato",
		Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
		Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1000, TaxRate: 10}}}
	if err := f.db.CreateOrder(ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CancelOrder(ctx, f.merchantID, "SO-MULTI", "お客様都合"); err != nil {
		t.Fatal(err)
	}
	if got := len(f.messages(t)); got != 3 {
		t.Fatalf("%d webhook messages, want 3 (received for the desk, cancelled for the shop and the desk)", got)
	}
	f.worker.Batch = 10
	f.runOnce(t, 2, 1) // the desk's first answer is 503
	if _, accepted := f.rc.counts(); len(accepted) != 1 {
		t.Fatalf("the shop accepted %v, want its order.cancelled only", accepted)
	}
	// The desk is removed before its retry: its waiting copy is given up,
	// and nothing more is sent to it.
	var deskCopy *soko.OutboxMessage
	for _, m := range f.messages(t) {
		if m.EndpointID == desk.ID && m.Status == soko.OutboxPending {
			deskCopy = m
		}
	}
	if deskCopy == nil {
		t.Fatalf("no waiting copy for the desk: %+v", f.messages(t))
	}
	if err := f.db.DeleteWebhookEndpoint(ctx, f.merchantID, desk.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.add(time.Hour)
	f.runOnce(t, 0, 0)
	if requests, accepted := support.counts(); requests != 2 || len(accepted) != 1 {
		t.Fatalf("the desk got %d requests and accepted %v, want 2 requests, one accepted", requests, accepted)
	}
	for _, m := range f.messages(t) {
		if m.ID == deskCopy.ID && (m.Status != soko.OutboxDead || m.EndpointID != 0) {
			t.Fatalf("the removed endpoint's waiting copy: %+v", m)
		}
	}
}

func TestWorker_InternalAddressRefused(t *testing.T) {
	f := mustFixture(t, 1)
	f.worker.Sender.AllowPrivate = false
	f.runOnce(t, 0, 1)
	m := f.messages(t)[0]
	if m.Status != soko.OutboxPending || !strings.Contains(m.LastError, "refused: 127.0.0.1 is on an internal network") {
		t.Fatalf("message %+v", m)
	}
	if requests, _ := f.rc.counts(); requests != 0 {
		t.Fatalf("%d requests to an internal address", requests)
	}
}

func TestWorker_RunStopsWithItsContext(t *testing.T) {
	f := mustFixture(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.worker.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, accepted := f.rc.counts(); len(accepted) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not deliver the three events")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// memOutbox is an outbox in memory for the email channel, which the
// storage layer does not fill yet; it claims and records as storage does.
type memOutbox struct {
	clock *clock

	mu       sync.Mutex
	messages []*soko.OutboxMessage
	attempts map[int64][]soko.WebhookDelivery
	claims   []string        // the channels claimed, in order
	leases   []time.Duration // the leases asked for
}

func newMemOutbox(c *clock) *memOutbox {
	return &memOutbox{clock: c, attempts: map[int64][]soko.WebhookDelivery{}}
}

// add queues an email written at the clock's time.
func (s *memOutbox) add(payload []byte) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.now()
	id := int64(len(s.messages) + 1)
	s.messages = append(s.messages, &soko.OutboxMessage{
		ID: id, Channel: "email", EventType: "order.shipped", OrderNumber: "SO-20261123-0001", MerchantID: 1,
		Payload: payload, Status: soko.OutboxPending, NextAttempt: now, CreatedAt: now,
	})
	return id
}

func (s *memOutbox) ClaimDue(_ context.Context, channel string, limit int, lease time.Duration) ([]soko.OutboxMessage, map[int64]*soko.WebhookEndpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.claims = append(s.claims, channel)
	s.leases = append(s.leases, lease)
	now := s.clock.now()
	var out []soko.OutboxMessage
	for _, m := range s.messages {
		if len(out) < limit && m.Channel == channel && m.Status == soko.OutboxPending && !m.NextAttempt.After(now) {
			m.NextAttempt = now.Add(lease)
			out = append(out, *m)
		}
	}
	return out, map[int64]*soko.WebhookEndpoint{}, nil
}

func (s *memOutbox) RecordDelivery(_ context.Context, claimed soko.OutboxMessage, a soko.WebhookDelivery, delivered bool, next time.Time, dead bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := claimed.ID
	m := s.messages[id-1]
	m.Attempts++
	a.Attempt = m.Attempts
	s.attempts[id] = append(s.attempts[id], a)
	m.LastError = a.Error
	switch {
	case delivered:
		m.Status, m.LastError = soko.OutboxDelivered, ""
	case dead:
		m.Status = soko.OutboxDead
	default:
		m.NextAttempt = next
	}
	return nil
}

func (s *memOutbox) message(id int64) (soko.OutboxMessage, []soko.WebhookDelivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.messages[id-1], append([]soko.WebhookDelivery(nil), s.attempts[id]...)
}

// fakeMailer fails with its errors in turn, then sends.
type fakeMailer struct {
	mu    sync.Mutex
	errs  []error
	calls int
	sent  []soko.EmailMessage
}

func (f *fakeMailer) Send(_ context.Context, msg soko.EmailMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		if err != nil {
			return err
		}
	}
	f.sent = append(f.sent, msg)
	return nil
}

func (f *fakeMailer) counts() (calls int, sent []soko.EmailMessage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, append([]soko.EmailMessage(nil), f.sent...)
}

func mustEmailPayload(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(shipmentMessage())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// emailWorker is a worker for an in-memory outbox on a test clock.
func emailWorker(mailer notify.MailSender) (*notify.Worker, *memOutbox, *clock) {
	c := &clock{t: storagetest.Fixed}
	store := newMemOutbox(c)
	return &notify.Worker{Store: store, Mailer: mailer, Now: c.now, Batch: 2, Lease: time.Minute}, store, c
}

func runOnce(t *testing.T, w *notify.Worker, wantDelivered, wantFailed int) {
	t.Helper()
	delivered, failed, err := w.RunOnce(context.Background())
	if err != nil || delivered != wantDelivered || failed != wantFailed {
		t.Fatalf("RunOnce: %d delivered, %d failed, %v; want %d, %d", delivered, failed, err, wantDelivered, wantFailed)
	}
}

// untilDue moves the clock to when message id comes due again.
func untilDue(c *clock, store *memOutbox, id int64) {
	m, _ := store.message(id)
	c.add(m.NextAttempt.Sub(c.now()))
}

func TestWorker_SendsEmail(t *testing.T) {
	mailer := &fakeMailer{}
	w, store, _ := emailWorker(mailer)
	id := store.add(mustEmailPayload(t))
	runOnce(t, w, 1, 0)
	runOnce(t, w, 0, 0)
	m, log := store.message(id)
	if _, sent := mailer.counts(); len(sent) != 1 || sent[0] != shipmentMessage() {
		t.Fatalf("sent %+v", sent)
	}
	if m.Status != soko.OutboxDelivered || m.Attempts != 1 || len(log) != 1 || log[0].Error != "" || log[0].OutboxID != id {
		t.Fatalf("message %+v, log %+v", m, log)
	}
}

func TestWorker_EmailRetriedUntilSent(t *testing.T) {
	mailer := &fakeMailer{errs: []error{
		&textproto.Error{Code: 451, Msg: "4.3.0 try again later"},
		errors.New("dial tcp 192.0.2.1:587: connect: connection refused"),
	}}
	w, store, c := emailWorker(mailer)
	id := store.add(mustEmailPayload(t))
	runOnce(t, w, 0, 1)
	c.add(29 * time.Second) // the first retry waits 30 to 60 s
	runOnce(t, w, 0, 0)
	untilDue(c, store, id)
	runOnce(t, w, 0, 1)
	untilDue(c, store, id)
	runOnce(t, w, 1, 0)
	c.add(time.Hour)
	runOnce(t, w, 0, 0)

	m, log := store.message(id)
	if calls, sent := mailer.counts(); calls != 3 || len(sent) != 1 {
		t.Fatalf("%d calls, %d sent", calls, len(sent))
	}
	if m.Status != soko.OutboxDelivered || m.Attempts != 3 || len(log) != 3 ||
		log[0].StatusCode != 451 || !strings.Contains(log[0].Error, "try again later") ||
		log[1].StatusCode != 0 || !strings.Contains(log[1].Error, "connection refused") ||
		log[2].Error != "" {
		t.Fatalf("message %+v, log %+v", m, log)
	}
}

func TestWorker_EmailDead(t *testing.T) {
	for _, tc := range []struct {
		name      string
		payload   []byte
		err       error
		age       time.Duration // of the message when tried
		wantCode  int
		wantError string
		wantCalls int
	}{
		{name: "mailbox unknown", err: &textproto.Error{Code: 550, Msg: "5.1.1 unknown mailbox"},
			wantCode: 550, wantError: "5.1.1 unknown mailbox", wantCalls: 1},
		{name: "undecodable payload", payload: []byte(`{"to": 1`),
			wantError: "the email cannot be read from the outbox", wantCalls: 0},
		{name: "failing for a day", err: &textproto.Error{Code: 421, Msg: "4.7.0 try again later"}, age: 24 * time.Hour,
			wantCode: 421, wantError: "try again later", wantCalls: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mailer := &fakeMailer{errs: []error{tc.err}}
			w, store, c := emailWorker(mailer)
			payload := tc.payload
			if payload == nil {
				payload = mustEmailPayload(t)
			}
			id := store.add(payload)
			c.add(tc.age)
			runOnce(t, w, 0, 1)
			c.add(7 * 24 * time.Hour)
			runOnce(t, w, 0, 0)
			m, log := store.message(id)
			if calls, _ := mailer.counts(); calls != tc.wantCalls {
				t.Fatalf("%d calls", calls)
			}
			if m.Status != soko.OutboxDead || m.Attempts != 1 || len(log) != 1 ||
				log[0].StatusCode != tc.wantCode || !strings.Contains(log[0].Error, tc.wantError) {
				t.Fatalf("message %+v, log %+v", m, log)
			}
		})
	}
}

func TestWorker_WithoutMailerEmailsStayPending(t *testing.T) {
	for name, mailer := range map[string]notify.MailSender{"nil": nil, "nil *Mailer": (*notify.Mailer)(nil)} {
		t.Run(name, func(t *testing.T) {
			w, store, c := emailWorker(mailer)
			var logged strings.Builder
			w.Log = slog.New(slog.NewTextHandler(&logged, nil))
			id := store.add(mustEmailPayload(t))
			runOnce(t, w, 0, 0)
			c.add(time.Hour)
			runOnce(t, w, 0, 0)
			m, log := store.message(id)
			if m.Status != soko.OutboxPending || m.Attempts != 0 || len(log) != 0 || !m.NextAttempt.Equal(m.CreatedAt) {
				t.Fatalf("message %+v, log %+v", m, log)
			}
			if strings.Join(store.claims, ",") != "webhook,webhook" {
				t.Fatalf("claimed %v", store.claims)
			}
			if n := strings.Count(logged.String(), "no SMTP server is configured"); n != 1 || !strings.Contains(logged.String(), "level=WARN") {
				t.Fatalf("warned %d times:\n%s", n, logged.String())
			}
		})
	}
}

func TestWorker_DefaultLease(t *testing.T) {
	for _, tc := range []struct {
		batch int
		lease time.Duration
		want  time.Duration
	}{
		{0, 0, 10*notify.DeliveryTimeout + 30*time.Second},
		{3, 0, 3*notify.DeliveryTimeout + 30*time.Second},
		{3, time.Hour, time.Hour},
	} {
		w, store, _ := emailWorker(&fakeMailer{})
		w.Batch, w.Lease = tc.batch, tc.lease
		runOnce(t, w, 0, 0)
		if strings.Join(store.claims, ",") != "webhook,email" || store.leases[0] != tc.want || store.leases[1] != tc.want {
			t.Errorf("batch %d, lease %s: claimed %v for %v; want %s", tc.batch, tc.lease, store.claims, store.leases, tc.want)
		}
	}
}

// The worker sends through a real Mailer to an SMTP server that refuses
// twice for now, then once for good.
func TestWorker_EmailThroughSMTP(t *testing.T) {
	sink := mustSMTPSink(t, sinkOptions{starttls: true}, tryLater, tryLater, nil, unknownMailbox)
	w, store, c := emailWorker(mustMailer(t, sink, "smtp", ""))
	id := store.add(mustEmailPayload(t))
	runOnce(t, w, 0, 1)
	untilDue(c, store, id)
	runOnce(t, w, 0, 1)
	untilDue(c, store, id)
	runOnce(t, w, 1, 0)
	c.add(time.Hour)
	runOnce(t, w, 0, 0)

	m, log := store.message(id)
	if mails, _, _ := sink.received(); len(mails) != 1 {
		t.Fatalf("%d mails received", len(mails))
	}
	if m.Status != soko.OutboxDelivered || m.Attempts != 3 || len(log) != 3 ||
		log[0].StatusCode != 451 || log[1].StatusCode != 451 || log[2].StatusCode != 0 || log[2].Error != "" {
		t.Fatalf("message %+v, log %+v", m, log)
	}

	id = store.add(mustEmailPayload(t))
	runOnce(t, w, 0, 1)
	c.add(7 * 24 * time.Hour)
	runOnce(t, w, 0, 0)
	m, log = store.message(id)
	if m.Status != soko.OutboxDead || m.Attempts != 1 || len(log) != 1 || log[0].StatusCode != 550 ||
		!strings.Contains(m.LastError, "unknown mailbox") {
		t.Fatalf("message %+v, log %+v", m, log)
	}
	if mails, _, _ := sink.received(); len(mails) != 1 {
		t.Fatalf("%d mails received", len(mails))
	}
}
