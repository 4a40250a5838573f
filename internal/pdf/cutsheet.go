package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/soko"
)

// cutSheet is pre-cut stock of equal cells in rows and columns — shelf labels,
// badge cards — with a Code 128 on every cell, in millimetres and points.
type cutSheet struct {
	page         gofpdf.SizeType
	cols, rows   int
	cellW, cellH float64
	left, top    float64
	padX, padY   float64
	module, barH float64
	dpi          PrinterDPI
	textPt       float64 // the cell's large text
	minPt        float64
}

// cell is where the i-th cell goes on its sheet, filled row by row as
// people read.
func (sh *cutSheet) cell(i int) rect {
	n := i % (sh.cols * sh.rows)
	return rect{sh.left + float64(n%sh.cols)*sh.cellW, sh.top + float64(n/sh.cols)*sh.cellH, sh.cellW, sh.cellH}
}

// cellCode names, for refusals, what a sheet's cells carry: "location code"
// on a "label", 「ロケーションコード」 on a 「ラベル」, and how the Japanese
// counts the n-th of them (件目, 人目).
type cellCode struct {
	item, code, medium       string
	itemJA, codeJA, mediumJA string
	nthJA                    string
}

// barcodes makes each cell's Code 128, refusing (EINVALID) an empty code or
// one too wide for a cell before anything is drawn.
func (sh *cutSheet) barcodes(codes []string, what cellCode) ([]bars, error) {
	room := sh.cellW - 2*sh.padX
	out := make([]bars, len(codes))
	for i, c := range codes {
		if strings.TrimSpace(c) == "" {
			return nil, soko.Errorf(soko.EINVALID, "%s %d of %d has no %s", what.item, i+1, len(codes), what.code).
				JA("%d%sの%sに%sがありません", i+1, what.nthJA, what.itemJA, what.codeJA)
		}
		b, err := code128Bars(c)
		if err != nil || b.width(minNarrow) > room {
			return nil, soko.Errorf(soko.EINVALID, "%s %q cannot be printed as a Code 128 barcode on a %g mm %s", what.code, c, sh.cellW, what.medium).
				JA("%s「%s」は%sのバーコード（Code128）にできません", what.codeJA, c, what.mediumJA)
		}
		out[i] = b
	}
	return out, nil
}

// print writes n cells, a new page whenever one is full, as one PDF titled
// title; draw fills the i-th cell.
func (sh *cutSheet) print(w io.Writer, n int, title string, now func() time.Time, draw func(f *gofpdf.Fpdf, cell rect, i int)) error {
	if now == nil {
		now = time.Now
	}
	f, release, err := newDocument(sh.page, now())
	if err != nil {
		return fmt.Errorf("pdf: %s: %w", title, err)
	}
	defer release()
	f.SetTitle(title, true)
	for i := 0; i < n; i++ {
		if i%(sh.cols*sh.rows) == 0 {
			f.AddPage()
		}
		draw(f, sh.cell(i), i)
	}
	if f.Err() {
		return fmt.Errorf("pdf: %s: %w", title, f.Error())
	}
	if err := output(f, w); err != nil {
		return fmt.Errorf("pdf: %s: %w", title, err)
	}
	return nil
}
