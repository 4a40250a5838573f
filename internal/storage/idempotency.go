package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type idempotencyRow struct {
	ID           int64
	MerchantID   int64
	Key          string
	RequestHash  string
	StatusCode   int
	ContentType  string
	ResponseBody string
	CreatedAt    time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

func (r idempotencyRow) request() *soko.IdempotentRequest {
	return &soko.IdempotentRequest{
		MerchantID: r.MerchantID, Key: r.Key, RequestHash: r.RequestHash, Status: r.StatusCode,
		ContentType: r.ContentType, Body: []byte(r.ResponseBody), CreatedAt: r.CreatedAt.UTC(),
	}
}

// ClaimIdempotencyKey records that the request r is starting, unless the
// merchant used r.Key before: then it returns that earlier request (claimed
// false), finished or still running. Keys older than the window, and claims
// abandoned for longer than stale, are given to the new request.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, r *soko.IdempotentRequest, stale time.Duration) (prior *soko.IdempotentRequest, claimed bool, err error) {
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var row idempotencyRow
		err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND key = ?", r.MerchantID, r.Key).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			claimed = true
			return tx.Create(&idempotencyRow{MerchantID: r.MerchantID, Key: r.Key, RequestHash: r.RequestHash, CreatedAt: now}).Error
		case err != nil:
			return err
		}
		expired := now.Sub(row.CreatedAt) > soko.IdempotencyWindow
		abandoned := row.StatusCode == 0 && now.Sub(row.CreatedAt) > stale
		if expired || abandoned {
			claimed = true
			return tx.Model(&idempotencyRow{}).Where("id = ?", row.ID).Updates(map[string]any{
				"request_hash": r.RequestHash, "status_code": 0, "content_type": "", "response_body": "", "created_at": now,
			}).Error
		}
		prior = row.request()
		return nil
	})
	if err != nil {
		// An insert that lost a race to another request with the same key
		// finds that request's row on the next look.
		if soko.ErrorCode(err) == soko.ECONFLICT {
			p, err := db.FindIdempotentRequest(ctx, r.MerchantID, r.Key)
			return p, false, err
		}
		return nil, false, err
	}
	return prior, claimed, nil
}

// FindIdempotentRequest returns the request remembered under a merchant's key.
func (db *DB) FindIdempotentRequest(ctx context.Context, merchantID int64, key string) (*soko.IdempotentRequest, error) {
	var row idempotencyRow
	if err := db.conn(ctx).Where("merchant_id = ? AND key = ?", merchantID, key).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.request(), nil
}

// FinishIdempotentRequest stores the answer a claimed request gave, to replay it.
func (db *DB) FinishIdempotentRequest(ctx context.Context, r *soko.IdempotentRequest) error {
	return translate(db.conn(ctx).Model(&idempotencyRow{}).
		Where("merchant_id = ? AND key = ? AND request_hash = ?", r.MerchantID, r.Key, r.RequestHash).
		Updates(map[string]any{"status_code": r.Status, "content_type": r.ContentType, "response_body": string(r.Body)}).Error)
}

// ReleaseIdempotencyKey forgets a claimed request that failed without
// changing anything, so the client's retry runs it afresh.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, merchantID int64, key string) error {
	return translate(db.conn(ctx).Where("merchant_id = ? AND key = ? AND status_code = 0", merchantID, key).
		Delete(&idempotencyRow{}).Error)
}

// PurgeIdempotencyKeys deletes keys older than the window and returns how many.
func (db *DB) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	res := db.conn(ctx).Where("created_at < ?", db.now().Add(-soko.IdempotencyWindow)).Delete(&idempotencyRow{})
	return res.RowsAffected, translate(res.Error)
}
