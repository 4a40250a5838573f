package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"image"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing/oned"

	"github.com/soko-wms/soko/internal/soko"
)

// MustHandoverData is a Yamato pickup closed with three parcels handed over
// — the first of them cash on delivery, two of one order — and one parcel
// missing, confirmed by a supervisor.
func MustHandoverData(tb testing.TB) HandoverData {
	tb.Helper()
	return HandoverData{
		ManifestID: 42,
		Carrier:    "ヤマト運輸",
		PickupDate: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		PickupTime: "14:00",
		Warehouse:  "東京第一倉庫",
		ClosedAt:   time.Date(2026, 11, 23, 5, 42, 0, 0, time.UTC),
		ClosedBy:   "佐藤 花子",
		Parcels: []HandoverParcel{
			{
				TrackingNumber: MustTrackingNumber(tb, "43210987654"), OrderNumber: "SO-20261120-0042",
				Merchant: "さくら雑貨店", Prefecture: "東京都", Service: "宅急便コレクト", Seq: 1, Of: 2, CODAmount: 16590,
			},
			{
				TrackingNumber: MustTrackingNumber(tb, "43210987655"), OrderNumber: "SO-20261120-0042",
				Merchant: "さくら雑貨店", Prefecture: "東京都", Service: "宅急便コレクト", Seq: 2, Of: 2,
			},
			{
				TrackingNumber: MustTrackingNumber(tb, "43210987660"), OrderNumber: "HK-7781",
				Merchant: "北海道フーズ", Prefecture: "北海道", Service: "宅急便", Seq: 1, Of: 1,
			},
		},
		Missing: []HandoverParcel{{
			TrackingNumber: MustTrackingNumber(tb, "43210987671"), OrderNumber: "RY-0093",
			Merchant: "琉球工房", Prefecture: "沖縄県", Service: "宅急便コンパクト", Seq: 1, Of: 1,
		}},
		ConfirmedBy: "高橋 健一",
	}
}

// handoverParcels is n parcels of a busy pickup, every fifth cash on delivery.
func handoverParcels(tb testing.TB, n int) []HandoverParcel {
	tb.Helper()
	prefectures := []string{"東京都", "神奈川県", "大阪府", "北海道", "鹿児島県"}
	ps := make([]HandoverParcel, n)
	for i := range ps {
		ps[i] = HandoverParcel{
			TrackingNumber: MustTrackingNumber(tb, fmt.Sprintf("%011d", 43220000000+i)),
			OrderNumber:    fmt.Sprintf("SO-20261120-%05d", i+1),
			Merchant:       "さくら雑貨店", Prefecture: prefectures[i%len(prefectures)],
			Service: "宅急便", Seq: 1, Of: 1,
		}
		if i%5 == 0 {
			ps[i].CODAmount = int64(1000 + i)
		}
	}
	return ps
}

// MustRenderHandover writes a handover list to a temporary PDF and returns
// its path.
func MustRenderHandover(tb testing.TB, d HandoverData) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := Handover(&buf, d, HandoverOptions{Now: fixedNow}); err != nil {
		tb.Fatalf("Handover: %v", err)
	}
	return mustWritePDF(tb, buf.Bytes())
}

