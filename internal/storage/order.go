package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type orderRow struct {
	ID                  int64
	MerchantID          int64
	Number              string
	Status              string
	HeldFrom            string
	HoldReason          string
	HoldNote            string
	RecipientPostalCode string
	RecipientPrefecture string
	RecipientCity       string
	RecipientStreet     string
	RecipientBuilding   string
	RecipientCompany    string
	RecipientName       string
	RecipientPhone      string
	RecipientEmail      string
	Carrier             string
	Service             string
	DeliveryDate        *time.Time
	ShipDate            *time.Time
	HoldStockFreed      bool
	TimeSlot            string
	CODAmount           int64 `gorm:"column:cod_amount"`
	ShippingFee         int64
	CODFee              int64 `gorm:"column:cod_fee"`
	Discount            int64
	Gift                bool // hide prices on the slip
	GiftWrap            bool
	GiftMessage         string
	GiftWrapping        string
	NoshiTitle          string
	NoshiName           string
	NoshiPlacement      string
	OrderedAt           *time.Time
	ConsolidatedInto    *int64
	NoConsolidation     bool
	Priority            int
	Note                string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	// PersonalDataErasedAt is when the customer's data was erased; nil while kept.
	PersonalDataErasedAt *time.Time
	// ChangeSeq is set by the database on every write (migration 0024).
	ChangeSeq int64 `gorm:"->"`
}

func (orderRow) TableName() string { return "orders" }

type orderLineRow struct {
	ID        int64
	OrderID   int64
	ProductID int64
	Quantity  int
	Inspected int
	UnitPrice int64
	TaxRate   int
	IsSet     bool
	SetLineID *int64
}

func (orderLineRow) TableName() string { return "order_lines" }

func orderToRow(o *soko.Order) orderRow {
	r := o.Recipient
	return orderRow{
		ID: o.ID, MerchantID: o.MerchantID, Number: o.Number, Status: string(o.Status), HeldFrom: string(o.HeldFrom),
		HoldReason: string(o.HoldReason), HoldNote: o.HoldNote,
		RecipientPostalCode: r.PostalCode, RecipientPrefecture: r.Prefecture, RecipientCity: r.City,
		RecipientStreet: r.Street, RecipientBuilding: r.Building, RecipientCompany: r.Company,
		RecipientName: r.Name, RecipientPhone: r.Phone, RecipientEmail: r.Email,
		Carrier: o.Carrier, Service: o.Service, DeliveryDate: nullTime(o.DeliveryDate), ShipDate: nullTime(o.ShipDate), TimeSlot: string(o.TimeSlot),
		CODAmount: o.CODAmount, ShippingFee: o.ShippingFee, CODFee: o.CODFee, Discount: o.Discount,
		Gift: o.Gift.HidePrices, GiftWrap: o.Gift.Wrap, GiftMessage: o.Gift.Message, GiftWrapping: string(o.Gift.Wrapping),
		NoshiTitle: o.Gift.Noshi.Title, NoshiName: o.Gift.Noshi.Name, NoshiPlacement: string(o.Gift.Noshi.Placement),
		ConsolidatedInto: nullID(o.ConsolidatedInto), NoConsolidation: o.NoConsolidation,
		Priority: o.Priority, Note: o.Note, OrderedAt: nullTime(o.OrderedAt),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
}

func (r orderRow) order() *soko.Order {
	return &soko.Order{
		ID: r.ID, MerchantID: r.MerchantID, Number: r.Number, Status: soko.OrderStatus(r.Status),
		HeldFrom: soko.OrderStatus(r.HeldFrom), HoldReason: soko.HoldReason(r.HoldReason), HoldNote: r.HoldNote,
		Recipient: soko.Address{
			PostalCode: r.RecipientPostalCode, Prefecture: r.RecipientPrefecture, City: r.RecipientCity,
			Street: r.RecipientStreet, Building: r.RecipientBuilding, Company: r.RecipientCompany,
			Name: r.RecipientName, Phone: r.RecipientPhone, Email: r.RecipientEmail,
		},
		Carrier: r.Carrier, Service: r.Service, DeliveryDate: fromNull(r.DeliveryDate), ShipDate: fromNull(r.ShipDate), TimeSlot: soko.TimeSlot(r.TimeSlot),
		CODAmount: r.CODAmount, ShippingFee: r.ShippingFee, CODFee: r.CODFee, Discount: r.Discount,
		Gift: soko.GiftOptions{HidePrices: r.Gift, Wrap: r.GiftWrap, Wrapping: soko.Wrapping(r.GiftWrapping), Message: r.GiftMessage,
			Noshi: soko.Noshi{Title: r.NoshiTitle, Name: r.NoshiName, Placement: soko.NoshiPlacement(r.NoshiPlacement)}},
		ConsolidatedInto: fromNullID(r.ConsolidatedInto), NoConsolidation: r.NoConsolidation,
		Priority: r.Priority, Note: r.Note, OrderedAt: fromNull(r.OrderedAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ChangeSeq: r.ChangeSeq,
	}
}

// CreateOrder stores a merchant's order, whose lines name products by SKU,
// with its first event and the merchant's notification, in one transaction.
func (db *DB) CreateOrder(ctx context.Context, o *soko.Order) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		if err := resolveProducts(tx, o); err != nil {
			return err
		}
		if err := createOrder(tx, o, now); err != nil {
			return err
		}
		notesIn(tx).orderWritten(o)
		return nil
	})
}

