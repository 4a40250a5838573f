package carrier

import (
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
)

func TestCheckAccount(t *testing.T) {
	tests := []struct {
		name    string
		account soko.CarrierAccount
		fields  []string // the fields with a problem, in order
		want    soko.CarrierAccount
	}{
		{"yamato typed with hyphens and full-width digits",
			soko.CarrierAccount{Carrier: "yamato", BillingCode: "０３－１２３４－５６７８ー01", FreightNumber: "０１"}, nil,
			soko.CarrierAccount{Carrier: "yamato", BillingCode: "031234567801", FreightNumber: "01"}},
		{"yamato with a class code", soko.CarrierAccount{Carrier: "yamato", BillingCode: "0312345678", BillingClass: "A1", FreightNumber: "02"}, nil,
			soko.CarrierAccount{Carrier: "yamato", BillingCode: "0312345678", BillingClass: "A1", FreightNumber: "02"}},
		{"yamato without its required values", soko.CarrierAccount{Carrier: "yamato"}, []string{"billing_code", "freight_number"}, soko.CarrierAccount{}},
		{"yamato with codes too short, too long and not digits",
			soko.CarrierAccount{Carrier: "yamato", BillingCode: "12345", BillingClass: "ABCD", FreightNumber: "1"},
			[]string{"billing_code", "billing_class", "freight_number"}, soko.CarrierAccount{}},
		{"yamato has no six-slot option", soko.CarrierAccount{Carrier: "yamato", BillingCode: "0312345678", FreightNumber: "01", SixSlots: true},
			[]string{"six_slots"}, soko.CarrierAccount{}},
		{"sagawa six slots", soko.CarrierAccount{Carrier: "sagawa", SixSlots: true}, nil, soko.CarrierAccount{Carrier: "sagawa", SixSlots: true}},
		{"sagawa takes no B2 codes", soko.CarrierAccount{Carrier: "sagawa", BillingCode: "0312345678"}, []string{"billing_code"}, soko.CarrierAccount{}},
		{"japan post has nothing to set", soko.CarrierAccount{Carrier: "japanpost"}, []string{"carrier"}, soko.CarrierAccount{}},
		{"unknown carrier", soko.CarrierAccount{Carrier: "fukutsu"}, []string{"carrier"}, soko.CarrierAccount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.account
			ps := CheckAccount(&a)
			var fields []string
			for _, p := range ps {
				fields = append(fields, p.Field)
				if p.Message.JA == "" || p.Message.EN == "" {
					t.Errorf("problem %+v is not in both languages", p)
				}
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Fatalf("problems %+v, want fields %v", ps, tt.fields)
			}
			if tt.fields == nil && a != tt.want {
				t.Errorf("normalised to %+v, want %+v", a, tt.want)
			}
		})
	}
}

// TestExport_B2NeedsTheContract: B2クラウド refuses 宅急便 rows without the
// contract's 請求先顧客コード and 運賃管理番号, so Export leaves such rows
// out and says where to set them, and writes them from the account.
func TestExport_B2NeedsTheContract(t *testing.T) {
	rows := MustSampleRows(t, "yamato")
	for i := range rows {
		rows[i].Account = nil
	}
	e := MustExport(t, "yamato", rows)
	if len(e.records) != 1 {
		t.Errorf("%d rows written without a contract, want none", len(e.records)-1)
	}
	if len(e.problems) != 2*len(rows) {
		t.Fatalf("problems %+v, want two a row", e.problems)
	}
	for _, p := range e.problems[:2] {
		if (p.Field != "請求先顧客コード" && p.Field != "運賃管理番号") || !strings.Contains(p.Message.JA, "配送業者契約") {
			t.Errorf("problem %+v does not name the column and where to set it", p)
		}
	}

	account := &soko.CarrierAccount{Carrier: "yamato", BillingCode: "0751234567", BillingClass: "B", FreightNumber: "03"}
	for i := range rows {
		rows[i].Account = account
	}
	e = MustExport(t, "yamato", rows)
	if len(e.problems) != 0 {
		t.Fatalf("problems %+v", e.problems)
	}
	for _, rec := range e.records[1:] {
		for col, want := range map[string]string{"請求先顧客コード": "0751234567", "請求先分類コード": "B", "運賃管理番号": "03"} {
			if got := at(rec, headerIndex(t, e, col)); got != want {
				t.Errorf("%s = %q, want %q", col, got, want)
			}
		}
	}
}

// TestExport_SagawaEveningSlots: a standard Sagawa contract has one evening
// slot, 18–21 (04); the six-slot option has 18–20 (18) and 19–21 (19). A
// warehouse that has set nothing is taken to have the standard contract.
func TestExport_SagawaEveningSlots(t *testing.T) {
	for _, tt := range []struct {
		name    string
		account *soko.CarrierAccount
		want    map[soko.TimeSlot]string
	}{
		{"no account set", nil, map[soko.TimeSlot]string{soko.Slot18To20: "04", soko.Slot19To21: "04", soko.Slot16To18: "16"}},
		{"standard", &soko.CarrierAccount{Carrier: "sagawa"}, map[soko.TimeSlot]string{soko.Slot18To20: "04", soko.Slot19To21: "04", soko.SlotMorning: "01"}},
		{"six slots", &soko.CarrierAccount{Carrier: "sagawa", SixSlots: true}, map[soko.TimeSlot]string{soko.Slot18To20: "18", soko.Slot19To21: "19", soko.Slot12To14: "12"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for slot, want := range tt.want {
				row := MustSampleRows(t, "sagawa")[0]
				row.Account, row.Order.TimeSlot = tt.account, slot
				e := MustExport(t, "sagawa", []ExportRow{row})
				if len(e.problems) != 0 {
					t.Fatalf("problems %+v", e.problems)
				}
				if got := at(e.records[1], headerIndex(t, e, "配達指定時間帯")); got != want {
					t.Errorf("slot %s = %q, want %q", slot, got, want)
				}
			}
		})
	}
}

func TestAccountFor(t *testing.T) {
	accounts := []soko.CarrierAccount{
		{ID: 1, Carrier: "yamato", BillingCode: "0311111111"},
		{ID: 2, Carrier: "yamato", MerchantID: 7, BillingCode: "0622222222"},
		{ID: 3, Carrier: "sagawa", MerchantID: 7, SixSlots: true},
	}
	for _, tt := range []struct {
		carrier  string
		merchant int64
		want     int64
	}{
		{"yamato", 7, 2}, // the merchant's own contract
		{"yamato", 8, 1}, // the warehouse's
		{"sagawa", 7, 3},
		{"sagawa", 8, 0}, // none
		{"japanpost", 7, 0},
	} {
		var got int64
		if a := soko.AccountFor(accounts, tt.carrier, tt.merchant); a != nil {
			got = a.ID
		}
		if got != tt.want {
			t.Errorf("AccountFor(%s, merchant %d) = account %d, want %d", tt.carrier, tt.merchant, got, tt.want)
		}
	}
}

// headerIndex finds a column of an exported file by its header.
func headerIndex(t *testing.T, e exported, name string) int {
	t.Helper()
	for i, h := range e.records[0] {
		if h == name {
			return i + 1 // at counts from 1, as the layouts do
		}
	}
	t.Fatalf("no column %s", name)
	return -1
}
