package server

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// The audit log (監査ログ) is for admins only: it shows what admins did to
// API keys and webhooks, which supervisors may not see, and a log its own
// subjects can read tells a careful intruder what is watched (ASVS 7.3).
// Supervisors' own actions are in it all the same.

// auditWords are the words of the console's audit-log section; aud_act_*
// name each action, for the filter and the table.
var auditWords = map[string]soko.Text{
	"aud_log":                {JA: "監査ログ", EN: "Audit log"},
	"aud_help":               {JA: "管理者・監督者による変更（スタッフ・PIN・APIキー・Webhook・保留・キャンセル・棚卸調整・集荷締めなど）の記録です。誰が・いつ・どの端末とアドレスから・何を・どう変えたかを残します。PINやキーの値、お客様の氏名・住所は記録しません", EN: "Changes made by admins and supervisors (staff, PINs, API keys, webhooks, holds, cancellations, count adjustments, pickup closes, …): who, when, from which device and address, what, and its values before and after. PINs, keys and customers' names and addresses are never recorded"},
	"aud_admin_only":         {JA: "監査ログは管理者のみ見られます", EN: "The audit log is for admins only"},
	"aud_actor":              {JA: "実行者", EN: "Who"},
	"aud_actor_hint":         {JA: "バッジ・cli・key:番号", EN: "badge, cli or key:id"},
	"aud_action":             {JA: "操作", EN: "Action"},
	"aud_all_actions":        {JA: "すべての操作", EN: "All actions"},
	"aud_target":             {JA: "対象", EN: "Target"},
	"aud_target_type":        {JA: "対象の種類", EN: "Target type"},
	"aud_target_id":          {JA: "対象ID", EN: "Target id"},
	"aud_any_target":         {JA: "すべて", EN: "any"},
	"aud_from":               {JA: "開始日", EN: "From"},
	"aud_to":                 {JA: "終了日", EN: "To"},
	"aud_filter":             {JA: "絞り込む", EN: "Filter"},
	"aud_at":                 {JA: "日時", EN: "When"},
	"aud_where":              {JA: "端末・アドレス", EN: "Device / address"},
	"aud_change":             {JA: "変更内容", EN: "Change"},
	"aud_none":               {JA: "該当する記録はありません", EN: "No entries"},
	"aud_older":              {JA: "さらに古い記録", EN: "Older entries"},
	"aud_cli":                {JA: "コマンドライン", EN: "command line"},
	"aud_system":             {JA: "システム", EN: "system"},
	"aud_api_key":            {JA: "APIキー #{id}", EN: "API key #{id}"},
	"aud_console":            {JA: "コンソール", EN: "console"},
	"aud_bad_target":         {JA: "対象IDは1以上の整数で入力してください", EN: "Enter the target id as a whole number, 1 or more"},
	"aud_bad_dates":          {JA: "終了日は開始日以降にしてください", EN: "The end day must not be before the start"},
	"aud_t_staff":            {JA: "スタッフ", EN: "staff"},
	"aud_t_merchant":         {JA: "荷主", EN: "merchant"},
	"aud_t_api_key":          {JA: "APIキー", EN: "API key"},
	"aud_t_webhook_endpoint": {JA: "Webhook", EN: "webhook"},
	"aud_t_order":            {JA: "注文", EN: "order"},
	"aud_t_location":         {JA: "ロケーション", EN: "location"},
	"aud_t_manifest":         {JA: "集荷", EN: "pickup"},
	"aud_t_box_type":         {JA: "箱", EN: "box"},
	"aud_t_tracking_range":   {JA: "送り状番号帯", EN: "tracking range"},

	"aud_act_staff.create":            {JA: "スタッフ登録", EN: "Staff added"},
	"aud_act_staff.update":            {JA: "スタッフ変更", EN: "Staff changed"},
	"aud_act_staff.pin_reset":         {JA: "PIN再発行", EN: "PIN reset"},
	"aud_act_merchant.create":         {JA: "荷主登録", EN: "Merchant added"},
	"aud_act_merchant.update":         {JA: "荷主変更", EN: "Merchant changed"},
	"aud_act_kitting.create":          {JA: "キッティング指示", EN: "Kitting task created"},
	"aud_act_kitting.cancel":          {JA: "キッティング取消", EN: "Kitting task cancelled"},
	"aud_act_merchant.email_template": {JA: "発送完了メール変更", EN: "Shipment email changed"},
	"aud_act_api_key.create":          {JA: "APIキー作成", EN: "API key made"},
	"aud_act_api_key.revoke":          {JA: "APIキー失効", EN: "API key revoked"},
	"aud_act_webhook.put":             {JA: "Webhook設定", EN: "Webhook set"},
	"aud_act_webhook.delete":          {JA: "Webhook削除", EN: "Webhook removed"},
	"aud_act_order.hold":              {JA: "注文の保留", EN: "Order held"},
	"aud_act_order.release_hold":      {JA: "保留解除", EN: "Hold released"},
	"aud_act_order.cancel":            {JA: "注文キャンセル", EN: "Order cancelled"},
	"aud_act_order.request_cancel":    {JA: "キャンセル依頼", EN: "Cancellation requested"},
	"aud_act_order.put_back":          {JA: "戻し入れ", EN: "Put back"},
	"aud_act_order.reallocate":        {JA: "再引当", EN: "Reallocated"},
	"aud_act_order.resolve_short":     {JA: "欠品解決", EN: "Short resolved"},
	"aud_act_order.split":             {JA: "分割出荷", EN: "Order split"},
	"aud_act_stock.count_adjust":      {JA: "棚卸による在庫調整", EN: "Count adjustment"},
	"aud_act_manifest.close":          {JA: "集荷締め", EN: "Pickup closed"},
	"aud_act_box_type.create":         {JA: "箱登録", EN: "Box added"},
	"aud_act_box_type.update":         {JA: "箱変更", EN: "Box changed"},
	"aud_act_location.create":         {JA: "ロケーション登録", EN: "Location added"},
	"aud_act_location.walk_sequence":  {JA: "順路変更", EN: "Walk sequence changed"},
	"aud_act_tracking_range.create":   {JA: "送り状番号帯登録", EN: "Tracking range added"},
	"aud_act_carrier_account.put":     {JA: "配送業者契約の保存", EN: "Carrier account saved"},
	"aud_act_carrier_account.delete":  {JA: "配送業者契約の削除", EN: "Carrier account removed"},
	"aud_act_billing.rate_card":       {JA: "料金表の保存", EN: "Rate card saved"},
	"aud_act_billing.adjustment":      {JA: "請求調整の追加", EN: "Billing adjustment added"},
	"aud_act_billing.close":           {JA: "請求の月締め", EN: "Billing month closed"},
}

