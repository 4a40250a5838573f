package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// The administration sections (merchants, staff, API keys, webhooks, box
// types, locations) change things only for admins: every change starts
// with allow(ctx, soko.MenuAdmin). Supervisors may read the lists a shift
// needs — merchants, staff (who is locked out), box types, locations — and
// print badge cards and shelf labels; a merchant's API keys and webhook
// endpoint are its integration with soko, seen by admins only.

// adminWords are the words of the console's administration sections.
var adminWords = map[string]soko.Text{
	"adm_group":         {JA: "管理", EN: "Administration"},
	"adm_admin_only":    {JA: "この操作は管理者のみ行えます。監督者は一覧を見られます", EN: "Only admins change these; supervisors can look"},
	"adm_admin_only_ro": {JA: "APIキーとWebhookは管理者のみ扱えます", EN: "API keys and webhooks are for admins only"},
	"adm_edit":          {JA: "編集", EN: "Edit"},
	"adm_cancel":        {JA: "やめる", EN: "Cancel"},
	"adm_save":          {JA: "保存", EN: "Save"},
	"adm_yes":           {JA: "はい", EN: "yes"},
	"adm_no":            {JA: "いいえ", EN: "no"},
	"adm_code":          {JA: "コード", EN: "Code"},
	"adm_name":          {JA: "名称", EN: "Name"},
	"adm_created":       {JA: "登録日時", EN: "Created"},
	"adm_merchant":      {JA: "荷主", EN: "Merchant"},
	"adm_once":          {JA: "この値はこの画面で一度だけ表示されます。今すぐ控えてください", EN: "This is shown only this once: write it down now"},

	"adm_merchants":         {JA: "荷主", EN: "Merchants"},
	"adm_merchants_help":    {JA: "荷主（ショップ）の登録と、送り状のご依頼主・納品書のメッセージ。発送完了メールは「発送完了メール」で編集します", EN: "Merchants (shops), the sender printed on their labels and the message on their packing slips. Their shipment email is edited under Shipment email"},
	"adm_merchant_code":     {JA: "荷主コード", EN: "Merchant code"},
	"adm_merchant_name":     {JA: "荷主名", EN: "Merchant name"},
	"adm_sender":            {JA: "ご依頼主", EN: "Sender"},
	"adm_add_merchant":      {JA: "荷主を登録", EN: "Add the merchant"},
	"adm_merchant_added":    {JA: "荷主 {code} を登録しました。ご依頼主を設定してください", EN: "Merchant {code} added: now set its sender"},
	"adm_merchant_saved":    {JA: "荷主 {code} を保存しました", EN: "Merchant {code} saved"},
	"adm_edit_merchant":     {JA: "荷主 {code} の編集", EN: "Edit merchant {code}"},
	"adm_postal_code":       {JA: "郵便番号", EN: "Postal code"},
	"adm_prefecture":        {JA: "都道府県", EN: "Prefecture"},
	"adm_city":              {JA: "市区町村", EN: "City"},
	"adm_street":            {JA: "町域・番地", EN: "Street"},
	"adm_building":          {JA: "建物名・部屋番号", EN: "Building"},
	"adm_sender_name":       {JA: "ご依頼主名", EN: "Sender name"},
	"adm_phone":             {JA: "電話番号", EN: "Phone"},
	"adm_email":             {JA: "メールアドレス", EN: "Email"},
	"adm_slip_message":      {JA: "納品書メッセージ", EN: "Packing-slip message"},
	"adm_allow_partial":     {JA: "分割出荷を許可", EN: "Allow partial shipments"},
	"adm_consolidate":       {JA: "同梱を許可（同じお届け先の注文を1個口で出荷）", EN: "Consolidate orders to the same recipient into one parcel"},
	"adm_holds":             {JA: "保留（入金待ちなど）", EN: "Holds (awaiting payment and the like)"},
	"adm_holds_help":        {JA: "荷主の保留がこの日数を過ぎるとダッシュボードに表示されます。0 にすると表示しません", EN: "The merchant's holds older than this are listed on the dashboard; 0 never lists them"},
	"adm_hold_days":         {JA: "保留の警告日数", EN: "Days before a hold is old"},
	"adm_hold_free":         {JA: "日数を過ぎた保留の引当在庫を自動で解放する", EN: "Then put their reserved stock back on sale automatically"},
	"adm_hold_days_bad":     {JA: "0〜365 の整数を入力してください", EN: "Enter a whole number from 0 to 365"},
	"adm_email_link":        {JA: "発送完了メールを編集", EN: "Edit the shipment email"},
	"adm_no_merchants":      {JA: "荷主はまだ登録されていません", EN: "No merchants yet"},
	"adm_sender_incomplete": {JA: "ご依頼主が未設定です", EN: "Sender not set"},

	"adm_staff":           {JA: "スタッフ", EN: "Staff"},
	"adm_staff_help":      {JA: "バッジとPINでログインする人。PINを空欄にすると6桁のPINを作って一度だけ表示します。無効にした人はすぐにすべての端末からログアウトされます", EN: "People who sign in with a badge and PIN. Leave the PIN empty to have a 6-digit one made and shown once. Deactivated staff are signed out on every device at once"},
	"adm_badge":           {JA: "バッジ", EN: "Badge"},
	"adm_staff_name":      {JA: "氏名", EN: "Name"},
	"adm_role":            {JA: "役割", EN: "Role"},
	"adm_active":          {JA: "有効", EN: "Active"},
	"adm_locked_until":    {JA: "ロック解除", EN: "Locked until"},
	"adm_pin":             {JA: "PIN（4〜8桁）", EN: "PIN (4–8 digits)"},
	"adm_pin_auto":        {JA: "空欄で自動作成", EN: "empty: made for you"},
	"adm_add_staff":       {JA: "スタッフを登録", EN: "Add the staff member"},
	"adm_staff_added":     {JA: "{name}（{badge}）を登録しました", EN: "{name} ({badge}) added"},
	"adm_new_pin":         {JA: "{name}（{badge}）のPIN：", EN: "PIN of {name} ({badge}): "},
	"adm_change_role":     {JA: "役割を変更", EN: "Change role"},
	"adm_role_of":         {JA: "{name} の役割", EN: "Role of {name}"},
	"adm_role_changed":    {JA: "{name} の役割を「{role}」にしました", EN: "{name} is now {role}"},
	"adm_deactivate":      {JA: "無効にする", EN: "Deactivate"},
	"adm_reactivate":      {JA: "有効にする", EN: "Reactivate"},
	"adm_deactivated":     {JA: "{name} を無効にしました", EN: "{name} deactivated"},
	"adm_reactivated":     {JA: "{name} を有効にしました", EN: "{name} reactivated"},
	"adm_reset_pin":       {JA: "PINを再発行", EN: "Reset PIN"},
	"adm_pin_reset":       {JA: "{name} のPINを再発行しました（ロックも解除しました）", EN: "New PIN for {name} (badge unlocked)"},
	"adm_inactive":        {JA: "無効", EN: "inactive"},
	"adm_locked":          {JA: "ロック中", EN: "locked"},
	"adm_badge_card":      {JA: "バッジカード", EN: "Badge card"},
	"adm_badge_cards":     {JA: "有効なスタッフ全員のバッジカード（PDF）", EN: "Badge cards of all active staff (PDF)"},
	"adm_you":             {JA: "（あなた）", EN: " (you)"},
	"adm_confirm_deact":   {JA: "もう一度押すと {name} を無効にします", EN: "Press again to deactivate {name}"},
	"adm_confirm_reset":   {JA: "もう一度押すと {name} のPINを再発行します", EN: "Press again to reset the PIN of {name}"},
	"adm_role_picker":     {JA: "ピッキング担当", EN: "Picker"},
	"adm_role_packer":     {JA: "梱包・検品担当", EN: "Packer"},
	"adm_role_shipper":    {JA: "出荷担当", EN: "Shipper"},
	"adm_role_supervisor": {JA: "監督者", EN: "Supervisor"},
	"adm_role_admin":      {JA: "管理者", EN: "Admin"},

	"adm_apikeys":        {JA: "APIキー", EN: "API keys"},
	"adm_apikeys_help":   {JA: "荷主のシステムが /api/v1 を呼ぶためのキー。作成時に一度だけ表示され、soko はハッシュしか保存しません。失効したキーはすぐに使えなくなります", EN: "Keys a merchant's systems call /api/v1 with. Shown once when made; soko keeps only a hash. A revoked key stops at once"},
	"adm_prefix":         {JA: "プレフィックス", EN: "Prefix"},
	"adm_key_name":       {JA: "用途", EN: "Used for"},
	"adm_last_used":      {JA: "最終利用", EN: "Last used"},
	"adm_revoked":        {JA: "失効", EN: "Revoked"},
	"adm_create_key":     {JA: "APIキーを作成", EN: "Make an API key"},
	"adm_key_created":    {JA: "{merchant} のAPIキー {prefix}… を作成しました", EN: "API key {prefix}… made for {merchant}"},
	"adm_new_key":        {JA: "APIキー：", EN: "API key: "},
	"adm_revoke":         {JA: "失効させる", EN: "Revoke"},
	"adm_confirm_revoke": {JA: "もう一度押すと {prefix}… を失効させます", EN: "Press again to revoke {prefix}…"},
	"adm_key_revoked":    {JA: "{prefix}… を失効させました", EN: "{prefix}… revoked"},
	"adm_no_keys":        {JA: "APIキーはありません", EN: "No API keys"},
	"adm_never":          {JA: "未使用", EN: "never"},
	"adm_scopes":         {JA: "スコープ", EN: "Scopes"},
	"adm_scopes_none":    {JA: "選ばなければすべて", EN: "none chosen: all"},
	"adm_scopes_all":     {JA: "すべて", EN: "all"},
	"adm_scope_read":     {JA: "参照 (read)", EN: "Read (read)"},
	"adm_scope_orders":   {JA: "出荷指示 (orders)", EN: "Orders (orders)"},
	"adm_scope_products": {JA: "商品・在庫 (products)", EN: "Products and stock (products)"},
	"adm_scope_inbounds": {JA: "入荷予定 (inbounds)", EN: "Inbounds (inbounds)"},
	"adm_scope_webhooks": {JA: "Webhook (webhooks)", EN: "Webhooks (webhooks)"},
	"adm_expires":        {JA: "有効期限", EN: "Expires"},
	"adm_no_expiry":      {JA: "なし", EN: "never"},
	"adm_expired":        {JA: "期限切れ", EN: "expired"},

	"adm_webhooks":       {JA: "Webhook", EN: "Webhooks"},
	"adm_webhooks_help":  {JA: "荷主のシステムへ出荷などのイベントを署名付きで送る先。URLは https のみで、社内ネットワークのアドレスは指定できません。署名用シークレットは作成時と再発行時に一度だけ表示されます", EN: "Where a merchant's systems get signed events such as shipments. https only; internal network addresses are refused. The signing secret is shown once, when made or rotated"},
	"adm_url":            {JA: "送信先URL", EN: "URL"},
	"adm_enabled":        {JA: "送信する", EN: "Send"},
	"adm_events":         {JA: "イベント（未選択はすべて）", EN: "Events (none chosen: all)"},
	"adm_all_events":     {JA: "すべて", EN: "all"},
	"adm_secret_prefix":  {JA: "シークレット", EN: "Secret"},
	"adm_updated":        {JA: "更新日時", EN: "Updated"},
	"adm_no_webhook":     {JA: "Webhookの送信先は設定されていません", EN: "No webhook endpoint set"},
	"adm_save_webhook":   {JA: "送信先を保存", EN: "Save the endpoint"},
	"adm_rotate":         {JA: "シークレットを再発行", EN: "Rotate the secret"},
	"adm_confirm_rotate": {JA: "もう一度押すとシークレットを再発行します。今のシークレットはすぐに使えなくなります", EN: "Press again to rotate: the current secret stops at once"},
	"adm_turn_on":        {JA: "送信を再開", EN: "Turn on"},
	"adm_turn_off":       {JA: "送信を停止", EN: "Turn off"},
	"adm_webhook_saved":  {JA: "{merchant} のWebhookを保存しました", EN: "Webhook of {merchant} saved"},
	"adm_webhook_on":     {JA: "送信中", EN: "on"},
	"adm_webhook_off":    {JA: "停止中", EN: "off"},
	"adm_new_secret":     {JA: "署名用シークレット：", EN: "Signing secret: "},
	"adm_webhook_state":  {JA: "状態", EN: "State"},

	"adm_boxes":       {JA: "箱", EN: "Boxes"},
	"adm_boxes_help":  {JA: "梱包に使う箱。内寸・最大重量から梱包時に最小の箱を推奨します。薄型の箱はネコポスなど投函サービス専用です。コードは出荷記録に残るため変更できません", EN: "The boxes packers use; the station recommends the smallest that fits by inner size and weight. Thin boxes go by a post-box service (ネコポス …). Codes stay, as parcels keep them"},
	"adm_inner":       {JA: "内寸 長×幅×高（mm）", EN: "Inner L×W×H (mm)"},
	"adm_length":      {JA: "長さ（mm）", EN: "Length (mm)"},
	"adm_width":       {JA: "幅（mm）", EN: "Width (mm)"},
	"adm_height":      {JA: "高さ（mm）", EN: "Height (mm)"},
	"adm_max_weight":  {JA: "最大重量（g）", EN: "Max weight (g)"},
	"adm_tare":        {JA: "箱の重さ（g）", EN: "Tare (g)"},
	"adm_size_class":  {JA: "サイズ区分", EN: "Size class"},
	"adm_size_none":   {JA: "なし", EN: "none"},
	"adm_no_service":  {JA: "なし（宅配便）", EN: "none (parcel)"},
	"adm_thin":        {JA: "薄型（投函）", EN: "Thin (post box)"},
	"adm_box_service": {JA: "投函サービス", EN: "Post-box service"},
	"adm_add_box":     {JA: "箱を登録", EN: "Add the box"},
	"adm_save_box":    {JA: "箱を保存", EN: "Save the box"},
	"adm_box_added":   {JA: "箱 {code} を登録しました", EN: "Box {code} added"},
	"adm_box_saved":   {JA: "箱 {code} を保存しました", EN: "Box {code} saved"},
	"adm_edit_box":    {JA: "箱 {code} の編集", EN: "Edit box {code}"},
	"adm_new_box":     {JA: "新しい箱", EN: "New box"},
	"adm_no_boxes":    {JA: "箱はまだ登録されていません", EN: "No boxes yet"},

	"adm_carriers":        {JA: "配送業者契約", EN: "Carrier accounts"},
	"adm_carriers_help":   {JA: "送り状ソフト用のCSVに書く契約情報。B2クラウドには請求先顧客コードと運賃管理番号が必要です。佐川急便の夕方の時間帯は、時間帯サービス6区分の契約なら18–20時・19–21時、標準なら18–21時（04）で書き出します。荷主が自社の契約で出荷する場合は荷主ごとに設定します（倉庫全体の契約より優先）", EN: "Contract values the carriers' label software needs in the CSV files. B2クラウド needs the billing customer code and freight number. Sagawa's evening goes as 18–20 and 19–21 on a six-slot contract, else as 18–21 (04). A merchant that ships on its own contract gets its own (it wins over the warehouse's)"},
	"adm_carriers_denied": {JA: "配送業者契約は管理者のみ扱えます", EN: "Carrier accounts are for admins only"},
	"adm_carrier":         {JA: "配送業者", EN: "Carrier"},
	"adm_account_of":      {JA: "契約", EN: "Contract of"},
	"adm_whole_warehouse": {JA: "倉庫全体（自社契約のない荷主すべて）", EN: "The warehouse (every merchant without its own)"},
	"adm_contract":        {JA: "契約内容", EN: "Contract"},
	"adm_save_account":    {JA: "契約を保存", EN: "Save the contract"},
	"adm_account_saved":   {JA: "{carrier}（{whose}）の契約を保存しました", EN: "{carrier} contract of {whose} saved"},
	"adm_account_removed": {JA: "{carrier}（{whose}）の契約を削除しました", EN: "{carrier} contract of {whose} removed"},
	"adm_confirm_remove":  {JA: "もう一度押すと削除します", EN: "Press again to remove"},
	"adm_remove":          {JA: "削除", EN: "Remove"},
	"adm_no_accounts":     {JA: "契約情報はまだありません。B2クラウド用CSVを書き出す前に、ヤマト運輸の請求先顧客コードと運賃管理番号を設定してください", EN: "No contracts yet. Set Yamato's billing customer code and freight number before exporting B2クラウド files"},
	"adm_option_on":       {JA: "あり", EN: "yes"},
	"adm_option_off":      {JA: "なし", EN: "no"},

	"adm_locations":      {JA: "ロケーション", EN: "Locations"},
	"adm_locations_help": {JA: "棚などの場所。ピッキングは順路（小さい順）に回ります。順路の変更はこれから発行するウェーブから使われます", EN: "Shelves and other places. Pickers walk them in walk-sequence order; a change applies to waves released from now on"},
	"adm_zone":           {JA: "ゾーン", EN: "Zone"},
	"adm_all_zones":      {JA: "すべてのゾーン", EN: "All zones"},
	"adm_kind":           {JA: "種類", EN: "Kind"},
	"adm_walk":           {JA: "順路", EN: "Walk sequence"},
	"adm_walk_of":        {JA: "{code} の順路", EN: "Walk sequence of {code}"},
	"adm_kind_pick":      {JA: "ピッキング棚", EN: "pick shelf"},
	"adm_kind_reserve":   {JA: "保管棚", EN: "reserve"},
	"adm_kind_receiving": {JA: "入荷場", EN: "receiving"},
	"adm_kind_dock":      {JA: "出荷場", EN: "dock"},
	"adm_add_location":   {JA: "ロケーションを登録", EN: "Add the location"},
	"adm_location_added": {JA: "ロケーション {code} を登録しました", EN: "Location {code} added"},
	"adm_walk_saved":     {JA: "{code} の順路を {n} にしました", EN: "{code} now walks at {n}"},
	"adm_labels":         {JA: "ゾーン {zone} のロケーションラベル（PDF）", EN: "Location labels of zone {zone} (PDF)"},
	"adm_no_locations":   {JA: "ロケーションはありません", EN: "No locations"},
	"adm_whole_number":   {JA: "0以上の整数を入力してください", EN: "Enter a whole number, 0 or more"},
}

