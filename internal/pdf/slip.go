package pdf

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/soko"
)

// PageSize is the paper a document is printed on.
type PageSize string

// The paper sizes packing stations print slips on.
const (
	A4 PageSize = "A4" // 210 × 297 mm, the default
	A5 PageSize = "A5" // 148 × 210 mm, for stations that print half sheets
)

// SlipOptions choose how packing slips are printed; the zero value prints A4
// dated now.
type SlipOptions struct {
	// Size is the paper; empty means A4.
	Size PageSize
	// Now is the clock for the issue date (発行日) and the PDF's creation and
	// modification dates; nil means time.Now. Golden tests fix it so the same
	// slip always renders the same document.
	Now func() time.Time
	// DPI is the printer's resolution barcodes are snapped to; 0 means 203.
	DPI PrinterDPI
}

// SlipData is everything one packing slip (納品書) prints: who sends, what was
// ordered, for whom, and what the customer pays besides the goods — the
// order's 送料, 代引手数料 and 値引き.
type SlipData struct {
	Merchant soko.Merchant
	Order    soko.Order
	// Others are the orders that leave in Order's parcel (同梱): the slip
	// lists each one's lines and totals under its own order number.
	Others []soko.Order
}

// Slip writes one order's packing slip as a PDF to w.
func Slip(w io.Writer, s SlipData, opt SlipOptions) error {
	return Slips(w, []SlipData{s}, opt)
}

// Slips writes the packing slips of many orders — a wave — as one PDF to w.
// Each slip starts on a new page and counts its own pages (ページ 1/2, 2/2).
// One document for the whole batch matters: gofpdf parses the embedded font
// again for every document, which costs more than laying out a page.
// Invalid slip data is refused (EINVALID, naming the order) before anything
// is written.
func Slips(w io.Writer, slips []SlipData, opt SlipOptions) error {
	if len(slips) == 0 {
		return soko.Errorf(soko.EINVALID, "no packing slips to print").JA("印刷する納品書がありません")
	}
	return Document(w, DocumentData{Slips: slips}, DocumentOptions{SlipSize: opt.Size, Now: opt.Now, DPI: opt.DPI})
}

// slipLayout is the geometry of a slip on one paper size, in millimetres and
// points. A5 is not A4 scaled down: its type stays large enough to read.
type slipLayout struct {
	page                           gofpdf.SizeType
	marginX, marginTop, marginBot  float64
	titlePt, largePt, bodyPt, smPt float64
	titleLine, largeLine, line     float64
	smLine                         float64
	rightCol, colGap               float64
	barHeight, module, minModule   float64
	dpi                            PrinterDPI
	pad, vpad                      float64
	// the table's columns as shares of the content width; the name takes the rest
	skuShare, qtyShare, priceShare float64
}

func slipLayoutFor(size PageSize) (*slipLayout, error) {
	switch size {
	case A4, "":
		return &slipLayout{
			page: gofpdf.SizeType{Wd: 210, Ht: 297}, marginX: 15, marginTop: 12, marginBot: 10,
			titlePt: 18, largePt: 12, bodyPt: 9, smPt: 7.5,
			titleLine: 9, largeLine: 6, line: 4.6, smLine: 3.8,
			rightCol: 84, colGap: 6,
			barHeight: 12, module: 0.33, minModule: 0.25,
			pad: 1.2, vpad: 1,
			skuShare: 0.17, qtyShare: 0.08, priceShare: 0.135,
		}, nil
	case A5:
		return &slipLayout{
			page: gofpdf.SizeType{Wd: 148, Ht: 210}, marginX: 9, marginTop: 8, marginBot: 7,
			titlePt: 15, largePt: 10.5, bodyPt: 8, smPt: 6.5,
			titleLine: 7.5, largeLine: 5.2, line: 4, smLine: 3.3,
			rightCol: 68, colGap: 4,
			barHeight: 10, module: 0.33, minModule: 0.25,
			pad: 1, vpad: 0.8,
			skuShare: 0.17, qtyShare: 0.08, priceShare: 0.14,
		}, nil
	}
	return nil, soko.Errorf(soko.EINVALID, "paper size %q is not A4 or A5", size).
		JA("用紙サイズ「%s」には対応していません（A4・A5）", size)
}

