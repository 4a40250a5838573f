package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustPickedOrders stores opsSeed with boxes and stock, and picks two
// orders through the storage layer, as the floor would: SO-1 (3 towels),
// SO-2 (2 towels).
func mustPickedOrders(t *testing.T, db *storage.DB) (http.Handler, staffClient) {
	t.Helper()
	ctx := context.Background()
	seed := opsSeed()
	seed.Products[0].WeightGrams, seed.Products[0].LengthMM, seed.Products[0].WidthMM, seed.Products[0].HeightMM = 200, 300, 200, 30
	seed.BoxTypes = []soko.BoxType{
		{Code: "NEKOPOS", Name: "ネコポス", InnerLengthMM: 312, InnerWidthMM: 228, InnerHeightMM: 25, MaxWeightGrams: 1000, TareGrams: 20, Thin: true, Service: "nekopos"},
		{Code: "BOX60", Name: "60サイズ", InnerLengthMM: 330, InnerWidthMM: 240, InnerHeightMM: 130, MaxWeightGrams: 2000, TareGrams: 150, SizeClass: 60},
	}
	seed.Stock = []soko.SeedStock{{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01-01-1", Stock: soko.Stock{OnHand: 10}}}
	seed.CarrierAccounts = []soko.CarrierAccount{{Carrier: "yamato", BillingCode: "0312345678", FreightNumber: "01"}}
	for i, qty := range []int{3, 2} {
		seed.Orders = append(seed.Orders, soko.SeedOrder{MerchantCode: "SAKURA", Order: soko.Order{
			Number: fmt.Sprintf("SO-%d", i+1), Carrier: "yamato", Service: "takkyubin",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田", Phone: "090-1234-5678"},
			Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: qty, UnitPrice: 1650, TaxRate: 10}},
		}})
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AllocateWaiting(ctx, soko.AllocationRules{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch}); err != nil {
		t.Fatal(err)
	}
	picker := seed.Staff[0].ID
	towel := seed.Products[0].ID
	for n := 0; ; n++ {
		task, err := db.NextPickTask(ctx, picker)
		if soko.ErrorCode(err) == soko.ENOTFOUND {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		for i, s := range []soko.PickScan{{Code: task.LocationCode, Location: true}, {Code: "4901234567894", ProductID: towel, Units: task.Remaining()}} {
			s.ScanID, s.TaskID, s.StaffID = fmt.Sprintf("setup-%03d-%d", n, i), task.ID, picker
			if _, err := db.Pick(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
	}
	h := New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return storagetest.Fixed }})
	return h, signIn(t, h, "K001", "3333")
}

func TestStation_InspectAndPack(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		h, packer := mustPickedOrders(t, db)
		o := packer.op("GET", "/ops/station/orders/SO-1", nil, "")
		if o.Status != 200 || decode[api.StationOrder](t, o).Status != "picked" || len(decode[api.StationOrder](t, o).Recommended) != 1 {
			t.Fatalf("open order: %d %s", o.Status, o.Raw)
		}
		if box := decode[api.StationOrder](t, o).Recommended[0]; box.Box != "BOX60" || box.WeightGrams != 750 {
			t.Fatalf("3 towels of 200 g: want BOX60 weighing 750 g, got %+v", box)
		}
		id := decode[api.StationOrder](t, o).Id
		n := 0
		scan := func(code string) reply {
			n++
			return packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("insp-%06d", n), "code": code}, packer.csrf)
		}
		refused := func(r reply, want string) {
			t.Helper()
			if r.Status != 422 || (*decode[api.Problem](t, r).Errors)[0].Message != want {
				t.Fatalf("want %s: %d %s", want, r.Status, r.Raw)
			}
		}
		refused(scan("4512345678906"), "wrong_item") // MIDORI's tea: another merchant's product
		refused(scan("4900000000009"), "wrong_item") // a barcode no merchant has
		if r := packer.op("POST", "/ops/station/orders/999999/scan", map[string]any{"scan_id": "insp-none", "code": "4901234567894"}, packer.csrf); r.Status != 404 {
			t.Fatalf("scanning for no order: %d %s", r.Status, r.Raw)
		}
		if r := packer.op("POST", "/ops/station/orders/999999/pack", map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 750}}}, packer.csrf); r.Status != 404 ||
			!strings.Contains(string(r.Raw), "注文が見つかりません") {
			t.Fatalf("packing no order: %d %s", r.Status, r.Raw)
		}
		for i := 0; i < 2; i++ {
			if r := scan("4901234567894"); r.Status != 200 || decode[api.StationResult](t, r).Inspected {
				t.Fatalf("unit %d: %d %s", i+1, r.Status, r.Raw)
			}
		}
		refused(scan("14901234567891"), "over_scan") // a case of 12 onto a line of 3
		if r := packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 750}}}, packer.csrf); r.Status != 409 {
			t.Fatalf("packing before inspection: %d %s", r.Status, r.Raw)
		}
		done := scan("4901234567894")
		if done.Status != 200 || !decode[api.StationResult](t, done).Inspected || decode[api.StationResult](t, done).Order.Status != "inspected" {
			t.Fatalf("last unit: %d %s", done.Status, done.Raw)
		}
		// A scale reading far off means a wrong item, unless the packer confirms it.
		pack := func(weight int, confirm bool) reply {
			return packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id),
				map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": weight}}, "confirm_weight": confirm}, packer.csrf)
		}
		if r := pack(1500, false); r.Status != 409 || !contains(r.fields(), "weight_grams") {
			t.Fatalf("weight far off: %d %s", r.Status, r.Raw)
		}
		packed := pack(760, false)
		if packed.Status != 200 || decode[api.StationOrder](t, packed).Status != "packed" {
			t.Fatalf("pack: %d %s", packed.Status, packed.Raw)
		}
		// Sent again after a lost answer, the same parcels get the same
		// answer; other parcels are refused.
		if r := pack(760, false); r.Status != 200 || !bytes.Equal(r.Raw, packed.Raw) {
			t.Fatalf("pack retried: %d %s\nfirst: %s", r.Status, r.Raw, packed.Raw)
		}
		if r := pack(900, true); r.Status != 409 {
			t.Fatalf("packed again with another weight: %d %s", r.Status, r.Raw)
		}
		// The supervisor resets SO-2's inspection, in its history; a packer may not.
		o2 := packer.op("GET", "/ops/station/orders/SO-2", nil, "")
		id2 := decode[api.StationOrder](t, o2).Id
		packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id2), map[string]any{"scan_id": "insp-so2-001", "code": "4901234567894"}, packer.csrf)
		if r := packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/reset", id2), nil, packer.csrf); r.Status != 403 {
			t.Fatalf("a packer resetting: %d", r.Status)
		}
		sup := signIn(t, h, "V001", "5555")
		r := sup.op("POST", fmt.Sprintf("/ops/station/orders/%d/reset", id2), nil, sup.csrf)
		if r.Status != 200 || decode[api.StationOrder](t, r).Lines[0].Inspected != 0 {
			t.Fatalf("reset: %d %s", r.Status, r.Raw)
		}
		sakura, _ := db.FindMerchantByCode(context.Background(), "SAKURA")
		events, _ := db.ListOrderEvents(context.Background(), sakura.ID, "SO-2")
		if last := events[len(events)-1]; last.Action != soko.ActionResetInspect || last.StaffID == 0 {
			t.Fatalf("reset not in the history: %+v", last)
		}
	})
}

