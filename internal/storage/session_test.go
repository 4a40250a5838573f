package storage_test

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// claimAll sends n PIN attempts for a badge at once and returns those let through.
func claimAll(t *testing.T, db *storage.DB, staffID int64, n int) []*soko.PINAttempt {
	t.Helper()
	var mu sync.Mutex
	var claimed []*soko.PINAttempt
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := db.ClaimPINAttempt(context.Background(), staffID, "")
			if soko.ErrorCode(err) == soko.ELOCKED {
				return
			}
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			claimed = append(claimed, a)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return claimed
}

// 64 guesses at once: five are checked, the rest wait for the lock; after
// the wait one more is checked, then the badge waits twice as long.
func TestSession_ParallelWrongPINs(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		now := storagetest.Fixed
		db.Now = func() time.Time { return now }
		p := mustStaff(t, db, "P001", soko.RolePicker)
		if got := claimAll(t, db, p.ID, 64); len(got) != soko.MaxWrongPINs {
			t.Fatalf("%d PINs checked out of 64 parallel guesses, want %d", len(got), soko.MaxWrongPINs)
		}
		st, _ := db.StaffByID(context.Background(), p.ID)
		if want := now.Add(time.Minute); !st.LockedUntil.Equal(want) {
			t.Fatalf("locked until %v, want %v", st.LockedUntil, want)
		}
		now = now.Add(time.Minute + time.Second)
		if got := claimAll(t, db, p.ID, 16); len(got) != 1 {
			t.Fatalf("after the first wait %d PINs checked, want 1", len(got))
		}
		st, _ = db.StaffByID(context.Background(), p.ID)
		if want := now.Add(2 * time.Minute); !st.LockedUntil.Equal(want) {
			t.Fatalf("second wait until %v, want %v", st.LockedUntil, want)
		}
	})
}

// The right PIN among guesses takes back its own count only: the guesses
// stay counted, and the lock still comes after five wrong PINs.
func TestSession_RightPINKeepsOthersCount(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p := mustStaff(t, db, "P001", soko.RolePicker)
		claimAll(t, db, p.ID, 3)
		right, err := db.ClaimPINAttempt(ctx, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SettlePINAttempt(ctx, right, true, "device-a"); err != nil {
			t.Fatal(err)
		}
		if got := claimAll(t, db, p.ID, 10); len(got) != 2 {
			t.Fatalf("%d more guesses checked after the right PIN, want 2 (3 were already counted)", len(got))
		}
	})
}

// A device the picker signed in on still signs in while guesses from
// elsewhere keep the badge locked, and it has its own five tries.
func TestSession_TrustedDeviceDuringLock(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p := mustStaff(t, db, "P001", soko.RolePicker)
		a, err := db.ClaimPINAttempt(ctx, p.ID, "handheld-7")
		if err != nil || a.DeviceID != 0 {
			t.Fatalf("unknown device: %+v, %v; want the badge's count", a, err)
		}
		if err := db.SettlePINAttempt(ctx, a, true, "handheld-7"); err != nil {
			t.Fatal(err)
		}
		claimAll(t, db, p.ID, 20)
		if _, err := db.ClaimPINAttempt(ctx, p.ID, "stranger"); soko.ErrorCode(err) != soko.ELOCKED {
			t.Fatalf("another device during the lock: %v, want locked", err)
		}
		for i := range soko.MaxWrongPINs {
			a, err := db.ClaimPINAttempt(ctx, p.ID, "handheld-7")
			if err != nil || a.DeviceID == 0 {
				t.Fatalf("trusted device try %d: %+v, %v", i+1, a, err)
			}
		}
		if _, err := db.ClaimPINAttempt(ctx, p.ID, "handheld-7"); soko.ErrorCode(err) != soko.ELOCKED {
			t.Fatalf("trusted device after five wrong PINs of its own: %v, want the badge's lock", err)
		}
	})
}

// Parallel hits in one window each get their own number, on every process
// sharing the database.
func TestRateWindow_ParallelHits(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		start := storagetest.Fixed.Truncate(time.Minute)
		var mu sync.Mutex
		var got []int
		var wg sync.WaitGroup
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := db.Hit(context.Background(), "signin:ip:192.0.2.1", start)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}()
		}
		wg.Wait()
		sort.Ints(got)
		for i, n := range got {
			if n != i+1 {
				t.Fatalf("hits %v, want 1…64 each once", got)
			}
		}
		if err := db.Unhit(context.Background(), "signin:ip:192.0.2.1", start); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.Hits(context.Background(), "signin:ip:192.0.2.1", start); n != 63 {
			t.Fatalf("after one taken back: %d, want 63", n)
		}
		if n, _ := db.Hits(context.Background(), "signin:ip:192.0.2.1", start.Add(time.Minute)); n != 0 {
			t.Fatalf("next window: %d, want 0", n)
		}
	})
}

// A key's budget holds however many processes spend from it in parallel:
// of 64 requests at one instant on two connection pools, exactly the burst
// fits, and a token comes back each interval.
func TestRateBudget_SharedAcrossProcesses(t *testing.T) {
	storagetest.ForEachDialectName(t, func(t *testing.T, dialect string) {
		one, two := storagetest.MustOpenTwice(t, dialect)
		now := storagetest.Fixed
		ctx := context.Background()
		var fitted atomic.Int64
		var wg sync.WaitGroup
		for i := range 64 {
			db := one
			if i%2 == 1 {
				db = two
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, fits, err := db.Spend(ctx, "apikey:1", now, time.Second, 10)
				if err != nil {
					t.Error(err)
				}
				if fits {
					fitted.Add(1)
				}
			}()
		}
		wg.Wait()
		if n := fitted.Load(); n != 10 {
			t.Fatalf("%d requests fitted a burst of 10", n)
		}
		full, fits, err := two.Spend(ctx, "apikey:1", now.Add(time.Second), time.Second, 10)
		if err != nil || !fits || !full.Equal(now.Add(11*time.Second)) {
			t.Fatalf("a second later: fits %v, full at %v (%v); want one token back, full 11 s after the burst", fits, full, err)
		}
		if _, fits, _ := one.Spend(ctx, "apikey:1", now.Add(time.Second), time.Second, 10); fits {
			t.Fatal("a second request in the same second fitted")
		}
		if _, fits, _ := one.Spend(ctx, "apikey:2", now, time.Second, 10); !fits {
			t.Fatal("another key's budget was spent too")
		}
		// A bucket left alone refills whole, no more.
		full, fits, _ = one.Spend(ctx, "apikey:1", now.Add(time.Hour), time.Second, 10)
		if !fits || !full.Equal(now.Add(time.Hour+time.Second)) {
			t.Fatalf("an hour later: fits %v, full at %v; want a full bucket less one", fits, full)
		}
	})
}
