package server

import (
	"net/http"

	"github.com/soko-wms/soko/internal/soko"
)

// portalWords are every word the merchant portal shows, in Japanese and
// English: the template prints the fixed ones and portal.js gets all of
// them, filling {name}-style holes itself.
var portalWords = map[string]soko.Text{
	"title":              {JA: "soko 荷主ポータル", EN: "soko merchant portal"},
	"heading":            {JA: "荷主ポータル", EN: "Merchant portal"},
	"email":              {JA: "メールアドレス", EN: "Email"},
	"password":           {JA: "パスワード", EN: "Password"},
	"new_password":       {JA: "新しいパスワード（10文字以上）", EN: "New password (at least 10 characters)"},
	"sign_in":            {JA: "ログイン", EN: "Sign in"},
	"sign_out":           {JA: "ログアウト", EN: "Sign out"},
	"forgot":             {JA: "パスワードをお忘れの方", EN: "Forgot your password?"},
	"send_link":          {JA: "再設定用のリンクを送る", EN: "Email me a reset link"},
	"link_sent":          {JA: "登録されているメールアドレスであれば、再設定用のリンクを送りました（1時間有効）", EN: "If the address has an account, a reset link is on its way (valid for an hour)"},
	"set_password":       {JA: "パスワードを設定", EN: "Set password"},
	"password_set":       {JA: "パスワードを設定しました。ログインしてください", EN: "Your password is set: sign in"},
	"back":               {JA: "戻る", EN: "Back"},
	"sections":           {JA: "メニュー", EN: "Sections"},
	"stock":              {JA: "在庫", EN: "Stock"},
	"orders":             {JA: "注文", EN: "Orders"},
	"inbounds":           {JA: "入荷予定", EN: "Inbounds"},
	"products":           {JA: "商品", EN: "Products"},
	"users":              {JA: "ユーザー", EN: "Users"},
	"sku":                {JA: "SKU", EN: "SKU"},
	"name":               {JA: "商品名", EN: "Name"},
	"available":          {JA: "引当可能", EN: "Available"},
	"allocated":          {JA: "引当済", EN: "Allocated"},
	"held":               {JA: "保留", EN: "Held"},
	"inbound":            {JA: "入荷予定数", EN: "Inbound"},
	"on_hand":            {JA: "実在庫", EN: "On hand"},
	"lots":               {JA: "ロット・期限", EN: "Lots & expiry"},
	"csv_utf8":           {JA: "CSVダウンロード（UTF-8）", EN: "Download CSV (UTF-8)"},
	"csv_sjis":           {JA: "CSVダウンロード（Shift_JIS）", EN: "Download CSV (Shift_JIS)"},
	"no_stock":           {JA: "在庫はまだありません", EN: "No stock yet"},
	"order_no":           {JA: "注文番号", EN: "Order no."},
	"status":             {JA: "状態", EN: "Status"},
	"ordered_at":         {JA: "注文日時", EN: "Ordered"},
	"lines":              {JA: "明細", EN: "Lines"},
	"tracking":           {JA: "送り状番号", EN: "Tracking"},
	"all":                {JA: "すべて", EN: "All"},
	"search":             {JA: "検索", EN: "Search"},
	"search_hint":        {JA: "注文番号（完全一致または一部）", EN: "Order number (whole or part)"},
	"more":               {JA: "さらに表示", EN: "More"},
	"no_orders":          {JA: "該当する注文はありません", EN: "No orders found"},
	"quantity":           {JA: "数量", EN: "Quantity"},
	"picked":             {JA: "ピッキング済", EN: "Picked"},
	"progress":           {JA: "進捗", EN: "Progress"},
	"timeline":           {JA: "履歴", EN: "Timeline"},
	"ship_to":            {JA: "お届け先", EN: "Ship to"},
	"cancel":             {JA: "キャンセル", EN: "Cancel"},
	"hold":               {JA: "保留にする", EN: "Hold"},
	"release":            {JA: "保留を解除", EN: "Release"},
	"confirm_cancel":     {JA: "もう一度押すとキャンセルします", EN: "Press again to cancel the order"},
	"done_cancel":        {JA: "注文 {no} をキャンセルしました", EN: "Order {no} cancelled"},
	"done_hold":          {JA: "注文 {no} を保留にしました", EN: "Order {no} is on hold"},
	"done_release":       {JA: "注文 {no} の保留を解除しました", EN: "Order {no} released"},
	"inbound_no":         {JA: "入荷予定番号", EN: "Inbound no."},
	"expected_date":      {JA: "入荷予定日", EN: "Expected"},
	"received":           {JA: "入荷済", EN: "Received"},
	"difference":         {JA: "差異", EN: "Difference"},
	"new_inbound":        {JA: "入荷予定を登録", EN: "New inbound notice"},
	"add_line":           {JA: "明細を追加", EN: "Add a line"},
	"save":               {JA: "登録", EN: "Save"},
	"saved":              {JA: "保存しました", EN: "Saved"},
	"no_inbounds":        {JA: "入荷予定はありません", EN: "No inbound notices"},
	"price":              {JA: "価格（税込・円）", EN: "Price (yen, tax incl.)"},
	"tax_rate":           {JA: "税率", EN: "Tax rate"},
	"jan":                {JA: "JANコード", EN: "JAN code"},
	"weight":             {JA: "重量（g）", EN: "Weight (g)"},
	"reorder_point":      {JA: "発注点", EN: "Reorder point"},
	"edit":               {JA: "編集", EN: "Edit"},
	"new_product":        {JA: "商品を登録・編集", EN: "Register or edit a product"},
	"no_products":        {JA: "商品はまだありません", EN: "No products yet"},
	"role":               {JA: "権限", EN: "Role"},
	"invite":             {JA: "招待する", EN: "Invite"},
	"invited":            {JA: "{email} に招待メールを送りました", EN: "Invitation sent to {email}"},
	"active":             {JA: "有効", EN: "Active"},
	"role_owner":         {JA: "オーナー", EN: "owner"},
	"role_staff":         {JA: "スタッフ", EN: "staff"},
	"role_readonly":      {JA: "閲覧のみ", EN: "read-only"},
	"failed":             {JA: "失敗しました（{status}）", EN: "Failed ({status})"},
	"offline":            {JA: "サーバーに接続できません", EN: "Cannot reach the server"},
	"s_received":         {JA: "受付", EN: "received"},
	"s_backordered":      {JA: "在庫待ち", EN: "backordered"},
	"s_allocated":        {JA: "引当済", EN: "allocated"},
	"s_picking":          {JA: "ピッキング中", EN: "picking"},
	"s_short":            {JA: "欠品対応中", EN: "short"},
	"s_picked":           {JA: "ピッキング済", EN: "picked"},
	"s_inspected":        {JA: "検品済", EN: "inspected"},
	"s_packed":           {JA: "梱包済", EN: "packed"},
	"s_labeled":          {JA: "送り状発行済", EN: "labeled"},
	"s_shipped":          {JA: "出荷済", EN: "shipped"},
	"s_on_hold":          {JA: "保留中", EN: "on hold"},
	"s_cancel_requested": {JA: "キャンセル依頼中", EN: "cancel requested"},
	"s_cancelled":        {JA: "キャンセル", EN: "cancelled"},
	"s_expected":         {JA: "入荷待ち", EN: "expected"},
	"s_receiving":        {JA: "入荷作業中", EN: "receiving"},
}

// allPortalWords are the words of every portal section, each section's
// kept beside its handlers (portalDevWords in portaldev.go, portalAccountWords in totp.go, …).
var allPortalWords = mergeWords(portalWords, portalSKUWords, portalOrderWords, portalDevWords, portalAccountWords, portalStatementWords, portalInboundWords)

// portalPage answers GET /portal and GET /portal/reset: the merchant
// portal, a thin client of /portal/api/v1 holding no one's data.
func (s *Server) portalPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderFloorPage(w, r, "portal", allPortalWords)
}
