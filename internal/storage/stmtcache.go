package storage

import (
	"container/list"
	"context"
	"database/sql"
	"sync"

	"gorm.io/gorm"
)

// stmtCache keeps SQLite's prepared statements. SQLite parses and plans a
// statement each time it is prepared, which was a quarter of a new order's
// CPU; pgx already keeps PostgreSQL's (QueryExecModeCacheStatement).
//
// gorm's own PrepareStmt cannot be used: a statement it first meets inside
// a transaction is prepared on that transaction, and database/sql prepares
// such a statement again in every later transaction (Tx.StmtContext), and
// soko runs nearly every statement in one. Here statements are prepared on
// the database, so each connection prepares one once and every transaction
// on that connection reuses it.
//
// A statement met for the first time runs as it is, and is prepared in the
// background for the next time: a transaction must not wait for a second
// connection to prepare it (on the pool for writes it holds the only one). A
// statement without arguments always runs as it is (a migration is a
// script of several statements, which a prepared statement cannot hold),
// and so does one of many arguments (its text changes with a list's
// length, so it would only churn the cache).
type stmtCache struct {
	db *sql.DB

	mu    sync.Mutex
	max   int
	order *list.List // of *cachedStmt, most recently used first
	stmts map[string]*list.Element
	// pending are the statements being prepared in the background.
	pending map[string]bool
	closed  bool
}

// keptArgs is the most arguments a kept statement has.
const keptArgs = 128

// cachedStmt is a kept statement. One the cache let go is closed when the
// last caller that took it gives it back: closing it while a caller is
// about to run it would fail that call.
type cachedStmt struct {
	query   string
	stmt    *sql.Stmt
	users   int
	evicted bool
}

func newStmtCache(db *sql.DB, max int) *stmtCache {
	return &stmtCache{db: db, max: max, order: list.New(), stmts: map[string]*list.Element{}, pending: map[string]bool{}}
}

// take returns query's kept statement, which the caller gives back with
// release once its call returned, or nil: query then runs as it is, and is
// prepared for the next time.
func (c *stmtCache) take(query string, args []any) *cachedStmt {
	if len(args) == 0 || len(args) > keptArgs {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.stmts[query]
	if !ok {
		c.prepareLaterLocked(query)
		return nil
	}
	c.order.MoveToFront(e)
	s := e.Value.(*cachedStmt)
	s.users++
	return s
}

// release gives back a statement take returned. database/sql keeps it open
// for the rows and transaction statements made from it.
func (c *stmtCache) release(s *cachedStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s.users--
	if s.evicted && s.users == 0 {
		s.stmt.Close()
	}
}

// prepareLaterLocked prepares query in the background, once.
func (c *stmtCache) prepareLaterLocked(query string) {
	if c.pending[query] || c.closed {
		return
	}
	c.pending[query] = true
	go func() {
		stmt, err := c.db.PrepareContext(context.Background(), query)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.pending, query)
		if err != nil { // the statement's own fault, met when it runs
			return
		}
		if c.closed {
			stmt.Close()
			return
		}
		c.keepLocked(&cachedStmt{query: query, stmt: stmt})
	}()
}

// keepLocked keeps s, letting the least recently used statement go past
// the cache's size.
func (c *stmtCache) keepLocked(s *cachedStmt) {
	c.stmts[s.query] = c.order.PushFront(s)
	for c.order.Len() > c.max {
		c.evictLocked(c.order.Remove(c.order.Back()).(*cachedStmt))
	}
}

func (c *stmtCache) evictLocked(s *cachedStmt) {
	delete(c.stmts, s.query)
	s.evicted = true
	if s.users == 0 {
		s.stmt.Close()
	}
}

// close lets every kept statement go, and keeps none after.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.stmts {
		c.evictLocked(e.Value.(*cachedStmt))
	}
	c.order, c.closed = list.New(), true
}

func (c *stmtCache) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return c.db.PrepareContext(ctx, query)
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := c.take(query, args); s != nil {
		defer c.release(s)
		return s.stmt.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := c.take(query, args); s != nil {
		defer c.release(s)
		return s.stmt.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := c.take(query, args); s != nil {
		defer c.release(s)
		return s.stmt.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// GetDBConn lets gorm's DB() reach the pool.
func (c *stmtCache) GetDBConn() (*sql.DB, error) { return c.db, nil }

func (c *stmtCache) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := c.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &stmtCacheTx{Tx: tx, cache: c}, nil
}

// stmtCacheTx runs a transaction's statements on the kept statements.
type stmtCacheTx struct {
	*sql.Tx
	cache *stmtCache
}

func (t *stmtCacheTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if stmt := t.stmt(ctx, query, args); stmt != nil {
		return stmt.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *stmtCacheTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if stmt := t.stmt(ctx, query, args); stmt != nil {
		return stmt.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *stmtCacheTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if stmt := t.stmt(ctx, query, args); stmt != nil {
		return stmt.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// stmt returns the kept statement for query on this transaction's
// connection, or nil: the query then runs as it is.
func (t *stmtCacheTx) stmt(ctx context.Context, query string, args []any) *sql.Stmt {
	s := t.cache.take(query, args)
	if s == nil {
		return nil
	}
	defer t.cache.release(s)
	return t.Tx.StmtContext(ctx, s.stmt)
}

// GetDBConn lets gorm's DB() reach the pool from inside a transaction.
func (t *stmtCacheTx) GetDBConn() (*sql.DB, error) { return t.cache.db, nil }
