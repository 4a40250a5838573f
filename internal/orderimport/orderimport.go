// Package orderimport reads the order files shops export into soko orders
// (受注取込), and says what is wrong with every row before anything is
// stored, so that a supervisor fixes a file once instead of row by row.
//
// Two layouts are read, told apart by their header row:
//
//   - Shopify's order export (注文のエクスポート): one row per line item,
//     the order's own fields on its first row only; Name (#1001) is the
//     order number without its #. Cancelled orders, orders Shopify shows as
//     fulfilled, and line items that need no shipping are left out (Skipped
//     says which). Payment Method 代金引換 / Cash on Delivery makes the
//     order's Total its COD amount; an order whose Financial Status is
//     pending (and is not COD) is held waiting for payment. A delivery date and time slot are read
//     from Note Attributes lines such as "配達希望日: 2026-11-25" and
//     "配達時間帯: 14時～16時", as the Japanese delivery-date apps write them.
//   - soko's own CSV (see SokoColumns): one row per line, the order's fields
//     on its first row and either repeated or left blank on the others.
//
// The file may be UTF-8, with or without a byte order mark, or Shift_JIS
// (Windows-31J, as Excel saves it in Japan). Every order passes the checks
// the API's POST /api/v1/orders applies: the address through
// address.Normalize and address.Check, the shipping choices through
// carrier.CheckOrder, and soko.AcceptOrder: the limits the API's OrderInput
// schema states too, the delivery date and the gift options. What
// only the database knows — whether a SKU is the merchant's, whether an
// order number is taken — is checked by the caller, with Complete and
// Conflict to word the problems alike.
package orderimport

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// Limits of one file: far beyond a day of a large shop's orders, and small
// enough to check in one request.
const (
	MaxBytes = 10 << 20
	MaxRows  = 20000
)

// Format is a file layout Parse reads.
type Format string

// The layouts; FormatAuto lets the header row decide.
const (
	FormatAuto    Format = "auto"
	FormatShopify Format = "shopify"
	FormatSoko    Format = "soko"
)

// Problem is one thing wrong with one row of the file, in Japanese and
// English. Row counts records as a spreadsheet shows them, the header being
// row 1, so that a cell holding a line break does not shift the count.
// Field is the column as the file's header names it, or "" for the row as
// a whole.
type Problem struct {
	Row         int
	OrderNumber string
	Field       string
	Message     soko.Text
}

// Order is one order read from the file, with where its lines came from.
type Order struct {
	*soko.Order
	Row    int    // the row of the order's first line
	Rows   []int  // the row of each line, parallel to Lines
	Priced []bool // whether the file gave each line's unit price
	// skuField is the header of the SKU column, for Complete's problems.
	skuField string
	// amountColumns are the headers the COD amount, fees and discount were
	// read from, for Complete's problems.
	amountColumns map[string]string
	// refused are the API fields Parse refused, which Complete does not
	// name again.
	refused map[string]bool
}

// Result is what Parse read from one file.
type Result struct {
	Format   Format
	Encoding string // "UTF-8" or "Shift_JIS"
	Rows     int    // data rows, blank ones not counted
	Orders   []*Order
	// Problems are what stops the file from being imported.
	Problems []Problem
	// Skipped are rows left out on purpose, with why: not problems.
	Skipped []Problem
	// Warnings name each name or company that will be stored rewritten so
	// that carriers can print it (address.Rewrites): not problems either.
	Warnings []Problem
	// Ignored are header columns soko's layout does not read, so that a
	// misspelt column does not go unnoticed.
	Ignored []string
}

// Lines counts the lines of every order.
func (r *Result) Lines() int {
	n := 0
	for _, o := range r.Orders {
		n += len(o.Lines)
	}
	return n
}

// Options are what Parse needs besides the file.
type Options struct {
	Format Format // "" means FormatAuto
	// Today is the day in Japan: delivery dates before it are refused, as
	// the API refuses them. The zero time checks none.
	Today time.Time
}

// Parse reads one file. The error is for the file as a whole — too large,
// too many rows, no header soko knows — as an EINVALID soko error; what is
// wrong with single rows is in the Result's Problems.
func Parse(r io.Reader, opt Options) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("orderimport: read: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fileError("file", "the file is larger than %d MB", "ファイルが%dMBを超えています", MaxBytes>>20)
	}
	text, encoding := decode(data)
	res := &Result{Encoding: encoding}

	var lay layout
	rows := NewRows(text)
	for rows.Next() {
		row, rec := rows.Row(), rows.Cells()
		if rec == nil {
			res.Problems = append(res.Problems, Problem{Row: row, Message: rows.Unreadable()})
			continue
		}
		if lay == nil {
			lay, err = layoutOf(rec, opt.Format, res)
			if err != nil {
				return nil, err
			}
			continue
		}
		res.Rows++
		if res.Rows > MaxRows {
			return nil, fileError("file", "the file has more than %d rows: split it", "行数が%d行を超えています。ファイルを分けてください", MaxRows)
		}
		lay.add(row, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("orderimport: read: %w", err)
	}
	if lay == nil {
		return nil, fileError("file", "the file is empty", "ファイルが空です")
	}
	b := builder{res: res, today: opt.Today}
	for _, ro := range lay.orders() {
		b.build(ro)
	}
	res.Skipped = lay.skipped()
	// Rows are read in file order but orders are checked in turn: show
	// the problems as the file runs.
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].Row < res.Problems[j].Row })
	return res, nil
}

// fileError is an EINVALID error about the file as a whole.
func fileError(field, en, ja string, args ...any) error {
	return soko.Errorf(soko.EINVALID, en, args...).JA(ja, args...).WithField(field, fmt.Sprintf(en, args...))
}

