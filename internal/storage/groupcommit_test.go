package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// holdWriter starts a SQLite write transaction that waits until the
// returned function is called, so that the ones started meanwhile queue
// for the next group.
func holdWriter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	started, done, ended := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		ended <- db.transact(context.Background(), func(tx *gorm.DB) error {
			close(started)
			<-done
			return nil
		})
	}()
	<-started
	return func() {
		close(done)
		if err := <-ended; err != nil {
			t.Error(err)
		}
	}
}

// WaitQueued waits until n SQLite write transactions wait for their turn.
func WaitQueued(t testing.TB, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		db.group.mu.Lock()
		queued := len(db.group.waiting)
		db.group.mu.Unlock()
		if queued == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d transactions queued, want %d", queued, n)
		}
	}
}

func addMerchant(tx *gorm.DB, code string) error {
	return tx.Exec(`INSERT INTO merchants (code, name, created_at) VALUES (?, '店', ?)`, code, time.Now().UTC()).Error
}

func merchantCodes(t *testing.T, db *DB) map[string]bool {
	t.Helper()
	var codes []string
	if err := db.conn(context.Background()).Raw(`SELECT code FROM merchants`).Scan(&codes).Error; err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range codes {
		got[c] = true
	}
	return got
}

// Transactions that waited together commit together, and the one that
// fails among them, or panics, leaves the others' work committed: each
// gets its own answer.
func TestGroupCommit_OneFailingLeavesTheOthersCommitted(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	db.group.within = time.Minute // one group, however slow the machine
	release := holdWriter(t, db)
	const n = 6
	refused := errors.New("M2 refused")
	errs := make([]error, n)
	panics := make([]any, n)
	var where string // the file and line M4 panicked on
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = db.transact(context.Background(), func(tx *gorm.DB) error {
				if err := addMerchant(tx, fmt.Sprintf("M%d", i)); err != nil {
					return err
				}
				switch i {
				case 2:
					return refused
				case 4:
					_, file, line, _ := runtime.Caller(0)
					where = fmt.Sprintf("%s:%d +", filepath.Base(file), line+2) // the panic's line
					panic("M4 broke")
				}
				return nil
			})
		}()
		WaitQueued(t, db, i+1) // in this order
	}
	grouped := db.trips.grouped.Load()
	release()
	wg.Wait()

	if got := db.trips.grouped.Load() - grouped; got != n {
		t.Errorf("%d transactions committed in a group, want all %d", got, n)
	}
	codes := merchantCodes(t, db)
	for i := range n {
		code := fmt.Sprintf("M%d", i)
		switch i {
		case 2:
			if !errors.Is(errs[i], refused) {
				t.Errorf("M2's transaction answered %v, want its own refusal", errs[i])
			}
		case 4:
			// Its own goroutine gets the panic with the stack it
			// happened on: the body's frame, gone from its own stack.
			if p, ok := panics[i].(*soko.Panic); !ok || p.Value != "M4 broke" || !strings.Contains(string(p.Stack), where) {
				t.Errorf("M4's transaction panicked with %v in its own goroutine, want its panic where it happened", panics[i])
			}
		default:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("%s's transaction failed: %v %v", code, errs[i], panics[i])
			}
		}
		if want := i != 2 && i != 4; codes[code] != want {
			t.Errorf("merchant %s stored: %t, want %t", code, codes[code], want)
		}
	}
}

// A transaction whose request ends while it waits for its turn is taken
// out of the queue and never runs.
func TestGroupCommit_RequestEndedWhileWaitingNeverRuns(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	release := holdWriter(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() {
		ended <- db.transact(ctx, func(tx *gorm.DB) error { return addMerchant(tx, "GONE") })
	}()
	WaitQueued(t, db, 1)
	cancel()
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Errorf("the transaction whose request ended answered %v, want context.Canceled", err)
	}
	WaitQueued(t, db, 0)
	release()
	if err := db.transact(context.Background(), func(tx *gorm.DB) error { return addMerchant(tx, "NEXT") }); err != nil {
		t.Fatal(err)
	}
	if codes := merchantCodes(t, db); codes["GONE"] || !codes["NEXT"] {
		t.Errorf("merchants stored %v, want NEXT and not GONE", codes)
	}
}

