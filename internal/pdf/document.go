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

// DocumentOptions choose the paper of each kind of page in a combined
// document; the zero value prints A4 slips and 4×6 in labels dated now.
type DocumentOptions struct {
	// SlipSize is the packing slips' paper, A4 or A5; empty means A4.
	SlipSize PageSize
	// LabelSize is the shipping labels' paper, Label4x6 or A6; empty means
	// Label4x6.
	LabelSize PageSize
	// Now is the clock for the issue dates and the PDF's creation and
	// modification dates; nil means time.Now.
	Now func() time.Time
	// DPI is the resolution of the station's printers, which every barcode's
	// module is snapped to in whole dots; 0 means 203.
	DPI PrinterDPI
}

// DocumentData is what a combined document prints: packing slips and
// shipping labels, of one order at a station or of a whole wave.
type DocumentData struct {
	Slips  []SlipData
	Labels []LabelData
	// Unprinted are orders a batch leaves out, listed with why on the
	// document's last page so that the packer knows what is missing.
	Unprinted []Unprinted
}

// Unprinted is an order whose papers a batch could not print, and why.
type Unprinted struct {
	Merchant    string // the merchant's name
	OrderNumber string
	Reason      string // in the floor's language
}

// Printable checks an order's papers as Document would, without drawing
// them, so that a wave can leave out the orders it cannot print instead of
// failing as a whole. It returns Document's EINVALID error, or nil.
func Printable(d DocumentData, opt DocumentOptions) error {
	slipLay, err := slipLayoutFor(opt.SlipSize)
	if err != nil {
		return err
	}
	labelLay, err := labelLayoutFor(opt.LabelSize)
	if err != nil {
		return err
	}
	for i := range d.Slips {
		if _, err := totalsOf(&d.Slips[i]); err != nil {
			return err
		}
		if _, err := orderBarcode(&d.Slips[i].Order, slipLay); err != nil {
			return err
		}
	}
	for i := range d.Labels {
		if _, err := planLabel(&d.Labels[i], labelLay); err != nil {
			return err
		}
	}
	return nil
}

