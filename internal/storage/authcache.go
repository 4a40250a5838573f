package storage

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// authCacheTTL is how long a server trusts what it kept in its authCache,
// at most: a change it is told of forgets the entries concerned sooner.
const authCacheTTL = 5 * time.Second

// authCache keeps the sessions and API keys requests presented, by the
// hash of their token, so a scan or an order does not pay a round trip to
// read its own (issue 17). Every change that could end or narrow one is
// counted by triggers in auth_changes (migration 0042). On PostgreSQL the
// same triggers send pg_notify('soko_auth'), which a connection of this
// server listens for and empties the cache on: nothing is served from it
// while that connection is down. On SQLite the count is read before an
// entry is trusted (one small read of one row, in process) and the
// session's or key's own read carries it too.
//
// It also keeps what nearly every writing request reads and an
// administrator seldom changes: the ship calendar (an order's ship date),
// merchants' webhook endpoints (an order's events) and the box types
// (every packing station view and pack). Their changes are counted in
// settings_changes (migration 0048) and, on PostgreSQL, told on a channel
// of their own, soko_settings (migrations 0044 and 0047); they forget
// only these. On SQLite the count is read once in each transaction that
// uses them, and at each read outside one (settingsCache).
type authCache struct {
	mu       sync.Mutex
	gen      uint64 // counts the times entries were forgotten
	changes  int64  // the auth_changes count the entries were read under (SQLite)
	counted  bool   // entries must have been read under changes (SQLite)
	sessions map[string]authEntry[soko.Session]
	keys     map[string]authEntry[soko.APIKey]
	// settingsChanges is the settings_changes count the settings'
	// entries were read under (SQLite).
	settingsChanges int64
	// calendar holds the ship calendar under ""; endpoints the webhook
	// endpoints by merchant id; boxes the box types under "".
	calendar  map[string]authEntry[*soko.ShipCalendar]
	endpoints map[string]authEntry[[]*soko.WebhookEndpoint]
	boxes     map[string]authEntry[[]soko.BoxType]
	// now is the store's clock (DB.now), for the settings' entries.
	now func() time.Time
	// live is whether entries may be served: on PostgreSQL, while the
	// listening connection is up; on SQLite, always.
	live atomic.Bool
	// deaf makes the listener ignore notifications: a hook for the tests
	// of what a server's own commit forgets (export_test.go).
	deaf atomic.Bool
	stop context.CancelFunc
	done chan struct{}
}

type authEntry[T any] struct {
	value T
	until time.Time
}

func newAuthCache(dialect string, now func() time.Time) *authCache {
	c := &authCache{sessions: map[string]authEntry[soko.Session]{}, keys: map[string]authEntry[soko.APIKey]{}, counted: dialect == SQLite,
		calendar: map[string]authEntry[*soko.ShipCalendar]{}, endpoints: map[string]authEntry[[]*soko.WebhookEndpoint]{},
		boxes: map[string]authEntry[[]soko.BoxType]{}, now: now}
	c.live.Store(dialect == SQLite)
	return c
}

// flush forgets the sessions and keys kept; reads that began before it
// cannot put theirs.
func (c *authCache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.sessions)
	clear(c.keys)
}

// flushSettings forgets the ship calendar, webhook endpoints and box
// types kept, as flush does the sessions and keys.
func (c *authCache) flushSettings() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetSettings()
}

// forgetSettings empties the settings' entries. Called with c.mu held.
func (c *authCache) forgetSettings() {
	c.gen++
	clear(c.calendar)
	clear(c.endpoints)
	clear(c.boxes)
}

