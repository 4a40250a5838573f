package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// benchmarkCreateOrder sends orders over real HTTP from 50 concurrent
// clients, each with its own Idempotency-Key, and reports orders per second.
// Each order asks for a mug and two towels. "backordered": nothing is in
// stock, so each order waits. "allocated": both are on one shelf, so every
// order reserves units from the same two stock rows, as on a sale day when
// every order asks for the one item on offer.
func benchmarkCreateOrder(b *testing.B, open func(testing.TB) *storage.DB) {
	b.Run("backordered", func(b *testing.B) { benchmarkCreateOrders(b, open(b), 0) })
	b.Run("allocated", func(b *testing.B) { benchmarkCreateOrders(b, open(b), 1_000_000_000) })
}

// intakeSeed is the intake benchmarks' shop: two products, each with
// stock units on a shelf when stock is above 0.
func intakeSeed(stock int) *soko.Seed {
	seed := apiSeed()
	for _, p := range []soko.Product{{SKU: "MUG-1", Name: "マグカップ", TaxRate: 10}, {SKU: "TOWEL-1", Name: "タオル", TaxRate: 10}} {
		seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "SAKURA", Product: p})
		if stock > 0 {
			seed.Stock = append(seed.Stock, soko.SeedStock{MerchantCode: "SAKURA", SKU: p.SKU, LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: stock}})
		}
	}
	return seed
}

func benchmarkCreateOrders(b *testing.B, db *storage.DB, stock int) {
	// The budget's window (burst ÷ rate) is a minute, not the tests' one
	// second: on a loaded machine a request can wait over a second for a
	// connection after taking the time it spends at, and the benchmark
	// measures intake, not the rate limiter.
	h := mustSeededAPIServer(b, db, Config{RatePerSecond: 10000, RateBurst: 600000}, intakeSeed(stock))
	srv := httptest.NewServer(h)
	defer srv.Close()

	// The allocation worker, as soko serve runs it: orders whose stock
	// other orders were reserving are left to it, and the figure counts
	// until it has allocated them; by-worker says how many it did.
	due, stop, stopped := make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
	var byWorker atomic.Int64
	db.OnAllocationDeferred = func() {
		select {
		case due <- struct{}{}:
		default:
		}
	}
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			case <-due:
			}
			n, err := db.AllocateReceived(context.Background(), soko.AllocationRules{})
			if err != nil {
				b.Error(err)
			}
			byWorker.Add(int64(n))
		}
	}()

	// Stopped before the figures are read, or when the benchmark fails.
	stopWorker := sync.OnceFunc(func() { close(stop); <-stopped })
	defer stopWorker()

	b.ResetTimer()
	cpu, start := startCPU(db), time.Now()
	n := sendOrders(b, srv.URL, fmt.Sprint(stock))
	stopWorker()
	left, err := db.AllocateReceived(context.Background(), soko.AllocationRules{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "orders/s")
	cpu.report(b, int(n), "order")
	b.ReportMetric(float64(byWorker.Load()), "by-worker")
	b.ReportMetric(float64(left), "left-at-end")
	if counts, err := db.CountOrdersByStatus(context.Background()); err != nil || counts[soko.OrderReceived] > 0 {
		b.Fatalf("orders by status %v (%v): none should be left received", counts, err)
	}
	want := soko.OrderBackordered
	if stock > 0 {
		want = soko.OrderAllocated
	}
	got := decode[api.Order](b, client{b, h, keySakura}.must(200, "GET", fmt.Sprintf("/api/v1/orders/B-%d-%d", stock, n), nil))
	if got.Status != api.OrderStatus(want) {
		b.Fatalf("the last order is %s, not %s", got.Status, want)
	}
}

// sendOrders has 50 clients create b.N orders of two lines at base, each
// with an Idempotency-Key, numbered B-tag-1 on, and returns how many it
// sent. Any answer but 201 fails the benchmark.
func sendOrders(b *testing.B, base, tag string) int64 {
	b.Helper()
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	var n, failed atomic.Int64
	b.SetParallelism(25) // 25 × GOMAXPROCS(2) = 50 clients
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body, _ := json.Marshal(order(fmt.Sprintf("B-%s-%d", tag, i), line("MUG-1", 1), line("TOWEL-1", 2)))
			req, _ := http.NewRequest("POST", base+"/api/v1/orders", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+keySakura)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%s-%d", tag, i))
			res, err := httpClient.Do(req)
			if (err != nil || res.StatusCode != 201) && failed.Add(1) == 1 {
				if res != nil {
					msg, _ := io.ReadAll(res.Body)
					err = fmt.Errorf("%s: %s", res.Status, msg)
				}
				b.Logf("the first failed order: %v", err)
			}
			if res != nil {
				// Read to the end, as a client that keeps its connection does.
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}
	})
	if failed.Load() > 0 {
		b.Fatalf("%d of %d orders failed", failed.Load(), n.Load())
	}
	return n.Load()
}

func BenchmarkCreateOrder_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	benchmarkCreateOrder(b, storagetest.MustOpenPostgres)
}

func BenchmarkCreateOrder_SQLite(b *testing.B) {
	benchmarkCreateOrder(b, storagetest.MustOpenSQLite)
}