// A bulk transaction (runAlone) shares its commit with no other: the ones
// queued before it commit without waiting for it, and the ones after it
// in a group of their own.
func TestGroupCommit_BulkTransactionRunsAlone(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	release := holdWriter(t, db)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, code := range []string{"BEFORE", "BULK", "AFTER"} {
		ctx := context.Background()
		if code == "BULK" {
			ctx = runAlone(ctx)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.transact(ctx, func(tx *gorm.DB) error { return addMerchant(tx, code) })
		}()
		WaitQueued(t, db, i+1)
	}
	grouped := db.trips.grouped.Load()
	release()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	// BEFORE ran under its savepoint in a group the bulk one left; BULK
	// and then AFTER each ran as their transaction's only one.
	if got := db.trips.grouped.Load() - grouped; got != 1 {
		t.Errorf("%d transactions ran in a shared commit, want 1 (the bulk one and the one after it alone)", got)
	}
	if codes := merchantCodes(t, db); !codes["BEFORE"] || !codes["BULK"] || !codes["AFTER"] {
		t.Errorf("merchants stored %v, want all three", codes)
	}
}

// A group that takes a transaction whose request has ended meanwhile
// answers it with that end and does not run it; the others commit.
func TestGroupCommit_RequestEndedAfterItWasTakenNeverRuns(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	member := func(code string, wait context.Context, ran *bool) *groupMember {
		return &groupMember{wait: wait, ctx: context.Background(), done: make(chan struct{}),
			body: func(tx *gorm.DB) error { *ran = true; return addMerchant(tx, code) }}
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	var ranFirst, ranGone, ranLast bool
	ms := []*groupMember{member("FIRST", context.Background(), &ranFirst), member("GONE", ended, &ranGone), member("LAST", context.Background(), &ranLast)}
	db.group.turn <- struct{}{}
	db.runGroup(ms)
	<-db.group.turn
	for _, m := range ms {
		<-m.done
	}
	if ranGone || !errors.Is(ms[1].err, context.Canceled) {
		t.Errorf("the ended request's transaction ran: %t, answered %v; want not run, context.Canceled", ranGone, ms[1].err)
	}
	if !ranFirst || !ranLast || ms[0].err != nil || ms[2].err != nil {
		t.Errorf("the others ran %t %t, answered %v %v; want both run and committed", ranFirst, ranLast, ms[0].err, ms[2].err)
	}
	if codes := merchantCodes(t, db); !codes["FIRST"] || codes["GONE"] || !codes["LAST"] {
		t.Errorf("merchants stored %v, want FIRST and LAST", codes)
	}
}

// A transaction that cannot begin is answered with the reason at once, not
// queued again for ever.
func TestGroupCommit_BeginFailureAnswered(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	writes, err := db.writes.DB()
	if err != nil {
		t.Fatal(err)
	}
	writes.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = db.transact(ctx, func(tx *gorm.DB) error { return addMerchant(tx, "NEVER") })
	if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "database is closed") {
		t.Fatalf("a transaction on a closed pool answered %v (its wait: %v), want the pool's error", err, ctx.Err())
	}
}

// A write outside any transaction (here the API rate budget every request
// spends) waits its turn in the queue beside the transactions and shares
// their commit, rather than polling for SQLite's write lock on a reading
// connection, where groups committed back to back could keep it waiting
// past the busy timeout.
func TestGroupCommit_SingleWritesQueueBesideTransactions(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	db.group.within = time.Minute // one group, however slow the machine
	release := holdWriter(t, db)
	const n = 3
	errs := make([]error, n)
	fits := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, fits[i], errs[i] = db.Spend(context.Background(), fmt.Sprintf("apikey:%d", i), time.Time{}, time.Second, 10)
		}()
		WaitQueued(t, db, i+1)
	}
	grouped := db.trips.grouped.Load()
	release()
	wg.Wait()
	for i := range n {
		if errs[i] != nil || !fits[i] {
			t.Errorf("spend %d: fits %t, %v", i, fits[i], errs[i])
		}
	}
	if got := db.trips.grouped.Load() - grouped; got != n {
		t.Errorf("%d writes committed in one group, want %d", got, n)
	}

	// The tests' reading pool refuses writes, so a write sent there
	// instead of through the queue fails them.
	if err := addMerchant(db.gorm.WithContext(context.Background()), "READER"); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("a write on the pool for reads answered %v, want it refused", err)
	}
}

