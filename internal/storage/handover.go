package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

type manifestRow struct {
	ID          int64
	Carrier     string
	PickupDate  time.Time
	PickupTime  string
	Status      string
	OpenedBy    *int64
	ClosedAt    *time.Time
	ClosedBy    *int64
	ConfirmedBy *int64
	CreatedAt   time.Time
}

func (manifestRow) TableName() string { return "manifests" }

func (r manifestRow) manifest() *soko.Manifest {
	return &soko.Manifest{
		ID: r.ID, Carrier: r.Carrier, PickupDate: r.PickupDate.UTC(), PickupTime: r.PickupTime, Status: soko.ManifestStatus(r.Status),
		OpenedBy: fromNullID(r.OpenedBy), CreatedAt: r.CreatedAt.UTC(), ClosedAt: fromNull(r.ClosedAt),
		ClosedBy: fromNullID(r.ClosedBy), ConfirmedBy: fromNullID(r.ConfirmedBy),
	}
}

func fromNullID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// OpenManifest opens a carrier's pickup for the dock to load, or returns the
// one already open for the same carrier, day and time, so two shippers
// opening it at once load the same truck.
func (db *DB) OpenManifest(ctx context.Context, m *soko.Manifest) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if _, ok := carrier.Find(m.Carrier); !ok {
		return soko.Errorf(soko.EINVALID, "unknown carrier %s", m.Carrier).JA("配送業者 %s はありません", m.Carrier).WithField("carrier", "unknown")
	}
	day := m.PickupDate.UTC().Truncate(24 * time.Hour)
	var row manifestRow
	err := db.transact(ctx, func(tx *gorm.DB) error {
		q := tx.Where("carrier = ? AND pickup_date = ? AND status = ?", m.Carrier, day, string(soko.ManifestOpen))
		if m.PickupTime != "" {
			q = q.Where("pickup_time = ?", m.PickupTime)
		}
		// A pickup opened without a time is the carrier's pickup that day:
		// it joins the one already open, whatever its time, rather than
		// splitting the day's parcels over two trucks.
		err := q.Order("pickup_time, id").Take(&row).Error
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		row = manifestRow{Carrier: m.Carrier, PickupDate: day, PickupTime: m.PickupTime, Status: string(soko.ManifestOpen), OpenedBy: nullID(m.OpenedBy), CreatedAt: db.now()}
		return tx.Create(&row).Error
	})
	if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
		// Opened by someone else in the meantime: theirs is ours.
		err = db.conn(ctx).Where("carrier = ? AND pickup_date = ? AND pickup_time = ? AND status = ?", m.Carrier, day, m.PickupTime, string(soko.ManifestOpen)).Take(&row).Error
	}
	if err != nil {
		return translate(err)
	}
	*m = *row.manifest()
	return nil
}

// ListManifests returns manifests, open ones first, newest first, with how
// many parcels are loaded and how many are missing.
func (db *DB) ListManifests(ctx context.Context, f soko.ManifestFilter) ([]*soko.Manifest, error) {
	q := db.conn(ctx).Order("status DESC, pickup_date DESC, id DESC")
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []manifestRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.Manifest, len(rows))
	for i, r := range rows {
		m := r.manifest()
		var err error
		if m.LoadedCount, m.MissingCount, err = db.manifestCounts(db.conn(ctx), m); err != nil {
			return nil, translate(err)
		}
		out[i] = m
	}
	return out, nil
}

func (db *DB) manifestCounts(tx *gorm.DB, m *soko.Manifest) (loaded, missing int, err error) {
	var n int64
	if err := tx.Table("parcels").Where("manifest_id = ?", m.ID).Count(&n).Error; err != nil {
		return 0, 0, err
	}
	loaded = int(n)
	if m.Status == soko.ManifestClosed {
		err = tx.Table("manifest_missing").Where("manifest_id = ?", m.ID).Count(&n).Error
	} else {
		err = waitingParcels(tx.Table("parcels p").Joins("JOIN orders o ON o.id = p.order_id"), m).Count(&n).Error
	}
	return loaded, int(n), err
}

