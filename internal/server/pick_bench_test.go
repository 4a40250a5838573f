package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// BenchmarkPickScans_Postgres has 100 handhelds pick over real HTTP on
// loopback: each takes its next task, scans the location and scans the item
// until its list is done. "paced" handhelds scan once a second, as a picker
// walking the aisles does; "flat-out" ones scan as fast as answers come, to
// find the ceiling. It reports scans per second and the p50 and p99 time a
// scan took as the handheld saw it.
func BenchmarkPickScans_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	b.Run("paced", func(b *testing.B) { benchmarkPickScans(b, storagetest.MustOpenPostgres(b), time.Second) })
	b.Run("flat-out", func(b *testing.B) { benchmarkPickScans(b, storagetest.MustOpenPostgres(b), 0) })
}

func benchmarkPickScans(b *testing.B, db *storage.DB, pace time.Duration) {
	const handhelds, ordersEach, warmups = 100, 4, 4
	seedPickFloor(b, db, handhelds, ordersEach*b.N+warmups)
	srv := httptest.NewServer(New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()

	// Signing in is slow on purpose (a stretched PIN hash): all handhelds
	// sign in before the clock starts.
	pickers := make([]*benchHandheld, handhelds)
	for i := range pickers {
		pickers[i] = signInHandheld(b, srv.URL, fmt.Sprintf("H%03d", i))
	}
	// Four waves, one order a handheld each, are picked flat-out before
	// the clock starts, as the morning's first orders are: the figure is
	// a floor that has been at work a while, not one whose database
	// connections are each planning their statements for the first time.
	// PostgreSQL plans a prepared statement afresh for its first five runs
	// on a connection and may keep a generic plan from the sixth, and the
	// first plans on a new connection cost it milliseconds each
	// (pg_stat_statements: 120 plans of each of the scan's statements, six
	// on each of the pool's 20 connections). One wave gave each connection
	// about five runs of each; four give it some twenty. The pool is the
	// size soko serve's default gives two cores, whatever this machine has.
	db.SetPoolSize(20)
	latencies := pickTimed(b, db, pickers, warmups, pace)
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// pickTimed has the pickers pick warmups waves of one order each before
// the clock starts, then the rest with it running, and reports the CPU a
// scan and the scans a second. It returns how long each timed scan took.
func pickTimed(b *testing.B, db *storage.DB, pickers []*benchHandheld, warmups int, pace time.Duration) []time.Duration {
	b.Helper()
	for i := 0; i < warmups; i++ {
		releaseWave(b, db, soko.WaveRequest{Mode: soko.WaveSingle, MaxOrders: len(pickers)})
		pickAll(b, pickers, 0)
	}
	releaseWave(b, db, soko.WaveRequest{Mode: soko.WaveSingle})
	b.ResetTimer()
	cpu, start := startCPU(db), time.Now()
	latencies := pickAll(b, pickers, pace)
	elapsed := time.Since(start)
	b.StopTimer()
	cpu.report(b, len(latencies), "scan")
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "scans/s")
	return latencies
}

// seedPickFloor loads a floor of handhelds pickers (badges H000 on, PIN
// 1234) and orders single-line orders of 3 towels for each, allocated.
// Stock is spread over 200 shelves, as in a real building: pickers do not
// all queue at one shelf. Each shelf holds its share and 2 more.
func seedPickFloor(b *testing.B, db *storage.DB, handhelds, orders int) {
	b.Helper()
	seed := opsSeed()
	seed.Staff = nil
	for i := 0; i < handhelds; i++ {
		seed.Staff = append(seed.Staff, soko.SeedStaff{Staff: soko.Staff{BadgeCode: fmt.Sprintf("H%03d", i), Name: "ピッカー", Role: soko.RolePicker, Active: true}, PIN: "1234"})
	}
	seed.Stock = nil
	for i := 0; i < 200; i++ {
		code := fmt.Sprintf("B-%03d", i)
		seed.Locations = append(seed.Locations, soko.Location{Code: code, Zone: "B", WalkSequence: 100 + i, Kind: soko.LocationPick})
		seed.Stock = append(seed.Stock, soko.SeedStock{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: code, Stock: soko.Stock{OnHand: 3*handhelds*orders/200 + 2}})
	}
	for i := 0; i < handhelds*orders; i++ {
		seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{
			Number:    fmt.Sprintf("P%06d", i),
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 3, TaxRate: 10}},
		}})
	}
	ctx := context.Background()
	if err := db.Load(ctx, seed); err != nil {
		b.Fatal(err)
	}
	if _, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil {
		b.Fatal(err)
	}
}

