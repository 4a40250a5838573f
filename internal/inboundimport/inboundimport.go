// Package inboundimport reads the inbound notice files (入荷予定CSV) shops
// send and says what is wrong with every row before anything is stored, so
// that a shop fixes its file once instead of row by row.
//
// One row is one line. Rows with the same inbound number make one inbound;
// a file without that column announces one inbound, numbered by the
// caller. The file may be UTF-8, with or without a byte order mark, or
// Shift_JIS, as orderimport reads order files. Whether a SKU or JAN is the
// merchant's and whether a number is taken only the database knows: the
// caller checks those and words its problems with Problem.
package inboundimport

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/orderimport"
	"github.com/soko-wms/soko/internal/soko"
)

// Limits of one file, and of one inbound as the API's InboundInput has them.
const (
	MaxBytes    = 2 << 20 // the API's body limit (server.Config.BodyLimit)
	MaxRows     = 10000
	maxLines    = 500
	maxQuantity = 1000000
	maxLot      = 20
	maxRef      = 100
)

// Column is one column soko reads, by any of its Names (Japanese first).
type Column struct {
	Field    string
	Names    []string
	Required bool
}

// Columns are the columns of an inbound file, in the order soko lists them.
// Either 商品コード or JANコード names each line's product.
var Columns = []Column{
	{Field: "inbound_no", Names: []string{"入荷予定番号", "inbound_no", "入荷番号", "inbound number", "ASN"}},
	{Field: "expected_date", Names: []string{"入荷予定日", "expected_date", "入荷日", "expected date"}},
	{Field: "reference", Names: []string{"備考", "reference", "参照番号", "発注番号", "納品書番号"}},
	{Field: "sku", Names: []string{"商品コード", "sku", "品番"}},
	{Field: "jan", Names: []string{"JANコード", "jan", "JAN", "バーコード", "barcode"}},
	{Field: "quantity", Names: []string{"数量", "quantity", "入荷予定数", "qty"}, Required: true},
	{Field: "lot", Names: []string{"ロット", "lot", "ロット番号"}},
	{Field: "expiry", Names: []string{"賞味期限", "expiry", "使用期限", "有効期限", "best before"}},
}

// Problem is one thing wrong with one row, in Japanese and English. Row
// counts records as a spreadsheet shows them, the header being row 1;
// Column is the header as the file writes it, or "" for the row as a whole.
type Problem struct {
	Row     int
	Column  string
	Message soko.Text
}

// Line is one line read from the file, naming its product by SKU or JAN.
type Line struct {
	Row      int
	SKU, JAN string
	// SKUColumn and JANColumn are the headers, for the caller's problems.
	SKUColumn, JANColumn string
	Quantity             int
	Lot                  string
	Expiry               time.Time
}

// Inbound is one inbound read from the file.
type Inbound struct {
	Row          int // the row of its first line
	Number       string
	ExpectedDate time.Time
	Reference    string
	Lines        []Line
	// NumberColumn is the header of the number, "" when the caller gave it.
	NumberColumn string
}

// Result is what Parse read from one file.
type Result struct {
	Encoding string
	Rows     int
	Inbounds []*Inbound
	Problems []Problem
	// Products are the product codes of every row, bad rows' too, so that
	// the caller names each unknown one even on a row with other problems.
	Products []Line
}

// Options are what the file may leave out: the number of an inbound whose
// rows give none, and the date of rows that give none.
type Options struct {
	Number       string
	ExpectedDate time.Time
}

// documentNumber is the API's DocumentNumber.
var documentNumber = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._\-]{0,39}$`)

// sku is the API's SKU.
var sku = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$`)

// Parse reads one file. The error is for the file as a whole — too large,
// too many rows, empty, no column soko knows — as an EINVALID soko error;
// what is wrong with single rows is in the Result's Problems.
func Parse(r io.Reader, opt Options) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("inboundimport: read: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fileError("the file is larger than %d MB", "ファイルが%dMBを超えています", MaxBytes>>20)
	}
	text, encoding := orderimport.Decode(data)
	res := &Result{Encoding: encoding}
	var head *header
	byNumber := map[string]*Inbound{}
	rows := orderimport.NewRows(text)
	for rows.Next() {
		row, rec := rows.Row(), rows.Cells()
		if rec == nil {
			res.Problems = append(res.Problems, Problem{Row: row, Message: rows.Unreadable()})
			continue
		}
		if head == nil {
			if head, err = headerOf(rec); err != nil {
				return nil, err
			}
			continue
		}
		res.Rows++
		if res.Rows > MaxRows {
			return nil, fileError("the file has more than %d rows: split it", "行数が%d行を超えています。ファイルを分けてください", MaxRows)
		}
		res.read(head, byNumber, row, rec, opt)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inboundimport: read: %w", err)
	}
	if head == nil {
		return nil, fileError("the file is empty", "ファイルが空です")
	}
	if res.Rows == 0 {
		res.problem(rows.Row(), "", "明細の行がありません", "the file has no lines")
	}
	return res, nil
}

// fileError is an EINVALID error about the file as a whole.
func fileError(en, ja string, args ...any) error {
	return soko.Errorf(soko.EINVALID, en, args...).JA(ja, args...).WithField("file", fmt.Sprintf(en, args...))
}

func (res *Result) problem(row int, column, ja, en string) {
	res.Problems = append(res.Problems, Problem{Row: row, Column: column, Message: soko.Text{JA: ja, EN: en}})
}

// header is where each field's column is, and its name as written.
type header struct {
	index map[string]int
	name  map[string]string
}

