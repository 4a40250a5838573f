package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/soko-wms/soko/internal/orderimport"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// TestOrderAccept_LimitsAreTheDocuments: the limits soko.AcceptOrder
// applies are the ones the API document states, so that what the schema
// refuses over the API, the order import refuses too.
func TestOrderAccept_LimitsAreTheDocuments(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.Document)
	if err != nil {
		t.Fatal(err)
	}
	schema := func(name string) *openapi3.Schema { return doc.Components.Schemas[name].Value }
	prop := func(s *openapi3.Schema, name string) *openapi3.Schema {
		p := s.Properties[name]
		if p == nil {
			t.Fatalf("no property %s", name)
		}
		return p.Value
	}
	order, shipTo, line := schema("OrderInput"), schema("ShipTo"), schema("OrderLineInput")
	for _, c := range []struct {
		what string
		doc  float64
		soko int
	}{
		{"DocumentNumber.maxLength", float64(deref(schema("DocumentNumber").MaxLength)), soko.MaxOrderNumberLen},
		{"SKU.maxLength", float64(deref(schema("SKU").MaxLength)), soko.MaxSKULen},
		{"OrderInput.lines.maxItems", float64(deref(prop(order, "lines").MaxItems)), soko.MaxOrderLines},
		{"OrderInput.cod_amount.maximum", deref(prop(order, "cod_amount").Max), soko.MaxCODAmount},
		{"OrderInput.shipping_fee.maximum", deref(prop(order, "shipping_fee").Max), soko.MaxFee},
		{"OrderInput.cod_fee.maximum", deref(prop(order, "cod_fee").Max), soko.MaxFee},
		{"OrderInput.discount.maximum", deref(prop(order, "discount").Max), soko.MaxDiscount},
		{"OrderInput.note.maxLength", float64(deref(prop(order, "note").MaxLength)), soko.MaxOrderNoteLen},
		{"OrderInput.priority.maximum", deref(prop(order, "priority").Max), soko.MaxPriority},
		{"OrderLineInput.quantity.maximum", deref(prop(line, "quantity").Max), soko.MaxLineQuantity},
		{"OrderLineInput.unit_price.maximum", deref(prop(line, "unit_price").Max), soko.MaxUnitPrice},
		{"ShipTo.name.maxLength", float64(deref(prop(shipTo, "name").MaxLength)), soko.MaxRecipientLen},
		{"ShipTo.company.maxLength", float64(deref(prop(shipTo, "company").MaxLength)), soko.MaxRecipientLen},
		{"ShipTo.postal_code.maxLength", float64(deref(prop(shipTo, "postal_code").MaxLength)), soko.MaxPostalCodeLen},
		{"ShipTo.prefecture.maxLength", float64(deref(prop(shipTo, "prefecture").MaxLength)), soko.MaxPrefectureLen},
		{"ShipTo.city.maxLength", float64(deref(prop(shipTo, "city").MaxLength)), soko.MaxRecipientLen},
		{"ShipTo.address1.maxLength", float64(deref(prop(shipTo, "address1").MaxLength)), soko.MaxRecipientLen},
		{"ShipTo.address2.maxLength", float64(deref(prop(shipTo, "address2").MaxLength)), soko.MaxRecipientLen},
		{"ShipTo.phone.maxLength", float64(deref(prop(shipTo, "phone").MaxLength)), soko.MaxPhoneLen},
		{"ShipTo.email.maxLength", float64(deref(prop(shipTo, "email").MaxLength)), soko.MaxEmailLen},
	} {
		if c.doc != float64(c.soko) {
			t.Errorf("%s is %v in the document, %d in soko", c.what, c.doc, c.soko)
		}
	}
	number := schema("DocumentNumber").Pattern
	if number != schema("SKU").Pattern || !strings.Contains(number, `[A-Za-z0-9._\-]*`) {
		t.Errorf("DocumentNumber and SKU patterns %q, %q: soko.AcceptOrder checks ^[A-Za-z0-9][A-Za-z0-9._\\-]*$", number, schema("SKU").Pattern)
	}
}

