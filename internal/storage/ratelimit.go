package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// The rate_windows table holds fixed-window counters that every soko
// process on the same database shares, so a limit holds however many
// servers answer.

// Hit counts one hit in bucket's window starting at start and returns the
// window's hits including this one; the count and the answer are one
// statement, so parallel hits each see their own number.
func (db *DB) Hit(ctx context.Context, bucket string, start time.Time) (int, error) {
	var hits []int
	err := db.writeOne(ctx, func(g *gorm.DB) error {
		err := g.Raw(`INSERT INTO rate_windows (bucket, window_start, hits) VALUES (?, ?, 1)
			ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_windows.hits + 1 RETURNING hits`,
			bucket, start.Unix()).Scan(&hits).Error
		if err != nil {
			return err
		}
		if len(hits) != 1 || hits[0] != 1 {
			return nil
		}
		// A new window: the windows before the last one no longer count.
		return g.Exec(`DELETE FROM rate_windows WHERE bucket = ? AND window_start < ?`, bucket, start.Unix()-3600).Error
	})
	if err != nil {
		return 0, err
	}
	if len(hits) != 1 {
		return 0, fmt.Errorf("rate window %s: no count returned", bucket)
	}
	return hits[0], nil
}

// rateWindowsKept is how long a rate window is kept after it starts: the
// longest any limit looks back (a wrong guess is forgotten after a quiet
// WrongPINsForget), and an hour's slack for servers whose clocks differ.
const rateWindowsKept = soko.WrongPINsForget + time.Hour

// PurgeRateWindows deletes the rate windows no limit or dashboard looks at
// any more and returns how many. Hit forgets only its own bucket's old
// windows, so the buckets of addresses and emails that never come back
// would otherwise be kept forever; the server runs this hourly, off the
// request path.
func (db *DB) PurgeRateWindows(ctx context.Context) (int64, error) {
	return db.execOne(runAlone(ctx), `DELETE FROM rate_windows WHERE window_start < ?`, db.now().Add(-rateWindowsKept).Unix())
}

// Unhit takes back a hit that turned out not to count (a right sign-in).
func (db *DB) Unhit(ctx context.Context, bucket string, start time.Time) error {
	_, err := db.execOne(ctx, `UPDATE rate_windows SET hits = hits - 1 WHERE bucket = ? AND window_start = ? AND hits > 0`,
		bucket, start.Unix())
	return err
}

// Spend takes one request from bucket's budget, a token bucket that holds
// burst requests and gets one back every interval, shared by every soko
// process on the database. The bucket is kept as the time it will be full
// again (the generic cell rate algorithm): a request fits while that time
// is less than burst intervals ahead of now, and moves it one interval on.
// Deciding and spending are one upsert, one round trip, so parallel
// requests on any server never spend the same token twice. It returns when
// the bucket will be full and whether the request fitted; a refused
// request spends nothing. A zero now is the database's clock when the
// upsert runs: a request that waited for a connection is not charged as
// if it had come when it began to wait, behind the requests that took
// the connections meanwhile (they would find it refused under queueing).
func (db *DB) Spend(ctx context.Context, bucket string, now time.Time, interval time.Duration, burst int) (fullAt time.Time, fits bool, err error) {
	step := max(interval.Microseconds(), 1)
	at, args := "CAST(? AS BIGINT)", []any{bucket, now.UnixMicro(), step}
	if now.IsZero() {
		at, args = db.clockMicros(), []any{bucket, step}
	}
	// excluded.full_at is at + step: now and the latest full time a
	// request still fits before (at + (burst-1) steps) are named by it.
	var rows []struct {
		FullAt  int64
		Allowed bool
	}
	err = db.writeOne(ctx, func(g *gorm.DB) error {
		return g.Raw(`INSERT INTO rate_budgets (bucket, full_at, allowed) VALUES (?, `+at+` + ?, TRUE)
			ON CONFLICT (bucket) DO UPDATE SET
				full_at = CASE WHEN rate_budgets.full_at < excluded.full_at - ? THEN excluded.full_at
					WHEN rate_budgets.full_at <= excluded.full_at + ? THEN rate_budgets.full_at + ?
					ELSE rate_budgets.full_at END,
				allowed = rate_budgets.full_at <= excluded.full_at + ?
			RETURNING full_at, allowed`,
			append(args, step, int64(burst-2)*step, step, int64(burst-2)*step)...).Scan(&rows).Error
	})
	if err != nil {
		return time.Time{}, false, err
	}
	if len(rows) != 1 {
		return time.Time{}, false, fmt.Errorf("rate budget %s: no answer returned", bucket)
	}
	return time.UnixMicro(rows[0].FullAt), rows[0].Allowed, nil
}

// clockMicros is the database's clock in microseconds since 1970, as SQL.
func (db *DB) clockMicros() string {
	if db.dialect == Postgres {
		return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)"
	}
	return "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)"
}
