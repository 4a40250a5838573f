package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A picker scanning a task of an order the merchant asked to cancel is
// told to stop and hand over what was picked; no unit leaves the shelf
// (issue 17, "Correctness found on the way").
func TestPick_CancelRequestedOrderRefused(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustShippingSite(t, db)
		s.createOrder("SO-1")
		sup, picker := s.signIn("V001", "5555"), s.signIn("P001", "1111")
		if w := sup.op("POST", "/ops/waves", map[string]any{"mode": "batch", "carrier": "yamato"}, sup.csrf); w.Status != 201 {
			t.Fatalf("release wave: %d %s", w.Status, w.Raw)
		}
		next := picker.op("GET", "/ops/picks/next", nil, "")
		if next.Status != 200 {
			t.Fatalf("next task: %d %s", next.Status, next.Raw)
		}
		task := decode[api.PickTask](t, next)
		path := fmt.Sprintf("/ops/picks/%d/scan", task.Id)
		if r := picker.op("POST", path, map[string]any{"scan_id": s.scanID("pick"), "code": task.Location}, picker.csrf); r.Status != 200 {
			t.Fatalf("scan location: %d %s", r.Status, r.Raw)
		}
		if c := s.shop.must(200, "POST", "/api/v1/orders/SO-1/cancel", nil); decode[api.Order](t, c).Status != "cancel_requested" {
			t.Fatalf("cancel while picking: %s", c.Raw)
		}
		r := picker.op("POST", path, map[string]any{"scan_id": s.scanID("pick"), "code": shopProducts[task.Sku].jan}, picker.csrf)
		if r.Status != 409 || !strings.Contains(decode[api.Problem](t, r).Detail, "キャンセル") {
			t.Fatalf("pick of a cancel-requested order: %d %s", r.Status, r.Raw)
		}
		o := s.shop.must(200, "GET", "/api/v1/orders/SO-1", nil)
		for _, l := range decode[api.Order](t, o).Lines {
			if l.Picked != 0 {
				t.Errorf("a line of the cancel-requested order was picked: %+v", l)
			}
		}
	})
}

// An order's cancellation sent with an Idempotency-Key commits with its
// claim and its answer, one commit (issue 17), and its retry is answered
// with the first answer.
func TestIdempotency_CancelOneCommit(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustShippingSite(t, db)
		s.createOrder("SO-1")
		before := db.RoundTrips()
		first := s.shop.must(200, "POST", "/api/v1/orders/SO-1/cancel", nil, "Idempotency-Key", "cancel-SO-1")
		if d := db.RoundTrips().Sub(before); d.Commits != 1 || decode[api.Order](t, first).Status != "cancelled" {
			t.Fatalf("cancel: %d commits, %s", d.Commits, first.Raw)
		}
		again := s.shop.must(200, "POST", "/api/v1/orders/SO-1/cancel", nil, "Idempotency-Key", "cancel-SO-1")
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Raw) != string(first.Raw) {
			t.Fatalf("retried cancel: %s %s", again.Header, again.Raw)
		}
	})
}
