package soko

import (
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"
)

// The limits of an order soko accepts. The API document's OrderInput,
// ShipTo, OrderLineInput, SKU and DocumentNumber schemas state the same
// figures (a server test compares them), so an order refused over the API
// is refused in an imported file too.
const (
	MaxOrderNumberLen   = 40
	ReservedOrderNumber = "batch" // it names POST /api/v1/orders/batch
	MaxOrderLines       = 200
	MaxSKULen           = 64
	MaxLineQuantity     = 100000
	MaxUnitPrice        = 100000000 // yen
	MaxCODAmount        = 1000000   // yen
	MaxFee              = 1000000   // yen, each of 送料 and 代引手数料
	MaxDiscount         = 100000000 // yen
	MaxOrderNoteLen     = 500
	MaxPriority         = 9
	MaxRecipientLen     = 100 // name, company, city, street and building
	MaxPostalCodeLen    = 10
	MaxPrefectureLen    = 10
	MaxPhoneLen         = 20
	MaxEmailLen         = 254
)

// codePattern is what an order number and a SKU may be written with.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._\-]*$`)

// Problem is one reason a step refuses what it was given, naming the API
// field (ship_to.name, lines[2].quantity, lot) and saying why.
type Problem struct {
	Field   string
	Message Text
}

// AcceptOrder returns every reason the order cannot be accepted that the
// domain decides: the limits above, a delivery date before today (the day
// in Japan; the zero time checks none) and the gift options. The API, on
// a new or changed order, and the order import call it alike; the address
// (address.Check) and the carriers' rules (carrier.CheckOrder) are checked
// beside it by their own packages.
func AcceptOrder(o *Order, today time.Time) []Problem {
	var ps []Problem
	add := func(field, ja, en string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: Textf(ja, en, args...)})
	}
	switch n := o.Number; {
	case n == "":
		add("order_no", "注文番号がありません", "the order number is missing")
	case len(n) > MaxOrderNumberLen || !codePattern.MatchString(n):
		add("order_no", "注文番号 %s は使えません（英数字と . _ - で40文字まで）", "order number %s is not allowed: letters, digits, . _ - and at most 40", excerpt(n))
	case n == ReservedOrderNumber:
		add("order_no", "注文番号 batch は予約されているため使えません", "order number batch is reserved")
	}
	r := o.Recipient
	for _, f := range []struct {
		field, ja, en, value string
		max                  int
	}{
		{"ship_to.name", "氏名", "the name", r.Name, MaxRecipientLen},
		{"ship_to.company", "会社名", "the company", r.Company, MaxRecipientLen},
		{"ship_to.postal_code", "郵便番号", "the postal code", r.PostalCode, MaxPostalCodeLen},
		{"ship_to.prefecture", "都道府県", "the prefecture", r.Prefecture, MaxPrefectureLen},
		{"ship_to.city", "市区町村", "the city", r.City, MaxRecipientLen},
		{"ship_to.address1", "番地", "the street address", r.Street, MaxRecipientLen},
		{"ship_to.address2", "建物名", "the building", r.Building, MaxRecipientLen},
		{"ship_to.phone", "電話番号", "the phone number", r.Phone, MaxPhoneLen},
		{"ship_to.email", "メール", "the email address", r.Email, MaxEmailLen},
	} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			add(f.field, "%sは%d文字までです（%d文字）", "%s takes at most %d characters (got %d)", f.ja, f.max, n)
		}
	}
	if !o.DeliveryDate.IsZero() && !today.IsZero() && o.DeliveryDate.Format(time.DateOnly) < today.Format(time.DateOnly) {
		add("delivery_date", "お届け希望日が過去の日付です", "delivery date is in the past")
	}
	// Negative amounts are the carriers' rule (carrier.CheckAmounts).
	if o.CODAmount > MaxCODAmount {
		add("cod_amount", "代引金額は%s円までです", "the COD amount is at most ¥%s", yen(MaxCODAmount))
	}
	for _, f := range []struct {
		field, ja, en string
		value, max    int64
	}{
		{"shipping_fee", "送料", "the shipping fee", o.ShippingFee, MaxFee},
		{"cod_fee", "代引手数料", "the COD fee", o.CODFee, MaxFee},
		{"discount", "値引き", "the discount", o.Discount, MaxDiscount},
	} {
		if f.value > f.max {
			ps = append(ps, Problem{f.field, Text{JA: f.ja + "は" + yen(f.max) + "円までです", EN: f.en + " is at most ¥" + yen(f.max)}})
		}
	}
	for _, p := range CheckGift(o.Gift) {
		ps = append(ps, Problem(p))
	}
	if n := utf8.RuneCountInString(o.Note); n > MaxOrderNoteLen {
		add("note", "備考は%d文字までです（%d文字）", "the note takes at most %d characters (got %d)", MaxOrderNoteLen, n)
	}
	if o.Priority < 0 || o.Priority > MaxPriority {
		add("priority", "優先度は0〜9の整数で指定してください", "priority is a whole number from 0 to 9")
	}
	switch n := len(o.Lines); {
	case n == 0:
		add("lines", "明細がありません", "the order has no lines")
	case n > MaxOrderLines:
		add("lines", "1つの注文の明細は%d行までです（%d行）", "an order takes at most %d lines (got %d)", MaxOrderLines, n)
	}
	for i, l := range o.Lines {
		if l.SetLineID != 0 {
			continue // a set's component, which soko wrote itself
		}
		field := func(name string) string { return "lines[" + strconv.Itoa(i) + "]." + name }
		switch {
		case l.SKU == "":
			add(field("sku"), "SKUがありません", "the SKU is missing")
		case len(l.SKU) > MaxSKULen || !codePattern.MatchString(l.SKU):
			add(field("sku"), "SKU %s は使えません（英数字と . _ - で64文字まで）", "SKU %s is not allowed: letters, digits, . _ - and at most 64", excerpt(l.SKU))
		}
		if l.Quantity < 1 || l.Quantity > MaxLineQuantity {
			add(field("quantity"), "数量 %d は使えません（1〜100000の整数）", "quantity %d is not allowed: a whole number from 1 to 100000", l.Quantity)
		}
		if l.UnitPrice < 0 || l.UnitPrice > MaxUnitPrice {
			add(field("unit_price"), "単価は0〜%s円です（税込）", "the unit price is ¥0 to ¥%s, tax included", yen(MaxUnitPrice))
		}
		if l.TaxRate != 0 && !ValidTaxRate(l.TaxRate) {
			add(field("tax_rate"), "税率 %d は使えません（10 または 8）", "tax rate %d is not allowed: 10 or 8", l.TaxRate)
		}
	}
	return ps
}

// excerpt shortens what was sent for quoting in a message.
func excerpt(s string) string {
	const most = 24
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	return string([]rune(s)[:most]) + "…"
}

// yen writes whole yen with thousands separators: 1,000,000.
func yen(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
