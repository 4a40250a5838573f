package soko

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfc6238Secret is RFC 6238 appendix B's SHA-1 key, "12345678901234567890".
var rfc6238Secret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

// TestTOTP_RFC6238Vectors checks the SHA-1 test vectors of RFC 6238
// appendix B: eight digits as printed there, six (their last six) as the
// portal uses them.
func TestTOTP_RFC6238Vectors(t *testing.T) {
	for _, v := range []struct {
		unix  int64
		step  int64
		eight string
	}{
		{59, 0x1, "94287082"},
		{1111111109, 0x23523EC, "07081804"},
		{1111111111, 0x23523ED, "14050471"},
		{1234567890, 0x273EF07, "89005924"},
		{2000000000, 0x3F940AA, "69279037"},
		{20000000000, 0x27BC86AA, "65353130"},
	} {
		at := time.Unix(v.unix, 0)
		if got := TOTPStep(at); got != v.step {
			t.Errorf("step of %d = %#x, want %#x", v.unix, got, v.step)
		}
		if got := hotp([]byte("12345678901234567890"), uint64(v.step), 8); got != v.eight {
			t.Errorf("8-digit code at %d = %s, want %s", v.unix, got, v.eight)
		}
		if got := TOTPCode(rfc6238Secret, v.step); got != v.eight[2:] {
			t.Errorf("6-digit code at %d = %s, want %s", v.unix, got, v.eight[2:])
		}
	}
}

func TestMatchTOTP_WindowAndReplay(t *testing.T) {
	now := time.Unix(1111111111, 0)
	cur := TOTPStep(now)
	for _, c := range []struct {
		name string
		step int64
		last int64
		ok   bool
	}{
		{"this step", cur, 0, true},
		{"a step early", cur - 1, 0, true},
		{"a step late", cur + 1, 0, true},
		{"two steps early", cur - 2, 0, false},
		{"two steps late", cur + 2, 0, false},
		{"already used", cur, cur, false},
		{"older than the last used", cur - 1, cur, false},
		{"newer than the last used", cur + 1, cur, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			step, ok := MatchTOTP(rfc6238Secret, TOTPCode(rfc6238Secret, c.step), now, c.last)
			if ok != c.ok || (ok && step != c.step) {
				t.Errorf("MatchTOTP = %d, %v; want %d, %v", step, ok, c.step, c.ok)
			}
		})
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := MatchTOTP(rfc6238Secret, bad, now, 0); ok {
			t.Errorf("%q matched", bad)
		}
	}
	if _, ok := MatchTOTP("not base32!", "123456", now, 0); ok {
		t.Error("a broken secret matched")
	}
}

func TestTOTPURI_ReadsBack(t *testing.T) {
	secret := NewTOTPSecret()
	if len(secret) != 32 {
		t.Fatalf("secret %q is not 160 bits", secret)
	}
	u, err := url.Parse(TOTPURI("soko 倉庫", "owner@shop.example", secret))
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != secret || u.Query().Get("issuer") != "soko 倉庫" {
		t.Errorf("uri %s", u)
	}
	if label, _ := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/")); label != "soko 倉庫:owner@shop.example" {
		t.Errorf("label %q", label)
	}
}

func TestRecoveryCodes_UniqueAndHashedLoosely(t *testing.T) {
	codes := NewRecoveryCodes()
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Errorf("code %q", c)
		}
		seen[c] = true
	}
	if len(codes) != RecoveryCodeCount {
		t.Errorf("%d codes", len(codes))
	}
	c := codes[0]
	loose := strings.ToLower(c[:5]) + " " + c[6:]
	if HashRecoveryCode(loose) != HashRecoveryCode(c) || HashRecoveryCode(c) == HashRecoveryCode(codes[1]) {
		t.Error("recovery code hashes do not match their normal form")
	}
}