// adminStore is what this section needs of the store.
type adminStore interface {
	auditStore
	CreateMerchant(ctx context.Context, m *soko.Merchant) error
	UpdateMerchant(ctx context.Context, m *soko.Merchant) error
	ListStaff(ctx context.Context) ([]*soko.Staff, error)
	StaffByID(ctx context.Context, id int64) (*soko.Staff, error)
	CreateStaff(ctx context.Context, s *soko.Staff) error
	UpdateStaff(ctx context.Context, s *soko.Staff) error
	ResetStaffPIN(ctx context.Context, id int64, pinHash string, keepSession int64) (*soko.Staff, error)
	ListAPIKeys(ctx context.Context, merchantID int64) ([]*soko.APIKey, error)
	CreateAPIKey(ctx context.Context, k *soko.APIKey) error
	RevokeMerchantAPIKey(ctx context.Context, merchantID, keyID int64) (*soko.APIKey, error)
	CreateBoxType(ctx context.Context, b *soko.BoxType) error
	UpdateBoxType(ctx context.Context, b *soko.BoxType) error
	CreateLocation(ctx context.Context, l *soko.Location) error
	SetWalkSequence(ctx context.Context, locationID int64, seq int) (*soko.Location, error)
	SaveCarrierAccount(ctx context.Context, a *soko.CarrierAccount) error
	DeleteCarrierAccount(ctx context.Context, carrierCode string, merchantID int64) error
}

