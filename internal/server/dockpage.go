package server

import (
	"net/http"

	"github.com/soko-wms/soko/internal/soko"
)

// dockWords are every word the dock page shows, in Japanese and English;
// the template prints the fixed ones and dock.js gets all of them.
var dockWords = mergeWords(scannerWords, map[string]soko.Text{
	"title":            {JA: "soko 集荷（荷渡し）", EN: "soko dock handover"},
	"heading":          {JA: "集荷（荷渡し）", EN: "Dock handover"},
	"menu":             {JA: "メニュー", EN: "Menu"},
	"sign_in_first":    {JA: "ハンディでログインしてから開いてください", EN: "Sign in on the handheld first"},
	"to_handheld":      {JA: "ハンディのログインへ", EN: "Go to the handheld sign-in"},
	"not_shipper":      {JA: "この役割では集荷を扱えません", EN: "This role may not hand parcels over"},
	"open_pickups":     {JA: "受付中の集荷", EN: "Open pickups"},
	"no_manifests":     {JA: "受付中の集荷はありません。下で新しく始めてください", EN: "No open pickups: start one below"},
	"new_pickup":       {JA: "新しい集荷", EN: "New pickup"},
	"carrier":          {JA: "配送業者", EN: "Carrier"},
	"yamato":           {JA: "ヤマト運輸", EN: "Yamato Transport"},
	"sagawa":           {JA: "佐川急便", EN: "Sagawa Express"},
	"japanpost":        {JA: "日本郵便", EN: "Japan Post"},
	"pickup_date":      {JA: "集荷日", EN: "Pickup date"},
	"pickup_time":      {JA: "集荷時刻（締め）", EN: "Pickup time (cut-off)"},
	"open":             {JA: "集荷を始める", EN: "Start loading"},
	"opened":           {JA: "{carrier}の集荷を始めました", EN: "Loading for {carrier}"},
	"loaded_expected":  {JA: "積込 / 予定", EN: "loaded / expected"},
	"missing":          {JA: "未スキャン", EN: "Not loaded yet"},
	"n_parcels":        {JA: "{n}個", EN: "{n} parcel(s)"},
	"tracking":         {JA: "送り状番号", EN: "Tracking number"},
	"order":            {JA: "注文", EN: "Order"},
	"prefecture":       {JA: "都道府県", EN: "Prefecture"},
	"loaded":           {JA: "積込済み（新しい順）", EN: "Loaded (newest first)"},
	"close":            {JA: "集荷を締める", EN: "Close the pickup"},
	"close_confirm":    {JA: "もう一度押すと集荷を締めて出荷済みにします", EN: "Press again to close and ship"},
	"close_missing":    {JA: "未スキャンが{n}個あります。もう一度押すと締めます（スーパーバイザーの確認が必要です）", EN: "{n} parcel(s) not loaded. Press again to close (a supervisor must confirm)"},
	"supervisor_badge": {JA: "スーパーバイザーのバッジ", EN: "Supervisor's badge"},
	"pin":              {JA: "PIN", EN: "PIN"},
	"confirm_close":    {JA: "確認して締める", EN: "Confirm and close"},
	"cancel":           {JA: "取消", EN: "Cancel"},
	"pulled":           {JA: "次の荷物はキャンセル・保留のため出荷できません。トラックから降ろしてください", EN: "These parcels' orders were cancelled or held: take them off the truck"},
	"print_handover":   {JA: "集荷明細を印刷", EN: "Print the handover list"},
	"done":             {JA: "集荷の一覧へ", EN: "Back to pickups"},
	"closed_summary":   {JA: "{loaded}個を引き渡し、{shipped}件を出荷済みにしました（未集荷 {missing}個）", EN: "{loaded} parcel(s) handed over, {shipped} order(s) shipped ({missing} missing)"},
	"closed_prompt":    {JA: "集荷明細を印刷し、ドライバーのサインをもらってください", EN: "Print the handover list and have the driver sign it"},
	"choose_pickup":    {JA: "集荷を選ぶか、新しく始めてください", EN: "Choose a pickup or start one"},
	"scan_parcel":      {JA: "荷物の送り状バーコードをスキャンしてください", EN: "Scan each parcel's tracking barcode"},
	"scan_supervisor":  {JA: "スーパーバイザーのバッジをスキャンし、PINを入力してください", EN: "Scan a supervisor's badge and enter the PIN"},
})

// dockPage answers GET /hh/dock: the handheld's handover to the carrier
// (集荷), a page of its own so the handheld page stays light.
func (s *Server) dockPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderFloorPage(w, r, "dock", dockWords)
}
