// Package storagetest opens real, migrated soko databases for tests: a
// SQLite file per test, and a PostgreSQL schema per test when
// SOKO_TEST_POSTGRES holds a URL.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/soko-wms/soko/internal/password"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
)

// PostgresRuns counts tests that ran on PostgreSQL, so a run can show that they did.
var PostgresRuns atomic.Int64

// Fixed is the time test databases' clocks stand at.
var Fixed = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// ForEachDialect runs fn on a fresh SQLite database and, when
// SOKO_TEST_POSTGRES is set, on a fresh PostgreSQL schema, as parallel
// subtests. Under -short only SQLite's runs: a PostgreSQL schema per test
// costs most of a short run's time, and make test runs both.
func ForEachDialect(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, MustOpenSQLite(t))
	})
	if os.Getenv("SOKO_TEST_POSTGRES") == "" || testing.Short() {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		PostgresRuns.Add(1)
		fn(t, MustOpenPostgres(t))
	})
}

// QuickHashesUnderShort lowers the work factors of PIN and portal password
// hashes when the tests run with -short, where each staff member seeded
// and each sign-in otherwise spends tens of milliseconds in PBKDF2 or
// bcrypt. A test binary's TestMain calls it after flag.Parse; a full run
// (make test) keeps production's costs.
func QuickHashesUnderShort() {
	if testing.Short() {
		soko.PINIterations = 1_000
		password.Cost = bcrypt.MinCost
	}
}

// MustOpenSQLite returns a migrated database in a new file under t's temp
// dir: a copy of one migrated once per test binary, which takes a
// millisecond where migrating anew took a tenth of a second or more (most
// of a short server test). Migrate then finds nothing to apply, and
// TestMigrations_* in internal/storage still migrate from empty.
func MustOpenSQLite(tb testing.TB) *storage.DB {
	tb.Helper()
	return mustOpenMigrated(tb, mustMigratedSQLiteFile(tb))
}

// mustMigratedSQLiteFile writes a migrated SQLite database into a new file
// under tb's temp dir and returns its path.
func mustMigratedSQLiteFile(tb testing.TB) string {
	tb.Helper()
	migrated, err := migratedSQLite()
	if err != nil {
		tb.Fatalf("migrate SQLite: %v", err)
	}
	path := filepath.Join(tb.TempDir(), "soko.db")
	if err := os.WriteFile(path, migrated, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// migratedSQLite is the content of a freshly migrated SQLite database
// file, made once: VACUUM INTO (storage's Backup) writes it as one file,
// with nothing left in a write-ahead log.
var migratedSQLite = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "soko-migrated-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(dir, "soko.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	copied := filepath.Join(dir, "migrated.db")
	if err := db.Backup(ctx, copied); err != nil {
		return nil, err
	}
	return os.ReadFile(copied)
})

// SkipWithoutPostgres skips a test that needs PostgreSQL when
// SOKO_TEST_POSTGRES is not set, or under -short, which runs SQLite only;
// why says what the test would have shown.
func SkipWithoutPostgres(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		tb.Skip("SOKO_TEST_POSTGRES not set: " + why)
	}
	if testing.Short() {
		tb.Skip("PostgreSQL only: -short leaves it to make test: " + why)
	}
}

// MustOpenPostgres returns a migrated database in a new schema of the
// SOKO_TEST_POSTGRES database, dropped when the test ends. It fails, never
// skips, when that database cannot be reached.
func MustOpenPostgres(tb testing.TB) *storage.DB {
	tb.Helper()
	return mustOpenMigrated(tb, MustPostgresSchemaURL(tb))
}

// MustPostgresSchemaURL creates an empty schema in the SOKO_TEST_POSTGRES
// database, dropped when the test ends, and returns a URL that uses it.
func MustPostgresSchemaURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("SOKO_TEST_POSTGRES")
	ctx := context.Background()
	admin, err := storage.Open(ctx, base)
	if err != nil {
		tb.Fatalf("SOKO_TEST_POSTGRES is set but unusable: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// MustOpenTwice returns two separate connection pools on one fresh
// database of the dialect ("sqlite" or "postgres"), as two soko processes
// would have.
func MustOpenTwice(tb testing.TB, dialect string) (*storage.DB, *storage.DB) {
	tb.Helper()
	var url string
	if dialect == storage.Postgres {
		url = MustPostgresSchemaURL(tb)
	} else {
		url = mustMigratedSQLiteFile(tb)
	}
	return mustOpenMigrated(tb, url), mustOpenMigrated(tb, url)
}

// ForEachDialectName runs fn once per dialect under test, by name, for
// tests that open their databases themselves; under -short, SQLite only.
func ForEachDialectName(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); fn(t, storage.SQLite) })
	if os.Getenv("SOKO_TEST_POSTGRES") == "" || testing.Short() {
		return
	}
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		PostgresRuns.Add(1)
		fn(t, storage.Postgres)
	})
}

func mustOpenMigrated(tb testing.TB, url string) *storage.DB {
	tb.Helper()
	ctx := context.Background()
	// SQLite's reading connections refuse writes: a write that does not
	// go through the commit group fails the test.
	db, err := storage.OpenWith(ctx, url, storage.Options{ReadOnlyReads: true})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	db.Now = func() time.Time { return Fixed }
	return db
}

// MustQueueCancellations stores a merchant with n orders and the webhook
// endpoint ep (for the merchant, which it sets), and cancels the orders,
// which queues n order.cancelled webhooks. It returns the merchant's id;
// ep then holds the endpoint's id and secret.
func MustQueueCancellations(tb testing.TB, db *storage.DB, n int, ep *soko.WebhookEndpoint) int64 {
	tb.Helper()
	ctx := context.Background()
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店", Sender: soko.Address{PostalCode: "1000005", Prefecture: "東京都"}}},
		Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10}}},
	}
	for i := range n {
		seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{
			Number: fmt.Sprintf("SO-%d", i+1), Carrier: "yamato",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1000, TaxRate: 10}},
		}})
	}
	if err := db.Load(ctx, seed); err != nil {
		tb.Fatal(err)
	}
	merchantID := seed.Merchants[0].ID
	ep.MerchantID = merchantID
	if _, err := db.PutWebhookEndpoint(ctx, ep, false); err != nil {
		tb.Fatal(err)
	}
	for _, o := range seed.Orders {
		if _, err := db.CancelOrder(ctx, merchantID, o.Number, "お客様都合"); err != nil {
			tb.Fatal(err)
		}
	}
	return merchantID
}
