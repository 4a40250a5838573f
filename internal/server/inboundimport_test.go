package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// A shop announces inbounds from a CSV file: Japanese or English headers,
// UTF-8 with a BOM or Shift_JIS, products by SKU or JAN. A file with any
// bad row creates nothing and names each row and column in the caller's
// language.
func TestAPI_InboundImport(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200, "4901234567894"))
		shop.must(201, "PUT", "/api/v1/products/TOWEL", product("今治タオル", 1650))
		csv := []string{"Content-Type", "text/csv"}

		file := "\ufeff入荷予定番号,入荷予定日,商品コード,JANコード,数量,ロット,賞味期限,備考\n" +
			"ASN-1,2026/12/01,TOWEL,,12,L01,2027-03-31,納品書 8841\n" +
			"ASN-1,,,4901234567894,6,,,\n" +
			"ASN-2,2026-12-03,TOWEL,,5,,,\n"
		r := shop.must(201, "POST", "/api/v1/inbound-imports", file, csv...)
		if data := decode[api.InboundImport](t, r).Data; len(data) != 2 {
			t.Fatalf("created: %s", r.Raw)
		}
		got := shop.must(200, "GET", "/api/v1/inbounds/ASN-1", nil)
		asn := decode[api.Inbound](t, got)
		if lines := asn.Lines; asn.Reference != "納品書 8841" || asn.ExpectedDate.String() != "2026-12-01" || len(lines) != 2 ||
			lines[1].Sku != "MUG-1" || lines[0].Lot != "L01" || !dateIs(lines[0].Expiry, "2027-03-31") {
			t.Fatalf("ASN-1 as imported: %s", got.Raw)
		}

		sjis, err := japanese.ShiftJIS.NewEncoder().String("商品コード,数量\nTOWEL,7\n")
		if err != nil {
			t.Fatal(err)
		}
		key := []string{"Content-Type", "text/csv", "Idempotency-Key", "import-asn-3"}
		first := shop.must(201, "POST", "/api/v1/inbound-imports?inbound_no=ASN-3&expected_date=2026-12-09", sjis, key...)
		if again := shop.must(201, "POST", "/api/v1/inbound-imports?inbound_no=ASN-3&expected_date=2026-12-09", sjis, key...); string(again.Raw) != string(first.Raw) {
			t.Errorf("the file sent again with its idempotency key: %s, want %s", again.Raw, first.Raw)
		}
		if r := shop.must(200, "GET", "/api/v1/inbounds/ASN-3", nil); decode[api.Inbound](t, r).ExpectedDate.String() != "2026-12-09" {
			t.Fatalf("ASN-3 from Shift_JIS: %s", r.Raw)
		}

		bad := "inbound_no,expected_date,sku,quantity,expiry\n" +
			"ASN-4,2026-12-01,TOWEL,3,\n" +
			"ASN-4,2026-12-01,NOPE,3,\n" +
			"ASN-4,2026-12-01,TOWEL,-1,\n" +
			"ASN-1,2026-12-01,TOWEL,1,\n" +
			"ASN-5,2026-12-01,TOWEL,1,31/12/2027\n"
		for lang, want := range map[string][]string{
			"ja": {"3行目 sku", "4行目 quantity", "5行目 inbound_no", "6行目 expiry"},
			"en": {"row 3, sku", "row 4, quantity", "row 5, inbound_no", "row 6, expiry"},
		} {
			r := shop.do("POST", "/api/v1/inbound-imports", bad, "Content-Type", "text/csv", "Accept-Language", lang)
			if r.Status != 422 || strings.Join(r.fields(), "|") != strings.Join(want, "|") {
				t.Errorf("%s: a file with bad rows: %d %v, want 422 %v\n%s", lang, r.Status, r.fields(), want, r.Raw)
			}
			if lang == "ja" && !strings.Contains(string(r.Raw), "商品 NOPE は登録されていません") {
				t.Errorf("the unknown SKU's message: %s", r.Raw)
			}
		}
		if r := shop.must(200, "GET", "/api/v1/inbounds", nil); len(decode[api.InboundList](t, r).Data) != 3 {
			t.Fatalf("a refused file created inbounds: %s", r.Raw)
		}
		for _, garbage := range []string{"", "\x00\xff\xfe", "a,b\n1,2\n", strings.Repeat("\"", 1000)} {
			if r := shop.do("POST", "/api/v1/inbound-imports", garbage, csv...); r.Status != 422 && r.Status != 400 {
				t.Errorf("garbage %q: %d %s", garbage, r.Status, r.Raw)
			}
		}
	})
}

