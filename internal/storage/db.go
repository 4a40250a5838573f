// Package storage keeps soko's data in PostgreSQL or an embedded SQLite file,
// through gorm, and applies the numbered SQL migrations.
package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3/gormlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/soko-wms/soko/internal/soko"
)

// Dialects soko runs on.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DB is soko's store. It is safe for concurrent use by many requests.
type DB struct {
	gorm *gorm.DB
	// writes runs transactions. On SQLite it is a pool of its own with
	// one connection: SQLite has one writer at a time anyway, and a
	// connection drops its whole page cache whenever another connection
	// wrote, so with writers spread over the pool each transaction read
	// its pages from the file again. On PostgreSQL it is gorm.
	writes  *gorm.DB
	dialect string
	// Now is the clock; tests fix it.
	Now func() time.Time
	// PublicURL is how customers reach soko (SOKO_BASE_URL): shipment
	// emails link the order's tracking page under it. Empty, they do not.
	PublicURL string
	// trips counts what soko asks the database, for tests that bound the
	// round trips of a request (see RoundTrips).
	trips *tripCounter
	// group queues this process's SQLite write transactions: SQLite has
	// one writer at a time, and writers waiting here rather than in
	// SQLite's busy handler (which sleeps and retries) start the moment
	// the writer before them commits, in one transaction (groupcommit.go).
	// Nil on PostgreSQL, whose row locks let writers run side by side.
	group *commitGroup
	// stmts and writeStmts keep SQLite's prepared statements, for gorm
	// and writes; nil on PostgreSQL.
	stmts, writeStmts *stmtCache
	// url is what Open was given: the auth cache's listener connects to it.
	url string
	// auth keeps sessions and API keys for a few seconds, and on
	// PostgreSQL the ship calendar and webhook endpoints (authcache.go).
	auth *authCache
	// OnAllocationDeferred, when set, is called after a transaction
	// commits that left a new order received because another transaction
	// was reserving its stock (busyStock): the allocation worker is to run.
	OnAllocationDeferred func()
	// OnLateError, when set, hears of a check run just after a commit
	// that failed (finishWavesOf, finishPickedMeanwhile): what it left
	// undone waits for the hourly round.
	OnLateError func(what string, err error)
	// busy counts the transactions reserving each product's stock.
	busy busyStock
}

// publicURLKey carries DB.PublicURL in a transaction's context, to the
// shipment email rendered deep inside whichever step ships an order.
type publicURLKey struct{}

// Open connects to url: a postgres:// URL, or else the path of a SQLite file,
// which is created if missing. It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	return OpenWith(ctx, url, Options{})
}

// Options are what OpenWith is told besides the URL.
type Options struct {
	// ReadOnlyReads opens SQLite's pool for reads (every connection but
	// DB.writes') answering only reads, so that a write sent there
	// instead of through the commit group (DB.write, DB.writeOne) fails.
	// The tests open theirs so; a write missed there would otherwise only
	// wait longer for SQLite's lock.
	ReadOnlyReads bool
}

// OpenWith is Open with opts.
func OpenWith(ctx context.Context, url string, opts Options) (*DB, error) {
	dialect, dialector, err := dialectorFor(url, opts.ReadOnlyReads)
	if err != nil {
		return nil, err
	}
	trips := &tripCounter{}
	g, err := openGorm(dialector, trips)
	if err != nil {
		return nil, err
	}
	db := &DB{gorm: g, writes: g, dialect: dialect, Now: time.Now, trips: trips, url: url}
	db.auth = newAuthCache(dialect, db.now)
	if dialect == SQLite {
		db.group = &commitGroup{turn: make(chan struct{}, 1), within: groupTime}
		db.busy.serial = true
		db.stmts = keepStatements(g)
		_, dialector, _ := dialectorFor(url, false)
		if db.writes, err = openGorm(dialector, trips); err != nil {
			db.Close()
			return nil, err
		}
		db.writeStmts = keepStatements(db.writes)
		if sqlDB, err := db.writes.DB(); err == nil {
			sqlDB.SetMaxOpenConns(1)
			sqlDB.SetMaxIdleConns(1)
		}
	}
	db.SetPoolSize(0)
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if dialect == Postgres {
		db.startAuthListener()
	}
	return db, nil
}

