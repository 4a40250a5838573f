package storage

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// UpdateMerchant saves a merchant's name, sender block, slip message and
// whether it allows partial shipments (its code and email template stay)
// and sets m to what is stored.
func (db *DB) UpdateMerchant(ctx context.Context, m *soko.Merchant) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := soko.ValidateHoldSettings(m.HoldAlertDays); err != nil {
		return err
	}
	return db.transact(ctx, func(tx *gorm.DB) error {
		var before merchantRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", m.ID).Take(&before).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return merchantNotFound(m.ID)
			}
			return err
		}
		row := merchantToRow(m)
		res := tx.Model(&merchantRow{}).Where("id = ?", m.ID).Updates(map[string]any{
			"name":               row.Name,
			"sender_postal_code": row.SenderPostalCode,
			"sender_prefecture":  row.SenderPrefecture,
			"sender_city":        row.SenderCity,
			"sender_street":      row.SenderStreet,
			"sender_building":    row.SenderBuilding,
			"sender_name":        row.SenderName,
			"sender_phone":       row.SenderPhone,
			"sender_email":       row.SenderEmail,
			"slip_message":       row.SlipMessage,
			"allow_partial":      row.AllowPartial,
			"consolidate":        row.Consolidate,
			"invoice_number":     row.InvoiceNumber,
			"hold_alert_days":    row.HoldAlertDays,
			"hold_auto_free":     row.HoldAutoFree,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return merchantNotFound(m.ID)
		}
		var saved merchantRow
		if err := tx.Where("id = ?", m.ID).Take(&saved).Error; err != nil {
			return err
		}
		*m = *saved.merchant()
		return audit(tx, db.now(), soko.AuditMerchantUpdate, "merchant", m.ID, merchantAuditOf(before), merchantAuditOf(saved))
	})
}

func merchantNotFound(id int64) error {
	return soko.Errorf(soko.ENOTFOUND, "no merchant %d", id).JA("荷主が見つかりません")
}

// ListStaff returns every staff member, active or not, by badge.
func (db *DB) ListStaff(ctx context.Context) ([]*soko.Staff, error) {
	var rows []staffRow
	if err := db.conn(ctx).Order("badge_code").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.Staff, len(rows))
	for i, r := range rows {
		out[i] = r.staff()
	}
	return out, nil
}

// StaffByID returns the staff member with id, or ENOTFOUND.
func (db *DB) StaffByID(ctx context.Context, id int64) (*soko.Staff, error) {
	var row staffRow
	if err := db.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, staffNotFound(err, id)
	}
	return row.staff(), nil
}

func staffNotFound(err error, id int64) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return soko.Errorf(soko.ENOTFOUND, "no staff member %d", id).JA("スタッフが見つかりません")
	}
	return err
}

// UpdateStaff saves a staff member's name, role and whether they may sign
// in. Deactivating ends their sessions on every device at once, so a badge
// taken away stops working now and not when its shift would have ended.
func (db *DB) UpdateStaff(ctx context.Context, s *soko.Staff) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.transact(ctx, func(tx *gorm.DB) error {
		var before staffRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", s.ID).Take(&before).Error; err != nil {
			return staffNotFound(err, s.ID)
		}
		if err := tx.Model(&staffRow{}).Where("id = ?", s.ID).
			Updates(map[string]any{"name": s.Name, "role": string(s.Role), "active": s.Active}).Error; err != nil {
			return err
		}
		if !s.Active {
			if err := tx.Where("staff_id = ?", s.ID).Delete(&sessionRow{}).Error; err != nil {
				return err
			}
		}
		authChanged(tx)
		var saved staffRow
		if err := tx.Where("id = ?", s.ID).Take(&saved).Error; err != nil {
			return err
		}
		*s = *saved.staff()
		return audit(tx, db.now(), soko.AuditStaffUpdate, "staff", s.ID, staffAuditOf(before), staffAuditOf(saved))
	})
}

// ResetStaffPIN gives a staff member a new PIN (its hash), unlocks a badge
// locked by wrong PINs, and ends their sessions except keepSession (the
// admin's own, when they reset their own PIN): whoever knew the old PIN is
// signed out.
func (db *DB) ResetStaffPIN(ctx context.Context, id int64, pinHash string, keepSession int64) (*soko.Staff, error) {
	var out *soko.Staff
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var before staffRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", id).Take(&before).Error; err != nil {
			return staffNotFound(err, id)
		}
		if err := tx.Model(&staffRow{}).Where("id = ?", id).
			Updates(map[string]any{"pin_hash": pinHash, "failed_pins": 0, "locked_until": nil}).Error; err != nil {
			return err
		}
		if err := tx.Where("staff_id = ? AND id <> ?", id, keepSession).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		authChanged(tx)
		var saved staffRow
		if err := tx.Where("id = ?", id).Take(&saved).Error; err != nil {
			return err
		}
		out = saved.staff()
		// The PIN itself and its hash stay out of the log: that it changed,
		// and the lock it lifted, are what an auditor needs.
		return audit(tx, db.now(), soko.AuditStaffPIN, "staff", id,
			pinAudit{Badge: before.BadgeCode, FailedPINs: before.FailedPINs, LockedUntil: before.LockedUntil},
			pinAudit{Badge: saved.BadgeCode, PINChanged: true})
	})
	return out, err
}

