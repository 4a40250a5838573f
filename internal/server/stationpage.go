package server

import (
	"github.com/labstack/echo/v4"
)

// stationWords are every word the packing station page shows, in Japanese
// and English: the template prints the fixed ones and hands all of them to
// station.js, so one table holds the page's words. {name}-style holes are
// filled in by the script.
var stationWords = map[string][2]string{
	"title":          {"soko 梱包ステーション", "soko packing station"},
	"heading":        {"検品・梱包", "Inspect & pack"},
	"signout":        {"ログアウト", "Sign out"},
	"badge":          {"バッジ", "Badge"},
	"pin":            {"PIN", "PIN"},
	"sign_in":        {"ログイン", "Sign in"},
	"scan":           {"スキャン", "Scan"},
	"item":           {"商品", "Item"},
	"inspected":      {"検品", "Scanned"},
	"quantity":       {"数量", "Ordered"},
	"gift":           {"ギフト", "Gift"},
	"idle":           {"注文番号（ピッキングリスト・納品書のバーコード）またはトートをスキャンしてください", "Scan an order number (pick list or slip barcode) or a tote"},
	"done":           {"検品完了", "Inspected"},
	"packed_banner":  {"梱包済", "Packed"},
	"pack":           {"梱包", "Pack"},
	"parcel":         {"個口", "Parcel"},
	"box":            {"箱", "Box"},
	"recommended":    {"おすすめ", "Suggested"},
	"expected":       {"想定重量", "Expected"},
	"weight":         {"重量 (g)", "Weight (g)"},
	"add_parcel":     {"＋個口を追加", "+ Add a parcel"},
	"remove":         {"削除", "Remove"},
	"pack_confirm":   {"梱包確定", "Confirm packing"},
	"confirm_weight": {"重量を確認して確定", "Weight checked: confirm"},
	"print":          {"送り状・納品書を印刷", "Print labels and slip"},
	"label_failed":   {"送り状を発行できません（納品書のみ印刷）：", "Cannot label (printing the slip only): "},
	"slip_size":      {"用紙", "Paper"},
	"open_slip":      {"納品書を開く", "Open the packing slip"},
	"open_labels":    {"送り状を開く", "Open the shipping labels"},
	"reset":          {"検品リセット", "Reset inspection"},
	"checklist":      {"ギフト・同梱物の確認", "Gift and insert checklist"},
	"set_of":         {"セット：{set}", "Set: {set}"},

	"offline":        {"通信できません。ネットワークを確認してください", "No connection: check the network"},
	"failed":         {"エラーが発生しました（{status}）", "Something went wrong ({status})"},
	"late":           {"【保存分】", "[saved scan] "},
	"expired":        {"ログインが切れました。もう一度ログインしてください（未送信のスキャンはログイン後に送ります）", "Signed out: sign in again (saved scans are sent after sign-in)"},
	"scan_badge":     {"バッジをスキャンしてください", "Scan your badge"},
	"enter_pin":      {"PINを入力してください", "Enter your PIN"},
	"welcome":        {"{name} さん、お疲れさまです", "Hello, {name}"},
	"no_pack":        {"この役割では梱包ステーションを使えません", "This role cannot use the packing station"},
	"signed_out":     {"ログアウトしました", "Signed out"},
	"signout_unsent": {"未送信のスキャンが{n}件あります。もう一度押すとログアウトします", "{n} scans not sent yet. Press again to sign out"},
	"scan_order":     {"注文番号またはトートをスキャン", "Scan an order or a tote"},
	"scan_items":     {"商品を1点ずつスキャン", "Scan every unit"},
	"weigh":          {"箱を確認し、重量を入力して梱包確定", "Check the box, weigh it and confirm"},
	"next_order":     {"次の注文をスキャンしてください", "Scan the next order"},
	"opened":         {"注文 {no} を開きました", "Order {no} open"},
	"already_open":   {"注文 {no} は検品中です。商品をスキャンしてください", "Order {no} is open: scan its items"},
	"not_ready":      {"注文 {no} は「{status}」のため検品できません", "Order {no} is {status}: it cannot be inspected"},
	"inspected_scan": {"検品は完了しています。箱と重量を確認して梱包を確定してください", "Already inspected: check the box and weight, then confirm"},
	"progress":       {"検品 {got}/{want}", "Scanned {got}/{want}"},
	"enter_weight":   {"{n}個口目の重量を g で入力してください", "Enter parcel {n}'s weight in grams"},
	"choose_box":     {"{n}個口目の箱を選んでください", "Choose parcel {n}'s box"},
	"box_set":        {"{n}個口目の箱：{box}", "Parcel {n}: {box}"},
	"no_box":         {"入る箱がありません。箱を選んでください", "No box fits: choose one"},
	"packed":         {"注文 {no} を梱包しました（{n}個口）", "Order {no} packed ({n} parcels)"},
	"slip_opened":    {"送り状・納品書を開きました。印刷してください", "Labels and slip opened: print them"},
	"slip_printing":  {"送り状・納品書を印刷します", "Printing labels and slip"},
	"slip_blocked":   {"ポップアップがブロックされました。「納品書を開く」を押してください", "The pop-up was blocked: press “Open the packing slip”"},
	"print_failed":   {"納品書を印刷できません：", "Cannot print the packing slip: "},
	"reset_confirm":  {"もう一度押すと {no} の検品をやり直します", "Press again to start {no}'s inspection over"},
	"reset_done":     {"注文 {no} の検品をリセットしました", "Inspection of {no} reset"},
	"grams":          {"{n} g", "{n} g"},
	"check_all":      {"ギフト・同梱物の確認が済んでいません：{items}", "Confirm the gift and insert checklist first: {items}"},

	"status_received":         {"受注", "received"},
	"status_backordered":      {"入荷待ち", "backordered"},
	"status_allocated":        {"引当済", "allocated"},
	"status_picking":          {"ピッキング中", "picking"},
	"status_short":            {"欠品", "short"},
	"status_picked":           {"ピッキング済", "picked"},
	"status_inspected":        {"検品済", "inspected"},
	"status_packed":           {"梱包済", "packed"},
	"status_labeled":          {"送り状発行済", "labeled"},
	"status_shipped":          {"出荷済", "shipped"},
	"status_on_hold":          {"保留", "on hold"},
	"status_cancel_requested": {"キャンセル依頼", "cancel requested"},
	"status_cancelled":        {"キャンセル", "cancelled"},
}

// stationPage answers GET /station: the packing station page (sign-in,
// inspection, packing, labels and slip), a desktop page driven by a USB scanner.
func (s *Server) stationPage(c echo.Context) error {
	return s.renderFloorPage(c, "station", stationWords)
}