// openGorm opens a pool on dialector with soko's callbacks: the stock
// feed's and trips' count of round trips.
func openGorm(dialector gorm.Dialector, trips *tripCounter) (*gorm.DB, error) {
	g, err := gorm.Open(dialector, &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", translate(err))
	}
	if err := g.Callback().Create().After("gorm:create").Register("soko:stock_feed", noteMovements); err != nil {
		return nil, err
	}
	if err := trips.register(g); err != nil {
		return nil, err
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return g, nil
}

// keepStatements has SQLite's pool g keep its prepared statements.
func keepStatements(g *gorm.DB) *stmtCache {
	sqlDB, _ := g.DB()
	c := newStmtCache(sqlDB, 1000)
	g.ConnPool, g.Statement.ConnPool = c, c
	return c
}

// dialectorFor returns u's dialect and dialector; on SQLite, one whose
// connections answer only reads when readOnly (Options.ReadOnlyReads).
func dialectorFor(u string, readOnly bool) (string, gorm.Dialector, error) {
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		return Postgres, quietDialector{postgres.Open(u)}, nil
	}
	if u == "" || strings.Contains(u, "://") {
		return "", nil, soko.Errorf(soko.EINVALID, "database URL %q is neither a postgres:// URL nor a file path", u)
	}
	return SQLite, quietDialector{gormlite.Open(sqliteDSN(u, readOnly))}, nil
}

// quietDialector is a dialector whose Explain leaves the arguments out of
// the SQL. gorm calls Explain for every statement a Scan runs, to hand the
// statement with its arguments written in to a logger, and soko's logger
// discards it: writing the arguments in was 6 % of a pick scan's CPU.
type quietDialector struct{ gorm.Dialector }

func (quietDialector) Explain(sql string, _ ...any) string { return sql }

// Apply, SavePoint and RollbackTo are the wrapped dialector's: gorm
// looks for them on the dialector it is given (PostgreSQL's Apply limits
// generated names to 63 bytes), and a transaction begun inside another is
// a savepoint, on both databases.
func (d quietDialector) Apply(c *gorm.Config) error {
	if a, ok := d.Dialector.(interface{ Apply(*gorm.Config) error }); ok {
		return a.Apply(c)
	}
	return nil
}

func (d quietDialector) SavePoint(tx *gorm.DB, name string) error {
	return d.Dialector.(gorm.SavePointerDialectorInterface).SavePoint(tx, name)
}

func (d quietDialector) RollbackTo(tx *gorm.DB, name string) error {
	return d.Dialector.(gorm.SavePointerDialectorInterface).RollbackTo(tx, name)
}

// sqliteDSN turns a file path into the driver's URI with the settings soko
// relies on, answering only reads when readOnly. Passing any _pragma turns
// off the driver's default busy timeout, so it is set here explicitly.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "synchronous(normal)")
	q.Set("_txlock", "immediate")
	// A fixed-width UTC layout makes times compare correctly as text:
	// RFC 3339 drops trailing zeros, and "…:05Z" sorts after "…:05.5Z".
	q.Set("_timefmt", "2006-01-02T15:04:05.000000Z07:00")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// SetPoolSize sets how many connections soko keeps to the database at
// most (SOKO_DB_POOL), besides SQLite's one for writes (DB.writes); 0
// sizes the pool from the machine. On PostgreSQL a
// request holds its connection for its whole transaction (InTransaction),
// so some ten per core keep the cores busy while others wait on the
// network or a lock; more only queue inside PostgreSQL. SQLite has one
// writer at a time (every write transaction starts as BEGIN IMMEDIATE, see
// sqliteDSN) and WAL lets readers run beside it, so a handful is plenty.
func (db *DB) SetPoolSize(n int) {
	if n <= 0 {
		n = 8
		if db.dialect == Postgres {
			n = max(20, 10*runtime.NumCPU())
		}
	}
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
}