// The shop follows receiving on its inbound: a line received over what it
// expects, a lot nobody announced, and once the warehouse closes the
// inbound, the line that came short.
func TestAPI_InboundDiscrepancies(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		shop := client{t, mustAPIServer(t, db, Config{}), keySakura}
		shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200))
		shop.must(201, "PUT", "/api/v1/products/TOWEL", product("今治タオル", 1650))
		shop.must(201, "POST", "/api/v1/inbounds", map[string]any{"inbound_no": "ASN-1", "expected_date": "2026-12-01", "reference": "PO-8841",
			"lines": []map[string]any{line("MUG-1", 10), {"sku": "TOWEL", "quantity": 5, "lot": "B1"}}})
		if err := db.Load(ctx, &soko.Seed{Locations: []soko.Location{{Code: "RCV-01", Zone: "R", WalkSequence: 99, Kind: soko.LocationReceiving}}}); err != nil {
			t.Fatal(err)
		}
		sakura, _ := db.FindMerchantByCode(ctx, "SAKURA")
		in, _ := db.FindInbound(ctx, sakura.ID, "ASN-1")
		mug, _ := db.FindProduct(ctx, sakura.ID, "MUG-1")
		towel, _ := db.FindProduct(ctx, sakura.ID, "TOWEL")
		for i, r := range []soko.Receipt{{ProductID: mug.ID, Units: 12}, {ProductID: towel.ID, Lot: "B1", Units: 1}, {ProductID: towel.ID, Lot: "X9", Units: 2}} {
			r.ScanID, r.InboundID, r.MerchantID = "rcv-0000000"+string(rune('1'+i)), in.ID, sakura.ID
			if _, err := db.Receive(ctx, &r); err != nil {
				t.Fatal(err)
			}
		}
		r := shop.must(200, "GET", "/api/v1/inbounds/ASN-1", nil)
		if got := discrepancies(decode[api.Inbound](t, r)); got != "over MUG-1  10 12|wrong_lot TOWEL X9 0 2" {
			t.Errorf("while receiving: %q\n%s", got, r.Raw)
		}
		if err := db.FinishReceiving(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
		r = shop.must(200, "GET", "/api/v1/inbounds?status=received", nil)
		if got := discrepancies(decode[api.InboundList](t, r).Data[0]); got != "over MUG-1  10 12|short TOWEL B1 5 3|wrong_lot TOWEL X9 0 2" {
			t.Errorf("received: %q\n%s", got, r.Raw)
		}
	})
}

// discrepancies is an inbound's discrepancies as "kind sku lot expected received" joined by |.
func discrepancies(in api.Inbound) string {
	var out []string
	for _, d := range in.Discrepancies {
		out = append(out, fmt.Sprintf("%s %s %s %d %d", d.Kind, d.Sku, d.Lot, d.Expected, d.Received))
	}
	return strings.Join(out, "|")
}

// The inbound sheet is the shop's own: its PDF names the inbound, the
// reference and each line with its JAN; another merchant gets 404.
func TestAPI_InboundSheet(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h := mustAPIServer(t, db, Config{WarehouseName: "soko 東京倉庫"})
	shop, other := client{t, h, keySakura}, client{t, h, keyMidori}
	shop.must(201, "PUT", "/api/v1/products/MUG-1", product("マグカップ", 1200, "4901234567894"))
	shop.must(201, "POST", "/api/v1/inbounds", map[string]any{"inbound_no": "ASN-1", "expected_date": "2026-12-01", "reference": "PO-8841",
		"lines": []map[string]any{{"sku": "MUG-1", "quantity": 24, "lot": "L7", "expiry": "2027-05-31"}}})
	r := shop.must(200, "GET", "/api/v1/inbounds/ASN-1/pdf", nil)
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type %q", ct)
	}
	text := pdfText(t, r.Raw)
	for _, want := range []string{"入荷予定表", "ASN-1", "2026年12月1日", "PO-8841", "さくら雑貨店", "soko 東京倉庫", "MUG-1", "マグカップ", "4901234567894", "24", "L7", "2027-05-31"} {
		if !strings.Contains(text, want) {
			t.Errorf("the sheet lacks %q:\n%s", want, text)
		}
	}
	other.must(404, "GET", "/api/v1/inbounds/ASN-1/pdf", nil)
}