// decode returns the file as text: UTF-8 when it is valid UTF-8, without
// its byte order mark, and Shift_JIS otherwise. Shift_JIS text with kana or
// kanji is almost never valid UTF-8, so the test is safe.
func decode(data []byte) (string, string) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(data) {
		return string(data), "UTF-8"
	}
	// Bytes Shift_JIS does not define become U+FFFD, which address.Check
	// refuses by name, rather than failing the file.
	s, err := japanese.ShiftJIS.NewDecoder().String(string(data))
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD"), "Shift_JIS"
	}
	return s, "Shift_JIS"
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// headerKey is a header as compared: NFKC, without blanks, underscores,
// hyphens, dots or middle dots, ASCII letters in lower case, so that
// "Lineitem SKU", "lineitem_sku" and "ＳＫＵ" match as people expect.
func headerKey(s string) string {
	s = address.Clean(s)
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '_', r == '-', r == '.', r == '・':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// cell is one value of the file with where it came from.
type cell struct {
	value  string
	column string // the header as the file writes it
	row    int
}

// rawOrder is an order as the file wrote it, before any value is read.
type rawOrder struct {
	number string
	row    int
	// fields holds the order's values by the API's field name (order_no,
	// ship_to.postal_code, carrier …); a missing one was not in the file.
	fields map[string]cell
	lines  []rawLine
	// columns names, by API field, the header to blame for a problem of a
	// field the file has no cell for.
	columns map[string]string
	// differs are order fields of later rows that contradict the first's.
	differs []cell
	// refused are what the layout found wrong with the order's own fields.
	refused []Problem
	skip    bool // left out on purpose, as Skipped says
}

// rawLine is one line of an order as the file wrote it.
type rawLine struct {
	row                       int
	sku, quantity, price, tax cell
}

// layout reads the data rows of one format into orders.
type layout interface {
	add(row int, rec []string)
	orders() []*rawOrder
	skipped() []Problem
}

// layoutOf returns the layout the header row rec names, or an error when it
// names none, or not the one asked for.
func layoutOf(rec []string, want Format, res *Result) (layout, error) {
	keys := make([]string, len(rec))
	for i, h := range rec {
		keys[i] = headerKey(h)
	}
	var found Format
	switch {
	case hasKey(keys, "name") && hasKey(keys, "lineitemquantity"):
		found = FormatShopify
	case sokoIndex(keys, "order_no") >= 0 && sokoIndex(keys, "lines.sku") >= 0:
		found = FormatSoko
	}
	if want == "" {
		want = FormatAuto
	}
	switch {
	case found == "" && want == FormatAuto:
		return nil, fileError("file", "the header row is neither Shopify's order export nor soko's CSV, which needs the columns order_no and sku",
			"見出し行からファイルの形式がわかりません。Shopifyの注文エクスポートか、注文番号とSKUの列があるsoko形式のCSVを使ってください")
	case want != FormatAuto && found != want:
		name := map[Format]string{FormatShopify: "Shopify", FormatSoko: "soko"}[want]
		return nil, fileError("format", "the header row is not that of %s's layout", "見出し行が%s形式ではありません", name)
	}
	res.Format = found
	if found == FormatShopify {
		return newShopify(rec, keys), nil
	}
	return newSokoCSV(rec, keys, res)
}

func hasKey(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// indexOf returns the index of the first key in keys that is one of names'
// keys, or -1.
func indexOf(keys []string, names ...string) int {
	for i, k := range keys {
		for _, n := range names {
			if k == headerKey(n) {
				return i
			}
		}
	}
	return -1
}

// field returns rec[i] trimmed, or "" when i is -1 or the row is shorter.
func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// grouper keeps orders in the order the file first names them.
type grouper struct {
	byNumber map[string]*rawOrder
	list     []*rawOrder
	last     *rawOrder
}

// get returns the order numbered number, and whether row is its first. A
// row without a number continues the order above it, as files that write
// the order's fields on its first row only often leave the number out too.
func (g *grouper) get(number string, row int, columns map[string]string) (*rawOrder, bool) {
	if number == "" && g.last != nil {
		return g.last, false
	}
	if o, ok := g.byNumber[number]; ok {
		g.last = o
		return o, false
	}
	if g.byNumber == nil {
		g.byNumber = map[string]*rawOrder{}
	}
	o := &rawOrder{number: number, row: row, fields: map[string]cell{}, columns: columns}
	g.byNumber[number] = o
	g.list = append(g.list, o)
	g.last = o
	return o, true
}

// ---- soko's CSV ----

// SokoColumn is one column of soko's own CSV layout.
type SokoColumn struct {
	// Field is the API's name for what the column holds (order_no,
	// ship_to.postal_code, lines.sku …).
	Field string
	// Names are the headers accepted for it: soko's Japanese one first,
	// then the English alias and others people are known to use.
	Names    []string
	Required bool
	// Line marks a column of the line rather than of the order.
	Line bool
	// About says what the column takes, in Japanese and English, for the
	// console's help; empty when the header says enough.
	About [2]string
}

// SokoColumns is soko's own CSV layout, in the order soko writes it. The
// header row names the columns, in any order, by any of their Names;
// other columns are ignored and listed in Result.Ignored. One row is one
// line of an order: rows with the same 注文番号 are one order, whose own
// fields come from its first row and are either repeated on the others or
// left blank there.
var SokoColumns = []SokoColumn{
	{Field: "order_no", Names: []string{"注文番号", "order_no", "受注番号"}, Required: true, About: [2]string{"英数字と . _ - で40文字まで", "letters, digits, . _ -; at most 40"}},
	{Field: "ordered_at", Names: []string{"注文日時", "ordered_at", "注文日"}, About: [2]string{"2026-11-20 10:15 など。空欄は取込時刻", "e.g. 2026-11-20 10:15 (Japan); blank: the time of the import"}},
	{Field: "carrier", Names: []string{"配送業者", "carrier", "配送会社", "運送会社"}, About: [2]string{"yamato / sagawa / japanpost / generic または ヤマト運輸 など。空欄は倉庫で選択", "yamato / sagawa / japanpost / generic or the carrier's name; blank: the warehouse chooses"}},
	{Field: "service", Names: []string{"サービス", "service", "便種"}, About: [2]string{"takkyubin / collect / nekopos / hikyaku / yupack / yupacket など、またはその名前", "takkyubin / collect / nekopos / hikyaku / yupack / yupacket … or the service's name"}},
	{Field: "delivery_date", Names: []string{"配達希望日", "delivery_date", "お届け希望日", "配送希望日"}, About: [2]string{"2026-11-25 または 2026/11/25", "2026-11-25 or 2026/11/25"}},
	{Field: "ship_date", Names: []string{"出荷予定日", "ship_date", "出荷日"}, About: [2]string{"2026-11-24 など。空欄は倉庫のカレンダーで決めます（お届け希望日から逆算、なければ最短）", "e.g. 2026-11-24; blank: planned from the warehouse calendar (from the delivery date, else the earliest)"}},
	{Field: "time_slot", Names: []string{"時間帯", "time_slot", "配達時間帯", "お届け時間帯"}, About: [2]string{"午前中 / 12-14 / 14-16 / 16-18 / 18-20 / 19-21", "午前中 (am) / 12-14 / 14-16 / 16-18 / 18-20 / 19-21"}},
	{Field: "cod_amount", Names: []string{"代引金額", "cod_amount", "代金引換額"}, About: [2]string{"円。代引でなければ空欄か0", "yen to collect; blank or 0 for none"}},
	{Field: "shipping_fee", Names: []string{"送料", "shipping_fee"}, About: [2]string{"円（税込）。空欄は0", "yen, tax included; blank: 0"}},
	{Field: "cod_fee", Names: []string{"代引手数料", "cod_fee"}, About: [2]string{"円（税込）。代引の注文だけ", "yen, tax included; cash-on-delivery orders only"}},
	{Field: "discount", Names: []string{"値引き", "discount", "値引額", "割引額"}, About: [2]string{"円（税込）。代引金額は 商品＋送料＋代引手数料−値引き と一致すること", "yen, tax included; a COD amount must equal goods + shipping + COD fee − discount"}},
	{Field: "ship_to.postal_code", Names: []string{"郵便番号", "postal_code"}, Required: true, About: [2]string{"100-0005 または 1000005", "100-0005 or 1000005"}},
	{Field: "ship_to.prefecture", Names: []string{"都道府県", "prefecture"}, About: [2]string{"東京都 など。空欄なら市区町村の先頭から読み取ります", "e.g. 東京都; blank: read from the start of the city"}},
	{Field: "ship_to.city", Names: []string{"市区町村", "city"}, Required: true},
	{Field: "ship_to.address1", Names: []string{"番地", "address1", "町域・番地", "住所1"}, Required: true},
	{Field: "ship_to.address2", Names: []string{"建物名", "address2", "建物名・部屋番号", "住所2"}},
	{Field: "ship_to.company", Names: []string{"会社名", "company"}},
	{Field: "ship_to.name", Names: []string{"氏名", "name", "お名前", "宛名"}, Required: true},
	{Field: "ship_to.phone", Names: []string{"電話番号", "phone"}},
	{Field: "ship_to.email", Names: []string{"メール", "email", "メールアドレス"}, About: [2]string{"発送完了メールの宛先", "where the shipment email goes"}},
	{Field: "gift.hide_prices", Names: []string{"ギフト", "gift"}, About: [2]string{"1 / はい で納品書に金額を印字しない", "1 / はい: no prices on the packing slip"}},
	{Field: "gift.wrap", Names: []string{"ラッピング", "gift_wrap", "ギフト包装"}, About: [2]string{"1 / はい でギフト包装", "1 / はい: gift wrapping"}},
	{Field: "gift.wrapping", Names: []string{"包装種類", "gift_wrapping", "包装の種類", "ラッピング種類"}, About: [2]string{"包装紙 / ラッピング袋 / 化粧箱（paper / bag / box）", "包装紙 (paper) / ラッピング袋 (bag) / 化粧箱 (box)"}},
	{Field: "gift.noshi.title", Names: []string{"のし", "noshi", "のし表書き", "表書き", "熨斗"}, About: [2]string{"表書き：御祝・内祝・御歳暮・御中元・御年賀 など（10文字まで）", "the 表書き: 御祝, 内祝, 御歳暮, 御中元, 御年賀 … (at most 10 characters)"}},
	{Field: "gift.noshi.name", Names: []string{"名入れ", "noshi_name", "のし名入れ"}, About: [2]string{"のしに入れる名前（30文字まで）", "the name under the のし (at most 30 characters)"}},
	{Field: "gift.noshi.placement", Names: []string{"のし種類", "noshi_placement", "内のし外のし"}, About: [2]string{"内のし / 外のし。空欄は内のし", "内のし (inner) / 外のし (outer); blank: 内のし"}},
	{Field: "gift.message", Names: []string{"メッセージ", "gift_message", "メッセージカード"}, About: [2]string{"200文字まで", "at most 200 characters"}},
	{Field: "note", Names: []string{"備考", "note"}, About: [2]string{"500文字まで", "at most 500 characters"}},
	{Field: "priority", Names: []string{"優先度", "priority"}, About: [2]string{"0〜9、大きいほど先に出荷", "0 to 9; higher ships first"}},
	{Field: "hold", Names: []string{"入金待ち", "hold", "保留"}, About: [2]string{"1 / はい で入金待ちとして保留（在庫は引き当て、荷主がAPIで解除するまで出荷しません）", "1 / はい: held waiting for payment (stock reserved, not shipped until the merchant releases it over the API)"}},
	{Field: "consolidate", Names: []string{"同梱", "consolidate", "同梱可"}, About: [2]string{"0 / いいえ で同じお届け先の注文と同梱しない。空欄は荷主の設定どおり", "0 / いいえ: never ship in one parcel with other orders to the same recipient; blank: as the merchant's setting"}},
	{Field: "lines.sku", Names: []string{"SKU", "sku", "商品コード"}, Required: true, Line: true},
	{Field: "lines.quantity", Names: []string{"数量", "quantity"}, Required: true, Line: true, About: [2]string{"1〜100000", "1 to 100000"}},
	{Field: "lines.unit_price", Names: []string{"単価", "unit_price"}, Line: true, About: [2]string{"税込の円。空欄は商品マスタの価格", "yen, tax included; blank: the product's price"}},
	{Field: "lines.tax_rate", Names: []string{"税率", "tax_rate"}, Line: true, About: [2]string{"10 または 8。空欄は商品マスタの税率", "10 or 8; blank: the product's rate"}},
}

// sokoIndex returns the index in keys of the column for field, or -1.
func sokoIndex(keys []string, field string) int {
	for _, c := range SokoColumns {
		if c.Field == field {
			return indexOf(keys, c.Names...)
		}
	}
	return -1
}

// sokoCSV reads soko's own layout.
type sokoCSV struct {
	header  []string
	index   map[string]int    // API field → column index
	columns map[string]string // API field → header, for every column
	grouper
}

func newSokoCSV(header, keys []string, res *Result) (*sokoCSV, error) {
	s := &sokoCSV{header: header, index: map[string]int{}, columns: map[string]string{}}
	used := make([]bool, len(keys))
	var missing, missingEN []string
	for _, c := range SokoColumns {
		i := indexOf(keys, c.Names...)
		s.columns[c.Field] = c.Names[0]
		if i < 0 {
			if c.Required {
				missing, missingEN = append(missing, c.Names[0]), append(missingEN, c.Names[1])
			}
			continue
		}
		s.index[c.Field] = i
		s.columns[c.Field] = strings.TrimSpace(header[i])
		used[i] = true
	}
	if len(missing) > 0 {
		en := "the header row lacks the columns " + strings.Join(missingEN, ", ")
		return nil, soko.Errorf(soko.EINVALID, "%s", en).JA("見出し行に必要な列がありません: %s", strings.Join(missing, "、")).WithField("file", en)
	}
	for i, h := range header {
		if !used[i] && strings.TrimSpace(h) != "" {
			res.Ignored = append(res.Ignored, strings.TrimSpace(h))
		}
	}
	return s, nil
}

func (s *sokoCSV) cell(rec []string, row int, f string) cell {
	i, ok := s.index[f]
	if !ok {
		return cell{column: s.columns[f], row: row}
	}
	return cell{value: field(rec, i), column: s.columns[f], row: row}
}

func (s *sokoCSV) add(row int, rec []string) {
	number := address.Clean(field(rec, s.index["order_no"]))
	o, first := s.get(number, row, s.columns)
	for _, c := range SokoColumns {
		if c.Line || c.Field == "order_no" {
			continue
		}
		v := s.cell(rec, row, c.Field)
		if _, ok := s.index[c.Field]; !ok {
			continue
		}
		if first {
			o.fields[c.Field] = v
			continue
		}
		// Later rows leave the order's fields blank or repeat them.
		if v.value != "" && v.value != o.fields[c.Field].value {
			o.differs = append(o.differs, v)
		}
	}
	o.lines = append(o.lines, rawLine{
		row: row, sku: s.cell(rec, row, "lines.sku"), quantity: s.cell(rec, row, "lines.quantity"),
		price: s.cell(rec, row, "lines.unit_price"), tax: s.cell(rec, row, "lines.tax_rate"),
	})
}

func (s *sokoCSV) orders() []*rawOrder { return s.list }

func (s *sokoCSV) skipped() []Problem { return nil }

// ---- Shopify's order export ----

// shopifyColumns maps the API's fields to the headers of Shopify's order
// export they are read from.
var shopifyColumns = map[string]string{
	"order_no":            "Name",
	"ordered_at":          "Created at",
	"ship_to.name":        "Shipping Name",
	"ship_to.company":     "Shipping Company",
	"ship_to.postal_code": "Shipping Zip",
	"ship_to.prefecture":  "Shipping Province",
	"ship_to.city":        "Shipping City",
	"ship_to.address1":    "Shipping Address1",
	"ship_to.address2":    "Shipping Address2",
	"ship_to.phone":       "Shipping Phone",
	"ship_to.email":       "Email",
	"note":                "Notes",
	"cod_amount":          "Total",
	"shipping_fee":        "Shipping",
	"discount":            "Discount Amount",
	"delivery_date":       "Note Attributes",
	"time_slot":           "Note Attributes",
	"lines.sku":           "Lineitem sku",
	"lines.quantity":      "Lineitem quantity",
	"lines.unit_price":    "Lineitem price",
}

// shopify reads Shopify's order export. Its Shipping Method is the shop's
// own wording, so the carrier is left for the warehouse to choose.
type shopify struct {
	col map[string]int // header key → index
	grouper
	left []Problem // what Skipped says
}

func newShopify(header, keys []string) *shopify {
	s := &shopify{col: map[string]int{}}
	for i, k := range keys {
		if _, ok := s.col[k]; !ok {
			s.col[k] = i
		}
	}
	return s
}

// value returns the value of the column named h, trimmed; Shopify writes
// postal codes and phone numbers with a leading ' so that spreadsheets keep
// their zeros, which goes too.
func (s *shopify) value(rec []string, h string) string {
	i, ok := s.col[headerKey(h)]
	if !ok {
		return ""
	}
	return strings.TrimPrefix(field(rec, i), "'")
}

func (s *shopify) cell(rec []string, row int, h string) cell {
	return cell{value: s.value(rec, h), column: h, row: row}
}

func (s *shopify) add(row int, rec []string) {
	name := address.Clean(s.value(rec, "Name"))
	number := strings.TrimPrefix(name, "#")
	o, first := s.get(number, row, shopifyColumns)
	if first {
		s.order(o, rec, row)
	}
	switch {
	case o.skip:
		return
	case strings.EqualFold(s.value(rec, "Lineitem requires shipping"), "false"):
		s.skip(row, number, "Lineitem requires shipping", "配送不要の商品のため取り込みません", "the item needs no shipping: left out")
		return
	case strings.EqualFold(s.value(rec, "Lineitem fulfillment status"), "fulfilled"):
		s.skip(row, number, "Lineitem fulfillment status", "発送済みの商品のため取り込みません", "the item is fulfilled already: left out")
		return
	}
	o.lines = append(o.lines, rawLine{
		row: row, sku: s.cell(rec, row, "Lineitem sku"), quantity: s.cell(rec, row, "Lineitem quantity"),
		price: s.cell(rec, row, "Lineitem price"),
	})
}

func (s *shopify) skip(row int, number, field, ja, en string) {
	s.left = append(s.left, Problem{Row: row, OrderNumber: number, Field: field, Message: soko.Text{JA: ja, EN: en}})
}

func (s *shopify) skipped() []Problem { return s.left }

// order reads the order's own fields from its first row.
func (s *shopify) order(o *rawOrder, rec []string, row int) {
	f := o.fields
	for _, k := range []string{"ship_to.name", "ship_to.company", "ship_to.postal_code", "ship_to.city",
		"ship_to.address1", "ship_to.address2", "ship_to.email", "note", "ordered_at", "shipping_fee", "discount"} {
		f[k] = s.cell(rec, row, shopifyColumns[k])
	}
	if phone := s.cell(rec, row, "Shipping Phone"); phone.value != "" {
		f["ship_to.phone"] = phone
	} else {
		f["ship_to.phone"] = s.cell(rec, row, "Phone")
	}
	pref := s.cell(rec, row, "Shipping Province")
	if name := s.value(rec, "Shipping Province Name"); pref.value == "" && name != "" {
		pref = s.cell(rec, row, "Shipping Province Name")
	}
	pref.value = prefectureOf(pref.value)
	f["ship_to.prefecture"] = pref
	if c := s.value(rec, "Shipping Country"); c != "" && !isJapan(c) {
		o.refused = append(o.refused, Problem{Row: row, OrderNumber: o.number, Field: "Shipping Country",
			Message: soko.Text{JA: fmt.Sprintf("国外（%s）への配送には対応していません", excerpt(c)), EN: fmt.Sprintf("soko ships within Japan only, not to %s", excerpt(c))}})
	}
	cod := codPayment.MatchString(strings.ToLower(s.value(rec, "Payment Method")))
	if strings.EqualFold(s.value(rec, "Financial Status"), "pending") && !cod {
		// Not paid yet (bank transfer, konbini): held until the shop
		// releases it. A COD order is paid on delivery, so it ships.
		f["hold"] = cell{value: "1", column: "Financial Status", row: row}
	}
	if cod {
		f["cod_amount"] = s.cell(rec, row, "Total")
		if cur := s.value(rec, "Currency"); cur != "" && !strings.EqualFold(cur, "JPY") {
			o.refused = append(o.refused, Problem{Row: row, OrderNumber: o.number, Field: "Currency",
				Message: soko.Text{JA: fmt.Sprintf("代引金額は円で指定してください（通貨 %s）", excerpt(cur)), EN: fmt.Sprintf("a COD amount must be in yen, not %s", excerpt(cur))}})
		}
	}
	date, slot := noteAttributes(s.value(rec, "Note Attributes"))
	if date != "" {
		f["delivery_date"] = cell{value: date, column: "Note Attributes", row: row}
	}
	if slot != "" {
		f["time_slot"] = cell{value: slot, column: "Note Attributes", row: row}
	}
	switch {
	case s.value(rec, "Cancelled at") != "":
		s.skip(row, o.number, "Cancelled at", "キャンセルされた注文のため取り込みません", "the order was cancelled: left out")
		o.skip = true
	case strings.EqualFold(s.value(rec, "Fulfillment Status"), "fulfilled"):
		s.skip(row, o.number, "Fulfillment Status", "発送済みの注文のため取り込みません", "the order is fulfilled already: left out")
		o.skip = true
	}
}

// codPayment matches the payment methods that collect cash on delivery.
var codPayment = regexp.MustCompile(`代金引換|代引|cash on delivery|\bcod\b`)

// orders are those with a line to ship: an order whose every item needs
// no shipping is left out whole.
func (s *shopify) orders() []*rawOrder {
	var out []*rawOrder
	for _, o := range s.list {
		if !o.skip && len(o.lines) > 0 {
			out = append(out, o)
		}
	}
	return out
}

// isJapan reports whether a Shopify country names Japan.
func isJapan(c string) bool {
	switch strings.ToLower(address.Clean(c)) {
	case "jp", "jpn", "japan", "日本":
		return true
	}
	return false
}

// noteAttributes reads a delivery date and time slot from Shopify's Note
// Attributes, one "name: value" per line.
func noteAttributes(s string) (date, slot string) {
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(address.Clean(line), ":")
		if !ok {
			continue
		}
		k, v = headerKey(k), strings.TrimSpace(v)
		switch k {
		case "配達希望日", "配送希望日", "お届け希望日", "お届け日", "配送日", "deliverydate":
			date = v
		case "配達時間帯", "配送時間帯", "お届け時間帯", "時間帯指定", "時間帯", "deliverytime", "timeslot":
			slot = v
		}
	}
	return date, slot
}

// prefectureRomaji are the 47 prefectures in JIS X 0401 order, as Shopify
// writes them in English.
var prefectureRomaji = [47]string{
	"hokkaido", "aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima", "ibaraki", "tochigi", "gunma",
	"saitama", "chiba", "tokyo", "kanagawa", "niigata", "toyama", "ishikawa", "fukui", "yamanashi", "nagano",
	"gifu", "shizuoka", "aichi", "mie", "shiga", "kyoto", "osaka", "hyogo", "nara", "wakayama",
	"tottori", "shimane", "okayama", "hiroshima", "yamaguchi", "tokushima", "kagawa", "ehime", "kochi", "fukuoka",
	"saga", "nagasaki", "kumamoto", "oita", "miyazaki", "kagoshima", "okinawa",
}

// prefectureOf reads Shopify's province: a code (JP-13), its number, or the
// English name (Tokyo, Tōkyō-to, Osaka Prefecture); anything else, such as
// 東京都, is returned for address.Normalize and Check.
func prefectureOf(s string) string {
	c := strings.ToLower(address.Clean(s))
	num := strings.TrimPrefix(c, "jp-")
	if n, err := strconv.Atoi(num); err == nil && len(num) <= 2 && n >= 1 && n <= 47 {
		return address.Prefectures[n-1]
	}
	c = strings.NewReplacer("ō", "o", "ū", "u", "ā", "a", "ē", "e", "ī", "i", " prefecture", "", " ", "", "-", "").Replace(c)
	for _, suffix := range []string{"ken", "fu", "to"} {
		if t, ok := strings.CutSuffix(c, suffix); ok && isRomaji(t) {
			c = t
			break
		}
	}
	if c == "hokkaidou" {
		c = "hokkaido"
	}
	for i, r := range prefectureRomaji {
		if c == r {
			return address.Prefectures[i]
		}
	}
	return address.Clean(s)
}

// isRomaji reports whether s is a prefecture's English name, so that
// cutting "to" from "kyoto" is not mistaken for 都.
func isRomaji(s string) bool {
	for _, r := range prefectureRomaji {
		if s == r {
			return true
		}
	}
	return false
}

// ---- building and checking orders ----

// builder turns raw orders into soko orders, collecting problems.
type builder struct {
	res   *Result
	today time.Time
}

func (b *builder) problem(row int, number, column string, msg soko.Text) {
	b.res.Problems = append(b.res.Problems, Problem{Row: row, OrderNumber: number, Field: column, Message: msg})
}

// build reads one order's values, checks them as the API would, and adds
// the order to the result, problems or not, so the preview shows it.
func (b *builder) build(ro *rawOrder) {
	number := ro.number
	col := ro.column
	rowOf := func(f string) int { row, _ := ro.place(f); return row }
	get := func(f string) string { return ro.fields[f].value }
	// unread are the API fields whose values could not be read: what
	// soko.AcceptOrder says of them would repeat the problem.
	unread := map[string]bool{}
	fail := func(f, ja, en string, args ...any) {
		unread[f] = true
		b.problem(rowOf(f), number, col(f), soko.Textf(ja, en, args...))
	}
	for _, c := range ro.differs {
		b.problem(c.row, number, c.column, soko.Text{JA: fmt.Sprintf("同じ注文番号の%d行目と%sが異なります（注文の項目は最初の行のとおりにするか空欄にしてください）", ro.row, c.column),
			EN: fmt.Sprintf("%s differs from row %d of the same order (repeat the order's fields as on its first row, or leave them blank)", c.column, ro.row)})
	}
	b.res.Problems = append(b.res.Problems, ro.refused...)

	o := &soko.Order{Number: number, Status: soko.OrderReceived}
	sent := soko.Address{
		Name: get("ship_to.name"), Company: get("ship_to.company"), PostalCode: get("ship_to.postal_code"),
		Prefecture: get("ship_to.prefecture"), City: get("ship_to.city"), Street: get("ship_to.address1"),
		Building: get("ship_to.address2"), Phone: get("ship_to.phone"), Email: get("ship_to.email"),
	}
	o.Recipient = address.Normalize(sent)
	for _, w := range address.Rewrites(sent, o.Recipient, "ship_to") {
		b.res.Warnings = append(b.res.Warnings, Problem{Row: rowOf(w.Field), OrderNumber: number, Field: col(w.Field), Message: w.Message})
	}
	for _, p := range address.Check(o.Recipient, "ship_to") {
		b.problem(rowOf(p.Field), number, col(p.Field), p.Message)
	}

	if c := get("ordered_at"); c != "" {
		t, ok := parseTime(c)
		if !ok {
			fail("ordered_at", "注文日時 %s を読めません（例: 2026-11-20 10:15）", "cannot read the order time %s (e.g. 2026-11-20 10:15)", excerpt(c))
		}
		o.OrderedAt = t
	}
	o.Carrier, o.Service = carrierOf(get("carrier"), get("service"))
	o.TimeSlot = slotOf(get("time_slot"))
	if d := get("delivery_date"); d != "" {
		t, ok := parseDate(d)
		if !ok {
			fail("delivery_date", "お届け希望日 %s を読めません（例: 2026-11-25）", "cannot read the delivery date %s (e.g. 2026-11-25)", excerpt(d))
		}
		o.DeliveryDate = t
	}
	if d := get("ship_date"); d != "" {
		t, ok := parseDate(d)
		if !ok {
			fail("ship_date", "出荷予定日 %s を読めません（例: 2026-11-24）", "cannot read the ship date %s (e.g. 2026-11-24)", excerpt(d))
		}
		o.ShipDate = t
	}
	if c := get("cod_amount"); c != "" {
		n, ok := parseYen(c)
		if !ok {
			fail("cod_amount", "代引金額 %s を読めません（円の整数）", "cannot read the COD amount %s (whole yen)", excerpt(c))
		}
		o.CODAmount = n
	}
	for _, a := range []struct {
		field string
		set   *int64
		ja    string
		en    string
	}{{"shipping_fee", &o.ShippingFee, "送料", "shipping fee"}, {"cod_fee", &o.CODFee, "代引手数料", "COD fee"}, {"discount", &o.Discount, "値引き", "discount"}} {
		if c := get(a.field); c != "" {
			n, ok := parseYen(c)
			if !ok {
				fail(a.field, "%s %s を読めません（税込の円の整数）", "cannot read the %s %s (whole yen, tax included)", a.ja, excerpt(c))
				continue
			}
			*a.set = n
		}
	}
	for _, g := range []struct {
		field string
		set   *bool
	}{{"gift.hide_prices", &o.Gift.HidePrices}, {"gift.wrap", &o.Gift.Wrap}} {
		if v := get(g.field); v != "" {
			yes, ok := flagOf(v)
			if !ok {
				fail(g.field, "%sは 1（はい）か 0（いいえ）で指定してください", "%s takes 1 (yes) or 0 (no)", col(g.field))
			}
			*g.set = yes
		}
	}
	o.Gift.Message = strings.TrimSpace(get("gift.message"))
	if v := address.Clean(get("gift.wrapping")); v != "" {
		w, ok := wrappings[strings.ToLower(v)]
		if !ok {
			fail("gift.wrapping", "%s %s を読めません（包装紙・ラッピング袋・化粧箱）", "cannot read the %s %s (包装紙 paper, ラッピング袋 bag, 化粧箱 box)", col("gift.wrapping"), excerpt(v))
		}
		o.Gift.Wrapping = w
	}
	o.Gift.Noshi.Title, o.Gift.Noshi.Name = get("gift.noshi.title"), get("gift.noshi.name")
	if v := address.Clean(get("gift.noshi.placement")); v != "" {
		switch strings.ToLower(v) {
		case "内のし", "内", "inner":
			o.Gift.Noshi.Placement = soko.NoshiInner
		case "外のし", "外", "outer":
			o.Gift.Noshi.Placement = soko.NoshiOuter
		default:
			fail("gift.noshi.placement", "%s は 内のし か 外のし で指定してください", "%s takes 内のし (inner) or 外のし (outer)", col("gift.noshi.placement"))
		}
	}
	o.Gift = o.Gift.Normal()
	o.Note = strings.TrimSpace(get("note"))
	if v := get("hold"); v != "" {
		yes, ok := flagOf(v)
		if !ok {
			fail("hold", "%sは 1（はい）か 0（いいえ）で指定してください", "%s takes 1 (yes) or 0 (no)", col("hold"))
		}
		if yes {
			o.HoldReason = soko.HoldPayment
		}
	}
	if v := get("consolidate"); v != "" {
		yes, ok := flagOf(v)
		if !ok {
			fail("consolidate", "%sは 1（はい）か 0（いいえ）で指定してください", "%s takes 1 (yes) or 0 (no)", col("consolidate"))
		}
		o.NoConsolidation = !yes
	}
	if p := get("priority"); p != "" {
		n, ok := parseYen(p)
		if !ok {
			fail("priority", "優先度は0〜9の整数で指定してください", "priority is a whole number from 0 to 9")
		}
		o.Priority = int(n)
	}

	out := &Order{Order: o, Row: ro.row, skuField: ro.columns["lines.sku"], amountColumns: map[string]string{}}
	for _, f := range []string{"cod_amount", "shipping_fee", "cod_fee", "discount"} {
		out.amountColumns[f] = col(f)
	}
	for i, l := range ro.lines {
		line := soko.OrderLine{SKU: address.Clean(l.sku.value)}
		lineField := func(name string) string { return "lines[" + strconv.Itoa(i) + "]." + name }
		refuse := func(name string, c cell, ja, en string) {
			unread[lineField(name)] = true
			b.problem(l.row, number, c.column, soko.Text{JA: ja, EN: en})
		}
		q, ok := parseYen(l.quantity.value)
		switch {
		case l.quantity.value == "":
			refuse("quantity", l.quantity, "数量がありません", "the quantity is missing")
		case !ok:
			refuse("quantity", l.quantity, fmt.Sprintf("数量 %s は使えません（1〜100000の整数）", excerpt(l.quantity.value)),
				fmt.Sprintf("quantity %s is not allowed: a whole number from 1 to 100000", excerpt(l.quantity.value)))
		default:
			line.Quantity = int(q)
		}
		priced := l.price.value != ""
		if priced {
			p, ok := parseYen(l.price.value)
			if !ok {
				refuse("unit_price", l.price, fmt.Sprintf("単価 %s を読めません（税込の円、100,000,000円まで）", excerpt(l.price.value)),
					fmt.Sprintf("cannot read the unit price %s (whole yen, tax included, at most ¥100,000,000)", excerpt(l.price.value)))
			}
			line.UnitPrice = p
		}
		if t := strings.TrimSuffix(address.Clean(l.tax.value), "%"); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil {
				refuse("tax_rate", l.tax, fmt.Sprintf("税率 %s は使えません（10 または 8）", excerpt(l.tax.value)),
					fmt.Sprintf("tax rate %s is not allowed: 10 or 8", excerpt(l.tax.value)))
			}
			line.TaxRate = n
		}
		o.Lines = append(o.Lines, line)
		out.Rows = append(out.Rows, l.row)
		out.Priced = append(out.Priced, priced)
	}
	b.accept(ro, out, unread)
	out.refused = unread
	// A tax rate soko refuses is not kept, so that Complete gives the
	// line the product's.
	for i := range o.Lines {
		if !soko.ValidTaxRate(o.Lines[i].TaxRate) {
			o.Lines[i].TaxRate = 0
		}
	}
	b.res.Orders = append(b.res.Orders, out)
}

