package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type totpRecoveryCodeRow struct {
	ID           int64
	PortalUserID int64
	CodeHash     string
	UsedAt       *time.Time
	CreatedAt    time.Time
}

func (totpRecoveryCodeRow) TableName() string { return "totp_recovery_codes" }

// StartTOTP gives a portal user without a second factor a new secret to
// enter in an authenticator app; it takes effect only when ConfirmTOTP
// sees a code of it. Starting again replaces the secret not yet confirmed.
func (db *DB) StartTOTP(ctx context.Context, userID int64) (string, error) {
	secret := soko.NewTOTPSecret()
	started, err := db.execOne(ctx, `UPDATE portal_users SET totp_pending_secret = ? WHERE id = ? AND totp_enabled_at IS NULL`, secret, userID)
	if err != nil {
		return "", err
	}
	if started != 1 {
		return "", soko.Errorf(soko.ECONFLICT, "two-step sign-in is already on").JA("2段階認証はすでに有効です")
	}
	return secret, nil
}

// ConfirmTOTP turns the user's second factor on when code is a code of the
// secret StartTOTP gave, and returns the recovery codes, which are stored
// only as hashes: this is the one time they can be shown.
func (db *DB) ConfirmTOTP(ctx context.Context, userID int64, code string) ([]string, error) {
	now := db.now()
	codes := soko.NewRecoveryCodes()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row portalUserRow
		if err := tx.Where("id = ?", userID).Take(&row).Error; err != nil {
			return err
		}
		if row.TOTPEnabledAt != nil {
			return soko.Errorf(soko.ECONFLICT, "two-step sign-in is already on").JA("2段階認証はすでに有効です")
		}
		if row.TOTPPendingSecret == "" {
			return soko.Errorf(soko.ECONFLICT, "start setting up two-step sign-in first").JA("先に2段階認証の設定を始めてください")
		}
		step, ok := soko.MatchTOTP(row.TOTPPendingSecret, code, now, 0)
		if !ok {
			return soko.WrongTOTP()
		}
		res := tx.Exec(`UPDATE portal_users SET totp_secret = totp_pending_secret, totp_pending_secret = '', totp_enabled_at = ?, totp_last_step = ?
			WHERE id = ? AND totp_pending_secret = ? AND totp_enabled_at IS NULL`, now, step, userID, row.TOTPPendingSecret)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return soko.Errorf(soko.ECONFLICT, "the setup changed meanwhile: start again").JA("設定が途中で変わりました。最初からやり直してください")
		}
		if err := putRecoveryCodes(tx, userID, codes, now); err != nil {
			return err
		}
		before := portalUserAudit{MerchantID: row.MerchantID, Email: row.Email, Role: row.Role, Active: row.Active}
		after := before
		after.TOTP = true
		return audit(tx, now, soko.AuditPortalTOTPOn, "portal_user", userID, before, after)
	})
	if err != nil {
		return nil, translate(err)
	}
	return codes, nil
}

// putRecoveryCodes replaces a user's recovery codes with the hashes of codes.
func putRecoveryCodes(tx *gorm.DB, userID int64, codes []string, now time.Time) error {
	if err := tx.Where("portal_user_id = ?", userID).Delete(&totpRecoveryCodeRow{}).Error; err != nil {
		return err
	}
	rows := make([]totpRecoveryCodeRow, len(codes))
	for i, c := range codes {
		rows[i] = totpRecoveryCodeRow{PortalUserID: userID, CodeHash: soko.HashRecoveryCode(c), CreatedAt: now}
	}
	return tx.Create(&rows).Error
}

// CreateTOTPChallenge records that a user with a second factor gave the
// right password, and returns the challenge's token, which the code must
// come with within soko.TOTPChallengeLifetime; a newer one replaces it.
func (db *DB) CreateTOTPChallenge(ctx context.Context, userID int64) (string, error) {
	token := soko.NewToken()
	expires := db.now().Add(soko.TOTPChallengeLifetime)
	_, err := db.execOne(ctx, `UPDATE portal_users SET totp_challenge_hash = ?, totp_challenge_expires_at = ? WHERE id = ?`,
		soko.HashToken(token), expires, userID)
	return token, err
}

// FindTOTPChallenge returns the active user a live challenge token is for,
// or EUNAUTHORIZED.
func (db *DB) FindTOTPChallenge(ctx context.Context, token string) (*soko.PortalUser, error) {
	var rows []portalUserRow
	if err := db.conn(ctx).Where("totp_challenge_hash = ? AND totp_challenge_expires_at > ? AND active AND totp_enabled_at IS NOT NULL",
		soko.HashToken(token), db.now()).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, soko.Errorf(soko.EUNAUTHORIZED, "the sign-in has expired: enter your password again").
			JA("ログインの有効期限が切れました。もう一度パスワードを入力してください")
	}
	return rows[0].user(), nil
}

