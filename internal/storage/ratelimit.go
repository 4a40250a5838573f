package storage

import (
	"context"
	"fmt"
	"time"
)

// The rate_windows table holds fixed-window counters that every soko
// process on the same database shares, so a limit holds however many
// servers answer.

// Hit counts one hit in bucket's window starting at start and returns the
// window's hits including this one; the count and the answer are one
// statement, so parallel hits each see their own number.
func (db *DB) Hit(ctx context.Context, bucket string, start time.Time) (int, error) {
	var hits []int
	err := db.conn(ctx).Raw(`INSERT INTO rate_windows (bucket, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_windows.hits + 1 RETURNING hits`,
		bucket, start.Unix()).Scan(&hits).Error
	if err != nil {
		return 0, translate(err)
	}
	if len(hits) != 1 {
		return 0, fmt.Errorf("rate window %s: no count returned", bucket)
	}
	if hits[0] == 1 {
		// A new window: the windows before the last one no longer count.
		if err := db.conn(ctx).Exec(`DELETE FROM rate_windows WHERE bucket = ? AND window_start < ?`, bucket, start.Unix()-3600).Error; err != nil {
			return 0, translate(err)
		}
	}
	return hits[0], nil
}

// Unhit takes back a hit that turned out not to count (a right sign-in).
func (db *DB) Unhit(ctx context.Context, bucket string, start time.Time) error {
	return translate(db.conn(ctx).Exec(`UPDATE rate_windows SET hits = hits - 1 WHERE bucket = ? AND window_start = ? AND hits > 0`,
		bucket, start.Unix()).Error)
}

// Hits returns the hits counted so far in bucket's window.
func (db *DB) Hits(ctx context.Context, bucket string, start time.Time) (int, error) {
	var hits []int
	err := db.conn(ctx).Raw(`SELECT hits FROM rate_windows WHERE bucket = ? AND window_start = ?`, bucket, start.Unix()).Scan(&hits).Error
	if err != nil || len(hits) == 0 {
		return 0, translate(err)
	}
	return hits[0], nil
}
