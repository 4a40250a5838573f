package carrier

import (
	"github.com/soko-wms/soko/internal/soko"
)

// Validate returns what is wrong with an order's shipping choices and its
// amounts, or nil: everything the API checks besides the address and the
// SKUs. The API, the order CSV import and the demo all call it, so none of
// them lets in an order another would refuse.
//
// The amounts are checked only once every line has its price and tax rate
// (lines of unknown products are reported by whoever resolves the SKUs).
func Validate(o *soko.Order) []Problem {
	ps := CheckOrder(o.Carrier, o.Service, o.TimeSlot, !o.DeliveryDate.IsZero(), o.CODAmount)
	for _, l := range o.Lines {
		if !soko.ValidTaxRate(l.TaxRate) {
			return ps
		}
	}
	return append(ps, CheckAmounts(o)...)
}

// CheckAmounts applies the rule that makes a cash-on-delivery slip add up:
// fees and discount are not negative, a COD fee (代引手数料) comes only with
// cash on delivery, the discount (値引き) is at most the goods plus fees, and
// a COD amount equals what the customer owes (Order.Due). The COD amount is
// what the driver collects and the label prints, so it is the field named
// when it disagrees — the shop's system sent one figure too many.
func CheckAmounts(o *soko.Order) []Problem {
	var ps []Problem
	add := func(field, ja, en string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: soko.Textf(ja, en, args...)})
	}
	for _, f := range []struct {
		field, ja, en string
		yen           int64
	}{
		{"shipping_fee", "送料", "the shipping fee", o.ShippingFee},
		{"cod_fee", "代引手数料", "the COD fee", o.CODFee},
		{"discount", "値引き", "the discount", o.Discount},
	} {
		if f.yen < 0 {
			ps = append(ps, Problem{Field: f.field, Message: soko.Text{JA: f.ja + "は0円以上で指定してください", EN: f.en + " must not be negative"}})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	goods := o.GoodsTotal()
	if o.CODFee > 0 && o.CODAmount == 0 {
		add("cod_fee", "代引手数料（%s円）は代引の注文にだけ指定できます", "a COD fee (¥%s) needs a COD amount", yen(o.CODFee))
	}
	if charged := goods + o.ShippingFee + o.CODFee; o.Discount > charged {
		add("discount", "値引き %[1]s円が商品・送料・手数料の合計 %[2]s円を超えています", "the discount ¥%[1]s is more than the goods and fees, ¥%[2]s",
			yen(o.Discount), yen(charged))
		return ps
	}
	if due := o.Due(); o.CODAmount > 0 && o.CODAmount != due {
		add("cod_amount",
			"代引金額 %s円がご請求額 %s円（商品 %s円 ＋ 送料 %s円 ＋ 代引手数料 %s円 − 値引き %s円）と一致しません",
			"the COD amount ¥%s is not what the customer owes, ¥%s (goods ¥%s + shipping ¥%s + COD fee ¥%s − discount ¥%s)",
			yen(o.CODAmount), yen(due), yen(goods), yen(o.ShippingFee), yen(o.CODFee), yen(o.Discount))
	}
	return ps
}
