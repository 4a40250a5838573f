package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"

	"github.com/soko-wms/soko/internal/csvcell"
	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// 3PL billing (請求明細, issue 20): the admin's rate cards, statements,
// month closing and adjustments under /ops/admin, and each merchant's own
// statements under /api/v1/statements.

// billingWords are the words of the console's billing section (請求).
var billingWords = map[string]soko.Text{
	"bil_title":                  {JA: "請求（料金表・請求明細）", EN: "Billing"},
	"bil_help":                   {JA: "荷主ごとの料金表と月次の請求明細です。数量は在庫の記録・出荷・荷物から数えます。締めた月は確定し、以後の訂正は締めていない月の調整行で行います。", EN: "Each merchant's rate card and monthly statements. Quantities are counted from the stock ledger, shipments and parcels. A closed month is final; later corrections are adjustment lines in an open month."},
	"bil_admin_only":             {JA: "請求は管理者のみ扱えます", EN: "Billing is for admins"},
	"bil_month":                  {JA: "月", EN: "Month"},
	"bil_open":                   {JA: "未確定", EN: "open"},
	"bil_closed":                 {JA: "確定", EN: "closed"},
	"bil_heading":                {JA: "{merchant} {month}分（{status}）", EN: "{merchant}, {month} ({status})"},
	"bil_pdf":                    {JA: "請求明細書（PDF）", EN: "Statement (PDF)"},
	"bil_csv":                    {JA: "CSV（UTF-8）", EN: "CSV (UTF-8)"},
	"bil_csv_sjis":               {JA: "CSV（Shift_JIS）", EN: "CSV (Shift_JIS)"},
	"bil_item":                   {JA: "項目", EN: "Item"},
	"bil_qty":                    {JA: "数量", EN: "Quantity"},
	"bil_unit":                   {JA: "単位", EN: "Unit"},
	"bil_price":                  {JA: "単価（円・税抜）", EN: "Unit price (yen, before tax)"},
	"bil_amount":                 {JA: "金額（円・税抜）", EN: "Amount (yen, before tax)"},
	"bil_rate":                   {JA: "税率", EN: "Tax rate"},
	"bil_subtotal":               {JA: "小計（税抜）", EN: "Subtotal"},
	"bil_tax":                    {JA: "消費税（{rate}%）", EN: "Consumption tax ({rate}%)"},
	"bil_total":                  {JA: "合計（税込）", EN: "Total"},
	"bil_none":                   {JA: "この月の請求はありません", EN: "Nothing billed this month"},
	"bil_no_card":                {JA: "この荷主には料金表がありません。下で登録してください", EN: "This merchant has no rate card: set one below"},
	"bil_close":                  {JA: "この月を締める", EN: "Close this month"},
	"bil_confirm":                {JA: "{month}分を締めます。締めた月は変更できません。よろしいですか？", EN: "Close {month}? A closed month cannot be changed."},
	"bil_closed_ok":              {JA: "{month}分を締めました", EN: "{month} closed"},
	"bil_adj_desc":               {JA: "調整の内容", EN: "Adjustment"},
	"bil_adj_amount":             {JA: "金額（円・税抜、値引きはマイナス）", EN: "Amount (yen before tax, negative for a credit)"},
	"bil_adj_add":                {JA: "調整を追加", EN: "Add the adjustment"},
	"bil_adj_ok":                 {JA: "調整を追加しました", EN: "Adjustment added"},
	"bil_adj_bad":                {JA: "金額は0以外の整数で入力してください", EN: "Enter a whole, non-zero amount"},
	"bil_card":                   {JA: "料金表", EN: "Rate card"},
	"bil_card_help":              {JA: "単価は税抜の円（小数点以下2桁まで）。空欄・0は請求しません。適用開始月から後の月に使われ、締めた月には登録できません。三期制の保管料は各期（1〜10日・11〜20日・21日〜末日）の期首在庫数＋期中入庫数に単価を掛けます。", EN: "Prices are yen before tax, up to two decimals; empty or 0 is not billed. A card prices its month and later ones; a closed month cannot get one. 三期制 storage bills each period (1–10, 11–20, 21–end) its opening stock plus the units received in it."},
	"bil_from":                   {JA: "適用開始月", EN: "From month"},
	"bil_rounding":               {JA: "端数処理", EN: "Rounding"},
	"bil_r_down":                 {JA: "切り捨て", EN: "round down"},
	"bil_r_half_up":              {JA: "四捨五入", EN: "round half up"},
	"bil_r_up":                   {JA: "切り上げ", EN: "round up"},
	"bil_periods":                {JA: "保管料の期", EN: "Storage periods"},
	"bil_p3":                     {JA: "三期制（旬）", EN: "3 a month (旬)"},
	"bil_p2":                     {JA: "二期制（半月）", EN: "2 a month"},
	"bil_p1":                     {JA: "一期制（月）", EN: "1 a month"},
	"bil_c_storage_unit_period":  {JA: "保管料（1個・1期）", EN: "Storage per unit per period"},
	"bil_c_storage_location_day": {JA: "保管料（1ロケーション・1日）", EN: "Storage per location per day"},
	"bil_c_inbound_unit":         {JA: "入荷料（1個）", EN: "Inbound per unit"},
	"bil_c_inbound_case":         {JA: "入荷料（1ケース）", EN: "Inbound per case"},
	"bil_c_pick_order":           {JA: "出荷作業料（1件）", EN: "Picking per order"},
	"bil_c_pick_extra_unit":      {JA: "追加ピース（1個）", EN: "Per additional unit"},
	"bil_c_label":                {JA: "送り状発行（1枚）", EN: "Label"},
	"bil_c_gift_wrap":            {JA: "ギフトラッピング（1件）", EN: "Gift wrapping"},
	"bil_c_insert":               {JA: "同梱物封入（1件）", EN: "Insert"},
	"bil_c_return_unit":          {JA: "返品処理（1個）", EN: "Returns per unit"},
	"bil_boxes":                  {JA: "梱包資材（1行に 箱コード=単価）", EN: "Packing material (one box code=price a line)"},
	"bil_fixed":                  {JA: "月額固定費（1行に 名称=金額）", EN: "Monthly fees (one name=price a line)"},
	"bil_save_card":              {JA: "料金表を保存", EN: "Save the rate card"},
	"bil_card_ok":                {JA: "{from}からの料金表を保存しました", EN: "Rate card from {from} saved"},
	"bil_bad_line":               {JA: "「{line}」は 名前=金額 の形で入力してください", EN: "Write \"{line}\" as name=price"},
}

