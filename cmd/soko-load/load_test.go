package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/cmd/internal/sokoproc"
)

func TestLoad_TargetsOnThisMachineOnly(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:8080/"} {
		if _, err := loopbackTarget(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://192.0.2.1:8080", "http://example.com", "https://127.0.0.1:8443", "http://127.0.0.2:80",
		"http://0.0.0.0:8080", "http://user:pw@127.0.0.1:80", "http://127.0.0.1:80/api", "127.0.0.1:8080"} {
		if _, err := loopbackTarget(bad); err == nil {
			t.Errorf("%s accepted as a target", bad)
		}
	}
	// The command stops before it sends anything, with a usage error.
	_, err := runLoadCommand(t, filepath.Join(t.TempDir(), "soko.db"), "--targets", "http://127.0.0.1:8080,http://192.0.2.1:8080")
	var ce *usageError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("load against another machine: %v", err)
	}
}

// fakeShop answers order requests as scripted, one answer per request in
// turn, and keeps what each request carried.
type fakeShop struct {
	answers []func(http.ResponseWriter)

	mu       sync.Mutex
	requests []seenRequest
}

type seenRequest struct {
	method, path, key, body string
	at                      time.Time
}

func (f *fakeShop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, seenRequest{r.Method, r.URL.Path, r.Header.Get("Idempotency-Key"), string(body), time.Now()})
	n := len(f.requests)
	f.mu.Unlock()
	if n > len(f.answers) {
		http.Error(w, "unscripted", http.StatusTeapot)
		return
	}
	f.answers[n-1](w)
}

func status(code int, header ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		w.Write([]byte(`{}`))
	}
}

// A merchant's system sends an order again after a 503 (as late as
// Retry-After says) and after a connection cut before the answer, each time
// with the same Idempotency-Key and body; only the acknowledged order is
// written for soko check.
func TestLoad_OrderRetriedWithItsKey(t *testing.T) {
	cut := func(http.ResponseWriter) { panic(http.ErrAbortHandler) }
	shop := &fakeShop{answers: []func(http.ResponseWriter){status(503, "Retry-After", "1"), cut, status(201)}}
	srv := httptest.NewServer(shop)
	defer srv.Close()
	world := &loadWorld{Merchants: []loadMerchant{{Code: "LOADA", Key: "soko_test", Products: []loadProduct{{"LOADA-0001", "4910000000015"}, {"LOADA-0002", "4910000000022"}}}}}
	file := filepath.Join(t.TempDir(), "acked.tsv")
	acked, err := newAckedOrders(file)
	if err != nil {
		t.Fatal(err)
	}
	l := newLoader(loadOptions{targets: []string{srv.URL}, orders: 1, seed: 1}, world, acked, io.Discard)
	o := l.makeOrder(0)
	l.sendOrder(context.Background(), 0, o)
	acked.close()

	if len(shop.requests) != 3 {
		t.Fatalf("%d requests, want the order sent three times", len(shop.requests))
	}
	first := shop.requests[0]
	if first.key == "" || !strings.Contains(first.body, o.number) {
		t.Fatalf("first request: %+v", first)
	}
	for _, r := range shop.requests[1:] {
		if r.method != "POST" || r.path != "/api/v1/orders" || r.key != first.key || r.body != first.body {
			t.Errorf("retry %+v differs from the first request %+v", r, first)
		}
	}
	if waited := shop.requests[1].at.Sub(first.at); waited < time.Second {
		t.Errorf("retried %s after a 503 with Retry-After: 1", waited)
	}
	if got, _ := os.ReadFile(file); string(got) != "LOADA\t"+o.number+"\n" {
		t.Errorf("acknowledged orders file: %q", got)
	}
	if k := l.stats.kinds[kOrderCreate]; k.ok != 1 || k.retries["503"] != 1 {
		t.Errorf("order create: %d ok, retries %v; want 1 ok after a 503", k.ok, k.retries)
	}
}

// An order whose first answer was lost answers 409 to its retry; the order
// then found by its number counts as acknowledged. One the API refuses
// does not.
func TestLoad_OrderFoundAfterConflict(t *testing.T) {
	shop := &fakeShop{answers: []func(http.ResponseWriter){status(409), status(200), status(422)}}
	srv := httptest.NewServer(shop)
	defer srv.Close()
	world := &loadWorld{Merchants: []loadMerchant{{Code: "LOADA", Key: "soko_test", Products: []loadProduct{{"LOADA-0001", "4910000000015"}}}}}
	file := filepath.Join(t.TempDir(), "acked.tsv")
	acked, err := newAckedOrders(file)
	if err != nil {
		t.Fatal(err)
	}
	l := newLoader(loadOptions{targets: []string{srv.URL}, orders: 2, seed: 1}, world, acked, io.Discard)
	found, refused := l.makeOrder(0), l.makeOrder(1)
	l.sendOrder(context.Background(), 0, found)
	l.sendOrder(context.Background(), 0, refused)
	acked.close()
	if len(shop.requests) != 3 || shop.requests[1].method != "GET" || shop.requests[1].path != "/api/v1/orders/"+found.number {
		t.Fatalf("requests %+v, want a POST, a GET of the order, a POST", shop.requests)
	}
	if got, _ := os.ReadFile(file); string(got) != "LOADA\t"+found.number+"\n" {
		t.Errorf("acknowledged orders file: %q", got)
	}
	if l.notAcked.Load() != 1 {
		t.Errorf("%d orders not acknowledged, want the refused one", l.notAcked.Load())
	}
}