// resolveProducts sets the product of each of new order o's lines, which
// name them by SKU, or refuses an unknown or archived one.
func resolveProducts(tx *gorm.DB, o *soko.Order) error {
	skus := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		skus[i] = l.SKU
	}
	products, err := orderableProducts(tx, o.MerchantID, skus)
	if err != nil {
		return err
	}
	for i := range o.Lines {
		p := products[o.Lines[i].SKU]
		o.Lines[i].ProductID, o.Lines[i].SKU, o.Lines[i].Name = p.ID, p.SKU, p.Name
	}
	return nil
}

// orderWritten keeps a copy of a new order the transaction wrote, for its
// allocation in the same transaction (nil notes: none).
func (n *txNotes) orderWritten(o *soko.Order) {
	if n == nil {
		return
	}
	if n.created == nil {
		n.created = map[int64]*soko.Order{}
	}
	c := orderToRow(o).order() // as it reads back, lines in id order
	c.Lines = slices.SortedFunc(slices.Values(o.Lines), func(a, b soko.OrderLine) int { return cmp.Compare(a.ID, b.ID) })
	n.created[o.ID] = c
}

// createOrder stores an order and its lines, whose ProductIDs are set, and
// records the order's first event.
func createOrder(tx *gorm.DB, o *soko.Order, now time.Time) error {
	if err := insertOrder(tx, o, now); err != nil {
		return err
	}
	return recordCreated(tx, o, o.Status, now)
}

// insertOrder stores an order and its lines, whose ProductIDs are set.
func insertOrder(tx *gorm.DB, o *soko.Order, now time.Time) error {
	o.CreatedAt, o.UpdatedAt = now, now
	if o.OrderedAt.IsZero() {
		o.OrderedAt = now
	}
	if o.Status == "" {
		o.Status = soko.OrderReceived
	}
	row := orderToRow(o)
	if err := tx.Create(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.Errorf(soko.ECONFLICT, "order %s already exists", o.Number).
				JA("注文番号 %s はすでに登録されています", o.Number).WithField("order_no", "exists")
		}
		return err
	}
	o.ID = row.ID
	return insertOrderLines(tx, o)
}

// recordCreated records new order o's first event: it arrived in status
// arrived.
func recordCreated(tx *gorm.DB, o *soko.Order, arrived soko.OrderStatus, now time.Time) error {
	// A new order has no events yet: its first needs no look-up.
	notesIn(tx).orderCreated(o.ID)
	return recordEvent(tx, o, soko.OrderEvent{Action: "create", To: arrived}, now)
}

type orderEventRow struct {
	ID         int64
	OrderID    int64
	Seq        int
	Action     string
	FromStatus string
	ToStatus   string
	StaffID    *int64
	Device     string
	Detail     string
	CreatedAt  time.Time
}

func (orderEventRow) TableName() string { return "order_events" }

