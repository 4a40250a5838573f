package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type carrierAccountRow struct {
	ID            int64
	MerchantID    *int64
	Carrier       string
	BillingCode   string
	BillingClass  string
	FreightNumber string
	SixSlots      bool
	UpdatedAt     time.Time
}

func (carrierAccountRow) TableName() string { return "carrier_accounts" }

func (r carrierAccountRow) account() soko.CarrierAccount {
	a := soko.CarrierAccount{ID: r.ID, Carrier: r.Carrier, BillingCode: r.BillingCode, BillingClass: r.BillingClass,
		FreightNumber: r.FreightNumber, SixSlots: r.SixSlots, UpdatedAt: r.UpdatedAt}
	if r.MerchantID != nil {
		a.MerchantID = *r.MerchantID
	}
	return a
}

// newCarrierAccountRow is a's row, with id (0 for a new row).
func newCarrierAccountRow(a *soko.CarrierAccount, id int64, now time.Time) carrierAccountRow {
	return carrierAccountRow{ID: id, MerchantID: nullID(a.MerchantID), Carrier: a.Carrier, BillingCode: a.BillingCode,
		BillingClass: a.BillingClass, FreightNumber: a.FreightNumber, SixSlots: a.SixSlots, UpdatedAt: now}
}

// CarrierAccounts returns every carrier contract: the warehouse's first,
// then merchants', each by carrier.
func (db *DB) CarrierAccounts(ctx context.Context) ([]soko.CarrierAccount, error) {
	var rows []carrierAccountRow
	if err := db.conn(ctx).Order("merchant_id IS NOT NULL, merchant_id, carrier").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.CarrierAccount, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, nil
}

// whereAccount narrows to the contract of merchantID (0: the warehouse's)
// with carrierCode.
func whereAccount(tx *gorm.DB, carrierCode string, merchantID int64) *gorm.DB {
	if merchantID == 0 {
		return tx.Where("carrier = ? AND merchant_id IS NULL", carrierCode)
	}
	return tx.Where("carrier = ? AND merchant_id = ?", carrierCode, merchantID)
}

// SaveCarrierAccount stores a's values as the contract of a.MerchantID (0:
// the warehouse's) with a.Carrier, replacing the one there was, and sets
// a.ID and a.UpdatedAt. The values must be checked (carrier.CheckAccount)
// before; an unknown merchant is ENOTFOUND.
func (db *DB) SaveCarrierAccount(ctx context.Context, a *soko.CarrierAccount) error {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if a.MerchantID != 0 {
			if err := tx.Select("id").Where("id = ?", a.MerchantID).Take(&merchantRow{}).Error; err != nil {
				if errors.Is(err, gorm.ErrRecordNotFound) {
					return soko.Errorf(soko.ENOTFOUND, "no merchant %d", a.MerchantID).JA("荷主が見つかりません").WithField("merchant_id", "unknown")
				}
				return err
			}
		}
		var before any // nil, not a nil pointer, for a first save: the audit shows no "before"
		var row carrierAccountRow
		err := whereAccount(lockForUpdate(tx, db.dialect), a.Carrier, a.MerchantID).Take(&row).Error
		switch {
		case err == nil:
			before = row.account()
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		row = newCarrierAccountRow(a, row.ID, now)
		if err := tx.Save(&row).Error; err != nil {
			return err
		}
		*a = row.account()
		return audit(tx, now, soko.AuditCarrierAccount, "carrier_account", row.ID, before, a)
	})
	if soko.ErrorCode(err) == soko.ECONFLICT {
		// Two first saves of one contract at once: the other one won.
		return soko.Errorf(soko.ECONFLICT, "the %s account was saved by someone else at the same time", a.Carrier).
			JA("同時に別の人が保存しました。もう一度保存してください")
	}
	return err
}

// DeleteCarrierAccount removes the contract of merchantID (0: the
// warehouse's) with carrierCode; there being none is ENOTFOUND. A merchant
// whose own contract is removed ships on the warehouse's again.
func (db *DB) DeleteCarrierAccount(ctx context.Context, carrierCode string, merchantID int64) error {
	return db.transact(ctx, func(tx *gorm.DB) error {
		var row carrierAccountRow
		if err := whereAccount(lockForUpdate(tx, db.dialect), carrierCode, merchantID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no %s account to remove", carrierCode).JA("削除する配送業者契約がありません")
			}
			return err
		}
		if err := tx.Delete(&carrierAccountRow{}, row.ID).Error; err != nil {
			return err
		}
		before := row.account()
		return audit(tx, db.now(), soko.AuditCarrierDelete, "carrier_account", row.ID, &before, nil)
	})
}
