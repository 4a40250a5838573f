package pdf

import (
	"fmt"
	"math"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/codabar"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/ean"
	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/gs1"
)

// PrinterDPI is the resolution of the printer a document is for, in dots
// per inch: thermal label printers print 203 or 300.
type PrinterDPI int

// The printer resolutions soko lays barcodes out for.
const (
	DPI203 PrinterDPI = 203 // the default: most thermal label printers
	DPI300 PrinterDPI = 300
)

// orDefault is dpi, or DPI203 when none was chosen.
func (dpi PrinterDPI) orDefault() PrinterDPI {
	if dpi <= 0 {
		return DPI203
	}
	return dpi
}

// dot is one printer dot in millimetres.
func (dpi PrinterDPI) dot() float64 { return 25.4 / float64(dpi.orDefault()) }

// snapModule is module narrowed to a whole number of printer dots, never
// less than one. A module of 2.4 dots prints as 2 or 3 dots bar by bar, so
// bars meant to be equal are not, and decoders miss the code (issue 22:
// zbar failed 11 of 25 labels at 0.30 mm on a 203 dpi rendering). Rounding
// down keeps the code within the width the layout gave it.
func snapModule(module float64, dpi PrinterDPI) float64 {
	dot := dpi.dot()
	return math.Max(1, math.Floor(module/dot+1e-9)) * dot
}

// snapX moves x right onto the printer's dot grid, so that every bar edge,
// a whole number of dots from it, falls on a dot boundary too.
func snapX(x float64, dpi PrinterDPI) float64 {
	dot := dpi.dot()
	return math.Ceil(x/dot-1e-9) * dot
}

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

// codabarWide is the width of a wide NW-7 element in narrow ones. JIS X 0503
// allows 2.0 to 3.0; boombuler/barcode draws 2, the edge of the range, where
// the print gain of a thermal head soon makes wide and narrow hard to tell
// apart, so labels draw 3. Being a whole number, it keeps the bars in whole
// modules and the quiet zone at quietModules narrow elements.
const codabarWide = 3

// codabarStartStop is the start and stop character Japanese carriers print
// around a tracking number (carriers.md).
const codabarStartStop = "A"

// codabarBars encodes digits as NW-7 (Codabar) between the start and stop
// characters, with one narrow element as the module. boombuler/barcode
// supplies the standard encoding table; its elements alternate bar and space,
// so each run is one element, and every 2-module run is a wide element to
// widen to codabarWide.
func codabarBars(digits string) (bars, error) {
	code, err := codabar.Encode(codabarStartStop + digits + codabarStartStop)
	if err != nil {
		return bars{}, err
	}
	b := runsOf(code)
	b.modules = 0
	for i, run := range b.runs {
		if run > 1 {
			b.runs[i] = codabarWide
		}
		b.modules += b.runs[i]
	}
	return b, nil
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
// quiet zone begins; module is snapped to whole dots of a dpi printer and x
// to its dot grid (snapModule), so the code may come out a little narrower
// than width(module), never wider. Whole bars rather than single modules keep adjacent
// modules from showing hairline gaps when a viewer anti-aliases them. Bars
// are always black: gofpdf carries the fill colour over from the page before,
// and a slip's grey table header would otherwise turn the next page's
// barcode too pale to scan.
func (b bars) draw(f *gofpdf.Fpdf, x, y, module, height float64, dpi PrinterDPI) {
	f.SetFillColor(0, 0, 0)
	module = snapModule(module, dpi)
	x = snapX(x+quietModules*module, dpi)
	for i, run := range b.runs {
		w := float64(run) * module
		if i%2 == 0 {
			f.Rect(x, y, w, height, "F")
		}
		x += w
	}
}

// eanBars encodes a JAN (EAN-13 or EAN-8, check digit included) and returns
// the bars to draw; a code that is not one is refused.
func eanBars(jan string) (bars, error) {
	if (len(jan) != 13 && len(jan) != 8) || !gs1.Valid(jan) {
		return bars{}, fmt.Errorf("pdf: %q is not an EAN-13 or EAN-8", jan)
	}
	code, err := ean.Encode(jan)
	if err != nil {
		return bars{}, err
	}
	return runsOf(code), nil
}