func (db *DB) findOrderRow(ctx context.Context, merchantID int64, number string) (*orderRow, error) {
	var row orderRow
	if err := db.conn(ctx).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, soko.Errorf(soko.ENOTFOUND, "no order %s", number).JA("注文 %s は見つかりません", number)
		}
		return nil, translate(err)
	}
	return &row, nil
}

// FindOrder returns a merchant's order by number, with its lines, or ENOTFOUND.
// Another merchant's order is not found, never forbidden: its existence is not ours to tell.
func (db *DB) FindOrder(ctx context.Context, merchantID int64, number string) (*soko.Order, error) {
	row, err := db.findOrderRow(ctx, merchantID, number)
	if err != nil {
		return nil, err
	}
	os := []*soko.Order{row.order()}
	if err := db.loadOrderLines(ctx, os); err != nil {
		return nil, err
	}
	return os[0], db.loadTrackingNumbers(ctx, os)
}

// loadTrackingNumbers fills the orders' tracking numbers, parcel by parcel,
// in one query; an order consolidated into another has that one's.
func (db *DB) loadTrackingNumbers(ctx context.Context, os []*soko.Order) error {
	if len(os) == 0 {
		return nil
	}
	byParcels := map[int64][]*soko.Order{}
	for _, o := range os {
		byParcels[rootOf(o)] = append(byParcels[rootOf(o)], o)
	}
	var rows []struct {
		OrderID        int64
		TrackingNumber string
	}
	err := db.conn(ctx).Table("parcels").Select("order_id, tracking_number").
		Where("order_id IN ? AND tracking_number IS NOT NULL AND tracking_number <> ''", keys(byParcels)).Order("order_id, seq").Scan(&rows).Error
	if err != nil {
		return translate(err)
	}
	for _, r := range rows {
		for _, o := range byParcels[r.OrderID] {
			o.TrackingNumbers = append(o.TrackingNumbers, r.TrackingNumber)
		}
	}
	var primaries []int64
	for id, os := range byParcels {
		if slices.ContainsFunc(os, func(o *soko.Order) bool { return o.ConsolidatedInto != 0 }) {
			primaries = append(primaries, id)
		}
	}
	if len(primaries) == 0 {
		return nil
	}
	var numbers []orderRow
	if err := db.conn(ctx).Select("id, number").Where("id IN ?", primaries).Find(&numbers).Error; err != nil {
		return translate(err)
	}
	for _, n := range numbers {
		for _, o := range byParcels[n.ID] {
			if o.ID != n.ID {
				o.ConsolidatedIntoNumber = n.Number
			}
		}
	}
	return nil
}

func (db *DB) loadOrderLines(ctx context.Context, os []*soko.Order) error {
	if len(os) == 0 {
		return nil
	}
	byID, ids := index(os, func(o *soko.Order) int64 { return o.ID })
	var lines []struct {
		ID, OrderID, ProductID int64
		SKU, Name              string
		Quantity, Inspected    int
		Allocated, Picked      int
		UnitPrice              int64
		TaxRate                int
		IsSet                  bool
		SetLineID              *int64
	}
	err := db.conn(ctx).Table("order_lines").
		Select(`order_lines.id, order_lines.order_id, order_lines.product_id, products.sku, products.name, order_lines.quantity,
			order_lines.inspected, order_lines.unit_price, order_lines.tax_rate, order_lines.is_set, order_lines.set_line_id,
			(SELECT COALESCE(SUM(a.quantity), 0) FROM allocations a WHERE a.order_line_id = order_lines.id) AS allocated,
			(SELECT COALESCE(SUM(a.picked), 0) FROM allocations a WHERE a.order_line_id = order_lines.id) AS picked`).
		Joins("JOIN products ON products.id = order_lines.product_id").
		Where("order_lines.order_id IN ?", ids).Order("order_lines.id").Scan(&lines).Error
	if err != nil {
		return translate(err)
	}
	for _, l := range lines {
		o := byID[l.OrderID]
		o.Lines = append(o.Lines, soko.OrderLine{
			ID: l.ID, OrderID: l.OrderID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name,
			Quantity: l.Quantity, Inspected: l.Inspected, Allocated: l.Allocated, Picked: l.Picked, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate,
			IsSet: l.IsSet, SetLineID: deref(l.SetLineID),
		})
	}
	return nil
}

