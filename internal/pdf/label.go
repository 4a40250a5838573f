package pdf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// The paper sizes shipping labels print on.
const (
	Label4x6 PageSize = "4x6" // 4 × 6 in (101.6 × 152.4 mm), the thermal label printers' roll; the default
	A6       PageSize = "A6"  // 105 × 148 mm, for A4 sheets of four labels or A6 rolls
)

// CoolClass is the temperature a parcel travels at (クール便), which the
// driver must see before anything else on the label.
type CoolClass string

// The cool classes; carriers.md's クール区分.
const (
	CoolNone    CoolClass = ""        // normal temperature
	CoolChilled CoolClass = "chilled" // 冷蔵
	CoolFrozen  CoolClass = "frozen"  // 冷凍
)

// LabelOptions choose how shipping labels are printed; the zero value prints
// 4×6 in labels dated now.
type LabelOptions struct {
	// Size is the paper; empty means Label4x6.
	Size PageSize
	// Now is the clock for the issue date and the PDF's creation and
	// modification dates; nil means time.Now.
	Now func() time.Time
	// DPI is the printer's resolution barcodes are snapped to; 0 means 203.
	DPI PrinterDPI
}

// LabelData is everything one parcel's shipping label (送り状) prints: the
// sender, the order it belongs to, and the parcel itself.
type LabelData struct {
	// Merchant is the sender (ご依頼主): Sender is the address and phone; the
	// name printed is Sender.Name, or the merchant's Name when that is blank.
	Merchant soko.Merchant
	// Order gives the recipient (お届け先), delivery date, time slot, COD
	// amount and order number, and the carrier and service a parcel that
	// names none goes by.
	Order soko.Order
	// Parcel gives Seq (the i of 個口 i/n), carrier, service, tracking number
	// and weight.
	Parcel soko.Parcel
	// Parcels is how many parcels the order ships in: the n of 個口 i/n.
	Parcels int
	// Cool is the parcel's cool class; the service must offer cool delivery.
	Cool CoolClass
	// Items is the 品名, what the parcel holds; empty means the first of the
	// order's product names and how many more there are (他N点).
	Items string
}

// Labels writes one shipping label per parcel — a wave's worth or one
// order's — as one PDF to w, one page each. An order's COD amount prints on
// its parcel 1 only, and its other parcels point there, so that it is
// collected once. Invalid labels are refused (EINVALID, naming the order and
// parcel) before anything is written: a label with a wrong tracking number
// or a COD amount the service cannot collect would go out on a parcel.
func Labels(w io.Writer, labels []LabelData, opt LabelOptions) error {
	if len(labels) == 0 {
		return soko.Errorf(soko.EINVALID, "no shipping labels to print").JA("印刷する送り状がありません")
	}
	return Document(w, DocumentData{Labels: labels}, DocumentOptions{LabelSize: opt.Size, Now: opt.Now, DPI: opt.DPI})
}

// labelLayout is the geometry of a label on one paper size, in millimetres.
// The two sizes differ by a few millimetres, so they share one design and the
// recipient block, the one that grows with long addresses, takes what is left.
type labelLayout struct {
	page        gofpdf.SizeType
	dpi         PrinterDPI
	margin, gap float64
	// section heights, top to bottom; recipient takes the rest of the page
	head, tracking, delivery, recipient, sender, items, order float64
}

// Bar widths. A narrow NW-7 element of 0.375 mm is three dots of a 203-dpi
// printer, the usual resolution of 4×6 thermal label printers, so narrow and
// wide (1.125 mm) elements print as whole dots. No bar is ever narrower than
// 0.25 mm, soko's floor for anything a scanner must read. Code 128 on the
// label is read by the warehouse's own scanners only, so it may be smaller.
const (
	trackingNarrow    = 0.375
	minNarrow         = 0.25
	labelOrderModule  = 0.3
	labelOrderShare   = 0.68 // of the width, for the order barcode with its quiet zones
	trackingBarHeight = 14
)

func labelLayoutFor(size PageSize) (*labelLayout, error) {
	l := &labelLayout{margin: 3.5, gap: 1.5, head: 12, tracking: 25, delivery: 11, sender: 19, items: 14, order: 14}
	switch size {
	case Label4x6, "":
		l.page = gofpdf.SizeType{Wd: 101.6, Ht: 152.4}
	case A6:
		l.page = gofpdf.SizeType{Wd: 105, Ht: 148}
	default:
		return nil, soko.Errorf(soko.EINVALID, "label size %q is not 4x6 or A6", size).
			JA("送り状の用紙サイズ「%s」には対応していません（4x6・A6）", size)
	}
	l.recipient = l.page.Ht - 2*l.margin - 6*l.gap - (l.head + l.tracking + l.delivery + l.sender + l.items + l.order)
	return l, nil
}