// Manifest returns a manifest with its loaded and missing parcels.
func (db *DB) Manifest(ctx context.Context, id int64) (*soko.Manifest, error) {
	m, err := db.manifest(db.conn(ctx), id)
	return m, translate(err)
}

func (db *DB) manifest(tx *gorm.DB, id int64) (*soko.Manifest, error) {
	var row manifestRow
	if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, soko.Errorf(soko.ENOTFOUND, "no manifest %d", id).JA("集荷 #%d はありません", id)
		}
		return nil, err
	}
	return manifestOf(tx, row)
}

// manifestOf is a manifest read (or locked) as row, with its parcels.
func manifestOf(tx *gorm.DB, row manifestRow) (*soko.Manifest, error) {
	m := row.manifest()
	var err error
	if m.Loaded, err = manifestParcels(tx.Where("p.manifest_id = ?", m.ID).Order("p.loaded_at, p.id")); err != nil {
		return nil, err
	}
	missing := waitingParcels(tx, m)
	if m.Status == soko.ManifestClosed {
		missing = tx.Where("p.id IN (SELECT parcel_id FROM manifest_missing WHERE manifest_id = ?)", m.ID)
	}
	m.Missing, err = manifestParcels(missing.Order("o.number, p.seq"))
	if err != nil {
		return nil, err
	}
	m.LoadedCount, m.MissingCount = len(m.Loaded), len(m.Missing)
	for _, who := range []struct {
		id   int64
		name *string
	}{{m.ClosedBy, &m.ClosedByName}, {m.ConfirmedBy, &m.ConfirmedByName}} {
		if who.id != 0 {
			if err := tx.Raw("SELECT name FROM staff WHERE id = ?", who.id).Scan(who.name).Error; err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// waitingParcels narrows q (over parcels p joined with orders o) to the
// parcels an open manifest expects and has not loaded: the carrier's
// labelled parcels, on no manifest, labelled by the cut-off.
func waitingParcels(q *gorm.DB, m *soko.Manifest) *gorm.DB {
	return q.Where(`p.carrier = ? AND p.manifest_id IS NULL AND p.handed_over_at IS NULL AND p.tracking_number IS NOT NULL
		AND o.status = ? AND (p.labeled_at IS NULL OR p.labeled_at <= ?)`, m.Carrier, string(soko.OrderLabeled), m.Cutoff())
}

// manifestParcelRow is a parcel with what the dock and the handover list
// show of its order.
type manifestParcelRow struct {
	ParcelID       int64
	OrderID        int64
	OrderNumber    string
	OrderStatus    string
	MerchantID     int64
	Merchant       string
	TrackingNumber *string
	Carrier        string
	Service        string
	Prefecture     string
	Seq            int
	ParcelCount    int
	CODAmount      int64 `gorm:"column:cod_amount"`
	ManifestID     *int64
	HandedOverAt   *time.Time
	LoadedAt       *time.Time
}

func (r manifestParcelRow) parcel() soko.ManifestParcel {
	p := soko.ManifestParcel{
		ParcelID: r.ParcelID, OrderID: r.OrderID, OrderNumber: r.OrderNumber, MerchantID: r.MerchantID, Merchant: r.Merchant,
		Service: r.Service, Prefecture: r.Prefecture, Seq: r.Seq, Of: r.ParcelCount, LoadedAt: fromNull(r.LoadedAt),
	}
	if r.TrackingNumber != nil {
		p.TrackingNumber = *r.TrackingNumber
	}
	if r.Seq == 1 {
		p.CODAmount = r.CODAmount
	}
	return p
}

// parcelView selects, for q narrowed by the caller, parcels p with their
// orders o and merchants as manifestParcelRows.
func parcelView(q *gorm.DB) *gorm.DB {
	return q.Table("parcels p").Joins("JOIN orders o ON o.id = p.order_id").Joins("JOIN merchants mc ON mc.id = o.merchant_id").
		Select(`p.id AS parcel_id, p.order_id, o.number AS order_number, o.status AS order_status, o.merchant_id, mc.name AS merchant,
			p.tracking_number, p.carrier, p.service, o.recipient_prefecture AS prefecture, p.seq,
			(SELECT COUNT(*) FROM parcels q WHERE q.order_id = p.order_id) AS parcel_count, o.cod_amount,
			p.manifest_id, p.handed_over_at, p.loaded_at`)
}

// manifestParcels runs q, narrowed by the caller, through parcelView.
func manifestParcels(q *gorm.DB) ([]soko.ManifestParcel, error) {
	var rows []manifestParcelRow
	err := parcelView(q).Scan(&rows).Error
	out := make([]soko.ManifestParcel, len(rows))
	for i, r := range rows {
		out[i] = r.parcel()
	}
	return out, err
}

// LoadParcel puts the parcel whose tracking barcode the dock scanned onto
// an open manifest, refusing a parcel of another carrier, one whose order is
// not labelled (cancelled, held) and one loaded before, each with its own
// message. The scan is recorded once, whatever the retries.
func (db *DB) LoadParcel(ctx context.Context, s *soko.HandoverScan) (*soko.ManifestParcel, *soko.Manifest, error) {
	now := db.now()
	number := carrier.NormalizeTrackingNumber(s.Code)
	if number == "" {
		number = strings.TrimSpace(s.Code)
	}
	var loaded soko.ManifestParcel
	var m *soko.Manifest
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row manifestRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", s.ManifestID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no manifest %d", s.ManifestID).JA("集荷 #%d はありません", s.ManifestID)
			}
			return err
		}
		var rows []manifestParcelRow
		err := parcelView(tx).
			Where("p.tracking_number = ?", number).Scan(&rows).Error
		if err != nil {
			return err
		}
		var orderID int64
		if len(rows) > 0 {
			orderID = rows[0].OrderID
		}
		if err := claimScan(tx, soko.ScanEvent{ScanID: s.ScanID, StaffID: s.StaffID, Device: s.Device, Step: "handover", Code: s.Code, OrderID: orderID}, now); err != nil {
			return err
		}
		if row.Status != string(soko.ManifestOpen) {
			return soko.Errorf(soko.ECONFLICT, "manifest %d is closed", row.ID).JA("集荷 #%d は締め済みです", row.ID)
		}
		p, err := loadable(rows, row, number)
		if err != nil {
			return err
		}
		// Only a parcel on no manifest is loaded: another shipper may have
		// loaded it onto another truck since it was read.
		res := tx.Model(&parcelRow{}).Where("id = ? AND manifest_id IS NULL AND handed_over_at IS NULL", p.ParcelID).
			Updates(map[string]any{"manifest_id": row.ID, "loaded_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return soko.Errorf(soko.ECONFLICT, "parcel %s was just loaded elsewhere", number).JA("%s は別の集荷でスキャンされました", number)
		}
		loaded = p.parcel()
		loaded.LoadedAt = now
		// The manifest row locked above is as the load leaves it.
		m, err = manifestOf(tx, row)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return &loaded, m, nil
}

// loadable picks, from the parcels with a scanned tracking number (one per
// carrier at most), the one that may go onto manifest m, or says why none may.
func loadable(rows []manifestParcelRow, m manifestRow, number string) (manifestParcelRow, error) {
	var other *manifestParcelRow
	for i, p := range rows {
		if p.Carrier != m.Carrier {
			other = &rows[i]
			continue
		}
		switch {
		case p.ManifestID != nil && *p.ManifestID == m.ID:
			return p, soko.Errorf(soko.ECONFLICT, "parcel %s is already loaded", number).JA("スキャン済みです（%s）", number)
		case p.HandedOverAt != nil:
			return p, soko.Errorf(soko.ECONFLICT, "parcel %s was handed over already", number).JA("%s は引き渡し済みです", number)
		case p.ManifestID != nil:
			return p, soko.Errorf(soko.ECONFLICT, "parcel %s is on manifest %d", number, *p.ManifestID).
				JA("%s は集荷 #%d でスキャン済みです", number, *p.ManifestID)
		case p.OrderStatus == string(soko.OrderCancelled) || p.OrderStatus == string(soko.OrderCancelRequested):
			return p, soko.Errorf(soko.ECONFLICT, "order %s is cancelled: do not ship this parcel", p.OrderNumber).
				JA("注文 %s はキャンセルされています。積まずに保留棚へ戻してください", p.OrderNumber)
		case p.OrderStatus != string(soko.OrderLabeled):
			st := soko.OrderStatus(p.OrderStatus)
			return p, soko.Errorf(soko.ECONFLICT, "order %s is %s, not labelled: do not ship this parcel", p.OrderNumber, st).
				JA("注文 %s は「%s」です。出荷できません。積まずに保留棚へ", p.OrderNumber, st.Label())
		}
		return p, nil
	}
	if other != nil {
		name := other.Carrier
		if c, ok := carrier.Find(other.Carrier); ok {
			name = c.Name.JA
		}
		want := m.Carrier
		if c, ok := carrier.Find(m.Carrier); ok {
			want = c.Name.JA
		}
		return *other, soko.Errorf(soko.EINVALID, "parcel %s goes by %s, not %s", number, other.Carrier, m.Carrier).
			JA("この荷物は%sです（%sの集荷ではありません）", name, want)
	}
	return manifestParcelRow{}, soko.Errorf(soko.ENOTFOUND, "no labelled parcel has tracking number %s", number).
		JA("送り状番号 %s の荷物はありません", number)
}

// CloseManifest closes an open manifest in one transaction: it records the
// parcels still missing (which needs a supervisor's confirmation), takes off
// loaded parcels whose orders were cancelled or held since, hands the rest
// over, and ships every order whose parcels have all gone, which queues its
// notifications.
func (db *DB) CloseManifest(ctx context.Context, c *soko.CloseManifest) (*soko.HandoverResult, error) {
	now := db.now()
	res := &soko.HandoverResult{}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row manifestRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", c.ManifestID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no manifest %d", c.ManifestID).JA("集荷 #%d はありません", c.ManifestID)
			}
			return err
		}
		if row.Status != string(soko.ManifestOpen) {
			return soko.Errorf(soko.ECONFLICT, "manifest %d is closed already", row.ID).JA("集荷 #%d は締め済みです", row.ID)
		}
		m, err := manifestOf(tx, row)
		if err != nil {
			return err
		}
		if err := c.Check(m); err != nil {
			return err
		}
		for _, p := range m.Missing {
			if err := tx.Exec(`INSERT INTO manifest_missing (manifest_id, parcel_id) VALUES (?, ?)`, m.ID, p.ParcelID).Error; err != nil {
				return err
			}
		}
		if err := db.handOver(tx, m, c, now, res); err != nil {
			return err
		}
		if err := tx.Model(&manifestRow{}).Where("id = ?", m.ID).Updates(map[string]any{
			"status": string(soko.ManifestClosed), "closed_at": now, "closed_by": nullID(c.StaffID), "confirmed_by": nullID(c.ConfirmedBy),
		}).Error; err != nil {
			return err
		}
		return auditManifestClose(tx, now, m, c, res)
	})
	if err != nil {
		return nil, err
	}
	res.Manifest, err = db.Manifest(ctx, c.ManifestID)
	return res, err
}