// Dialect is Postgres or SQLite.
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return soko.Errorf(soko.EUNAVAILABLE, "database unreachable: %v", err).JA("データベースに接続できません")
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() error {
	db.closeAuth()
	for _, c := range []*stmtCache{db.stmts, db.writeStmts} {
		if c != nil {
			c.close()
		}
	}
	pools := []*gorm.DB{db.gorm}
	if db.writes != nil && db.writes != db.gorm {
		pools = append(pools, db.writes)
	}
	var errs []error
	for _, g := range pools {
		sqlDB, err := g.DB()
		if err == nil {
			err = sqlDB.Close()
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// now returns the current time in UTC, at microsecond precision, which both
// databases keep exactly.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// transact runs fn in one transaction: every state change is all or
// nothing. Its last step publishes the stock changes fn made to the stock
// change feed, with their shortage alerts (publishStockChanges). A
// transaction PostgreSQL chose as a deadlock victim, or one whose stock
// was taken under it (errStockRaced), is run again, a few times: fn must
// therefore only touch the database. Called with the
// context of InTransaction, fn joins that transaction instead.
func (db *DB) transact(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if j, ok := ctx.Value(joinedKey{}).(*joined); ok {
		if err := j.settle(); err != nil {
			return translate(err)
		}
		err := fn(j.tx.WithContext(db.uninterrupted(ctx)))
		if err != nil && j.failed == nil {
			j.failed = err
		}
		return translate(err)
	}
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		txCtx, touched, notes := db.txContext(ctx, attempt)
		err = db.attempt(notes, func() error {
			return db.write(ctx, txCtx, func(tx *gorm.DB) error {
				if err := fn(tx); err != nil {
					return err
				}
				if err := writePending(tx, notes); err != nil {
					return err
				}
				return publishStockChanges(tx, touched, db.now())
			})
		})
		if !retryable(err) {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
	}
	return translate(err)
}

// retryable reports whether err ended a transaction PostgreSQL chose as a
// deadlock or serialization victim, one whose stock another took
// (errStockRaced), one whose SQLite group another's failure ended
// (errGroupAborted), or one that wrote to a webhook endpoint deleted
// meanwhile (staleEndpoint): run again, it will likely pass.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40P01" || pg.Code == "40001") ||
		errors.Is(err, errStockRaced) || errors.Is(err, errGroupAborted) || staleEndpoint(err)
}

// staleEndpoint reports whether err refused a webhook message for an
// endpoint deleted meanwhile: on PostgreSQL, by another server whose
// notification had not yet reached this one's cache (authCache). The
// attempt's end forgets the endpoints kept (committed, and InTransaction
// for its joined steps' errors), and the transaction runs again.
func staleEndpoint(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23503" && pg.ConstraintName == "outbox_endpoint_id_fkey"
}

// ErrStepFailed ends an InTransaction whose function succeeded although
// one of the storage steps it joined failed: the step may have written
// half its work, so nothing is committed, and the request fails as a
// whole (its retry runs afresh).
var ErrStepFailed = soko.Errorf(soko.EINTERNAL, "a step of the transaction failed; nothing was committed").JA("処理の一部が失敗したため、何も登録されていません")

// joined is the transaction InTransaction opened, for the storage calls
// made with its context.
type joined struct {
	tx     *gorm.DB
	failed error // the first error a joined step returned
	// scan is the record of a scan a joined step applied, waiting to be
	// written with its answer (deferScan, SaveScanAnswer); take is the
	// pick that waits to go with it (deferTake).
	scan *scanEventRow
	take *pendingTake
}

// settle runs the pick that waits for its scan's answer (take) before
// another step of the transaction reads or writes: that step sees it done.
// The scan's record is then written on its own. A pick that fails there
// fails the transaction as a whole.
func (j *joined) settle() error {
	take := j.take
	if take == nil {
		return nil
	}
	j.take = nil
	err := take.run(j.tx, nil)
	if err != nil && j.failed == nil {
		j.failed = err
	}
	return err
}

// joinedIn returns the transaction InTransaction opened that tx is, nil
// for another.
func joinedIn(tx *gorm.DB) *joined {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil
	}
	j, _ := tx.Statement.Context.Value(joinedKey{}).(*joined)
	return j
}

type joinedKey struct{}

// txNotes is what a transaction's steps note for after its commit; the
// context of each attempt carries its own.
type txNotes struct {
	authChanged     bool // a session, staff member or API key changed
	settingsChanged bool // the ship calendar, a webhook endpoint or a box type changed
	// settings is the cache of the ship calendar, webhook endpoints and
	// box types: see settingsCache. settingsCount is the count of their
	// changes the transaction read, if settingsCounted (SQLite).
	settings        *authCache
	settingsCount   int64
	settingsCounted bool
	// products are the products ProductsBySKU read in the transaction, by
	// merchant and SKU, for the order the request writes next.
	products map[int64]map[string]productRow
	// recipients are the webhook endpoints read in the transaction, by
	// merchant (an entry, even empty, means read): an order's events and
	// the stock feed of its allocation read them once (recipientsOf).
	recipients map[int64][]*soko.WebhookEndpoint
	// lastEvent is the number of the last event of each order whose
	// events the transaction wrote (0 for an order it created): the next
	// event of that order needs no read (recordEvents).
	lastEvent map[int64]int
	// created are the orders CreateOrder (or CreateAndAllocateOrder, for
	// one it does not plan first) wrote in the transaction, as
	// written, until their allocation, which plans from them instead of
	// reading them back (allocate).
	created map[int64]*soko.Order
	// components are the set components componentsOf read, by product
	// (an entry, even empty, means read).
	components map[int64][]soko.Component
	// inNoSet are products read that are no set's component.
	inNoSet map[int64]bool
	// preread is what the request read before the transaction
	// (PrereadOrderIntake), taken once by the step that would read it.
	preread *preread
	// fresh are the orders the transaction created. Their events and
	// webhooks wait in pendingEvents and pendingOutbox, written together
	// before the commit (writePending): nobody else sees these orders
	// before it, and an order's creation and allocation are then two
	// statements instead of four.
	fresh         map[int64]bool
	pendingEvents []orderEventRow
	pendingOutbox []outboxRow
	// pendingAnswer is the answer the request keeps for its retries
	// (FinishIdempotentRequest), written with them.
	pendingAnswer *soko.IdempotentRequest
	// attempt counts the transaction's attempts from 0: a deadlock
	// victim's, or one whose stock was taken under it, runs again.
	attempt int
	// reserveAtCommit are units the allocation of orders the transaction
	// created planned from stock it read unlocked, reserved just before
	// the commit (reservesLate).
	reserveAtCommit []soko.Pick
	// reserving are the products whose stock the transaction reserves,
	// claimed until it ends (busyStock); deferred tells that it left a
	// new order received because another transaction was reserving them.
	reserving []int64
	deferred  bool
	// tasksEndedOf are orders whose last open tasks the transaction
	// ended: their waves are checked after the commit (finishWaves).
	tasksEndedOf []int64
	// othersOpen are orders one of whose tasks the transaction ended
	// while another read open: whether that one ended meanwhile is
	// checked after the commit (recheckPicked).
	othersOpen []pickedBy
}

// readOnce returns by id what read gives for ids, reading only those the
// transaction has not read before: known keeps what it read (an entry,
// even empty, means read). A nil known (outside a transaction) reads all.
func readOnce[V any](known *map[int64]V, ids []int64, read func(unread []int64) (map[int64]V, error)) (map[int64]V, error) {
	if known == nil {
		return read(ids)
	}
	unread := slices.DeleteFunc(slices.Clone(ids), func(id int64) bool {
		_, ok := (*known)[id]
		return ok
	})
	got := map[int64]V{}
	if len(unread) > 0 {
		var err error
		if got, err = read(unread); err != nil {
			return nil, err
		}
	}
	if *known == nil {
		*known = map[int64]V{}
	}
	for _, id := range unread {
		(*known)[id] = got[id]
	}
	out := make(map[int64]V, len(ids))
	for _, id := range ids {
		out[id] = (*known)[id]
	}
	return out, nil
}

// notesIn returns the notes of tx's transaction, nil outside one.
func notesIn(tx *gorm.DB) *txNotes {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil
	}
	n, _ := tx.Statement.Context.Value(txNotesKey{}).(*txNotes)
	return n
}

