package soko

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Session is a staff member signed in on one device.
type Session struct {
	ID        int64
	Staff     *Staff
	CSRFToken string
	Device    string
	ExpiresAt time.Time
}

// Sign-in rules: a shift is the longest a session lives; wrong PINs make a
// badge wait, longer after each one, and are forgotten after a quiet day; a
// device the staff member signed in on stays trusted for a month and is not
// made to wait for another device's wrong PINs (it keeps its own count).
const (
	SessionLifetime = 12 * time.Hour
	MaxWrongPINs    = 5
	MaxBadgeWait    = time.Hour
	WrongPINsForget = 24 * time.Hour
	DeviceTrust     = 30 * 24 * time.Hour
)

// BadgeWait is how long a badge waits after its nth wrong PIN in a row:
// nothing for the first four, then 1, 2, 4 … minutes up to MaxBadgeWait.
func BadgeWait(n int) time.Duration {
	if n < MaxWrongPINs {
		return 0
	}
	if n-MaxWrongPINs >= 6 {
		return MaxBadgeWait
	}
	return min(MaxBadgeWait, time.Minute<<(n-MaxWrongPINs))
}

// PINAttempt is one PIN the badge's limits let through, counted as wrong
// before it is checked so parallel guesses cannot all slip past the count;
// a right PIN takes its own count back and nobody else's.
type PINAttempt struct {
	StaffID int64
	// DeviceID is the trusted device the attempt came from, 0 for the badge's count.
	DeviceID int64
	// Count is the badge's wrong PINs in a row including this attempt;
	// PriorLock is the badge's lock before it.
	Count     int
	PriorLock time.Time
}

// BadgeLocked is the answer while a badge waits after wrong PINs.
func BadgeLocked(until, now time.Time) *Error {
	mins := int(until.Sub(now).Minutes()) + 1
	return Errorf(ELOCKED, "badge locked after wrong PINs; try again in %d min", mins).
		JA("PINを続けて間違えたため、このバッジはロック中です。%d分後に再度お試しください", mins).Retry(until.Sub(now))
}

// NewToken returns 32 random bytes as URL-safe text, for session cookies and CSRF tokens.
func NewToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken is how a session token is stored: a stolen table holds no working cookie.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Menu is a part of the handheld and station a role may use.
type Menu string

// The menus.
const (
	MenuReceive  Menu = "receive"
	MenuPutAway  Menu = "putaway"
	MenuCount    Menu = "count"
	MenuPick     Menu = "pick"
	MenuPack     Menu = "pack"
	MenuHandover Menu = "handover"
	// MenuReturns is the returns desk: receiving parcels that come back.
	MenuReturns Menu = "returns"
	MenuConsole Menu = "console"
	// MenuAdmin is the console's administration: merchants, staff, keys,
	// templates.
	MenuAdmin Menu = "admin"
)

// menusOf is the permission table: which role may do what. The server
// checks it on every call, whatever the page showed.
var menusOf = map[Role][]Menu{
	RolePicker:     {MenuPick, MenuReceive, MenuPutAway, MenuCount, MenuReturns},
	RolePacker:     {MenuPack},
	RoleShipper:    {MenuHandover, MenuReceive, MenuPutAway},
	RoleSupervisor: {MenuPick, MenuReceive, MenuPutAway, MenuCount, MenuPack, MenuHandover, MenuReturns, MenuConsole},
	RoleAdmin:      {MenuPick, MenuReceive, MenuPutAway, MenuCount, MenuPack, MenuHandover, MenuReturns, MenuConsole, MenuAdmin},
}

// Menus lists what role may do, in the order the handheld shows it.
func (r Role) Menus() []Menu { return menusOf[r] }

// May reports whether role r may use menu m.
func (r Role) May(m Menu) bool {
	for _, x := range menusOf[r] {
		if x == m {
			return true
		}
	}
	return false
}

// Supervises reports whether role r may confirm exceptions on the floor
// (closing a pickup with parcels missing, resetting an inspection): the
// roles that run the console.
func (r Role) Supervises() bool { return r.May(MenuConsole) }

// Forbidden is the error for a role that may not do something.
func Forbidden(r Role, m Menu) error {
	return Errorf(EFORBIDDEN, "a %s may not use %s", r, m).JA("この操作（%s）を行う権限がありません", m)
}
