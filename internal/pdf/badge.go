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

// BadgeOptions choose how badge cards are printed; the zero value dates
// the PDF now and prints no warehouse name.
type BadgeOptions struct {
	// Now is the clock for the PDF's creation and modification dates; nil
	// means time.Now.
	Now func() time.Time
	// Warehouse is printed at the top of every card, e.g. the site's name.
	Warehouse string
}

// badgeSheet is the geometry of the card stock badges print on, in
// millimetres and points.
type badgeSheet struct {
	page          gofpdf.SizeType
	cols, rows    int
	cellW, cellH  float64
	left, top     float64
	padX, padY    float64
	module, barH  float64
	namePt, minPt float64
}

// badgeSheetA4 is A4 with 2 × 5 business cards of 91 × 55 mm (the Japanese
// 名刺 size), 14 mm blank left and right and 11 mm top and bottom: the
// common micro-perforated 10-card sheet.
func badgeSheetA4() *badgeSheet {
	return &badgeSheet{
		page: gofpdf.SizeType{Wd: 210, Ht: 297}, cols: 2, rows: 5,
		cellW: 91, cellH: 55, left: 14, top: 11,
		// The padding keeps the print inside a card even when the sheet
		// feeds a millimetre or two askew.
		padX: 4, padY: 3.5,
		module: 0.33, barH: 14,
		namePt: 20, minPt: 10,
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
	room := sh.cellW - 2*sh.padX
	codes := make([]bars, len(staff))
	for i, s := range staff {
		if strings.TrimSpace(s.BadgeCode) == "" {
			return soko.Errorf(soko.EINVALID, "staff member %d of %d has no badge code", i+1, len(staff)).
				JA("%d人目のスタッフにバッジコードがありません", i+1)
		}
		code, err := code128Bars(s.BadgeCode)
		if err != nil || code.width(minNarrow) > room {
			return soko.Errorf(soko.EINVALID, "badge code %q cannot be printed as a Code 128 barcode on a %g mm card", s.BadgeCode, sh.cellW).
				JA("バッジコード「%s」はカードのバーコード（Code128）にできません", s.BadgeCode)
		}
		codes[i] = code
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	f, release, err := newDocument(sh.page, now())
	if err != nil {
		return fmt.Errorf("pdf: badge cards: %w", err)
	}
	defer release()
	f.SetTitle("バッジカード "+strconv.Itoa(len(staff))+"枚", true)
	perPage := sh.cols * sh.rows
	warehouse := oneLine(opt.Warehouse)
	for i := range staff {
		if i%perPage == 0 {
			f.AddPage()
		}
		sh.draw(f, sh.cell(i), &staff[i], codes[i], warehouse)
	}
	if f.Err() {
		return fmt.Errorf("pdf: badge cards: %w", f.Error())
	}
	if err := f.Output(w); err != nil {
		return fmt.Errorf("pdf: badge cards: %w", err)
	}
	return nil
}

// cell is where the i-th card goes on its sheet, filled row by row as
// people read.
func (sh *badgeSheet) cell(i int) rect {
	n := i % (sh.cols * sh.rows)
	return rect{sh.left + float64(n%sh.cols)*sh.cellW, sh.top + float64(n/sh.cols)*sh.cellH, sh.cellW, sh.cellH}
}

func (sh *badgeSheet) draw(f *gofpdf.Fpdf, cell rect, s *soko.Staff, code bars, warehouse string) {
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
	t := fit(f, []string{oneLine(s.Name)}, in.w, nameH, sh.namePt, sh.minPt)
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
	code.draw(f, in.x+(in.w-code.width(module))/2, barTop, module, sh.barH)
	f.SetFontSize(10)
	f.SetXY(in.x, barTop+sh.barH+0.5)
	f.CellFormat(in.w, 10*leading*ptMM, oneLine(s.BadgeCode), "", 0, "C", false, 0, "")
}
