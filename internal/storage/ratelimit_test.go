package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// With a zero time a budget is spent at the database's clock when the
// statement runs (issue 17: a request that queued for a connection was
// charged as of when it began to wait, and refused).
func TestSpend_DatabaseClock(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		before := time.Now()
		for i, want := range []bool{true, true, false} {
			full, fits, err := db.Spend(ctx, "apikey:1", time.Time{}, time.Hour, 2)
			if err != nil {
				t.Fatal(err)
			}
			if fits != want {
				t.Fatalf("request %d: fits %v, want %v", i+1, fits, want)
			}
			// Full again an hour per spent request after the clock now.
			if lo, hi := before.Add(time.Duration(min(i+1, 2))*time.Hour-time.Second), time.Now().Add(time.Duration(min(i+1, 2))*time.Hour+time.Second); full.Before(lo) || full.After(hi) {
				t.Fatalf("request %d: full at %v, want between %v and %v", i+1, full, lo, hi)
			}
		}
	})
}

// Old rate windows of buckets that never come back are purged (issue: the
// table grew by every address and email ever refused); the windows a limit
// or the dashboard still reads are kept.
func TestPurgeRateWindows(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := storagetest.Fixed
		old := now.Add(-26 * time.Hour).Truncate(time.Minute)
		for _, b := range []string{"signin:ip:192.0.2.1", "wrong-signin:badge:B1"} {
			if _, err := db.Hit(ctx, b, old); err != nil {
				t.Fatal(err)
			}
		}
		recent := now.Truncate(soko.GuessWindow)
		for range soko.GuessAlert {
			if _, err := db.Hit(ctx, "wrong-signin:badge:B2", recent); err != nil {
				t.Fatal(err)
			}
		}
		dayAgo := now.Add(-23 * time.Hour)
		if _, err := db.Hit(ctx, "portal-signin:unknown:ab", dayAgo); err != nil {
			t.Fatal(err)
		}
		n, err := db.PurgeRateWindows(ctx)
		if err != nil || n != 2 {
			t.Fatalf("purged %d windows (%v), want the 2 older than a day", n, err)
		}
		for _, w := range []struct {
			bucket string
			start  time.Time
			hits   int
		}{
			{"signin:ip:192.0.2.1", old, 0},
			{"wrong-signin:badge:B1", old, 0},
			{"wrong-signin:badge:B2", recent, soko.GuessAlert},
			{"portal-signin:unknown:ab", dayAgo, 1},
		} {
			if got, err := db.Hits(ctx, w.bucket, w.start); err != nil || got != w.hits {
				t.Errorf("%s: %d hits (%v), want %d", w.bucket, got, err, w.hits)
			}
		}
		d, err := db.Dashboard(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if d.Exceptions.Guessed != 1 {
			t.Errorf("dashboard shows %d badges or addresses being guessed, want 1", d.Exceptions.Guessed)
		}
		if n, err := db.PurgeRateWindows(ctx); err != nil || n != 0 {
			t.Errorf("second purge deleted %d (%v), want 0", n, err)
		}
	})
}
