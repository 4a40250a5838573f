package pdf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/soko"
)

// HandoverParcel is one parcel line on a handover list.
type HandoverParcel struct {
	// TrackingNumber is the carrier's number as bare ASCII digits, 8 to 14 of
	// them (12 for the big carriers), already normalised by the caller: it is
	// printed 1234-5678-9012 and, for parcels handed over, as NW-7 A…A like
	// the label.
	TrackingNumber string
	OrderNumber    string
	Merchant       string // merchant (荷主) name
	Prefecture     string // recipient prefecture, e.g. 東京都
	Service        string // service display name, e.g. 宅急便
	Seq, Of        int    // 個口 i/n, 1 ≤ Seq ≤ Of
	CODAmount      int64  // yen, 0 = not COD; printed as 代引 ¥1,234 on COD parcels only
}

// HandoverData is a closed manifest as printed for the carrier's driver.
type HandoverData struct {
	ManifestID int64            // positive; printed and barcoded as M00000042
	Carrier    string           // display name, e.g. ヤマト運輸
	PickupDate time.Time        // the date only is printed (YYYY年M月D日), as the day in Japan
	PickupTime string           // "14:00" or "" for no set time
	Warehouse  string           // the shipping site's name, printed as 出荷元
	ClosedAt   time.Time        // printed in Asia/Tokyo (JST) as 締め時刻
	ClosedBy   string           // staff name
	Parcels    []HandoverParcel // handed over, in scan order
	Missing    []HandoverParcel // expected but not loaded; listed separately
	// ConfirmedBy is the supervisor who confirmed closing with parcels
	// missing; it is required when Missing is not empty and not printed
	// otherwise.
	ConfirmedBy string
	Reprint     bool // prints 再発行 in the header
}

// HandoverOptions choose how a handover list is printed; the zero value dates the PDF now.
type HandoverOptions struct {
	// Now is the clock for the issue time (発行) and the PDF's creation and
	// modification dates; nil means time.Now.
	Now func() time.Time
	// DPI is the printer's resolution barcodes are snapped to; 0 means 203.
	DPI PrinterDPI
}

