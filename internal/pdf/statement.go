package pdf

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/soko"
)

// StatementOptions choose how a statement is printed; the zero value dates it now.
type StatementOptions struct {
	// Now is the clock for the issue date and the PDF's dates; nil means time.Now.
	Now func() time.Time
}

// statementLayout is the geometry of a statement on A4 portrait, in mm and points.
type statementLayout struct {
	page                gofpdf.SizeType
	marginX, top, bot   float64
	titlePt, bodyPt     float64
	smPt                float64
	line, smLine        float64
	summaryCols, detCol []column
}

func statementLayoutA4() *statementLayout {
	l := &statementLayout{page: gofpdf.SizeType{Wd: 210, Ht: 297}, marginX: 15, top: 14, bot: 14,
		titlePt: 18, bodyPt: 9, smPt: 7.5, line: 5.6, smLine: 4.4}
	place := func(cs []column) []column {
		x := l.marginX
		for i := range cs {
			cs[i].x = x
			x += cs[i].w
		}
		return cs
	}
	l.summaryCols = place([]column{
		{title: "項目", w: 74, align: "L"}, {title: "数量", w: 22, align: "R"}, {title: "単位", w: 16, align: "L"},
		{title: "単価（円）", w: 24, align: "R"}, {title: "金額（税抜）", w: 30, align: "R"}, {title: "税率", w: 14, align: "R"},
	})
	l.detCol = place([]column{
		{title: "日付", w: 24, align: "L"}, {title: "項目", w: 52, align: "L"}, {title: "数量", w: 30, align: "R"},
		{title: "内訳（注文番号・入荷番号ほか）", w: 74, align: "L"},
	})
	return l
}

// statementWriter draws one statement, page after page.
type statementWriter struct {
	f    *gofpdf.Fpdf
	lay  *statementLayout
	st   *soko.Statement
	y    float64
	page int
}

// Statement writes a merchant's monthly 請求明細書 as an A4 PDF to w: the
// issuer with its 適格請求書 registration number when it has one, the
// amount billed, one line per charge, the tax per rate (rounded once per
// rate) and the total; then the detail by day and charge, naming the
// orders and inbounds counted (a day's references are shortened to the
// first few and a count; the CSV lists every event).
func Statement(w io.Writer, st *soko.Statement, opt StatementOptions) error {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	issued := now()
	f, release, err := newDocument(statementLayoutA4().page, issued)
	if err != nil {
		return fmt.Errorf("pdf: statement %s %s: %w", st.MerchantCode, st.Month, err)
	}
	defer release()
	f.SetTitle("請求明細書 "+st.Month+" "+st.MerchantCode, true)
	sw := &statementWriter{f: f, lay: statementLayoutA4(), st: st}
	sw.write(issued)
	if f.Err() {
		return fmt.Errorf("pdf: statement %s %s: %w", st.MerchantCode, st.Month, f.Error())
	}
	if err := output(f, w); err != nil {
		return fmt.Errorf("pdf: statement %s %s: %w", st.MerchantCode, st.Month, err)
	}
	return nil
}

func (sw *statementWriter) text(x, y float64, pt float64, s string) {
	sw.f.SetFontSize(pt)
	sw.f.Text(x, y, s)
}

// cell writes s in column c on the current row, aligned and cut to fit.
func (sw *statementWriter) cell(c column, pt float64, s string) {
	sw.f.SetFontSize(pt)
	if s = oneLine(s); sw.f.GetStringWidth(s) > c.w-2 {
		s = ellipsize(sw.f, s, c.w-2)
	}
	x := c.x + 1
	switch c.align {
	case "R":
		x = c.x + c.w - 1 - sw.f.GetStringWidth(s)
	case "C":
		x = c.x + (c.w-sw.f.GetStringWidth(s))/2
	}
	sw.f.Text(x, sw.y+sw.lay.line*0.7, s)
}

func (sw *statementWriter) newPage() {
	sw.f.AddPage()
	sw.page++
	sw.y = sw.lay.top
	sw.text(sw.lay.page.Wd-sw.lay.marginX-12, sw.lay.page.Ht-8, sw.lay.smPt, fmt.Sprintf("%d 頁", sw.page))
	if sw.page > 1 {
		sw.text(sw.lay.marginX, sw.y, sw.lay.smPt, fmt.Sprintf("請求明細書 %s %s 様（続き）", soko.MonthOf(sw.monthStart()).Label(), oneLine(sw.st.MerchantName)))
		sw.y += sw.lay.smLine
	}
}

func (sw *statementWriter) monthStart() time.Time {
	m, _ := soko.ParseMonth(sw.st.Month)
	return m.Start()
}

// room starts a new page when h more millimetres do not fit, and reports whether it did.
func (sw *statementWriter) room(h float64) bool {
	if sw.y+h <= sw.lay.page.Ht-sw.lay.bot {
		return false
	}
	sw.newPage()
	return true
}

func (sw *statementWriter) header(cols []column) {
	sw.f.SetFillColor(230, 230, 230)
	sw.f.Rect(sw.lay.marginX, sw.y, sw.lay.page.Wd-2*sw.lay.marginX, sw.lay.line, "F")
	for _, c := range cols {
		sw.cell(c, sw.lay.smPt, c.title)
	}
	sw.y += sw.lay.line
}

func (sw *statementWriter) rule() {
	sw.f.SetDrawColor(160, 160, 160)
	sw.f.Line(sw.lay.marginX, sw.y, sw.lay.page.Wd-sw.lay.marginX, sw.y)
}