func TestHandover_Text(t *testing.T) {
	d := MustHandoverData(t)
	path := MustRenderHandover(t, d)
	text := MustText(t, path)
	for _, want := range []string{
		`集荷明細`, `Handover list`, `集荷番号 M00000042`,
		`個数`, `3\s*個`, `1件`, regexp.QuoteMeta(expectYen(16590)),
		`No\.\s+問い合わせ番号\s+都道府県\s+荷主\s+注文番号\s+個口\s+サービス\s+代引`,
		`1\s+` + groupedForTest(d.Parcels[0].TrackingNumber) + `\s+東京都\s+さくら雑貨店\s+SO-20261120-0042\s+1/2\s+宅急便コレクト\s+代引 ` + regexp.QuoteMeta(expectYen(16590)),
		`2\s+` + groupedForTest(d.Parcels[1].TrackingNumber) + `\s+東京都\s+さくら雑貨店\s+SO-20261120-0042\s+2/2\s+宅急便コレクト\n`,
		`3\s+` + groupedForTest(d.Parcels[2].TrackingNumber) + `\s+北海道\s+北海道フーズ\s+HK-7781\s+1/1\s+宅急便\n`,
		`未集荷（確認済み）\s+1個\s+確認者 高橋 健一`,
		`1\s+` + groupedForTest(d.Missing[0].TrackingNumber) + `\s+沖縄県\s+琉球工房\s+RY-0093\s+1/1\s+宅急便コンパクト`,
		`上記 3 個の荷物を受領しました。`, `集荷担当者 受領サイン`, `受領時刻`, `受領個数`, `個\n`,
		`集荷番号 M00000042\s+ヤマト運輸\s+発行 2026年11月23日 10:30\s+頁\s*1\s*/\s*1`,
	} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("handover list lacks %q:\n%s", want, text)
		}
	}
	// pdftotext interleaves the facts with the large count beside them, so
	// they are read from their own part of the page.
	l := handoverLayoutA4()
	facts := regionText(t, path, rect{l.marginX, l.marginTop + 20, 90, 26})
	for _, want := range []string{
		`配送業者\s+ヤマト運輸\n`, `集荷日\s+2026年11月23日 14:00\n`, `出荷元\s+東京第一倉庫\n`,
		`締め時刻\s+2026年11月23日 14:42\n`, `締め担当\s+佐藤 花子\n`,
	} {
		if !regexp.MustCompile(want).MatchString(facts) {
			t.Errorf("the header's facts lack %q:\n%s", want, facts)
		}
	}
	for _, banned := range []string{"再発行", "未集荷なし", "代引 ¥0"} {
		if strings.Contains(text, banned) {
			t.Errorf("handover list shows %q:\n%s", banned, text)
		}
	}
	// Missing parcels come after the handed-over ones, under their heading.
	section := strings.Index(text, "未集荷（確認済み）")
	if strings.Index(text, groupedForTest(d.Parcels[2].TrackingNumber)) > section ||
		strings.Index(text, groupedForTest(d.Missing[0].TrackingNumber)) < section {
		t.Errorf("the missing parcel is not listed apart:\n%s", text)
	}
	if n := strings.Count(text, "代引 ¥"); n != 1 {
		t.Errorf("%d parcels show 代引, want the COD parcel only:\n%s", n, text)
	}
}

func TestHandover_NothingMissingReprint(t *testing.T) {
	d := MustHandoverData(t)
	d.Missing, d.ConfirmedBy, d.PickupTime, d.Reprint = nil, "", "", true
	d.Parcels[0].CODAmount = 0
	text := MustText(t, MustRenderHandover(t, d))
	for _, want := range []string{`集荷明細\s+再発行`, `未集荷なし`, `集荷日\s+2026年11月23日\n`} {
		if !regexp.MustCompile(want).MatchString(text) {
			t.Errorf("handover list lacks %q:\n%s", want, text)
		}
	}
	for _, banned := range []string{"未集荷（確認済み）", "確認者", "件", "¥"} {
		if strings.Contains(text, banned) {
			t.Errorf("handover list shows %q:\n%s", banned, text)
		}
	}
}

// A manifest closed with nothing on it prints, for the driver to sign for
// nothing.
func TestHandover_Empty(t *testing.T) {
	d := MustHandoverData(t)
	d.Parcels, d.Missing, d.ConfirmedBy = nil, nil, ""
	path := MustRenderHandover(t, d)
	if n := pdfPages(t, path); n != 1 {
		t.Errorf("%d pages", n)
	}
	text := MustText(t, path)
	for _, want := range []string{"0 個", "集荷した荷物はありません（0個）", "未集荷なし", "上記 0 個の荷物を受領しました。", "集荷担当者 受領サイン"} {
		if !strings.Contains(text, want) {
			t.Errorf("empty handover list lacks %q:\n%s", want, text)
		}
	}
}