// billingStore is what billing needs of the store.
type billingStore interface {
	SaveRateCard(ctx context.Context, c *soko.RateCard) error
	RateCards(ctx context.Context, merchantID int64) ([]soko.RateCard, error)
	Statement(ctx context.Context, merchantID int64, m soko.Month, issuer soko.Issuer) (*soko.Statement, error)
	CloseStatement(ctx context.Context, merchantID int64, m soko.Month, issuer soko.Issuer, staffID int64) (*soko.Statement, error)
	StatementMonths(ctx context.Context, merchantID int64) ([]soko.StatementMonth, error)
	AddBillingAdjustment(ctx context.Context, a *soko.BillingAdjustment) error
}

// issuer is the warehouse as it bills: its name and registration number.
func (h apiHandlers) issuer() soko.Issuer {
	return soko.Issuer{Name: h.warehouseName, InvoiceNumber: h.invoiceNumber}
}

// sen reads a price in yen (up to two decimals) as 銭; field names it in the error.
func sen(yen float64, field string, bad *soko.Error) int64 {
	s := math.Round(yen * 100)
	if math.IsNaN(yen) || yen < 0 || yen > soko.MaxPrice/100 || math.Abs(yen*100-s) > 1e-6 {
		bad.WithField(field, "yen between 0 and 10000000 with at most two decimals")
	}
	return int64(s)
}

