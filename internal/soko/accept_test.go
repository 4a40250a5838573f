package soko

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAcceptOrder(t *testing.T) {
	today := time.Date(2026, 11, 23, 18, 0, 0, 0, JST)
	good := func() *Order {
		return &Order{Number: "SO-1", Recipient: Address{Name: "山田 花子", PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-9-1"},
			Lines: []OrderLine{{SKU: "TOWEL-WHT", Quantity: 1, UnitPrice: 1650, TaxRate: 10}}}
	}
	cases := []struct {
		name   string
		change func(o *Order)
		want   []string // the fields refused, in order
		ja     string   // part of the first problem's Japanese
	}{
		{"good", func(*Order) {}, nil, ""},
		{"no number", func(o *Order) { o.Number = "" }, []string{"order_no"}, "注文番号がありません"},
		{"number with a #", func(o *Order) { o.Number = "注文#1" }, []string{"order_no"}, "注文番号 注文#1 は使えません"},
		{"number of 41", func(o *Order) { o.Number = strings.Repeat("A", 41) }, []string{"order_no"}, "40文字まで"},
		{"number of 40", func(o *Order) { o.Number = strings.Repeat("A", 40) }, nil, ""},
		{"reserved number", func(o *Order) { o.Number = "batch" }, []string{"order_no"}, "予約"},
		{"name of 101", func(o *Order) { o.Recipient.Name = strings.Repeat("あ", 101) }, []string{"ship_to.name"}, "氏名は100文字までです（101文字）"},
		{"phone of 21", func(o *Order) { o.Recipient.Phone = strings.Repeat("0", 21) }, []string{"ship_to.phone"}, "電話番号は20文字まで"},
		{"delivery yesterday", func(o *Order) { o.DeliveryDate = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC) }, []string{"delivery_date"}, "過去の日付"},
		{"delivery today", func(o *Order) { o.DeliveryDate = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) }, nil, ""},
		{"COD at the limit", func(o *Order) { o.CODAmount = MaxCODAmount }, nil, ""},
		{"COD over the limit", func(o *Order) { o.CODAmount = MaxCODAmount + 1 }, []string{"cod_amount"}, "代引金額は1,000,000円まで"},
		{"shipping fee over", func(o *Order) { o.ShippingFee = MaxFee + 1 }, []string{"shipping_fee"}, "送料は1,000,000円まで"},
		{"discount over", func(o *Order) { o.Discount = MaxDiscount + 1 }, []string{"discount"}, "値引きは100,000,000円まで"},
		{"gift message of 201", func(o *Order) { o.Gift.Message = strings.Repeat("あ", 201) }, []string{"gift.message"}, "200文字まで"},
		{"名入れ without 表書き", func(o *Order) { o.Gift.Noshi.Name = "山田" }, []string{"gift.noshi.title"}, "表書き"},
		{"note of 501", func(o *Order) { o.Note = strings.Repeat("あ", 501) }, []string{"note"}, "備考は500文字まで"},
		{"priority 10", func(o *Order) { o.Priority = 10 }, []string{"priority"}, "0〜9"},
		{"priority -1", func(o *Order) { o.Priority = -1 }, []string{"priority"}, "0〜9"},
		{"no lines", func(o *Order) { o.Lines = nil }, []string{"lines"}, "明細がありません"},
		{"201 lines", func(o *Order) { o.Lines = slices.Repeat(o.Lines, 201) }, []string{"lines"}, "200行まで"},
		{"no SKU", func(o *Order) { o.Lines[0].SKU = "" }, []string{"lines[0].sku"}, "SKUがありません"},
		{"SKU with a blank", func(o *Order) { o.Lines[0].SKU = "TOWEL WHT" }, []string{"lines[0].sku"}, "SKU TOWEL WHT は使えません"},
		{"quantity 0", func(o *Order) { o.Lines[0].Quantity = 0 }, []string{"lines[0].quantity"}, "数量 0 は使えません"},
		{"quantity 100001", func(o *Order) { o.Lines[0].Quantity = MaxLineQuantity + 1 }, []string{"lines[0].quantity"}, "1〜100000"},
		{"price over", func(o *Order) { o.Lines[0].UnitPrice = MaxUnitPrice + 1 }, []string{"lines[0].unit_price"}, "100,000,000円"},
		{"tax rate 5", func(o *Order) { o.Lines[0].TaxRate = 5 }, []string{"lines[0].tax_rate"}, "税率 5 は使えません"},
		{"tax rate not yet known", func(o *Order) { o.Lines[0].TaxRate = 0 }, nil, ""},
		{"a set's component is soko's", func(o *Order) { o.Lines = append(o.Lines, OrderLine{SetLineID: 1}) }, nil, ""},
		{"several, in order", func(o *Order) { o.Number, o.Note, o.Lines[0].Quantity = "", strings.Repeat("x", 501), 0 },
			[]string{"order_no", "note", "lines[0].quantity"}, "注文番号"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := good()
			c.change(o)
			ps := AcceptOrder(o, today)
			var got []string
			for _, p := range ps {
				got = append(got, p.Field)
				if p.Message.JA == "" || p.Message.EN == "" || p.Message.JA == p.Message.EN {
					t.Errorf("%s: needs a Japanese and an English message: %+v", p.Field, p)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("refused %v, want %v (%+v)", got, c.want, ps)
			}
			if c.ja != "" && !strings.Contains(ps[0].Message.JA, c.ja) {
				t.Errorf("message %q, want %q in it", ps[0].Message.JA, c.ja)
			}
		})
	}
	if ps := AcceptOrder(&Order{Number: "SO-1", DeliveryDate: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Lines: good().Lines}, time.Time{}); len(ps) != 0 {
		t.Errorf("without a today no date is refused: %+v", ps)
	}
}