// A short warehouse day on SQLite: soko-load sets up its warehouse, drives
// one soko server that is killed with SIGKILL while the floor works and is
// started again on its port, and every order ships; then soko check passes
// with the acknowledged orders. The kill comes after the orders are in;
// orders killed on their way are TestKill_OrderRetriesGetTheirFirstAnswer's,
// the order retries themselves TestLoad_OrderRetriedWithItsKey's.
func TestLoad_DayOnSQLiteSurvivesAKill(t *testing.T) {
	sokoproc.SkipShort(t)
	dir := t.TempDir()
	dbURL, world, ackedFile := filepath.Join(dir, "soko.db"), filepath.Join(dir, "world.json"), filepath.Join(dir, "acked.tsv")
	const orders = 40
	out, err := runLoadCommand(t, dbURL, "--setup", "--world", world, "--orders", "40", "--handhelds", "6", "--stations", "2")
	if err != nil || !strings.Contains(out, "6 pickers, 2 packers, 3 shippers, 1 supervisor") {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	if _, err := runLoadCommand(t, dbURL, "--setup", "--world", filepath.Join(dir, "again.json")); err == nil || !strings.Contains(err.Error(), "already holds data") {
		t.Fatalf("a second setup on the same database: %v", err)
	}

	env := []string{"SOKO_DATABASE_URL=" + dbURL, "SOKO_WEBHOOK_ALLOW_HOSTS=127.0.0.1"}
	srv := mustStart(t, env)
	host := strings.TrimPrefix(srv.URL, "http://")
	if u, err := url.Parse(srv.URL); err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("server URL %s", srv.URL)
	}
	o := loadOptions{world: world, targets: []string{srv.URL}, orders: orders, handhelds: 6, stations: 2, apiClients: 4,
		duration: 2 * time.Minute, intake: 6 * time.Second, think: 100 * time.Millisecond, waveSize: 3, truckEvery: 2 * time.Second,
		acked: ackedFile, seed: 7}
	var report bytes.Buffer
	type result struct {
		rep *loadReport
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := runLoad(context.Background(), o, &report)
		done <- result{rep, err}
	}()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if b, _ := os.ReadFile(ackedFile); bytes.Count(b, []byte("\n")) == orders {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the orders were not all acknowledged within a minute")
		}
	}
	time.Sleep(time.Second)
	srv.Kill()
	time.Sleep(time.Second)
	restarted := mustStart(t, env, "--addr", host)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	rep, text := r.rep, report.String()
	t.Logf("report:\n%s", text)

	if rep.Acked != orders || rep.NotAcked != 0 || rep.Shipped != orders || rep.Unlisted != 0 || rep.Statuses["shipped"] != orders {
		t.Errorf("%d acknowledged, %d not, %d shipped, %d unlisted, statuses %v; want all %d acknowledged and shipped",
			rep.Acked, rep.NotAcked, rep.Shipped, rep.Unlisted, rep.Statuses, orders)
	}
	if rep.ServerErrors != 0 {
		t.Errorf("%d answers were 500", rep.ServerErrors)
	}
	kinds := map[string]kindReport{}
	cut := 0
	for _, k := range rep.Kinds {
		kinds[k.Kind] = k
		cut += k.RetryCauses["connection"]
	}
	if cut == 0 {
		t.Error("no request was retried after a broken connection: the kill missed the load")
	}
	// A step retried after its answer died with the server may be refused
	// as done already (409); nothing else may fail.
	for kind, least := range map[string]int{kOrderCreate: orders, kPickScan: 2 * orders, kInspectScan: orders, kPack: orders, kLabel: orders, kHandoverScan: orders, kClose: 1} {
		k := kinds[kind]
		if k.OK+k.Statuses[409] < least || k.Errors != k.Statuses[409] || k.GaveUp != 0 || k.P50 <= 0 || k.P99 < k.P50 {
			t.Errorf("%s: %d ok, errors %v, %d gave up, p50 %s, p99 %s; want at least %d done and percentiles", kind, k.OK, k.Statuses, k.GaveUp, k.P50, k.P99, least)
		}
	}
	// Delivery runs behind the floor: the last events may still be on their
	// way. An order sends at most received, backordered, allocated, picked,
	// packed, labeled and shipped.
	if w := rep.Webhooks; !w.Listening || w.Forged != 0 || w.ByType["order.received"] < orders/2 || w.Events > 7*orders {
		t.Errorf("webhooks %+v, want most orders' order.received, none forged", w)
	}
	for _, want := range []string{"order create", "handover scan", "p99", "end state (orders by status, from the API): shipped 40", "summary: "} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}

	restarted.Stop(t)
	out, err = runSoko(t, dbURL, "check", "--orders", ackedFile)
	if err != nil || !strings.Contains(out, "40 acknowledged orders of 40 stored") {
		t.Fatalf("soko check after the run: %v\n%s", err, out)
	}
}
