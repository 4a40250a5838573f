package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// orderWriters creates orders on db from four goroutines until stopped,
// like shops sending orders, and keeps every order whose creation was acknowledged.
type orderWriters struct {
	mu    sync.Mutex
	acked []storage.OrderKey
	stop  chan struct{}
	wg    sync.WaitGroup
}

func startOrderWriters(t *testing.T, db *storage.DB) *orderWriters {
	t.Helper()
	ctx := context.Background()
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店"}},
		Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10}}},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	w := &orderWriters{stop: make(chan struct{})}
	for g := range 4 {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-w.stop:
					return
				default:
				}
				o := &soko.Order{MerchantID: seed.Merchants[0].ID, Number: fmt.Sprintf("W%d-%05d", g, i), Carrier: "yamato",
					Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
					Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, TaxRate: 10}}}
				if err := db.CreateOrder(ctx, o); err != nil {
					t.Errorf("create order: %v", err)
					return
				}
				w.mu.Lock()
				w.acked = append(w.acked, storage.OrderKey{Merchant: "SAKURA", Number: o.Number})
				w.mu.Unlock()
			}
		}()
	}
	return w
}

// acknowledged returns the orders acknowledged so far, once at least n are.
func (w *orderWriters) acknowledged(t *testing.T, n int) []storage.OrderKey {
	t.Helper()
	for {
		w.mu.Lock()
		got := len(w.acked)
		out := append([]storage.OrderKey(nil), w.acked...)
		w.mu.Unlock()
		if got >= n || t.Failed() {
			return out
		}
	}
}

func (w *orderWriters) halt() { close(w.stop); w.wg.Wait() }

