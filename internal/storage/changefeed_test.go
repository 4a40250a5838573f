package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustInbounds stores n inbounds of SAKURA's towel, IN-00 …, expected on
// day 0 of storagetest.Fixed's month.
func mustInbounds(tb testing.TB, db *storage.DB, n int) (merchantID int64) {
	tb.Helper()
	seed := mustSmallWarehouse(tb, db)
	merchantID = seed.Merchants[0].ID
	for i := range n {
		in := &soko.Inbound{MerchantID: merchantID, Number: fmt.Sprintf("IN-%02d", i), ExpectedDate: expectedOn(0),
			Lines: []soko.InboundLine{{SKU: "T-1", Quantity: 1}}}
		if err := db.CreateInbound(context.Background(), in); err != nil {
			tb.Fatal(err)
		}
	}
	return merchantID
}

func expectedOn(day int) time.Time {
	return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day)
}

// inboundFeedReader follows a merchant's inbound feed as a sync job does, keeping
// the last state it saw of each inbound.
type inboundFeedReader struct {
	db         *storage.DB
	merchantID int64
	at         soko.Change
	seen       map[string]time.Time
}

// poll reads pages of 4 until the feed has nothing more, checking that
// every item stands after the cursor it was read from.
func (r *inboundFeedReader) poll(t *testing.T) {
	for {
		page := soko.Page{Limit: 4, InChangeOrder: true, AfterChange: r.at}
		ins, err := r.db.ListInbounds(context.Background(), soko.InboundFilter{MerchantID: r.merchantID, Page: page})
		if err != nil {
			t.Error(err)
			return
		}
		for i, in := range ins {
			if i == 4 {
				break
			}
			c := soko.Change{Seq: in.ChangeSeq, ID: in.ID}
			if !c.After(r.at) {
				t.Errorf("%s at %v listed after cursor %v", in.Number, c, r.at)
			}
			r.at, r.seen[in.Number] = c, in.ExpectedDate
		}
		if len(ins) <= 4 {
			return
		}
	}
}

// A sync job paging through inbounds while four writers change them, and
// polling on from its cursor afterwards, ends with every inbound's last
// state: none was skipped, however the writes fell between its pages.
// pollUntil polls until done reports true. On PostgreSQL the feed holds
// back what transactions still running may precede — other tests' too — so
// the last writes can take a few polls to come; a skipped item never does.
func (r *inboundFeedReader) pollUntil(t *testing.T, what string, done func() bool) {
	t.Helper()
	for try := 0; ; try++ {
		r.poll(t)
		if done() {
			return
		}
		if try == 600 {
			t.Fatalf("%s: after %d polls the feed shows %v", what, try, r.seen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestChangeFeed_ConcurrentWriters(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		const inbounds, writers, rounds = 24, 4, 6
		merchantID := mustInbounds(t, db, inbounds)
		ctx := context.Background()
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for round := 1; round <= rounds; round++ {
					for i := w; i < inbounds; i += writers {
						in := &soko.Inbound{MerchantID: merchantID, Number: fmt.Sprintf("IN-%02d", i), ExpectedDate: expectedOn(round),
							Lines: []soko.InboundLine{{SKU: "T-1", Quantity: round}}}
						if err := db.UpdateInbound(ctx, in); err != nil {
							t.Error(err)
							return
						}
					}
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		r := &inboundFeedReader{db: db, merchantID: merchantID, seen: map[string]time.Time{}}
		polls := 0
	paging:
		for {
			select {
			case <-done:
				break paging
			default:
				r.poll(t)
				polls++
			}
		}
		// After the writes, the feed brings the rest.
		r.pollUntil(t, fmt.Sprintf("every inbound on day %d after %d polls during the writes", rounds, polls),
			func() bool { return allOn(r.seen, inbounds, expectedOn(rounds)) })
		// A poll with nothing new lists nothing.
		before := r.at
		r.poll(t)
		if r.at != before {
			t.Fatalf("a poll after catching up moved from %v to %v", before, r.at)
		}
	})
}

func allOn(seen map[string]time.Time, n int, day time.Time) bool {
	if len(seen) != n {
		return false
	}
	for _, d := range seen {
		if !d.Equal(day) {
			return false
		}
	}
	return true
}

// On PostgreSQL transactions commit in another order than they started:
// an inbound changed by a transaction still running is held back, and so
// is every change after it, so the cursor never passes it; once it
// commits both come.
func TestChangeFeed_HoldsBackRunningTransaction(t *testing.T) {
	storagetest.SkipWithoutPostgres(t, "on SQLite writers take turns, so no write commits out of order")
	db := storagetest.MustOpenPostgres(t)
	merchantID := mustInbounds(t, db, 2)
	ctx := context.Background()
	r := &inboundFeedReader{db: db, merchantID: merchantID, seen: map[string]time.Time{}}
	r.pollUntil(t, "both inbounds", func() bool { return len(r.seen) == 2 })

	changed, commit, committed := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	var once sync.Once
	release := func() { once.Do(func() { close(commit) }) }
	t.Cleanup(func() { release(); <-committed }) // a failed test still ends the transaction
	go func() {
		committed <- storage.Transact(db, ctx, func(tx *gorm.DB) error {
			if err := tx.Exec(`UPDATE inbounds SET expected_date = ? WHERE number = 'IN-00'`, expectedOn(1)).Error; err != nil {
				return err
			}
			close(changed)
			<-commit
			return nil
		})
	}()
	<-changed
	if err := db.UpdateInbound(ctx, &soko.Inbound{MerchantID: merchantID, Number: "IN-01", ExpectedDate: expectedOn(1),
		Lines: []soko.InboundLine{{SKU: "T-1", Quantity: 2}}}); err != nil {
		t.Fatal(err)
	}
	r.poll(t)
	if !r.seen["IN-01"].Equal(expectedOn(0)) {
		t.Fatalf("IN-01's change was listed while an earlier transaction still ran: the cursor passed IN-00's change")
	}
	release()
	r.pollUntil(t, "both inbounds on day 1 after the commit", func() bool { return allOn(r.seen, 2, expectedOn(1)) })
}

// Shipments come in the feed when they ship, and again when a tracking
// number is corrected afterwards.
func TestChangeFeed_Shipments(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		merchantID, _ := shippedDock(t, db)
		var at soko.Change
		poll := func(want int) []*soko.Shipment {
			t.Helper()
			var got []*soko.Shipment
			for try := 0; len(got) < want; try++ {
				if try == 600 {
					t.Fatalf("the feed listed %d shipments, want %d", len(got), want)
				}
				if try > 0 {
					time.Sleep(50 * time.Millisecond) // PostgreSQL: other transactions still running
				}
				ss, err := db.ListShipments(ctx, soko.ShipmentFilter{MerchantID: merchantID, Page: soko.Page{InChangeOrder: true, AfterChange: at}})
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range ss {
					at = soko.Change{Seq: s.ChangeSeq, ID: s.ParcelID}
				}
				got = append(got, ss...)
			}
			return got
		}
		shipped := poll(2)
		if len(shipped) != 2 {
			t.Fatalf("shipped parcels in the feed: %d, want 2", len(shipped))
		}
		if err := db.Exec(ctx, fmt.Sprintf(`UPDATE parcels SET tracking_number = '999900000016' WHERE id = %d`, shipped[0].ParcelID)); err != nil {
			t.Fatal(err)
		}
		if again := poll(1); len(again) != 1 || again[0].TrackingNumber != "999900000016" {
			t.Fatalf("after the correction the feed listed %+v", again)
		}
	})
}
