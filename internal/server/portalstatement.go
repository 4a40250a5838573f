package server

// portalStatementWords are the words of the portal's 請求明細 views: the
// months of the merchant's statements from the warehouse and one month's
// summary, with its PDF and CSV. Every portal role sees them: the figures
// are the merchant's own bill, which the read-only role an accountant is
// given is for; the merchant API serves them to any key with read.
var portalStatementWords = map[string][2]string{
	"statements":  {"請求明細", "Statements"},
	"st_help":     {"倉庫からの月ごとのご請求です。締め前の月は作業に応じて増える見込みの金額です。確定した月は変わりません（訂正は翌月以降の調整行になります）。", "The warehouse's bill per month. An open month is a draft that grows with the month's work; a closed month is final (corrections come as adjustment lines in a later month)."},
	"st_month":    {"対象月", "Month"},
	"st_subtotal": {"小計（税抜）", "Subtotal"},
	"st_tax":      {"消費税", "Tax"},
	"st_total":    {"合計（税込）", "Total"},
	"st_none":     {"請求明細はまだありません", "No statements yet"},
	"st_open":     {"締め前", "open"},
	"st_closed":   {"確定", "closed"},
	"st_title":    {"{month}分 請求明細（{status}）", "Statement for {month} ({status})"},
	"st_pdf":      {"請求明細書（PDF）", "Statement (PDF)"},
	"st_item":     {"項目", "Item"},
	"st_unit":     {"単位", "Unit"},
	"st_price":    {"単価（円・税抜）", "Unit price (yen, before tax)"},
	"st_amount":   {"金額（円・税抜）", "Amount (yen, before tax)"},
	"st_tax_rate": {"消費税（{rate}%対象 ¥{base}）", "Tax at {rate}% on ¥{base}"},
	"st_no_lines": {"この月のご請求はありません", "Nothing billed this month"},
}
