package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestAPIKey_AuthenticateRevoke(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := MustCreateMerchant(t, db, "SAKURA")
		secret, prefix, hash := soko.NewAPIKeySecret()
		k := &soko.APIKey{MerchantID: m.ID, Name: "shop", Prefix: prefix, Hash: hash}
		if err := db.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		var stored int64
		storage.Conn(db, ctx).Table("api_keys").Where("hash = ? OR prefix = ?", secret, secret).Count(&stored)
		if stored != 0 || strings.Contains(hash, secret) {
			t.Fatal("the secret itself is stored")
		}
		got, err := db.Authenticate(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if got.MerchantID != m.ID || got.LastUsedAt.IsZero() {
			t.Fatalf("authenticated %+v", got)
		}
		if _, err := db.Authenticate(ctx, secret+"x"); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("wrong secret: got %v", err)
		}
		if err := db.RevokeAPIKey(ctx, prefix); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, secret); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("revoked key: got %v", err)
		}
		if err := db.RevokeAPIKey(ctx, prefix); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("second revoke: got %v", err)
		}
	})
}
