package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/cmd/internal/sokoproc"
	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// crashReceiver is a merchant's webhook endpoint that checks every request's
// signature, notices when two requests for one event are open at once, holds
// each request a while so that a kill lands mid-delivery, and can hold them
// all until released, so a test knows which requests a kill will cut.
type crashReceiver struct {
	t    *testing.T
	hold time.Duration

	mu       sync.Mutex
	secret   string
	open     map[string]int // requests being answered, by event id
	arrived  map[string]int // signed requests, by event id
	answered map[string]int // requests answered 2xx
	cut      map[string]int // requests whose sender went away before the answer
	overlaps int
	gate     chan struct{} // closed unless requests are being held
	held     int           // requests waiting at an open gate
}

func newCrashReceiver(t *testing.T, hold time.Duration) *crashReceiver {
	gate := make(chan struct{})
	close(gate)
	return &crashReceiver{
		t: t, hold: hold, gate: gate,
		open: map[string]int{}, arrived: map[string]int{}, answered: map[string]int{}, cut: map[string]int{},
	}
}

func (rc *crashReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the sender is gone
	}
	id := r.Header.Get("Soko-Event-Id")
	rc.mu.Lock()
	secret := rc.secret
	rc.mu.Unlock()
	if err := notify.Verify(r.Header.Get("Soko-Signature"), secret, body, time.Now(), 5*time.Minute); err != nil {
		rc.t.Errorf("event %s: %v", id, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var event struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &event); err != nil || event.ID != id {
		rc.t.Errorf("Soko-Event-Id %q but the body is %s", id, body)
	}

	rc.mu.Lock()
	if rc.open[id] > 0 {
		rc.overlaps++
		rc.t.Errorf("event %s is being delivered by two workers at once", id)
	}
	rc.open[id]++
	rc.arrived[id]++
	rc.mu.Unlock()

	cut := false
	select {
	case <-r.Context().Done():
		cut = true
	case <-time.After(rc.hold):
		rc.mu.Lock()
		gate := rc.gate
		rc.held++
		rc.mu.Unlock()
		select {
		case <-r.Context().Done():
			cut = true
		case <-gate:
		}
		rc.mu.Lock()
		rc.held--
		rc.mu.Unlock()
	}

	// Counted before answering, so that a worker's next request never
	// finds its previous one still open.
	rc.mu.Lock()
	rc.open[id]--
	if cut {
		rc.cut[id]++
	} else {
		rc.answered[id]++
	}
	rc.mu.Unlock()
	if !cut {
		w.WriteHeader(http.StatusNoContent)
	}
}

// holdAll makes requests wait, once their hold is over, until release.
func (rc *crashReceiver) holdAll() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.gate = make(chan struct{})
}

func (rc *crashReceiver) release() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	close(rc.gate)
}

// counts returns how many requests were answered, are held and were cut.
func (rc *crashReceiver) counts() (answered, held, cut int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, n := range rc.answered {
		answered += n
	}
	for _, n := range rc.cut {
		cut += n
	}
	return answered, rc.held, cut
}

// answeredAll reports whether every one of ids was answered at least once.
func (rc *crashReceiver) answeredAll(ids map[string]bool) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for id := range ids {
		if rc.answered[id] == 0 {
			return false
		}
	}
	return true
}

// mustSeeWithin polls ok until it holds, failing the test after d.
func mustSeeWithin(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mustQueueReceivedWebhooks stores a merchant whose webhook endpoint at url
// wants order.received only, and n orders, which queue n webhooks with
// distinct event ids. It returns the merchant's id and the endpoint's secret.
func mustQueueReceivedWebhooks(t *testing.T, db *storage.DB, url string, n int) (int64, string) {
	t.Helper()
	ctx := context.Background()
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店", Sender: soko.Address{PostalCode: "1000005", Prefecture: "東京都"}}},
		Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10}}},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	merchantID := seed.Merchants[0].ID
	// Straight into storage: the API refuses an http endpoint on loopback.
	// Allocation at start-up moves the orders on; only their arrival is sent.
	ep := &soko.WebhookEndpoint{MerchantID: merchantID, URL: url, Active: true, EventTypes: []string{"order.received"}}
	if _, err := db.PutWebhookEndpoint(ctx, ep, false); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		o := &soko.Order{
			MerchantID: merchantID, Number: fmt.Sprintf("SO-%d", i+1), Carrier: "yamato",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1000, TaxRate: 10}},
		}
		if err := db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	return merchantID, ep.Secret
}

