package server

import (
	"context"
	"strings"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// portalKeyOwner returns the session of a signed-in owner, who alone looks
// after the merchant's API keys, or refuses.
func portalKeyOwner(ctx context.Context) (*soko.PortalSession, error) {
	sess, err := portalOwner(ctx)
	if err != nil {
		return nil, soko.Errorf(soko.EFORBIDDEN, "only the merchant's owners manage API keys").JA("APIキーの管理はオーナーだけが行えます")
	}
	return sess, nil
}

// ListPortalAPIKeys answers GET /portal/api-keys.
func (h apiHandlers) ListPortalAPIKeys(ctx context.Context, _ api.ListPortalAPIKeysRequestObject) (api.ListPortalAPIKeysResponseObject, error) {
	sess, err := portalKeyOwner(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := h.store.ListAPIKeys(ctx, sess.User.MerchantID)
	if err != nil {
		return nil, err
	}
	out := api.ListPortalAPIKeys200JSONResponse{Data: make([]api.AdminAPIKey, len(keys))}
	for i, k := range keys {
		out.Data[i] = adminAPIKeyOut(k, h.now())
	}
	return out, nil
}

// CreatePortalAPIKey answers POST /portal/api-keys: an owner makes a key
// for the merchant's developer, its secret in this answer only.
func (h apiHandlers) CreatePortalAPIKey(ctx context.Context, req api.CreatePortalAPIKeyRequestObject) (api.CreatePortalAPIKeyResponseObject, error) {
	sess, err := portalKeyOwner(ctx)
	if err != nil {
		return nil, err
	}
	out, err := h.makeAPIKey(ctx, sess.User.MerchantID, req.Body)
	if err != nil {
		return nil, err
	}
	return api.CreatePortalAPIKey201JSONResponse(out), nil
}

// RevokePortalAPIKey answers POST /portal/api-keys/{api_key_id}/revoke.
func (h apiHandlers) RevokePortalAPIKey(ctx context.Context, req api.RevokePortalAPIKeyRequestObject) (api.RevokePortalAPIKeyResponseObject, error) {
	sess, err := portalKeyOwner(ctx)
	if err != nil {
		return nil, err
	}
	k, err := h.store.RevokeMerchantAPIKey(ctx, sess.User.MerchantID, req.ApiKeyId)
	if err != nil {
		return nil, err
	}
	return api.RevokePortalAPIKey200JSONResponse(adminAPIKeyOut(k, h.now())), nil
}

// portalDevWords are the words of the portal's developer page
// (portal_dev.js): API keys, webhook endpoints and their deliveries.
var portalDevWords = map[string][2]string{
	"developer":         {"開発者向け", "Developers"},
	"api_keys":          {"APIキー", "API keys"},
	"api_key":           {"APIキー", "API key"},
	"key_name":          {"用途", "Used for"},
	"key_prefix":        {"識別子", "Prefix"},
	"key_scopes":        {"権限", "Scopes"},
	"key_created":       {"作成日時", "Created"},
	"key_used":          {"最終利用", "Last used"},
	"key_active":        {"有効", "active"},
	"key_revoked":       {"失効", "revoked"},
	"key_expired":       {"期限切れ", "expired"},
	"key_expires":       {"有効期限（任意）", "Expires (optional)"},
	"key_scope_hint":    {"選ばなければすべての操作ができます", "None chosen: every operation"},
	"new_key":           {"APIキーを発行", "Make an API key"},
	"key_made":          {"APIキーを発行しました", "API key made"},
	"no_keys":           {"APIキーはありません", "No API keys"},
	"scope_read":        {"参照", "read"},
	"scope_orders":      {"注文", "orders"},
	"scope_products":    {"商品", "products"},
	"scope_inbounds":    {"入荷予定", "inbounds"},
	"scope_webhooks":    {"Webhook", "webhooks"},
	"scope_all":         {"すべて", "all"},
	"revoke":            {"失効させる", "Revoke"},
	"confirm_revoke":    {"もう一度押すと失効します。このキーを使うシステムは止まります", "Press again to revoke: systems using this key stop working"},
	"done_revoke":       {"APIキー {prefix} を失効させました", "API key {prefix} revoked"},
	"secret_once":       {"{what}は今だけ表示されます。安全な場所に保管してください（再表示できません）", "This {what} is shown only now: keep it somewhere safe (it cannot be shown again)"},
	"webhooks":          {"Webhook送信先", "Webhook endpoints"},
	"hook_url":          {"送信先URL", "URL"},
	"hook_events":       {"イベント", "Events"},
	"hook_event_hint":   {"選ばなければ stock.changed 以外のすべて", "None chosen: all but stock.changed"},
	"hook_all_events":   {"すべて（stock.changed を除く）", "all (but stock.changed)"},
	"hook_secret":       {"署名シークレット", "signing secret"},
	"hook_on":           {"送信中", "on"},
	"hook_off":          {"停止中", "off"},
	"hook_enable":       {"再開", "Switch on"},
	"hook_disable":      {"停止", "Switch off"},
	"hook_rotate":       {"シークレット再発行", "Rotate secret"},
	"confirm_rotate":    {"もう一度押すと再発行します（旧シークレットも24時間有効）", "Press again to rotate (the old secret signs for 24 more hours)"},
	"hook_rotated":      {"シークレットを再発行しました", "Secret rotated"},
	"hook_delete":       {"削除", "Remove"},
	"confirm_delete":    {"もう一度押すと削除します", "Press again to remove"},
	"hook_deleted":      {"送信先を削除しました", "Endpoint removed"},
	"new_hook":          {"送信先を追加", "Add an endpoint"},
	"hook_made":         {"送信先を追加しました", "Endpoint added"},
	"no_hooks":          {"送信先はありません", "No endpoints"},
	"deliveries":        {"送信履歴", "Delivery log"},
	"delivery_at":       {"発生日時", "Raised"},
	"delivery_event":    {"イベント", "Event"},
	"delivery_attempts": {"試行", "Tries"},
	"delivery_error":    {"最後のエラー", "Last error"},
	"redeliver":         {"再送", "Send again"},
	"done_redeliver":    {"{event} を再送します", "{event} queued again"},
	"no_deliveries":     {"送信履歴はありません", "No deliveries"},
	"d_pending":         {"送信待ち", "pending"},
	"d_delivered":       {"送信済", "delivered"},
	"d_dead":            {"送信失敗", "failed"},
	"wh_event_list":     {strings.Join(soko.WebhookEventTypes, " "), strings.Join(soko.WebhookEventTypes, " ")},
}
