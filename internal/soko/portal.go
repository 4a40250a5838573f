package soko

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// PortalRole is what a merchant's own user may do in the portal.
type PortalRole string

// The portal roles: the owner does everything, invites and removes users
// and sets the webhooks; staff run the daily work (orders, products,
// inbound notices); read-only users look.
const (
	PortalOwner    PortalRole = "owner"
	PortalStaff    PortalRole = "staff"
	PortalReadOnly PortalRole = "readonly"
)

// Valid reports whether r is a portal role.
func (r PortalRole) Valid() bool {
	return r == PortalOwner || r == PortalStaff || r == PortalReadOnly
}

// Scopes are the API key scopes the role's portal session acts with: the
// portal serves the merchant API, and the role limits it as scopes limit
// a key. An owner's empty list allows everything.
func (r PortalRole) Scopes() []string {
	switch r {
	case PortalOwner:
		return nil
	case PortalStaff:
		return []string{ScopeRead, ScopeOrders, ScopeProducts, ScopeInbounds}
	}
	return []string{ScopeRead}
}

// PortalUser is a merchant's own person signing in to the portal.
type PortalUser struct {
	ID           int64
	MerchantID   int64
	Email        string
	Name         string
	Role         PortalRole
	PasswordHash string
	Active       bool
	FailedLogins int
	LockedUntil  time.Time
	CreatedAt    time.Time
	// TOTPOn tells that signing in also takes a code from the user's
	// authenticator app (totp.go).
	TOTPOn bool
}

// PortalSession is a portal user signed in on one browser.
type PortalSession struct {
	ID        int64
	User      *PortalUser
	Merchant  *Merchant
	CSRFToken string
	ExpiresAt time.Time
}

// Portal sign-in rules: a session lasts a working day; wrong passwords
// make the account wait as wrong PINs make a badge wait (BadgeWait); a
// reset link works once, for an hour; an invitation's link for a week.
const (
	PortalSessionLifetime = 12 * time.Hour
	PasswordResetLifetime = time.Hour
	PortalInviteLifetime  = 7 * 24 * time.Hour
	MinPasswordLength     = 10
	// MaxPasswordBytes is what bcrypt reads of a password.
	MaxPasswordBytes = 72
)

// NormalEmail is the form an email is stored and looked up in: trimmed and
// lower-case, so Owner@Shop.example and owner@shop.example are one user.
func NormalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CheckPortalUser refuses a user that cannot be stored: a bad email or role.
func CheckPortalUser(u *PortalUser) error {
	u.Email = NormalEmail(u.Email)
	bad := Errorf(EINVALID, "the user cannot be saved").JA("ユーザーを保存できません")
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		bad.WithField("email", "メールアドレスの形式が正しくありません / not an email address")
	}
	if !u.Role.Valid() {
		bad.WithField("role", "owner・staff・readonly のいずれかです / one of owner, staff, readonly")
	}
	if utf8.RuneCountInString(u.Name) > 100 {
		bad.WithField("name", "100文字以内です / at most 100 characters")
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

// CheckPassword refuses a password too short to resist guessing, or
// longer than bcrypt reads.
func CheckPassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return Errorf(EINVALID, "a password has at least %d characters", MinPasswordLength).
			JA("パスワードは%d文字以上にしてください", MinPasswordLength).WithField("password", "too short")
	case len(pw) > MaxPasswordBytes:
		return Errorf(EINVALID, "a password has at most %d bytes", MaxPasswordBytes).
			JA("パスワードが長すぎます（%dバイトまで）", MaxPasswordBytes).WithField("password", "too long")
	case strings.TrimSpace(pw) == "" || strings.ContainsRune(pw, 0):
		return Errorf(EINVALID, "the password holds characters that cannot be used").
			JA("パスワードに使えない文字が含まれています").WithField("password", "invalid")
	}
	return nil
}

// PortalLoginAttempt is one password the account's lock let through,
// counted as wrong before it is checked (as PINAttempt).
type PortalLoginAttempt struct {
	UserID    int64
	Count     int
	PriorLock time.Time
}

// PortalLocked is the answer while an account waits after wrong passwords.
func PortalLocked(until, now time.Time) *Error {
	mins := int(until.Sub(now).Minutes()) + 1
	return Errorf(ELOCKED, "account locked after wrong passwords; try again in %d min or reset the password", mins).
		JA("パスワードを続けて間違えたため、ロック中です。%d分後に再度お試しいただくか、パスワードを再設定してください", mins).Retry(until.Sub(now))
}