func TestStation_PrintSlipIsLogged(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	_, packer := mustPickedOrders(t, db)
	o := packer.op("GET", "/ops/station/orders/SO-1", nil, "")
	path := fmt.Sprintf("/ops/station/orders/%d/slip.pdf", decode[api.StationOrder](t, o).Id)
	for i, size := range []string{"", "?size=a5"} {
		r := packer.op("GET", path+size, nil, "")
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.Raw), "%PDF-") {
			t.Fatalf("print %d: %d %s %.40q", i, r.Status, r.Header.Get("Content-Type"), r.Raw)
		}
	}
	reprint, err := db.RecordPrint(context.Background(), decode[api.StationOrder](t, o).Id, "slip", 0)
	if err != nil || !reprint {
		t.Fatalf("a third print is not a reprint: %v %v", reprint, err)
	}
}

func TestStation_LabelAfterPacking(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h, packer := mustPickedOrders(t, db)
	o := packer.op("GET", "/ops/station/orders/SO-1", nil, "")
	id := decode[api.StationOrder](t, o).Id
	for i := 0; i < 3; i++ {
		packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("lbl-%06d", i), "code": "4901234567894"}, packer.csrf)
	}
	packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 750}}}, packer.csrf)
	label := func() reply {
		return packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/label", id), nil, packer.csrf)
	}
	if r := label(); r.Status != 409 {
		t.Fatalf("labelling without a number range: %d %s", r.Status, r.Raw)
	}
	sup := signIn(t, h, "V001", "5555")
	if r := packer.op("POST", "/ops/tracking-ranges", map[string]any{"carrier": "yamato", "first": 1, "last": 5}, packer.csrf); r.Status != 403 {
		t.Fatalf("a packer registering a range: %d", r.Status)
	}
	if r := sup.op("POST", "/ops/tracking-ranges", map[string]any{"carrier": "yamato", "first": 12345678901, "last": 12345678950}, sup.csrf); r.Status != 201 {
		t.Fatalf("register range: %d %s", r.Status, r.Raw)
	}
	r := label()
	if r.Status != 200 || decode[api.LabelResult](t, r).Order.Status != "labeled" {
		t.Fatalf("label: %d %s", r.Status, r.Raw)
	}
	labeled := decode[api.LabelResult](t, r)
	p := labeled.Parcels[0]
	// 12345678901 mod 7 = 3.
	if p.TrackingNumber != "123456789013" || !strings.Contains(p.TrackingUrl, "123456789013") {
		t.Fatalf("parcel %+v", p)
	}
	if len(labeled.Warnings) != 1 {
		t.Fatalf("a range of 50 with 49 left should warn: %s", r.Raw)
	}
	// One action prints the slip (A4) and the label (4×6) in one document.
	docs := packer.op("GET", fmt.Sprintf("/ops/station/orders/%d/documents.pdf", id), nil, "")
	if docs.Status != 200 || pdfPages(docs.Raw) != 2 || !strings.Contains(string(docs.Raw), "/MediaBox [0 0 288.00 432.00]") {
		t.Fatalf("documents: %d, %d pages", docs.Status, pdfPages(docs.Raw))
	}
	for _, doc := range []string{"slip", "label"} {
		if reprint, _ := db.RecordPrint(context.Background(), id, doc, 0); !reprint {
			t.Errorf("printing the %s was not logged", doc)
		}
	}
	// The one wave, released on 2026-11-23 in Japan.
	wave := sup.op("GET", "/ops/waves/W261123-0001/documents.pdf", nil, "")
	if wave.Status != 200 || pdfPages(wave.Raw) != 3 {
		t.Fatalf("wave documents: %d, %d pages (want 2 slips and 1 label)", wave.Status, pdfPages(wave.Raw))
	}
	if r := sup.op("GET", "/ops/location-labels.pdf?zone=A", nil, ""); r.Status != 200 || pdfPages(r.Raw) != 1 {
		t.Fatalf("location labels: %d", r.Status)
	}
}

