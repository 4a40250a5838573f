package storage_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// eventually retries check for up to two seconds: another server hears of
// a change through the database (a notification on PostgreSQL).
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !check(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 2 s", what)
		}
	}
}

// Sessions and API keys are kept in memory for a few seconds, so a
// request reads neither (on SQLite, one small count instead); yet a change
// made on this server counts at once, and one made on another server (or
// by `soko admin`) within moments.
func TestAuthCache_ChangesCountAtOnce(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		db, other := storagetest.MustOpenTwice(t, dialect)
		m := MustCreateMerchant(t, db, "SAKURA")
		secret, prefix, hash := soko.NewAPIKeySecret()
		if err := db.CreateAPIKey(ctx, &soko.APIKey{MerchantID: m.ID, Name: "shop", Prefix: prefix, Hash: hash}); err != nil {
			t.Fatal(err)
		}
		picker := mustStaff(t, db, "P001", soko.RolePicker)
		_, token := mustSession(t, db, picker)

		// Read once, then served from memory: no statement on PostgreSQL,
		// the count of changes on SQLite.
		reads := func(what string, do func() error) int64 {
			t.Helper()
			before := db.RoundTrips()
			if err := do(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			return db.RoundTrips().Sub(before).Statements
		}
		want := int64(0)
		if dialect == storage.SQLite {
			want = 1
		}
		find := func() error { _, err := db.FindSession(ctx, token); return err }
		auth := func() error { _, err := db.Authenticate(ctx, secret); return err }
		eventually(t, "session served from memory", func() bool { find(); return reads("session", find) == want })
		eventually(t, "key served from memory", func() bool { auth(); return reads("key", auth) == want })

		// A role change takes effect on the next request.
		picker.Role = soko.RoleSupervisor
		if err := db.UpdateStaff(ctx, picker); err != nil {
			t.Fatal(err)
		}
		if s, err := db.FindSession(ctx, token); err != nil || s.Staff.Role != soko.RoleSupervisor {
			t.Fatalf("after the role change: %+v, %v", s, err)
		}
		// A revoked key is refused at once on the server that revoked it.
		if err := db.RevokeAPIKey(ctx, prefix); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, secret); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("revoked key: %v", err)
		}

		// The other server kept the session; signing out on this one ends
		// it there too, and deactivating a badge ends its new session.
		if _, err := other.FindSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		eventually(t, "other server serves from memory", func() bool {
			before := other.RoundTrips()
			other.FindSession(ctx, token)
			return other.RoundTrips().Sub(before).Statements == want
		})
		sess, err := db.FindSession(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, sess.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, token); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("signed out, this server: %v", err)
		}
		eventually(t, "signed out on the other server", func() bool {
			_, err := other.FindSession(ctx, token)
			return soko.ErrorCode(err) == soko.EUNAUTHORIZED
		})
		_, token = mustSession(t, db, picker)
		if _, err := other.FindSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		picker.Active = false
		if err := db.UpdateStaff(ctx, picker); err != nil {
			t.Fatal(err)
		}
		eventually(t, "deactivated on the other server", func() bool {
			_, err := other.FindSession(ctx, token)
			return soko.ErrorCode(err) == soko.EUNAUTHORIZED
		})
	})
}

