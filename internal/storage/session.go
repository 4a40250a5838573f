package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type sessionRow struct {
	ID        int64
	TokenHash string
	StaffID   int64
	CSRFToken string `gorm:"column:csrf_token"`
	Device    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (sessionRow) TableName() string { return "staff_sessions" }

// RecordWrongPIN counts a wrong PIN against a staff member and locks the
// badge for lockout when too many came in a row; it returns whether it locked.
func (db *DB) RecordWrongPIN(ctx context.Context, staffID int64, lockUntil time.Time) (locked bool, err error) {
	err = db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE staff SET failed_pins = failed_pins + 1 WHERE id = ?`, staffID).Error; err != nil {
			return err
		}
		res := tx.Exec(`UPDATE staff SET locked_until = ?, failed_pins = 0 WHERE id = ? AND failed_pins >= ?`, lockUntil.UTC(), staffID, soko.MaxWrongPINs)
		locked = res.RowsAffected > 0
		return res.Error
	})
	return locked, err
}

// CreateSession signs a staff member in on a device and returns the
// session and the cookie token, which is stored only as a hash.
func (db *DB) CreateSession(ctx context.Context, s *soko.Staff, device string) (*soko.Session, string, error) {
	now := db.now()
	token := soko.NewToken()
	row := sessionRow{TokenHash: soko.HashToken(token), StaffID: s.ID, CSRFToken: soko.NewToken(), Device: device, CreatedAt: now, ExpiresAt: now.Add(soko.SessionLifetime)}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE staff SET failed_pins = 0, locked_until = NULL WHERE id = ?`, s.ID).Error; err != nil {
			return err
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return nil, "", err
	}
	return &soko.Session{ID: row.ID, Staff: s, CSRFToken: row.CSRFToken, Device: device, ExpiresAt: row.ExpiresAt}, token, nil
}

// FindSession returns the live session of a cookie token, or EUNAUTHORIZED.
func (db *DB) FindSession(ctx context.Context, token string) (*soko.Session, error) {
	var row sessionRow
	err := db.conn(ctx).Where("token_hash = ? AND expires_at > ?", soko.HashToken(token), db.now()).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, soko.Errorf(soko.EUNAUTHORIZED, "not signed in").JA("ログインしてください")
	} else if err != nil {
		return nil, translate(err)
	}
	var st staffRow
	if err := db.conn(ctx).Where("id = ? AND active", row.StaffID).Take(&st).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, soko.Errorf(soko.EUNAUTHORIZED, "this badge is no longer active").JA("このバッジは無効です")
		}
		return nil, translate(err)
	}
	return &soko.Session{ID: row.ID, Staff: st.staff(), CSRFToken: row.CSRFToken, Device: row.Device, ExpiresAt: row.ExpiresAt.UTC()}, nil
}

// DeleteSession signs a session out.
func (db *DB) DeleteSession(ctx context.Context, id int64) error {
	return translate(db.conn(ctx).Where("id = ?", id).Delete(&sessionRow{}).Error)
}
