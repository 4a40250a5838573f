package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
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
	EndpointID    *int64 // webhook: the endpoint it is for
	Payload       string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	OrderNumber   *string `gorm:"->"` // read from a join, never written
}

func (outboxRow) TableName() string { return "outbox" }

// webhookRecipients are merchants' webhook endpoints, by merchant, oldest first.
type webhookRecipients map[int64][]*soko.WebhookEndpoint

// recipientsOf reads the webhook endpoints of the merchants, once per
// transaction: an order's events and its stock changes, written in the
// same transaction, go to the same endpoints.
func recipientsOf(tx *gorm.DB, merchants ...int64) (webhookRecipients, error) {
	var known *map[int64][]*soko.WebhookEndpoint
	notes := notesIn(tx)
	if notes != nil {
		known = &notes.recipients
	}
	return readOnce(known, merchants, func(unread []int64) (map[int64][]*soko.WebhookEndpoint, error) {
		r := webhookRecipients{}
		kept := notes.settingsCache(tx)
		var gen uint64
		var now time.Time
		if kept != nil {
			gen, now = kept.c.generation(), kept.c.now()
			unread = slices.DeleteFunc(slices.Clone(unread), func(m int64) bool {
				eps, ok := settingGet(kept, endpointsKept, strconv.FormatInt(m, 10), now)
				r[m] = cloneEndpoints(eps)
				return ok
			})
			if len(unread) == 0 {
				return r, nil
			}
		}
		var rows []webhookEndpointRow
		if err := tx.Where("merchant_id IN ?", unread).Order("id").Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, row := range rows {
			r[row.MerchantID] = append(r[row.MerchantID], row.endpoint())
		}
		if kept != nil {
			for _, m := range unread { // those without endpoints too
				settingPut(kept, endpointsKept, strconv.FormatInt(m, 10), gen, cloneEndpoints(r[m]), now)
			}
		}
		return r, nil
	})
}

// cloneEndpoints copies eps, so what a request changes in its endpoints
// does not change those kept for others.
func cloneEndpoints(eps []*soko.WebhookEndpoint) []*soko.WebhookEndpoint {
	if eps == nil {
		return nil
	}
	out := make([]*soko.WebhookEndpoint, len(eps))
	for i, ep := range eps {
		c := *ep
		c.EventTypes = slices.Clone(ep.EventTypes)
		out[i] = &c
	}
	return out
}

// forgetRecipients drops the endpoints recipientsOf kept, after a change
// to them in the transaction, and has the server's cache emptied at its
// commit.
func forgetRecipients(tx *gorm.DB) {
	if notes := notesIn(tx); notes != nil {
		notes.recipients = nil
	}
	settingsChanged(tx)
}

// wants reports whether any of the merchant's endpoints wants events of type t.
func (r webhookRecipients) wants(merchantID int64, t string) bool {
	return slices.ContainsFunc(r[merchantID], func(ep *soko.WebhookEndpoint) bool { return ep.Wants(t) })
}

// fanOut returns the webhook message m once for each of its merchant's
// endpoints that wants its event, addressed to that endpoint: each endpoint
// gets, retries and logs its own copy.
func (r webhookRecipients) fanOut(m outboxRow) []outboxRow {
	var out []outboxRow
	for _, ep := range r[m.MerchantID] {
		if ep.Wants(m.EventType) {
			m.EndpointID = &ep.ID
			out = append(out, m)
		}
	}
	return out
}

// FindWebhookEndpoint returns the merchant's first endpoint (the one
// /api/v1/webhook-endpoint shows), or ENOTFOUND when none is set.
func (db *DB) FindWebhookEndpoint(ctx context.Context, merchantID int64) (*soko.WebhookEndpoint, error) {
	r, err := recipientsOf(db.conn(ctx), merchantID)
	if err != nil {
		return nil, translate(err)
	}
	if len(r[merchantID]) == 0 {
		return nil, soko.Errorf(soko.ENOTFOUND, "no webhook endpoint is set").JA("Webhookの送信先は設定されていません")
	}
	return r[merchantID][0], nil
}