func (l *slipLayout) contentWidth() float64 { return l.page.Wd - 2*l.marginX }

// orderBarcode encodes the order number for the slip, at the layout's module
// width, or narrower — never below the smallest width scanners read reliably —
// when a long number would not fit its column.
func orderBarcode(o *soko.Order, lay *slipLayout) (bars, error) {
	code, err := code128Bars(o.Number)
	if err != nil {
		return bars{}, soko.Errorf(soko.EINVALID, "order number %q cannot be printed as a Code 128 barcode: %v", o.Number, err).
			JA("注文番号「%s」はバーコード（Code128）にできません", o.Number)
	}
	if code.width(lay.minModule) > lay.rightCol {
		return bars{}, soko.Errorf(soko.EINVALID, "order number %q is too long for the slip's barcode", o.Number).
			JA("注文番号「%s」が長すぎて納品書のバーコードに収まりません", o.Number)
	}
	return code, nil
}

// Limits that keep every sum far inside int64; no real order comes near them.
const (
	maxQuantity  = 99_999
	maxUnitPrice = 9_999_999_999
)

// slipTotals are the amounts a slip prints, all in yen with tax included.
type slipTotals struct {
	goods, shipping, codFee, discount, total int64
	byRate                                   []rateTotal // highest rate first
}

// rateTotal is the part of the total taxed at one rate and the tax inside it.
type rateTotal struct {
	rate        int
	amount, tax int64
}

// totalsOf checks the slip's numbers and adds them up. Prices are tax
// included, so the tax in each rate's subtotal is amount × rate / (100 + rate),
// rounded down once per rate as the qualified-invoice rules require — not per
// line, which would drift by a yen per line.
//
// Delivery and the COD fee are services taxed at the standard rate, so they
// count towards the 10 % subtotal. A discount lowers each rate's subtotal in
// proportion to it (the 8 % share rounded down, the rest off 10 %), so the
// rates' subtotals still add up to the total. A COD amount must be exactly
// the total: the slip and the label the driver collects by must agree, and
// an order whose figures do not (one stored before the API checked them) is
// refused rather than printed wrong.
func totalsOf(s *SlipData) (slipTotals, error) {
	o := &s.Order
	bad := func(format string, args ...any) error {
		return soko.Errorf(soko.EINVALID, "packing slip for order %s: %s", o.Number, fmt.Sprintf(format, args...)).
			JA("注文 %s の納品書を作れません: %s", o.Number, fmt.Sprintf(format, args...))
	}
	if len(o.Lines) == 0 {
		return slipTotals{}, bad("the order has no lines")
	}
	for _, f := range []struct {
		name string
		yen  int64
	}{{"shipping fee", o.ShippingFee}, {"COD fee", o.CODFee}, {"discount", o.Discount}} {
		if f.yen < 0 || f.yen > maxUnitPrice {
			return slipTotals{}, bad("%s %d is out of range", f.name, f.yen)
		}
	}
	if o.CODAmount < 0 {
		return slipTotals{}, bad("COD amount %d is negative", o.CODAmount)
	}
	var t slipTotals
	amounts := map[int]int64{}
	for i, l := range o.Lines {
		if l.Quantity < 1 || l.Quantity > maxQuantity {
			return slipTotals{}, bad("line %d (%s): quantity %d is out of range", i+1, l.SKU, l.Quantity)
		}
		if l.UnitPrice < -maxUnitPrice || l.UnitPrice > maxUnitPrice {
			return slipTotals{}, bad("line %d (%s): unit price %d is out of range", i+1, l.SKU, l.UnitPrice)
		}
		if l.TaxRate != 10 && l.TaxRate != 8 {
			return slipTotals{}, bad("line %d (%s): tax rate %d%% is neither 10%% nor 8%%", i+1, l.SKU, l.TaxRate)
		}
		amount := l.UnitPrice * int64(l.Quantity)
		var ok bool
		if amounts[l.TaxRate], ok = addYen(amounts[l.TaxRate], amount); !ok {
			return slipTotals{}, bad("the amounts are too large")
		}
		if t.goods, ok = addYen(t.goods, amount); !ok {
			return slipTotals{}, bad("the amounts are too large")
		}
	}
	t.shipping, t.codFee, t.discount = o.ShippingFee, o.CODFee, o.Discount
	// Every term is at most maxUnitPrice × maxQuantity × lines or
	// maxUnitPrice, far inside int64, once the goods have been added safely.
	if t.shipping+t.codFee > 0 {
		amounts[10] += t.shipping + t.codFee
	}
	t.total = t.goods + t.shipping + t.codFee - t.discount
	if t.discount > 0 {
		if t.total < 0 {
			return slipTotals{}, bad("the discount %d is more than the goods and fees", t.discount)
		}
		before := amounts[10] + amounts[8]
		off8 := int64(float64(t.discount) * float64(amounts[8]) / float64(before))
		if amounts[8] > 0 {
			amounts[8] -= off8
		}
		amounts[10] -= t.discount - off8
	}
	if o.CODAmount > 0 && o.CODAmount != t.total {
		return slipTotals{}, soko.Errorf(soko.EINVALID, "packing slip for order %s: the COD amount ¥%d is not the total ¥%d", o.Number, o.CODAmount, t.total).
			JA("注文 %s の納品書を作れません: 代引金額 %s が合計 %s と一致しません", o.Number, yen(o.CODAmount), yen(t.total))
	}
	for rate, amount := range amounts {
		if amount == 0 && len(amounts) > 1 {
			continue // a rate the discount or nothing left to tax
		}
		t.byRate = append(t.byRate, rateTotal{rate: rate, amount: amount, tax: includedTax(amount, rate)})
	}
	sort.Slice(t.byRate, func(i, j int) bool { return t.byRate[i].rate > t.byRate[j].rate })
	return t, nil
}