// regionText is what pdftotext finds in the part r (millimetres) of the
// first page.
func regionText(tb testing.TB, path string, r rect) string {
	tb.Helper()
	const pt = 72 / 25.4
	return MustRun(tb, "pdftotext", "-layout", "-enc", "UTF-8", "-f", "1", "-l", "1",
		"-x", strconv.Itoa(int(r.x*pt)), "-y", strconv.Itoa(int(r.y*pt)),
		"-W", strconv.Itoa(int(r.w*pt)+1), "-H", strconv.Itoa(int(r.h*pt)+1), path, "-")
}

// handoverRow is where the barcode of the i-th parcel row on a page is,
// the first page's table starting under its header and others' under the
// continuation header, with the band either side of the quiet zones.
func handoverRow(l *handoverLayout, firstPage bool, i int) rect {
	top := l.marginTop + l.contHead
	if firstPage {
		top = l.marginTop + l.head
	}
	c := l.cols[colTracking]
	y := top + l.theadHeight() + float64(i)*l.parcelRowHeight() + l.trackingBarsTop()
	return rect{c.x - 1, y - 0.3, c.w + 2, l.trackingBarH + 0.6}
}

// decodeTracking reads the NW-7 barcode in r of a page, without its start
// and stop characters.
func decodeTracking(tb testing.TB, img image.Image, r rect) (string, error) {
	tb.Helper()
	raw, err := decodeIn(tb, img, r, oned.NewCodaBarReader())
	return strings.Trim(raw, "ABCD"), err
}

func TestHandover_Barcodes(t *testing.T) {
	d := MustHandoverData(t)
	path := MustRenderHandover(t, d)
	l := handoverLayoutA4()
	img := MustPage(t, path, 1)
	manifest := rect{l.page.Wd / 2, l.marginTop - 1, l.page.Wd / 2, l.barH + 2}
	if got, err := decodeIn(t, img, manifest, oned.NewCode128Reader()); err != nil || got != "M00000042" {
		t.Errorf("manifest barcode reads %q (%v), want M00000042", got, err)
	}
	for i, p := range d.Parcels {
		if got, err := decodeTracking(t, img, handoverRow(l, true, i)); err != nil || got != p.TrackingNumber {
			t.Errorf("row %d barcode reads %q (%v), want %q", i+1, got, err, p.TrackingNumber)
		}
	}
	// The missing parcel has no barcode to be scanned as handed over.
	for i := len(d.Parcels); i < len(d.Parcels)+4; i++ {
		if raw, err := decodeTracking(t, img, handoverRow(l, true, i)); err == nil {
			t.Errorf("a barcode %q below the handed-over parcels", raw)
		}
	}
}

// The 14-digit limit is what sizes the tracking column: the longest barcode
// taken, quiet zones included, fits it at a module no narrower than the
// label's floor.
func TestHandover_TrackingColumnFits(t *testing.T) {
	b, err := codabarBars(strings.Repeat("9", maxTrackingDigits))
	if err != nil {
		t.Fatal(err)
	}
	l := handoverLayoutA4()
	if w, col := b.width(handoverNarrow), l.cols[colTracking].w; w > col {
		t.Errorf("a %d-digit barcode is %.2f mm wide, the column %.2f mm", maxTrackingDigits, w, col)
	}
	if handoverNarrow < minNarrow {
		t.Errorf("narrow element %v mm is under %v mm", handoverNarrow, minNarrow)
	}
	total := 0.0
	for _, c := range l.cols {
		total += c.w
	}
	if total > l.contentWidth()+1e-9 {
		t.Errorf("columns take %.1f mm of %.1f mm", total, l.contentWidth())
	}
}

