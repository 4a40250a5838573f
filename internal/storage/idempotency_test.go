package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// The hourly purge forgets the Idempotency-Keys older than the window
// (their retries run afresh) and keeps the others, whose retries are
// still answered with their first answer.
func TestPurgeIdempotencyKeys(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := &soko.Merchant{Code: "SAKURA", Name: "さくら雑貨店"}
		if err := db.CreateMerchant(ctx, m); err != nil {
			t.Fatal(err)
		}
		now := storagetest.Fixed
		for key, at := range map[string]time.Time{"old": now.Add(-soko.IdempotencyWindow - time.Minute), "recent": now.Add(-time.Hour)} {
			db.Now = func() time.Time { return at }
			r := &soko.IdempotentRequest{MerchantID: m.ID, Key: key, RequestHash: "h-" + key}
			if _, claimed, err := db.ClaimIdempotencyKey(ctx, r, time.Minute); err != nil || !claimed {
				t.Fatalf("claim %s: %t %v", key, claimed, err)
			}
			r.Status, r.ContentType, r.Body = 201, "application/json", []byte(`{}`)
			if err := db.FinishIdempotentRequest(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		db.Now = func() time.Time { return now }
		if n, err := db.PurgeIdempotencyKeys(ctx); err != nil || n != 1 {
			t.Fatalf("purged %d keys (%v), want the 1 older than the window", n, err)
		}
		if _, err := db.FindIdempotentRequest(ctx, m.ID, "old"); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("the old key: %v, want it forgotten", err)
		}
		if r, err := db.FindIdempotentRequest(ctx, m.ID, "recent"); err != nil || r.Status != 201 {
			t.Errorf("the recent key: %+v %v, want its answer kept", r, err)
		}
		if n, err := db.PurgeIdempotencyKeys(ctx); err != nil || n != 0 {
			t.Errorf("second purge deleted %d (%v), want 0", n, err)
		}
	})
}
