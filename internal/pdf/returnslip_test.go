package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// TestReturnSlip_ReadsBack prints a return's slip and reads it back with
// pdftotext: the number, the merchant, the reason and every line with its
// grades.
func TestReturnSlip_ReadsBack(t *testing.T) {
	r := &soko.Return{
		Number: "RMA-1001", MerchantName: "さくら雑貨店", OrderNumber: "SO-1", TrackingNumber: "123456789012", Announced: true,
		Reason: soko.ReasonDefective, Disposition: soko.ReturnExchange, ExchangeOrderNo: "SO-1-EX1",
		ReceivedAt: time.Date(2026, 11, 24, 1, 30, 0, 0, time.UTC), Wrong: 1,
		Lines: []soko.ReturnLine{{SKU: "TOWEL", Name: "今治タオル", Quantity: 2,
			Graded: map[soko.ReturnGrade]int{soko.GradeSellable: 1, soko.GradeDamaged: 1}}},
	}
	var buf bytes.Buffer
	if err := ReturnSlip(&buf, r, ReturnSlipOptions{Now: func() time.Time { return r.ReceivedAt }, Warehouse: "東京倉庫"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "slip.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := withoutSpace(MustText(t, path))
	for _, want := range []string{"返品受付票", "RMA-1001（事前連絡あり）", "さくら雑貨店", "SO-1", "商品不良", "交換", "SO-1-EX1", "2026/11/2410:30",
		"TOWEL今治タオル22110", "合計3個うち誤配（荷主の商品ではない）1個", "受付者", "確認者"} {
		if !strings.Contains(text, want) {
			t.Errorf("the slip lacks %q:\n%s", want, text)
		}
	}
	if err := ReturnSlip(&buf, &soko.Return{}, ReturnSlipOptions{}); soko.ErrorCode(err) != soko.EINVALID {
		t.Errorf("an empty return: %v", err)
	}
}
