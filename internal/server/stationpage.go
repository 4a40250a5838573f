package server

import (
	"net/http"

	"github.com/soko-wms/soko/internal/soko"
)

// stationWords are every word the packing station page shows, in Japanese
// and English: the template prints the fixed ones and hands all of them to
// station.js, so one table holds the page's words. {name}-style holes are
// filled in by the script.
var stationWords = map[string]soko.Text{
	"title":          {JA: "soko 梱包ステーション", EN: "soko packing station"},
	"heading":        {JA: "検品・梱包", EN: "Inspect & pack"},
	"signout":        {JA: "ログアウト", EN: "Sign out"},
	"badge":          {JA: "バッジ", EN: "Badge"},
	"pin":            {JA: "PIN", EN: "PIN"},
	"sign_in":        {JA: "ログイン", EN: "Sign in"},
	"scan":           {JA: "スキャン", EN: "Scan"},
	"item":           {JA: "商品", EN: "Item"},
	"inspected":      {JA: "検品", EN: "Scanned"},
	"quantity":       {JA: "数量", EN: "Ordered"},
	"gift":           {JA: "ギフト", EN: "Gift"},
	"idle":           {JA: "注文番号（ピッキングリスト・納品書のバーコード）またはトートをスキャンしてください", EN: "Scan an order number (pick list or slip barcode) or a tote"},
	"done":           {JA: "検品完了", EN: "Inspected"},
	"packed_banner":  {JA: "梱包済", EN: "Packed"},
	"pack":           {JA: "梱包", EN: "Pack"},
	"parcel":         {JA: "個口", EN: "Parcel"},
	"box":            {JA: "箱", EN: "Box"},
	"recommended":    {JA: "おすすめ", EN: "Suggested"},
	"expected":       {JA: "想定重量", EN: "Expected"},
	"weight":         {JA: "重量 (g)", EN: "Weight (g)"},
	"add_parcel":     {JA: "＋個口を追加", EN: "+ Add a parcel"},
	"remove":         {JA: "削除", EN: "Remove"},
	"pack_confirm":   {JA: "梱包確定", EN: "Confirm packing"},
	"confirm_weight": {JA: "重量を確認して確定", EN: "Weight checked: confirm"},
	"print":          {JA: "送り状・納品書を印刷", EN: "Print labels and slip"},
	"label_failed":   {JA: "送り状を発行できません（納品書のみ印刷）：", EN: "Cannot label (printing the slip only): "},
	"slip_size":      {JA: "用紙", EN: "Paper"},
	"open_slip":      {JA: "納品書を開く", EN: "Open the packing slip"},
	"open_labels":    {JA: "送り状を開く", EN: "Open the shipping labels"},
	"reset":          {JA: "検品リセット", EN: "Reset inspection"},
	"checklist":      {JA: "ギフト・同梱物の確認", EN: "Gift and insert checklist"},
	"set_of":         {JA: "セット：{set}", EN: "Set: {set}"},

	"offline":        {JA: "通信できません。ネットワークを確認してください", EN: "No connection: check the network"},
	"failed":         {JA: "エラーが発生しました（{status}）", EN: "Something went wrong ({status})"},
	"late":           {JA: "【保存分】", EN: "[saved scan] "},
	"expired":        {JA: "ログインが切れました。もう一度ログインしてください（未送信のスキャンはログイン後に送ります）", EN: "Signed out: sign in again (saved scans are sent after sign-in)"},
	"scan_badge":     {JA: "バッジをスキャンしてください", EN: "Scan your badge"},
	"enter_pin":      {JA: "PINを入力してください", EN: "Enter your PIN"},
	"welcome":        {JA: "{name} さん、お疲れさまです", EN: "Hello, {name}"},
	"no_pack":        {JA: "この役割では梱包ステーションを使えません", EN: "This role cannot use the packing station"},
	"signed_out":     {JA: "ログアウトしました", EN: "Signed out"},
	"signout_unsent": {JA: "未送信のスキャンが{n}件あります。もう一度押すとログアウトします", EN: "{n} scans not sent yet. Press again to sign out"},
	"scan_order":     {JA: "注文番号またはトートをスキャン", EN: "Scan an order or a tote"},
	"scan_items":     {JA: "商品を1点ずつスキャン", EN: "Scan every unit"},
	"weigh":          {JA: "箱を確認し、重量を入力して梱包確定", EN: "Check the box, weigh it and confirm"},
	"next_order":     {JA: "次の注文をスキャンしてください", EN: "Scan the next order"},
	"opened":         {JA: "注文 {no} を開きました", EN: "Order {no} open"},
	"already_open":   {JA: "注文 {no} は検品中です。商品をスキャンしてください", EN: "Order {no} is open: scan its items"},
	"not_ready":      {JA: "注文 {no} は「{status}」のため検品できません", EN: "Order {no} is {status}: it cannot be inspected"},
	"inspected_scan": {JA: "検品は完了しています。箱と重量を確認して梱包を確定してください", EN: "Already inspected: check the box and weight, then confirm"},
	"progress":       {JA: "検品 {got}/{want}", EN: "Scanned {got}/{want}"},
	"enter_weight":   {JA: "{n}個口目の重量を g で入力してください", EN: "Enter parcel {n}'s weight in grams"},
	"choose_box":     {JA: "{n}個口目の箱を選んでください", EN: "Choose parcel {n}'s box"},
	"box_set":        {JA: "{n}個口目の箱：{box}", EN: "Parcel {n}: {box}"},
	"no_box":         {JA: "入る箱がありません。箱を選んでください", EN: "No box fits: choose one"},
	"packed":         {JA: "注文 {no} を梱包しました（{n}個口）", EN: "Order {no} packed ({n} parcels)"},
	"slip_opened":    {JA: "送り状・納品書を開きました。印刷してください", EN: "Labels and slip opened: print them"},
	"slip_printing":  {JA: "送り状・納品書を印刷します", EN: "Printing labels and slip"},
	"slip_blocked":   {JA: "ポップアップがブロックされました。「納品書を開く」を押してください", EN: "The pop-up was blocked: press “Open the packing slip”"},
	"print_failed":   {JA: "納品書を印刷できません：", EN: "Cannot print the packing slip: "},
	"reset_confirm":  {JA: "もう一度押すと {no} の検品をやり直します", EN: "Press again to start {no}'s inspection over"},
	"reset_done":     {JA: "注文 {no} の検品をリセットしました", EN: "Inspection of {no} reset"},
	"grams":          {JA: "{n} g", EN: "{n} g"},
	"check_all":      {JA: "ギフト・同梱物の確認が済んでいません：{items}", EN: "Confirm the gift and insert checklist first: {items}"},

	"status_received":         {JA: "受注", EN: "received"},
	"status_backordered":      {JA: "入荷待ち", EN: "backordered"},
	"status_allocated":        {JA: "引当済", EN: "allocated"},
	"status_picking":          {JA: "ピッキング中", EN: "picking"},
	"status_short":            {JA: "欠品", EN: "short"},
	"status_picked":           {JA: "ピッキング済", EN: "picked"},
	"status_inspected":        {JA: "検品済", EN: "inspected"},
	"status_packed":           {JA: "梱包済", EN: "packed"},
	"status_labeled":          {JA: "送り状発行済", EN: "labeled"},
	"status_shipped":          {JA: "出荷済", EN: "shipped"},
	"status_on_hold":          {JA: "保留", EN: "on hold"},
	"status_cancel_requested": {JA: "キャンセル依頼", EN: "cancel requested"},
	"status_cancelled":        {JA: "キャンセル", EN: "cancelled"},
}

// stationPage answers GET /station: the packing station page (sign-in,
// inspection, packing, labels and slip), a desktop page driven by a USB scanner.
func (s *Server) stationPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderFloorPage(w, r, "station", stationWords)
}
