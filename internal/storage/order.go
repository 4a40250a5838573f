package storage

import (
	"context"
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
	Gift                bool
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
		CODAmount: o.CODAmount, Gift: o.Gift, Priority: o.Priority, Note: o.Note,
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
		CODAmount: r.CODAmount, Gift: r.Gift, Priority: r.Priority, Note: r.Note,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// createOrder stores an order and its lines, whose ProductIDs are set, and
// records the order's first event.
func createOrder(tx *gorm.DB, o *soko.Order, now time.Time) error {
	o.CreatedAt, o.UpdatedAt = now, now
	if o.Status == "" {
		o.Status = soko.OrderReceived
	}
	row := orderToRow(o)
	if err := tx.Create(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.Errorf(soko.ECONFLICT, "order %s already exists", o.Number).JA("注文番号 %s はすでに登録されています", o.Number)
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
	return tx.Create(&orderEventRow{OrderID: o.ID, Seq: 1, Action: "create", ToStatus: string(o.Status), CreatedAt: now}).Error
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

// FindOrder returns a merchant's order by number, with its lines, or ENOTFOUND.
// Another merchant's order is not found, never forbidden: its existence is not ours to tell.
func (db *DB) FindOrder(ctx context.Context, merchantID int64, number string) (*soko.Order, error) {
	var row orderRow
	if err := db.conn(ctx).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ENOTFOUND {
			return nil, soko.Errorf(soko.ENOTFOUND, "no order %s", number).JA("注文 %s は見つかりません", number)
		}
		return nil, translate(err)
	}
	o := row.order()
	var lines []struct {
		ID, OrderID, ProductID int64
		SKU                    string
		Quantity               int
		UnitPrice              int64
		TaxRate                int
	}
	err := db.conn(ctx).Table("order_lines").Select("order_lines.id, order_lines.order_id, order_lines.product_id, products.sku, order_lines.quantity, order_lines.unit_price, order_lines.tax_rate").
		Joins("JOIN products ON products.id = order_lines.product_id").
		Where("order_lines.order_id = ?", o.ID).Order("order_lines.id").Scan(&lines).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, l := range lines {
		o.Lines = append(o.Lines, soko.OrderLine{
			ID: l.ID, OrderID: l.OrderID, ProductID: l.ProductID, SKU: l.SKU,
			Quantity: l.Quantity, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate,
		})
	}
	return o, nil
}

// ListOrders returns orders matching f, newest first, without lines.
func (db *DB) ListOrders(ctx context.Context, f soko.OrderFilter) ([]*soko.Order, error) {
	q := db.conn(ctx).Order("id DESC")
	if f.MerchantID != 0 {
		q = q.Where("merchant_id = ?", f.MerchantID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []orderRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	os := make([]*soko.Order, len(rows))
	for i, r := range rows {
		os[i] = r.order()
	}
	return os, nil
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
