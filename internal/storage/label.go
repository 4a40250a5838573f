package storage

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

type trackingRangeRow struct {
	ID          int64
	Carrier     string
	Service     string
	FirstNumber int64
	LastNumber  int64
	NextNumber  int64
	Active      bool
	CreatedAt   time.Time
}

func (trackingRangeRow) TableName() string { return "tracking_ranges" }

func (r trackingRangeRow) trackingRange() soko.TrackingRange {
	return soko.TrackingRange{ID: r.ID, Carrier: r.Carrier, Service: r.Service, First: r.FirstNumber, Last: r.LastNumber,
		Next: r.NextNumber, Active: r.Active, CreatedAt: r.CreatedAt.UTC()}
}

// CreateTrackingRange stores a carrier's new number range; it replaces the
// active range of the same carrier and service, whose unused numbers are
// then no longer issued.
func (db *DB) CreateTrackingRange(ctx context.Context, r *soko.TrackingRange) error {
	if err := r.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		// A number names one parcel whatever its carrier, so two carriers'
		// ranges may not share one: labels would stop at the shared part.
		var other trackingRangeRow
		err := tx.Where("carrier <> ? AND first_number <= ? AND last_number >= ?", r.Carrier, r.Last, r.First).Order("id").Take(&other).Error
		if err == nil {
			return soko.Errorf(soko.ECONFLICT, "the range overlaps %s's range %s–%s", other.Carrier, soko.TrackingBody(other.FirstNumber), soko.TrackingBody(other.LastNumber)).
				JA("番号帯が %s の番号帯 %s〜%s と重なっています。伝票番号は配送会社をまたいで重複できません", other.Carrier, soko.TrackingBody(other.FirstNumber), soko.TrackingBody(other.LastNumber)).
				WithField("first", "overlaps another carrier's range")
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if err := tx.Exec(`UPDATE tracking_ranges SET active = FALSE WHERE carrier = ? AND service = ? AND active`, r.Carrier, r.Service).Error; err != nil {
			return err
		}
		row := trackingRangeRow{Carrier: r.Carrier, Service: r.Service, FirstNumber: r.First, LastNumber: r.Last, NextNumber: r.First, Active: true, CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		*r = row.trackingRange()
		return audit(tx, now, soko.AuditTrackingRange, "tracking_range", row.ID, nil,
			map[string]any{"carrier": r.Carrier, "service": r.Service, "first": r.First, "last": r.Last})
	})
}

// ListTrackingRanges returns the active ranges, by carrier and service.
func (db *DB) ListTrackingRanges(ctx context.Context) ([]soko.TrackingRange, error) {
	var rows []trackingRangeRow
	if err := db.conn(ctx).Where("active").Order("carrier, service").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.TrackingRange, len(rows))
	for i, r := range rows {
		out[i] = r.trackingRange()
	}
	return out, nil
}

// issueTrackingNumber takes the next number of the carrier's range for the
// service (or its any-service range) inside tx: the range row is locked and
// advanced in the same transaction as the parcel that gets the number, so
// two servers never issue one number twice.
func (db *DB) issueTrackingNumber(tx *gorm.DB, carrierCode, service string) (string, soko.TrackingRange, error) {
	var rows []trackingRangeRow
	err := lockForUpdate(tx, db.dialect).Where("carrier = ? AND service IN ? AND active", carrierCode, []string{service, ""}).
		Order("service DESC").Find(&rows).Error
	if err != nil {
		return "", soko.TrackingRange{}, err
	}
	if len(rows) == 0 {
		return "", soko.TrackingRange{}, soko.Errorf(soko.ECONFLICT, "no tracking-number range for %s %s", carrierCode, service).
			JA("%s %s の送り状番号帯が登録されていません。管理画面で登録してください", carrierCode, service)
	}
	r := rows[0]
	if r.NextNumber > r.LastNumber {
		return "", r.trackingRange(), soko.Errorf(soko.ECONFLICT, "the tracking-number range for %s is used up", carrierCode).
			JA("%s の送り状番号帯を使い切りました。新しい番号帯を登録してください", carrierCode)
	}
	res := tx.Exec(`UPDATE tracking_ranges SET next_number = next_number + 1 WHERE id = ? AND next_number = ?`, r.ID, r.NextNumber)
	if res.Error != nil {
		return "", soko.TrackingRange{}, res.Error
	}
	if res.RowsAffected != 1 {
		return "", soko.TrackingRange{}, soko.Errorf(soko.ECONFLICT, "the range moved meanwhile; try again").JA("他の端末と同時に発番しました。もう一度お試しください")
	}
	body := soko.TrackingBody(r.NextNumber)
	check, err := carrier.CheckDigit7(body)
	if err != nil {
		return "", soko.TrackingRange{}, err
	}
	r.NextNumber++
	return body + strconv.Itoa(check), r.trackingRange(), nil
}

