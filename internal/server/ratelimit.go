package server

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// rateLimitStore is what ratelimit.go's handlers need of the store.
type rateLimitStore interface {
	Spend(ctx context.Context, bucket string, now time.Time, interval time.Duration, burst int) (fullAt time.Time, fits bool, err error)
}

// keyBudget is each API key's request budget: burst requests at most, one
// more every interval. It is kept in the database, so every soko server on
// it spends from the same budget and one merchant's runaway integration
// cannot slow the others however many servers answer.
type keyBudget struct {
	interval time.Duration
	burst    int
}

func newKeyBudget(perSecond float64, burst int) keyBudget {
	return keyBudget{interval: time.Duration(float64(time.Second) / perSecond), burst: max(burst, 1)}
}

// limitRate spends one request of the caller's budget, tells the caller
// what is left of it, and answers 429 with Retry-After when it is spent.
// The budget runs on the database's wall clock, not the server's business
// clock (which tests and the demo fix), because requests come in real
// time.
func (s *Server) limitRate(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		key, ok := r.Context().Value(callerKey{}).(*soko.APIKey)
		if !ok {
			return next(w, r)
		}
		bucket := "apikey:" + strconv.FormatInt(key.ID, 10)
		if ps, ok := portalSessionOf(r.Context()); ok {
			// A portal user spends a budget of their own, as a key does.
			bucket = "portal:" + strconv.FormatInt(ps.User.ID, 10)
		}
		// Spent at the database's time when the statement runs, not when
		// the request began to wait for a connection.
		full, fits, err := s.store.Spend(r.Context(), bucket, time.Time{}, s.budget.interval, s.budget.burst)
		if err != nil {
			return err
		}
		now := time.Now()
		// The budget, as the IETF RateLimit header fields draft names it:
		// the burst, what is left of it, and the seconds until it is whole.
		b := s.budget
		used := full.Sub(now)
		left := min(b.burst, max(0, int((time.Duration(b.burst)*b.interval-used)/b.interval)))
		h := w.Header()
		h.Set("RateLimit-Limit", strconv.Itoa(b.burst))
		h.Set("RateLimit-Remaining", strconv.Itoa(left))
		h.Set("RateLimit-Reset", strconv.Itoa(int(math.Ceil(max(used, 0).Seconds()))))
		if !fits {
			// The next request fits once a whole token is back.
			wait := used - time.Duration(b.burst-1)*b.interval
			secs := max(1, int(math.Ceil(wait.Seconds())))
			return soko.Errorf(soko.ETOOMANY, "too many requests: retry after %d s", secs).
				JA("リクエストが多すぎます。%d秒後に再送してください", secs).Retry(time.Duration(secs) * time.Second)
		}
		return next(w, r)
	}
}

// limitWindow is the fixed window the shared limits count in.
const limitWindow = time.Minute

// windowLimit is a shared counter and the most hits its window allows.
type windowLimit struct {
	bucket string
	max    int
}

// tooMany is the answer once a limit's window is full.
func tooMany(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	return soko.Errorf(soko.ETOOMANY, "too many attempts: retry after %d s", secs).
		JA("試行回数が多すぎます。%d秒後に再度お試しください", secs).Retry(wait)
}

// hitLimits counts one request against each limit's current window, in the
// database every soko process shares, and refuses it when one is full.
func (s *Server) hitLimits(ctx context.Context, limits []windowLimit) (start time.Time, err error) {
	now := s.now()
	start = now.Truncate(limitWindow)
	for _, l := range limits {
		n, err := s.store.Hit(ctx, l.bucket, start)
		if err != nil {
			return start, err
		}
		if n > l.max {
			return start, tooMany(start.Add(limitWindow).Sub(now))
		}
	}
	return start, nil
}

// signInLimits are the limits every sign-in from ip counts against.
func (s *Server) signInLimits(ip string) []windowLimit {
	return []windowLimit{{"signin:ip:" + ip, s.signInsPerAddress}, {"signin:all", s.signInsOverall}}
}

// keyFailures is the counter of wrong API keys from ip.
func keyFailures(ip string) string { return "apikey-failed:ip:" + ip }