// ruleName is a field message that names the rule broken ("pattern",
// "required") rather than saying what is wrong.
var ruleName = regexp.MustCompile(`^[a-z_]+$`)

// spelled gives a domain error's fields the error's own message in lang
// where the domain named only the rule broken, so the console can print
// beside the field what the admin should change.
func spelled(err error, lang string) error {
	var e *soko.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i, f := range out.Fields {
		if ruleName.MatchString(f.Message) {
			out.Fields[i].Message = soko.ErrorMessage(e, lang)
		}
	}
	return &out
}

// ---- merchants ----

func adminMerchantOut(m *soko.Merchant) api.AdminMerchant {
	s := m.Sender
	return api.AdminMerchant{
		Id: m.ID, Code: m.Code, Name: m.Name, SlipMessage: m.SlipMessage, AllowPartial: m.AllowPartial, Consolidate: m.Consolidate, InvoiceNumber: m.InvoiceNumber,
		HoldAlertDays: m.HoldAlertDays, HoldAutoFree: m.HoldAutoFree, CreatedAt: apiTime(m.CreatedAt),
		Sender: api.AdminSender{
			PostalCode: s.PostalCode, Prefecture: s.Prefecture, City: s.City, Address1: s.Street,
			Address2: &s.Building, Name: s.Name, Phone: &s.Phone, Email: &s.Email,
		},
	}
}

