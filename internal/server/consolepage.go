package server

import "net/http"

// consoleWords are every word the supervisor console shows, in Japanese and
// English, held like stationWords: the template prints the fixed ones and
// console.js gets all of them, filling {name}-style holes itself. Each
// section of the console keeps its words together, so a new section adds
// a block.
var consoleWords = map[string][2]string{
	"title":           {"soko 管理コンソール", "soko console"},
	"heading":         {"管理コンソール", "Console"},
	"signout":         {"ログアウト", "Sign out"},
	"badge":           {"バッジ", "Badge"},
	"pin":             {"PIN", "PIN"},
	"sign_in":         {"ログイン", "Sign in"},
	"sections":        {"メニュー", "Sections"},
	"carrier":         {"配送会社", "Carrier"},
	"service":         {"サービス", "Service"},
	"row":             {"行", "Row"},
	"order":           {"注文", "Order"},
	"field":           {"項目", "Field"},
	"message":         {"内容", "Problem"},
	"problems":        {"問題のある行", "Rows with problems"},
	"any":             {"すべて", "any"},
	"optional":        {"任意", "optional"},
	"manifests":       {"集荷", "Pickups"},
	"manifests_help":  {"運送会社ごとの集荷（荷渡し）。締めた集荷の集荷明細を再印刷できます。未集荷の荷物は確認者とともに記録されます", "Carrier pickups. Reprint a closed pickup's handover list; parcels left behind are recorded with who confirmed it"},
	"pickup":          {"集荷日時", "Pickup"},
	"status":          {"状態", "Status"},
	"loaded":          {"積込", "Loaded"},
	"missing":         {"未集荷", "Missing"},
	"no_manifests":    {"集荷はまだありません", "No pickups yet"},
	"st_open":         {"受付中", "open"},
	"st_closed":       {"締め済み", "closed"},
	"reprint":         {"集荷明細", "Handover list"},
	"show_missing":    {"未集荷を見る", "Missing parcels"},
	"missing_of":      {"集荷 #{id} の未集荷", "Missing from pickup #{id}"},
	"tracking":        {"送り状番号", "Tracking number"},
	"merchant":        {"荷主", "Merchant"},
	"prefecture":      {"都道府県", "Prefecture"},
	"deliveries":      {"通知", "Notifications"},
	"deliveries_help": {"お客様への発送完了メールと荷主へのWebhook。失敗した通知は24時間以上再送され、その後「停止」になります。停止した通知は再送できます", "Shipment emails to customers and webhooks to merchants. Failed ones are retried for at least 24 hours, then stopped (dead); send a dead one again here"},
	"channel":         {"種類", "Channel"},
	"ch_email":        {"メール", "email"},
	"ch_webhook":      {"Webhook", "webhook"},
	"event":           {"イベント", "Event"},
	"attempts":        {"試行", "Attempts"},
	"last_error":      {"最後のエラー", "Last error"},
	"st_pending":      {"送信待ち", "pending"},
	"st_delivered":    {"送信済み", "delivered"},
	"st_dead":         {"停止", "dead"},
	"show":            {"表示", "Show"},
	"no_deliveries":   {"該当する通知はありません", "No notifications"},
	"redeliver":       {"再送", "Send again"},
	"redelivered":     {"通知 #{id} を再送待ちにしました", "Notification #{id} will be sent again now"},
	"email":           {"発送完了メール", "Shipment email"},
	"email_notices":   {"配達完了・不在のお知らせメールも送る（配送会社の配達状況が届いたとき）", "Also send delivered and recipient-absent notices (when the carrier reports them)"},
	"email_help":      {"荷主ごとのお客様向けメールのひな形です。空欄は標準の文面を使います。プレビューで見本の注文に当てはめて確認できます", "Each merchant's email to its customers. Empty parts use the standard text. Preview renders it for a sample order"},
	"subject":         {"件名", "Subject"},
	"body":            {"本文", "Body"},
	"preview":         {"プレビュー", "Preview"},
	"use_default":     {"標準の文面を入れる", "Fill in the standard text"},
	"save":            {"保存", "Save"},
	"saved":           {"保存しました", "Saved"},
	"placeholders":    {"使える差し込み項目", "Placeholders"},
	"no_merchants":    {"荷主が登録されていません", "No merchants"},
	"yamato":          {"ヤマト運輸", "Yamato"},
	"sagawa":          {"佐川急便", "Sagawa"},
	"japanpost":       {"日本郵便", "Japan Post"},

	"ranges":         {"送り状番号帯", "Tracking-number ranges"},
	"ranges_help":    {"配送会社から割り当てられた伝票番号の範囲（チェックデジットを除く11桁）を登録します。", "Register the ranges of tracking numbers the carriers gave you (11 digits, without the check digit)."},
	"first":          {"開始番号", "First"},
	"last":           {"終了番号", "Last"},
	"next":           {"次の番号", "Next"},
	"remaining":      {"残り", "Left"},
	"nearly_used_up": {"残りわずか", "Nearly used up"},
	"no_ranges":      {"番号帯はまだ登録されていません", "No ranges yet"},
	"add_range":      {"番号帯を登録", "Register the range"},
	"range_added":    {"{carrier}の番号帯を登録しました（{n}件）", "{carrier} range registered ({n} numbers)"},
	"eleven_digits":  {"開始番号と終了番号は11桁の数字で入力してください", "Enter the first and last numbers as 11 digits"},
	"export":         {"送り状データ出力", "Carrier export"},
	"export_help":    {"梱包済みの荷物を配送会社のソフト（B2クラウド・e飛伝Ⅲ・ゆうプリR）に取り込むCSV（Shift_JIS）を作ります。", "Make the CSV (Shift_JIS) that the carrier's software (B2 Cloud, e-Hiden III, Yu-Pri R) imports for the packed parcels."},
	"export_button":  {"CSVを作成", "Make the CSV"},
	"exported":       {"{n}件の送り状データを作成しました", "{n} parcels in the file"},
	"nothing":        {"出力する荷物はありません", "No parcels to export"},
	"download":       {"ダウンロード：", "Download: "},
	"import":         {"発行済み番号の取込", "Import issued numbers"},
	"import_help":    {"配送会社のソフトが発行した伝票番号のCSV（Shift_JIS または UTF-8）を取り込み、荷物に番号を付けます。まずプレビューで全行を確認し、問題が1つもないときだけ取り込めます。取込はファイル単位で全件か0件かのどちらかです。伝票番号は配送会社をまたいで1つの荷物にしか付けられません。", "Import the CSV of tracking numbers the carrier's software issued (Shift_JIS or UTF-8) and attach them to the parcels. Preview checks every row first; only a file without problems can be imported, and a file is imported whole or not at all. A tracking number goes on one parcel only, whatever the carrier."},
	"file":           {"CSVファイル", "CSV file"},
	"import_preview": {"プレビュー", "Preview"},
	"status_import":  {"配達状況の取込", "Delivery status import"},
	"status_import_help": {"配送会社の追跡結果などを、伝票番号・状態・日時・場所の列を持つCSV（UTF-8 または Shift_JIS）で取り込みます。状態は 配達完了・持戻り・保管中 など配送会社の表記のままで構いません。問題が1件でもあれば何も取り込みません。同じ荷物・状態・日時の行は一度だけ記録します。",
		"Import carriers' tracking results as a CSV (UTF-8 or Shift_JIS) with the columns tracking number, status, time and place. Statuses may be in the carrier's words (配達完了, 持戻り, 保管中 …). A file with any problem imports nothing; the same parcel, status and time is recorded once."},
	"status_import_button": {"取り込む", "Import"},
	"status_imported":      {"{rows}行のうち{recorded}件を記録しました（記録済み{duplicates}件、状況が変わった荷物{changed}個）", "Recorded {recorded} of {rows} lines ({duplicates} already known; {changed} parcels changed status)"},
	"import_button":        {"取り込む", "Import"},
	"choose_file":          {"CSVファイルを選んでください", "Choose a CSV file"},
	"imported":             {"{n}件の伝票番号を取り込みました", "{n} tracking numbers attached"},
	"import_summary":       {"伝票番号 {numbers}件：新たに付ける {attach}件・付与済み {unchanged}件", "{numbers} tracking numbers: {attach} to attach, {unchanged} attached already"},
	"import_ok":            {"問題はありません。「取り込む」で{n}件の伝票番号を付けます", "No problems: Import attaches {n} tracking numbers"},
	"import_same":          {"すべて付与済みです。取り込んでも変わりません", "Every number is attached already: importing changes nothing"},
	"import_bad":           {"{n}件の問題があります。このファイルは取り込めません。直してからもう一度プレビューしてください", "{n} problems: this file cannot be imported. Fix it and preview it again"},
	"import_refused":       {"取り込めませんでした。{n}件の問題があります（伝票番号を1件も付けていません）", "Not imported: {n} problems (no tracking number was attached)"},
	"import_rows":          {"伝票番号（先頭100件）", "Tracking numbers (first 100)"},
	"management_no":        {"お客様管理番号", "Management no."},
	"tracking_no":          {"伝票番号", "Tracking no."},
	"import_state":         {"取込", "Import"},
	"imp_new":              {"新規", "new"},
	"imp_unchanged":        {"付与済み", "attached"},
	"imp_problem":          {"問題あり", "problem"},
	"labeled_orders":       {"送り状発行済になった注文：", "Orders now labeled: "},

	"waves":         {"ウェーブ", "Waves"},
	"waves_help":    {"引当済の注文をまとめてウェーブを発行し、ピッキング作業を作ります。空欄の条件は問いません。", "Release a wave of allocated orders and make their pick tasks. Conditions left empty are not applied."},
	"all_carriers":  {"すべて", "All"},
	"cut_off":       {"締め時刻", "Cut-off"},
	"priority":      {"優先度（0〜9）", "Priority (0–9)"},
	"max_orders":    {"最大注文数", "Max orders"},
	"max_units":     {"最大点数", "Max units"},
	"mode":          {"方式", "Mode"},
	"mode_batch":    {"バッチ（まとめて）", "Batch"},
	"mode_single":   {"シングル（1件ずつ）", "Single"},
	"release_wave":  {"ウェーブを発行", "Release the wave"},
	"wave_released": {"ウェーブ {wave} を発行しました（注文 {orders}件・作業 {tasks}件）", "Wave {wave} released ({orders} orders, {tasks} tasks)"},
	"whole_number":  {"数値は0以上の整数で入力してください", "Enter whole numbers"},
	"bad_cut_off":   {"締め時刻が正しくありません", "The cut-off is not a valid time"},

	"offline":    {"通信できません。ネットワークを確認してください", "No connection: check the network"},
	"failed":     {"エラーが発生しました（{status}）", "Something went wrong ({status})"},
	"expired":    {"ログインが切れました。もう一度ログインしてください", "Signed out: sign in again"},
	"welcome":    {"{name} さん、お疲れさまです", "Hello, {name}"},
	"denied":     {"権限がありません。管理コンソールは監督者・管理者のみ使えます", "Not allowed: the console is for supervisors and admins"},
	"signed_out": {"ログアウトしました", "Signed out"},
	"working":    {"処理中…", "Working…"},
}

// consolePage answers GET /console: the supervisor console, a desktop page
// whose sections (tracking-number ranges, the carrier CSV export, the
// import of issued numbers, the release of a wave) are thin clients of the
// /ops API. Like the station, console.html is a whole document with only
// its own CSS and script.
func (s *Server) consolePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderFloorPage(w, r, "console", allConsoleWords)
}

// allConsoleWords are the words of every console section, each section's
// kept in its own file beside its handlers (consoleOrderWords in
// consoleorders.go, …).
var allConsoleWords = mergeWords(consoleWords, dashboardWords, shipDateWords, consoleOrderWords, consolidationWords, orderImportWords, adminWords, auditWords, replenishWords, consoleReturnsWords, consoleKittingWords, billingWords, portalUserWords)

// mergeWords joins word tables; a key two tables define is a programming
// mistake, caught when the server starts (and by every test).
func mergeWords(tables ...map[string][2]string) map[string][2]string {
	out := map[string][2]string{}
	for _, t := range tables {
		for k, v := range t {
			if old, ok := out[k]; ok && old != v {
				panic("console word " + k + " is defined twice, differently")
			}
			out[k] = v
		}
	}
	return out
}
