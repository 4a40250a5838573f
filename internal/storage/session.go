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

// ClaimPINAttempt lets one PIN for a staff member be checked, or refuses
// it with ELOCKED while the badge waits. The attempt is counted as wrong
// before the PIN is checked, by a compare-and-set on the count, so parallel
// guesses cannot all pass a lock check that none has yet counted. A device
// the staff member signed in on (deviceToken, the soko_device cookie) keeps
// its own count and is not made to wait for the badge's.
func (db *DB) ClaimPINAttempt(ctx context.Context, staffID int64, deviceToken string) (*soko.PINAttempt, error) {
	now := db.now()
	if deviceToken != "" {
		var ids []int64
		err := db.writeOne(ctx, func(g *gorm.DB) error {
			return g.Raw(`UPDATE staff_devices SET failed_pins = failed_pins + 1
				WHERE token_hash = ? AND staff_id = ? AND failed_pins < ? AND last_used_at > ? RETURNING id`,
				soko.HashToken(deviceToken), staffID, soko.MaxWrongPINs, now.Add(-soko.DeviceTrust)).Scan(&ids).Error
		})
		if err != nil {
			return nil, err
		}
		if len(ids) == 1 {
			return &soko.PINAttempt{StaffID: staffID, DeviceID: ids[0]}, nil
		}
	}
	for {
		var row struct {
			FailedPINs  int `gorm:"column:failed_pins"`
			LockedUntil *time.Time
			WrongPINAt  *time.Time `gorm:"column:wrong_pin_at"`
		}
		if err := db.conn(ctx).Raw(`SELECT failed_pins, locked_until, wrong_pin_at FROM staff WHERE id = ?`, staffID).Scan(&row).Error; err != nil {
			return nil, translate(err)
		}
		prior := fromNull(row.LockedUntil)
		if now.Before(prior) {
			return nil, soko.BadgeLocked(prior, now)
		}
		n := row.FailedPINs + 1
		if row.WrongPINAt == nil || row.WrongPINAt.Before(now.Add(-soko.WrongPINsForget)) {
			n = 1
		}
		lock := prior
		if wait := soko.BadgeWait(n); wait > 0 {
			lock = now.Add(wait)
		}
		counted, err := db.execOne(ctx, `UPDATE staff SET failed_pins = ?, locked_until = ?, wrong_pin_at = ?
			WHERE id = ? AND failed_pins = ? AND (locked_until IS NULL OR locked_until <= ?)`,
			n, nullTime(lock), now, staffID, row.FailedPINs, now)
		if err != nil {
			return nil, err
		}
		if counted == 1 {
			return &soko.PINAttempt{StaffID: staffID, Count: n, PriorLock: prior}, nil
		}
	}
}

// SettlePINAttempt records how a claimed attempt ended. A right PIN takes
// back its own count only (the wrong PINs others sent stay counted), lifts
// the lock only if its own count set it, and trusts the device it came from.
func (db *DB) SettlePINAttempt(ctx context.Context, a *soko.PINAttempt, right bool, deviceToken string) error {
	if !right {
		return nil
	}
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		if a.DeviceID == 0 {
			err := tx.Exec(`UPDATE staff SET locked_until = CASE WHEN failed_pins = ? THEN ? ELSE locked_until END,
				failed_pins = failed_pins - 1 WHERE id = ? AND failed_pins > 0`, a.Count, nullTime(a.PriorLock), a.StaffID).Error
			if err != nil {
				return err
			}
		}
		if deviceToken == "" {
			return nil
		}
		return tx.Exec(`INSERT INTO staff_devices (staff_id, token_hash, failed_pins, last_used_at) VALUES (?, ?, 0, ?)
			ON CONFLICT (token_hash, staff_id) DO UPDATE SET failed_pins = 0, last_used_at = excluded.last_used_at`,
			a.StaffID, soko.HashToken(deviceToken), now).Error
	})
}

// CreateSession signs a staff member in on a device and returns the
// session and the cookie token, which is stored only as a hash.
func (db *DB) CreateSession(ctx context.Context, s *soko.Staff, device string) (*soko.Session, string, error) {
	now := db.now()
	token := soko.NewToken()
	row := sessionRow{TokenHash: soko.HashToken(token), StaffID: s.ID, CSRFToken: soko.NewToken(), Device: device, CreatedAt: now, ExpiresAt: now.Add(soko.SessionLifetime)}
	if err := db.writeOne(ctx, func(g *gorm.DB) error { return g.Create(&row).Error }); err != nil {
		return nil, "", err
	}
	return &soko.Session{ID: row.ID, Staff: s, CSRFToken: row.CSRFToken, Device: device, ExpiresAt: row.ExpiresAt}, token, nil
}

// FindSession returns the live session of a cookie token, or
// EUNAUTHORIZED. A session read in the last few seconds is answered from
// this server's memory (authcache.go).
func (db *DB) FindSession(ctx context.Context, token string) (*soko.Session, error) {
	hash, now := soko.HashToken(token), db.now()
	if s, ok := cached(ctx, db, db.auth.sessions, hash, now); ok && now.Before(s.ExpiresAt) {
		return copySession(s), nil
	}
	gen := db.auth.generation()
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
		AuthChanges     int64
	}
	err := db.conn(ctx).Raw(`SELECT ss.id AS session_id, ss.csrf_token, ss.device, ss.expires_at, s.id, s.badge_code, s.name, s.role,
		s.pin_hash, s.failed_pins, s.locked_until, s.active, s.created_at, (SELECT n FROM auth_changes WHERE id = 1) AS auth_changes
		FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
		WHERE ss.token_hash = ? AND ss.expires_at > ? AND s.active`, hash, now).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, soko.Errorf(soko.EUNAUTHORIZED, "not signed in").JA("ログインしてください")
	}
	r := rows[0]
	st := staffRow{ID: r.ID, BadgeCode: r.BadgeCode, Name: r.Name, Role: r.Role, PINHash: r.PINHash, FailedPINs: r.FailedPINs,
		LockedUntil: r.LockedUntil, Active: r.Active, CreatedAt: r.CreatedAt}
	s := &soko.Session{ID: r.SessionID, Staff: st.staff(), CSRFToken: r.CSRFToken, Device: r.Device, ExpiresAt: r.ExpiresAt.UTC()}
	cachePut(db.auth, db.auth.sessions, hash, gen, r.AuthChanges, *copySession(*s), now)
	return s, nil
}

// copySession copies a session and its staff member, so that no request
// changes another's.
func copySession(s soko.Session) *soko.Session {
	st := *s.Staff
	s.Staff = &st
	return &s
}

// DeleteSession signs a session out, on every server at once.
func (db *DB) DeleteSession(ctx context.Context, id int64) error {
	if err := db.writeOne(ctx, func(g *gorm.DB) error { return g.Where("id = ?", id).Delete(&sessionRow{}).Error }); err != nil {
		return err
	}
	db.auth.flush()
	return nil
}