func TestHandover_Paginates(t *testing.T) {
	d := MustHandoverData(t)
	d.Parcels = handoverParcels(t, 120)
	path := MustRenderHandover(t, d)
	n := pdfPages(t, path)
	ps := pages(MustText(t, path))
	if n < 2 || len(ps) != n {
		t.Fatalf("120 parcels on %d pages (%d of text)", n, len(ps))
	}
	listed := 0
	for i, p := range ps {
		// pdftotext drops the narrow spaces of 頁 1 / 8.
		footer := fmt.Sprintf(`集荷番号 M00000042\s+ヤマト運輸\s+発行 .*頁\s*%d\s*/\s*%d\s*$`, i+1, n)
		if !regexp.MustCompile(footer).MatchString(p) {
			t.Errorf("page %d lacks its footer:\n%s", i+1, p)
		}
		if i > 0 && !regexp.MustCompile(`^\s*集荷明細（続き）\s+集荷番号 M00000042\s+ヤマト運輸`).MatchString(p) {
			t.Errorf("page %d lacks the continuation header:\n%s", i+1, p)
		}
		rows := regexp.MustCompile(`\d{4}-\d{4}-\d{4}`).FindAllString(p, -1)
		if len(rows) > 0 && !regexp.MustCompile(`No\.\s+問い合わせ番号\s+都道府県`).MatchString(p) {
			t.Errorf("page %d lists parcels without the table header:\n%s", i+1, p)
		}
		listed += len(rows)
		if signs := strings.Contains(p, "受領サイン"); signs != (i == n-1) {
			t.Errorf("page %d: signature box %v, want it on the last page only", i+1, signs)
		}
	}
	if listed != 121 {
		t.Errorf("%d tracking numbers listed, want 120 parcels and 1 missing", listed)
	}
	all := strings.Join(ps, "")
	for _, p := range d.Parcels {
		if c := strings.Count(all, groupedForTest(p.TrackingNumber)); c != 1 {
			t.Errorf("%s listed %d times", p.TrackingNumber, c)
		}
	}
	if strings.Index(all, "未集荷（確認済み）") < strings.Index(all, groupedForTest(d.Parcels[119].TrackingNumber)) {
		t.Errorf("the missing parcels are not listed after the handed-over ones")
	}
	// A later page's barcodes scan as well as the first's: the grey table
	// header drawn before them must not pale them.
	l := handoverLayoutA4()
	first := len(regexp.MustCompile(`\d{4}-\d{4}-\d{4}`).FindAllString(ps[0], -1))
	img := MustPage(t, path, 2)
	for _, row := range []int{0, 3} {
		if got, err := decodeTracking(t, img, handoverRow(l, false, row)); err != nil || got != d.Parcels[first+row].TrackingNumber {
			t.Errorf("page 2 row %d reads %q (%v), want %q", row+1, got, err, d.Parcels[first+row].TrackingNumber)
		}
	}
	if ink := inkShare(img, handoverRow(l, false, 0)); ink < 0.2 {
		t.Errorf("page 2: the first barcode is %.0f%% dark, too pale to print", 100*ink)
	}
}

// word is a word pdftotext -bbox found, in points from the page's top left.
type word struct {
	text       string
	xMin, xMax float64
}

func bboxWords(tb testing.TB, path string) []word {
	tb.Helper()
	out := MustRun(tb, "pdftotext", "-bbox", "-enc", "UTF-8", "-f", "1", "-l", "1", path, "-")
	var ws []word
	for _, m := range regexp.MustCompile(`<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>`).FindAllStringSubmatch(out, -1) {
		lo, _ := strconv.ParseFloat(m[1], 64)
		hi, _ := strconv.ParseFloat(m[2], 64)
		ws = append(ws, word{text: html.UnescapeString(m[3]), xMin: lo, xMax: hi})
	}
	return ws
}

// A merchant name too long for its column is cut with "…" inside it, and
// the order number beside it prints whole; a character the font lacks
// prints as 〓.
func TestHandover_LongMerchant(t *testing.T) {
	d := MustHandoverData(t)
	long := "株式会社" + longName
	d.Parcels[0].Merchant = long
	d.Parcels[1].Merchant = "𠮷野家"
	path := MustRenderHandover(t, d)
	if strings.Contains(withoutSpace(MustText(t, path)), withoutSpace(long)) {
		t.Errorf("the long merchant name printed whole")
	}
	l := handoverLayoutA4()
	const pt = 72 / 25.4
	col := l.cols[colMerchant]
	var cut, geta, order bool
	for _, w := range bboxWords(t, path) {
		switch {
		case strings.HasPrefix(w.text, "株式会社【季節限定】"):
			cut = strings.HasSuffix(w.text, "…")
			if w.xMin < col.x*pt || w.xMax > (col.x+col.w)*pt+0.1 {
				t.Errorf("%q spans %.1f–%.1f pt, outside the merchant column %.1f–%.1f pt", w.text, w.xMin, w.xMax, col.x*pt, (col.x+col.w)*pt)
			}
		case w.text == "〓野家":
			geta = true
		case w.text == "SO-20261120-0042":
			order = order || w.xMin >= l.cols[colOrder].x*pt
		}
	}
	if !cut || !geta || !order {
		t.Errorf("cut with … %v, 〓野家 %v, order number whole in its column %v", cut, geta, order)
	}
}

