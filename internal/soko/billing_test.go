package soko

import (
	"encoding/json"
	"testing"
	"time"
)

func TestRounding_Divide(t *testing.T) {
	tests := []struct {
		r    Rounding
		n, d int64
		want int64
	}{
		{RoundDown, 1049, 100, 10}, {RoundHalfUp, 1049, 100, 10}, {RoundUp, 1049, 100, 11},
		{RoundDown, 1050, 100, 10}, {RoundHalfUp, 1050, 100, 11}, {RoundUp, 1050, 100, 11},
		{RoundDown, 1000, 100, 10}, {RoundHalfUp, 1000, 100, 10}, {RoundUp, 1000, 100, 10},
		{RoundDown, -1050, 100, -10}, {RoundHalfUp, -1050, 100, -11}, {RoundUp, -1001, 100, -11},
		{RoundHalfUp, 0, 100, 0},
	}
	for _, tt := range tests {
		if got := tt.r.Divide(tt.n, tt.d); got != tt.want {
			t.Errorf("%s.Divide(%d, %d) = %d, want %d", tt.r, tt.n, tt.d, got, tt.want)
		}
	}
}

func TestStoragePeriods(t *testing.T) {
	tests := []struct {
		month string
		n     int
		want  [][2]int
	}{
		{"2026-11", 3, [][2]int{{1, 10}, {11, 20}, {21, 30}}},
		{"2026-12", 3, [][2]int{{1, 10}, {11, 20}, {21, 31}}},
		{"2027-02", 3, [][2]int{{1, 10}, {11, 20}, {21, 28}}},
		{"2028-02", 3, [][2]int{{1, 10}, {11, 20}, {21, 29}}},
		{"2026-12", 2, [][2]int{{1, 15}, {16, 31}}},
		{"2026-12", 1, [][2]int{{1, 31}}},
	}
	for _, tt := range tests {
		m, err := ParseMonth(tt.month)
		if err != nil {
			t.Fatal(err)
		}
		ps := StoragePeriods(m, tt.n)
		if len(ps) != len(tt.want) {
			t.Fatalf("%s/%d: %d periods", tt.month, tt.n, len(ps))
		}
		for i, p := range ps {
			if p.FirstDay != tt.want[i][0] || p.LastDay != tt.want[i][1] || p.N != i+1 {
				t.Errorf("%s/%d period %d = %d–%d", tt.month, tt.n, i+1, p.FirstDay, p.LastDay)
			}
			if !p.To.Equal(p.From.AddDate(0, 0, p.LastDay-p.FirstDay+1)) || p.From.Day() != p.FirstDay {
				t.Errorf("%s/%d period %d spans %v–%v", tt.month, tt.n, i+1, p.From, p.To)
			}
		}
		if !ps[0].From.Equal(m.Start()) || !ps[len(ps)-1].To.Equal(m.End()) {
			t.Errorf("%s/%d does not cover the month", tt.month, tt.n)
		}
	}
	if _, err := ParseMonth("2026-13"); ErrorCode(err) != EINVALID {
		t.Errorf("ParseMonth(2026-13) = %v", err)
	}
}

func TestMonth_JapanTime(t *testing.T) {
	// 15:30 UTC on 30 November is 00:30 on 1 December in Japan.
	if got := MonthOf(time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC)).String(); got != "2026-12" {
		t.Errorf("MonthOf = %s", got)
	}
	m := Month{2026, 12}
	if m.Next().String() != "2027-01" || m.Start().UTC() != time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC) {
		t.Errorf("Next %s Start %v", m.Next(), m.Start().UTC())
	}
}

