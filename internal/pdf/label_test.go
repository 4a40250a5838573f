package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode/codabar"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// MustTrackingNumber completes 11 digits into a valid 12-digit tracking
// number with the carriers' mod-7 check digit.
func MustTrackingNumber(tb testing.TB, first11 string) string {
	tb.Helper()
	d, err := carrier.CheckDigit7(first11)
	if err != nil {
		tb.Fatal(err)
	}
	return first11 + strconv.Itoa(d)
}

// MustLabelData is parcel 1 of 2 of the slip fixture's order, sent コレクト
// (Yamato's COD service) with a time slot and a delivery date.
func MustLabelData(tb testing.TB) LabelData {
	tb.Helper()
	s := MustSlipData(tb)
	s.Order.Carrier, s.Order.Service = "yamato", "collect"
	s.Order.Recipient.Phone = "03-1234-5678"
	return LabelData{
		Merchant: s.Merchant,
		Order:    s.Order,
		Parcel: soko.Parcel{
			Seq: 1, Carrier: "yamato", Service: "collect",
			TrackingNumber: MustTrackingNumber(tb, "43210987654"), WeightGrams: 1250,
		},
		Parcels: 2,
	}
}

// MustRenderLabels writes the labels to a temporary PDF and returns its path.
func MustRenderLabels(tb testing.TB, labels []LabelData, opt LabelOptions) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := Labels(&buf, labels, opt); err != nil {
		tb.Fatalf("Labels: %v", err)
	}
	return mustWritePDF(tb, buf.Bytes())
}

