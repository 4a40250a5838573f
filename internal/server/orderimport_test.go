package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// importShop is a merchant whose shop exports orders, with towels in
// stock and mugs and tea out of stock, and the floor's staff.
func importShop() *soko.Seed {
	return &soko.Seed{
		Merchants: []soko.Merchant{
			{Code: "SAKURA", Name: "さくら雑貨店", Sender: soko.Address{PostalCode: "1110032", Prefecture: "東京都", City: "台東区", Street: "浅草2-3-1", Name: "さくら雑貨店", Phone: "03-3841-0001"}},
			{Code: "MIDORI", Name: "みどり食品"},
		},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
			{Staff: soko.Staff{BadgeCode: "K001", Name: "佐藤", Role: soko.RolePacker, Active: true}, PIN: "3333"},
			{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
		},
		Locations: []soko.Location{{Code: "A-01-01-1", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick}},
		Products: []soko.SeedProduct{
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL-WHT", Name: "今治タオル ホワイト", Price: 1650, TaxRate: 10}},
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG-BLU", Name: "波佐見焼マグ ブルー", Price: 1100, TaxRate: 10}},
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TEA-100", Name: "静岡茶 100g", Price: 1100, TaxRate: 8}},
		},
		Stock: []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL-WHT", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 10}}},
	}
}

func mustImportServer(tb testing.TB, db *storage.DB) (http.Handler, *soko.Seed) {
	tb.Helper()
	seed := importShop()
	if err := db.Load(context.Background(), seed); err != nil {
		tb.Fatal(err)
	}
	return New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }}), seed
}

// upload posts a CSV body as the console does; header adds or overrides
// headers (Content-Type, Accept-Language, X-CSRF-Token).
func (s staffClient) upload(path string, body []byte, header ...string) reply {
	s.tb.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Cookie", s.cookie.Name+"="+s.cookie.Value)
	req.Header.Set("X-CSRF-Token", s.csrf)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	out := reply{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.Bytes()}
	json.Unmarshal(out.Raw, &out.JSON)
	return out
}

// importPreview is the preview's answer, as the console reads it.
type importPreview struct {
	Format       string          `json:"format"`
	Encoding     string          `json:"encoding"`
	Rows         int             `json:"rows"`
	Orders       int             `json:"orders"`
	Lines        int             `json:"lines"`
	NewOrders    int             `json:"new_orders"`
	Unchanged    int             `json:"unchanged"`
	ProblemCount int             `json:"problem_count"`
	Problems     []importProblem `json:"problems"`
	Skipped      []importProblem `json:"skipped"`
	Warnings     []importProblem `json:"warnings"`
	Sample       []struct {
		OrderNo string `json:"order_no"`
		State   string `json:"state"`
	} `json:"sample"`
}

