package storage

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type productComponentRow struct {
	MerchantID   int64
	SetProductID int64
	ComponentID  int64
	Quantity     int
}

func (productComponentRow) TableName() string { return "product_components" }

// putComponents replaces the components of set product p, whose ID is
// set, unless p keeps them. A component is another of the merchant's
// products that is not a set itself, and a product that is some set's
// component cannot become a set: sets are one level deep.
func putComponents(tx *gorm.DB, p *soko.Product) error {
	// Whatever it keeps, a product written may be renamed: the components
	// the transaction read may name it.
	if notes := notesIn(tx); notes != nil {
		notes.components, notes.inNoSet = nil, nil
	}
	if p.KeepComponents {
		return nil
	}
	if err := tx.Where("set_product_id = ?", p.ID).Delete(&productComponentRow{}).Error; err != nil {
		return err
	}
	if len(p.Components) == 0 {
		return nil
	}
	bad := soko.Errorf(soko.EINVALID, "invalid set components").JA("セットの構成品に誤りがあります")
	var inSets int64
	if err := tx.Table("product_components").Where("component_id = ?", p.ID).Count(&inSets).Error; err != nil {
		return err
	}
	if inSets > 0 {
		bad.WithField("components", "this product is a component of another set / この商品は別のセットの構成品です")
		return bad
	}
	seen := map[string]bool{}
	for i := range p.Components {
		c := &p.Components[i]
		field := fmt.Sprintf("components[%d].sku", i)
		var row productRow
		err := tx.Where("merchant_id = ? AND sku = ?", p.MerchantID, c.SKU).Take(&row).Error
		switch {
		case err == gorm.ErrRecordNotFound:
			bad.WithField(field, "unknown SKU "+c.SKU+" / 未登録の商品です")
			continue
		case err != nil:
			return err
		case row.ID == p.ID:
			bad.WithField(field, "a set cannot contain itself / セット自身は構成品にできません")
			continue
		case seen[c.SKU]:
			bad.WithField(field, "given twice / 同じ商品が二度指定されています")
			continue
		}
		seen[c.SKU] = true
		var sub int64
		if err := tx.Table("product_components").Where("set_product_id = ?", row.ID).Count(&sub).Error; err != nil {
			return err
		}
		if sub > 0 {
			bad.WithField(field, c.SKU+" is a set itself / "+c.SKU+" はセット商品です")
			continue
		}
		c.ProductID, c.Name = row.ID, row.Name
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	for _, c := range p.Components {
		if err := tx.Create(&productComponentRow{MerchantID: p.MerchantID, SetProductID: p.ID, ComponentID: c.ProductID, Quantity: c.Quantity}).Error; err != nil {
			return err
		}
	}
	// The set's figures in the stock feed are its components' now.
	return noteProducts(tx, p.ID)
}

// componentsOf returns the components of those of the products that are
// sets, by set, in SKU order. A transaction reads each product's once: an
// order's lines and the stock feed of its allocation ask about the same
// products.
func componentsOf(tx *gorm.DB, productIDs []int64) (map[int64][]soko.Component, error) {
	var known *map[int64][]soko.Component
	if notes := notesIn(tx); notes != nil {
		known = &notes.components
	}
	out, err := readOnce(known, productIDs, func(unread []int64) (map[int64][]soko.Component, error) { return readComponents(tx, unread) })
	if err != nil {
		return nil, err
	}
	for id, cs := range out {
		if len(cs) == 0 {
			delete(out, id) // not a set
		} else {
			out[id] = slices.Clone(cs)
		}
	}
	return out, nil
}

// readComponents is componentsOf from the database.
func readComponents(tx *gorm.DB, productIDs []int64) (map[int64][]soko.Component, error) {
	out := map[int64][]soko.Component{}
	if len(productIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		SetProductID, ComponentID int64
		SKU, Name                 string
		Quantity                  int
	}
	err := tx.Raw(`SELECT c.set_product_id, c.component_id, p.sku, p.name, c.quantity
		FROM product_components c JOIN products p ON p.id = c.component_id
		WHERE c.set_product_id IN ? ORDER BY c.set_product_id, p.sku`, productIDs).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.SetProductID] = append(out[r.SetProductID], soko.Component{ProductID: r.ComponentID, SKU: r.SKU, Name: r.Name, Quantity: r.Quantity})
	}
	return out, nil
}