// includedTax is the consumption tax inside a tax-included amount, rounded
// down (towards zero), computed without overflowing on large amounts.
func includedTax(amount int64, rate int) int64 {
	d := int64(100 + rate)
	return amount/d*int64(rate) + amount%d*int64(rate)/d
}

func addYen(a, b int64) (int64, bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}

// block is a piece of a slip's body that is laid out as a whole: a table row,
// the totals, one line of a message.
type block struct {
	height float64
	row    bool // a table row, so a page it starts on needs the table header
	draw   func(y float64)
}

// slipWriter lays out and draws one slip into the batch's document.
type slipWriter struct {
	f      *gofpdf.Fpdf
	lay    *slipLayout
	s      *SlipData
	sum    slipTotals
	code   bars
	issued time.Time
	// others write the lines and totals of SlipData.Others.
	others []slipWriter
}

// column is one column of the lines table, where it sits and how it aligns.
type column struct {
	title string
	x, w  float64
	align string
}

func (sw *slipWriter) hidePrices() bool { return sw.s.Order.Gift.HidePrices }

func (sw *slipWriter) columns() []column {
	l := sw.lay
	cw := l.contentWidth()
	sku, qty, price := cw*l.skuShare, cw*l.qtyShare, cw*l.priceShare
	if sw.hidePrices() {
		qty *= 1.3
		price = 0
	}
	name := cw - sku - qty - 2*price
	x := l.marginX
	cols := []column{{title: "商品コード", w: sku, align: "L"}, {title: "商品名", w: name, align: "L"}, {title: "数量", w: qty, align: "R"}}
	if !sw.hidePrices() {
		cols = append(cols, column{title: "単価", w: price, align: "R"}, column{title: "金額", w: price, align: "R"})
	}
	for i := range cols {
		cols[i].x = x
		x += cols[i].w
	}
	return cols
}

