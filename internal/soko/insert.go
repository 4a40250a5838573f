package soko

import (
	"context"
	"slices"
	"time"
)

// InsertRule says which orders an insert (同梱物) goes into.
type InsertRule string

// The insert rules.
const (
	// InsertEvery goes into every order.
	InsertEvery InsertRule = "every"
	// InsertFirstOrder goes into a customer's first order with the merchant.
	InsertFirstOrder InsertRule = "first_order"
	// InsertMinTotal goes into orders whose goods come to MinTotal yen or more.
	InsertMinTotal InsertRule = "min_total"
	// InsertContainsSKU goes into orders with the trigger product.
	InsertContainsSKU InsertRule = "contains_sku"
)

// Valid reports whether r is a known rule.
func (r InsertRule) Valid() bool {
	switch r {
	case InsertEvery, InsertFirstOrder, InsertMinTotal, InsertContainsSKU:
		return true
	}
	return false
}

// Insert is a merchant's flyer, coupon or sample put into parcels by a
// rule. It is one of the merchant's products (SKU), so its stock is
// received, counted and taken out like any other; Quantity units go into
// each parcel-set of an order. ValidFrom and ValidUntil, Japan's dates,
// bound any rule; zero means open.
type Insert struct {
	ID          int64
	MerchantID  int64
	Code        string
	Name        string
	ProductID   int64
	SKU         string
	ProductName string
	Quantity    int
	Rule        InsertRule
	MinTotal    int64  // yen, tax included, for InsertMinTotal
	TriggerSKU  string // for InsertContainsSKU
	ValidFrom   time.Time
	ValidUntil  time.Time
	Active      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// InsertPick is an insert chosen for one order, with the units that go in.
type InsertPick struct {
	Code        string
	Name        string
	ProductID   int64
	SKU         string
	ProductName string
	Quantity    int
}

// InsertOrder is what the rules look at in an order: its goods total (tax
// included, before fees and discounts, as shops set their thresholds), its
// SKUs, whether it is its customer's first with the merchant, and the day
// (in Japan) it is packed.
type InsertOrder struct {
	GoodsTotal int64
	SKUs       []string
	FirstOrder bool
	Day        time.Time
}

// InsertsFor chooses the inserts that go into an order: each active
// insert whose dates include the day and whose rule the order meets, in
// the order given (by code); an insert whose product is also an ordered
// line is still inserted, as shops count samples apart from sales.
func InsertsFor(o InsertOrder, inserts []Insert) []InsertPick {
	day := o.Day.Format(time.DateOnly)
	var out []InsertPick
	for _, in := range inserts {
		if !in.Active || in.Quantity < 1 {
			continue
		}
		if !in.ValidFrom.IsZero() && day < in.ValidFrom.Format(time.DateOnly) {
			continue
		}
		if !in.ValidUntil.IsZero() && day > in.ValidUntil.Format(time.DateOnly) {
			continue
		}
		var ok bool
		switch in.Rule {
		case InsertEvery:
			ok = true
		case InsertFirstOrder:
			ok = o.FirstOrder
		case InsertMinTotal:
			ok = o.GoodsTotal >= in.MinTotal
		case InsertContainsSKU:
			ok = in.TriggerSKU != "" && slices.Contains(o.SKUs, in.TriggerSKU)
		}
		if ok {
			out = append(out, InsertPick{Code: in.Code, Name: in.Name, ProductID: in.ProductID, SKU: in.SKU, ProductName: in.ProductName, Quantity: in.Quantity})
		}
	}
	return out
}

// InsertService keeps a merchant's inserts.
type InsertService interface {
	PutInsert(ctx context.Context, in *Insert) (created bool, err error)
	ListInserts(ctx context.Context, merchantID int64) ([]Insert, error)
	DeleteInsert(ctx context.Context, merchantID int64, code string) error
}
