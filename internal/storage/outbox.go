package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/soko-wms/soko/internal/soko"
)

type webhookDeliveryRow struct {
	ID         int64
	OutboxID   int64
	Attempt    int
	StatusCode int
	Error      string
	DurationMS int `gorm:"column:duration_ms"`
	CreatedAt  time.Time
}

func (webhookDeliveryRow) TableName() string { return "webhook_deliveries" }

// ClaimDue takes up to limit pending messages of the channel that are due,
// most overdue first, and pushes their next attempt lease ahead, so no other
// worker, in this process or another, takes them while this one delivers;
// if it dies, they come due again when the lease ends. It returns the
// messages and the webhook endpoints they are for, by endpoint id (an
// endpoint removed since is missing from the map).
func (db *DB) ClaimDue(ctx context.Context, channel string, limit int, lease time.Duration) ([]soko.OutboxMessage, map[int64]*soko.WebhookEndpoint, error) {
	now := db.now()
	until := now.Add(lease).Truncate(time.Microsecond)
	var rows []outboxRow
	var eps []webhookEndpointRow
	err := db.transact(ctx, func(tx *gorm.DB) error {
		q := tx.Where("channel = ? AND status = ? AND next_attempt_at <= ?", channel, string(soko.OutboxPending), now).
			Order("next_attempt_at, id").Limit(limit)
		if db.dialect == Postgres {
			// Rows another worker holds are skipped rather than waited for;
			// on SQLite, BEGIN IMMEDIATE already lets one claimer in at a time.
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Find(&rows).Error; err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int64, len(rows))
		endpoints := map[int64]bool{}
		for i, r := range rows {
			ids[i] = r.ID
			if r.EndpointID != nil {
				endpoints[*r.EndpointID] = true
			}
		}
		if err := tx.Model(&outboxRow{}).Where("id IN ?", ids).Update("next_attempt_at", until).Error; err != nil {
			return err
		}
		return tx.Where("id IN ?", keys(endpoints)).Find(&eps).Error
	})
	if err != nil {
		return nil, nil, err
	}
	ms := make([]soko.OutboxMessage, len(rows))
	for i, r := range rows {
		r.NextAttemptAt = until
		ms[i] = *r.message()
	}
	endpoints := make(map[int64]*soko.WebhookEndpoint, len(eps))
	for _, ep := range eps {
		endpoints[ep.ID] = ep.endpoint()
	}
	return ms, endpoints, nil
}

// RecordDelivery logs one attempt to deliver m, a message ClaimDue handed
// out, and moves it on: delivered, dead, or pending again at next. Only the
// worker holding m's lease records: one that outlived its lease, whose
// message another worker may have taken since, changes nothing.
func (db *DB) RecordDelivery(ctx context.Context, m soko.OutboxMessage, attempt soko.WebhookDelivery, delivered bool, next time.Time, dead bool) error {
	now := db.now()
	id := m.ID
	return db.transact(ctx, func(tx *gorm.DB) error {
		var row outboxRow
		err := lockForUpdate(tx, db.dialect).Where("id = ?", id).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return soko.Errorf(soko.ENOTFOUND, "no outbox message %d", id)
		} else if err != nil {
			return err
		}
		if row.Status != string(soko.OutboxPending) || !row.NextAttemptAt.Equal(m.NextAttempt) || row.Attempts != m.Attempts {
			// The lease ran out and the message is another worker's now
			// (or was redelivered): this late answer changes nothing.
			return nil
		}
		at := attempt.CreatedAt
		if at.IsZero() {
			at = now
		}
		if err := tx.Create(&webhookDeliveryRow{
			OutboxID: id, Attempt: row.Attempts + 1, StatusCode: attempt.StatusCode, Error: attempt.Error,
			DurationMS: attempt.DurationMS, CreatedAt: at.UTC().Truncate(time.Microsecond),
		}).Error; err != nil {
			return err
		}
		update := map[string]any{"attempts": row.Attempts + 1, "last_error": attempt.Error}
		switch {
		case delivered:
			update["status"], update["last_error"] = string(soko.OutboxDelivered), ""
		case dead:
			update["status"] = string(soko.OutboxDead)
		default:
			update["status"], update["next_attempt_at"] = string(soko.OutboxPending), next.UTC().Truncate(time.Microsecond)
		}
		return tx.Model(&outboxRow{}).Where("id = ?", id).Updates(update).Error
	})
}

// ListDeliveryAttempts returns the log of attempts to deliver message id, oldest first.
func (db *DB) ListDeliveryAttempts(ctx context.Context, id int64) ([]soko.WebhookDelivery, error) {
	var rows []webhookDeliveryRow
	if err := db.conn(ctx).Where("outbox_id = ?", id).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.WebhookDelivery, len(rows))
	for i, r := range rows {
		out[i] = soko.WebhookDelivery{
			ID: r.ID, OutboxID: r.OutboxID, Attempt: r.Attempt, StatusCode: r.StatusCode, Error: r.Error,
			DurationMS: r.DurationMS, CreatedAt: r.CreatedAt.UTC(),
		}
	}
	return out, nil
}
