package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// 3PL billing (issue 20): rate cards, the month's billable events counted
// from the ledger, shipped orders and parcels, and closed statements. The
// pricing is soko.BuildStatement's; this file only counts.

type rateCardRow struct {
	MerchantID     int64 `gorm:"primaryKey;autoIncrement:false"`
	FromMonth      string
	TaxRate        int
	Rounding       string
	StoragePeriods int
	Prices         string
	UpdatedAt      time.Time
}

func (rateCardRow) TableName() string { return "billing_rate_cards" }

// rateCardPrices is the JSON of a card's prices (銭).
type rateCardPrices struct {
	StorageLocationDay int64            `json:"storage_location_day,omitempty"`
	StorageUnitPeriod  int64            `json:"storage_unit_period,omitempty"`
	InboundUnit        int64            `json:"inbound_unit,omitempty"`
	InboundCase        int64            `json:"inbound_case,omitempty"`
	PickOrder          int64            `json:"pick_order,omitempty"`
	PickExtraUnit      int64            `json:"pick_extra_unit,omitempty"`
	Boxes              map[string]int64 `json:"boxes,omitempty"`
	Label              int64            `json:"label,omitempty"`
	GiftWrap           int64            `json:"gift_wrap,omitempty"`
	Insert             int64            `json:"insert,omitempty"`
	ReturnUnit         int64            `json:"return_unit,omitempty"`
	Fixed              []soko.FixedFee  `json:"fixed,omitempty"`
}

func rateCardToRow(c *soko.RateCard) (rateCardRow, error) {
	p, err := json.Marshal(rateCardPrices{c.StorageLocationDay, c.StorageUnitPeriod, c.InboundUnit, c.InboundCase, c.PickOrder,
		c.PickExtraUnit, c.Boxes, c.Label, c.GiftWrap, c.Insert, c.ReturnUnit, c.Fixed})
	return rateCardRow{MerchantID: c.MerchantID, FromMonth: c.From.String(), TaxRate: c.TaxRate, Rounding: string(c.Rounding),
		StoragePeriods: c.StoragePeriods, Prices: string(p), UpdatedAt: c.UpdatedAt}, err
}

func (r rateCardRow) card() (*soko.RateCard, error) {
	var p rateCardPrices
	if err := json.Unmarshal([]byte(r.Prices), &p); err != nil {
		return nil, fmt.Errorf("rate card of merchant %d from %s: %w", r.MerchantID, r.FromMonth, err)
	}
	from, err := soko.ParseMonth(r.FromMonth)
	if err != nil {
		return nil, err
	}
	return &soko.RateCard{MerchantID: r.MerchantID, From: from, TaxRate: r.TaxRate, Rounding: soko.Rounding(r.Rounding), StoragePeriods: r.StoragePeriods,
		StorageLocationDay: p.StorageLocationDay, StorageUnitPeriod: p.StorageUnitPeriod, InboundUnit: p.InboundUnit, InboundCase: p.InboundCase,
		PickOrder: p.PickOrder, PickExtraUnit: p.PickExtraUnit, Boxes: p.Boxes, Label: p.Label, GiftWrap: p.GiftWrap, Insert: p.Insert,
		ReturnUnit: p.ReturnUnit, Fixed: p.Fixed, UpdatedAt: r.UpdatedAt.UTC()}, nil
}

type statementRow struct {
	ID         int64
	MerchantID int64
	Month      string
	Subtotal   int64
	Tax        int64
	Total      int64
	Body       string
	ClosedAt   time.Time
	ClosedBy   *int64
}

func (statementRow) TableName() string { return "billing_statements" }

type adjustmentRow struct {
	ID          int64
	MerchantID  int64
	Month       string
	Description string
	Amount      int64
	TaxRate     int
	StaffID     *int64
	CreatedAt   time.Time
}

func (adjustmentRow) TableName() string { return "billing_adjustments" }