func optSen(p *float64, field string, bad *soko.Error) int64 {
	if p == nil {
		return 0
	}
	return sen(*p, field, bad)
}

func rateCardIn(merchantID int64, in *api.BillingRateCard) (*soko.RateCard, error) {
	bad := soko.Errorf(soko.EINVALID, "the rate card cannot be saved").JA("料金表の内容に誤りがあります")
	from, err := soko.ParseMonth(in.From)
	if err != nil {
		bad.WithField("from", "YYYY-MM")
	}
	c := &soko.RateCard{MerchantID: merchantID, From: from, TaxRate: int(in.TaxRate), Rounding: soko.Rounding(in.Rounding),
		StoragePeriods:     int(in.StoragePeriods),
		StorageLocationDay: optSen(in.StorageLocationDay, "storage_location_day", bad), StorageUnitPeriod: optSen(in.StorageUnitPeriod, "storage_unit_period", bad),
		InboundUnit: optSen(in.InboundUnit, "inbound_unit", bad), InboundCase: optSen(in.InboundCase, "inbound_case", bad),
		PickOrder: optSen(in.PickOrder, "pick_order", bad), PickExtraUnit: optSen(in.PickExtraUnit, "pick_extra_unit", bad),
		Label: optSen(in.Label, "label", bad), GiftWrap: optSen(in.GiftWrap, "gift_wrap", bad), Insert: optSen(in.Insert, "insert", bad),
		ReturnUnit: optSen(in.ReturnUnit, "return_unit", bad)}
	if in.Boxes != nil {
		c.Boxes = map[string]int64{}
		for code, p := range *in.Boxes {
			code = strings.TrimSpace(code)
			if code == "" || len(code) > 32 {
				bad.WithField("boxes", "a box type code of 1 to 32 characters")
			}
			c.Boxes[code] = sen(p, "boxes."+code, bad)
		}
	}
	for i, f := range deref(in.Fixed) {
		c.Fixed = append(c.Fixed, soko.FixedFee{Name: strings.TrimSpace(f.Name), Price: sen(f.Price, fmt.Sprintf("fixed[%d].price", i), bad)})
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	return c, c.Validate()
}

func yenOf(sen int64) float64 { return float64(sen) / 100 }

func optYen(sen int64) *float64 {
	if sen == 0 {
		return nil
	}
	y := yenOf(sen)
	return &y
}

func rateCardOut(c *soko.RateCard) api.BillingRateCard {
	out := api.BillingRateCard{From: c.From.String(), TaxRate: api.BillingRateCardTaxRate(c.TaxRate), Rounding: api.BillingRateCardRounding(c.Rounding),
		StoragePeriods: api.BillingRateCardStoragePeriods(c.StoragePeriods), StorageLocationDay: optYen(c.StorageLocationDay),
		StorageUnitPeriod: optYen(c.StorageUnitPeriod), InboundUnit: optYen(c.InboundUnit), InboundCase: optYen(c.InboundCase),
		PickOrder: optYen(c.PickOrder), PickExtraUnit: optYen(c.PickExtraUnit), Label: optYen(c.Label), GiftWrap: optYen(c.GiftWrap),
		Insert: optYen(c.Insert), ReturnUnit: optYen(c.ReturnUnit), UpdatedAt: &c.UpdatedAt}
	if len(c.Boxes) > 0 {
		boxes := map[string]float64{}
		for code, p := range c.Boxes {
			boxes[code] = yenOf(p)
		}
		out.Boxes = &boxes
	}
	if len(c.Fixed) > 0 {
		fixed := make([]struct {
			Name  string  `json:"name"`
			Price float64 `json:"price"`
		}, len(c.Fixed))
		for i, f := range c.Fixed {
			fixed[i].Name, fixed[i].Price = f.Name, yenOf(f.Price)
		}
		out.Fixed = &fixed
	}
	return out
}

func statementOut(st *soko.Statement, lang string) api.BillingStatement {
	out := api.BillingStatement{MerchantCode: st.MerchantCode, MerchantName: st.MerchantName, Month: st.Month, Status: api.BillingStatementStatusOpen,
		ClosedAt: st.ClosedAt, IssuerName: st.Issuer.Name, IssuerInvoiceNumber: st.Issuer.InvoiceNumber, Rounding: api.BillingStatementRounding(st.Rounding),
		Lines: make([]api.BillingStatementLine, len(st.Lines)), Taxes: make([]api.BillingTax, len(st.Taxes)),
		Subtotal: st.Subtotal, Tax: st.Tax, Total: st.Total, DetailCount: len(st.Details), ComputedAt: st.ComputedAt}
	if st.ClosedAt != nil {
		out.Status = api.BillingStatementStatusClosed
	}
	for i, l := range st.Lines {
		out.Lines[i] = api.BillingStatementLine{Charge: l.Charge, Name: l.Name.In(lang), Unit: l.Unit, Quantity: l.Quantity,
			UnitPrice: yenOf(l.UnitPrice), Amount: l.Amount, TaxRate: l.TaxRate}
	}
	for i, t := range st.Taxes {
		out.Taxes[i] = api.BillingTax{Rate: t.Rate, Base: t.Base, Tax: t.Tax}
	}
	return out
}

func statementMonthsOut(months []soko.StatementMonth) api.BillingStatementList {
	out := api.BillingStatementList{Data: make([]api.BillingStatementMonth, len(months))}
	for i, m := range months {
		out.Data[i] = api.BillingStatementMonth{Month: m.Month.String(), Status: api.BillingStatementMonthStatusOpen}
		if m.Closed {
			closedAt, subtotal, tax, total := m.ClosedAt, m.Subtotal, m.Tax, m.Total
			out.Data[i].Status, out.Data[i].ClosedAt = api.BillingStatementMonthStatusClosed, &closedAt
			out.Data[i].Subtotal, out.Data[i].Tax, out.Data[i].Total = &subtotal, &tax, &total
		}
	}
	return out
}

// statementFile is a statement rendered as format: its bytes and content kind.
func (h apiHandlers) statementFile(st *soko.Statement, format string, encoding *api.CsvEncoding) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	if format == "pdf" {
		return &buf, pdf.Statement(&buf, st, pdf.StatementOptions{Now: h.now})
	}
	return &buf, writeStatementCSV(&buf, st, encoding != nil && *encoding == api.CsvEncodingShiftJis)
}

