package server

import (
	"net/http"

	"github.com/soko-wms/soko/internal/soko"
)

// returnsWords are every word the returns desk page shows, in Japanese and
// English; the template prints the fixed ones and returns.js gets all of them.
var returnsWords = mergeWords(scannerWords, map[string]soko.Text{
	"title":          {JA: "soko 返品受付", EN: "soko returns desk"},
	"heading":        {JA: "返品受付", EN: "Returns"},
	"menu":           {JA: "メニュー", EN: "Menu"},
	"sign_in_first":  {JA: "ハンディでログインしてから開いてください", EN: "Sign in on the handheld first"},
	"to_handheld":    {JA: "ハンディのログインへ", EN: "Go to the handheld sign-in"},
	"not_returns":    {JA: "この役割では返品を扱えません", EN: "This role may not receive returns"},
	"scan_parcel":    {JA: "返品の送り状番号か、納品書の注文バーコードをスキャンしてください", EN: "Scan the parcel's tracking number or the order barcode on the slip"},
	"parcel_help":    {JA: "事前連絡のない返送（受取拒否・宛所不明など）もここで受け付けます", EN: "Unannounced carrier returns (refused, undeliverable…) are received here too"},
	"order":          {JA: "注文", EN: "Order"},
	"reason":         {JA: "理由", EN: "Reason"},
	"disposition":    {JA: "処理", EN: "Disposition"},
	"d_refund":       {JA: "返金", EN: "Refund"},
	"d_exchange":     {JA: "交換", EN: "Exchange"},
	"d_inspect":      {JA: "検品後判断", EN: "Inspect first"},
	"unannounced":    {JA: "予告なし返送", EN: "Unannounced"},
	"grade":          {JA: "区分", EN: "Grade"},
	"g_sellable":     {JA: "良品", EN: "Sellable"},
	"g_damaged":      {JA: "不良", EN: "Damaged"},
	"g_opened":       {JA: "開封済", EN: "Opened"},
	"g_wrong":        {JA: "誤配", EN: "Not ours"},
	"destination":    {JA: "行き先", EN: "Goes to"},
	"to_stock":       {JA: "棚に戻す", EN: "Back to a shelf"},
	"to_quarantine":  {JA: "保留ロケーション", EN: "Quarantine"},
	"to_disposal":    {JA: "廃棄", EN: "Disposal"},
	"to_none":        {JA: "取り置き（在庫にしない）", EN: "Set aside (no stock)"},
	"location":       {JA: "ロケーション", EN: "Location"},
	"scan_location":  {JA: "ロケーションをスキャン", EN: "Scan the location"},
	"sku":            {JA: "SKU", EN: "SKU"},
	"item":           {JA: "商品", EN: "Item"},
	"announced":      {JA: "予定", EN: "Expected"},
	"received":       {JA: "受付", EN: "Received"},
	"not_ours":       {JA: "誤配 {n}個", EN: "Not ours: {n}"},
	"scan_unit":      {JA: "商品を1個ずつスキャンしてください（区分と行き先を先に選ぶ）", EN: "Scan each unit (choose its grade and where it goes first)"},
	"scan_loc_now":   {JA: "行き先のロケーションをスキャンしてください", EN: "Scan the destination location"},
	"loc_set":        {JA: "行き先 {loc}", EN: "Destination {loc}"},
	"need_location":  {JA: "先に行き先のロケーションをスキャンしてください", EN: "Scan the destination location first"},
	"finish":         {JA: "受付完了", EN: "Finish receiving"},
	"finish_confirm": {JA: "もう一度押すと受付を完了し、荷主に通知します", EN: "Press again to finish and tell the merchant"},
	"print_slip":     {JA: "返品受付票を印刷", EN: "Print the return slip"},
	"next_parcel":    {JA: "次の返品へ", EN: "Next return"},
})

// returnsPage answers GET /hh/returns: the returns desk on the handheld
// (返品受付), a page of its own so the handheld page stays light.
func (s *Server) returnsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderFloorPage(w, r, "returns", returnsWords)
}

// consoleReturnsWords are the words of the console's returns section.
var consoleReturnsWords = map[string]soko.Text{
	"ret_returns":     {JA: "返品", EN: "Returns"},
	"ret_help":        {JA: "受付待ち・検品待ちの返品と経過日数、理由別・商品別の返品数。返品の多い商品には印が付きます。", EN: "Open returns and their age; returns by reason and by product. Products returned often are flagged."},
	"ret_open":        {JA: "未完了の返品", EN: "Open returns"},
	"ret_no":          {JA: "返品番号", EN: "Return"},
	"ret_merchant":    {JA: "荷主", EN: "Merchant"},
	"ret_order":       {JA: "注文", EN: "Order"},
	"ret_reason":      {JA: "理由", EN: "Reason"},
	"ret_disposition": {JA: "処理", EN: "Disposition"},
	"ret_status":      {JA: "状態", EN: "Status"},
	"ret_age":         {JA: "経過", EN: "Age"},
	"ret_units":       {JA: "受付数", EN: "Units"},
	"ret_none":        {JA: "未完了の返品はありません", EN: "No open returns"},
	"ret_by_reason":   {JA: "理由別", EN: "By reason"},
	"ret_by_product":  {JA: "商品別", EN: "By product"},
	"ret_count":       {JA: "返品件数", EN: "Returns"},
	"ret_product":     {JA: "商品名", EN: "Product"},
	"ret_returned":    {JA: "返品数", EN: "Units returned"},
	"ret_shipped":     {JA: "出荷数", EN: "Units shipped"},
	"ret_frequent":    {JA: "返品多発", EN: "Often returned"},
	"ret_slip":        {JA: "返品受付票", EN: "Slip"},
	"ret_complete":    {JA: "完了にする", EN: "Complete"},
	"ret_completed":   {JA: "返品 {no} を完了にしました", EN: "Return {no} completed"},
	"ret_unannounced": {JA: "（予告なし）", EN: "(unannounced)"},
	"ret_days":        {JA: "{n}日", EN: "{n} d"},
	"ret_d_refund":    {JA: "返金", EN: "Refund"},
	"ret_d_exchange":  {JA: "交換", EN: "Exchange"},
	"ret_d_inspect":   {JA: "検品後判断", EN: "Inspect first"},
	"ret_s_announced": {JA: "入荷待ち", EN: "Expected"},
	"ret_s_receiving": {JA: "受付中", EN: "Receiving"},
	"ret_s_received":  {JA: "検品待ち", EN: "Awaiting decision"},
	"ret_s_completed": {JA: "完了", EN: "Completed"},
}