func mustWritePDF(tb testing.TB, pdf []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// dpi is the resolution barcodes are read at: what a label printer prints.
const dpi = 300

// MustPage renders one page of a PDF at dpi, as a scanner would see it.
func MustPage(tb testing.TB, pdfPath string, page int) image.Image {
	tb.Helper()
	prefix := filepath.Join(tb.TempDir(), "page")
	n := strconv.Itoa(page)
	MustRun(tb, "pdftoppm", "-r", strconv.Itoa(dpi), "-png", "-f", n, "-l", n, "-singlefile", pdfPath, prefix)
	file, err := os.Open(prefix + ".png")
	if err != nil {
		tb.Fatal(err)
	}
	defer file.Close()
	img, err := png.Decode(file)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

// decodeIn reads the barcode in the part r (millimetres) of a page image, so
// that the reader sees one barcode and not the other symbols on the page.
func decodeIn(tb testing.TB, img image.Image, r rect, reader gozxing.Reader) (string, error) {
	tb.Helper()
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	crop := image.Rect(px(r.x), px(r.y), px(r.x+r.w), px(r.y+r.h)).Intersect(img.Bounds())
	sub := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(crop)
	bmp, err := gozxing.NewBinaryBitmapFromImage(sub)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := reader.Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// labelBarcodes reads a label page's tracking barcode as Codabar, without
// its start and stop characters, and its order barcode as Code 128.
func labelBarcodes(tb testing.TB, img image.Image, size PageSize) (tracking, order string) {
	tb.Helper()
	lay, err := labelLayoutFor(size)
	if err != nil {
		tb.Fatal(err)
	}
	s := lay.sections()
	// Quiet zones may reach into the page margin: read from the page edges.
	band := func(r rect) rect { return rect{0, r.y - 1, lay.page.Wd, r.h + 2} }
	raw, err := decodeIn(tb, img, band(s.tracking), oned.NewCodaBarReader())
	if err != nil {
		tb.Fatalf("no Codabar barcode in the tracking section: %v", err)
	}
	tracking = strings.TrimRight(strings.TrimLeft(raw, "ABCD"), "ABCD")
	if order, err = decodeIn(tb, img, band(s.order), oned.NewCode128Reader()); err != nil {
		tb.Fatalf("no Code 128 barcode in the order section: %v", err)
	}
	return tracking, order
}

func TestLabel_Barcodes(t *testing.T) {
	for _, size := range []PageSize{Label4x6, A6} {
		t.Run(string(size), func(t *testing.T) {
			l := MustLabelData(t)
			path := MustRenderLabels(t, []LabelData{l}, LabelOptions{Size: size, Now: fixedNow})
			tracking, order := labelBarcodes(t, MustPage(t, path, 1), size)
			if tracking != l.Parcel.TrackingNumber {
				t.Errorf("tracking barcode reads %q, want %q", tracking, l.Parcel.TrackingNumber)
			}
			if order != l.Order.Number {
				t.Errorf("order barcode reads %q, want %q", order, l.Order.Number)
			}
		})
	}
}

func TestLabel_Text(t *testing.T) {
	l := MustLabelData(t)
	text := MustText(t, MustRenderLabels(t, []LabelData{l}, LabelOptions{Now: fixedNow}))
	for _, want := range []string{
		"ヤマト運輸", "宅急便コレクト", "個口", "1/2",
		"お問い合せ伝票番号", groupedForTest(l.Parcel.TrackingNumber),
		"お届け予定日", "2026年11月25日", "配達時間帯", "14時〜16時",
		"お届け先", "〒100-0005", "TEL 03-1234-5678", "東京都千代田区丸の内1-9-1", "丸の内グランドビル 12階", "株式会社サンプル商事", "山田 太郎 様",
		"ご依頼主", "さくら雑貨店", "〒604-8005 京都府京都市中京区河原町通三条上る恵比須町427", "さくらビル3階", "TEL 075-123-4567",
		"品名", "静岡県産 深蒸し煎茶 100g 他3点", "重量 1.25kg",
		"代金引換", expectYen(l.Order.CODAmount),
		"ご注文番号 SO-20261120-0042", "発行 2026年11月23日",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("label text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "冷") {
		t.Errorf("a parcel without cool delivery shows a cool class")
	}
	if sender := strings.Index(text, "さくら雑貨店"); sender < strings.Index(text, "山田 太郎 様") {
		t.Errorf("the sender comes before the recipient")
	}
}

// groupedForTest writes digits in groups of four, apart from groupDigits.
func groupedForTest(s string) string {
	return regexp.MustCompile(`(\d{4})(\d{4})(\d{4})`).ReplaceAllString(s, "$1-$2-$3")
}

// COD is collected once per order: the second parcel must not ask for it.
func TestLabel_CODOnFirstParcelOnly(t *testing.T) {
	first, second := MustLabelData(t), MustLabelData(t)
	second.Parcel.Seq = 2
	second.Parcel.TrackingNumber = MustTrackingNumber(t, "43210987655")
	ps := pages(MustText(t, MustRenderLabels(t, []LabelData{first, second}, LabelOptions{Now: fixedNow})))
	if len(ps) != 2 {
		t.Fatalf("%d pages, want one per parcel", len(ps))
	}
	if !strings.Contains(ps[0], expectYen(first.Order.CODAmount)) {
		t.Errorf("parcel 1 lacks the COD amount")
	}
	if strings.Contains(ps[1], "¥") || !strings.Contains(ps[1], "1/2個口目で集金") || !strings.Contains(ps[1], "2/2") {
		t.Errorf("parcel 2 should point to parcel 1 for COD:\n%s", ps[1])
	}
	if !strings.Contains(ps[1], groupedForTest(second.Parcel.TrackingNumber)) {
		t.Errorf("parcel 2 prints another tracking number")
	}
}

func TestLabel_NoCODNoSlotCool(t *testing.T) {
	l := MustLabelData(t)
	l.Order.CODAmount = 0
	l.Order.TimeSlot = soko.SlotNone
	l.Order.DeliveryDate = time.Time{}
	l.Parcel.Service, l.Order.Service = "takkyubin", "takkyubin"
	l.Cool = CoolFrozen
	l.Items = "冷凍食品（アイスクリーム）"
	text := MustText(t, MustRenderLabels(t, []LabelData{l}, LabelOptions{Now: fixedNow}))
	for _, want := range []string{"宅急便", "クール", "冷凍", "冷凍食品（アイスクリーム）", "指定なし"} {
		if !strings.Contains(text, want) {
			t.Errorf("label lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "指定なし") != 2 {
		t.Errorf("want 指定なし for both date and slot:\n%s", text)
	}
	for _, banned := range []string{"代金引換", "¥", "他3点"} {
		if strings.Contains(text, banned) {
			t.Errorf("label shows %q:\n%s", banned, text)
		}
	}
}

// recipientText is what pdftotext finds inside the recipient box of the
// first label, which a wrapped address is read back from.
func recipientText(tb testing.TB, pdfPath string, size PageSize) string {
	tb.Helper()
	lay, err := labelLayoutFor(size)
	if err != nil {
		tb.Fatal(err)
	}
	r := lay.sections().recipient
	const pt = 72 / 25.4
	return MustRun(tb, "pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1",
		"-x", strconv.Itoa(int(r.x*pt)), "-y", strconv.Itoa(int(r.y*pt)),
		"-W", strconv.Itoa(int(r.w*pt)+1), "-H", strconv.Itoa(int(r.h*pt)+1), pdfPath, "-")
}

func TestLabel_OverlongAddress(t *testing.T) {
	const street = "大字西新宿字北新宿三丁目二十番地の一　新宿アイランドタワー北側通用口から入って右手奥の守衛室前を通過し、エレベーターホール手前の荷受け場"
	for _, size := range []PageSize{Label4x6, A6} {
		t.Run(string(size), func(t *testing.T) {
			l := MustLabelData(t)
			l.Order.Recipient.Street = street
			l.Order.Recipient.Building = "西新宿グランドスクエアレジデンス タワー棟 南ウイング 4501号室"
			path := MustRenderLabels(t, []LabelData{l}, LabelOptions{Size: size, Now: fixedNow})
			full := l.Order.Recipient.Prefecture + l.Order.Recipient.City + street
			text := MustText(t, path)
			if strings.Contains(text, full) {
				t.Errorf("the overlong address did not wrap")
			}
			box := withoutSpace(recipientText(t, path, size))
			for _, want := range []string{full, l.Order.Recipient.Building, l.Order.Recipient.Company, "山田太郎様", "〒100-0005"} {
				if !strings.Contains(box, withoutSpace(want)) {
					t.Errorf("the recipient box lacks %q; it reads:\n%s", want, box)
				}
			}
			if strings.Contains(text, "…") {
				t.Errorf("an address that fits by wrapping was cut")
			}
		})
	}
}

// An address no label can hold ends in "…" where it is cut, and the name
// still prints whole.
func TestLabel_AbsurdAddress(t *testing.T) {
	l := MustLabelData(t)
	l.Order.Recipient.Street = strings.Repeat("長い住所", 200)
	l.Merchant.Sender.Street = strings.Repeat("依頼主住所", 100)
	l.Items = strings.Repeat("品名", 200)
	path := MustRenderLabels(t, []LabelData{l}, LabelOptions{Now: fixedNow})
	if n := pdfPages(t, path); n != 1 {
		t.Fatalf("one label took %d pages", n)
	}
	text := MustText(t, path)
	if strings.Count(text, "…") != 3 {
		t.Errorf("want the address, the sender and the items each to end in …:\n%s", text)
	}
	box := recipientText(t, path, Label4x6)
	for _, want := range []string{"山田 太郎 様", "…", "丸の内グランドビル 12階", "株式会社サンプル商事", "TEL 03-1234-5678"} {
		if !strings.Contains(box, want) {
			t.Errorf("recipient box lacks %q:\n%s", want, box)
		}
	}
}

func TestLabel_PageSize(t *testing.T) {
	// 4 × 6 in and 105 × 148 mm in points
	for _, tc := range []struct {
		size PageSize
		want string
	}{{"", "288 x 432 pts"}, {Label4x6, "288 x 432 pts"}, {A6, "297.64 x 419.53 pts"}} {
		t.Run(string(tc.size), func(t *testing.T) {
			info := MustRun(t, "pdfinfo", MustRenderLabels(t, []LabelData{MustLabelData(t)}, LabelOptions{Size: tc.size, Now: fixedNow}))
			if !regexp.MustCompile(`Page size:\s+` + regexp.QuoteMeta(tc.want)).MatchString(info) {
				t.Errorf("pdfinfo:\n%s\nwant page size %s", info, tc.want)
			}
		})
	}
}

func TestLabels_Invalid(t *testing.T) {
	for name, change := range map[string]func(*LabelData){
		"unknown carrier":     func(l *LabelData) { l.Parcel.Carrier = "fedex" },
		"no carrier":          func(l *LabelData) { l.Parcel.Carrier, l.Order.Carrier = "", "" },
		"unknown service":     func(l *LabelData) { l.Parcel.Service = "rocket" },
		"tracking not digits": func(l *LabelData) { l.Parcel.TrackingNumber = "ABC-123" },
		"no tracking number":  func(l *LabelData) { l.Parcel.TrackingNumber = "" },
		"wrong check digit":   func(l *LabelData) { l.Parcel.TrackingNumber = l.Parcel.TrackingNumber[:11] + "9" },
		"tracking 11 digits":  func(l *LabelData) { l.Parcel.TrackingNumber = l.Parcel.TrackingNumber[:11] },
		"generic, too long": func(l *LabelData) {
			l.Parcel.Carrier, l.Parcel.Service, l.Order.CODAmount = "generic", "standard", 0
			l.Parcel.TrackingNumber = strings.Repeat("1", 40)
		},
		"parcel 0":          func(l *LabelData) { l.Parcel.Seq = 0 },
		"parcel 3 of 2":     func(l *LabelData) { l.Parcel.Seq = 3 },
		"no parcel count":   func(l *LabelData) { l.Parcels = 0 },
		"no recipient name": func(l *LabelData) { l.Order.Recipient.Name = "　" },
		"no recipient address": func(l *LabelData) {
			l.Order.Recipient.Prefecture, l.Order.Recipient.City, l.Order.Recipient.Street = "", " ", ""
		},
		"negative weight":        func(l *LabelData) { l.Parcel.WeightGrams = -1 },
		"negative COD":           func(l *LabelData) { l.Order.CODAmount = -1 },
		"COD the service can't":  func(l *LabelData) { l.Parcel.Service = "takkyubin" },
		"COD over the limit":     func(l *LabelData) { l.Order.CODAmount = 300001 },
		"slot the carrier lacks": func(l *LabelData) { l.Order.TimeSlot = soko.Slot12To14 },
		"unknown slot":           func(l *LabelData) { l.Order.TimeSlot = "8-9" },
		"cool on nekopos": func(l *LabelData) {
			l.Parcel.Service, l.Order.CODAmount, l.Order.TimeSlot = "nekopos", 0, ""
			l.Order.DeliveryDate = time.Time{}
			l.Cool = CoolChilled
		},
		"unknown cool class":        func(l *LabelData) { l.Cool = "warm" },
		"empty order number":        func(l *LabelData) { l.Order.Number = " " },
		"kanji order number":        func(l *LabelData) { l.Order.Number = "注文123" },
		"order number too long":     func(l *LabelData) { l.Order.Number = strings.Repeat("AbCdEfGh", 5) },
		"slot on a mailbox service": func(l *LabelData) { l.Parcel.Service, l.Order.CODAmount = "nekopos", 0 },
	} {
		t.Run(name, func(t *testing.T) {
			l := MustLabelData(t)
			change(&l)
			var buf bytes.Buffer
			err := Labels(&buf, []LabelData{MustLabelData(t), l}, LabelOptions{})
			if soko.ErrorCode(err) != soko.EINVALID {
				t.Errorf("err = %v, want %s", err, soko.EINVALID)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes for an invalid label", buf.Len())
			}
		})
	}
	if err := Labels(new(bytes.Buffer), nil, LabelOptions{}); soko.ErrorCode(err) != soko.EINVALID {
		t.Errorf("no labels: err = %v", err)
	}
	if err := Labels(new(bytes.Buffer), []LabelData{MustLabelData(t)}, LabelOptions{Size: A4}); soko.ErrorCode(err) != soko.EINVALID {
		t.Errorf("A4 label: err = %v", err)
	}
}

// A tracking number as typed or scanned — hyphens, full-width digits, start
// and stop characters — prints as its digits.
func TestLabel_TrackingNumberNormalised(t *testing.T) {
	l := MustLabelData(t)
	digits := l.Parcel.TrackingNumber
	l.Parcel.TrackingNumber = "a" + groupedForTest(digits) + "a"
	path := MustRenderLabels(t, []LabelData{l}, LabelOptions{Now: fixedNow})
	if tracking, _ := labelBarcodes(t, MustPage(t, path, 1), Label4x6); tracking != digits {
		t.Errorf("barcode reads %q, want %q", tracking, digits)
	}
}

// The printed tracking barcode, measured on a 300-dpi rendering: a narrow
// bar of at least 0.25 mm, wide elements 2.5 to 3 times as wide (with a
// pixel's rounding), and quiet zones of ten narrow elements or more.
func TestLabel_TrackingBarWidths(t *testing.T) {
	img := MustPage(t, MustRenderLabels(t, []LabelData{MustLabelData(t)}, LabelOptions{Now: fixedNow}), 1)
	lay, _ := labelLayoutFor(Label4x6)
	tr := lay.sections().tracking
	y := int((tr.y + captionLine + 0.5 + trackingBarHeight/2) / 25.4 * dpi)
	var runs []int // alternating white and dark, starting with white at the page edge
	dark := false
	for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
		r, g, b, _ := img.At(x, y).RGBA()
		isDark := (r+g+b)/3 < 0x8000
		if len(runs) == 0 || isDark != dark {
			runs = append(runs, 0)
			dark = isDark
		}
		runs[len(runs)-1]++
	}
	if len(runs) != 111+2 {
		t.Fatalf("%d runs across the barcode, want 111 elements between two quiet zones", len(runs))
	}
	elems := runs[1 : len(runs)-1]
	lo, hi := elems[0], elems[0]
	for _, e := range elems {
		lo, hi = min(lo, e), max(hi, e)
	}
	var narrow, wide []int
	for _, e := range elems {
		if e < (lo+hi)/2 {
			narrow = append(narrow, e)
		} else {
			wide = append(wide, e)
		}
	}
	mean := func(xs []int) float64 {
		s := 0
		for _, x := range xs {
			s += x
		}
		return float64(s) / float64(len(xs))
	}
	n, w := mean(narrow), mean(wide)
	mm := func(px float64) float64 { return px / dpi * 25.4 }
	if mm(n) < 0.25 {
		t.Errorf("narrow elements are %.3f mm", mm(n))
	}
	if w/n < 2.5 || w/n > 3.2 {
		t.Errorf("wide:narrow is %.2f (%.1f px : %.1f px)", w/n, w, n)
	}
	if q := float64(min(runs[0], runs[len(runs)-1])); q < 10*n {
		t.Errorf("quiet zone %.1f px, less than ten narrow elements (%.1f px)", q, 10*n)
	}
	t.Logf("narrow %.3f mm, wide %.3f mm, ratio %.2f", mm(n), mm(w), w/n)
}

func TestCodabarBars(t *testing.T) {
	const digits = "432109876546"
	b, err := codabarBars(digits)
	if err != nil {
		t.Fatal(err)
	}
	// 14 characters of 7 elements each, with a narrow gap between two.
	if len(b.runs) != 14*7+13 {
		t.Fatalf("%d elements, want %d", len(b.runs), 14*7+13)
	}
	sum := 0
	for i, run := range b.runs {
		if run != 1 && run != codabarWide {
			t.Errorf("element %d is %d modules, want 1 or %d", i, run, codabarWide)
		}
		sum += run
	}
	if sum != b.modules {
		t.Errorf("modules = %d, runs add up to %d", b.modules, sum)
	}
	if codabarWide < 2.5 || codabarWide > 3 {
		t.Errorf("wide:narrow %v is outside 2.5–3", float64(codabarWide))
	}
	// Against boombuler/barcode's own 2:1 drawing: the same sequence of
	// wide and narrow elements.
	ref, err := codabar.Encode("A" + digits + "A")
	if err != nil {
		t.Fatal(err)
	}
	want := runsOf(ref)
	for i := range want.runs {
		if (want.runs[i] == 2) != (b.runs[i] == codabarWide) {
			t.Fatalf("element %d: wide in one encoding, narrow in the other", i)
		}
	}
	if _, err := codabarBars("12a4"); err == nil {
		t.Errorf("codabarBars accepted a letter")
	}
	// Quiet zones of ten narrow elements, at no less than the narrowest bar.
	if q := (b.width(minNarrow) - float64(b.modules)*minNarrow) / 2; q < 10*minNarrow-1e-9 {
		t.Errorf("quiet zone %v mm", q)
	}
}

func TestGroupDigits(t *testing.T) {
	for in, want := range map[string]string{"123456789012": "1234-5678-9012", "12345": "1234-5", "1234": "1234", "": ""} {
		if got := groupDigits(in); got != want {
			t.Errorf("groupDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKilograms(t *testing.T) {
	for g, want := range map[int]string{1250: "1.25kg", 800: "0.8kg", 12000: "12kg", 1: "0kg", 5: "0.01kg"} {
		if got := kilograms(g); got != want {
			t.Errorf("kilograms(%d) = %q, want %q", g, got, want)
		}
	}
}

// sizedFixedWidth is fixedWidth at a type size: one unit per Latin
// character and two per Japanese one at 10 pt.
type sizedFixedWidth struct{ pt float64 }

func (m *sizedFixedWidth) SetFontSize(pt float64) { m.pt = pt }

func (m *sizedFixedWidth) GetStringWidth(s string) float64 {
	return fixedWidth{}.GetStringWidth(s) * m.pt / 10
}

func TestFit(t *testing.T) {
	lh := func(pt float64) float64 { return pt * leading * ptMM }
	for _, tc := range []struct {
		name         string
		paras        []string
		w, h         float64
		wantPt       float64
		want         []string
		wantCut      bool
		maxPt, minPt float64
	}{
		{"fits at the largest size", []string{"あいう"}, 6, lh(10), 10, []string{"あいう"}, false, 10, 6},
		{"wraps at the largest size", []string{"あいうえお"}, 6, 2 * lh(10), 10, []string{"あいう", "えお"}, false, 10, 6},
		{"shrinks to one line", []string{"あいうえお"}, 6, lh(10), 6, []string{"あいうえお"}, false, 10, 6},
		{"shrinks in half points", []string{"あいうえ"}, 6, lh(10), 7.5, []string{"あいうえ"}, false, 10, 6},
		{"blank paragraphs take no line", []string{"あ", " ", "", "い"}, 6, 2 * lh(10), 10, []string{"あ", "い"}, false, 10, 6},
		{"cut with … at the smallest size", []string{"あいうえおかきくけこさしすせそ"}, 6, 2 * lh(6), 6, []string{"あいうえお", "かきくけ…"}, true, 10, 6},
		{"the longest paragraph is cut", []string{"あいうえおかきくけこさしすせそ", "ビル", "会社"}, 6, 3 * lh(6), 6, []string{"あいうえ…", "ビル", "会社"}, true, 10, 6},
		{"paragraphs beyond the box go", []string{"あ", "い", "う"}, 6, 2 * lh(6), 6, []string{"あ", "い…"}, true, 10, 6},
		{"a box lower than a line still shows one", []string{"あいう"}, 2, 0.1, 6, []string{"あ…"}, true, 10, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fit(&sizedFixedWidth{}, tc.paras, tc.w, tc.h, tc.maxPt, tc.minPt)
			if got.pt != tc.wantPt || strings.Join(got.lines, "|") != strings.Join(tc.want, "|") || got.cut != tc.wantCut {
				t.Errorf("fit = %v pt %q cut %v, want %v pt %q cut %v", got.pt, got.lines, got.cut, tc.wantPt, tc.want, tc.wantCut)
			}
		})
	}
}

// FuzzLabel renders labels from arbitrary names, addresses and items:
// whatever shops send, printing must not panic and must not fail.
func FuzzLabel(f *testing.F) {
	f.Add("山田 太郎", "丸の内1-9-1", longName, "03-1234-5678")
	f.Add("𠮷野家\x00", "\r\n\t", "🎁"+strings.Repeat("長", 2000), strings.Repeat("0", 500))
	f.Fuzz(func(t *testing.T, name, street, items, phone string) {
		l := MustLabelData(t)
		l.Order.Recipient.Name, l.Order.Recipient.Street, l.Items, l.Order.Recipient.Phone = name, street, items, phone
		l.Merchant.Sender.Street = street
		err := Labels(new(bytes.Buffer), []LabelData{l}, LabelOptions{Now: fixedNow})
		if err != nil && (soko.ErrorCode(err) != soko.EINVALID || strings.TrimSpace(name) != "" && strings.TrimSpace(street) != "") {
			t.Fatalf("Labels: %v", err)
		}
	})
}

func ExampleLabels() {
	var buf bytes.Buffer
	err := Labels(&buf, []LabelData{{
		Merchant: soko.Merchant{Name: "さくら雑貨店", Sender: soko.Address{PostalCode: "6048005", Prefecture: "京都府", City: "京都市中京区", Street: "河原町通三条上る恵比須町427"}},
		Order: soko.Order{Number: "SO-1", Recipient: soko.Address{
			PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-9-1", Name: "山田 太郎",
		}},
		Parcel:  soko.Parcel{Seq: 1, Carrier: "yamato", Service: "takkyubin", TrackingNumber: "4321-0987-6542"},
		Parcels: 1,
	}}, LabelOptions{})
	fmt.Println(err, bytes.HasPrefix(buf.Bytes(), []byte("%PDF")))
	// Output: <nil> true
}