// write lays the slip out into pages and draws them. Laying out first is
// what lets every page print its slip's page count.
func (sw *slipWriter) write() {
	l := sw.lay
	header, headerHeight := sw.firstHeader()
	contTop := l.marginTop + l.largeLine + 3
	bottom := l.page.Ht - l.marginBot - l.smLine - 2
	cols := sw.columns()
	theadHeight := l.line + 2*l.vpad

	p := paginator{y: l.marginTop + headerHeight, contTop: contTop, bottom: bottom, pages: [][]placed{nil}}
	p.thead = block{height: theadHeight, draw: func(y float64) { sw.tableHeader(cols, y, theadHeight) }}
	for _, b := range sw.intro() {
		p.add(b)
	}
	if len(sw.others) > 0 {
		p.add(sw.orderHeading(sw.s.Order.Number))
	}
	for _, b := range sw.rows(cols, bottom-contTop-theadHeight) {
		p.add(b)
	}
	for _, b := range sw.totals(cols) {
		p.add(b)
	}
	for i := range sw.others {
		o := &sw.others[i]
		o.f, o.issued = sw.f, sw.issued
		p.add(sw.orderHeading(o.s.Order.Number))
		for _, b := range o.rows(cols, bottom-contTop-theadHeight) {
			p.add(b)
		}
		for _, b := range o.totals(cols) {
			p.add(b)
		}
	}
	for _, b := range sw.giftMessage() {
		p.add(b)
	}
	p.addAtBottom(sw.slipMessage())

	n := len(p.pages)
	for i, items := range p.pages {
		sw.f.AddPageFormat("P", l.page)
		if i == 0 {
			header()
		} else {
			sw.continuationHeader()
		}
		sw.footer(i+1, n)
		for _, it := range items {
			it.b.draw(it.y)
		}
	}
}

// orderHeading starts the lines of one order of a slip that lists several
// orders sent in one parcel (同梱).
func (sw *slipWriter) orderHeading(number string) block {
	l := sw.lay
	return block{height: l.line + 2*l.vpad + 2, draw: func(y float64) {
		sw.text(l.marginX, y+2+l.vpad, l.contentWidth(), l.line, l.bodyPt, "ご注文番号 "+number+"（同梱）", "L")
	}}
}

// placed is a block at its place on a page.
type placed struct {
	y float64
	b block
}

// paginator places blocks down pages, starting a new page when one does not fit.
type paginator struct {
	y, contTop, bottom float64
	thead              block
	theadOnPage        bool
	pages              [][]placed
}

func (p *paginator) newPage() {
	p.pages = append(p.pages, nil)
	p.y = p.contTop
	p.theadOnPage = false
}

func (p *paginator) place(b block) {
	last := len(p.pages) - 1
	p.pages[last] = append(p.pages[last], placed{y: p.y, b: b})
	p.y += b.height
}

func (p *paginator) add(b block) {
	need := b.height
	if b.row && !p.theadOnPage {
		need += p.thead.height
	}
	// The tolerance absorbs rounding in the running sum of heights, which
	// would otherwise push a block that fits exactly onto a page of its own.
	if p.y+need > p.bottom+1e-6 && len(p.pages[len(p.pages)-1]) > 0 {
		p.newPage()
	}
	if b.row && !p.theadOnPage {
		p.place(p.thead)
		p.theadOnPage = true
	}
	p.place(b)
}

// addAtBottom sets blocks against the foot of the last page — where a
// thank-you note belongs — or of a new page when they do not fit; a note
// longer than a page simply flows on.
func (p *paginator) addAtBottom(bs []block) {
	total := 0.0
	for _, b := range bs {
		total += b.height
	}
	if total == 0 {
		return
	}
	if total > p.bottom-p.y && total <= p.bottom-p.contTop {
		p.newPage()
	}
	if total <= p.bottom-p.y {
		p.y = p.bottom - total
	}
	for _, b := range bs {
		p.add(b)
	}
}

