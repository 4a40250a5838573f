package soko

import "time"

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
	MerchantID  int64
	Payload     []byte
	Status      OutboxStatus
	Attempts    int
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
}

// WebhookEndpoint is where a merchant wants its events, signed with Secret.
type WebhookEndpoint struct {
	ID         int64
	MerchantID int64
	URL        string
	Secret     string
	Active     bool
	CreatedAt  time.Time
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
