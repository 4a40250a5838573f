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
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// issuedSetup is a warehouse whose Yamato orders SO-1 and SO-2 are packed
// and exported to B2クラウド, with the management numbers the file holds,
// and a Japan Post range whose first number a Japan Post parcel has.
type issuedSetup struct {
	db       *storage.DB
	packer   staffClient
	mgmt     map[string]string // order number → お客様管理番号
	orderIDs map[string]int64
}

// Numbers the tests use: Yamato's have a valid mod-7 check digit; the Japan
// Post ones lie in the Japan Post range the setup registers, the first of
// them on a Japan Post parcel.
const (
	yamato1   = "438012540000"
	yamato2   = "438012540011"
	badCheck  = "438012540012"
	jpUsed    = "118633020004"
	jpInRange = "118633020015"
)

func mustIssuedSetup(t *testing.T, db *storage.DB) issuedSetup {
	t.Helper()
	ctx := context.Background()
	_, packer := mustPickedOrders(t, db)
	s := issuedSetup{db: db, packer: packer, mgmt: map[string]string{}, orderIDs: map[string]int64{}}
	for _, no := range []string{"SO-1", "SO-2"} {
		o := decode[api.StationOrder](t, packer.op("GET", "/ops/station/orders/"+no, nil, ""))
		id := o.Id
		s.orderIDs[no] = id
		for _, l := range o.Lines {
			for i := 0; i < l.Quantity; i++ {
				packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/scan", id), map[string]any{"scan_id": fmt.Sprintf("issued-%s-%06d", no, i), "code": "4901234567894"}, packer.csrf)
			}
		}
		weight := o.Recommended[0].WeightGrams
		if r := packer.op("POST", fmt.Sprintf("/ops/station/orders/%d/pack", id), map[string]any{"parcels": []map[string]any{{"box": "BOX60", "weight_grams": weight}}}, packer.csrf); r.Status != 200 {
			t.Fatalf("pack %s: %d %s", no, r.Status, r.Raw)
		}
	}
	raw := decode[api.CarrierExport](t, packer.op("GET", "/ops/carrier-exports/yamato", nil, "")).Csv
	text, _ := japanese.ShiftJIS.NewDecoder().Bytes(raw)
	records, err := csv.NewReader(strings.NewReader(string(text))).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("export: %d records, %v", len(records), err)
	}
	s.mgmt["SO-1"], s.mgmt["SO-2"] = records[1][0], records[2][0]
	if !strings.HasPrefix(s.mgmt["SO-1"], "SO1P") || !strings.HasPrefix(s.mgmt["SO-2"], "SO2P") {
		t.Fatalf("management numbers %v", s.mgmt)
	}
	if err := db.CreateTrackingRange(ctx, &soko.TrackingRange{Carrier: "japanpost", First: 11_863_302_000, Last: 11_863_311_999}); err != nil {
		t.Fatal(err)
	}
	// The Japan Post parcel that soko labelled with the range's first number.
	if err := db.Exec(ctx, fmt.Sprintf(`INSERT INTO parcels (order_id, seq, carrier, service, tracking_number) VALUES (%d, 2, 'japanpost', 'yupack', '%s')`, s.orderIDs["SO-1"], jpUsed)); err != nil {
		t.Fatal(err)
	}
	return s
}

// post sends an issued-number file to the preview or the import.
func (s issuedSetup) post(path, file string) reply {
	return s.packer.do("POST", path, file, "Cookie", s.packer.cookie.Name+"="+s.packer.cookie.Value,
		"X-CSRF-Token", s.packer.csrf, "Content-Type", "text/csv", "Accept-Language", "ja")
}

// nothingWritten fails the test when an import stored a number or moved an order.
func (s issuedSetup) nothingWritten(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for no, id := range s.orderIDs {
		if o, err := s.db.OrderByID(ctx, id); err != nil || o.Status != soko.OrderPacked {
			t.Errorf("order %s is %v after a refused import (%v), want packed", no, o.Status, err)
		}
	}
	held, _, err := s.db.ParcelsByTrackingNumber(ctx, []string{yamato1, yamato2, badCheck, jpInRange})
	if err != nil || len(held) != 0 {
		t.Errorf("a refused import attached %+v (%v)", held, err)
	}
}