// An administrator's psql, whose search path is not soko's schema, ends a
// badge by the table's qualified name: the change is counted in soko's
// schema and heard by the server that kept the session.
func TestAuthCache_WriterInAnotherSchemaIsHeard(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "the other writer's search path is PostgreSQL's")
	storagetest.PostgresRuns.Add(1)
	ctx := context.Background()
	dsn := storagetest.MustPostgresSchemaURL(t)
	db, err := storage.OpenWith(ctx, dsn, storage.Options{ReadOnlyReads: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	picker := mustStaff(t, db, "P001", soko.RolePicker)
	_, token := mustSession(t, db, picker)
	// The session is served from memory before the badge ends: only the
	// notification can end it there.
	eventually(t, "session served from memory", func() bool {
		db.FindSession(ctx, token)
		before := db.RoundTrips()
		_, err := db.FindSession(ctx, token)
		return err == nil && db.RoundTrips().Sub(before).Statements == 0
	})
	admin, err := storage.Open(ctx, os.Getenv("SOKO_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	if err := admin.Exec(ctx, "UPDATE "+schema+".staff SET active = FALSE WHERE badge_code = 'P001'"); err != nil {
		t.Fatalf("the administrator's update: %v", err)
	}
	eventually(t, "the badge ended on the server", func() bool {
		_, err := db.FindSession(ctx, token)
		return soko.ErrorCode(err) == soko.EUNAUTHORIZED
	})
}

// The ship calendar and merchants' webhook endpoints are kept in memory
// too (read by nearly every order and status change); a change counts at
// once on the server that made it, within moments on another (at once on
// SQLite, which reads the count of changes in each transaction), and
// inside the transaction that makes it.
func TestSettingsCache_ChangesCountAtOnce(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		db, other := storagetest.MustOpenTwice(t, dialect)
		m := MustCreateMerchant(t, db, "SAKURA")
		// A staff member changed and their session served since: the
		// settings are kept whatever the count of auth changes is.
		staff := mustStaff(t, db, "P001", soko.RolePicker)
		_, token := mustSession(t, db, staff)
		staff.Name = "ピッカー（改）"
		if err := db.UpdateStaff(ctx, staff); err != nil {
			t.Fatal(err)
		}
		for range 2 { // read, then served from memory: the cache adopts the count
			if _, err := db.FindSession(ctx, token); err != nil {
				t.Fatal(err)
			}
		}
		// What a request's transaction reads, and how many statements it took.
		type seen struct {
			cutOff, endpoints int
			statements        int64
		}
		read := func(db *storage.DB) seen {
			t.Helper()
			var s seen
			before := db.RoundTrips()
			err := db.InTransaction(ctx, func(ctx context.Context) error {
				c, err := db.ShipCalendar(ctx)
				if err != nil {
					return err
				}
				eps, err := db.ListWebhookEndpoints(ctx, m.ID)
				s.cutOff, s.endpoints = c.CutOff, len(eps)
				c.CutOff = -1 // a request's own copy: kept ones do not change
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			s.statements = db.RoundTrips().Sub(before).Statements
			return s
		}
		want := int64(1) // SQLite reads the count of changes
		if dialect == storage.Postgres {
			want = 0
		}
		first := read(db)
		eventually(t, "served from memory", func() bool { return read(db).statements == want })
		if got := read(db); got.cutOff != first.cutOff || got.endpoints != 0 {
			t.Fatalf("kept: %+v, read first: %+v", got, first)
		}
		eventually(t, "the other server serves from memory", func() bool { return read(other).statements == want })

		// Changed on this server: its next request sees it (what its own
		// commit forgot, not the notification it made: deaf to it), the
		// other server's within moments.
		storage.Deaf(db, true)
		t.Cleanup(func() { storage.Deaf(db, false) })
		cal, err := db.ShipCalendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cal.CutOff = first.cutOff + 30
		if err := db.SaveShipCalendar(ctx, cal); err != nil {
			t.Fatal(err)
		}
		if got := read(db); got.cutOff != cal.CutOff {
			t.Fatalf("after the calendar's change on this server: %+v, want cut-off %d", got, cal.CutOff)
		}
		eventually(t, "the other server sees the calendar's change", func() bool { return read(other).cutOff == cal.CutOff })
		if err := db.CreateWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: m.ID, URL: "https://shop.example/hook", Active: true}); err != nil {
			t.Fatal(err)
		}
		if got := read(db); got.endpoints != 1 {
			t.Fatalf("after the new endpoint on this server: %+v, want 1 endpoint", got)
		}
		eventually(t, "the other server sees the new endpoint", func() bool { return read(other).endpoints == 1 })

		// An endpoint deleted on the other server before this one heard of
		// it: a message for it is refused by the database, and the
		// transaction runs again with the endpoints read afresh, whether
		// the message is written by a transaction of its own or by a step
		// of a request's (InTransaction).
		for _, joined := range []bool{false, true} {
			if got := read(db); got.endpoints != 1 {
				t.Fatalf("this server's endpoints before the other deletes one: %+v, want 1", got)
			}
			eps, err := other.ListWebhookEndpoints(ctx, m.ID)
			if err != nil || len(eps) != 1 {
				t.Fatalf("the other server's endpoints: %v %v", eps, err)
			}
			if err := other.DeleteWebhookEndpoint(ctx, m.ID, eps[0].ID); err != nil {
				t.Fatal(err)
			}
			before := db.RoundTrips()
			queue := func(ctx context.Context) error {
				return storage.QueueMerchantEvent(db, ctx, m.ID, "stock.low", map[string]string{"sku": "TOWEL"})
			}
			if joined {
				err = db.InTransaction(ctx, queue)
			} else {
				err = queue(ctx)
			}
			if err != nil {
				t.Fatalf("an event for the deleted endpoint's merchant (joined %v): %v", joined, err)
			}
			if begins := db.RoundTrips().Sub(before).Begins; dialect == storage.Postgres && begins != 2 {
				t.Errorf("the event took %d attempts (joined %v), want 2: refused, then with the endpoints read afresh", begins, joined)
			}
			if got := read(db); got.endpoints != 0 {
				t.Fatalf("after the deleted endpoint's refusal: %+v, want no endpoint", got)
			}
			// For the next round: an endpoint again, which this server
			// knows of at once (its own commit).
			if err := db.CreateWebhookEndpoint(ctx, &soko.WebhookEndpoint{MerchantID: m.ID, URL: "https://shop.example/hook", Active: true}); err != nil {
				t.Fatal(err)
			}
		}
		storage.Deaf(db, false)

		// A transaction that changes the calendar reads its own change.
		err = db.InTransaction(ctx, func(ctx context.Context) error {
			cal.CutOff += 30
			if err := db.SaveShipCalendar(ctx, cal); err != nil {
				return err
			}
			c, err := db.ShipCalendar(ctx)
			if err == nil && c.CutOff != cal.CutOff {
				t.Errorf("inside the changing transaction: cut-off %d, want %d", c.CutOff, cal.CutOff)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// The box types are kept in memory too (every station view and pack
// reads them): a change counts at once on the server that made it and
// within moments on another, a caller's copy is its own, and a pack into
// a box another server has just added is taken before this server hears
// of it (PostgreSQL; SQLite reads the count of changes first).
func TestSettingsCache_BoxTypes(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		db, other := storagetest.MustOpenTwice(t, dialect)
		// Stopped clocks: what is kept stays kept, however slow the machine.
		db.Now = func() time.Time { return storagetest.Fixed }
		other.Now = db.Now
		_, g2, _ := giftSeed(t, db)
		names := func(boxes []soko.BoxType) string {
			var names []string
			for _, b := range boxes {
				names = append(names, b.Code+" "+b.Name)
			}
			return strings.Join(names, ", ")
		}
		// The box types a server's station sees outside a transaction,
		// and how many statements that took: the count of changes on
		// SQLite.
		view := func(db *storage.DB) (string, int64) {
			t.Helper()
			before := db.RoundTrips()
			boxes, err := db.BoxTypes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return names(boxes), db.RoundTrips().Sub(before).Statements
		}
		// The same, in a request that reads them twice (a pack and its
		// answer).
		read := func(db *storage.DB) (string, int64) {
			t.Helper()
			before := db.RoundTrips()
			var boxes []soko.BoxType
			err := db.InTransaction(ctx, func(ctx context.Context) error {
				var err error
				if boxes, err = db.BoxTypes(ctx); err == nil {
					boxes, err = db.BoxTypes(ctx)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			got := names(boxes)
			if len(boxes) > 0 {
				boxes[0].Name = "changed by a caller"
			}
			return got, db.RoundTrips().Sub(before).Statements
		}
		want := int64(1) // SQLite reads the count of changes, once
		if dialect == storage.Postgres {
			want = 0
		}
		for _, s := range []*storage.DB{db, other} {
			eventually(t, "served from memory", func() bool { _, n := read(s); return n == want })
			if got, _ := read(s); got != "BOX60 60サイズ" {
				t.Fatalf("kept: %q", got)
			}
			eventually(t, "served from memory outside a transaction", func() bool { _, n := view(s); return n == want })
		}

		// Changed on this server, deaf to its own notification: its next
		// read sees it (its commit forgot them), the other server's within
		// moments.
		storage.Deaf(db, true)
		t.Cleanup(func() { storage.Deaf(db, false) })
		box := &soko.BoxType{Code: "BOX60", Name: "60サイズ（新）", InnerLengthMM: 250, InnerWidthMM: 200, InnerHeightMM: 150, MaxWeightGrams: 2000, TareGrams: 100, SizeClass: 60}
		boxes, err := db.BoxTypes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		box.ID = boxes[0].ID
		if err := db.UpdateBoxType(ctx, box); err != nil {
			t.Fatal(err)
		}
		if got, _ := read(db); got != "BOX60 60サイズ（新）" {
			t.Fatalf("after the change on this server: %q", got)
		}
		eventually(t, "the other server's station sees the change", func() bool { got, _ := view(other); return got == "BOX60 60サイズ（新）" })
		eventually(t, "the other server sees the change", func() bool { got, _ := read(other); return got == "BOX60 60サイズ（新）" })

		// A box added on the other server, not yet heard of here (deaf): a
		// pack into it is taken (the box is looked up), one into a box
		// nobody added is refused, and the other server lists it at once.
		if err := other.CreateBoxType(ctx, &soko.BoxType{Code: "BOX80", Name: "80サイズ", InnerLengthMM: 430, InnerWidthMM: 310, InnerHeightMM: 200,
			MaxWeightGrams: 5000, TareGrams: 250, SizeClass: 80}); err != nil {
			t.Fatal(err)
		}
		if dialect == storage.Postgres {
			if got, _ := read(db); got != "BOX60 60サイズ（新）" {
				t.Fatalf("deaf, this server already lists %q", got)
			}
		}
		if _, err := db.Pack(ctx, &soko.PackRequest{OrderID: g2.ID, Device: "ST-1", Parcels: []soko.PackedParcel{{BoxCode: "BOX99", WeightGrams: 900}}}); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("a pack into a box nobody added: %v, want refused", err)
		}
		packed, err := db.Pack(ctx, &soko.PackRequest{OrderID: g2.ID, Device: "ST-1",
			Parcels: []soko.PackedParcel{{BoxCode: "BOX80", WeightGrams: 260}}})
		if err != nil || packed.Status != soko.OrderPacked {
			t.Fatalf("a pack into the box the other server added: %v", err)
		}
		if got, _ := read(other); got != "BOX60 60サイズ（新）, BOX80 80サイズ" {
			t.Fatalf("the server that added the box lists %q", got)
		}
	})
}
