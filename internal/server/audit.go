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
var auditWords = map[string][2]string{
	"aud_log":                {"監査ログ", "Audit log"},
	"aud_help":               {"管理者・監督者による変更（スタッフ・PIN・APIキー・Webhook・保留・キャンセル・棚卸調整・集荷締めなど）の記録です。誰が・いつ・どの端末とアドレスから・何を・どう変えたかを残します。PINやキーの値、お客様の氏名・住所は記録しません", "Changes made by admins and supervisors (staff, PINs, API keys, webhooks, holds, cancellations, count adjustments, pickup closes, …): who, when, from which device and address, what, and its values before and after. PINs, keys and customers' names and addresses are never recorded"},
	"aud_admin_only":         {"監査ログは管理者のみ見られます", "The audit log is for admins only"},
	"aud_actor":              {"実行者", "Who"},
	"aud_actor_hint":         {"バッジ・cli・key:番号", "badge, cli or key:id"},
	"aud_action":             {"操作", "Action"},
	"aud_all_actions":        {"すべての操作", "All actions"},
	"aud_target":             {"対象", "Target"},
	"aud_target_type":        {"対象の種類", "Target type"},
	"aud_target_id":          {"対象ID", "Target id"},
	"aud_any_target":         {"すべて", "any"},
	"aud_from":               {"開始日", "From"},
	"aud_to":                 {"終了日", "To"},
	"aud_filter":             {"絞り込む", "Filter"},
	"aud_at":                 {"日時", "When"},
	"aud_where":              {"端末・アドレス", "Device / address"},
	"aud_change":             {"変更内容", "Change"},
	"aud_none":               {"該当する記録はありません", "No entries"},
	"aud_older":              {"さらに古い記録", "Older entries"},
	"aud_cli":                {"コマンドライン", "command line"},
	"aud_system":             {"システム", "system"},
	"aud_api_key":            {"APIキー #{id}", "API key #{id}"},
	"aud_console":            {"コンソール", "console"},
	"aud_bad_target":         {"対象IDは1以上の整数で入力してください", "Enter the target id as a whole number, 1 or more"},
	"aud_bad_dates":          {"終了日は開始日以降にしてください", "The end day must not be before the start"},
	"aud_t_staff":            {"スタッフ", "staff"},
	"aud_t_merchant":         {"荷主", "merchant"},
	"aud_t_api_key":          {"APIキー", "API key"},
	"aud_t_webhook_endpoint": {"Webhook", "webhook"},
	"aud_t_order":            {"注文", "order"},
	"aud_t_location":         {"ロケーション", "location"},
	"aud_t_manifest":         {"集荷", "pickup"},
	"aud_t_box_type":         {"箱", "box"},
	"aud_t_tracking_range":   {"送り状番号帯", "tracking range"},

	"aud_act_staff.create":            {"スタッフ登録", "Staff added"},
	"aud_act_staff.update":            {"スタッフ変更", "Staff changed"},
	"aud_act_staff.pin_reset":         {"PIN再発行", "PIN reset"},
	"aud_act_merchant.create":         {"荷主登録", "Merchant added"},
	"aud_act_merchant.update":         {"荷主変更", "Merchant changed"},
	"aud_act_kitting.create":          {"キッティング指示", "Kitting task created"},
	"aud_act_kitting.cancel":          {"キッティング取消", "Kitting task cancelled"},
	"aud_act_merchant.email_template": {"発送完了メール変更", "Shipment email changed"},
	"aud_act_api_key.create":          {"APIキー作成", "API key made"},
	"aud_act_api_key.revoke":          {"APIキー失効", "API key revoked"},
	"aud_act_webhook.put":             {"Webhook設定", "Webhook set"},
	"aud_act_webhook.delete":          {"Webhook削除", "Webhook removed"},
	"aud_act_order.hold":              {"注文の保留", "Order held"},
	"aud_act_order.release_hold":      {"保留解除", "Hold released"},
	"aud_act_order.cancel":            {"注文キャンセル", "Order cancelled"},
	"aud_act_order.request_cancel":    {"キャンセル依頼", "Cancellation requested"},
	"aud_act_order.put_back":          {"戻し入れ", "Put back"},
	"aud_act_order.reallocate":        {"再引当", "Reallocated"},
	"aud_act_order.resolve_short":     {"欠品解決", "Short resolved"},
	"aud_act_order.split":             {"分割出荷", "Order split"},
	"aud_act_stock.count_adjust":      {"棚卸による在庫調整", "Count adjustment"},
	"aud_act_manifest.close":          {"集荷締め", "Pickup closed"},
	"aud_act_box_type.create":         {"箱登録", "Box added"},
	"aud_act_box_type.update":         {"箱変更", "Box changed"},
	"aud_act_location.create":         {"ロケーション登録", "Location added"},
	"aud_act_location.walk_sequence":  {"順路変更", "Walk sequence changed"},
	"aud_act_tracking_range.create":   {"送り状番号帯登録", "Tracking range added"},
	"aud_act_carrier_account.put":     {"配送業者契約の保存", "Carrier account saved"},
	"aud_act_carrier_account.delete":  {"配送業者契約の削除", "Carrier account removed"},
	"aud_act_billing.rate_card":       {"料金表の保存", "Rate card saved"},
	"aud_act_billing.adjustment":      {"請求調整の追加", "Billing adjustment added"},
	"aud_act_billing.close":           {"請求の月締め", "Billing month closed"},
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
