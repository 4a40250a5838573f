package server

import (
	"context"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/soko-wms/soko/internal/soko"
)

// keyLimiter gives each API key its own token bucket, so one merchant's
// runaway integration cannot slow the others.
type keyLimiter struct {
	mu     sync.Mutex
	perKey map[string]*rate.Limiter
	rate   rate.Limit
	burst  int
}

func newKeyLimiter(perSecond float64, burst int) *keyLimiter {
	return &keyLimiter{perKey: map[string]*rate.Limiter{}, rate: rate.Limit(perSecond), burst: burst}
}

// wait returns how long the key must wait before its next request, 0 when
// it may go now, and the requests left in its burst afterwards.
func (l *keyLimiter) wait(key string, now time.Time) (time.Duration, int) {
	l.mu.Lock()
	lim, ok := l.perKey[key]
	if !ok {
		lim = rate.NewLimiter(l.rate, l.burst)
		l.perKey[key] = lim
	}
	l.mu.Unlock()
	r := lim.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay > 0 {
		r.CancelAt(now)
	}
	return delay, max(0, int(lim.TokensAt(now)))
}

// limitRate answers 429 with Retry-After when a key sends faster than allowed.
func (s *Server) limitRate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key, _ := c.Get("api_key").(string)
		if key == "" || s.limiter == nil {
			return next(c)
		}
		d, left := s.limiter.wait(key, time.Now())
		// The budget, as the IETF RateLimit header fields draft names it:
		// the burst, what is left of it, and the seconds until it is whole.
		h := c.Response().Header()
		h.Set("RateLimit-Limit", strconv.Itoa(s.limiter.burst))
		h.Set("RateLimit-Remaining", strconv.Itoa(left))
		h.Set("RateLimit-Reset", strconv.Itoa(int(math.Ceil(float64(s.limiter.burst-left)/float64(s.limiter.rate)))))
		if d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			h.Set("Retry-After", strconv.Itoa(secs))
			return soko.Errorf(soko.ETOOMANY, "too many requests: retry after %d s", secs).
				JA("リクエストが多すぎます。%d秒後に再送してください", secs)
		}
		return next(c)
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
