package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type portalUserRow struct {
	ID             int64
	MerchantID     int64
	Email          string
	Name           string
	Role           string
	PasswordHash   string
	Active         bool
	FailedLogins   int
	LockedUntil    *time.Time
	WrongLoginAt   *time.Time
	ResetTokenHash *string
	ResetExpiresAt *time.Time
	CreatedAt      time.Time
	// The second factor's columns (totp.go).
	TOTPSecret             string     `gorm:"column:totp_secret"`
	TOTPPendingSecret      string     `gorm:"column:totp_pending_secret"`
	TOTPEnabledAt          *time.Time `gorm:"column:totp_enabled_at"`
	TOTPLastStep           int64      `gorm:"column:totp_last_step"`
	TOTPChallengeHash      *string    `gorm:"column:totp_challenge_hash"`
	TOTPChallengeExpiresAt *time.Time `gorm:"column:totp_challenge_expires_at"`
}

func (portalUserRow) TableName() string { return "portal_users" }

func (r portalUserRow) user() *soko.PortalUser {
	return &soko.PortalUser{
		ID: r.ID, MerchantID: r.MerchantID, Email: r.Email, Name: r.Name, Role: soko.PortalRole(r.Role),
		PasswordHash: r.PasswordHash, Active: r.Active, FailedLogins: r.FailedLogins,
		LockedUntil: fromNull(r.LockedUntil), CreatedAt: r.CreatedAt.UTC(), TOTPOn: r.TOTPEnabledAt != nil,
	}
}

type portalSessionRow struct {
	ID           int64
	TokenHash    string
	PortalUserID int64
	CSRFToken    string `gorm:"column:csrf_token"`
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

func (portalSessionRow) TableName() string { return "portal_sessions" }

// portalUserAudit is what the audit log keeps of a portal user: never the
// password's hash nor a reset token.
type portalUserAudit struct {
	MerchantID int64  `json:"merchant_id"`
	Email      string `json:"email"`
	Role       string `json:"role"`
	Active     bool   `json:"active"`
	TOTP       bool   `json:"totp,omitempty"`
}

// CreatePortalUser stores a merchant's portal user and sets its ID. A user
// with a PasswordHash signs in at once; with invite, the user is sent a
// link to set a password (valid for soko.PortalInviteLifetime) through the
// outbox, in the same transaction, and the link's token is returned.
func (db *DB) CreatePortalUser(ctx context.Context, u *soko.PortalUser, invite bool) (token string, err error) {
	if err := soko.CheckPortalUser(u); err != nil {
		return "", err
	}
	now := db.now()
	u.Active, u.CreatedAt = true, now
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var m merchantRow
		if err := tx.Where("id = ?", u.MerchantID).Take(&m).Error; err != nil {
			return err
		}
		row := portalUserRow{MerchantID: u.MerchantID, Email: u.Email, Name: u.Name, Role: string(u.Role), PasswordHash: u.PasswordHash, Active: true, CreatedAt: now}
		if invite {
			token = soko.NewToken()
			hash, expires := soko.HashToken(token), now.Add(soko.PortalInviteLifetime)
			row.ResetTokenHash, row.ResetExpiresAt = &hash, &expires
		}
		if err := tx.Create(&row).Error; err != nil {
			if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
				return soko.Errorf(soko.ECONFLICT, "%s already has a portal account", u.Email).
					JA("%s はすでに登録されています", u.Email).WithField("email", "already registered")
			}
			return err
		}
		u.ID = row.ID
		if invite {
			if err := queuePortalMail(tx, db.PublicURL, m, u, token, true, now); err != nil {
				return err
			}
		}
		return audit(tx, now, soko.AuditPortalUserCreate, "portal_user", u.ID, nil, portalUserAudit{MerchantID: u.MerchantID, Email: u.Email, Role: string(u.Role), Active: true})
	})
	if err != nil {
		return "", translate(err)
	}
	return token, nil
}

