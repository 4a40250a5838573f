package soko

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"slices"
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
	// Scopes limit what the key may do (ScopeRead, ScopeOrders…); a key
	// without scopes may do everything, as keys made before scopes did.
	Scopes     []string
	ExpiresAt  time.Time // zero: never
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first use
	RevokedAt  time.Time // zero while the key works
}

// The scopes an API key can be limited to. Reading needs ScopeRead or the
// scope of what is read; every change needs the scope of what it changes.
const (
	ScopeRead     = "read"     // every read
	ScopeOrders   = "orders"   // send, cancel and read orders and shipments
	ScopeProducts = "products" // put and read products and their stock
	ScopeInbounds = "inbounds" // send and read inbound notices
	ScopeWebhooks = "webhooks" // set the webhook endpoint, redeliver
	ScopeTracking = "tracking" // push parcels' delivery status events (a carrier integration)
)

// APIScopes are every scope, in the order they are shown.
var APIScopes = []string{ScopeRead, ScopeOrders, ScopeProducts, ScopeInbounds, ScopeWebhooks, ScopeTracking}

// ParseScopes reads a comma-separated list of scopes, refusing unknown
// ones; the empty list is a key without limits.
func ParseScopes(list string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" || slices.Contains(out, s) {
			continue
		}
		if !slices.Contains(APIScopes, s) {
			return nil, Errorf(EINVALID, "unknown scope %q: use %s", s, strings.Join(APIScopes, ", ")).
				JA("スコープ %q はありません（%s のいずれか）", s, strings.Join(APIScopes, ", ")).WithField("scopes", "unknown scope "+s)
		}
		out = append(out, s)
	}
	return out, nil
}

// Allows reports whether the key may call an operation that accepts any
// one of scopes.
func (k *APIKey) Allows(scopes []string) bool {
	if len(k.Scopes) == 0 {
		return true
	}
	for _, s := range scopes {
		if slices.Contains(k.Scopes, s) {
			return true
		}
	}
	return false
}

// Expired reports whether the key's expiry has passed at now.
func (k *APIKey) Expired(now time.Time) bool {
	return !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt)
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
