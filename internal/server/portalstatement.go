package server

import "github.com/soko-wms/soko/internal/soko"

// portalStatementWords are the words of the portal's 請求明細 views: the
// months of the merchant's statements from the warehouse and one month's
// summary, with its PDF and CSV. Every portal role sees them: the figures
// are the merchant's own bill, which the read-only role an accountant is
// given is for; the merchant API serves them to any key with read.
var portalStatementWords = map[string]soko.Text{
	"statements":  {JA: "請求明細", EN: "Statements"},
	"st_help":     {JA: "倉庫からの月ごとのご請求です。締め前の月は作業に応じて増える見込みの金額です。確定した月は変わりません（訂正は翌月以降の調整行になります）。", EN: "The warehouse's bill per month. An open month is a draft that grows with the month's work; a closed month is final (corrections come as adjustment lines in a later month)."},
	"st_month":    {JA: "対象月", EN: "Month"},
	"st_subtotal": {JA: "小計（税抜）", EN: "Subtotal"},
	"st_tax":      {JA: "消費税", EN: "Tax"},
	"st_total":    {JA: "合計（税込）", EN: "Total"},
	"st_none":     {JA: "請求明細はまだありません", EN: "No statements yet"},
	"st_open":     {JA: "締め前", EN: "open"},
	"st_closed":   {JA: "確定", EN: "closed"},
	"st_title":    {JA: "{month}分 請求明細（{status}）", EN: "Statement for {month} ({status})"},
	"st_pdf":      {JA: "請求明細書（PDF）", EN: "Statement (PDF)"},
	"st_item":     {JA: "項目", EN: "Item"},
	"st_unit":     {JA: "単位", EN: "Unit"},
	"st_price":    {JA: "単価（円・税抜）", EN: "Unit price (yen, before tax)"},
	"st_amount":   {JA: "金額（円・税抜）", EN: "Amount (yen, before tax)"},
	"st_tax_rate": {JA: "消費税（{rate}%対象 ¥{base}）", EN: "Tax at {rate}% on ¥{base}"},
	"st_no_lines": {JA: "この月のご請求はありません", EN: "Nothing billed this month"},
}
