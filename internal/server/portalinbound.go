package server

import "github.com/soko-wms/soko/internal/soko"

// portalInboundWords are the words of the portal's inbound notices
// (入荷予定): the form, the CSV upload, the sheet and the following of
// receiving with its discrepancies (web/static/portal_inbound.js).
var portalInboundWords = map[string]soko.Text{
	"in_reference":        {JA: "備考（参照番号）", EN: "Reference"},
	"in_reference_hint":   {JA: "仕入先の納品書番号・発注番号など", EN: "e.g. your supplier's delivery note or order number"},
	"in_code":             {JA: "SKU または JAN", EN: "SKU or JAN"},
	"in_lot":              {JA: "ロット", EN: "Lot"},
	"in_expiry":           {JA: "賞味期限", EN: "Expiry"},
	"in_expected":         {JA: "予定数", EN: "Expected"},
	"in_progress":         {JA: "入荷済／予定", EN: "Received / expected"},
	"in_remove":           {JA: "削除", EN: "Remove"},
	"in_unknown_code":     {JA: "{code} は登録されている商品ではありません", EN: "{code} is not one of your products"},
	"in_created":          {JA: "入荷予定 {no} を登録しました", EN: "Inbound {no} created"},
	"in_csv":              {JA: "CSVで登録", EN: "Upload a CSV file"},
	"in_csv_help":         {JA: "1行が1明細です。見出しは 入荷予定番号・入荷予定日・商品コード（またはJANコード）・数量・ロット・賞味期限・備考（英語名 inbound_no, expected_date, sku, jan, quantity, lot, expiry, reference も可）。UTF-8・Shift_JISのどちらでも読めます。問題のある行が1つでもあると何も登録しません。", EN: "One row is one line. Headers: 入荷予定番号, 入荷予定日, 商品コード (or JANコード), 数量, ロット, 賞味期限, 備考, or inbound_no, expected_date, sku, jan, quantity, lot, expiry, reference. UTF-8 or Shift_JIS. If any row has a problem, nothing is created."},
	"in_csv_file":         {JA: "CSVファイル", EN: "CSV file"},
	"in_csv_no":           {JA: "入荷予定番号（ファイルにない場合）", EN: "Inbound no. (when the file has none)"},
	"in_csv_date":         {JA: "入荷予定日（ファイルにない場合）", EN: "Expected date (when the file has none)"},
	"in_upload":           {JA: "アップロード", EN: "Upload"},
	"in_csv_done":         {JA: "{n}件の入荷予定を登録しました：{list}", EN: "{n} inbounds created: {list}"},
	"in_csv_refused":      {JA: "登録していません。{n}件の問題があります", EN: "Nothing was created: {n} problems"},
	"in_sheet":            {JA: "入荷予定表（PDF・バーコード付き）", EN: "Inbound sheet (PDF with barcodes)"},
	"in_state":            {JA: "判定", EN: "Check"},
	"in_ok":               {JA: "一致", EN: "as expected"},
	"in_waiting":          {JA: "入荷待ち", EN: "waiting"},
	"in_over":             {JA: "超過", EN: "over"},
	"in_short":            {JA: "不足", EN: "short"},
	"in_wrong_lot":        {JA: "ロット違い", EN: "wrong lot"},
	"in_discrepancies":    {JA: "差異", EN: "Discrepancies"},
	"in_no_discrepancies": {JA: "差異はありません", EN: "No discrepancies"},
	"in_lot_of":           {JA: "（ロット {lot}）", EN: " (lot {lot})"},
	"in_d_over":           {JA: "{sku}{lot}：予定 {expected}、入荷 {received}（{diff} 超過）", EN: "{sku}{lot}: expected {expected}, received {received} ({diff} over)"},
	"in_d_short":          {JA: "{sku}{lot}：予定 {expected}、入荷 {received}（{diff} 不足）", EN: "{sku}{lot}: expected {expected}, received {received} ({diff} short)"},
	"in_d_wrong_lot":      {JA: "{sku}：予定にないロット {lot} を {received} 個入荷", EN: "{sku}: {received} received of lot {lot}, which the notice does not name"},
	"in_facts":            {JA: "入荷予定日 {date}　備考 {ref}", EN: "Expected {date} · Reference {ref}"},
	"s_received_inbound":  {JA: "入荷完了", EN: "received"},
	"s_cancelled_inbound": {JA: "キャンセル", EN: "cancelled"},
}
