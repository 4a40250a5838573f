package storage

import (
	"context"
	"fmt"

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
// sets, by set, in SKU order.
func componentsOf(tx *gorm.DB, productIDs []int64) (map[int64][]soko.Component, error) {
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
// set's line has a line per component, so many per set, priced 0 at the
// set's tax rate. Component lines already among the lines (an order read
// back) are left for their set's line to make again. The order's own lines
// are one statement and the components' another, however many there are;
// o.Lines lists each set's components after it.
func insertOrderLines(tx *gorm.DB, o *soko.Order) error {
	ids := make([]int64, 0, len(o.Lines))
	for _, l := range o.Lines {
		ids = append(ids, l.ProductID)
	}
	comps, err := componentsOf(tx, ids)
	if err != nil {
		return err
	}
	var lines []soko.OrderLine
	var rows []orderLineRow
	for _, l := range o.Lines {
		if l.SetLineID != 0 {
			continue
		}
		l.IsSet, l.OrderID = len(comps[l.ProductID]) > 0, o.ID
		lines = append(lines, l)
		rows = append(rows, orderLineRow{OrderID: o.ID, ProductID: l.ProductID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate, IsSet: l.IsSet})
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
	}
	var parts []orderLineRow
	for i := range lines {
		lines[i].ID = rows[i].ID
		for _, c := range comps[lines[i].ProductID] {
			set := lines[i].ID
			parts = append(parts, orderLineRow{OrderID: o.ID, ProductID: c.ProductID, Quantity: c.Quantity * lines[i].Quantity, TaxRate: lines[i].TaxRate, SetLineID: &set})
		}
	}
	if len(parts) > 0 {
		if err := tx.Create(&parts).Error; err != nil {
			return err
		}
	}
	out := make([]soko.OrderLine, 0, len(lines)+len(parts))
	next := 0
	for _, l := range lines {
		out = append(out, l)
		for _, c := range comps[l.ProductID] {
			out = append(out, soko.OrderLine{ID: parts[next].ID, OrderID: o.ID, ProductID: c.ProductID, SKU: c.SKU, Name: c.Name,
				Quantity: parts[next].Quantity, TaxRate: l.TaxRate, SetLineID: l.ID})
			next++
		}
	}
	o.Lines = out
	return nil
}
