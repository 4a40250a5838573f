package storage

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// SQLite has one writer at a time, and each commit writes every page its
// transaction touched to the write-ahead log: a new order's commit wrote
// the same few leaf pages of orders, lines, events and webhooks that the
// order before it had just written. So the transactions that wait for
// their turn while one runs share the next transaction (group commit):
// each runs under a savepoint of its own, one that fails is rolled back to
// it alone, and they all commit at once. Each still gets its own answer,
// and acts on its own notes after the commit (DB.attempt).

// maxGroup is the most transactions one commit holds, and groupTime how
// long a group goes on starting the next before it commits. A member
// already running holds back the answers of those before it until its
// end: the bulk ones (an order import, a seed, the allocation worker's
// and a wave's batches) therefore run alone (runAlone).
const (
	maxGroup  = 64
	groupTime = 20 * time.Millisecond
)

// commitGroup is the queue of SQLite's write transactions waiting for
// their turn.
type commitGroup struct {
	// turn is held by the goroutine running a group (lead).
	turn chan struct{}
	// within is how long a group goes on starting members (groupTime).
	within  time.Duration
	mu      sync.Mutex
	waiting []*groupMember
}

// groupMember is one transaction's body, waiting for its turn or run.
type groupMember struct {
	// wait ends when the request ends or has waited a minute (its
	// cause, errWaitedTooLong): a member whose wait ended is answered
	// so, unrun, by the group that takes it (runGroup).
	wait  context.Context
	ctx   context.Context // the transaction's
	alone bool
	body  func(tx *gorm.DB) error
	err   error
	// panicked is what the body panicked with, panicked again in the
	// goroutine that asked for it.
	panicked *soko.Panic
	done     chan struct{}
}

// errGroupAborted is what the transactions of a group get when the
// group's transaction ended for another's sake (its savepoint could not be
// rolled back): nothing of theirs committed, and they run again. One
// that still meets it after its last try is answered 503, to try again.
var errGroupAborted = unavailable(errors.New("the shared transaction was ended by another's failure"))

// errWaitedTooLong ends a wait for the writer that cannot end: a
// transaction waiting for another of its own goroutine's.
var errWaitedTooLong = unavailable(errors.New("waited a minute for the other write transactions"))

type aloneKey struct{}

// runAlone marks the transactions run with ctx as bulk ones, which on
// SQLite share their commit with no other (groupTime).
func runAlone(ctx context.Context) context.Context { return context.WithValue(ctx, aloneKey{}, true) }

// uninterrupted returns ctx without its end on SQLite: a statement
// interrupted when its request ends rolls back its whole transaction,
// which others share, so once a transaction has its turn it runs to its
// end. On PostgreSQL it returns ctx.
func (db *DB) uninterrupted(ctx context.Context) context.Context {
	if db.group == nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// write runs body in a transaction on the pool for writes, with the
// context txCtx. On SQLite body waits for its turn, which ctx bounds, and
// shares its transaction with those that waited beside it.
func (db *DB) write(ctx, txCtx context.Context, body func(tx *gorm.DB) error) error {
	if db.group == nil {
		return db.writes.WithContext(txCtx).Transaction(body)
	}
	wait, stop := context.WithTimeoutCause(ctx, time.Minute, errWaitedTooLong)
	defer stop()
	alone, _ := ctx.Value(aloneKey{}).(bool)
	me := &groupMember{wait: wait, ctx: txCtx, alone: alone, body: body, done: make(chan struct{})}
	g := db.group
	g.mu.Lock()
	g.waiting = append(g.waiting, me)
	g.mu.Unlock()
	// However this ends (a group it led panicking too), me waits no more.
	defer g.withdraw(me)
	ended := wait.Done()
	for {
		select {
		case <-me.done: // answered: before leading another group
			return me.answer()
		default:
		}
		select {
		case <-me.done:
			return me.answer()
		case g.turn <- struct{}{}:
			db.lead()
		case <-ended:
			if g.withdraw(me) {
				return context.Cause(wait)
			}
			// A group has it, and answers it, run or not; one that put
			// it back left it to the next group, led from here too.
			ended = nil
		}
	}
}

// answer is how m's transaction ended, its panic panicked again.
func (m *groupMember) answer() error {
	if m.panicked != nil {
		panic(m.panicked)
	}
	return m.err
}

// take returns the transactions waiting, oldest first, up to maxGroup.
func (g *commitGroup) take() []*groupMember {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := min(len(g.waiting), maxGroup)
	taken := slices.Clone(g.waiting[:n])
	g.waiting = slices.Delete(g.waiting, 0, n)
	return taken
}

// putBack returns members a group did not run to the front of the queue.
func (g *commitGroup) putBack(ms []*groupMember) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.waiting = slices.Insert(g.waiting, 0, ms...)
}

