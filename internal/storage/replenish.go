package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/soko-wms/soko/internal/soko"
)

type supplierRow struct {
	ID            int64
	MerchantID    int64
	Code          string
	Name          string
	LeadTimeDays  int
	MinOrderQty   int
	OrderMultiple int
	Contact       string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (supplierRow) TableName() string { return "suppliers" }

func (r supplierRow) supplier() *soko.Supplier {
	return &soko.Supplier{ID: r.ID, MerchantID: r.MerchantID, Code: r.Code, Name: r.Name, LeadTimeDays: r.LeadTimeDays,
		MinOrderQty: r.MinOrderQty, OrderMultiple: r.OrderMultiple, Contact: r.Contact, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type replenishmentSettingsRow struct {
	MerchantID int64 `gorm:"primaryKey;autoIncrement:false"`
	ReviewDays int
	SafetyDays int
	WindowDays int
	AutoOrder  bool
}

func (replenishmentSettingsRow) TableName() string { return "replenishment_settings" }

type purchaseOrderRow struct {
	ID           int64
	MerchantID   int64
	SupplierID   int64
	Number       string
	Status       string
	ExpectedDate time.Time
	InboundID    *int64
	AutoDay      *string
	OrderedBy    string
	CreatedAt    time.Time
	OrderedAt    *time.Time
}

func (purchaseOrderRow) TableName() string { return "purchase_orders" }

type purchaseOrderLineRow struct {
	ID              int64
	PurchaseOrderID int64
	ProductID       int64
	Quantity        int
}

func (purchaseOrderLineRow) TableName() string { return "purchase_order_lines" }

func supplierNotFound(code string) *soko.Error {
	return soko.Errorf(soko.ENOTFOUND, "no supplier %s", code).JA("仕入先 %s は見つかりません", code)
}

// PutSupplier creates or replaces a merchant's supplier by its code and
// reports whether it was created. When s.SKUs is not nil the supplier's
// products become exactly those (a product has one supplier, so a listed
// product moves here from another).
func (db *DB) PutSupplier(ctx context.Context, s *soko.Supplier) (bool, error) {
	if err := s.Validate(); err != nil {
		return false, err
	}
	now := db.now()
	created := false
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row supplierRow
		err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND code = ?", s.MerchantID, s.Code).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			created = true
			row = supplierRow{MerchantID: s.MerchantID, Code: s.Code, CreatedAt: now}
		case err != nil:
			return err
		}
		row.Name, row.LeadTimeDays, row.MinOrderQty, row.OrderMultiple, row.Contact, row.UpdatedAt =
			s.Name, s.LeadTimeDays, s.MinOrderQty, s.OrderMultiple, s.Contact, now
		if err := tx.Save(&row).Error; err != nil {
			return err
		}
		s.ID, s.CreatedAt, s.UpdatedAt = row.ID, row.CreatedAt.UTC(), now
		if s.SKUs == nil {
			return nil
		}
		found := map[string]int64{}
		if len(s.SKUs) > 0 {
			var products []productRow
			if err := tx.Where("merchant_id = ? AND sku IN ?", s.MerchantID, s.SKUs).Find(&products).Error; err != nil {
				return err
			}
			for _, p := range products {
				found[p.SKU] = p.ID
			}
		}
		var bad *soko.Error
		ids := []int64{}
		for i, sku := range s.SKUs {
			id, ok := found[sku]
			if !ok {
				if bad == nil {
					bad = soko.Errorf(soko.EINVALID, "unknown product %s", sku).JA("商品 %s は登録されていません", sku)
				}
				bad.WithField(fmt.Sprintf("skus[%d]", i), "unknown SKU "+sku+" / 未登録の商品です")
			}
			ids = append(ids, id)
		}
		if bad != nil {
			return bad
		}
		q := tx.Model(&productRow{}).Where("supplier_id = ?", row.ID)
		if len(ids) > 0 {
			q = q.Where("id NOT IN ?", ids)
		}
		if err := q.Update("supplier_id", nil).Error; err != nil {
			return err
		}
		if len(ids) > 0 {
			return tx.Model(&productRow{}).Where("id IN ?", ids).Update("supplier_id", row.ID).Error
		}
		return nil
	})
	return created, err
}

