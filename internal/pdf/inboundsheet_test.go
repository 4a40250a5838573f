package pdf

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// inboundSheetData is an inbound of n lines, every product with a JAN but
// the last, and lots and expiry on the even lines.
func inboundSheetData(n int) InboundSheetData {
	d := InboundSheetData{
		Inbound:  soko.Inbound{Number: "ASN-20261201-07", ExpectedDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Reference: "仕入先納品書 NO.8841"},
		Merchant: "さくら雑貨店", Warehouse: "soko 東京倉庫", JANs: map[string]string{},
	}
	jans := []string{"4901234567894", "4549526612343", "4512345678906", "49123456"}
	for i := 1; i <= n; i++ {
		l := soko.InboundLine{SKU: fmt.Sprintf("TWL-%03d", i), Name: "今治フェイスタオル 白", Quantity: 10 * i}
		if i%2 == 0 {
			l.Lot, l.Expiry = fmt.Sprintf("L%04d", i), time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
		}
		if i < n {
			d.JANs[l.SKU] = jans[(i-1)%len(jans)]
		}
		d.Inbound.Lines = append(d.Inbound.Lines, l)
	}
	return d
}

// TestInboundSheet_Text reads a two-page inbound sheet back with pdftotext:
// the numbers, the date, the reference, every line with its lot and expiry,
// and the total.
func TestInboundSheet_Text(t *testing.T) {
	var buf bytes.Buffer
	if err := InboundSheet(&buf, inboundSheetData(16), InboundSheetOptions{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	ps := pages(MustText(t, mustWritePDF(t, buf.Bytes())))
	if len(ps) != 2 {
		t.Fatalf("%d pages, want 2 (14 lines a page)", len(ps))
	}
	for _, want := range []string{"入荷予定表", "ASN-20261201-07", "2026年12月1日", "仕入先納品書 NO.8841", "さくら雑貨店", "soko 東京倉庫",
		"TWL-001", "今治フェイスタオル 白", "4901234567894", "L0002", "2027-03-31", "1/2"} {
		if !strings.Contains(ps[0], want) {
			t.Errorf("page 1 lacks %q:\n%s", want, ps[0])
		}
	}
	for _, want := range []string{"TWL-016", "160", "合計数量", "1360", "2/2"} {
		if !strings.Contains(ps[1], want) {
			t.Errorf("page 2 lacks %q:\n%s", want, ps[1])
		}
	}
	if err := InboundSheet(&buf, InboundSheetData{Inbound: soko.Inbound{Number: "ASN-EMPTY"}}, InboundSheetOptions{}); soko.ErrorCode(err) != soko.EINVALID {
		t.Fatalf("an inbound without lines: %v", err)
	}
}

// TestInboundSheet_Barcodes decodes the sheet rendered at 203 dpi, the
// coarsest printer soko lays barcodes out for: the inbound's number on each
// page as Code 128, and every line's JAN as EAN-13 or EAN-8.
func TestInboundSheet_Barcodes(t *testing.T) {
	d := inboundSheetData(16)
	var buf bytes.Buffer
	if err := InboundSheet(&buf, d, InboundSheetOptions{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	MustRun(t, "pdftoppm", "-r", "203", "-gray", "-png", mustWritePDF(t, buf.Bytes()), filepath.Join(dir, "page"))
	for page, want := range map[string][]string{
		"page-1.png": {"CODE-128:ASN-20261201-07", "EAN-13:4901234567894", "EAN-13:4549526612343", "EAN-13:4512345678906", "EAN-8:49123456"},
		"page-2.png": {"CODE-128:ASN-20261201-07", "EAN-13:4512345678906"},
	} {
		var out bytes.Buffer
		cmd := exec.Command(requireTool(t, "zbarimg"), "-q", filepath.Join(dir, page))
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("zbarimg %s: %v", page, err)
		}
		wantDecoded(t, "inbound sheet "+page, strings.Fields(out.String()), want)
	}
}
