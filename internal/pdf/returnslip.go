package pdf

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/soko"
)

// ReturnSlipOptions choose how a return slip is printed; the zero value dates the PDF now.
type ReturnSlipOptions struct {
	// Now is the clock for the issue time and the PDF's dates; nil means time.Now.
	Now func() time.Time
	// DPI is the printer's resolution barcodes are snapped to; 0 means 203.
	DPI PrinterDPI
	// Warehouse is the receiving site's name, printed as 受付場所.
	Warehouse string
}

// ReturnSlip writes a return's receipt slip (返品受付票) as one A4 PDF to w:
// the return number as Code 128 (it goes with the parcel to quarantine or
// the merchant), the merchant, the order, the reason and what the
// merchant wants, then every line with what was announced and what came
// back by grade (良品, 不良, 開封済), the units that were not the
// merchant's (誤配), and boxes for the receiver's and checker's seals.
func ReturnSlip(w io.Writer, r *soko.Return, opt ReturnSlipOptions) error {
	if r == nil || r.Number == "" {
		return soko.Errorf(soko.EINVALID, "no return to print").JA("印刷する返品がありません")
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	code, err := code128Bars(r.Number)
	if err != nil {
		return soko.Errorf(soko.EINVALID, "return number %s cannot be barcoded", r.Number).JA("返品番号 %s はバーコードにできません", r.Number)
	}
	issued := now()
	f, release, err := newDocument(gofpdf.SizeType{Wd: 210, Ht: 297}, issued)
	if err != nil {
		return err
	}
	defer release()
	f.SetTitle("返品受付票 "+oneLine(r.Number), true)
	f.AddPage()
	const left, width = 15.0, 180.0

	f.SetFont(fontFamily, "", 20)
	f.SetXY(left, 14)
	f.CellFormat(width, 10, "返品受付票", "", 0, "L", false, 0, "")
	f.SetFont(fontFamily, "", 9)
	f.SetXY(left, 14)
	f.CellFormat(width, 5, "発行 "+issued.In(soko.JST).Format("2006/01/02 15:04"), "", 0, "R", false, 0, "")
	dpi := opt.DPI.orDefault()
	module := snapModule(0.33, dpi)
	code.draw(f, left+width-code.width(module), 21, module, 12, dpi)
	f.SetXY(left+width-code.width(module), 34)
	f.CellFormat(code.width(module), 4, printable(r.Number), "", 0, "C", false, 0, "")

	kind := "事前連絡あり"
	if !r.Announced {
		kind = "予告なし返送"
	}
	facts := [][2]string{
		{"返品番号", r.Number + "（" + kind + "）"},
		{"荷主", r.MerchantName},
		{"注文番号", r.OrderNumber},
		{"送り状番号", r.TrackingNumber},
		{"返品理由", r.Reason.Label().JA},
		{"処理", map[soko.ReturnDisposition]string{soko.ReturnRefund: "返金", soko.ReturnExchange: "交換", soko.ReturnInspect: "検品後判断"}[r.Disposition]},
		{"交換注文", r.ExchangeOrderNo},
		{"受付場所", opt.Warehouse},
	}
	if !r.ReceivedAt.IsZero() {
		facts = append(facts, [2]string{"受付日時", r.ReceivedAt.In(soko.JST).Format("2006/01/02 15:04")})
	}
	y := 42.0
	f.SetFont(fontFamily, "", 10)
	for _, kv := range facts {
		if kv[1] == "" {
			continue
		}
		f.SetXY(left, y)
		f.CellFormat(30, 6, kv[0], "1", 0, "L", false, 0, "")
		f.CellFormat(width-30, 6, clip(f, printable(oneLine(kv[1])), width-32), "1", 0, "L", false, 0, "")
		y += 6
	}

	y += 6
	cols := []struct {
		head string
		w    float64
	}{{"SKU", 30}, {"商品名", 70}, {"予定", 16}, {"受付", 16}, {"良品", 16}, {"不良", 16}, {"開封済", 16}}
	f.SetXY(left, y)
	for _, c := range cols {
		f.CellFormat(c.w, 7, c.head, "1", 0, "C", false, 0, "")
	}
	y += 7
	for _, l := range r.Lines {
		if y > 240 {
			break
		}
		cells := []string{l.SKU, l.Name, strconv.Itoa(l.Quantity), strconv.Itoa(l.Received()),
			strconv.Itoa(l.Graded[soko.GradeSellable]), strconv.Itoa(l.Graded[soko.GradeDamaged]), strconv.Itoa(l.Graded[soko.GradeOpened])}
		f.SetXY(left, y)
		for i, c := range cols {
			align := "R"
			if i < 2 {
				align = "L"
			}
			f.CellFormat(c.w, 7, clip(f, printable(oneLine(cells[i])), c.w-1), "1", 0, align, false, 0, "")
		}
		y += 7
	}
	y += 4
	f.SetXY(left, y)
	f.CellFormat(width, 6, fmt.Sprintf("合計 %d 個　うち誤配（荷主の商品ではない）%d 個", r.Units(), r.Wrong), "", 0, "L", false, 0, "")
	if r.Note != "" {
		y += 7
		f.SetXY(left, y)
		f.CellFormat(width, 6, clip(f, "備考: "+printable(oneLine(r.Note)), width), "", 0, "L", false, 0, "")
	}
	for i, box := range []string{"受付者", "確認者"} {
		x := left + width - float64(2-i)*32
		f.Rect(x, 255, 30, 25, "D")
		f.SetXY(x, 255)
		f.CellFormat(30, 5, box, "B", 0, "C", false, 0, "")
	}
	return output(f, w)
}

// clip is s when it fits width, else s ellipsized.
func clip(m measurer, s string, width float64) string {
	if m.GetStringWidth(s) <= width {
		return s
	}
	return ellipsize(m, s, width)
}
