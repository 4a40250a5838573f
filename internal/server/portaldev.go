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
var portalDevWords = map[string]soko.Text{
	"developer":         {JA: "開発者向け", EN: "Developers"},
	"api_keys":          {JA: "APIキー", EN: "API keys"},
	"api_key":           {JA: "APIキー", EN: "API key"},
	"key_name":          {JA: "用途", EN: "Used for"},
	"key_prefix":        {JA: "識別子", EN: "Prefix"},
	"key_scopes":        {JA: "権限", EN: "Scopes"},
	"key_created":       {JA: "作成日時", EN: "Created"},
	"key_used":          {JA: "最終利用", EN: "Last used"},
	"key_active":        {JA: "有効", EN: "active"},
	"key_revoked":       {JA: "失効", EN: "revoked"},
	"key_expired":       {JA: "期限切れ", EN: "expired"},
	"key_expires":       {JA: "有効期限（任意）", EN: "Expires (optional)"},
	"key_scope_hint":    {JA: "選ばなければすべての操作ができます", EN: "None chosen: every operation"},
	"new_key":           {JA: "APIキーを発行", EN: "Make an API key"},
	"key_made":          {JA: "APIキーを発行しました", EN: "API key made"},
	"no_keys":           {JA: "APIキーはありません", EN: "No API keys"},
	"scope_read":        {JA: "参照", EN: "read"},
	"scope_orders":      {JA: "注文", EN: "orders"},
	"scope_products":    {JA: "商品", EN: "products"},
	"scope_inbounds":    {JA: "入荷予定", EN: "inbounds"},
	"scope_webhooks":    {JA: "Webhook", EN: "webhooks"},
	"scope_all":         {JA: "すべて", EN: "all"},
	"revoke":            {JA: "失効させる", EN: "Revoke"},
	"confirm_revoke":    {JA: "もう一度押すと失効します。このキーを使うシステムは止まります", EN: "Press again to revoke: systems using this key stop working"},
	"done_revoke":       {JA: "APIキー {prefix} を失効させました", EN: "API key {prefix} revoked"},
	"secret_once":       {JA: "{what}は今だけ表示されます。安全な場所に保管してください（再表示できません）", EN: "This {what} is shown only now: keep it somewhere safe (it cannot be shown again)"},
	"webhooks":          {JA: "Webhook送信先", EN: "Webhook endpoints"},
	"hook_url":          {JA: "送信先URL", EN: "URL"},
	"hook_events":       {JA: "イベント", EN: "Events"},
	"hook_event_hint":   {JA: "選ばなければ stock.changed 以外のすべて", EN: "None chosen: all but stock.changed"},
	"hook_all_events":   {JA: "すべて（stock.changed を除く）", EN: "all (but stock.changed)"},
	"hook_secret":       {JA: "署名シークレット", EN: "signing secret"},
	"hook_on":           {JA: "送信中", EN: "on"},
	"hook_off":          {JA: "停止中", EN: "off"},
	"hook_enable":       {JA: "再開", EN: "Switch on"},
	"hook_disable":      {JA: "停止", EN: "Switch off"},
	"hook_rotate":       {JA: "シークレット再発行", EN: "Rotate secret"},
	"confirm_rotate":    {JA: "もう一度押すと再発行します（旧シークレットも24時間有効）", EN: "Press again to rotate (the old secret signs for 24 more hours)"},
	"hook_rotated":      {JA: "シークレットを再発行しました", EN: "Secret rotated"},
	"hook_delete":       {JA: "削除", EN: "Remove"},
	"confirm_delete":    {JA: "もう一度押すと削除します", EN: "Press again to remove"},
	"hook_deleted":      {JA: "送信先を削除しました", EN: "Endpoint removed"},
	"new_hook":          {JA: "送信先を追加", EN: "Add an endpoint"},
	"hook_made":         {JA: "送信先を追加しました", EN: "Endpoint added"},
	"no_hooks":          {JA: "送信先はありません", EN: "No endpoints"},
	"deliveries":        {JA: "送信履歴", EN: "Delivery log"},
	"delivery_at":       {JA: "発生日時", EN: "Raised"},
	"delivery_event":    {JA: "イベント", EN: "Event"},
	"delivery_attempts": {JA: "試行", EN: "Tries"},
	"delivery_error":    {JA: "最後のエラー", EN: "Last error"},
	"redeliver":         {JA: "再送", EN: "Send again"},
	"done_redeliver":    {JA: "{event} を再送します", EN: "{event} queued again"},
	"no_deliveries":     {JA: "送信履歴はありません", EN: "No deliveries"},
	"d_pending":         {JA: "送信待ち", EN: "pending"},
	"d_delivered":       {JA: "送信済", EN: "delivered"},
	"d_dead":            {JA: "送信失敗", EN: "failed"},
	"wh_event_list":     {JA: strings.Join(soko.WebhookEventTypes, " "), EN: strings.Join(soko.WebhookEventTypes, " ")},
}