// ListOrders returns a page of orders matching f, oldest first or in change
// order, with lines.
func (db *DB) ListOrders(ctx context.Context, f soko.OrderFilter) ([]*soko.Order, error) {
	q := db.conn(ctx)
	if f.MerchantID != 0 {
		q = q.Where("merchant_id = ?", f.MerchantID)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if !f.CreatedSince.IsZero() {
		q = q.Where("created_at >= ?", f.CreatedSince.UTC())
	}
	if !f.CreatedBefore.IsZero() {
		q = q.Where("created_at < ?", f.CreatedBefore.UTC())
	}
	if f.InChangeOrder {
		q = db.inChangeOrder(q.Table("orders"), f.Page, "orders", "updated_at")
	} else {
		q = paged(q, f.Page, "id", "updated_at")
	}
	var rows []orderRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	os := make([]*soko.Order, len(rows))
	for i, r := range rows {
		os[i] = r.order()
	}
	if err := db.loadOrderLines(ctx, os); err != nil {
		return nil, err
	}
	return os, db.loadTrackingNumbers(ctx, os)
}

// CancelOrder cancels a merchant's order as the state machine allows: at
// once before picking, releasing its stock; as a request to put the goods
// back once picking has started. A cancelled order stays as it is.
func (db *DB) CancelOrder(ctx context.Context, merchantID int64, number, reason string) (*soko.Order, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row orderRow
		err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return soko.Errorf(soko.ENOTFOUND, "no order %s", number).JA("注文 %s は見つかりません", number)
		} else if err != nil {
			return err
		}
		o := row.order()
		if o.Status == soko.OrderCancelled || o.Status == soko.OrderCancelRequested {
			return nil
		}
		if o.Status == soko.OrderOnHold {
			// A held order is cancelled from where it was held.
			o.Status = o.HeldFrom
		}
		action := soko.ActionCancel
		if _, err := o.Next(action); err != nil {
			action = soko.ActionRequestCancel
		}
		from := soko.OrderStatus(row.Status)
		if err := o.Apply(action); err != nil {
			if o.Status == soko.OrderShipped {
				return soko.Errorf(soko.ECONFLICT, "order %s has shipped and cannot be cancelled", number).
					JA("注文 %s は出荷済みのためキャンセルできません", number)
			}
			return soko.Errorf(soko.ECONFLICT, "%s", soko.ErrorMessage(err, "en")).JA("%s", soko.ErrorMessage(err, "ja"))
		}
		if action == soko.ActionCancel {
			if err := releaseOrderStock(tx, o.ID, "cancel", now); err != nil {
				return err
			}
		}
		if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).
			Updates(map[string]any{"status": string(o.Status), "held_from": "", "hold_reason": "", "hold_note": "", "updated_at": now}).Error; err != nil {
			return err
		}
		if err := recordEvent(tx, o, soko.OrderEvent{Action: action, From: from, To: o.Status, Detail: reason}, now); err != nil {
			return err
		}
		if err := db.leaveGroupBefore(tx, o, from, "cancelled", now); err != nil {
			return err
		}
		return audit(tx, now, soko.OrderAuditAction(action), "order", o.ID,
			orderAudit{MerchantID: o.MerchantID, Number: o.Number, Status: row.Status, HeldFrom: row.HeldFrom},
			orderAudit{MerchantID: o.MerchantID, Number: o.Number, Status: string(o.Status)})
	})
	if err != nil {
		return nil, err
	}
	return db.FindOrder(ctx, merchantID, number)
}

// lockMerchantOrder locks a merchant's order by number for a change, or
// says there is none.
func (db *DB) lockMerchantOrder(tx *gorm.DB, merchantID int64, number string) (*soko.Order, error) {
	var row orderRow
	err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, soko.Errorf(soko.ENOTFOUND, "no order %s", number).JA("注文 %s は見つかりません", number)
	}
	if err != nil {
		return nil, err
	}
	return row.order(), nil
}