// accept adds what the API would refuse in the order, as soko.AcceptOrder
// and the carriers' rules decide, naming the file's rows and columns. A
// field refused for its value is not checked by the carriers' rules on top,
// as the API's schema stops such a request before they run. The amounts
// are checked by Complete, once every line has its price.
func (b *builder) accept(ro *rawOrder, out *Order, unread map[string]bool) {
	o := out.Order
	var refused []soko.Problem
	for _, p := range soko.AcceptOrder(o, b.today) {
		if !unread[p.Field] {
			unread[p.Field] = true
			refused = append(refused, p)
		}
	}
	var ps []soko.Problem
	for _, p := range carrier.CheckOrder(o.Carrier, o.Service, o.TimeSlot, !o.DeliveryDate.IsZero(), o.CODAmount) {
		ps = append(ps, soko.Problem(p))
	}
	for _, p := range carrier.CheckRecipient(o.Carrier, o.Recipient) {
		ps = append(ps, soko.Problem(p))
	}
	for _, p := range append(ps, refused...) {
		if unread[p.Field] && !slices.Contains(refused, p) {
			continue
		}
		row, column := ro.place(p.Field)
		b.problem(row, o.Number, column, p.Message)
	}
}

// place is the row and column of the file that hold an API field of the
// order (ship_to.name, lines[2].sku), "" for the order or line as a whole.
func (ro *rawOrder) place(field string) (int, string) {
	if rest, ok := strings.CutPrefix(field, "lines["); ok {
		n, name, _ := strings.Cut(rest, "].")
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= len(ro.lines) {
			return ro.row, ""
		}
		l := ro.lines[i]
		c := map[string]cell{"sku": l.sku, "quantity": l.quantity, "unit_price": l.price, "tax_rate": l.tax}[name]
		return l.row, c.column
	}
	if field == "lines" || field == "order_no" {
		return ro.row, ro.column(field)
	}
	row := ro.row
	if c, ok := ro.fields[field]; ok && c.row > 0 {
		row = c.row
	}
	return row, ro.column(field)
}