// loadComponents gives each set product its components.
func (db *DB) loadComponents(ctx context.Context, ps []*soko.Product) error {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	comps, err := componentsOf(db.conn(ctx), ids)
	if err != nil {
		return translate(err)
	}
	for _, p := range ps {
		p.Components = comps[p.ID]
	}
	return nil
}

// insertOrderLines stores an order's lines, whose ProductIDs are set: a
// set's line is followed by a line per component, so many per set, priced
// 0 at the set's tax rate. Component lines already among the lines (an
// order read back) are left for their set's line to make again. The lines
// up to a set's and then its components are one statement each: an order
// without sets is one.
func insertOrderLines(tx *gorm.DB, o *soko.Order) error {
	ids := make([]int64, 0, len(o.Lines))
	for _, l := range o.Lines {
		ids = append(ids, l.ProductID)
	}
	comps, err := componentsOf(tx, ids)
	if err != nil {
		return err
	}
	var out, run []soko.OrderLine
	for _, l := range o.Lines {
		if l.SetLineID != 0 {
			continue
		}
		l.IsSet, l.OrderID = len(comps[l.ProductID]) > 0, o.ID
		if run = append(run, l); l.IsSet {
			if out, err = insertLineRun(tx, o, run, comps[l.ProductID], out); err != nil {
				return err
			}
			run = run[:0]
		}
	}
	if len(run) > 0 {
		if out, err = insertLineRun(tx, o, run, nil, out); err != nil {
			return err
		}
	}
	o.Lines = out
	return nil
}

// insertLineRun inserts lines in one statement and, when the last is a
// set, its components cs in another, and appends them all to out in that
// order, which is their ids'.
func insertLineRun(tx *gorm.DB, o *soko.Order, lines []soko.OrderLine, cs []soko.Component, out []soko.OrderLine) ([]soko.OrderLine, error) {
	rows := make([]orderLineRow, len(lines))
	for i, l := range lines {
		rows[i] = orderLineRow{OrderID: o.ID, ProductID: l.ProductID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate, IsSet: l.IsSet}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return nil, err
	}
	for i, l := range lines {
		l.ID = rows[i].ID
		out = append(out, l)
	}
	if len(cs) == 0 {
		return out, nil
	}
	set := out[len(out)-1]
	parts := make([]orderLineRow, len(cs))
	for i, c := range cs {
		parts[i] = orderLineRow{OrderID: o.ID, ProductID: c.ProductID, Quantity: c.Quantity * set.Quantity, TaxRate: set.TaxRate, SetLineID: &set.ID}
	}
	if err := tx.Create(&parts).Error; err != nil {
		return nil, err
	}
	for i, c := range cs {
		out = append(out, soko.OrderLine{ID: parts[i].ID, OrderID: o.ID, ProductID: c.ProductID, SKU: c.SKU, Name: c.Name,
			Quantity: parts[i].Quantity, TaxRate: set.TaxRate, SetLineID: set.ID})
	}
	return out, nil
}

// productWithSets is a product read with whether it is a set and whether
// it is some set's component, so an order of products that are neither
// reads no components (componentsOf) and its stock feed no sets
// (productsTouched).
type productWithSets struct {
	Product productRow `gorm:"embedded"`
	IsSet   bool
	InSet   bool
}

const productWithSetsSQL = `products.*,
	EXISTS (SELECT 1 FROM product_components c WHERE c.set_product_id = products.id) AS is_set,
	EXISTS (SELECT 1 FROM product_components c WHERE c.component_id = products.id) AS in_set`

// productsWithSets reads the merchant's products with these SKUs.
func productsWithSets(tx *gorm.DB, merchantID int64, skus []string) ([]productWithSets, error) {
	var rows []productWithSets
	err := tx.Table("products").Select(productWithSetsSQL).Where("merchant_id = ? AND sku IN ?", merchantID, skus).Find(&rows).Error
	return rows, err
}

// readSets keeps what r tells of the product's sets (nil notes: nothing).
func (n *txNotes) readSets(r productWithSets) {
	if n == nil {
		return
	}
	if !r.IsSet {
		if n.components == nil {
			n.components = map[int64][]soko.Component{}
		}
		n.components[r.Product.ID] = nil
	}
	if !r.InSet {
		if n.inNoSet == nil {
			n.inNoSet = map[int64]bool{}
		}
		n.inNoSet[r.Product.ID] = true
	}
}