// ListWebhookEndpoints returns the merchant's endpoints, oldest first.
func (db *DB) ListWebhookEndpoints(ctx context.Context, merchantID int64) ([]*soko.WebhookEndpoint, error) {
	r, err := recipientsOf(db.conn(ctx), merchantID)
	if err != nil {
		return nil, translate(err)
	}
	return r[merchantID], nil
}

// WebhookEndpoint returns one of the merchant's endpoints.
func (db *DB) WebhookEndpoint(ctx context.Context, merchantID, id int64) (*soko.WebhookEndpoint, error) {
	var row webhookEndpointRow
	if err := db.conn(ctx).Where("id = ? AND merchant_id = ?", id, merchantID).Take(&row).Error; err != nil {
		return nil, endpointNotFound(err, id)
	}
	return row.endpoint(), nil
}

func endpointNotFound(err error, id int64) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return soko.Errorf(soko.ENOTFOUND, "no webhook endpoint %d", id).JA("Webhookの送信先 %d は見つかりません", id)
	}
	return translate(err)
}

// PutWebhookEndpoint sets the merchant's first endpoint, adding it when the
// merchant has none. A new endpoint, or rotate, gets a fresh signing
// secret; newSecret tells the caller to show it. A rotated-out secret keeps
// signing beside the new one for soko.WebhookSecretOverlap; rotating again
// within it ends the older one.
func (db *DB) PutWebhookEndpoint(ctx context.Context, ep *soko.WebhookEndpoint, rotate bool) (newSecret bool, err error) {
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var row webhookEndpointRow
		err := lockForUpdate(tx, db.dialect).Where("merchant_id = ?", ep.MerchantID).Order("id").Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			newSecret = true
			return db.addWebhookEndpoint(tx, ep)
		} else if err != nil {
			return err
		}
		newSecret = rotate
		return db.saveWebhookEndpoint(tx, row, ep, rotate)
	})
	return newSecret, err
}

// CreateWebhookEndpoint adds an endpoint to the merchant's, with a fresh
// secret; ep becomes the endpoint as stored.
func (db *DB) CreateWebhookEndpoint(ctx context.Context, ep *soko.WebhookEndpoint) error {
	return db.transact(ctx, func(tx *gorm.DB) error { return db.addWebhookEndpoint(tx, ep) })
}

// UpdateWebhookEndpoint changes the merchant's endpoint ep.ID as
// PutWebhookEndpoint changes the first.
func (db *DB) UpdateWebhookEndpoint(ctx context.Context, ep *soko.WebhookEndpoint, rotate bool) error {
	return db.transact(ctx, func(tx *gorm.DB) error {
		var row webhookEndpointRow
		err := lockForUpdate(tx, db.dialect).Where("id = ? AND merchant_id = ?", ep.ID, ep.MerchantID).Take(&row).Error
		if err != nil {
			return endpointNotFound(err, ep.ID)
		}
		return db.saveWebhookEndpoint(tx, row, ep, rotate)
	})
}

// DeleteWebhookEndpoint removes one of the merchant's endpoints. Its
// messages still waiting are given up (dead, with the reason), and its
// delivery log stays, no longer tied to an endpoint.
func (db *DB) DeleteWebhookEndpoint(ctx context.Context, merchantID, id int64) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		var row webhookEndpointRow
		err := lockForUpdate(tx, db.dialect).Where("id = ? AND merchant_id = ?", id, merchantID).Take(&row).Error
		if err != nil {
			return endpointNotFound(err, id)
		}
		if err := tx.Model(&outboxRow{}).Where("endpoint_id = ? AND status = ?", id, string(soko.OutboxPending)).
			Updates(map[string]any{"status": string(soko.OutboxDead), "last_error": "the webhook endpoint was removed / 送信先が削除されました"}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&row).Error; err != nil {
			return err
		}
		forgetRecipients(tx)
		return audit(tx, now, soko.AuditWebhookDelete, "webhook_endpoint", row.ID, webhookAuditOf(row), nil)
	})
}