// saveHold writes an order's status and hold, with its history line and
// audit row, after a merchant held or released it.
func saveHold(tx *gorm.DB, o *soko.Order, action soko.OrderAction, from soko.OrderStatus, before orderAudit, now time.Time) error {
	o.UpdatedAt = now
	set := map[string]any{"status": string(o.Status), "held_from": string(o.HeldFrom),
		"hold_reason": string(o.HoldReason), "hold_note": o.HoldNote, "updated_at": now}
	if action == soko.ActionReleaseHold {
		set["hold_stock_freed"] = false
	}
	if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Updates(set).Error; err != nil {
		return err
	}
	if err := recordEvent(tx, o, soko.OrderEvent{Action: action, From: from, To: o.Status, Detail: string(o.HoldReason)}, now); err != nil {
		return err
	}
	return audit(tx, now, soko.OrderAuditAction(action), "order", o.ID, before,
		orderAudit{MerchantID: o.MerchantID, Number: o.Number, Status: string(o.Status), HeldFrom: string(o.HeldFrom)})
}

// HoldOrder puts a merchant's order on hold for reason (the merchant's own:
// soko.HoldReason.ByMerchant) before picking starts; it keeps its reserved
// stock and is not picked until the merchant releases it. An order the
// merchant holds already takes the new reason and note; one the warehouse
// holds, or one being picked, is ECONFLICT.
func (db *DB) HoldOrder(ctx context.Context, merchantID int64, number string, reason soko.HoldReason, note string) (*soko.Order, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		o, err := db.lockMerchantOrder(tx, merchantID, number)
		if err != nil {
			return err
		}
		before := orderAudit{MerchantID: o.MerchantID, Number: o.Number, Status: string(o.Status), HeldFrom: string(o.HeldFrom)}
		from := o.Status
		switch {
		case o.Status == soko.OrderOnHold && !o.HoldReason.ByMerchant():
			return soko.Errorf(soko.ECONFLICT, "order %s is held by the warehouse: ask the warehouse", number).
				JA("注文 %s は倉庫が保留しています。倉庫にお問い合わせください", number)
		case o.Status == soko.OrderOnHold:
			if o.HoldReason == reason && o.HoldNote == note {
				return nil
			}
		case !changeable[o.Status]:
			return soko.Errorf(soko.ECONFLICT, "order %s is %s: picking has started, so only the warehouse can hold it", number, o.Status).
				JA("注文 %s は「%s」のため保留できません（ピッキングが始まっています）。倉庫にご連絡ください", number, o.Status.Label())
		default:
			if err := o.Apply(soko.ActionHold); err != nil {
				return err
			}
		}
		o.HoldReason, o.HoldNote = reason, note
		if err := saveHold(tx, o, soko.ActionHold, from, before, now); err != nil {
			return err
		}
		return db.leaveGroupBefore(tx, o, from, "held", now)
	})
	if err != nil {
		return nil, err
	}
	return db.FindOrder(ctx, merchantID, number)
}

// ReleaseOrder releases an order the merchant holds: it goes back to where
// it was held, and an order that waited for stock waits again (the caller
// allocates it). An order the warehouse holds, or one not on hold, is
// ECONFLICT.
func (db *DB) ReleaseOrder(ctx context.Context, merchantID int64, number string) (*soko.Order, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		o, err := db.lockMerchantOrder(tx, merchantID, number)
		if err != nil {
			return err
		}
		if o.Status != soko.OrderOnHold {
			return soko.Errorf(soko.ECONFLICT, "order %s is not on hold (it is %s)", number, o.Status).
				JA("注文 %s は保留されていません（「%s」）", number, o.Status.Label())
		}
		if !o.HoldReason.ByMerchant() {
			return soko.Errorf(soko.ECONFLICT, "order %s is held by the warehouse: ask the warehouse", number).
				JA("注文 %s は倉庫が保留しています。倉庫にお問い合わせください", number)
		}
		before := orderAudit{MerchantID: o.MerchantID, Number: o.Number, Status: string(o.Status), HeldFrom: string(o.HeldFrom)}
		if err := o.Apply(soko.ActionReleaseHold); err != nil {
			return err
		}
		if err := replanAfterHold(tx, o, now); err != nil {
			return err
		}
		return saveHold(tx, o, soko.ActionReleaseHold, soko.OrderOnHold, before, now)
	})
	if err != nil {
		return nil, err
	}
	return db.FindOrder(ctx, merchantID, number)
}

