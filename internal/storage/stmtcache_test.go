package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"
)

func openSQLiteForCache(t *testing.T, pool int) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "soko.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.SetPoolSize(pool)
	return db
}

// A statement met in a transaction is kept for the transactions after it,
// and a transaction never waits for a connection to prepare one: with a
// pool of one connection it holds the only one.
func TestStmtCache_TransactionsReuseStatementsOnOneConnection(t *testing.T) {
	db := openSQLiteForCache(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const query = `SELECT COUNT(*) FROM merchants WHERE id > ?`
	for i := range 5 {
		err := db.transact(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO merchants (code, name, created_at) VALUES (?, ?, ?)`, fmt.Sprintf("M%d", i), "店", db.now()).Error; err != nil {
				return err
			}
			var n int64
			if err := tx.Raw(query, 0).Scan(&n).Error; err != nil {
				return err
			}
			if n != int64(i+1) {
				return fmt.Errorf("transaction %d counted %d merchants, want %d", i, n, i+1)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for db.stmts.kept(query) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the transactions' statement was never kept")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Past its size the cache lets the least recently used statement go, and
// every statement still answers correctly, kept or not.
func TestStmtCache_ForgetsTheLeastRecentlyUsed(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	db.stmts.max = 2
	ctx := context.Background()
	for i := range 6 {
		q := fmt.Sprintf(`SELECT ? + %d`, i)
		if _, err := db.stmts.prepared(ctx, q); err != nil {
			t.Fatal(err)
		}
		for _, query := range []string{q, `SELECT ? + 0`} {
			var n, want int64
			fmt.Sscanf(query, "SELECT ? + %d", &want)
			err := db.transact(ctx, func(tx *gorm.DB) error { return tx.Raw(query, 1).Scan(&n).Error })
			if err != nil {
				t.Fatal(err)
			}
			if n != want+1 {
				t.Fatalf("%s with 1 = %d, want %d", query, n, want+1)
			}
		}
	}
	if db.stmts.order.Len() != 2 || db.stmts.kept(`SELECT ? + 5`) == nil || db.stmts.kept(`SELECT ? + 1`) != nil {
		t.Fatalf("kept %d statements; want the 2 most recently used", db.stmts.order.Len())
	}
}