func mustWriteAcked(t *testing.T, keys []storage.OrderKey) string {
	t.Helper()
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s\t%s\n", k.Merchant, k.Number)
	}
	f := filepath.Join(t.TempDir(), "acked.tsv")
	if err := os.WriteFile(f, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBackup_UnderWriteLoadRestoresEveryAcknowledgedOrder: a backup taken
// while four writers create orders, restored into a fresh directory,
// passes soko check with every order acknowledged before the backup
// started; a backup never overwrites a file.
func TestBackup_UnderWriteLoadRestoresEveryAcknowledgedOrder(t *testing.T) {
	ctx := context.Background()
	live := filepath.Join(t.TempDir(), "soko.db")
	db, err := storage.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := startOrderWriters(t, db)
	before := w.acknowledged(t, 200)
	file := filepath.Join(t.TempDir(), "backup.db")
	out, err := runSoko(t, live, "backup", file)
	after := w.acknowledged(t, len(before)+50) // the writers kept writing
	w.halt()
	if err != nil || !strings.Contains(out, "backup written") {
		t.Fatalf("backup under load: %q %v", out, err)
	}
	t.Logf("%s(%d orders acknowledged before it started, %d by the end)", out, len(before), len(after))
	if _, err := runSoko(t, live, "backup", file); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("a second backup to the same file: %v, want refused", err)
	}

	fresh := filepath.Join(t.TempDir(), "restored", "soko.db")
	if err := os.MkdirAll(filepath.Dir(fresh), 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := runSoko(t, fresh, "restore", file); err != nil || !strings.Contains(out, "every check passed") {
		t.Fatalf("restore into a fresh directory: %q %v", out, err)
	}
	if out, err := runSoko(t, fresh, "check", "--orders", mustWriteAcked(t, before)); err != nil || !allChecksPassed(out) {
		t.Fatalf("soko check on the restored copy: %v\n%s", err, out)
	}
}

// TestRestore_RefusesWhatItCannotTrust: a database soko still has open, a
// file that is no database, one written by a newer soko, and a second
// restore while the first one's kept database is still there are all
// refused without touching the database; a good restore keeps the old file.
func TestRestore_RefusesWhatItCannotTrust(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "soko.db")
	if _, err := runSoko(t, live, "merchant", "add", "--code", "OLD", "--name", "元の荷主"); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.db")
	if _, err := runSoko(t, other, "merchant", "add", "--code", "NEW", "--name", "復元する荷主"); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good.db")
	if _, err := runSoko(t, other, "backup", good); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(garbage, []byte("not a database at all, just text that is long enough to look like a header\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(t.TempDir(), "newer.db")
	if _, err := runSoko(t, other, "backup", newer); err != nil {
		t.Fatal(err)
	}
	ndb, err := storage.Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if err := ndb.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ('9999_future.sql', '2026-11-23T09:00:00.000000Z')`); err != nil {
		t.Fatal(err)
	}
	ndb.Close()

	running, err := storage.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	if err := running.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = runSoko(t, live, "restore", good)
	running.Close()
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restore over a database still open: %v, want refused as in use", err)
	}
	for file, want := range map[string]string{garbage: "not a", newer: "newer soko"} {
		if _, err := runSoko(t, live, "restore", file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("restore %s: %v, want %q", filepath.Base(file), err, want)
		}
	}
	if out, _ := runSoko(t, live, "merchant", "list"); !strings.Contains(out, "OLD") {
		t.Fatalf("a refused restore changed the database:\n%s", out)
	}
	if out, err := runSoko(t, live, "restore", good); err != nil || !strings.Contains(out, "before-restore") {
		t.Fatalf("restore: %q %v", out, err)
	}
	if out, _ := runSoko(t, live, "merchant", "list"); !strings.Contains(out, "NEW") || strings.Contains(out, "OLD") {
		t.Errorf("after the restore the database holds:\n%s", out)
	}
	if out, _ := runSoko(t, live+".before-restore", "merchant", "list"); !strings.Contains(out, "OLD") {
		t.Errorf("the kept database holds:\n%s", out)
	}
	if _, err := runSoko(t, live, "restore", good); err == nil || !strings.Contains(err.Error(), "before-restore") {
		t.Errorf("a second restore with the kept database still there: %v, want refused", err)
	}
}

// TestBackup_PostgresPointsToPgDump: soko backup on PostgreSQL explains
// the tools to use instead of writing a file.
func TestBackup_PostgresPointsToPgDump(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "soko backup on PostgreSQL")
	file := filepath.Join(t.TempDir(), "backup.db")
	if _, err := runSoko(t, storagetest.MustPostgresSchemaURL(t), "backup", file); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup on PostgreSQL: %v, want pointed to pg_dump", err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("a file was written")
	}
}

// TestRetention_SetFromTheCommandLine: an operator sets a merchant's
// retention, sees it in the list, is refused a negative one, and erases
// what is past it at once, again and again without harm.
func TestRetention_SetFromTheCommandLine(t *testing.T) {
	dbURL := filepath.Join(t.TempDir(), "soko.db")
	if _, err := runSoko(t, dbURL, "merchant", "add", "--code", "SAKURA", "--name", "さくら雑貨店"); err != nil {
		t.Fatal(err)
	}
	if out, _ := runSoko(t, dbURL, "merchant", "list"); !strings.Contains(out, "kept (no retention set)") {
		t.Fatalf("a new merchant's retention:\n%s", out)
	}
	if out, err := runSoko(t, dbURL, "merchant", "set-retention", "--code", "SAKURA", "--days", "365"); err != nil || !strings.Contains(out, "erased 365 days after") {
		t.Fatalf("set-retention: %q %v", out, err)
	}
	for _, args := range [][]string{{"--code", "SAKURA", "--days", "99999"}, {"--code", "SAKURA"}, {"--code", "NOPE", "--days", "30"}} {
		if _, err := runSoko(t, dbURL, append([]string{"merchant", "set-retention"}, args...)...); err == nil {
			t.Errorf("set-retention %v was accepted", args)
		}
	}
	if out, _ := runSoko(t, dbURL, "merchant", "list"); !strings.Contains(out, "erased 365 days after") {
		t.Fatalf("the list after set-retention:\n%s", out)
	}
	for range 2 {
		if out, err := runSoko(t, dbURL, "erase-expired"); err != nil || !strings.Contains(out, "erased from 0 orders") {
			t.Fatalf("erase-expired: %q %v", out, err)
		}
	}
}
