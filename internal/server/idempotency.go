package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// idempotencyStore is what idempotency.go's handlers need of the store.
type idempotencyStore interface {
	ClaimIdempotencyKey(ctx context.Context, r *soko.IdempotentRequest, stale time.Duration) (prior *soko.IdempotentRequest, claimed bool, err error)
	FindIdempotentRequest(ctx context.Context, merchantID int64, key string) (*soko.IdempotentRequest, error)
	FinishIdempotentRequest(ctx context.Context, r *soko.IdempotentRequest) error
	ReleaseIdempotencyKey(ctx context.Context, merchantID int64, key string) error
	PrereadOrderIntake(ctx context.Context, merchantID int64, skus func() []string) context.Context
}

// How idempotent requests wait: a retry that arrives while the first
// request runs waits up to idempotencyWait for its answer. The first
// request's work is cut off after idempotencyWork, so a claim older than
// idempotencyStale belongs to a request whose process died (or lost its
// database) and is taken over, and a key is never blocked for long.
const (
	idempotencyWait  = 10 * time.Second
	idempotencyPoll  = 25 * time.Millisecond
	idempotencyWork  = 20 * time.Second
	idempotencyStale = 30 * time.Second
)

// idempotent gives POSTs with an Idempotency-Key Stripe's semantics: the
// first request runs and its answer is kept; a retry with the same key and
// body gets that answer again; the same key with another body is refused.
// The claim of the key, the request's effect and its kept answer commit in
// one transaction: a retry after the first answer was lost (the server
// killed after its commit) gets that answer, and a request whose server
// died before its commit left nothing behind, so its retry runs afresh.
func (s *Server) idempotent(next handler) handler {
	return func(w http.ResponseWriter, req *http.Request) error {
		key := req.Header.Get("Idempotency-Key")
		if req.Method != http.MethodPost || key == "" {
			return next(w, req)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(append([]byte(req.Method+" "+req.URL.Path+"\n"), canonicalJSON(body)...))
		mine := &soko.IdempotentRequest{MerchantID: merchantOf(req.Context()), Key: key, RequestHash: hex.EncodeToString(sum[:])}

		if !oneCommit[routeOf(req.Context())] {
			return s.idempotentApart(w, req, next, mine, body)
		}
		ctx := req.Context()
		if routeOf(ctx) == apiBase+"/orders" {
			ctx = s.prereadOrder(ctx, body)
		}
		var prior *soko.IdempotentRequest
		var answer *held
		err = s.store.InTransaction(ctx, func(ctx context.Context) error {
			p, claimed, err := s.store.ClaimIdempotencyKey(ctx, mine, idempotencyStale)
			if err != nil {
				return err
			}
			if !claimed {
				prior = p
				return errNotClaimed
			}
			work, cancel := context.WithTimeout(ctx, idempotencyWork)
			defer cancel()
			answer = s.hold(w, req, work, body, next)
			if answer.err != nil || answer.status >= 400 {
				return errRefused
			}
			mine.Status, mine.ContentType, mine.Body = answer.status, answer.header.Get("Content-Type"), answer.body.Bytes()
			return s.store.FinishIdempotentRequest(ctx, mine)
		})
		switch {
		case errors.Is(err, errNotClaimed):
			return s.replay(w, req, mine, prior)
		case errors.Is(err, errRefused):
			// Refused: nothing of it is committed. Its answer is kept on its
			// own, claim and answer in one transaction, unless nothing was
			// done or we cannot tell (5xx, 429): the retry runs afresh.
			if answer.status < 500 && answer.status != http.StatusTooManyRequests {
				mine.Status, mine.ContentType, mine.Body = answer.status, answer.header.Get("Content-Type"), answer.body.Bytes()
				if err := s.store.InTransaction(ctx, func(ctx context.Context) error {
					if _, claimed, err := s.store.ClaimIdempotencyKey(ctx, mine, idempotencyStale); err != nil || !claimed {
						return err // another request took the key meanwhile: its answer stands
					}
					return s.store.FinishIdempotentRequest(ctx, mine)
				}); err != nil {
					s.log.Error("keeping a refused request's answer", "err", err)
				}
			}
			return answer.send(w)
		case err != nil:
			return err
		}
		return answer.send(w)
	}
}

// oneCommit are the idempotent routes whose handler runs in one
// transaction with its claim and its kept answer (see idempotent): a new
// order, and an order's cancellation, hold and release. Other routes take
// several steps that commit or fail one by one (a batch of orders answers
// for each) or have not been moved yet, and are kept apart
// (idempotentApart).
var oneCommit = map[string]bool{
	apiBase + "/orders":                   true,
	apiBase + "/orders/:order_no/cancel":  true,
	apiBase + "/orders/:order_no/hold":    true,
	apiBase + "/orders/:order_no/release": true,
}

// idempotentApart runs an idempotent request whose steps commit on their
// own: the claim commits first, the handler's steps as they go, the answer
// after them; a request that failed in soko lets go of its key, so its
// retry runs afresh.
func (s *Server) idempotentApart(w http.ResponseWriter, r *http.Request, next handler, mine *soko.IdempotentRequest, body []byte) error {
	ctx := r.Context()
	prior, claimed, err := s.store.ClaimIdempotencyKey(ctx, mine, idempotencyStale)
	if err != nil {
		return err
	}
	if !claimed {
		return s.replay(w, r, mine, prior)
	}
	work, cancel := context.WithTimeout(ctx, idempotencyWork)
	defer cancel()
	answer := s.hold(w, r, work, body, next)
	if answer.status >= 500 || answer.status == http.StatusTooManyRequests {
		// Nothing was done, or we cannot tell: let the retry run afresh.
		err = s.store.ReleaseIdempotencyKey(ctx, mine.MerchantID, mine.Key)
	} else {
		mine.Status, mine.ContentType, mine.Body = answer.status, answer.header.Get("Content-Type"), answer.body.Bytes()
		err = s.store.FinishIdempotentRequest(ctx, mine)
	}
	if err != nil {
		s.log.Error("keeping an idempotent request's answer", "err", err)
	}
	return answer.send(w)
}

// prereadOrder lets the store read, before a new order's transaction,
// what the order looks up in it (storage.PrereadOrderIntake): on SQLite
// the transaction holds the one write lock for less time.
func (s *Server) prereadOrder(ctx context.Context, body []byte) context.Context {
	return s.store.PrereadOrderIntake(ctx, merchantOf(ctx), func() []string {
		var in struct {
			Lines []struct {
				SKU string `json:"sku"`
			} `json:"lines"`
		}
		if json.Unmarshal(body, &in) != nil {
			return nil // the handler answers what is wrong with it
		}
		skus := make([]string, len(in.Lines))
		for i, l := range in.Lines {
			skus[i] = l.SKU
		}
		return skus
	})
}

// errNotClaimed rolls back the transaction of a request whose key was
// used before: it is answered with the earlier request's answer.
var errNotClaimed = errors.New("idempotency key used before")

// replay answers a retry with the first request's answer, waiting for it
// while the first request still runs.
func (s *Server) replay(w http.ResponseWriter, r *http.Request, mine, prior *soko.IdempotentRequest) error {
	if prior.RequestHash != mine.RequestHash {
		return soko.Errorf(soko.EINVALID, "Idempotency-Key %q was used with another request", mine.Key).
			JA("Idempotency-Key「%s」は別のリクエストで使われています", mine.Key).WithField("Idempotency-Key", "reused")
	}
	deadline := time.Now().Add(idempotencyWait)
	for !prior.Done() && time.Now().Before(deadline) {
		select {
		case <-r.Context().Done():
			return r.Context().Err()
		case <-time.After(idempotencyPoll):
		}
		p, err := s.store.FindIdempotentRequest(r.Context(), mine.MerchantID, mine.Key)
		if err != nil {
			if soko.ErrorCode(err) == soko.ENOTFOUND {
				// The first request failed and let go of the key: retry is the client's.
				return soko.Errorf(soko.ECONFLICT, "the first request with this Idempotency-Key failed; send it again").
					JA("同じIdempotency-Keyの最初のリクエストが失敗しました。もう一度送ってください")
			}
			return err
		}
		prior = p
	}
	if !prior.Done() {
		return soko.Errorf(soko.ECONFLICT, "a request with Idempotency-Key %q is still running", mine.Key).
			JA("同じIdempotency-Keyのリクエストを処理中です")
	}
	w.Header().Set("Idempotent-Replayed", "true")
	return writeBlob(w, prior.Status, prior.ContentType, prior.Body)
}

// canonicalJSON is a JSON body in one spelling: members sorted, no spaces,
// numbers as written. A retry whose client re-serialised the same request
// with other spacing or member order is the same request (Stripe compares
// parameters, not bytes). A body that is not JSON is compared as it is.
func canonicalJSON(body []byte) []byte {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil || d.More() {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}
