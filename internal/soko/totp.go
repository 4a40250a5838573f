package soko

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// The portal's second factor is RFC 6238 as every authenticator app reads
// it: HMAC-SHA-1, six digits, a 30-second step, and a code of the step
// before or after accepted too, for a phone's clock a little off.
const (
	TOTPDigits = 6
	TOTPPeriod = 30 * time.Second
	TOTPSkew   = 1
	// TOTPChallengeLifetime is how long a right password waits for its code.
	TOTPChallengeLifetime = 5 * time.Minute
	// RecoveryCodeCount is how many one-time recovery codes a user gets.
	RecoveryCodeCount = 10
)

// totpEncoding is the unpadded base32 authenticator apps take a secret in.
var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a fresh 160-bit secret in base32, the length
// RFC 4226 recommends for HMAC-SHA-1.
func NewTOTPSecret() string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return totpEncoding.EncodeToString(b[:])
}

// TOTPStep is the time step a moment falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// TOTPCode is the code of a base32 secret for a time step (RFC 4226's
// HOTP of the step), or "" for a secret that is not base32.
func TOTPCode(secret string, step int64) string {
	key, err := totpEncoding.DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil || len(key) == 0 {
		return ""
	}
	return hotp(key, uint64(step), TOTPDigits)
}

// hotp is RFC 4226's HMAC-SHA-1 one-time password of a counter.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// MatchTOTP returns the step, within TOTPSkew of now's, whose code is
// code, and whether there is one. A step at or before last (the step of
// the code that last signed in) never matches: a code works once.
func MatchTOTP(secret, code string, now time.Time, last int64) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != TOTPDigits {
		return 0, false
	}
	cur := TOTPStep(now)
	for step := cur - TOTPSkew; step <= cur+TOTPSkew; step++ {
		want := TOTPCode(secret, step)
		if step > last && want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// TOTPURI is the otpauth:// link an authenticator app reads from the QR
// code: the issuer and the account name it shows, and the secret.
func TOTPURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer + ":" + account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// recoveryAlphabet leaves out letters read as digits (I, L, O, U).
const recoveryAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewRecoveryCodes returns RecoveryCodeCount one-time codes of ten
// characters (50 bits each), written as xxxxx-xxxxx.
func NewRecoveryCodes() []string {
	out := make([]string, RecoveryCodeCount)
	for i := range out {
		var b [10]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		var s strings.Builder
		for j, c := range b {
			if j == 5 {
				s.WriteByte('-')
			}
			s.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)])
		}
		out[i] = s.String()
	}
	return out
}

// HashRecoveryCode is how a recovery code is stored and looked up: the
// hash of its normal form, so "abcde fghjk" finds ABCDE-FGHJK.
func HashRecoveryCode(code string) string {
	var s strings.Builder
	for _, r := range strings.ToUpper(code) {
		if strings.ContainsRune(recoveryAlphabet, r) {
			s.WriteRune(r)
		}
	}
	return HashToken("recovery:" + s.String())
}

// WrongTOTP is the answer to a wrong or spent code.
func WrongTOTP() *Error {
	return Errorf(EUNAUTHORIZED, "wrong or already used code").JA("確認コードが違うか、すでに使われています").
		WithField("code", "wrong or used")
}