// merchant returns the merchant with id, or ENOTFOUND that says so.
func (h apiHandlers) merchant(ctx context.Context, id int64) (*soko.Merchant, error) {
	m, err := h.store.MerchantByID(ctx, id)
	if soko.ErrorCode(err) == soko.ENOTFOUND {
		return nil, soko.Errorf(soko.ENOTFOUND, "no merchant %d", id).JA("荷主が見つかりません")
	}
	return m, err
}

// ListAdminMerchants answers GET /ops/admin/merchants.
func (h apiHandlers) ListAdminMerchants(ctx context.Context, _ api.ListAdminMerchantsRequestObject) (api.ListAdminMerchantsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	ms, err := h.store.ListMerchants(ctx)
	if err != nil {
		return nil, err
	}
	out := make(api.ListAdminMerchants200JSONResponse, len(ms))
	for i, m := range ms {
		out[i] = adminMerchantOut(m)
	}
	return out, nil
}

// CreateAdminMerchant answers POST /ops/admin/merchants.
func (h apiHandlers) CreateAdminMerchant(ctx context.Context, req api.CreateAdminMerchantRequestObject) (api.CreateAdminMerchantResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	m := &soko.Merchant{Code: strings.ToUpper(strings.TrimSpace(req.Body.Code)), Name: strings.TrimSpace(req.Body.Name)}
	if err := h.store.CreateMerchant(ctx, m); err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	return api.CreateAdminMerchant201JSONResponse(adminMerchantOut(m)), nil
}