// readProduct keeps a product read in the transaction (nil notes: none).
func (n *txNotes) readProduct(r productRow) {
	if n == nil {
		return
	}
	if n.products == nil {
		n.products = map[int64]map[string]productRow{}
	}
	if n.products[r.MerchantID] == nil {
		n.products[r.MerchantID] = map[string]productRow{}
	}
	n.products[r.MerchantID][r.SKU] = r
}

type txNotesKey struct{}

// txContext is the context of one attempt at a transaction: it collects
// the stock changes for the feed and the notes for after the commit.
func (db *DB) txContext(ctx context.Context, attempt int) (context.Context, *stockTouched, *txNotes) {
	touched, notes := newStockTouched(), &txNotes{attempt: attempt, settings: db.auth}
	notes.takePreread(ctx)
	ctx = context.WithValue(context.WithValue(db.uninterrupted(ctx), stockTouchedKey{}, touched), publicURLKey{}, db.PublicURL)
	return context.WithValue(ctx, txNotesKey{}, notes), touched, notes
}

// attempt runs one attempt of a transaction (run: its BEGIN to its
// COMMIT) with notes, and then acts on them (committed). The products the
// attempt claimed (busyStock) are released however it ends, a panic
// included: a claim left behind would hold back every later order of them.
func (db *DB) attempt(notes *txNotes, run func() error) error {
	defer func() { db.busy.release(notes.reserving) }()
	db.trips.begins.Add(1)
	err := run()
	db.trips.commits.Add(1)
	db.committed(notes, err)
	return err
}

