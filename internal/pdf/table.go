package pdf

import (
	"time"

	"github.com/jung-kurt/gofpdf"
)

// boxText prints s on one line in the box at (x, y), w × h mm, at pt
// points, cut short with an ellipsis when it does not fit: the text of a
// form's boxes and tables (発注書, 入荷予定表).
func boxText(f *gofpdf.Fpdf, x, y, w, h, pt float64, s, align string) {
	f.SetFontSize(pt)
	f.SetXY(x, y)
	line := printable(oneLine(s))
	if f.GetStringWidth(line) > w {
		line = ellipsize(f, line, w)
	}
	f.CellFormat(w, h, line, "", 0, align, false, 0, "")
}

// formColumn is one column of a form's table (slip.go's column places its own).
type formColumn struct {
	title string
	w     float64
	align string
}

// tableRow draws one row of boxed cells from (x, y), h mm high, each text
// inset by pad each side; the header row is the columns' titles on grey.
func tableRow(f *gofpdf.Fpdf, cols []formColumn, x, y, h, pt, pad float64, texts []string, header bool) {
	style := "D"
	if header {
		style = "FD"
		f.SetFillColor(230, 230, 230)
	}
	for i, c := range cols {
		s := c.title
		if !header {
			s = texts[i]
		}
		f.Rect(x, y, c.w, h, style)
		boxText(f, x+pad, y, c.w-2*pad, h, pt, s, c.align)
		x += c.w
	}
}

// newA4 starts an A4 form titled title and dated by now (time.Now when
// nil), and returns it with its issue time and the release newDocument
// asks for.
func newA4(title string, now func() time.Time) (f *gofpdf.Fpdf, issued time.Time, release func(), err error) {
	if now == nil {
		now = time.Now
	}
	issued = now()
	if f, release, err = newDocument(gofpdf.SizeType{Wd: 210, Ht: 297}, issued); err != nil {
		return nil, issued, nil, err
	}
	f.SetTitle(title, true)
	return f, issued, release, nil
}
