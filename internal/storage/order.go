package storage

import (
	"context"
	"errors"
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
	TimeSlot            string
	CODAmount           int64 `gorm:"column:cod_amount"`
	ShippingFee         int64
	CODFee              int64 `gorm:"column:cod_fee"`
	Discount            int64
	Gift                bool // hide prices on the slip
	GiftWrap            bool
	GiftMessage         string
	OrderedAt           *time.Time
	Priority            int
	Note                string
	CreatedAt           time.Time
	UpdatedAt           time.Time
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
}

func (orderLineRow) TableName() string { return "order_lines" }

func orderToRow(o *soko.Order) orderRow {
	r := o.Recipient
	return orderRow{
		ID: o.ID, MerchantID: o.MerchantID, Number: o.Number, Status: string(o.Status), HeldFrom: string(o.HeldFrom),
		RecipientPostalCode: r.PostalCode, RecipientPrefecture: r.Prefecture, RecipientCity: r.City,
		RecipientStreet: r.Street, RecipientBuilding: r.Building, RecipientCompany: r.Company,
		RecipientName: r.Name, RecipientPhone: r.Phone, RecipientEmail: r.Email,
		Carrier: o.Carrier, Service: o.Service, DeliveryDate: nullTime(o.DeliveryDate), TimeSlot: string(o.TimeSlot),
		CODAmount: o.CODAmount, ShippingFee: o.ShippingFee, CODFee: o.CODFee, Discount: o.Discount,
		Gift: o.Gift.HidePrices, GiftWrap: o.Gift.Wrap, GiftMessage: o.Gift.Message,
		Priority: o.Priority, Note: o.Note, OrderedAt: nullTime(o.OrderedAt),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
}

func (r orderRow) order() *soko.Order {
	return &soko.Order{
		ID: r.ID, MerchantID: r.MerchantID, Number: r.Number, Status: soko.OrderStatus(r.Status),
		HeldFrom: soko.OrderStatus(r.HeldFrom),
		Recipient: soko.Address{
			PostalCode: r.RecipientPostalCode, Prefecture: r.RecipientPrefecture, City: r.RecipientCity,
			Street: r.RecipientStreet, Building: r.RecipientBuilding, Company: r.RecipientCompany,
			Name: r.RecipientName, Phone: r.RecipientPhone, Email: r.RecipientEmail,
		},
		Carrier: r.Carrier, Service: r.Service, DeliveryDate: fromNull(r.DeliveryDate), TimeSlot: soko.TimeSlot(r.TimeSlot),
		CODAmount: r.CODAmount, ShippingFee: r.ShippingFee, CODFee: r.CODFee, Discount: r.Discount,
		Gift:     soko.GiftOptions{HidePrices: r.Gift, Wrap: r.GiftWrap, Message: r.GiftMessage},
		Priority: r.Priority, Note: r.Note, OrderedAt: fromNull(r.OrderedAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// CreateOrder stores a merchant's order, whose lines name products by SKU,
// with its first event and the merchant's notification, in one transaction.
func (db *DB) CreateOrder(ctx context.Context, o *soko.Order) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		skus := make([]string, len(o.Lines))
		for i, l := range o.Lines {
			skus[i] = l.SKU
		}
		products, err := productIDs(tx, o.MerchantID, skus)
		if err != nil {
			return err
		}
		for i := range o.Lines {
			o.Lines[i].ProductID = products[o.Lines[i].SKU].ID
		}
		return createOrder(tx, o, now)
	})
}

// createOrder stores an order and its lines, whose ProductIDs are set, and
// records the order's first event.
func createOrder(tx *gorm.DB, o *soko.Order, now time.Time) error {
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
	for i := range o.Lines {
		l := &o.Lines[i]
		lr := orderLineRow{OrderID: o.ID, ProductID: l.ProductID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate}
		if err := tx.Create(&lr).Error; err != nil {
			return err
		}
		l.ID, l.OrderID = lr.ID, o.ID
	}
	return recordEvent(tx, o, soko.OrderEvent{Action: "create", To: o.Status}, now)
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
	return os[0], db.loadOrderLines(ctx, os)
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
		UnitPrice              int64
		TaxRate                int
	}
	err := db.conn(ctx).Table("order_lines").
		Select("order_lines.id, order_lines.order_id, order_lines.product_id, products.sku, products.name, order_lines.quantity, order_lines.inspected, order_lines.unit_price, order_lines.tax_rate").
		Joins("JOIN products ON products.id = order_lines.product_id").
		Where("order_lines.order_id IN ?", ids).Order("order_lines.id").Scan(&lines).Error
	if err != nil {
		return translate(err)
	}
	for _, l := range lines {
		o := byID[l.OrderID]
		o.Lines = append(o.Lines, soko.OrderLine{
			ID: l.ID, OrderID: l.OrderID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name,
			Quantity: l.Quantity, Inspected: l.Inspected, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate,
		})
	}
	return nil
}

// ListOrders returns a page of orders matching f, oldest first, with lines.
func (db *DB) ListOrders(ctx context.Context, f soko.OrderFilter) ([]*soko.Order, error) {
	q := db.conn(ctx)
	if f.MerchantID != 0 {
		q = q.Where("merchant_id = ?", f.MerchantID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	var rows []orderRow
	if err := paged(q, f.Page, "id", "updated_at").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	os := make([]*soko.Order, len(rows))
	for i, r := range rows {
		os[i] = r.order()
	}
	return os, db.loadOrderLines(ctx, os)
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
			products, err := releaseOrderStock(tx, o.ID, "cancel", now)
			if err != nil {
				return err
			}
			if err := checkLowStock(tx, products, now); err != nil {
				return err
			}
		}
		if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).
			Updates(map[string]any{"status": string(o.Status), "held_from": "", "updated_at": now}).Error; err != nil {
			return err
		}
		return recordEvent(tx, o, soko.OrderEvent{Action: action, From: from, To: o.Status, Detail: reason}, now)
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
