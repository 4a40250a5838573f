package pdf

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// InboundSheetData is what an inbound sheet (入荷予定表) prints: the
// merchant's notice, who sends it and where to, and each line's JAN.
type InboundSheetData struct {
	Inbound   soko.Inbound
	Merchant  string
	Warehouse string
	// JANs are the JAN codes by SKU, printed as EAN barcodes; a line
	// without one prints none.
	JANs map[string]string
}

// InboundSheetOptions choose how a sheet is printed; the zero value dates
// it now for a 203 dpi rendering's dot grid.
type InboundSheetOptions struct {
	Now func() time.Time
	DPI PrinterDPI
}

// inboundRowsPerPage is how many lines an A4 page holds under the header:
// rows are tall enough for a JAN barcode.
const inboundRowsPerPage = 14

// Sizes of the sheet's barcodes: the inbound number is scanned off a box
// at arm's length, a JAN off the sheet on a desk.
const (
	inboundModule = 0.38
	janModule     = 0.26
)

// InboundSheet writes an inbound sheet as an A4 PDF to w: the inbound's
// number as a Code 128 barcode the receiver scans on the handheld to open
// it, the expected date, the merchant's reference, and per line the SKU,
// name, JAN barcode, quantity, lot and expiry. An inbound without lines, or
// whose number Code 128 cannot carry, is refused (EINVALID).
func InboundSheet(w io.Writer, d InboundSheetData, opt InboundSheetOptions) error {
	in := &d.Inbound
	if len(in.Lines) == 0 {
		return soko.Errorf(soko.EINVALID, "inbound %s has no lines", in.Number).JA("入荷予定 %s に明細がありません", in.Number)
	}
	number, err := code128Bars(in.Number)
	if err != nil {
		return soko.Errorf(soko.EINVALID, "inbound number %s cannot be a barcode", in.Number).JA("入荷予定番号 %s はバーコードにできません", in.Number)
	}
	f, issued, release, err := newA4("入荷予定表 "+in.Number, opt.Now)
	if err != nil {
		return fmt.Errorf("pdf: inbound sheet %s: %w", in.Number, err)
	}
	defer release()
	pages := (len(in.Lines) + inboundRowsPerPage - 1) / inboundRowsPerPage
	const x, width = 12.0, 186.0
	cell := func(cx, cy, cw, ch, pt float64, s, align string) { boxText(f, cx, cy, cw, ch, pt, s, align) }
	cols := []formColumn{{"No.", 9, "R"}, {"商品コード (SKU)", 30, "L"}, {"商品名", 43, "L"}, {"JAN", 36, "C"}, {"数量", 16, "R"}, {"ロット", 26, "L"}, {"賞味期限", 26, "L"}}
	units := 0
	for _, l := range in.Lines {
		units += l.Quantity
	}
	for page := 0; page < pages; page++ {
		f.AddPage()
		y := 12.0
		cell(x, y, 100, 11, 20, "入荷予定表", "L")
		cell(x, y+10, 100, 5, 9, "Inbound sheet", "L")
		bw := number.width(inboundModule)
		number.draw(f, x+width-bw, y, inboundModule, 14, opt.DPI)
		cell(x+width-bw, y+14.5, bw, 5, 10, in.Number, "C")
		facts := [][2]string{
			{"入荷予定番号", in.Number},
			{"入荷予定日", date(in.ExpectedDate)},
			{"荷主", d.Merchant},
			{"納品先", d.Warehouse},
			{"備考（参照番号）", in.Reference},
		}
		fy := y + 24
		for _, fact := range facts {
			f.Rect(x, fy, 36, 7, "D")
			f.Rect(x+36, fy, width-36, 7, "D")
			cell(x+1.5, fy, 33, 7, 10, fact[0], "L")
			cell(x+37.5, fy, width-39, 7, 10, fact[1], "L")
			fy += 7
		}
		cell(x, fy+1, width, 6, 9, "荷物にこの用紙を添付してください。受付時にハンディで上のバーコードを読み取ります。", "L")
		ty := fy + 8
		tableRow(f, cols, x, ty, 7, 9, 1, nil, true)
		ty += 7
		const rowH = 14.0
		first := page * inboundRowsPerPage
		for i := first; i < min(first+inboundRowsPerPage, len(in.Lines)); i++ {
			l := in.Lines[i]
			expiry := ""
			if !l.Expiry.IsZero() {
				expiry = l.Expiry.Format("2006-01-02")
			}
			tableRow(f, cols, x, ty, rowH, 10, 1, []string{strconv.Itoa(i + 1), l.SKU, l.Name, "", strconv.Itoa(l.Quantity), l.Lot, expiry}, false)
			if jan := d.JANs[l.SKU]; jan != "" {
				janX := x + cols[0].w + cols[1].w + cols[2].w
				if b, err := eanBars(jan); err == nil && b.width(janModule) <= cols[3].w {
					b.draw(f, janX+(cols[3].w-b.width(janModule))/2, ty+1.5, janModule, 8, opt.DPI)
				}
				cell(janX, ty+9.5, cols[3].w, 4, 8, jan, "C")
			}
			ty += rowH
		}
		if page == pages-1 {
			qx := x + cols[0].w + cols[1].w + cols[2].w + cols[3].w
			f.Rect(qx, ty, cols[4].w, 7, "D")
			cell(qx-30, ty, 28, 7, 10, "合計数量", "R")
			cell(qx+1, ty, cols[4].w-2, 7, 10, strconv.Itoa(units), "R")
		}
		cell(x, 284, width, 5, 8, fmt.Sprintf("%s　%s発行　%d / %d", in.Number, date(issued), page+1, pages), "R")
	}
	if f.Err() {
		return fmt.Errorf("pdf: inbound sheet %s: %w", in.Number, f.Error())
	}
	return output(f, w)
}