func TestStorageUnits_ThreePeriods(t *testing.T) {
	m := Month{2026, 11}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, JST) }
	moves := []StockMove{
		{At: at(5, 10), Delta: 50, Inbound: true},  // received in period 1
		{At: at(9, 12), Delta: -30},                // shipped in period 1
		{At: at(11, 0), Delta: 20, Inbound: true},  // received at the opening instant of period 2
		{At: at(20, 23), Delta: -10},               // shipped at the end of period 2
		{At: at(21, 0), Delta: -5},                 // shipped at the opening of period 3
		{At: at(30, 23), Delta: 7, Inbound: true},  // received on the last day
		{At: at(1, 0).AddDate(0, 1, 0), Delta: 99}, // next month: ignored
	}
	got := StorageUnits(m, 3, 100, moves)
	want := []struct{ opening, received int64 }{{100, 50}, {120, 20}, {130, 7}}
	for i, w := range want {
		if got[i].Opening != w.opening || got[i].Received != w.received {
			t.Errorf("period %d: opening %d received %d, want %d + %d", i+1, got[i].Opening, got[i].Received, w.opening, w.received)
		}
	}
	var units int64
	for _, p := range got {
		units += p.Units()
	}
	if units != 150+140+137 {
		t.Errorf("units billed %d", units)
	}
}

func TestLocationDays(t *testing.T) {
	m := Month{2026, 11}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, JST) }
	moves := []StockMove{
		{At: at(2, 9), Location: 2, Delta: 10},  // location 2 filled on the 2nd
		{At: at(3, 9), Location: 1, Delta: -5},  // location 1 emptied on the 3rd: still counts that day
		{At: at(4, 9), Location: 3, Delta: 4},   // location 3 filled and emptied on the 4th
		{At: at(4, 17), Location: 3, Delta: -4}, //
	}
	days := LocationDays(m, map[int64]int64{1: 5}, moves)
	want := map[int]int{1: 1, 2: 2, 3: 2, 4: 2, 5: 1, 30: 1}
	for day, n := range want {
		if days[day-1] != n {
			t.Errorf("day %d: %d locations, want %d", day, days[day-1], n)
		}
	}
	if len(days) != 30 {
		t.Errorf("%d days", len(days))
	}
}

func TestBuildStatement(t *testing.T) {
	card := &RateCard{TaxRate: 10, Rounding: RoundDown, StoragePeriods: 3,
		StorageUnitPeriod: 35, PickOrder: 15000, PickExtraUnit: 3333, Label: 0,
		Boxes: map[string]int64{"60": 8000}, Fixed: []FixedFee{{Name: "システム利用料", Price: 1000000}}}
	details := []BillingDetail{
		{Date: "2026-11-01", Charge: ChargeStorageUnitPeriod, Ref: "第1期", Quantity: 101},
		{Date: "2026-11-02", Charge: ChargePickOrder, Ref: "A-1", Quantity: 1},
		{Date: "2026-11-02", Charge: ChargePickExtraUnit, Ref: "A-1", Quantity: 2},
		{Date: "2026-11-02", Charge: ChargeBox + "60", Ref: "A-1", Quantity: 1},
		{Date: "2026-11-02", Charge: ChargeBox + "80", Ref: "A-1", Quantity: 1}, // unpriced box
		{Date: "2026-11-02", Charge: ChargeLabel, Ref: "A-1", Quantity: 1},      // unpriced
	}
	adj := []BillingAdjustment{{Description: "10月分 返金", Amount: -500, TaxRate: 10}}
	for _, tt := range []struct {
		r                   Rounding
		storage, extra, tax int64
	}{
		// storage 101 × 0.35 = 35.35; extra units 2 × 33.33 = 66.66
		{RoundDown, 35, 66, 983},   // base 35+150+66+80+10000-500 = 9831 → tax 983.1
		{RoundHalfUp, 35, 67, 983}, // base 9832 → 983.2
		{RoundUp, 36, 67, 984},     // base 9833 → 983.3
	} {
		card.Rounding = tt.r
		st := BuildStatement(card, details, adj)
		amounts := map[string]int64{}
		for _, l := range st.Lines {
			amounts[l.Charge] = l.Amount
		}
		if amounts[ChargeStorageUnitPeriod] != tt.storage || amounts[ChargePickExtraUnit] != tt.extra {
			t.Errorf("%s: storage %d extra %d", tt.r, amounts[ChargeStorageUnitPeriod], amounts[ChargePickExtraUnit])
		}
		if _, ok := amounts[ChargeLabel]; ok {
			t.Errorf("%s: an unpriced charge is billed", tt.r)
		}
		if len(st.Details) != 4 {
			t.Errorf("%s: %d details, want the 4 priced ones", tt.r, len(st.Details))
		}
		base := amounts[ChargeStorageUnitPeriod] + 150 + amounts[ChargePickExtraUnit] + 80 + 10000 - 500
		wantTax := tt.tax
		if st.Subtotal != base || st.Tax != wantTax || st.Total != base+wantTax || len(st.Taxes) != 1 {
			t.Errorf("%s: subtotal %d tax %d total %d, want %d %d", tt.r, st.Subtotal, st.Tax, st.Total, base, wantTax)
		}
		if st.Lines[0].Charge != ChargeStorageUnitPeriod || st.Lines[len(st.Lines)-1].Charge != ChargeAdjustment {
			t.Errorf("%s: lines out of order: %+v", tt.r, st.Lines)
		}
	}
}