// Document writes packing slips and shipping labels as one PDF to w, each
// kind on its own paper size, so that a station prints an order's papers in
// one action and gofpdf parses the font once for all of them — the parse
// costs more than the pages (DESIGN.md §6).
//
// Each slip is followed by the labels of the same order (same merchant code
// and order number), in the order given, so the packer takes an order's
// papers off the printer together; labels of orders without a slip follow at
// the end in the order given. Slips come in the order given, so a wave sorted
// by pick order prints in pick order.
//
// Invalid data is refused (EINVALID, naming the order) before anything is
// written.
func Document(w io.Writer, d DocumentData, opt DocumentOptions) error {
	if len(d.Slips) == 0 && len(d.Labels) == 0 && len(d.Unprinted) == 0 {
		return soko.Errorf(soko.EINVALID, "nothing to print: no packing slips and no labels").
			JA("印刷する納品書・送り状がありません")
	}
	slipLay, err := slipLayoutFor(opt.SlipSize)
	if err != nil {
		return err
	}
	labelLay, err := labelLayoutFor(opt.LabelSize)
	if err != nil {
		return err
	}
	slipLay.dpi, labelLay.dpi = opt.DPI.orDefault(), opt.DPI.orDefault()
	slips := make([]slipWriter, len(d.Slips))
	for i := range d.Slips {
		s := &d.Slips[i]
		sw := slipWriter{lay: slipLay, s: s}
		if sw.sum, err = totalsOf(s); err != nil {
			return err
		}
		if sw.code, err = orderBarcode(&s.Order, slipLay); err != nil {
			return err
		}
		for j := range s.Others {
			o := &SlipData{Merchant: s.Merchant, Order: s.Others[j]}
			other := slipWriter{lay: slipLay, s: o}
			if other.sum, err = totalsOf(o); err != nil {
				return err
			}
			sw.others = append(sw.others, other)
		}
		slips[i] = sw
	}
	labels := make([]labelWriter, len(d.Labels))
	for i := range d.Labels {
		if labels[i], err = planLabel(&d.Labels[i], labelLay); err != nil {
			return err
		}
	}
	sheets := collate(slips, labels)
	if len(d.Unprinted) > 0 {
		sheets = append(sheets, &unprintedSheet{lay: slipLay, list: d.Unprinted})
	}

	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	issued := now()
	f, release, err := newDocument(sheets[0].pageSize(), issued)
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	defer release()
	f.SetTitle(documentTitle(d), true)
	for _, s := range sheets {
		s.draw(f, issued)
		// gofpdf records its first error and ignores every call after it;
		// stopping here spares laying out the rest of a wave for nothing.
		if f.Err() {
			return fmt.Errorf("pdf: %s: %w", s.describe(), f.Error())
		}
	}
	if err := output(f, w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// sheet is one slip or label of a document, checked and ready to draw on as
// many pages as it takes.
type sheet interface {
	pageSize() gofpdf.SizeType
	draw(f *gofpdf.Fpdf, issued time.Time)
	describe() string // names the slip or label in errors
}

// collate puts each slip before the labels of its order; labels of orders
// without a slip go last. See Document.
func collate(slips []slipWriter, labels []labelWriter) []sheet {
	byOrder := map[string][]int{}
	for i := range labels {
		k := orderKey(&labels[i].d.Merchant, &labels[i].d.Order)
		byOrder[k] = append(byOrder[k], i)
	}
	out := make([]sheet, 0, len(slips)+len(labels))
	placed := make([]bool, len(labels))
	for i := range slips {
		out = append(out, &slips[i])
		k := orderKey(&slips[i].s.Merchant, &slips[i].s.Order)
		for _, j := range byOrder[k] {
			out = append(out, &labels[j])
			placed[j] = true
		}
		// A second slip of the same order must not print its labels twice.
		delete(byOrder, k)
	}
	for j := range labels {
		if !placed[j] {
			out = append(out, &labels[j])
		}
	}
	return out
}

// orderKey identifies an order across merchants: order numbers are unique
// per merchant only.
func orderKey(m *soko.Merchant, o *soko.Order) string {
	return m.Code + "\x00" + o.Number
}

// documentTitle names the document for the print queue and the viewer's
// title bar: the order number when all papers are of one order, else counts.
func documentTitle(d DocumentData) string {
	kinds := func(slip, label string) string {
		switch {
		case len(d.Slips) > 0 && len(d.Labels) > 0:
			return slip + "・" + label
		case len(d.Slips) > 0:
			return slip
		}
		return label
	}
	var number string
	one := true
	for i := range d.Slips {
		one = one && (number == "" || number == d.Slips[i].Order.Number)
		number = d.Slips[i].Order.Number
	}
	for i := range d.Labels {
		one = one && (number == "" || number == d.Labels[i].Order.Number)
		number = d.Labels[i].Order.Number
	}
	if one && (len(d.Slips) <= 1) {
		return kinds("納品書", "送り状") + " " + oneLine(number)
	}
	var parts []string
	if len(d.Slips) > 0 {
		parts = append(parts, "納品書 "+strconv.Itoa(len(d.Slips))+"件")
	}
	if len(d.Labels) > 0 {
		parts = append(parts, "送り状 "+strconv.Itoa(len(d.Labels))+"件")
	}
	return strings.Join(parts, "・")
}

func (sw *slipWriter) pageSize() gofpdf.SizeType { return sw.lay.page }

func (sw *slipWriter) draw(f *gofpdf.Fpdf, issued time.Time) {
	sw.f, sw.issued = f, issued
	sw.write()
}

func (sw *slipWriter) describe() string {
	return "packing slip for order " + sw.s.Order.Number
}

// unprintedSheet lists, on the slips' paper, the orders a batch left out.
type unprintedSheet struct {
	lay  *slipLayout
	list []Unprinted
}

func (u *unprintedSheet) pageSize() gofpdf.SizeType { return u.lay.page }

func (u *unprintedSheet) describe() string { return "list of orders not printed" }

func (u *unprintedSheet) draw(f *gofpdf.Fpdf, issued time.Time) {
	l := u.lay
	w := l.contentWidth()
	text := func(x, y, w, h, pt float64, s string) {
		f.SetFontSize(pt)
		f.SetXY(x, y)
		f.CellFormat(w, h, s, "", 0, "L", false, 0, "")
	}
	bottom := l.page.Ht - l.marginBot
	y := bottom // start the first page below
	head := func() {
		f.AddPageFormat("P", l.page)
		y = l.marginTop
		text(l.marginX, y, w, l.titleLine, l.titlePt, "印刷できなかった注文")
		y += l.titleLine + 1
		text(l.marginX, y, w, l.line, l.bodyPt, printable(fmt.Sprintf("%d件の注文は納品書・送り状を印刷していません。原因を直してから印刷し直してください。（%s）", len(u.list), date(issued))))
		y += l.line + 3
	}
	orderW := w * 0.3
	for _, it := range u.list {
		f.SetFontSize(l.bodyPt)
		reason := wrap(f, printable(oneLine(it.Reason)), w-orderW-2)
		who := wrap(f, printable(oneLine(it.OrderNumber)+" "+oneLine(it.Merchant)), orderW-2)
		n := max(len(reason), len(who))
		if y+float64(n)*l.line+2 > bottom {
			head()
		}
		for i := 0; i < n; i++ {
			if i < len(who) {
				text(l.marginX, y, orderW-2, l.line, l.bodyPt, who[i])
			}
			if i < len(reason) {
				text(l.marginX+orderW, y, w-orderW, l.line, l.bodyPt, reason[i])
			}
			y += l.line
		}
		f.SetLineWidth(0.1)
		f.Line(l.marginX, y+1, l.marginX+w, y+1)
		y += 2
	}
}