// A group that does not commit forgets the settings its members kept when
// one of them changed them: the members after the change read it, not
// committed, and another server's change to any setting could bring the
// count of changes back to the one they were kept under.
func TestGroupCommit_AbortedGroupForgetsTheSettingsItsMembersKept(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	db.group.within = time.Minute // one group, however slow the machine
	ctx := context.Background()
	if err := db.writes.Exec(`INSERT INTO box_types (code, name, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_grams, tare_grams, size_class)
		VALUES ('BOX60', '60サイズ', 250, 200, 150, 2000, 100, 60)`).Error; err != nil {
		t.Fatal(err)
	}
	// (Called in a group member too: it reports, and does not end the
	// goroutine that runs the group.)
	boxName := func(ctx context.Context, g *gorm.DB) string {
		t.Helper()
		boxes, err := db.boxTypes(ctx, g)
		if err != nil || len(boxes) != 1 {
			t.Errorf("box types: %v %v", boxes, err)
			return ""
		}
		return boxes[0].Name
	}
	release := holdWriter(t, db)
	members := []func(ctx context.Context, tx *gorm.DB) error{
		func(ctx context.Context, tx *gorm.DB) error { // an administrator renames the box
			settingsChanged(tx)
			return tx.Exec(`UPDATE box_types SET name = '60サイズ（新）'`).Error
		},
		func(ctx context.Context, tx *gorm.DB) error { // a pack after it reads the new name, and keeps it
			if got := boxName(ctx, tx); got != "60サイズ（新）" {
				t.Errorf("the member after the change read %q", got)
			}
			return nil
		},
		func(ctx context.Context, tx *gorm.DB) error { // one that ends the shared transaction
			return tx.Exec(`ROLLBACK`).Error
		},
	}
	errs := make([]error, len(members))
	var wg sync.WaitGroup
	for i, body := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			txCtx, _, _ := db.txContext(ctx, 0)
			errs[i] = db.write(ctx, txCtx, func(tx *gorm.DB) error { return body(txCtx, tx) })
		}()
		WaitQueued(t, db, i+1) // in this order
	}
	release()
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, errGroupAborted) {
			t.Fatalf("member %d answered %v, want the group's end", i, err)
		}
	}
	// Another server changes another setting: the count is back at the
	// one the new name was kept under.
	if err := db.writes.Exec(`UPDATE settings_changes SET n = n + 1`).Error; err != nil {
		t.Fatal(err)
	}
	if got := boxName(ctx, db.conn(ctx)); got != "60サイズ" {
		t.Fatalf("after the group that renamed the box did not commit, the box is %q", got)
	}
}

// A transaction that shares its commit with others counts the settings'
// changes of those before it, not yet committed; a view outside it counts
// only what was committed. Neither is served, nor keeps, what the other
// read: an entry belongs to the count its reader read.
func TestSettingsCache_EntriesBelongToTheirReadersCount(t *testing.T) {
	db := openSQLiteForCache(t, 2)
	ctx, now := context.Background(), time.Now()
	outside := db.settingsCache(ctx, db.conn(ctx)) // counts what was committed
	if outside == nil {
		t.Fatal("the count of changes could not be read")
	}
	err := db.writes.Transaction(func(tx *gorm.DB) error {
		// A member before this one changed a box type, not yet committed.
		if err := tx.Exec(`UPDATE settings_changes SET n = n + 1`).Error; err != nil {
			return err
		}
		count, ok := db.auth.countSettings(tx)
		if !ok || count != outside.count+1 {
			t.Fatalf("the group's count %d (%v), the committed one %d", count, ok, outside.count)
		}
		inGroup := &keptSettings{c: db.auth, count: count}
		settingPut(inGroup, boxesKept, "", db.auth.generation(), []soko.BoxType{{Code: "BOX60", Name: "not committed"}}, now)
		if got, ok := settingGet(outside, boxesKept, "", now); ok {
			t.Errorf("a view outside the group was served %v, kept by a member of it", got)
		}
		settingPut(outside, boxesKept, "", db.auth.generation(), []soko.BoxType{{Code: "BOX60", Name: "committed"}}, now)
		if got, ok := settingGet(inGroup, boxesKept, "", now); !ok || got[0].Name != "not committed" {
			t.Errorf("the member reads %v (%v), want what it kept under its count", got, ok)
		}
		return errors.New("the group does not commit")
	})
	if err == nil {
		t.Fatal("the group committed")
	}
}