// countSettings reads the settings_changes count through g, where the
// settings would be read, and forgets what was kept under another count.
// It returns the count, or false when it could not be read: then nothing
// kept is served, and the settings are read as if none were kept.
func (c *authCache) countSettings(g *gorm.DB) (int64, bool) {
	var n []int64
	if err := g.Raw(`SELECT n FROM settings_changes WHERE id = 1`).Scan(&n).Error; err != nil || len(n) != 1 {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n[0] != c.settingsChanges {
		c.settingsChanges = n[0]
		c.forgetSettings()
	}
	return n[0], true
}

// keptSettings is the cache a reader of the settings may use, with the
// settings_changes count it read (SQLite; the count is unused on
// PostgreSQL, whose listener forgets the settings instead). On SQLite an
// entry is served to the reader, and kept from what it read, only while
// the cache holds that count: readers that read another count (a
// transaction sharing its commit sees the changes of those before it, not
// yet committed; a view outside it does not) neither see nor keep each
// other's.
type keptSettings struct {
	c     *authCache
	count int64
}

// settingGet returns the setting kept under key in the map m of k's
// cache, as settingPut kept it.
func settingGet[T any](k *keptSettings, m func(*authCache) map[string]authEntry[T], key string, now time.Time) (T, bool) {
	k.c.mu.Lock()
	defer k.c.mu.Unlock()
	if k.c.counted && k.count != k.c.settingsChanges {
		var zero T
		return zero, false
	}
	return entry(k.c, m(k.c), key, now)
}

// settingPut keeps v, read by k's reader, unless the cache was emptied
// since gen was read or (SQLite) moved to another count.
func settingPut[T any](k *keptSettings, m func(*authCache) map[string]authEntry[T], key string, gen uint64, v T, now time.Time) {
	k.c.mu.Lock()
	defer k.c.mu.Unlock()
	if gen != k.c.gen || !k.c.live.Load() || (k.c.counted && k.count != k.c.settingsChanges) {
		return
	}
	keep(m(k.c), key, v, now)
}

// calendarKept, endpointsKept and boxesKept are the cache's maps of the
// settings, for settingGet and settingPut.
func calendarKept(c *authCache) map[string]authEntry[*soko.ShipCalendar] { return c.calendar }

func endpointsKept(c *authCache) map[string]authEntry[[]*soko.WebhookEndpoint] { return c.endpoints }

func boxesKept(c *authCache) map[string]authEntry[[]soko.BoxType] { return c.boxes }

// generation is read before the database, and given back to put.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// adopt moves the cache to an auth_changes count read now, emptying it
// when the count moved on: its entries were read under an older one.
// Called with c.mu held.
func (c *authCache) adopt(changes int64) {
	if changes > c.changes {
		c.gen++
		c.changes = changes
		clear(c.sessions)
		clear(c.keys)
	}
}

func cacheGet[T any](c *authCache, m map[string]authEntry[T], hash string, now time.Time) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return entry(c, m, hash, now)
}

// entry is cacheGet's look-up. Called with c.mu held.
func entry[T any](c *authCache, m map[string]authEntry[T], hash string, now time.Time) (T, bool) {
	e, ok := m[hash]
	if !ok || !now.Before(e.until) || !c.live.Load() {
		var zero T
		return zero, false
	}
	return e.value, true
}

// usedKey notes the time of last use written for a kept key.
func (c *authCache) usedKey(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.keys[hash]; ok {
		e.value.LastUsedAt = at
		c.keys[hash] = e
	}
}

// cachePut keeps v unless the cache was emptied since gen was read (the
// value may predate the change that emptied it) or, on SQLite, the count
// read with v is older than the one the cache holds.
func cachePut[T any](c *authCache, m map[string]authEntry[T], hash string, gen uint64, changes int64, v T, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || !c.live.Load() || (c.counted && changes < c.changes) {
		return
	}
	if c.counted {
		c.adopt(changes)
	}
	keep(m, hash, v, now)
}

// keep puts v in m for authCacheTTL. Called with the cache's mu held.
func keep[T any](m map[string]authEntry[T], hash string, v T, now time.Time) {
	if len(m) > 10000 {
		clear(m)
	}
	m[hash] = authEntry[T]{value: v, until: now.Add(authCacheTTL)}
}

// cached returns the entry kept for hash if it may be trusted for this
// request: on PostgreSQL without asking the database (the listener empties
// the cache); on SQLite after reading the auth_changes count, which is
// read only when there is an entry to check.
func cached[T any](ctx context.Context, db *DB, m map[string]authEntry[T], hash string, now time.Time) (T, bool) {
	v, ok := cacheGet(db.auth, m, hash, now)
	if !ok || !db.auth.counted {
		return v, ok
	}
	var n []int64
	if err := db.conn(ctx).Raw(`SELECT n FROM auth_changes WHERE id = 1`).Scan(&n).Error; err != nil || len(n) != 1 {
		var zero T
		return zero, false
	}
	db.auth.mu.Lock()
	db.auth.adopt(n[0])
	db.auth.mu.Unlock()
	return cacheGet(db.auth, m, hash, now)
}

