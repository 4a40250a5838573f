package soko

import (
	"net/netip"
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
}

// WebhookEndpoint is where a merchant wants its events, signed with Secret.
type WebhookEndpoint struct {
	ID         int64
	MerchantID int64
	URL        string
	Secret     string
	Active     bool
	EventTypes []string // empty: every event
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Wants reports whether the endpoint subscribed to events of type t.
func (w *WebhookEndpoint) Wants(t string) bool {
	if !w.Active {
		return false
	}
	if len(w.EventTypes) == 0 {
		return true
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
	"order.cancelled", "order.cancel_requested", "inbound.received", "stock.low",
}

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

// cgnat is carrier-grade NAT space, which clouds use inside their networks.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// InternalAddr reports whether a is not on the public internet: soko never
// sends a merchant's webhook there, so a merchant cannot make it probe the
// warehouse's own network (SSRF).
func InternalAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsMulticast() || a.IsUnspecified() || a.IsInterfaceLocalMulticast() || cgnat.Contains(a)
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