// committed acts on the notes of a transaction that ended, with err when
// it did not commit.
func (db *DB) committed(notes *txNotes, err error) {
	if err == nil && notes.authChanged {
		db.auth.flush()
	}
	if (err == nil && notes.settingsChanged) || staleEndpoint(err) {
		db.auth.flushSettings()
	}
	if err == nil && len(notes.tasksEndedOf) > 0 {
		db.finishWavesOf(notes.tasksEndedOf)
	}
	if err == nil && len(notes.othersOpen) > 0 {
		db.finishPickedMeanwhile(notes.othersOpen)
	}
	if err == nil && notes.deferred && db.OnAllocationDeferred != nil {
		db.OnAllocationDeferred()
	}
}

// InTransaction runs fn in one transaction that every storage call made
// with fn's context joins, and commits it when fn returns nil: a request's
// effect and the answer it stores for its retries commit together, and
// its reads see its own writes. When fn or a joined step fails, nothing is
// committed and fn's error is returned (ErrStepFailed when fn itself went
// on). A deadlock victim's fn is run again, a few times, and so is one
// whose new orders' stock another transaction took (errStockRaced), which
// happens in normal work on a busy day: fn must be repeatable. Nested
// calls join the outer transaction.
func (db *DB) InTransaction(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(joinedKey{}).(*joined); ok {
		return fn(ctx)
	}
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		txCtx, touched, notes := db.txContext(ctx, attempt)
		j := &joined{}
		err = db.attempt(notes, func() error {
			return db.write(ctx, txCtx, func(tx *gorm.DB) error {
				j.tx = tx
				if err := fn(context.WithValue(txCtx, joinedKey{}, j)); err != nil {
					return err
				}
				if j.failed != nil {
					return ErrStepFailed
				}
				if err := j.writeScan(); err != nil {
					return err
				}
				if err := writePending(tx, notes); err != nil {
					return err
				}
				return publishStockChanges(tx, touched, db.now())
			})
		})
		if staleEndpoint(j.failed) {
			db.auth.flushSettings() // a joined step's, which committed did not see
		}
		if !retryable(err) && !retryable(j.failed) {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
	}
	return translate(err)
}

// conn returns a session bound to ctx for single statements: inside
// InTransaction, on its transaction, after the pick that waited for its
// scan's answer (settle). If that pick failed, so does the session's
// statement, with its error, and the transaction as a whole.
func (db *DB) conn(ctx context.Context) *gorm.DB {
	if j, ok := ctx.Value(joinedKey{}).(*joined); ok {
		g := j.tx.WithContext(db.uninterrupted(ctx))
		if err := j.settle(); err != nil {
			g.AddError(err)
		}
		return g
	}
	return db.gorm.WithContext(ctx)
}

