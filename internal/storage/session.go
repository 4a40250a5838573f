package storage

import (
	"context"
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
	// One query: every ops call starts here.
	var rows []struct {
		SessionID       int64
		CSRFToken       string `gorm:"column:csrf_token"`
		Device          string
		ExpiresAt       time.Time
		ID              int64
		BadgeCode, Name string
		Role            string
		PINHash         string `gorm:"column:pin_hash"`
		FailedPINs      int    `gorm:"column:failed_pins"`
		LockedUntil     *time.Time
		Active          bool
		CreatedAt       time.Time
	}
	err := db.conn(ctx).Raw(`SELECT ss.id AS session_id, ss.csrf_token, ss.device, ss.expires_at, s.id, s.badge_code, s.name, s.role,
		s.pin_hash, s.failed_pins, s.locked_until, s.active, s.created_at
		FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
		WHERE ss.token_hash = ? AND ss.expires_at > ? AND s.active`, soko.HashToken(token), db.now()).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, soko.Errorf(soko.EUNAUTHORIZED, "not signed in").JA("ログインしてください")
	}
	r := rows[0]
	st := staffRow{ID: r.ID, BadgeCode: r.BadgeCode, Name: r.Name, Role: r.Role, PINHash: r.PINHash, FailedPINs: r.FailedPINs,
		LockedUntil: r.LockedUntil, Active: r.Active, CreatedAt: r.CreatedAt}
	return &soko.Session{ID: r.SessionID, Staff: st.staff(), CSRFToken: r.CSRFToken, Device: r.Device, ExpiresAt: r.ExpiresAt.UTC()}, nil
}

// DeleteSession signs a session out.
func (db *DB) DeleteSession(ctx context.Context, id int64) error {
	return translate(db.conn(ctx).Where("id = ?", id).Delete(&sessionRow{}).Error)
}
