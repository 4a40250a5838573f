package server

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// exportedColumns exports the packed Yamato parcels and returns each
// written row's named columns, and the answer's problems.
func exportedColumns(t *testing.T, c staffClient, names ...string) ([]map[string]string, []api.RowProblem) {
	t.Helper()
	r := c.op("GET", "/ops/carrier-exports/yamato", nil, "")
	if r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Raw)
	}
	exp := decode[api.CarrierExport](t, r)
	text, err := japanese.ShiftJIS.NewDecoder().String(string(exp.Csv))
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range records[0] {
			for _, n := range names {
				if h == n {
					row[n] = rec[i]
				}
			}
		}
		rows = append(rows, row)
	}
	return rows, exp.Problems
}

// TestCarrierAccounts_ExportWritesTheContract: the B2クラウド file carries
// the warehouse's contract, a merchant's own contract where it has one,
// and without any contract the rows are left out with a problem that says
// where to set it.
func TestCarrierAccounts_ExportWritesTheContract(t *testing.T) {
	db := storagetest.MustOpenSQLite(t)
	ctx := context.Background()
	_, packer := mustPickedOrders(t, db)
	id := decode[api.StationOrder](t, packer.op("GET", "/ops/station/orders/SO-2", nil, "")).Id
	for i := 0; i < 2; i++ {
		packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("ca-%06d", i), "code": "4901234567894"}, packer.csrf)
	}
	if r := packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": 550}}}, packer.csrf); r.Status != 200 {
		t.Fatalf("pack: %d %s", r.Status, r.Raw)
	}
	cols := []string{"請求先顧客コード", "請求先分類コード", "運賃管理番号"}

	rows, problems := exportedColumns(t, packer, cols...)
	if len(rows) != 1 || len(problems) != 0 || rows[0]["請求先顧客コード"] != "0312345678" || rows[0]["運賃管理番号"] != "01" {
		t.Fatalf("on the warehouse's contract: rows %v, problems %v", rows, problems)
	}

	sakura, err := db.FindMerchantByCode(ctx, "SAKURA")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCarrierAccount(ctx, &soko.CarrierAccount{MerchantID: sakura.ID, Carrier: "yamato", BillingCode: "069876543201", BillingClass: "S", FreightNumber: "02"}); err != nil {
		t.Fatal(err)
	}
	rows, _ = exportedColumns(t, packer, cols...)
	if want := (map[string]string{"請求先顧客コード": "069876543201", "請求先分類コード": "S", "運賃管理番号": "02"}); len(rows) != 1 || fmt.Sprint(rows[0]) != fmt.Sprint(want) {
		t.Errorf("on SAKURA's own contract: %v, want %v", rows, want)
	}

	for _, merchant := range []int64{sakura.ID, 0} {
		if err := db.DeleteCarrierAccount(ctx, "yamato", merchant); err != nil {
			t.Fatal(err)
		}
	}
	rows, problems = exportedColumns(t, packer, cols...)
	if len(rows) != 0 || len(problems) != 2 {
		t.Fatalf("without a contract: rows %v, problems %v; want none written and two problems", rows, problems)
	}
	for _, p := range problems {
		if !strings.Contains(p.Message, "配送業者契約") || !pointsTo(p.OrderNo, "SO-2") {
			t.Errorf("problem %+v does not say where to set the contract", p)
		}
	}
}

// TestCarrierAccounts_ConsoleRules: the admin's form is checked field by
// field in Japanese, typed digits are kept as ASCII, a carrier without
// contract fields and an unknown merchant are refused, and removing a
// contract twice says there is none.
func TestCarrierAccounts_ConsoleRules(t *testing.T) {
	site := mustAdminSite(t)
	admin := signIn(t, site.h, "A001", pinAdmin)
	sakura := site.seed.Merchants[0]

	r := admin.op("PUT", "/ops/admin/carrier-accounts/yamato", map[string]any{"billing_code": "12-34", "billing_class": "ABCD"}, admin.csrf)
	if r.Status != 422 {
		t.Fatalf("bad contract: %d %s", r.Status, r.Raw)
	}
	got := map[string]string{}
	if p := decode[api.Problem](t, r); p.Errors != nil {
		for _, e := range *p.Errors {
			got[e.Field] = e.Message
		}
	}
	for _, f := range []string{"billing_code", "billing_class", "freight_number"} {
		if !inJapanese(got[f]) {
			t.Errorf("field %s: %q, want a Japanese message (all: %v)", f, got[f], got)
		}
	}

	r = admin.op("PUT", "/ops/admin/carrier-accounts/yamato", map[string]any{"merchant_id": sakura.ID, "billing_code": "０６－９８７６－５４３２", "freight_number": "０２"}, admin.csrf)
	if r.Status != 200 {
		t.Fatalf("SAKURA's own contract: %d %s", r.Status, r.Raw)
	}
	if a := decode[api.AdminCarrierAccount](t, r); a.BillingCode != "0698765432" || a.FreightNumber != "02" || !pointsTo(a.MerchantName, sakura.Name) {
		t.Fatalf("SAKURA's own contract: %d %s", r.Status, r.Raw)
	}
	if r := admin.op("PUT", "/ops/admin/carrier-accounts/sagawa", map[string]any{"six_slots": true}, admin.csrf); r.Status != 200 || !decode[api.AdminCarrierAccount](t, r).SixSlots {
		t.Errorf("sagawa six slots: %d %s", r.Status, r.Raw)
	}
	if r := admin.op("PUT", "/ops/admin/carrier-accounts/japanpost", map[string]any{}, admin.csrf); r.Status != 422 || !strings.Contains(string(r.Raw), "契約情報がありません") {
		t.Errorf("japan post: %d %s, want 422 saying it has nothing to set", r.Status, r.Raw)
	}
	if r := admin.op("PUT", "/ops/admin/carrier-accounts/yamato", map[string]any{"merchant_id": 99999, "billing_code": "0312345678", "freight_number": "01"}, admin.csrf); r.Status != 404 {
		t.Errorf("unknown merchant: %d %s, want 404", r.Status, r.Raw)
	}

	list := admin.op("GET", "/ops/admin/carrier-accounts", nil, "")
	if list.Status != 200 {
		t.Fatalf("list: %d %s", list.Status, list.Raw)
	}
	accounts := decode[api.AdminCarrierAccountList](t, list)
	if len(accounts.Data) != 2 {
		t.Fatalf("list: %d %s", list.Status, list.Raw)
	}
	if carriers := fmt.Sprint(accounts.Carriers); !strings.Contains(carriers, "請求先顧客コード") || !strings.Contains(carriers, "six_slots") {
		t.Errorf("carriers' fields: %s", carriers)
	}

	path := fmt.Sprintf("/ops/admin/carrier-accounts/yamato?merchant_id=%d", sakura.ID)
	if r := admin.op("DELETE", path, nil, admin.csrf); r.Status != 204 {
		t.Errorf("remove: %d %s", r.Status, r.Raw)
	}
	if r := admin.op("DELETE", path, nil, admin.csrf); r.Status != 404 {
		t.Errorf("remove twice: %d %s, want 404", r.Status, r.Raw)
	}
}