// CountOrdersByStatus returns how many orders stand in each status.
func (db *DB) CountOrdersByStatus(ctx context.Context) (map[soko.OrderStatus]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	if err := db.conn(ctx).Table("orders").Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	counts := make(map[soko.OrderStatus]int, len(rows))
	for _, r := range rows {
		counts[soko.OrderStatus(r.Status)] = r.N
	}
	return counts, nil
}

// changeable are the statuses a merchant may still change an order in:
// nothing has left a shelf yet.
var changeable = map[soko.OrderStatus]bool{soko.OrderReceived: true, soko.OrderBackordered: true, soko.OrderAllocated: true}

// ChangeOrder applies a merchant's change to an order that picking has not
// started on, in one transaction: the order's fields, and when its lines
// are new, its reserved stock released and the old lines replaced, the
// order waiting for stock again (c.Reallocate). Refused when the order
// changed since c.ReadAt, or once picking has started.
func (db *DB) ChangeOrder(ctx context.Context, c *soko.OrderChange) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		var row orderRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", c.OrderID).Take(&row).Error; err != nil {
			return err
		}
		cur := row.order()
		if !c.ReadAt.IsZero() && !row.UpdatedAt.Equal(c.ReadAt) {
			return soko.Errorf(soko.EPRECONDITION, "order %s changed meanwhile: read it again", cur.Number).
				JA("注文 %s は変更の途中で更新されました。もう一度読み取ってください", cur.Number)
		}
		before := cur.Status
		if before == soko.OrderOnHold {
			before = cur.HeldFrom
		}
		if !changeable[before] {
			return soko.Errorf(soko.ECONFLICT, "order %s is %s: picking has started, so it can no longer be changed; cancel it instead", cur.Number, cur.Status).
				JA("注文 %s は「%s」のため変更できません（ピッキングが始まっています）。キャンセルしてください", cur.Number, cur.Status.Label())
		}
		o := c.Order
		o.ID, o.MerchantID, o.Number, o.Status, o.HeldFrom = cur.ID, cur.MerchantID, cur.Number, cur.Status, cur.HeldFrom
		o.OrderedAt, o.CreatedAt, o.UpdatedAt = cur.OrderedAt, cur.CreatedAt, now
		if c.Lines {
			if err := replaceOrderLines(tx, o, now); err != nil {
				return err
			}
			if before == soko.OrderAllocated || before == soko.OrderReceived {
				if o.Status == soko.OrderOnHold {
					o.HeldFrom = soko.OrderBackordered
				} else {
					o.Status = soko.OrderBackordered
				}
			}
			c.Reallocate = o.Status == soko.OrderBackordered
		}
		r := orderToRow(o)
		changed := []string{"status", "held_from", "recipient_postal_code", "recipient_prefecture", "recipient_city", "recipient_street",
			"recipient_building", "recipient_company", "recipient_name", "recipient_phone", "recipient_email",
			"carrier", "service", "delivery_date", "ship_date", "time_slot", "cod_amount", "shipping_fee", "cod_fee", "discount", "priority", "note", "updated_at"}
		if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Select(changed).Updates(&r).Error; err != nil {
			return err
		}
		if err := audit(tx, now, soko.OrderAuditAction("change"), "order", o.ID, orderChangeAudit(cur), orderChangeAudit(o)); err != nil {
			return err
		}
		if err := db.leaveGroupBefore(tx, cur, before, "changed by the merchant", now); err != nil {
			return err
		}
		return recordEvent(tx, o, soko.OrderEvent{Action: "change", From: cur.Status, To: o.Status, Detail: "changed by the merchant"}, now)
	})
}