// ListSuppliers returns a merchant's suppliers by code, with their products.
func (db *DB) ListSuppliers(ctx context.Context, merchantID int64) ([]*soko.Supplier, error) {
	var rows []supplierRow
	if err := db.conn(ctx).Where("merchant_id = ?", merchantID).Order("code").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.Supplier, len(rows))
	for i, r := range rows {
		out[i] = r.supplier()
	}
	return out, translate(supplierSKUs(db.conn(ctx), out))
}

// supplierSKUs loads the SKUs of the suppliers' products.
func supplierSKUs(tx *gorm.DB, ss []*soko.Supplier) error {
	if len(ss) == 0 {
		return nil
	}
	byID, ids := index(ss, func(s *soko.Supplier) int64 { return s.ID })
	var rows []struct {
		SupplierID int64
		SKU        string `gorm:"column:sku"`
	}
	if err := tx.Table("products").Select("supplier_id, sku").Where("supplier_id IN ?", ids).Order("sku").Scan(&rows).Error; err != nil {
		return err
	}
	for _, s := range ss {
		s.SKUs = []string{}
	}
	for _, r := range rows {
		byID[r.SupplierID].SKUs = append(byID[r.SupplierID].SKUs, r.SKU)
	}
	return nil
}

// FindSupplier returns a merchant's supplier with its products, or ENOTFOUND.
func (db *DB) FindSupplier(ctx context.Context, merchantID int64, code string) (*soko.Supplier, error) {
	var row supplierRow
	if err := db.conn(ctx).Where("merchant_id = ? AND code = ?", merchantID, code).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, supplierNotFound(code)
		}
		return nil, translate(err)
	}
	s := row.supplier()
	return s, translate(supplierSKUs(db.conn(ctx), []*soko.Supplier{s}))
}

// DeleteSupplier removes a merchant's supplier and unlinks its products; a
// supplier with purchase orders is kept for their records (ECONFLICT).
func (db *DB) DeleteSupplier(ctx context.Context, merchantID int64, code string) error {
	return db.transact(ctx, func(tx *gorm.DB) error {
		var row supplierRow
		if err := lockForUpdate(tx, db.dialect).Where("merchant_id = ? AND code = ?", merchantID, code).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return supplierNotFound(code)
			}
			return err
		}
		var orders int64
		if err := tx.Model(&purchaseOrderRow{}).Where("supplier_id = ?", row.ID).Count(&orders).Error; err != nil {
			return err
		}
		if orders > 0 {
			return soko.Errorf(soko.ECONFLICT, "supplier %s has %d purchase orders and is kept for them", code, orders).
				JA("仕入先 %s には発注書が%d件あるため削除できません", code, orders)
		}
		if err := tx.Model(&productRow{}).Where("supplier_id = ?", row.ID).Update("supplier_id", nil).Error; err != nil {
			return err
		}
		return tx.Delete(&supplierRow{}, row.ID).Error
	})
}

// ReplenishmentSettings returns a merchant's replenishment settings, the
// defaults until it sets its own.
func (db *DB) ReplenishmentSettings(ctx context.Context, merchantID int64) (soko.ReplenishmentSettings, error) {
	s, err := replenishmentSettings(db.conn(ctx), merchantID)
	return s, translate(err)
}

func replenishmentSettings(tx *gorm.DB, merchantID int64) (soko.ReplenishmentSettings, error) {
	var rows []replenishmentSettingsRow
	if err := tx.Where("merchant_id = ?", merchantID).Limit(1).Find(&rows).Error; err != nil || len(rows) == 0 {
		return soko.DefaultReplenishmentSettings, err
	}
	r := rows[0]
	return soko.ReplenishmentSettings{ReviewDays: r.ReviewDays, SafetyDays: r.SafetyDays, WindowDays: r.WindowDays, AutoOrder: r.AutoOrder}, nil
}