// TestOrderAccept_ImportRefusesWhatTheAPIRefuses sends the same bad orders
// as a merchant's system sends them over the API and as a supervisor
// imports them from a file, and expects both refused on the same fields.
// Where the business rules refuse (soko.AcceptOrder, the address, the
// carriers) the Japanese messages are the same too; where the API's schema
// refuses first, the API answers in the schema's words (schemaMessages)
// and the file in AcceptOrder's, which quote the value.
func TestOrderAccept_ImportRefusesWhatTheAPIRefuses(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	seed := importShop()
	seed.APIKeys = []soko.SeedAPIKey{{MerchantCode: "SAKURA", Secret: keySakura}}
	if err := db.Load(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed },
		RatePerSecond: 10000, RateBurst: 10000})
	shop := client{t, h, keySakura}
	sup := signIn(t, h, "V001", "5555")

	good := map[string]string{
		"ship_to.postal_code": "100-0005", "ship_to.prefecture": "東京都", "ship_to.city": "千代田区",
		"ship_to.address1": "丸の内1-9-1", "ship_to.name": "山田 花子", "ship_to.phone": "03-3211-4821",
		"lines.sku": "TOWEL-WHT", "lines.quantity": "1",
	}
	long := func(n int) string { return strings.Repeat("あ", n) }
	cases := []struct {
		name   string
		fields map[string]string // changed from good; "" leaves one out
		want   []string          // the API fields refused, lines without their index
	}{
		{"number with a #", map[string]string{"order_no": "注文#1"}, []string{"order_no"}},
		{"reserved number", map[string]string{"order_no": "batch"}, []string{"order_no"}},
		{"number too long", map[string]string{"order_no": strings.Repeat("A", 41)}, []string{"order_no"}},
		{"name too long", map[string]string{"ship_to.name": long(101)}, []string{"ship_to.name"}},
		{"no such postal code", map[string]string{"ship_to.postal_code": "530-0001"}, []string{"ship_to.postal_code"}},
		{"no such prefecture", map[string]string{"ship_to.prefecture": "東京都府"}, []string{"ship_to.prefecture"}},
		{"COD on nekopos", map[string]string{"carrier": "yamato", "service": "nekopos", "cod_amount": "1650"}, []string{"cod_amount"}},
		{"slot the carrier lacks", map[string]string{"carrier": "japanpost", "service": "yupacket", "time_slot": "14-16"}, []string{"time_slot"}},
		{"COD too large", map[string]string{"carrier": "yamato", "cod_amount": "2000000"}, []string{"cod_amount"}},
		{"shipping fee too large", map[string]string{"shipping_fee": "2000000"}, []string{"shipping_fee"}},
		{"discount too large", map[string]string{"discount": "200000000"}, []string{"discount"}},
		{"COD fee without COD", map[string]string{"cod_fee": "330"}, []string{"cod_fee"}},
		{"note too long", map[string]string{"note": long(501)}, []string{"note"}},
		{"priority too high", map[string]string{"priority": "10"}, []string{"priority"}},
		{"no quantity", map[string]string{"lines.quantity": "0"}, []string{"lines.quantity"}},
		{"too many", map[string]string{"lines.quantity": "100001"}, []string{"lines.quantity"}},
		{"price too high", map[string]string{"lines.unit_price": "100000001"}, []string{"lines.unit_price"}},
		{"bad tax rate", map[string]string{"lines.tax_rate": "5"}, []string{"lines.tax_rate"}},
		{"bad SKU", map[string]string{"lines.sku": "TOWEL WHT"}, []string{"lines.sku"}},
		{"past delivery date", map[string]string{"delivery_date": "2026-11-20"}, []string{"delivery_date"}},
		{"gift message too long", map[string]string{"gift.message": long(201)}, []string{"gift.message"}},
		{"名入れ without a 表書き", map[string]string{"gift.noshi.name": "山田"}, []string{"gift.noshi.title"}},
		{"two at once", map[string]string{"ship_to.postal_code": "530-0001", "lines.quantity": "0"}, []string{"lines.quantity", "ship_to.postal_code"}},
	}

	header := []string{"order_no"}
	for _, c := range cases {
		for f := range c.fields {
			if !slices.Contains(header, f) {
				header = append(header, f)
			}
		}
	}
	for f := range good {
		if !slices.Contains(header, f) {
			header = append(header, f)
		}
	}
	names := map[string]string{} // API field ↔ soko's Japanese header
	for _, c := range orderimport.SokoColumns {
		names[c.Field], names[c.Names[0]] = c.Names[0], c.Field
	}
	var file bytes.Buffer
	w := csv.NewWriter(&file)
	row := make([]string, len(header))
	for i, f := range header {
		row[i] = names[f]
	}
	w.Write(row)
	orders := make([]map[string]string, len(cases))
	for i, c := range cases {
		o := map[string]string{"order_no": "A-" + strconv.Itoa(i+1)}
		for k, v := range good {
			o[k] = v
		}
		for k, v := range c.fields {
			o[k] = v
		}
		orders[i] = o
		for j, f := range header {
			row[j] = o[f]
		}
		w.Write(row)
	}
	w.Flush()

	r := sup.upload("/ops/order-imports/preview?merchant_id="+itoa64(seed.Merchants[0].ID), file.Bytes())
	if r.Status != 200 {
		t.Fatalf("preview: %d %s", r.Status, r.Raw)
	}
	byRow := map[int]map[string][]string{}
	for _, p := range decodePreview(t, r).Problems {
		if byRow[p.Row] == nil {
			byRow[p.Row] = map[string][]string{}
		}
		byRow[p.Row][names[p.Field]] = append(byRow[p.Row][names[p.Field]], p.Message)
	}

	index := regexp.MustCompile(`\[\d+\]`)
	generic := map[string]bool{}
	for _, m := range schemaMessages {
		generic[m] = true
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := shop.do("POST", "/api/v1/orders", orderJSON(orders[i]))
			if res.Status != 422 {
				t.Fatalf("API: %d %s", res.Status, res.Raw)
			}
			api := map[string][]string{}
			errs, _ := res.JSON["errors"].([]any)
			for _, e := range errs {
				e := e.(map[string]any)
				f := index.ReplaceAllString(e["field"].(string), "")
				api[f] = append(api[f], e["message"].(string))
			}
			file := byRow[i+2]
			if got, want := keys(api), keys(file); !slices.Equal(got, want) || !slices.Equal(got, c.want) {
				t.Fatalf("the API refuses %v, the import %v; want %v\nAPI: %v\nfile: %v", got, want, c.want, api, file)
			}
			for f, ms := range api {
				if generic[ms[0]] {
					continue // the schema's words
				}
				if !slices.Equal(ms, file[f]) {
					t.Errorf("%s: the API says %q, the import %q", f, ms, file[f])
				}
			}
		})
	}
}

// orderJSON is an order as a merchant's system sends it, from the API's
// dotted field names.
func orderJSON(fields map[string]string) map[string]any {
	out := map[string]any{}
	line := map[string]any{}
	for k, v := range fields {
		if v == "" {
			continue
		}
		var value any = v
		switch k {
		case "cod_amount", "shipping_fee", "cod_fee", "discount", "priority", "lines.quantity", "lines.unit_price", "lines.tax_rate":
			n, _ := strconv.ParseInt(v, 10, 64)
			value = n
		}
		if name, ok := strings.CutPrefix(k, "lines."); ok {
			line[name] = value
			continue
		}
		m := out
		parts := strings.Split(k, ".")
		for _, p := range parts[:len(parts)-1] {
			if m[p] == nil {
				m[p] = map[string]any{}
			}
			m = m[p].(map[string]any)
		}
		m[parts[len(parts)-1]] = value
	}
	out["lines"] = []any{line}
	return out
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