type importProblem struct {
	Row     int    `json:"row"`
	OrderNo string `json:"order_no"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func decodePreview(t *testing.T, r reply) importPreview {
	t.Helper()
	var p importPreview
	if err := json.Unmarshal(r.Raw, &p); err != nil {
		t.Fatalf("%s: %v", r.Raw, err)
	}
	return p
}

func states(p importPreview) map[string]string {
	out := map[string]string{}
	for _, o := range p.Sample {
		out[o.OrderNo] = o.State
	}
	return out
}

// soko-layout files for the tests, in Shift_JIS as Excel saves them.
const (
	importHeader = "注文番号,配送業者,サービス,代引金額,郵便番号,都道府県,市区町村,番地,氏名,電話番号,SKU,数量\r\n"
	goodRows     = "W-1,yamato,宅急便,,100-0005,東京都,千代田区,丸の内1-9-1,山田 花子,03-3211-4821,TOWEL-WHT,2\r\n" +
		"W-1,,,,,,,,,,MUG-BLU,1\r\n" +
		"W-2,ヤマト運輸,宅急便コレクト,1650,530-0001,大阪府,大阪市北区,梅田1-12-17,田中 誠,080-2345-6789,TOWEL-WHT,1\r\n"
	badRows = "W-3,,,,530-0001,東京都,千代田区,丸の内1-9-1,山田 花子,,TOWEL-WHT,1\r\n" +
		"W-4,yamato,nekopos,3000,100-0005,東京都,千代田区,丸の内1-9-1,山田 花子,,NOPE-9,1\r\n"
)

func sjis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(b)
}

func TestOrderImport_PreviewRefuseImportAgain(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h, seed := mustImportServer(t, db)
	ctx := context.Background()
	sakura := seed.Merchants[0].ID
	sup := signIn(t, h, "V001", "5555")
	q := "?merchant_id=" + itoa64(sakura)

	bad := sjis(t, importHeader+goodRows+badRows)
	r := sup.upload("/ops/order-imports/preview"+q, bad)
	if r.Status != 200 {
		t.Fatalf("preview: %d %s", r.Status, r.Raw)
	}
	p := decodePreview(t, r)
	if p.Format != "soko" || p.Encoding != "Shift_JIS" || p.Rows != 5 || p.Orders != 4 || p.Lines != 5 || p.ProblemCount != 3 {
		t.Fatalf("preview %+v", p)
	}
	want := []importProblem{
		{5, "W-3", "郵便番号", "郵便番号 530-0001 は東京都の郵便番号ではありません（大阪府の郵便番号です）"},
		{6, "W-4", "代引金額", "ネコポスでは代引できません。代引はヤマト運輸では宅急便コレクト（collect）をご指定ください"},
		{6, "W-4", "SKU", "SKU NOPE-9 はこの荷主の商品として登録されていません"},
	}
	for i, w := range want {
		if p.Problems[i] != w {
			t.Errorf("problem %d = %+v, want %+v", i, p.Problems[i], w)
		}
	}
	if st := states(p); st["W-1"] != "new" || st["W-3"] != "problem" || st["W-4"] != "problem" {
		t.Errorf("states %v", st)
	}

	r = sup.upload("/ops/order-imports"+q, bad)
	if r.Status != 422 || decodePreview(t, r).ProblemCount != 3 || len(decodePreview(t, r).Problems) != 3 {
		t.Fatalf("import of a file with problems: %d %s", r.Status, r.Raw)
	}
	// A refusal like any other, with the preview's members besides.
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" || r.JSON["type"] != "urn:soko:problem:invalid" ||
		r.JSON["title"] != "入力内容に誤りがあります" || r.JSON["status"] != 422.0 || r.JSON["request_id"] == nil ||
		r.JSON["detail"] != "取り込めませんでした。3件の問題があります（何も登録していません）" {
		t.Errorf("refusal %s %s", ct, r.Raw)
	}
	for _, n := range []string{"W-1", "W-2"} {
		if _, err := db.FindOrder(ctx, sakura, n); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("%s exists after a refused file (%v): nothing may be written", n, err)
		}
	}

	good := sjis(t, importHeader+goodRows)
	p = decodePreview(t, sup.upload("/ops/order-imports/preview"+q, good))
	if p.ProblemCount != 0 || p.NewOrders != 2 || p.Unchanged != 0 {
		t.Fatalf("good preview %+v", p)
	}
	r = sup.upload("/ops/order-imports"+q, good)
	if r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	if r.JSON["created"] != 2.0 || r.JSON["unchanged"] != 0.0 || r.JSON["allocated"] != 1.0 || r.JSON["backordered"] != 1.0 {
		t.Fatalf("import result %s, want 2 created, W-2 allocated and W-1 waiting for its mug", r.Raw)
	}
	w1, err := db.FindOrder(ctx, sakura, "W-1")
	if err != nil || w1.Status != soko.OrderBackordered || w1.Carrier != "yamato" || w1.Service != "takkyubin" ||
		w1.Recipient.PostalCode != "1000005" || len(w1.Lines) != 2 || w1.Lines[0].UnitPrice != 1650 || w1.Lines[1].TaxRate != 10 {
		t.Fatalf("W-1 stored as %+v (%v)", w1, err)
	}
	w2, _ := db.FindOrder(ctx, sakura, "W-2")
	if w2.Status != soko.OrderAllocated || w2.Service != "collect" || w2.CODAmount != 1650 {
		t.Errorf("W-2 stored as %s %s COD %d", w2.Status, w2.Service, w2.CODAmount)
	}
	events, _ := db.ListOrderEvents(ctx, sakura, "W-1")
	if len(events) < 2 || events[0].Action != "create" || events[0].StaffID != seed.Staff[2].ID || !strings.Contains(events[0].Detail, "受注取込") {
		t.Errorf("W-1's history %+v: the import and who did it", events)
	}

	// The same file again: everything is on file, nothing changes.
	p = decodePreview(t, sup.upload("/ops/order-imports/preview"+q, good))
	if p.ProblemCount != 0 || p.NewOrders != 0 || p.Unchanged != 2 || states(p)["W-1"] != "unchanged" {
		t.Fatalf("preview again %+v", p)
	}
	r = sup.upload("/ops/order-imports"+q, good)
	if r.Status != 200 || r.JSON["created"] != 0.0 || r.JSON["unchanged"] != 2.0 {
		t.Fatalf("import again: %d %s", r.Status, r.Raw)
	}
	if again, _ := db.ListOrderEvents(ctx, sakura, "W-1"); len(again) != len(events) {
		t.Errorf("W-1 has %d events after the file came again, had %d", len(again), len(events))
	}

	// Another order under a number on file refuses the whole file.
	changed := sjis(t, importHeader+strings.Replace(goodRows, "TOWEL-WHT,2", "TOWEL-WHT,5", 1)+
		"W-5,,,,100-0005,東京都,千代田区,丸の内1-9-1,山田 花子,,TEA-100,1\r\n")
	r = sup.upload("/ops/order-imports"+q, changed, "Accept-Language", "en")
	p = decodePreview(t, r)
	if r.Status != 422 || p.ProblemCount != 1 || p.Problems[0].OrderNo != "W-1" || p.Problems[0].Row != 2 ||
		p.Problems[0].Message != "order number W-1 is taken by an order that differs in lines (SKUs and quantities): change the number or check the order on file" {
		t.Fatalf("changed file: %d %s", r.Status, r.Raw)
	}
	if _, err := db.FindOrder(ctx, sakura, "W-5"); soko.ErrorCode(err) != soko.ENOTFOUND {
		t.Errorf("W-5 was imported from a refused file")
	}
	// Order numbers are the merchant's own: MIDORI has no W-1, nor towels.
	p = decodePreview(t, sup.upload("/ops/order-imports/preview?merchant_id="+itoa64(seed.Merchants[1].ID), good))
	if p.Unchanged != 0 || p.ProblemCount != 3 {
		t.Errorf("MIDORI's preview: %+v, want its own numbers and three unknown SKUs", p)
	}
}

// TestOrderImport_ShopifyShiftJIS imports the Shopify export fixture saved
// in Shift_JIS, as a Japanese shop's Excel would leave it.
func TestOrderImport_ShopifyShiftJIS(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h, seed := mustImportServer(t, db)
	sup := signIn(t, h, "V001", "5555")
	file, err := os.ReadFile("../orderimport/testdata/shopify_sjis.csv")
	if err != nil {
		t.Fatal(err)
	}
	q := "?merchant_id=" + itoa64(seed.Merchants[0].ID) + "&format=shopify"
	p := decodePreview(t, sup.upload("/ops/order-imports/preview"+q, file))
	if p.Format != "shopify" || p.Encoding != "Shift_JIS" || p.Orders != 3 || p.ProblemCount != 0 || len(p.Skipped) != 3 {
		t.Fatalf("preview %+v", p)
	}
	r := sup.upload("/ops/order-imports"+q, file)
	if r.Status != 200 || r.JSON["created"] != 3.0 {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	o, err := db.FindOrder(context.Background(), seed.Merchants[0].ID, "1002")
	if err != nil || o.CODAmount != 3300 || o.Recipient.Prefecture != "大阪府" || o.Lines[0].TaxRate != 8 {
		t.Errorf("1002 stored as %+v (%v)", o, err)
	}
}

// TestOrderImport_Refusals checks what the import refuses before reading a
// file, and files it cannot read: each a clear 4xx, never a 500.
func TestOrderImport_Refusals(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h, seed := mustImportServer(t, db)
	sup := signIn(t, h, "V001", "5555")
	file := sjis(t, importHeader+goodRows)
	q := "?merchant_id=" + itoa64(seed.Merchants[0].ID)
	for _, who := range []struct{ badge, pin string }{{"P001", "1111"}, {"K001", "3333"}} {
		s := signIn(t, h, who.badge, who.pin)
		for _, path := range []string{"/ops/order-imports/preview", "/ops/order-imports"} {
			if r := s.upload(path+q, file); r.Status != 403 {
				t.Errorf("%s: %s answers %d, want 403", who.badge, path, r.Status)
			}
		}
	}
	tests := []struct {
		name   string
		path   string
		body   []byte
		header []string
		status int
		detail string
	}{
		{"no CSRF token", "/ops/order-imports" + q, file, []string{"X-CSRF-Token", ""}, 403, ""},
		{"unknown merchant", "/ops/order-imports/preview?merchant_id=999", file, nil, 404, "荷主 999 は見つかりません"},
		{"no merchant", "/ops/order-imports/preview", file, nil, 422, ""},
		{"unknown layout", "/ops/order-imports/preview" + q + "&format=rakuten", file, nil, 422, ""},
		{"not the layout asked", "/ops/order-imports/preview" + q + "&format=shopify", file, nil, 422, "見出し行がShopify形式ではありません"},
		{"unknown header", "/ops/order-imports" + q, []byte("a,b\r\n1,2\r\n"), nil, 422, "見出し行からファイルの形式がわかりません"},
		{"empty file", "/ops/order-imports/preview" + q, []byte{}, nil, 422, ""},
		{"JSON", "/ops/order-imports/preview" + q, []byte(`{"orders":[]}`), []string{"Content-Type", "application/json"}, 415, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sup.upload(tt.path, tt.body, tt.header...)
			if r.Status != tt.status {
				t.Fatalf("%d %s, want %d", r.Status, r.Raw, tt.status)
			}
			if d, _ := r.JSON["detail"].(string); !strings.Contains(d, tt.detail) {
				t.Errorf("detail %q, want %q", d, tt.detail)
			}
		})
	}
	if os, err := db.ListOrders(context.Background(), soko.OrderFilter{Page: soko.Page{Limit: 10}}); err != nil || len(os) != 0 {
		t.Errorf("%d orders after refusals (%v)", len(os), err)
	}
}

// TestOrderImport_ShipDates: a file's 出荷予定日 is kept, an お届け希望日
// plans one, and dates the calendar cannot keep are the file's problems.
func TestOrderImport_ShipDates(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h, seed := mustImportServer(t, db)
	sakura := seed.Merchants[0].ID
	sup := signIn(t, h, "V001", "5555")
	q := "?merchant_id=" + itoa64(sakura)
	header := "注文番号,配送業者,サービス,お届け希望日,出荷予定日,郵便番号,都道府県,市区町村,番地,氏名,SKU,数量\r\n"
	row := func(n, delivery, ship string) string {
		return n + ",yamato,宅急便," + delivery + "," + ship + ",100-0005,東京都,千代田区,丸の内1-9-1,山田 花子,TOWEL-WHT,1\r\n"
	}
	bad := sjis(t, header+row("D-3", "2026-11-24", "")+row("D-4", "", "2026/11/29")+row("D-5", "", "11月"))
	p := decodePreview(t, sup.upload("/ops/order-imports/preview"+q, bad))
	want := []importProblem{
		{2, "D-3", "配達希望日", "お届け希望日 2026-11-24 にはお届けできません。最短のお届け日は 2026-11-25 です"},
		{3, "D-4", "出荷予定日", "2026-11-29 は倉庫の休業日（日曜日）です。次の出荷日は 2026-11-30 です"},
		{4, "D-5", "出荷予定日", "出荷予定日 11月 を読めません（例: 2026-11-24）"},
	}
	if p.ProblemCount != len(want) {
		t.Fatalf("problems %+v", p.Problems)
	}
	for i, w := range want {
		if p.Problems[i] != w {
			t.Errorf("problem %d = %+v, want %+v", i, p.Problems[i], w)
		}
	}
	good := sjis(t, header+row("D-1", "2026/12/01", "")+row("D-2", "", "2026-11-27"))
	if r := sup.upload("/ops/order-imports"+q, good); r.Status != 200 || r.JSON["created"] != 2.0 {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	for n, want := range map[string]string{"D-1": "2026-11-30", "D-2": "2026-11-27"} {
		o, err := db.FindOrder(context.Background(), sakura, n)
		if err != nil || o.ShipDate.Format(time.DateOnly) != want {
			t.Errorf("%s ship date %v (%v), want %s", n, o.ShipDate, err, want)
		}
	}
}
