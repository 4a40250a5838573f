package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// TestStatement_ManyPagesAndHardNames: a month of 40 shipping days of
// detail runs over several numbered pages, each continued page names the
// merchant; a name the font lacks a character of still prints, and an
// open month says it is a draft.
func TestStatement_ManyPagesAndHardNames(t *testing.T) {
	card := &soko.RateCard{TaxRate: 10, Rounding: soko.RoundHalfUp, StoragePeriods: 3, PickOrder: 15000, Label: 1050, Boxes: map[string]int64{"BOX60": 8000}}
	var details []soko.BillingDetail
	for d := 1; d <= 31; d++ {
		for i := range 30 {
			ref := fmt.Sprintf("SO-%02d-%03d", d, i)
			date := fmt.Sprintf("2026-12-%02d", d)
			details = append(details, soko.BillingDetail{Date: date, Charge: soko.ChargePickOrder, Ref: ref, Quantity: 1},
				soko.BillingDetail{Date: date, Charge: soko.ChargeBox + "BOX60", Ref: ref, Quantity: 1},
				soko.BillingDetail{Date: date, Charge: soko.ChargeLabel, Ref: ref, Quantity: 1})
		}
	}
	st := soko.BuildStatement(card, details, nil)
	st.MerchantCode, st.MerchantName, st.Month = "EMOJI", "絵文字😀ショップ", "2026-12"
	st.Issuer = soko.Issuer{Name: "東京第一倉庫"}
	var buf bytes.Buffer
	if err := Statement(&buf, &st, StatementOptions{Now: func() time.Time { return time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC) }}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "statement.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text := MustText(t, path)
	pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
	if len(pages) < 2 {
		t.Fatalf("%d pages for 93 detail rows", len(pages))
	}
	flat := strings.Join(strings.Fields(text), "")
	// 930 × ¥150 + 930 × ¥80 + 930 × ¥10.5 = 139,500 + 74,400 + 9,765; tax 22,366.5 → 22,367.
	for _, want := range []string{"絵文字〓ショップ様", "未確定", "¥223,665", "¥22,367", "¥246,032", "2026-12-31", "SO-31-000、SO-31-001、SO-31-002ほか27件",
		fmt.Sprintf("%d頁", len(pages)), "2026年12月絵文字〓ショップ様（続き）"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the statement lacks %q", want)
		}
	}
	if strings.Contains(flat, "登録番号") {
		t.Error("a registration number is printed for an issuer without one")
	}
}