type parcelRow struct {
	ID             int64
	OrderID        int64
	Seq            int
	BoxType        string
	WeightGrams    int
	Carrier        string
	Service        string
	TrackingNumber *string
	LabelPrinted   bool
	ManifestID     *int64
	HandedOverAt   *time.Time
}

func (parcelRow) TableName() string { return "parcels" }

func (r parcelRow) parcel() soko.Parcel {
	p := soko.Parcel{ID: r.ID, OrderID: r.OrderID, Seq: r.Seq, BoxType: r.BoxType, WeightGrams: r.WeightGrams, Carrier: r.Carrier,
		Service: r.Service, LabelPrinted: r.LabelPrinted, HandedOverAt: fromNull(r.HandedOverAt)}
	if r.TrackingNumber != nil {
		p.TrackingNumber = *r.TrackingNumber
	}
	if r.ManifestID != nil {
		p.ManifestID = *r.ManifestID
	}
	return p
}

// Parcels returns an order's parcels in order.
func (db *DB) Parcels(ctx context.Context, orderID int64) ([]soko.Parcel, error) {
	var rows []parcelRow
	if err := db.conn(ctx).Where("order_id = ?", orderID).Order("seq").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]soko.Parcel, len(rows))
	for i, r := range rows {
		out[i] = r.parcel()
	}
	return out, nil
}