// PutReplenishmentSettings sets a merchant's replenishment settings.
func (db *DB) PutReplenishmentSettings(ctx context.Context, merchantID int64, s soko.ReplenishmentSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return db.transact(ctx, func(tx *gorm.DB) error {
		row := replenishmentSettingsRow{MerchantID: merchantID, ReviewDays: s.ReviewDays, SafetyDays: s.SafetyDays, WindowDays: s.WindowDays, AutoOrder: s.AutoOrder}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "merchant_id"}}, UpdateAll: true}).Create(&row).Error
	})
}

// ReorderSuggestions works out what to order of each of a merchant's
// products that has a supplier (soko.SuggestReorder), averaging demand
// over windowDays (0: the merchant's setting), by supplier and SKU.
func (db *DB) ReorderSuggestions(ctx context.Context, merchantID int64, windowDays int) ([]soko.ReorderSuggestion, error) {
	out, err := reorderSuggestions(db.conn(ctx), merchantID, 0, windowDays, db.now())
	return out, translate(err)
}

// reorderSuggestions are the suggestions of a merchant's products, of one
// supplier when supplierID is set.
func reorderSuggestions(tx *gorm.DB, merchantID, supplierID int64, windowDays int, now time.Time) ([]soko.ReorderSuggestion, error) {
	settings, err := replenishmentSettings(tx, merchantID)
	if err != nil {
		return nil, err
	}
	if windowDays == 0 {
		windowDays = settings.WindowDays
	}
	if err := soko.ValidateDemandWindow(windowDays); err != nil {
		return nil, err
	}
	var products []struct {
		ID, SupplierID int64
		SKU            string `gorm:"column:sku"`
		Name           string
		ReorderPoint   int
	}
	q := tx.Table("products").Select("id, supplier_id, sku, name, reorder_point").
		Where("merchant_id = ? AND supplier_id IS NOT NULL AND archived_at IS NULL", merchantID)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if err := q.Order("sku").Scan(&products).Error; err != nil || len(products) == 0 {
		return nil, err
	}
	var suppliers []supplierRow
	if err := tx.Where("merchant_id = ?", merchantID).Find(&suppliers).Error; err != nil {
		return nil, err
	}
	bySupplier := map[int64]*soko.Supplier{}
	for _, s := range suppliers {
		bySupplier[s.ID] = s.supplier()
	}
	ids := make([]int64, len(products))
	for i, p := range products {
		ids[i] = p.ID
	}
	figures, err := stockFiguresOf(tx, ids)
	if err != nil {
		return nil, err
	}
	shipped, err := unitsByProduct(tx, `SELECT s.product_id, SUM(-m.on_hand_delta) AS units
		FROM stock_movements m JOIN stock s ON s.id = m.stock_id
		WHERE m.kind = 'pick' AND m.created_at >= ? AND s.product_id IN ? GROUP BY s.product_id`, now.AddDate(0, 0, -windowDays), ids)
	if err != nil {
		return nil, err
	}
	inbound, err := unitsByProduct(tx, `SELECT l.product_id, SUM(l.quantity - l.received) AS units
		FROM inbound_lines l JOIN inbounds i ON i.id = l.inbound_id
		WHERE i.status <> 'received' AND i.cancelled_at IS NULL AND l.quantity > l.received AND l.product_id IN ?
		GROUP BY l.product_id`, ids)
	if err != nil {
		return nil, err
	}
	drafted, err := unitsByProduct(tx, `SELECT l.product_id, SUM(l.quantity) AS units
		FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.purchase_order_id
		WHERE o.status = 'draft' AND l.product_id IN ? GROUP BY l.product_id`, ids)
	if err != nil {
		return nil, err
	}
	out := make([]soko.ReorderSuggestion, len(products))
	for i, p := range products {
		f, sup := figures[p.ID], bySupplier[p.SupplierID]
		// Units waiting to be put away or counted are in the warehouse:
		// they count as stock here, though orders cannot have them yet.
		available := f.OnHand - f.Allocated
		out[i] = soko.ReorderSuggestion{ProductID: p.ID, SKU: p.SKU, Name: p.Name, Supplier: sup, OnHand: f.OnHand,
			Available: max(available, 0), Inbound: inbound[p.ID], Drafted: drafted[p.ID], ReorderPoint: p.ReorderPoint}
		// Units on a draft purchase order count as coming: approving
		// the draft, not a second order, brings them.
		out[i].ReorderFigures = soko.SuggestReorder(soko.ReorderInput{
			ShippedUnits: shipped[p.ID], AllocatedUnits: f.Allocated, WindowDays: windowDays,
			Available: available, Inbound: inbound[p.ID] + drafted[p.ID],
			LeadTimeDays: sup.LeadTimeDays, ReviewDays: settings.ReviewDays, SafetyDays: settings.SafetyDays,
			MinOrderQty: sup.MinOrderQty, OrderMultiple: sup.OrderMultiple,
		})
	}
	return out, nil
}