// writeOne runs fn, one or a few statements that write but need no
// transaction of their own: inside InTransaction, on its transaction; on
// PostgreSQL, on the pool as they come. On SQLite it runs in the next
// shared transaction (DB.write), waiting its turn beside the others: on a
// reading connection it would poll for SQLite's one write lock, which
// transactions committed back to back under load could keep from it past
// the busy timeout. A group another's failure ended (errGroupAborted) is
// tried again, as transact does.
func (db *DB) writeOne(ctx context.Context, fn func(g *gorm.DB) error) error {
	if _, ok := ctx.Value(joinedKey{}).(*joined); ok || db.group == nil {
		return translate(fn(db.conn(ctx)))
	}
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		if err = db.write(ctx, db.uninterrupted(ctx), fn); !errors.Is(err, errGroupAborted) {
			break
		}
	}
	return translate(err)
}

// execOne runs one writing statement as writeOne does, and returns how
// many rows it changed.
func (db *DB) execOne(ctx context.Context, sql string, args ...any) (int64, error) {
	var n int64
	err := db.writeOne(ctx, func(g *gorm.DB) error {
		res := g.Exec(sql, args...)
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// nullTime maps the domain's zero time to SQL NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// fromNull maps SQL NULL back to the zero time.
func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// Exec runs one SQL statement outside the domain's methods, for tools and tests
// that manage schemas.
func (db *DB) Exec(ctx context.Context, sql string) error {
	_, err := db.execOne(ctx, sql)
	return err
}

// lockForUpdate locks the rows a query reads until the transaction ends. On
// SQLite the whole database is already locked by BEGIN IMMEDIATE.
func lockForUpdate(tx *gorm.DB, dialect string) *gorm.DB {
	if dialect == Postgres {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}

// lockForNoKeyUpdate locks the rows a query reads as an update of their
// columns does (FOR NO KEY UPDATE on PostgreSQL). Unlike FOR UPDATE it does
// not wait for the share locks other transactions' foreign keys hold on the
// rows: a new order's allocation holds one on its stock row until it
// commits. Several rows are to be locked in id order, as reservations lock
// them, so that such a lock and a reservation never deadlock each other
// (a deadlock between longer transactions is detected and run again).
func lockForNoKeyUpdate(tx *gorm.DB, dialect string) *gorm.DB {
	if dialect == Postgres {
		return tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
	}
	return tx
}

// paged applies a page to a query ordered by idCol: ids after page.After,
// changed at or after page.UpdatedSince, one more row than the page holds so
// the caller can tell whether another page follows.
func paged(q *gorm.DB, page soko.Page, idCol, updatedCol string) *gorm.DB {
	if page.After > 0 {
		q = q.Where(idCol+" > ?", page.After)
	}
	if !page.UpdatedSince.IsZero() && updatedCol != "" {
		q = q.Where(updatedCol+" >= ?", page.UpdatedSince.UTC())
	}
	return q.Order(idCol).Limit(page.Size() + 1)
}

// inChangeOrder applies a page of a change feed (see soko.Change) to a
// query of table: rows after page.AfterChange in (change_seq, id) order,
// changed at or after page.UpdatedSince (by updatedCol), one more than the
// page holds. On PostgreSQL change_seq is the id of the transaction that
// wrote the row, and only rows below the snapshot's xmin are listed: every
// transaction before it has ended, so no row can later appear behind a
// cursor this page gives out. SQLite's writers take turns, so every row
// already stands in commit order.
func (db *DB) inChangeOrder(q *gorm.DB, page soko.Page, table, updatedCol string) *gorm.DB {
	seq, id := table+".change_seq", table+".id"
	if a := page.AfterChange; a != (soko.Change{}) {
		q = q.Where("("+seq+" > ? OR ("+seq+" = ? AND "+id+" > ?))", a.Seq, a.Seq, a.ID)
	}
	if !page.UpdatedSince.IsZero() {
		q = q.Where(updatedCol+" >= ?", page.UpdatedSince.UTC())
	}
	if db.dialect == Postgres {
		q = q.Where(seq + " < pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
	}
	return q.Order(seq).Order(id).Limit(page.Size() + 1)
}

// index maps items by their id and lists the ids in the items' order, for
// loading what belongs to a page of rows in one query.
func index[T any](items []T, id func(T) int64) (map[int64]T, []int64) {
	byID := make(map[int64]T, len(items))
	ids := make([]int64, len(items))
	for i, it := range items {
		byID[id(it)], ids[i] = it, id(it)
	}
	return byID, ids
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