func releaseWave(b *testing.B, db *storage.DB, wave soko.WaveRequest) {
	if _, err := db.ReleaseWave(context.Background(), wave); err != nil {
		b.Fatal(err)
	}
}

// pickAll has every handheld pick until nothing is left, returning how
// long each scan took.
func pickAll(b *testing.B, pickers []*benchHandheld, pace time.Duration) []time.Duration {
	var mu sync.Mutex
	var latencies []time.Duration
	var wg sync.WaitGroup
	for _, p := range pickers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := p.pickAll(b, pace)
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return latencies
}

// benchHandheld is one signed-in picker's device.
type benchHandheld struct {
	base, badge, csrf string
	c                 *http.Client
	tasks             int // tasks picked so far, which number the scans
}

func (h *benchHandheld) post(b *testing.B, path string, body any) (*http.Response, map[string]any) {
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", h.base+path, bytes.NewReader(j))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", h.csrf)
	res, err := h.c.Do(req)
	if err != nil {
		b.Error(err)
		return nil, nil
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	io.Copy(io.Discard, res.Body) // to its end, so the connection is kept
	return res, out
}

func signInHandheld(b *testing.B, base, badge string) *benchHandheld {
	// Each handheld keeps its own connection, as a phone's browser does
	// (Go's shared default transport keeps two idle connections a host).
	h := &benchHandheld{base: base, badge: badge, c: &http.Client{Jar: &cookieJar{}, Timeout: 30 * time.Second, Transport: &http.Transport{}}}
	res, session := h.post(b, "/ops/session", map[string]any{"badge": badge, "pin": "1234"})
	if res == nil || res.StatusCode != 200 {
		b.Fatalf("sign in %s failed", badge)
	}
	h.csrf = session["csrf_token"].(string)
	return h
}

// pickAll picks until nothing is left, returning how long each scan took.
// Each scan has an id of its own however many waves the handheld picks: a
// retried id is answered as before, not picked again.
func (h *benchHandheld) pickAll(b *testing.B, pace time.Duration) []time.Duration {
	var took []time.Duration
	for ; ; h.tasks++ {
		res, err := h.c.Get(h.base + "/ops/picks/next")
		if err != nil {
			b.Error(err)
			return took
		}
		var task map[string]any
		json.NewDecoder(res.Body).Decode(&task)
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == 404 {
			return took
		}
		id := int64(task["id"].(float64))
		for i, code := range []string{task["location"].(string), "4901234567894"} {
			body := map[string]any{"scan_id": fmt.Sprintf("%s-%06d-%d", h.badge, h.tasks, i), "code": code}
			if i == 1 {
				body["quantity"] = int(task["remaining"].(float64))
			}
			if pace > 0 {
				// Pickers are not in step: each waits 0.5–1.5 paces.
				time.Sleep(pace/2 + time.Duration(rand.Int64N(int64(pace))))
			}
			t0 := time.Now()
			res, _ := h.post(b, fmt.Sprintf("/ops/picks/%d/scan", id), body)
			took = append(took, time.Since(t0))
			if res == nil || res.StatusCode != 200 {
				b.Errorf("scan %s on task %d failed", code, id)
				return took
			}
		}
	}
}

// session is the handheld's session cookie.
func (h *benchHandheld) session() string {
	for _, c := range h.c.Jar.Cookies(nil) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

// cookieJar keeps one handheld's session cookie.
type cookieJar struct {
	mu      sync.Mutex
	cookies []*http.Cookie
}

func (j *cookieJar) SetCookies(_ *url.URL, cs []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.cookies = append(j.cookies, cs...)
}

func (j *cookieJar) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.cookies
}