// PassTOTPChallenge spends the user's live challenge token if code is a
// code of their authenticator app newer than the last one used, or one of
// their unused recovery codes (which it spends too); recovery tells which.
// Anything else is soko.WrongTOTP and leaves the challenge live.
func (db *DB) PassTOTPChallenge(ctx context.Context, userID int64, token, code string) (recovery bool, err error) {
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var row portalUserRow
		if err := tx.Where("id = ? AND totp_challenge_hash = ? AND totp_challenge_expires_at > ?", userID, soko.HashToken(token), now).Take(&row).Error; err != nil {
			return err
		}
		var err error
		if recovery, err = spendCode(tx, row, code, now); err != nil {
			return err
		}
		res := tx.Exec(`UPDATE portal_users SET totp_challenge_hash = NULL, totp_challenge_expires_at = NULL WHERE id = ? AND totp_challenge_hash = ?`,
			userID, soko.HashToken(token))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return soko.WrongTOTP()
		}
		return nil
	})
	if soko.ErrorCode(translate(err)) == soko.ENOTFOUND {
		return false, soko.Errorf(soko.EUNAUTHORIZED, "the sign-in has expired: enter your password again").
			JA("ログインの有効期限が切れました。もう一度パスワードを入力してください")
	}
	return recovery, translate(err)
}

// spendCode uses code up if it is a code of the user's authenticator app
// newer than the last one used, or one of their unused recovery codes;
// recovery tells which. Anything else is soko.WrongTOTP.
func spendCode(tx *gorm.DB, row portalUserRow, code string, now time.Time) (recovery bool, err error) {
	code = strings.TrimSpace(code)
	if len(code) > soko.TOTPDigits {
		res := tx.Model(&totpRecoveryCodeRow{}).Where("portal_user_id = ? AND code_hash = ? AND used_at IS NULL", row.ID, soko.HashRecoveryCode(code)).Update("used_at", now)
		if res.Error != nil {
			return false, res.Error
		}
		if res.RowsAffected != 1 {
			return false, soko.WrongTOTP()
		}
		return true, nil
	}
	step, ok := soko.MatchTOTP(row.TOTPSecret, code, now, row.TOTPLastStep)
	if !ok {
		return false, soko.WrongTOTP()
	}
	// Only a step newer than the last used may be stored: two requests
	// racing with one code cannot both pass.
	res := tx.Exec(`UPDATE portal_users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, row.ID, step)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected != 1 {
		return false, soko.WrongTOTP()
	}
	return false, nil
}

// TurnOffTOTP takes a user's own second factor away when code is one of
// their codes (spendCode): a session alone, left open on a shared
// computer, cannot turn it off.
func (db *DB) TurnOffTOTP(ctx context.Context, userID int64, code string) error {
	now := db.now()
	return translate(db.transact(ctx, func(tx *gorm.DB) error {
		var row portalUserRow
		if err := tx.Where("id = ? AND totp_enabled_at IS NOT NULL", userID).Take(&row).Error; err != nil {
			if soko.ErrorCode(translate(err)) == soko.ENOTFOUND {
				return soko.Errorf(soko.ECONFLICT, "two-step sign-in is not on").JA("2段階認証は有効になっていません")
			}
			return err
		}
		if _, err := spendCode(tx, row, code, now); err != nil {
			return err
		}
		return clearTOTP(tx, row, now)
	}))
}

// ResetPortalTOTP takes a merchant's portal user's second factor away (an
// admin does, for a user who lost their phone and recovery codes).
func (db *DB) ResetPortalTOTP(ctx context.Context, merchantID, userID int64) (*soko.PortalUser, error) {
	now := db.now()
	var out *soko.PortalUser
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row portalUserRow
		if err := tx.Where("id = ? AND merchant_id = ?", userID, merchantID).Take(&row).Error; err != nil {
			return err
		}
		if err := clearTOTP(tx, row, now); err != nil {
			return err
		}
		row.TOTPEnabledAt = nil
		out = row.user()
		return nil
	})
	return out, translate(err)
}

// clearTOTP removes a user's secret, recovery codes and any sign-in
// waiting for a code, and audits it.
func clearTOTP(tx *gorm.DB, row portalUserRow, now time.Time) error {
	if err := tx.Exec(`UPDATE portal_users SET totp_secret = '', totp_pending_secret = '', totp_enabled_at = NULL, totp_last_step = 0,
		totp_challenge_hash = NULL, totp_challenge_expires_at = NULL WHERE id = ?`, row.ID).Error; err != nil {
		return err
	}
	if err := tx.Where("portal_user_id = ?", row.ID).Delete(&totpRecoveryCodeRow{}).Error; err != nil {
		return err
	}
	before := portalUserAudit{MerchantID: row.MerchantID, Email: row.Email, Role: row.Role, Active: row.Active, TOTP: row.TOTPEnabledAt != nil}
	after := before
	after.TOTP = false
	return audit(tx, now, soko.AuditPortalTOTPReset, "portal_user", row.ID, before, after)
}
