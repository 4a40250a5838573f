package soko

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Role decides which menus a staff member sees and which operations they may run.
type Role string

// The staff roles, from the floor up.
const (
	RolePicker     Role = "picker"
	RolePacker     Role = "packer"
	RoleShipper    Role = "shipper"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RolePicker, RolePacker, RoleShipper, RoleSupervisor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}

// Staff is a person who works in the warehouse and signs in with a badge and PIN.
type Staff struct {
	ID          int64
	BadgeCode   string
	Name        string
	Role        Role
	PINHash     string
	FailedPINs  int
	LockedUntil time.Time
	Active      bool
	CreatedAt   time.Time
}

var (
	badgeCode = regexp.MustCompile(`^[A-Z0-9-]{3,32}$`)
	pinDigits = regexp.MustCompile(`^[0-9]{4,8}$`)
)

// Validate checks a staff member before saving.
func (s *Staff) Validate() error {
	switch {
	case !badgeCode.MatchString(s.BadgeCode):
		return Errorf(EINVALID, "badge code %q must be 3-32 upper-case letters, digits or -", s.BadgeCode).
			JA("バッジコード「%s」は英大文字・数字・- の3〜32文字にしてください", s.BadgeCode).WithField("badge_code", "pattern")
	case s.Name == "":
		return Errorf(EINVALID, "staff name is required").JA("氏名を入力してください").WithField("name", "required")
	case !s.Role.Valid():
		return Errorf(EINVALID, "unknown role %q", s.Role).JA("役割「%s」は存在しません", s.Role).WithField("role", "enum")
	}
	return nil
}

// PINLength is the fewest digits a role's PIN has: the roles that confirm,
// ship and administer guard more than a pick list.
func (r Role) PINLength() int {
	if r == RolePicker || r == RolePacker {
		return 4
	}
	return 6
}

// CheckNewPIN refuses a PIN a guesser would try first: shorter than the
// role's PINLength, one digit repeated (1111), a run up or down (1234,
// 654321) or holding the badge's own digits.
func CheckNewPIN(pin string, role Role, badge string) error {
	if !pinDigits.MatchString(pin) || len(pin) < role.PINLength() {
		n := role.PINLength()
		return Errorf(EINVALID, "a %s's PIN is %d to 8 digits", role, n).JA("この役割のPINは%d〜8桁の数字です", n).WithField("pin", "pattern")
	}
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		d := int(pin[i]) - int(pin[i-1])
		same, up, down = same && d == 0, up && d == 1, down && d == -1
	}
	var badgeDigits strings.Builder
	for _, c := range badge {
		if c >= '0' && c <= '9' {
			badgeDigits.WriteRune(c)
		}
	}
	own := badgeDigits.Len() >= 3 && strings.Contains(pin, badgeDigits.String())
	if same || up || down || own {
		return Errorf(EINVALID, "this PIN is too easy to guess (one digit repeated, a run like 1234, or the badge's digits)").
			JA("このPINは推測されやすいため使えません（同じ数字の繰り返し、1234のような連番、バッジの数字）").WithField("pin", "weak")
	}
	return nil
}

// NewPIN makes a random six-digit PIN that CheckNewPIN accepts.
func NewPIN(role Role, badge string) string {
	for {
		pin := randomDigits(6)
		if CheckNewPIN(pin, role, badge) == nil {
			return pin
		}
	}
}

// NewBadgeCode makes a random badge code, B and eight digits, so badges
// cannot be guessed by counting up from P001.
func NewBadgeCode() string { return "B" + randomDigits(8) }

func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}

// PINIterations is PBKDF2's work factor: a PIN has few digits, so every
// guess must cost. Quick test runs (go test -short) may lower it; CheckPIN
// reads each hash's own count.
var PINIterations = 120_000

// HashPIN returns the stored form of a PIN (4–8 digits), salted and stretched.
func HashPIN(pin string) (string, error) {
	if !pinDigits.MatchString(pin) {
		return "", Errorf(EINVALID, "a PIN is 4 to 8 digits").JA("PINは4〜8桁の数字です").WithField("pin", "pattern")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, pin, salt, PINIterations, 32)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", PINIterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPIN reports whether pin matches a hash made by HashPIN, in constant time.
func CheckPIN(hash, pin string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < 1 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[2])
	want, err2 := enc.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pin, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}