// Label gives every parcel of a packed order a tracking number from its
// carrier's range and marks the order labelled, in one transaction; the
// caller prints the labels. Ranges running low come back as warnings. An
// order labelled already gets its labels again, with the same numbers.
func (db *DB) Label(ctx context.Context, orderID, staffID int64, device string) (*soko.LabelResult, error) {
	now := db.now()
	res := &soko.LabelResult{}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		o, members, err := db.lockGroup(tx, orderID)
		if err != nil {
			return err
		}
		// The order as the label leaves it is what the answer shows.
		res.Order = o
		row := orderToRow(o)
		if o.Status == soko.OrderLabeled {
			// Labelled already — a retry whose first answer was lost, or a
			// second press: the same labels again, no new numbers.
			var parcels []parcelRow
			if err := tx.Where("order_id = ?", o.ID).Order("seq").Find(&parcels).Error; err != nil {
				return err
			}
			for _, p := range parcels {
				res.Parcels = append(res.Parcels, p.parcel())
			}
			return nil
		}
		if err := o.Apply(soko.ActionLabel); err != nil {
			return soko.Errorf(soko.ECONFLICT, "order %s is %s: pack it first", o.Number, row.Status).
				JA("注文 %s は「%s」です。先に梱包してください", o.Number, soko.OrderStatus(row.Status).Label())
		}
		if o.Carrier == "" {
			return soko.Errorf(soko.EINVALID, "order %s has no carrier", o.Number).JA("注文 %s の配送業者が決まっていません", o.Number)
		}
		var parcels []parcelRow
		if err := tx.Where("order_id = ?", o.ID).Order("seq").Find(&parcels).Error; err != nil {
			return err
		}
		warned := map[int64]bool{}
		for _, p := range parcels {
			if p.TrackingNumber == nil {
				number, rng, err := db.issueTrackingNumber(tx, o.Carrier, o.Service)
				if err != nil {
					return err
				}
				if rng.NearlyUsedUp() && !warned[rng.ID] {
					warned[rng.ID] = true
					res.Warnings = append(res.Warnings, rng)
				}
				p.TrackingNumber = &number
			}
			p.LabelPrinted = true
			if err := tx.Model(&parcelRow{}).Where("id = ?", p.ID).
				Updates(map[string]any{"tracking_number": *p.TrackingNumber, "label_printed": true, "labeled_at": now}).Error; err != nil {
				return err
			}
			res.Parcels = append(res.Parcels, p.parcel())
		}
		if len(parcels) == 0 {
			return soko.Errorf(soko.ECONFLICT, "order %s has no parcels", o.Number).JA("注文 %s には荷物（個口）がありません", o.Number)
		}
		if err := setLockedStatusBy(tx, o, soko.ActionLabel, soko.OrderPacked, staffID, device, "", now); err != nil {
			return err
		}
		return carryGroup(tx, o, members, soko.ActionLabel, soko.OrderPacked, staffID, device, "", now)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ParcelsToExport returns the parcels of packed orders for a carrier that
// have no tracking number yet, with their orders and merchants, for the
// carrier's own label software (import mode).
func (db *DB) ParcelsToExport(ctx context.Context, carrierCode string) ([]soko.Parcel, map[int64]*soko.Order, map[int64]*soko.Merchant, error) {
	var rows []parcelRow
	err := db.conn(ctx).Table("parcels").Select("parcels.*").Joins("JOIN orders ON orders.id = parcels.order_id").
		Where("orders.status = ? AND orders.carrier = ? AND parcels.tracking_number IS NULL", string(soko.OrderPacked), carrierCode).
		Order("parcels.order_id, parcels.seq").Find(&rows).Error
	if err != nil {
		return nil, nil, nil, translate(err)
	}
	parcels := make([]soko.Parcel, len(rows))
	orders := map[int64]*soko.Order{}
	merchants := map[int64]*soko.Merchant{}
	for i, r := range rows {
		parcels[i] = r.parcel()
		if orders[r.OrderID] != nil {
			continue
		}
		o, err := db.OrderByID(ctx, r.OrderID)
		if err != nil {
			return nil, nil, nil, err
		}
		// The parcel collects for every order that leaves in it (同梱).
		members, err := db.ConsolidatedOrders(ctx, o.ID)
		if err != nil {
			return nil, nil, nil, err
		}
		o.CODAmount = soko.GroupCOD(append(members, o))
		orders[o.ID] = o
		if merchants[o.MerchantID] == nil {
			if merchants[o.MerchantID], err = db.MerchantByID(ctx, o.MerchantID); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return parcels, orders, merchants, nil
}

// ParcelsByID returns parcels by id with their orders' numbers, to match
// numbers a carrier issued back to them.
func (db *DB) ParcelsByID(ctx context.Context, ids []int64) ([]soko.Parcel, map[int64]string, error) {
	var rows []parcelRow
	err := byChunk(ids, func(part []int64) error {
		var found []parcelRow
		err := db.conn(ctx).Where("id IN ?", part).Find(&found).Error
		rows = append(rows, found...)
		return err
	})
	if err != nil {
		return nil, nil, translate(err)
	}
	return db.withOrderNumbers(ctx, rows)
}

// withOrderNumbers returns rows as parcels with their orders' numbers by order ID.
func (db *DB) withOrderNumbers(ctx context.Context, rows []parcelRow) ([]soko.Parcel, map[int64]string, error) {
	out := make([]soko.Parcel, len(rows))
	orderIDs := map[int64]bool{}
	for i, r := range rows {
		out[i] = r.parcel()
		orderIDs[r.OrderID] = true
	}
	numbers := map[int64]string{}
	err := byChunk(keys(orderIDs), func(part []int64) error {
		var orders []orderRow
		err := db.conn(ctx).Select("id, number").Where("id IN ?", part).Find(&orders).Error
		for _, o := range orders {
			numbers[o.ID] = o.Number
		}
		return err
	})
	if err != nil {
		return nil, nil, translate(err)
	}
	return out, numbers, nil
}

// AttachTrackingNumbers gives parcels the numbers the carrier's software
// issued, all or none, in one transaction, and marks labeled every packed
// order whose parcels all have numbers now; it returns those orders'
// numbers. A parcel that got a number meanwhile, or a number another
// parcel took meanwhile, refuses them all (ECONFLICT): the caller checked
// the file before, and must check it again.
func (db *DB) AttachTrackingNumbers(ctx context.Context, parcels []soko.Parcel, staffID int64) ([]string, error) {
	now := db.now()
	var labeled []string
	err := db.transact(ctx, func(tx *gorm.DB) error {
		orderIDs := map[int64]bool{}
		for _, p := range parcels {
			res := tx.Exec(`UPDATE parcels SET tracking_number = ?, label_printed = TRUE, labeled_at = ? WHERE id = ? AND tracking_number IS NULL`, p.TrackingNumber, now, p.ID)
			if soko.ErrorCode(translate(res.Error)) == soko.ECONFLICT {
				return soko.Errorf(soko.ECONFLICT, "tracking number %s was given to another parcel meanwhile: nothing was attached", p.TrackingNumber).
					JA("伝票番号 %s は取込中に別の荷物に付けられました。何も取り込んでいません。もう一度プレビューしてください", p.TrackingNumber)
			}
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return soko.Errorf(soko.ECONFLICT, "parcel %d got a tracking number meanwhile: nothing was attached", p.ID).
					JA("荷物 %d には取込中に伝票番号が付きました。何も取り込んでいません。もう一度プレビューしてください", p.ID)
			}
			orderIDs[p.OrderID] = true
		}
		for _, id := range keys(orderIDs) {
			o, members, err := db.lockGroup(tx, id)
			if err != nil {
				return err
			}
			var open int64
			if err := tx.Table("parcels").Where("order_id = ? AND tracking_number IS NULL", id).Count(&open).Error; err != nil {
				return err
			}
			if open > 0 || o.Status != soko.OrderPacked {
				continue
			}
			if err := o.Apply(soko.ActionLabel); err != nil {
				return err
			}
			if err := setLockedStatusBy(tx, o, soko.ActionLabel, soko.OrderPacked, staffID, "", "numbers from the carrier's software", now); err != nil {
				return err
			}
			if err := carryGroup(tx, o, members, soko.ActionLabel, soko.OrderPacked, staffID, "", "numbers from the carrier's software", now); err != nil {
				return err
			}
			labeled = append(labeled, o.Number)
		}
		return nil
	})
	return labeled, err
}
