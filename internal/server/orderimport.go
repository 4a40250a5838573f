package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/soko-wms/soko/internal/orderimport"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// orderImportWords are the words of the console's order import (受注取込),
// with soko's CSV layout and the file size limit for its help and checks.
var orderImportWords = withImportLayout(map[string]soko.Text{
	"oi_nav":            {JA: "受注取込", EN: "Order import"},
	"oi_help":           {JA: "ショップから出力した受注CSV（Shopifyの注文エクスポート、またはsoko形式）を取り込みます。UTF-8・Shift_JISのどちらでも読めます。まずプレビューで全行を確認し、問題が1つもないときだけ取り込めます。取込はファイル単位で全件か0件かのどちらかです。同じファイルをもう一度取り込んでも、登録済みの注文は変わりません。", EN: "Import the order CSV a shop exported (Shopify's order export or soko's layout), in UTF-8 or Shift_JIS. Preview checks every row first; only a file without problems can be imported, and a file is imported whole or not at all. Importing the same file again changes nothing."},
	"oi_merchant":       {JA: "荷主", EN: "Merchant"},
	"oi_format":         {JA: "形式", EN: "Layout"},
	"oi_auto":           {JA: "自動判定", EN: "Detect"},
	"oi_shopify":        {JA: "Shopify 注文エクスポート", EN: "Shopify order export"},
	"oi_soko":           {JA: "soko形式CSV", EN: "soko CSV"},
	"oi_file":           {JA: "CSVファイル", EN: "CSV file"},
	"oi_preview":        {JA: "プレビュー", EN: "Preview"},
	"oi_import":         {JA: "取り込む", EN: "Import"},
	"oi_choose_file":    {JA: "CSVファイルを選んでください", EN: "Choose a CSV file"},
	"oi_choose_merch":   {JA: "荷主を選んでください", EN: "Choose a merchant"},
	"oi_pick_merchant":  {JA: "― 荷主を選択 ―", EN: "— choose —"},
	"oi_too_large":      {JA: "ファイルが大きすぎます（{max}MBまで）。ファイルを分けてください", EN: "The file is too large (at most {max} MB): split it"},
	"oi_uploading":      {JA: "送信中… {pct}%", EN: "Uploading… {pct}%"},
	"oi_processing":     {JA: "サーバーで確認中…", EN: "Checking on the server…"},
	"oi_importing":      {JA: "取り込み中…", EN: "Importing…"},
	"oi_summary":        {JA: "{merchant}：{orders}件の注文（{lines}明細、{rows}行）／新規 {fresh}件・登録済み {unchanged}件　{format}・{encoding}", EN: "{merchant}: {orders} orders ({lines} lines, {rows} rows); {fresh} new, {unchanged} already on file. {format}, {encoding}"},
	"oi_ok":             {JA: "問題はありません。「取り込む」で{fresh}件を登録します", EN: "No problems: Import creates {fresh} orders"},
	"oi_nothing_new":    {JA: "すべて登録済みです。取り込んでも変わりません", EN: "Every order is on file already: importing changes nothing"},
	"oi_has_problems":   {JA: "{n}件の問題があります。ファイルを直してからもう一度プレビューしてください", EN: "{n} problems: fix the file and preview it again"},
	"oi_refused":        {JA: "取り込めませんでした。{n}件の問題があります（何も登録していません）", EN: "Not imported: {n} problems (nothing was stored)"},
	"oi_done":           {JA: "{created}件を取り込みました（引当済 {allocated}件・入荷待ち {backordered}件）。登録済みのため変更なし {unchanged}件", EN: "Imported {created} orders ({allocated} allocated, {backordered} waiting for stock); {unchanged} already on file, unchanged"},
	"oi_problems_more":  {JA: "ほか{n}件（先頭1,000件を表示）", EN: "and {n} more (the first 1,000 are shown)"},
	"oi_skipped":        {JA: "取り込まない行", EN: "Rows left out"},
	"oi_warnings":       {JA: "送り状用に置き換える文字", EN: "Characters replaced for labels"},
	"oi_ignored":        {JA: "読まない列: {cols}", EN: "Columns not read: {cols}"},
	"oi_orders":         {JA: "注文（先頭100件）", EN: "Orders (first 100)"},
	"oi_no":             {JA: "注文番号", EN: "Order no."},
	"oi_name":           {JA: "お届け先", EN: "Ship to"},
	"oi_address":        {JA: "住所", EN: "Address"},
	"oi_lines":          {JA: "明細", EN: "Lines"},
	"oi_units":          {JA: "数量", EN: "Units"},
	"oi_carrier":        {JA: "配送業者", EN: "Carrier"},
	"oi_cod":            {JA: "代引", EN: "COD"},
	"oi_state":          {JA: "取込", EN: "Import"},
	"oi_st_new":         {JA: "新規", EN: "new"},
	"oi_st_unchanged":   {JA: "登録済み", EN: "on file"},
	"oi_st_problem":     {JA: "問題あり", EN: "problem"},
	"oi_warehouse":      {JA: "倉庫で選択", EN: "warehouse picks"},
	"oi_columns":        {JA: "soko形式の列", EN: "soko CSV columns"},
	"oi_columns_help":   {JA: "1行が注文の1明細です。同じ注文番号の行が1つの注文になり、注文の項目は最初の行のとおりに繰り返すか、2行目以降を空欄にします。見出しは日本語名・英語名のどちらでも構いません。", EN: "One row is one line of an order. Rows with the same order number make one order; repeat the order's fields as on its first row or leave them blank after it. Headers may be the Japanese or the English names."},
	"oi_col_name":       {JA: "見出し", EN: "Header"},
	"oi_col_alias":      {JA: "別名", EN: "Also"},
	"oi_col_required":   {JA: "必須", EN: "Required"},
	"oi_col_note":       {JA: "内容", EN: "Content"},
	"oi_required_yes":   {JA: "必須", EN: "required"},
	"oi_shopify_help":   {JA: "Shopifyの注文エクスポートは、Name（#1001 → 注文番号 1001）、Shipping の各列、Lineitem sku・quantity・price を読みます。キャンセル・発送済みの注文と配送不要の商品は取り込みません。支払方法が代金引換の注文は Total を代引金額にします。Note Attributes の「配達希望日」「配達時間帯」も読みます。", EN: "From Shopify's order export soko reads Name (#1001 → order 1001), the Shipping columns and Lineitem sku, quantity and price. Cancelled and fulfilled orders and items that need no shipping are left out. A cash-on-delivery order collects its Total. 配達希望日 and 配達時間帯 in Note Attributes are read too."},
	"oi_failed_network": {JA: "通信できませんでした。もう一度お試しください", EN: "The upload failed: try again"},
})