// Two soko processes deliver one outbox; one is killed with a request open.
// Its message comes back when its lease ends and the others deliver it:
// nothing is lost, no event is ever sent by two processes at once, and only
// the cut request's event arrives twice (a receiver drops the repeat by
// Soko-Event-Id).
func TestNotify_WorkerKilledMidDelivery(t *testing.T) {
	sokoproc.SkipShort(t)
	storagetest.SkipWithoutPostgres(t, "soko processes sharing one PostgreSQL")
	const n = 40
	ctx := context.Background()
	dbURL := storagetest.MustPostgresSchemaURL(t)
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	rc := newCrashReceiver(t, 400*time.Millisecond)
	hook := httptest.NewServer(rc)
	// Closed after the soko processes, which mustStart's cleanups kill first.
	t.Cleanup(hook.Close)
	merchantID, secret := mustQueueReceivedWebhooks(t, db, hook.URL+"/hook", n)
	rc.mu.Lock()
	rc.secret = secret
	rc.mu.Unlock()

	queued, err := db.ListWebhookDeliveries(ctx, merchantID, "", 0, soko.Page{Limit: soko.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]bool{}
	for _, m := range queued {
		var e struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(m.Payload, &e); err != nil || e.ID == "" {
			t.Fatalf("outbox message %d has no event id: %s", m.ID, m.Payload)
		}
		events[e.ID] = true
	}
	if len(queued) != n || len(events) != n {
		t.Fatalf("queued %d webhooks with %d distinct event ids, want %d", len(queued), len(events), n)
	}

	// A batch of one: each process has at most one request open, and a
	// killed one takes a single message down with it, back after 12 s.
	env := []string{
		"SOKO_DATABASE_URL=" + dbURL, "SOKO_WEBHOOK_ALLOW_HOSTS=127.0.0.1",
		"SOKO_NOTIFY_BATCH=1", "SOKO_NOTIFY_LEASE=12s", "SOKO_LOG_FORMAT=json",
	}
	start := time.Now()
	victim := mustStart(t, env)
	mustStart(t, env)
	mustSeeWithin(t, 20*time.Second, "five deliveries", func() bool { a, _, _ := rc.counts(); return a >= 5 })
	// Both workers end up waiting on the receiver, each with one request:
	// whichever process is killed, its request is open.
	rc.holdAll()
	mustSeeWithin(t, 10*time.Second, "request held from each process", func() bool { _, h, _ := rc.counts(); return h == 2 })
	victim.Kill()
	mustSeeWithin(t, 10*time.Second, "cut request from the killed process", func() bool { _, _, c := rc.counts(); return c == 1 })
	rc.release()
	killedAt := time.Since(start)
	mustStart(t, env)

	mustSeeWithin(t, 40*time.Second, "delivery of every event", func() bool {
		if !rc.answeredAll(events) {
			return false
		}
		ms, err := db.ListWebhookDeliveries(ctx, merchantID, soko.OutboxDelivered, 0, soko.Page{Limit: soko.MaxPageSize})
		return err == nil && len(ms) == n
	})

	rc.mu.Lock()
	repeats := 0
	for id, times := range rc.arrived {
		if !events[id] {
			t.Errorf("event %s was never queued", id)
		}
		repeats += times - 1
		if rc.answered[id] != 1 || times != 1+rc.cut[id] {
			t.Errorf("event %s arrived %d times: answered %d, cut %d; only the killed request may come again", id, times, rc.answered[id], rc.cut[id])
		}
	}
	if len(rc.cut) != 1 {
		t.Errorf("requests of %d events were cut, want the killed process's one", len(rc.cut))
	}
	if rc.overlaps > 0 {
		t.Errorf("%d requests overlapped another for the same event", rc.overlaps)
	}
	t.Logf("%d events delivered in %s; one process killed after %s with a request open; %d repeated (%v)",
		n, time.Since(start).Round(100*time.Millisecond), killedAt.Round(100*time.Millisecond), repeats, rc.cut)
	rc.mu.Unlock()

	for _, m := range queued {
		log, err := db.ListDeliveryAttempts(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		successes := 0
		for i, a := range log {
			if a.Attempt != i+1 {
				t.Errorf("message %d: attempt %d logged as number %d: %+v", m.ID, i+1, a.Attempt, log)
			}
			if a.Error == "" {
				successes++
			}
		}
		if successes != 1 || len(log) == 0 || log[len(log)-1].Error != "" {
			t.Errorf("message %d: want one successful attempt, last; log %+v", m.ID, log)
		}
	}
	ms, err := db.ListWebhookDeliveries(ctx, merchantID, "", 0, soko.Page{Limit: soko.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Status != soko.OutboxDelivered {
			t.Errorf("message %d is %s after %d attempts: %s", m.ID, m.Status, m.Attempts, m.LastError)
		}
	}
}