// unitsByProduct runs a query answering product_id and units.
func unitsByProduct(tx *gorm.DB, sql string, args ...any) (map[int64]int, error) {
	var rows []struct {
		ProductID int64
		Units     int
	}
	if err := tx.Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.ProductID] = r.Units
	}
	return out, nil
}

// PlacePurchaseOrder orders from a supplier (発注): the request's lines,
// or without lines every product of the supplier whose suggestion is above
// 0. In the same transaction it creates the inbound notice (入荷予定) of
// the same number that the floor receives against.
func (db *DB) PlacePurchaseOrder(ctx context.Context, req soko.PurchaseRequest) (*soko.PurchaseOrder, error) {
	now := db.now()
	var number string
	err := db.transact(ctx, func(tx *gorm.DB) error {
		sup, lines, err := purchaseLines(tx, db.dialect, req, now)
		if err != nil {
			return err
		}
		expected := req.ExpectedDate
		if expected.IsZero() {
			expected = soko.WorkDay(now).AddDate(0, 0, sup.LeadTimeDays)
		}
		row := purchaseOrderRow{MerchantID: req.MerchantID, SupplierID: sup.ID, Status: string(soko.PurchaseOrdered),
			ExpectedDate: dateOnly(expected), OrderedBy: req.OrderedBy, CreatedAt: now, OrderedAt: &now}
		if err := createPurchaseOrder(tx, db.dialect, &row, lines, now); err != nil {
			return err
		}
		number = row.Number
		return orderPurchase(tx, &row, lines, now)
	})
	if err != nil {
		return nil, err
	}
	return db.FindPurchaseOrder(ctx, req.MerchantID, number)
}

