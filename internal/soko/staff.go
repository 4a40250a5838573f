package soko

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
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

// pinIterations is PBKDF2's work factor: a PIN has few digits, so every guess must cost.
const pinIterations = 120_000

// HashPIN returns the stored form of a PIN (4–8 digits), salted and stretched.
func HashPIN(pin string) (string, error) {
	if !pinDigits.MatchString(pin) {
		return "", Errorf(EINVALID, "a PIN is 4 to 8 digits").JA("PINは4〜8桁の数字です").WithField("pin", "pattern")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, pin, salt, pinIterations, 32)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", pinIterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
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