// addWebhookEndpoint stores ep as a new endpoint of its merchant, within
// the merchant's limit and at a URL none of its endpoints has.
func (db *DB) addWebhookEndpoint(tx *gorm.DB, ep *soko.WebhookEndpoint) error {
	var n int64
	if err := tx.Model(&webhookEndpointRow{}).Where("merchant_id = ?", ep.MerchantID).Count(&n).Error; err != nil {
		return err
	}
	if n >= soko.MaxWebhookEndpoints {
		return soko.Errorf(soko.ECONFLICT, "a merchant can have at most %d webhook endpoints: remove one first", soko.MaxWebhookEndpoints).
			JA("Webhookの送信先は%d件までです。先に不要なものを削除してください", soko.MaxWebhookEndpoints)
	}
	now := db.now()
	row := webhookEndpointRow{MerchantID: ep.MerchantID, Secret: newWebhookSecret(), CreatedAt: now}
	return db.saveWebhookEndpoint(tx, row, ep, false)
}

// saveWebhookEndpoint writes ep's settings onto row (a new row when its id
// is 0), rotating its secret when asked, audits the change and sets ep to
// what was stored.
func (db *DB) saveWebhookEndpoint(tx *gorm.DB, row webhookEndpointRow, ep *soko.WebhookEndpoint, rotate bool) error {
	now := db.now()
	var same int64
	if err := tx.Model(&webhookEndpointRow{}).Where("merchant_id = ? AND url = ? AND id <> ?", ep.MerchantID, ep.URL, row.ID).
		Count(&same).Error; err != nil {
		return err
	}
	if same > 0 {
		return soko.Errorf(soko.ECONFLICT, "another of your webhook endpoints has this URL").
			JA("このURLは別のWebhook送信先に設定済みです").WithField("url", "duplicate")
	}
	var before any
	if row.ID != 0 {
		before = webhookAuditOf(row)
	}
	if rotate {
		until := now.Add(soko.WebhookSecretOverlap)
		row.PreviousSecret, row.PreviousSecretUntil = row.Secret, &until
		row.Secret = newWebhookSecret()
	}
	row.URL, row.Active = ep.URL, ep.Active
	row.EventTypes = strings.Join(ep.EventTypes, ",")
	row.UpdatedAt = &now
	if err := tx.Save(&row).Error; err != nil {
		return err
	}
	forgetRecipients(tx)
	*ep = *row.endpoint()
	after := webhookAuditOf(row)
	after.SecretRotated = rotate
	return audit(tx, now, soko.AuditWebhookPut, "webhook_endpoint", row.ID, before, after)
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
func (db *DB) ListWebhookDeliveries(ctx context.Context, merchantID int64, status soko.OutboxStatus, endpointID int64, page soko.Page) ([]*soko.OutboxMessage, error) {
	return db.ListDeliveries(ctx, soko.DeliveryFilter{MerchantID: merchantID, Channel: "webhook", Status: status, EndpointID: endpointID}, page)
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
	if f.EndpointID != 0 {
		q = q.Where("outbox.endpoint_id = ?", f.EndpointID)
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
	if r.EndpointID != nil {
		m.EndpointID = *r.EndpointID
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
	var queued int64
	err := db.writeOne(ctx, func(g *gorm.DB) error {
		q := g.Model(&outboxRow{}).Where("id = ? AND status <> ?", id, string(soko.OutboxPending))
		if f.MerchantID != 0 {
			q = q.Where("merchant_id = ?", f.MerchantID)
		}
		if f.Channel != "" {
			q = q.Where("channel = ?", f.Channel)
		}
		// A redelivered message gets a fresh day of retries: created_at
		// starts the worker's 24 hours (the event's own time is in its
		// payload).
		res := q.Updates(map[string]any{"status": string(soko.OutboxPending), "next_attempt_at": now, "created_at": now})
		queued = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return nil, err
	}
	if queued == 0 {
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
