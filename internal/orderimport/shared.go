package orderimport

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/soko-wms/soko/internal/soko"
)

// Decode returns a shop's file as text and its encoding's name ("UTF-8" or
// "Shift_JIS"), as Parse reads it, for other files shops send.
func Decode(data []byte) (text, encoding string) { return decode(data) }

// HeaderKey is a header as Parse compares it with the names it knows.
func HeaderKey(s string) string { return headerKey(s) }

// ParseDate reads a day as Parse does: 2026-11-25, 2026/11/25, 20261125
// or 2026年11月25日.
func ParseDate(s string) (time.Time, bool) { return parseDate(s) }

// Rows reads a decoded file's CSV rows as Parse does: rows may have any
// number of cells and stray quotes are kept in their cells (files saved
// again by hand carry them), blank rows are passed over, and a row that is
// not valid CSV is one problem, not the whole file's failure.
type Rows struct {
	cr    *csv.Reader
	n     int
	cells []string
	bad   string
	err   error
}

// NewRows reads text's rows.
func NewRows(text string) *Rows {
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return &Rows{cr: cr}
}

// Next moves to the next row that is not blank and says whether there is
// one; at the end, or on an error reading the text, there is none.
func (r *Rows) Next() bool {
	for {
		rec, err := r.cr.Read()
		if err == io.EOF {
			return false
		}
		r.n++
		r.cells, r.bad = rec, ""
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			r.cells, r.bad = nil, perr.Err.Error()
			return true
		}
		if err != nil {
			r.err = err
			return false
		}
		if !blank(rec) {
			return true
		}
	}
}

// Row is the current row's number, counting every row read so far (blank
// and unreadable ones too); after the last row, the number of rows.
func (r *Rows) Row() int { return r.n }

// Cells are the current row's cells, nil when it is not valid CSV.
func (r *Rows) Cells() []string { return r.cells }

// Unreadable says why the current row is not valid CSV; it is empty for
// a row that is.
func (r *Rows) Unreadable() soko.Text {
	if r.cells != nil {
		return soko.Text{}
	}
	return soko.Text{JA: "この行をCSVとして読めません", EN: "the row is not valid CSV: " + r.bad}
}

// Err is the error that ended the rows early, if any.
func (r *Rows) Err() error { return r.err }
