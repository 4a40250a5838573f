package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// answerLost is a store whose next answer kept for retries fails to be
// written, as when the server dies, or loses its database, between a
// request's effect and its kept answer.
type answerLost struct {
	*storage.DB
	fail atomic.Bool
}

var errConnectionLost = errors.New("connection lost")

func (s *answerLost) SaveScanAnswer(ctx context.Context, scanID string, status int, response []byte, message string) error {
	if s.fail.CompareAndSwap(true, false) {
		return errConnectionLost
	}
	return s.DB.SaveScanAnswer(ctx, scanID, status, response, message)
}

func (s *answerLost) FinishIdempotentRequest(ctx context.Context, r *soko.IdempotentRequest) error {
	if s.fail.CompareAndSwap(true, false) {
		return errConnectionLost
	}
	return s.DB.FinishIdempotentRequest(ctx, r)
}

// A scan whose answer could not be kept was not applied either: the answer
// commits with the effect. Its retry applies it once and answers; the
// retry after that gets the same answer. Before, the effect committed
// alone and every retry got 409 "applied, but its answer was lost".
func TestScanOnce_AnswerLostMeansNotApplied(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		mustOpsServer(t, db)
		store := &answerLost{DB: db}
		h := New(Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }})
		hh := signIn(t, h, "P001", "1111")
		sakura, _ := db.FindMerchantByCode(context.Background(), "SAKURA")
		onHand := func() int {
			st, _ := db.StockOf(context.Background(), sakura.ID, "TOWEL")
			return st.OnHand
		}
		body := map[string]any{"scan_id": "lost-0000001", "merchant_code": "SAKURA", "code": "4901234567894"}
		store.fail.Store(true)
		if r := hh.op("POST", "/ops/receive", body, hh.csrf); r.Status < 500 {
			t.Fatalf("scan whose answer was lost: %d %s", r.Status, r.Raw)
		}
		if n := onHand(); n != 0 {
			t.Fatalf("%d towels on hand after a scan whose answer was lost, want 0: not applied", n)
		}
		first := hh.op("POST", "/ops/receive", body, hh.csrf)
		again := hh.op("POST", "/ops/receive", body, hh.csrf)
		if first.Status != 200 || !bytes.Equal(first.Raw, again.Raw) || again.Header.Get("Scan-Replayed") != "true" {
			t.Fatalf("retry and its replay:\n%d %s\n%d %s", first.Status, first.Raw, again.Status, again.Raw)
		}
		if n := onHand(); n != 1 {
			t.Fatalf("%d towels on hand, want 1: the scan applied once", n)
		}
	})
}

// An order whose answer could not be kept was not created either: claim,
// order and answer commit together. Its retry creates it and answers 201;
// the retry after that gets the same 201. Before, the order committed
// alone and retries got 409 "still running", then "already exists".
func TestIdempotency_AnswerLostMeansNotCreated(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		client{t, mustAPIServer(t, db, Config{}), keySakura}.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		store := &answerLost{DB: db}
		shop := client{t, New(Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed },
			RatePerSecond: 10000, RateBurst: 10000}), keySakura}
		store.fail.Store(true)
		if r := shop.do("POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1)), "Idempotency-Key", "lost-1"); r.Status < 500 {
			t.Fatalf("order whose answer was lost: %d %s", r.Status, r.Raw)
		}
		shop.must(404, "GET", "/api/v1/orders/SO-1", nil)
		first := shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1)), "Idempotency-Key", "lost-1")
		again := shop.must(201, "POST", "/api/v1/orders", order("SO-1", line("MUG-1", 1)), "Idempotency-Key", "lost-1")
		if !bytes.Equal(first.Raw, again.Raw) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry and its replay:\n%s\n%s", first.Raw, again.Raw)
		}
	})
}
