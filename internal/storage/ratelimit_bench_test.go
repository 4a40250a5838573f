package storage_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// benchmarkSpend spends from one key's budget from many goroutines, as a
// busy integration does: the round trip each API request adds.
func benchmarkSpend(b *testing.B, db *storage.DB) {
	ctx := context.Background()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := db.Spend(ctx, "apikey:1", time.Now(), time.Microsecond, 1_000_000); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkSpend_SQLite(b *testing.B) { benchmarkSpend(b, storagetest.MustOpenSQLite(b)) }

func BenchmarkSpend_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	benchmarkSpend(b, storagetest.MustOpenPostgres(b))
}