// withImportLayout adds to words what the page needs of orderimport's
// rules: oi_max_bytes, the largest file, and oi_columns_list, soko's CSV
// layout as lines of tab-separated header, other names, whether required
// and what the column takes, for the help table.
func withImportLayout(words map[string]soko.Text) map[string]soko.Text {
	var ja, en []string
	for _, c := range orderimport.SokoColumns {
		var required soko.Text
		if c.Required {
			required = words["oi_required_yes"]
		}
		others := strings.Join(c.Names[1:], ", ")
		ja = append(ja, strings.Join([]string{c.Names[0], others, required.JA, c.About[0]}, "\t"))
		en = append(en, strings.Join([]string{c.Names[0], others, required.EN, c.About[1]}, "\t"))
	}
	words["oi_columns_list"] = soko.Text{JA: strings.Join(ja, "\n"), EN: strings.Join(en, "\n")}
	max := strconv.Itoa(orderimport.MaxBytes)
	words["oi_max_bytes"] = soko.Text{JA: max, EN: max}
	return words
}

// orderImportStore is what this section needs of the store.
type orderImportStore interface {
	MerchantByID(ctx context.Context, id int64) (*soko.Merchant, error)
	ProductsBySKU(ctx context.Context, merchantID int64, skus []string) (map[string]*soko.Product, error)
	CompareImport(ctx context.Context, merchantID int64, orders []*soko.Order) (unchanged map[string]bool, conflicts map[string][]string, err error)
	ImportOrders(ctx context.Context, merchantID, staffID int64, orders []*soko.Order) (created, unchanged int, err error)
	AllocateOrders(ctx context.Context, ids []int64, rules soko.AllocationRules) (allocated int, err error)
}