// UpdateAdminMerchant answers PUT /ops/admin/merchants/{merchant_id}. The
// sender block is checked as an order's address is, because it prints on
// every label: a carrier must be able to take it.
func (h apiHandlers) UpdateAdminMerchant(ctx context.Context, req api.UpdateAdminMerchantRequestObject) (api.UpdateAdminMerchantResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	m, err := h.merchant(ctx, req.MerchantId)
	if err != nil {
		return nil, err
	}
	in, lang := req.Body, langOf(ctx)
	m.Name = strings.TrimSpace(in.Name)
	m.Sender = address.Normalize(soko.Address{
		PostalCode: in.Sender.PostalCode, Prefecture: in.Sender.Prefecture, City: in.Sender.City, Street: in.Sender.Address1,
		Building: deref(in.Sender.Address2), Name: in.Sender.Name, Phone: deref(in.Sender.Phone), Email: deref(in.Sender.Email),
	})
	if in.SlipMessage != nil {
		m.SlipMessage = strings.TrimSpace(strings.ReplaceAll(*in.SlipMessage, "\r\n", "\n"))
	}
	if in.AllowPartial != nil {
		m.AllowPartial = *in.AllowPartial
	}
	if in.Consolidate != nil {
		m.Consolidate = *in.Consolidate
	}
	if in.InvoiceNumber != nil {
		m.InvoiceNumber = soko.InvoiceNumber(*in.InvoiceNumber)
	}
	if in.HoldAlertDays != nil {
		m.HoldAlertDays = *in.HoldAlertDays
	}
	if in.HoldAutoFree != nil {
		m.HoldAutoFree = *in.HoldAutoFree
	}
	bad := soko.Errorf(soko.EINVALID, "the merchant's sender cannot be printed on labels").JA("ご依頼主の住所に誤りがあります")
	for _, p := range address.Check(m.Sender, "sender") {
		bad.WithField(p.Field, p.Message.In(lang))
	}
	if soko.ValidateHoldSettings(m.HoldAlertDays) != nil {
		bad.WithField("hold_alert_days", soko.Text{JA: fmt.Sprintf("0〜%d日にしてください", soko.MaxHoldAlertDays), EN: fmt.Sprintf("0 to %d days", soko.MaxHoldAlertDays)}.In(lang))
	}
	if m.InvoiceNumber != "" && !soko.ValidInvoiceNumber(m.InvoiceNumber) {
		bad.WithField("invoice_number", soko.Text{JA: "登録番号は T と13桁の数字です（先頭の検査用数字が合いません）", EN: "a registration number is T and 13 digits (its check digit does not match)"}.In(lang))
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	if err := h.store.UpdateMerchant(ctx, m); err != nil {
		return nil, spelled(err, lang)
	}
	return api.UpdateAdminMerchant200JSONResponse(adminMerchantOut(m)), nil
}

// ---- staff ----

func (h apiHandlers) adminStaffOut(s *soko.Staff) api.AdminStaff {
	out := api.AdminStaff{
		Id: s.ID, BadgeCode: s.BadgeCode, Name: s.Name, Role: api.AdminStaffRole(s.Role), Active: s.Active,
		CreatedAt: apiTime(s.CreatedAt),
	}
	if h.now().Before(s.LockedUntil) {
		t := apiTime(s.LockedUntil)
		out.LockedUntil = &t
	}
	return out
}

// pinFor returns the PIN to set for a member, the given one or a new one,
// and its hash; made tells whether soko made it and must show it.
func pinFor(given *string, s *soko.Staff) (pin, hash string, made bool, err error) {
	pin = strings.TrimSpace(deref(given))
	if pin == "" {
		pin, made = soko.NewPIN(s.Role, s.BadgeCode), true
	} else if err := soko.CheckNewPIN(pin, s.Role, s.BadgeCode); err != nil {
		return "", "", false, err
	}
	hash, err = soko.HashPIN(pin)
	return pin, hash, made, err
}

// ListAdminStaff answers GET /ops/admin/staff.
func (h apiHandlers) ListAdminStaff(ctx context.Context, _ api.ListAdminStaffRequestObject) (api.ListAdminStaffResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	staff, err := h.store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	out := make(api.ListAdminStaff200JSONResponse, len(staff))
	for i, s := range staff {
		out[i] = h.adminStaffOut(s)
	}
	return out, nil
}

// CreateAdminStaff answers POST /ops/admin/staff. A PIN soko makes is in
// this answer only: soko keeps its hash.
func (h apiHandlers) CreateAdminStaff(ctx context.Context, req api.CreateAdminStaffRequestObject) (api.CreateAdminStaffResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	in := req.Body
	s := &soko.Staff{BadgeCode: strings.ToUpper(strings.TrimSpace(deref(in.BadgeCode))), Name: strings.TrimSpace(in.Name), Role: soko.Role(in.Role), Active: true}
	if s.BadgeCode == "" {
		s.BadgeCode = soko.NewBadgeCode()
	}
	if err := s.Validate(); err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	pin, hash, made, err := pinFor(in.Pin, s)
	if err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	s.PINHash = hash
	if err := h.store.CreateStaff(ctx, s); err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	out := api.AdminStaffPIN{Staff: h.adminStaffOut(s)}
	if made {
		out.Pin = &pin
	}
	return api.CreateAdminStaff201JSONResponse(out), nil
}

// UpdateAdminStaff answers PUT /ops/admin/staff/{staff_id}. An admin may
// not deactivate or demote themselves: the warehouse must never be left
// without someone who can undo it, and a slip of the mouse would lock the
// admin out at once.
func (h apiHandlers) UpdateAdminStaff(ctx context.Context, req api.UpdateAdminStaffRequestObject) (api.UpdateAdminStaffResponseObject, error) {
	sess, err := allow(ctx, soko.MenuAdmin)
	if err != nil {
		return nil, err
	}
	s, err := h.store.StaffByID(ctx, req.StaffId)
	if err != nil {
		return nil, err
	}
	in := req.Body
	s.Name, s.Role, s.Active = strings.TrimSpace(in.Name), soko.Role(in.Role), in.Active
	if s.ID == sess.Staff.ID && !s.Active {
		return nil, soko.Errorf(soko.ECONFLICT, "admins cannot deactivate themselves").
			JA("自分自身を無効にすることはできません。別の管理者に依頼してください")
	}
	if s.ID == sess.Staff.ID && s.Role != soko.RoleAdmin {
		return nil, soko.Errorf(soko.ECONFLICT, "admins cannot give up their own admin role").
			JA("自分の管理者権限を外すことはできません。別の管理者に依頼してください")
	}
	if err := h.store.UpdateStaff(ctx, s); err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	return api.UpdateAdminStaff200JSONResponse(h.adminStaffOut(s)), nil
}

// ResetAdminStaffPIN answers POST /ops/admin/staff/{staff_id}/pin: a new
// PIN, the badge unlocked, and whoever signed in with the old PIN signed
// out — except the admin's own session when it is their own PIN.
func (h apiHandlers) ResetAdminStaffPIN(ctx context.Context, req api.ResetAdminStaffPINRequestObject) (api.ResetAdminStaffPINResponseObject, error) {
	sess, err := allow(ctx, soko.MenuAdmin)
	if err != nil {
		return nil, err
	}
	member, err := h.store.StaffByID(ctx, req.StaffId)
	if err != nil {
		return nil, err
	}
	pin, hash, made, err := pinFor(req.Body.Pin, member)
	if err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	s, err := h.store.ResetStaffPIN(ctx, req.StaffId, hash, sess.ID)
	if err != nil {
		return nil, err
	}
	out := api.AdminStaffPIN{Staff: h.adminStaffOut(s)}
	if made {
		out.Pin = &pin
	}
	return api.ResetAdminStaffPIN200JSONResponse(out), nil
}

// PrintStaffBadges answers GET /ops/admin/staff-badges.pdf: the cards of
// the staff asked for, in that order, or of every active member.
func (h apiHandlers) PrintStaffBadges(ctx context.Context, req api.PrintStaffBadgesRequestObject) (api.PrintStaffBadgesResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	all, err := h.store.ListStaff(ctx)
	if err != nil {
		return nil, err
	}
	var cards []soko.Staff
	if ids := deref(req.Params.StaffId); len(ids) > 0 {
		for _, id := range ids {
			i := slices.IndexFunc(all, func(s *soko.Staff) bool { return s.ID == id })
			if i < 0 {
				return nil, soko.Errorf(soko.ENOTFOUND, "no staff member %d", id).JA("スタッフが見つかりません（ID %d）", id)
			}
			cards = append(cards, *all[i])
		}
	} else {
		for _, s := range all {
			if s.Active {
				cards = append(cards, *s)
			}
		}
	}
	var buf bytes.Buffer
	if err := pdf.BadgeCards(&buf, cards, pdf.BadgeOptions{Now: h.now, Warehouse: h.warehouseName, DPI: h.printerDPI}); err != nil {
		return nil, err
	}
	return api.PrintStaffBadges200ApplicationpdfResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}

// ---- API keys ----

func adminAPIKeyOut(k *soko.APIKey, now time.Time) api.AdminAPIKey {
	scopes := make([]api.APIScope, len(k.Scopes))
	for i, s := range k.Scopes {
		scopes[i] = api.APIScope(s)
	}
	out := api.AdminAPIKey{
		Id: k.ID, Prefix: k.Prefix, Name: k.Name, CreatedAt: apiTime(k.CreatedAt), Revoked: k.Revoked(),
		Scopes: &scopes, Expired: ptr(k.Expired(now)),
	}
	if !k.ExpiresAt.IsZero() {
		out.ExpiresAt = ptr(apiTime(k.ExpiresAt))
	}
	if !k.LastUsedAt.IsZero() {
		t := apiTime(k.LastUsedAt)
		out.LastUsedAt = &t
	}
	if k.Revoked() {
		t := apiTime(k.RevokedAt)
		out.RevokedAt = &t
	}
	return out
}

// ListAdminAPIKeys answers GET /ops/admin/merchants/{merchant_id}/api-keys.
func (h apiHandlers) ListAdminAPIKeys(ctx context.Context, req api.ListAdminAPIKeysRequestObject) (api.ListAdminAPIKeysResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	keys, err := h.store.ListAPIKeys(ctx, req.MerchantId)
	if err != nil {
		return nil, err
	}
	out := make(api.ListAdminAPIKeys200JSONResponse, len(keys))
	for i, k := range keys {
		out[i] = adminAPIKeyOut(k, h.now())
	}
	return out, nil
}

// CreateAdminAPIKey answers POST /ops/admin/merchants/{merchant_id}/api-keys:
// the one answer that carries the key's secret.
func (h apiHandlers) CreateAdminAPIKey(ctx context.Context, req api.CreateAdminAPIKeyRequestObject) (api.CreateAdminAPIKeyResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	out, err := h.makeAPIKey(ctx, req.MerchantId, req.Body)
	if err != nil {
		return nil, err
	}
	return api.CreateAdminAPIKey201JSONResponse(out), nil
}

// makeAPIKey makes a key of the merchant as in asks: the warehouse's admin
// and the merchant's own owners make keys alike. The answer is the one that
// carries the secret.
func (h apiHandlers) makeAPIKey(ctx context.Context, merchantID int64, in *api.AdminAPIKeyCreate) (api.AdminAPIKey, error) {
	secret, prefix, hash := soko.NewAPIKeySecret()
	k := &soko.APIKey{MerchantID: merchantID, Name: strings.TrimSpace(deref(in.Name)), Prefix: prefix, Hash: hash, ExpiresAt: deref(in.ExpiresAt)}
	for _, s := range deref(in.Scopes) {
		k.Scopes = append(k.Scopes, string(s))
	}
	if !k.ExpiresAt.IsZero() && !k.ExpiresAt.After(h.now()) {
		return api.AdminAPIKey{}, soko.Errorf(soko.EINVALID, "expires_at is in the past").JA("有効期限が過去の日時です").
			WithField("expires_at", soko.Text{JA: "未来の日時を指定してください", EN: "must be in the future"}.In(langOf(ctx)))
	}
	if err := h.store.CreateAPIKey(ctx, k); err != nil {
		return api.AdminAPIKey{}, err
	}
	out := adminAPIKeyOut(k, h.now())
	out.Secret = &secret
	return out, nil
}

// RevokeAdminAPIKey answers POST
// /ops/admin/merchants/{merchant_id}/api-keys/{api_key_id}/revoke.
func (h apiHandlers) RevokeAdminAPIKey(ctx context.Context, req api.RevokeAdminAPIKeyRequestObject) (api.RevokeAdminAPIKeyResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	k, err := h.store.RevokeMerchantAPIKey(ctx, req.MerchantId, req.ApiKeyId)
	if err != nil {
		return nil, err
	}
	return api.RevokeAdminAPIKey200JSONResponse(adminAPIKeyOut(k, h.now())), nil
}

// ---- webhook endpoint ----

func adminEndpointOut(ep *soko.WebhookEndpoint, showSecret bool) api.AdminWebhookEndpoint {
	out := api.AdminWebhookEndpoint{Configured: ep != nil, EventChoices: soko.WebhookEventTypes}
	if ep == nil {
		return out
	}
	e := endpointOut(ep, showSecret)
	out.Url, out.Enabled, out.EventTypes, out.SecretPrefix, out.UpdatedAt, out.Secret = &e.Url, &e.Enabled, &e.EventTypes, &e.SecretPrefix, &e.UpdatedAt, e.Secret
	return out
}

// GetAdminWebhookEndpoint answers GET
// /ops/admin/merchants/{merchant_id}/webhook-endpoint; a merchant with no
// endpoint is an answer (configured false), not an error.
func (h apiHandlers) GetAdminWebhookEndpoint(ctx context.Context, req api.GetAdminWebhookEndpointRequestObject) (api.GetAdminWebhookEndpointResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	ep, err := h.store.FindWebhookEndpoint(ctx, req.MerchantId)
	if soko.ErrorCode(err) == soko.ENOTFOUND {
		ep, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	return api.GetAdminWebhookEndpoint200JSONResponse(adminEndpointOut(ep, false)), nil
}

// PutAdminWebhookEndpoint answers PUT
// /ops/admin/merchants/{merchant_id}/webhook-endpoint, with the same SSRF
// check as the merchant's own call.
func (h apiHandlers) PutAdminWebhookEndpoint(ctx context.Context, req api.PutAdminWebhookEndpointRequestObject) (api.PutAdminWebhookEndpointResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if _, err := h.merchant(ctx, req.MerchantId); err != nil {
		return nil, err
	}
	in := req.Body
	url := strings.TrimSpace(in.Url)
	if err := h.checkWebhookURL(ctx, url); err != nil {
		return nil, err
	}
	ep := &soko.WebhookEndpoint{MerchantID: req.MerchantId, URL: url, Active: in.Enabled == nil || *in.Enabled}
	for _, t := range deref(in.EventTypes) {
		if !slices.Contains(ep.EventTypes, string(t)) {
			ep.EventTypes = append(ep.EventTypes, string(t))
		}
	}
	newSecret, err := h.store.PutWebhookEndpoint(ctx, ep, deref(in.RotateSecret))
	if err != nil {
		return nil, err
	}
	return api.PutAdminWebhookEndpoint200JSONResponse(adminEndpointOut(ep, newSecret)), nil
}

// ---- box types ----

func adminBoxOut(b *soko.BoxType) api.AdminBoxType {
	return api.AdminBoxType{
		Id: b.ID, Code: b.Code, Name: b.Name, InnerLengthMm: b.InnerLengthMM, InnerWidthMm: b.InnerWidthMM, InnerHeightMm: b.InnerHeightMM,
		MaxWeightGrams: b.MaxWeightGrams, TareGrams: b.TareGrams, SizeClass: b.SizeClass, Thin: b.Thin, Service: b.Service,
	}
}

// serviceNamed finds a service by its code among every carrier's.
func serviceNamed(code string) (*carrier.Service, bool) {
	for _, c := range carrier.All() {
		if s, ok := c.Service(code); ok {
			return s, true
		}
	}
	return nil, false
}

// sizeClasses are the carriers' size classes (sum of three sides, cm).
func sizeClasses() []int {
	var out []int
	for _, c := range carrier.All() {
		for _, s := range c.Services {
			for _, n := range s.SizeClasses {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

var boxCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,31}$`)

// checkBoxType names every rule a box type breaks: a thin box goes by a
// post-box service and has no size class; a carton names no post-box
// service.
func checkBoxType(b *soko.BoxType, lang string) error {
	bad := soko.Errorf(soko.EINVALID, "the box type cannot be saved").JA("箱の内容に誤りがあります")
	field := func(name, ja, en string) { bad.WithField(name, soko.Text{JA: ja, EN: en}.In(lang)) }
	if !boxCode.MatchString(b.Code) {
		field("code", "箱コードは英大文字・数字・-・_ の32文字以内にしてください", "use up to 32 upper-case letters, digits, - or _")
	}
	if b.Name == "" {
		field("name", "名称を入力してください", "a name is required")
	}
	if b.SizeClass != 0 && !slices.Contains(sizeClasses(), b.SizeClass) {
		field("size_class", fmt.Sprintf("サイズ区分 %d はどの配送会社にもありません", b.SizeClass), fmt.Sprintf("no carrier has size class %d", b.SizeClass))
	}
	svc, known := serviceNamed(b.Service)
	switch {
	case b.Service != "" && !known:
		field("service", fmt.Sprintf("サービス「%s」はありません", b.Service), fmt.Sprintf("no service %q", b.Service))
	case b.Thin && b.Service == "":
		field("service", "薄型の箱には投函サービス（ネコポスなど）を指定してください", "a thin box needs its post-box service")
	case b.Thin && !svc.Thin:
		field("service", fmt.Sprintf("「%s」は投函サービスではありません", svc.Name.JA), fmt.Sprintf("%s is not a post-box service", svc.Name.EN))
	case !b.Thin && known && svc.Thin:
		field("thin", fmt.Sprintf("「%s」用の箱は薄型にしてください", svc.Name.JA), fmt.Sprintf("a box for %s must be thin", svc.Name.EN))
	}
	if b.Thin && b.SizeClass != 0 {
		field("size_class", "薄型の箱にはサイズ区分を付けません", "thin boxes have no size class")
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

// ListAdminBoxTypes answers GET /ops/admin/box-types.
func (h apiHandlers) ListAdminBoxTypes(ctx context.Context, _ api.ListAdminBoxTypesRequestObject) (api.ListAdminBoxTypesResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	boxes, err := h.store.BoxTypes(ctx)
	if err != nil {
		return nil, err
	}
	out := api.AdminBoxTypeList{Data: make([]api.AdminBoxType, len(boxes)), ThinServices: []api.AdminThinService{}}
	for i := range boxes {
		out.Data[i] = adminBoxOut(&boxes[i])
	}
	for _, c := range carrier.All() {
		for _, s := range c.Services {
			if s.Thin {
				out.ThinServices = append(out.ThinServices, api.AdminThinService{Code: s.Code, Name: s.Name.In(langOf(ctx)), Carrier: c.Code})
			}
		}
	}
	return api.ListAdminBoxTypes200JSONResponse(out), nil
}

// CreateAdminBoxType answers POST /ops/admin/box-types.
func (h apiHandlers) CreateAdminBoxType(ctx context.Context, req api.CreateAdminBoxTypeRequestObject) (api.CreateAdminBoxTypeResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	in := req.Body
	b := &soko.BoxType{
		Code: strings.ToUpper(strings.TrimSpace(in.Code)), Name: strings.TrimSpace(in.Name),
		InnerLengthMM: in.InnerLengthMm, InnerWidthMM: in.InnerWidthMm, InnerHeightMM: in.InnerHeightMm,
		MaxWeightGrams: in.MaxWeightGrams, TareGrams: deref(in.TareGrams), SizeClass: deref(in.SizeClass),
		Thin: deref(in.Thin), Service: strings.TrimSpace(deref(in.Service)),
	}
	if err := checkBoxType(b, langOf(ctx)); err != nil {
		return nil, err
	}
	if err := h.store.CreateBoxType(ctx, b); err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	return api.CreateAdminBoxType201JSONResponse(adminBoxOut(b)), nil
}

// UpdateAdminBoxType answers PUT /ops/admin/box-types/{box_type_id}.
func (h apiHandlers) UpdateAdminBoxType(ctx context.Context, req api.UpdateAdminBoxTypeRequestObject) (api.UpdateAdminBoxTypeResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	boxes, err := h.store.BoxTypes(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(boxes, func(b soko.BoxType) bool { return b.ID == req.BoxTypeId })
	if i < 0 {
		return nil, soko.Errorf(soko.ENOTFOUND, "no box type %d", req.BoxTypeId).JA("箱が見つかりません")
	}
	in, b := req.Body, &boxes[i]
	b.Name, b.InnerLengthMM, b.InnerWidthMM, b.InnerHeightMM = strings.TrimSpace(in.Name), in.InnerLengthMm, in.InnerWidthMm, in.InnerHeightMm
	b.MaxWeightGrams, b.TareGrams, b.SizeClass = in.MaxWeightGrams, deref(in.TareGrams), deref(in.SizeClass)
	b.Thin, b.Service = deref(in.Thin), strings.TrimSpace(deref(in.Service))
	if err := checkBoxType(b, langOf(ctx)); err != nil {
		return nil, err
	}
	if err := h.store.UpdateBoxType(ctx, b); err != nil {
		return nil, err
	}
	return api.UpdateAdminBoxType200JSONResponse(adminBoxOut(b)), nil
}

// ---- locations ----

// A location code is what its shelf label prints as Code 128 and what the
// handheld scans: short enough for the label's barcode; a zone groups them.
var (
	locationCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,15}$`)
	zoneCode     = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,15}$`)
)

func adminLocationOut(l *soko.Location) api.AdminLocation {
	return api.AdminLocation{Id: l.ID, Code: l.Code, Zone: l.Zone, Kind: api.AdminLocationKind(l.Kind), WalkSequence: l.WalkSequence}
}

// ListAdminLocations answers GET /ops/admin/locations.
func (h apiHandlers) ListAdminLocations(ctx context.Context, req api.ListAdminLocationsRequestObject) (api.ListAdminLocationsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	locs, err := h.store.Locations(ctx, strings.ToUpper(strings.TrimSpace(deref(req.Params.Zone))))
	if err != nil {
		return nil, err
	}
	out := make(api.ListAdminLocations200JSONResponse, len(locs))
	for i := range locs {
		out[i] = adminLocationOut(&locs[i])
	}
	return out, nil
}

// CreateAdminLocation answers POST /ops/admin/locations.
func (h apiHandlers) CreateAdminLocation(ctx context.Context, req api.CreateAdminLocationRequestObject) (api.CreateAdminLocationResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	in, lang := req.Body, langOf(ctx)
	l := &soko.Location{
		Code: strings.ToUpper(strings.TrimSpace(in.Code)), Zone: strings.ToUpper(strings.TrimSpace(in.Zone)),
		Kind: soko.LocationKind(in.Kind), WalkSequence: in.WalkSequence,
	}
	bad := soko.Errorf(soko.EINVALID, "the location cannot be saved").JA("ロケーションの内容に誤りがあります")
	if !locationCode.MatchString(l.Code) {
		bad.WithField("code", soko.Text{JA: "ロケーションコードは英大文字・数字・- の16文字以内にしてください（例 A-01-02-3）",
			EN: "use up to 16 upper-case letters, digits or - (e.g. A-01-02-3)"}.In(lang))
	}
	if !zoneCode.MatchString(l.Zone) {
		bad.WithField("zone", soko.Text{JA: "ゾーンは英大文字・数字・-・_ の16文字以内にしてください", EN: "use up to 16 upper-case letters, digits, - or _"}.In(lang))
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	if err := h.store.CreateLocation(ctx, l); err != nil {
		return nil, spelled(err, lang)
	}
	return api.CreateAdminLocation201JSONResponse(adminLocationOut(l)), nil
}

// UpdateAdminLocation answers PUT
// /ops/admin/locations/{location_id}/walk-sequence.
func (h apiHandlers) UpdateAdminLocation(ctx context.Context, req api.UpdateAdminLocationRequestObject) (api.UpdateAdminLocationResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	l, err := h.store.SetWalkSequence(ctx, req.LocationId, req.Body.WalkSequence)
	if err != nil {
		return nil, err
	}
	return api.UpdateAdminLocation200JSONResponse(adminLocationOut(l)), nil
}
