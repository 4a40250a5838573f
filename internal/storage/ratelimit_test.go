package storage_test

import (
	"context"
	"testing"
	"time"

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
