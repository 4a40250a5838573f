package pdf

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/soko"
)

// LocationLabelOptions choose how location labels are printed; the zero
// value dates the PDF now.
type LocationLabelOptions struct {
	// Now is the clock for the PDF's creation and modification dates; nil
	// means time.Now.
	Now func() time.Time
	// DPI is the printer's resolution barcodes are snapped to; 0 means 203.
	DPI PrinterDPI
}

// locationSheetA4 is A4 with 3 × 8 labels of 70 × 33.9 mm and 12.9 mm blank
// at top and bottom, a common pre-cut sheet whose margins suit printers that
// cannot print to the edge.
func locationSheetA4() *cutSheet {
	return &cutSheet{
		page: gofpdf.SizeType{Wd: 210, Ht: 297}, cols: 3, rows: 8,
		cellW: 70, cellH: 33.9, left: 0, top: 12.9,
		// The padding keeps the print inside a label even when the sheet
		// feeds a millimetre or two askew.
		padX: 3, padY: 2,
		module: 0.33, barH: 13,
		textPt: 22, minPt: 10,
	}
}

// LocationLabels writes labels for shelf locations, 24 to an A4 sheet, as one
// PDF to w: the location code in large type for pickers and as Code 128 for
// their scanners, with the zone and walk sequence small beneath. Invalid
// locations are refused (EINVALID) before anything is written.
func LocationLabels(w io.Writer, locs []soko.Location, opt LocationLabelOptions) error {
	if len(locs) == 0 {
		return soko.Errorf(soko.EINVALID, "no locations to print labels for").JA("印刷するロケーションがありません")
	}
	sh := locationSheetA4()
	sh.dpi = opt.DPI.orDefault()
	codes := make([]string, len(locs))
	for i, l := range locs {
		codes[i] = l.Code
	}
	bars, err := sh.barcodes(codes, cellCode{item: "location", code: "location code", medium: "label",
		itemJA: "ロケーション", codeJA: "ロケーションコード", mediumJA: "ラベル", nthJA: "件目"})
	if err != nil {
		return err
	}
	return sh.print(w, len(locs), "ロケーションラベル "+strconv.Itoa(len(locs))+"件", opt.Now, func(f *gofpdf.Fpdf, cell rect, i int) {
		drawLocation(f, sh, cell, &locs[i], bars[i])
	})
}

// drawLocation prints one shelf label: the code large, its barcode, the
// zone and walk sequence small.
func drawLocation(f *gofpdf.Fpdf, sh *cutSheet, cell rect, l *soko.Location, code bars) {
	in := cell.inset(sh.padX, sh.padY)
	const codeH = 8.5
	t := fit(f, []string{oneLine(l.Code)}, in.w, codeH, sh.textPt, sh.minPt)
	y := in.y + (codeH-t.height())/2
	for _, line := range t.lines {
		f.SetXY(in.x, y)
		f.CellFormat(in.w, t.lineHeight(), line, "", 0, "C", false, 0, "")
		y += t.lineHeight()
	}
	module := sh.module
	if code.width(module) > in.w {
		module = in.w / float64(code.modules+2*quietModules)
	}
	barTop := in.y + codeH + 0.5
	code.draw(f, in.x+(in.w-code.width(module))/2, barTop, module, sh.barH, sh.dpi)

	var facts []string
	if z := oneLine(l.Zone); z != "" {
		facts = append(facts, "ゾーン "+z)
	}
	if l.WalkSequence != 0 {
		facts = append(facts, "順路 "+strconv.Itoa(l.WalkSequence))
	}
	if len(facts) > 0 {
		factsTop := barTop + sh.barH + 0.5
		fitted := fit(f, []string{strings.Join(facts, "　")}, in.w, in.y+in.h-factsTop, 8, 5)
		f.SetXY(in.x, factsTop)
		for _, line := range fitted.lines {
			f.CellFormat(in.w, fitted.lineHeight(), line, "", 2, "C", false, 0, "")
			f.SetX(in.x)
		}
	}
}