// queuePortalMail queues the email with a portal user's link to set a
// password: an invitation, or a reset they asked for. The token is in the
// link's fragment, which browsers send to no server and no Referer.
func queuePortalMail(tx *gorm.DB, base string, m merchantRow, u *soko.PortalUser, token string, invite bool, now time.Time) error {
	link := strings.TrimSuffix(base, "/") + "/portal/reset#" + token
	subject, body := "【soko】パスワード再設定のご案内 / Reset your password",
		fmt.Sprintf("%s 様\n\n荷主ポータルのパスワード再設定が依頼されました。1時間以内に次のリンクから新しいパスワードを設定してください。リンクは1回だけ使えます。\n"+
			"お心当たりがない場合は、このメールを破棄してください。パスワードは変わりません。\n\n"+
			"Someone asked to reset your merchant portal password. Set a new one within an hour at this link (it works once); if it was not you, ignore this email.\n\n%s\n\n%s\nsoko 倉庫\n", u.Email, link, m.Name)
	if invite {
		subject, body = "【soko】荷主ポータルへのご招待 / Your merchant portal account",
			fmt.Sprintf("%s 様\n\n%s の荷主ポータルのアカウントが作成されました。7日以内に次のリンクからパスワードを設定してください。\n"+
				"An account of %s's merchant portal was made for you. Set your password within 7 days at this link:\n\n%s\n\nsoko 倉庫\n", u.Email, m.Name, m.Name, link)
	}
	payload, err := json.Marshal(soko.EmailMessage{To: u.Email, ToName: u.Name, FromName: "soko 倉庫", Subject: subject, Body: body})
	if err != nil {
		return err
	}
	return tx.Create(&outboxRow{Channel: "email", EventType: "portal.password_reset", MerchantID: u.MerchantID, Payload: string(payload),
		Status: string(soko.OutboxPending), NextAttemptAt: now, CreatedAt: now}).Error
}

// FindPortalUserByEmail returns the portal user with email, or ENOTFOUND.
func (db *DB) FindPortalUserByEmail(ctx context.Context, email string) (*soko.PortalUser, error) {
	var row portalUserRow
	if err := db.conn(ctx).Where("email = ?", soko.NormalEmail(email)).Take(&row).Error; err != nil {
		return nil, translate(err)
	}
	return row.user(), nil
}

// PortalUsers lists a merchant's portal users by email.
func (db *DB) PortalUsers(ctx context.Context, merchantID int64) ([]*soko.PortalUser, error) {
	var rows []portalUserRow
	if err := db.conn(ctx).Where("merchant_id = ?", merchantID).Order("email").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.PortalUser, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

// SetPortalUserActive lets a merchant's portal user sign in again (lifting
// a wait after wrong passwords), or stops them and ends their sessions.
func (db *DB) SetPortalUserActive(ctx context.Context, merchantID, id int64, active bool) (*soko.PortalUser, error) {
	now := db.now()
	var out *soko.PortalUser
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row portalUserRow
		if err := tx.Where("id = ? AND merchant_id = ?", id, merchantID).Take(&row).Error; err != nil {
			return err
		}
		before := portalUserAudit{MerchantID: row.MerchantID, Email: row.Email, Role: row.Role, Active: row.Active}
		change := map[string]any{"active": active}
		if active {
			// Letting a user in again lifts a wait after wrong passwords too.
			change["failed_logins"], change["locked_until"] = 0, nil
			row.FailedLogins, row.LockedUntil = 0, nil
		}
		if err := tx.Model(&portalUserRow{}).Where("id = ?", id).Updates(change).Error; err != nil {
			return err
		}
		if !active {
			if err := tx.Where("portal_user_id = ?", id).Delete(&portalSessionRow{}).Error; err != nil {
				return err
			}
		}
		row.Active = active
		out = row.user()
		after := before
		after.Active = active
		return audit(tx, now, soko.AuditPortalUserUpdate, "portal_user", id, before, after)
	})
	return out, translate(err)
}

// ClaimPortalLogin lets one password for a portal user be checked, or
// refuses it with ELOCKED while the account waits; as ClaimPINAttempt, the
// attempt counts as wrong before the password is checked.
func (db *DB) ClaimPortalLogin(ctx context.Context, userID int64) (*soko.PortalLoginAttempt, error) {
	now := db.now()
	for {
		var row struct {
			FailedLogins int
			LockedUntil  *time.Time
			WrongLoginAt *time.Time
		}
		if err := db.conn(ctx).Raw(`SELECT failed_logins, locked_until, wrong_login_at FROM portal_users WHERE id = ?`, userID).Scan(&row).Error; err != nil {
			return nil, translate(err)
		}
		prior := fromNull(row.LockedUntil)
		if now.Before(prior) {
			return nil, soko.PortalLocked(prior, now)
		}
		n := row.FailedLogins + 1
		if row.WrongLoginAt == nil || row.WrongLoginAt.Before(now.Add(-soko.WrongPINsForget)) {
			n = 1
		}
		lock := prior
		if wait := soko.BadgeWait(n); wait > 0 {
			lock = now.Add(wait)
		}
		counted, err := db.execOne(ctx, `UPDATE portal_users SET failed_logins = ?, locked_until = ?, wrong_login_at = ?
			WHERE id = ? AND failed_logins = ? AND (locked_until IS NULL OR locked_until <= ?)`,
			n, nullTime(lock), now, userID, row.FailedLogins, now)
		if err != nil {
			return nil, err
		}
		if counted == 1 {
			return &soko.PortalLoginAttempt{UserID: userID, Count: n, PriorLock: prior}, nil
		}
	}
}

