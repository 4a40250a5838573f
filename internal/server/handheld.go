package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
)

// handheldWords are every word the handheld page shows, in Japanese and
// English: the template prints the fixed ones and hands all of them to
// hh.js, so one table holds the page's words. {name}-style holes are
// filled in by the script.
var handheldWords = map[string][2]string{
	"title":         {"soko ハンディ", "soko handheld"},
	"menu":          {"メニュー", "Menu"},
	"signout":       {"ログアウト", "Sign out"},
	"badge":         {"バッジ", "Badge"},
	"pin":           {"PIN", "PIN"},
	"sign_in":       {"ログイン", "Sign in"},
	"view_login":    {"ログイン", "Sign in"},
	"view_menu":     {"メニュー", "Menu"},
	"view_receive":  {"入荷", "Receive"},
	"view_putaway":  {"棚入れ", "Put away"},
	"view_count":    {"棚卸", "Count"},
	"view_pick":     {"ピッキング", "Pick"},
	"view_kit":      {"キッティング", "Kitting"},
	"view_handover": {"集荷（荷渡し）", "Dock handover"},
	"view_returns":  {"返品受付", "Returns"},
	"pk_short":      {"欠品報告", "Report short"},
	"pk_found":      {"実際にあった数", "Units really there"},
	"pk_report":     {"報告する", "Report"},
	"pk_end":        {"ピッキング完了", "Nothing left to pick"},
	"no_menus":      {"この役割で使えるハンディのメニューはありません", "This role has no handheld menus"},
	"no_asn":        {"予定なし入荷", "Receive without an inbound"},
	"lot":           {"ロット", "Lot"},
	"expiry":        {"賞味期限", "Expiry"},
	"expiry_hint":   {"例 20271231", "e.g. 20271231"},
	"resend":        {"入力して登録", "Receive with these"},
	"cancel":        {"取消", "Cancel"},
	"quantity":      {"数量", "Quantity"},
	"item":          {"商品", "Item"},
	"expected":      {"予定", "Expected"},
	"received":      {"入荷", "Received"},
	"finish":        {"入荷完了", "Finish receiving"},
	"done":          {"終了", "Done"},
	"counted":       {"実数", "Counted"},
	"before":        {"帳簿", "Book"},
	"difference":    {"差異", "Difference"},
	"ct_empty":      {"商品をスキャンしてください", "Scan every item here"},
	"ct_submit":     {"棚卸を確定", "Submit count"},
	"ct_result":     {"棚卸結果", "Count result"},
	"scan":          {"スキャン", "Scan"},
	"keyboard":      {"キーボード", "Keyboard"},
	"camera":        {"カメラ", "Camera"},

	"offline":          {"通信できません。電波の届く場所で再度お試しください", "No connection: try again where the network reaches"},
	"offline_shell":    {"通信できません。この端末に残した画面で続けます", "No connection: carrying on with what this device keeps"},
	"failed":           {"エラーが発生しました（{status}）", "Something went wrong ({status})"},
	"late":             {"【保存分】", "[saved scan] "},
	"expired":          {"ログインが切れました。もう一度ログインしてください（未送信のスキャンはログイン後に送ります）", "Signed out: sign in again (saved scans are sent after sign-in)"},
	"scan_badge":       {"バッジをスキャンしてください", "Scan your badge"},
	"enter_pin":        {"PINを入力してください", "Enter your PIN"},
	"welcome":          {"{name} さん、お疲れさまです", "Hello, {name}"},
	"signed_out":       {"ログアウトしました", "Signed out"},
	"signout_pending":  {"未送信のスキャンが{n}件あります。もう一度押すとログアウトします", "{n} scans not sent yet. Press again to sign out"},
	"choose_menu":      {"メニューを選んでください", "Choose a menu"},
	"choose_inbound":   {"入荷予定を選んでください", "Choose an inbound"},
	"loading":          {"読み込み中…", "Loading…"},
	"no_inbounds":      {"入荷予定はありません", "No inbounds to receive"},
	"no_asn_title":     {"予定なし入荷：{merchant}", "Without inbound: {merchant}"},
	"total":            {"合計 {got}/{want}", "Total {got}/{want}"},
	"scan_item":        {"商品をスキャンしてください", "Scan an item"},
	"enter_lot":        {"ロット・賞味期限を入力してください", "Enter the lot and expiry"},
	"bad_expiry":       {"賞味期限は 20271231 の形で入力してください", "Enter the expiry as 20271231"},
	"finish_confirm":   {"もう一度押すと {no} を入荷完了にします", "Press again to finish {no}"},
	"finish_pending":   {"未送信のスキャンが{n}件あります。送信されてから完了してください", "{n} scans not sent yet: finish after they are sent"},
	"finished":         {"{no} を入荷完了にしました", "{no} received"},
	"offline_item":     {"通信できません。商品は未確認のまま棚をスキャンしてください", "No connection: scan the shelf; the item is checked when sent"},
	"pa_item":          {"{name} ×{n}：棚をスキャンしてください", "{name} ×{n}: scan the shelf"},
	"scan_shelf":       {"棚入れ先の棚をスキャンしてください", "Scan the destination shelf"},
	"scan_location":    {"棚卸するロケーションをスキャンしてください", "Scan the location to count"},
	"offline_location": {"通信できません。ロケーションは未確認です", "No connection: location not checked"},
	"ct_location":      {"{loc} の棚卸を開始", "Counting {loc}"},
	"ct_same_location": {"このロケーションは棚卸中です。商品をスキャンしてください", "Already counting this location: scan its items"},
	"ct_added":         {"{name} +{n}（計 {total}）", "{name} +{n} (total {total})"},
	"scan_items":       {"ロケーションの商品をすべてスキャンしてください", "Scan every item at the location"},
	"ct_confirm_empty": {"{loc} は空として確定します。もう一度押してください", "Press again to record {loc} as empty"},
	"ct_done":          {"{loc} の棚卸を確定しました（差異 {n}件）", "Count of {loc} recorded ({n} differences)"},
	"ct_short":         {"欠品になった注文：{orders}", "Orders now short: {orders}"},
	"ct_realloc":       {"引当をやり直した注文：{orders}", "Orders allocated elsewhere: {orders}"},
	"pk_location":      {"ロケーションをスキャン", "Scan the location"},
	"pk_item":          {"商品をスキャン", "Scan the item"},
	"pk_tote":          {"トート {tote}", "Tote {tote}"},
	"pk_put":           {"トート {tote} に入れる", "Put into tote {tote}"},
	"pk_progress":      {"{wave} · 注文 {order} · 残り {left}件", "{wave} · order {order} · {left} left"},
	"pk_found_range":   {"実際にあった数を 0〜{max} で入力してください", "Enter how many were really there, 0 to {max}"},
	"pk_put_back":      {"{why}：{name} を {n} 個、トート {tote} から出して {loc} に戻してください", "{why}: take {n} × {name} out of tote {tote} and put it back at {loc}"},
	"pk_put_back_now":  {"{why}：{name} {n} 個はトートに入れず {loc} に戻してください", "{why}: do not put {n} × {name} in the tote; put it back at {loc}"},
	"pk_off_count":     {"未送信：{picked}/{qty} {name}", "Not sent yet: {picked}/{qty} {name}"},
	"pk_off_location":  {"未送信：{loc} OK：{name} を {n} 個", "Not sent yet: {loc} OK: take {n} of {name}"},
	"pk_off_done":      {"未送信：完了：{name} をトート {tote} へ", "Not sent yet: done: {name} into tote {tote}"},
	"pk_off_wrong_loc": {"ロケーション違いです。{loc} をスキャンしてください", "Wrong location: scan {loc}"},
	"pk_off_first":     {"先にロケーション {loc} をスキャンしてください", "Scan the location {loc} first"},
	"pk_off_wrong":     {"商品違いです。{name} をスキャンしてください", "Wrong item: scan {name}"},
	"pk_off_over":      {"数量オーバーです。{name} はあと {left} 個です", "Too many: {left} more of {name}"},
	"pk_off_wait":      {"通信できません。次の作業は電波が戻ると表示します", "No connection: the next task shows when the network returns"},
	"ct_unsaved":       {"棚卸が確定していません。もう一度押すと破棄します", "The count is not submitted. Press again to discard it"},
}

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
