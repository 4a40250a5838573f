package notify

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// Outbox is the store the Worker takes due webhooks from and records attempts in.
type Outbox interface {
	ClaimDue(ctx context.Context, channel string, limit int, lease time.Duration) ([]soko.OutboxMessage, map[int64]*soko.WebhookEndpoint, error)
	RecordDelivery(ctx context.Context, id int64, attempt soko.WebhookDelivery, delivered bool, next time.Time, dead bool) error
}

// The Worker's retry schedule: exponential backoff from a half minute,
// capped at 6 h, for at least a day after the message was written.
const (
	firstRetry   = 30 * time.Second
	maxRetry     = 6 * time.Hour
	retryFor     = 24 * time.Hour
	pollInterval = 2 * time.Second
)

// Worker delivers the outbox's webhooks. Any number of workers, in any
// number of processes, may run on one database: ClaimDue hands each message
// to one of them at a time.
type Worker struct {
	Store  Outbox
	Sender *Sender
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives failed and dead deliveries; nil discards them.
	Log *slog.Logger
	// Batch is how many messages one round claims (default 10).
	Batch int
	// Lease is how long claimed messages stay hidden from other workers;
	// it must outlast a round, Batch × DeliveryTimeout (default 5 min).
	Lease time.Duration
}

// Run delivers due webhooks until ctx ends, polling every 2 s when there
// are none.
func (w *Worker) Run(ctx context.Context) {
	for {
		delivered, failed, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Error("webhook worker", "err", err)
		}
		if err == nil && delivered+failed >= w.batch() {
			continue // there may be more due right now
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pollInterval):
		}
	}
}

// RunOnce claims one batch of due webhooks, delivers each and records the
// attempts, and reports how many were delivered and how many failed.
func (w *Worker) RunOnce(ctx context.Context) (delivered, failed int, err error) {
	lease := w.Lease
	if lease <= 0 {
		lease = 5 * time.Minute
	}
	ms, endpoints, err := w.Store.ClaimDue(ctx, "webhook", w.batch(), lease)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range ms {
		ok, err := w.deliver(ctx, m, endpoints[m.MerchantID])
		if err != nil {
			return delivered, failed, err
		}
		if ok {
			delivered++
		} else {
			failed++
		}
	}
	return delivered, failed, nil
}

func (w *Worker) deliver(ctx context.Context, m soko.OutboxMessage, ep *soko.WebhookEndpoint) (bool, error) {
	var d soko.WebhookDelivery
	switch {
	case ep == nil:
		d = soko.WebhookDelivery{OutboxID: m.ID, Attempt: m.Attempts + 1, Error: "the merchant has no webhook endpoint", CreatedAt: w.now()}
	case !ep.Active:
		d = soko.WebhookDelivery{OutboxID: m.ID, Attempt: m.Attempts + 1, Error: "the merchant's webhook endpoint is inactive", CreatedAt: w.now()}
	default:
		d = w.Sender.Deliver(ctx, *ep, m)
		if ctx.Err() != nil {
			// Shutting down mid-attempt: the lease brings the message back.
			return false, ctx.Err()
		}
	}
	now := w.now()
	delivered := d.Error == ""
	dead := !delivered && (ep == nil || !ep.Active || now.Sub(m.CreatedAt) >= retryFor)
	next := now.Add(Backoff(m.Attempts + 1))
	if err := w.Store.RecordDelivery(ctx, m.ID, d, delivered, next, dead); err != nil {
		return false, err
	}
	switch {
	case dead:
		w.log().Warn("webhook dead", "outbox_id", m.ID, "event", m.EventType, "merchant_id", m.MerchantID, "attempts", m.Attempts+1, "err", d.Error)
	case !delivered:
		w.log().Info("webhook failed", "outbox_id", m.ID, "event", m.EventType, "merchant_id", m.MerchantID, "attempt", m.Attempts+1, "err", d.Error, "next", next)
	}
	return delivered, nil
}

// Backoff is how long to wait after the attempts-th failed attempt:
// 2^attempts × 30 s, at most 6 h, jittered down by up to half so that
// messages failing together do not come back together.
func Backoff(attempts int) time.Duration {
	d := maxRetry
	if attempts < 20 {
		d = min(firstRetry<<attempts, maxRetry)
	}
	return time.Duration(float64(d) * (0.5 + rand.Float64()*0.5))
}

func (w *Worker) batch() int {
	if w.Batch <= 0 {
		return 10
	}
	return w.Batch
}

func (w *Worker) now() time.Time {
	if w.Now == nil {
		return time.Now().UTC()
	}
	return w.Now().UTC()
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}
