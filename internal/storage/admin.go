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
	return db.transact(ctx, func(tx *gorm.DB) error {
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
		return nil
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
		res := tx.Model(&staffRow{}).Where("id = ?", s.ID).
			Updates(map[string]any{"name": s.Name, "role": string(s.Role), "active": s.Active})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return staffNotFound(gorm.ErrRecordNotFound, s.ID)
		}
		if !s.Active {
			if err := tx.Where("staff_id = ?", s.ID).Delete(&sessionRow{}).Error; err != nil {
				return err
			}
		}
		var saved staffRow
		if err := tx.Where("id = ?", s.ID).Take(&saved).Error; err != nil {
			return err
		}
		*s = *saved.staff()
		return nil
	})
}

// ResetStaffPIN gives a staff member a new PIN (its hash), unlocks a badge
// locked by wrong PINs, and ends their sessions except keepSession (the
// admin's own, when they reset their own PIN): whoever knew the old PIN is
// signed out.
func (db *DB) ResetStaffPIN(ctx context.Context, id int64, pinHash string, keepSession int64) (*soko.Staff, error) {
	var out *soko.Staff
	err := db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&staffRow{}).Where("id = ?", id).
			Updates(map[string]any{"pin_hash": pinHash, "failed_pins": 0, "locked_until": nil})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return staffNotFound(gorm.ErrRecordNotFound, id)
		}
		if err := tx.Where("staff_id = ? AND id <> ?", id, keepSession).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		var saved staffRow
		if err := tx.Where("id = ?", id).Take(&saved).Error; err != nil {
			return err
		}
		out = saved.staff()
		return nil
	})
	return out, err
}

// RevokeMerchantAPIKey stops one of a merchant's keys at once and for good
// and returns it; a key of another merchant is ENOTFOUND, and revoking a
// revoked key changes nothing.
func (db *DB) RevokeMerchantAPIKey(ctx context.Context, merchantID, keyID int64) (*soko.APIKey, error) {
	var out *soko.APIKey
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&apiKeyRow{}).Where("id = ? AND merchant_id = ? AND revoked_at IS NULL", keyID, merchantID).
			Update("revoked_at", db.now()).Error; err != nil {
			return err
		}
		var row apiKeyRow
		if err := tx.Where("id = ? AND merchant_id = ?", keyID, merchantID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "the merchant has no API key %d", keyID).JA("この荷主のAPIキーではありません")
			}
			return err
		}
		out = row.apiKey()
		return nil
	})
	return out, err
}

// CreateBoxType stores a new box type and sets its ID; a code in use is ECONFLICT.
func (db *DB) CreateBoxType(ctx context.Context, b *soko.BoxType) error {
	err := db.transact(ctx, func(tx *gorm.DB) error { return createBoxType(tx, b) })
	if soko.ErrorCode(err) == soko.ECONFLICT {
		return soko.Errorf(soko.ECONFLICT, "box type %s already exists", b.Code).JA("箱コード %s はすでに登録されています", b.Code).WithField("code", "duplicate")
	}
	return err
}

// UpdateBoxType saves a box type's name, size, weights, size class and
// service; its code stays, because parcels packed in it keep the code.
func (db *DB) UpdateBoxType(ctx context.Context, b *soko.BoxType) error {
	return db.transact(ctx, func(tx *gorm.DB) error {
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
		var saved boxTypeRow
		if err := tx.Where("id = ?", b.ID).Take(&saved).Error; err != nil {
			return err
		}
		*b = saved.boxType()
		return nil
	})
}

// CreateLocation stores a new location and sets its ID; a code in use is ECONFLICT.
func (db *DB) CreateLocation(ctx context.Context, l *soko.Location) error {
	err := db.transact(ctx, func(tx *gorm.DB) error { return createLocation(tx, l) })
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
		out = &soko.Location{ID: r.ID, Code: r.Code, Zone: r.Zone, WalkSequence: r.WalkSequence, Kind: soko.LocationKind(r.Kind)}
		return nil
	})
	return out, err
}
