package notify

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// Outbox is the store the Worker takes due notifications from and records
// attempts in.
type Outbox interface {
	ClaimDue(ctx context.Context, channel string, limit int, lease time.Duration) ([]soko.OutboxMessage, map[int64]*soko.WebhookEndpoint, error)
	RecordDelivery(ctx context.Context, m soko.OutboxMessage, attempt soko.WebhookDelivery, delivered bool, next time.Time, dead bool) error
}

// MailSender sends one email; *Mailer sends it over SMTP.
type MailSender interface {
	Send(ctx context.Context, msg soko.EmailMessage) error
}

// The Worker's retry schedule: exponential backoff from a half minute,
// capped at 6 h, for at least a day after the message was written.
const (
	firstRetry   = 30 * time.Second
	maxRetry     = 6 * time.Hour
	retryFor     = 24 * time.Hour
	pollInterval = 2 * time.Second
)

// Worker delivers the outbox's webhooks and emails. Any number of workers,
// in any number of processes, may run on one database: ClaimDue hands each
// message to one of them at a time.
type Worker struct {
	Store  Outbox
	Sender *Sender
	// Mailer sends the email channel's messages. Without one (no SMTP server
	// configured) emails are not even claimed: they stay pending, still
	// within their day of retries, until a worker with a Mailer runs, and
	// the first round logs a warning once.
	Mailer MailSender
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives failed and dead deliveries; nil discards them.
	Log *slog.Logger
	// Batch is how many messages of each channel one round claims (default 10).
	Batch int
	// Lease is how long claimed messages stay hidden from other workers.
	// It must outlast delivering a batch one by one, so the default is
	// Batch × DeliveryTimeout, which bounds each webhook and email attempt,
	// plus 30 s for recording the attempts: 130 s for a batch of ten. A
	// Mailer given a longer Timeout needs a Lease to match.
	Lease time.Duration

	noMailer sync.Once
}