func (l *labelLayout) contentWidth() float64 { return l.page.Wd - 2*l.margin }

// rect is a box on the page in millimetres.
type rect struct{ x, y, w, h float64 }

// inset is r shrunk by dx at the sides and dy at top and bottom.
func (r rect) inset(dx, dy float64) rect { return rect{r.x + dx, r.y + dy, r.w - 2*dx, r.h - 2*dy} }

// labelSections are where the parts of a label go.
type labelSections struct {
	head, tracking, delivery, recipient, sender, items, order rect
}

func (l *labelLayout) sections() labelSections {
	y := l.margin
	next := func(h float64) rect {
		r := rect{l.margin, y, l.contentWidth(), h}
		y += h + l.gap
		return r
	}
	return labelSections{
		head: next(l.head), tracking: next(l.tracking), delivery: next(l.delivery),
		recipient: next(l.recipient), sender: next(l.sender), items: next(l.items), order: next(l.order),
	}
}

// labelWriter draws one checked label.
type labelWriter struct {
	f        *gofpdf.Fpdf
	lay      *labelLayout
	d        *LabelData
	carrier  *carrier.Carrier
	service  *carrier.Service // nil when neither parcel nor order names one
	tracking string           // the tracking number's digits
	codabar  bars
	order    bars
	issued   time.Time
}

// planLabel checks a label's data and encodes its barcodes. The carrier rules
// are the ones orders are checked with (carrier.CheckOrder), applied again
// because the warehouse may have changed carrier or service since.
func planLabel(d *LabelData, lay *labelLayout) (labelWriter, error) {
	o, p := &d.Order, &d.Parcel
	bad := func(en, ja string) error {
		return soko.Errorf(soko.EINVALID, "label for order %s parcel %d/%d: %s", o.Number, p.Seq, d.Parcels, en).
			JA("注文 %s の送り状（%d/%d個口）を作れません: %s", o.Number, p.Seq, d.Parcels, ja)
	}
	lw := labelWriter{lay: lay, d: d}

	code := firstNonBlank(p.Carrier, o.Carrier)
	c, ok := carrier.Find(code)
	if !ok {
		return lw, bad(fmt.Sprintf("unknown carrier %q", code), fmt.Sprintf("配送業者「%s」は登録されていません", code))
	}
	lw.carrier = c
	svcCode := firstNonBlank(p.Service, o.Service)
	if svcCode != "" {
		if lw.service, ok = c.Service(svcCode); !ok {
			return lw, bad(fmt.Sprintf("%s has no service %q", c.Name.EN, svcCode), fmt.Sprintf("%sにサービス「%s」はありません", c.Name.JA, svcCode))
		}
	}
	if d.Parcels < 1 || p.Seq < 1 || p.Seq > d.Parcels {
		return lw, bad("the parcel count must be 1 ≤ seq ≤ parcels", "個口の番号は1以上、個口数以下にしてください")
	}
	if rc := &o.Recipient; strings.TrimSpace(rc.Name) == "" || strings.TrimSpace(rc.Prefecture+rc.City+rc.Street) == "" {
		return lw, bad("the recipient has no name or no address", "お届け先の氏名または住所がありません")
	}
	if p.WeightGrams < 0 {
		return lw, bad(fmt.Sprintf("weight %d g is negative", p.WeightGrams), "重量が負の値です")
	}

	lw.tracking = carrier.NormalizeTrackingNumber(p.TrackingNumber)
	switch {
	case lw.tracking == "":
		return lw, bad(fmt.Sprintf("tracking number %q is not digits", p.TrackingNumber),
			fmt.Sprintf("伝票番号「%s」が数字ではありません", p.TrackingNumber))
	case c.TrackingDigits > 0 && !carrier.ValidTrackingNumber(c.Code, lw.tracking):
		return lw, bad(fmt.Sprintf("tracking number %s is not a %s number (%d digits, the last the mod-7 check digit)", lw.tracking, c.Name.EN, c.TrackingDigits),
			fmt.Sprintf("伝票番号 %s は%sの番号ではありません（%d桁、末尾はチェックデジット）", lw.tracking, c.Name.JA, c.TrackingDigits))
	}
	var err error
	if lw.codabar, err = codabarBars(lw.tracking); err != nil || lw.codabar.width(minNarrow) > lay.contentWidth() {
		return lw, bad(fmt.Sprintf("tracking number %s is too long for the label's barcode", lw.tracking),
			fmt.Sprintf("伝票番号 %s が長すぎてバーコードにできません", lw.tracking))
	}

	if ps := carrier.CheckOrder(c.Code, svcCode, o.TimeSlot, !o.DeliveryDate.IsZero(), o.CODAmount); len(ps) > 0 {
		return lw, bad(ps[0].Message.EN, ps[0].Message.JA)
	}
	switch d.Cool {
	case CoolNone:
	case CoolChilled, CoolFrozen:
		if lw.service == nil || !lw.service.Cool {
			return lw, bad(fmt.Sprintf("%s %s has no cool delivery", c.Name.EN, svcCode), fmt.Sprintf("%s %sはクール便を扱えません", c.Name.JA, svcCode))
		}
	default:
		return lw, bad(fmt.Sprintf("unknown cool class %q", d.Cool), fmt.Sprintf("クール区分「%s」は使えません", d.Cool))
	}

	if strings.TrimSpace(o.Number) == "" {
		return lw, bad("the order number is empty", "注文番号がありません")
	}
	lw.order, err = code128Bars(o.Number)
	if err != nil || lw.order.width(minNarrow) > lay.contentWidth()*labelOrderShare {
		return lw, bad(fmt.Sprintf("order number %q cannot be printed as a Code 128 barcode on the label", o.Number),
			fmt.Sprintf("注文番号「%s」は送り状のバーコード（Code128）にできません", o.Number))
	}
	return lw, nil
}