func (sw *statementWriter) write(issued time.Time) {
	l, st := sw.lay, sw.st
	sw.newPage()
	month, _ := soko.ParseMonth(st.Month)
	sw.text(l.marginX, sw.y+6, l.titlePt, "請求明細書")
	sw.text(l.marginX+48, sw.y+6, 11, month.Label()+"分")
	right := l.page.Wd - l.marginX - 70
	sw.text(right, sw.y+2, l.smPt, "発行日　"+date(issued))
	status := "未確定（締め前の試算）"
	if st.ClosedAt != nil {
		status = "確定（" + date(*st.ClosedAt) + " 締め）"
	}
	sw.text(right, sw.y+6, l.smPt, "状態　"+status)
	sw.y += 14
	sw.text(l.marginX, sw.y, 12, oneLine(st.MerchantName)+"　様")
	sw.text(l.marginX, sw.y+5, l.smPt, "荷主コード　"+oneLine(st.MerchantCode))
	sw.text(right, sw.y, 10, oneLine(st.Issuer.Name))
	if st.Issuer.InvoiceNumber != "" {
		sw.text(right, sw.y+5, l.smPt, "登録番号　"+oneLine(st.Issuer.InvoiceNumber))
	}
	sw.y += 12
	sw.text(l.marginX, sw.y, 10, "ご請求金額（税込）")
	sw.text(l.marginX+40, sw.y+1, 16, yen(st.Total))
	sw.y += 4
	sw.f.Line(l.marginX, sw.y, l.marginX+100, sw.y)
	sw.y += 6

	sw.header(l.summaryCols)
	for _, ln := range st.Lines {
		if sw.room(l.line) {
			sw.header(l.summaryCols)
		}
		price := priceCell(ln)
		sw.cell(l.summaryCols[0], l.bodyPt, ln.Name.JA)
		sw.cell(l.summaryCols[1], l.bodyPt, soko.GroupDigits(ln.Quantity))
		sw.cell(l.summaryCols[2], l.bodyPt, ln.Unit)
		sw.cell(l.summaryCols[3], l.bodyPt, price)
		sw.cell(l.summaryCols[4], l.bodyPt, yen(ln.Amount))
		sw.cell(l.summaryCols[5], l.bodyPt, fmt.Sprintf("%d%%", ln.TaxRate))
		sw.y += l.line
		sw.rule()
	}
	if len(st.Lines) == 0 {
		sw.cell(l.summaryCols[0], l.bodyPt, "この月の請求はありません")
		sw.y += l.line
	}
	sw.room(l.line * float64(3+len(st.Taxes)*2))
	sw.y += 2
	label, value := l.summaryCols[3], l.summaryCols[4]
	label.x, label.w = l.summaryCols[1].x, l.summaryCols[1].w+l.summaryCols[2].w+l.summaryCols[3].w
	row := func(name string, amount int64) {
		label.align = "R"
		sw.cell(label, l.bodyPt, name)
		sw.cell(value, l.bodyPt, yen(amount))
		sw.y += l.line
	}
	row("小計（税抜）", st.Subtotal)
	for _, t := range st.Taxes {
		row(fmt.Sprintf("%d%%対象", t.Rate), t.Base)
		row(fmt.Sprintf("消費税（%d%%）", t.Rate), t.Tax)
	}
	row("合計（税込）", st.Total)
	sw.text(l.marginX, sw.y+2, l.smPt, "端数処理：各行の金額と税率ごとの消費税を"+st.Rounding.Label()+"（消費税は税率ごとに1回）。単価は税抜。")
	sw.y += 8
	sw.details()
}

// dayCharge is the detail of one charge on one day, with the references counted.
type dayCharge struct {
	date, charge string
	qty          int64
	named        []string // the first three distinct references
	refs         int      // distinct references in all
	seen         map[string]bool
}

func (sw *statementWriter) details() {
	l := sw.lay
	var rows []*dayCharge
	at := map[[2]string]*dayCharge{}
	for _, d := range sw.st.Details {
		k := [2]string{d.Date, d.Charge}
		r := at[k]
		if r == nil {
			r = &dayCharge{date: d.Date, charge: d.Charge, seen: map[string]bool{}}
			at[k] = r
			rows = append(rows, r)
		}
		r.qty += d.Quantity
		if !r.seen[d.Ref] {
			r.seen[d.Ref] = true
			r.refs++
			if len(r.named) < 3 {
				r.named = append(r.named, d.Ref)
			}
		}
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].date < rows[b].date })
	sw.room(l.line * 3)
	sw.text(l.marginX, sw.y+4, 11, "明細（日別）")
	sw.y += 7
	sw.header(l.detCol)
	for _, r := range rows {
		if sw.room(l.line) {
			sw.header(l.detCol)
		}
		name, unit := soko.ChargeName(r.charge)
		for _, ln := range sw.st.Lines {
			if ln.Charge == r.charge {
				name = ln.Name
			}
		}
		sw.cell(l.detCol[0], l.bodyPt, r.date)
		sw.cell(l.detCol[1], l.bodyPt, name.JA)
		sw.cell(l.detCol[2], l.bodyPt, soko.GroupDigits(r.qty)+" "+unit)
		refs := strings.Join(r.named, "、")
		if r.refs > len(r.named) {
			refs += fmt.Sprintf(" ほか%d件", r.refs-len(r.named))
		}
		sw.cell(l.detCol[3], l.smPt, refs)
		sw.y += l.line
		sw.rule()
	}
	if len(rows) == 0 {
		sw.cell(l.detCol[1], l.bodyPt, "明細はありません")
		sw.y += l.line
	}
}

// priceCell is a line's unit price as printed: yen with the fraction
// of 銭 when there is one, and nothing for an adjustment.
func priceCell(l soko.StatementLine) string {
	if l.Charge == soko.ChargeAdjustment {
		return ""
	}
	return soko.FormatPrice(l.UnitPrice)
}
