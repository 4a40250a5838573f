package pdf

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// PurchaseOrderData is what a purchase order (発注書) prints: who orders
// what from whom, and where and when it is to be delivered.
type PurchaseOrderData struct {
	Order soko.PurchaseOrder
	// Buyer is the merchant ordering (発注者); Warehouse the delivery
	// place (納品先) the goods go to.
	Buyer     string
	Warehouse string
}

// PurchaseOrderOptions choose how a purchase order is printed; the zero
// value dates it now.
type PurchaseOrderOptions struct {
	// Now is the clock for the issue date and the PDF's dates; nil means
	// time.Now.
	Now func() time.Time
}

// purchaseRowsPerPage is how many lines an A4 page holds under the header.
const purchaseRowsPerPage = 28

// PurchaseOrder writes a purchase order as an A4 PDF to w: the supplier
// addressed (御中), the order and inbound number the supplier is asked to
// quote on its delivery note, the delivery place and date, and the lines
// with their quantities. A purchase order without lines is refused
// (EINVALID) before anything is written.
func PurchaseOrder(w io.Writer, d PurchaseOrderData, opt PurchaseOrderOptions) error {
	po := &d.Order
	if len(po.Lines) == 0 {
		return soko.Errorf(soko.EINVALID, "purchase order %s has no lines", po.Number).JA("発注書 %s に明細がありません", po.Number)
	}
	f, issued, release, err := newA4("発注書 "+po.Number, opt.Now)
	if err != nil {
		return fmt.Errorf("pdf: purchase order %s: %w", po.Number, err)
	}
	defer release()
	pages := (len(po.Lines) + purchaseRowsPerPage - 1) / purchaseRowsPerPage
	const x, width = 15.0, 180.0
	cell := func(cx, cy, cw, ch, pt float64, s, align string) { boxText(f, cx, cy, cw, ch, pt, s, align) }
	inbound := po.InboundNumber
	if inbound == "" {
		inbound = "承認待ち（下書き） / draft awaiting approval"
	}
	for page := 0; page < pages; page++ {
		f.AddPage()
		y := 15.0
		cell(x, y, width, 12, 22, "発注書", "C")
		cell(x, y+11, width, 5, 9, "Purchase order", "C")
		cell(x, y+20, 110, 7, 14, d.Order.Supplier.Name+" 御中", "L")
		f.SetLineWidth(0.3)
		f.Line(x, y+27.5, x+105, y+27.5)
		facts := [][2]string{
			{"発注番号", po.Number},
			{"発注日", date(issued)},
			{"発注者", d.Buyer},
		}
		fy := y + 20
		for _, fact := range facts {
			cell(x+115, fy, 22, 6, 10, fact[0], "L")
			cell(x+137, fy, 43, 6, 10, fact[1], "L")
			fy += 6
		}
		if c := oneLine(po.Supplier.Contact); c != "" {
			cell(x, y+30, 110, 5, 9, "ご担当："+c, "L")
		}
		cell(x, y+40, width, 6, 10, "下記のとおり発注いたします。納品書には発注番号を必ずご記載ください。", "L")
		info := [][2]string{
			{"納品先", d.Warehouse},
			{"納品希望日", date(po.ExpectedDate)},
			{"入荷予定番号", inbound},
		}
		iy := y + 49
		for _, fact := range info {
			f.Rect(x, iy, 30, 7, "D")
			f.Rect(x+30, iy, width-30, 7, "D")
			cell(x+1.5, iy, 28, 7, 10, fact[0], "L")
			cell(x+31.5, iy, width-33, 7, 10, fact[1], "L")
			iy += 7
		}
		ty := iy + 6
		cols := []formColumn{{"No.", 12, "R"}, {"商品コード (SKU)", 45, "L"}, {"商品名", 93, "L"}, {"数量", 30, "R"}}
		tableRow(f, cols, x, ty, 7, 10, 1.5, nil, true)
		ty += 7
		first := page * purchaseRowsPerPage
		for i := first; i < min(first+purchaseRowsPerPage, len(po.Lines)); i++ {
			l := po.Lines[i]
			tableRow(f, cols, x, ty, 7, 10, 1.5, []string{strconv.Itoa(i + 1), l.SKU, l.Name, strconv.Itoa(l.Quantity)}, false)
			ty += 7
		}
		if page == pages-1 {
			f.Rect(x+150, ty, 30, 7, "D")
			cell(x+120, ty, 28, 7, 10, "合計数量", "R")
			cell(x+151.5, ty, 27, 7, 10, strconv.Itoa(po.Units()), "R")
		}
		cell(x, 280, width, 5, 8, fmt.Sprintf("%s　%d / %d", po.Number, page+1, pages), "R")
	}
	if f.Err() {
		return fmt.Errorf("pdf: purchase order %s: %w", po.Number, f.Error())
	}
	return output(f, w)
}