// firstNonBlank is the first of a and b that is not blank, trimmed.
func firstNonBlank(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return strings.TrimSpace(a)
	}
	return strings.TrimSpace(b)
}

func (lw *labelWriter) pageSize() gofpdf.SizeType { return lw.lay.page }

func (lw *labelWriter) describe() string {
	return fmt.Sprintf("label for order %s parcel %d/%d", lw.d.Order.Number, lw.d.Parcel.Seq, lw.d.Parcels)
}

// draw prints the label on a page of its own.
func (lw *labelWriter) draw(f *gofpdf.Fpdf, issued time.Time) {
	lw.f, lw.issued = f, issued
	f.AddPageFormat("P", lw.lay.page)
	s := lw.lay.sections()
	lw.head(s.head)
	lw.trackingNumber(s.tracking)
	lw.delivery(s.delivery)
	lw.recipient(s.recipient)
	lw.sender(s.sender)
	lw.items(s.items)
	lw.orderNumber(s.order)
}

// Type sizes in points: captions name a box, the rest is what it holds.
const (
	captionPt   = 6.5
	captionLine = 3
)

// box draws r's border, line width lw mm, with a caption in its top left
// corner, and returns the room left inside for the contents.
func (lw *labelWriter) box(r rect, width float64, caption string) rect {
	lw.f.SetLineWidth(width)
	lw.f.Rect(r.x, r.y, r.w, r.h, "D")
	inner := r.inset(1.2, 0.6)
	if caption != "" {
		lw.text(rect{inner.x, inner.y, inner.w, captionLine}, captionPt, caption, "L")
		inner.y += captionLine
		inner.h -= captionLine
	}
	return inner
}

// text draws one line s at size pt in r, vertically centred.
func (lw *labelWriter) text(r rect, pt float64, s, align string) {
	lw.f.SetFontSize(pt)
	lw.f.SetXY(r.x, r.y)
	lw.f.CellFormat(r.w, r.h, s, "", 0, align, false, 0, "")
}

// fitted fits paragraphs into r (see fit) and draws them from its top, or
// centred in it when middle is set.
func (lw *labelWriter) fitted(r rect, paras []string, maxPt, minPt float64, align string, middle bool) {
	t := fit(lw.f, paras, r.w, r.h, maxPt, minPt)
	y := r.y
	if middle {
		y += (r.h - t.height()) / 2
	}
	for _, line := range t.lines {
		lw.text(rect{r.x, y, r.w, t.lineHeight()}, t.pt, line, align)
		y += t.lineHeight()
	}
}

