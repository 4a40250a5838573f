package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// benchmarkCreateOrder sends orders over real HTTP from 50 concurrent
// clients, each with its own Idempotency-Key, and reports orders per second.
func benchmarkCreateOrder(b *testing.B, db *storage.DB) {
	// The budget's window (burst ÷ rate) is a minute, not the tests' one
	// second: on a loaded machine a request can wait over a second for a
	// connection after taking the time it spends at, and the benchmark
	// measures intake, not the rate limiter.
	h := mustAPIServer(b, db, Config{RatePerSecond: 10000, RateBurst: 600000})
	shop := client{b, h, keySakura}
	shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
	shop.must(201, "PUT", "/api/v1/products/TOWEL-1", product("タオル", 1650))
	srv := httptest.NewServer(h)
	defer srv.Close()
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}

	var n, failed atomic.Int64
	b.SetParallelism(25) // 25 × GOMAXPROCS(2) = 50 clients
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body, _ := json.Marshal(order(fmt.Sprintf("B-%d", i), line("MUG-1", 1), line("TOWEL-1", 2)))
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/orders", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+keySakura)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
			res, err := httpClient.Do(req)
			if err != nil || res.StatusCode != 201 {
				failed.Add(1)
			}
			if res != nil {
				res.Body.Close()
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "orders/s")
	if failed.Load() > 0 {
		b.Fatalf("%d of %d orders failed", failed.Load(), n.Load())
	}
}

func BenchmarkCreateOrder_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	benchmarkCreateOrder(b, storagetest.MustOpenPostgres(b))
}

func BenchmarkCreateOrder_SQLite(b *testing.B) {
	benchmarkCreateOrder(b, storagetest.MustOpenSQLite(b))
}
