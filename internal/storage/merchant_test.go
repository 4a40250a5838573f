package storage_test

import (
	"context"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// MustCreateMerchant stores a merchant with code and fails the test on error.
func MustCreateMerchant(tb testing.TB, db *storage.DB, code string) *soko.Merchant {
	tb.Helper()
	m := &soko.Merchant{Code: code, Name: "テスト商店 " + code, Sender: soko.Address{PostalCode: "1000005", Prefecture: "東京都"}}
	if err := db.CreateMerchant(context.Background(), m); err != nil {
		tb.Fatalf("create merchant %s: %v", code, err)
	}
	return m
}

func TestMerchant_CreateFindAndDuplicate(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := MustCreateMerchant(t, db, "SAKURA")
		got, err := db.FindMerchantByCode(ctx, "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != m.ID || got.Name != m.Name || got.Sender.Prefecture != "東京都" || !got.CreatedAt.Equal(storage.NowOf(db)) {
			t.Fatalf("found %+v, stored %+v", got, m)
		}
		err = db.CreateMerchant(ctx, &soko.Merchant{Code: "SAKURA", Name: "別の店"})
		if soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("duplicate code: got %v, want conflict", err)
		}
		if _, err := db.FindMerchantByCode(ctx, "NOPE"); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("unknown code: got %v, want not found", err)
		}
		if err := db.CreateMerchant(ctx, &soko.Merchant{Code: "bad code", Name: "x"}); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("bad code: got %v, want invalid", err)
		}
	})
}