// TestCarrierImport_BadRowRefusesFile: a file with one good row and one bad
// row attaches nothing, moves no order, and both the preview and the
// refusal name the bad row, its column and what is wrong.
func TestCarrierImport_BadRowRefusesFile(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustIssuedSetup(t, db)
		m1, m2 := s.mgmt["SO-1"], s.mgmt["SO-2"]
		const header = "お客様管理番号,伝票番号\r\n"
		good := m1 + "," + yamato1 + "\r\n"
		tests := []struct {
			name, file, field, want string
		}{
			{"wrong check digit", header + good + m2 + "," + badCheck + "\r\n", "伝票番号", "チェックデジット"},
			{"unknown management number", header + good + "SO9P99999," + yamato2 + "\r\n", "お客様管理番号", "SO9P99999 の荷物が見つかりません"},
			{"management number soko did not write", header + good + "MANUAL-1," + yamato2 + "\r\n", "お客様管理番号", "soko が出力したものではありません"},
			{"one number on two rows", header + good + m2 + "," + yamato1 + "\r\n", "伝票番号", "2行目で " + m1 + " に付いています"},
			{"two numbers for one management number", header + good + m1 + "," + yamato2 + "\r\n", "伝票番号", "2行目で伝票番号"},
			{"more fields than the header", header + good + m2 + "," + yamato2 + ",x\r\n", "", "この行は3列ですが、見出し行は2列です"},
			{"fewer fields than the header", "お客様管理番号,伝票番号,出荷日\r\n" + m1 + "," + yamato1 + ",2026/11/23\r\n" + m2 + "," + yamato2 + "\r\n", "", "この行は2列ですが、見出し行は3列です"},
			{"a number of Japan Post's range", header + good + m2 + "," + jpInRange + "\r\n", "伝票番号", "日本郵便の番号帯"},
			{"a number a Japan Post parcel has", header + good + m2 + "," + jpUsed + "\r\n", "伝票番号", "日本郵便の注文 SO-1 の荷物にすでに使われています"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				named := func(what string, r reply, count int, ps []api.RowProblem) {
					t.Helper()
					if count != 1 || len(ps) != 1 {
						t.Fatalf("%s: %d %s, want one problem", what, r.Status, r.Raw)
					}
					if p := ps[0]; p.Row != 3 || p.Field != tt.field || !strings.Contains(p.Message, tt.want) {
						t.Errorf("%s: problem %+v, want row 3, field %q, %q", what, p, tt.field, tt.want)
					}
				}
				pre := s.post("/ops/carrier-imports/yamato/preview", tt.file)
				if pre.Status != 200 {
					t.Fatalf("preview: %d %s", pre.Status, pre.Raw)
				}
				preview := decode[api.CarrierImportPreview](t, pre)
				named("preview", pre, preview.ProblemCount, preview.Problems)
				imp := s.post("/ops/carrier-imports/yamato", tt.file)
				if imp.Status != 422 || imp.Header.Get("Content-Type") != "application/problem+json" {
					t.Fatalf("import: %d %s, want 422 problem", imp.Status, imp.Raw)
				}
				refusal := decode[api.CarrierImportRefusal](t, imp)
				if !strings.Contains(refusal.Detail, "1件の問題") {
					t.Fatalf("import: %d %s, want 422 problem", imp.Status, imp.Raw)
				}
				named("refusal", imp, refusal.ProblemCount, refusal.Problems)
				s.nothingWritten(t)
			})
		}
	})
}

// TestCarrierImport_AllRows: a clean file previews what it will do, then
// attaches every number in one go and labels the orders; the same file
// again changes nothing.
func TestCarrierImport_AllRows(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustIssuedSetup(t, db)
		file := "お客様管理番号,伝票番号\r\n" + s.mgmt["SO-1"] + "," + yamato1 + "\r\n" + s.mgmt["SO-2"] + "," + yamato2[:4] + "-" + yamato2[4:8] + "-" + yamato2[8:] + "\r\n"
		file, _ = japanese.ShiftJIS.NewEncoder().String(file)

		pre := s.post("/ops/carrier-imports/yamato/preview", file)
		if pre.Status != 200 {
			t.Fatalf("preview: %d %s", pre.Status, pre.Raw)
		}
		if p := decode[api.CarrierImportPreview](t, pre); p.ProblemCount != 0 || p.Attach != 2 || p.Numbers != 2 {
			t.Fatalf("preview: %d %s", pre.Status, pre.Raw)
		} else if first := p.Sample[0]; len(p.Sample) != 2 || first.OrderNo != "SO-1" || first.TrackingNumber != yamato1 || first.State != "new" {
			t.Errorf("preview sample %+v", p.Sample)
		}
		s.nothingWritten(t)

		imp := s.post("/ops/carrier-imports/yamato", file)
		if imp.Status != 200 {
			t.Fatalf("import: %d %s", imp.Status, imp.Raw)
		}
		if i := decode[api.CarrierImport](t, imp); i.Attached != 2 || fmt.Sprint(i.LabeledOrders) != "[SO-1 SO-2]" {
			t.Fatalf("import: %d %s", imp.Status, imp.Raw)
		}
		for no, id := range s.orderIDs {
			if o, _ := db.OrderByID(context.Background(), id); o.Status != soko.OrderLabeled {
				t.Errorf("order %s is %s, want labeled", no, o.Status)
			}
		}
		again := s.post("/ops/carrier-imports/yamato", file)
		if again.Status != 200 {
			t.Errorf("the same file again: %d %s", again.Status, again.Raw)
		} else if a := decode[api.CarrierImport](t, again); a.Attached != 0 || a.Unchanged != 2 {
			t.Errorf("the same file again: %d %s", again.Status, again.Raw)
		}
		// SO-2's number is SO-2's now: no file gives it to another parcel.
		other := s.post("/ops/carrier-imports/yamato/preview", "お客様管理番号,伝票番号\r\n"+s.mgmt["SO-1"]+","+yamato2+"\r\n")
		if decode[api.CarrierImportPreview](t, other).ProblemCount != 2 {
			t.Errorf("SO-2's number for SO-1: %s", other.Raw)
		}
	})
}

// TestCarrierImport_ManyRows: a file of more numbers than one SQL statement
// takes (PostgreSQL binds at most 65,535 values) is checked whole, and its
// preview lists the first 1,000 of its problems.
func TestCarrierImport_ManyRows(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		s := mustIssuedSetup(t, db)
		const rows = 70_000
		var b strings.Builder
		b.WriteString("お客様管理番号,伝票番号\r\n")
		for i := 0; i < rows; i++ {
			body := 50_000_000_000 + int64(i)
			fmt.Fprintf(&b, "X%dP%d,%011d%d\r\n", i, 1_000_000+i, body, body%7)
		}
		pre := s.post("/ops/carrier-imports/yamato/preview", b.String())
		if pre.Status != 200 {
			t.Fatalf("preview: %d %.300s", pre.Status, pre.Raw)
		}
		if p := decode[api.CarrierImportPreview](t, pre); p.ProblemCount != rows || len(p.Problems) != 1000 || len(p.Sample) != 100 {
			t.Fatalf("preview: %d %.300s", pre.Status, pre.Raw)
		}
		s.nothingWritten(t)
	})
}