// SettlePortalLogin records how a claimed attempt ended: a right password
// takes back its own count and lifts the lock only if its count set it.
func (db *DB) SettlePortalLogin(ctx context.Context, a *soko.PortalLoginAttempt, right bool) error {
	if !right {
		return nil
	}
	_, err := db.execOne(ctx, `UPDATE portal_users SET locked_until = CASE WHEN failed_logins = ? THEN ? ELSE locked_until END,
		failed_logins = failed_logins - 1 WHERE id = ? AND failed_logins > 0`, a.Count, nullTime(a.PriorLock), a.UserID)
	return err
}

// ClaimUnknownPortalLogin counts a sign-in to an email without an account,
// under bucket, as ClaimPortalLogin counts an account's wrong password: a
// guess while the last count's wait lasts is refused uncounted, and the
// count is forgotten after a quiet WrongPINsForget. The count is one rate
// window whose start is the last guess (in seconds), so PurgeRateWindows
// forgets it with the others; the compare-and-set update lets parallel
// guesses each take their own number.
func (db *DB) ClaimUnknownPortalLogin(ctx context.Context, bucket string) (*soko.PortalLoginAttempt, error) {
	now := db.now()
	for {
		var rows []struct {
			WindowStart int64
			Hits        int
		}
		err := db.conn(ctx).Raw(`SELECT window_start, hits FROM rate_windows WHERE bucket = ? ORDER BY window_start DESC LIMIT 1`, bucket).Scan(&rows).Error
		if err != nil {
			return nil, translate(err)
		}
		n, prior := 1, time.Time{}
		var counted int64
		if len(rows) == 0 {
			counted, err = db.execOne(ctx, `INSERT INTO rate_windows (bucket, window_start, hits) VALUES (?, ?, 1) ON CONFLICT DO NOTHING`, bucket, now.Unix())
		} else {
			last := rows[0]
			at := time.Unix(last.WindowStart, 0).UTC()
			if wait := soko.BadgeWait(last.Hits); wait > 0 {
				prior = at.Add(wait)
			}
			if now.Before(prior) {
				return nil, soko.PortalLocked(prior, now)
			}
			if !at.Before(now.Add(-soko.WrongPINsForget)) {
				n = last.Hits + 1
			}
			counted, err = db.execOne(ctx, `UPDATE rate_windows SET window_start = ?, hits = ? WHERE bucket = ? AND window_start = ? AND hits = ?`,
				now.Unix(), n, bucket, last.WindowStart, last.Hits)
		}
		if err != nil {
			return nil, err
		}
		if counted == 1 {
			return &soko.PortalLoginAttempt{Count: n, PriorLock: prior}, nil
		}
	}
}

// CreatePortalSession signs a portal user in and returns the session and
// the cookie token, which is stored only as a hash.
func (db *DB) CreatePortalSession(ctx context.Context, u *soko.PortalUser) (*soko.PortalSession, string, error) {
	now := db.now()
	token := soko.NewToken()
	row := portalSessionRow{TokenHash: soko.HashToken(token), PortalUserID: u.ID, CSRFToken: soko.NewToken(), CreatedAt: now, ExpiresAt: now.Add(soko.PortalSessionLifetime)}
	if err := db.writeOne(ctx, func(g *gorm.DB) error { return g.Create(&row).Error }); err != nil {
		return nil, "", err
	}
	m, err := db.MerchantByID(ctx, u.MerchantID)
	if err != nil {
		return nil, "", err
	}
	return &soko.PortalSession{ID: row.ID, User: u, Merchant: m, CSRFToken: row.CSRFToken, ExpiresAt: row.ExpiresAt}, token, nil
}