// text draws one line of s at (x, y) in a box w wide and h high.
func (sw *slipWriter) text(x, y, w, h, pt float64, s, align string) {
	sw.f.SetFontSize(pt)
	sw.f.SetXY(x, y)
	sw.f.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// wrapped is printable text broken into lines width wide at size pt.
func (sw *slipWriter) wrapped(s string, pt, width float64) []string {
	sw.f.SetFontSize(pt)
	return wrap(sw.f, printable(s), width)
}

// Header fields come from shop systems and may be garbage; a few lines each
// is all a real address needs, and capping them keeps the header on its page.
const maxHeaderLines = 4

func (sw *slipWriter) capped(s string, pt, width float64) []string {
	lines := sw.wrapped(oneLine(s), pt, width)
	if len(lines) > maxHeaderLines {
		lines = lines[:maxHeaderLines]
		lines[maxHeaderLines-1] += "…"
	}
	return lines
}

// firstHeader lays out the first page's head — title, ship-to on the left,
// barcode, order facts and merchant on the right — and returns how to draw it
// and its height.
func (sw *slipWriter) firstHeader() (func(), float64) {
	l, o, m := sw.lay, &sw.s.Order, &sw.s.Merchant
	type line struct {
		s    string
		pt   float64
		h    float64
		rule bool
	}
	leftW := l.contentWidth() - l.rightCol - l.colGap
	var left []line
	addLines := func(dst *[]line, s string, pt, h, width float64) {
		if strings.TrimSpace(s) == "" {
			return
		}
		for _, t := range sw.capped(s, pt, width) {
			*dst = append(*dst, line{s: t, pt: pt, h: h})
		}
	}
	rc := o.Recipient
	addLines(&left, postalCode(oneLine(rc.PostalCode)), l.bodyPt, l.line, leftW)
	addLines(&left, rc.Prefecture+rc.City+rc.Street, l.bodyPt, l.line, leftW)
	addLines(&left, rc.Building, l.bodyPt, l.line, leftW)
	addLines(&left, rc.Company, l.bodyPt, l.line, leftW)
	nameLines := sw.capped(oneLine(rc.Name)+" 様", l.largePt, leftW)
	for i, t := range nameLines {
		left = append(left, line{s: t, pt: l.largePt, h: l.largeLine, rule: i == len(nameLines)-1})
	}

	var right []line
	addLines(&right, "ご注文番号　"+oneLine(o.Number), l.bodyPt, l.line, l.rightCol)
	if !o.OrderedAt.IsZero() {
		addLines(&right, "ご注文日　"+date(o.OrderedAt), l.bodyPt, l.line, l.rightCol)
	}
	addLines(&right, "発行日　"+date(sw.issued), l.bodyPt, l.line, l.rightCol)
	if label := shipDateLabel(o.ShipDate, sw.issued); label != "" {
		addLines(&right, label+"　"+date(o.ShipDate), l.bodyPt, l.line, l.rightCol)
	}
	right = append(right, line{h: 2})
	addLines(&right, m.Name, l.bodyPt+1, l.line+0.6, l.rightCol)
	if m.InvoiceNumber != "" {
		// With it the slip is a qualified invoice (適格請求書): the issuer's
		// registration number beside its name, the tax per rate below.
		addLines(&right, "登録番号　"+oneLine(m.InvoiceNumber), l.smPt, l.smLine, l.rightCol)
	}
	sd := m.Sender
	addLines(&right, postalCode(oneLine(sd.PostalCode)), l.smPt, l.smLine, l.rightCol)
	addLines(&right, sd.Prefecture+sd.City+sd.Street, l.smPt, l.smLine, l.rightCol)
	addLines(&right, sd.Building, l.smPt, l.smLine, l.rightCol)
	if strings.TrimSpace(sd.Phone) != "" {
		addLines(&right, "TEL "+sd.Phone, l.smPt, l.smLine, l.rightCol)
	}

	height := func(ls []line) float64 {
		h := 0.0
		for _, x := range ls {
			h += x.h
		}
		return h
	}
	top := l.titleLine + 3
	barTop := top
	infoTop := barTop + l.barHeight + 1.5
	leftTop := top + 2
	h := math.Max(leftTop+height(left), infoTop+height(right)) + 4

	draw := func() {
		y0 := l.marginTop
		sw.text(l.marginX, y0, l.contentWidth(), l.titleLine, l.titlePt, "納品書", "C")
		xr := l.page.Wd - l.marginX - l.rightCol
		module := l.module
		if sw.code.width(module) > l.rightCol {
			module = l.rightCol / float64(sw.code.modules+2*quietModules)
		}
		sw.code.draw(sw.f, xr+(l.rightCol-sw.code.width(module))/2, y0+barTop, module, l.barHeight, l.dpi)
		y := y0 + infoTop
		for _, x := range right {
			sw.text(xr, y, l.rightCol, x.h, x.pt, x.s, "L")
			y += x.h
		}
		y = y0 + leftTop
		for _, x := range left {
			sw.text(l.marginX, y, leftW, x.h, x.pt, x.s, "L")
			y += x.h
			if x.rule {
				sw.f.SetLineWidth(0.3)
				sw.f.Line(l.marginX, y, l.marginX+leftW, y)
			}
		}
	}
	return draw, h
}

// continuationHeader heads the second and later pages of a slip, so a page
// that comes loose still says whose it is.
func (sw *slipWriter) continuationHeader() {
	l, o := sw.lay, &sw.s.Order
	y := l.marginTop
	sw.text(l.marginX, y, l.contentWidth()/3, l.largeLine, l.largePt, "納品書（続き）", "L")
	who := "ご注文番号 " + oneLine(o.Number) + "　" + oneLine(o.Recipient.Name) + " 様"
	sw.text(l.marginX+l.contentWidth()/3, y, l.contentWidth()*2/3, l.largeLine, l.bodyPt, printable(who), "R")
	sw.f.SetLineWidth(0.2)
	sw.f.Line(l.marginX, y+l.largeLine+0.5, l.page.Wd-l.marginX, y+l.largeLine+0.5)
}

// footer prints the slip's own page counter; page counts of the whole batch
// would mean nothing to the customer.
func (sw *slipWriter) footer(page, pages int) {
	l := sw.lay
	y := l.page.Ht - l.marginBot - l.smLine
	sw.text(l.marginX, y, l.contentWidth()/2, l.smLine, l.smPt, printable("ご注文番号 "+oneLine(sw.s.Order.Number)), "L")
	sw.text(l.marginX+l.contentWidth()/2, y, l.contentWidth()/2, l.smLine, l.smPt, fmt.Sprintf("ページ %d/%d", page, pages), "R")
}

// intro is the greeting and what the customer asked of the delivery.
func (sw *slipWriter) intro() []block {
	l, o := sw.lay, &sw.s.Order
	paras := []string{"この度はご注文いただき誠にありがとうございます。下記の通り納品いたします。"}
	var asked []string
	if !o.DeliveryDate.IsZero() {
		asked = append(asked, "お届け希望日　"+date(o.DeliveryDate))
	}
	if slot := timeSlotLabel(o.TimeSlot); slot != "" {
		asked = append(asked, "お届け時間帯　"+slot)
	}
	g := o.Gift.Normal()
	if g.Wrap {
		asked = append(asked, "ギフト包装　"+g.Wrapping.Label().JA)
	}
	if n := g.Noshi; n.Title != "" {
		noshi := "のし　" + printable(oneLine(n.Title)) + "（" + n.Placement.Label().JA
		if n.Name != "" {
			noshi += "・名入れ " + printable(oneLine(n.Name))
		}
		asked = append(asked, noshi+"）")
	}
	if len(asked) > 0 {
		paras = append(paras, strings.Join(asked, "　／　"))
	}
	var bs []block
	for _, para := range paras {
		for _, t := range sw.wrapped(para, l.bodyPt, l.contentWidth()) {
			bs = append(bs, sw.lineBlock(l.marginX, l.contentWidth(), l.bodyPt, l.line, t, "L"))
		}
	}
	return append(bs, block{height: 2, draw: func(float64) {}})
}

// shipDateLabel names an order's ship date on a slip issued at issued:
// 出荷日 when the slip is printed on or after it, as at the packing
// station on the day the parcel leaves, 出荷予定日 when printed ahead of
// it; empty for an order without a ship date.
func shipDateLabel(shipDate, issued time.Time) string {
	if shipDate.IsZero() {
		return ""
	}
	if date(shipDate) == date(issued) || shipDate.Before(issued) {
		return "出荷日"
	}
	return "出荷予定日"
}

func timeSlotLabel(t soko.TimeSlot) string {
	switch t {
	case soko.SlotNone:
		return ""
	case soko.SlotMorning:
		return "午前中"
	}
	if from, to, ok := strings.Cut(string(t), "-"); ok {
		return from + "時〜" + to + "時"
	}
	return printable(string(t))
}

func (sw *slipWriter) lineBlock(x, w, pt, h float64, s, align string) block {
	return block{height: h, draw: func(y float64) { sw.text(x, y, w, h, pt, s, align) }}
}

func (sw *slipWriter) tableHeader(cols []column, y, h float64) {
	l := sw.lay
	sw.f.SetFillColor(230, 230, 230)
	sw.f.Rect(l.marginX, y, l.contentWidth(), h, "F")
	for _, c := range cols {
		sw.text(c.x+l.pad, y+l.vpad, c.w-2*l.pad, l.line, l.bodyPt, c.title, c.align)
	}
	sw.f.SetLineWidth(0.3)
	sw.f.Line(l.marginX, y+h, l.marginX+l.contentWidth(), y+h)
}

// rows lays out one block per order line; a line whose wrapped name is taller
// than a page (maxHeight) continues as further blocks, so nothing is cut.
func (sw *slipWriter) rows(cols []column, maxHeight float64) []block {
	l := sw.lay
	maxLines := int((maxHeight - 2*l.vpad) / l.line)
	if maxLines < 1 {
		maxLines = 1
	}
	var bs []block
	setProduct := map[int64]int64{} // a set line's product, by line
	for _, ol := range sw.s.Order.Lines {
		if ol.IsSet {
			setProduct[ol.ID] = ol.ProductID
		}
	}
	for _, ol := range sw.s.Order.Lines {
		// A set's components are listed under it, without prices: the
		// set's line carries what the customer paid. Sets assembled in the
		// warehouse ahead (集合包装) are a line of the set itself under it.
		component := ol.SetLineID != 0
		name := ol.Name
		switch {
		case component && ol.ProductID != 0 && setProduct[ol.SetLineID] == ol.ProductID:
			name = "└ " + name + "（組立済）"
		case component:
			name = "└ " + name
		case ol.TaxRate == 8 && !sw.hidePrices():
			name = "※" + name
		}
		cells := make([][]string, len(cols))
		cells[0] = sw.wrapped(oneLine(ol.SKU), l.bodyPt, cols[0].w-2*l.pad)
		cells[1] = sw.wrapped(name, l.bodyPt, cols[1].w-2*l.pad)
		cells[2] = []string{strconv.Itoa(ol.Quantity)}
		if !sw.hidePrices() && !component {
			cells[3] = []string{yen(ol.UnitPrice)}
			cells[4] = []string{yen(ol.UnitPrice * int64(ol.Quantity))}
		}
		n := 0
		for _, c := range cells {
			n = max(n, len(c))
		}
		for from := 0; from < n; from += maxLines {
			to := min(from+maxLines, n)
			part := make([][]string, len(cols))
			for i, c := range cells {
				if from < len(c) {
					part[i] = c[from:min(to, len(c))]
				}
			}
			h := float64(to-from)*l.line + 2*l.vpad
			bs = append(bs, block{height: h, row: true, draw: func(y float64) {
				for i, c := range cols {
					for j, t := range part[i] {
						sw.text(c.x+l.pad, y+l.vpad+float64(j)*l.line, c.w-2*l.pad, l.line, l.bodyPt, t, c.align)
					}
				}
				sw.f.SetLineWidth(0.1)
				sw.f.SetDrawColor(160, 160, 160)
				sw.f.Line(l.marginX, y+h, l.marginX+l.contentWidth(), y+h)
				sw.f.SetDrawColor(0, 0, 0)
			}})
		}
	}
	return bs
}

// totals prints the sums under the table; a gift whose prices are hidden
// prints none of them, not even the COD amount, which the label carries.
func (sw *slipWriter) totals(cols []column) []block {
	if sw.hidePrices() {
		return nil
	}
	l, t := sw.lay, sw.sum
	type row struct {
		label, value string
		big          bool
	}
	rows := []row{{label: "小計", value: yen(t.goods)}}
	if t.shipping > 0 {
		rows = append(rows, row{label: "送料", value: yen(t.shipping)})
	}
	if t.codFee > 0 {
		rows = append(rows, row{label: "代引手数料", value: yen(t.codFee)})
	}
	if t.discount > 0 {
		rows = append(rows, row{label: "値引き", value: "−" + yen(t.discount)})
	}
	rows = append(rows, row{label: "合計", value: yen(t.total), big: true})
	for _, r := range t.byRate {
		rows = append(rows, row{label: strconv.Itoa(r.rate) + "%対象", value: yen(r.amount) + "（内消費税 " + yen(r.tax) + "）"})
	}
	// The COD amount is the total (totalsOf checks it): the slip says it
	// is what the driver collects, the figure the label prints.
	if cod := sw.s.Order.CODAmount; cod > 0 {
		rows = append(rows, row{label: "代引金額（お支払い額）", value: yen(cod), big: true})
	}
	var bs []block
	for _, ol := range sw.s.Order.Lines {
		if ol.TaxRate == 8 {
			bs = append(bs, sw.lineBlock(l.marginX, l.contentWidth(), l.smPt, l.smLine+1, "※印は軽減税率（8%）対象商品です。", "L"))
			break
		}
	}
	labelW := cols[2].w + cols[3].w
	valueW := l.contentWidth() * 0.36
	x := l.page.Wd - l.marginX - labelW - valueW
	height := 2.0
	for _, r := range rows {
		if r.big {
			height += l.largeLine
		} else {
			height += l.line
		}
	}
	bs = append(bs, block{height: height + 2, draw: func(y float64) {
		y += 2
		for _, r := range rows {
			pt, h := l.bodyPt, l.line
			if r.big {
				pt, h = l.largePt, l.largeLine
			}
			sw.text(x, y, labelW, h, pt, r.label, "L")
			sw.text(x+labelW, y, valueW-l.pad, h, pt, r.value, "R")
			y += h
			sw.f.SetLineWidth(0.1)
			sw.f.Line(x, y, x+labelW+valueW, y)
		}
	}})
	return bs
}

// giftMessage prints the sender's message for a gift, line by line so that a
// long one can continue on the next page.
func (sw *slipWriter) giftMessage() []block {
	msg := strings.TrimSpace(sw.s.Order.Gift.Message)
	if msg == "" {
		return nil
	}
	l := sw.lay
	bs := []block{{height: 3, draw: func(float64) {}}, sw.lineBlock(l.marginX, l.contentWidth(), l.bodyPt, l.line, "ギフトメッセージ", "L")}
	for _, t := range sw.wrapped(msg, l.bodyPt, l.contentWidth()-4) {
		bs = append(bs, sw.lineBlock(l.marginX+4, l.contentWidth()-4, l.bodyPt, l.line, t, "L"))
	}
	return bs
}

// slipMessage is the merchant's お礼状 text under a rule.
func (sw *slipWriter) slipMessage() []block {
	msg := strings.TrimSpace(sw.s.Merchant.SlipMessage)
	if msg == "" {
		return nil
	}
	l := sw.lay
	lines := sw.wrapped(msg, l.bodyPt, l.contentWidth()-4)
	bs := []block{{height: 3, draw: func(y float64) {
		sw.f.SetLineWidth(0.2)
		sw.f.Line(l.marginX, y+1.5, l.page.Wd-l.marginX, y+1.5)
	}}}
	for _, t := range lines {
		bs = append(bs, sw.lineBlock(l.marginX+2, l.contentWidth()-4, l.bodyPt, l.line, t, "L"))
	}
	return bs
}