// purchaseLines locks the request's supplier and returns its lines: those
// asked for (checked against the supplier's minimum and multiple), or the
// supplier's suggestions above 0.
func purchaseLines(tx *gorm.DB, dialect string, req soko.PurchaseRequest, now time.Time) (supplierRow, []purchaseOrderLineRow, error) {
	var sup supplierRow
	err := lockForUpdate(tx, dialect).Where("merchant_id = ? AND code = ?", req.MerchantID, req.SupplierCode).Take(&sup).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sup, nil, supplierNotFound(req.SupplierCode).WithField("supplier_code", "unknown supplier")
	} else if err != nil {
		return sup, nil, err
	}
	var lines []purchaseOrderLineRow
	if len(req.Lines) == 0 {
		suggestions, err := reorderSuggestions(tx, req.MerchantID, sup.ID, req.WindowDays, now)
		if err != nil {
			return sup, nil, err
		}
		for _, s := range suggestions {
			if s.Quantity > 0 {
				lines = append(lines, purchaseOrderLineRow{ProductID: s.ProductID, Quantity: s.Quantity})
			}
		}
		if len(lines) == 0 {
			return sup, nil, soko.Errorf(soko.ECONFLICT, "nothing to order from supplier %s: no product needs more", sup.Code).
				JA("仕入先 %s に発注する商品はありません（発注提案がありません）", sup.Code)
		}
		return sup, lines, nil
	}
	skus := make([]string, len(req.Lines))
	for i, l := range req.Lines {
		skus[i] = l.SKU
	}
	products, err := productIDs(tx, req.MerchantID, skus)
	if err != nil {
		return sup, nil, err
	}
	supplierOf := map[int64]int64{}
	var links []struct{ ID, SupplierID int64 }
	if err := tx.Table("products").Select("id, COALESCE(supplier_id, 0) AS supplier_id").Where("merchant_id = ? AND sku IN ?", req.MerchantID, skus).Scan(&links).Error; err != nil {
		return sup, nil, err
	}
	for _, l := range links {
		supplierOf[l.ID] = l.SupplierID
	}
	var bad *soko.Error
	fail := func(i int, msg, ja string) {
		if bad == nil {
			bad = soko.Errorf(soko.EINVALID, "%s", msg).JA("%s", ja)
		}
		bad.WithField(fmt.Sprintf("lines[%d].quantity", i), msg+" / "+ja)
	}
	seen := map[int64]bool{}
	for i, l := range req.Lines {
		p := products[l.SKU]
		switch {
		case l.Quantity < 1:
			fail(i, "order at least 1", "1以上を指定してください")
		case l.Quantity < sup.MinOrderQty:
			fail(i, fmt.Sprintf("the supplier's minimum order is %d", sup.MinOrderQty), fmt.Sprintf("仕入先の最小発注数は %d です", sup.MinOrderQty))
		case l.Quantity%sup.OrderMultiple != 0:
			fail(i, fmt.Sprintf("the supplier sells in multiples of %d", sup.OrderMultiple), fmt.Sprintf("仕入先の発注単位は %d の倍数です", sup.OrderMultiple))
		case supplierOf[p.ID] != sup.ID:
			fail(i, fmt.Sprintf("%s is not bought from supplier %s", l.SKU, sup.Code), fmt.Sprintf("%s の仕入先は %s ではありません", l.SKU, sup.Code))
		case seen[p.ID]:
			fail(i, l.SKU+" is listed twice", l.SKU+" が2回あります")
		}
		seen[p.ID] = true
		lines = append(lines, purchaseOrderLineRow{ProductID: p.ID, Quantity: l.Quantity})
	}
	if bad != nil {
		return sup, nil, bad
	}
	return sup, lines, nil
}

// createPurchaseOrder numbers and stores a purchase order with its lines:
// PO-YYYYMMDD-NNN, counted per merchant and day (Japan). The merchant's
// row is locked (without blocking the rows that refer to it) so two
// orders of the same day do not take the same number.
func createPurchaseOrder(tx *gorm.DB, dialect string, row *purchaseOrderRow, lines []purchaseOrderLineRow, now time.Time) error {
	q := tx.Table("merchants").Select("id").Where("id = ?", row.MerchantID)
	if dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
	}
	var id int64
	if err := q.Scan(&id).Error; err != nil {
		return err
	}
	prefix := "PO-" + soko.WorkDay(now).Format("20060102") + "-"
	var n int64
	if err := tx.Model(&purchaseOrderRow{}).Where("merchant_id = ? AND number LIKE ?", row.MerchantID, prefix+"%").Count(&n).Error; err != nil {
		return err
	}
	row.Number = fmt.Sprintf("%s%03d", prefix, n+1)
	if err := tx.Create(row).Error; err != nil {
		return err
	}
	for i := range lines {
		lines[i].PurchaseOrderID = row.ID
		if err := tx.Create(&lines[i]).Error; err != nil {
			return err
		}
	}
	return nil
}

// orderPurchase makes a purchase order's inbound notice, of the same
// number and expected date, and marks the order ordered.
func orderPurchase(tx *gorm.DB, row *purchaseOrderRow, lines []purchaseOrderLineRow, now time.Time) error {
	in := inboundRow{MerchantID: row.MerchantID, Number: row.Number, ExpectedDate: &row.ExpectedDate,
		Status: string(soko.InboundExpected), CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&in).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.Errorf(soko.ECONFLICT, "an inbound numbered %s already exists", row.Number).JA("入荷予定 %s はすでに登録されています", row.Number)
		}
		return err
	}
	for _, l := range lines {
		if err := tx.Create(&inboundLineRow{InboundID: in.ID, ProductID: l.ProductID, Quantity: l.Quantity}).Error; err != nil {
			return err
		}
	}
	row.InboundID, row.Status, row.OrderedAt = &in.ID, string(soko.PurchaseOrdered), &now
	return tx.Model(&purchaseOrderRow{}).Where("id = ?", row.ID).
		Updates(map[string]any{"inbound_id": in.ID, "status": row.Status, "ordered_at": now, "ordered_by": row.OrderedBy}).Error
}

