package storage

import (
	"context"

	"github.com/soko-wms/soko/internal/soko"
)

// ParcelsByTrackingNumber returns the parcels, of any carrier, that hold one
// of numbers (bare digits, as stored), with their orders' numbers, so that
// an import can refuse a number another parcel has.
func (db *DB) ParcelsByTrackingNumber(ctx context.Context, numbers []string) ([]soko.Parcel, map[int64]string, error) {
	var rows []parcelRow
	err := byChunk(numbers, func(part []string) error {
		var found []parcelRow
		err := db.conn(ctx).Where("tracking_number IN ?", part).Find(&found).Error
		rows = append(rows, found...)
		return err
	})
	if err != nil {
		return nil, nil, translate(err)
	}
	return db.withOrderNumbers(ctx, rows)
}

// TrackingRangeHistory returns every number range registered, active or
// replaced since: a replaced range's numbers still name its carrier's parcels.
func (db *DB) TrackingRangeHistory(ctx context.Context) ([]soko.TrackingRange, error) {
	var rows []trackingRangeRow
	if err := db.conn(ctx).Order("carrier, service, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.TrackingRange, len(rows))
	for i, r := range rows {
		out[i] = r.trackingRange()
	}
	return out, nil
}