// Run delivers due notifications until ctx ends, polling every 2 s when
// there are none.
func (w *Worker) Run(ctx context.Context) {
	for {
		delivered, failed, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Error("notify worker", "err", err)
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

// RunOnce claims one batch of due webhooks and delivers them, then one
// batch of due emails and sends them, recording every attempt, and reports
// how many were delivered and how many failed. Each channel is claimed
// only when its turn comes, so each lease covers one batch.
func (w *Worker) RunOnce(ctx context.Context) (delivered, failed int, err error) {
	d, f, err := w.round(ctx, "webhook", w.deliverWebhook)
	if err != nil {
		return d, f, err
	}
	mailer := w.mailer()
	if mailer == nil {
		w.noMailer.Do(func() {
			w.log().Warn("emails are not sent and stay pending: no SMTP server is configured (SOKO_SMTP_URL)")
		})
		return d, f, nil
	}
	ed, ef, err := w.round(ctx, "email", func(ctx context.Context, m soko.OutboxMessage, _ map[int64]*soko.WebhookEndpoint) (attempt, error) {
		return w.sendEmail(ctx, mailer, m)
	})
	return d + ed, f + ef, err
}

// attempt is how one delivery went: the log entry, and whether it can
// never succeed, which makes the message dead at once.
type attempt struct {
	soko.WebhookDelivery
	final bool
}

// round claims a batch of channel's due messages, makes one attempt at
// each and records it.
func (w *Worker) round(ctx context.Context, channel string, deliver func(context.Context, soko.OutboxMessage, map[int64]*soko.WebhookEndpoint) (attempt, error)) (delivered, failed int, err error) {
	ms, endpoints, err := w.Store.ClaimDue(ctx, channel, w.batch(), w.lease())
	if err != nil {
		return 0, 0, err
	}
	for _, m := range ms {
		if !w.now().Before(m.NextAttempt) {
			// Its lease ran out while earlier ones were delivered: another
			// worker may be delivering it now.
			continue
		}
		a, err := deliver(ctx, m, endpoints)
		if err != nil {
			return delivered, failed, err
		}
		if err := w.record(ctx, channel, m, a); err != nil {
			return delivered, failed, err
		}
		if a.Error == "" {
			delivered++
		} else {
			failed++
		}
	}
	return delivered, failed, nil
}

func (w *Worker) deliverWebhook(ctx context.Context, m soko.OutboxMessage, endpoints map[int64]*soko.WebhookEndpoint) (attempt, error) {
	ep := endpoints[m.EndpointID]
	switch {
	case ep == nil:
		return w.refused(m, "its webhook endpoint was removed"), nil
	case !ep.Active:
		return w.refused(m, "its webhook endpoint is inactive"), nil
	}
	d := w.Sender.Deliver(ctx, *ep, m)
	if ctx.Err() != nil {
		// Shutting down mid-attempt: the lease brings the message back.
		return attempt{}, ctx.Err()
	}
	return attempt{WebhookDelivery: d}, nil
}

// sendEmail makes one attempt to send an email message.
func (w *Worker) sendEmail(ctx context.Context, mailer MailSender, m soko.OutboxMessage) (attempt, error) {
	var msg soko.EmailMessage
	if err := json.Unmarshal(m.Payload, &msg); err != nil {
		return w.refused(m, short("the email cannot be read from the outbox: "+err.Error())), nil
	}
	a := attempt{WebhookDelivery: soko.WebhookDelivery{OutboxID: m.ID, Attempt: m.Attempts + 1, CreatedAt: w.now()}}
	start := time.Now()
	err := mailer.Send(ctx, msg)
	a.DurationMS = int(time.Since(start).Milliseconds())
	if err == nil {
		return a, nil
	}
	if ctx.Err() != nil {
		// Shutting down mid-attempt: the lease brings the message back.
		return attempt{}, ctx.Err()
	}
	a.Error = short(err.Error())
	if a.Error == "" {
		a.Error = "the email was not sent"
	}
	a.StatusCode = replyCode(err)
	a.final = Permanent(err)
	return a, nil
}

// refused is an attempt that failed before anything was sent and never
// will succeed.
func (w *Worker) refused(m soko.OutboxMessage, why string) attempt {
	return attempt{WebhookDelivery: soko.WebhookDelivery{OutboxID: m.ID, Attempt: m.Attempts + 1, Error: why, CreatedAt: w.now()}, final: true}
}

// record logs an attempt and moves the message on: delivered, dead when
// the attempt was final or the message has been failing for a day, or
// pending again after a backoff.
func (w *Worker) record(ctx context.Context, channel string, m soko.OutboxMessage, a attempt) error {
	now := w.now()
	delivered := a.Error == ""
	dead := !delivered && (a.final || now.Sub(m.CreatedAt) >= retryFor)
	next := now.Add(Backoff(m.Attempts + 1))
	if delivered && ctx.Err() != nil {
		// The receiver has it: record that even while shutting down, or it
		// would be delivered a second time.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
	}
	if err := w.Store.RecordDelivery(ctx, m, a.WebhookDelivery, delivered, next, dead); err != nil {
		return err
	}
	switch {
	case dead:
		w.log().Warn(channel+" dead", "outbox_id", m.ID, "event", m.EventType, "merchant_id", m.MerchantID, "order", m.OrderNumber, "attempts", m.Attempts+1, "err", a.Error)
	case !delivered:
		w.log().Info(channel+" failed", "outbox_id", m.ID, "event", m.EventType, "merchant_id", m.MerchantID, "order", m.OrderNumber, "attempt", m.Attempts+1, "err", a.Error, "next", next)
	}
	return nil
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

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return time.Duration(w.batch())*DeliveryTimeout + 30*time.Second
}

// mailer is the Worker's Mailer, or nil when there is none, counting a nil
// *Mailer as none: that is what a caller that found no SMTP URL may pass.
func (w *Worker) mailer() MailSender {
	if m, ok := w.Mailer.(*Mailer); ok && m == nil {
		return nil
	}
	return w.Mailer
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
