package pdf

import (
	"io"
	"strconv"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/soko-wms/soko/internal/soko"
)

// BadgeOptions choose how badge cards are printed; the zero value dates
// the PDF now and prints no warehouse name.
type BadgeOptions struct {
	// Now is the clock for the PDF's creation and modification dates; nil
	// means time.Now.
	Now func() time.Time
	// Warehouse is printed at the top of every card, e.g. the site's name.
	Warehouse string
	// DPI is the printer's resolution barcodes are snapped to; 0 means 203.
	DPI PrinterDPI
}

// badgeSheetA4 is A4 with 2 × 5 business cards of 91 × 55 mm (the Japanese
// 名刺 size), 14 mm blank left and right and 11 mm top and bottom: the
// common micro-perforated 10-card sheet.
func badgeSheetA4() *cutSheet {
	return &cutSheet{
		page: gofpdf.SizeType{Wd: 210, Ht: 297}, cols: 2, rows: 5,
		cellW: 91, cellH: 55, left: 14, top: 11,
		// The padding keeps the print inside a card even when the sheet
		// feeds a millimetre or two askew.
		padX: 4, padY: 3.5,
		module: 0.33, barH: 14,
		textPt: 20, minPt: 10,
	}
}

// roleNames are the roles as the floor says them.
var roleNames = map[soko.Role]string{
	soko.RolePicker:     "ピッキング担当",
	soko.RolePacker:     "梱包・検品担当",
	soko.RoleShipper:    "出荷担当",
	soko.RoleSupervisor: "監督者",
	soko.RoleAdmin:      "管理者",
}

// BadgeCards writes staff badge cards, ten to an A4 sheet, as one PDF to w:
// the name large, the role in Japanese, and the badge code as Code 128 —
// what the handheld's sign-in scans — with the code in type beneath it for
// when a scanner fails. Staff who cannot be printed (no badge code, a code
// too long for the card's barcode) are refused (EINVALID) before anything
// is written.
func BadgeCards(w io.Writer, staff []soko.Staff, opt BadgeOptions) error {
	if len(staff) == 0 {
		return soko.Errorf(soko.EINVALID, "no staff to print badge cards for").JA("印刷するスタッフがいません")
	}
	sh := badgeSheetA4()
	sh.dpi = opt.DPI.orDefault()
	codes := make([]string, len(staff))
	for i, st := range staff {
		codes[i] = st.BadgeCode
	}
	bars, err := sh.barcodes(codes, cellCode{item: "staff member", code: "badge code", medium: "card",
		itemJA: "スタッフ", codeJA: "バッジコード", mediumJA: "カード", nthJA: "人目"})
	if err != nil {
		return err
	}
	warehouse := oneLine(opt.Warehouse)
	return sh.print(w, len(staff), "バッジカード "+strconv.Itoa(len(staff))+"枚", opt.Now, func(f *gofpdf.Fpdf, cell rect, i int) {
		drawBadge(f, sh, cell, &staff[i], bars[i], warehouse)
	})
}

// drawBadge prints one badge card: the role, the warehouse, the name large
// and the badge code as Code 128 with its text.
func drawBadge(f *gofpdf.Fpdf, sh *cutSheet, cell rect, s *soko.Staff, code bars, warehouse string) {
	// A hairline outline to cut along when the sheet is plain paper.
	f.SetDrawColor(190, 190, 190)
	f.SetLineWidth(0.1)
	f.Rect(cell.x, cell.y, cell.w, cell.h, "D")
	f.SetDrawColor(0, 0, 0)

	in := cell.inset(sh.padX, sh.padY)
	const headH = 6
	role := roleNames[s.Role]
	if role == "" {
		role = oneLine(string(s.Role))
	}
	// The role reversed out of a black box at the top right, to be read
	// across the floor.
	f.SetFontSize(10)
	roleW := f.GetStringWidth(role) + 4
	f.SetFillColor(0, 0, 0)
	f.Rect(in.x+in.w-roleW, in.y, roleW, headH, "F")
	f.SetTextColor(255, 255, 255)
	f.SetXY(in.x+in.w-roleW, in.y)
	f.CellFormat(roleW, headH, role, "", 0, "C", false, 0, "")
	f.SetTextColor(0, 0, 0)
	if warehouse != "" {
		t := fit(f, []string{warehouse}, in.w-roleW-2, headH, 8, 6)
		f.SetXY(in.x, in.y+(headH-t.lineHeight())/2)
		f.CellFormat(in.w-roleW-2, t.lineHeight(), t.lines[0], "", 0, "L", false, 0, "")
	}

	const nameTop, nameH = headH + 1.5, 13.0
	t := fit(f, []string{oneLine(s.Name)}, in.w, nameH, sh.textPt, sh.minPt)
	y := in.y + nameTop + (nameH-t.height())/2
	for _, line := range t.lines {
		f.SetXY(in.x, y)
		f.CellFormat(in.w, t.lineHeight(), line, "", 0, "C", false, 0, "")
		y += t.lineHeight()
	}

	module := sh.module
	if code.width(module) > in.w {
		module = in.w / float64(code.modules+2*quietModules)
	}
	barTop := in.y + nameTop + nameH + 1.5
	code.draw(f, in.x+(in.w-code.width(module))/2, barTop, module, sh.barH, sh.dpi)
	f.SetFontSize(10)
	f.SetXY(in.x, barTop+sh.barH+0.5)
	f.CellFormat(in.w, 10*leading*ptMM, oneLine(s.BadgeCode), "", 0, "C", false, 0, "")
}