// head is the carrier and service, the cool class and the parcel count: what
// sorting staff read from a distance.
func (lw *labelWriter) head(r rect) {
	count := rect{r.x + r.w - 22, r.y, 22, r.h}
	in := lw.box(count, 0.4, "個口")
	lw.fitted(in, []string{fmt.Sprintf("%d/%d", lw.d.Parcel.Seq, lw.d.Parcels)}, 17, 8, "C", true)
	right := count.x
	if lw.d.Cool != CoolNone {
		cool := rect{count.x - 1.5 - 18, r.y, 18, r.h}
		right = cool.x
		lw.f.SetFillColor(0, 0, 0)
		lw.f.Rect(cool.x, cool.y, cool.w, cool.h, "F")
		lw.f.SetTextColor(255, 255, 255)
		in := cool.inset(1, 0.6)
		lw.text(rect{in.x, in.y, in.w, captionLine}, captionPt, "クール", "L")
		name := "冷蔵"
		if lw.d.Cool == CoolFrozen {
			name = "冷凍"
		}
		lw.fitted(rect{in.x, in.y + captionLine, in.w, in.h - captionLine}, []string{name}, 15, 8, "C", true)
		lw.f.SetTextColor(0, 0, 0)
	}
	names := rect{r.x, r.y, right - 2 - r.x, r.h}
	if lw.service == nil {
		lw.fitted(names, []string{lw.carrier.Name.JA}, 17, 8, "L", true)
		return
	}
	lw.fitted(rect{names.x, names.y, names.w, 4.8}, []string{lw.carrier.Name.JA}, 11, 7, "L", true)
	lw.fitted(rect{names.x, names.y + 4.8, names.w, names.h - 4.8}, []string{lw.service.Name.JA}, 17, 8, "L", true)
}

// trackingNumber is the 伝票番号 as NW-7 for the carrier's scanners and as
// digits in groups of four for people who type it.
func (lw *labelWriter) trackingNumber(r rect) {
	lw.text(rect{r.x, r.y, r.w, captionLine}, captionPt, "お問い合せ伝票番号", "L")
	narrow := trackingNarrow
	if lw.codabar.width(narrow) > r.w {
		narrow = r.w / float64(lw.codabar.modules+2*quietModules)
	}
	barTop := r.y + captionLine + 0.5
	lw.codabar.draw(lw.f, r.x+(r.w-lw.codabar.width(narrow))/2, barTop, narrow, trackingBarHeight, lw.lay.dpi)
	digits := rect{r.x, barTop + trackingBarHeight + 0.5, r.w, r.y + r.h - barTop - trackingBarHeight - 0.5}
	lw.fitted(digits, []string{groupDigits(lw.tracking)}, 14, 8, "C", true)
}

// groupDigits writes a tracking number in groups of four from the left,
// 1234-5678-9012, the way carriers print and customers type it.
func groupDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

// delivery is the delivery date and time slot the customer asked for.
func (lw *labelWriter) delivery(r rect) {
	o := &lw.d.Order
	w := (r.w - lw.lay.gap) / 2
	day := "指定なし"
	if !o.DeliveryDate.IsZero() {
		day = date(o.DeliveryDate)
	}
	in := lw.box(rect{r.x, r.y, w, r.h}, 0.3, "お届け予定日")
	lw.fitted(in, []string{day}, 13, 7, "C", true)
	slot := timeSlotLabel(o.TimeSlot)
	if slot == "" {
		slot = "指定なし"
	}
	in = lw.box(rect{r.x + w + lw.lay.gap, r.y, w, r.h}, 0.3, "配達時間帯")
	lw.fitted(in, []string{slot}, 15, 7, "C", true)
}

// recipient is the お届け先 block: postal code and phone, the address in as
// many lines as it takes, and the name with 様 in the largest type.
func (lw *labelWriter) recipient(r rect) {
	a := &lw.d.Order.Recipient
	in := lw.box(r, 0.5, "お届け先")
	in = in.inset(0.8, 0)
	top := rect{in.x, in.y, in.w, 5.5}
	lw.fitted(rect{top.x, top.y, top.w * 0.45, top.h}, []string{postalCode(oneLine(a.PostalCode))}, 12, 7, "L", true)
	if phone := oneLine(a.Phone); phone != "" {
		lw.fitted(rect{top.x + top.w*0.45, top.y, top.w * 0.55, top.h}, []string{"TEL " + phone}, 10, 6, "R", true)
	}
	const nameH = 10
	name := rect{in.x, in.y + in.h - nameH, in.w, nameH}
	lw.fitted(name, []string{oneLine(a.Name) + " 様"}, 17, 9, "L", true)
	addr := rect{in.x, top.y + top.h + 0.5, in.w, name.y - top.y - top.h - 1}
	lw.fitted(addr, []string{oneLine(a.Prefecture + a.City + a.Street), oneLine(a.Building), oneLine(a.Company)}, 11, 6, "L", false)
}

