package soko

import (
	"net/netip"
	"slices"
	"strings"
	"time"
)

// OutboxStatus is where one notification stands.
type OutboxStatus string

// The outbox statuses.
const (
	OutboxPending   OutboxStatus = "pending"
	OutboxDelivered OutboxStatus = "delivered"
	OutboxDead      OutboxStatus = "dead"
)

// OutboxMessage is a notification written in the same transaction as the
// change it announces, and delivered later by a worker (transactional outbox).
type OutboxMessage struct {
	ID          int64
	Channel     string // email or webhook
	EventType   string // e.g. order.shipped
	OrderID     int64
	OrderNumber string
	MerchantID  int64
	EndpointID  int64 // webhook: the endpoint it is for; 0 once that endpoint is removed
	Payload     []byte
	Status      OutboxStatus
	Attempts    int
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
}

// DeliveryFilter narrows a list of outbox messages; zero fields match all.
type DeliveryFilter struct {
	MerchantID int64
	Channel    string // email or webhook
	Status     OutboxStatus
	EndpointID int64
}

// WebhookEndpoint is where a merchant wants its events, signed with Secret.
type WebhookEndpoint struct {
	ID         int64
	MerchantID int64
	URL        string
	Secret     string
	Active     bool
	EventTypes []string // empty: every event but the opt-in ones
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// PreviousSecret is the secret the last rotation replaced; it signs
	// beside Secret until PreviousSecretUntil, so the receiver can switch
	// without dropping an event.
	PreviousSecret      string
	PreviousSecretUntil time.Time
}

// MaxWebhookEndpoints is how many webhook endpoints a merchant may have:
// enough for a shop system, a stock connector and a support desk each, few
// enough that one event never fans out into a flood.
const MaxWebhookEndpoints = 10

// WebhookSecretOverlap is how long a rotated-out secret keeps signing.
const WebhookSecretOverlap = 24 * time.Hour

// SigningSecrets are the secrets that sign a request sent at t: the
// current one, and the one before it during the overlap.
func (w *WebhookEndpoint) SigningSecrets(t time.Time) []string {
	if w.PreviousSecret != "" && t.Before(w.PreviousSecretUntil) {
		return []string{w.Secret, w.PreviousSecret}
	}
	return []string{w.Secret}
}

// Wants reports whether the endpoint subscribed to events of type t.
func (w *WebhookEndpoint) Wants(t string) bool {
	if !w.Active {
		return false
	}
	if len(w.EventTypes) == 0 {
		return !slices.Contains(OptInWebhookEvents, t)
	}
	for _, e := range w.EventTypes {
		if e == t {
			return true
		}
	}
	return false
}

// WebhookEventTypes are the events a merchant can subscribe to.
var WebhookEventTypes = []string{
	"order.received", "order.allocated", "order.backordered", "order.short",
	"order.picked", "order.packed", "order.labeled", "order.shipped",
	"order.cancelled", "order.cancel_requested", "order.on_hold", "inbound.received", "stock.low",
	"stock.out", "stock.changed", "shipment.delivered", "shipment.exception", "return.received", "return.completed",
}

// OptInWebhookEvents are sent only to endpoints that name them: a
// stock.changed follows every change of a product's sellable figures, far
// more than an endpoint made for order events expects.
var OptInWebhookEvents = []string{"stock.changed"}

// WebhookDelivery is one attempt to deliver an outbox message.
type WebhookDelivery struct {
	ID         int64
	OutboxID   int64
	Attempt    int
	StatusCode int
	Error      string
	DurationMS int
	CreatedAt  time.Time
}

// internalNets are the networks InternalAddr refuses beside what netip
// classifies itself: special-purpose ranges (RFC 6890) that reach hosts
// near soko, and IPv6 forms that carry or translate to IPv4. The
// documentation ranges are left alone: nothing routes them.
var internalNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network": 0.0.0.1 reaches the local host
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT, used inside clouds
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("192.88.99.0/24"), // 6to4 relays
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and the broadcast address
	netip.MustParsePrefix("::/96"),          // IPv4-compatible: [::127.0.0.1]
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("100::/64"),       // discard
	netip.MustParsePrefix("2001::/32"),      // Teredo, which hides an IPv4 address
	netip.MustParsePrefix("fec0::/10"),      // site-local
}

// IPv6 prefixes that embed an IPv4 address, which is checked instead.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // [64:ff9b::7f00:1] is 127.0.0.1 through NAT64
	sixToFour = netip.MustParsePrefix("2002::/16")    // 6to4: the IPv4 address follows the prefix
)

// InternalAddr reports whether a is not on the public internet: soko never
// sends a merchant's webhook there, so a merchant cannot make it probe the
// warehouse's own network (SSRF). IPv4 written as IPv6 (mapped, compatible,
// NAT64, 6to4) counts as the IPv4 address it carries.
func InternalAddr(a netip.Addr) bool {
	a = a.WithZone("").Unmap()
	if !a.IsValid() {
		return true
	}
	if b := a.As16(); a.Is6() && nat64.Contains(a) {
		return InternalAddr(netip.AddrFrom4([4]byte(b[12:16])))
	} else if a.Is6() && sixToFour.Contains(a) {
		return InternalAddr(netip.AddrFrom4([4]byte(b[2:6])))
	}
	for _, p := range internalNets {
		if p.Contains(a) {
			return true
		}
	}
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsMulticast() || a.IsUnspecified() || a.IsInterfaceLocalMulticast()
}

// AllowedHost reports whether host is one of the host names an admin allowed
// to be on an internal network, compared without case.
func AllowedHost(allowed []string, host string) bool {
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSpace(a), host) {
			return true
		}
	}
	return false
}
