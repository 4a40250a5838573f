package storage

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// SetRetention sets how many days after an order ships or is cancelled
// its customer's personal data is kept (0 keeps it) and returns the merchant.
func (db *DB) SetRetention(ctx context.Context, merchantID int64, days int) (*soko.Merchant, error) {
	if err := soko.ValidateRetentionDays(days); err != nil {
		return nil, err
	}
	var m *soko.Merchant
	err := db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&merchantRow{}).Where("id = ?", merchantID).Update("retention_days", days)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return merchantNotFound(merchantID)
		}
		var row merchantRow
		if err := tx.Where("id = ?", merchantID).Take(&row).Error; err != nil {
			return err
		}
		m = row.merchant()
		return nil
	})
	return m, err
}

// ErasePersonalData erases the customer's personal data from a merchant's
// shipped or cancelled order, from its notifications and from stored API
// answers, on the customer's request, and returns the order. An order not
// yet shipped is refused (ECONFLICT); erasing twice changes nothing.
func (db *DB) ErasePersonalData(ctx context.Context, merchantID int64, number string) (*soko.Order, error) {
	now := db.now()
	var o *soko.Order
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row orderRow
		err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return soko.Errorf(soko.ENOTFOUND, "no order %s", number).JA("注文 %s は見つかりません", number)
		} else if err != nil {
			return err
		}
		o = row.order()
		if row.PersonalDataErasedAt != nil {
			return nil
		}
		if err := o.PersonalDataErasable(); err != nil {
			return err
		}
		return erasePersonalData(tx, o, "request / 本人の求め", now)
	})
	if err != nil {
		return nil, err
	}
	return o, db.loadOrderLines(ctx, []*soko.Order{o})
}

// EraseExpired erases the personal data of every order that shipped or
// was cancelled longer ago than its merchant's retention, and returns how
// many orders it erased. Running it again erases nothing more; each batch
// is one transaction, so a crash leaves erased orders wholly erased.
func (db *DB) EraseExpired(ctx context.Context) (int, error) {
	var merchants []merchantRow
	if err := db.conn(ctx).Where("retention_days > 0").Find(&merchants).Error; err != nil {
		return 0, translate(err)
	}
	now := db.now()
	erased := 0
	for _, m := range merchants {
		before := now.AddDate(0, 0, -m.RetentionDays)
		for {
			n := 0
			err := db.transact(ctx, func(tx *gorm.DB) error {
				// An order's end is when it last reached the status it is
				// in; one without that event (imported that way) by its
				// last change.
				var rows []orderRow
				err := lockForUpdate(tx, db.dialect).Where(`merchant_id = ? AND status IN ('shipped', 'cancelled') AND personal_data_erased_at IS NULL
					AND COALESCE((SELECT MAX(e.created_at) FROM order_events e WHERE e.order_id = orders.id AND e.to_status = orders.status), orders.updated_at) < ?`,
					m.ID, before).Order("id").Limit(200).Find(&rows).Error
				if err != nil {
					return err
				}
				for _, r := range rows {
					if err := erasePersonalData(tx, r.order(), "retention / 保存期間経過", now); err != nil {
						return err
					}
				}
				n = len(rows)
				return nil
			})
			if err != nil {
				return erased, err
			}
			erased += n
			if n < 200 {
				break
			}
		}
	}
	return erased, nil
}

// erasePersonalData erases o's customer data in the order, its
// notifications and stored API answers naming it, and records why.
func erasePersonalData(tx *gorm.DB, o *soko.Order, why string, now time.Time) error {
	values := o.PersonalData()
	o.ErasePersonalData()
	r := o.Recipient
	if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Updates(map[string]any{
		"recipient_street":   r.Street,
		"recipient_building": r.Building, "recipient_company": r.Company, "recipient_name": r.Name,
		"recipient_phone": r.Phone, "recipient_email": r.Email, "gift_message": o.Gift.Message,
		"noshi_name":              o.Gift.Noshi.Name,
		"personal_data_erased_at": now, "updated_at": now,
	}).Error; err != nil {
		return err
	}
	o.UpdatedAt = now
	var msgs []outboxRow
	if err := tx.Where("order_id = ?", o.ID).Find(&msgs).Error; err != nil {
		return err
	}
	for _, m := range msgs {
		update := map[string]any{"payload": scrubJSON(m.Payload, values)}
		if m.Channel == "email" && m.Status == string(soko.OutboxPending) {
			// Its recipient is gone: nothing may be sent any more.
			update["status"] = string(soko.OutboxDead)
			update["last_error"] = "personal data erased / 個人情報を削除したため送信しません"
		}
		if err := tx.Model(&outboxRow{}).Where("id = ?", m.ID).Updates(update).Error; err != nil {
			return err
		}
	}
	// Answers kept for idempotent retries (a day) may hold the order as created.
	var answers []idempotencyRow
	if err := tx.Where("merchant_id = ? AND response_body LIKE ?", o.MerchantID, "%"+o.Number+"%").Find(&answers).Error; err != nil {
		return err
	}
	for _, a := range answers {
		if err := tx.Model(&idempotencyRow{}).Where("id = ?", a.ID).Update("response_body", scrubJSON(a.ResponseBody, values)).Error; err != nil {
			return err
		}
	}
	return recordEvent(tx, o, soko.OrderEvent{Action: soko.ActionErasePersonalData, From: o.Status, To: o.Status, Detail: why}, now)
}

// scrubJSON replaces personal values in every string of a JSON document,
// keys included; text that is not JSON is scrubbed as a whole.
func scrubJSON(doc string, values []string) string {
	if !mentionsAny(doc, values) {
		return doc
	}
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return soko.ScrubPersonalData(doc, values)
	}
	b, err := json.Marshal(scrubValue(v, values))
	if err != nil {
		return soko.ScrubPersonalData(doc, values)
	}
	return string(b)
}

func scrubValue(v any, values []string) any {
	switch t := v.(type) {
	case string:
		return soko.ScrubPersonalData(t, values)
	case []any:
		for i := range t {
			t[i] = scrubValue(t[i], values)
		}
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[soko.ScrubPersonalData(k, values)] = scrubValue(x, values)
		}
		return out
	}
	return v
}

// mentionsAny reports whether doc holds one of values, as is or as JSON
// escapes it, so documents without them are left byte for byte.
func mentionsAny(doc string, values []string) bool {
	for _, v := range values {
		quoted, _ := json.Marshal(v)
		if strings.Contains(doc, v) || strings.Contains(doc, string(quoted[1:len(quoted)-1])) {
			return true
		}
	}
	return false
}