// SaveRateCard stores a merchant's rate card from its month on, replacing a
// card from the same month. A card from a month already closed is refused:
// it would not change that month's frozen statement and so would mislead.
func (db *DB) SaveRateCard(ctx context.Context, c *soko.RateCard) error {
	if err := c.Validate(); err != nil {
		return err
	}
	now := db.now()
	c.UpdatedAt = now
	row, err := rateCardToRow(c)
	if err != nil {
		return err
	}
	return db.transact(ctx, func(tx *gorm.DB) error {
		if _, err := lockMerchant(tx, db.dialect, c.MerchantID); err != nil {
			return err
		}
		if closed, err := monthClosed(tx, c.MerchantID, c.From); err != nil || closed {
			return cmpErr(err, soko.Errorf(soko.ECONFLICT, "%s is closed: a rate card can start in an open month only", c.From).
				JA("%s は締め済みです。料金表は締めていない月から適用してください", c.From.Label()).WithField("from", "closed"))
		}
		var before rateCardRow
		found := tx.Where("merchant_id = ? AND from_month = ?", row.MerchantID, row.FromMonth).Take(&before).Error == nil
		if err := tx.Exec(`DELETE FROM billing_rate_cards WHERE merchant_id = ? AND from_month = ?`, row.MerchantID, row.FromMonth).Error; err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		var prev any
		if found {
			prev = before
		}
		return audit(tx, now, soko.AuditRateCard, "merchant", c.MerchantID, prev, row)
	})
}

// cmpErr returns err when there is one, else refusal.
func cmpErr(err error, refusal error) error {
	if err != nil {
		return err
	}
	return refusal
}

func lockMerchant(tx *gorm.DB, dialect string, id int64) (merchantRow, error) {
	var m merchantRow
	err := lockForUpdate(tx, dialect).Where("id = ?", id).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return m, soko.Errorf(soko.ENOTFOUND, "merchant %d not found", id).JA("荷主 %d は見つかりません", id)
	}
	return m, err
}

func monthClosed(tx *gorm.DB, merchantID int64, m soko.Month) (bool, error) {
	var n int64
	err := tx.Table("billing_statements").Where("merchant_id = ? AND month = ?", merchantID, m.String()).Count(&n).Error
	return n > 0, err
}

// RateCard returns the card that prices merchantID's month m: the latest
// one from m or before. ENOTFOUND when the merchant has none.
func (db *DB) RateCard(ctx context.Context, merchantID int64, m soko.Month) (*soko.RateCard, error) {
	return rateCardFor(db.conn(ctx), merchantID, m)
}

func rateCardFor(tx *gorm.DB, merchantID int64, m soko.Month) (*soko.RateCard, error) {
	var row rateCardRow
	err := tx.Where("merchant_id = ? AND from_month <= ?", merchantID, m.String()).Order("from_month DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, soko.Errorf(soko.ENOTFOUND, "merchant %d has no rate card for %s", merchantID, m).
			JA("荷主 %d には %s に適用する料金表がありません", merchantID, m.Label())
	}
	if err != nil {
		return nil, err
	}
	return row.card()
}