// column is the header of the file's column for an API field, "" when the
// file has none.
func (ro *rawOrder) column(field string) string {
	if c, ok := ro.fields[field]; ok && c.column != "" {
		return c.column
	}
	return ro.columns[field]
}

// Complete gives each line whose file left out the unit price or tax rate
// the product's, as the API does, and returns a problem for each line
// whose SKU is not one of the merchant's products, which are given by SKU,
// and for each order whose amounts do not add up (carrier.CheckAmounts).
func Complete(orders []*Order, products map[string]*soko.Product) []Problem {
	var ps []Problem
	for _, o := range orders {
		priced := true
		for i := range o.Lines {
			l := &o.Lines[i]
			if l.SKU == "" {
				priced = false
				continue // reported by Parse
			}
			p, ok := products[l.SKU]
			if !ok {
				priced = false
				ps = append(ps, Problem{Row: o.Rows[i], OrderNumber: o.Number, Field: o.skuField,
					Message: soko.Text{JA: fmt.Sprintf("SKU %s はこの荷主の商品として登録されていません", excerpt(l.SKU)), EN: fmt.Sprintf("SKU %s is not one of the merchant's products", excerpt(l.SKU))}})
				continue
			}
			if !o.Priced[i] {
				l.UnitPrice = p.Price
			}
			if l.TaxRate == 0 {
				l.TaxRate = p.TaxRate
			}
			l.Name = p.Name
		}
		if !priced {
			continue // an unknown product has no price to add up
		}
		for _, p := range carrier.CheckAmounts(o.Order) {
			if o.refused[p.Field] {
				continue
			}
			field := p.Field
			if c := o.amountColumns[p.Field]; c != "" {
				field = c
			}
			ps = append(ps, Problem{Row: o.Row, OrderNumber: o.Number, Field: field, Message: p.Message})
		}
	}
	return ps
}

