package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type webhookEndpointRow struct {
	ID         int64
	MerchantID int64
	URL        string `gorm:"column:url"`
	Secret     string
	Active     bool
	EventTypes string
	CreatedAt  time.Time
	UpdatedAt  *time.Time
	// PreviousSecret signs beside Secret until PreviousSecretUntil.
	PreviousSecret      string
	PreviousSecretUntil *time.Time
}

func (webhookEndpointRow) TableName() string { return "webhook_endpoints" }

func (r webhookEndpointRow) endpoint() *soko.WebhookEndpoint {
	ep := &soko.WebhookEndpoint{
		ID: r.ID, MerchantID: r.MerchantID, URL: r.URL, Secret: r.Secret, Active: r.Active,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: fromNull(r.UpdatedAt),
		PreviousSecret: r.PreviousSecret, PreviousSecretUntil: fromNull(r.PreviousSecretUntil),
	}
	if r.EventTypes != "" {
		ep.EventTypes = strings.Split(r.EventTypes, ",")
	}
	return ep
}

type outboxRow struct {
	ID            int64
	Channel       string
	EventType     string
	OrderID       *int64
	MerchantID    int64
	ProductID     *int64 // stock.changed: the product it tells of
	Payload       string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	OrderNumber   *string `gorm:"->"` // read from a join, never written
}

func (outboxRow) TableName() string { return "outbox" }

func webhookEndpointOf(tx *gorm.DB, merchantID int64) (*soko.WebhookEndpoint, error) {
	var row webhookEndpointRow
	err := tx.Where("merchant_id = ?", merchantID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.endpoint(), nil
}

// FindWebhookEndpoint returns the merchant's endpoint, or ENOTFOUND when none is set.
func (db *DB) FindWebhookEndpoint(ctx context.Context, merchantID int64) (*soko.WebhookEndpoint, error) {
	ep, err := webhookEndpointOf(db.conn(ctx), merchantID)
	if err != nil {
		return nil, translate(err)
	}
	if ep == nil {
		return nil, soko.Errorf(soko.ENOTFOUND, "no webhook endpoint is set").JA("Webhookの送信先は設定されていません")
	}
	return ep, nil
}

// PutWebhookEndpoint sets the merchant's endpoint. A new endpoint, or
// rotate, gets a fresh signing secret; newSecret tells the caller to show it.
// A rotated-out secret keeps signing beside the new one for
// soko.WebhookSecretOverlap; rotating again within it ends the older one.
func (db *DB) PutWebhookEndpoint(ctx context.Context, ep *soko.WebhookEndpoint, rotate bool) (newSecret bool, err error) {
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var row webhookEndpointRow
		err := lockForUpdate(tx, db.dialect).Where("merchant_id = ?", ep.MerchantID).Take(&row).Error
		found := err == nil
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		var before any
		if found {
			before = webhookAuditOf(row)
		}
		if found && rotate {
			until := now.Add(soko.WebhookSecretOverlap)
			row.PreviousSecret, row.PreviousSecretUntil = row.Secret, &until
		}
		if !found || rotate {
			row.Secret = newWebhookSecret()
			newSecret = true
		}
		row.MerchantID, row.URL, row.Active = ep.MerchantID, ep.URL, ep.Active
		row.EventTypes = strings.Join(ep.EventTypes, ",")
		row.UpdatedAt = &now
		if !found {
			row.CreatedAt = now
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		} else if err := tx.Save(&row).Error; err != nil {
			return err
		}
		*ep = *row.endpoint()
		after := webhookAuditOf(row)
		after.SecretRotated = found && rotate
		return audit(tx, now, soko.AuditWebhookPut, "webhook_endpoint", row.ID, before, after)
	})
	return newSecret, err
}

func newWebhookSecret() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return "whsec_" + hex.EncodeToString(b[:])
}

// ListWebhookDeliveries returns a page of the merchant's webhook messages,
// newest first; status filters when set.
func (db *DB) ListWebhookDeliveries(ctx context.Context, merchantID int64, status soko.OutboxStatus, page soko.Page) ([]*soko.OutboxMessage, error) {
	return db.ListDeliveries(ctx, soko.DeliveryFilter{MerchantID: merchantID, Channel: "webhook", Status: status}, page)
}

