package soko

import "time"

// IdempotencyWindow is how long a merchant's Idempotency-Key is remembered.
const IdempotencyWindow = 24 * time.Hour

// IdempotentRequest is a POST remembered by its Idempotency-Key, so a retry
// replays the first answer instead of acting twice.
type IdempotentRequest struct {
	MerchantID  int64
	Key         string
	RequestHash string // of method, path and body: the same key with another request is refused
	Status      int    // 0 while the first request is still running
	ContentType string
	Body        []byte
	CreatedAt   time.Time
}

// Done reports whether the first request has answered.
func (r *IdempotentRequest) Done() bool { return r.Status != 0 }
