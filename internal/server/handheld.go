package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/soko-wms/soko/internal/soko"
)

// handheldWords are every word the handheld page shows, in Japanese and
// English: the template prints the fixed ones and hands all of them to
// hh.js, so one table holds the page's words. {name}-style holes are
// filled in by the script.
var handheldWords = mergeWords(scannerWords, map[string]soko.Text{
	"title":         {JA: "soko ハンディ", EN: "soko handheld"},
	"menu":          {JA: "メニュー", EN: "Menu"},
	"signout":       {JA: "ログアウト", EN: "Sign out"},
	"badge":         {JA: "バッジ", EN: "Badge"},
	"pin":           {JA: "PIN", EN: "PIN"},
	"sign_in":       {JA: "ログイン", EN: "Sign in"},
	"view_login":    {JA: "ログイン", EN: "Sign in"},
	"view_menu":     {JA: "メニュー", EN: "Menu"},
	"view_receive":  {JA: "入荷", EN: "Receive"},
	"view_putaway":  {JA: "棚入れ", EN: "Put away"},
	"view_count":    {JA: "棚卸", EN: "Count"},
	"view_pick":     {JA: "ピッキング", EN: "Pick"},
	"view_kit":      {JA: "キッティング", EN: "Kitting"},
	"view_handover": {JA: "集荷（荷渡し）", EN: "Dock handover"},
	"view_returns":  {JA: "返品受付", EN: "Returns"},
	"pk_short":      {JA: "欠品報告", EN: "Report short"},
	"pk_found":      {JA: "実際にあった数", EN: "Units really there"},
	"pk_report":     {JA: "報告する", EN: "Report"},
	"pk_end":        {JA: "ピッキング完了", EN: "Nothing left to pick"},
	"no_menus":      {JA: "この役割で使えるハンディのメニューはありません", EN: "This role has no handheld menus"},
	"no_asn":        {JA: "予定なし入荷", EN: "Receive without an inbound"},
	"lot":           {JA: "ロット", EN: "Lot"},
	"expiry":        {JA: "賞味期限", EN: "Expiry"},
	"expiry_hint":   {JA: "例 20271231", EN: "e.g. 20271231"},
	"resend":        {JA: "入力して登録", EN: "Receive with these"},
	"cancel":        {JA: "取消", EN: "Cancel"},
	"quantity":      {JA: "数量", EN: "Quantity"},
	"item":          {JA: "商品", EN: "Item"},
	"expected":      {JA: "予定", EN: "Expected"},
	"received":      {JA: "入荷", EN: "Received"},
	"finish":        {JA: "入荷完了", EN: "Finish receiving"},
	"done":          {JA: "終了", EN: "Done"},
	"counted":       {JA: "実数", EN: "Counted"},
	"before":        {JA: "帳簿", EN: "Book"},
	"difference":    {JA: "差異", EN: "Difference"},
	"ct_empty":      {JA: "商品をスキャンしてください", EN: "Scan every item here"},
	"ct_submit":     {JA: "棚卸を確定", EN: "Submit count"},
	"ct_result":     {JA: "棚卸結果", EN: "Count result"},

	"expired":          {JA: "ログインが切れました。もう一度ログインしてください（未送信のスキャンはログイン後に送ります）", EN: "Signed out: sign in again (saved scans are sent after sign-in)"},
	"scan_badge":       {JA: "バッジをスキャンしてください", EN: "Scan your badge"},
	"enter_pin":        {JA: "PINを入力してください", EN: "Enter your PIN"},
	"welcome":          {JA: "{name} さん、お疲れさまです", EN: "Hello, {name}"},
	"signed_out":       {JA: "ログアウトしました", EN: "Signed out"},
	"signout_pending":  {JA: "未送信のスキャンが{n}件あります。もう一度押すとログアウトします", EN: "{n} scans not sent yet. Press again to sign out"},
	"choose_menu":      {JA: "メニューを選んでください", EN: "Choose a menu"},
	"choose_inbound":   {JA: "入荷予定を選んでください", EN: "Choose an inbound"},
	"loading":          {JA: "読み込み中…", EN: "Loading…"},
	"no_inbounds":      {JA: "入荷予定はありません", EN: "No inbounds to receive"},
	"no_asn_title":     {JA: "予定なし入荷：{merchant}", EN: "Without inbound: {merchant}"},
	"total":            {JA: "合計 {got}/{want}", EN: "Total {got}/{want}"},
	"scan_item":        {JA: "商品をスキャンしてください", EN: "Scan an item"},
	"enter_lot":        {JA: "ロット・賞味期限を入力してください", EN: "Enter the lot and expiry"},
	"bad_expiry":       {JA: "賞味期限は 20271231 の形で入力してください", EN: "Enter the expiry as 20271231"},
	"finish_confirm":   {JA: "もう一度押すと {no} を入荷完了にします", EN: "Press again to finish {no}"},
	"finish_pending":   {JA: "未送信のスキャンが{n}件あります。送信されてから完了してください", EN: "{n} scans not sent yet: finish after they are sent"},
	"finished":         {JA: "{no} を入荷完了にしました", EN: "{no} received"},
	"offline_item":     {JA: "通信できません。商品は未確認のまま棚をスキャンしてください", EN: "No connection: scan the shelf; the item is checked when sent"},
	"pa_item":          {JA: "{name} ×{n}：棚をスキャンしてください", EN: "{name} ×{n}: scan the shelf"},
	"scan_shelf":       {JA: "棚入れ先の棚をスキャンしてください", EN: "Scan the destination shelf"},
	"scan_location":    {JA: "棚卸するロケーションをスキャンしてください", EN: "Scan the location to count"},
	"offline_location": {JA: "通信できません。ロケーションは未確認です", EN: "No connection: location not checked"},
	"ct_location":      {JA: "{loc} の棚卸を開始", EN: "Counting {loc}"},
	"ct_same_location": {JA: "このロケーションは棚卸中です。商品をスキャンしてください", EN: "Already counting this location: scan its items"},
	"ct_added":         {JA: "{name} +{n}（計 {total}）", EN: "{name} +{n} (total {total})"},
	"scan_items":       {JA: "ロケーションの商品をすべてスキャンしてください", EN: "Scan every item at the location"},
	"ct_confirm_empty": {JA: "{loc} は空として確定します。もう一度押してください", EN: "Press again to record {loc} as empty"},
	"ct_done":          {JA: "{loc} の棚卸を確定しました（差異 {n}件）", EN: "Count of {loc} recorded ({n} differences)"},
	"ct_short":         {JA: "欠品になった注文：{orders}", EN: "Orders now short: {orders}"},
	"ct_realloc":       {JA: "引当をやり直した注文：{orders}", EN: "Orders allocated elsewhere: {orders}"},
	"pk_location":      {JA: "ロケーションをスキャン", EN: "Scan the location"},
	"pk_item":          {JA: "商品をスキャン", EN: "Scan the item"},
	"pk_tote":          {JA: "トート {tote}", EN: "Tote {tote}"},
	"pk_put":           {JA: "トート {tote} に入れる", EN: "Put into tote {tote}"},
	"pk_progress":      {JA: "{wave} · 注文 {order} · 残り {left}件", EN: "{wave} · order {order} · {left} left"},
	"pk_found_range":   {JA: "実際にあった数を 0〜{max} で入力してください", EN: "Enter how many were really there, 0 to {max}"},
	"pk_put_back":      {JA: "{why}：{name} を {n} 個、トート {tote} から出して {loc} に戻してください", EN: "{why}: take {n} × {name} out of tote {tote} and put it back at {loc}"},
	"pk_put_back_now":  {JA: "{why}：{name} {n} 個はトートに入れず {loc} に戻してください", EN: "{why}: do not put {n} × {name} in the tote; put it back at {loc}"},
	"pk_off_count":     {JA: "未送信：{picked}/{qty} {name}", EN: "Not sent yet: {picked}/{qty} {name}"},
	"pk_off_location":  {JA: "未送信：{loc} OK：{name} を {n} 個", EN: "Not sent yet: {loc} OK: take {n} of {name}"},
	"pk_off_done":      {JA: "未送信：完了：{name} をトート {tote} へ", EN: "Not sent yet: done: {name} into tote {tote}"},
	"pk_off_wrong_loc": {JA: "ロケーション違いです。{loc} をスキャンしてください", EN: "Wrong location: scan {loc}"},
	"pk_off_first":     {JA: "先にロケーション {loc} をスキャンしてください", EN: "Scan the location {loc} first"},
	"pk_off_wrong":     {JA: "商品違いです。{name} をスキャンしてください", EN: "Wrong item: scan {name}"},
	"pk_off_over":      {JA: "数量オーバーです。{name} はあと {left} 個です", EN: "Too many: {left} more of {name}"},
	"pk_off_wait":      {JA: "通信できません。次の作業は電波が戻ると表示します", EN: "No connection: the next task shows when the network returns"},
	"ct_unsaved":       {JA: "棚卸が確定していません。もう一度押すと破棄します", EN: "The count is not submitted. Press again to discard it"},
})

// handheld answers GET /hh: the handheld page (sign-in, picking,
// receiving, put-away, counts).
func (s *Server) handheld(w http.ResponseWriter, r *http.Request) error {
	return s.renderFloorPage(w, r, "hh", handheldWords)
}

// handheldShell is what the handheld's service worker keeps for working
// offline: the page and the files it links.
var handheldShell = []string{"hh.css", "scan.js", "ops.js", "hh.js"}

// serviceWorker answers GET /hh-sw.js: web/static/sw.js after the list of
// the handheld's files by their content-hashed names and a version that
// changes with any of them, so that each soko build is a new worker. The
// browser checks the worker on every online load, so it is never cached.
func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) error {
	a := assets()
	shell := []string{"/hh"}
	for _, name := range handheldShell {
		shell = append(shell, a.url(name))
	}
	list, err := json.Marshal(shell)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(list)
	body := fmt.Sprintf("var SHELL = %s, VERSION = %q;\n", list, hex.EncodeToString(sum[:8])) + string(a.byName["sw.js"].body)
	w.Header().Set("Cache-Control", "no-cache")
	return writeBlob(w, http.StatusOK, "text/javascript; charset=utf-8", gzipPage(w, r, []byte(body)))
}
