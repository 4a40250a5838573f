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
	// call answers 0 and the error when the request got no answer.
	call := func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, p.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		if method == "POST" {
			// As the shop platforms send them.
			req.Header.Set("Idempotency-Key", fmt.Sprintf("sale-%x", sha256.Sum256([]byte(body))))
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, []byte(err.Error())
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
	statuses := make(map[string]string, orders)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range orders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			number := fmt.Sprintf("SALE-%02d", i)
			body := fmt.Sprintf(`{"order_no":%q,"ship_to":{"name":"山田 太郎","postal_code":"100-0005","prefecture":"東京都","city":"千代田区","address1":"丸の内1-9-1"},"lines":[{"sku":%q,"quantity":1}]}`, number, sku)
			code, b := call("POST", "/api/v1/orders", body)
			var o struct{ Status string }
			if json.Unmarshal(b, &o); code != 201 {
				t.Errorf("%s: %d %s", number, code, b)
			}
			mu.Lock()
			statuses[number] = o.Status
			mu.Unlock()
		}()
	}
	wg.Wait()
	// Told by intake, the worker is done within moments; untold, its
	// first round is half a minute after soko started.
	deadline := time.Now().Add(10 * time.Second)
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
		t.Fatalf("none of %d orders of one item sent at once was left to the worker: each waited for the one before", orders)
	}
	for number, s := range statuses {
		for s == "received" {
			if time.Now().After(deadline) {
				t.Fatalf("%s still received %s after soko started: the worker was not told", number, time.Since(started).Round(time.Second))
			}
			time.Sleep(100 * time.Millisecond)
			code, b := call("GET", "/api/v1/orders/"+number, "")
			var o struct{ Status string }
			if json.Unmarshal(b, &o); code != 200 {
				t.Fatalf("%s: %d %s", number, code, b)
			}
			s = o.Status
		}
		if s != "allocated" {
			t.Errorf("%s is %s, want allocated", number, s)
		}
	}
	p.Stop(t)
}
