package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestServe_SaleDayOrdersAllocatedByTheWorker: on a sale day, new orders
// whose stock other new orders are reserving are answered received, and
// soko serve's allocation worker, told by intake, allocates them within
// seconds, not at its half-minute round.
func TestServe_SaleDayOrdersAllocatedByTheWorker(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "new orders left to the allocation worker")
	p := mustStart(t, []string{"SOKO_DATABASE_URL=" + storagetest.MustPostgresSchemaURL(t)}, "--demo")
	started := time.Now()
	key := regexp.MustCompile(`soko_[a-z2-7]{32}`).FindString(p.Output.String())
	call := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, p.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		if method == "POST" {
			// As the shop platforms send them.
			req.Header.Set("Idempotency-Key", fmt.Sprintf("sale-%x", sha256.Sum256([]byte(body))))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	// The item on offer: the demo merchant's product with the most units free.
	code, b := call("GET", "/api/v1/stock?limit=100", "")
	var stock struct {
		Data []struct {
			SKU       string `json:"sku"`
			Available int    `json:"available"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &stock); code != 200 || err != nil {
		t.Fatalf("stock: %d %s", code, b)
	}
	var sku string
	most := 0
	for _, s := range stock.Data {
		if s.Available > most {
			sku, most = s.SKU, s.Available
		}
	}
	const orders = 40
	if most < orders {
		t.Fatalf("no demo product has %d units free: %s", orders, b)
	}
	statuses := make([]string, orders)
	var wg sync.WaitGroup
	for i := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"order_no":"SALE-%02d","ship_to":{"name":"山田 太郎","postal_code":"100-0005","prefecture":"東京都","city":"千代田区","address1":"丸の内1-9-1"},"lines":[{"sku":%q,"quantity":1}]}`, i, sku)
			code, b := call("POST", "/api/v1/orders", body)
			var o struct{ Status string }
			if json.Unmarshal(b, &o); code != 201 {
				t.Errorf("order %d: %d %s", i, code, b)
			}
			statuses[i] = o.Status
		}()
	}
	wg.Wait()
	left := 0
	for _, s := range statuses {
		if s == "received" {
			left++
		} else if s != "allocated" {
			t.Fatalf("answered %v: each order allocated, or received for the worker", statuses)
		}
	}
	t.Logf("%d of %d orders left to the worker", left, orders)
	if left == 0 {
		t.Skip("no order was left to the worker this time: nothing to check")
	}
	for i, s := range statuses {
		for s == "received" {
			if time.Since(started) > 20*time.Second {
				t.Fatalf("SALE-%02d still received %s after soko started: the worker was not told", i, time.Since(started).Round(time.Second))
			}
			time.Sleep(100 * time.Millisecond)
			code, b := call("GET", fmt.Sprintf("/api/v1/orders/SALE-%02d", i), "")
			var o struct{ Status string }
			if json.Unmarshal(b, &o); code != 200 {
				t.Fatalf("SALE-%02d: %d %s", i, code, b)
			}
			s = o.Status
		}
		if s != "allocated" {
			t.Errorf("SALE-%02d is %s, want allocated", i, s)
		}
	}
	p.Stop(t)
}