func headerOf(rec []string) (*header, error) {
	h := &header{index: map[string]int{}, name: map[string]string{}}
	for i, title := range rec {
		key := orderimport.HeaderKey(title)
		for _, c := range Columns {
			if _, taken := h.index[c.Field]; taken {
				continue
			}
			for _, n := range c.Names {
				if key == orderimport.HeaderKey(n) {
					h.index[c.Field], h.name[c.Field] = i, strings.TrimSpace(title)
				}
			}
		}
	}
	_, bySKU := h.index["sku"]
	_, byJAN := h.index["jan"]
	_, qty := h.index["quantity"]
	if !qty || (!bySKU && !byJAN) {
		return nil, fileError("the header row needs 数量 (quantity) and 商品コード (sku) or JANコード (jan)",
			"1行目の見出しに「数量」と「商品コード」または「JANコード」が必要です")
	}
	return h, nil
}

// cell is the trimmed value of field on rec, "" when there is no such column.
func (h *header) cell(rec []string, field string) string {
	i, ok := h.index[field]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// read adds one row's line to its inbound, or its problems to res.
func (res *Result) read(h *header, byNumber map[string]*Inbound, row int, rec []string, opt Options) {
	bad := len(res.Problems)
	col := func(f string) string { return h.name[f] }
	number, numberColumn := address.Clean(h.cell(rec, "inbound_no")), col("inbound_no")
	if number == "" {
		number, numberColumn = opt.Number, ""
	}
	switch {
	case number == "":
		res.problem(row, col("inbound_no"), "入荷予定番号がありません", "no inbound number")
	case !documentNumber.MatchString(number):
		res.problem(row, col("inbound_no"), "入荷予定番号は英数字と . _ - で40文字までです", "an inbound number is letters, digits, . _ - and at most 40 long")
	}
	var date time.Time
	if s := h.cell(rec, "expected_date"); s != "" {
		d, ok := orderimport.ParseDate(s)
		if !ok {
			res.problem(row, col("expected_date"), "入荷予定日を日付として読めません（2026-12-01 など）", "the expected date is not a date (e.g. 2026-12-01)")
		}
		date = d
	}
	ref := h.cell(rec, "reference")
	if len([]rune(ref)) > maxRef {
		res.problem(row, col("reference"), fmt.Sprintf("備考は%d文字までです", maxRef), fmt.Sprintf("the reference is at most %d characters", maxRef))
	}
	l := Line{Row: row, SKU: address.Clean(h.cell(rec, "sku")), JAN: address.Clean(h.cell(rec, "jan")), SKUColumn: col("sku"), JANColumn: col("jan")}
	switch {
	case l.SKU == "" && l.JAN == "":
		res.problem(row, firstOf(col("sku"), col("jan")), "商品コードまたはJANコードがありません", "no SKU or JAN")
	case l.SKU != "" && !sku.MatchString(l.SKU):
		res.problem(row, col("sku"), "商品コードは英数字と . _ - で64文字までです", "a SKU is letters, digits, . _ - and at most 64 long")
	case l.SKU == "" && !digits(l.JAN):
		res.problem(row, col("jan"), "JANコードは数字だけです", "a JAN is digits only")
	}
	if (l.SKU != "" && sku.MatchString(l.SKU)) || (l.SKU == "" && digits(l.JAN)) {
		res.Products = append(res.Products, l)
	}
	q := strings.ReplaceAll(address.Clean(h.cell(rec, "quantity")), ",", "")
	n, err := strconv.Atoi(q)
	switch {
	case q == "":
		res.problem(row, col("quantity"), "数量がありません", "no quantity")
	case err != nil || n < 1 || n > maxQuantity:
		res.problem(row, col("quantity"), fmt.Sprintf("数量は1〜%dの整数です", maxQuantity), fmt.Sprintf("the quantity is a whole number from 1 to %d", maxQuantity))
	}
	l.Quantity = n
	l.Lot = address.Clean(h.cell(rec, "lot"))
	if len([]rune(l.Lot)) > maxLot {
		res.problem(row, col("lot"), fmt.Sprintf("ロットは%d文字までです", maxLot), fmt.Sprintf("a lot is at most %d characters", maxLot))
	}
	if s := h.cell(rec, "expiry"); s != "" {
		d, ok := orderimport.ParseDate(s)
		if !ok {
			res.problem(row, col("expiry"), "賞味期限を日付として読めません（2027-03-31 など）", "the expiry is not a date (e.g. 2027-03-31)")
		}
		l.Expiry = d
	}
	if len(res.Problems) > bad {
		return
	}
	in, seen := byNumber[number]
	if !seen {
		if date.IsZero() {
			date = opt.ExpectedDate
		}
		if date.IsZero() {
			res.problem(row, col("expected_date"), "入荷予定日がありません", "no expected date")
			return
		}
		in = &Inbound{Row: row, Number: number, ExpectedDate: date, Reference: ref, NumberColumn: numberColumn}
		byNumber[number] = in
		res.Inbounds = append(res.Inbounds, in)
	} else {
		if !date.IsZero() && !date.Equal(in.ExpectedDate) {
			res.problem(row, col("expected_date"), fmt.Sprintf("入荷予定 %s の入荷予定日が%d行目と違います", number, in.Row), fmt.Sprintf("inbound %s has another expected date on row %d", number, in.Row))
		}
		if ref != "" && ref != in.Reference {
			res.problem(row, col("reference"), fmt.Sprintf("入荷予定 %s の備考が%d行目と違います", number, in.Row), fmt.Sprintf("inbound %s has another reference on row %d", number, in.Row))
		}
		if len(in.Lines) == maxLines {
			res.problem(row, "", fmt.Sprintf("1つの入荷予定の明細は%d行までです", maxLines), fmt.Sprintf("an inbound has at most %d lines", maxLines))
		}
		if len(res.Problems) > bad {
			return
		}
	}
	in.Lines = append(in.Lines, l)
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
