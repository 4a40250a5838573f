package soko

import (
	"strings"
	"testing"
)

func TestHashPIN_ChecksAndSalts(t *testing.T) {
	h1, err := HashPIN("1234")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPIN("1234")
	if h1 == h2 {
		t.Fatal("two hashes of one PIN are equal: no salt")
	}
	if strings.Contains(h1, "1234") {
		t.Fatal("hash contains the PIN")
	}
	if !CheckPIN(h1, "1234") || !CheckPIN(h2, "1234") {
		t.Fatal("right PIN refused")
	}
	for _, wrong := range []string{"1235", "", "12345", "1234 "} {
		if CheckPIN(h1, wrong) {
			t.Fatalf("wrong PIN %q accepted", wrong)
		}
	}
	for _, bad := range []string{"", "pbkdf2-sha256$x$y$z", "md5$1$2$3", "pbkdf2-sha256$0$AA$AA"} {
		if CheckPIN(bad, "1234") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
}

func TestHashPIN_RefusesNonDigits(t *testing.T) {
	for _, pin := range []string{"", "123", "abcd", "123456789", "１２３４"} {
		if _, err := HashPIN(pin); ErrorCode(err) != EINVALID {
			t.Errorf("PIN %q: got %v, want invalid", pin, err)
		}
	}
}

func TestNewAPIKeySecret_HashAndPrefix(t *testing.T) {
	secret, prefix, hash := NewAPIKeySecret()
	other, _, _ := NewAPIKeySecret()
	if secret == other {
		t.Fatal("two keys are equal")
	}
	if !strings.HasPrefix(secret, "soko_") || len(secret) != len("soko_")+32 {
		t.Fatalf("key %q has the wrong shape", secret)
	}
	if !strings.HasPrefix(secret, prefix) || len(prefix) >= len(secret) {
		t.Fatalf("prefix %q of %q", prefix, secret)
	}
	if hash != HashAPIKey(secret) || hash == HashAPIKey(other) || strings.Contains(hash, secret) {
		t.Fatal("hash does not identify the key")
	}
}

func TestStaff_Validate(t *testing.T) {
	ok := Staff{BadgeCode: "P001", Name: "田中", Role: RolePicker}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Staff{
		{BadgeCode: "p1", Name: "x", Role: RolePicker},
		{BadgeCode: "P001", Name: "", Role: RolePicker},
		{BadgeCode: "P001", Name: "x", Role: "boss"},
	} {
		if err := s.Validate(); ErrorCode(err) != EINVALID || len(ErrorFields(err)) != 1 {
			t.Errorf("%+v: got %v", s, err)
		}
	}
}

// The PINs a guesser tries first are refused when set, and the roles that
// confirm, ship and administer need six digits.
func TestCheckNewPIN(t *testing.T) {
	for _, c := range []struct {
		pin   string
		role  Role
		badge string
		ok    bool
	}{
		{"7294", RolePicker, "P001", true},
		{"7294", RolePacker, "K001", true},
		{"7294", RoleSupervisor, "V001", false},
		{"0000", RoleAdmin, "A001", false},
		{"731946", RoleSupervisor, "V001", true},
		{"1111", RolePicker, "P001", false},
		{"000000", RoleShipper, "S001", false},
		{"1234", RolePicker, "P001", false},
		{"654321", RoleAdmin, "A001", false},
		{"0012", RolePicker, "P001", false},
		{"280731", RoleSupervisor, "V0731", false},
		{"12a4", RolePicker, "P001", false},
	} {
		err := CheckNewPIN(c.pin, c.role, c.badge)
		if (err == nil) != c.ok || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("PIN %s for a %s with badge %s: %v, want ok=%v", c.pin, c.role, c.badge, err, c.ok)
		}
	}
}
