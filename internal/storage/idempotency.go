package storage

import (
	"context"
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
// false). Keys older than the window, and claims abandoned for longer than
// stale, are given to the new request. Run in the request's InTransaction,
// the claim commits with the request's effect and answer, or not at all: a
// retry sent while the first request runs waits for its commit (the key's
// unique index holds it) and finds the answer, and a request whose process
// died left no claim behind.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, r *soko.IdempotentRequest, stale time.Duration) (prior *soko.IdempotentRequest, claimed bool, err error) {
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		// One statement when the key is new, the usual case; a key in use
		// is left alone, without the error that would end a PostgreSQL
		// transaction.
		res := tx.Exec(`INSERT INTO idempotency_keys (merchant_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (merchant_id, key) DO NOTHING`, r.MerchantID, r.Key, r.RequestHash, now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			claimed = true
			return nil
		}
		var row idempotencyRow
		if err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND key = ?", r.MerchantID, r.Key).Take(&row).Error; err != nil {
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

// FinishIdempotentRequest stores the answer a claimed request gave, to
// replay it. Inside a transaction the answer waits for its commit, and is
// written with what else waits for it (writePending).
func (db *DB) FinishIdempotentRequest(ctx context.Context, r *soko.IdempotentRequest) error {
	if n := notesIn(db.conn(ctx)); n != nil {
		n.pendingAnswer = r
		return nil
	}
	return db.writeOne(ctx, func(g *gorm.DB) error { return writeAnswer(g, r) })
}

// answerSQL stores a claimed request's answer (answerArgs).
const answerSQL = `UPDATE idempotency_keys SET status_code = ?, content_type = ?, response_body = ? WHERE merchant_id = ? AND key = ? AND request_hash = ?`

func answerArgs(r *soko.IdempotentRequest) []any {
	return []any{r.Status, r.ContentType, string(r.Body), r.MerchantID, r.Key, r.RequestHash}
}

func writeAnswer(tx *gorm.DB, r *soko.IdempotentRequest) error {
	return tx.Exec(answerSQL, answerArgs(r)...).Error
}

// ReleaseIdempotencyKey forgets a claimed request that failed without
// changing anything, so the client's retry runs it afresh.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, merchantID int64, key string) error {
	return db.writeOne(ctx, func(g *gorm.DB) error {
		return g.Where("merchant_id = ? AND key = ? AND status_code = 0", merchantID, key).Delete(&idempotencyRow{}).Error
	})
}

// PurgeIdempotencyKeys deletes keys older than the window and returns how many.
func (db *DB) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	return db.execOne(runAlone(ctx), `DELETE FROM idempotency_keys WHERE created_at < ?`, db.now().Add(-soko.IdempotencyWindow))
}