// dateOnly is t's calendar day in Japan at midnight UTC, as DATE columns keep it.
func dateOnly(t time.Time) time.Time {
	y, m, d := soko.WorkDay(t).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ApprovePurchaseOrder orders a draft purchase order: its inbound notice is
// created in the same transaction. Approving an ordered one changes nothing.
func (db *DB) ApprovePurchaseOrder(ctx context.Context, merchantID int64, number, by string) (*soko.PurchaseOrder, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		row, err := lockPurchaseOrder(tx, db.dialect, merchantID, number)
		if err != nil {
			return err
		}
		switch soko.PurchaseOrderStatus(row.Status) {
		case soko.PurchaseOrdered:
			return nil
		case soko.PurchaseCancelled:
			return soko.Errorf(soko.ECONFLICT, "purchase order %s is cancelled", number).JA("発注書 %s は取り消し済みです", number)
		}
		var lines []purchaseOrderLineRow
		if err := tx.Where("purchase_order_id = ?", row.ID).Order("id").Find(&lines).Error; err != nil {
			return err
		}
		row.OrderedBy = by
		return orderPurchase(tx, &row, lines, now)
	})
	if err != nil {
		return nil, err
	}
	return db.FindPurchaseOrder(ctx, merchantID, number)
}

// CancelPurchaseOrder discards a draft purchase order; an ordered one is
// cancelled through its inbound notice, with the supplier.
func (db *DB) CancelPurchaseOrder(ctx context.Context, merchantID int64, number string) (*soko.PurchaseOrder, error) {
	err := db.transact(ctx, func(tx *gorm.DB) error {
		row, err := lockPurchaseOrder(tx, db.dialect, merchantID, number)
		if err != nil {
			return err
		}
		switch soko.PurchaseOrderStatus(row.Status) {
		case soko.PurchaseCancelled:
			return nil
		case soko.PurchaseOrdered:
			return soko.Errorf(soko.ECONFLICT, "purchase order %s is ordered: cancel it with the supplier and cancel inbound %s", number, number).
				JA("発注書 %s は発注済みです。仕入先に取り消しを依頼し、入荷予定 %s をキャンセルしてください", number, number)
		}
		return tx.Model(&purchaseOrderRow{}).Where("id = ?", row.ID).Update("status", string(soko.PurchaseCancelled)).Error
	})
	if err != nil {
		return nil, err
	}
	return db.FindPurchaseOrder(ctx, merchantID, number)
}

func lockPurchaseOrder(tx *gorm.DB, dialect string, merchantID int64, number string) (purchaseOrderRow, error) {
	var row purchaseOrderRow
	err := lockForUpdate(tx, dialect).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, purchaseOrderNotFound(number)
	}
	return row, err
}

func purchaseOrderNotFound(number string) error {
	return soko.Errorf(soko.ENOTFOUND, "no purchase order %s", number).JA("発注書 %s は見つかりません", number)
}

// FindPurchaseOrder returns a merchant's purchase order with its lines and
// what was received of them, or ENOTFOUND.
func (db *DB) FindPurchaseOrder(ctx context.Context, merchantID int64, number string) (*soko.PurchaseOrder, error) {
	pos, err := db.purchaseOrders(ctx, db.conn(ctx).Where("merchant_id = ? AND number = ?", merchantID, number))
	if err != nil {
		return nil, err
	}
	if len(pos) == 0 {
		return nil, purchaseOrderNotFound(number)
	}
	return pos[0], nil
}