// RateCards returns a merchant's rate cards, the latest first.
func (db *DB) RateCards(ctx context.Context, merchantID int64) ([]soko.RateCard, error) {
	var rows []rateCardRow
	if err := db.conn(ctx).Where("merchant_id = ?", merchantID).Order("from_month DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]soko.RateCard, 0, len(rows))
	for _, r := range rows {
		c, err := r.card()
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// AddBillingAdjustment adds a correction to an open month of a merchant;
// a closed month is refused (its statement is frozen), so a mistake found
// later is corrected in the next open month.
func (db *DB) AddBillingAdjustment(ctx context.Context, a *soko.BillingAdjustment) error {
	if err := a.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		if _, err := lockMerchant(tx, db.dialect, a.MerchantID); err != nil {
			return err
		}
		if closed, err := monthClosed(tx, a.MerchantID, a.Month); err != nil || closed {
			return cmpErr(err, soko.Errorf(soko.ECONFLICT, "%s is closed: add the adjustment to an open month", a.Month).
				JA("%s は締め済みです。調整は締めていない月に追加してください", a.Month.Label()).WithField("month", "closed"))
		}
		a.CreatedAt = now
		row := adjustmentRow{MerchantID: a.MerchantID, Month: a.Month.String(), Description: a.Description, Amount: a.Amount,
			TaxRate: a.TaxRate, StaffID: nullID(a.StaffID), CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		a.ID = row.ID
		return audit(tx, now, soko.AuditBillingAdjustment, "merchant", a.MerchantID, nil, row)
	})
}

func adjustmentsOf(tx *gorm.DB, merchantID int64, m soko.Month) ([]soko.BillingAdjustment, error) {
	var rows []adjustmentRow
	if err := tx.Where("merchant_id = ? AND month = ?", merchantID, m.String()).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]soko.BillingAdjustment, len(rows))
	for i, r := range rows {
		out[i] = soko.BillingAdjustment{ID: r.ID, MerchantID: r.MerchantID, Month: m, Description: r.Description, Amount: r.Amount,
			TaxRate: r.TaxRate, StaffID: fromNullID(r.StaffID), CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// Statement returns merchantID's statement for month m: the frozen one when
// the month is closed, else a draft counted now. issuer is printed on a
// draft; a closed statement keeps the issuer it was closed with.
func (db *DB) Statement(ctx context.Context, merchantID int64, m soko.Month, issuer soko.Issuer) (*soko.Statement, error) {
	var st *soko.Statement
	err := db.conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := db.reportQueries(tx); err != nil {
			return err
		}
		var err error
		st, err = statementIn(tx, merchantID, m, issuer, db.now())
		return err
	}, db.readOnlySnapshot())
	return st, translate(err)
}

// readOnlySnapshot is a transaction whose statements all read one moment
// and that holds no write lock: a month's draft takes seconds to count, and
// on SQLite the usual BEGIN IMMEDIATE would hold up every scan meanwhile
// (WAL lets a deferred reader read on beside the writer).
func (db *DB) readOnlySnapshot() *sql.TxOptions {
	if db.dialect == Postgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// reportQueries turns PostgreSQL's JIT compiler off for the transaction:
// a month's statement reads 100,000s of rows in a few simple joins, whose
// estimated cost sets off seconds of compiling to save milliseconds.
func (db *DB) reportQueries(tx *gorm.DB) error {
	if db.dialect != Postgres {
		return nil
	}
	return tx.Exec("SET LOCAL jit = off").Error
}

func statementIn(tx *gorm.DB, merchantID int64, m soko.Month, issuer soko.Issuer, now time.Time) (*soko.Statement, error) {
	var row statementRow
	err := tx.Where("merchant_id = ? AND month = ?", merchantID, m.String()).Take(&row).Error
	if err == nil {
		var st soko.Statement
		if err := json.Unmarshal([]byte(row.Body), &st); err != nil {
			return nil, fmt.Errorf("statement %d: %w", row.ID, err)
		}
		return &st, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	var mr merchantRow
	if err := tx.Where("id = ?", merchantID).Take(&mr).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, soko.Errorf(soko.ENOTFOUND, "merchant %d not found", merchantID).JA("荷主 %d は見つかりません", merchantID)
		}
		return nil, err
	}
	card, err := rateCardFor(tx, merchantID, m)
	if err != nil {
		return nil, err
	}
	details, err := billingDetails(tx, merchantID, m, card, now)
	if err != nil {
		return nil, err
	}
	adj, err := adjustmentsOf(tx, merchantID, m)
	if err != nil {
		return nil, err
	}
	st := soko.BuildStatement(card, details, adj)
	st.MerchantID, st.MerchantCode, st.MerchantName = mr.ID, mr.Code, mr.Name
	st.Month, st.Issuer, st.ComputedAt = m.String(), issuer, now
	return &st, nil
}

// CloseStatement closes merchantID's month m: the statement is counted and
// frozen as it stands, and from then on read back unchanged. Only a month
// that has ended can be closed, and only once.
func (db *DB) CloseStatement(ctx context.Context, merchantID int64, m soko.Month, issuer soko.Issuer, staffID int64) (*soko.Statement, error) {
	now := db.now()
	if m.End().After(now) {
		return nil, soko.Errorf(soko.ECONFLICT, "%s has not ended yet", m).JA("%s はまだ終わっていないため締められません", m.Label()).WithField("month", "open")
	}
	var st *soko.Statement
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if _, err := lockMerchant(tx, db.dialect, merchantID); err != nil {
			return err
		}
		if closed, err := monthClosed(tx, merchantID, m); err != nil || closed {
			return cmpErr(err, soko.Errorf(soko.ECONFLICT, "%s is already closed", m).JA("%s はすでに締め済みです", m.Label()).WithField("month", "closed"))
		}
		if err := db.reportQueries(tx); err != nil {
			return err
		}
		var err error
		if st, err = statementIn(tx, merchantID, m, issuer, now); err != nil {
			return err
		}
		closedAt := now
		st.ClosedAt = &closedAt
		body, err := json.Marshal(st)
		if err != nil {
			return err
		}
		row := statementRow{MerchantID: merchantID, Month: m.String(), Subtotal: st.Subtotal, Tax: st.Tax, Total: st.Total,
			Body: string(body), ClosedAt: now, ClosedBy: nullID(staffID)}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return audit(tx, now, soko.AuditStatementClose, "merchant", merchantID, nil,
			map[string]any{"month": row.Month, "subtotal": row.Subtotal, "tax": row.Tax, "total": row.Total})
	})
	return st, err
}

