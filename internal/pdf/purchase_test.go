package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// TestPurchaseOrder_Text reads a two-page purchase order back with
// pdftotext (which drops the spaces of "1 / 2"): the supplier addressed, the numbers, the delivery place and
// date, every line and the total.
func TestPurchaseOrder_Text(t *testing.T) {
	po := soko.PurchaseOrder{
		Number: "PO-20261123-001", InboundNumber: "PO-20261123-001", Status: soko.PurchaseOrdered,
		Supplier:     soko.Supplier{Code: "TOWELCO", Name: "今治タオル工業株式会社", Contact: "営業部 佐藤 0898-00-0000"},
		ExpectedDate: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
	}
	for i := 1; i <= 30; i++ {
		po.Lines = append(po.Lines, soko.PurchaseOrderLine{SKU: fmt.Sprintf("TWL-%03d", i), Name: "今治フェイスタオル 白", Quantity: 12 * i})
	}
	var buf bytes.Buffer
	if err := PurchaseOrder(&buf, PurchaseOrderData{Order: po, Buyer: "さくら雑貨店", Warehouse: "soko 東京倉庫"}, PurchaseOrderOptions{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	text := MustText(t, mustWritePDF(t, buf.Bytes()))
	ps := pages(text)
	if len(ps) != 2 {
		t.Fatalf("%d pages, want 2 (28 lines a page):\n%s", len(ps), text)
	}
	for _, want := range []string{"発注書", "今治タオル工業株式会社 御中", "PO-20261123-001", "さくら雑貨店", "soko 東京倉庫",
		"2026年12月7日", "営業部 佐藤 0898-00-0000", "TWL-001", "今治フェイスタオル 白", "1/2"} {
		if !strings.Contains(ps[0], want) {
			t.Errorf("page 1 lacks %q:\n%s", want, ps[0])
		}
	}
	for _, want := range []string{"TWL-030", "360", "合計数量", "5580", "2/2"} {
		if !strings.Contains(ps[1], want) {
			t.Errorf("page 2 lacks %q:\n%s", want, ps[1])
		}
	}
	if err := PurchaseOrder(&buf, PurchaseOrderData{Order: soko.PurchaseOrder{Number: "PO-EMPTY"}}, PurchaseOrderOptions{}); soko.ErrorCode(err) != soko.EINVALID {
		t.Fatalf("a purchase order without lines: %v", err)
	}
}