// PurchaseOrderByID returns any merchant's purchase order, for the console.
func (db *DB) PurchaseOrderByID(ctx context.Context, id int64) (*soko.PurchaseOrder, error) {
	pos, err := db.purchaseOrders(ctx, db.conn(ctx).Where("id = ?", id))
	if err != nil {
		return nil, err
	}
	if len(pos) == 0 {
		return nil, soko.Errorf(soko.ENOTFOUND, "no purchase order %d", id).JA("発注書が見つかりません")
	}
	return pos[0], nil
}

// ListPurchaseOrders returns a page of a merchant's purchase orders (every
// merchant's when merchantID is 0), newest first; status filters when set.
func (db *DB) ListPurchaseOrders(ctx context.Context, merchantID int64, status soko.PurchaseOrderStatus, page soko.Page) ([]*soko.PurchaseOrder, error) {
	q := db.conn(ctx)
	if merchantID != 0 {
		q = q.Where("merchant_id = ?", merchantID)
	}
	if status != "" {
		q = q.Where("status = ?", string(status))
	}
	if page.After > 0 {
		q = q.Where("id < ?", page.After)
	}
	return db.purchaseOrders(ctx, q.Order("id DESC").Limit(page.Size()+1))
}

// purchaseOrders loads the purchase orders q selects, with their supplier,
// lines and inbound.
func (db *DB) purchaseOrders(ctx context.Context, q *gorm.DB) ([]*soko.PurchaseOrder, error) {
	var rows []purchaseOrderRow
	if err := q.Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	conn := db.conn(ctx)
	out := make([]*soko.PurchaseOrder, len(rows))
	supplierIDs, inboundIDs := []int64{}, []int64{0}
	for i, r := range rows {
		out[i] = &soko.PurchaseOrder{ID: r.ID, MerchantID: r.MerchantID, Number: r.Number, Status: soko.PurchaseOrderStatus(r.Status),
			ExpectedDate: r.ExpectedDate.UTC(), Auto: r.AutoDay != nil, OrderedBy: r.OrderedBy, CreatedAt: r.CreatedAt.UTC(), OrderedAt: fromNull(r.OrderedAt)}
		supplierIDs = append(supplierIDs, r.SupplierID)
		if r.InboundID != nil {
			inboundIDs = append(inboundIDs, *r.InboundID)
		}
	}
	var suppliers []supplierRow
	if err := conn.Where("id IN ?", supplierIDs).Find(&suppliers).Error; err != nil {
		return nil, translate(err)
	}
	sups := map[int64]supplierRow{}
	for _, s := range suppliers {
		sups[s.ID] = s
	}
	var inbounds []inboundRow
	if err := conn.Where("id IN ?", inboundIDs).Find(&inbounds).Error; err != nil {
		return nil, translate(err)
	}
	ins := map[int64]*soko.Inbound{}
	for _, in := range inbounds {
		ins[in.ID] = in.inbound()
	}
	byID, ids := index(out, func(p *soko.PurchaseOrder) int64 { return p.ID })
	for i, r := range rows {
		out[i].Supplier = *sups[r.SupplierID].supplier()
		if r.InboundID != nil {
			out[i].InboundNumber, out[i].InboundStatus = ins[*r.InboundID].Number, ins[*r.InboundID].Status
		}
	}
	var lines []struct {
		PurchaseOrderID, ProductID int64
		SKU                        string `gorm:"column:sku"`
		Name                       string
		Quantity                   int
		Received                   int
	}
	err := conn.Raw(`SELECT l.purchase_order_id, l.product_id, p.sku, p.name, l.quantity,
			COALESCE((SELECT SUM(il.received) FROM inbound_lines il JOIN purchase_orders o ON o.inbound_id = il.inbound_id
			          WHERE o.id = l.purchase_order_id AND il.product_id = l.product_id), 0) AS received
		FROM purchase_order_lines l JOIN products p ON p.id = l.product_id
		WHERE l.purchase_order_id IN ? ORDER BY l.id`, ids).Scan(&lines).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, l := range lines {
		po := byID[l.PurchaseOrderID]
		po.Lines = append(po.Lines, soko.PurchaseOrderLine{ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: l.Quantity, Received: l.Received})
	}
	return out, nil
}

