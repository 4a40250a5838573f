package soko

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// APIKey lets one merchant's systems call the API. Only a hash of the secret
// is stored; the Prefix is not secret and identifies the key in lists and logs.
type APIKey struct {
	ID         int64
	MerchantID int64
	Name       string
	Prefix     string
	Hash       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first use
	RevokedAt  time.Time // zero while the key works
}

// Revoked reports whether the key no longer works.
func (k *APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

const apiKeyScheme = "soko_"

// NewAPIKeySecret makes a fresh random key: the secret the merchant keeps,
// and its prefix and hash which are all soko stores.
func NewAPIKeySecret() (secret, prefix, hash string) {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	body := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	secret = apiKeyScheme + body
	return secret, APIKeyPrefix(secret), HashAPIKey(secret)
}

// APIKeyPrefix returns the non-secret start of a key, shown to identify it.
func APIKeyPrefix(secret string) string {
	if len(secret) < len(apiKeyScheme)+8 {
		return secret
	}
	return secret[:len(apiKeyScheme)+8]
}

// HashAPIKey returns the stored form of a key. A key carries 160 random bits,
// so a plain SHA-256 is enough: there is nothing to guess that a slow hash would protect.
func HashAPIKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