// StatementMonths lists merchantID's closed statements, newest first, after
// the months still open from the previous month on (drafts, without totals).
func (db *DB) StatementMonths(ctx context.Context, merchantID int64) ([]soko.StatementMonth, error) {
	var rows []statementRow
	if err := db.conn(ctx).Select("month, subtotal, tax, total, closed_at").Where("merchant_id = ?", merchantID).
		Order("month DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	closed := map[string]bool{}
	var out []soko.StatementMonth
	for _, r := range rows {
		m, err := soko.ParseMonth(r.Month)
		if err != nil {
			return nil, err
		}
		closed[r.Month] = true
		out = append(out, soko.StatementMonth{Month: m, Closed: true, ClosedAt: r.ClosedAt.UTC(), Subtotal: r.Subtotal, Tax: r.Tax, Total: r.Total})
	}
	cur := soko.MonthOf(db.now())
	prev := soko.MonthOf(cur.Start().AddDate(0, 0, -1))
	var open []soko.StatementMonth
	for _, m := range []soko.Month{cur, prev} {
		if !closed[m.String()] {
			open = append(open, soko.StatementMonth{Month: m})
		}
	}
	return append(open, out...), nil
}

// billingDetails counts merchantID's billable events of month m. Only the
// charges card prices are counted, so an unpriced scheme costs no query.
func billingDetails(tx *gorm.DB, merchantID int64, m soko.Month, card *soko.RateCard, now time.Time) ([]soko.BillingDetail, error) {
	var out []soko.BillingDetail
	from, to := m.Start().UTC(), m.End().UTC()
	if card.StorageLocationDay > 0 || card.StorageUnitPeriod > 0 {
		d, err := storageDetails(tx, merchantID, m, card, now)
		if err != nil {
			return nil, err
		}
		out = append(out, d...)
	}
	if card.InboundUnit > 0 || card.InboundCase > 0 || card.ReturnUnit > 0 {
		d, err := inboundDetails(tx, merchantID, from, to)
		if err != nil {
			return nil, err
		}
		out = append(out, d...)
	}
	d, err := shippingDetails(tx, merchantID, from, to)
	if err != nil {
		return nil, err
	}
	return append(out, d...), nil
}

func day(t time.Time) string { return t.In(soko.JST).Format("2006-01-02") }

// storageDetails bills storage: one detail per period (期制) with its
// opening stock and receipts, and one per day with the locations held.
// Periods and days that have not begun at now are not billed yet: an open
// month's draft grows as the month goes.
func storageDetails(tx *gorm.DB, merchantID int64, m soko.Month, card *soko.RateCard, now time.Time) ([]soko.BillingDetail, error) {
	from, to := m.Start().UTC(), m.End().UTC()
	var opening []struct {
		LocationID int64
		Kind       string
		Units      int64
	}
	if err := tx.Raw(`SELECT s.location_id, l.kind, SUM(mv.on_hand_delta) AS units
		FROM stock_movements mv JOIN stock s ON s.id = mv.stock_id JOIN products p ON p.id = s.product_id JOIN locations l ON l.id = s.location_id
		WHERE p.merchant_id = ? AND mv.created_at < ?
		GROUP BY s.location_id, l.kind`, merchantID, from).Scan(&opening).Error; err != nil {
		return nil, err
	}
	type move struct {
		at         time.Time
		locationID int64
		kind, move string
		delta      int64
	}
	var rows []move
	err := scanRows(tx.Raw(`SELECT mv.created_at, s.location_id, l.kind, mv.kind AS move, mv.on_hand_delta AS delta
		FROM stock_movements mv JOIN stock s ON s.id = mv.stock_id JOIN products p ON p.id = s.product_id JOIN locations l ON l.id = s.location_id
		WHERE p.merchant_id = ? AND mv.created_at >= ? AND mv.created_at < ? AND mv.on_hand_delta <> 0`, merchantID, from, to), func(scan func(...any) error) error {
		var m move
		if err := scan(&m.at, &m.locationID, &m.kind, &m.move, &m.delta); err != nil {
			return err
		}
		rows = append(rows, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	shelf := func(kind string) bool {
		return kind == string(soko.LocationPick) || kind == string(soko.LocationReserve)
	}
	var total int64
	shelves := map[int64]int64{}
	for _, o := range opening {
		total += o.Units
		if shelf(o.Kind) {
			shelves[o.LocationID] = o.Units
		}
	}
	moves := make([]soko.StockMove, len(rows))
	var shelfMoves []soko.StockMove
	for i, r := range rows {
		moves[i] = soko.StockMove{At: r.at, Location: r.locationID, Delta: r.delta,
			Inbound: r.move == string(soko.MoveReceive) || r.move == string(soko.MoveReturn)}
		if shelf(r.kind) {
			shelfMoves = append(shelfMoves, moves[i])
		}
	}
	var out []soko.BillingDetail
	if card.StorageUnitPeriod > 0 {
		for _, p := range soko.StorageUnits(m, card.StoragePeriods, total, moves) {
			if p.Period.From.After(now) {
				continue
			}
			out = append(out, soko.BillingDetail{Date: day(p.Period.From), Charge: soko.ChargeStorageUnitPeriod,
				Ref: fmt.Sprintf("%s 期首在庫 %d + 期中入庫 %d", p.Period.Label(), p.Opening, p.Received), Quantity: p.Units()})
		}
	}
	if card.StorageLocationDay > 0 {
		for i, n := range soko.LocationDays(m, shelves, shelfMoves) {
			if n > 0 && !m.Start().AddDate(0, 0, i).After(now) {
				out = append(out, soko.BillingDetail{Date: day(m.Start().AddDate(0, 0, i)), Charge: soko.ChargeStorageLocationDay,
					Ref: fmt.Sprintf("使用ロケーション %d", n), Quantity: int64(n)})
			}
		}
	}
	return out, nil
}

// inboundDetails bills receipts per inbound and day: a scan of a case
// barcode (pack quantity above one) is that many cases, any other scan its
// units; and units returned to stock. Stock loaded with the warehouse
// (reason seed) is on hand, and stored, but was never received.
func inboundDetails(tx *gorm.DB, merchantID int64, from, to time.Time) ([]soko.BillingDetail, error) {
	var rows []struct {
		CreatedAt time.Time
		Move      string
		Delta     int64
		Inbound   string
		ProductID int64
		Code      string
	}
	if err := tx.Raw(`SELECT mv.created_at, mv.kind AS move, mv.on_hand_delta AS delta, COALESCE(i.number, '') AS inbound, p.id AS product_id, COALESCE(se.code, '') AS code
		FROM stock_movements mv JOIN stock s ON s.id = mv.stock_id JOIN products p ON p.id = s.product_id
		LEFT JOIN inbounds i ON i.id = mv.document_id AND mv.document_type = 'inbound'
		LEFT JOIN scan_events se ON se.scan_id = mv.scan_id
		WHERE p.merchant_id = ? AND mv.kind IN ('receive', 'return') AND mv.on_hand_delta > 0 AND mv.reason <> 'seed'
		AND mv.created_at >= ? AND mv.created_at < ?
		ORDER BY mv.created_at, mv.id`, merchantID, from, to).Scan(&rows).Error; err != nil {
		return nil, err
	}
	// The merchant's case barcodes; a scan is matched in its normal form,
	// as the receiving station read it (full-width digits, a symbology prefix).
	var cases []struct {
		ProductID    int64
		Code         string
		PackQuantity int64
	}
	if err := tx.Raw(`SELECT product_id, code, pack_quantity FROM product_barcodes WHERE merchant_id = ? AND pack_quantity > 1`, merchantID).
		Scan(&cases).Error; err != nil {
		return nil, err
	}
	type barcode struct {
		product int64
		code    string
	}
	pack := map[barcode]int64{}
	for _, c := range cases {
		pack[barcode{c.ProductID, soko.ScannedCode(c.Code)}] = c.PackQuantity
	}
	type key struct{ day, charge, ref string }
	qty := map[key]int64{}
	var order []key
	for _, r := range rows {
		k := key{day(r.CreatedAt), soko.ChargeInboundUnit, r.Inbound}
		q := r.Delta
		n := pack[barcode{r.ProductID, soko.ScannedCode(r.Code)}]
		switch {
		case r.Move == string(soko.MoveReturn):
			k.charge = soko.ChargeReturnUnit
		case n > 1 && r.Delta%n == 0:
			k.charge, q = soko.ChargeInboundCase, r.Delta/n
		}
		if k.ref == "" {
			k.ref = "予定外入荷"
		}
		if _, ok := qty[k]; !ok {
			order = append(order, k)
		}
		qty[k] += q
	}
	out := make([]soko.BillingDetail, len(order))
	for i, k := range order {
		out[i] = soko.BillingDetail{Date: k.day, Charge: k.charge, Ref: k.ref, Quantity: qty[k]}
	}
	return out, nil
}

// shippingDetails bills the orders shipped in [from, to) — by the time of
// their shipping event — per order: picking, additional units, boxes,
// labels, gift wrapping and inserts.
func shippingDetails(tx *gorm.DB, merchantID int64, from, to time.Time) ([]soko.BillingDetail, error) {
	type shipped struct {
		id        int64
		number    string
		gift      bool
		shippedAt time.Time
		units     int64
	}
	// Rows are scanned by hand: gorm's reflection costs more than the
	// query on a month of 100,000 orders.
	var orders []shipped
	err := scanRows(tx.Raw(`SELECT o.id, o.number, o.gift, e.created_at AS shipped_at, SUM(l.quantity) AS units
		FROM order_events e JOIN orders o ON o.id = e.order_id JOIN order_lines l ON l.order_id = o.id
		WHERE e.to_status = 'shipped' AND e.created_at >= ? AND e.created_at < ? AND o.merchant_id = ?
		GROUP BY o.id, o.number, o.gift, e.created_at`, from, to, merchantID), func(scan func(...any) error) error {
		var o shipped
		if err := scan(&o.id, &o.number, &o.gift, &o.shippedAt, &o.units); err != nil {
			return err
		}
		orders = append(orders, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(orders, func(a, b int) bool {
		if !orders[a].shippedAt.Equal(orders[b].shippedAt) {
			return orders[a].shippedAt.Before(orders[b].shippedAt)
		}
		return orders[a].id < orders[b].id
	})
	type parcel struct {
		orderID        int64
		boxType        string
		parcels, label int64
	}
	var parcels []parcel
	err = scanRows(tx.Raw(`SELECT p.order_id, p.box_type, CASE WHEN p.tracking_number IS NOT NULL THEN 1 ELSE 0 END AS label
		FROM order_events e JOIN orders o ON o.id = e.order_id JOIN parcels p ON p.order_id = o.id
		WHERE e.to_status = 'shipped' AND e.created_at >= ? AND e.created_at < ? AND o.merchant_id = ?`, from, to, merchantID),
		func(scan func(...any) error) error {
			p := parcel{parcels: 1}
			if err := scan(&p.orderID, &p.boxType, &p.label); err != nil {
				return err
			}
			parcels = append(parcels, p)
			return nil
		})
	if err != nil {
		return nil, err
	}
	byOrder := map[int64][]int{}
	for i, p := range parcels {
		byOrder[p.orderID] = append(byOrder[p.orderID], i)
	}
	out := make([]soko.BillingDetail, 0, len(orders)*4)
	for _, o := range orders {
		d := day(o.shippedAt)
		add := func(charge string, q int64) {
			if q > 0 {
				out = append(out, soko.BillingDetail{Date: d, Charge: charge, Ref: o.number, Quantity: q})
			}
		}
		add(soko.ChargePickOrder, 1)
		add(soko.ChargePickExtraUnit, o.units-1)
		idx := byOrder[o.id]
		sort.Slice(idx, func(a, b int) bool { return parcels[idx[a]].boxType < parcels[idx[b]].boxType })
		var labels int64
		for _, i := range idx {
			if parcels[i].boxType != "" {
				add(soko.ChargeBox+parcels[i].boxType, parcels[i].parcels)
			}
			labels += parcels[i].label
		}
		add(soko.ChargeLabel, labels)
		if o.gift {
			add(soko.ChargeGiftWrap, 1)
		}
		add(soko.ChargeInsert, 1)
	}
	return out, nil
}

// scanRows runs q and calls row for each row with the row's Scan.
func scanRows(q *gorm.DB, row func(scan func(...any) error) error) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