// RaiseDraftPurchaseOrders is the morning's automatic ordering (自動発注):
// for every merchant that asked for it, each supplier's suggestions above
// 0 become a draft purchase order waiting for approval. A supplier gets
// at most one such draft a day (Japan), however often and on however many
// soko servers it runs; it returns how many drafts it raised.
func (db *DB) RaiseDraftPurchaseOrders(ctx context.Context) (int, error) {
	var merchants []int64
	if err := db.conn(ctx).Model(&replenishmentSettingsRow{}).Where("auto_order").Order("merchant_id").Pluck("merchant_id", &merchants).Error; err != nil {
		return 0, translate(err)
	}
	now := db.now()
	day := soko.WorkDay(now).Format("2006-01-02")
	raised := 0
	for _, m := range merchants {
		err := db.transact(ctx, func(tx *gorm.DB) error {
			var suppliers []supplierRow
			if err := tx.Where("merchant_id = ? AND id NOT IN (SELECT supplier_id FROM purchase_orders WHERE auto_day = ?)", m, day).
				Order("code").Find(&suppliers).Error; err != nil {
				return err
			}
			for _, sup := range suppliers {
				suggestions, err := reorderSuggestions(tx, m, sup.ID, 0, now)
				if err != nil {
					return err
				}
				var lines []purchaseOrderLineRow
				for _, s := range suggestions {
					if s.Quantity > 0 {
						lines = append(lines, purchaseOrderLineRow{ProductID: s.ProductID, Quantity: s.Quantity})
					}
				}
				if len(lines) == 0 {
					continue
				}
				row := purchaseOrderRow{MerchantID: m, SupplierID: sup.ID, Status: string(soko.PurchaseDraft),
					ExpectedDate: dateOnly(soko.WorkDay(now).AddDate(0, 0, sup.LeadTimeDays)), AutoDay: &day, CreatedAt: now}
				if err := createPurchaseOrder(tx, db.dialect, &row, lines, now); err != nil {
					return err
				}
				raised++
			}
			return nil
		})
		if soko.ErrorCode(err) == soko.ECONFLICT {
			continue // another soko raised them at the same moment
		}
		if err != nil {
			return raised, err
		}
	}
	return raised, nil
}

// StockHistory is a product's units on hand at the end of each of the last
// days days (Japan), oldest first, from the ledger (DailyStock); and the
// inbound units due, by expected day.
func (db *DB) StockHistory(ctx context.Context, merchantID int64, sku string, days int) ([]soko.ChartPoint, []soko.ChartPoint, error) {
	now, conn := db.now(), db.conn(ctx)
	id, err := productIDOf(conn, merchantID, sku)
	if err != nil {
		return nil, nil, err
	}
	daily, err := db.dailyStock(conn, id, now, days)
	if err != nil {
		return nil, nil, err
	}
	history := make([]soko.ChartPoint, len(daily))
	for i, d := range daily {
		history[i] = soko.ChartPoint{Day: d.Date, Units: d.OnHand}
	}
	today := soko.WorkDay(now)
	var due []struct {
		ExpectedDate *time.Time
		Units        int
	}
	if err := conn.Raw(`SELECT i.expected_date, SUM(l.quantity - l.received) AS units
		FROM inbound_lines l JOIN inbounds i ON i.id = l.inbound_id
		WHERE l.product_id = ? AND i.status <> 'received' AND i.cancelled_at IS NULL AND l.quantity > l.received
		GROUP BY i.expected_date ORDER BY i.expected_date`, id).Scan(&due).Error; err != nil {
		return nil, nil, translate(err)
	}
	arrivals := make([]soko.ChartPoint, 0, len(due))
	for _, d := range due {
		at := today
		if d.ExpectedDate != nil {
			y, m, dd := d.ExpectedDate.Date()
			at = time.Date(y, m, dd, 12, 0, 0, 0, today.Location())
		}
		arrivals = append(arrivals, soko.ChartPoint{Day: at, Units: d.Units})
	}
	return history, arrivals, nil
}
