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
	mustBeKept(t, db, query)
}

// isKept reports whether the cache keeps query's statement.
func isKept(db *DB, query string) bool {
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	_, ok := db.stmts.stmts[query]
	return ok
}

// mustBeKept waits for query's statement, prepared in the background.
func mustBeKept(t *testing.T, db *DB, query string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !isKept(db, query) {
		if time.Now().After(deadline) {
			t.Fatalf("%s was never kept", query)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Past its size the cache lets the least recently used statement go, and
// every statement answers correctly, kept or not, in a transaction or not;
// one let go while a caller holds it still runs for that caller.
func TestStmtCache_ForgetsTheLeastRecentlyUsed(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	db.stmts.max = 2
	ctx := context.Background()
	sum := func(query string, inTx bool) int64 {
		t.Helper()
		var n int64
		read := func(tx *gorm.DB) error { return tx.Raw(query, 1).Scan(&n).Error }
		var err error
		if inTx {
			err = db.transact(ctx, read)
		} else {
			err = read(db.conn(ctx))
		}
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := range 6 {
		q := fmt.Sprintf(`SELECT ? + %d`, i)
		for round := range 2 { // the first run keeps it for the second
			if n := sum(q, i%2 == 0); n != int64(i+1) {
				t.Fatalf("%s with 1 = %d, want %d", q, n, i+1)
			}
			if round == 0 {
				mustBeKept(t, db, q)
			}
		}
	}
	if db.stmts.order.Len() != 2 || !isKept(db, `SELECT ? + 5`) || isKept(db, `SELECT ? + 1`) {
		t.Fatalf("kept %d statements; want the 2 most recently used", db.stmts.order.Len())
	}

	held := db.stmts.take(`SELECT ? + 5`, []any{1})
	db.stmts.max = 1
	sum(`SELECT ? + 6`, false)
	mustBeKept(t, db, `SELECT ? + 6`)
	if !held.evicted {
		t.Fatal("the held statement was not let go")
	}
	var n int64
	if err := held.stmt.QueryRowContext(ctx, 1).Scan(&n); err != nil || n != 6 {
		t.Fatalf("a statement let go while held answered %d, %v", n, err)
	}
	db.stmts.release(held)
	if err := held.stmt.QueryRowContext(ctx, 1).Scan(&n); err == nil {
		t.Fatal("a statement let go is still open after its last user gave it back")
	}
}