// SKUs lists the distinct SKUs of the orders' lines.
func SKUs(orders []*Order) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range orders {
		for _, l := range o.Lines {
			if l.SKU != "" && !seen[l.SKU] {
				seen[l.SKU] = true
				out = append(out, l.SKU)
			}
		}
	}
	return out
}

// fieldNames name what an order is compared by (the API's names), for
// Conflict.
var fieldNames = map[string]soko.Text{
	"ship_to":       {JA: "お届け先", EN: "ship-to address"},
	"carrier":       {JA: "配送業者", EN: "carrier"},
	"service":       {JA: "サービス", EN: "service"},
	"delivery_date": {JA: "お届け希望日", EN: "delivery date"},
	"time_slot":     {JA: "時間帯", EN: "time slot"},
	"cod_amount":    {JA: "代引金額", EN: "COD amount"},
	"fees":          {JA: "送料・代引手数料・値引き", EN: "shipping fee, COD fee and discount"},
	"gift":          {JA: "ギフト", EN: "gift options"},
	"note":          {JA: "備考", EN: "note"},
	"lines":         {JA: "明細（SKU・数量）", EN: "lines (SKUs and quantities)"},
}

// Conflict is the problem of an order whose number the merchant has
// already for an order that differs in fields (the API's names: ship_to,
// lines …).
func Conflict(o *Order, fields []string) Problem {
	ja, en := make([]string, 0, len(fields)), make([]string, 0, len(fields))
	for _, f := range fields {
		n, ok := fieldNames[f]
		if !ok {
			n = soko.Text{JA: f, EN: f}
		}
		ja, en = append(ja, n.JA), append(en, n.EN)
	}
	return Problem{Row: o.Row, OrderNumber: o.Number, Field: "",
		Message: soko.Text{JA: fmt.Sprintf("注文番号 %s は内容の異なる注文としてすでに登録されています（違い: %s）。番号を変えるか、登録済みの注文を確認してください", o.Number, strings.Join(ja, "、")),
			EN: fmt.Sprintf("order number %s is taken by an order that differs in %s: change the number or check the order on file", o.Number, strings.Join(en, ", "))}}
}

