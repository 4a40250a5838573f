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
// Only transactions use the kept statements, and nearly every statement
// soko runs is in one. A statement outside a transaction is run as it is:
// a kept statement can be closed (the least recently used goes) just as a
// caller takes it, which a transaction survives (database/sql prepares it
// again on the transaction's connection) and a lone statement would not.
// So is a statement without arguments (a migration is a script of several
// statements, which a prepared statement cannot hold) and one of many
// (their text changes with a list's length, so they would only churn the
// cache).
type stmtCache struct {
	db *sql.DB

	mu    sync.Mutex
	max   int
	order *list.List // of *cachedStmt, most recently used first
	stmts map[string]*list.Element
	// pending are the statements being prepared for transactions.
	pending map[string]bool
	closed  bool
}

// keptArgs is the most arguments a kept statement has.
const keptArgs = 32

type cachedStmt struct {
	query string
	stmt  *sql.Stmt
}

func newStmtCache(db *sql.DB, max int) *stmtCache {
	return &stmtCache{db: db, max: max, order: list.New(), stmts: map[string]*list.Element{}, pending: map[string]bool{}}
}

// kept returns query's statement if it is kept.
func (c *stmtCache) kept(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.stmts[query]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cachedStmt).stmt
	}
	return nil
}

// prepared returns query's statement, preparing it the first time.
func (c *stmtCache) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmt := c.kept(query); stmt != nil {
		return stmt, nil
	}
	stmt, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.stmts[query]; ok { // prepared meanwhile by another request
		stmt.Close()
		return e.Value.(*cachedStmt).stmt, nil
	}
	if c.closed {
		stmt.Close()
		return nil, sql.ErrConnDone
	}
	c.stmts[query] = c.order.PushFront(&cachedStmt{query, stmt})
	for c.order.Len() > c.max {
		// database/sql closes it once the transactions using it let go.
		oldest := c.order.Remove(c.order.Back()).(*cachedStmt)
		delete(c.stmts, oldest.query)
		oldest.stmt.Close()
	}
	return stmt, nil
}

// prepareLater prepares query for the transactions after this one. A
// transaction cannot wait for it: preparing takes a connection of the
// pool, and with SOKO_DB_POOL=1 the transaction holds the only one.
func (c *stmtCache) prepareLater(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[query] || c.closed {
		return
	}
	c.pending[query] = true
	go func() {
		c.prepared(context.Background(), query) // a failure is the statement's own, met when it runs
		c.mu.Lock()
		delete(c.pending, query)
		c.mu.Unlock()
	}()
}

func (c *stmtCache) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return c.db.PrepareContext(ctx, query)
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
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

// close closes every kept statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.stmts {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.stmts, c.order, c.closed = map[string]*list.Element{}, list.New(), true
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

// stmt returns the kept statement for query on this transaction, or nil:
// the query is then run as it is, and kept for the next transactions.
func (t *stmtCacheTx) stmt(ctx context.Context, query string, args []any) *sql.Stmt {
	if len(args) == 0 || len(args) > keptArgs {
		return nil
	}
	stmt := t.cache.kept(query)
	if stmt == nil {
		t.cache.prepareLater(query)
		return nil
	}
	return t.Tx.StmtContext(ctx, stmt)
}

// GetDBConn lets gorm's DB() reach the pool from inside a transaction.
func (t *stmtCacheTx) GetDBConn() (*sql.DB, error) { return t.cache.db, nil }