// withdraw takes m out of the queue, reporting whether it was still there.
func (g *commitGroup) withdraw(m *groupMember) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.Index(g.waiting, m)
	if i < 0 {
		return false
	}
	g.waiting = slices.Delete(g.waiting, i, i+1)
	return true
}

// lead runs the transactions waiting, as the holder of the group's turn,
// which it gives back however the group ends.
func (db *DB) lead() {
	defer func() { <-db.group.turn }()
	db.runGroup(db.group.take())
}

// runGroup runs ms in one transaction, each under its savepoint when there
// are several, and tells each how it ended: one whose wait ended
// meanwhile, unrun. Those it had no time for go back to the queue, and so
// do those after a bulk member, which runs alone. Should the group itself
// panic, those it ran are told that nothing of theirs committed.
func (db *DB) runGroup(ms []*groupMember) {
	ran, ended, committed := 0, false, false
	defer func() {
		db.group.putBack(ms[ran:])
		if !committed && changedSettings(ms[:ran]) {
			db.auth.flushSettings()
		}
		for _, m := range ms[:ran] {
			if !ended && m.err == nil {
				m.err = errGroupAborted
			}
			close(m.done)
		}
	}()
	if len(ms) == 0 {
		return
	}
	start, begun, grouped := time.Now(), false, 0
	err := db.writes.WithContext(ms[0].ctx).Transaction(func(tx *gorm.DB) error {
		begun = true
		for _, m := range ms {
			if ran > 0 && (m.alone || ms[ran-1].alone || time.Since(start) > db.group.within) {
				break
			}
			if m.wait.Err() != nil {
				m.err = context.Cause(m.wait)
				ran++
				continue
			}
			if len(ms) == 1 || m.alone { // the transaction's only one
				ran++
				m.err = m.run(tx.WithContext(m.ctx))
				return m.err
			}
			if err := tx.Exec("SAVEPOINT member").Error; err != nil {
				return errGroupAborted
			}
			ran++
			if m.err = m.run(tx.WithContext(m.ctx)); m.err != nil {
				if err := tx.Exec("ROLLBACK TO member").Error; err != nil {
					return errGroupAborted
				}
			}
			if err := tx.Exec("RELEASE member").Error; err != nil {
				return errGroupAborted
			}
			grouped++
		}
		return nil
	})
	ended = true
	if err != nil && !begun {
		ran = len(ms) // BEGIN failed: every member is told why
	}
	committed = err == nil
	for _, m := range ms[:ran] {
		if err != nil && m.err == nil {
			m.err = err // the commit failed, or another's failure ended it
		}
	}
	if err == nil {
		db.trips.grouped.Add(int64(grouped))
	}
}

// changedSettings reports whether one of the members changed the ship
// calendar, a webhook endpoint or a box type. The members after it saw
// the change and may have kept it (settingsCache): when their group does
// not commit, what they kept must be forgotten, since another change
// could bring the settings_changes count back to the one it was kept
// under.
func changedSettings(ms []*groupMember) bool {
	return slices.ContainsFunc(ms, func(m *groupMember) bool {
		n, _ := m.ctx.Value(txNotesKey{}).(*txNotes)
		return n != nil && n.settingsChanged
	})
}

// run runs m's body in tx, turning a panic into an error for the group
// and keeping it, with the stack it happened on, for m's own goroutine:
// the body runs in whichever goroutine leads the group, not m's own.
func (m *groupMember) run(tx *gorm.DB) (err error) {
	defer func() {
		if p := recover(); p != nil {
			m.panicked = soko.PanicAt(p, debug.Stack())
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return m.body(tx)
}