// keptSetting returns the setting kept under key in the map m of the
// cache ctx may use (see settingsCache), or reads it through g and keeps
// it there; clone copies it, so what a request changes in its copy stays
// its own.
func keptSetting[T any](ctx context.Context, db *DB, g *gorm.DB, m func(*authCache) map[string]authEntry[T], key string,
	read func(g *gorm.DB) (T, error), clone func(T) T) (T, error) {
	kept, now := db.settingsCache(ctx, g), db.now()
	var gen uint64
	if kept != nil {
		if v, ok := settingGet(kept, m, key, now); ok {
			return clone(v), nil
		}
		gen = kept.c.generation()
	}
	v, err := read(g)
	if err == nil && kept != nil {
		settingPut(kept, m, key, gen, clone(v), now)
	}
	return v, err
}

// settingsCache returns the cache a read of a setting (the ship calendar,
// webhook endpoints, box types) through g may be served from and kept in,
// or nil (see txNotes.settingsCache). Outside a transaction, SQLite's
// count is read each time.
func (db *DB) settingsCache(ctx context.Context, g *gorm.DB) *keptSettings {
	if n, ok := ctx.Value(txNotesKey{}).(*txNotes); ok {
		return n.settingsCache(g)
	}
	if !db.auth.counted {
		return &keptSettings{c: db.auth}
	}
	count, ok := db.auth.countSettings(g)
	if !ok {
		return nil
	}
	return &keptSettings{c: db.auth, count: count}
}

// settingsCache returns the cache a transaction's reads of the ship
// calendar, webhook endpoints or box types through g may be served from
// and kept in, or nil once the transaction changed one of them (its
// change is not committed yet, and what is kept predates it). On SQLite
// the first such read of the transaction reads the settings_changes count
// through g first, and the transaction's reads use that count: g must be
// the transaction's own connection, as for every caller now (a read of
// the pool beside it would count what was committed, and the
// transaction's later reads would keep what it sees under that count). A
// transaction that shares its commit with others sees the changes of
// those before it, not yet committed: what it keeps of them is forgotten
// if their group does not commit (runGroup).
func (n *txNotes) settingsCache(g *gorm.DB) *keptSettings {
	if n == nil || n.settingsChanged {
		return nil
	}
	if n.settings.counted && !n.settingsCounted {
		count, ok := n.settings.countSettings(g)
		if !ok {
			return nil
		}
		n.settingsCount, n.settingsCounted = count, true
	}
	return &keptSettings{c: n.settings, count: n.settingsCount}
}

// authChanged notes in tx's transaction that a session, a staff member
// or an API key changed: this server empties its cache once it commits,
// without waiting for its own notification.
func authChanged(tx *gorm.DB) {
	if n := notesIn(tx); n != nil {
		n.authChanged = true
	}
}

// settingsChanged notes in tx's transaction that the ship calendar, a
// webhook endpoint or a box type changed: this server forgets what it
// kept of them once it commits, and the transaction reads them from the
// database.
func settingsChanged(tx *gorm.DB) {
	if n := notesIn(tx); n != nil {
		n.settingsChanged = true
	}
}

// startAuthListener keeps a connection listening for soko_auth and
// soko_settings until the store is closed, reconnecting after a second
// when it drops (a database restart): the cache is emptied and unused
// from the drop until LISTEN runs again, since changes meanwhile would go
// unheard.
func (db *DB) startAuthListener() {
	ctx, stop := context.WithCancel(context.Background())
	db.auth.stop, db.auth.done = stop, make(chan struct{})
	go func() {
		defer close(db.auth.done)
		for ctx.Err() == nil {
			db.listenAuth(ctx)
			db.auth.live.Store(false)
			db.auth.flush()
			db.auth.flushSettings()
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}

func (db *DB) listenAuth(ctx context.Context) {
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		return
	}
	defer conn.Close(context.Background())
	// The notification names the schema whose table changed: servers of
	// other schemas in the same database (another soko, tests) keep theirs.
	var schema string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return
	}
	for _, channel := range []string{"soko_auth", "soko_settings"} {
		if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
			return
		}
	}
	db.auth.flush()
	db.auth.flushSettings()
	db.auth.live.Store(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return
		}
		switch {
		case n.Payload != schema || db.auth.deaf.Load():
			// another schema's change (another soko, a test), or a
			// test's deaf server
		case n.Channel == "soko_settings":
			db.auth.flushSettings()
		default:
			db.auth.flush()
		}
	}
}

// closeAuth stops the listener, if it runs.
func (db *DB) closeAuth() {
	if db.auth.stop != nil {
		db.auth.stop()
		<-db.auth.done
	}
}