// auditStore is what the audit-log section needs of the store.
type auditStore interface {
	AuditLog(ctx context.Context, f soko.AuditFilter) ([]soko.AuditEntry, bool, error)
}

// staffActor is who a staff session's changes are made by: the badge, the
// device it signed in on and the client's address.
func staffActor(ctx context.Context, sess *soko.Session) soko.Actor {
	return soko.Actor{Kind: soko.ActorStaff, StaffID: sess.Staff.ID, Badge: sess.Staff.BadgeCode, Device: sess.Device, Address: clientIP(ctx)}
}

// keyActor is who a merchant's API call's changes are made by.
func keyActor(ctx context.Context, k *soko.APIKey) soko.Actor {
	return soko.Actor{Kind: soko.ActorAPIKey, APIKeyID: k.ID, MerchantID: k.MerchantID, Address: clientIP(ctx)}
}

// actorName is how the log names an actor, and how it is filtered by.
func actorName(a soko.Actor) string {
	switch a.Kind {
	case soko.ActorStaff:
		return a.Badge
	case soko.ActorAPIKey:
		return "key:" + strconv.FormatInt(a.APIKeyID, 10)
	case soko.ActorPortalUser:
		return "portal:" + strconv.FormatInt(a.PortalUserID, 10)
	}
	return string(a.Kind)
}

func auditOut(e soko.AuditEntry) api.AuditEntry {
	out := api.AuditEntry{
		Id: e.ID, At: apiTime(e.At), ActorKind: api.AuditEntryActorKind(e.Actor.Kind), Actor: actorName(e.Actor),
		Device: e.Actor.Device, Address: e.Actor.Address, Action: string(e.Action), TargetType: e.TargetType, TargetId: e.TargetID,
		Before: auditValues(e.Before), After: auditValues(e.After),
	}
	if e.Actor.StaffID != 0 {
		out.ActorStaffId = &e.Actor.StaffID
	}
	if e.Actor.MerchantID != 0 {
		out.ActorMerchantId = &e.Actor.MerchantID
	}
	return out
}

// auditValues decodes the JSON the store wrote; it wrote objects only.
func auditValues(s string) *map[string]any {
	if s == "" {
		return nil
	}
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return &m
}

// ListAuditLog answers GET /ops/admin/audit-log.
func (h apiHandlers) ListAuditLog(ctx context.Context, req api.ListAuditLogRequestObject) (api.ListAuditLogResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	p := req.Params
	page, err := pageOf(p.Limit, p.Cursor, nil)
	if err != nil {
		return nil, err
	}
	f := soko.AuditFilter{
		Actor: deref(p.Actor), Action: deref(p.Action), TargetType: deref(p.TargetType), TargetID: deref(p.TargetId),
		Before: page.After, Limit: page.Size(),
	}
	if p.From != nil {
		f.From = japaneseMidnight(p.From.Time)
	}
	if p.To != nil {
		f.To = japaneseMidnight(p.To.Time).AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, spelled(soko.Errorf(soko.EINVALID, "to is before from").JA("終了日は開始日以降にしてください").WithField("to", "order"), langOf(ctx))
	}
	entries, more, err := h.store.AuditLog(ctx, f)
	if err != nil {
		return nil, spelled(err, langOf(ctx))
	}
	out := api.AuditEntryList{Data: make([]api.AuditEntry, len(entries))}
	for i, e := range entries {
		out.Data[i] = auditOut(e)
	}
	if more {
		// A full page with more behind it: the cursor is its last entry's,
		// as trimPage makes it for a page fetched one entry long.
		_, out.NextCursor = trimPage(append(entries, soko.AuditEntry{}), page, func(e soko.AuditEntry) int64 { return e.ID })
	}
	return api.ListAuditLog200JSONResponse(out), nil
}
