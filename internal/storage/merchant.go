package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type merchantRow struct {
	ID               int64
	Code             string
	Name             string
	SenderPostalCode string
	SenderPrefecture string
	SenderCity       string
	SenderStreet     string
	SenderBuilding   string
	SenderName       string
	SenderPhone      string
	SenderEmail      string
	SlipMessage      string
	EmailSubject     string
	EmailBody        string
	DeliveryNotices  bool
	AllowPartial     bool
	Consolidate      bool
	RetentionDays    int
	InvoiceNumber    string
	StockBuffer      int
	HoldAlertDays    int `gorm:"default:7"`
	HoldAutoFree     bool
	CreatedAt        time.Time
}

func (merchantRow) TableName() string { return "merchants" }

func merchantToRow(m *soko.Merchant) merchantRow {
	return merchantRow{
		ID: m.ID, Code: m.Code, Name: m.Name,
		SenderPostalCode: m.Sender.PostalCode, SenderPrefecture: m.Sender.Prefecture,
		SenderCity: m.Sender.City, SenderStreet: m.Sender.Street, SenderBuilding: m.Sender.Building,
		SenderName: m.Sender.Name, SenderPhone: m.Sender.Phone, SenderEmail: m.Sender.Email,
		SlipMessage: m.SlipMessage, EmailSubject: m.EmailTemplate.Subject, EmailBody: m.EmailTemplate.Body, DeliveryNotices: m.EmailTemplate.DeliveryNotices,
		AllowPartial: m.AllowPartial, Consolidate: m.Consolidate, RetentionDays: m.RetentionDays, InvoiceNumber: m.InvoiceNumber, StockBuffer: m.StockBuffer,
		HoldAlertDays: m.HoldAlertDays, HoldAutoFree: m.HoldAutoFree, CreatedAt: m.CreatedAt,
	}
}

func (r merchantRow) merchant() *soko.Merchant {
	return &soko.Merchant{
		ID: r.ID, Code: r.Code, Name: r.Name, SlipMessage: r.SlipMessage, AllowPartial: r.AllowPartial, Consolidate: r.Consolidate, RetentionDays: r.RetentionDays,
		InvoiceNumber: r.InvoiceNumber, StockBuffer: r.StockBuffer, HoldAlertDays: r.HoldAlertDays, HoldAutoFree: r.HoldAutoFree,
		CreatedAt:     r.CreatedAt.UTC(),
		EmailTemplate: soko.EmailTemplate{Subject: r.EmailSubject, Body: r.EmailBody, DeliveryNotices: r.DeliveryNotices},
		Sender: soko.Address{
			PostalCode: r.SenderPostalCode, Prefecture: r.SenderPrefecture, City: r.SenderCity,
			Street: r.SenderStreet, Building: r.SenderBuilding, Name: r.SenderName,
			Phone: r.SenderPhone, Email: r.SenderEmail,
		},
	}
}

// CreateMerchant stores a new merchant and sets its ID.
func (db *DB) CreateMerchant(ctx context.Context, m *soko.Merchant) error {
	if err := m.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		if err := createMerchant(tx, m, now); err != nil {
			return err
		}
		return audit(tx, now, soko.AuditMerchantCreate, "merchant", m.ID, nil, merchantAuditOf(merchantToRow(m)))
	})
}

func createMerchant(tx *gorm.DB, m *soko.Merchant, now time.Time) error {
	m.CreatedAt = now
	row := merchantToRow(m)
	if err := tx.Create(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.Errorf(soko.ECONFLICT, "merchant %s already exists", m.Code).JA("荷主コード %s はすでに登録されています", m.Code)
		}
		return err
	}
	m.ID = row.ID
	return nil
}

// FindMerchantByCode returns the merchant with code, or ENOTFOUND.
func (db *DB) FindMerchantByCode(ctx context.Context, code string) (*soko.Merchant, error) {
	var row merchantRow
	if err := db.conn(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ENOTFOUND {
			return nil, soko.Errorf(soko.ENOTFOUND, "no merchant %s", code).JA("荷主 %s は存在しません", code)
		}
		return nil, translate(err)
	}
	return row.merchant(), nil
}

// ListMerchants returns every merchant, by code.
func (db *DB) ListMerchants(ctx context.Context) ([]*soko.Merchant, error) {
	var rows []merchantRow
	if err := db.conn(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	ms := make([]*soko.Merchant, len(rows))
	for i, r := range rows {
		ms[i] = r.merchant()
	}
	return ms, nil
}

// SaveEmailTemplate stores a merchant's shipment email template after
// checking that it renders.
func (db *DB) SaveEmailTemplate(ctx context.Context, merchantID int64, t soko.EmailTemplate) error {
	if err := t.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		var before merchantRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", merchantID).Take(&before).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no merchant %d", merchantID).JA("荷主が見つかりません")
			}
			return err
		}
		if err := tx.Model(&merchantRow{}).Where("id = ?", merchantID).
			Updates(map[string]any{"email_subject": t.Subject, "email_body": t.Body, "delivery_notices": t.DeliveryNotices}).Error; err != nil {
			return err
		}
		return audit(tx, now, soko.AuditEmailTemplate, "merchant", merchantID,
			map[string]any{"subject": before.EmailSubject, "body": before.EmailBody, "delivery_notices": before.DeliveryNotices},
			map[string]any{"subject": t.Subject, "body": t.Body, "delivery_notices": t.DeliveryNotices})
	})
}

// MerchantByID returns a merchant, for documents printed on its behalf.
func (db *DB) MerchantByID(ctx context.Context, id int64) (*soko.Merchant, error) {
	var row merchantRow
	if err := db.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.merchant(), nil
}
