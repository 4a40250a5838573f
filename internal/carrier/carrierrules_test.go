package carrier

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/soko-wms/soko/internal/soko"
)

// e飛伝 counts characters whatever their width (issue 22, finding 3): the
// demo shop's sender, whose street and building come to 18 characters,
// must be laid out over its two 16-character columns, and a name of 33
// half-width letters, 33 bytes, does not fit two columns of 16.
func TestExport_SagawaCountsCharacters(t *testing.T) {
	row := MustSampleRows(t, "sagawa")[0]
	row.Merchant.Sender = soko.Address{
		PostalCode: "1110051", Prefecture: "東京都", City: "台東区", Street: "蔵前2-14-8",
		Building: "蔵前さくらビル3F", Name: "さくら雑貨店", Phone: "03-5822-4410",
	}
	e := MustExport(t, "sagawa", []ExportRow{row})
	if len(e.problems) != 0 {
		t.Fatalf("problems: %+v", e.problems)
	}
	rec := e.rowOf(t, "sagawa", row)
	line1, line2 := at(rec, 20), at(rec, 21)
	for _, l := range []string{line1, line2} {
		if n := utf8.RuneCountInString(l); n > 16 {
			t.Errorf("ご依頼主住所 %q is %d characters; e飛伝 takes 16", l, n)
		}
	}
	if got := strings.ReplaceAll(line1+line2, " ", ""); got != "東京都台東区蔵前2-14-8蔵前さくらビル3F" {
		t.Errorf("ご依頼主住所１–２ = %q, %q: characters lost", line1, line2)
	}

	row.Order.Recipient.Company = ""
	row.Order.Recipient.Name = strings.Repeat("a", 33)
	e = MustExport(t, "sagawa", []ExportRow{row})
	if len(e.problems) != 1 || len(e.records) != 1 {
		t.Fatalf("33 letters: problems %+v, %d lines; want the name refused", e.problems, len(e.records))
	}
	if p := e.problems[0]; p.Field != "お届け先名称１" || !strings.Contains(p.Message.JA, "16文字") {
		t.Errorf("problem = %+v, want お届け先名称１ and its 16 characters", p)
	}
}

// CheckRecipient lets intake refuse what e飛伝 cannot take, naming the
// order's field and the limit.
func TestCheckRecipient(t *testing.T) {
	a := soko.Address{Name: strings.Repeat("a", 33), PostalCode: "100-0005", Prefecture: "東京都", City: "千代田区",
		Street: "丸の内1-9-1", Phone: "03-1234-5678"}
	ps := CheckRecipient("sagawa", a)
	if len(ps) != 1 || ps[0].Field != "ship_to.name" || !strings.Contains(ps[0].Message.JA, "16文字") || !strings.Contains(ps[0].Message.EN, "16 characters") {
		t.Fatalf("sagawa, 33 letters: %+v; want ship_to.name over two columns of 16 characters", ps)
	}
	// B2 counts bytes: 32 letters fit its name column.
	a.Name = strings.Repeat("a", 32)
	if ps := CheckRecipient("yamato", a); len(ps) != 0 {
		t.Errorf("yamato: %+v", ps)
	}
	// Characters Shift_JIS lacks are address.Check's to name, once.
	a.Name = "山田 🍣子"
	if ps := CheckRecipient("yamato", a); len(ps) != 0 {
		t.Errorf("yamato, emoji: %+v; want it left to address.Check", ps)
	}
	if ps := CheckRecipient("generic", a); len(ps) != 0 {
		t.Errorf("generic: %+v", ps)
	}
}

// B2クラウド's own rules (issue 22, finding 4): 内消費税額等 on コレクト rows,
// 発行枚数 on 発払 rows only.
func TestExport_B2CollectRules(t *testing.T) {
	rows := MustSampleRows(t, "yamato")
	rows[1].Order.Lines = []soko.OrderLine{
		{Name: "皿", Quantity: 2, UnitPrice: 5500, TaxRate: 10},
		{Name: "みそ", Quantity: 1, UnitPrice: 1080, TaxRate: 8},
	}
	rows[1].Order.CODAmount = 12080 + 1100 // goods and a ¥1,100 fee
	e := MustExport(t, "yamato", rows)
	if len(e.problems) != 0 {
		t.Fatalf("problems: %+v", e.problems)
	}
	collect, prepaid := e.rowOf(t, "yamato", rows[1]), e.rowOf(t, "yamato", rows[0])
	if at(collect, 2) != "2" {
		t.Fatalf("送り状種類 = %q, want 2 (コレクト)", at(collect, 2))
	}
	// 1,000 on the plates, 80 on the miso, 100 on the fee.
	if got := at(collect, 35); got != "1180" {
		t.Errorf("内消費税額等 = %q, want 1180", got)
	}
	if got := at(collect, 38); got != "" {
		t.Errorf("発行枚数 on a コレクト row = %q, want blank", got)
	}
	if got := at(prepaid, 38); got != "1" {
		t.Errorf("発行枚数 on a 発払 row = %q, want 1", got)
	}
	if got := at(prepaid, 35); got != "" {
		t.Errorf("内消費税額等 on a 発払 row = %q, want blank", got)
	}
}

// 品名 says how many more products there are, as the label does
// (issue 22, point 8), cutting a long first name so the count still shows.
func TestExport_ItemNameCountsOthers(t *testing.T) {
	for _, carrierCode := range []string{"yamato", "sagawa", "japanpost"} {
		t.Run(carrierCode, func(t *testing.T) {
			rows := MustSampleRows(t, carrierCode)[:1]
			rows[0].ItemName, rows[0].OtherItems = "マグカップ", 2
			e := MustExport(t, carrierCode, rows)
			if len(e.problems) != 0 {
				t.Fatalf("problems: %+v", e.problems)
			}
			item := layoutColumns[carrierCode].item
			if got := at(e.rowOf(t, carrierCode, rows[0]), item); got != "マグカップ 他2点" {
				t.Errorf("品名 = %q, want マグカップ 他2点", got)
			}
			rows[0].ItemName = strings.Repeat("長", 40)
			e = MustExport(t, carrierCode, rows)
			if len(e.problems) != 0 {
				t.Fatalf("long name: problems %+v", e.problems)
			}
			if got := at(e.rowOf(t, carrierCode, rows[0]), item); !strings.HasSuffix(got, "... 他2点") || !strings.HasPrefix(got, "長長") {
				t.Errorf("品名 = %q, want the name cut before 他2点", got)
			}
		})
	}
}