// DateProblem is a problem with an order's delivery or ship date (field)
// found against the warehouse calendar, which Parse does not know.
func DateProblem(o *Order, field string, msg soko.Text) Problem {
	name := field
	for _, c := range SokoColumns {
		if c.Field == field {
			name = c.Names[0]
		}
	}
	return Problem{Row: o.Row, OrderNumber: o.Number, Field: name, Message: msg}
}

// ---- reading values ----

// parseYen reads a whole number of yen as people write it: 1200, 1,200,
// ¥1,200, 1200円, full-width digits, or Shopify's 1200.00.
func parseYen(s string) (int64, bool) {
	s = address.Clean(s)
	s = strings.TrimSuffix(strings.TrimLeft(s, "¥￥\\"), "円")
	s = strings.ReplaceAll(s, ",", "")
	if whole, frac, ok := strings.Cut(s, "."); ok {
		if strings.Trim(frac, "0") != "" {
			return 0, false
		}
		s = whole
	}
	if s == "" || len(s) > 12 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// parseDate reads a day: 2026-11-25, 2026/11/25, 2026/1/5, 20261125 or
// 2026年11月25日.
func parseDate(s string) (time.Time, bool) {
	s = address.Clean(s)
	for _, layout := range []string{"2006-1-2", "2006/1/2", "20060102", "2006年1月2日"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseTime reads when an order was placed: Shopify's "2026-11-20 10:15:00
// +0900", RFC 3339, or a day and time without a zone, read in Japan.
func parseTime(s string) (time.Time, bool) {
	s = address.Clean(s)
	for _, layout := range []string{"2006-01-02 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	for _, layout := range []string{"2006-1-2 15:04:05", "2006-1-2 15:04", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006-1-2", "2006/1/2"} {
		if t, err := time.ParseInLocation(layout, s, soko.JST); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// slotOf reads a time slot as soko's, the carriers' and people's forms
// write it: am, 午前中, 14-16, 14時～16時, 14:00-16:00, 1416. What it cannot
// read is returned as it is, for carrier.CheckOrder to name.
func slotOf(s string) soko.TimeSlot {
	c := address.Clean(s)
	switch strings.ToLower(c) {
	case "", "指定なし", "なし", "none":
		return soko.SlotNone
	case "am", "午前", "午前中", "8-12", "08-12", "0812":
		return soko.SlotMorning
	}
	c = strings.NewReplacer("時", "", ":00", "", "~", "-", "〜", "-", "～", "-", " ", "").Replace(c)
	if len(c) == 4 && c[0] >= '0' && c[0] <= '9' {
		c = c[:2] + "-" + c[2:]
	}
	if t := soko.TimeSlot(c); t.Valid() {
		return t
	}
	return soko.TimeSlot(address.Clean(s))
}

// carrierOf reads a carrier and service by code, Japanese name or English
// name (ヤマト運輸, Yamato, 宅急便, TA-Q-BIN). What it cannot read is
// returned as it is, for carrier.CheckOrder to name.
func carrierOf(carrierText, serviceText string) (string, string) {
	ck, sk := strings.ToLower(address.Clean(carrierText)), strings.ToLower(address.Clean(serviceText))
	code, service := address.Clean(carrierText), address.Clean(serviceText)
	for _, c := range carrier.All() {
		if ck != strings.ToLower(c.Code) && ck != strings.ToLower(c.Name.JA) && ck != strings.ToLower(c.Name.EN) {
			continue
		}
		code = c.Code
		for _, s := range c.Services {
			if sk == strings.ToLower(s.Code) || sk == strings.ToLower(s.Name.JA) || sk == strings.ToLower(s.Name.EN) {
				service = s.Code
			}
		}
	}
	return code, service
}

// wrappings are the names a shop's file gives its wrappings.
var wrappings = map[string]soko.Wrapping{
	"包装紙": soko.WrapPaper, "包装": soko.WrapPaper, "paper": soko.WrapPaper, "のし紙包装": soko.WrapPaper,
	"ラッピング袋": soko.WrapBag, "袋": soko.WrapBag, "ギフト袋": soko.WrapBag, "bag": soko.WrapBag,
	"化粧箱": soko.WrapBox, "ギフト箱": soko.WrapBox, "箱": soko.WrapBox, "box": soko.WrapBox,
}

// flagOf reads a yes or no.
func flagOf(s string) (yes, ok bool) {
	switch strings.ToLower(address.Clean(s)) {
	case "1", "true", "yes", "y", "はい", "○", "◯", "有", "あり", "する":
		return true, true
	case "0", "false", "no", "n", "いいえ", "×", "無", "なし", "しない":
		return false, true
	}
	return false, false
}

// excerpt shortens what the file holds for quoting in a message.
func excerpt(s string) string {
	const max = 24
	s = norm.NFC.String(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