// replaceOrderLines gives an order new lines: the stock reserved for the
// old ones goes back to the shelves (with ledger lines) and the old lines
// and their allocations go.
func replaceOrderLines(tx *gorm.DB, o *soko.Order, now time.Time) error {
	if err := releaseOrderStock(tx, o.ID, "change", now); err != nil {
		return err
	}
	if err := tx.Exec(`DELETE FROM allocations WHERE order_line_id IN (SELECT id FROM order_lines WHERE order_id = ?)`, o.ID).Error; err != nil {
		return err
	}
	if err := tx.Where("order_id = ?", o.ID).Delete(&orderLineRow{}).Error; err != nil {
		return err
	}
	if err := resolveProducts(tx, o); err != nil {
		return err
	}
	return insertOrderLines(tx, o)
}

// orderChangeAudit is what the audit log keeps of an order a merchant
// changed: its shipping choices and lines, never the customer's address.
func orderChangeAudit(o *soko.Order) map[string]any {
	lines := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = fmt.Sprintf("%s×%d", l.SKU, l.Quantity)
	}
	return map[string]any{
		"merchant_id": o.MerchantID, "number": o.Number, "status": o.Status, "carrier": o.Carrier, "service": o.Service,
		"delivery_date": auditTime(o.DeliveryDate), "time_slot": o.TimeSlot, "priority": o.Priority, "lines": lines,
	}
}

// moveStatus writes the order's new status only if it still has the one
// it was read with: a supervisor's hold or cancel committed in the meantime
// is never overwritten by a pick or a pack that read the order before.
func moveStatus(tx *gorm.DB, o *soko.Order, from soko.OrderStatus, now time.Time) error {
	res := tx.Model(&orderRow{}).Where("id = ? AND status = ?", o.ID, string(from)).
		Updates(map[string]any{"status": string(o.Status), "held_from": string(o.HeldFrom), "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errChangedMeanwhile(o)
	}
	o.UpdatedAt = now
	return nil
}

func errChangedMeanwhile(o *soko.Order) error {
	return soko.Errorf(soko.ECONFLICT, "order %s changed meanwhile: try again", o.Number).
		JA("注文 %s は他の操作で変更されました。もう一度お試しください", o.Number)
}

// moveLockedStatus is moveStatus for an order the transaction locked
// before: its update also returns the number of the order's last event,
// which saves the event that follows a read of its own. Only a lock taken
// earlier makes that number current on PostgreSQL: an update that waited
// for another's lock would return it as of before the wait.
func moveLockedStatus(tx *gorm.DB, o *soko.Order, from soko.OrderStatus, now time.Time) (lastSeq int, err error) {
	var seqs []int
	if err := tx.Raw(`UPDATE orders SET status = ?, held_from = ?, updated_at = ? WHERE id = ? AND status = ?
		RETURNING (SELECT COALESCE(MAX(e.seq), 0) FROM order_events e WHERE e.order_id = orders.id)`,
		string(o.Status), string(o.HeldFrom), now, o.ID, string(from)).Scan(&seqs).Error; err != nil {
		return 0, err
	}
	if len(seqs) != 1 {
		return 0, errChangedMeanwhile(o)
	}
	o.UpdatedAt = now
	return seqs[0], nil
}

// setStatusBy is setStatus with who did it and from which device.
func setStatusBy(tx *gorm.DB, o *soko.Order, action soko.OrderAction, from soko.OrderStatus, staffID int64, device, detail string, now time.Time) error {
	if err := moveStatus(tx, o, from, now); err != nil {
		return err
	}
	return recordEvents(tx, []orderEvent{{o, statusEvent(action, from, o, staffID, device, detail)}}, now)
}

// setLockedStatusBy is setStatusBy for an order the transaction locked
// before (see moveLockedStatus): one round trip fewer.
func setLockedStatusBy(tx *gorm.DB, o *soko.Order, action soko.OrderAction, from soko.OrderStatus, staffID int64, device, detail string, now time.Time) error {
	seq, err := moveLockedStatus(tx, o, from, now)
	if err != nil {
		return err
	}
	return recordEventsAfter(tx, []orderEvent{{o, statusEvent(action, from, o, staffID, device, detail)}}, map[int64]int{o.ID: seq}, now)
}

func statusEvent(action soko.OrderAction, from soko.OrderStatus, o *soko.Order, staffID int64, device, detail string) soko.OrderEvent {
	return soko.OrderEvent{Action: action, From: from, To: o.Status, StaffID: staffID, Device: device, Detail: detail}
}
