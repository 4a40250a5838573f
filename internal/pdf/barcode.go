package pdf

import (
	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/jung-kurt/gofpdf"
)

// quietModules is the blank margin each side of a linear barcode, in modules.
// Code 128 asks for at least ten; scanners fail on less when text sits close.
const quietModules = 10

// bars is a linear barcode as the widths of its alternating bars and spaces,
// in modules, starting with a bar.
type bars struct {
	runs    []int
	modules int // total width without quiet zones
}

// code128Bars encodes content as Code 128 (with its check character) and
// returns the bars to draw. boombuler/barcode yields one pixel per module and
// no quiet zone; drawing its modules as vector rectangles at a chosen module
// width is what keeps the bars exact on any printer.
func code128Bars(content string) (bars, error) {
	code, err := code128.Encode(content)
	if err != nil {
		return bars{}, err
	}
	return runsOf(code), nil
}

func runsOf(code barcode.Barcode) bars {
	n := code.Bounds().Dx()
	var b bars
	b.modules = n
	inBar, run := true, 0
	for x := 0; x < n; x++ {
		r, _, _, _ := code.At(x, 0).RGBA()
		isBar := r < 0x8000
		if isBar != inBar {
			b.runs = append(b.runs, run)
			inBar, run = isBar, 0
		}
		run++
	}
	b.runs = append(b.runs, run)
	return b
}

// width is the printed width including both quiet zones.
func (b bars) width(module float64) float64 {
	return float64(b.modules+2*quietModules) * module
}

// draw fills each bar as one rectangle starting at x, which is where the left
// quiet zone begins. Whole bars rather than single modules keep adjacent
// modules from showing hairline gaps when a viewer anti-aliases them.
func (b bars) draw(f *gofpdf.Fpdf, x, y, module, height float64) {
	x += quietModules * module
	for i, run := range b.runs {
		w := float64(run) * module
		if i%2 == 0 {
			f.Rect(x, y, w, height, "F")
		}
		x += w
	}
}
