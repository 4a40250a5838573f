package server

import "github.com/labstack/echo/v4"

// returnsWords are every word the returns desk page shows, in Japanese and
// English; the template prints the fixed ones and returns.js gets all of them.
var returnsWords = map[string][2]string{
	"title":          {"soko 返品受付", "soko returns desk"},
	"heading":        {"返品受付", "Returns"},
	"menu":           {"メニュー", "Menu"},
	"sign_in_first":  {"ハンディでログインしてから開いてください", "Sign in on the handheld first"},
	"to_handheld":    {"ハンディのログインへ", "Go to the handheld sign-in"},
	"not_returns":    {"この役割では返品を扱えません", "This role may not receive returns"},
	"scan_parcel":    {"返品の送り状番号か、納品書の注文バーコードをスキャンしてください", "Scan the parcel's tracking number or the order barcode on the slip"},
	"parcel_help":    {"事前連絡のない返送（受取拒否・宛所不明など）もここで受け付けます", "Unannounced carrier returns (refused, undeliverable…) are received here too"},
	"order":          {"注文", "Order"},
	"reason":         {"理由", "Reason"},
	"disposition":    {"処理", "Disposition"},
	"d_refund":       {"返金", "Refund"},
	"d_exchange":     {"交換", "Exchange"},
	"d_inspect":      {"検品後判断", "Inspect first"},
	"unannounced":    {"予告なし返送", "Unannounced"},
	"grade":          {"区分", "Grade"},
	"g_sellable":     {"良品", "Sellable"},
	"g_damaged":      {"不良", "Damaged"},
	"g_opened":       {"開封済", "Opened"},
	"g_wrong":        {"誤配", "Not ours"},
	"destination":    {"行き先", "Goes to"},
	"to_stock":       {"棚に戻す", "Back to a shelf"},
	"to_quarantine":  {"保留ロケーション", "Quarantine"},
	"to_disposal":    {"廃棄", "Disposal"},
	"to_none":        {"取り置き（在庫にしない）", "Set aside (no stock)"},
	"location":       {"ロケーション", "Location"},
	"scan_location":  {"ロケーションをスキャン", "Scan the location"},
	"sku":            {"SKU", "SKU"},
	"item":           {"商品", "Item"},
	"announced":      {"予定", "Expected"},
	"received":       {"受付", "Received"},
	"not_ours":       {"誤配 {n}個", "Not ours: {n}"},
	"scan_unit":      {"商品を1個ずつスキャンしてください（区分と行き先を先に選ぶ）", "Scan each unit (choose its grade and where it goes first)"},
	"scan_loc_now":   {"行き先のロケーションをスキャンしてください", "Scan the destination location"},
	"loc_set":        {"行き先 {loc}", "Destination {loc}"},
	"need_location":  {"先に行き先のロケーションをスキャンしてください", "Scan the destination location first"},
	"finish":         {"受付完了", "Finish receiving"},
	"finish_confirm": {"もう一度押すと受付を完了し、荷主に通知します", "Press again to finish and tell the merchant"},
	"print_slip":     {"返品受付票を印刷", "Print the return slip"},
	"next_parcel":    {"次の返品へ", "Next return"},
	"late":           {"【保存分】", "[saved scan] "},
	"offline":        {"通信できません。電波の届く場所で再度お試しください", "No connection: try again where the network reaches"},
	"offline_shell":  {"通信できません。この端末に残した画面で続けます", "No connection: carrying on with what this device keeps"},
	"failed":         {"エラーが発生しました（{status}）", "Something went wrong ({status})"},
	"scan":           {"スキャン", "Scan"},
	"keyboard":       {"キーボード", "Keyboard"},
	"camera":         {"カメラ", "Camera"},
}

// returnsPage answers GET /hh/returns: the returns desk on the handheld
// (返品受付), a page of its own so the handheld page stays light.
func (s *Server) returnsPage(c echo.Context) error {
	return s.renderFloorPage(c, "returns", returnsWords)
}