// RevokeMerchantAPIKey stops one of a merchant's keys at once and for good
// and returns it; a key of another merchant is ENOTFOUND, and revoking a
// revoked key changes nothing.
func (db *DB) RevokeMerchantAPIKey(ctx context.Context, merchantID, keyID int64) (*soko.APIKey, error) {
	var out *soko.APIKey
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row apiKeyRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ? AND merchant_id = ?", keyID, merchantID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "the merchant has no API key %d", keyID).JA("この荷主のAPIキーではありません")
			}
			return err
		}
		if row.RevokedAt == nil {
			if err := revokeAPIKey(tx, row, now); err != nil {
				return err
			}
			row.RevokedAt = &now
		}
		out = row.apiKey()
		return nil
	})
	return out, err
}

// CreateBoxType stores a new box type and sets its ID; a code in use is ECONFLICT.
func (db *DB) CreateBoxType(ctx context.Context, b *soko.BoxType) error {
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := createBoxType(tx, b); err != nil {
			return err
		}
		return audit(tx, db.now(), soko.AuditBoxTypeCreate, "box_type", b.ID, nil, b)
	})
	if soko.ErrorCode(err) == soko.ECONFLICT {
		return soko.Errorf(soko.ECONFLICT, "box type %s already exists", b.Code).JA("箱コード %s はすでに登録されています", b.Code).WithField("code", "duplicate")
	}
	return err
}

// UpdateBoxType saves a box type's name, size, weights, size class and
// service; its code stays, because parcels packed in it keep the code.
func (db *DB) UpdateBoxType(ctx context.Context, b *soko.BoxType) error {
	return db.transact(ctx, func(tx *gorm.DB) error {
		var before boxTypeRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", b.ID).Take(&before).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no box type %d", b.ID).JA("箱が見つかりません")
			}
			return err
		}
		res := tx.Model(&boxTypeRow{}).Where("id = ?", b.ID).Updates(map[string]any{
			"name": b.Name, "inner_length_mm": b.InnerLengthMM, "inner_width_mm": b.InnerWidthMM, "inner_height_mm": b.InnerHeightMM,
			"max_weight_grams": b.MaxWeightGrams, "tare_grams": b.TareGrams, "size_class": b.SizeClass, "thin": b.Thin, "service": b.Service,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return soko.Errorf(soko.ENOTFOUND, "no box type %d", b.ID).JA("箱が見つかりません")
		}
		settingsChanged(tx)
		var saved boxTypeRow
		if err := tx.Where("id = ?", b.ID).Take(&saved).Error; err != nil {
			return err
		}
		*b = saved.boxType()
		return audit(tx, db.now(), soko.AuditBoxTypeUpdate, "box_type", b.ID, before.boxType(), b)
	})
}

// CreateLocation stores a new location and sets its ID; a code in use is ECONFLICT.
func (db *DB) CreateLocation(ctx context.Context, l *soko.Location) error {
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := createLocation(tx, l); err != nil {
			return err
		}
		return audit(tx, db.now(), soko.AuditLocationCreate, "location", l.ID, nil, l)
	})
	if soko.ErrorCode(err) == soko.ECONFLICT {
		return soko.Errorf(soko.ECONFLICT, "location %s already exists", l.Code).JA("ロケーション %s はすでに登録されています", l.Code).WithField("code", "duplicate")
	}
	return err
}

// SetWalkSequence moves a location in the pickers' walk and returns it.
// Pick tasks already released keep their order; waves released afterwards
// follow the new one.
func (db *DB) SetWalkSequence(ctx context.Context, locationID int64, seq int) (*soko.Location, error) {
	var out *soko.Location
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var before locationRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", locationID).Take(&before).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no location %d", locationID).JA("ロケーションが見つかりません")
			}
			return err
		}
		res := tx.Model(&locationRow{}).Where("id = ?", locationID).Update("walk_sequence", seq)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return soko.Errorf(soko.ENOTFOUND, "no location %d", locationID).JA("ロケーションが見つかりません")
		}
		var r locationRow
		if err := tx.Where("id = ?", locationID).Take(&r).Error; err != nil {
			return err
		}
		out = r.location()
		return audit(tx, db.now(), soko.AuditLocationWalk, "location", r.ID,
			map[string]any{"code": before.Code, "walk_sequence": before.WalkSequence}, map[string]any{"code": r.Code, "walk_sequence": r.WalkSequence})
	})
	return out, err
}