// pdfPages counts the pages of a PDF gofpdf wrote.
func pdfPages(pdf []byte) int {
	return strings.Count(string(pdf), "/Type /Page\n")
}

func TestStation_CarrierCSVRoundTrip(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	_, packer := mustPickedOrders(t, db)
	o := packer.op("GET", "/ops/station/orders/SO-2", nil, "")
	id := decode[api.StationOrder](t, o).Id
	for i := 0; i < 2; i++ {
		packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("csv-%06d", i), "code": "4901234567894"}, packer.csrf)
	}
	packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 550}}}, packer.csrf)

	exp := packer.op("GET", "/ops/carrier-exports/yamato", nil, "")
	if exp.Status != 200 || decode[api.CarrierExport](t, exp).Rows != 1 {
		t.Fatalf("export: %d %s", exp.Status, exp.Raw)
	}
	raw := decode[api.CarrierExport](t, exp).Csv // base64 in the answer
	text, err := japanese.ShiftJIS.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatalf("the export is not Shift_JIS: %v", err)
	}
	records, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil || len(records) != 2 || len(records[1]) != 95 || !strings.Contains(string(text), "\r\n") {
		t.Fatalf("B2 file: %d records, %v", len(records), err)
	}
	management := records[1][0]

	// The carrier's software sends back the number it issued for that row.
	issued, _ := japanese.ShiftJIS.NewEncoder().String("お客様管理番号,伝票番号\r\n" + management + ",123456789013\r\n")
	req := httptest.NewRequest("POST", "/ops/carrier-imports/yamato", strings.NewReader(issued))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Cookie", packer.cookie.Name+"="+packer.cookie.Value)
	req.Header.Set("X-CSRF-Token", packer.csrf)
	rec := httptest.NewRecorder()
	packer.h.ServeHTTP(rec, req)
	var res struct {
		Attached      int      `json:"attached"`
		LabeledOrders []string `json:"labeled_orders"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != 200 {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	if res.Attached != 1 || len(res.LabeledOrders) != 1 || res.LabeledOrders[0] != "SO-2" {
		t.Fatalf("import result %+v", res)
	}
	if got, _ := db.OrderByID(context.Background(), id); got.Status != soko.OrderLabeled {
		t.Fatalf("order %s after import, want labeled", got.Status)
	}
}

// TestStation_FailedPrintIsNotLogged: documents that cannot be rendered (a
// label the carrier's rules refuse) answer 422 and leave no print in the
// log, so the next good print is a first print, not a reprint.
func TestStation_FailedPrintIsNotLogged(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	_, packer := mustPickedOrders(t, db)
	ctx := context.Background()
	o := packer.op("GET", "/ops/station/orders/SO-1", nil, "")
	id := decode[api.StationOrder](t, o).Id
	// A parcel whose tracking number fails Yamato's check digit.
	if err := db.Exec(ctx, fmt.Sprintf(`INSERT INTO parcels (order_id, seq, box_type, weight_grams, carrier, service, tracking_number) VALUES (%d, 1, 'BOX60', 500, 'yamato', 'takkyubin', '123456789012')`, id)); err != nil {
		t.Fatal(err)
	}
	if r := packer.op("GET", fmt.Sprintf("/ops/station/orders/%d/documents.pdf", id), nil, ""); r.Status != 422 {
		t.Fatalf("documents.pdf: %d %s, want 422", r.Status, r.Raw)
	}
	// The wave prints its other orders and leaves SO-1 out (issue 22 finding 7).
	r := packer.op("GET", "/ops/waves/W261123-0001/documents.pdf", nil, "")
	if r.Status != 200 || r.Header.Get("Soko-Unprinted") != "SO-1" {
		t.Fatalf("wave: %d, Soko-Unprinted %q, want 200 leaving out SO-1", r.Status, r.Header.Get("Soko-Unprinted"))
	}
	path := filepath.Join(t.TempDir(), "wave.pdf")
	if err := os.WriteFile(path, r.Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(mustRun(t, mustTool(t, "pdftotext"), "-layout", "-enc", "UTF-8", path, "-")), "")
	if !strings.Contains(text, "印刷できなかった注文") || !strings.Contains(text, "123456789012") {
		t.Errorf("the wave's last page does not list SO-1 and why:\n%s", text)
	}
	for _, doc := range []string{"slip", "label"} {
		if reprint, err := db.RecordPrint(ctx, id, doc, 0); err != nil || reprint {
			t.Errorf("a failed print of the %s was logged (reprint %v, %v)", doc, reprint, err)
		}
	}
}

// TestScannedCodes_OneNormalForm: a handheld or station whose IME is left
// in 全角 mode, or whose scanner sends an AIM prefix, is understood the
// same at every step: the badge at sign-in, the order at the station, the
// product's JAN in inspection.
func TestScannedCodes_OneNormalForm(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	h, _ := mustPickedOrders(t, db)
	packer := signIn(t, h, "ｋ００１", "3333") // K001 typed through an IME
	o := packer.op("GET", "/ops/station/orders/"+url.PathEscape("ＳＯ－２"), nil, "")
	if o.Status != 200 || decode[api.StationOrder](t, o).OrderNo != "SO-2" {
		t.Fatalf("the order scanned full-width: %d %s", o.Status, o.Raw)
	}
	if again := packer.op("GET", "/ops/station/orders/"+url.PathEscape("]C0SO-2"), nil, ""); again.Status != 200 || decode[api.StationOrder](t, again).OrderNo != "SO-2" {
		t.Fatalf("the order behind a Code 128 AIM prefix: %d %s", again.Status, again.Raw)
	}
	id := decode[api.StationOrder](t, o).Id
	r := packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": "wide-000001", "code": "４９０１２３４５６７８９４"}, packer.csrf)
	if r.Status != 200 {
		t.Fatalf("the JAN scanned full-width: %d %s", r.Status, r.Raw)
	}
}
