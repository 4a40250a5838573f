package storage

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type apiKeyRow struct {
	ID         int64
	MerchantID int64
	Name       string
	Prefix     string
	Hash       string
	Scopes     string
	ExpiresAt  *time.Time
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (apiKeyRow) TableName() string { return "api_keys" }

func (r apiKeyRow) apiKey() *soko.APIKey {
	k := &soko.APIKey{
		ID: r.ID, MerchantID: r.MerchantID, Name: r.Name, Prefix: r.Prefix, Hash: r.Hash, ExpiresAt: fromNull(r.ExpiresAt),
		CreatedAt: r.CreatedAt.UTC(), LastUsedAt: fromNull(r.LastUsedAt), RevokedAt: fromNull(r.RevokedAt),
	}
	if r.Scopes != "" {
		k.Scopes = strings.Split(r.Scopes, ",")
	}
	return k
}

// CreateAPIKey stores a key's prefix and hash (never its secret) and sets its ID.
func (db *DB) CreateAPIKey(ctx context.Context, k *soko.APIKey) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		if err := createAPIKey(tx, k, now); err != nil {
			return err
		}
		return audit(tx, now, soko.AuditAPIKeyCreate, "api_key", k.ID, nil, apiKeyAudit{MerchantID: k.MerchantID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, ExpiresAt: auditTime(k.ExpiresAt)})
	})
}

func createAPIKey(tx *gorm.DB, k *soko.APIKey, now time.Time) error {
	k.CreatedAt = now
	row := apiKeyRow{MerchantID: k.MerchantID, Name: k.Name, Prefix: k.Prefix, Hash: k.Hash, Scopes: strings.Join(k.Scopes, ","), ExpiresAt: nullTime(k.ExpiresAt), CreatedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	k.ID = row.ID
	return nil
}

// RevokeAPIKey stops the key with prefix from working, at once and for good.
func (db *DB) RevokeAPIKey(ctx context.Context, prefix string) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		var row apiKeyRow
		if err := lockForUpdate(tx, db.dialect).Where("prefix = ? AND revoked_at IS NULL", prefix).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no working API key %s", prefix).JA("有効なAPIキー %s はありません", prefix)
			}
			return err
		}
		return revokeAPIKey(tx, row, now)
	})
}

// revokeAPIKey stops a working key and writes the audit row saying so.
func revokeAPIKey(tx *gorm.DB, row apiKeyRow, now time.Time) error {
	before := apiKeyAuditOf(row)
	if err := tx.Model(&apiKeyRow{}).Where("id = ?", row.ID).Update("revoked_at", now).Error; err != nil {
		return err
	}
	authChanged(tx)
	row.RevokedAt = &now
	return audit(tx, now, soko.AuditAPIKeyRevoke, "api_key", row.ID, before, apiKeyAuditOf(row))
}

// ListAPIKeys returns a merchant's keys, newest first.
func (db *DB) ListAPIKeys(ctx context.Context, merchantID int64) ([]*soko.APIKey, error) {
	var rows []apiKeyRow
	if err := db.conn(ctx).Where("merchant_id = ?", merchantID).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	ks := make([]*soko.APIKey, len(rows))
	for i, r := range rows {
		ks[i] = r.apiKey()
	}
	return ks, nil
}

// Authenticate returns the working key whose secret this is and records its
// use. Unknown, revoked and expired keys are the same EUNAUTHORIZED to the
// caller. A key read in the last few seconds is answered from this
// server's memory (authcache.go).
func (db *DB) Authenticate(ctx context.Context, secret string) (*soko.APIKey, error) {
	hash, now := soko.HashAPIKey(secret), db.now()
	var k *soko.APIKey
	if c, ok := cached(ctx, db, db.auth.keys, hash, now); ok {
		k = &c
	}
	keep := func() {}
	if k == nil {
		gen := db.auth.generation()
		var rows []struct {
			Key         apiKeyRow `gorm:"embedded"`
			AuthChanges int64
		}
		err := db.conn(ctx).Raw(`SELECT api_keys.*, (SELECT n FROM auth_changes WHERE id = 1) AS auth_changes
			FROM api_keys WHERE hash = ? AND revoked_at IS NULL`, hash).Scan(&rows).Error
		if err != nil {
			return nil, translate(err)
		}
		if len(rows) == 0 {
			return nil, soko.Errorf(soko.EUNAUTHORIZED, "unknown or revoked API key").JA("APIキーが無効です")
		}
		k = rows[0].Key.apiKey()
		keep = func() { cachePut(db.auth, db.auth.keys, hash, gen, rows[0].AuthChanges, *copyAPIKey(*k), now) }
	}
	if k.Expired(now) {
		return nil, soko.Errorf(soko.EUNAUTHORIZED, "unknown or revoked API key").JA("APIキーが無効です")
	}
	// Last use is kept to the minute: writing it on every request would make
	// each read a write.
	if k.LastUsedAt.IsZero() || now.Sub(k.LastUsedAt) > time.Minute {
		err := db.writeOne(ctx, func(g *gorm.DB) error {
			return g.Model(&apiKeyRow{}).Where("id = ?", k.ID).Update("last_used_at", now).Error
		})
		if err != nil {
			return nil, err
		}
		k.LastUsedAt = now
		db.auth.usedKey(hash, now)
	}
	keep()
	return copyAPIKey(*k), nil
}

// copyAPIKey copies a key and its scopes, so that no request changes
// another's.
func copyAPIKey(k soko.APIKey) *soko.APIKey {
	k.Scopes = slices.Clone(k.Scopes)
	return &k
}
