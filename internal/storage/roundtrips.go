package storage

import (
	"sync/atomic"

	"gorm.io/gorm"
)

// RoundTrips counts what soko asked the database: statements, and the
// transactions it began and committed (a BEGIN and a COMMIT are a round
// trip each on PostgreSQL). Tests bound a request's round trips with the
// difference of two readings, so a change that adds one fails a test
// instead of slowing the floor unseen.
type RoundTrips struct {
	Statements int64
	Begins     int64
	Commits    int64
}

// Total is every round trip: statements, BEGINs and COMMITs (a rollback
// is counted as its transaction's end, like a commit).
func (r RoundTrips) Total() int64 { return r.Statements + r.Begins + r.Commits }

// Sub is what happened between an earlier reading and this one.
func (r RoundTrips) Sub(earlier RoundTrips) RoundTrips {
	return RoundTrips{Statements: r.Statements - earlier.Statements, Begins: r.Begins - earlier.Begins, Commits: r.Commits - earlier.Commits}
}

// RoundTrips returns what the database was asked since the store was opened.
func (db *DB) RoundTrips() RoundTrips {
	return RoundTrips{Statements: db.trips.statements.Load(), Begins: db.trips.begins.Load(), Commits: db.trips.commits.Load()}
}

// tripCounter counts statements with a gorm callback before each of
// gorm's processors (every query, insert, update, delete and raw
// statement passes one); transactions are counted where soko opens them.
type tripCounter struct {
	statements, begins, commits atomic.Int64
	// grouped counts SQLite's transactions that committed in a group of
	// several (groupcommit.go).
	grouped atomic.Int64
	// trace, when set, is given each statement's SQL after it ran.
	trace atomic.Pointer[func(sql string)]
}

// TraceStatements has fn called with the SQL of every statement the store
// runs from now on (nil stops it), for finding where a request's round
// trips go.
func (db *DB) TraceStatements(fn func(sql string)) {
	if fn == nil {
		db.trips.trace.Store(nil)
		return
	}
	db.trips.trace.Store(&fn)
}

func (c *tripCounter) register(g *gorm.DB) error {
	count := func(*gorm.DB) { c.statements.Add(1) }
	trace := func(g *gorm.DB) {
		if fn := c.trace.Load(); fn != nil {
			(*fn)(g.Statement.SQL.String())
		}
	}
	cb := g.Callback()
	for _, err := range []error{
		cb.Create().Before("gorm:create").Register("soko:count", count),
		cb.Query().Before("gorm:query").Register("soko:count", count),
		cb.Update().Before("gorm:update").Register("soko:count", count),
		cb.Delete().Before("gorm:delete").Register("soko:count", count),
		cb.Row().Before("gorm:row").Register("soko:count", count),
		cb.Raw().Before("gorm:raw").Register("soko:count", count),
		cb.Create().After("gorm:create").Register("soko:trace", trace),
		cb.Query().After("gorm:query").Register("soko:trace", trace),
		cb.Update().After("gorm:update").Register("soko:trace", trace),
		cb.Delete().After("gorm:delete").Register("soko:trace", trace),
		cb.Row().After("gorm:row").Register("soko:trace", trace),
		cb.Raw().After("gorm:raw").Register("soko:trace", trace),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
