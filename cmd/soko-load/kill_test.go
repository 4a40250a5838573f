package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/cmd/internal/sokoproc"
)

// Order intake killed with SIGKILL under load (issue 17): 20 clients send
// orders with Idempotency-Keys, the server is killed while they run and
// started again, and every order is sent again with its key. Each retry
// is answered 201, and an order whose first answer arrived gets that very
// answer again: the claim, the order and the kept answer commit together,
// so no retry finds an order without its answer ("still running", then
// "order already exists").
func TestKill_OrderRetriesGetTheirFirstAnswer(t *testing.T) {
	sokoproc.SkipShort(t)
	dir := t.TempDir()
	dbURL, worldFile := filepath.Join(dir, "soko.db"), filepath.Join(dir, "world.json")
	if out, err := runLoadCommand(t, dbURL, "--setup", "--world", worldFile, "--orders", "400", "--handhelds", "1", "--stations", "1"); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	data, err := os.ReadFile(worldFile)
	if err != nil {
		t.Fatal(err)
	}
	var world loadWorld
	if err := json.Unmarshal(data, &world); err != nil {
		t.Fatal(err)
	}
	env := []string{"SOKO_DATABASE_URL=" + dbURL}
	srv := mustStart(t, env)
	const orders = 400
	l := newLoader(loadOptions{targets: []string{srv.URL}, orders: orders, seed: 17}, &world, nil, io.Discard)
	type answer struct {
		status int
		body   string
	}
	send := func(base string, o loadOrder) (answer, error) {
		body, _ := json.Marshal(o.body)
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/orders", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+o.merchant.Key)
		req.Header.Set("Idempotency-Key", "kill-"+o.number)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return answer{}, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return answer{res.StatusCode, string(b)}, err
	}

	first := make([]*answer, orders)
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	answered := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				a, err := send(srv.URL, l.makeOrder(i))
				mu.Lock()
				if err == nil {
					first[i] = &a
					answered++
				}
				mu.Unlock()
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range orders {
			next <- i
		}
	}()
	// Kill once some orders are in and others are on their way.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		n := answered
		mu.Unlock()
		if n >= 60 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d orders answered within a minute", n)
		}
	}
	srv.Kill()
	wg.Wait()

	restarted := mustStart(t, env, "--addr", strings.TrimPrefix(srv.URL, "http://"))
	lost, replayed := 0, 0
	for i := range orders {
		o := l.makeOrder(i)
		a, err := send(restarted.URL, o)
		if err != nil {
			t.Fatalf("order %s: %v", o.number, err)
		}
		if a.status != http.StatusCreated {
			t.Errorf("order %s retried: %d %s (first answer %+v)", o.number, a.status, a.body, first[i])
			continue
		}
		if first[i] == nil || first[i].status == http.StatusTooManyRequests || first[i].status >= 500 {
			lost++
			continue
		}
		replayed++
		if first[i].status != http.StatusCreated || first[i].body != a.body {
			t.Errorf("order %s: first answer %d %s, retry %d %s", o.number, first[i].status, first[i].body, a.status, a.body)
		}
	}
	if lost == 0 {
		t.Errorf("no request died with the server: the kill came too late to test anything")
	}
	t.Logf("%d orders answered before the kill and replayed, %d answers lost with the server and answered on retry", replayed, lost)
}