// handOver marks m's loaded parcels handed over and ships the orders that
// have nothing left in the warehouse; parcels whose orders are no longer
// labelled are taken off the manifest and reported as pulled.
func (db *DB) handOver(tx *gorm.DB, m *soko.Manifest, c *soko.CloseManifest, now time.Time, res *soko.HandoverResult) error {
	orderIDs := map[int64]bool{}
	var handed, pulled []int64
	var statuses []struct {
		ID               int64
		Status           string
		ConsolidatedInto *int64
	}
	ids := make([]int64, 0, len(m.Loaded))
	for _, p := range m.Loaded {
		ids = append(ids, p.OrderID)
	}
	// The orders are locked before their statuses decide what goes: a hold
	// or cancel in the meantime waits for the close, or is seen by it.
	// The orders consolidated into them come along: their parcel goes only
	// if they are labelled too.
	if err := lockForUpdate(tx, db.dialect).Table("orders").Select("id, status, consolidated_into").
		Where("id IN ? OR consolidated_into IN ?", append(ids, 0), append(ids, 0)).Order("id").Scan(&statuses).Error; err != nil {
		return err
	}
	status := map[int64]string{}
	for _, s := range statuses {
		if s.ConsolidatedInto == nil {
			status[s.ID] = s.Status
		}
	}
	for _, s := range statuses {
		if s.ConsolidatedInto != nil && s.Status != string(soko.OrderLabeled) {
			status[*s.ConsolidatedInto] = s.Status
		}
	}
	for _, p := range m.Loaded {
		if status[p.OrderID] != string(soko.OrderLabeled) {
			pulled = append(pulled, p.ParcelID)
			res.Pulled = append(res.Pulled, p)
			continue
		}
		handed = append(handed, p.ParcelID)
		orderIDs[p.OrderID] = true
	}
	if len(pulled) > 0 {
		if err := tx.Model(&parcelRow{}).Where("id IN ?", pulled).Updates(map[string]any{"manifest_id": nil, "loaded_at": nil}).Error; err != nil {
			return err
		}
	}
	if len(handed) > 0 {
		if err := tx.Model(&parcelRow{}).Where("id IN ?", handed).Update("handed_over_at", now).Error; err != nil {
			return err
		}
	}
	var rows []orderRow
	if err := lockForUpdate(tx, db.dialect).Where("id IN ? OR consolidated_into IN ?", append(keys(orderIDs), 0), append(keys(orderIDs), 0)).
		Order("id").Find(&rows).Error; err != nil {
		return err
	}
	var orders []orderRow
	members := map[int64][]*soko.Order{}
	for _, r := range rows {
		if r.ConsolidatedInto != nil {
			members[*r.ConsolidatedInto] = append(members[*r.ConsolidatedInto], r.order())
		} else {
			orders = append(orders, r)
		}
	}
	for _, row := range orders {
		var left int64
		if err := tx.Table("parcels").Where("order_id = ? AND handed_over_at IS NULL", row.ID).Count(&left).Error; err != nil {
			return err
		}
		if left > 0 {
			res.Waiting = append(res.Waiting, row.Number)
			continue
		}
		o := row.order()
		if err := o.Apply(soko.ActionShip); err != nil {
			return err
		}
		detail := fmt.Sprintf("manifest %d", m.ID)
		if err := setLockedStatusBy(tx, o, soko.ActionShip, soko.OrderLabeled, c.StaffID, c.Device, detail, now); err != nil {
			return err
		}
		if err := carryGroup(tx, o, members[o.ID], soko.ActionShip, soko.OrderLabeled, c.StaffID, c.Device, detail, now); err != nil {
			return err
		}
		res.Shipped = append(res.Shipped, o.Number)
		for _, m := range members[o.ID] {
			res.Shipped = append(res.Shipped, m.Number)
		}
	}
	return nil
}

// RecordManifestPrint logs a print of a manifest's handover list and
// whether it was printed before.
func (db *DB) RecordManifestPrint(ctx context.Context, manifestID, staffID int64) (reprint bool, err error) {
	err = db.transact(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Table("manifest_prints").Where("manifest_id = ?", manifestID).Count(&n).Error; err != nil {
			return err
		}
		reprint = n > 0
		return tx.Exec(`INSERT INTO manifest_prints (manifest_id, staff_id, reprint, created_at) VALUES (?, ?, ?, ?)`,
			manifestID, nullID(staffID), reprint, db.now()).Error
	})
	return reprint, translate(err)
}