func TestBuildStatement_TaxOncePerRate(t *testing.T) {
	// Three lines of ¥15 at 10 %: per line the tax would be 1+1+1 = 3, once
	// on the sum it is 4 (45 × 10 % = 4.5, rounded down).
	card := &RateCard{TaxRate: 10, Rounding: RoundDown, StoragePeriods: 3, PickOrder: 1500, Label: 1500, GiftWrap: 1500}
	st := BuildStatement(card, []BillingDetail{
		{Charge: ChargePickOrder, Quantity: 1}, {Charge: ChargeLabel, Quantity: 1}, {Charge: ChargeGiftWrap, Quantity: 1},
	}, []BillingAdjustment{{Description: "立替送料", Amount: 1000, TaxRate: 0}, {Description: "食品", Amount: 108, TaxRate: 8}})
	if st.Tax != 4+8 || len(st.Taxes) != 3 || st.Taxes[0].Rate != 10 || st.Taxes[0].Tax != 4 || st.Taxes[2].Rate != 0 {
		t.Errorf("taxes %+v total %d", st.Taxes, st.Tax)
	}
	if st.Total != 45+1000+108+12 {
		t.Errorf("total %d", st.Total)
	}
}

// A closed month's body keeps a line's name under name and name_en, as it
// always has: bodies closed before the name became a Text read back the same.
func TestStatementLine_JSON(t *testing.T) {
	const stored = `{"charge":"pick_order","name":"出荷作業料（基本）","name_en":"Picking (per order)","unit":"件","quantity":3,"unit_price":15000,"amount":450,"tax_rate":10}`
	var l StatementLine
	if err := json.Unmarshal([]byte(stored), &l); err != nil {
		t.Fatal(err)
	}
	want := StatementLine{Charge: ChargePickOrder, Name: Text{JA: "出荷作業料（基本）", EN: "Picking (per order)"}, Unit: "件",
		Quantity: 3, UnitPrice: 15000, Amount: 450, TaxRate: 10}
	if l != want {
		t.Errorf("read %+v, want %+v", l, want)
	}
	b, err := json.Marshal(Statement{Lines: []StatementLine{l}})
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Lines []json.RawMessage `json:"lines"`
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.Lines) != 1 || string(back.Lines[0]) != stored {
		t.Errorf("written %s, want %s (%v)", b, stored, err)
	}
}

func TestRateCard_Validate(t *testing.T) {
	ok := RateCard{TaxRate: 10, Rounding: RoundDown, StoragePeriods: 3}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := RateCard{TaxRate: 5, Rounding: "bankers", StoragePeriods: 4, PickOrder: -1, Boxes: map[string]int64{"": 1}, Fixed: []FixedFee{{Name: " "}}}
	err := bad.Validate()
	e, _ := err.(*Error)
	if e == nil || len(e.Fields) != 6 {
		t.Errorf("Validate = %v", err)
	}
}

func TestFormatPrice(t *testing.T) {
	for sen, want := range map[int64]string{0: "0", 1200: "12", 350: "3.5", 1234: "12.34", 123456789: "1,234,567.89", -50000: "-500"} {
		if got := FormatPrice(sen); got != want {
			t.Errorf("FormatPrice(%d) = %q, want %q", sen, got, want)
		}
	}
}
