package pdf

import (
	"bytes"
	"image"
	"image/color"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing/oned"

	"github.com/soko-wms/soko/internal/soko"
)

// MustRenderDocument writes a combined document to a temporary PDF and
// returns its path.
func MustRenderDocument(tb testing.TB, d DocumentData, opt DocumentOptions) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := Document(&buf, d, opt); err != nil {
		tb.Fatalf("Document: %v", err)
	}
	return mustWritePDF(tb, buf.Bytes())
}

// pageSizes lists each page's size as pdfinfo prints it, in points.
func pageSizes(tb testing.TB, path string) []string {
	tb.Helper()
	info := MustRun(tb, "pdfinfo", "-f", "1", "-l", "999", path)
	var sizes []string
	for _, m := range regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+(\S+ x \S+) pts`).FindAllStringSubmatch(info, -1) {
		sizes = append(sizes, m[1])
	}
	return sizes
}

// waveDocument is two orders with slips — the first long enough for two
// pages and shipping in two parcels — and a label of a third order without a
// slip. The labels come in no particular order.
func waveDocument(tb testing.TB) DocumentData {
	tb.Helper()
	long := manyLines(tb, 40)
	long.Order.Carrier, long.Order.Service = "yamato", "collect"
	short := MustSlipData(tb)
	short.Order.Number = "SO-20261120-0043"
	short.Order.Recipient.Name = "佐藤 花子"

	label := func(s SlipData, seq, parcels int, first11 string) LabelData {
		l := MustLabelData(tb)
		l.Merchant, l.Order = s.Merchant, s.Order
		l.Parcel.Seq, l.Parcels = seq, parcels
		l.Parcel.TrackingNumber = MustTrackingNumber(tb, first11)
		return l
	}
	orphan := label(MustSlipData(tb), 1, 1, "43210987659")
	orphan.Order.Number = "SO-20261120-0044"
	return DocumentData{
		Slips: []SlipData{long, short},
		Labels: []LabelData{
			orphan,
			label(short, 1, 1, "43210987658"),
			label(long, 1, 2, "43210987656"),
			label(long, 2, 2, "43210987657"),
		},
	}
}

func TestDocument_PagesInOrder(t *testing.T) {
	for _, tc := range []struct {
		opt        DocumentOptions
		slip, labl string
	}{
		{DocumentOptions{Now: fixedNow}, "595.28 x 841.89", "288 x 432"},
		{DocumentOptions{SlipSize: A5, LabelSize: A6, Now: fixedNow}, "419.53 x 595.28", "297.64 x 419.53"},
	} {
		t.Run(string(tc.opt.SlipSize)+string(tc.opt.LabelSize), func(t *testing.T) {
			d := waveDocument(t)
			path := MustRenderDocument(t, d, tc.opt)
			want := []string{tc.slip, tc.slip, tc.labl, tc.labl, tc.slip, tc.labl, tc.labl}
			if got := pageSizes(t, path); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("page sizes\n%q, want\n%q", got, want)
			}
			// Each page is the order's paper it should be.
			ps := pages(MustText(t, path))
			if len(ps) != 7 {
				t.Fatalf("%d pages of text, want 7", len(ps))
			}
			for i, want := range []string{
				"ページ 1/2", "納品書（続き）", groupedForTest(d.Labels[2].Parcel.TrackingNumber), groupedForTest(d.Labels[3].Parcel.TrackingNumber),
				"佐藤 花子 様", groupedForTest(d.Labels[1].Parcel.TrackingNumber), groupedForTest(d.Labels[0].Parcel.TrackingNumber),
			} {
				if !strings.Contains(ps[i], want) {
					t.Errorf("page %d lacks %q:\n%s", i+1, want, ps[i])
				}
			}
		})
	}
}

// Every page's barcodes scan, not only the first's: gofpdf carries colours
// from page to page, and the slip's grey table header once did.
func TestDocument_BarcodesOnEveryPage(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes every page of a wave: -short leaves it to make test")
	}
	d := waveDocument(t)
	path := MustRenderDocument(t, d, DocumentOptions{Now: fixedNow})
	lay, _ := slipLayoutFor(A4)
	slipBarcode := rect{lay.page.Wd / 2, 0, lay.page.Wd / 2, lay.page.Ht / 4}
	// Just the bars, which are about half ink: a pale grey barcode still
	// decodes from a clean rendering, but not from a printed page.
	bars := rect{lay.page.Wd - lay.marginX - lay.rightCol, lay.marginTop + lay.titleLine + 3, lay.rightCol, lay.barHeight}
	for page, want := range map[int]string{1: d.Slips[0].Order.Number, 5: d.Slips[1].Order.Number} {
		img := MustPage(t, path, page)
		got, err := decodeIn(t, img, slipBarcode, oned.NewCode128Reader())
		if err != nil || got != want {
			t.Errorf("page %d: slip barcode reads %q (%v), want %q", page, got, err, want)
		}
		if ink := inkShare(img, bars); ink < 0.2 {
			t.Errorf("page %d: the slip barcode is %.0f%% dark, too pale to print", page, 100*ink)
		}
	}
	labelLay, _ := labelLayoutFor(Label4x6)
	tr := labelLay.sections().tracking
	trackingBars := rect{tr.x + tr.w/2 - 20, tr.y + captionLine + 1, 40, trackingBarHeight - 1}
	for page, l := range map[int]LabelData{4: d.Labels[3], 7: d.Labels[0]} {
		img := MustPage(t, path, page)
		if ink := inkShare(img, trackingBars); ink < 0.2 {
			t.Errorf("page %d: the tracking barcode is %.0f%% dark, too pale to print", page, 100*ink)
		}
		tracking, order := labelBarcodes(t, img, Label4x6)
		if tracking != l.Parcel.TrackingNumber || order != l.Order.Number {
			t.Errorf("page %d: label barcodes read %q %q, want %q %q", page, tracking, order, l.Parcel.TrackingNumber, l.Order.Number)
		}
	}
}

// inkShare is the share of the pixels in r (millimetres) that are dark, as a
// printer or a scanner with a fixed threshold sees them.
func inkShare(img image.Image, r rect) float64 {
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	area := image.Rect(px(r.x), px(r.y), px(r.x+r.w), px(r.y+r.h)).Intersect(img.Bounds())
	dark := 0
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 {
				dark++
			}
		}
	}
	return float64(dark) / float64(max(1, area.Dx()*area.Dy()))
}

func TestDocument_Title(t *testing.T) {
	one := MustLabelData(t)
	second := one
	second.Parcel.Seq = 2
	second.Parcel.TrackingNumber = MustTrackingNumber(t, "43210987655")
	for _, tc := range []struct {
		d    DocumentData
		want string
	}{
		{DocumentData{Slips: []SlipData{MustSlipData(t)}, Labels: []LabelData{one, second}}, "納品書・送り状 SO-20261120-0042"},
		{DocumentData{Labels: []LabelData{one}}, "送り状 SO-20261120-0042"},
		{waveDocument(t), "納品書 2件・送り状 4件"},
	} {
		info := MustRun(t, "pdfinfo", MustRenderDocument(t, tc.d, DocumentOptions{Now: fixedNow}))
		if !regexp.MustCompile(`Title:\s+` + regexp.QuoteMeta(tc.want) + `\n`).MatchString(info) {
			t.Errorf("want title %q:\n%s", tc.want, info)
		}
	}
}

func TestDocument_Invalid(t *testing.T) {
	for name, tc := range map[string]struct {
		d   DocumentData
		opt DocumentOptions
	}{
		"nothing":         {DocumentData{}, DocumentOptions{}},
		"label size A4":   {waveDocument(t), DocumentOptions{LabelSize: A4}},
		"slip size A6":    {waveDocument(t), DocumentOptions{SlipSize: A6}},
		"one bad label":   {func() DocumentData { d := waveDocument(t); d.Labels[2].Parcel.TrackingNumber = "1"; return d }(), DocumentOptions{}},
		"one bad slip":    {func() DocumentData { d := waveDocument(t); d.Slips[1].Order.Lines = nil; return d }(), DocumentOptions{}},
		"label, no order": {DocumentData{Labels: []LabelData{{Parcel: soko.Parcel{Seq: 1, Carrier: "generic", TrackingNumber: "1"}, Parcels: 1}}}, DocumentOptions{}},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Document(&buf, tc.d, tc.opt); soko.ErrorCode(err) != soko.EINVALID {
				t.Errorf("err = %v, want %s", err, soko.EINVALID)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes", buf.Len())
			}
		})
	}
}

// One document, one font: the slip and the labels share the embedded font's
// subset rather than each carrying a copy.
func TestDocument_OneFont(t *testing.T) {
	path := MustRenderDocument(t, waveDocument(t), DocumentOptions{Now: fixedNow})
	fonts := MustRun(t, "pdffonts", path)
	if n := len(regexp.MustCompile(`(?m)^\S+\s+CID TrueType`).FindAllString(fonts, -1)); n != 1 {
		t.Errorf("%d embedded fonts, want 1:\n%s", n, fonts)
	}
	if n := pdfPages(t, path); n != 7 {
		t.Errorf("%d pages", n)
	}
	// gofpdf embeds only the glyphs used: the name says so with a subset
	// tag, as PDF 32000-1 §9.6.4 asks (issue 22 finding 8).
	if !regexp.MustCompile(`(?m)^[A-Z]{6}\+IPAexGothic\s+CID TrueType\s+Identity-H\s+yes\s+yes`).MatchString(fonts) {
		t.Errorf("the embedded font is not named as a subset (TAG+IPAexGothic, emb yes, sub yes):\n%s", fonts)
	}
}