// FindPortalSession returns the live session of a cookie token, or
// EUNAUTHORIZED; a stopped user's sessions are over.
func (db *DB) FindPortalSession(ctx context.Context, token string) (*soko.PortalSession, error) {
	var sess []portalSessionRow
	if err := db.conn(ctx).Where("token_hash = ? AND expires_at > ?", soko.HashToken(token), db.now()).Find(&sess).Error; err != nil {
		return nil, translate(err)
	}
	var users []portalUserRow
	if len(sess) == 1 {
		if err := db.conn(ctx).Where("id = ? AND active", sess[0].PortalUserID).Find(&users).Error; err != nil {
			return nil, translate(err)
		}
	}
	if len(users) == 0 {
		return nil, soko.Errorf(soko.EUNAUTHORIZED, "not signed in").JA("ログインしてください")
	}
	m, err := db.MerchantByID(ctx, users[0].MerchantID)
	if err != nil {
		return nil, err
	}
	return &soko.PortalSession{ID: sess[0].ID, User: users[0].user(), Merchant: m, CSRFToken: sess[0].CSRFToken, ExpiresAt: sess[0].ExpiresAt.UTC()}, nil
}

// DeletePortalSession signs a portal session out.
func (db *DB) DeletePortalSession(ctx context.Context, id int64) error {
	return db.writeOne(ctx, func(g *gorm.DB) error { return g.Where("id = ?", id).Delete(&portalSessionRow{}).Error })
}

// RequestPasswordReset makes a one-time reset link for the active user
// with email and queues the email carrying it, in one transaction; a
// newer link replaces an older one. An unknown email is ENOTFOUND, which
// the caller does not tell the asker.
func (db *DB) RequestPasswordReset(ctx context.Context, email string) (token string, err error) {
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var row portalUserRow
		if err := tx.Where("email = ? AND active", soko.NormalEmail(email)).Take(&row).Error; err != nil {
			return err
		}
		var m merchantRow
		if err := tx.Where("id = ?", row.MerchantID).Take(&m).Error; err != nil {
			return err
		}
		token = soko.NewToken()
		if err := tx.Model(&portalUserRow{}).Where("id = ?", row.ID).Updates(map[string]any{
			"reset_token_hash": soko.HashToken(token), "reset_expires_at": now.Add(soko.PasswordResetLifetime),
		}).Error; err != nil {
			return err
		}
		return queuePortalMail(tx, db.PublicURL, m, row.user(), token, false, now)
	})
	if err != nil {
		return "", translate(err)
	}
	return token, nil
}

// ResetPassword sets the password of the user whose live reset token this
// is, once: the token is spent, the account's lock lifted and every
// session of the user ended. A used, replaced or expired token is EINVALID.
func (db *DB) ResetPassword(ctx context.Context, token, passwordHash string) (*soko.PortalUser, error) {
	now := db.now()
	var out *soko.PortalUser
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var rows []portalUserRow
		if err := tx.Where("reset_token_hash = ? AND reset_expires_at > ? AND active", soko.HashToken(token), now).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return soko.Errorf(soko.EINVALID, "this link has expired or was already used: ask for a new one").
				JA("このリンクは期限切れか、すでに使われています。もう一度再設定をお申し込みください").WithField("token", "expired or used")
		}
		row := rows[0]
		res := tx.Exec(`UPDATE portal_users SET password_hash = ?, reset_token_hash = NULL, reset_expires_at = NULL,
			failed_logins = 0, locked_until = NULL WHERE id = ? AND reset_token_hash = ?`, passwordHash, row.ID, soko.HashToken(token))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return soko.Errorf(soko.EINVALID, "this link was already used").JA("このリンクはすでに使われています").WithField("token", "used")
		}
		if err := tx.Where("portal_user_id = ?", row.ID).Delete(&portalSessionRow{}).Error; err != nil {
			return err
		}
		if a := soko.ActorOf(tx.Statement.Context); a.Kind == soko.ActorPortalUser && a.PortalUserID == 0 {
			// The link's owner is who sets the password.
			a.PortalUserID, a.MerchantID = row.ID, row.MerchantID
			tx = tx.WithContext(soko.WithActor(tx.Statement.Context, a))
		}
		row.PasswordHash, row.FailedLogins, row.LockedUntil = passwordHash, 0, nil
		out = row.user()
		who := portalUserAudit{MerchantID: row.MerchantID, Email: row.Email, Role: row.Role, Active: row.Active}
		return audit(tx, now, soko.AuditPortalPassword, "portal_user", row.ID, nil, who)
	})
	if err != nil {
		return nil, translate(err)
	}
	return out, nil
}