// sender is the ご依頼主 block, smaller than the recipient's so that no one
// delivers to the sender by mistake.
func (lw *labelWriter) sender(r rect) {
	m := &lw.d.Merchant
	a := &m.Sender
	in := lw.box(r, 0.2, "ご依頼主")
	name := oneLine(firstNonBlank(a.Name, m.Name))
	address := strings.TrimSpace(postalCode(oneLine(a.PostalCode)) + " " + oneLine(a.Prefecture+a.City+a.Street))
	phone := ""
	if p := oneLine(a.Phone); p != "" {
		phone = "TEL " + p
	}
	lw.fitted(in.inset(0.8, 0), []string{name, address, oneLine(a.Building), phone}, 8.5, 5, "L", false)
}

// items is the 品名 and weight on the left and the COD amount on the right.
// COD is collected once per order, so only parcel 1 carries the amount;
// the order's other parcels say where it is, so no driver collects it twice.
func (lw *labelWriter) items(r rect) {
	const codW = 38
	in := lw.box(rect{r.x, r.y, r.w - codW - lw.lay.gap, r.h}, 0.2, "品名")
	in = in.inset(0.8, 0)
	const weightH = 3
	lw.fitted(rect{in.x, in.y, in.w, in.h - weightH}, []string{lw.itemText()}, 8.5, 5.5, "L", false)
	if g := lw.d.Parcel.WeightGrams; g > 0 {
		lw.text(rect{in.x, in.y + in.h - weightH, in.w, weightH}, captionPt, "重量 "+kilograms(g), "R")
	}

	cod := lw.d.Order.CODAmount
	if cod <= 0 {
		return
	}
	box := rect{r.x + r.w - codW, r.y, codW, r.h}
	if lw.d.Parcel.Seq == 1 {
		in := lw.box(box, 0.7, "代金引換")
		lw.fitted(in, []string{yen(cod)}, 16, 7, "C", true)
		return
	}
	in = lw.box(box, 0.3, "代金引換")
	lw.fitted(in, []string{fmt.Sprintf("1/%d個口目で集金", lw.d.Parcels)}, 9, 5, "C", true)
}

// itemText is the 品名: as given, or the first product and a count of the rest.
func (lw *labelWriter) itemText() string {
	if s := oneLine(lw.d.Items); s != "" {
		return s
	}
	lines := lw.d.Order.Lines
	if len(lines) == 0 {
		return ""
	}
	s := oneLine(lines[0].Name)
	if len(lines) > 1 {
		s += " 他" + strconv.Itoa(len(lines)-1) + "点"
	}
	return s
}

// kilograms prints a weight in grams as kilograms with up to two decimals,
// as carriers' weight classes are read: 1.25kg, 0.8kg, 12kg.
func kilograms(g int) string {
	s := strconv.FormatFloat(float64(g)/1000, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "kg"
}

// orderNumber is the order number as Code 128, which the station scans to
// match a label to its order, with the number and issue date in type.
func (lw *labelWriter) orderNumber(r rect) {
	const textH = 3.5
	module := labelOrderModule
	room := r.w * labelOrderShare
	if lw.order.width(module) > room {
		module = room / float64(lw.order.modules+2*quietModules)
	}
	lw.order.draw(lw.f, r.x-quietModules*snapModule(module, lw.lay.dpi), r.y, module, r.h-textH-0.3, lw.lay.dpi)
	bottom := rect{r.x, r.y + r.h - textH, r.w, textH}
	lw.text(rect{bottom.x, bottom.y, room, textH}, 7, printable("ご注文番号 "+oneLine(lw.d.Order.Number)), "L")
	lw.text(rect{bottom.x + room, bottom.y, r.w - room, textH}, captionPt, "発行 "+date(lw.issued), "R")
}