// ListAdminRateCards answers GET /ops/admin/merchants/{merchant_id}/rate-card.
func (h apiHandlers) ListAdminRateCards(ctx context.Context, req api.ListAdminRateCardsRequestObject) (api.ListAdminRateCardsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	cards, err := h.store.RateCards(ctx, req.MerchantId)
	if err != nil {
		return nil, err
	}
	out := api.BillingRateCardList{Data: make([]api.BillingRateCard, len(cards))}
	for i := range cards {
		out.Data[i] = rateCardOut(&cards[i])
	}
	return api.ListAdminRateCards200JSONResponse(out), nil
}

// PutAdminRateCard answers PUT /ops/admin/merchants/{merchant_id}/rate-card.
func (h apiHandlers) PutAdminRateCard(ctx context.Context, req api.PutAdminRateCardRequestObject) (api.PutAdminRateCardResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	c, err := rateCardIn(req.MerchantId, req.Body)
	if err != nil {
		return nil, err
	}
	if err := h.store.SaveRateCard(ctx, c); err != nil {
		return nil, err
	}
	return api.PutAdminRateCard200JSONResponse(rateCardOut(c)), nil
}

// ListAdminStatements answers GET /ops/admin/merchants/{merchant_id}/statements.
func (h apiHandlers) ListAdminStatements(ctx context.Context, req api.ListAdminStatementsRequestObject) (api.ListAdminStatementsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	months, err := h.store.StatementMonths(ctx, req.MerchantId)
	if err != nil {
		return nil, err
	}
	return api.ListAdminStatements200JSONResponse(statementMonthsOut(months)), nil
}

