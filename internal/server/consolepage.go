package server

import (
	"net/http"

	"github.com/soko-wms/soko/internal/soko"
)

// consoleWords are every word the supervisor console shows, in Japanese and
// English, held like stationWords: the template prints the fixed ones and
// console.js gets all of them, filling {name}-style holes itself. Each
// section of the console keeps its words together, so a new section adds
// a block.
var consoleWords = map[string]soko.Text{
	"title":           {JA: "soko 管理コンソール", EN: "soko console"},
	"heading":         {JA: "管理コンソール", EN: "Console"},
	"signout":         {JA: "ログアウト", EN: "Sign out"},
	"badge":           {JA: "バッジ", EN: "Badge"},
	"pin":             {JA: "PIN", EN: "PIN"},
	"sign_in":         {JA: "ログイン", EN: "Sign in"},
	"sections":        {JA: "メニュー", EN: "Sections"},
	"carrier":         {JA: "配送会社", EN: "Carrier"},
	"service":         {JA: "サービス", EN: "Service"},
	"row":             {JA: "行", EN: "Row"},
	"order":           {JA: "注文", EN: "Order"},
	"field":           {JA: "項目", EN: "Field"},
	"message":         {JA: "内容", EN: "Problem"},
	"problems":        {JA: "問題のある行", EN: "Rows with problems"},
	"any":             {JA: "すべて", EN: "any"},
	"optional":        {JA: "任意", EN: "optional"},
	"manifests":       {JA: "集荷", EN: "Pickups"},
	"manifests_help":  {JA: "運送会社ごとの集荷（荷渡し）。締めた集荷の集荷明細を再印刷できます。未集荷の荷物は確認者とともに記録されます", EN: "Carrier pickups. Reprint a closed pickup's handover list; parcels left behind are recorded with who confirmed it"},
	"pickup":          {JA: "集荷日時", EN: "Pickup"},
	"status":          {JA: "状態", EN: "Status"},
	"loaded":          {JA: "積込", EN: "Loaded"},
	"missing":         {JA: "未集荷", EN: "Missing"},
	"no_manifests":    {JA: "集荷はまだありません", EN: "No pickups yet"},
	"st_open":         {JA: "受付中", EN: "open"},
	"st_closed":       {JA: "締め済み", EN: "closed"},
	"reprint":         {JA: "集荷明細", EN: "Handover list"},
	"show_missing":    {JA: "未集荷を見る", EN: "Missing parcels"},
	"missing_of":      {JA: "集荷 #{id} の未集荷", EN: "Missing from pickup #{id}"},
	"tracking":        {JA: "送り状番号", EN: "Tracking number"},
	"merchant":        {JA: "荷主", EN: "Merchant"},
	"prefecture":      {JA: "都道府県", EN: "Prefecture"},
	"deliveries":      {JA: "通知", EN: "Notifications"},
	"deliveries_help": {JA: "お客様への発送完了メールと荷主へのWebhook。失敗した通知は24時間以上再送され、その後「停止」になります。停止した通知は再送できます", EN: "Shipment emails to customers and webhooks to merchants. Failed ones are retried for at least 24 hours, then stopped (dead); send a dead one again here"},
	"channel":         {JA: "種類", EN: "Channel"},
	"ch_email":        {JA: "メール", EN: "email"},
	"ch_webhook":      {JA: "Webhook", EN: "webhook"},
	"event":           {JA: "イベント", EN: "Event"},
	"attempts":        {JA: "試行", EN: "Attempts"},
	"last_error":      {JA: "最後のエラー", EN: "Last error"},
	"st_pending":      {JA: "送信待ち", EN: "pending"},
	"st_delivered":    {JA: "送信済み", EN: "delivered"},
	"st_dead":         {JA: "停止", EN: "dead"},
	"show":            {JA: "表示", EN: "Show"},
	"no_deliveries":   {JA: "該当する通知はありません", EN: "No notifications"},
	"redeliver":       {JA: "再送", EN: "Send again"},
	"redelivered":     {JA: "通知 #{id} を再送待ちにしました", EN: "Notification #{id} will be sent again now"},
	"email":           {JA: "発送完了メール", EN: "Shipment email"},
	"email_notices":   {JA: "配達完了・不在のお知らせメールも送る（配送会社の配達状況が届いたとき）", EN: "Also send delivered and recipient-absent notices (when the carrier reports them)"},
	"email_help":      {JA: "荷主ごとのお客様向けメールのひな形です。空欄は標準の文面を使います。プレビューで見本の注文に当てはめて確認できます", EN: "Each merchant's email to its customers. Empty parts use the standard text. Preview renders it for a sample order"},
	"subject":         {JA: "件名", EN: "Subject"},
	"body":            {JA: "本文", EN: "Body"},
	"preview":         {JA: "プレビュー", EN: "Preview"},
	"use_default":     {JA: "標準の文面を入れる", EN: "Fill in the standard text"},
	"save":            {JA: "保存", EN: "Save"},
	"saved":           {JA: "保存しました", EN: "Saved"},
	"placeholders":    {JA: "使える差し込み項目", EN: "Placeholders"},
	"no_merchants":    {JA: "荷主が登録されていません", EN: "No merchants"},
	"yamato":          {JA: "ヤマト運輸", EN: "Yamato"},
	"sagawa":          {JA: "佐川急便", EN: "Sagawa"},
	"japanpost":       {JA: "日本郵便", EN: "Japan Post"},

	"ranges":         {JA: "送り状番号帯", EN: "Tracking-number ranges"},
	"ranges_help":    {JA: "配送会社から割り当てられた伝票番号の範囲（チェックデジットを除く11桁）を登録します。", EN: "Register the ranges of tracking numbers the carriers gave you (11 digits, without the check digit)."},
	"first":          {JA: "開始番号", EN: "First"},
	"last":           {JA: "終了番号", EN: "Last"},
	"next":           {JA: "次の番号", EN: "Next"},
	"remaining":      {JA: "残り", EN: "Left"},
	"nearly_used_up": {JA: "残りわずか", EN: "Nearly used up"},
	"no_ranges":      {JA: "番号帯はまだ登録されていません", EN: "No ranges yet"},
	"add_range":      {JA: "番号帯を登録", EN: "Register the range"},
	"range_added":    {JA: "{carrier}の番号帯を登録しました（{n}件）", EN: "{carrier} range registered ({n} numbers)"},
	"eleven_digits":  {JA: "開始番号と終了番号は11桁の数字で入力してください", EN: "Enter the first and last numbers as 11 digits"},
	"export":         {JA: "送り状データ出力", EN: "Carrier export"},
	"export_help":    {JA: "梱包済みの荷物を配送会社のソフト（B2クラウド・e飛伝Ⅲ・ゆうプリR）に取り込むCSV（Shift_JIS）を作ります。", EN: "Make the CSV (Shift_JIS) that the carrier's software (B2 Cloud, e-Hiden III, Yu-Pri R) imports for the packed parcels."},
	"export_button":  {JA: "CSVを作成", EN: "Make the CSV"},
	"exported":       {JA: "{n}件の送り状データを作成しました", EN: "{n} parcels in the file"},
	"nothing":        {JA: "出力する荷物はありません", EN: "No parcels to export"},
	"download":       {JA: "ダウンロード：", EN: "Download: "},
	"import":         {JA: "発行済み番号の取込", EN: "Import issued numbers"},
	"import_help":    {JA: "配送会社のソフトが発行した伝票番号のCSV（Shift_JIS または UTF-8）を取り込み、荷物に番号を付けます。まずプレビューで全行を確認し、問題が1つもないときだけ取り込めます。取込はファイル単位で全件か0件かのどちらかです。伝票番号は配送会社をまたいで1つの荷物にしか付けられません。", EN: "Import the CSV of tracking numbers the carrier's software issued (Shift_JIS or UTF-8) and attach them to the parcels. Preview checks every row first; only a file without problems can be imported, and a file is imported whole or not at all. A tracking number goes on one parcel only, whatever the carrier."},
	"file":           {JA: "CSVファイル", EN: "CSV file"},
	"import_preview": {JA: "プレビュー", EN: "Preview"},
	"status_import":  {JA: "配達状況の取込", EN: "Delivery status import"},
	"status_import_help": {JA: "配送会社の追跡結果などを、伝票番号・状態・日時・場所の列を持つCSV（UTF-8 または Shift_JIS）で取り込みます。状態は 配達完了・持戻り・保管中 など配送会社の表記のままで構いません。問題が1件でもあれば何も取り込みません。同じ荷物・状態・日時の行は一度だけ記録します。",
		EN: "Import carriers' tracking results as a CSV (UTF-8 or Shift_JIS) with the columns tracking number, status, time and place. Statuses may be in the carrier's words (配達完了, 持戻り, 保管中 …). A file with any problem imports nothing; the same parcel, status and time is recorded once."},
	"status_import_button": {JA: "取り込む", EN: "Import"},
	"status_imported":      {JA: "{rows}行のうち{recorded}件を記録しました（記録済み{duplicates}件、状況が変わった荷物{changed}個）", EN: "Recorded {recorded} of {rows} lines ({duplicates} already known; {changed} parcels changed status)"},
	"import_button":        {JA: "取り込む", EN: "Import"},
	"choose_file":          {JA: "CSVファイルを選んでください", EN: "Choose a CSV file"},
	"imported":             {JA: "{n}件の伝票番号を取り込みました", EN: "{n} tracking numbers attached"},
	"import_summary":       {JA: "伝票番号 {numbers}件：新たに付ける {attach}件・付与済み {unchanged}件", EN: "{numbers} tracking numbers: {attach} to attach, {unchanged} attached already"},
	"import_ok":            {JA: "問題はありません。「取り込む」で{n}件の伝票番号を付けます", EN: "No problems: Import attaches {n} tracking numbers"},
	"import_same":          {JA: "すべて付与済みです。取り込んでも変わりません", EN: "Every number is attached already: importing changes nothing"},
	"import_bad":           {JA: "{n}件の問題があります。このファイルは取り込めません。直してからもう一度プレビューしてください", EN: "{n} problems: this file cannot be imported. Fix it and preview it again"},
	"import_refused":       {JA: "取り込めませんでした。{n}件の問題があります（伝票番号を1件も付けていません）", EN: "Not imported: {n} problems (no tracking number was attached)"},
	"import_rows":          {JA: "伝票番号（先頭100件）", EN: "Tracking numbers (first 100)"},
	"management_no":        {JA: "お客様管理番号", EN: "Management no."},
	"tracking_no":          {JA: "伝票番号", EN: "Tracking no."},
	"import_state":         {JA: "取込", EN: "Import"},
	"imp_new":              {JA: "新規", EN: "new"},
	"imp_unchanged":        {JA: "付与済み", EN: "attached"},
	"imp_problem":          {JA: "問題あり", EN: "problem"},
	"labeled_orders":       {JA: "送り状発行済になった注文：", EN: "Orders now labeled: "},

	"waves":         {JA: "ウェーブ", EN: "Waves"},
	"waves_help":    {JA: "引当済の注文をまとめてウェーブを発行し、ピッキング作業を作ります。空欄の条件は問いません。", EN: "Release a wave of allocated orders and make their pick tasks. Conditions left empty are not applied."},
	"all_carriers":  {JA: "すべて", EN: "All"},
	"cut_off":       {JA: "締め時刻", EN: "Cut-off"},
	"priority":      {JA: "優先度（0〜9）", EN: "Priority (0–9)"},
	"max_orders":    {JA: "最大注文数", EN: "Max orders"},
	"max_units":     {JA: "最大点数", EN: "Max units"},
	"mode":          {JA: "方式", EN: "Mode"},
	"mode_batch":    {JA: "バッチ（まとめて）", EN: "Batch"},
	"mode_single":   {JA: "シングル（1件ずつ）", EN: "Single"},
	"release_wave":  {JA: "ウェーブを発行", EN: "Release the wave"},
	"wave_released": {JA: "ウェーブ {wave} を発行しました（注文 {orders}件・作業 {tasks}件）", EN: "Wave {wave} released ({orders} orders, {tasks} tasks)"},
	"whole_number":  {JA: "数値は0以上の整数で入力してください", EN: "Enter whole numbers"},
	"bad_cut_off":   {JA: "締め時刻が正しくありません", EN: "The cut-off is not a valid time"},

	"offline":    {JA: "通信できません。ネットワークを確認してください", EN: "No connection: check the network"},
	"failed":     {JA: "エラーが発生しました（{status}）", EN: "Something went wrong ({status})"},
	"expired":    {JA: "ログインが切れました。もう一度ログインしてください", EN: "Signed out: sign in again"},
	"welcome":    {JA: "{name} さん、お疲れさまです", EN: "Hello, {name}"},
	"denied":     {JA: "権限がありません。管理コンソールは監督者・管理者のみ使えます", EN: "Not allowed: the console is for supervisors and admins"},
	"signed_out": {JA: "ログアウトしました", EN: "Signed out"},
	"working":    {JA: "処理中…", EN: "Working…"},
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
func mergeWords(tables ...map[string]soko.Text) map[string]soko.Text {
	out := map[string]soko.Text{}
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
