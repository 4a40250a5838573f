package server

import (
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

// wait returns how long the key must wait before its next request, 0 when it may go now.
func (l *keyLimiter) wait(key string, now time.Time) time.Duration {
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
	return delay
}

// limitRate answers 429 with Retry-After when a key sends faster than allowed.
func (s *Server) limitRate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key, _ := c.Get("api_key").(string)
		if key == "" || s.limiter == nil {
			return next(c)
		}
		if d := s.limiter.wait(key, time.Now()); d > 0 {
			secs := int(math.Ceil(d.Seconds()))
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
			return soko.Errorf(soko.ETOOMANY, "too many requests: retry after %d s", secs).
				JA("リクエストが多すぎます。%d秒後に再送してください", secs)
		}
		return next(c)
	}
}