// GetAdminStatement answers GET /ops/admin/merchants/{merchant_id}/statements/{month}.
func (h apiHandlers) GetAdminStatement(ctx context.Context, req api.GetAdminStatementRequestObject) (api.GetAdminStatementResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	r, err := h.statementReply(ctx, req.MerchantId, req.Month, api.GetStatementParams(req.Params))
	if err != nil {
		return nil, err
	}
	return adminStatement{r}, nil
}

// adminStatement answers the admin's statement route as the merchant's own
// route answers: the two routes' answers are the same.
type adminStatement struct{ api.GetStatementResponseObject }

func (a adminStatement) VisitGetAdminStatementResponse(w http.ResponseWriter) error {
	return a.VisitGetStatementResponse(w)
}

// statementReply is merchantID's statement for month in the format asked:
// JSON, the PDF or the CSV. The caller decides whose statement it may
// see: a merchant's key its own, an admin any merchant's.
func (h apiHandlers) statementReply(ctx context.Context, merchantID int64, month string, p api.GetStatementParams) (api.GetStatementResponseObject, error) {
	st, err := h.statement(ctx, merchantID, month)
	if err != nil {
		return nil, err
	}
	switch f := string(deref(p.Format)); f {
	case "pdf", "csv":
		buf, err := h.statementFile(st, f, p.Encoding)
		if err != nil {
			return nil, err
		}
		if f == "pdf" {
			return api.GetStatement200ApplicationpdfResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
		}
		return api.GetStatement200TextcsvResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
	}
	return api.GetStatement200JSONResponse(statementOut(st, langOf(ctx))), nil
}

func (h apiHandlers) statement(ctx context.Context, merchantID int64, month string) (*soko.Statement, error) {
	m, err := soko.ParseMonth(month)
	if err != nil {
		return nil, err
	}
	return h.store.Statement(ctx, merchantID, m, h.issuer())
}

// CloseAdminStatement answers POST /ops/admin/merchants/{merchant_id}/statements/{month}/close.
func (h apiHandlers) CloseAdminStatement(ctx context.Context, req api.CloseAdminStatementRequestObject) (api.CloseAdminStatementResponseObject, error) {
	sess, err := allow(ctx, soko.MenuAdmin)
	if err != nil {
		return nil, err
	}
	m, err := soko.ParseMonth(req.Month)
	if err != nil {
		return nil, err
	}
	st, err := h.store.CloseStatement(ctx, req.MerchantId, m, h.issuer(), sess.Staff.ID)
	if err != nil {
		return nil, err
	}
	return api.CloseAdminStatement200JSONResponse(statementOut(st, langOf(ctx))), nil
}

// AddAdminBillingAdjustment answers POST /ops/admin/merchants/{merchant_id}/statements/{month}/adjustments.
func (h apiHandlers) AddAdminBillingAdjustment(ctx context.Context, req api.AddAdminBillingAdjustmentRequestObject) (api.AddAdminBillingAdjustmentResponseObject, error) {
	sess, err := allow(ctx, soko.MenuAdmin)
	if err != nil {
		return nil, err
	}
	m, err := soko.ParseMonth(req.Month)
	if err != nil {
		return nil, err
	}
	a := &soko.BillingAdjustment{MerchantID: req.MerchantId, Month: m, Description: strings.TrimSpace(req.Body.Description),
		Amount: req.Body.Amount, TaxRate: int(req.Body.TaxRate), StaffID: sess.Staff.ID}
	if err := h.store.AddBillingAdjustment(ctx, a); err != nil {
		return nil, err
	}
	return api.AddAdminBillingAdjustment201JSONResponse{Id: a.ID, Month: m.String(), Description: a.Description, Amount: a.Amount,
		TaxRate: a.TaxRate, CreatedAt: a.CreatedAt}, nil
}

