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
	db, err := OpenWith(ctx, filepath.Join(t.TempDir(), "soko.db"), Options{ReadOnlyReads: true})
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
	mustBeKept(t, db.writeStmts, query)
}

// isKept reports whether the cache c keeps query's statement.
func isKept(c *stmtCache, query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.stmts[query]
	return ok
}

// mustBeKept waits for query's statement, prepared in the background.
func mustBeKept(t *testing.T, c *stmtCache, query string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !isKept(c, query) {
		if time.Now().After(deadline) {
			t.Fatalf("%s was never kept", query)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Past its size the cache lets the least recently used statement go, and
// every statement answers correctly, kept or not, in a transaction (on the
// pool for writes, with a cache of its own) or not; one let go while a
// caller holds it still runs for that caller.
func TestStmtCache_ForgetsTheLeastRecentlyUsed(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	db.stmts.max, db.writeStmts.max = 2, 2
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
	for i := range 10 {
		q, inTx := fmt.Sprintf(`SELECT ? + %d`, i), i%2 == 0
		for round := range 2 { // the first run keeps it for the second
			if n := sum(q, inTx); n != int64(i+1) {
				t.Fatalf("%s with 1 = %d, want %d", q, n, i+1)
			}
			if round == 0 && inTx {
				mustBeKept(t, db.writeStmts, q)
			} else if round == 0 {
				mustBeKept(t, db.stmts, q)
			}
		}
	}
	// Reads on their own ran the odd sums, transactions the even ones.
	for _, c := range []struct {
		name       string
		cache      *stmtCache
		kept, gone []int
	}{{"reads", db.stmts, []int{7, 9}, []int{1, 5}}, {"transactions", db.writeStmts, []int{6, 8}, []int{0, 4}}} {
		if c.cache.order.Len() != 2 {
			t.Fatalf("%s' cache kept %d statements, want 2", c.name, c.cache.order.Len())
		}
		for _, i := range c.kept {
			if !isKept(c.cache, fmt.Sprintf(`SELECT ? + %d`, i)) {
				t.Errorf("%s' cache let SELECT ? + %d go, one of its 2 most recently used", c.name, i)
			}
		}
		for _, i := range c.gone {
			if isKept(c.cache, fmt.Sprintf(`SELECT ? + %d`, i)) {
				t.Errorf("%s' cache kept SELECT ? + %d past its size", c.name, i)
			}
		}
	}

	held := db.stmts.take(`SELECT ? + 9`, []any{1})
	db.stmts.max = 1
	sum(`SELECT ? + 10`, false)
	mustBeKept(t, db.stmts, `SELECT ? + 10`)
	if !held.evicted {
		t.Fatal("the held statement was not let go")
	}
	var n int64
	if err := held.stmt.QueryRowContext(ctx, 1).Scan(&n); err != nil || n != 10 {
		t.Fatalf("a statement let go while held answered %d, %v", n, err)
	}
	db.stmts.release(held)
	if err := held.stmt.QueryRowContext(ctx, 1).Scan(&n); err == nil {
		t.Fatal("a statement let go is still open after its last user gave it back")
	}
}

// SQLite's transactions run on a connection of their own: a read on its
// own is answered while one is open, even when reads have one connection.
func TestSQLite_ReadsAnsweredWhileATransactionIsOpen(t *testing.T) {
	db := openSQLiteForCache(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO merchants (code, name, created_at) VALUES ('M1', '店', ?)`, db.now()).Error; err != nil {
			return err
		}
		var n int64
		if err := db.conn(ctx).Raw(`SELECT COUNT(*) FROM merchants`).Scan(&n).Error; err != nil {
			return fmt.Errorf("a read beside the open transaction: %w", err)
		}
		if n != 0 {
			return fmt.Errorf("a read beside the open transaction saw %d merchants, want none before the commit", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