// Bounds of a preview's answer: a file of 20,000 bad rows must not become
// a page nobody can read.
const (
	maxShownProblems = 1000
	maxShownOrders   = 100
)

// orderFile is a checked order file: what Parse read, and every problem
// from the file and from the store.
type orderFile struct {
	merchant  *soko.Merchant
	res       *orderimport.Result
	problems  []orderimport.Problem
	unchanged map[string]bool
	bad       map[string]bool // order numbers with a problem
}

// checkOrderFile reads a merchant's order file and checks it as the API
// checks an order: Parse does what needs no database, then the SKUs and
// the order numbers are asked of the store.
func (h apiHandlers) checkOrderFile(ctx context.Context, merchantID int64, format string, body io.Reader) (*orderFile, error) {
	m, err := h.store.MerchantByID(ctx, merchantID)
	if soko.ErrorCode(err) == soko.ENOTFOUND {
		return nil, soko.Errorf(soko.ENOTFOUND, "no merchant %d", merchantID).JA("荷主 %d は見つかりません", merchantID)
	} else if err != nil {
		return nil, err
	}
	res, err := orderimport.Parse(body, orderimport.Options{Format: orderimport.Format(format), Today: h.now().In(soko.JST)})
	if err != nil {
		return nil, err
	}
	products, err := h.store.ProductsBySKU(ctx, m.ID, orderimport.SKUs(res.Orders))
	if err != nil {
		return nil, err
	}
	f := &orderFile{merchant: m, res: res, bad: map[string]bool{}}
	f.problems = append(append(f.problems, res.Problems...), orderimport.Complete(res.Orders, products)...)
	// Ship dates as an order sent over the API gets them.
	cal, err := h.store.ShipCalendar(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range res.Orders {
		sd, p := cal.PlanShipDate(o.Order, h.now())
		if p != nil {
			f.problems = append(f.problems, orderimport.DateProblem(o, p.Field, p.Message))
			continue
		}
		o.ShipDate = sd
	}
	unchanged, conflicts, err := h.store.CompareImport(ctx, m.ID, f.orders())
	if err != nil {
		return nil, err
	}
	f.unchanged = unchanged
	for _, o := range res.Orders {
		if diff, ok := conflicts[o.Number]; ok {
			f.problems = append(f.problems, orderimport.Conflict(o, diff))
		}
	}
	sort.SliceStable(f.problems, func(i, j int) bool { return f.problems[i].Row < f.problems[j].Row })
	for _, p := range f.problems {
		f.bad[p.OrderNumber] = true
	}
	return f, nil
}

func (f *orderFile) orders() []*soko.Order {
	out := make([]*soko.Order, len(f.res.Orders))
	for i, o := range f.res.Orders {
		out[i] = o.Order
	}
	return out
}

func importProblems(ps []orderimport.Problem, lang string) []api.RowProblem {
	out := make([]api.RowProblem, len(ps))
	for i, p := range ps {
		out[i] = api.RowProblem{Row: p.Row, Field: p.Field, Message: p.Message.In(lang)}
		if p.OrderNumber != "" {
			out[i].OrderNo = &ps[i].OrderNumber
		}
	}
	return out
}

// preview is the file as the console shows it before importing.
func (f *orderFile) preview(lang string) api.OrderImportPreview {
	res := f.res
	out := api.OrderImportPreview{
		Merchant: api.OpsMerchant{Id: f.merchant.ID, Code: f.merchant.Code, Name: f.merchant.Name},
		Format:   api.OrderImportPreviewFormat(res.Format), Encoding: res.Encoding,
		Rows: res.Rows, Orders: len(res.Orders), Lines: res.Lines(), Unchanged: len(f.unchanged),
		Problems:     importProblems(f.problems[:min(len(f.problems), maxShownProblems)], lang),
		ProblemCount: len(f.problems), Skipped: importProblems(res.Skipped, lang),
		Warnings:       importProblems(res.Warnings, lang),
		IgnoredColumns: append([]string{}, res.Ignored...), Sample: []api.OrderImportOrder{},
	}
	out.NewOrders = out.Orders - out.Unchanged
	for i, o := range res.Orders {
		if i == maxShownOrders {
			break
		}
		units := 0
		for _, l := range o.Lines {
			units += l.Quantity
		}
		state := api.OrderImportOrderState("new")
		switch {
		case f.bad[o.Number]:
			state = api.OrderImportOrderState("problem")
		case f.unchanged[o.Number]:
			state = api.OrderImportOrderState("unchanged")
		}
		out.Sample = append(out.Sample, api.OrderImportOrder{
			OrderNo: o.Number, Row: o.Row, Name: o.Recipient.Name, Prefecture: o.Recipient.Prefecture, City: o.Recipient.City,
			Lines: len(o.Lines), Units: units, Carrier: o.Carrier, CodAmount: o.CODAmount, State: state,
		})
	}
	return out
}

// PreviewOrderImport answers POST /ops/order-imports/preview.
func (h apiHandlers) PreviewOrderImport(ctx context.Context, req api.PreviewOrderImportRequestObject) (api.PreviewOrderImportResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	f, err := h.checkOrderFile(ctx, req.Params.MerchantId, string(deref(req.Params.Format)), req.Body)
	if err != nil {
		return nil, err
	}
	return api.PreviewOrderImport200JSONResponse(f.preview(langOf(ctx))), nil
}

// ImportOrderFile answers POST /ops/order-imports: the file's orders, all
// or none, then their allocation as the API allocates an arriving order.
func (h apiHandlers) ImportOrderFile(ctx context.Context, req api.ImportOrderFileRequestObject) (api.ImportOrderFileResponseObject, error) {
	sess, err := allow(ctx, soko.MenuConsole)
	if err != nil {
		return nil, err
	}
	f, err := h.checkOrderFile(ctx, req.Params.MerchantId, string(deref(req.Params.Format)), req.Body)
	if err != nil {
		return nil, err
	}
	if len(f.problems) > 0 {
		return importRefusal{preview: f.preview(langOf(ctx)), lang: langOf(ctx)}, nil
	}
	orders := f.orders()
	created, unchanged, err := h.store.ImportOrders(ctx, f.merchant.ID, sess.Staff.ID, orders)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, o := range orders {
		if o.ID != 0 {
			ids = append(ids, o.ID)
		}
	}
	// The orders stand either way; what is not allocated now waits for the
	// allocation worker, as an API order does.
	allocated, err := h.store.AllocateOrders(ctx, ids, h.rules)
	if err != nil {
		h.log.Warn("allocate imported orders", "merchant", f.merchant.Code, "orders", len(ids), "err", err)
	}
	return api.ImportOrderFile200JSONResponse{Created: created, Unchanged: unchanged, Allocated: allocated, Backordered: created - allocated}, nil
}

// importRefusal answers an import whose file has problems: a problem
// document, as every refusal is, whose extension members are the preview
// listing them, with the request id the error handler would give it.
type importRefusal struct {
	preview api.OrderImportPreview
	lang    string
}

func (r importRefusal) VisitImportOrderFileResponse(w http.ResponseWriter) error {
	// The refusal is the preview with the problem's members: the same
	// fields, in a type of their own.
	b, err := json.Marshal(r.preview)
	if err != nil {
		return err
	}
	var out api.OrderImportRefusal
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	out.Status = http.StatusUnprocessableEntity
	out.Type = "urn:soko:problem:" + soko.EINVALID
	out.Title = title(out.Status, r.lang)
	out.Detail = soko.Text{JA: fmt.Sprintf("取り込めませんでした。%d件の問題があります（何も登録していません）", out.ProblemCount),
		EN: fmt.Sprintf("not imported: the file has %d problems (nothing was stored)", out.ProblemCount)}.In(r.lang)
	if id := requestID(w); id != "" {
		out.RequestId = &id
	}
	return api.ImportOrderFile422ApplicationProblemPlusJSONResponse(out).VisitImportOrderFileResponse(w)
}