// ListStatements answers GET /api/v1/statements.
func (h apiHandlers) ListStatements(ctx context.Context, _ api.ListStatementsRequestObject) (api.ListStatementsResponseObject, error) {
	months, err := h.store.StatementMonths(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	return api.ListStatements200JSONResponse(statementMonthsOut(months)), nil
}

// GetStatement answers GET /api/v1/statements/{month}: the calling
// merchant's own statement.
func (h apiHandlers) GetStatement(ctx context.Context, req api.GetStatementRequestObject) (api.GetStatementResponseObject, error) {
	return h.statementReply(ctx, merchantOf(ctx), req.Month, req.Params)
}

// windows31J types the characters Mac input methods give that Shift_JIS
// (Windows-31J) lacks as the ones Windows gives: 〜 as ～, − as －.
var windows31J = strings.NewReplacer("\u301C", "\uFF5E", "\u2212", "\uFF0D", "\u2014", "\u2015")

// writeStatementCSV writes a statement as one CSV: a row per billable
// event (区分 明細), then the summary lines, the tax per rate and the total
// (区分 集計). UTF-8 with a BOM, which spreadsheet programs in Japan need to
// read it as UTF-8, or Shift_JIS. Every cell goes through csvcell.Safe.
func writeStatementCSV(w io.Writer, st *soko.Statement, shiftJIS bool) error {
	bw := bufio.NewWriter(w)
	var out io.Writer = bw
	if shiftJIS {
		// A character Shift_JIS lacks (an emoji in a name) becomes a
		// question mark rather than failing the whole statement.
		out = encoding.ReplaceUnsupported(japanese.ShiftJIS.NewEncoder()).Writer(bw)
	} else {
		bw.WriteString("\ufeff")
	}
	cw := csv.NewWriter(out)
	cw.UseCRLF = true
	row := func(cells ...string) error {
		for i, c := range cells {
			if shiftJIS {
				c = windows31J.Replace(c)
			}
			cells[i] = csvcell.Safe(c)
		}
		return cw.Write(cells)
	}
	if err := row("区分", "日付", "項目コード", "項目", "内訳", "数量", "単位", "単価（円・税抜）", "金額（円・税抜）", "税率"); err != nil {
		return err
	}
	names := map[string][2]string{}
	for _, l := range st.Lines {
		names[l.Charge] = [2]string{l.Name.JA, l.Unit}
	}
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, d := range st.Details {
		n := names[d.Charge]
		if err := row("明細", d.Date, d.Charge, n[0], d.Ref, itoa(d.Quantity), n[1], "", "", ""); err != nil {
			return err
		}
	}
	for _, l := range st.Lines {
		price := ""
		if l.Charge != soko.ChargeAdjustment {
			price = strings.ReplaceAll(soko.FormatPrice(l.UnitPrice), ",", "")
		}
		if err := row("集計", "", l.Charge, l.Name.JA, "", itoa(l.Quantity), l.Unit, price, itoa(l.Amount), fmt.Sprintf("%d%%", l.TaxRate)); err != nil {
			return err
		}
	}
	if err := row("集計", "", "subtotal", "小計（税抜）", "", "", "", "", itoa(st.Subtotal), ""); err != nil {
		return err
	}
	for _, t := range st.Taxes {
		if err := row("集計", "", fmt.Sprintf("tax_%d", t.Rate), fmt.Sprintf("消費税（%d%%対象 %d円）", t.Rate, t.Base), "", "", "", "", itoa(t.Tax), fmt.Sprintf("%d%%", t.Rate)); err != nil {
			return err
		}
	}
	if err := row("集計", "", "total", "合計（税込）", "", "", "", "", itoa(st.Total), ""); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if c, ok := out.(io.Closer); ok {
		if err := c.Close(); err != nil {
			return err
		}
	}
	return bw.Flush()
}
