package pdf

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// zbarAt203 renders every page of a PDF at 203 dpi — what a thermal label
// printer prints — and returns every symbol zbarimg decodes on them, as
// "TYPE:value" (CODE-128:SO-1, CODABAR:A…A).
func zbarAt203(tb testing.TB, pdfPath string) []string {
	tb.Helper()
	dir := tb.TempDir()
	MustRun(tb, "pdftoppm", "-r", "203", "-gray", "-png", pdfPath, filepath.Join(dir, "page"))
	pages, err := filepath.Glob(filepath.Join(dir, "page*.png"))
	if err != nil || len(pages) == 0 {
		tb.Fatalf("pdftoppm made no pages: %v", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(requireTool(tb, "zbarimg"), append([]string{"-q", "-Sdisable", "-Scode128.enable", "-Scodabar.enable"}, pages...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// zbarimg exits 4 when a page has no symbol at all; the caller's
	// expectations say whether that matters.
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 4 {
			tb.Fatalf("zbarimg: %v\n%s", err, stderr.String())
		}
	}
	return strings.Fields(stdout.String())
}

// wantDecoded fails for every expected symbol zbar did not read.
func wantDecoded(t *testing.T, doc string, got []string, want []string) {
	t.Helper()
	have := map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	var missing []string
	for _, w := range want {
		if !have[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		sort.Strings(got)
		t.Errorf("%s at 203 dpi: zbar misses %d of %d barcodes: %v\n(read: %v)", doc, len(missing), len(want), missing, got)
	}
}

// zbarCodabar is how zbar reports a tracking number's NW-7: start and stop
// characters included.
func zbarCodabar(tracking string) string { return "Codabar:A" + tracking + "A" }

// TestDocuments_DecodeAt203dpi is issue 22's "a test that decodes every
// barcode of every document from a 203 dpi rendering": labels (with order
// numbers of every length a shop sends), slips, a wave's combined PDF, the
// handover list, location labels and badge cards.
func TestDocuments_DecodeAt203dpi(t *testing.T) {
	if testing.Short() {
		t.Skip("every document rendered and decoded at 203 dpi takes a minute: -short leaves it to make test")
	}
	var labels []LabelData
	var slips []SlipData
	var want []string
	for i := 0; i < 25; i++ {
		l := MustLabelData(t)
		l.Order.Number = fmt.Sprintf("SO-2026112%d-%0*d", i%10, 1+i%6, i*37)
		l.Parcel.TrackingNumber = MustTrackingNumber(t, fmt.Sprintf("4321098%04d", 7654+i))
		labels = append(labels, l)
		s := MustSlipData(t)
		s.Order = l.Order
		slips = append(slips, s)
		want = append(want, "CODE-128:"+l.Order.Number, zbarCodabar(l.Parcel.TrackingNumber))
	}
	t.Run("labels", func(t *testing.T) {
		wantDecoded(t, "labels", zbarAt203(t, MustRenderLabels(t, labels, LabelOptions{Now: fixedNow})), want)
	})
	t.Run("slips", func(t *testing.T) {
		var orders []string
		for _, s := range slips[:6] {
			orders = append(orders, "CODE-128:"+s.Order.Number)
		}
		wantDecoded(t, "slips", zbarAt203(t, MustRender(t, slips[:6], SlipOptions{Now: fixedNow})), orders)
		a5 := zbarAt203(t, MustRender(t, slips[:6], SlipOptions{Now: fixedNow, Size: A5}))
		wantDecoded(t, "A5 slips", a5, orders)
	})
	t.Run("wave", func(t *testing.T) {
		path := MustRenderDocument(t, DocumentData{Slips: slips[:8], Labels: labels[:8]}, DocumentOptions{Now: fixedNow})
		var w []string
		for i := range 8 {
			w = append(w, want[2*i], want[2*i+1])
		}
		wantDecoded(t, "wave", zbarAt203(t, path), w)
	})
	t.Run("handover", func(t *testing.T) {
		d := MustHandoverData(t)
		w := []string{"CODE-128:" + manifestNumber(d.ManifestID)}
		for _, p := range d.Parcels {
			w = append(w, zbarCodabar(p.TrackingNumber))
		}
		wantDecoded(t, "handover list", zbarAt203(t, MustRenderHandover(t, d)), w)
	})
	t.Run("locations", func(t *testing.T) {
		locs := aisle(26)
		var w []string
		for _, l := range locs {
			w = append(w, "CODE-128:"+l.Code)
		}
		wantDecoded(t, "location labels", zbarAt203(t, MustRenderLocations(t, locs)), w)
	})
	t.Run("badges", func(t *testing.T) {
		staff := crew(12)
		var w []string
		for _, s := range staff {
			w = append(w, "CODE-128:"+s.BadgeCode)
		}
		wantDecoded(t, "badge cards", zbarAt203(t, MustRenderBadges(t, staff, BadgeOptions{})), w)
	})
}

// TestSnapModule: every module is a whole number of printer dots, at 203
// and 300 dpi; the label's 0.30 mm order-number module (2.4 dots at 203)
// becomes 2 dots.
func TestSnapModule(t *testing.T) {
	for _, dpi := range []PrinterDPI{DPI203, DPI300} {
		for _, mm := range []float64{0.254, 0.25, 0.30, 0.33, 0.38, 0.5, 0.1} {
			got := snapModule(mm, dpi)
			dots := got / dpi.dot()
			if d := dots - float64(int(dots+0.5)); d > 1e-9 || d < -1e-9 || dots < 1 || (got > mm+1e-9 && dots > 1) {
				t.Errorf("%g mm at %d dpi → %g mm = %g dots, want a whole number of dots, at most %g mm", mm, dpi, got, dots, mm)
			}
		}
	}
	if got := snapModule(0.30, DPI203) / DPI203.dot(); got < 1.999 || got > 2.001 {
		t.Errorf("0.30 mm at 203 dpi = %g dots, want 2", got)
	}
}

// TestLabel_OrderBarcodeInWholeDots renders a label at 203 dpi and measures
// the order number's Code 128 along one row: every bar and space is a
// whole number of 2-dot modules. At 0.30 mm (2.4 dots) the printer made
// some modules 2 dots and some 3 (issue 22 finding 8).
func TestLabel_OrderBarcodeInWholeDots(t *testing.T) {
	path := MustRenderLabels(t, []LabelData{MustLabelData(t)}, LabelOptions{Now: fixedNow})
	prefix := filepath.Join(t.TempDir(), "label")
	MustRun(t, "pdftoppm", "-r", "203", "-gray", "-png", "-singlefile", path, prefix)
	file, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	img, err := png.Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	lay, err := labelLayoutFor(Label4x6)
	if err != nil {
		t.Fatal(err)
	}
	r := lay.sections().order
	px := func(mm float64) int { return int(mm / 25.4 * 203) }
	y := px(r.y + 2)
	var runs []int
	dark, run, started := false, 0, false
	for x := px(r.x - 3); x < px(r.x+r.w*labelOrderShare); x++ {
		g, _, _, _ := img.At(x, y).RGBA()
		isDark := g < 0x8000
		if !started {
			if isDark {
				started, dark, run = true, true, 1
			}
			continue
		}
		if isDark == dark {
			run++
			continue
		}
		runs = append(runs, run)
		dark, run = isDark, 1
	}
	// The last run is the quiet zone; a Code 128 has at least 6 bars.
	if len(runs) < 11 {
		t.Fatalf("found %d runs across the order barcode, want a Code 128's", len(runs))
	}
	for i, n := range runs {
		if n%2 != 0 {
			t.Fatalf("run %d of the order barcode is %d dots, not a whole number of 2-dot modules: %v", i, n, runs)
		}
	}
}