// ListDeliveries returns a page of outbox messages, newest first, narrowed
// by f, with their merchants' names and order numbers.
func (db *DB) ListDeliveries(ctx context.Context, f soko.DeliveryFilter, page soko.Page) ([]*soko.OutboxMessage, error) {
	q := db.conn(ctx).Table("outbox").Select("outbox.*, orders.number AS order_number").
		Joins("LEFT JOIN orders ON orders.id = outbox.order_id")
	if f.MerchantID != 0 {
		q = q.Where("outbox.merchant_id = ?", f.MerchantID)
	}
	if f.Channel != "" {
		q = q.Where("outbox.channel = ?", f.Channel)
	}
	if f.Status != "" {
		q = q.Where("outbox.status = ?", string(f.Status))
	}
	if page.After > 0 {
		q = q.Where("outbox.id < ?", page.After)
	}
	var rows []outboxRow
	if err := q.Order("outbox.id DESC").Limit(page.Size() + 1).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.OutboxMessage, len(rows))
	for i, r := range rows {
		out[i] = r.message()
		if r.OrderNumber != nil {
			out[i].OrderNumber = *r.OrderNumber
		}
	}
	return out, nil
}

func (r outboxRow) message() *soko.OutboxMessage {
	m := &soko.OutboxMessage{
		ID: r.ID, Channel: r.Channel, EventType: r.EventType, MerchantID: r.MerchantID, Payload: []byte(r.Payload),
		Status: soko.OutboxStatus(r.Status), Attempts: r.Attempts, NextAttempt: r.NextAttemptAt.UTC(),
		LastError: r.LastError, CreatedAt: r.CreatedAt.UTC(),
	}
	if r.OrderID != nil {
		m.OrderID = *r.OrderID
	}
	return m
}

// Delivery returns one outbox message of any merchant, for supervisors.
func (db *DB) Delivery(ctx context.Context, id int64) (*soko.OutboxMessage, error) {
	ms, err := db.ListDeliveries(ctx, soko.DeliveryFilter{}, soko.Page{After: id + 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 || ms[0].ID != id {
		return nil, soko.Errorf(soko.ENOTFOUND, "no delivery %d", id).JA("配信 %d は見つかりません", id)
	}
	return ms[0], nil
}

// RedeliverWebhook queues one of the merchant's webhook messages to be sent
// again now, whatever became of it before.
func (db *DB) RedeliverWebhook(ctx context.Context, merchantID, id int64) (*soko.OutboxMessage, error) {
	return db.Redeliver(ctx, soko.DeliveryFilter{MerchantID: merchantID, Channel: "webhook"}, id)
}

// Redeliver queues outbox message id, if f lets it be seen, to be sent
// again now (a supervisor's or merchant's retry of a dead or delivered
// message); a pending one is left to the worker (ECONFLICT).
func (db *DB) Redeliver(ctx context.Context, f soko.DeliveryFilter, id int64) (*soko.OutboxMessage, error) {
	now := db.now()
	var erased int64
	if err := db.conn(ctx).Table("outbox").Joins("JOIN orders ON orders.id = outbox.order_id").
		Where("outbox.id = ? AND outbox.channel = 'email' AND orders.personal_data_erased_at IS NOT NULL", id).Count(&erased).Error; err != nil {
		return nil, translate(err)
	}
	if erased > 0 {
		// Its customer's address is gone on their request or by retention.
		return nil, soko.Errorf(soko.ECONFLICT, "delivery %d cannot be sent again: its customer's personal data was erased", id).
			JA("配信 %d は再送できません。お客様の個人情報は削除済みです", id)
	}
	q := db.conn(ctx).Model(&outboxRow{}).Where("id = ? AND status <> ?", id, string(soko.OutboxPending))
	if f.MerchantID != 0 {
		q = q.Where("merchant_id = ?", f.MerchantID)
	}
	if f.Channel != "" {
		q = q.Where("channel = ?", f.Channel)
	}
	// A redelivered message gets a fresh day of retries: created_at starts
	// the worker's 24 hours (the event's own time is in its payload).
	res := q.Updates(map[string]any{"status": string(soko.OutboxPending), "next_attempt_at": now, "created_at": now})
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		// Pending messages are left alone: one may be being sent right now,
		// and sending it again now would send it twice.
		ms, err := db.ListDeliveries(ctx, f, soko.Page{After: id + 1, Limit: 1})
		if err == nil && len(ms) > 0 && ms[0].ID == id {
			return nil, soko.Errorf(soko.ECONFLICT, "delivery %d is pending already: it will be sent", id).
				JA("配信 %d は送信待ちです。まもなく送信されます", id)
		}
		return nil, soko.Errorf(soko.ENOTFOUND, "no delivery %d", id).JA("配信 %d は見つかりません", id)
	}
	ms, err := db.ListDeliveries(ctx, f, soko.Page{After: id + 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	return ms[0], nil
}