// Handover writes the handover list as one A4 portrait PDF to w.
//
// The list (集荷明細) is what the driver signs for at the dock: the manifest
// number as Code 128, the parcel count in large type, then every parcel
// handed over, in scan order, with its tracking number as NW-7 so that a
// parcel whose label is torn can still be scanned off the list. Parcels that
// were expected but not loaded follow in a section of their own, without
// barcodes, so that no one scans them as handed over; the last page ends in
// boxes for the driver's signature, time and own count.
//
// A manifest closed with no parcels at all still prints: the driver's
// signature under 0 個 records that the pickup came and took nothing.
//
// Invalid data is refused (EINVALID, naming the parcel) before anything is
// written: a tracking number that is not 8 to 14 digits, one listed twice,
// a parcel count outside 1 ≤ i ≤ n, a negative COD amount, or parcels
// missing with no supervisor's name.
func Handover(w io.Writer, d HandoverData, opt HandoverOptions) error {
	lay := handoverLayoutA4()
	lay.dpi = opt.DPI.orDefault()
	hw, err := planHandover(&d, lay)
	if err != nil {
		return err
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	hw.issued = now()
	f, release, err := newDocument(hw.lay.page, hw.issued)
	if err != nil {
		return fmt.Errorf("pdf: handover list %s: %w", hw.number, err)
	}
	defer release()
	f.SetTitle("集荷明細 "+hw.number, true)
	hw.f, hw.pen = f, labelWriter{f: f}
	hw.write()
	if f.Err() {
		return fmt.Errorf("pdf: handover list %s: %w", hw.number, f.Error())
	}
	if err := output(f, w); err != nil {
		return fmt.Errorf("pdf: handover list %s: %w", hw.number, err)
	}
	return nil
}

// The lengths of tracking number a handover list takes. Carriers' numbers
// are 12 digits; the range leaves room for smaller carriers' without letting
// a barcode outgrow its column.
const (
	minTrackingDigits = 8
	maxTrackingDigits = 14
)

// handoverNarrow is the narrow NW-7 element on a handover list: 0.254 mm is
// 1/100 in, three dots at 300 dpi and six at 600, the resolutions of office
// laser printers, so elements print as whole dots as they do on the label
// (trackingNarrow); it stays above minNarrow.
const handoverNarrow = 0.254

// handoverLayout is the geometry of a handover list on A4, in millimetres
// and points.
type handoverLayout struct {
	page                          gofpdf.SizeType
	dpi                           PrinterDPI
	marginX, marginTop, marginBot float64
	titlePt, factPt, bodyPt       float64
	smPt, minPt                   float64
	line, factLine, smLine        float64
	pad, vpad                     float64
	// head is the first page's header above the table; contHead the
	// header of the pages after it.
	head, contHead float64
	// the manifest number's Code 128
	module, barH float64
	// the tracking numbers' NW-7: 7 mm is over 15 % of a 12-digit symbol's
	// length (43 mm), the usual minimum for a handheld scanner held at a
	// slant
	trackingBarH float64
	cols         []column
}

// The table's columns, in the order of handoverLayout.cols.
const (
	colNo = iota
	colTracking
	colPrefecture
	colMerchant
	colOrder
	colSeq
	colService
	colCOD
)

func handoverLayoutA4() *handoverLayout {
	l := &handoverLayout{
		page: gofpdf.SizeType{Wd: 210, Ht: 297}, marginX: 15, marginTop: 12, marginBot: 10,
		titlePt: 18, factPt: 10, bodyPt: 9, smPt: 7.5, minPt: 6,
		line: 4.4, factLine: 5, smLine: 3.8,
		pad: 1.2, vpad: 1,
		head: 50, contHead: 9,
		module: 0.33, barH: 12,
		trackingBarH: 7,
	}
	// The tracking column is as wide as the barcode of the longest number
	// taken, quiet zones included (TestHandover_TrackingColumnFits).
	x := l.marginX
	for _, c := range []column{
		{title: "No.", w: 8, align: "R"},
		{title: "問い合わせ番号", w: 55, align: "L"},
		{title: "都道府県", w: 15, align: "L"},
		{title: "荷主", w: 27, align: "L"},
		{title: "注文番号", w: 26, align: "L"},
		{title: "個口", w: 9, align: "C"},
		{title: "サービス", w: 21, align: "L"},
		{title: "代引", w: 19, align: "R"},
	} {
		c.x = x
		x += c.w
		l.cols = append(l.cols, c)
	}
	return l
}

func (l *handoverLayout) contentWidth() float64 { return l.page.Wd - 2*l.marginX }

func (l *handoverLayout) theadHeight() float64 { return l.line + 2*l.vpad }

// parcelRowHeight is a handed-over parcel's row: a line of text over the
// tracking barcode.
func (l *handoverLayout) parcelRowHeight() float64 {
	return l.vpad + l.line + 0.5 + l.trackingBarH + l.vpad
}

// trackingBarsTop is where a parcel row's barcode starts below the row's top.
func (l *handoverLayout) trackingBarsTop() float64 { return l.vpad + l.line + 0.5 }

// handoverWriter lays out and draws one checked handover list.
type handoverWriter struct {
	f *gofpdf.Fpdf
	// pen draws text and boxes with the label's helpers, which need nothing
	// of a label but the document.
	pen      labelWriter
	lay      *handoverLayout
	d        *HandoverData
	number   string // the manifest number, M00000042
	manifest bars
	tracking []bars // of d.Parcels, in order
	codCount int
	codTotal int64
	issued   time.Time
}

// manifestNumber is how the dock and the carrier refer to a manifest.
func manifestNumber(id int64) string { return fmt.Sprintf("M%08d", id) }

// planHandover checks a handover list's data and encodes its barcodes.
func planHandover(d *HandoverData, lay *handoverLayout) (*handoverWriter, error) {
	hw := &handoverWriter{lay: lay, d: d, number: manifestNumber(d.ManifestID)}
	bad := func(en, ja string) error {
		return soko.Errorf(soko.EINVALID, "handover list %s: %s", hw.number, en).
			JA("集荷明細 %s を作れません: %s", hw.number, ja)
	}
	if d.ManifestID <= 0 {
		return nil, bad(fmt.Sprintf("manifest id %d is not positive", d.ManifestID), "集荷番号がありません")
	}
	if len(d.Missing) > 0 && strings.TrimSpace(d.ConfirmedBy) == "" {
		return nil, bad(fmt.Sprintf("%d parcels are missing and no supervisor confirmed the closing", len(d.Missing)),
			fmt.Sprintf("未集荷が%d個ありますが、確認した責任者の名前がありません", len(d.Missing)))
	}
	seen := make(map[string]bool, len(d.Parcels)+len(d.Missing))
	check := func(p *HandoverParcel, en, ja string) error {
		en = fmt.Sprintf("%s (order %s)", en, p.OrderNumber)
		ja = fmt.Sprintf("%s（注文 %s）", ja, p.OrderNumber)
		n := p.TrackingNumber
		switch {
		case len(n) < minTrackingDigits || len(n) > maxTrackingDigits || strings.Trim(n, "0123456789") != "":
			return bad(fmt.Sprintf("%s: tracking number %q is not %d to %d digits", en, n, minTrackingDigits, maxTrackingDigits),
				fmt.Sprintf("%sの伝票番号「%s」が%d〜%d桁の数字ではありません", ja, n, minTrackingDigits, maxTrackingDigits))
		case seen[n]:
			return bad(fmt.Sprintf("%s: tracking number %s is listed twice", en, n),
				fmt.Sprintf("%sの伝票番号 %s が二度記載されています", ja, n))
		case p.Of < 1 || p.Seq < 1 || p.Seq > p.Of:
			return bad(fmt.Sprintf("%s: parcel %d/%d is not 1 ≤ seq ≤ parcels", en, p.Seq, p.Of),
				fmt.Sprintf("%sの個口 %d/%d は1以上、個口数以下にしてください", ja, p.Seq, p.Of))
		case p.CODAmount < 0:
			return bad(fmt.Sprintf("%s: COD amount %d is negative", en, p.CODAmount),
				fmt.Sprintf("%sの代引金額が負の値です", ja))
		}
		seen[n] = true
		return nil
	}
	hw.tracking = make([]bars, len(d.Parcels))
	for i := range d.Parcels {
		p := &d.Parcels[i]
		if err := check(p, fmt.Sprintf("parcel %d", i+1), fmt.Sprintf("%d個目", i+1)); err != nil {
			return nil, err
		}
		var err error
		if hw.tracking[i], err = codabarBars(p.TrackingNumber); err != nil {
			return nil, fmt.Errorf("pdf: handover list %s: %w", hw.number, err)
		}
		if p.CODAmount > 0 {
			var ok bool
			if hw.codTotal, ok = addYen(hw.codTotal, p.CODAmount); !ok {
				return nil, bad("the COD amounts are too large", "代引金額の合計が大きすぎます")
			}
			hw.codCount++
		}
	}
	for i := range d.Missing {
		if err := check(&d.Missing[i], fmt.Sprintf("missing parcel %d", i+1), fmt.Sprintf("未集荷 %d個目", i+1)); err != nil {
			return nil, err
		}
	}
	var err error
	if hw.manifest, err = code128Bars(hw.number); err != nil {
		return nil, fmt.Errorf("pdf: handover list %s: %w", hw.number, err)
	}
	return hw, nil
}

// write lays the list out into pages and draws them; laying out first is
// what lets every page print the page count.
func (hw *handoverWriter) write() {
	l, d := hw.lay, hw.d
	p := paginator{
		y: l.marginTop + l.head, contTop: l.marginTop + l.contHead,
		bottom: l.page.Ht - l.marginBot - l.smLine - 2, pages: [][]placed{nil},
	}
	p.thead = block{height: l.theadHeight(), draw: hw.tableHeader}
	for i := range d.Parcels {
		p.add(hw.parcelRow(i))
	}
	if len(d.Parcels) == 0 {
		p.add(hw.noteRow("集荷した荷物はありません（0個）"))
	}
	p.add(block{height: 5, draw: func(float64) {}})
	if len(d.Missing) == 0 {
		p.add(hw.lineBlock(l.factLine+1, l.factPt+1, "未集荷なし"))
	} else {
		// Each page the missing parcels run onto repeats what they are.
		const titleH = 7
		p.thead = block{height: titleH + l.theadHeight(), draw: func(y float64) {
			title := fmt.Sprintf("未集荷（確認済み）　%d個　確認者 %s", len(d.Missing), oneLine(d.ConfirmedBy))
			hw.pen.fitted(rect{l.marginX, y, l.contentWidth(), titleH - 1}, []string{title}, l.factPt+1, l.minPt, "L", true)
			hw.tableHeader(y + titleH)
		}}
		p.theadOnPage = false
		for i := range d.Missing {
			p.add(hw.missingRow(i))
		}
	}
	p.addAtBottom(hw.signature())

	n := len(p.pages)
	for i, items := range p.pages {
		hw.f.AddPage()
		if i == 0 {
			hw.header()
		} else {
			hw.continuationHeader()
		}
		hw.footer(i+1, n)
		for _, it := range items {
			it.b.draw(it.y)
		}
	}
}

// pickup is the pickup day and, when one was agreed, the time.
func (hw *handoverWriter) pickup() string {
	s := date(hw.d.PickupDate)
	if t := oneLine(hw.d.PickupTime); t != "" {
		s += " " + t
	}
	return s
}

// header is the first page's head: title, manifest barcode, the facts of the
// pickup and the count the driver checks.
func (hw *handoverWriter) header() {
	l, d, f := hw.lay, hw.d, hw.f
	x, y := l.marginX, l.marginTop
	right := x + l.contentWidth()

	const title = "集荷明細"
	f.SetFontSize(l.titlePt)
	titleW := f.GetStringWidth(title)
	hw.pen.text(rect{x, y, titleW, 9}, l.titlePt, title, "L")
	hw.pen.text(rect{x, y + 9, titleW + 20, 4}, l.smPt, "Handover list", "L")
	if d.Reprint {
		hw.reprintMark(rect{x + titleW + 5, y + 1, 18, 7.5})
	}

	hw.manifest.draw(f, right-hw.manifest.width(l.module), y, l.module, l.barH, l.dpi)
	hw.pen.text(rect{right - 70, y + l.barH + 0.5, 70, 5.5}, 12, "集荷番号 "+hw.number, "R")

	const boxW, codW, boxH, gap = 36, 40, 24, 3
	boxTop := y + 21
	countX := right - boxW
	if hw.codCount > 0 {
		countX -= codW + gap
		in := hw.pen.box(rect{right - codW, boxTop, codW, boxH}, 0.5, "代引")
		hw.pen.fitted(in, []string{strconv.Itoa(hw.codCount) + "件", yen(hw.codTotal)}, 13, l.minPt, "C", true)
	}
	in := hw.pen.box(rect{countX, boxTop, boxW, boxH}, 0.7, "個数")
	hw.pen.fitted(in, []string{strconv.Itoa(len(d.Parcels)) + " 個"}, 26, 10, "C", true)

	closed := ""
	if !d.ClosedAt.IsZero() {
		closed = date(d.ClosedAt) + " " + d.ClosedAt.In(soko.JST).Format("15:04")
	}
	const labelW = 18
	factW := countX - gap - x - labelW
	fy := boxTop
	for _, fact := range [][2]string{
		{"配送業者", oneLine(d.Carrier)},
		{"集荷日", hw.pickup()},
		{"出荷元", oneLine(d.Warehouse)},
		{"締め時刻", closed},
		{"締め担当", oneLine(d.ClosedBy)},
	} {
		hw.pen.text(rect{x, fy, labelW, l.factLine}, l.factPt, fact[0], "L")
		hw.pen.fitted(rect{x + labelW, fy, factW, l.factLine}, []string{fact[1]}, l.factPt, l.minPt, "L", true)
		fy += l.factLine
	}
}

// reprintMark is 再発行 in white on black, so a second copy is never taken
// for a second pickup.
func (hw *handoverWriter) reprintMark(r rect) {
	hw.f.SetFillColor(0, 0, 0)
	hw.f.Rect(r.x, r.y, r.w, r.h, "F")
	hw.f.SetTextColor(255, 255, 255)
	hw.pen.fitted(r.inset(1, 0), []string{"再発行"}, 12, hw.lay.minPt, "C", true)
	hw.f.SetTextColor(0, 0, 0)
}

// continuationHeader heads the second and later pages, so a page that comes
// loose still says which pickup it belongs to.
func (hw *handoverWriter) continuationHeader() {
	l, d := hw.lay, hw.d
	y := l.marginTop
	third := l.contentWidth() / 3
	title := "集荷明細（続き）"
	if d.Reprint {
		title += "　再発行"
	}
	hw.pen.text(rect{l.marginX, y, third, 6}, 12, title, "L")
	who := "集荷番号 " + hw.number + "　" + oneLine(d.Carrier) + "　集荷日 " + hw.pickup()
	hw.pen.fitted(rect{l.marginX + third, y, 2 * third, 6}, []string{who}, l.bodyPt, l.minPt, "R", true)
	hw.f.SetLineWidth(0.2)
	hw.f.Line(l.marginX, y+6.5, l.marginX+l.contentWidth(), y+6.5)
}

// footer prints the manifest number, the issue time and the page counter on
// every page.
func (hw *handoverWriter) footer(page, pages int) {
	l := hw.lay
	r := rect{l.marginX, l.page.Ht - l.marginBot - l.smLine, l.contentWidth() / 3, l.smLine}
	hw.pen.fitted(r, []string{"集荷番号 " + hw.number + "　" + oneLine(hw.d.Carrier)}, l.smPt, l.minPt, "L", true)
	r.x += r.w
	hw.pen.text(r, l.smPt, "発行 "+date(hw.issued)+" "+hw.issued.In(soko.JST).Format("15:04"), "C")
	r.x += r.w
	hw.pen.text(r, l.smPt, fmt.Sprintf("頁 %d / %d", page, pages), "R")
}

func (hw *handoverWriter) tableHeader(y float64) {
	l := hw.lay
	h := l.theadHeight()
	hw.f.SetFillColor(230, 230, 230)
	hw.f.Rect(l.marginX, y, l.contentWidth(), h, "F")
	for _, c := range l.cols {
		hw.pen.fitted(rect{c.x + l.pad, y + l.vpad, c.w - 2*l.pad, l.line}, []string{c.title}, l.bodyPt, l.minPt, c.align, true)
	}
	hw.f.SetLineWidth(0.3)
	hw.f.Line(l.marginX, y+h, l.marginX+l.contentWidth(), y+h)
}

// parcelRow is a handed-over parcel: its facts on a line over the tracking
// number's barcode, which starts its quiet zone at the column's edge.
func (hw *handoverWriter) parcelRow(i int) block {
	l := hw.lay
	h := l.parcelRowHeight()
	return block{height: h, row: true, draw: func(y float64) {
		hw.cells(y, i+1, &hw.d.Parcels[i])
		c := l.cols[colTracking]
		hw.tracking[i].draw(hw.f, c.x, y+l.trackingBarsTop(), handoverNarrow, l.trackingBarH, l.dpi)
		hw.rule(y + h)
	}}
}

// missingRow is a parcel that was not loaded: text only, so that no scanner
// counts it as handed over.
func (hw *handoverWriter) missingRow(i int) block {
	h := hw.lay.theadHeight()
	return block{height: h, row: true, draw: func(y float64) {
		hw.cells(y, i+1, &hw.d.Missing[i])
		hw.rule(y + h)
	}}
}

// cells prints a parcel's facts on the line at the top of its row. Each fits
// its column, shrinking and at the smallest size ending in "…", so a long
// merchant name never runs into the order number.
func (hw *handoverWriter) cells(y float64, no int, p *HandoverParcel) {
	l := hw.lay
	cod := ""
	if p.CODAmount > 0 {
		cod = "代引 " + yen(p.CODAmount)
	}
	texts := [...]string{
		colNo:         strconv.Itoa(no),
		colTracking:   groupDigits(p.TrackingNumber),
		colPrefecture: oneLine(p.Prefecture),
		colMerchant:   oneLine(p.Merchant),
		colOrder:      oneLine(p.OrderNumber),
		colSeq:        fmt.Sprintf("%d/%d", p.Seq, p.Of),
		colService:    oneLine(p.Service),
		colCOD:        cod,
	}
	for i, c := range l.cols {
		x := c.x + l.pad
		if i == colTracking {
			// The digits line up with the bars beneath them.
			x = c.x + quietModules*handoverNarrow
		}
		hw.pen.fitted(rect{x, y + l.vpad, c.x + c.w - l.pad - x, l.line}, []string{texts[i]}, l.bodyPt, l.minPt, c.align, true)
	}
}

// rule separates table rows.
func (hw *handoverWriter) rule(y float64) {
	l := hw.lay
	hw.f.SetLineWidth(0.1)
	hw.f.SetDrawColor(160, 160, 160)
	hw.f.Line(l.marginX, y, l.marginX+l.contentWidth(), y)
	hw.f.SetDrawColor(0, 0, 0)
}

// noteRow is a table row of text across all columns.
func (hw *handoverWriter) noteRow(s string) block {
	l := hw.lay
	h := l.theadHeight()
	return block{height: h, row: true, draw: func(y float64) {
		hw.pen.text(rect{l.marginX + l.pad, y + l.vpad, l.contentWidth() - 2*l.pad, l.line}, l.bodyPt, s, "L")
		hw.rule(y + h)
	}}
}

func (hw *handoverWriter) lineBlock(h, pt float64, s string) block {
	l := hw.lay
	return block{height: h, draw: func(y float64) {
		hw.pen.text(rect{l.marginX, y, l.contentWidth(), h}, pt, s, "L")
	}}
}

// signature is the driver's receipt at the foot of the last page: the count
// in words above boxes for a signature, the time and the count the driver
// made, all written by hand.
func (hw *handoverWriter) signature() []block {
	l := hw.lay
	const boxH, gap, timeW, countW = 26, 3, 40, 40
	receipt := fmt.Sprintf("上記 %d 個の荷物を受領しました。", len(hw.d.Parcels))
	return []block{
		{height: 4, draw: func(float64) {}},
		hw.lineBlock(l.factLine+1, l.factPt, receipt),
		{height: boxH, draw: func(y float64) {
			x, right := l.marginX, l.marginX+l.contentWidth()
			signW := l.contentWidth() - timeW - countW - 2*gap
			hw.pen.box(rect{x, y, signW, boxH}, 0.5, "集荷担当者 受領サイン")
			in := hw.pen.box(rect{x + signW + gap, y, timeW, boxH}, 0.5, "受領時刻")
			hw.pen.text(in, 16, ":", "C")
			in = hw.pen.box(rect{right - countW, y, countW, boxH}, 0.5, "受領個数")
			hw.pen.text(in.inset(2, 0), 12, "個", "R")
		}},
	}
}
