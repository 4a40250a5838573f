package server

import "net/http"

// dockWords are every word the dock page shows, in Japanese and English;
// the template prints the fixed ones and dock.js gets all of them.
var dockWords = map[string][2]string{
	"title":            {"soko 集荷（荷渡し）", "soko dock handover"},
	"heading":          {"集荷（荷渡し）", "Dock handover"},
	"menu":             {"メニュー", "Menu"},
	"sign_in_first":    {"ハンディでログインしてから開いてください", "Sign in on the handheld first"},
	"to_handheld":      {"ハンディのログインへ", "Go to the handheld sign-in"},
	"not_shipper":      {"この役割では集荷を扱えません", "This role may not hand parcels over"},
	"open_pickups":     {"受付中の集荷", "Open pickups"},
	"no_manifests":     {"受付中の集荷はありません。下で新しく始めてください", "No open pickups: start one below"},
	"new_pickup":       {"新しい集荷", "New pickup"},
	"carrier":          {"配送業者", "Carrier"},
	"yamato":           {"ヤマト運輸", "Yamato Transport"},
	"sagawa":           {"佐川急便", "Sagawa Express"},
	"japanpost":        {"日本郵便", "Japan Post"},
	"pickup_date":      {"集荷日", "Pickup date"},
	"pickup_time":      {"集荷時刻（締め）", "Pickup time (cut-off)"},
	"open":             {"集荷を始める", "Start loading"},
	"opened":           {"{carrier}の集荷を始めました", "Loading for {carrier}"},
	"loaded_expected":  {"積込 / 予定", "loaded / expected"},
	"missing":          {"未スキャン", "Not loaded yet"},
	"n_parcels":        {"{n}個", "{n} parcel(s)"},
	"tracking":         {"送り状番号", "Tracking number"},
	"order":            {"注文", "Order"},
	"prefecture":       {"都道府県", "Prefecture"},
	"loaded":           {"積込済み（新しい順）", "Loaded (newest first)"},
	"close":            {"集荷を締める", "Close the pickup"},
	"close_confirm":    {"もう一度押すと集荷を締めて出荷済みにします", "Press again to close and ship"},
	"close_missing":    {"未スキャンが{n}個あります。もう一度押すと締めます（スーパーバイザーの確認が必要です）", "{n} parcel(s) not loaded. Press again to close (a supervisor must confirm)"},
	"supervisor_badge": {"スーパーバイザーのバッジ", "Supervisor's badge"},
	"pin":              {"PIN", "PIN"},
	"confirm_close":    {"確認して締める", "Confirm and close"},
	"cancel":           {"取消", "Cancel"},
	"pulled":           {"次の荷物はキャンセル・保留のため出荷できません。トラックから降ろしてください", "These parcels' orders were cancelled or held: take them off the truck"},
	"print_handover":   {"集荷明細を印刷", "Print the handover list"},
	"done":             {"集荷の一覧へ", "Back to pickups"},
	"closed_summary":   {"{loaded}個を引き渡し、{shipped}件を出荷済みにしました（未集荷 {missing}個）", "{loaded} parcel(s) handed over, {shipped} order(s) shipped ({missing} missing)"},
	"closed_prompt":    {"集荷明細を印刷し、ドライバーのサインをもらってください", "Print the handover list and have the driver sign it"},
	"choose_pickup":    {"集荷を選ぶか、新しく始めてください", "Choose a pickup or start one"},
	"scan_parcel":      {"荷物の送り状バーコードをスキャンしてください", "Scan each parcel's tracking barcode"},
	"scan_supervisor":  {"スーパーバイザーのバッジをスキャンし、PINを入力してください", "Scan a supervisor's badge and enter the PIN"},
	"late":             {"【保存分】", "[saved scan] "},
	"offline":          {"通信できません。電波の届く場所で再度お試しください", "No connection: try again where the network reaches"},
	"offline_shell":    {"通信できません。この端末に残した画面で続けます", "No connection: carrying on with what this device keeps"},
	"failed":           {"エラーが発生しました（{status}）", "Something went wrong ({status})"},
	"scan":             {"スキャン", "Scan"},
	"keyboard":         {"キーボード", "Keyboard"},
	"camera":           {"カメラ", "Camera"},
}

// dockPage answers GET /hh/dock: the handheld's handover to the carrier
// (集荷), a page of its own so the handheld page stays light.
func (s *Server) dockPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderFloorPage(w, r, "dock", dockWords)
}
