package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// postgresTests counts tests that ran on PostgreSQL, so a run shows that they did.
var postgresTests atomic.Int64

func TestMain(m *testing.M) {
	code := m.Run()
	if os.Getenv("SOKO_TEST_POSTGRES") != "" {
		fmt.Printf("storage: %d tests ran on PostgreSQL\n", postgresTests.Load())
	} else {
		fmt.Println("storage: SOKO_TEST_POSTGRES not set; PostgreSQL tests skipped")
	}
	os.Exit(code)
}

// forEachDialect runs fn on a fresh, migrated SQLite database and, when
// SOKO_TEST_POSTGRES holds a URL, on a fresh PostgreSQL schema of its own.
func forEachDialect(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, MustOpenSQLite(t))
	})
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		postgresTests.Add(1)
		fn(t, MustOpenPostgres(t))
	})
}

// MustOpenSQLite returns a migrated database in a new file under t's temp dir.
func MustOpenSQLite(tb testing.TB) *DB {
	tb.Helper()
	return mustOpenMigrated(tb, filepath.Join(tb.TempDir(), "soko.db"))
}

// MustOpenPostgres returns a migrated database in a new schema of the
// SOKO_TEST_POSTGRES database, dropped when the test ends. It fails, never
// skips, when that database cannot be reached.
func MustOpenPostgres(tb testing.TB) *DB {
	tb.Helper()
	base := os.Getenv("SOKO_TEST_POSTGRES")
	admin, err := Open(context.Background(), base)
	if err != nil {
		tb.Fatalf("SOKO_TEST_POSTGRES is set but unusable: %v", err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if err := admin.conn(context.Background()).Exec("CREATE SCHEMA " + schema).Error; err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		cleanup, err := Open(context.Background(), base)
		if err != nil {
			tb.Errorf("drop schema: %v", err)
			return
		}
		defer cleanup.Close()
		cleanup.conn(context.Background()).Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return mustOpenMigrated(tb, u.String())
}

func mustOpenMigrated(tb testing.TB, url string) *DB {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, url)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	fixed := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return fixed }
	return db
}