func TestHandover_Invalid(t *testing.T) {
	for name, change := range map[string]func(*HandoverData){
		"tracking with hyphens":    func(d *HandoverData) { d.Parcels[0].TrackingNumber = groupDigits(d.Parcels[0].TrackingNumber) },
		"tracking 7 digits":        func(d *HandoverData) { d.Parcels[1].TrackingNumber = "1234567" },
		"tracking 15 digits":       func(d *HandoverData) { d.Parcels[1].TrackingNumber = strings.Repeat("1", 15) },
		"no tracking number":       func(d *HandoverData) { d.Parcels[2].TrackingNumber = "" },
		"full-width digits":        func(d *HandoverData) { d.Parcels[2].TrackingNumber = "４３２１０９８７６５４２" },
		"missing, bad tracking":    func(d *HandoverData) { d.Missing[0].TrackingNumber = "A432109876542A" },
		"tracking listed twice":    func(d *HandoverData) { d.Parcels[2].TrackingNumber = d.Parcels[0].TrackingNumber },
		"loaded and missing":       func(d *HandoverData) { d.Missing[0].TrackingNumber = d.Parcels[1].TrackingNumber },
		"parcel 0":                 func(d *HandoverData) { d.Parcels[0].Seq = 0 },
		"parcel 3 of 2":            func(d *HandoverData) { d.Parcels[1].Seq = 3 },
		"negative COD":             func(d *HandoverData) { d.Parcels[0].CODAmount = -1 },
		"COD sum overflows":        func(d *HandoverData) { d.Parcels[0].CODAmount, d.Parcels[2].CODAmount = 1<<62, 1<<62 },
		"missing, unconfirmed":     func(d *HandoverData) { d.ConfirmedBy = " " },
		"no manifest id":           func(d *HandoverData) { d.ManifestID = 0 },
		"missing parcel count 0/0": func(d *HandoverData) { d.Missing[0].Seq, d.Missing[0].Of = 0, 0 },
	} {
		t.Run(name, func(t *testing.T) {
			d := MustHandoverData(t)
			change(&d)
			var buf bytes.Buffer
			err := Handover(&buf, d, HandoverOptions{})
			if soko.ErrorCode(err) != soko.EINVALID {
				t.Fatalf("err = %v, want %s", err, soko.EINVALID)
			}
			if e := (*soko.Error)(nil); !errors.As(err, &e) || !strings.HasPrefix(e.Message.JA, "集荷明細 M") {
				t.Errorf("no Japanese message: %#v", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes", buf.Len())
			}
		})
	}
}

func TestHandover_Dates(t *testing.T) {
	info := MustRun(t, "pdfinfo", "-isodates", MustRenderHandover(t, MustHandoverData(t)))
	for _, want := range []string{`CreationDate:\s+2026-11-23T01:30:00Z`, `Title:\s+集荷明細 M00000042\n`, `Page size:\s+595.28 x 841.89 pts \(A4\)`} {
		if !regexp.MustCompile(want).MatchString(info) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

// BenchmarkHandover500 is a busy pickup's handover list: 500 parcels, each
// with its barcode, in one PDF.
func BenchmarkHandover500(b *testing.B) {
	d := MustHandoverData(b)
	d.Parcels = handoverParcels(b, 500)
	b.ReportAllocs()
	peak := watchPeakMemory()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Handover(&buf, d, HandoverOptions{Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	heap, rss := peak()
	b.ReportMetric(float64(size)/(1<<20), "MB/pdf")
	b.ReportMetric(heap/(1<<20), "peak-heap-MB")
	if rss > 0 {
		b.ReportMetric(rss/(1<<20), "peak-RSS-MB")
	}
}
