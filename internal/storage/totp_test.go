package storage_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// One code sent by several requests at once signs in once, and the
// recovery codes are stored only as hashes.
func TestTOTP_OneCodeOnceUnderRace(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := soko.WithActor(context.Background(), soko.Actor{Kind: soko.ActorCLI})
		now := storagetest.Fixed
		db.Now = func() time.Time { return now }
		u := mustPortalUser(t, db, "SAKURA", "owner@sakura.example", soko.PortalOwner)
		secret, err := db.StartTOTP(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		codes, err := db.ConfirmTOTP(ctx, u.ID, soko.TOTPCode(secret, soko.TOTPStep(now)))
		if err != nil || len(codes) != soko.RecoveryCodeCount {
			t.Fatalf("confirm: %v %v", codes, err)
		}
		var stored []string
		if err := storage.Conn(db, ctx).Raw(`SELECT code_hash FROM totp_recovery_codes WHERE portal_user_id = ?`, u.ID).Scan(&stored).Error; err != nil {
			t.Fatal(err)
		}
		if len(stored) != soko.RecoveryCodeCount || strings.Contains(strings.Join(stored, " "), codes[0]) {
			t.Fatalf("recovery codes stored as %v", stored)
		}

		now = now.Add(soko.TOTPPeriod)
		challenge, err := db.CreateTOTPChallenge(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		code := soko.TOTPCode(secret, soko.TOTPStep(now))
		var wg sync.WaitGroup
		var mu sync.Mutex
		passed, wrong := 0, 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := db.PassTOTPChallenge(ctx, u.ID, challenge, code)
				mu.Lock()
				defer mu.Unlock()
				switch soko.ErrorCode(err) {
				case "":
					passed++
				case soko.EUNAUTHORIZED:
					wrong++
				default:
					t.Errorf("pass: %v", err)
				}
			}()
		}
		wg.Wait()
		if passed != 1 || wrong != 3 {
			t.Fatalf("%d passed, %d refused; want 1 and 3", passed, wrong)
		}
	})
}
